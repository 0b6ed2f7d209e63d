/* SPDX-License-Identifier: MIT */
/*
 * The `encl` subcommands and what they share. Each subcommand is one file,
 * tools/encl/NAME.c, with one entry point declared here and one line in the
 * table in main.c. An entry point gets argv[0] = its own name, parses its
 * options with getopt_long (optind is reset for it), and returns the exit
 * code:
 *
 *   0  success
 *   1  a check failed (a signature, a policy, a comparison)
 *   2  bad usage or bad input, with a message naming the file (and line)
 */
#ifndef ENCL_TOOLS_CMD_H
#define ENCL_TOOLS_CMD_H

#include <stddef.h>
#include <stdint.h>
#include "sgx/arch.h"

#define ENCL_EXIT_OK		0
#define ENCL_EXIT_FAILED	1
#define ENCL_EXIT_USAGE		2

int cmd_detect(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_sigstruct(int argc, char **argv);

/* "encl CMD: message" on stderr. */
void encl_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage error: the message, a pointer to --help, and ENCL_EXIT_USAGE. */
int encl_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read a SIGSTRUCT file, which must be exactly 1808 bytes. */
int encl_read_sigstruct(const char *path, struct sgx_sigstruct *ss, char *err, size_t errlen);

/* A decimal or 0x-hex number no larger than @max, for option values. */
int encl_parse_uint(const char *s, uint64_t max, uint64_t *v);

#endif
