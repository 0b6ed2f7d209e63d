// SPDX-License-Identifier: MIT
/* encl keygen: a new enclave signing key. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image/key.h"
#include "sgx/sigstruct.h"
#include "tools/encl/cmd.h"

static const char keygen_help[] =
	"usage: encl keygen [--force] FILE\n"
	"\n"
	"Generate an RSA-3072 key with public exponent 3, the only kind SGX accepts,\n"
	"and write it to FILE as PKCS#1 PEM, mode 0600. Prints its MRSIGNER.\n"
	"\n"
	"  -f, --force   replace FILE if it exists (by default an existing key is kept)\n"
	"  -h, --help    this text\n"
	"\n"
	"Exit status: 0 on success, 2 for bad usage or when FILE cannot be written.\n";

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t mrsigner[SGX_HASH_SIZE];
	char err[1024], hex[2 * SGX_HASH_SIZE + 1];
	const char *path;
	EVP_PKEY *key;
	int c, force = 0;

	while ((c = encl_getopt("keygen", argc, argv, "fh", opts)) != -1) {
		switch (c) {
		case 'f':
			force = 1;
			break;
		case 'h':
			fputs(keygen_help, stdout);
			return ENCL_EXIT_OK;
		default:
			return encl_try_help("keygen");
		}
	}
	if (encl_operands("keygen", argc, argv, 1, "one FILE"))
		return ENCL_EXIT_USAGE;
	path = argv[optind];
	/* Losing a signing key changes MRSIGNER for good: never overwrite silently. */
	if (!force && access(path, F_OK) == 0)
		return encl_usage("keygen", "%s: exists; refusing to replace a key (use --force)", path);
	if (encl_key_generate(path, err, sizeof(err))) {
		encl_error("keygen", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	key = encl_key_load(path, err, sizeof(err));
	if (!key || sgx_key_mrsigner(key, mrsigner)) {
		encl_error("keygen", "%s", key ? "cannot compute MRSIGNER" : err);
		EVP_PKEY_free(key);
		return ENCL_EXIT_USAGE;
	}
	EVP_PKEY_free(key);
	sgx_hex(mrsigner, sizeof(mrsigner), hex);
	printf("MRSIGNER %s\n", hex);
	return ENCL_EXIT_OK;
}
