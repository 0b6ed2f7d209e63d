/* SPDX-License-Identifier: MIT */
/*
 * The `encl` subcommands and what they share. Each subcommand is one file,
 * tools/encl/NAME.c, with one entry point declared here and one line in the
 * table in main.c. An entry point gets argv[0] = "encl NAME"; it parses its
 * options with encl_getopt (optind is reset for it), whose messages name
 * the command, and returns the exit code:
 *
 *   0  success
 *   1  a check failed (a signature, a policy, a comparison)
 *   2  bad usage or bad input, with a message naming the file (and line)
 */
#ifndef ENCL_TOOLS_CMD_H
#define ENCL_TOOLS_CMD_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sgx/arch.h"

#define ENCL_EXIT_OK		0
#define ENCL_EXIT_FAILED	1
#define ENCL_EXIT_USAGE		2

int cmd_advise(int argc, char **argv);
int cmd_cas(int argc, char **argv);
int cmd_detect(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_sigstruct(int argc, char **argv);

/* encl --version: the release, the commit, the C libraries (version.c). */
void encl_print_version(FILE *f);

/*
 * getopt_long for the subcommands, with their own messages instead of
 * getopt's: an unknown option is named with the closest known one ("unknown
 * option '--heep'; did you mean '--heap'?"), and a missing or unexpected
 * value names its option. Returns what getopt_long returns; on '?' the
 * message is printed and the caller only returns encl_try_help(cmd).
 * --opt=value and --opt value are both accepted, as getopt_long does.
 */
int encl_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
		const struct option *longopts);

/* "encl CMD: message" on stderr. */
void encl_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A usage error: the message, a pointer to --help, and ENCL_EXIT_USAGE. */
int encl_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Exactly @n operands after the options (argv[optind] on): 0, or
 * ENCL_EXIT_USAGE after "expected @what" when there are fewer, or
 * "unexpected argument 'X'" naming the first extra one.
 */
int encl_operands(const char *cmd, int argc, char **argv, int n, const char *what);

/*
 * A bad option that getopt has already named on stderr: only the pointer
 * to --help, and ENCL_EXIT_USAGE.
 */
int encl_try_help(const char *cmd);

/* @s as a JSON string on stdout: quotes, backslashes and control bytes escaped. */
void encl_json_string(const char *s);

/* Read a SIGSTRUCT file, which must be exactly 1808 bytes. */
int encl_read_sigstruct(const char *path, struct sgx_sigstruct *ss, char *err, size_t errlen);

/*
 * The value @s of option @opt: a decimal or 0x-hex number from @min to
 * @max. 0, or ENCL_EXIT_USAGE after a message that names the option, the
 * value and the range.
 */
int encl_parse_uint(const char *cmd, const char *opt, const char *s, uint64_t min,
		    uint64_t max, uint64_t *v);

/* encl_parse_uint() from 0 to 65535 (ISVPRODID, ISVSVN). */
int encl_parse_u16(const char *cmd, const char *opt, const char *s, uint16_t *v);

/*
 * The MRENCLAVE of a layout dump: the files @layout and @image, or with
 * @image NULL the dump directory @layout. 0, or ENCL_EXIT_USAGE after a
 * message that names the file (and line).
 */
int encl_measure_dump(const char *cmd, const char *layout, const char *image,
		      uint8_t mrenclave[SGX_HASH_SIZE]);

#endif
