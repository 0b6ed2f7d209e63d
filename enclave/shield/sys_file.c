// SPDX-License-Identifier: MIT
/*
 * Files beyond their bytes, forwarded to the host: whole-file locks
 * (flock), space (fallocate) and access advice (fadvise64), times
 * (utimensat, which musl's utime, utimes and futimens use), and the file
 * system a file lies on (statfs, fstatfs), whose sizes are checked before
 * a program computes free space with them.
 */
#include <errno.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>

#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

_Static_assert(sizeof(struct statfs) == ENCL_SZ_STATFS, "abi/syscalls.h: struct statfs");

SYSFN_FWD_ZERO(flock)

/* fallocate(fd, mode, offset, length); posix_fallocate is mode 0. */
SYSFN(fallocate)
{
	if ((int64_t)a[2] < 0 || (int64_t)a[3] <= 0)
		return -EINVAL;
	return encl_zero_call(OCALL_SYS(fallocate), a);
}

SYSFN_FWD_ZERO(fadvise64)

/* utimensat(dirfd, path or NULL (futimens), times or NULL (now), flags) */
SYSFN(utimensat)
{
	uint64_t path = 0, times = 0;
	long err = 0;
	int64_t r;

	if (a[1] && !(path = ocall_path((const char *)a[1], &err)))
		return err;
	if (a[2])
		times = HP(ocall_copy_in((const void *)a[2], ENCL_SZ_TIMESPEC2));
	r = ocall4(OCALL_SYS(utimensat), a[0], path, times, a[3]);
	IAGO(iago_check_zero(r), SYS_utimensat, r);
	return r;
}

/* The host's struct statfs at @hb, checked in the enclave's copy and given to the program. */
static long take_statfs(long nr, int64_t r, const void *hb, struct statfs *out)
{
	struct statfs st;

	IAGO(iago_check_zero(r), nr, r);
	if (r)
		return r;
	memcpy(&st, hb, sizeof(st));
	IAGO(iago_check_statfs(st.f_bsize, st.f_frsize, st.f_namelen, st.f_blocks, st.f_bfree,
			       st.f_bavail), nr, r);
	memcpy(out, &st, sizeof(st));
	return 0;
}

SYSFN(statfs)
{
	long err = 0;
	uint64_t path = ocall_path((const char *)a[0], &err);
	void *hb;

	if (!path)
		return err;
	hb = ocall_alloc(sizeof(struct statfs));
	return take_statfs(SYS_statfs, ocall2(OCALL_SYS(statfs), path, HP(hb)), hb, (struct statfs *)a[1]);
}

SYSFN(fstatfs)
{
	void *hb = ocall_alloc(sizeof(struct statfs));

	return take_statfs(SYS_fstatfs, ocall2(OCALL_SYS(fstatfs), a[0], HP(hb)), hb, (struct statfs *)a[1]);
}
