// SPDX-License-Identifier: MIT
/*
 * Building an enclave through /dev/sgx_enclave: ECREATE, EADD/EEXTEND,
 * EINIT, then mapping it. One fd per enclave; the kernel ties the enclave
 * to it.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host/hw/hw.h"
#include "sgx/linux_driver.h"
#include "sgx/return_code.h"

/* EADD sources without contents come from a zero mapping of at most this much. */
#define HW_ZERO_SRC_MAX	(64UL << 20)
/* Unaligned sources are copied to an aligned buffer of this much at a time. */
#define HW_BOUNCE_MAX		(1UL << 20)

void hw_describe_code(uint64_t code, char *buf, size_t len)
{
	const char *name = sgx_return_code_name(code);

	if (name)
		snprintf(buf, len, "%s (%s)", name, sgx_return_code_meaning(code));
	else
		snprintf(buf, len, "SGX error %#llx", (unsigned long long)code);
}

static struct hw_enclave *state(struct encl_enclave *e)
{
	return e->priv;
}

/*
 * An ioctl that is all or nothing (CREATE, INIT), repeated while the kernel
 * turns it away before doing any of it: EBUSY while another ioctl of the
 * same enclave is in progress (sgx_ioctl()'s SGX_ENCL_IOCTL flag, tested
 * before the request is even read), EINTR (ERESTARTSYS inside) when a
 * signal arrived first. -1 with errno, or what the ioctl returned.
 */
static int ioctl_whole(int fd, unsigned long req, void *arg)
{
	const struct hw_kernel_ops *k = hw_kernel();
	unsigned tries = 0;
	int rc;

	do {
		rc = k->ioctl(fd, req, arg);
	} while (rc < 0 && (errno == EBUSY || errno == EINTR || errno == ERESTARTSYS) &&
		 ++tries < HW_RETRY_LIMIT);
	return rc;
}

/* The ELRANGE reservation, through the kernel ops so that a test double sees it. */
static int reserve_elrange(struct encl_enclave *e, uint64_t size)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct hw_enclave *s = state(e);
	void *base = encl_reserve_elrange(size, k->mmap, k->munmap);

	if (!base)
		return encl_backend_fail(e, errno, 0, "cannot reserve twice the ELRANGE of %#llx "
					 "bytes of address space: %s", (unsigned long long)size,
					 strerror(errno));
	s->reserve = base;
	s->reserve_len = size;
	return 0;
}

int hw_create(struct encl_enclave *e, struct sgx_secs *secs, int edmm)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct sgx_enclave_create create;
	struct hw_enclave *s;
	char why[200];
	int err;

	if (!secs->size || (secs->size & (secs->size - 1)) || secs->size < SGX_MIN_ENCLAVE_SIZE)
		return encl_backend_fail(e, EINVAL, 0, "SECS.SIZE %#llx is not a power of two of at least "
					 "8 KiB", (unsigned long long)secs->size);
	s = calloc(1, sizeof(*s));
	if (!s)
		return encl_backend_fail(e, ENOMEM, 0, "out of memory");
	s->fd = -1;
	pthread_mutex_init(&s->ioctl_lock, NULL);
	e->priv = s;
	e->edmm = edmm;

	s->fd = k->open(HW_ENCLAVE_DEV, O_RDWR | O_CLOEXEC);
	if (s->fd < 0) {
		err = errno;
		hw_open_error(err, why, sizeof(why));
		encl_backend_fail(e, err, 0, "%s", why);
		goto fail;
	}
	/* Fail before the first page is added, not at the first executable map. */
	err = hw_exec_map_check(s->fd, why, sizeof(why));
	if (err) {
		encl_backend_fail(e, err, 0, "%s", why);
		goto fail;
	}
	if (reserve_elrange(e, secs->size) != 0)
		goto fail;

	secs->base = (uint64_t)(uintptr_t)s->reserve;
	e->base = secs->base;
	e->size = secs->size;

	memset(&create, 0, sizeof(create));
	create.src = (uint64_t)(uintptr_t)secs;
	if (ioctl_whole(s->fd, SGX_IOC_ENCLAVE_CREATE, &create) != 0) {
		err = errno;
		if (err == ENOMEM)
			encl_backend_fail(e, err, 0, "ECREATE: the EPC is exhausted (no page for the SECS)");
		else if (err == EIO)
			encl_backend_fail(e, err, 0, "ECREATE failed in the CPU: SECS rejected (size %#llx, "
					  "attributes %#llx, xfrm %#llx, miscselect %#x, ssaframesize %u: "
					  "not supported by this CPU?)",
					  (unsigned long long)secs->size,
					  (unsigned long long)secs->attributes.flags,
					  (unsigned long long)secs->attributes.xfrm,
					  secs->miscselect, secs->ssa_frame_size);
		else
			encl_backend_fail(e, err, 0, "SGX_IOC_ENCLAVE_CREATE: %s", strerror(err));
		goto fail;
	}
	return 0;

fail:
	/* Leave nothing behind: the caller may not call destroy after a failed create. */
	hw_destroy(e);
	e->base = 0;
	return -1;
}

/* A source of @len zero bytes (page aligned, readable) for pages without contents. */
static const void *zero_source(struct encl_enclave *e, uint64_t len, uint64_t *usable)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct hw_enclave *s = state(e);
	size_t want = len < HW_ZERO_SRC_MAX ? len : HW_ZERO_SRC_MAX;

	if (s->zero_len < want) {
		void *p;

		if (s->zero_src)
			k->munmap(s->zero_src, s->zero_len);
		s->zero_src = NULL;
		s->zero_len = 0;
		/* Never written: every page reads as the shared zero page. */
		p = k->mmap(NULL, want, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			    -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		s->zero_src = p;
		s->zero_len = want;
	}
	*usable = want;
	return s->zero_src;
}

static int add_error(struct encl_enclave *e, int err, uint64_t offset)
{
	unsigned long long off = (unsigned long long)offset;

	switch (err) {
	case ENOMEM:
		return encl_backend_fail(e, err, 0, "EADD at offset %#llx: the EPC is exhausted (ENOMEM); "
					 "lower SCONE_HEAP or use EDMM", off);
	case EACCES:
		return encl_backend_fail(e, err, 0, "EADD at offset %#llx: the source pages are on a "
					 "filesystem mounted noexec (EACCES)", off);
	case EIO:
		return encl_backend_fail(e, err, 0, "EADD/EEXTEND at offset %#llx failed in the CPU (EIO): "
					 "the EPC was lost (suspend?) or the source page is bad", off);
	case EBUSY:
		return encl_backend_fail(e, err, 0, "EADD at offset %#llx: page already added (EBUSY)", off);
	case EINVAL:
		return encl_backend_fail(e, err, 0, "EADD at offset %#llx rejected (EINVAL): bad SECINFO, "
					 "offset or length, or the enclave is already initialized", off);
	default:
		return encl_backend_fail(e, err, 0, "SGX_IOC_ENCLAVE_ADD_PAGES at offset %#llx: %s", off,
					 strerror(err));
	}
}

/*
 * ADD_PAGES never reads `count` and writes it back once its handler ran, so
 * a count still at this value means the driver turned the request away at
 * the door: EBUSY there is another ioctl in progress, not the EBUSY of a
 * page already added (xa_insert()).
 */
#define ADD_COUNT_UNSET		UINT64_MAX

/*
 * One ADD_PAGES request, resumed until done. The kernel stops early when a
 * signal is pending: with nothing done it fails with EINTR (ERESTARTSYS
 * inside), otherwise it succeeds with a partial count. Either way the rest
 * starts at offset + count.
 */
static int add_run(struct encl_enclave *e, uint64_t offset, const void *src,
		   uint64_t length, const struct sgx_secinfo *secinfo, uint64_t flags)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct sgx_enclave_add_pages add;
	uint64_t done = 0;
	unsigned idle = 0;

	while (done < length) {
		int rc, err = 0, turned_away;

		memset(&add, 0, sizeof(add));
		add.src = (uint64_t)(uintptr_t)src + done;
		add.offset = offset + done;
		add.length = length - done;
		add.secinfo = (uint64_t)(uintptr_t)secinfo;
		add.flags = flags;
		add.count = ADD_COUNT_UNSET;
		rc = k->ioctl(state(e)->fd, SGX_IOC_ENCLAVE_ADD_PAGES, &add);
		if (rc < 0)
			err = errno;
		turned_away = add.count == ADD_COUNT_UNSET;
		if (turned_away)
			add.count = 0;
		if (add.count > add.length || (add.count & (SGX_PAGE_SIZE - 1)))
			return encl_backend_fail(e, EIO, 0, "SGX_IOC_ENCLAVE_ADD_PAGES reported %llu bytes added "
						 "of %llu", (unsigned long long)add.count,
						 (unsigned long long)add.length);
		done += add.count;
		if (rc < 0 && err != EINTR && err != ERESTARTSYS && err != EAGAIN &&
		    !(err == EBUSY && turned_away))
			return add_error(e, err, offset + done);
		idle = add.count ? 0 : idle + 1;
		if (idle > HW_RETRY_LIMIT)
			return encl_backend_fail(e, err ? err : EIO, 0, "SGX_IOC_ENCLAVE_ADD_PAGES at offset %#llx "
						 "made no progress after %u attempts",
						 (unsigned long long)(offset + done), HW_RETRY_LIMIT);
	}
	return 0;
}

int hw_add_pages(struct encl_enclave *e, uint64_t offset, const void *src,
		 uint64_t length, uint64_t secinfo_flags, int measure)
{
	struct sgx_secinfo secinfo;
	uint64_t flags = measure ? SGX_PAGE_MEASURE : 0;
	uint64_t done = 0;

	if (!length || (length & (SGX_PAGE_SIZE - 1)) || (offset & (SGX_PAGE_SIZE - 1)))
		return encl_backend_fail(e, EINVAL, 0, "EADD of %#llx bytes at %#llx: not whole pages",
					 (unsigned long long)length, (unsigned long long)offset);
	memset(&secinfo, 0, sizeof(secinfo));
	secinfo.flags = secinfo_flags;

	/* The kernel needs a page-aligned source: zero pages and the common case are. */
	if (!src) {
		while (done < length) {
			uint64_t n;
			const void *z = zero_source(e, length - done, &n);

			if (!z)
				return encl_backend_fail(e, errno, 0, "cannot map zero pages for EADD: %s",
							 strerror(errno));
			if (add_run(e, offset + done, z, n, &secinfo, flags) != 0)
				return -1;
			done += n;
		}
		return 0;
	}
	if (!((uintptr_t)src & (SGX_PAGE_SIZE - 1)))
		return add_run(e, offset, src, length, &secinfo, flags);

	/* Otherwise copy through an aligned bounce buffer. */
	{
		size_t cap = length < HW_BOUNCE_MAX ? length : HW_BOUNCE_MAX;
		void *bounce = aligned_alloc(SGX_PAGE_SIZE, cap);
		int rc = 0;

		if (!bounce)
			return encl_backend_fail(e, ENOMEM, 0, "out of memory");
		while (done < length && rc == 0) {
			uint64_t n = length - done < cap ? length - done : cap;

			memcpy(bounce, (const char *)src + done, n);
			rc = add_run(e, offset + done, bounce, n, &secinfo, flags);
			done += n;
		}
		free(bounce);
		return rc;
	}
}

int hw_init(struct encl_enclave *e, const struct sgx_sigstruct *ss)
{
	const char *label = e->sigstruct_label ? e->sigstruct_label : "given";
	struct sgx_enclave_init init;
	char code[200];
	int rc, err;

	memset(&init, 0, sizeof(init));
	init.sigstruct = (uint64_t)(uintptr_t)ss;
	/* EINIT is interruptible; a retry starts it afresh. */
	rc = ioctl_whole(state(e)->fd, SGX_IOC_ENCLAVE_INIT, &init);
	err = rc < 0 ? errno : 0;

	if (rc == 0) {
		state(e)->initialized = 1;
		return 0;
	}
	if (rc > 0) {
		/* Drivers before the upstream one returned the SGX code itself. */
		hw_describe_code((uint64_t)rc, code, sizeof(code));
		return encl_backend_fail(e, EPERM, (uint64_t)rc, "EINIT failed for the %s SIGSTRUCT: %s", label, code);
	}
	switch (err) {
	case EPERM:
		return encl_backend_fail(e, err, 0, "EINIT failed for the %s SIGSTRUCT: the CPU rejected it "
					 "(the kernel does not pass on the SGX error code; usual causes: "
					 "MRENCLAVE differs from ENCLAVEHASH, bad signature, attribute mismatch)",
					 label);
	case EACCES:
		return encl_backend_fail(e, err, 0, "EINIT refused for the %s SIGSTRUCT (EACCES): the enclave "
					 "asks for an attribute the driver does not grant (it grants "
					 SGX_LINUX_ATTR_GRANTED ")", label);
	case EINVAL:
		return encl_backend_fail(e, err, 0, "EINIT refused for the %s SIGSTRUCT (EINVAL): bad "
					 "vendor, or reserved ATTRIBUTES/MISCSELECT/XFRM bits under the masks, "
					 "or the enclave is not in a state to be initialized", label);
	case EIO:
		return encl_backend_fail(e, err, 0, "EINIT for the %s SIGSTRUCT faulted in the CPU (EIO): "
					 "the EPC was lost (suspend?)", label);
	default:
		return encl_backend_fail(e, err, 0, "EINIT for the %s SIGSTRUCT: %s", label, strerror(err));
	}
}

int hw_map(struct encl_enclave *e, uint64_t offset, uint64_t length, int prot)
{
	const struct hw_kernel_ops *k = hw_kernel();
	char why[200];
	void *want, *p;
	int err;

	if (!length || (offset | length) & (SGX_PAGE_SIZE - 1) || offset >= e->size ||
	    length > e->size - offset)
		return encl_backend_fail(e, EINVAL, 0, "map of %#llx bytes at %#llx: not whole pages inside "
					 "ELRANGE", (unsigned long long)length, (unsigned long long)offset);
	want = (void *)(uintptr_t)(e->base + offset);
	/* The kernel picks pages by linear address; the file offset is unused. */
	p = k->mmap(want, length, prot, MAP_SHARED | MAP_FIXED, state(e)->fd, 0);
	if (p == want)
		return 0;
	err = p == MAP_FAILED ? errno : EFAULT;
	hw_map_error(err, prot, why, sizeof(why));
	return encl_backend_fail(e, err, 0, "mmap of enclave offset %#llx (+%#llx): %s",
				 (unsigned long long)offset, (unsigned long long)length, why);
}

void hw_destroy(struct encl_enclave *e)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct hw_enclave *s = state(e);

	if (!s)
		return;
	/* Unmapping ELRANGE and closing the fd is what frees the EPC pages. */
	if (s->reserve)
		k->munmap(s->reserve, s->reserve_len);
	if (s->zero_src)
		k->munmap(s->zero_src, s->zero_len);
	if (s->fd >= 0)
		k->close(s->fd);
	pthread_mutex_destroy(&s->ioctl_lock);
	free(s);
	e->priv = NULL;
}
