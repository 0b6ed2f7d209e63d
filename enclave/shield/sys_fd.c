// SPDX-License-Identifier: MIT
/*
 * File-descriptor calls forwarded to the host: close, lseek, dup*, pipe*,
 * fcntl and ioctl (the commands of abi/syscalls.h), fsync, ftruncate,
 * fstat, fchmod, fchown. Descriptors are the host's; what comes back must look like a
 * descriptor, a status or a size.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>

#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

/*
 * Copy a struct stat the host wrote, by its size, after checking what a
 * program would compute with: a size or block size that is negative.
 */
void encl_take_stat(long nr, const struct stat *hb, struct stat *out)
{
	struct stat st;

	memcpy(&st, hb, sizeof(st));
	IAGO(iago_check_stat(st.st_mode, st.st_size, st.st_blksize, st.st_blocks), nr, 0);
	memcpy(out, &st, sizeof(st));
}

long encl_zero_call(long nr, const uint64_t *a)
{
	int64_t r = ocall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);

	IAGO(iago_check_zero(r), nr, r);
	return r;
}

long encl_fd_call(long nr, const uint64_t *a)
{
	return encl_fd_new(nr, ocall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]));
}

SYSFN(close)
{
	encl_epoll_forget((int32_t)a[0]);	/* before the fd can name another file */
	encl_fd_gone((int64_t)(int32_t)a[0]);
	return encl_zero_call(OCALL_SYS(close), a);
}

SYSFN_FWD_ZERO(fsync)
SYSFN_FWD_ZERO(fdatasync)
SYSFN_FWD_ZERO(fchmod)
SYSFN_FWD_ZERO(fchown)
SYSFN_FWD_ZERO(fchdir)

SYSFN(ftruncate)
{
	if ((int64_t)a[1] < 0)
		return -EINVAL;
	return encl_zero_call(OCALL_SYS(ftruncate), a);
}

SYSFN(lseek)
{
	int64_t r = ocall3(OCALL_SYS(lseek), a[0], a[1], a[2]);

	IAGO(iago_check_lseek(r, a[2], a[1]), SYS_lseek, r);
	if (r >= 0)
		encl_fd_moved((int32_t)a[0]);	/* rewinddir, seekdir */
	return r;
}

SYSFN(dup)
{
	int64_t ticket = encl_fd_ticket((int32_t)a[0]);

	return encl_fd_dup(SYS_dup, ocall1(OCALL_SYS(dup), a[0]), (int32_t)a[0], ticket);
}

/* dup2/dup3 return the descriptor asked for, nothing else. */
static long dup_to(long nr, const uint64_t *a)
{
	int same = (uint32_t)a[0] == (uint32_t)a[1];	/* dup2(fd, fd): nothing new */
	int64_t ticket = encl_fd_ticket((int32_t)a[0]);
	int64_t r;

	/*
	 * The target is closed first. Should the call fail, it may still be
	 * open: only a lie about that number goes unnoticed afterwards.
	 */
	if (!same) {
		encl_epoll_forget((int32_t)a[1]);
		encl_fd_gone((int64_t)(int32_t)a[1]);
	}
	r = ocall3(nr, a[0], a[1], a[2]);

	IAGO(iago_check_dup_to(r, (uint32_t)a[1]), nr, r);
	return same ? r : encl_fd_dup(nr, r, (int32_t)a[0], ticket);
}

SYSFN(dup2)
{
	return dup_to(OCALL_SYS(dup2), a);
}

SYSFN(dup3)
{
	return dup_to(OCALL_SYS(dup3), a);
}

void encl_take_fdpair(long nr, int64_t r, const int *hb, int *fds)
{
	int out[2];

	memcpy(out, hb, sizeof(out));
	IAGO(iago_check_fdpair(out[0], out[1]), nr, r);
	encl_fd_new(nr, out[0]);
	encl_fd_new(nr, out[1]);
	fds[0] = out[0];
	fds[1] = out[1];
}

static long do_pipe(long nr, int *fds, uint64_t flags)
{
	int *hb = ocall_alloc(2 * sizeof(int));
	int64_t r = ocall2(nr, HP(hb), flags);

	IAGO(iago_check_zero(r), nr, r);
	if (!r)
		encl_take_fdpair(nr, r, hb, fds);
	return r;
}

SYSFN(pipe)
{
	return do_pipe(OCALL_SYS(pipe2), (int *)a[0], 0);
}

SYSFN(pipe2)
{
	return do_pipe(OCALL_SYS(pipe2), (int *)a[0], a[1]);
}

/*
 * fcntl and ioctl: the commands of abi/syscalls.h, with their structure
 * copied through the area; any other command fails as the kernel fails
 * an unknown one.
 */
static const struct encl_cmd fcntl_cmds[] = { ENCL_FCNTL_CMDS(ENCL_CMD_ROW) };
static const struct encl_cmd ioctl_cmds[] = { ENCL_IOCTL_CMDS(ENCL_CMD_ROW) };

_Static_assert(sizeof(struct flock) == ENCL_SZ_FLOCK, "abi/syscalls.h: struct flock");
_Static_assert(sizeof(struct winsize) == ENCL_SZ_WINSIZE, "abi/syscalls.h: struct winsize");
_Static_assert(__builtin_offsetof(struct termios, c_cc) + 19 == ENCL_SZ_TERMIOS,
	       "abi/syscalls.h: the kernel's struct termios, 19 control characters");

union cmd_out {
	struct flock lock;
	int count;
	unsigned char bytes[ENCL_SZ_TERMIOS];
};

static const char *check_result(const struct encl_cmd *c, int64_t r)
{
	switch (c->res) {
	case ENCL_RES_FD:
		return iago_check_fd(r);
	case ENCL_RES_NONNEG:
		return iago_check_nonneg(r);
	default:
		return iago_check_zero(r);
	}
}

/*
 * What a program would act on in a structure the host wrote; @asked is
 * the program's own, as it passed it. F_GETLK that finds no lock writes
 * only l_type: the rest stays as asked.
 */
static const char *check_out(long nr, uint32_t cmd, const union cmd_out *v, const void *asked)
{
	if (nr == SYS_fcntl && (cmd == F_GETLK || cmd == F_OFD_GETLK))
		return iago_check_getlk(&v->lock, asked);
	if (nr == SYS_ioctl && cmd == FIONREAD)
		return iago_check_fionread(v->count);
	return 0;
}

static long cmd_call(long nr, const struct encl_cmd *c, const uint64_t *a)
{
	uint64_t arg = a[2];
	union cmd_out v;
	void *hb = 0;
	int64_t r;

	_Static_assert(ENCL_SZ_FLOCK <= sizeof(v) && ENCL_SZ_F_OWNER_EX <= sizeof(v) &&
		       ENCL_SZ_WINSIZE <= sizeof(v) && ENCL_SZ_INT <= sizeof(v), "union cmd_out");
	if (c->arg != ENCL_CMD_INT) {
		hb = c->arg & ENCL_CMD_IN ? ocall_copy_in((const void *)a[2], c->size)
					  : ocall_alloc(c->size);
		arg = HP(hb);
	}
	r = ocall3(nr, a[0], a[1], arg);
	IAGO(check_result(c, r), nr, r);
	if (r < 0 || !(c->arg & ENCL_CMD_OUT))
		return r;
	memcpy(&v, hb, c->size);
	IAGO(check_out(nr, c->cmd, &v, (const void *)a[2]), nr, r);
	memcpy((void *)a[2], &v, c->size);
	return r;
}

SYSFN(fcntl)
{
	const struct encl_cmd *c = encl_cmd_find(fcntl_cmds, sizeof(fcntl_cmds) / sizeof(*c), a[1]);
	int64_t ticket, r;

	if (!c)
		return -EINVAL;
	ticket = c->res == ENCL_RES_FD ? encl_fd_ticket((int32_t)a[0]) : 0;
	r = cmd_call(OCALL_SYS(fcntl), c, a);
	if (c->res == ENCL_RES_FD) {
		IAGO(iago_check_dupfd(r, (uint32_t)a[2]), SYS_fcntl, r);
		encl_fd_dup(SYS_fcntl, r, (int32_t)a[0], ticket);
	}
	if (a[1] == F_GETFL)
		IAGO(iago_check_open_flags(r), SYS_fcntl, r);
	return r;
}

SYSFN(ioctl)
{
	const struct encl_cmd *c = encl_cmd_find(ioctl_cmds, sizeof(ioctl_cmds) / sizeof(*c), a[1]);

	if (!c)
		return -ENOTTY;
	return cmd_call(OCALL_SYS(ioctl), c, a);
}

SYSFN(fstat)
{
	int64_t ticket = encl_fd_ticket((int32_t)a[0]);
	struct stat *hb;
	int64_t r;

	if (ticket < 0)
		return ticket;
	hb = ocall_alloc(sizeof(*hb));
	r = ocall2(OCALL_SYS(fstat), a[0], HP(hb));
	IAGO(iago_check_zero(r), SYS_fstat, r);
	if (r)
		return r;
	encl_take_stat(SYS_fstat, hb, (struct stat *)a[1]);
	IAGO(encl_fd_check_type((int32_t)a[0], ticket, ((struct stat *)a[1])->st_mode), SYS_fstat, r);
	return r;
}
