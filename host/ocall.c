// SPDX-License-Identifier: MIT
/*
 * The ocall server: the system calls the trusted runtime forwards, and the
 * runtime's own requests (log lines, EDMM page operations).
 *
 * Only the calls listed below are served; anything else is -ENOSYS. Every
 * pointer argument must lie, with the length the call implies, inside the
 * ocall area: a confused or hostile enclave cannot make the host read or
 * write its own memory through a forwarded call.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "host/host.h"

enum arg_kind {
	A_VAL = 0,	/* a number */
	A_BUF,		/* bytes, length in args[len] */
	A_STR,		/* NUL-terminated */
	A_OBJ,		/* @size bytes */
	A_IOV,		/* struct iovec[args[len]], each buffer in the area too */
	A_ARR,		/* args[len] elements of @size bytes */
};

struct arg {
	uint8_t kind, len, null_ok;
	uint16_t size;
};

struct syscall_desc {
	long nr;
	struct arg a[6];
};

#define V		{ A_VAL, 0, 0, 0 }
#define BUF(n)		{ A_BUF, n, 0, 0 }
#define STR		{ A_STR, 0, 0, 0 }
#define STR0		{ A_STR, 0, 1, 0 }
#define OBJ(s)		{ A_OBJ, 0, 0, s }
#define OBJ0(s)		{ A_OBJ, 0, 1, s }
#define IOV(n)		{ A_IOV, n, 0, 0 }
#define ARR(n, s)	{ A_ARR, n, 0, s }

#define STAT		OBJ(sizeof(struct stat))
#define TS		OBJ(sizeof(struct timespec))
#define TS0		OBJ0(sizeof(struct timespec))

static const struct syscall_desc allowed[] = {
	{ SYS_read,		{ V, BUF(2), V } },
	{ SYS_write,		{ V, BUF(2), V } },
	{ SYS_pread64,		{ V, BUF(2), V, V } },
	{ SYS_pwrite64,		{ V, BUF(2), V, V } },
	{ SYS_readv,		{ V, IOV(2), V } },
	{ SYS_writev,		{ V, IOV(2), V } },
	{ SYS_open,		{ STR, V, V } },
	{ SYS_openat,		{ V, STR, V, V } },
	{ SYS_close,		{ V } },
	{ SYS_lseek,		{ V, V, V } },
	{ SYS_fstat,		{ V, STAT } },
	{ SYS_stat,		{ STR, STAT } },
	{ SYS_lstat,		{ STR, STAT } },
	{ SYS_newfstatat,	{ V, STR, STAT, V } },
	{ SYS_statx,		{ V, STR, V, V, OBJ(256) } },
	{ SYS_getdents64,	{ V, BUF(2), V } },
	{ SYS_mkdir,		{ STR, V } },
	{ SYS_mkdirat,		{ V, STR, V } },
	{ SYS_rmdir,		{ STR } },
	{ SYS_unlink,		{ STR } },
	{ SYS_unlinkat,		{ V, STR, V } },
	{ SYS_rename,		{ STR, STR } },
	{ SYS_renameat,		{ V, STR, V, STR } },
	{ SYS_renameat2,	{ V, STR, V, STR, V } },
	{ SYS_link,		{ STR, STR } },
	{ SYS_linkat,		{ V, STR, V, STR, V } },
	{ SYS_symlink,		{ STR, STR } },
	{ SYS_symlinkat,	{ STR, V, STR } },
	{ SYS_readlink,		{ STR, BUF(2), V } },
	{ SYS_readlinkat,	{ V, STR, BUF(3), V } },
	{ SYS_access,		{ STR, V } },
	{ SYS_faccessat,	{ V, STR, V } },
	{ SYS_faccessat2,	{ V, STR, V, V } },
	{ SYS_chmod,		{ STR, V } },
	{ SYS_fchmod,		{ V, V } },
	{ SYS_fchmodat,		{ V, STR, V } },
	{ SYS_utimensat,	{ V, STR0, OBJ0(2 * sizeof(struct timespec)), V } },
	{ SYS_truncate,		{ STR, V } },
	{ SYS_ftruncate,	{ V, V } },
	{ SYS_fsync,		{ V } },
	{ SYS_fdatasync,	{ V } },
	{ SYS_getcwd,		{ BUF(1), V } },
	{ SYS_chdir,		{ STR } },
	{ SYS_fchdir,		{ V } },
	{ SYS_dup,		{ V } },
	{ SYS_dup2,		{ V, V } },
	{ SYS_dup3,		{ V, V, V } },
	{ SYS_pipe,		{ OBJ(2 * sizeof(int)) } },
	{ SYS_pipe2,		{ OBJ(2 * sizeof(int)), V } },
	{ SYS_poll,		{ ARR(1, sizeof(struct pollfd)), V, V } },
	{ SYS_umask,		{ V } },
	{ SYS_clock_gettime,	{ V, TS } },
	{ SYS_clock_getres,	{ V, TS0 } },
	{ SYS_gettimeofday,	{ OBJ0(sizeof(struct timeval)), OBJ0(8) } },
	{ SYS_time,		{ OBJ0(sizeof(time_t)) } },
	{ SYS_nanosleep,	{ TS, TS0 } },
	{ SYS_clock_nanosleep,	{ V, V, TS, TS0 } },
	{ SYS_sched_yield,	{ V } },
	{ SYS_getpid,		{ V } },
	{ SYS_getppid,		{ V } },
	{ SYS_gettid,		{ V } },
	{ SYS_getuid,		{ V } },
	{ SYS_geteuid,		{ V } },
	{ SYS_getgid,		{ V } },
	{ SYS_getegid,		{ V } },
	{ SYS_getpgrp,		{ V } },
	{ SYS_getpgid,		{ V } },
	{ SYS_getsid,		{ V } },
	{ SYS_uname,		{ OBJ(sizeof(struct utsname)) } },
	{ SYS_sysinfo,		{ OBJ(sizeof(struct sysinfo)) } },
	{ SYS_getrlimit,	{ V, OBJ(sizeof(struct rlimit)) } },
	{ SYS_prlimit64,	{ V, V, OBJ0(sizeof(struct rlimit)), OBJ0(sizeof(struct rlimit)) } },
	{ SYS_getrandom,	{ BUF(1), V, V } },
	{ SYS_fcntl,		{ V, V, V } },		/* integer commands only, see below */
	{ SYS_ioctl,		{ V, V, V } },		/* terminal queries only, see below */
};

int encl_area_holds(const struct encl_host *h, uint64_t p, uint64_t len)
{
	uint64_t start = (uint64_t)(uintptr_t)h->area;

	return p >= start && len <= h->area_size && p - start <= h->area_size - len;
}

static int string_ok(const struct encl_host *h, uint64_t p)
{
	uint64_t end = (uint64_t)(uintptr_t)h->area + h->area_size;

	if (!encl_area_holds(h, p, 1))
		return 0;
	return memchr((const void *)(uintptr_t)p, 0, end - p) != NULL;
}

static int args_ok(const struct encl_host *h, const struct syscall_desc *d, const uint64_t *args)
{
	for (int i = 0; i < 6; i++) {
		const struct arg *a = &d->a[i];
		uint64_t p = args[i];

		if (a->kind == A_VAL || (a->null_ok && !p))
			continue;
		switch (a->kind) {
		case A_BUF:
			if (args[a->len] && !encl_area_holds(h, p, args[a->len]))
				return 0;
			break;
		case A_STR:
			if (!string_ok(h, p))
				return 0;
			break;
		case A_OBJ:
			if (!encl_area_holds(h, p, a->size))
				return 0;
			break;
		case A_ARR:
			if (args[a->len] > h->area_size / a->size ||
			    !encl_area_holds(h, p, args[a->len] * a->size))
				return 0;
			break;
		case A_IOV: {
			const struct iovec *iov = (const void *)(uintptr_t)p;
			uint64_t n = args[a->len];

			if (n > h->area_size / sizeof(*iov) ||
			    !encl_area_holds(h, p, n * sizeof(*iov)))
				return 0;
			for (uint64_t k = 0; k < n; k++)
				if (iov[k].iov_len &&
				    !encl_area_holds(h, (uintptr_t)iov[k].iov_base, iov[k].iov_len))
					return 0;
			break;
		}
		}
	}
	return 1;
}

/* fcntl and ioctl: the commands whose argument is a number or a known struct. */
static int special_ok(const struct encl_host *h, long nr, const uint64_t *args)
{
	if (nr == SYS_fcntl) {
		switch (args[1]) {
		case F_GETFD: case F_SETFD: case F_GETFL: case F_SETFL:
		case F_DUPFD: case F_DUPFD_CLOEXEC:
			return 1;
		}
		return 0;
	}
	if (nr == SYS_ioctl) {
		switch (args[1]) {
		case TIOCGWINSZ:
			return encl_area_holds(h, args[2], sizeof(struct winsize));
		case TCGETS:
			return encl_area_holds(h, args[2], sizeof(struct termios));
		}
		return 0;
	}
	return 1;
}

static int64_t forward(struct encl_host *h, long nr, const uint64_t *args)
{
	long r;

	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (allowed[i].nr != nr)
			continue;
		if (!args_ok(h, &allowed[i], args) || !special_ok(h, nr, args)) {
			encl_host_log(h, ENCL_LOG_DEBUG, "ocall: system call %ld with arguments outside the ocall area", nr);
			return -EFAULT;
		}
		r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
		return r == -1 ? -errno : r;
	}
	encl_host_log(h, ENCL_LOG_DEBUG, "ocall: system call %ld is not forwarded", nr);
	return -ENOSYS;
}

/* ENCL_OCALL_LOG: level, message (NUL-terminated, in the area). */
static int64_t log_line(struct encl_host *h, const uint64_t *args)
{
	const char *msg = (const char *)(uintptr_t)args[1];
	size_t n;

	if (args[0] > ENCL_LOG_DEBUG || !string_ok(h, args[1]))
		return -EINVAL;
	if (args[0] > h->log)
		return 0;
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--;
	fprintf(stderr, "encl: %.*s\n", (int)n, msg);
	return 0;
}

/* The EDMM page operations: offsets and lengths within ELRANGE. */
static int64_t page_op(struct encl_host *h, long op, const uint64_t *args)
{
	struct encl_enclave *e = &h->e;
	int r;

	switch (op) {
	case ENCL_OCALL_MODIFY_TYPES:
		r = h->be->modify_types(e, args[0], args[1], (unsigned)args[2]);
		break;
	case ENCL_OCALL_RESTRICT:
		r = h->be->restrict_permissions(e, args[0], args[1], args[2]);
		break;
	case ENCL_OCALL_REMOVE:
		r = h->be->remove_pages(e, args[0], args[1]);
		break;
	default:	/* ENCL_OCALL_PROTECT */
		if (args[2] & ~(uint64_t)(PROT_READ | PROT_WRITE | PROT_EXEC))
			return -EINVAL;
		r = h->be->map(e, args[0], args[1], (int)args[2]);
		break;
	}
	if (r) {
		encl_host_log(h, ENCL_LOG_DEBUG, "ocall %ld at offset 0x%llx: %s", op,
			      (unsigned long long)args[0], e->err);
		return e->error ? -e->error : -EINVAL;
	}
	return 0;
}

/*
 * ENCL_SIM_HOSTILE (host.h): lie about the first call of the kind chosen.
 * Returns 1 when the lie replaces the answer.
 */
static int hostile(struct encl_host *h, int64_t nr, const uint64_t *args)
{
	struct encl_ocall *o = (struct encl_ocall *)h->area;

	switch (h->hostile) {
	case ENCL_HOSTILE_READ_COUNT:
		if (nr != SYS_read)
			return 0;
		o->ret = (int64_t)args[2] + 1;
		break;
	case ENCL_HOSTILE_READ_NEGATIVE:
		if (nr != SYS_read)
			return 0;
		o->ret = -5000;
		break;
	case ENCL_HOSTILE_READ_POINTER:
		if (nr != SYS_read)
			return 0;
		o->ret = forward(h, (long)nr, args);
		o->args[1] = h->e.base;		/* the enclave must use its own pointer */
		break;
	case ENCL_HOSTILE_OPEN_FD:
		if (nr != SYS_open && nr != SYS_openat)
			return 0;
		o->ret = INT64_C(1) << 32;
		break;
	case ENCL_HOSTILE_TIMESPEC:
		if (nr != SYS_clock_gettime || !encl_area_holds(h, args[1], sizeof(struct timespec)))
			return 0;
		o->ret = forward(h, (long)nr, args);
		((struct timespec *)(uintptr_t)args[1])->tv_nsec = 1000000000;
		break;
	default:
		return 0;
	}
	h->hostile = ENCL_HOSTILE_NONE;
	return 1;
}

void encl_host_ocall(struct encl_host *h)
{
	struct encl_ocall *o = (struct encl_ocall *)h->area;
	uint64_t args[6];
	int64_t nr = o->nr;

	/* Read once: the enclave's view of the area may change under us. */
	memcpy(args, o->args, sizeof(args));
	if (h->hostile && hostile(h, nr, args))
		return;
	if (nr >= 0)
		o->ret = forward(h, (long)nr, args);
	else if (nr == ENCL_OCALL_LOG)
		o->ret = log_line(h, args);
	else if (nr == ENCL_OCALL_ENTER_TCS)
		o->ret = encl_host_enter_tcs(h, args);	/* host/enter_tcs.c */
	else if (nr >= ENCL_OCALL_PROTECT && nr <= ENCL_OCALL_MODIFY_TYPES)
		o->ret = page_op(h, (long)nr, args);
	else
		o->ret = -ENOSYS;
}
