// SPDX-License-Identifier: MIT
/*
 * Sockets, forwarded to the host: every argument is copied into the ocall
 * area and every result back out after its check. The host's kernel does
 * the networking, so the host sees every byte a program sends or
 * receives; only encryption inside the enclave (TLS) keeps it secret.
 *
 * Addresses: the enclave always gives the host a whole struct
 * sockaddr_storage and copies back, as the kernel does, at most the
 * program's length, telling the program the full one (take_addr).
 * Data: one ocall per call, at most what fits in the area (a short count,
 * as a kernel may return). sendmsg and recvmsg travel as one msghdr of
 * the enclave's own, in the area, with one iovec; the host checks every
 * pointer in it and gives the kernel its own copy (host/ocall_copy.c).
 */
#define _GNU_SOURCE	/* struct mmsghdr, MSG_WAITFORONE */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

_Static_assert(sizeof(struct sockaddr_storage) == ENCL_SZ_SOCKADDR, "abi/syscalls.h: sockaddr");
_Static_assert(sizeof(struct msghdr) == ENCL_SZ_MSGHDR, "abi/syscalls.h: struct msghdr");
_Static_assert(sizeof(struct iovec) == ENCL_SZ_IOVEC, "abi/syscalls.h: struct iovec");
_Static_assert(sizeof(struct cmsghdr) == ENCL_SZ_CMSGHDR, "abi/syscalls.h: struct cmsghdr");

/* Control data of one sendmsg/recvmsg, at most (the kernel's optmem_max is smaller). */
#define CONTROL_MAX	(64 * 1024)

/* An address for the host to fill, and its length (in, then out). */
struct host_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

static struct host_addr *addr_alloc(void)
{
	struct host_addr *h = ocall_alloc(sizeof(*h));

	h->len = sizeof(h->sa);
	return h;
}

/*
 * The address the host returned, @len read once from the area: checked,
 * then at most the program's *@ulen bytes copied to @uaddr and *@ulen set
 * to the full length, which is what the kernel does with a short buffer.
 */
/* The descriptors SCM_RIGHTS brought (checked by iago_check_cmsgs) are the program's now. */
static void take_rights(void *control, socklen_t len)
{
	struct msghdr m = { .msg_control = control, .msg_controllen = len };

	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			encl_fd_new(SYS_recvmsg, fd);
		}
	}
}

static void take_addr(long nr, int64_t r, socklen_t len, const struct host_addr *h,
		      void *uaddr, socklen_t *ulen)
{
	unsigned char sa[ENCL_SZ_SOCKADDR];

	memcpy(sa, &h->sa, sizeof(sa));
	IAGO(iago_check_addrlen(len, sa), nr, r);
	memcpy(uaddr, sa, len < *ulen ? len : *ulen);
	*ulen = len;
}

/* An address the program passes in: at most a sockaddr_storage, as the kernel says. */
static long give_addr(const void *addr, socklen_t len, uint64_t *hp)
{
	if ((int)len < 0 || len > ENCL_SZ_SOCKADDR)
		return -EINVAL;
	*hp = addr && len ? HP(ocall_copy_in(addr, len)) : 0;
	return 0;
}

static long zero_result(long nr, int64_t r)
{
	IAGO(iago_check_zero(r), nr, r);
	return r;
}

SYSFN_FWD_FD(socket)

SYSFN(socketpair)
{
	int *hb = ocall_alloc(2 * sizeof(int));
	int64_t r = ocall4(OCALL_SYS(socketpair), a[0], a[1], a[2], HP(hb));

	IAGO(iago_check_zero(r), SYS_socketpair, r);
	if (!r)
		encl_take_fdpair(SYS_socketpair, r, hb, (int *)a[3]);
	return r;
}

/* bind and connect: an address in, 0 or -errno out. */
static long addr_call(long nr, const uint64_t *a)
{
	uint64_t hp;
	long err = give_addr((const void *)a[1], (socklen_t)a[2], &hp);

	if (err)
		return err;
	return zero_result(nr, ocall3(nr, a[0], hp, (socklen_t)a[2]));
}

SYSFN(bind)
{
	return addr_call(OCALL_SYS(bind), a);
}

SYSFN(connect)
{
	return addr_call(OCALL_SYS(connect), a);
}

SYSFN(listen)
{
	return zero_result(SYS_listen, ocall2(OCALL_SYS(listen), a[0], a[1]));
}

SYSFN(shutdown)
{
	return zero_result(SYS_shutdown, ocall2(OCALL_SYS(shutdown), a[0], a[1]));
}

static long do_accept(long nr, uint64_t fd, void *uaddr, socklen_t *ulen, uint64_t flags)
{
	struct host_addr *h = 0;
	int64_t r;

	if (uaddr && (!ulen || (int)*ulen < 0))
		return ulen ? -EINVAL : -EFAULT;
	if (uaddr)
		h = addr_alloc();
	r = encl_fd_new(nr, ocall4(OCALL_SYS(accept4), fd, h ? HP(&h->sa) : 0, h ? HP(&h->len) : 0, flags));
	if (r >= 0 && h)
		take_addr(nr, r, *(volatile socklen_t *)&h->len, h, uaddr, ulen);
	return r;
}

SYSFN(accept)
{
	return do_accept(SYS_accept, a[0], (void *)a[1], (socklen_t *)a[2], 0);
}

SYSFN(accept4)
{
	return do_accept(SYS_accept4, a[0], (void *)a[1], (socklen_t *)a[2], a[3]);
}

/* getsockname and getpeername */
static long name_call(long nr, const uint64_t *a)
{
	socklen_t *ulen = (socklen_t *)a[2];
	struct host_addr *h;
	int64_t r;

	if (!ulen)
		return -EFAULT;
	if ((int)*ulen < 0)
		return -EINVAL;
	h = addr_alloc();
	r = ocall3(nr, a[0], HP(&h->sa), HP(&h->len));
	IAGO(iago_check_zero(r), nr, r);
	if (!r)
		take_addr(nr, r, *(volatile socklen_t *)&h->len, h, (void *)a[1], ulen);
	return r;
}

SYSFN(getsockname)
{
	return name_call(OCALL_SYS(getsockname), a);
}

SYSFN(getpeername)
{
	return name_call(OCALL_SYS(getpeername), a);
}

/*
 * The length of a socket option's value to copy, into *@len: the
 * program's, at most the option's size (the kernel reads and writes no
 * more). An option in no row of ENCL_SOCKOPTS (abi/syscalls.h) is
 * ENOPROTOOPT, with a warning the first time.
 */
static long option_len(const uint64_t *a, socklen_t given, socklen_t *len)
{
	static int warned;
	const struct encl_sockopt *o = encl_sockopt_find(a[1], a[2]);

	if (!o) {
		encl_log(__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED) ? ENCL_LOG_DEBUG : ENCL_LOG_WARNING,
			 "socket option %d at level %d is not supported (not in ENCL_SOCKOPTS, "
			 "abi/syscalls.h): ENOPROTOOPT", (int)a[2], (int)a[1]);
		return -ENOPROTOOPT;
	}
	if ((int)given < 0)
		return -EINVAL;
	*len = given < o->size ? given : o->size;
	return *len && !a[3] ? -EFAULT : 0;
}

SYSFN(setsockopt)
{
	socklen_t len;
	long err = option_len(a, (socklen_t)a[4], &len);

	if (err)
		return err;
	return zero_result(SYS_setsockopt, ocall6(OCALL_SYS(setsockopt), a[0], a[1], a[2],
						  HP(ocall_copy_in((const void *)a[3], len)), len, 0));
}

SYSFN(getsockopt)
{
	socklen_t *ulen = (socklen_t *)a[4];
	socklen_t given, len, *hlen;
	long err = ulen ? option_len(a, *ulen, &given) : -EFAULT;
	void *hb;
	int64_t r;

	if (err)
		return err;
	hb = ocall_alloc(given);
	hlen = ocall_copy_in(&given, sizeof(given));
	r = ocall6(OCALL_SYS(getsockopt), a[0], a[1], a[2], HP(hb), HP(hlen), 0);
	IAGO(iago_check_zero(r), SYS_getsockopt, r);
	if (r)
		return r;
	len = *(volatile socklen_t *)hlen;
	IAGO(iago_check_buflen(len, given), SYS_getsockopt, r);
	memcpy((void *)a[3], hb, len);
	*ulen = len;
	return 0;
}

/*
 * A received count: at most what was asked, unless MSG_TRUNC asked for a
 * datagram's real length, which may be longer (only what fits is copied).
 */
static void check_received(long nr, int64_t r, uint64_t asked, uint64_t flags)
{
	IAGO(iago_check_count(r, flags & MSG_TRUNC ? INT_MAX : asked), nr, r);
}

SYSFN(sendto)
{
	uint64_t n, hp;
	long err = give_addr((const void *)a[4], (socklen_t)a[5], &hp);
	void *hb;
	int64_t r;

	if (err)
		return err;
	n = ocall_fit(a[2]);
	hb = ocall_copy_in((const void *)a[1], n);
	r = ocall6(OCALL_SYS(sendto), a[0], HP(hb), n, a[3], hp, hp ? (socklen_t)a[5] : 0);
	IAGO(iago_check_count(r, n), SYS_sendto, r);
	return r;
}

SYSFN(recvfrom)
{
	void *uaddr = (void *)a[4];
	socklen_t *ulen = (socklen_t *)a[5];
	struct host_addr *h = 0;
	uint64_t n;
	void *hb;
	int64_t r;

	if (uaddr && (!ulen || (int)*ulen < 0))
		return ulen ? -EINVAL : -EFAULT;
	if (uaddr)
		h = addr_alloc();
	n = ocall_fit(a[2]);
	hb = ocall_alloc(n);
	r = ocall6(OCALL_SYS(recvfrom), a[0], HP(hb), n, a[3], h ? HP(&h->sa) : 0, h ? HP(&h->len) : 0);
	check_received(SYS_recvfrom, r, n, a[3]);
	if (r < 0)
		return r;
	memcpy((void *)a[1], hb, (uint64_t)r < n ? (uint64_t)r : n);
	if (h)
		take_addr(SYS_recvfrom, r, *(volatile socklen_t *)&h->len, h, uaddr, ulen);
	return r;
}

/*
 * The program's msghdr as the kernel would first check it, and the
 * enclave's own in the area: name (a whole sockaddr_storage for recvmsg),
 * control, and one iovec of what fits. The data is not copied here.
 */
struct msg {
	struct msghdr m;	/* the program's, copied */
	int64_t total;		/* of its iovecs */
	struct msghdr *hm;	/* in the area */
	struct host_addr *name;	/* recvmsg's name in the area */
	unsigned char *control;	/* hm's control buffer */
	uint64_t ctl;		/* its length */
	unsigned char *data;	/* hm's one buffer */
	uint64_t n;		/* its length */
};

static long msg_prepare(struct msg *g, const struct msghdr *um, int out)
{
	struct iovec *hiov;
	uint64_t ctl;

	if (!um)
		return -EFAULT;
	memcpy(&g->m, um, sizeof(g->m));
	if ((unsigned)g->m.msg_iovlen > ENCL_MSG_IOV_MAX)
		return -EMSGSIZE;
	g->total = encl_iov_total(g->m.msg_iov, (uint64_t)g->m.msg_iovlen);
	if (g->total < 0)
		return g->total;
	ctl = g->m.msg_control ? g->m.msg_controllen : 0;
	if (ctl > CONTROL_MAX) {
		if (out)
			return -ENOBUFS;
		ctl = CONTROL_MAX;	/* more than any kernel sends at once */
	}
	g->hm = ocall_alloc(sizeof(*g->hm));
	memset(g->hm, 0, sizeof(*g->hm));
	g->name = 0;
	if (out && g->m.msg_name) {
		uint64_t hp;
		long err = give_addr(g->m.msg_name, g->m.msg_namelen, &hp);

		if (err)
			return err;
		g->hm->msg_name = (void *)hp;
		g->hm->msg_namelen = hp ? g->m.msg_namelen : 0;
	} else if (g->m.msg_name) {
		if ((int)g->m.msg_namelen < 0)
			return -EINVAL;
		g->name = addr_alloc();
		g->hm->msg_name = &g->name->sa;
		g->hm->msg_namelen = sizeof(g->name->sa);
	}
	g->ctl = ctl;
	g->control = 0;
	if (ctl) {
		g->control = out ? ocall_copy_in(g->m.msg_control, ctl) : ocall_alloc(ctl);
		g->hm->msg_control = g->control;
		g->hm->msg_controllen = ctl;
	}
	hiov = ocall_alloc(sizeof(*hiov));
	g->n = ocall_fit((uint64_t)g->total);
	g->data = ocall_alloc(g->n);
	hiov->iov_base = g->data;
	hiov->iov_len = g->n;
	g->hm->msg_iov = hiov;
	g->hm->msg_iovlen = 1;
	return 0;
}

SYSFN(sendmsg)
{
	struct msg g;
	long err = msg_prepare(&g, (const struct msghdr *)a[1], 1);
	int64_t r;

	if (err)
		return err;
	encl_iov_gather(g.m.msg_iov, 0, g.data, g.n);
	r = ocall3(OCALL_SYS(sendmsg), a[0], HP(g.hm), a[2]);
	IAGO(iago_check_count(r, g.n), SYS_sendmsg, r);
	return r;
}

SYSFN(recvmsg)
{
	struct msghdr *um = (struct msghdr *)a[1];
	struct msghdr back;
	struct msg g;
	long err = msg_prepare(&g, um, 0);
	int64_t r;

	if (err)
		return err;
	r = ocall3(OCALL_SYS(recvmsg), a[0], HP(g.hm), a[2]);
	check_received(SYS_recvmsg, r, g.n, a[2]);
	if (r < 0)
		return r;
	memcpy(&back, g.hm, sizeof(back));	/* the lengths and flags, read once */
	IAGO(iago_check_buflen(back.msg_controllen, g.ctl), SYS_recvmsg, r);
	encl_iov_scatter(g.m.msg_iov, g.data, (uint64_t)r < g.n ? (uint64_t)r : g.n);
	if (back.msg_controllen) {
		/* Checked in the program's copy, which the host cannot change afterwards. */
		memcpy(g.m.msg_control, g.control, back.msg_controllen);
		IAGO(iago_check_cmsgs(g.m.msg_control, back.msg_controllen), SYS_recvmsg, r);
		take_rights(g.m.msg_control, back.msg_controllen);
	}
	um->msg_controllen = back.msg_controllen;
	um->msg_flags = back.msg_flags;
	if (g.name)
		take_addr(SYS_recvmsg, r, back.msg_namelen, g.name, g.m.msg_name, &um->msg_namelen);
	return r;
}

/*
 * sendmmsg and recvmmsg, one sendmsg or recvmsg per message, each checked
 * as its own. As with the kernel, a failure after the first message ends
 * the batch with the count so far, and at most UIO_MAXIOV messages go in
 * one call. recvmmsg's MSG_WAITFORONE makes every receive after the first
 * non-blocking; its timeout is checked after each message, as the kernel
 * checks it, and what is left of it written back.
 */
#define MMSG_MAX	1024	/* UIO_MAXIOV */

static long mmsg(long nr, const uint64_t *a, struct timespec *timeout)
{
	struct mmsghdr *v = (struct mmsghdr *)a[1];
	unsigned n = a[2] > MMSG_MAX ? MMSG_MAX : (unsigned)a[2], i;
	uint64_t flags = a[3] & ~(uint64_t)MSG_WAITFORONE, end = 0, ns;

	if (timeout) {
		if (encl_timespec_ns(timeout, &ns))
			return -EINVAL;
		end = encl_deadline_ns(CLOCK_MONOTONIC, ns);
	}
	for (i = 0; i < n; i++) {
		uint64_t b[6] = { a[0], (uint64_t)(uintptr_t)&v[i].msg_hdr, flags };
		long r;

		ocall_reset();	/* each message is a call of its own, with the whole area */
		r = nr == SYS_sendmmsg ? sys_sendmsg(b) : sys_recvmsg(b);
		if (r < 0)
			return i ? (long)i : r;
		v[i].msg_len = (unsigned)r;
		if (a[3] & MSG_WAITFORONE)
			flags |= MSG_DONTWAIT;
		if (timeout) {
			uint64_t now = encl_clock_ns(CLOCK_MONOTONIC), left = end > now ? end - now : 0;

			*timeout = (struct timespec){ left / 1000000000, left % 1000000000 };
			if (!left) {
				i++;
				break;
			}
		}
	}
	return (long)i;
}

SYSFN(sendmmsg)
{
	return mmsg(SYS_sendmmsg, a, 0);
}

SYSFN(recvmmsg)
{
	return mmsg(SYS_recvmmsg, a, (struct timespec *)a[4]);
}
