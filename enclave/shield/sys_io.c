// SPDX-License-Identifier: MIT
/*
 * Data transfer: read, write and their positioned and vectored forms,
 * getdents64 and sendfile. Data crosses the boundary through the ocall
 * area, at most the area's room per ocall (sendfile's never crosses it).
 * Reads return after one chunk (a short count is what a kernel may return
 * too); writes loop until everything is written or the host writes less.
 * Every count the host returns must be at most what was asked; getdents64
 * records are checked after they are copied into the enclave.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

#define IOV_MAX_COUNT	1024

static long do_read(long nr, uint64_t fd, void *buf, uint64_t count, uint64_t off)
{
	uint64_t n;
	void *hb;
	int64_t r;

	if (iago_negative_len(count))
		return -EINVAL;
	n = ocall_fit(count);
	hb = ocall_alloc(n);
	r = nr == SYS_pread64 ? ocall4(nr, fd, HP(hb), n, off) : ocall3(nr, fd, HP(hb), n);
	IAGO(iago_check_count(r, n), nr, r);
	if (r > 0)
		memcpy(buf, hb, (uint64_t)r);
	return r;
}

/*
 * A write ends on an error, or when the host wrote nothing of n > 0
 * bytes: no kernel does that for a file, pipe or socket, and a program
 * (musl's stdio among them) would retry it forever. That is EIO.
 */
static int write_stopped(int64_t r, uint64_t n)
{
	return r < 0 || (r == 0 && n);
}

static long do_write(long nr, uint64_t fd, const void *buf, uint64_t count, uint64_t off)
{
	const unsigned char *p = buf;
	uint64_t done = 0;

	if (iago_negative_len(count))
		return -EINVAL;
	do {
		uint64_t n = ocall_fit(count - done);
		void *hb;
		int64_t r;

		ocall_reset();
		hb = ocall_copy_in(p + done, n);
		r = nr == SYS_pwrite64 ? ocall4(nr, fd, HP(hb), n, off + done)
				       : ocall3(nr, fd, HP(hb), n);
		IAGO(iago_check_count(r, n), nr, r);
		if (write_stopped(r, n))
			return done ? (long)done : r ? r : -EIO;
		done += (uint64_t)r;
		if ((uint64_t)r < n)
			break;
	} while (done < count);
	return (long)done;
}

SYSFN(read)
{
	return do_read(OCALL_SYS(read), a[0], (void *)a[1], a[2], 0);
}

SYSFN(write)
{
	return do_write(OCALL_SYS(write), a[0], (const void *)a[1], a[2], 0);
}

SYSFN(pread64)
{
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	return do_read(OCALL_SYS(pread64), a[0], (void *)a[1], a[2], a[3]);
}

SYSFN(pwrite64)
{
	if ((int64_t)a[3] < 0)
		return -EINVAL;
	return do_write(OCALL_SYS(pwrite64), a[0], (const void *)a[1], a[2], a[3]);
}

int64_t encl_iov_total(const struct iovec *iov, uint64_t cnt)
{
	uint64_t total = 0;

	if (cnt > IOV_MAX_COUNT)
		return -EINVAL;
	for (uint64_t i = 0; i < cnt; i++) {
		if (iago_negative_len(iov[i].iov_len) || total + iov[i].iov_len < total ||
		    iago_negative_len(total + iov[i].iov_len))
			return -EINVAL;
		total += iov[i].iov_len;
	}
	return (int64_t)total;
}

void encl_iov_gather(const struct iovec *iov, uint64_t skip, unsigned char *dst, uint64_t n)
{
	for (; n; iov++) {
		uint64_t m = iov->iov_len;

		if (skip >= m) {
			skip -= m;
			continue;
		}
		m -= skip;
		if (m > n)
			m = n;
		memcpy(dst, (const unsigned char *)iov->iov_base + skip, m);
		dst += m;
		n -= m;
		skip = 0;
	}
}

void encl_iov_scatter(const struct iovec *iov, const unsigned char *src, uint64_t n)
{
	for (; n; iov++) {
		uint64_t m = iov->iov_len < n ? iov->iov_len : n;

		memcpy(iov->iov_base, src, m);
		src += m;
		n -= m;
	}
}

/* readv as one read into the area, scattered afterwards: one host read, like one kernel read. */
SYSFN(readv)
{
	const struct iovec *iov = (const struct iovec *)a[1];
	int64_t total = encl_iov_total(iov, a[2]);
	uint64_t n;
	unsigned char *hb;
	int64_t r;

	if (total < 0)
		return total;
	n = ocall_fit((uint64_t)total);
	hb = ocall_alloc(n);
	r = ocall3(OCALL_SYS(read), a[0], HP(hb), n);
	IAGO(iago_check_count(r, n), SYS_readv, r);
	if (r > 0)
		encl_iov_scatter(iov, hb, (uint64_t)r);
	return r;
}

/* writev gathered into the area: one host write when it fits, like write() beyond. */
SYSFN(writev)
{
	const struct iovec *iov = (const struct iovec *)a[1];
	int64_t total = encl_iov_total(iov, a[2]);
	uint64_t done = 0;

	if (total < 0)
		return total;
	do {
		uint64_t n;
		unsigned char *hb;
		int64_t r;

		ocall_reset();
		n = ocall_fit((uint64_t)total - done);
		hb = ocall_alloc(n);
		encl_iov_gather(iov, done, hb, n);
		r = ocall3(OCALL_SYS(write), a[0], HP(hb), n);
		IAGO(iago_check_count(r, n), SYS_writev, r);
		if (write_stopped(r, n))
			return done ? (long)done : r ? r : -EIO;
		done += (uint64_t)r;
		if ((uint64_t)r < n)
			break;
	} while (done < (uint64_t)total);
	return (long)done;
}

SYSFN(getdents64)
{
	uint64_t count = (uint32_t)a[2];	/* unsigned int in the kernel */
	uint64_t n = ocall_fit(count);
	int64_t ticket = encl_fd_ticket((int32_t)a[0]);
	void *hb;
	int64_t r;

	if (ticket < 0)
		return ticket;
	hb = ocall_alloc(n);
	r = ocall3(OCALL_SYS(getdents64), a[0], HP(hb), n);
	IAGO(iago_check_count(r, n), SYS_getdents64, r);
	if (r <= 0)
		return r;
	memcpy((void *)a[1], hb, (uint64_t)r);
	/* Checked in the enclave's copy: the host cannot change it after the check. */
	IAGO(iago_check_dirents((const void *)a[1], (uint64_t)r), SYS_getdents64, r);
	IAGO(encl_fd_check_dirents((int32_t)a[0], ticket, (const void *)a[1], (uint64_t)r), SYS_getdents64, r);
	return r;
}

/*
 * From one host file to another: the data never enters the enclave, as it
 * never enters the program with the kernel's sendfile. Only the count and
 * the offset come back.
 */
SYSFN(sendfile)
{
	int64_t *off = (int64_t *)a[2], before = 0, after, *hoff = 0;
	int64_t r;

	if (off) {
		before = *off;
		hoff = ocall_copy_in(&before, sizeof(before));
	}
	r = ocall4(OCALL_SYS(sendfile), a[0], a[1], HP(hoff), a[3]);
	if (!off) {
		IAGO(iago_check_count(r, a[3]), SYS_sendfile, r);
		return r;
	}
	after = *(volatile int64_t *)hoff;
	IAGO(iago_check_sendfile(a[3], r, before, after), SYS_sendfile, r);
	if (r >= 0)
		*off = after;
	return r;
}
