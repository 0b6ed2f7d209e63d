// SPDX-License-Identifier: MIT
/* Helpers shared by the encl subcommands: messages, SIGSTRUCT files, numbers. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/dump.h"
#include "image/file.h"
#include "tools/encl/cmd.h"

static void vmessage(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "encl %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void encl_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, fmt, ap);
	va_end(ap);
}

int encl_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(cmd, fmt, ap);
	va_end(ap);
	return encl_try_help(cmd);
}

int encl_operands(const char *cmd, int argc, char **argv, int n, const char *what)
{
	if (argc - optind < n)
		return encl_usage(cmd, "expected %s", what);
	if (argc - optind > n)
		return encl_usage(cmd, "unexpected argument '%s'", argv[optind + n]);
	return 0;
}

void encl_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

int encl_try_help(const char *cmd)
{
	fprintf(stderr, "Try 'encl %s --help'.\n", cmd);
	return ENCL_EXIT_USAGE;
}

int encl_read_sigstruct(const char *path, struct sgx_sigstruct *ss, char *err, size_t errlen)
{
	uint8_t buf[SGX_SIGSTRUCT_SIZE + 1];
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than a SIGSTRUCT tells "too long" from "exact". */
	got = encl_read_full(fd, buf, sizeof(buf));
	if (got < 0)
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
	else if (got < SGX_SIGSTRUCT_SIZE)
		snprintf(err, errlen, "%s: %zd bytes; a SIGSTRUCT is exactly %d bytes",
			 path, got, SGX_SIGSTRUCT_SIZE);
	else if (got > SGX_SIGSTRUCT_SIZE && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		snprintf(err, errlen, "%s: %lld bytes; a SIGSTRUCT is exactly %d bytes",
			 path, (long long)st.st_size, SGX_SIGSTRUCT_SIZE);
	else if (got > SGX_SIGSTRUCT_SIZE)
		snprintf(err, errlen, "%s: more than %d bytes; a SIGSTRUCT is exactly %d bytes",
			 path, SGX_SIGSTRUCT_SIZE, SGX_SIGSTRUCT_SIZE);
	close(fd);
	if (got != SGX_SIGSTRUCT_SIZE)
		return -1;
	memcpy(ss, buf, sizeof(*ss));
	return 0;
}

/* A decimal or 0x-hex number no larger than @max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	char *end;

	/* strtoull would take leading blanks and signs; a value starts with a digit. */
	if (!isdigit((unsigned char)s[0]) || (base == 16 && !isxdigit((unsigned char)s[2])))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return (errno || *end || *v > max) ? -1 : 0;
}

int encl_parse_uint(const char *cmd, const char *opt, const char *s, uint64_t min,
		    uint64_t max, uint64_t *v)
{
	if (parse_uint(s, max, v) || *v < min)
		return encl_usage(cmd, "%s: '%s' is not a number from %llu to %llu", opt, s,
				  (unsigned long long)min, (unsigned long long)max);
	return 0;
}

int encl_parse_u16(const char *cmd, const char *opt, const char *s, uint16_t *v)
{
	uint64_t x;

	if (encl_parse_uint(cmd, opt, s, 0, UINT16_MAX, &x))
		return ENCL_EXIT_USAGE;
	*v = x;
	return 0;
}

int encl_measure_dump(const char *cmd, const char *layout, const char *image,
		      uint8_t mrenclave[SGX_HASH_SIZE])
{
	struct encl_layout l;
	char err[1024];
	int r;

	if (image)
		r = encl_layout_read(layout, image, &l, err, sizeof(err));
	else
		r = encl_dump_read(layout, &l, err, sizeof(err));
	if (r) {
		encl_error(cmd, "%s", err);
		return ENCL_EXIT_USAGE;
	}
	r = encl_layout_measure(&l, mrenclave, err, sizeof(err));
	encl_layout_free(&l);
	if (r) {
		encl_error(cmd, "%s: %s", layout, err);
		return ENCL_EXIT_USAGE;
	}
	return 0;
}
