// SPDX-License-Identifier: MIT
/* Helpers shared by the encl subcommands: messages, SIGSTRUCT files, numbers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int encl_parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
	char *end;

	if (!*s || *s == '-' || *s == '+' || (base == 16 && !s[2]))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, base);
	return (errno || *end || *v > max) ? -1 : 0;
}
