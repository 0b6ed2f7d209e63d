// SPDX-License-Identifier: MIT
/* A `.encl_meta` section (image/meta.c), and the configuration it signs. */
#include <string.h>

#include "image/config.h"
#include "image/meta.h"
#include "sgx/sigstruct.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct encl_config c;
	struct encl_meta m;
	char err[256];

	if (size > FUZZ_MAX_INPUT)
		return 0;
	if (encl_meta_read(data, size, &m, err, sizeof(err)))
		return 0;
	encl_meta_get_config(&m, &c);
	encl_config_finish(&c, err, sizeof(err));
	for (int i = 0; i < 2; i++)
		sgx_sigstruct_verify(&m.sigstruct[i], err, sizeof(err));
	return 0;
}
