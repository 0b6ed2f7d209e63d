// SPDX-License-Identifier: MIT
/*
 * encl cas serve|check|session: the configuration and attestation service
 * (cas/) and its client (docs/attestation.md).
 *
 * The client names the service by its key's fingerprint: --cas-cert pins
 * one, otherwise the first key seen at an address is remembered (trust on
 * first use) and a different one is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include "cas/cas.h"
#include "tools/encl/cmd.h"

/* Beyond cmd.h's codes: the service could not be reached. */
#define ENCL_EXIT_UNREACHABLE	3

static const char serve_usage[] =
"usage: encl cas serve --db FILE [--listen ADDR:PORT] [--nonce-ttl SECONDS]\n"
"\n"
"Run the configuration and attestation service in the foreground until\n"
"SIGTERM or SIGINT. Sessions are kept in the SQLite database FILE (made when\n"
"missing); the service's identity key is FILE.key (made on first start, mode\n"
"0600) with its self-signed certificate FILE.crt. Prints one line: where it\n"
"listens and its key fingerprint (SHA-256 of the public key's DER\n"
"SubjectPublicKeyInfo), which clients and enclaves can pin. Logs one line\n"
"per refused request and per accepted attestation on standard error.\n"
"\n"
"  --db FILE           the database (required)\n"
"  --listen ADDR:PORT  where to listen (default 127.0.0.1:8081)\n"
"  --nonce-ttl SECONDS how long an attestation's nonce stays good, from the\n"
"                      challenge to the evidence (1 to 3600; default 60)\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 after a signal, 1 when the service cannot start.\n";

static const char check_usage[] =
"usage: encl cas check --db FILE\n"
"\n"
"Check a service database: its schema version and SQLite's integrity check.\n"
"Run it while no service uses FILE.\n"
"\n"
"Exit status: 0 when the database is sound, 1 when it is not, 2 for bad usage.\n";

static const char session_usage[] =
"usage: encl cas session create|update --cas ADDR:PORT [--cas-cert FILE] FILE.yaml\n"
"       encl cas session show|delete   --cas ADDR:PORT [--cas-cert FILE] NAME\n"
"\n"
"Manage sessions on a configuration and attestation service (session format:\n"
"docs/attestation.md). create and update print the new version hash; update\n"
"needs `predecessor:` set to the hash of the version it replaces. show prints\n"
"the session's YAML, then `# version: HASH`; generated secrets are never shown.\n"
"\n"
"The client's key is $XDG_CONFIG_HOME/encl/cas-client-key.pem (or\n"
"~/.config/encl/cas-client-key.pem), made on first use; a session can be read,\n"
"changed or deleted only with the key that created it. Without --cas-cert the\n"
"service's key is trusted on first use and remembered per address in\n"
"$XDG_CONFIG_HOME/encl/cas-known-services; a different key at a known address\n"
"is refused.\n"
"\n"
"  --cas ADDR:PORT     the service (required)\n"
"  --cas-cert FILE     trust only the key of this certificate (the service's FILE.crt)\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 done, 1 refused (by the service, or its key is not the one\n"
"trusted), 2 bad usage or input, 3 the service could not be reached.\n";

static const char cas_usage[] =
"usage: encl cas serve --db FILE [--listen ADDR:PORT] [--nonce-ttl SECONDS]\n"
"       encl cas check --db FILE\n"
"       encl cas session create|update|show|delete --cas ADDR:PORT [--cas-cert FILE]\n"
"                        FILE.yaml|NAME\n"
"\n"
"The configuration and attestation service (docs/attestation.md). Run\n"
"encl cas serve --help or encl cas session --help for details.\n";

static int cmd_serve(int argc, char **argv)
{
	enum { O_DB = 256, O_LISTEN, O_NONCE_TTL };
	static const struct option opts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "nonce-ttl", required_argument, NULL, O_NONCE_TTL },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *db = NULL, *listen_addr = "127.0.0.1:8081";
	uint64_t nonce_ttl = ENCL_CAS_NONCE_TTL;
	int c;

	optind = 0;
	while ((c = encl_getopt("cas serve", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_DB: db = optarg; break;
		case O_LISTEN: listen_addr = optarg; break;
		case O_NONCE_TTL:
			if (encl_parse_uint("cas serve", "--nonce-ttl", optarg, 1,
					    ENCL_CAS_NONCE_TTL_MAX, &nonce_ttl))
				return ENCL_EXIT_USAGE;
			break;
		case 'h': fputs(serve_usage, stdout); return 0;
		default: return encl_try_help("cas serve");
		}
	}
	if (!db)
		return encl_usage("cas serve", "missing --db FILE");
	if (encl_operands("cas serve", argc, argv, 0, ""))
		return ENCL_EXIT_USAGE;
	return encl_cas_serve(db, listen_addr, (unsigned)nonce_ttl) ? ENCL_EXIT_FAILED : 0;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct encl_cas_db *db;
	const char *path = NULL;
	char err[512];
	int c, rc;

	optind = 0;
	while ((c = encl_getopt("cas check", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'h': fputs(check_usage, stdout); return 0;
		default: return encl_try_help("cas check");
		}
	}
	if (!path)
		return encl_usage("cas check", "missing --db FILE");
	if (encl_operands("cas check", argc, argv, 0, ""))
		return ENCL_EXIT_USAGE;
	if (access(path, F_OK)) {
		encl_error("cas check", "%s: %s", path, strerror(errno));
		return ENCL_EXIT_USAGE;
	}
	db = encl_cas_db_open(path, err, sizeof(err));
	rc = !db || encl_cas_db_check(db, err, sizeof(err));
	if (rc)
		encl_error("cas check", "%s", err);
	else
		printf("%s: ok\n", path);
	encl_cas_db_close(db);
	return rc ? ENCL_EXIT_FAILED : 0;
}

/* ---- the client ------------------------------------------------------- */

/* $XDG_CONFIG_HOME/encl/NAME, or ~/.config/encl/NAME; the folder is made (0700). */
static int config_path(const char *name, char *out, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char dir[4096];

	if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/encl", xdg);
	else if (home && *home)
		snprintf(dir, sizeof(dir), "%s/.config/encl", home);
	else {
		encl_error("cas session", "neither XDG_CONFIG_HOME nor HOME is set: "
			   "no place for the client key");
		return -1;
	}
	/* Each missing folder on the way, private: the client key lives here. */
	for (char *sl = strchr(dir + 1, '/'); ; sl = strchr(sl + 1, '/')) {
		if (sl)
			*sl = 0;
		if (mkdir(dir, 0700) && errno != EEXIST) {
			encl_error("cas session", "%s: %s", dir, strerror(errno));
			return -1;
		}
		if (!sl)
			break;
		*sl = '/';
	}
	snprintf(out, len, "%s/%s", dir, name);
	return 0;
}

struct client {
	const char *addr, *cas_cert;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
};

/* The fingerprint of the key in certificate FILE. */
static int cert_fingerprint(const char *path, char fp[ENCL_CAS_HASH_HEX])
{
	uint8_t v[ENCL_CAS_FP_SIZE];
	FILE *f = fopen(path, "r");
	X509 *crt;
	int rc;

	if (!f) {
		encl_error("cas session", "--cas-cert %s: %s", path, strerror(errno));
		return -1;
	}
	crt = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	rc = !crt || encl_cas_fingerprint(X509_get0_pubkey(crt), v);
	X509_free(crt);
	if (rc) {
		encl_error("cas session", "--cas-cert %s: not a PEM certificate", path);
		return -1;
	}
	sgx_hex(v, sizeof(v), fp);
	return 0;
}

/*
 * Is @fp the key to trust at @addr? TOFU: the first one seen is appended
 * to cas-known-services; a different one later is refused.
 */
static int trust(const char *addr, const char *fp)
{
	char path[4200], line[512], known[ENCL_CAS_HASH_HEX];
	size_t alen = strlen(addr);
	FILE *f;

	if (config_path("cas-known-services", path, sizeof(path)))
		return ENCL_EXIT_USAGE;
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, addr, alen) || line[alen] != ' ')
			continue;
		snprintf(known, sizeof(known), "%.64s", line + alen + 1);
		fclose(f);
		if (!strcmp(known, fp))
			return 0;
		encl_error("cas session", "the service at %s has key %s, but %s was remembered "
			   "for it; if the service really has a new key, remove its line from %s",
			   addr, fp, known, path);
		return ENCL_EXIT_FAILED;
	}
	if (f)
		fclose(f);
	f = fopen(path, "a");
	if (!f || fprintf(f, "%s %s\n", addr, fp) < 0 || fclose(f)) {
		encl_error("cas session", "%s: %s", path, strerror(errno));
		return ENCL_EXIT_USAGE;
	}
	fprintf(stderr, "encl cas session: trusting the service at %s on first use, key %s\n",
		addr, fp);
	return 0;
}

static int check_service_key(struct client *cl)
{
	X509 *crt = SSL_get1_peer_certificate(cl->ssl);
	char fp[ENCL_CAS_HASH_HEX], want[ENCL_CAS_HASH_HEX];
	uint8_t v[ENCL_CAS_FP_SIZE];
	int bad = !crt || encl_cas_fingerprint(X509_get0_pubkey(crt), v);

	X509_free(crt);
	if (bad) {
		encl_error("cas session", "the service at %s sent no usable certificate", cl->addr);
		return ENCL_EXIT_FAILED;
	}
	sgx_hex(v, sizeof(v), fp);
	if (!cl->cas_cert)
		return trust(cl->addr, fp);
	if (cert_fingerprint(cl->cas_cert, want))
		return ENCL_EXIT_USAGE;
	if (strcmp(fp, want)) {
		encl_error("cas session", "the service at %s has key %s, not %s of --cas-cert %s",
			   cl->addr, fp, want, cl->cas_cert);
		return ENCL_EXIT_FAILED;
	}
	return 0;
}

static int client_connect(struct client *cl)
{
	struct timeval tv = { .tv_sec = ENCL_CAS_IO_TIMEOUT };
	char key_path[4200], err[512];
	struct sockaddr_storage ss;
	socklen_t sslen;
	EVP_PKEY *key;
	X509 *crt;

	if (encl_cas_parse_addr(cl->addr, &ss, &sslen, err, sizeof(err))) {
		encl_error("cas session", "--cas: %s", err);
		return ENCL_EXIT_USAGE;
	}
	if (config_path("cas-client-key.pem", key_path, sizeof(key_path)))
		return ENCL_EXIT_USAGE;
	if (encl_cas_identity(key_path, NULL, &key, &crt, err, sizeof(err))) {
		encl_error("cas session", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	cl->ctx = encl_cas_client_ctx(key, crt, err, sizeof(err));
	EVP_PKEY_free(key);
	X509_free(crt);
	if (!cl->ctx) {
		encl_error("cas session", "%s", err);
		return ENCL_EXIT_USAGE;
	}
	cl->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cl->fd < 0 || setsockopt(cl->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(cl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    connect(cl->fd, (struct sockaddr *)&ss, sslen)) {
		encl_error("cas session", "cannot reach the service at %s: %s", cl->addr,
			   strerror(errno));
		return ENCL_EXIT_UNREACHABLE;
	}
	cl->ssl = SSL_new(cl->ctx);
	if (!cl->ssl || !SSL_set_fd(cl->ssl, cl->fd) || SSL_connect(cl->ssl) != 1) {
		encl_error("cas session", "TLS with the service at %s failed: %s", cl->addr,
			   encl_cas_ssl_error());
		return ENCL_EXIT_UNREACHABLE;
	}
	return check_service_key(cl);
}

static void client_close(struct client *cl)
{
	if (cl->ssl)
		SSL_shutdown(cl->ssl);
	SSL_free(cl->ssl);
	SSL_CTX_free(cl->ctx);
	if (cl->fd >= 0)
		close(cl->fd);
}

/* One request, one answer: OK leaves its body in *ans; ERROR is printed. */
static int request(struct client *cl, uint16_t type, const void *body, size_t len,
		   uint8_t **ans, size_t *anslen)
{
	char err[256];
	uint16_t atype;
	int rc;

	if (encl_cas_frame_write(cl->ssl, type, body, len)) {
		encl_error("cas session", "lost the connection to %s", cl->addr);
		return ENCL_EXIT_UNREACHABLE;
	}
	rc = encl_cas_frame_read(cl->ssl, &atype, ans, anslen, err, sizeof(err));
	if (rc) {
		encl_error("cas session", "%s from %s", rc == -1 ? "no answer" : err, cl->addr);
		return ENCL_EXIT_UNREACHABLE;
	}
	if (atype == ENCL_CAS_OK)
		return 0;
	encl_error("cas session", "refused: %.*s", (int)*anslen, (char *)*ans);
	free(*ans);
	*ans = NULL;
	return ENCL_EXIT_FAILED;
}

static int read_file(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n;
	char *p = NULL, *q;

	if (!f) {
		encl_error("cas session", "%s: %s", path, strerror(errno));
		return ENCL_EXIT_USAGE;
	}
	*len = 0;
	for (;;) {
		q = realloc(p, cap + 1);
		if (!q)
			break;
		p = q;
		n = fread(p + *len, 1, cap - *len, f);
		*len += n;
		if (*len < cap || *len > ENCL_CAS_FRAME_MAX)
			break;
		cap *= 2;
	}
	fclose(f);
	if (!q) {
		free(p);
		encl_error("cas session", "%s: out of memory", path);
		return ENCL_EXIT_USAGE;
	}
	if (*len > ENCL_CAS_FRAME_MAX) {
		free(p);
		encl_error("cas session", "%s is larger than the %u bytes a request can hold",
			   path, ENCL_CAS_FRAME_MAX);
		return ENCL_EXIT_USAGE;
	}
	*buf = p;
	return 0;
}

static int session_run(const char *verb, struct client *cl, const char *operand)
{
	static const struct { const char *verb; uint16_t type; int file; } verbs[] = {
		{ "create", ENCL_CAS_SESSION_CREATE, 1 },
		{ "update", ENCL_CAS_SESSION_UPDATE, 1 },
		{ "show", ENCL_CAS_SESSION_SHOW, 0 },
		{ "delete", ENCL_CAS_SESSION_DELETE, 0 },
	};
	char *body = NULL, hash[ENCL_CAS_HASH_HEX];
	uint8_t *ans = NULL, digest[ENCL_CAS_FP_SIZE];
	size_t i, len, anslen;
	int rc;

	for (i = 0; i < 4 && strcmp(verbs[i].verb, verb); i++)
		;
	if (i == 4)
		return encl_usage("cas session", "unknown subcommand '%s' (expected create, "
				  "update, show or delete)", verb);
	if (verbs[i].file) {
		rc = read_file(operand, &body, &len);
		if (rc)
			return rc;
	} else {
		body = strdup(operand);
		len = strlen(operand);
		if (!body)
			return ENCL_EXIT_USAGE;
	}
	rc = client_connect(cl);
	if (!rc)
		rc = request(cl, verbs[i].type, body, len, &ans, &anslen);
	free(body);
	if (rc)
		return rc;
	switch (verbs[i].type) {
	case ENCL_CAS_SESSION_CREATE:
	case ENCL_CAS_SESSION_UPDATE:
		printf("%.*s\n", (int)anslen, (char *)ans);
		break;
	case ENCL_CAS_SESSION_SHOW:
		/* The version is the hash of the YAML as stored: the same bytes. */
		EVP_Digest(ans, anslen, digest, NULL, EVP_sha256(), NULL);
		sgx_hex(digest, sizeof(digest), hash);
		fwrite(ans, 1, anslen, stdout);
		if (anslen && ans[anslen - 1] != '\n')
			putchar('\n');
		printf("# version: %s\n", hash);
		break;
	}
	free(ans);
	return fflush(stdout) ? ENCL_EXIT_USAGE : 0;
}

static int cmd_session(int argc, char **argv)
{
	enum { O_CAS = 256, O_CAS_CERT };
	static const struct option opts[] = {
		{ "cas", required_argument, NULL, O_CAS },
		{ "cas-cert", required_argument, NULL, O_CAS_CERT },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct client cl = { .fd = -1 };
	const char *verb;
	int c, rc;

	optind = 0;
	while ((c = encl_getopt("cas session", argc, argv, "h", opts)) != -1) {
		switch (c) {
		case O_CAS: cl.addr = optarg; break;
		case O_CAS_CERT: cl.cas_cert = optarg; break;
		case 'h': fputs(session_usage, stdout); return 0;
		default: return encl_try_help("cas session");
		}
	}
	if (optind == argc)
		return encl_usage("cas session", "missing create, update, show or delete");
	verb = argv[optind++];
	if (!cl.addr)
		return encl_usage("cas session", "missing --cas ADDR:PORT");
	if (encl_operands("cas session", argc, argv, 1,
			  strncmp(verb, "show", 4) && strcmp(verb, "delete") ? "FILE.yaml" : "NAME"))
		return ENCL_EXIT_USAGE;
	rc = session_run(verb, &cl, argv[optind]);
	client_close(&cl);
	return rc;
}

/* argv[0] is "encl cas"; argv[1] the subcommand. */
int cmd_cas(int argc, char **argv)
{
	if (argc < 2) {
		fputs(cas_usage, stderr);
		return ENCL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "serve")) {
		argv[1] = "encl cas serve";
		return cmd_serve(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "check")) {
		argv[1] = "encl cas check";
		return cmd_check(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "session")) {
		argv[1] = "encl cas session";
		return cmd_session(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(cas_usage, stdout);
		return 0;
	}
	return encl_usage("cas", "unknown subcommand '%s'", argv[1]);
}
