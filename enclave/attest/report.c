// SPDX-License-Identifier: MIT
/*
 * The REPORT for the quoting enclave: EREPORT with its TARGETINFO, as the
 * host gave it (a wrong one only makes a REPORT the quoting enclave cannot
 * check), and REPORTDATA binding the enclave's key to the service's nonce
 * (abi/cas.h).
 */
#include <string.h>

#include <mbedtls/sha256.h>

#include "enclave/attest/attest.h"
#include "sgx/arch.h"

void attest_reportdata(const uint8_t nonce[ENCL_CAS_NONCE_SIZE],
		       const uint8_t key[ENCL_P256_POINT_SIZE], uint8_t rd[64])
{
	mbedtls_sha256_context c;

	memset(rd, 0, 64);
	mbedtls_sha256_init(&c);
	mbedtls_sha256_starts_ret(&c, 0);
	mbedtls_sha256_update_ret(&c, (const unsigned char *)ENCL_CAS_REPORTDATA_LABEL,
				  sizeof(ENCL_CAS_REPORTDATA_LABEL) - 1);
	mbedtls_sha256_update_ret(&c, nonce, ENCL_CAS_NONCE_SIZE);
	mbedtls_sha256_update_ret(&c, key, ENCL_P256_POINT_SIZE);
	mbedtls_sha256_finish_ret(&c, rd);
	mbedtls_sha256_free(&c);
}

void attest_report(const struct sgx_targetinfo *target, const uint8_t reportdata[64],
		   struct sgx_report *out)
{
	static struct sgx_targetinfo ti;
	static uint8_t rd[64] __attribute__((aligned(128)));
	uint64_t rax = SGX_EREPORT;

	ti = *target;
	memcpy(rd, reportdata, sizeof(rd));
	__asm__ volatile("enclu"
			 : "+a"(rax)
			 : "b"(&ti), "c"(rd), "d"(out)
			 : "memory", "cc");
}
