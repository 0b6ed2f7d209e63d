// SPDX-License-Identifier: MIT
/*
 * Placeholder for the host runtime: the executable format, the identities
 * and SCONE_HASH work, running the enclave does not exist yet.
 */
#include <stdio.h>

#include "host/run.h"

int encl_host_run(const struct encl_binary *b, const struct encl_config *c,
		  int argc, char **argv, char **envp)
{
	(void)b; (void)c; (void)argc; (void)argv; (void)envp;
	fprintf(stderr, "encl: enclave execution not available yet\n");
	return ENCL_EXIT_NOSTART;
}
