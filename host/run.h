/* SPDX-License-Identifier: MIT */
/*
 * The host runtime proper: called by host/main.c once the executable's
 * metadata has been read and the effective configuration (signed
 * parameters overridden by SCONE_*) is known and valid. It chooses the
 * mode, loads the enclave with a backend, runs the program and returns its
 * exit status, or 125 with a one-line reason on stderr when the enclave
 * cannot be started.
 */
#ifndef ENCL_HOST_RUN_H
#define ENCL_HOST_RUN_H

#include "image/binary.h"
#include "image/config.h"

#define ENCL_EXIT_NOSTART	125

/*
 * The one line for exit 125: "encl: @msg", with /proc/self/exe (how the
 * executable opens itself) replaced by its real name. Returns 125.
 */
int encl_host_nostart(const char *msg);

int encl_host_run(const struct encl_binary *b, const struct encl_config *c,
		  int argc, char **argv, char **envp);

#endif
