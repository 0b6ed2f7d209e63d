// SPDX-License-Identifier: MIT
/*
 * encl --version: the release, the commit the tool was built from, and the
 * C libraries on each side. The values come from build/gen/version.h,
 * which the Makefile writes; they live in the tool only, never in a
 * measured enclave image.
 */
#include <gnu/libc-version.h>
#include <stdio.h>

#include "tools/encl/cmd.h"
#include "version.h"

void encl_print_version(FILE *f)
{
	fprintf(f, "encl %s (commit %s)\n", ENCL_VERSION, ENCL_COMMIT);
	fprintf(f, "host C library: glibc %s\n", gnu_get_libc_version());
	fprintf(f, "enclave C library: musl %s\n", ENCL_MUSL_VERSION);
}
