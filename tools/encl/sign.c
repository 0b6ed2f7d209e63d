// SPDX-License-Identifier: MIT
/*
 * encl sign: sign both layouts of an enclave executable and write the
 * signed parameters and SIGSTRUCTs into it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image/key.h"
#include "image/sign.h"
#include "image/xfrm.h"
#include "tools/encl/cmd.h"

static const char sign_help[] =
"usage: encl sign [OPTIONS] BINARY\n"
"\n"
"Measure both layouts of BINARY (SGX1 and EDMM) for the given parameters,\n"
"sign them, and write the parameters and both SIGSTRUCTs into BINARY, in\n"
"place (atomically) or to -o OUT. Parameters not given keep their signed\n"
"values when BINARY is already signed, else the defaults. When BINARY (or\n"
"OUT) is a symbolic link, the file it points to is signed and the link\n"
"kept. A read-only file is not replaced without --force.\n"
"\n"
"  --key PEM           RSA-3072, e = 3 key (default: $ENCL_KEY, else the debug\n"
"                      key $XDG_CONFIG_HOME/encl/debug-signing-key.pem, created\n"
"                      on first use)\n"
"  --heap SIZE         maximum heap (default 64M)\n"
"  --min-heap SIZE     EDMM: heap committed at start (default 20M)\n"
"  --stack SIZE        stack per thread (default 2M)\n"
"  --tcs N             thread slots (default 8)\n"
"  --enclave-size SIZE EDMM ELRANGE, a power of two (default 64G)\n"
"  --xfrm X            the register state the enclave may use (SECS XFRM):\n"
"                      legacy (x87, SSE; the default), avx (+ AVX), avx512\n"
"                      (+ AVX-512), or auto (the smallest that the registers\n"
"                      the program uses need); a program that uses more\n"
"                      than X is refused\n"
"  --env               take SCONE_HEAP, SCONE_MIN_HEAP, SCONE_STACK, SCONE_TCS\n"
"                      from the environment (options still win)\n"
"  --production        clear ATTRIBUTES.DEBUG\n"
"  --isvprodid N       ISVPRODID (0-65535)\n"
"  --isvsvn N          ISVSVN (0-65535)\n"
"  --cas-key FP        measure in the fingerprint (64 hex digits, SHA-256 of the\n"
"                      DER public key `encl cas serve` prints) of the only\n"
"                      attestation service the enclave takes its configuration\n"
"                      from; such an enclave also refuses to start without\n"
"                      SCONE_CONFIG_ID (docs/attestation.md); `none` removes it\n"
"  -o OUT              write the signed executable to OUT\n"
"  --force             replace the file even when it is read-only\n"
"  --check-options     only check the options (values, --key), with no BINARY:\n"
"                      what encl-cc does before it compiles anything\n"
"  -h, --help          this text\n"
"\n"
"SIZE is bytes with an optional K, M or G suffix.\n"
"Exit status: 0 on success, 2 for bad usage, a bad value or a BINARY that\n"
"cannot be read or written.\n";

enum { OPT_KEY = 256, OPT_HEAP, OPT_MIN_HEAP, OPT_STACK, OPT_TCS, OPT_ENCLAVE_SIZE, OPT_XFRM,
       OPT_ENV, OPT_PRODUCTION, OPT_ISVPRODID, OPT_ISVSVN, OPT_CAS_KEY,
       OPT_CHECK_OPTIONS, OPT_FORCE };

static const struct option sign_opts[] = {
	{ "key", required_argument, NULL, OPT_KEY },
	{ "heap", required_argument, NULL, OPT_HEAP },
	{ "min-heap", required_argument, NULL, OPT_MIN_HEAP },
	{ "stack", required_argument, NULL, OPT_STACK },
	{ "tcs", required_argument, NULL, OPT_TCS },
	{ "enclave-size", required_argument, NULL, OPT_ENCLAVE_SIZE },
	{ "xfrm", required_argument, NULL, OPT_XFRM },
	{ "env", no_argument, NULL, OPT_ENV },
	{ "production", no_argument, NULL, OPT_PRODUCTION },
	{ "isvprodid", required_argument, NULL, OPT_ISVPRODID },
	{ "isvsvn", required_argument, NULL, OPT_ISVSVN },
	{ "cas-key", required_argument, NULL, OPT_CAS_KEY },
	{ "check-options", no_argument, NULL, OPT_CHECK_OPTIONS },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

#define NPARAMS	(OPT_XFRM - OPT_HEAP + 1)

/* Parameter options, applied after the signed values and the environment. */
struct sign_args {
	const char *param[NPARAMS];	/* in the order of param_key */
	const char *isvprodid, *isvsvn;
	const char *cas_key;
	int env;
	int check_only;		/* --check-options: no BINARY */
	int force;		/* --force: replace a read-only file */
	struct encl_sign_opts o;
};

static const char *const param_key[NPARAMS] = {
	"heap", "min_heap", "stack", "tcs", "enclave_size", "xfrm",
};
static const char *const param_opt[NPARAMS] = {
	"--heap", "--min-heap", "--stack", "--tcs", "--enclave-size", "--xfrm",
};

static int parse_args(int argc, char **argv, struct sign_args *a)
{
	int c;

	while ((c = encl_getopt("sign", argc, argv, "o:h", sign_opts)) != -1) {
		switch (c) {
		case OPT_KEY: a->o.key = optarg; break;
		case OPT_HEAP: case OPT_MIN_HEAP: case OPT_STACK: case OPT_TCS: case OPT_ENCLAVE_SIZE:
		case OPT_XFRM:
			a->param[c - OPT_HEAP] = optarg;
			break;
		case OPT_ENV: a->env = 1; break;
		case OPT_PRODUCTION: a->o.production = 1; break;
		case OPT_ISVPRODID: a->isvprodid = optarg; break;
		case OPT_ISVSVN: a->isvsvn = optarg; break;
		case OPT_CAS_KEY: a->cas_key = optarg; break;
		case OPT_CHECK_OPTIONS: a->check_only = 1; break;
		case OPT_FORCE: a->force = 1; break;
		case 'o': a->o.out = optarg; break;
		case 'h': fputs(sign_help, stdout); return 1;
		default: return -1;
		}
	}
	return 0;
}

/* --cas-key: a fingerprint, or `none` to sign without a pin. */
static int parse_cas_key(const char *s, struct encl_config *c)
{
	if (!strcmp(s, "none")) {
		c->cas_pinned = 0;
		memset(c->cas_key, 0, sizeof(c->cas_key));
		return 0;
	}
	if (strlen(s) != 2 * sizeof(c->cas_key) || sgx_unhex(s, c->cas_key, sizeof(c->cas_key)))
		return encl_usage("sign", "--cas-key '%s': give the service's fingerprint, 64 hex "
				  "digits (what `encl cas serve` prints), or none", s);
	c->cas_pinned = 1;
	return 0;
}

/*
 * Signed values (or defaults), then the environment, then the options.
 * With no @b (--check-options), the defaults.
 */
static int build_config(const struct encl_binary *b, struct sign_args *a)
{
	struct encl_config *c = &a->o.config;
	char err[512];
	int i;

	if (!b)
		encl_config_default(c);
	else
		encl_binary_signed_config(b, c);
	if (b && b->is_signed) {
		a->o.isvprodid = b->meta.isvprodid;
		a->o.isvsvn = b->meta.isvsvn;
	}
	if (a->env && encl_config_from_env(c, err, sizeof(err)))
		return encl_usage("sign", "%s", err);
	/* SCONE's signer reads these; ours does only when asked, so say so. */
	if (!a->env && encl_config_env_set(err, sizeof(err)))
		fprintf(stderr, "encl sign: note: %s from the environment not used: add --env "
			"to sign with them, or give --heap, --min-heap, --stack, --tcs\n", err);
	for (i = 0; i < NPARAMS; i++)
		if (a->param[i] && encl_config_set(c, param_key[i], a->param[i], param_opt[i],
						   err, sizeof(err)))
			return encl_usage("sign", "%s", err);
	if (c->xfrm == ENCL_XFRM_AUTO && !b) {
		/* auto is the program's to decide: the rest is checked with the default */
		struct encl_config d;

		encl_config_default(&d);
		c->xfrm = d.xfrm;
	}
	if (c->xfrm == ENCL_XFRM_AUTO && encl_xfrm_for_program(&b->elf, &c->xfrm, err, sizeof(err))) {
		encl_error("sign", "%s: %s", b->path, err);
		return ENCL_EXIT_USAGE;
	}
	if (encl_config_finish(c, err, sizeof(err)))
		return encl_usage("sign", "%s", err);
	if (c->min_heap_asked) {
		char asked[32], heap[32];

		fprintf(stderr, "encl sign: warning: minimum heap %s is above the heap %s: "
			"signed with a minimum heap of %s\n", encl_size_format(c->min_heap_asked, asked),
			encl_size_format(c->heap, heap), heap);
	}
	if ((a->isvprodid && encl_parse_u16("sign", "--isvprodid", a->isvprodid, &a->o.isvprodid)) ||
	    (a->isvsvn && encl_parse_u16("sign", "--isvsvn", a->isvsvn, &a->o.isvsvn)))
		return ENCL_EXIT_USAGE;
	return a->cas_key ? parse_cas_key(a->cas_key, c) : 0;
}

/* --check-options: what signing would refuse before it reads a BINARY. */
static int check_options(int argc, char **argv, struct sign_args *a)
{
	EVP_PKEY *key;
	char err[1024];
	int r;

	if (encl_operands("sign", argc, argv, 0, "no BINARY with --check-options"))
		return ENCL_EXIT_USAGE;
	r = build_config(NULL, a);
	if (r || !a->o.key)
		return r;
	key = encl_key_load(a->o.key, err, sizeof(err));
	if (!key)
		return encl_usage("sign", "--key: %s", err);
	EVP_PKEY_free(key);
	return 0;
}

/*
 * The command the user ran, with @fix applied: every option as parsed (the
 * key, identity and output included, so the result signs what was meant),
 * ready to paste.
 */
static void print_fixed_command(const struct sign_args *a, const struct encl_sign_fix *fix,
				const char *binary)
{
	char cmd[1024] = "encl sign";
	size_t n = strlen(cmd);
	int seen = 0;

#define ADD(...) (n += (size_t)snprintf(cmd + n, n < sizeof(cmd) ? sizeof(cmd) - n : 0, __VA_ARGS__))
	if (a->o.key)
		ADD(" --key %s", a->o.key);
	for (int i = 0; i < NPARAMS; i++) {
		const char *v = a->param[i];

		if (!strcmp(param_opt[i], fix->option)) {
			v = fix->value;
			seen = 1;
		}
		if (v)
			ADD(" %s %s", param_opt[i], v);
	}
	if (!seen)
		ADD(" %s %s", fix->option, fix->value);
	if (a->env)
		ADD(" --env");
	if (a->o.production)
		ADD(" --production");
	if (a->isvprodid)
		ADD(" --isvprodid %s", a->isvprodid);
	if (a->isvsvn)
		ADD(" --isvsvn %s", a->isvsvn);
	if (a->cas_key)
		ADD(" --cas-key %s", a->cas_key);
	if (a->o.out)
		ADD(" -o %s", a->o.out);
	ADD(" %s", binary);
#undef ADD
	if (n < sizeof(cmd))
		encl_error("sign", "run: %s", cmd);
}

/*
 * A file without its owner's write permission was made so to keep it as it
 * is: refuse before any work, unless --force. Root could replace it anyway,
 * so the mode, not access(2), decides.
 */
static int check_writable(const char *path, int force)
{
	struct stat st;

	if (force || stat(path, &st) || st.st_mode & S_IWUSR)
		return 0;
	encl_error("sign", "%s is read-only (mode %04o): make it writable (chmod u+w) or pass --force to replace it",
		   path, (unsigned)(st.st_mode & 07777));
	return ENCL_EXIT_USAGE;
}

int cmd_sign(int argc, char **argv)
{
	struct sign_args a = { 0 };
	struct encl_sign_fix fix;
	struct encl_binary b;
	char err[1024];
	int r = parse_args(argc, argv, &a);

	if (r)
		return r > 0 ? ENCL_EXIT_OK : encl_try_help("sign");
	if (a.check_only)
		return check_options(argc, argv, &a);
	if (encl_operands("sign", argc, argv, 1, "one BINARY"))
		return ENCL_EXIT_USAGE;
	if (check_writable(a.o.out ? a.o.out : argv[optind], a.force))
		return ENCL_EXIT_USAGE;
	if (encl_binary_open(&b, argv[optind], ENCL_BINARY_UNSIGNED_OK, err, sizeof(err))) {
		encl_error("sign", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	r = build_config(&b, &a);
	if (!r && !b.elf.x86_used_known)
		encl_error("sign", "warning: %s: the enclave image does not record which registers it uses (no GNU_PROPERTY_X86_FEATURE_2_USED note): whether XFRM %s suffices cannot be checked; rebuild it with encl-cc",
			   b.path, encl_xfrm_format(a.o.config.xfrm, (char[32]){ 0 }));
	if (!r && encl_sign_check_fit(&b, &a.o.config, &fix, err, sizeof(err))) {
		encl_error("sign", "%s", err);
		if (fix.option)
			print_fixed_command(&a, &fix, argv[optind]);
		r = ENCL_EXIT_USAGE;
	}
	if (!r && encl_sign_binary(&b, &a.o, err, sizeof(err))) {
		encl_error("sign", "%s", err);
		r = ENCL_EXIT_USAGE;
	}
	encl_binary_close(&b);
	return r;
}
