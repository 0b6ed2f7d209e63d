// SPDX-License-Identifier: MIT
/*
 * The host's part in attestation (docs/attestation.md, abi/boundary.h):
 * ENCL_OCALL_QUOTE goes to the backend's quoting enclave; ENCL_OCALL_CAS
 * relays one frame to the attestation service and one answer back, over a
 * TLS 1.3 connection opened at the first request. The host reads none of
 * the bytes it relays: the enclave checks the service's signature and
 * decrypts the answer itself, so the connection needs no certificate
 * check to keep secrets safe (a wrong service is refused inside).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "abi/boundary.h"
#include "abi/cas.h"
#include "host/host.h"

struct encl_cas_link {
	char host[256];
	char port[8];
	SSL_CTX *ctx;
	SSL *ssl;
	int fd;
};

/*
 * SCONE_CAS_ADDR=host[:port], checked at start when SCONE_CONFIG_ID is
 * set, so that a mistake is reported before the enclave is built.
 */
int encl_host_attest_settings(struct encl_host *h, char *err, size_t errlen)
{
	const char *addr = getenv("SCONE_CAS_ADDR"), *id = getenv("SCONE_CONFIG_ID");
	const char *colon;
	struct encl_cas_link *l;
	char *end;
	size_t hl;
	long port = ENCL_CAS_DEFAULT_PORT;

	if (!id)
		return 0;
	if (!addr || !*addr) {
		snprintf(err, errlen, "SCONE_CONFIG_ID=%s is set but SCONE_CAS_ADDR is not: set "
			 "SCONE_CAS_ADDR=host:port, where `encl cas serve` listens", id);
		return -1;
	}
	colon = strrchr(addr, ':');
	hl = colon ? (size_t)(colon - addr) : strlen(addr);
	if (colon) {
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || errno || port < 1 || port > 65535)
			goto bad;
	}
	if (hl && addr[0] == '[' && addr[hl - 1] == ']') {	/* [IPv6]:port */
		addr++;
		hl -= 2;
	}
	if (!hl || hl >= sizeof(l->host) || memchr(addr, '/', hl) || memchr(addr, ' ', hl))
		goto bad;
	l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(l->host, addr, hl);
	snprintf(l->port, sizeof(l->port), "%ld", port);
	l->fd = -1;
	h->cas = l;
	return 0;
bad:
	snprintf(err, errlen, "SCONE_CAS_ADDR=%s is not host:port (a name or address, and a "
		 "port 1-65535; e.g. 127.0.0.1:%d)", getenv("SCONE_CAS_ADDR"), ENCL_CAS_DEFAULT_PORT);
	return -1;
}

static void cas_close(struct encl_cas_link *l)
{
	SSL_free(l->ssl);
	SSL_CTX_free(l->ctx);
	if (l->fd >= 0)
		close(l->fd);
	l->ssl = NULL;
	l->ctx = NULL;
	l->fd = -1;
}

void encl_host_attest_fini(struct encl_host *h)
{
	if (!h->cas)
		return;
	cas_close(h->cas);
	free(h->cas);
	h->cas = NULL;
}

static int tcp_connect(const struct encl_cas_link *l)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	int fd = -1, err = -EHOSTUNREACH;

	if (getaddrinfo(l->host, l->port, &hints, &res))
		return -EHOSTUNREACH;
	for (a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		if (!connect(fd, a->ai_addr, a->ai_addrlen)) {
			/* As the service does (cas/server.c): no Nagle delay per frame. */
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
			break;
		}
		err = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd >= 0 ? fd : err;
}

static int cas_open(struct encl_host *h, struct encl_cas_link *l)
{
	int fd = tcp_connect(l);

	if (fd < 0) {
		encl_host_log(h, ENCL_LOG_ERROR, "attestation: cannot connect to SCONE_CAS_ADDR "
			      "%s:%s: %s", l->host, l->port, strerror(-fd));
		return fd;
	}
	l->fd = fd;
	l->ctx = SSL_CTX_new(TLS_client_method());
	if (!l->ctx || !SSL_CTX_set_min_proto_version(l->ctx, TLS1_3_VERSION) ||
	    !(l->ssl = SSL_new(l->ctx)) || !SSL_set_fd(l->ssl, fd) ||
	    !SSL_set_tlsext_host_name(l->ssl, l->host) || SSL_connect(l->ssl) != 1) {
		encl_host_log(h, ENCL_LOG_ERROR, "attestation: no TLS 1.3 connection with the "
			      "service at %s:%s", l->host, l->port);
		ERR_clear_error();
		return -ECONNREFUSED;
	}
	return 0;
}

static int tls_write(SSL *ssl, const void *p, size_t n)
{
	size_t done;

	return SSL_write_ex(ssl, p, n, &done) == 1 && done == n ? 0 : -ECONNRESET;
}

static int tls_read(SSL *ssl, void *p, size_t n)
{
	size_t done;

	while (n) {
		if (SSL_read_ex(ssl, p, n, &done) != 1)
			return -ECONNRESET;
		p = (uint8_t *)p + done;
		n -= done;
	}
	return 0;
}

/* A copy of the request the hostile relay modes may change (host.h). */
static uint8_t *hostile_request(struct encl_host *h, uint16_t type, const uint8_t *body,
				uint64_t *len)
{
	const char *rec = getenv("ENCL_SIM_CAS_RECORD");
	uint8_t *copy = NULL;
	FILE *f;

	if (type != ENCL_CAS_ATTEST_EVIDENCE)
		return NULL;
	switch (h->hostile) {
	case ENCL_HOSTILE_CAS_FLIP_EVIDENCE:
		copy = malloc(*len);
		if (copy && *len) {
			memcpy(copy, body, *len);
			copy[*len / 2] ^= 0x01;
		}
		break;
	case ENCL_HOSTILE_CAS_RECORD:
		f = rec ? fopen(rec, "wb") : NULL;
		if (!f || fwrite(body, 1, *len, f) != *len)
			fprintf(stderr, "encl: ENCL_SIM_CAS_RECORD=%s: cannot record\n", rec ? rec : "");
		if (f)
			fclose(f);
		break;
	case ENCL_HOSTILE_CAS_REPLAY:
		f = rec ? fopen(rec, "rb") : NULL;
		copy = f ? malloc(ENCL_CAS_FRAME_MAX) : NULL;
		if (copy)
			*len = fread(copy, 1, ENCL_CAS_FRAME_MAX, f);
		else
			fprintf(stderr, "encl: ENCL_SIM_CAS_RECORD=%s: nothing recorded to replay\n",
				rec ? rec : "");
		if (f)
			fclose(f);
		break;
	default:
		return NULL;
	}
	h->hostile = ENCL_HOSTILE_NONE;
	return copy;
}

/* ENCL_OCALL_CAS: args as abi/boundary.h says; the answer's size or -errno. */
int64_t encl_host_cas(struct encl_host_thread *t, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_cas_link *l = h->cas;
	struct encl_cas_frame f;
	uint64_t len = args[2], room = args[4];
	const uint8_t *body = (const uint8_t *)(uintptr_t)args[1];
	uint8_t *changed = NULL, *ans = (uint8_t *)(uintptr_t)args[3];
	int flip_answer = 0;
	int r;

	if (!l)		/* the enclave attests only with SCONE_CONFIG_ID, which made a link */
		return -ENOTCONN;
	if (args[0] > UINT16_MAX || len > ENCL_CAS_FRAME_MAX || !encl_area_holds(t, args[1], len) ||
	    !encl_area_holds(t, args[3], room) || !encl_area_holds(t, args[5], sizeof(uint32_t)))
		return -EFAULT;
	if (!l->ssl && (r = cas_open(h, l)))
		return r;
	if (h->hostile == ENCL_HOSTILE_CAS_FLIP_CONFIG && args[0] == ENCL_CAS_ATTEST_EVIDENCE) {
		flip_answer = 1;
		h->hostile = ENCL_HOSTILE_NONE;
	}
	if (h->hostile)
		changed = hostile_request(h, (uint16_t)args[0], body, &len);
	f = (struct encl_cas_frame){ .length = (uint32_t)len, .type = (uint16_t)args[0] };
	r = tls_write(l->ssl, &f, sizeof(f));
	if (!r)
		r = tls_write(l->ssl, changed ? changed : body, len);
	free(changed);
	if (!r)
		r = tls_read(l->ssl, &f, sizeof(f));
	if (r)
		return r;
	if (f.length > ENCL_CAS_FRAME_MAX || f.length > room || f.reserved) {
		encl_host_log(h, ENCL_LOG_ERROR, "attestation: the service sent a frame of %u "
			      "bytes (room %llu)", f.length, (unsigned long long)room);
		return -EMSGSIZE;
	}
	r = tls_read(l->ssl, ans, f.length);
	/*
	 * EVIDENCE is the last request, and an ERROR ends the attestation: the
	 * connection is not left open under the program (whose descriptors
	 * are this process's).
	 */
	if (r || args[0] == ENCL_CAS_ATTEST_EVIDENCE || f.type == ENCL_CAS_ERROR)
		cas_close(l);
	if (r)
		return r;
	if (flip_answer && f.length)
		ans[f.length / 2] ^= 0x01;
	*(uint32_t *)(uintptr_t)args[5] = f.type;
	return f.length;
}

/* ENCL_OCALL_QUOTE: the backend's quoting enclave, or -ENOSYS. */
int64_t encl_host_quote(struct encl_host_thread *t, const uint64_t *args)
{
	const struct encl_backend *be = t->h->be;
	struct sgx_targetinfo ti;
	struct sgx_report rep;

	if (!be->quote_target || !be->quote)
		return -ENOSYS;		/* docs/attestation.md, "Hardware" */
	switch (args[0]) {
	case ENCL_QUOTE_OP_TARGET:
		if (!encl_area_holds(t, args[1], sizeof(ti)))
			return -EFAULT;
		be->quote_target(&ti);
		memcpy((void *)(uintptr_t)args[1], &ti, sizeof(ti));
		return 0;
	case ENCL_QUOTE_OP_QUOTE:
		if (!encl_area_holds(t, args[1], sizeof(rep)) || !encl_area_holds(t, args[2], args[3]))
			return -EFAULT;
		memcpy(&rep, (const void *)(uintptr_t)args[1], sizeof(rep));	/* read once */
		return be->quote(&rep, (void *)(uintptr_t)args[2], args[3]);
	default:
		return -EINVAL;
	}
}
