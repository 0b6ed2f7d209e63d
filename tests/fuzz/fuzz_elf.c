// SPDX-License-Identifier: MIT
/* The ELF reader (image/elf.c) on any file. */
#include "image/elf.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct encl_elf elf;
	char err[256];

	if (size > FUZZ_MAX_INPUT)
		return 0;
	encl_elf_parse(data, size, &elf, err, sizeof(err));
	return 0;
}
