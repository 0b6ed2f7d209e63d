// SPDX-License-Identifier: MIT
/*
 * Calls that name files: the path (at most PATH_MAX with its NUL) is
 * copied into the ocall area, the host does the call, and buffers it fills
 * (stat, statx, getcwd, readlink) are copied back by their own size after
 * their length is checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

#define STATX_BYTES	256	/* struct statx */
#define STATX_MASK_OFF	0	/* __u32 stx_mask */
#define STATX_MODE_OFF	28	/* __u16 stx_mode */
#define STATX_SIZE_OFF	40	/* __u64 stx_size */
#define STATX_HAS_TYPE	0x001U	/* the kernel's STATX_TYPE */
#define STATX_HAS_SIZE	0x200U	/* STATX_SIZE */

#define PATH(var, p) \
	long err_##var = 0; \
	uint64_t var = ocall_path((const char *)(p), &err_##var); \
	if (!var) \
		return err_##var

/* One path argument at @i, the other arguments as they are; 0/-errno result. */
static long path_zero(long nr, const uint64_t *a, int i)
{
	uint64_t b[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	int64_t r;
	PATH(p, a[i]);

	b[i] = p;
	r = ocall6(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
	IAGO(iago_check_zero(r), nr, r);
	return r;
}

/* Two paths at @i and @j. */
static long path2_zero(long nr, const uint64_t *a, int i, int j)
{
	uint64_t b[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	int64_t r;
	PATH(p, a[i]);
	PATH(q, a[j]);

	b[i] = p;
	b[j] = q;
	r = ocall6(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
	IAGO(iago_check_zero(r), nr, r);
	return r;
}

SYSFN(open)
{
	int64_t r;
	PATH(p, a[0]);

	r = ocall3(OCALL_SYS(open), p, a[1], a[2]);
	return encl_fd_new(SYS_open, r);
}

SYSFN(openat)
{
	int64_t r;
	PATH(p, a[1]);

	r = ocall4(OCALL_SYS(openat), a[0], p, a[2], a[3]);
	return encl_fd_new(SYS_openat, r);
}

/*
 * struct statx, in the enclave's copy: the fields of its mask are checked
 * as struct stat's. Whether it has the file's type, in @type.
 */
static int take_statx(long nr, const unsigned char *b, uint32_t *type)
{
	uint32_t mask;
	uint16_t mode;
	uint64_t size;

	memcpy(&mask, b + STATX_MASK_OFF, sizeof(mask));
	memcpy(&mode, b + STATX_MODE_OFF, sizeof(mode));
	memcpy(&size, b + STATX_SIZE_OFF, sizeof(size));
	IAGO(iago_check_file(mask & STATX_HAS_TYPE ? mode : S_IFREG,
			     mask & STATX_HAS_SIZE ? size : 0), nr, 0);
	*type = mode;
	return !!(mask & STATX_HAS_TYPE);
}

/* fstatat(fd, "", AT_EMPTY_PATH) and statx likewise ask about the descriptor: it, or -1. */
static int64_t stat_of_fd(long nr, const uint64_t *a, int pi)
{
	uint64_t flags = nr == OCALL_SYS(statx) ? a[2] : nr == OCALL_SYS(newfstatat) ? a[3] : 0;

	if (!(flags & AT_EMPTY_PATH) || !a[pi] || *(const char *)a[pi])
		return -1;
	return (int32_t)a[0];
}

/* A stat-like call: path at @pi, result buffer of @size bytes at @bi. */
static long stat_call(long nr, const uint64_t *a, int pi, int bi, uint64_t size)
{
	uint64_t b[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	int64_t fd = stat_of_fd(nr, a, pi);
	int64_t ticket = fd >= 0 ? encl_fd_ticket(fd) : 0;
	uint32_t type;
	int typed = 1;
	void *hb;
	int64_t r;
	PATH(p, a[pi]);

	if (ticket < 0)
		return ticket;
	hb = ocall_alloc(size);
	b[pi] = p;
	b[bi] = HP(hb);
	r = ocall6(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
	IAGO(iago_check_zero(r), nr, r);
	if (r)
		return r;
	if (size == sizeof(struct stat)) {
		encl_take_stat(nr, hb, (struct stat *)a[bi]);
		type = ((struct stat *)a[bi])->st_mode;
	} else {
		memcpy((void *)a[bi], hb, size);
		typed = take_statx(nr, (const unsigned char *)a[bi], &type);
	}
	if (typed)
		IAGO(encl_fd_check_type(fd, ticket, type), nr, r);
	return r;
}

SYSFN(stat)
{
	return stat_call(OCALL_SYS(stat), a, 0, 1, sizeof(struct stat));
}

SYSFN(lstat)
{
	return stat_call(OCALL_SYS(lstat), a, 0, 1, sizeof(struct stat));
}

SYSFN(newfstatat)
{
	return stat_call(OCALL_SYS(newfstatat), a, 1, 2, sizeof(struct stat));
}

SYSFN(statx)
{
	return stat_call(OCALL_SYS(statx), a, 1, 4, STATX_BYTES);
}

SYSFN(access)		{ return path_zero(OCALL_SYS(access), a, 0); }
SYSFN(faccessat)	{ return path_zero(OCALL_SYS(faccessat), a, 1); }
SYSFN(faccessat2)	{ return path_zero(OCALL_SYS(faccessat2), a, 1); }
SYSFN(mkdir)		{ return path_zero(OCALL_SYS(mkdir), a, 0); }
SYSFN(mkdirat)		{ return path_zero(OCALL_SYS(mkdirat), a, 1); }
SYSFN(rmdir)		{ return path_zero(OCALL_SYS(rmdir), a, 0); }
SYSFN(unlink)		{ return path_zero(OCALL_SYS(unlink), a, 0); }
SYSFN(unlinkat)		{ return path_zero(OCALL_SYS(unlinkat), a, 1); }
SYSFN(chdir)		{ return path_zero(OCALL_SYS(chdir), a, 0); }
SYSFN(chmod)		{ return path_zero(OCALL_SYS(chmod), a, 0); }
SYSFN(rename)		{ return path2_zero(OCALL_SYS(rename), a, 0, 1); }
SYSFN(renameat)		{ return path2_zero(OCALL_SYS(renameat), a, 1, 3); }
SYSFN(symlink)		{ return path2_zero(OCALL_SYS(symlink), a, 0, 1); }
SYSFN(link)		{ return path2_zero(OCALL_SYS(link), a, 0, 1); }
SYSFN(symlinkat)	{ return path2_zero(OCALL_SYS(symlinkat), a, 0, 2); }
SYSFN(linkat)		{ return path2_zero(OCALL_SYS(linkat), a, 1, 3); }
SYSFN(renameat2)	{ return path2_zero(OCALL_SYS(renameat2), a, 1, 3); }
SYSFN(fchmodat)		{ return path_zero(OCALL_SYS(fchmodat), a, 1); }
SYSFN(chown)		{ return path_zero(OCALL_SYS(chown), a, 0); }
SYSFN(lchown)		{ return path_zero(OCALL_SYS(lchown), a, 0); }
SYSFN(fchownat)		{ return path_zero(OCALL_SYS(fchownat), a, 1); }

SYSFN(truncate)
{
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	return path_zero(OCALL_SYS(truncate), a, 0);
}

/* getcwd returns the length including the NUL, and the string must end there. */
SYSFN(getcwd)
{
	uint64_t n = a[1] < OCALL_PATH_MAX ? a[1] : OCALL_PATH_MAX;
	char *hb = ocall_alloc(n);
	char copy[OCALL_PATH_MAX];
	int64_t r = ocall2(OCALL_SYS(getcwd), HP(hb), n);

	IAGO(iago_check_count(r, n), SYS_getcwd, r);
	if (r < 0)
		return r;
	memcpy(copy, hb, (uint64_t)r);
	IAGO(iago_check_cwd(copy, (uint64_t)r), SYS_getcwd, r);
	memcpy((void *)a[0], copy, (uint64_t)r);
	return r;
}

static long do_readlink(long nr, const uint64_t *a, int pi)
{
	uint64_t size = a[pi + 2];
	uint64_t n;
	void *hb;
	int64_t r;
	PATH(p, a[pi]);

	if ((int64_t)size <= 0)
		return -EINVAL;
	n = size < OCALL_PATH_MAX ? size : OCALL_PATH_MAX;
	hb = ocall_alloc(n);
	r = pi ? ocall4(nr, a[0], p, HP(hb), n) : ocall3(nr, p, HP(hb), n);
	IAGO(iago_check_count(r, n), nr, r);
	if (r > 0)
		memcpy((void *)a[pi + 1], hb, (uint64_t)r);
	return r;
}

SYSFN(readlink)
{
	return do_readlink(OCALL_SYS(readlink), a, 0);
}

SYSFN(readlinkat)
{
	return do_readlink(OCALL_SYS(readlinkat), a, 1);
}
