// SPDX-License-Identifier: MIT
/* encl sigstruct show|verify|sign: SIGSTRUCT files (SDM 34.14). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "image/file.h"
#include "image/key.h"
#include "sgx/sigstruct.h"
#include "tools/encl/cmd.h"

static const char sigstruct_help[] =
	"usage: encl sigstruct show FILE\n"
	"       encl sigstruct verify FILE\n"
	"       encl sigstruct sign --key KEY [OPTIONS] LAYOUT IMAGE OUT\n"
	"       encl sigstruct sign --key KEY --mrenclave HEX [OPTIONS] OUT\n"
	"\n"
	"A SIGSTRUCT file holds one 1808-byte SIGSTRUCT.\n"
	"  show    print every field, with its SDM name, and the MRSIGNER\n"
	"  verify  apply EINIT's checks: HEADER, HEADER2, VENDOR, EXPONENT = 3,\n"
	"          reserved fields, the RSA-3072 signature, Q1 and Q2; print\n"
	"          ENCLAVEHASH and MRSIGNER\n"
	"  sign    sign the MRENCLAVE of a layout dump (or a given one) and write OUT\n"
	"\n"
	"'encl sigstruct COMMAND --help' describes each.\n"
	"Exit status: 0 on success, 1 when verification fails, 2 for bad usage or input.\n";

static const char show_help[] =
	"usage: encl sigstruct show FILE\n"
	"\n"
	"Print every SIGSTRUCT field under its SDM name (MODULUS, SIGNATURE, Q1 and\n"
	"Q2 as stored, little endian), then the MRSIGNER. Nothing is verified.\n";

static const char verify_help[] =
	"usage: encl sigstruct verify FILE\n"
	"\n"
	"Apply EINIT's checks on a SIGSTRUCT and print its ENCLAVEHASH and MRSIGNER.\n"
	"Exit status: 0 when it verifies, 1 when a check fails (the first one is\n"
	"named), 2 when FILE cannot be read or is not 1808 bytes.\n";

static const char sign_help[] =
	"usage: encl sigstruct sign --key KEY [OPTIONS] LAYOUT IMAGE OUT\n"
	"       encl sigstruct sign --key KEY --mrenclave HEX [OPTIONS] OUT\n"
	"\n"
	"Write to OUT a SIGSTRUCT for the MRENCLAVE of the layout dump LAYOUT/IMAGE,\n"
	"or for HEX, signed with KEY (RSA-3072, e = 3, PEM). ATTRIBUTES are\n"
	"MODE64BIT with XFRM 0x3; everything not set by an option is zero.\n"
	"\n"
	"  -k, --key KEY          the signing key (required)\n"
	"  -m, --mrenclave HEX    sign this ENCLAVEHASH instead of measuring a layout\n"
	"  -d, --debug            set ATTRIBUTES.DEBUG\n"
	"      --isvprodid N      ISVPRODID (0-65535)\n"
	"      --isvsvn N         ISVSVN (0-65535)\n"
	"  -h, --help             this text\n";

/* getopt_long over @argv with only --help: 0 to go on, or the exit code + 1. */
static int help_only(int argc, char **argv, const char *cmd, const char *text)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = encl_getopt(cmd, argc, argv, "h", opts)) != -1) {
		if (c == 'h') {
			fputs(text, stdout);
			return ENCL_EXIT_OK + 1;
		}
		return encl_try_help(cmd) + 1;
	}
	return 0;
}

/* The one FILE argument of "sigstruct show|verify", read; or the exit code + 1. */
static int one_file(int argc, char **argv, const char *cmd, const char *text,
		    struct sgx_sigstruct *ss, const char **path)
{
	char err[1024];
	int r = help_only(argc, argv, cmd, text);

	if (r)
		return r;
	if (encl_operands(cmd, argc, argv, 1, "one FILE"))
		return ENCL_EXIT_USAGE + 1;
	*path = argv[optind];
	if (encl_read_sigstruct(*path, ss, err, sizeof(err))) {
		encl_error(cmd, "%s", err);
		return ENCL_EXIT_USAGE + 1;
	}
	return 0;
}

static void print_hex_field(const char *name, const uint8_t *p, size_t n)
{
	char hex[2 * SGX_MODULUS_SIZE + 1];
	size_t i;

	sgx_hex(p, n, hex);
	if (n <= 32) {
		printf("%-20s %s\n", name, hex);
		return;
	}
	printf("%-20s (%zu bytes, little endian)\n", name, n);
	for (i = 0; i < 2 * n; i += 64)
		printf("%-20s %.64s\n", "", hex + i);
}

static void print_attr_flags(const char *name, uint64_t flags)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ SGX_ATTR_INIT, "INIT" }, { SGX_ATTR_DEBUG, "DEBUG" },
		{ SGX_ATTR_MODE64BIT, "MODE64BIT" }, { SGX_ATTR_PROVISIONKEY, "PROVISIONKEY" },
		{ SGX_ATTR_EINITTOKENKEY, "EINITTOKENKEY" }, { SGX_ATTR_CET, "CET" },
		{ SGX_ATTR_KSS, "KSS" }, { SGX_ATTR_AEXNOTIFY, "AEXNOTIFY" },
	};
	const char *sep = " (";
	size_t i;

	printf("%-20s 0x%llx", name, (unsigned long long)flags);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = " ";
		}
	}
	printf("%s\n", strcmp(sep, " ") ? "" : ")");
}

static void print_mrsigner(const struct sgx_sigstruct *ss)
{
	uint8_t mrsigner[SGX_HASH_SIZE];

	sgx_sigstruct_mrsigner(ss, mrsigner);
	print_hex_field("MRSIGNER", mrsigner, sizeof(mrsigner));
}

static int sigstruct_show(int argc, char **argv)
{
	struct sgx_sigstruct ss;
	const char *path;
	int r = one_file(argc, argv, "sigstruct show", show_help, &ss, &path);

	if (r)
		return r - 1;
	print_hex_field("HEADER", ss.header, sizeof(ss.header));
	printf("%-20s 0x%08x\n", "VENDOR", ss.vendor);
	printf("%-20s 0x%08x\n", "DATE", ss.date);
	print_hex_field("HEADER2", ss.header2, sizeof(ss.header2));
	printf("%-20s 0x%08x\n", "SWDEFINED", ss.swdefined);
	print_hex_field("MODULUS", ss.modulus, sizeof(ss.modulus));
	printf("%-20s %u\n", "EXPONENT", ss.exponent);
	print_hex_field("SIGNATURE", ss.signature, sizeof(ss.signature));
	printf("%-20s 0x%08x\n", "MISCSELECT", ss.miscselect);
	printf("%-20s 0x%08x\n", "MISCMASK", ss.miscmask);
	print_hex_field("ISVFAMILYID", ss.isvfamilyid, sizeof(ss.isvfamilyid));
	print_attr_flags("ATTRIBUTES.FLAGS", ss.attributes.flags);
	printf("%-20s 0x%llx\n", "ATTRIBUTES.XFRM", (unsigned long long)ss.attributes.xfrm);
	printf("%-20s 0x%llx\n", "ATTRIBUTEMASK.FLAGS", (unsigned long long)ss.attributemask.flags);
	printf("%-20s 0x%llx\n", "ATTRIBUTEMASK.XFRM", (unsigned long long)ss.attributemask.xfrm);
	print_hex_field("ENCLAVEHASH", ss.enclavehash, sizeof(ss.enclavehash));
	print_hex_field("ISVEXTPRODID", ss.isvextprodid, sizeof(ss.isvextprodid));
	printf("%-20s %u\n", "ISVPRODID", ss.isvprodid);
	printf("%-20s %u\n", "ISVSVN", ss.isvsvn);
	print_hex_field("Q1", ss.q1, sizeof(ss.q1));
	print_hex_field("Q2", ss.q2, sizeof(ss.q2));
	print_mrsigner(&ss);
	return ENCL_EXIT_OK;
}

static int sigstruct_verify(int argc, char **argv)
{
	struct sgx_sigstruct ss;
	const char *path;
	char err[1024];
	int r = one_file(argc, argv, "sigstruct verify", verify_help, &ss, &path);

	if (r)
		return r - 1;
	print_hex_field("ENCLAVEHASH", ss.enclavehash, sizeof(ss.enclavehash));
	print_mrsigner(&ss);
	if (sgx_sigstruct_verify(&ss, err, sizeof(err))) {
		encl_error("sigstruct verify", "%s: verification failed: %s", path, err);
		return ENCL_EXIT_FAILED;
	}
	return ENCL_EXIT_OK;
}

/* ENCLAVEHASH for sign: given in hex, or measured from a layout dump. */
static int sign_hash(const char *hex, char **pos, uint8_t hash[SGX_HASH_SIZE])
{
	if (!hex)
		return encl_measure_dump("sigstruct sign", pos[0], pos[1], hash);
	if (sgx_unhex(hex, hash, SGX_HASH_SIZE))
		return encl_usage("sigstruct sign", "--mrenclave '%s': expected 64 hex digits", hex);
	return 0;
}

static int sigstruct_sign(int argc, char **argv)
{
	enum { OPT_ISVPRODID = 256, OPT_ISVSVN };
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "mrenclave", required_argument, NULL, 'm' },
		{ "debug", no_argument, NULL, 'd' },
		{ "isvprodid", required_argument, NULL, OPT_ISVPRODID },
		{ "isvsvn", required_argument, NULL, OPT_ISVSVN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sgx_sigstruct_fields f = {
		.attributes = { .flags = SGX_ATTR_MODE64BIT, .xfrm = SGX_XFRM_LEGACY },
	};
	const char *keypath = NULL, *hex = NULL, *out;
	struct sgx_sigstruct ss;
	char err[1024];
	EVP_PKEY *key;
	int c, r;

	while ((c = encl_getopt("sigstruct sign", argc, argv, "k:m:dh", opts)) != -1) {
		switch (c) {
		case 'k':
			keypath = optarg;
			break;
		case 'm':
			hex = optarg;
			break;
		case 'd':
			f.attributes.flags |= SGX_ATTR_DEBUG;
			break;
		case OPT_ISVPRODID:
			if (encl_parse_u16("sigstruct sign", "--isvprodid", optarg, &f.isvprodid))
				return ENCL_EXIT_USAGE;
			break;
		case OPT_ISVSVN:
			if (encl_parse_u16("sigstruct sign", "--isvsvn", optarg, &f.isvsvn))
				return ENCL_EXIT_USAGE;
			break;
		case 'h':
			fputs(sign_help, stdout);
			return ENCL_EXIT_OK;
		default:
			return encl_try_help("sigstruct sign");
		}
	}
	if (!keypath)
		return encl_usage("sigstruct sign", "--key KEY is required");
	if (encl_operands("sigstruct sign", argc, argv, hex ? 1 : 3,
			  hex ? "OUT" : "LAYOUT IMAGE OUT"))
		return ENCL_EXIT_USAGE;
	r = sign_hash(hex, argv + optind, f.enclavehash);
	if (r)
		return r;
	out = argv[argc - 1];

	key = encl_key_load(keypath, err, sizeof(err));
	if (!key) {
		encl_error("sigstruct sign", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	r = sgx_sigstruct_sign(&ss, &f, key, err, sizeof(err));
	EVP_PKEY_free(key);
	if (r) {
		encl_error("sigstruct sign", "%s: %s", keypath, err);
		return ENCL_EXIT_USAGE;
	}
	if (encl_write_atomic_buf(out, 0644, &ss, sizeof(ss), err, sizeof(err))) {
		encl_error("sigstruct sign", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	return ENCL_EXIT_OK;
}

int cmd_sigstruct(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} subs[] = {
		{ "show", sigstruct_show },
		{ "verify", sigstruct_verify },
		{ "sign", sigstruct_sign },
	};
	char name[32];
	size_t i;

	if (argc < 2)
		return encl_usage("sigstruct", "expected show, verify or sign");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(sigstruct_help, stdout);
		return ENCL_EXIT_OK;
	}
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name)) {
			/* as every entry point gets it: argv[0] = "encl NAME" (cmd.h) */
			snprintf(name, sizeof(name), "encl sigstruct %s", subs[i].name);
			argv[1] = name;
			return subs[i].fn(argc - 1, argv + 1);
		}
	return encl_usage("sigstruct", "unknown subcommand '%s'; expected show, verify or sign",
			  argv[1]);
}
