// SPDX-License-Identifier: MIT
/*
 * The ocall server: the system calls the trusted runtime forwards, and the
 * runtime's own requests (log lines, EDMM page operations).
 *
 * Only the calls abi/syscalls.h marks as forwarded are served; anything
 * else is -ENOSYS. Every pointer argument must lie, with the length the
 * call implies, inside the ocall area: a confused or hostile enclave
 * cannot make the host read or write its own memory through a forwarded
 * call.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "abi/syscalls.h"
#include "host/host.h"

#define FWD(name, ...)	{ SYS_##name, { __VA_ARGS__ } },
#define IN(name, handler)

static const struct syscall_desc {
	long nr;
	struct encl_syscall_arg a[6];
} forwarded[] = {
	ENCL_SYSCALLS(FWD, IN)
};

#undef FWD
#undef IN

static const struct encl_cmd fcntl_cmds[] = { ENCL_FCNTL_CMDS(ENCL_CMD_ROW) };
static const struct encl_cmd ioctl_cmds[] = { ENCL_IOCTL_CMDS(ENCL_CMD_ROW) };

int encl_area_holds(const struct encl_host_thread *t, uint64_t p, uint64_t len)
{
	uint64_t start = (uint64_t)(uintptr_t)t->area;

	return p >= start && len <= t->area_size && p - start <= t->area_size - len;
}

static int string_ok(const struct encl_host_thread *t, uint64_t p)
{
	uint64_t end = (uint64_t)(uintptr_t)t->area + t->area_size;

	if (!encl_area_holds(t, p, 1))
		return 0;
	return memchr((const void *)(uintptr_t)p, 0, end - p) != NULL;
}

/* fcntl and ioctl: a command of the table, its structure in the area. */
static int cmd_ok(const struct encl_host_thread *t, long nr, const uint64_t *args)
{
	const struct encl_cmd *c = nr == SYS_fcntl
		? encl_cmd_find(fcntl_cmds, sizeof(fcntl_cmds) / sizeof(*c), args[1])
		: encl_cmd_find(ioctl_cmds, sizeof(ioctl_cmds) / sizeof(*c), args[1]);

	if (!c)
		return -EINVAL;
	if (c->arg == ENCL_CMD_INT)
		return 0;
	return encl_area_holds(t, args[2], c->size) ? 0 : -EFAULT;
}

/*
 * The arguments of @d are fit for the kernel; the words it would read
 * again from the area (ENCL_ARG_LENP, ENCL_ARG_MSGHDR) are copied into
 * @c, and only the copies are checked and used (ocall_copy.c).
 */
static int args_ok(const struct encl_host_thread *t, const struct syscall_desc *d, const uint64_t *args,
		   struct encl_ocall_copies *c)
{
	for (int i = 0; i < 6; i++) {
		const struct encl_syscall_arg *a = &d->a[i];
		uint64_t p = args[i];
		int ok = 1, err = 0;

		if (a->kind == ENCL_ARG_VAL || (a->null_ok && !p))
			continue;
		switch (a->kind) {
		case ENCL_ARG_BUF:
			ok = !args[a->len] || encl_area_holds(t, p, args[a->len]);
			break;
		case ENCL_ARG_ARRAY:
			ok = !args[a->len] || (args[a->len] <= t->area_size / a->size &&
					       encl_area_holds(t, p, args[a->len] * a->size));
			break;
		case ENCL_ARG_STR:
			ok = string_ok(t, p);
			break;
		case ENCL_ARG_OBJ:
			ok = encl_area_holds(t, p, a->size);
			break;
		case ENCL_ARG_LENP:
			err = encl_copy_lenp(t, c, a->len, p, args[a->len]);
			break;
		case ENCL_ARG_MSGHDR:
			err = encl_copy_msghdr(t, c, i, p);
			break;
		case ENCL_ARG_SOCKOPT:
			err = encl_sockopt_find(args[i - 1], p) ? 0 : -ENOPROTOOPT;
			break;
		case ENCL_ARG_CMD:
			err = cmd_ok(t, d->nr, args);
			break;
		}
		if (err)
			return err;
		if (!ok)
			return -EFAULT;
	}
	return 0;
}

static int check(const struct encl_host_thread *t, long nr, const uint64_t *args, struct encl_ocall_copies *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (forwarded[i].nr == nr)
			return args_ok(t, &forwarded[i], args, c);
	return -ENOSYS;
}

int encl_ocall_check(const struct encl_host_thread *t, long nr, const uint64_t *args)
{
	struct encl_ocall_copies c;

	return check(t, nr, args, &c);
}

static int64_t forward(struct encl_host_thread *t, long nr, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_ocall_copies c;
	int err = check(t, nr, args, &c);
	uint64_t k[6];
	long r;

	switch (err) {
	case 0:
		break;
	case -ENOSYS:
		encl_host_log(h, ENCL_LOG_DEBUG, "ocall: system call %ld is not forwarded (abi/syscalls.h)", nr);
		return err;
	case -EINVAL:
		encl_host_log(h, ENCL_LOG_DEBUG, "ocall: system call %ld command 0x%llx is not forwarded (abi/syscalls.h)",
			      nr, (unsigned long long)args[1]);
		return err;
	case -ENOPROTOOPT:
		encl_host_log(h, ENCL_LOG_DEBUG, "ocall: socket option %lld at level %lld is not forwarded (abi/syscalls.h)",
			      (long long)args[2], (long long)args[1]);
		return err;
	default:
		encl_host_log(h, ENCL_LOG_DEBUG, "ocall: system call %ld with arguments outside the ocall area%s",
			      nr, err == -EMSGSIZE ? " or too many iovecs" : "");
		return err;
	}
	if (nr == SYS_nanosleep || nr == SYS_clock_nanosleep)
		return encl_host_thread_sleep(t, nr, args);	/* host/thread.c */
	if (nr == SYS_ppoll || nr == SYS_select || nr == SYS_epoll_pwait)
		return encl_host_wait(t, nr, args);		/* host/wait.c */
	memcpy(k, args, sizeof(k));
	encl_copies_use(&c, k);
	r = syscall(nr, k[0], k[1], k[2], k[3], k[4], k[5]);
	if (r == -1)
		return -errno;
	encl_copies_back(&c);
	return r;
}

int encl_ocall_names(const struct encl_host_thread *t, long nr, const uint64_t *args, const char *part)
{
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		if (forwarded[i].nr != nr)
			continue;
		for (int a = 0; a < 6; a++)
			if (forwarded[i].a[a].kind == ENCL_ARG_STR && string_ok(t, args[a]) &&
			    strstr((const char *)(uintptr_t)args[a], part))
				return 1;
		return 0;
	}
	return 0;
}

int64_t encl_host_forward(struct encl_host_thread *t, long nr, const uint64_t *args)
{
	return forward(t, nr, args);
}

/* ENCL_OCALL_LOG: level, message (NUL-terminated, in the area). */
static int64_t log_line(struct encl_host_thread *t, const uint64_t *args)
{
	struct encl_host *h = t->h;
	const char *msg = (const char *)(uintptr_t)args[1];
	size_t n;
	int hint;

	if (args[0] > ENCL_LOG_DEBUG || !string_ok(t, args[1]))
		return -EINVAL;
	if (args[0] > h->log)
		return 0;
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		n--;
	hint = strstr(msg, ENCL_LOG_SIGN_HINT) && h->path;
	/* The enclave's warnings look like the host runtime's own. */
	fprintf(stderr, "encl: %s%.*s%s%s\n", args[0] == ENCL_LOG_WARNING ? "warning: " : "",
		(int)n, msg, hint ? " " : "", hint ? h->path : "");
	return 0;
}

/* The EDMM page operations: offsets and lengths within ELRANGE. */
static int64_t page_op(struct encl_host_thread *t, long op, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_enclave *e = &t->e;
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

/* The length word of a served accept4, recvfrom or getsockopt, made longer. */
static int hostile_length(struct encl_host_thread *t, int64_t nr, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_ocall *o = (struct encl_ocall *)t->area;
	int mode = h->hostile;
	uint64_t lenp;
	socklen_t *len;

	if (mode == ENCL_HOSTILE_ACCEPT_ADDRLEN && nr == SYS_accept4)
		lenp = args[2];
	else if (mode == ENCL_HOSTILE_RECVFROM_ADDRLEN && nr == SYS_recvfrom)
		lenp = args[5];
	else if (mode == ENCL_HOSTILE_GETSOCKOPT_LEN && nr == SYS_getsockopt)
		lenp = args[4];
	else
		return 0;
	if (!encl_area_holds(t, lenp, sizeof(*len)))
		return 0;
	o->ret = forward(t, (long)nr, args);
	len = (socklen_t *)(uintptr_t)lenp;
	if (o->ret >= 0)
		*len = mode == ENCL_HOSTILE_ACCEPT_ADDRLEN ? ENCL_SZ_SOCKADDR + 1
		     : mode == ENCL_HOSTILE_RECVFROM_ADDRLEN ? sizeof(struct sockaddr_in6) : *len + 4;
	h->hostile = ENCL_HOSTILE_NONE;
	return 1;
}

/* A served recvmsg (into the enclave's one iovec), with its count or control data changed. */
static int hostile_recvmsg(struct encl_host_thread *t, int64_t nr, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_ocall *o = (struct encl_ocall *)t->area;
	struct msghdr *m = (struct msghdr *)(uintptr_t)args[1];
	struct cmsghdr *c;

	if (nr != SYS_recvmsg || !encl_area_holds(t, args[1], sizeof(*m)))
		return 0;
	o->ret = forward(t, (long)nr, args);
	if (o->ret < 0 || !encl_area_holds(t, (uint64_t)(uintptr_t)m->msg_iov, sizeof(struct iovec)))
		return 1;	/* nothing to lie about yet: the next one */
	c = m->msg_controllen >= sizeof(*c) &&
	    encl_area_holds(t, (uint64_t)(uintptr_t)m->msg_control, m->msg_controllen)
		? (struct cmsghdr *)m->msg_control : NULL;
	switch (h->hostile) {
	case ENCL_HOSTILE_RECVMSG_COUNT:
		o->ret = (int64_t)m->msg_iov[0].iov_len + 1;
		break;
	case ENCL_HOSTILE_RECVMSG_CONTROL:
		m->msg_controllen += 16;
		break;
	case ENCL_HOSTILE_CMSG_LEN:
		if (!c)
			return 1;
		c->cmsg_len = m->msg_controllen + 8;
		break;
	default:	/* CMSG_FD */
		if (!c || c->cmsg_type != SCM_RIGHTS)
			return 1;
		((int *)CMSG_DATA(c))[0] = -7;
		break;
	}
	h->hostile = ENCL_HOSTILE_NONE;
	return 1;
}

/* The lies that answer a call with a result alone, not serving it. */
static const struct {
	enum encl_hostile mode;
	long nr, nr2;		/* the call lied about (nr2: the other spelling, or -1) */
	int64_t ret;
} hostile_results[] = {
	{ ENCL_HOSTILE_READ_NEGATIVE,	SYS_read,	-1,		-5000 },
	{ ENCL_HOSTILE_OPEN_FD,		SYS_open,	SYS_openat,	INT64_C(1) << 32 },
	{ ENCL_HOSTILE_SOCKET_FD,	SYS_socket,	-1,		INT64_C(1) << 32 },
	{ ENCL_HOSTILE_OPEN_USED,	SYS_open,	SYS_openat,	1 },
	{ ENCL_HOSTILE_SOCKET_USED,	SYS_socket,	-1,		0 },
	{ ENCL_HOSTILE_PREAD_ZERO,	SYS_pread64,	-1,		0 },
	{ ENCL_HOSTILE_LSEEK_NEGATIVE,	SYS_lseek,	-1,		-(INT64_C(1) << 40) },
	{ ENCL_HOSTILE_ERRNO_RANGE,	SYS_close,	-1,		-4095 },
};

static int hostile_result(struct encl_host_thread *t, int64_t nr)
{
	struct encl_host *h = t->h;

	for (size_t i = 0; i < sizeof(hostile_results) / sizeof(hostile_results[0]); i++) {
		if (hostile_results[i].mode != h->hostile)
			continue;
		if (nr != hostile_results[i].nr && nr != hostile_results[i].nr2)
			return 0;
		((struct encl_ocall *)t->area)->ret = hostile_results[i].ret;
		h->hostile = ENCL_HOSTILE_NONE;
		return 1;
	}
	return 0;
}

/* A lie told after the call was served: a result or a structure in the area changed. */
static int hostile_served(struct encl_host_thread *t, int64_t nr, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_ocall *o = (struct encl_ocall *)t->area;

	switch (h->hostile) {
	case ENCL_HOSTILE_STAT_SIZE:
	case ENCL_HOSTILE_STAT_TYPE: {
		struct stat *st = (struct stat *)(uintptr_t)args[1];

		if (nr != SYS_fstat || !encl_area_holds(t, args[1], sizeof(*st)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (h->hostile == ENCL_HOSTILE_STAT_SIZE)
			st->st_size = INT64_C(1) << 62;
		else
			st->st_mode = S_IFMT | 0644;
		break;
	}
	case ENCL_HOSTILE_STATX_SIZE:
		if (nr != SYS_statx || !encl_area_holds(t, args[4], sizeof(struct statx)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		((struct statx *)(uintptr_t)args[4])->stx_size = UINT64_C(1) << 62;
		break;
	case ENCL_HOSTILE_CLOCK_BACK:
		if (nr != SYS_clock_gettime || args[0] != CLOCK_MONOTONIC ||
		    !encl_area_holds(t, args[1], sizeof(struct timespec)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (!h->hostile_seen++)
			return 1;	/* the first reading is honest: the enclave must have seen one */
		*(struct timespec *)(uintptr_t)args[1] = (struct timespec){ 0, 1 };
		break;
	case ENCL_HOSTILE_NANOSLEEP_REM: {
		struct timespec *rem = (struct timespec *)(uintptr_t)args[1];

		if (nr != SYS_nanosleep || !encl_area_holds(t, args[0], sizeof(*rem)) ||
		    !encl_area_holds(t, args[1], sizeof(*rem)))
			return 0;
		*rem = *(struct timespec *)(uintptr_t)args[0];
		rem->tv_sec++;
		o->ret = -EINTR;
		break;
	}
	case ENCL_HOSTILE_GETFL_BITS:
		if (nr != SYS_fcntl || args[1] != F_GETFL)
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret >= 0)
			o->ret |= 1 << 30;
		break;
	case ENCL_HOSTILE_SENDFILE_OFFSET:
		if (nr != SYS_sendfile || !encl_area_holds(t, args[2], sizeof(off_t)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		++*(off_t *)(uintptr_t)args[2];
		break;
	case ENCL_HOSTILE_FLOCK_TYPE:
		if (nr != SYS_fcntl || args[1] != F_GETLK || !encl_area_holds(t, args[2], sizeof(struct flock)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		((struct flock *)(uintptr_t)args[2])->l_type = 7;
		break;
	case ENCL_HOSTILE_FLOCK_UNLCK:
		if (nr != SYS_fcntl || args[1] != F_GETLK || !encl_area_holds(t, args[2], sizeof(struct flock)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		((struct flock *)(uintptr_t)args[2])->l_type = F_UNLCK;
		((struct flock *)(uintptr_t)args[2])->l_pid = 4242;
		break;
	case ENCL_HOSTILE_RLIMIT_CUR: {
		struct rlimit *old = (struct rlimit *)(uintptr_t)args[3];

		if (nr != SYS_prlimit64 || !encl_area_holds(t, args[3], sizeof(*old)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		*old = (struct rlimit){ .rlim_cur = 2048, .rlim_max = 1024 };
		break;
	}
	case ENCL_HOSTILE_DIRENT_NAME:
		if (nr != SYS_getdents64 || !encl_area_holds(t, args[1], args[2]))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret <= 19)	/* no record yet: the next call */
			return 1;
		((char *)(uintptr_t)args[1])[19] = '/';		/* linux_dirent64's d_name */
		break;
	case ENCL_HOSTILE_DIRENT_DOTDOT:
		if (nr != SYS_getdents64 || !encl_area_holds(t, args[1], args[2]))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret < 2 * 24)	/* fewer than two records: the next call */
			return 1;
		/* The first two names become "..": every record has room for three bytes. */
		for (int i = 0, off = 0; i < 2; i++) {
			char *rec = (char *)(uintptr_t)args[1] + off;

			memcpy(rec + 19, "..", 3);
			off += *(uint16_t *)(rec + 16);
		}
		break;
	case ENCL_HOSTILE_DIRENT_ENDLESS:
		if (nr != SYS_getdents64 || !encl_area_holds(t, args[1], args[2]))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret == 0) {	/* the end: instead, a buffer of entries "x", forever */
			char *buf = (char *)(uintptr_t)args[1];
			uint64_t n = args[2] / 24;

			memset(buf, 0, n * 24);
			for (uint64_t i = 0; i < n; i++) {
				*(uint16_t *)(buf + i * 24 + 16) = 24;
				buf[i * 24 + 19] = 'x';
			}
			o->ret = (int64_t)(n * 24);
		}
		return 1;	/* the mode stays: every later call lies too */
	case ENCL_HOSTILE_DIRENT_REPLAY:
		if (nr != SYS_getdents64 || !encl_area_holds(t, args[1], args[2]))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret == 0 && lseek((int)args[0], 0, SEEK_SET) == 0)
			o->ret = forward(t, (long)nr, args);	/* the end: the directory again */
		return 1;
	case ENCL_HOSTILE_STAT_RETYPE: {
		struct stat *st = (struct stat *)(uintptr_t)args[1];

		if (nr != SYS_fstat || !encl_area_holds(t, args[1], sizeof(*st)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret == 0 && h->hostile_seen++)	/* the first answer is honest */
			st->st_mode = (S_ISREG(st->st_mode) ? S_IFDIR : S_IFREG) | (st->st_mode & 07777);
		return 1;
	}
	case ENCL_HOSTILE_PPID_BACK:
		if (nr != SYS_getppid)
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (h->hostile_seen++ == 1)	/* honest, init, then honest again */
			o->ret = 1;
		return 1;
	case ENCL_HOSTILE_PPID_SELF:
		if (nr != SYS_getppid)
			return 0;
		o->ret = getpid();
		break;
	case ENCL_HOSTILE_PIPE_SAME:
		if (nr != SYS_pipe2 || !encl_area_holds(t, args[0], 2 * sizeof(int)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret == 0)
			((int *)(uintptr_t)args[0])[1] = ((int *)(uintptr_t)args[0])[0];
		break;
	default:
		return 0;
	}
	h->hostile = ENCL_HOSTILE_NONE;
	return 1;
}

/*
 * ENCL_SIM_HOSTILE (host.h): lie about the first call of the kind chosen.
 * Returns 1 when the lie replaces the answer.
 */
static int hostile(struct encl_host_thread *t, int64_t nr, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_ocall *o = (struct encl_ocall *)t->area;

	switch (h->hostile) {
	case ENCL_HOSTILE_READ_COUNT:
		if (nr != SYS_read)
			return 0;
		o->ret = (int64_t)args[2] + 1;
		break;
	case ENCL_HOSTILE_READ_POINTER:
		if (nr != SYS_read)
			return 0;
		o->ret = forward(t, (long)nr, args);
		o->args[1] = h->e.base;		/* the enclave must use its own pointer */
		break;
	case ENCL_HOSTILE_TIMESPEC:
		if (nr != SYS_clock_gettime || !encl_area_holds(t, args[1], sizeof(struct timespec)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		((struct timespec *)(uintptr_t)args[1])->tv_nsec = 1000000000;
		break;
	case ENCL_HOSTILE_ACCEPT_ADDRLEN:
	case ENCL_HOSTILE_RECVFROM_ADDRLEN:
	case ENCL_HOSTILE_GETSOCKOPT_LEN:
		return hostile_length(t, nr, args);
	case ENCL_HOSTILE_RECVMSG_COUNT:
	case ENCL_HOSTILE_RECVMSG_CONTROL:
	case ENCL_HOSTILE_CMSG_LEN:
	case ENCL_HOSTILE_CMSG_FD:
		return hostile_recvmsg(t, nr, args);
	case ENCL_HOSTILE_SHARED_INSIDE:
		if (nr != ENCL_OCALL_SHARED_MEM || args[0] != SYS_mmap)
			return 0;
		o->ret = (int64_t)h->e.base;	/* the enclave's first page, as if it were host memory */
		break;
	case ENCL_HOSTILE_STATFS_SIZE:
		if ((nr != SYS_statfs && nr != SYS_fstatfs) || !encl_area_holds(t, args[1], sizeof(struct statfs)))
			return 0;
		o->ret = forward(t, (long)nr, args);
		((struct statfs *)(uintptr_t)args[1])->f_bsize = -4096;
		break;
	case ENCL_HOSTILE_POLL_COUNT:
	case ENCL_HOSTILE_EPOLL_COUNT: {
		int poll = h->hostile == ENCL_HOSTILE_POLL_COUNT;

		if (nr != (poll ? SYS_ppoll : SYS_epoll_pwait))
			return 0;
		(void)forward(t, (long)nr, args);	/* served, then counted one too many */
		o->ret = (int64_t)args[poll ? 1 : 2] + 1;
		break;
	}
	case ENCL_HOSTILE_POLL_REVENTS:
		if (nr != SYS_ppoll)
			return 0;
		o->ret = forward(t, (long)nr, args);
		for (uint64_t i = 0; o->ret >= 0 && i < args[1]; i++) {
			struct pollfd *p = (struct pollfd *)(uintptr_t)args[0] + i;

			if (p->fd < 0) {
				p->revents = POLLIN;
				o->ret++;
				break;
			}
		}
		break;
	case ENCL_HOSTILE_SELECT_BIT: {
		fd_set *rd = (fd_set *)(uintptr_t)args[1];
		fd_set asked;
		int fd;

		if (nr != SYS_select || !encl_area_holds(t, args[1], sizeof(fd_set)))
			return 0;
		asked = *rd;
		o->ret = forward(t, (long)nr, args);
		for (fd = 0; fd < (int)args[0] && FD_ISSET(fd, &asked); fd++)
			;
		if (o->ret >= 0 && fd < (int)args[0]) {
			FD_SET(fd, rd);
			o->ret++;
		}
		break;
	}
	case ENCL_HOSTILE_PIPE_USED:
		if (nr != SYS_pipe2 || !encl_area_holds(t, args[0], 2 * sizeof(int)))
			return 0;
		((int *)(uintptr_t)args[0])[0] = 1;
		((int *)(uintptr_t)args[0])[1] = 2;
		o->ret = 0;
		break;
	case ENCL_HOSTILE_WRITE_ZERO:
		if (nr != SYS_write && nr != SYS_pwrite64)
			return 0;
		o->ret = 0;
		return 1;	/* every time: the program must still end */
	case ENCL_HOSTILE_EPOLL_FD:
		if (nr != SYS_epoll_pwait)
			return 0;
		o->ret = forward(t, (long)nr, args);
		if (o->ret >= 0 && o->ret < (int64_t)args[2]) {
			struct epoll_event *ev = (struct epoll_event *)(uintptr_t)args[1] + o->ret;

			ev->events = EPOLLIN;
			ev->data.u64 = 1000;
			o->ret++;
		}
		break;
	default:	/* 0 from both: run.c and thread.c tell the others */
		return hostile_result(t, nr) || hostile_served(t, nr, args);
	}
	h->hostile = ENCL_HOSTILE_NONE;
	return 1;
}

void encl_host_ocall(struct encl_host_thread *t)
{
	struct encl_host *h = t->h;
	struct encl_ocall *o = (struct encl_ocall *)t->area;
	uint64_t args[6];
	int64_t nr = o->nr;

	/* Read once: the enclave's view of the area may change under us. */
	memcpy(args, o->args, sizeof(args));
	if (h->hostile && hostile(t, nr, args))
		return;
	if (nr >= 0)
		o->ret = forward(t, (long)nr, args);
	else if (nr == ENCL_OCALL_LOG)
		o->ret = log_line(t, args);
	else if (nr == ENCL_OCALL_ENTER_TCS)
		o->ret = encl_host_enter_tcs(t, args);	/* host/enter_tcs.c */
	else if (nr >= ENCL_OCALL_PROTECT && nr <= ENCL_OCALL_MODIFY_TYPES)
		o->ret = page_op(t, (long)nr, args);
	else if (nr == ENCL_OCALL_THREAD_START)
		o->ret = encl_host_thread_start(t, args[0]);	/* host/thread.c */
	else if (nr == ENCL_OCALL_WAIT)
		o->ret = encl_host_thread_wait(t, args[0]);
	else if (nr == ENCL_OCALL_WAKE)
		o->ret = encl_host_thread_wake(t, args[0]);
	else if (nr == ENCL_OCALL_SHARED_MEM)
		o->ret = encl_host_shared_mem(args);	/* host/shared_mem.c */
	else if (nr == ENCL_OCALL_QWAIT)
		o->ret = encl_host_xq_wait(t);		/* host/exitless.c */
	else if (nr == ENCL_OCALL_QUOTE)
		o->ret = encl_host_quote(t, args);	/* host/attest.c */
	else if (nr == ENCL_OCALL_CAS)
		o->ret = encl_host_cas(t, args);
	else
		o->ret = -ENOSYS;
}
