// SPDX-License-Identifier: MIT
/*
 * The SGX driver test double; see sgx_kernel.h. Each handler follows the
 * kernel's handler of the same name in arch/x86/kernel/cpu/sgx/ioctl.c:
 * state checks, copy of the request, parameter checks, then a page loop
 * that can stop early and always reports `count`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/double/sgx_kernel.h"
#include "sgx/measure.h"
#include "sgx/sigstruct.h"

#define DOUBLE_FD_BASE	1000
#define DOUBLE_MAX_FDS	16
#define DOUBLE_MAX_MAPS	64
#define DOUBLE_MAX_INJ	32
#define PAGE		SGX_PAGE_SIZE

/* The kernel's vm_max_prot_bits for one page, keyed by page number. */
struct prot_map {
	uint64_t *keys;		/* page number + 1; 0 empty, UINT64_MAX deleted */
	uint8_t *prot;
	uint64_t cap, used;
};

struct mapping {
	uint64_t start, len;
};

struct denc {
	int open;
	int created, initialized;
	struct sgx_secs secs;
	struct epcm *epcm;
	struct sgx_measure *measure;
	uint8_t mrenclave[SGX_HASH_SIZE];
	int measured;
	struct prot_map maxprot;
	struct mapping maps[DOUBLE_MAX_MAPS];
	unsigned nmaps;
	uint64_t pages;		/* EPC pages held, the SECS included */
};

struct injection {
	unsigned long req;
	int err;
	uint64_t at;
};

static struct {
	int device_errno, cpu_sgx2, kernel_edmm, dev_noexec, src_noexec, einit_positive;
	uint64_t epc_capacity, epc_used;
	struct denc fds[DOUBLE_MAX_FDS];
	int last;			/* index of the most recently created enclave */
	struct injection inj[DOUBLE_MAX_INJ];
	unsigned ninj;
	uint64_t last_einit_code;
	unsigned long calls[8];
} M;

/* ---- vm_max_prot_bits ------------------------------------------------------ */

static uint64_t *pm_find(struct prot_map *m, uint64_t key, int for_insert)
{
	uint64_t i, *tomb = NULL;

	if (!m->cap)
		return NULL;
	for (i = (key * 0x9e3779b97f4a7c15ULL) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key)
			return &m->keys[i];
		if (m->keys[i] == UINT64_MAX && !tomb)
			tomb = &m->keys[i];
		if (m->keys[i] == 0)
			return for_insert ? (tomb ? tomb : &m->keys[i]) : NULL;
	}
}

static int pm_set(struct prot_map *m, uint64_t page, uint8_t prot)
{
	uint64_t key = page + 1, *k;

	if ((m->used + 1) * 2 > m->cap) {
		struct prot_map n = { 0 };

		n.cap = m->cap ? m->cap * 2 : 1024;
		n.keys = calloc(n.cap, sizeof(*n.keys));
		n.prot = calloc(n.cap, 1);
		if (!n.keys || !n.prot) {
			free(n.keys);
			free(n.prot);
			return -1;
		}
		for (uint64_t i = 0; i < m->cap; i++) {
			if (m->keys[i] && m->keys[i] != UINT64_MAX) {
				k = pm_find(&n, m->keys[i], 1);
				*k = m->keys[i];
				n.prot[k - n.keys] = m->prot[i];
				n.used++;
			}
		}
		free(m->keys);
		free(m->prot);
		*m = n;
	}
	k = pm_find(m, key, 1);
	if (*k != key)
		m->used++;
	*k = key;
	m->prot[k - m->keys] = prot;
	return 0;
}

static unsigned pm_get(struct prot_map *m, uint64_t page)
{
	uint64_t *k = pm_find(m, page + 1, 0);

	return k ? m->prot[k - m->keys] : 0;
}

static void pm_del(struct prot_map *m, uint64_t page)
{
	uint64_t *k = pm_find(m, page + 1, 0);

	if (k) {
		*k = UINT64_MAX;
		m->used--;
	}
}

/* ---- the machine ----------------------------------------------------------- */

static void enclave_free(struct denc *d)
{
	epcm_free(d->epcm);
	sgx_measure_free(d->measure);
	free(d->maxprot.keys);
	free(d->maxprot.prot);
	M.epc_used -= d->pages;
	memset(d, 0, sizeof(*d));
}

void double_reset(void)
{
	for (int i = 0; i < DOUBLE_MAX_FDS; i++)
		if (M.fds[i].open)
			enclave_free(&M.fds[i]);
	memset(&M, 0, sizeof(M));
	M.cpu_sgx2 = 1;
	M.kernel_edmm = 1;
	M.epc_capacity = (64ULL << 20) / PAGE;
	M.last = -1;
}

void double_set_device_errno(int err) { M.device_errno = err; }
void double_set_cpu_sgx2(int on) { M.cpu_sgx2 = on; }
void double_set_kernel_edmm(int on) { M.kernel_edmm = on; }
void double_set_dev_noexec(int on) { M.dev_noexec = on; }
void double_set_src_noexec(int on) { M.src_noexec = on; }
void double_set_epc_pages(uint64_t n) { M.epc_capacity = n; }
void double_set_einit_positive(int on) { M.einit_positive = on; }

void double_inject(unsigned long req, int err, uint64_t at)
{
	if (M.ninj < DOUBLE_MAX_INJ)
		M.inj[M.ninj++] = (struct injection){ req, err, at };
}

int double_injections_pending(void)
{
	return (int)M.ninj;
}

/* The pending injection for @req, removed from the queue, or NULL. */
static int take_injection(unsigned long req, struct injection *out)
{
	for (unsigned i = 0; i < M.ninj; i++) {
		if (M.inj[i].req != req)
			continue;
		*out = M.inj[i];
		memmove(&M.inj[i], &M.inj[i + 1], (M.ninj - i - 1) * sizeof(M.inj[0]));
		M.ninj--;
		return 1;
	}
	return 0;
}

static unsigned call_slot(unsigned long req)
{
	return _IOC_NR(req) & 7;
}

unsigned long double_calls(unsigned long req)
{
	return M.calls[call_slot(req)];
}

static struct denc *fd_enclave(int fd)
{
	int i = fd - DOUBLE_FD_BASE;

	if (i < 0 || i >= DOUBLE_MAX_FDS || !M.fds[i].open)
		return NULL;
	return &M.fds[i];
}

static struct denc *last_enclave(void)
{
	return M.last < 0 ? NULL : &M.fds[M.last];
}

/* ---- open / close ---------------------------------------------------------- */

static int d_open(const char *path, int flags)
{
	(void)flags;
	if (strcmp(path, SGX_ENCLAVE_DEV) != 0) {
		errno = ENOENT;
		return -1;
	}
	if (M.device_errno) {
		errno = M.device_errno;
		return -1;
	}
	for (int i = 0; i < DOUBLE_MAX_FDS; i++) {
		if (!M.fds[i].open) {
			memset(&M.fds[i], 0, sizeof(M.fds[i]));
			M.fds[i].open = 1;
			return DOUBLE_FD_BASE + i;
		}
	}
	errno = EMFILE;
	return -1;
}

static int d_close(int fd)
{
	struct denc *d = fd_enclave(fd);

	if (!d) {
		errno = EBADF;
		return -1;
	}
	if (M.last == fd - DOUBLE_FD_BASE)
		M.last = -1;
	enclave_free(d);
	return 0;
}

int double_open_fds(void)
{
	int n = 0;

	for (int i = 0; i < DOUBLE_MAX_FDS; i++)
		n += M.fds[i].open;
	return n;
}

/* ---- SGX_IOC_ENCLAVE_CREATE ------------------------------------------------ */

/* ECREATE's own checks (SDM ECREATE): a #GP becomes -EIO in the driver. */
static int ecreate_ok(const struct sgx_secs *s)
{
	const char *why;
	const uint8_t *p = (const uint8_t *)s;

	if (sgx_secs_check_size(s->size, &why) != 0)
		return 0;
	if (s->base & (s->size - 1))
		return 0;			/* ELRANGE naturally aligned */
	if (!s->ssa_frame_size)
		return 0;
	if (s->attributes.flags & (SGX_ATTR_INIT | SGX_ATTR_RESERVED_MASK))
		return 0;
	if ((s->attributes.xfrm & SGX_XFRM_LEGACY) != SGX_XFRM_LEGACY)
		return 0;
	if (s->miscselect & ~SGX_MISC_EXINFO)
		return 0;
	/* SECS reserved fields must be zero. */
	for (size_t i = offsetof(struct sgx_secs, reserved1);
	     i < offsetof(struct sgx_secs, attributes); i++)
		if (p[i])
			return 0;
	return 1;
}

static int ioc_create(struct denc *d, struct sgx_enclave_create *arg)
{
	struct sgx_secs secs;

	if (d->created)
		return -EINVAL;
	/* copy_from_user of a whole page from create.src */
	memcpy(&secs, (const void *)(uintptr_t)arg->src, sizeof(secs));
	if (!secs.size || (secs.size & (secs.size - 1)))
		return -EINVAL;
	if (M.epc_used + 1 > M.epc_capacity)
		return -ENOMEM;
	if (!ecreate_ok(&secs))
		return -EIO;
	d->epcm = epcm_new(secs.base, secs.size, secs.attributes.flags);
	d->measure = sgx_measure_new();
	if (!d->epcm || !d->measure ||
	    sgx_measure_ecreate(d->measure, secs.ssa_frame_size, secs.size) != 0) {
		epcm_free(d->epcm);
		sgx_measure_free(d->measure);
		d->epcm = NULL;
		d->measure = NULL;
		return -ENOMEM;
	}
	d->secs = secs;
	d->created = 1;
	d->pages = 1;
	M.epc_used++;
	M.last = (int)(d - M.fds);
	return 0;
}

/* ---- SGX_IOC_ENCLAVE_ADD_PAGES --------------------------------------------- */

/* sgx_validate_offset_length() */
static int offset_length_ok(const struct denc *d, uint64_t offset, uint64_t length)
{
	if (offset & (PAGE - 1))
		return 0;
	if (!length || (length & (PAGE - 1)))
		return 0;
	if (offset + length < offset)
		return 0;
	if (offset + length - PAGE >= d->secs.size)
		return 0;
	return 1;
}

/* sgx_validate_secinfo() */
static int secinfo_ok(const struct sgx_secinfo *si)
{
	uint64_t perm = si->flags & SGX_SECINFO_PERM_MASK;
	unsigned pt = sgx_secinfo_pt(si->flags);

	if (pt != SGX_PT_REG && pt != SGX_PT_TCS)
		return 0;
	if ((perm & SGX_SECINFO_W) && !(perm & SGX_SECINFO_R))
		return 0;
	/* The CPU would silently clear a TCS's permissions: refuse them. */
	if (pt == SGX_PT_TCS && perm)
		return 0;
	/* PENDING, MODIFIED, PR and the reserved bits. */
	if (si->flags & ~(SGX_SECINFO_PERM_MASK | SGX_SECINFO_PT_MASK))
		return 0;
	for (size_t i = 0; i < sizeof(si->reserved); i++)
		if (si->reserved[i])
			return 0;
	return 1;
}

/* One page of sgx_encl_add_page(): 0 or -errno. */
static int add_one(struct denc *d, uint64_t src, uint64_t offset,
		   const struct sgx_secinfo *si, uint64_t flags)
{
	uint64_t addr = d->secs.base + offset;
	unsigned pt = sgx_secinfo_pt(si->flags);
	uint8_t page[PAGE] __attribute__((aligned(4096)));	/* an EPC page */
	int r;

	if (M.epc_used + 1 > M.epc_capacity)
		return -ENOMEM;
	if (epcm_get(d->epcm, addr) & EPCM_VALID)
		return -EBUSY;			/* xa_insert(): the offset is taken */
	if (M.src_noexec)
		return -EACCES;			/* the source VMA lacks VM_MAYEXEC */
	memcpy(page, (const void *)(uintptr_t)src, PAGE);	/* get_user_pages() */

	r = epcm_eadd(d->epcm, addr, si, page);
	if (r != SGX_SUCCESS)
		return -EIO;
	if (sgx_measure_add_page(d->measure, offset, si->flags, page,
				 !!(flags & SGX_PAGE_MEASURE)) != 0) {
		epcm_eremove(d->epcm, addr);
		return -EIO;
	}
	/* The mmap() ceiling: a TCS is RW to the kernel, a REG page its SECINFO. */
	if (pm_set(&d->maxprot, offset / PAGE,
		   pt == SGX_PT_TCS ? PROT_READ | PROT_WRITE : si->flags & SGX_SECINFO_PERM_MASK)) {
		epcm_eremove(d->epcm, addr);
		return -ENOMEM;
	}
	d->pages++;
	M.epc_used++;
	return 0;
}

static int ioc_add_pages(struct denc *d, struct sgx_enclave_add_pages *arg)
{
	struct sgx_enclave_add_pages a;
	struct sgx_secinfo si;
	struct injection inj;
	int have_inj, ret = 0;
	uint64_t c;

	if (!d->created || d->initialized)
		return -EINVAL;
	memcpy(&a, arg, sizeof(a));
	if (a.src & (PAGE - 1))
		return -EINVAL;
	if (!offset_length_ok(d, a.offset, a.length))
		return -EINVAL;
	memcpy(&si, (const void *)(uintptr_t)a.secinfo, sizeof(si));
	if (!secinfo_ok(&si))
		return -EINVAL;

	have_inj = take_injection(SGX_IOC_ENCLAVE_ADD_PAGES, &inj);
	for (c = 0; c < a.length; c += PAGE) {
		if (have_inj && c == inj.at * PAGE) {
			/*
			 * A pending signal stops the loop: with nothing done the
			 * kernel returns -ERESTARTSYS (EINTR outside), otherwise
			 * success with a partial count.
			 */
			if (inj.err == EINTR)
				ret = c ? 0 : -EINTR;
			else
				ret = -inj.err;
			break;
		}
		ret = add_one(d, a.src + c, a.offset + c, &si, a.flags);
		if (ret)
			break;
	}
	a.count = c;
	memcpy(arg, &a, sizeof(a));
	return ret;
}

/* ---- SGX_IOC_ENCLAVE_INIT -------------------------------------------------- */

/* EINIT's own checks, in the SDM's order: 0 or the SGX error code. */
static uint64_t einit(struct denc *d, const struct sgx_sigstruct *ss)
{
	const struct sgx_attributes *a = &d->secs.attributes;
	char err[256];

	if (sgx_sigstruct_verify(ss, err, sizeof(err)) != 0)
		return SGX_INVALID_SIGNATURE;
	if ((a->flags & ss->attributemask.flags) !=
	    (ss->attributes.flags & ss->attributemask.flags) ||
	    (a->xfrm & ss->attributemask.xfrm) != (ss->attributes.xfrm & ss->attributemask.xfrm) ||
	    (d->secs.miscselect & ss->miscmask) != (ss->miscselect & ss->miscmask))
		return SGX_INVALID_ATTRIBUTE;
	if (!d->measured) {
		if (sgx_measure_finalize(d->measure, d->mrenclave) != 0)
			return SGX_INVALID_MEASUREMENT;
		d->measured = 1;
	}
	if (memcmp(d->mrenclave, ss->enclavehash, SGX_HASH_SIZE) != 0)
		return SGX_INVALID_MEASUREMENT;
	return SGX_SUCCESS;
}

static int ioc_init(struct denc *d, struct sgx_enclave_init *arg)
{
	struct sgx_sigstruct ss;
	uint64_t code;

	if (!d->created || d->initialized)
		return -EINVAL;
	memcpy(&ss, (const void *)(uintptr_t)arg->sigstruct, sizeof(ss));
	if (ss.vendor != 0 && ss.vendor != SGX_SIGSTRUCT_VENDOR_INTEL)
		return -EINVAL;
	/* Attributes not allowed to this process (no /dev/sgx_provision). */
	if (d->secs.attributes.flags & SGX_ATTR_PROVISIONKEY)
		return -EACCES;
	if (ss.attributes.flags & ss.attributemask.flags & SGX_ATTR_RESERVED_MASK)
		return -EINVAL;
	code = einit(d, &ss);
	M.last_einit_code = code;
	if (code == SGX_SUCCESS) {
		d->initialized = 1;
		epcm_set_initialized(d->epcm);
		return 0;
	}
	return M.einit_positive ? (int)code : -EPERM;
}

/* ---- the SGX2 ioctls ------------------------------------------------------- */

/* sgx_ioc_sgx2_ready() */
static int sgx2_ready(const struct denc *d)
{
	if (!M.cpu_sgx2)
		return -ENODEV;
	if (!d->initialized)
		return -EINVAL;
	return 0;
}

/*
 * What each SGX2 ioctl starts with: sgx2_ready(), then the request copied
 * from @arg into @p (@size bytes) and its range checked; @offset and
 * @length point into @p. 0 or the error.
 */
static int sgx2_request(const struct denc *d, void *p, const void *arg, size_t size,
			__u64 *offset, __u64 *length)
{
	int ret = sgx2_ready(d);

	if (ret)
		return ret;
	memcpy(p, arg, size);
	if (!offset_length_ok(d, *offset, *length))
		return -EINVAL;
	return 0;
}

/*
 * Whether an injection stops the loop at byte @c, with its error in *@ret.
 * EBUSY from the page lookup becomes EAGAIN in all three loops.
 */
static int loop_injection(const struct injection *inj, uint64_t c, int *ret)
{
	if (c != inj->at * PAGE)
		return 0;
	*ret = -inj->err;
	return 1;
}

static int ioc_restrict(struct denc *d, struct sgx_enclave_restrict_permissions *arg)
{
	struct sgx_enclave_restrict_permissions p;
	struct injection inj;
	int have_inj, ret = 0;
	uint64_t c, result = 0;

	ret = sgx2_request(d, &p, arg, sizeof(p), &p.offset, &p.length);
	if (ret)
		return ret;
	if (p.permissions & ~SGX_SECINFO_PERM_MASK)
		return -EINVAL;
	if ((p.permissions & SGX_SECINFO_W) && !(p.permissions & SGX_SECINFO_R))
		return -EINVAL;
	if (p.result || p.count)
		return -EINVAL;

	have_inj = take_injection(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &inj);
	for (c = 0; c < p.length; c += PAGE) {
		if (have_inj && loop_injection(&inj, c, &ret))
			break;
		ret = epcm_ioc_restrict(d->epcm, d->secs.base + p.offset + c, p.permissions,
					&result);
		p.result = result;
		if (ret)
			break;
	}
	p.count = c;
	memcpy(arg, &p, sizeof(p));
	return ret;
}

static int ioc_modify_types(struct denc *d, struct sgx_enclave_modify_types *arg)
{
	struct sgx_enclave_modify_types p;
	struct injection inj;
	int have_inj, ret;
	uint64_t c, result = 0;

	ret = sgx2_request(d, &p, arg, sizeof(p), &p.offset, &p.length);
	if (ret)
		return ret;
	if (p.page_type & ~0xffULL)
		return -EINVAL;
	if (p.result || p.count)
		return -EINVAL;
	/* Only PT_TCS and PT_TRIM are new types the hardware allows. */
	if (p.page_type != SGX_PT_TCS && p.page_type != SGX_PT_TRIM) {
		ret = -EINVAL;
		c = 0;
		goto out;
	}

	have_inj = take_injection(SGX_IOC_ENCLAVE_MODIFY_TYPES, &inj);
	for (c = 0; c < p.length; c += PAGE) {
		uint64_t off = p.offset + c, addr = d->secs.base + off;
		epcm_entry_t e = epcm_get(d->epcm, addr);

		if (have_inj && loop_injection(&inj, c, &ret))
			break;
		/*
		 * REG -> TCS keeps the page mappable RW only, and only if it was
		 * vetted for RW in the first place.
		 */
		if ((e & EPCM_VALID) && epcm_entry_pt(e) == SGX_PT_REG &&
		    p.page_type == SGX_PT_TCS &&
		    (~pm_get(&d->maxprot, off / PAGE) & (PROT_READ | PROT_WRITE))) {
			ret = -EPERM;
			break;
		}
		ret = epcm_ioc_modify_type(d->epcm, addr, (unsigned)p.page_type, &result);
		p.result = result;
		if (ret)
			break;
		if (p.page_type == SGX_PT_TCS)
			pm_set(&d->maxprot, off / PAGE, PROT_READ | PROT_WRITE);
	}
out:
	p.count = c;
	memcpy(arg, &p, sizeof(p));
	return ret;
}

static int ioc_remove(struct denc *d, struct sgx_enclave_remove_pages *arg)
{
	struct sgx_enclave_remove_pages p;
	struct injection inj;
	int have_inj, ret;
	uint64_t c;

	ret = sgx2_request(d, &p, arg, sizeof(p), &p.offset, &p.length);
	if (ret)
		return ret;
	if (p.count)
		return -EINVAL;

	have_inj = take_injection(SGX_IOC_ENCLAVE_REMOVE_PAGES, &inj);
	for (c = 0; c < p.length; c += PAGE) {
		uint64_t off = p.offset + c;

		if (have_inj && loop_injection(&inj, c, &ret))
			break;
		ret = epcm_ioc_remove(d->epcm, d->secs.base + off);
		if (ret)
			break;
		pm_del(&d->maxprot, off / PAGE);
		d->pages--;
		M.epc_used--;
	}
	p.count = c;
	memcpy(arg, &p, sizeof(p));
	return ret;
}

static int d_ioctl(int fd, unsigned long req, void *arg)
{
	struct denc *d = fd_enclave(fd);
	int ret;

	if (!d) {
		errno = EBADF;
		return -1;
	}
	M.calls[call_slot(req)]++;
	switch (req) {
	case SGX_IOC_ENCLAVE_CREATE:
		ret = ioc_create(d, arg);
		break;
	case SGX_IOC_ENCLAVE_ADD_PAGES:
		ret = ioc_add_pages(d, arg);
		break;
	case SGX_IOC_ENCLAVE_INIT:
		ret = ioc_init(d, arg);
		break;
	case SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS:
		ret = M.kernel_edmm ? ioc_restrict(d, arg) : -ENOTTY;
		break;
	case SGX_IOC_ENCLAVE_MODIFY_TYPES:
		ret = M.kernel_edmm ? ioc_modify_types(d, arg) : -ENOTTY;
		break;
	case SGX_IOC_ENCLAVE_REMOVE_PAGES:
		ret = M.kernel_edmm ? ioc_remove(d, arg) : -ENOTTY;
		break;
	default:
		ret = -ENOTTY;		/* -ENOIOCTLCMD */
		break;
	}
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

/* ---- mmap ------------------------------------------------------------------ */

/* sgx_encl_may_map(): pages without an entry do not limit the mapping. */
static int may_map(struct denc *d, uint64_t start, uint64_t len, int prot)
{
	unsigned want = (unsigned)prot & (PROT_READ | PROT_WRITE | PROT_EXEC);

	if (d->initialized && (start < d->secs.base || start + len > d->secs.base + d->secs.size))
		return -EACCES;
	if (!d->created)
		return 0;
	for (uint64_t a = start; a < start + len; a += PAGE) {
		if (a < d->secs.base || a >= d->secs.base + d->secs.size)
			continue;
		if (!(epcm_get(d->epcm, a) & EPCM_VALID))
			continue;
		if (want & ~pm_get(&d->maxprot, (a - d->secs.base) / PAGE))
			return -EACCES;
	}
	return 0;
}

static void *d_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct denc *d;
	void *p;
	int r;

	if (fd < 0)
		return mmap(addr, len, prot, flags, fd, off);
	d = fd_enclave(fd);
	if (!d) {
		errno = EBADF;
		return MAP_FAILED;
	}
	/* The VFS refuses PROT_EXEC from a noexec mount before the driver runs. */
	if ((prot & PROT_EXEC) && M.dev_noexec) {
		errno = EACCES;
		return MAP_FAILED;
	}
	if ((flags & MAP_TYPE) == MAP_PRIVATE) {
		errno = EINVAL;		/* sgx_get_unmapped_area() */
		return MAP_FAILED;
	}
	if (!(flags & MAP_FIXED) || ((uintptr_t)addr & (PAGE - 1))) {
		errno = EINVAL;		/* the backend always places the enclave itself */
		return MAP_FAILED;
	}
	r = may_map(d, (uintptr_t)addr, len, prot);
	if (r) {
		errno = -r;
		return MAP_FAILED;
	}
	/* Occupy the range for real so that the address space looks as it would. */
	p = mmap(addr, len, prot & ~PROT_EXEC, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return p;
	if (d->nmaps < DOUBLE_MAX_MAPS)
		d->maps[d->nmaps++] = (struct mapping){ (uintptr_t)addr, len };
	return p;
}

static int d_munmap(void *addr, size_t len)
{
	return munmap(addr, len);
}

const struct sgx_kernel_ops sgx_double_ops = {
	.open	= d_open,
	.ioctl	= d_ioctl,
	.mmap	= d_mmap,
	.munmap	= d_munmap,
	.close	= d_close,
};

/* ---- the enclave's side ---------------------------------------------------- */

static int mapped(const struct denc *d, uint64_t addr)
{
	for (unsigned i = 0; i < d->nmaps; i++)
		if (addr >= d->maps[i].start && addr - d->maps[i].start < d->maps[i].len)
			return 1;
	return 0;
}

/* sgx_encl_eaug_page(): only an initialized enclave on an SGX2 CPU, in a mapping. */
static int eaug_on_fault(struct denc *d, uint64_t offset)
{
	uint64_t addr = d->secs.base + offset;

	if (!M.cpu_sgx2 || !d->initialized || !mapped(d, addr))
		return -1;
	if (M.epc_used + 1 > M.epc_capacity)
		return -1;
	if (epcm_eaug(d->epcm, addr) != SGX_SUCCESS)
		return -1;
	/* EAUGed pages are not vetted: the kernel lets them be mapped RWX. */
	pm_set(&d->maxprot, offset / PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
	d->pages++;
	M.epc_used++;
	return 0;
}

int double_touch(uint64_t offset)
{
	struct denc *d = last_enclave();

	if (!d || !d->created || (epcm_get(d->epcm, d->secs.base + offset) & EPCM_VALID))
		return -1;
	return eaug_on_fault(d, offset);
}

int double_eaccept_flags(uint64_t offset, uint64_t flags)
{
	struct denc *d = last_enclave();
	struct sgx_secinfo si;
	struct sgx_tcs tcs;
	uint64_t addr;
	int r;

	if (!d || !d->created)
		return EPCM_FAULT_GP;
	addr = d->secs.base + offset;
	memset(&si, 0, sizeof(si));
	si.flags = flags;
	/* A TCS the enclave accepts must look idle: model a freshly zeroed page. */
	memset(&tcs, 0, sizeof(tcs));
	tcs.nssa = 1;
	r = epcm_eaccept(d->epcm, addr, &si, &tcs, NULL);
	/* sgx_vma_fault(): EAUG a page without entry, then the EACCEPT is retried. */
	if (r == EPCM_FAULT_PF && !(epcm_get(d->epcm, addr) & EPCM_VALID)) {
		if (eaug_on_fault(d, offset) != 0)
			return EPCM_FAULT_PF;		/* VM_FAULT_SIGBUS */
		r = epcm_eaccept(d->epcm, addr, &si, &tcs, NULL);
	}
	return r;
}

int double_eaccept(uint64_t offset)
{
	struct denc *d = last_enclave();
	epcm_entry_t e;
	uint64_t flags;

	if (!d || !d->created)
		return EPCM_FAULT_GP;
	e = epcm_get(d->epcm, d->secs.base + offset);
	if (!(e & EPCM_VALID))	/* augment via EACCEPT: ask for a pending RW page */
		flags = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_PENDING;
	else if (e & SGX_SECINFO_MODIFIED)
		flags = (uint64_t)(e & SGX_SECINFO_PT_MASK) | SGX_SECINFO_MODIFIED;
	else
		flags = (uint64_t)(e & (SGX_SECINFO_PT_MASK | SGX_SECINFO_PERM_MASK |
					SGX_SECINFO_PENDING | SGX_SECINFO_PR));
	return double_eaccept_flags(offset, flags);
}

/* ---- inspection ------------------------------------------------------------ */

epcm_entry_t double_epcm(uint64_t offset)
{
	struct denc *d = last_enclave();

	return d && d->epcm ? epcm_get(d->epcm, d->secs.base + offset) : 0;
}

unsigned double_max_prot(uint64_t offset)
{
	struct denc *d = last_enclave();

	return d ? pm_get(&d->maxprot, offset / PAGE) : 0;
}

uint64_t double_epc_used(void) { return M.epc_used; }
int double_initialized(void) { return last_enclave() ? last_enclave()->initialized : 0; }
uint64_t double_last_einit_code(void) { return M.last_einit_code; }
uint64_t double_secs_base(void) { return last_enclave() ? last_enclave()->secs.base : 0; }
uint64_t double_secs_size(void) { return last_enclave() ? last_enclave()->secs.size : 0; }
