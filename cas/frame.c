/* SPDX-License-Identifier: MIT */
/* Frames on a TLS connection (abi/cas.h): a header, then at most ENCL_CAS_FRAME_MAX bytes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cas/cas.h"

static int read_all(SSL *ssl, void *buf, size_t len)
{
	size_t got = 0, n;

	while (got < len) {
		if (SSL_read_ex(ssl, (char *)buf + got, len - got, &n) <= 0)
			return -1;
		got += n;
	}
	return 0;
}

int encl_cas_frame_write(SSL *ssl, uint16_t type, const void *body, size_t len)
{
	struct encl_cas_frame h = { .length = (uint32_t)len, .type = type };
	size_t n;

	if (len > ENCL_CAS_FRAME_MAX)
		return -1;
	if (SSL_write_ex(ssl, &h, sizeof(h), &n) <= 0)
		return -1;
	if (len && SSL_write_ex(ssl, body, len, &n) <= 0)
		return -1;
	return 0;
}

int encl_cas_frame_error(SSL *ssl, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return encl_cas_frame_write(ssl, ENCL_CAS_ERROR, line, strlen(line));
}

int encl_cas_frame_read(SSL *ssl, uint16_t *type, uint8_t **body, size_t *len,
			char *err, size_t errlen)
{
	struct encl_cas_frame h;

	*body = NULL;
	if (read_all(ssl, &h, sizeof(h)))
		return -1;
	if (h.reserved) {
		snprintf(err, errlen, "bad frame: reserved field is %u, not 0", h.reserved);
		return -2;
	}
	if (h.length > ENCL_CAS_FRAME_MAX) {
		snprintf(err, errlen, "request of %u bytes is larger than the limit of %u bytes",
			 h.length, ENCL_CAS_FRAME_MAX);
		return -2;
	}
	*body = malloc(h.length + 1);
	if (!*body) {
		snprintf(err, errlen, "out of memory");
		return -2;
	}
	if (read_all(ssl, *body, h.length)) {
		free(*body);
		*body = NULL;
		return -1;
	}
	(*body)[h.length] = 0;
	*type = h.type;
	*len = h.length;
	return 0;
}
