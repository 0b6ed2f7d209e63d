/* SPDX-License-Identifier: MIT */
/*
 * The service's accept loop: one thread per connection, at most
 * ENCL_CAS_MAX_CONNECTIONS at once, and a timeout on the handshake and on
 * each read so that an idle or garbage connection cannot hold a thread.
 * One log line (stderr) per refusal and per accepted attestation.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include "cas/cas.h"

struct server {
	SSL_CTX *ctx;
	struct encl_cas_db *db;
	struct encl_cas_attest *attest;
	atomic_int active;
};

struct conn {
	struct server *srv;
	int fd;
	char peer[64];
};

static volatile sig_atomic_t stopping;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void logf_(const char *peer, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(const char *peer, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "encl cas: %s: ", peer);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

int encl_cas_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
			char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	char host[256];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;
	int rc;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host)) {
		snprintf(err, errlen, "address '%s' is not HOST:PORT (e.g. 127.0.0.1:%u)", s,
			 ENCL_CAS_DEFAULT_PORT);
		return -1;
	}
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 1 || port > 65535) {
		snprintf(err, errlen, "port '%s' in '%s' is not a number from 1 to 65535",
			 colon + 1, s);
		return -1;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sslen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

/* The client key's fingerprint as 64 hex, or 0 when it sent no certificate. */
static int peer_owner(SSL *ssl, char owner[ENCL_CAS_HASH_HEX])
{
	X509 *crt = SSL_get1_peer_certificate(ssl);
	EVP_PKEY *key = crt ? X509_get0_pubkey(crt) : NULL;
	uint8_t fp[ENCL_CAS_FP_SIZE];
	int ok = key && !encl_cas_fingerprint(key, fp);

	if (ok)
		sgx_hex(fp, sizeof(fp), owner);
	X509_free(crt);
	return ok;
}

static void serve_conn(struct conn *c)
{
	struct server *srv = c->srv;
	char owner[ENCL_CAS_HASH_HEX], err[256], log[1024];
	int has_owner;
	SSL *ssl = SSL_new(srv->ctx);

	if (!ssl || !SSL_set_fd(ssl, c->fd))
		goto out;
	if (SSL_accept(ssl) != 1) {
		logf_(c->peer, "refused: TLS handshake failed: %s", encl_cas_ssl_error());
		goto out;
	}
	has_owner = peer_owner(ssl, owner);
	for (;;) {
		uint8_t *body, *ans = NULL;
		size_t len, anslen = 0;
		uint16_t type, atype;
		int rc = encl_cas_frame_read(ssl, &type, &body, &len, err, sizeof(err));

		if (rc == -1)
			break;
		if (rc == -2) {
			logf_(c->peer, "refused: %s", err);
			encl_cas_frame_error(ssl, "%s", err);
			break;
		}
		log[0] = 0;
		if (type == ENCL_CAS_ATTEST_HELLO)
			atype = encl_cas_attest_hello(srv->attest, body, len, &ans, &anslen,
						      log, sizeof(log));
		else if (type == ENCL_CAS_ATTEST_EVIDENCE)
			atype = encl_cas_attest_evidence(srv->attest, body, len, &ans, &anslen,
							 log, sizeof(log));
		else
			atype = encl_cas_session_request(srv->db, has_owner ? owner : NULL, type,
							 body, len, (char **)&ans, &anslen);
		free(body);
		if (log[0])
			logf_(c->peer, "%s", log);
		else if (atype == ENCL_CAS_ERROR)
			logf_(c->peer, "refused: %.*s", (int)anslen, ans ? (char *)ans : "");
		rc = ans ? encl_cas_frame_write(ssl, atype, ans, anslen) :
			   encl_cas_frame_error(ssl, "out of memory");
		free(ans);
		if (rc)
			break;
	}
	SSL_shutdown(ssl);
out:
	SSL_free(ssl);
	ERR_clear_error();
	close(c->fd);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	struct server *srv = c->srv;

	serve_conn(c);
	free(c);
	atomic_fetch_sub(&srv->active, 1);
	OPENSSL_thread_stop();
	return NULL;
}

static void peer_name(const struct sockaddr_storage *ss, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
	}
	snprintf(out, len, "%s:%u", host, port);
}

static void accept_one(struct server *srv, int lfd)
{
	struct timeval tv = { .tv_sec = ENCL_CAS_IO_TIMEOUT };
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	pthread_attr_t attr;
	pthread_t t;
	struct conn *c;
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sslen, SOCK_CLOEXEC);
	char peer[64];

	if (fd < 0)
		return;
	/*
	 * A frame leaves as several small TLS records: without TCP_NODELAY,
	 * Nagle's algorithm and the peer's delayed ACK stall each exchange
	 * by tens of milliseconds (bench/README.md, "Attestation").
	 */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	peer_name(&ss, peer, sizeof(peer));
	if (atomic_load(&srv->active) >= ENCL_CAS_MAX_CONNECTIONS) {
		logf_(peer, "refused: %d connections are open already", ENCL_CAS_MAX_CONNECTIONS);
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	memcpy(c->peer, peer, sizeof(peer));
	atomic_fetch_add(&srv->active, 1);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, conn_thread, c)) {
		logf_(peer, "refused: cannot start a thread");
		atomic_fetch_sub(&srv->active, 1);
		close(fd);
		free(c);
	}
	pthread_attr_destroy(&attr);
}

static int listen_on(const char *addr, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int one = 1, fd;

	if (encl_cas_parse_addr(addr, &ss, &sslen, err, errlen))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, sslen) || listen(fd, 128)) {
		snprintf(err, errlen, "cannot listen on %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int encl_cas_serve(const char *db_path, const char *listen_addr, unsigned nonce_ttl)
{
	struct server srv = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };
	char key_path[4096], crt_path[4096], err[512], fp_hex[ENCL_CAS_HASH_HEX];
	uint8_t fp[ENCL_CAS_FP_SIZE];
	EVP_PKEY *key = NULL;
	X509 *crt = NULL;
	int lfd = -1, rc = 1, waited;

	snprintf(key_path, sizeof(key_path), "%s.key", db_path);
	snprintf(crt_path, sizeof(crt_path), "%s.crt", db_path);
	srv.db = encl_cas_db_open(db_path, err, sizeof(err));
	if (!srv.db || encl_cas_identity(key_path, crt_path, &key, &crt, err, sizeof(err)) ||
	    encl_cas_fingerprint(key, fp) ||
	    !(srv.ctx = encl_cas_server_ctx(key, crt, err, sizeof(err))) ||
	    !(srv.attest = encl_cas_attest_new(srv.db, key, nonce_ttl)) ||
	    (lfd = listen_on(listen_addr, err, sizeof(err))) < 0) {
		fprintf(stderr, "encl cas serve: %s\n", err);
		goto out;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sgx_hex(fp, sizeof(fp), fp_hex);
	printf("encl cas: listening on %s, key fingerprint %s\n", listen_addr, fp_hex);
	fflush(stdout);
	while (!stopping) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		if (poll(&p, 1, 500) > 0)	/* a signal just before poll waits at most this */
			accept_one(&srv, lfd);
	}
	close(lfd);
	/* Connections finish what they are doing: at most one I/O timeout. */
	for (waited = 0; atomic_load(&srv.active) && waited < 10 * (ENCL_CAS_IO_TIMEOUT + 1);
	     waited++)
		usleep(100000);
	rc = 0;
	if (atomic_load(&srv.active)) {
		/* Their threads still use the database: exit without freeing it. */
		fprintf(stderr, "encl cas serve: %d connections still open at exit\n",
			atomic_load(&srv.active));
		return rc;
	}
out:
	encl_cas_attest_free(srv.attest);
	SSL_CTX_free(srv.ctx);
	encl_cas_db_close(srv.db);
	EVP_PKEY_free(key);
	X509_free(crt);
	return rc;
}
