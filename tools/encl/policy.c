// SPDX-License-Identifier: MIT
/*
 * encl policy check|template: session policies on the command line.
 *
 * Exit codes of check: 0 when every checked identity is accepted, 1 when
 * one is rejected, 2 for bad input (arguments, policy, binary). template
 * exits 0 or 2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "image/identity.h"
#include "policy/policy.h"
#include "tools/encl/cmd.h"

static const char check_usage[] =
"usage: encl policy check POLICY --service NAME [--mode sgx1|edmm|both] BINARY\n"
"       encl policy check POLICY --service NAME [--mode sgx1|edmm] --mrenclave HEX\n"
"                         [--mrsigner HEX [--isvprodid N] [--isvsvn N]] [--debug]\n"
"\n"
"Would the enclave be accepted as service NAME of the session policy POLICY\n"
"(\"-\" reads standard input)? Prints one line per checked identity:\n"
"  sgx1: accepted (the rule that matched)\n"
"  edmm: rejected (why no rule did)\n"
"\n"
"With BINARY, the identities of its layouts are computed for the effective\n"
"configuration: SCONE_HEAP, SCONE_STACK, SCONE_TCS and the rest are read from\n"
"the environment exactly as SCONE_HASH=1 and SCONE_EDMM_HASH=1 read them.\n"
"--mode picks the layouts to check (default both).\n"
"\n"
"With --mrenclave instead of BINARY, that one identity is checked. Its line is\n"
"labelled \"mrenclave:\", or \"sgx1:\"/\"edmm:\" when --mode names the layout it\n"
"belongs to (--mode both needs a BINARY). Without --mrsigner no signer rule\n"
"can match; --isvprodid and --isvsvn default to 0. --debug marks the enclave\n"
"as a debug enclave (ATTRIBUTES.DEBUG).\n"
"\n"
"  --service NAME    the service in POLICY to check against (required)\n"
"  --mode MODE       sgx1, edmm or both\n"
"  --mrenclave HEX   64 hex digits\n"
"  --mrsigner HEX    64 hex digits\n"
"  --isvprodid N     0 to 65535\n"
"  --isvsvn N        0 to 65535\n"
"  --debug           a debug enclave\n"
"  -h, --help        this text\n"
"\n"
"Exit status: 0 if every checked identity is accepted, 1 if one is rejected,\n"
"2 for bad input (arguments, policy, unknown service, unreadable binary).\n";

static const char template_usage[] =
"usage: encl policy template --service NAME [--session NAME] [--signer] BINARY\n"
"\n"
"Print a session policy whose service NAME accepts BINARY: it lists the\n"
"MRENCLAVEs of both layouts (sgx1, then edmm), and nothing else is accepted.\n"
"--signer adds an alternative for the binary's signer (MRSIGNER, ISVPRODID,\n"
"and its ISVSVN as isvsvn_min): it accepts ANY enclave signed with the same\n"
"key and ISVPRODID, with that ISVSVN or a higher one, other programs too.\n"
"debug-mode is tolerated only when the binary is signed as a debug enclave.\n"
"The MRENCLAVEs are those of the effective configuration (SCONE_* from the\n"
"environment, as for SCONE_HASH=1); the sgx1 one changes with SCONE_HEAP.\n"
"\n"
"  --service NAME    the service's name (required)\n"
"  --session NAME    the session's name (default: the service's)\n"
"  --signer          also accept the binary's signer and product, as above\n"
"  -h, --help        this text\n"
"\n"
"Exit status: 0, or 2 for bad input.\n";

static const char policy_usage[] =
"usage: encl policy check POLICY --service NAME (BINARY | --mrenclave HEX ...)\n"
"       encl policy template --service NAME [--session NAME] [--signer] BINARY\n"
"\n"
"Session policies (a subset of SCONE's session language 0.3, docs/policy.md).\n"
"Run encl policy check --help or encl policy template --help for details.\n";

static int parse_hash_arg(const char *opt, const char *s, uint8_t out[SGX_HASH_SIZE])
{
	char msg[96];
	size_t bad;

	if (!encl_policy_parse_hash(s, strlen(s), out, &bad, msg, sizeof(msg)))
		return 0;
	encl_error("policy check", "%s %s", opt, msg);
	return -1;
}

/* Loads POLICY and finds the service, or says why not. */
static struct encl_policy *load_service(const char *path, const char *name,
					const struct encl_policy_service **svc)
{
	struct encl_policy *p;
	char err[512];

	p = encl_policy_parse_file(path, err, sizeof(err));
	if (!p) {
		encl_error("policy check", "%s", err);
		return NULL;
	}
	*svc = encl_policy_service(p, name);
	if (!*svc) {
		encl_error("policy check", "%s has no service '%s' (it has %zu)",
			   path, name, p->nservice);
		encl_policy_free(p);
		return NULL;
	}
	return p;
}

static int check_one(const struct encl_policy *p, const struct encl_policy_service *s,
		     const char *label, const struct encl_identity *id, unsigned flags)
{
	char reason[2048];
	enum encl_policy_verdict v = encl_policy_eval(p, s, id, flags, reason, sizeof(reason));

	printf("%s: %s (%s)\n", label, v == ENCL_POLICY_ACCEPTED ? "accepted" : "rejected",
	       reason);
	return v == ENCL_POLICY_ACCEPTED ? 0 : ENCL_EXIT_FAILED;
}

struct check_args {
	const char *policy, *binary, *service, *mode;
	const char *mrenclave, *mrsigner, *isvprodid, *isvsvn;
	int debug;
};

/* Which layouts: bit ENCL_MODE_SGX1 and bit ENCL_MODE_EDMM; 0 for a bad name. */
static unsigned mode_mask(const char *mode)
{
	if (!mode || !strcmp(mode, "both"))
		return 1u << ENCL_MODE_SGX1 | 1u << ENCL_MODE_EDMM;
	if (!strcmp(mode, "sgx1"))
		return 1u << ENCL_MODE_SGX1;
	if (!strcmp(mode, "edmm"))
		return 1u << ENCL_MODE_EDMM;
	return 0;
}

static int check_binary(const struct check_args *a, const struct encl_policy *p,
			const struct encl_policy_service *s)
{
	struct encl_identity id[2];
	unsigned mask = mode_mask(a->mode);
	char err[512];
	int m, ret = 0;

	if (encl_identities(a->binary, id, err, sizeof(err))) {
		encl_error("policy check", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	for (m = ENCL_MODE_SGX1; m <= ENCL_MODE_EDMM; m++)
		if (mask & 1u << m)
			ret |= check_one(p, s, encl_mode_name(m), &id[m], 0);
	return ret;
}

/* The identity given by --mrenclave and friends; 0 or ENCL_EXIT_USAGE. */
static int given_identity(const struct check_args *a, struct encl_identity *id,
			  unsigned *flags)
{
	memset(id, 0, sizeof(*id));
	id->mode = a->mode && !strcmp(a->mode, "edmm") ? ENCL_MODE_EDMM : ENCL_MODE_SGX1;
	id->debug = a->debug;
	*flags = a->mrsigner ? 0 : ENCL_POLICY_NO_SIGNER;
	if (parse_hash_arg("--mrenclave", a->mrenclave, id->mrenclave))
		return ENCL_EXIT_USAGE;
	if (a->mrsigner && parse_hash_arg("--mrsigner", a->mrsigner, id->mrsigner))
		return ENCL_EXIT_USAGE;
	if (a->isvprodid && encl_parse_u16("policy check", "--isvprodid", a->isvprodid,
					   &id->isvprodid))
		return ENCL_EXIT_USAGE;
	if (a->isvsvn && encl_parse_u16("policy check", "--isvsvn", a->isvsvn, &id->isvsvn))
		return ENCL_EXIT_USAGE;
	return 0;
}

/* The combinations of options that make sense, before anything is read. */
static int check_validate(const struct check_args *a)
{
	if (!a->policy)
		return encl_usage("policy check", "missing POLICY");
	if (!a->service)
		return encl_usage("policy check", "missing --service NAME");
	if (!mode_mask(a->mode))
		return encl_usage("policy check", "--mode must be sgx1, edmm or both, not '%s'",
				  a->mode);
	if (!a->binary == !a->mrenclave)
		return encl_usage("policy check", "%s", a->binary ?
				  "give either BINARY or --mrenclave, not both" :
				  "missing BINARY or --mrenclave");
	if (a->binary && (a->mrsigner || a->isvprodid || a->isvsvn || a->debug))
		return encl_usage("policy check", "--mrsigner, --isvprodid, --isvsvn "
				  "and --debug go with --mrenclave; a BINARY has its own");
	if (a->mrenclave && a->mode && !strcmp(a->mode, "both"))
		return encl_usage("policy check", "--mode both needs a BINARY; "
				  "--mrenclave is one layout's hash");
	if (!a->mrsigner && (a->isvprodid || a->isvsvn))
		return encl_usage("policy check", "--isvprodid and --isvsvn need --mrsigner");
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	enum { O_SERVICE = 256, O_MODE, O_MRENCLAVE, O_MRSIGNER, O_ISVPRODID, O_ISVSVN,
	       O_DEBUG };
	static const struct option opts[] = {
		{ "service", required_argument, NULL, O_SERVICE },
		{ "mode", required_argument, NULL, O_MODE },
		{ "mrenclave", required_argument, NULL, O_MRENCLAVE },
		{ "mrsigner", required_argument, NULL, O_MRSIGNER },
		{ "isvprodid", required_argument, NULL, O_ISVPRODID },
		{ "isvsvn", required_argument, NULL, O_ISVSVN },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct check_args a = { 0 };
	const struct encl_policy_service *s;
	struct encl_policy *p;
	struct encl_identity id;
	unsigned flags = 0;
	int c, ret;

	optind = 0;
	while ((c = encl_getopt("policy check", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_SERVICE: a.service = optarg; break;
		case O_MODE: a.mode = optarg; break;
		case O_MRENCLAVE: a.mrenclave = optarg; break;
		case O_MRSIGNER: a.mrsigner = optarg; break;
		case O_ISVPRODID: a.isvprodid = optarg; break;
		case O_ISVSVN: a.isvsvn = optarg; break;
		case O_DEBUG: a.debug = 1; break;
		case 'h': fputs(check_usage, stdout); return 0;
		default:	/* encl_getopt has said what is wrong */
			return encl_try_help("policy check");
		}
	}
	if (optind < argc)
		a.policy = argv[optind++];
	if (optind < argc)
		a.binary = argv[optind++];
	if (optind < argc)
		return encl_usage("policy check", "unexpected argument '%s'", argv[optind]);
	ret = check_validate(&a);
	if (!ret && a.mrenclave)
		ret = given_identity(&a, &id, &flags);
	if (ret)
		return ret;
	p = load_service(a.policy, a.service, &s);
	if (!p)
		return ENCL_EXIT_USAGE;
	if (a.binary)
		ret = check_binary(&a, p, s);
	else
		/* labelled by --mode when given, as --help says */
		ret = check_one(p, s, a.mode ? a.mode : "mrenclave", &id, flags);
	encl_policy_free(p);
	return ret;
}

static int cmd_template(int argc, char **argv)
{
	enum { O_SERVICE = 256, O_SESSION, O_SIGNER };
	static const struct option opts[] = {
		{ "service", required_argument, NULL, O_SERVICE },
		{ "session", required_argument, NULL, O_SESSION },
		{ "signer", no_argument, NULL, O_SIGNER },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *service = NULL, *session = NULL, *binary;
	struct encl_identity id[2];
	char err[512];
	int c, signer = 0;

	optind = 0;
	while ((c = encl_getopt("policy template", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_SERVICE: service = optarg; break;
		case O_SESSION: session = optarg; break;
		case O_SIGNER: signer = 1; break;
		case 'h': fputs(template_usage, stdout); return 0;
		default:	/* encl_getopt has said what is wrong */
			return encl_try_help("policy template");
		}
	}
	if (!service)
		return encl_usage("policy template", "missing --service NAME");
	if (optind == argc)
		return encl_usage("policy template", "missing BINARY");
	if (optind + 1 != argc)
		return encl_usage("policy template", "give exactly one BINARY, not also '%s'",
				  argv[optind + 1]);
	binary = argv[optind];
	if (encl_identities(binary, id, err, sizeof(err))) {
		encl_error("policy template", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	if (encl_policy_template(stdout, session, service, id, 2, signer, err, sizeof(err))) {
		encl_error("policy template", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	if (fflush(stdout)) {
		perror("encl policy template: standard output");
		return ENCL_EXIT_USAGE;
	}
	return 0;
}

/* argv[0] is "encl policy"; argv[1] the subcommand. */
int cmd_policy(int argc, char **argv)
{
	if (argc < 2) {
		fputs(policy_usage, stderr);
		return ENCL_EXIT_USAGE;
	}
	/* getopt names argv[0] in its messages. */
	if (!strcmp(argv[1], "check")) {
		argv[1] = "encl policy check";
		return cmd_check(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "template")) {
		argv[1] = "encl policy template";
		return cmd_template(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(policy_usage, stdout);
		return 0;
	}
	return encl_usage("policy", "unknown subcommand '%s'", argv[1]);
}
