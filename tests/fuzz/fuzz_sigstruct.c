// SPDX-License-Identifier: MIT
/* A SIGSTRUCT's checks (sgx/sigstruct.c): the fixed fields, the RSA signature and MRSIGNER. */
#include <string.h>

#include "sgx/sigstruct.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t mrsigner[SGX_HASH_SIZE];
	struct sgx_sigstruct ss;
	char err[256];

	if (size != sizeof(ss))
		return 0;
	memcpy(&ss, data, sizeof(ss));
	sgx_sigstruct_verify(&ss, err, sizeof(err));
	sgx_sigstruct_mrsigner(&ss, mrsigner);
	return 0;
}
