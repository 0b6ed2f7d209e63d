// SPDX-License-Identifier: MIT
/*
 * encl dump: write the layout of one identity of an enclave executable, for
 * the effective configuration (signed parameters overridden by SCONE_*), as
 * an "encl layout v1" dump that `encl measure` and independent tools read.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "image/binary.h"
#include "image/dump.h"
#include "tools/encl/cmd.h"

static const char dump_help[] =
"usage: encl dump --mode sgx1|edmm BINARY DIR\n"
"\n"
"Write DIR/layout and DIR/image: the layout of BINARY for the effective\n"
"configuration (the signed parameters overridden by SCONE_HEAP,\n"
"SCONE_MIN_HEAP, SCONE_STACK and SCONE_TCS). `encl measure DIR/layout\n"
"DIR/image` then prints what SCONE_HASH=1 (sgx1) or SCONE_EDMM_HASH=1\n"
"(edmm) prints. DIR is created if missing; each file is replaced atomically.\n"
"\n"
"  -m, --mode MODE  the layout: sgx1 (EDMM off) or edmm (required)\n"
"  -h, --help       this text\n"
"\n"
"Exit status: 0 on success, 2 for bad usage, a BINARY that cannot be read or\n"
"a DIR that cannot be written.\n";

static int dump(const char *path, enum encl_mode mode, const char *dir)
{
	struct encl_binary b;
	struct encl_config c;
	struct encl_layout l;
	char err[1024];
	int ret = ENCL_EXIT_USAGE;

	if (encl_binary_open(&b, path, 0, err, sizeof(err))) {
		encl_error("dump", "%s", err);
		return ret;
	}
	if (encl_binary_effective_config(&b, &c, err, sizeof(err)) ||
	    encl_binary_layout(&b, &c, mode, &l, NULL, err, sizeof(err))) {
		encl_error("dump", "%s", err);
		goto out;
	}
	if (encl_dump_write(&l, dir, err, sizeof(err)))
		encl_error("dump", "%s", err);
	else
		ret = ENCL_EXIT_OK;
	encl_layout_free(&l);
out:
	encl_binary_close(&b);
	return ret;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *mode = NULL;
	int c;

	while ((c = encl_getopt("dump", argc, argv, "m:h", opts)) != -1) {
		if (c == 'h') {
			fputs(dump_help, stdout);
			return ENCL_EXIT_OK;
		}
		if (c != 'm')
			return encl_try_help("dump");
		mode = optarg;
	}
	if (!mode)
		return encl_usage("dump", "--mode sgx1 or --mode edmm is required");
	if (strcmp(mode, "sgx1") && strcmp(mode, "edmm"))
		return encl_usage("dump", "--mode must be sgx1 or edmm, not '%s'", mode);
	if (encl_operands("dump", argc, argv, 2, "BINARY DIR"))
		return ENCL_EXIT_USAGE;
	return dump(argv[optind], strcmp(mode, "edmm") ? ENCL_MODE_SGX1 : ENCL_MODE_EDMM,
		    argv[optind + 1]);
}
