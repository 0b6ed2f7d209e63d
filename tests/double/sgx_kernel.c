// SPDX-License-Identifier: MIT
/*
 * The SGX driver test double; see sgx_kernel.h. Each handler follows the
 * kernel's handler of the same name in arch/x86/kernel/cpu/sgx/ioctl.c:
 * state checks, copy of the request, parameter checks, then a page loop
 * that can stop early and always reports `count`.
 *
 * Threads: every operation holds one lock over the machine, as the
 * kernel's encl->lock serialises an enclave's ioctls and faults; and, as
 * sgx_ioctl()'s SGX_ENCL_IOCTL flag does, an ioctl that finds another
 * ioctl of the same enclave in progress fails with EBUSY at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/double/sgx_kernel.h"
#include "sgx/linux_driver.h"
#include "sgx/measure.h"
#include "sgx/sigstruct.h"

#define DOUBLE_FD_BASE	1000
#define DOUBLE_MAX_FDS	16
#define DOUBLE_MAX_INJ	32
#define PAGE		SGX_PAGE_SIZE
#define PROT_RWX	(PROT_READ | PROT_WRITE | PROT_EXEC)

/* The CPU's CPUID.12H: what ECREATE accepts, and what the driver derives. */
#define CPU_ATTRIBUTES	(SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | SGX_ATTR_PROVISIONKEY | \
			 SGX_ATTR_EINITTOKENKEY | SGX_ATTR_KSS | SGX_ATTR_AEXNOTIFY)
#define CPU_MISCSELECT	SGX_MISC_EXINFO
#define CPU_XFRM	0x7ULL		/* x87, SSE, AVX */

/* An injection's @at that means "at sgx_ioctl()'s door". */
#define AT_ENTRY	UINT64_MAX

/* The kernel's vm_max_prot_bits for one page, keyed by page number. */
struct prot_map {
	uint64_t *keys;		/* page number + 1; 0 empty, UINT64_MAX deleted */
	uint8_t *prot;
	uint64_t cap, used;
};

/* A VMA of the enclave fd: [start, end), its PROT_* and VM_MAYEXEC. */
struct vma {
	uint64_t start, end;
	unsigned prot;
	int mayexec;		/* clear when mapped from a noexec mount */
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
	struct vma *vmas;	/* unordered, never overlapping */
	unsigned nvmas, vcap;
	uint64_t pages;		/* EPC pages held, the SECS included */
	int in_ioctl;		/* SGX_ENCL_IOCTL: an ioctl is in progress */
};

struct injection {
	unsigned long req;
	int err;
	uint64_t at;
};

static struct {
	int device_errno, cpu_sgx2, kernel_edmm, dev_noexec, src_noexec, einit_positive;
	struct sgx_linux_masks masks;	/* sgx_drv_init() on this CPU */
	uint64_t epc_capacity, epc_used;
	struct denc fds[DOUBLE_MAX_FDS];
	int last;			/* index of the most recently created enclave */
	struct injection inj[DOUBLE_MAX_INJ];
	unsigned ninj;
	uint64_t last_einit_code;
	unsigned long calls[8];
	unsigned ioctl_hold_us;
} M;

/* Per thread: how this thread's last access of the enclave ended. */
static __thread enum double_fault last_fault;

static pthread_mutex_t machine_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

static void lock(void)
{
	pthread_mutex_lock(&machine_lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&machine_lock);
}

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
	free(d->vmas);
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
	sgx_linux_masks_for(&M.masks, CPU_ATTRIBUTES, CPU_MISCSELECT, CPU_XFRM);
}

void double_set_device_errno(int err) { M.device_errno = err; }
void double_set_cpu_sgx2(int on) { M.cpu_sgx2 = on; }
void double_set_kernel_edmm(int on) { M.kernel_edmm = on; }
void double_set_dev_noexec(int on) { M.dev_noexec = on; }
void double_set_src_noexec(int on) { M.src_noexec = on; }
void double_set_epc_pages(uint64_t n) { M.epc_capacity = n; }
void double_set_einit_positive(int on) { M.einit_positive = on; }
void double_set_ioctl_hold(unsigned usec) { M.ioctl_hold_us = usec; }

void double_inject(unsigned long req, int err, uint64_t at)
{
	if (M.ninj < DOUBLE_MAX_INJ)
		M.inj[M.ninj++] = (struct injection){ req, err, at };
}

void double_inject_busy(unsigned long req)
{
	double_inject(req, EBUSY, AT_ENTRY);
}

int double_injections_pending(void)
{
	return (int)M.ninj;
}

/*
 * The first pending injection for @req, removed from the queue: 1, or 0
 * when there is none or, with @at_entry, when the first one is not for
 * the door.
 */
static int take_injection(unsigned long req, int at_entry, struct injection *out)
{
	for (unsigned i = 0; i < M.ninj; i++) {
		if (M.inj[i].req != req)
			continue;
		if (at_entry != (M.inj[i].at == AT_ENTRY))
			return 0;
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

static int d_open_locked(const char *path, int flags)
{
	(void)flags;
	if (strcmp(path, HW_ENCLAVE_DEV) != 0) {
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

static int d_open(const char *path, int flags)
{
	static int r;

	lock();
	r = d_open_locked(path, flags);
	unlock();
	return r;
}

static int d_close_locked(int fd)
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

static int d_close(int fd)
{
	static int r;

	lock();
	r = d_close_locked(fd);
	unlock();
	return r;
}

int double_open_fds(void)
{
	int n = 0;

	for (int i = 0; i < DOUBLE_MAX_FDS; i++)
		n += M.fds[i].open;
	return n;
}

/* ---- SGX_IOC_ENCLAVE_CREATE ------------------------------------------------ */

/*
 * ECREATE's own checks (SDM ECREATE): a #GP becomes -EIO in the driver.
 * Attributes, XFRM and MISCSELECT beyond what CPUID.12H reports #GP; the
 * privileged attributes the CPU has pass, to be refused at EINIT.
 */
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
	if (s->attributes.flags & (SGX_ATTR_INIT | ~CPU_ATTRIBUTES))
		return 0;
	if ((s->attributes.xfrm & SGX_XFRM_LEGACY) != SGX_XFRM_LEGACY ||
	    (s->attributes.xfrm & ~CPU_XFRM))
		return 0;
	if (s->miscselect & ~CPU_MISCSELECT)
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

	have_inj = take_injection(SGX_IOC_ENCLAVE_ADD_PAGES, 0, &inj);
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
	char why[256];
	int ret;

	if (!d->created || d->initialized)
		return -EINVAL;
	memcpy(&ss, (const void *)(uintptr_t)arg->sigstruct, sizeof(ss));
	/* No SGX_IOC_ENCLAVE_PROVISION here: PROVISIONKEY is never granted. */
	ret = sgx_linux_einit_check(&M.masks, d->secs.attributes.flags, 0, &ss, why, sizeof(why));
	if (ret)
		return ret;
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

	have_inj = take_injection(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, 0, &inj);
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

	have_inj = take_injection(SGX_IOC_ENCLAVE_MODIFY_TYPES, 0, &inj);
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

	have_inj = take_injection(SGX_IOC_ENCLAVE_REMOVE_PAGES, 0, &inj);
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

static int ioctl_locked(struct denc *d, unsigned long req, void *arg)
{
	struct injection busy;
	int ret;

	if (take_injection(req, 1, &busy)) {
		errno = busy.err;
		return -1;
	}
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

static int d_ioctl(int fd, unsigned long req, void *arg)
{
	struct denc *d;
	int ret, err;

	lock();
	d = fd_enclave(fd);
	if (d)
		M.calls[call_slot(req)]++;
	unlock();
	if (!d) {
		errno = EBADF;
		return -1;
	}
	/* sgx_ioctl(): another ioctl of this enclave in progress. */
	if (__atomic_exchange_n(&d->in_ioctl, 1, __ATOMIC_ACQUIRE)) {
		errno = EBUSY;
		return -1;
	}
	if (M.ioctl_hold_us)
		usleep(M.ioctl_hold_us);
	lock();
	ret = ioctl_locked(d, req, arg);
	err = errno;
	unlock();
	__atomic_store_n(&d->in_ioctl, 0, __ATOMIC_RELEASE);
	errno = err;
	return ret;
}

/* @len rounded up to whole pages, as the mm system calls take it. */
static size_t pages_of(size_t len)
{
	return (len + PAGE - 1) & ~(size_t)(PAGE - 1);
}

/* ---- VMAs ------------------------------------------------------------------ */

/* The VMA of @d holding @addr, or NULL. */
static struct vma *vma_find(struct denc *d, uint64_t addr)
{
	for (unsigned i = 0; i < d->nvmas; i++)
		if (addr >= d->vmas[i].start && addr < d->vmas[i].end)
			return &d->vmas[i];
	return NULL;
}

static int vma_add(struct denc *d, struct vma v)
{
	if (d->nvmas == d->vcap) {
		unsigned cap = d->vcap ? 2 * d->vcap : 16;
		struct vma *n = realloc(d->vmas, cap * sizeof(*n));

		if (!n)
			return -1;
		d->vmas = n;
		d->vcap = cap;
	}
	d->vmas[d->nvmas++] = v;
	return 0;
}

/* Take [start, end) out of @d's VMAs, splitting one that straddles it. */
static int vma_cut(struct denc *d, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < d->nvmas; i++) {
		struct vma *v = &d->vmas[i];

		if (v->end <= start || v->start >= end)
			continue;
		if (v->start < start && v->end > end) {
			struct vma tail = *v;

			tail.start = end;
			v->end = start;
			return vma_add(d, tail);
		}
		if (v->start < start) {
			v->end = start;
		} else if (v->end > end) {
			v->start = end;
		} else {
			d->vmas[i--] = d->vmas[--d->nvmas];
		}
	}
	return 0;
}

/* munmap(), or a new mapping over the range: no enclave's VMA survives there. */
static void vma_unmap(uint64_t start, uint64_t end)
{
	for (int i = 0; i < DOUBLE_MAX_FDS; i++)
		if (M.fds[i].open)
			vma_cut(&M.fds[i], start, end);
}

/* ---- mmap, munmap, mprotect ------------------------------------------------ */

/*
 * sgx_encl_may_map(): once initialized, nothing outside ELRANGE; then no
 * page with an entry in the range may have less than @prot in its
 * vm_max_prot_bits. Pages without an entry do not limit the mapping.
 */
static int may_map(struct denc *d, uint64_t start, uint64_t end, int prot)
{
	unsigned want = (unsigned)prot & PROT_RWX;
	uint64_t a;

	if (d->initialized && (start < d->secs.base || end > d->secs.base + d->secs.size))
		return -EACCES;
	if (!d->created)
		return 0;
	/* epcm_next_valid() stops at the end of ELRANGE, where no page is valid. */
	for (a = epcm_next_valid(d->epcm, start, end);
	     a < end && (epcm_get(d->epcm, a) & EPCM_VALID);
	     a = epcm_next_valid(d->epcm, a + PAGE, end))
		if (want & ~pm_get(&d->maxprot, (a - d->secs.base) / PAGE))
			return -EACCES;
	return 0;
}

static void *map_failed(int err)
{
	errno = err;
	return MAP_FAILED;
}

/*
 * do_mmap() of the enclave fd: sgx_get_unmapped_area() (MAP_PRIVATE:
 * EINVAL; MAP_FIXED: the address as given; otherwise the kernel picks
 * one), the noexec mount (PROT_EXEC: EPERM; else no VM_MAYEXEC), then
 * sgx_mmap()'s sgx_encl_may_map().
 */
static void *d_mmap_locked(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t start, end;
	struct denc *d;
	void *p;
	int r;

	if (fd < 0) {
		p = mmap(addr, len, prot, flags, fd, off);
		if (p != MAP_FAILED)
			vma_unmap((uintptr_t)p, (uintptr_t)p + pages_of(len));
		return p;
	}
	d = fd_enclave(fd);
	if (!d)
		return map_failed(EBADF);
	if (!len)
		return map_failed(EINVAL);
	len = pages_of(len);
	if ((flags & MAP_TYPE) == MAP_PRIVATE)
		return map_failed(EINVAL);
	if ((flags & MAP_FIXED) && ((uintptr_t)addr & (PAGE - 1)))
		return map_failed(EINVAL);
	if ((prot & PROT_EXEC) && M.dev_noexec)
		return map_failed(EPERM);
	if (flags & MAP_FIXED) {
		start = (uintptr_t)addr;
	} else {
		/* Where the kernel would put it: a free range, @addr a hint. */
		p = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return p;
		start = (uintptr_t)p;
	}
	end = start + len;
	r = may_map(d, start, end, prot);
	if (r) {
		if (!(flags & MAP_FIXED))
			munmap((void *)(uintptr_t)start, len);
		return map_failed(-r);
	}
	/* Occupy the range for real so that the address space looks as it would. */
	p = mmap((void *)(uintptr_t)start, len, prot & ~PROT_EXEC,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return p;
	vma_unmap(start, end);
	if (vma_add(d, (struct vma){ start, end, (unsigned)prot & PROT_RWX, !M.dev_noexec })) {
		munmap(p, len);
		return map_failed(ENOMEM);
	}
	return p;
}

static void * d_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void * r;

	lock();
	r = d_mmap_locked(addr, len, prot, flags, fd, off);
	unlock();
	return r;
}

static int d_munmap_locked(void *addr, size_t len)
{
	int r = munmap(addr, len);

	if (r == 0)
		vma_unmap((uintptr_t)addr, (uintptr_t)addr + pages_of(len));
	return r;
}

static int d_munmap(void *addr, size_t len)
{
	static int r;

	lock();
	r = d_munmap_locked(addr, len);
	unlock();
	return r;
}

const struct hw_kernel_ops hw_double_ops = {
	.open	= d_open,
	.ioctl	= d_ioctl,
	.mmap	= d_mmap,
	.munmap	= d_munmap,
	.close	= d_close,
};

static int double_mprotect_locked(void *addr, size_t len, int prot)
{
	struct denc *d = last_enclave();
	uint64_t at = (uintptr_t)addr, end;

	if (!d || (at & (PAGE - 1))) {
		errno = EINVAL;
		return -1;
	}
	end = at + pages_of(len);
	while (at < end) {
		struct vma *v = vma_find(d, at);
		struct vma piece;
		int r;

		if (!v) {
			errno = ENOMEM;
			return -1;
		}
		piece = *v;
		piece.start = at;
		piece.end = v->end < end ? v->end : end;
		piece.prot = (unsigned)prot & PROT_RWX;
		if ((prot & PROT_EXEC) && !v->mayexec) {
			errno = EACCES;
			return -1;
		}
		r = may_map(d, piece.start, piece.end, prot);
		if (r) {
			errno = -r;
			return -1;
		}
		if (mprotect((void *)(uintptr_t)piece.start, piece.end - piece.start,
			     prot & ~PROT_EXEC) || vma_cut(d, piece.start, piece.end) ||
		    vma_add(d, piece))
			return -1;
		at = piece.end;
	}
	return 0;
}

int double_mprotect(void *addr, size_t len, int prot)
{
	int r;

	lock();
	r = double_mprotect_locked(addr, len, prot);
	unlock();
	return r;
}

/* ---- the enclave's side ---------------------------------------------------- */

/* sgx_encl_eaug_page(): only an initialized enclave, with a free EPC page. */
static int eaug_on_fault(struct denc *d, uint64_t offset)
{
	uint64_t addr = d->secs.base + offset;

	if (!d->initialized || M.epc_used + 1 > M.epc_capacity)
		return -1;
	if (epcm_eaug(d->epcm, addr) != SGX_SUCCESS)
		return -1;
	/* EAUGed pages are not vetted: the kernel lets them be mapped RWX. */
	pm_set(&d->maxprot, offset / PAGE, PROT_RWX);
	d->pages++;
	M.epc_used++;
	return 0;
}

/*
 * A #PF on the page at enclave @offset, for an @access (PROT_*), handled as
 * the kernel does: access_error() against the VMA (a write needs VM_WRITE,
 * an instruction fetch VM_EXEC, anything a VMA that is not PROT_NONE), then
 * sgx_vma_fault(): EAUG when the page has no entry on an SGX2 CPU, else the
 * VMA's protections may not exceed the page's vm_max_prot_bits.
 *
 * Every access takes this path, as if its PTE were never present: the
 * outcome is the same, because the kernel zaps the PTEs whenever it lowers
 * vm_max_prot_bits (MODIFY_TYPES to TCS), and a VMA's PTEs have its
 * protections.
 */
static enum double_fault fault(struct denc *d, uint64_t offset, unsigned access)
{
	uint64_t addr = d->secs.base + offset;
	struct vma *v = vma_find(d, addr);

	if (!v || !(v->prot & PROT_RWX) || (access & ~v->prot & (PROT_WRITE | PROT_EXEC)))
		return DOUBLE_FAULT_VMA;
	if (!(epcm_get(d->epcm, addr) & EPCM_VALID)) {
		if (!M.cpu_sgx2 || eaug_on_fault(d, offset) != 0)
			return DOUBLE_FAULT_SIGBUS;
		return DOUBLE_FAULT_NONE;
	}
	if (v->prot & ~pm_get(&d->maxprot, offset / PAGE))
		return DOUBLE_FAULT_SIGBUS;
	return DOUBLE_FAULT_NONE;
}

static enum double_fault double_access_locked(uint64_t offset, unsigned access)
{
	struct denc *d = last_enclave();

	if (!d || !d->created)
		return last_fault = DOUBLE_FAULT_VMA;
	last_fault = fault(d, offset, access);
	if (last_fault == DOUBLE_FAULT_NONE &&
	    epcm_access(d->epcm, d->secs.base + offset, access, NULL) != 0)
		last_fault = DOUBLE_FAULT_EPCM;
	return last_fault;
}

enum double_fault double_access(uint64_t offset, unsigned access)
{
	enum double_fault r;

	lock();
	r = double_access_locked(offset, access);
	unlock();
	return r;
}

enum double_fault double_last_fault(void)
{
	return last_fault;
}

static int double_eaccept_flags_locked(uint64_t offset, uint64_t flags)
{
	struct denc *d = last_enclave();
	struct sgx_secinfo si;
	int r;

	if (!d || !d->created)
		return EPCM_FAULT_GP;
	last_fault = fault(d, offset, PROT_READ);
	if (last_fault != DOUBLE_FAULT_NONE)
		return EPCM_FAULT_PF;
	memset(&si, 0, sizeof(si));
	si.flags = flags;
	/*
	 * The page as the enclave (the test) wrote it, through the mapping
	 * the fault path has just found readable: EACCEPT of a TCS checks it.
	 */
	r = epcm_eaccept(d->epcm, d->secs.base + offset, &si,
			 (const void *)(uintptr_t)(d->secs.base + offset), NULL);
	if (r == EPCM_FAULT_PF)
		last_fault = DOUBLE_FAULT_EPCM;
	return r;
}

int double_eaccept_flags(uint64_t offset, uint64_t flags)
{
	int r;

	lock();
	r = double_eaccept_flags_locked(offset, flags);
	unlock();
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

static epcm_entry_t double_epcm_locked(uint64_t offset)
{
	struct denc *d = last_enclave();

	return d && d->epcm ? epcm_get(d->epcm, d->secs.base + offset) : 0;
}

epcm_entry_t double_epcm(uint64_t offset)
{
	epcm_entry_t r;

	lock();
	r = double_epcm_locked(offset);
	unlock();
	return r;
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
