// SPDX-License-Identifier: MIT
/*
 * The SGX2 ioctls on an initialized enclave: EMODPR (restrict permissions),
 * EMODT (change type to TCS or TRIM) and removal of accepted TRIM pages.
 * The kernel works page by page and may stop early: -EAGAIN when a page is
 * busy (being reclaimed; EBUSY from REMOVE_PAGES, or from a concurrent ioctl
 * on the same enclave), or an error with `count` bytes already done and,
 * when the ENCLS leaf itself failed, its SGX code in `result`. Each request
 * is resumed at offset + count; `result` and `count` must be zero going in.
 *
 * Several host threads may ask at once (ocalls of different enclave
 * threads). The kernel lets one ioctl of an enclave in at a time and turns
 * the others away with EBUSY; retrying on that could starve a thread, so
 * the requests take turns on the enclave's ioctl_lock, whole requests at
 * a time. A request that made no progress (EAGAIN, EBUSY of a page being
 * reclaimed) yields the CPU before it tries again.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "host/hw/hw.h"

/* The three requests, seen through what they have in common. */
struct edmm_req {
	const char *what;
	unsigned long ioctl;
	uint64_t arg;		/* permissions or page type; unused for remove */
};

static int edmm_error(struct encl_enclave *e, const struct edmm_req *r, int err,
		      uint64_t at, uint64_t result)
{
	unsigned long long off = (unsigned long long)at;
	char code[200];

	if (result) {
		hw_describe_code(result, code, sizeof(code));
		return encl_backend_fail(e, err, result, "%s at offset %#llx failed: %s", r->what, off, code);
	}
	switch (err) {
	case ENODEV:
		return encl_backend_fail(e, err, 0, "%s: the kernel reports no SGX2 on this CPU (ENODEV)",
					 r->what);
	case ENOTTY:
		return encl_backend_fail(e, err, 0, "%s: the kernel has no EDMM ioctls (Linux 6.0+ needed)",
					 r->what);
	case EPERM:
		return encl_backend_fail(e, err, 0, "%s at offset %#llx refused (EPERM): %s", r->what, off,
					 r->ioctl == SGX_IOC_ENCLAVE_REMOVE_PAGES ?
					 "the page is not a TRIM page the enclave has EACCEPTed" :
					 "the page's mapping permissions do not allow it");
	case EINVAL:
		return encl_backend_fail(e, err, 0, "%s at offset %#llx rejected (EINVAL): bad range or "
					 "argument, a page of the wrong type, or the enclave is not initialized",
					 r->what, off);
	case EFAULT:
		return encl_backend_fail(e, err, 0, "%s at offset %#llx: no enclave page there (EFAULT)",
					 r->what, off);
	default:
		return encl_backend_fail(e, err, 0, "%s at offset %#llx: %s", r->what, off, strerror(err));
	}
}

/* Issue one ioctl on [offset, offset + length); returns count and result. */
static int edmm_once(struct encl_enclave *e, const struct edmm_req *r, uint64_t offset,
		     uint64_t length, uint64_t *count, uint64_t *result)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct hw_enclave *s = e->priv;
	int rc;

	switch (r->ioctl) {
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS: {
		struct sgx_enclave_restrict_permissions p = {
			.offset = offset, .length = length, .permissions = r->arg,
		};
		rc = k->ioctl(s->fd, r->ioctl, &p);
		*count = p.count;
		*result = p.result;
		break;
	}
	case SGX_IOC_ENCLAVE_MODIFY_TYPES: {
		struct sgx_enclave_modify_types p = {
			.offset = offset, .length = length, .page_type = r->arg,
		};
		rc = k->ioctl(s->fd, r->ioctl, &p);
		*count = p.count;
		*result = p.result;
		break;
	}
	default: {
		struct sgx_enclave_remove_pages p = { .offset = offset, .length = length };

		rc = k->ioctl(s->fd, r->ioctl, &p);
		*count = p.count;
		*result = 0;
		break;
	}
	}
	return rc;
}

static int edmm_loop(struct encl_enclave *e, const struct edmm_req *r, uint64_t offset,
		     uint64_t length)
{
	uint64_t done = 0;
	unsigned idle = 0;

	if (!length || (offset | length) & (SGX_PAGE_SIZE - 1))
		return encl_backend_fail(e, EINVAL, 0, "%s of %#llx bytes at %#llx: not whole pages", r->what,
					 (unsigned long long)length, (unsigned long long)offset);
	while (done < length) {
		uint64_t count = 0, result = 0;
		int rc, err = 0;

		rc = edmm_once(e, r, offset + done, length - done, &count, &result);
		if (rc < 0)
			err = errno;
		if (count > length - done || (count & (SGX_PAGE_SIZE - 1)))
			return encl_backend_fail(e, EIO, 0, "%s: the kernel reported %llu bytes done of %llu",
						 r->what, (unsigned long long)count,
						 (unsigned long long)(length - done));
		done += count;
		if (rc == 0 && count == 0)
			err = EAGAIN;	/* success without progress: try again */
		if (rc < 0 && err != EAGAIN && err != EBUSY && err != EINTR &&
		    err != ERESTARTSYS)
			return edmm_error(e, r, err, offset + done, result);
		idle = count ? 0 : idle + 1;
		if (!count)
			sched_yield();
		if (idle > HW_RETRY_LIMIT)
			return encl_backend_fail(e, err, 0, "%s at offset %#llx made no progress after %u attempts",
						 r->what, (unsigned long long)(offset + done), HW_RETRY_LIMIT);
	}
	return 0;
}

static int edmm_run(struct encl_enclave *e, const struct edmm_req *r, uint64_t offset,
		    uint64_t length)
{
	struct hw_enclave *s = e->priv;
	int ret;

	if (!s)
		return encl_backend_fail(e, EINVAL, 0, "%s: no enclave", r->what);
	pthread_mutex_lock(&s->ioctl_lock);
	ret = edmm_loop(e, r, offset, length);
	pthread_mutex_unlock(&s->ioctl_lock);
	return ret;
}

int hw_restrict_permissions(struct encl_enclave *e, uint64_t offset, uint64_t length,
			    uint64_t secinfo_perms)
{
	const struct edmm_req r = {
		"EMODPR (SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS)",
		SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, secinfo_perms,
	};

	return edmm_run(e, &r, offset, length);
}

int hw_modify_types(struct encl_enclave *e, uint64_t offset, uint64_t length,
		    unsigned page_type)
{
	const struct edmm_req r = {
		"EMODT (SGX_IOC_ENCLAVE_MODIFY_TYPES)", SGX_IOC_ENCLAVE_MODIFY_TYPES, page_type,
	};

	return edmm_run(e, &r, offset, length);
}

int hw_remove_pages(struct encl_enclave *e, uint64_t offset, uint64_t length)
{
	const struct edmm_req r = {
		"SGX_IOC_ENCLAVE_REMOVE_PAGES", SGX_IOC_ENCLAVE_REMOVE_PAGES, 0,
	};

	return edmm_run(e, &r, offset, length);
}
