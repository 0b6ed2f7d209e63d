// SPDX-License-Identifier: MIT
/* encl measure: the MRENCLAVE of an "encl layout v1" dump. */
#include <getopt.h>
#include <stdio.h>

#include "sgx/sigstruct.h"
#include "tools/encl/cmd.h"

static const char measure_help[] =
	"usage: encl measure LAYOUT IMAGE\n"
	"       encl measure DIR\n"
	"\n"
	"Print the MRENCLAVE (64 hex digits) of a layout dump: the SHA-256 that\n"
	"ECREATE, EADD and EEXTEND would accumulate. LAYOUT is the \"encl layout v1\"\n"
	"text and IMAGE the pages of its data segments; DIR means DIR/layout and\n"
	"DIR/image, as 'encl dump' writes them.\n"
	"\n"
	"Exit status: 0 on success, 2 for bad usage or an invalid layout or image.\n";

int cmd_measure(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t mrenclave[SGX_HASH_SIZE];
	char hex[2 * SGX_HASH_SIZE + 1];
	int c;

	while ((c = encl_getopt("measure", argc, argv, "h", opts)) != -1) {
		if (c == 'h') {
			fputs(measure_help, stdout);
			return ENCL_EXIT_OK;
		}
		return encl_try_help("measure");
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return encl_usage("measure", "expected LAYOUT IMAGE, or a dump DIR");
	if (argc > 2)
		return encl_usage("measure", "unexpected argument '%s'", argv[2]);
	if (encl_measure_dump("measure", argv[0], argc == 2 ? argv[1] : NULL, mrenclave))
		return ENCL_EXIT_USAGE;
	sgx_hex(mrenclave, sizeof(mrenclave), hex);
	printf("%s\n", hex);
	return ENCL_EXIT_OK;
}
