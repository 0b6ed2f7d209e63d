// SPDX-License-Identifier: MIT
/*
 * File-descriptor calls forwarded to the host: close, lseek, dup*, pipe*,
 * fcntl (the commands musl and ordinary programs use), ioctl (TIOCGWINSZ
 * and FIONREAD only), fsync, ftruncate, fstat. Descriptors are the host's;
 * what comes back must look like a descriptor, a status or a size.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

#ifndef F_OFD_GETLK
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#endif

/*
 * Copy a struct stat the host wrote, by its size, after checking what a
 * program would compute with: a size or block size that is negative.
 */
void encl_take_stat(long nr, const struct stat *hb, struct stat *out)
{
	struct stat st;

	memcpy(&st, hb, sizeof(st));
	if (st.st_size < 0 || st.st_blksize < 0 || st.st_blocks < 0)
		encl_iago_fail(nr, 0, "negative size in struct stat");
	memcpy(out, &st, sizeof(st));
}

/* A call with integer arguments only and a 0/-errno result. */
static long zero_call(long nr, const uint64_t *a)
{
	int64_t r = ocall3(nr, a[0], a[1], a[2]);

	IAGO(iago_check_zero(r), nr, r);
	return r;
}

SYSFN(close)
{
	return zero_call(SYS_close, a);
}

SYSFN(fsync)
{
	return zero_call(SYS_fsync, a);
}

SYSFN(fdatasync)
{
	return zero_call(SYS_fdatasync, a);
}

SYSFN(fchmod)
{
	return zero_call(SYS_fchmod, a);
}

SYSFN(fchdir)
{
	return zero_call(SYS_fchdir, a);
}

SYSFN(ftruncate)
{
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	return zero_call(SYS_ftruncate, a);
}

SYSFN(lseek)
{
	int64_t r = ocall3(SYS_lseek, a[0], a[1], a[2]);

	IAGO(iago_check_nonneg(r), SYS_lseek, r);
	/* SEEK_SET lands exactly where it was asked to, or fails. */
	if (a[2] == SEEK_SET && r >= 0 && (uint64_t)r != a[1])
		encl_iago_fail(SYS_lseek, r, "SEEK_SET landed elsewhere");
	return r;
}

SYSFN(dup)
{
	int64_t r = ocall1(SYS_dup, a[0]);

	IAGO(iago_check_fd(r), SYS_dup, r);
	return r;
}

/* dup2/dup3 return the descriptor asked for, nothing else. */
static long dup_to(long nr, const uint64_t *a)
{
	int64_t r = ocall3(nr, a[0], a[1], a[2]);

	IAGO(iago_check_fd(r), nr, r);
	if (r >= 0 && (uint64_t)r != (uint32_t)a[1])
		encl_iago_fail(nr, r, "result is not the descriptor asked for");
	return r;
}

SYSFN(dup2)
{
	return dup_to(SYS_dup2, a);
}

SYSFN(dup3)
{
	return dup_to(SYS_dup3, a);
}

static long do_pipe(long nr, int *fds, uint64_t flags)
{
	int *hb = ocall_alloc(2 * sizeof(int));
	int64_t r = ocall2(nr, HP(hb), flags);
	int out[2];

	IAGO(iago_check_zero(r), nr, r);
	if (r)
		return r;
	memcpy(out, hb, sizeof(out));
	if (out[0] < 0 || out[1] < 0 || out[0] == out[1])
		encl_iago_fail(nr, r, "pipe descriptors are not two distinct descriptors");
	fds[0] = out[0];
	fds[1] = out[1];
	return 0;
}

SYSFN(pipe)
{
	return do_pipe(SYS_pipe2, (int *)a[0], 0);
}

SYSFN(pipe2)
{
	return do_pipe(SYS_pipe2, (int *)a[0], a[1]);
}

static long fcntl_lock(const uint64_t *a)
{
	struct flock *hb;
	int64_t r;

	hb = ocall_copy_in((const void *)a[2], sizeof(struct flock));
	r = ocall3(SYS_fcntl, a[0], a[1], HP(hb));
	IAGO(iago_check_zero(r), SYS_fcntl, r);
	if (!r && (a[1] == F_GETLK || a[1] == F_OFD_GETLK))
		memcpy((void *)a[2], hb, sizeof(struct flock));
	return r;
}

SYSFN(fcntl)
{
	int64_t r;

	switch (a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = ocall3(SYS_fcntl, a[0], a[1], a[2]);
		IAGO(iago_check_fd(r), SYS_fcntl, r);
		if (r >= 0 && (uint64_t)r < (uint32_t)a[2])
			encl_iago_fail(SYS_fcntl, r, "duplicate is below the minimum asked for");
		return r;
	case F_GETFD:
	case F_SETFD:
	case F_GETFL:
	case F_SETFL:
		r = ocall3(SYS_fcntl, a[0], a[1], a[2]);
		IAGO(iago_check_nonneg(r), SYS_fcntl, r);
		return r;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(a);
	default:
		return -EINVAL;
	}
}

SYSFN(ioctl)
{
	int64_t r;

	switch (a[1]) {
	case TIOCGWINSZ: {
		struct winsize *hb = ocall_alloc(sizeof(*hb));

		r = ocall3(SYS_ioctl, a[0], a[1], HP(hb));
		IAGO(iago_check_zero(r), SYS_ioctl, r);
		if (!r)
			memcpy((void *)a[2], hb, sizeof(*hb));
		return r;
	}
	case FIONREAD: {
		int *hb = ocall_alloc(sizeof(int));
		int v;

		r = ocall3(SYS_ioctl, a[0], a[1], HP(hb));
		IAGO(iago_check_zero(r), SYS_ioctl, r);
		if (r)
			return r;
		memcpy(&v, hb, sizeof(v));
		if (v < 0)
			encl_iago_fail(SYS_ioctl, v, "FIONREAD count is negative");
		*(int *)a[2] = v;
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

SYSFN(fstat)
{
	struct stat *hb = ocall_alloc(sizeof(*hb));
	int64_t r = ocall2(SYS_fstat, a[0], HP(hb));

	IAGO(iago_check_zero(r), SYS_fstat, r);
	if (!r)
		encl_take_stat(SYS_fstat, hb, (struct stat *)a[1]);
	return r;
}
