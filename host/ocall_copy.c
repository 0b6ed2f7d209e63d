// SPDX-License-Identifier: MIT
/*
 * Words of the ocall area that the kernel reads after the host checked
 * them: the socklen_t behind an ENCL_ARG_LENP argument (the length of the
 * buffer before it) and a struct msghdr with its iovecs (ENCL_ARG_MSGHDR,
 * pointers of its own). Another enclave thread could change them between
 * the check and the call, so the host reads each once into its own
 * memory, checks that copy, and gives the kernel the copy; what the
 * kernel writes into it (lengths, flags) is copied back into the area
 * afterwards.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "abi/syscalls.h"
#include "host/host.h"

_Static_assert(sizeof(struct msghdr) == ENCL_SZ_MSGHDR, "abi/syscalls.h: struct msghdr");
_Static_assert(sizeof(struct iovec) == ENCL_SZ_IOVEC, "abi/syscalls.h: struct iovec");

static int holds(const struct encl_host_thread *t, const void *p, uint64_t len)
{
	return !len || encl_area_holds(t, (uint64_t)(uintptr_t)p, len);
}

int encl_copy_lenp(const struct encl_host_thread *t, struct encl_ocall_copies *c, int idx,
		   uint64_t p, uint64_t lenp)
{
	socklen_t len;

	if (!lenp)
		return 0;	/* the kernel fails with EFAULT before it writes anything */
	if (!encl_area_holds(t, lenp, sizeof(len)) || c->nlen == ENCL_COPY_LENS)
		return -EFAULT;
	memcpy(&len, (const void *)(uintptr_t)lenp, sizeof(len));
	if (p && !encl_area_holds(t, p, len))
		return -EFAULT;
	c->len[c->nlen] = len;
	c->len_idx[c->nlen] = idx;
	c->len_at[c->nlen++] = (socklen_t *)(uintptr_t)lenp;
	return 0;
}

int encl_copy_msghdr(const struct encl_host_thread *t, struct encl_ocall_copies *c, int idx, uint64_t p)
{
	static __thread struct iovec iov[ENCL_MSG_IOV_MAX];
	struct msghdr *m = &c->msg;

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
	c->msg_idx = idx;
	c->msg_at = (struct msghdr *)(uintptr_t)p;
	return 0;
}

void encl_copies_use(struct encl_ocall_copies *c, uint64_t *args)
{
	for (int k = 0; k < c->nlen; k++)
		args[c->len_idx[k]] = (uint64_t)(uintptr_t)&c->len[k];
	if (c->msg_at)
		args[c->msg_idx] = (uint64_t)(uintptr_t)&c->msg;
}

void encl_copies_back(const struct encl_ocall_copies *c)
{
	for (int k = 0; k < c->nlen; k++)
		*c->len_at[k] = c->len[k];
	if (c->msg_at) {
		c->msg_at->msg_namelen = c->msg.msg_namelen;
		c->msg_at->msg_controllen = c->msg.msg_controllen;
		c->msg_at->msg_flags = c->msg.msg_flags;
	}
}
