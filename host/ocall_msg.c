// SPDX-License-Identifier: MIT
/*
 * sendmsg and recvmsg for the ocall server: a struct msghdr holds
 * pointers of its own (name, iovecs, control). The host reads it and its
 * iovec array once into its own memory, checks that every pointer with
 * its length lies in the caller's ocall area, and gives the kernel that
 * copy, so that nothing the enclave changes afterwards reaches the
 * kernel unchecked. The kernel's answers (name and control lengths,
 * flags) go back into the area's msghdr.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "abi/syscalls.h"
#include "host/host.h"

_Static_assert(sizeof(struct msghdr) == ENCL_SZ_MSGHDR, "abi/syscalls.h: struct msghdr");
_Static_assert(sizeof(struct iovec) == ENCL_SZ_IOVEC, "abi/syscalls.h: struct iovec");

static int holds(const struct encl_host_thread *t, const void *p, uint64_t len)
{
	return !len || encl_area_holds(t, (uint64_t)(uintptr_t)p, len);
}

int encl_host_msghdr_take(const struct encl_host_thread *t, uint64_t p, struct msghdr *m,
			  struct iovec *iov)
{
	if (!encl_area_holds(t, p, sizeof(*m)))
		return -EFAULT;
	memcpy(m, (const void *)(uintptr_t)p, sizeof(*m));
	if (m->msg_iovlen > ENCL_MSG_IOV_MAX)
		return -EMSGSIZE;
	if (!holds(t, m->msg_iov, m->msg_iovlen * sizeof(*iov)))
		return -EFAULT;
	memcpy(iov, m->msg_iov, m->msg_iovlen * sizeof(*iov));
	m->msg_iov = iov;
	for (size_t i = 0; i < m->msg_iovlen; i++)
		if (!holds(t, iov[i].iov_base, iov[i].iov_len))
			return -EFAULT;
	if ((m->msg_name && !holds(t, m->msg_name, m->msg_namelen)) ||
	    (m->msg_control && !holds(t, m->msg_control, m->msg_controllen)))
		return -EFAULT;
	return 0;
}

int64_t encl_host_msg_call(const struct encl_host_thread *t, long nr, const uint64_t *args)
{
	static __thread struct iovec iov[ENCL_MSG_IOV_MAX];
	struct msghdr m, *area = (struct msghdr *)(uintptr_t)args[1];
	int err = encl_host_msghdr_take(t, args[1], &m, iov);
	long r;

	if (err)
		return err;
	r = syscall(nr, args[0], &m, args[2]);
	if (r == -1)
		return -errno;
	area->msg_namelen = m.msg_namelen;
	area->msg_controllen = m.msg_controllen;
	area->msg_flags = m.msg_flags;
	return r;
}
