// SPDX-License-Identifier: MIT
#include <stddef.h>

#include "sgx/arch.h"
#include "sgx/return_code.h"

static const struct {
	uint64_t code;
	const char *name;
	const char *meaning;
} codes[] = {
	{ SGX_SUCCESS, "SGX_SUCCESS", "success" },
	{ SGX_INVALID_SIG_STRUCT, "SGX_INVALID_SIG_STRUCT",
	  "the SIGSTRUCT header, exponent or Q1/Q2 is malformed" },
	{ SGX_INVALID_ATTRIBUTE, "SGX_INVALID_ATTRIBUTE",
	  "the enclave's attributes or MISCSELECT do not match the SIGSTRUCT under its masks" },
	{ SGX_BLKSTATE, "SGX_BLKSTATE", "the page is in the blocked state" },
	{ SGX_INVALID_MEASUREMENT, "SGX_INVALID_MEASUREMENT",
	  "MRENCLAVE differs from SIGSTRUCT.ENCLAVEHASH" },
	{ SGX_NOTBLOCKABLE, "SGX_NOTBLOCKABLE", "the page cannot be blocked" },
	{ SGX_PG_INVLD, "SGX_PG_INVLD", "the EPC page is invalid" },
	{ SGX_EPC_PAGE_CONFLICT, "SGX_EPC_PAGE_CONFLICT",
	  "the EPC page is in use by another SGX instruction" },
	{ SGX_INVALID_SIGNATURE, "SGX_INVALID_SIGNATURE",
	  "the SIGSTRUCT signature does not verify" },
	{ SGX_MAC_COMPARE_FAIL, "SGX_MAC_COMPARE_FAIL", "MAC check failed" },
	{ SGX_PAGE_NOT_BLOCKED, "SGX_PAGE_NOT_BLOCKED", "the page is not blocked" },
	{ SGX_NOT_TRACKED, "SGX_NOT_TRACKED", "ETRACK has not completed" },
	{ SGX_VA_SLOT_OCCUPIED, "SGX_VA_SLOT_OCCUPIED", "the VA slot is occupied" },
	{ SGX_CHILD_PRESENT, "SGX_CHILD_PRESENT", "the SECS still has child pages" },
	{ SGX_ENCLAVE_ACT, "SGX_ENCLAVE_ACT", "a logical processor is inside the enclave" },
	{ SGX_ENTRYEPOCH_LOCKED, "SGX_ENTRYEPOCH_LOCKED", "the entry epoch is locked" },
	{ SGX_INVALID_EINITTOKEN, "SGX_INVALID_EINITTOKEN",
	  "the launch token is invalid (launch control: MRSIGNER not allowed)" },
	{ SGX_PREV_TRK_INCMPL, "SGX_PREV_TRK_INCMPL", "the previous tracking is incomplete" },
	{ SGX_PG_IS_SECS, "SGX_PG_IS_SECS", "the page is a SECS" },
	{ SGX_PAGE_ATTRIBUTES_MISMATCH, "SGX_PAGE_ATTRIBUTES_MISMATCH",
	  "the page's EPCM attributes do not match the request" },
	{ SGX_PAGE_NOT_MODIFIABLE, "SGX_PAGE_NOT_MODIFIABLE",
	  "the page cannot be modified (PENDING or MODIFIED, or not yet accepted)" },
	{ SGX_PAGE_NOT_DEBUGGABLE, "SGX_PAGE_NOT_DEBUGGABLE", "the page is not debuggable" },
	{ SGX_INVALID_CPUSVN, "SGX_INVALID_CPUSVN", "the CPUSVN is not supported" },
	{ SGX_INVALID_ISVSVN, "SGX_INVALID_ISVSVN", "the ISVSVN is too high" },
	{ SGX_UNMASKED_EVENT, "SGX_UNMASKED_EVENT", "an interrupt arrived during EINIT" },
	{ SGX_INVALID_KEYNAME, "SGX_INVALID_KEYNAME", "the key name is invalid" },
};

static int find(uint64_t code)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return (int)i;
	return -1;
}

const char *sgx_return_code_name(uint64_t code)
{
	int i = find(code);

	return i < 0 ? NULL : codes[i].name;
}

const char *sgx_return_code_meaning(uint64_t code)
{
	int i = find(code);

	return i < 0 ? NULL : codes[i].meaning;
}
