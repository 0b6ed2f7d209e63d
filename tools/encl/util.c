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
	size_t got = 0;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than a SIGSTRUCT tells "too long" from "exact". */
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += n;
	}
	if (got < SGX_SIGSTRUCT_SIZE) {
		snprintf(err, errlen, "%s: %zu bytes; a SIGSTRUCT is exactly %d bytes",
			 path, got, SGX_SIGSTRUCT_SIZE);
		close(fd);
		return -1;
	}
	if (got > SGX_SIGSTRUCT_SIZE) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			snprintf(err, errlen, "%s: %lld bytes; a SIGSTRUCT is exactly %d bytes",
				 path, (long long)st.st_size, SGX_SIGSTRUCT_SIZE);
		else
			snprintf(err, errlen, "%s: more than %d bytes; a SIGSTRUCT is exactly %d bytes",
				 path, SGX_SIGSTRUCT_SIZE, SGX_SIGSTRUCT_SIZE);
		close(fd);
		return -1;
	}
	close(fd);
	memcpy(ss, buf, sizeof(*ss));
	return 0;
}

int encl_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		      char *err, size_t errlen)
{
	size_t plen = strlen(path), done = 0;
	char *tmp = malloc(plen + 8);
	int fd, ok, saved;
	ssize_t n;

	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file next to it: %s",
			 path, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = !fchmod(fd, mode);
	while (ok && done < len) {
		n = write(fd, (const uint8_t *)data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	ok = ok && !fsync(fd);
	saved = errno;
	if (close(fd) && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && rename(tmp, path)) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(saved));
	}
	free(tmp);
	return ok ? 0 : -1;
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
