// SPDX-License-Identifier: MIT
/*
 * The enclave memory manager (enclave/emm/) on the host, behind a fake EPC.
 *
 * The fake plays the CPU and the Linux driver for one enclave with the
 * project's EPCM model (sgx/epcm.c, shared with the simulator and the
 * driver double): the leaves EACCEPT and EMODPE, EAUG on the fault of an
 * EACCEPT to a page without entry, and the driver's per-page rules for the
 * ioctls behind the ocalls (restrict, modify types, remove). It adds what
 * the EPCM does not hold: the host PTEs, which the leaves read their page
 * through (one that a PROT_NONE PTE hides faults inside the EMM, which must
 * say so, and stops the test), and a count of how often the EMM zeroed
 * each page. ELRANGE is a real PROT_NONE reservation; each page is made
 * accessible exactly as far as the EPCM and the PTE allow, so the EMM
 * touching a page it should not (say, zeroing a restricted one) crashes
 * the test. A leaf the model faults stops the test too: the EMM issues
 * only leaves that hardware would run. Removed pages read as zero again,
 * like a fresh EAUG.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sgx/epcm.h"
#include "tests/harness.h"

#include "enclave/emm/emm.c"
#include "enclave/emm/emm_commit.c"
#include "enclave/emm/emm_fault.c"
#include "enclave/emm/emm_map.c"
#include "enclave/emm/emm_meta.c"
#include "enclave/emm/emm_msg.c"
#include "enclave/emm/emm_policy.c"
#include "enclave/emm/emm_region.c"

_Static_assert(EMM_MAP_FIXED == MAP_FIXED, "MAP_FIXED");
_Static_assert(EMM_MAP_FIXED_NOREPLACE == MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE");
_Static_assert(EMM_PROT_READ == PROT_READ && EMM_PROT_WRITE == PROT_WRITE &&
	       EMM_PROT_EXEC == PROT_EXEC, "PROT_*");

#define KiB		(1ULL << 10)
#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define HEAP_OFF	(64 * KiB)	/* the "image" below the heap */
#define LEAF		512

#define E_PERMS		SGX_SECINFO_PERM_MASK
#define REG_RW		(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)

/* ---- the fake EPC ----------------------------------------------------------- */

/* What the fake keeps per page beside the EPCM. */
struct leaf {
	uint8_t pte[LEAF];	/* host PTE protection */
	uint8_t zeroed[LEAF];	/* times ops->zero covered the page */
};

struct event {
	char kind;		/* A EACCEPT, P EMODPE, O ocall */
	long nr;
	uint64_t addr, len, arg;
	int ret;
};

#define MAX_EVENTS	4096

static struct fake {
	uint8_t *mem;		/* ELRANGE */
	uint64_t size;
	int edmm;
	struct epcm *epcm;
	struct leaf **dir;
	uint64_t nleaves;
	uint64_t eaugs, eaccepts, emodpes, zero_bytes;
	uint64_t ocalls[6];	/* by -nr */
	int fail_next;		/* the next ocall of this nr lies: returns 0, does nothing */
	int warns;
	char last_warn[256];
	struct event ev[MAX_EVENTS];
	unsigned nev;
	int inject;		/* the next EACCEPT takes a #PF first */
	int injected;		/* what emm_fault answered to it */
} F;

static struct emm M;		/* the instance under test */

static struct leaf *leaf_of(uint64_t pg, int create)
{
	struct leaf **l = &F.dir[pg / LEAF];

	if (!*l && create) {
		*l = calloc(1, sizeof(**l));
		memset((*l)->pte, PROT_READ | PROT_WRITE, LEAF);
	}
	return *l;
}

static uint64_t pg_of(uint64_t addr)
{
	uint64_t off = addr - (uint64_t)F.mem;

	if (addr < (uint64_t)F.mem || off >= F.size) {
		fprintf(stderr, "fake: address %#lx outside ELRANGE\n", (unsigned long)addr);
		abort();
	}
	return off >> 12;
}

static epcm_entry_t peek(uint64_t addr)
{
	pg_of(addr);
	return epcm_get(F.epcm, addr);
}

static unsigned pte(uint64_t addr)
{
	uint64_t pg = pg_of(addr);
	struct leaf *l = leaf_of(pg, 0);

	return l ? l->pte[pg % LEAF] : PROT_READ | PROT_WRITE;
}

/* What an access may do: what the EPCM allows (sgx/epcm.h), within the PTE. */
static unsigned usable(uint64_t addr)
{
	pg_of(addr);
	return epcm_usable_perms(F.epcm, addr) & pte(addr);
}

static void sync_page(uint64_t addr)
{
	if (mprotect((void *)(addr & ~4095ULL), 4096, (int)usable(addr))) {
		perror("fake: mprotect");
		abort();
	}
}

static void log_event(char kind, long nr, uint64_t addr, uint64_t len, uint64_t arg, int ret)
{
	if (F.nev < MAX_EVENTS)
		F.ev[F.nev++] = (struct event){ kind, nr, addr, len, arg, ret };
}

/* A #PF that interrupts a leaf reaches the EMM's handler; a handler that waits never returns. */
static int deliver_fault(uint64_t addr, uint32_t errcd)
{
	int r;

	alarm(10);
	r = emm_fault(&M, addr, errcd);
	alarm(0);
	return r;
}

/*
 * EACCEPT and EMODPE read their page (SDM), and the kernel does not EAUG
 * behind a PROT_NONE PTE (access_error): the leaf faults, inside the EMM.
 */
static void leaf_reads(const char *leaf, uint64_t addr)
{
	uint64_t pg = pg_of(addr);
	int r;

	if (leaf_of(pg, 1)->pte[pg % LEAF] != PROT_NONE)
		return;
	r = deliver_fault(addr, X86_PF_USER);
	fprintf(stderr, "fake: %s of %#lx through a PROT_NONE PTE faults inside the EMM "
		"(emm_fault: %d); the enclave stops here\n", leaf, (unsigned long)addr, r);
	abort();
}

/* A leaf the EPCM model faults: hardware would raise it inside the EMM. */
static void leaf_faults(const char *leaf, uint64_t addr, int r)
{
	fprintf(stderr, "fake: %s of %#lx (entry %#x) raises %s inside the EMM\n", leaf,
		(unsigned long)addr, epcm_get(F.epcm, addr),
		r == EPCM_FAULT_GP ? "#GP" : r == EPCM_FAULT_PF ? "#PF" : "a fault");
	abort();
}

static int f_eaccept(uint64_t addr, uint64_t flags)
{
	struct sgx_secinfo si = { .flags = flags };
	uint32_t errcd;
	int ret;

	F.eaccepts++;
	if (F.inject) {
		F.inject = 0;
		F.injected = deliver_fault(addr, X86_PF_USER);
	}
	leaf_reads("EACCEPT", addr);
	ret = epcm_eaccept(F.epcm, addr, &si, NULL, &errcd);
	if (ret == EPCM_FAULT_PF && !(epcm_get(F.epcm, addr) & EPCM_VALID)) {
		if (!F.edmm) {
			fprintf(stderr, "fake: EACCEPT without EDMM\n");
			abort();
		}
		/* the #PF of the EACCEPT: the kernel EAUGs, the CPU retries */
		if (epcm_eaug(F.epcm, addr))
			leaf_faults("EAUG", addr, EPCM_FAULT_GP);
		F.eaugs++;
		ret = epcm_eaccept(F.epcm, addr, &si, NULL, &errcd);
	}
	if (ret < 0)
		leaf_faults("EACCEPT", addr, ret);
	log_event('A', 0, addr, 0, flags, ret);
	sync_page(addr);
	return ret;
}

static int f_emodpe(uint64_t addr, uint64_t perms)
{
	struct sgx_secinfo si = { .flags = perms };
	uint32_t errcd;
	int r;

	F.emodpes++;
	leaf_reads("EMODPE", addr);
	r = epcm_emodpe(F.epcm, addr, &si, &errcd);
	if (r)
		leaf_faults("EMODPE", addr, r);
	log_event('P', 0, addr, 0, perms, 0);
	sync_page(addr);
	return 0;
}

static long f_ocall(long nr, uint64_t off, uint64_t len, uint64_t arg)
{
	uint64_t a = (uint64_t)F.mem + off, k;
	long ret = 0;

	F.ocalls[-nr]++;
	log_event('O', nr, a, len, arg, 0);
	if (F.fail_next == nr) {
		F.fail_next = 0;
		return 0;
	}
	/* The driver goes page by page and stops at the first it refuses. */
	for (k = 0; k < len && !ret; k += 4096) {
		uint64_t pg = pg_of(a + k), result = 0;

		switch (nr) {
		case ENCL_OCALL_RESTRICT:
			ret = epcm_ioc_restrict(F.epcm, a + k, arg, &result);
			break;
		case ENCL_OCALL_MODIFY_TYPES:
			ret = epcm_ioc_modify_type(F.epcm, a + k, (unsigned)arg, &result);
			break;
		case ENCL_OCALL_REMOVE:
			ret = epcm_ioc_remove(F.epcm, a + k);
			if (ret)
				break;
			/* the next EAUG of this page comes back zeroed */
			mprotect(F.mem + (pg << 12), 4096, PROT_READ | PROT_WRITE);
			madvise(F.mem + (pg << 12), 4096, MADV_DONTNEED);
			break;
		case ENCL_OCALL_PROTECT:
			leaf_of(pg, 1)->pte[pg % LEAF] = (uint8_t)arg;
			break;
		default:
			return -ENOSYS;
		}
		sync_page(a + k);
	}
	return ret;
}

static void f_zero(void *p, size_t n)
{
	uint64_t a = (uint64_t)p, k;

	memset(p, 0, n);
	/* only heap pages count; the metadata area is zeroed too */
	for (k = a & ~4095ULL; k < a + n; k += 4096) {
		uint64_t pg;

		if (!F.mem || k < (uint64_t)F.mem || k >= (uint64_t)F.mem + F.size)
			continue;	/* struct emm itself */
		pg = pg_of(k);

		if (leaf_of(pg, 1)->zeroed[pg % LEAF] < 255)
			leaf_of(pg, 1)->zeroed[pg % LEAF]++;
	}
	F.zero_bytes += n;
}

static void f_warn(const char *msg)
{
	F.warns++;
	snprintf(F.last_warn, sizeof(F.last_warn), "%s", msg);
}

static const struct emm_ops fake_ops = {
	.eaccept = f_eaccept,
	.emodpe = f_emodpe,
	.ocall = f_ocall,
	.zero = f_zero,
	.warn = f_warn,
};

static void fake_free(void)
{
	uint64_t i;

	if (!F.mem)
		return;
	for (i = 0; i < F.nleaves; i++)
		free(F.dir[i]);
	free(F.dir);
	epcm_free(F.epcm);
	munmap(F.mem, F.size);
	memset(&F, 0, sizeof(F));
}

/*
 * A fresh enclave with a heap of @heap bytes at HEAP_OFF. SGX1: the heap is
 * EADDed RW and holds the host's garbage.
 */
/*
 * The trim policy of the next setup(). The tests of the trim mechanism
 * (when a run is trimmed, in which order, what the host may refuse) use
 * the eager policy, which trims as soon as the threshold is passed; the
 * policy tests below set the others.
 */
static enum emm_trim_policy setup_policy = EMM_TRIM_EAGER;

static int setup(struct emm *m, int edmm, uint64_t heap, uint64_t max, uint64_t min,
		 uint64_t trim)
{
	struct emm_config c = {
		.trim_policy = setup_policy,
		.mode = edmm ? EMM_MODE_EDMM : EMM_MODE_SGX1,
		.heap_offset = HEAP_OFF,
		.heap_size = heap,
		.max_heap = max,
		.min_heap = min,
		.trim_threshold = trim,
	};
	uint64_t a;

	fake_free();
	F.size = HEAP_OFF + heap;
	F.mem = mmap(NULL, F.size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (F.mem == MAP_FAILED)
		abort();
	F.edmm = edmm;
	F.nleaves = (F.size / 4096 + LEAF - 1) / LEAF;
	F.dir = calloc(F.nleaves, sizeof(*F.dir));
	F.epcm = epcm_new((uint64_t)F.mem, F.size, SGX_ATTR_MODE64BIT);
	if (!F.dir || !F.epcm)
		abort();
	if (!edmm) {
		struct sgx_secinfo si = { .flags = REG_RW };

		/* before EINIT, EADDed (the host's garbage) */
		for (a = HEAP_OFF; a < F.size; a += 4096)
			if (epcm_eadd(F.epcm, (uint64_t)F.mem + a, &si, F.mem + a))
				abort();
		mprotect(F.mem + HEAP_OFF, heap, PROT_READ | PROT_WRITE);
		memset(F.mem + HEAP_OFF, 0xa5, heap);
	}
	epcm_set_initialized(F.epcm);
	c.base = (uint64_t)F.mem;
	return emm_init(m, &c, &fake_ops);
}

static void clear_log(void)
{
	F.nev = 0;
}

static unsigned zeroed(uint64_t addr)
{
	uint64_t pg = pg_of(addr);
	struct leaf *l = leaf_of(pg, 0);

	return l ? l->zeroed[pg % LEAF] : 0;
}

/*
 * The program touches @addr: the CPU checks the page, a #PF goes to the
 * EMM's handler, then the access is retried. Returns 0 when the access is
 * allowed in the end, -1 when it would crash.
 */
static int touch(struct emm *m, uint64_t addr, int write, unsigned char val)
{
	unsigned need = write ? PROT_WRITE : PROT_READ;

	if (!(usable(addr) & need)) {
		uint32_t errcd = X86_PF_USER | X86_PF_PROT | (write ? X86_PF_WRITE : 0);

		/* The EPCM's #PF, or else the PTE's (a protection fault). */
		epcm_access(F.epcm, addr, write ? EPCM_ACCESS_W : EPCM_ACCESS_R, &errcd);
		if (emm_fault(m, addr, errcd) != EMM_FAULT_FIXED || !(usable(addr) & need))
			return -1;
	}
	if (write)
		*(volatile unsigned char *)addr = val;
	return 0;
}

static int is_zero(uint64_t addr, uint64_t len)
{
	const unsigned char *p = (const unsigned char *)addr;
	uint64_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/*
 * The EMM's view against the fake's: regions sorted, disjoint, inside the
 * heap; bitmaps counted right; every committed bit an accepted page with
 * the region's permissions, every other program page without an entry.
 */
static int consistent(struct emm *m)
{
	struct emm_region *r;
	uint64_t prev_end = m->lo, mapped = 0, committed = 0, pool = 0, a;

	for (r = m->head; r; r = r->next) {
		uint64_t n = emm_region_pages(r), i, cnt = 0;

		if (r->start < prev_end || r->end <= r->start || r->end > m->hi ||
		    (r->start | r->end) & 4095 || (r->next && r->next->prev != r))
			return fprintf(stderr, "  bad region [%#lx, %#lx)\n",
				       (unsigned long)r->start, (unsigned long)r->end), 0;
		prev_end = r->end;
		if (r->kind == EMM_REGION_USED)
			mapped += r->end - r->start;
		for (i = 0; m->mode == EMM_MODE_EDMM && i < n; i++) {
			epcm_entry_t e = peek(emm_addr_of(r, i));
			uint64_t want = r->kind == EMM_REGION_FREE ? EMM_PERM_RW : emm_perms_of(r->prot);

			if (emm_committed(r, i)) {
				cnt++;
				if (e != (EPCM_VALID | SGX_SECINFO_REG | want))
					return fprintf(stderr, "  page %#lx: entry %#x, want perms %#lx\n",
						       (unsigned long)emm_addr_of(r, i), e,
						       (unsigned long)want), 0;
			} else if (e) {
				return fprintf(stderr, "  page %#lx: entry %#x but not committed\n",
					       (unsigned long)emm_addr_of(r, i), e), 0;
			}
		}
		if (m->mode == EMM_MODE_EDMM && cnt != r->ncommitted)
			return fprintf(stderr, "  ncommitted %lu, bits %lu\n",
				       (unsigned long)r->ncommitted, (unsigned long)cnt), 0;
		committed += r->ncommitted;
		if (r->kind == EMM_REGION_FREE)
			pool += r->ncommitted;
	}
	if (mapped != m->st.mapped)
		return fprintf(stderr, "  mapped %lu != %lu\n", (unsigned long)mapped,
			       (unsigned long)m->st.mapped), 0;
	if (m->mode == EMM_MODE_SGX1)
		return 1;
	if (committed * 4096 != m->st.committed || pool * 4096 != m->st.pool)
		return fprintf(stderr, "  committed %lu/%lu pool %lu/%lu\n",
			       (unsigned long)committed * 4096, (unsigned long)m->st.committed,
			       (unsigned long)pool * 4096, (unsigned long)m->st.pool), 0;
	/* pages outside every region have no entry (gaps) */
	r = m->head;
	for (a = m->lo; a < m->hi && m->hi - m->lo <= 64 * MiB; a += 4096) {
		while (r && r->end <= a)
			r = r->next;
		if ((!r || a < r->start) && peek(a))
			return fprintf(stderr, "  page %#lx in a gap has entry %#x\n",
				       (unsigned long)a, peek(a)), 0;
	}
	return 1;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_reserve_lazy_commit(void)
{
	struct emm *m = &M;
	long p;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 64 * MiB, 1 * MiB, 0), 0);
	/* SCONE_MIN_HEAP is committed at start-up, nothing else */
	CHECK_EQ_INT(m->st.committed, 1 * MiB);
	CHECK_EQ_INT(F.eaugs, 256 + m->st.meta_committed / 4096);
	CHECK(consistent(m));

	/* a mapping reserves; it lands on the committed minimum first */
	p = emm_mmap(m, 0, 8 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	CHECK(p > 0);
	CHECK_EQ_INT(m->st.committed, 1 * MiB);
	CHECK_EQ_INT(m->st.pool, 0);
	CHECK(is_zero((uint64_t)p + 7 * MiB, 1 * MiB));

	/* the first touch of an uncommitted page commits its batch */
	F.eaccepts = F.eaugs = 0;
	CHECK_EQ_INT(touch(m, (uint64_t)p + 5, 1, 0x11), 0);
	CHECK_EQ_INT(F.eaugs, EMM_BATCH_PAGES);
	CHECK_EQ_INT(m->st.committed, 1 * MiB + EMM_BATCH_PAGES * 4096);
	CHECK(usable((uint64_t)p + (EMM_BATCH_PAGES - 1) * 4096) == (PROT_READ | PROT_WRITE));
	CHECK(!usable((uint64_t)p + EMM_BATCH_PAGES * 4096));
	CHECK(is_zero((uint64_t)p + 4096, (EMM_BATCH_PAGES - 1) * 4096));

	/* faults that are not the EMM's */
	CHECK_EQ_INT(emm_fault(m, (uint64_t)p + 5, X86_PF_WRITE | X86_PF_PROT), 0);
	CHECK_EQ_INT(emm_fault(m, m->lo - 4096, 0), 0);
	CHECK_EQ_INT(emm_fault(m, (uint64_t)p + 2 * MiB, X86_PF_INSTR), 0);
	CHECK_EQ_INT(emm_fault(m, (uint64_t)p - 4096, X86_PF_WRITE), 0); /* unmapped */
	CHECK(consistent(m));
}

static void test_batching(void)
{
	struct emm *m = &M;
	uint64_t p, a, pages = 16 * MiB / 4096;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 16 * MiB, PROT_READ | PROT_WRITE, 0);
	F.eaccepts = F.eaugs = 0;
	for (a = p; a < p + 16 * MiB; a += 4096)
		CHECK_EQ_INT(touch(m, a, 1, 1), 0);
	/* every page committed exactly once ... */
	CHECK_EQ_INT(F.eaugs, pages);
	CHECK_EQ_INT(F.eaccepts, pages);
	/* ... by 16, 16, 32, 64, 128 and then 256 pages per fault */
	printf("  batching: %lu pages touched in order, %lu faults\n",
	       (unsigned long)pages, (unsigned long)m->st.faults);
	CHECK_EQ_INT(m->st.faults, 5 + (pages - 256) / 256);
	CHECK(m->st.faults * 100 < pages);

	/* random order: one fault per 16-page window at most */
	CHECK_EQ_INT(emm_munmap(m, p, 16 * MiB), 0);	/* above the threshold: trimmed */
	CHECK_EQ_INT(m->st.trimmed, 16 * MiB);
	CHECK_EQ_INT(emm_trim_pending(m), 0);
	p = (uint64_t)emm_mmap(m, 0, 16 * MiB, PROT_READ | PROT_WRITE, 0);
	m->st.faults = 0;
	srand(7);
	for (a = 0; a < 4 * pages; a++)
		CHECK_EQ_INT(touch(m, p + ((uint64_t)rand() % pages) * 4096, 0, 0), 0);
	CHECK(m->st.faults <= pages / EMM_BATCH_PAGES);
	CHECK(consistent(m));
}

static void test_mmap_munmap(void)
{
	struct emm *m = &M;
	long p[64], q;
	uint64_t len[64];
	int i, j;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 32 * MiB, 0, 0), 0);
	for (i = 0; i < 64; i++) {
		len[i] = (uint64_t)(i % 7 + 1) * 4096 + (uint64_t)(i % 3) * 100;
		p[i] = emm_mmap(m, 0, len[i], PROT_READ | PROT_WRITE, 0);
		CHECK(p[i] > 0 && !(p[i] & 4095));
		CHECK((uint64_t)p[i] >= m->lo && (uint64_t)p[i] + len[i] <= m->hi);
		for (j = 0; j < i; j++)
			CHECK((uint64_t)p[i] + len[i] <= (uint64_t)p[j] ||
			      (uint64_t)p[j] + len[j] <= (uint64_t)p[i]);
		CHECK_EQ_INT(touch(m, (uint64_t)p[i] + len[i] - 1, 1, (unsigned char)i), 0);
	}
	for (i = 0; i < 64; i++)
		CHECK_EQ_INT(*(unsigned char *)(p[i] + len[i] - 1), i);
	CHECK(consistent(m));
	for (i = 0; i < 64; i += 2)
		CHECK_EQ_INT(emm_munmap(m, (uint64_t)p[i], len[i]), 0);
	CHECK(consistent(m));

	/* bad arguments */
	CHECK_EQ_INT(emm_mmap(m, 0, 0, PROT_READ, 0), -EINVAL);
	CHECK_EQ_INT(emm_mmap(m, 0, 4096, 8, 0), -EINVAL);
	CHECK_EQ_INT(emm_munmap(m, (uint64_t)p[1] + 1, 4096), -EINVAL);
	CHECK_EQ_INT(emm_munmap(m, m->lo - 4096, 4096), -EINVAL);

	/* MAP_FIXED: within the heap it replaces, with zeroed memory */
	q = emm_mmap(m, (uint64_t)p[1], 4096, PROT_READ | PROT_WRITE, MAP_FIXED);
	CHECK_EQ_INT(q, p[1]);
	CHECK_EQ_INT(touch(m, (uint64_t)q, 0, 0), 0);
	CHECK(is_zero((uint64_t)q, 4096));
	CHECK_EQ_INT(emm_mmap(m, (uint64_t)p[1], 4096, PROT_READ, MAP_FIXED_NOREPLACE), -EEXIST);
	CHECK_EQ_INT(emm_mmap(m, m->lo - 4096, 4096, PROT_READ, MAP_FIXED), -EINVAL);
	CHECK_EQ_INT(emm_mmap(m, m->hi, 4096, PROT_READ, MAP_FIXED), -EINVAL);
	CHECK_EQ_INT(emm_mmap(m, (uint64_t)p[1] + 1, 4096, PROT_READ, MAP_FIXED), -EINVAL);
	/* a free hint is honoured, a taken one is not */
	q = emm_mmap(m, (uint64_t)p[0], 4096, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(q, p[0]);
	q = emm_mmap(m, (uint64_t)p[1], 4096, PROT_READ | PROT_WRITE, 0);
	CHECK(q > 0 && q != p[1]);
	CHECK(consistent(m));
}

static void test_enomem_warns_once(void)
{
	struct emm *m = &M;
	long a, b;
	uint64_t brk0;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 8 * MiB, 0, 0), 0);
	a = emm_mmap(m, 0, 6 * MiB, PROT_READ | PROT_WRITE, 0);
	CHECK(a > 0);
	CHECK_EQ_INT(emm_mmap(m, 0, 4 * MiB, PROT_READ | PROT_WRITE, 0), -ENOMEM);
	CHECK_EQ_INT(F.warns, 1);
	CHECK_STR_CONTAINS(F.last_warn, "SCONE_HEAP=8M");
	CHECK_EQ_INT(emm_mmap(m, 0, 4 * MiB, PROT_READ | PROT_WRITE, 0), -ENOMEM);
	CHECK_EQ_INT(emm_mmap(m, 0, 1ULL << 62, PROT_READ, 0), -ENOMEM);
	brk0 = emm_brk(m, 0);
	CHECK_EQ_INT(emm_brk(m, brk0 + 1 * MiB), brk0 + 1 * MiB);
	CHECK_EQ_INT(emm_brk(m, brk0 + 1 * MiB + 3 * MiB), brk0 + 1 * MiB); /* runs into a */
	CHECK_EQ_INT(emm_mmap(m, 0, 2 * MiB, PROT_READ | PROT_WRITE, 0), -ENOMEM);
	CHECK_EQ_INT(F.warns, 1);
	CHECK_EQ_INT(m->st.enomem, 4);
	CHECK_EQ_INT(emm_brk(m, brk0), brk0);
	/* memory given back can be had again */
	CHECK_EQ_INT(emm_munmap(m, (uint64_t)a, 6 * MiB), 0);
	b = emm_mmap(m, 0, 8 * MiB, PROT_READ | PROT_WRITE, 0);
	CHECK(b > 0);
	CHECK_EQ_INT(F.warns, 1);

	/* brk past SCONE_HEAP: the break stays, one warning */
	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 8 * MiB, 0, 0), 0);
	brk0 = emm_brk(m, 0);
	CHECK_EQ_INT(emm_brk(m, brk0 + 9 * MiB), brk0);
	CHECK_EQ_INT(emm_brk(m, brk0 + 10 * MiB), brk0);
	CHECK_EQ_INT(F.warns, 1);
	CHECK_STR_CONTAINS(F.last_warn, "SCONE_HEAP=8M");
	CHECK_EQ_INT(emm_brk(m, brk0 + 8 * MiB), brk0 + 8 * MiB);

	/* SCONE_HEAP above the measured heap is clamped to it */
	CHECK_EQ_INT(setup(m, 1, 4 * MiB, 64 * GiB, 64 * GiB, 0), 0);
	CHECK(m->max_heap <= 4 * MiB && m->min_heap == m->max_heap);
	CHECK_EQ_INT(emm_mmap(m, 0, 4 * MiB, PROT_READ, 0), -ENOMEM);
	CHECK_STR_CONTAINS(F.last_warn, "SCONE_HEAP=");
}

static void test_brk(void)
{
	struct emm *m = &M;
	uint64_t b0, a;
	long p;
	int i;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 16 * MiB, 0, 0), 0);
	b0 = emm_brk(m, 0);
	CHECK_EQ_INT(b0, m->lo);
	CHECK_EQ_INT(emm_brk(m, b0 + 10000), b0 + 10000);
	CHECK_EQ_INT(touch(m, b0 + 9999, 1, 7), 0);
	CHECK_EQ_INT(touch(m, b0 + 12288, 0, 0), -1);	/* beyond the break's page */
	/* page by page, the break stays one region */
	for (i = 0; i < 200; i++)
		CHECK(emm_brk(m, b0 + 10000 + (uint64_t)i * 4096) == b0 + 10000 + (uint64_t)i * 4096);
	CHECK_EQ_INT(m->st.regions, 1);
	for (a = b0; a < b0 + 200 * 4096; a += 4096)
		CHECK_EQ_INT(touch(m, a, 0, 0), 0);
	CHECK_EQ_INT(*(unsigned char *)(b0 + 9999), 7);
	/* shrink, then grow: fresh pages read zero */
	CHECK_EQ_INT(touch(m, b0 + 100 * 4096, 1, 9), 0);
	CHECK_EQ_INT(emm_brk(m, b0 + 4096), b0 + 4096);
	CHECK_EQ_INT(emm_brk(m, b0 + 200 * 4096), b0 + 200 * 4096);
	CHECK_EQ_INT(touch(m, b0 + 100 * 4096, 0, 0), 0);
	CHECK(is_zero(b0 + 4096, 199 * 4096));
	/* a mapping right above the break stops it */
	p = emm_mmap(m, b0 + 300 * 4096, 4096, PROT_READ, MAP_FIXED);
	CHECK_EQ_INT(p, b0 + 300 * 4096);
	CHECK_EQ_INT(emm_brk(m, b0 + 400 * 4096), b0 + 200 * 4096);
	CHECK_EQ_INT(emm_brk(m, b0 - 1), b0 + 200 * 4096);
	CHECK(consistent(m));
}

static int count_events(char kind, long nr, uint64_t arg)
{
	unsigned i;
	int n = 0;

	for (i = 0; i < F.nev; i++)
		if (F.ev[i].kind == kind && F.ev[i].nr == nr && (kind == 'O' || F.ev[i].arg == arg))
			n++;
	return n;
}

static void test_mprotect(void)
{
	struct emm *m = &M;
	uint64_t p, a, n = 16;
	unsigned i;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 2 * n * 4096, PROT_READ | PROT_WRITE, 0);
	for (a = p; a < p + n * 4096; a += 4096)
		CHECK_EQ_INT(touch(m, a, 1, 0x42), 0);
	CHECK_EQ_INT(m->st.committed, n * 4096);	/* the second half is not */

	/* restrict: the PTEs (readable), the ioctl, then EACCEPT(PR) of each page */
	clear_log();
	CHECK_EQ_INT(emm_mprotect(m, p, n * 4096, PROT_READ), 0);
	CHECK_EQ_INT(F.nev, 2 + n);
	CHECK(F.ev[0].kind == 'O' && F.ev[0].nr == ENCL_OCALL_PROTECT && F.ev[0].addr == p &&
	      F.ev[0].len == n * 4096 && F.ev[0].arg == PROT_READ);
	CHECK(F.ev[1].kind == 'O' && F.ev[1].nr == ENCL_OCALL_RESTRICT && F.ev[1].addr == p &&
	      F.ev[1].len == n * 4096 && F.ev[1].arg == SGX_SECINFO_R);
	for (i = 2; i < 2 + n; i++)
		CHECK(F.ev[i].kind == 'A' &&
		      F.ev[i].arg == (SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_PR) &&
		      F.ev[i].ret == 0);
	CHECK_EQ_INT(count_events('P', 0, 0) + count_events('P', 0, SGX_SECINFO_R), 0);
	CHECK_EQ_INT(usable(p), PROT_READ);
	CHECK_EQ_INT(touch(m, p, 1, 0), -1);		/* a write now crashes */
	CHECK_EQ_INT(*(unsigned char *)p, 0x42);

	/* extend: EMODPE only, no ocall but the PTEs */
	clear_log();
	CHECK_EQ_INT(emm_mprotect(m, p, n * 4096, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(count_events('P', 0, REG_RW & E_PERMS), n);
	CHECK_EQ_INT(count_events('O', ENCL_OCALL_RESTRICT, 0), 0);
	CHECK_EQ_INT(touch(m, p, 1, 0x43), 0);

	/* RW -> RX over a half-committed range: EMODPE(X), restrict(W), and the
	 * uncommitted half is committed, since no fault could do it later */
	clear_log();
	CHECK_EQ_INT(emm_mprotect(m, p, 2 * n * 4096, PROT_READ | PROT_EXEC), 0);
	CHECK_EQ_INT(m->st.committed, 2 * n * 4096);
	CHECK_EQ_INT(usable(p + (2 * n - 1) * 4096), PROT_READ | PROT_EXEC);
	CHECK_EQ_INT(usable(p), PROT_READ | PROT_EXEC);
	CHECK(consistent(m));

	/* PROT_NONE and back */
	CHECK_EQ_INT(emm_mprotect(m, p, 4096, PROT_NONE), 0);
	CHECK_EQ_INT(usable(p), 0);
	CHECK_EQ_INT(emm_fault(m, p, X86_PF_PROT | X86_PF_SGX), 0);
	CHECK_EQ_INT(emm_mprotect(m, p, 4096, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(*(unsigned char *)p, 0x43);
	CHECK(consistent(m));

	/* unmapped or unaligned */
	CHECK_EQ_INT(emm_mprotect(m, p + 2 * n * 4096, 4096, PROT_READ), -ENOMEM);
	CHECK_EQ_INT(emm_mprotect(m, p + 1, 4096, PROT_READ), -EINVAL);

	/* a host that claims to have restricted but did not: EACCEPT(PR) says so */
	F.fail_next = ENCL_OCALL_RESTRICT;
	CHECK_EQ_INT(emm_mprotect(m, p, 4096, PROT_READ), -EACCES);
	CHECK_EQ_INT(peek(p) & E_PERMS, REG_RW & E_PERMS);	/* nothing was restricted */
	CHECK_EQ_INT(emm_mprotect(m, p, 4096, PROT_READ | PROT_WRITE), 0);
	CHECK(consistent(m));

	/* RWX memory commits on fault, with EMODPE(X) per page */
	p = (uint64_t)emm_mmap(m, 0, 64 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC, 0);
	CHECK_EQ_INT(touch(m, p, 1, 1), 0);
	CHECK_EQ_INT(usable(p + 4096), PROT_READ | PROT_WRITE | PROT_EXEC);
	/* mmap(PROT_READ) is committed at once */
	p = (uint64_t)emm_mmap(m, 0, 8 * 4096, PROT_READ, 0);
	CHECK_EQ_INT(usable(p + 7 * 4096), PROT_READ);
	CHECK(is_zero(p, 8 * 4096));
	CHECK(consistent(m));
}

/*
 * The host's PTEs against the leaves, which read their page through them:
 * a protection that can be read reaches the PTEs before the leaves that
 * need it (NONE -> RW: EMODPE), PROT_NONE after its leaves (RW -> NONE:
 * restrict, EACCEPT(PR)), and MADV_DONTNEED opens a PROT_NONE range for
 * its EACCEPT(TRIM)s. The fake stops the test at any leaf behind a
 * PROT_NONE PTE.
 */
static void test_mprotect_order(void)
{
	struct emm *m = &M;
	uint64_t p, a, n = 8, i;

	/* Committed pages of SCONE_MIN_HEAP, mapped PROT_NONE, then made RW. */
	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 64 * KiB, 0), 0);
	clear_log();
	p = (uint64_t)emm_mmap(m, 0, n * 4096, PROT_NONE, 0);
	CHECK_EQ_INT(p, m->top - n * 4096);		/* on the committed pages */
	CHECK_EQ_INT(m->st.committed, 64 * KiB);
	CHECK(F.ev[0].kind == 'O' && F.ev[0].nr == ENCL_OCALL_RESTRICT && F.ev[0].arg == 0);
	CHECK(F.ev[F.nev - 1].kind == 'O' && F.ev[F.nev - 1].nr == ENCL_OCALL_PROTECT &&
	      F.ev[F.nev - 1].arg == PROT_NONE);
	clear_log();
	CHECK_EQ_INT(emm_mprotect(m, p, n * 4096, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(F.nev, 1 + n);
	CHECK(F.ev[0].kind == 'O' && F.ev[0].nr == ENCL_OCALL_PROTECT &&
	      F.ev[0].arg == (PROT_READ | PROT_WRITE));
	for (i = 1; i <= n; i++)
		CHECK(F.ev[i].kind == 'P' && F.ev[i].arg == (REG_RW & E_PERMS));
	for (a = p; a < p + n * 4096; a += 4096)
		CHECK_EQ_INT(touch(m, a, 1, 0x17), 0);

	/* Back to PROT_NONE: the leaves under the readable PTEs, then the PTEs. */
	clear_log();
	CHECK_EQ_INT(emm_mprotect(m, p, n * 4096, PROT_NONE), 0);
	CHECK(F.ev[0].kind == 'O' && F.ev[0].nr == ENCL_OCALL_RESTRICT);
	CHECK_EQ_INT(count_events('A', 0, SGX_SECINFO_REG | SGX_SECINFO_PR), n);
	CHECK(F.ev[F.nev - 1].kind == 'O' && F.ev[F.nev - 1].nr == ENCL_OCALL_PROTECT &&
	      F.ev[F.nev - 1].arg == PROT_NONE);
	CHECK_EQ_INT(touch(m, p, 0, 0), -1);

	/* MADV_DONTNEED on it: opened for the trim, closed again. */
	clear_log();
	CHECK_EQ_INT(emm_madvise_dontneed(m, p, n * 4096), 0);
	CHECK(F.ev[0].kind == 'O' && F.ev[0].nr == ENCL_OCALL_PROTECT && F.ev[0].arg == PROT_READ);
	CHECK(F.ev[1].kind == 'O' && F.ev[1].nr == ENCL_OCALL_MODIFY_TYPES);
	CHECK(F.ev[F.nev - 1].kind == 'O' && F.ev[F.nev - 1].nr == ENCL_OCALL_PROTECT &&
	      F.ev[F.nev - 1].arg == PROT_NONE);
	CHECK_EQ_INT(emm_region_find(m, p)->ncommitted, 0);	/* trimmed */
	CHECK_EQ_INT(emm_commit(m, p, n * 4096), 0);		/* no leaf behind PROT_NONE */
	CHECK_EQ_INT(emm_region_find(m, p)->ncommitted, 0);
	CHECK_EQ_INT(emm_mprotect(m, p, n * 4096, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(touch(m, p, 0, 0), 0);
	CHECK_EQ_INT(*(unsigned char *)p, 0);
	CHECK(consistent(m));

	/* Execute-only asks for a PTE the leaves can read: R is added, as in the EPCM. */
	clear_log();
	CHECK_EQ_INT(emm_mprotect(m, p, 4096, PROT_EXEC), 0);
	CHECK(F.ev[0].kind == 'O' && F.ev[0].nr == ENCL_OCALL_PROTECT &&
	      F.ev[0].arg == (PROT_READ | PROT_EXEC));
	CHECK_EQ_INT(usable(p), PROT_READ | PROT_EXEC);
	CHECK(consistent(m));
}

/*
 * A fault that interrupts the EMM (here: one injected into its EACCEPT(PR)
 * of a restrict) finds the lock held, and the handler says so at once
 * instead of waiting for it; deliver_fault's alarm fails a handler that
 * waits.
 */
static void test_fault_inside_emm(void)
{
	struct emm *m = &M;
	uint64_t p, a;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 4 * 4096, PROT_READ | PROT_WRITE, 0);
	for (a = p; a < p + 4 * 4096; a += 4096)
		CHECK_EQ_INT(touch(m, a, 1, 1), 0);
	F.inject = 1;
	F.injected = EMM_FAULT_FIXED;
	CHECK_EQ_INT(emm_mprotect(m, p, 4 * 4096, PROT_READ), 0);
	CHECK_EQ_INT(F.inject, 0);			/* it happened, inside */
	CHECK_EQ_INT(F.injected, EMM_FAULT_LOCKED);
	/* Outside the EMM the same fault is the program's again. */
	CHECK_EQ_INT(emm_fault(m, p, X86_PF_USER), EMM_FAULT_DECLINED);
	CHECK(consistent(m));
}

static void test_trim(void)
{
	struct emm *m = &M;
	uint64_t p, n = 2 * MiB / 4096, i, eaugs;
	unsigned k;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 1 * MiB), 0);
	/* below the threshold: kept for reuse */
	p = (uint64_t)emm_mmap(m, 0, 512 * KiB, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(emm_commit(m, p, 512 * KiB), 0);
	clear_log();
	CHECK_EQ_INT(emm_munmap(m, p, 512 * KiB), 0);
	CHECK_EQ_INT(F.nev, 0);
	CHECK_EQ_INT(m->st.pool, 512 * KiB);
	CHECK_EQ_INT(m->st.committed, 512 * KiB);

	/* above it: MODIFY_TYPES(TRIM) -> EACCEPT(TRIM|MODIFIED) each -> REMOVE */
	p = (uint64_t)emm_mmap(m, 0, 2 * MiB, PROT_READ | PROT_WRITE, MAP_FIXED | MAP_FIXED_NOREPLACE);
	CHECK_EQ_INT(p, -EINVAL);	/* p was not a hint */
	p = (uint64_t)emm_mmap(m, m->lo + 16 * MiB, 2 * MiB, PROT_READ | PROT_WRITE, MAP_FIXED);
	for (i = 0; i < n; i++)
		CHECK_EQ_INT(touch(m, p + i * 4096, 1, 1), 0);
	clear_log();
	CHECK_EQ_INT(emm_munmap(m, p, 2 * MiB), 0);
	CHECK_EQ_INT(m->st.pool, 0);
	CHECK_EQ_INT(m->st.committed, 0);
	CHECK_EQ_INT(m->st.trimmed, 2 * MiB + 512 * KiB);
	/* per run: the ioctl, every page's EACCEPT, the remove */
	for (k = 0; k < F.nev;) {
		struct event *t = &F.ev[k];
		uint64_t j;

		CHECK(t->kind == 'O' && t->nr == ENCL_OCALL_MODIFY_TYPES && t->arg == SGX_PT_TRIM);
		for (j = 0; j < t->len / 4096; j++)
			CHECK(F.ev[k + 1 + j].kind == 'A' &&
			      F.ev[k + 1 + j].addr == t->addr + j * 4096 &&
			      F.ev[k + 1 + j].arg == (SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED) &&
			      F.ev[k + 1 + j].ret == 0);
		CHECK(F.ev[k + 1 + j].kind == 'O' && F.ev[k + 1 + j].nr == ENCL_OCALL_REMOVE &&
		      F.ev[k + 1 + j].addr == t->addr && F.ev[k + 1 + j].len == t->len);
		k += 2 + (unsigned)j;
	}
	CHECK_EQ_INT(F.ocalls[-ENCL_OCALL_MODIFY_TYPES], 2);
	CHECK_EQ_INT(F.ocalls[-ENCL_OCALL_REMOVE], 2);
	CHECK(!peek(p) && !peek(p + 2 * MiB - 4096));
	CHECK(consistent(m));

	/* re-commit after trim: a fresh EAUG, zeroed */
	eaugs = F.eaugs;
	p = (uint64_t)emm_mmap(m, p, 2 * MiB, PROT_READ | PROT_WRITE, MAP_FIXED);
	CHECK_EQ_INT(touch(m, p + 4096, 0, 0), 0);
	CHECK(F.eaugs > eaugs);
	CHECK(is_zero(p, EMM_BATCH_PAGES * 4096));

	/* reuse below the threshold: the same committed pages, zeroed by the EMM */
	CHECK_EQ_INT(touch(m, p + 4096, 1, 0x77), 0);
	CHECK_EQ_INT(emm_munmap(m, p, 2 * MiB), 0);
	CHECK_EQ_INT(m->st.pool, EMM_BATCH_PAGES * 4096);
	eaugs = F.eaugs;
	p = (uint64_t)emm_mmap(m, p, 2 * MiB, PROT_READ | PROT_WRITE, MAP_FIXED);
	CHECK_EQ_INT(F.eaugs, eaugs);
	CHECK_EQ_INT(touch(m, p + 4096, 0, 0), 0);
	CHECK_EQ_INT(*(unsigned char *)(p + 4096), 0);
	CHECK(consistent(m));

	/* the SCONE_MIN_HEAP floor is never trimmed */
	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 8 * MiB, 1 * MiB), 0);
	CHECK_EQ_INT(emm_trim_pending(m), 0);
	CHECK_EQ_INT(m->st.committed, 8 * MiB);
	CHECK_EQ_INT(F.ocalls[-ENCL_OCALL_MODIFY_TYPES], 0);
}

/*
 * A host that will not trim the pages of an unmapped read-only region:
 * they stay valid with the program's old data, so that range must never be
 * handed out again as fresh memory.
 */
static void test_untrimmed_not_reused(void)
{
	struct emm *m = &M;
	uint64_t p, q, len = 4 * 4096, i;
	char want[128];

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 1 * MiB), 0);
	p = (uint64_t)emm_mmap(m, 0, len, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < len; i += 4096)
		CHECK_EQ_INT(touch(m, p + i, 1, 0x5a), 0);
	CHECK_EQ_INT(emm_mprotect(m, p, len, PROT_READ), 0);
	F.fail_next = ENCL_OCALL_MODIFY_TYPES;
	CHECK_EQ_INT(emm_munmap(m, p, len), 0);
	CHECK_EQ_INT(F.warns, 1);
	snprintf(want, sizeof(want), "would not trim the pages of an unmapped range at enclave "
		 "offset %#lx (16384 bytes)", (unsigned long)(p - m->base));
	CHECK_STR_CONTAINS(F.last_warn, want);

	/* neither a hint nor MAP_FIXED gets the old pages back */
	q = (uint64_t)emm_mmap(m, p, len, PROT_READ | PROT_WRITE, 0);
	CHECK((int64_t)q > 0 && (q >= p + len || q + len <= p));
	CHECK_EQ_INT(emm_mmap(m, p, len, PROT_READ | PROT_WRITE, MAP_FIXED), -ENOMEM);
	for (i = 0; i < len; i += 4096)
		CHECK_EQ_INT(touch(m, q + i, 0, 0), 0);
	CHECK(is_zero(q, len));
	CHECK(consistent(m));
}

static void test_dontneed(void)
{
	struct emm *m = &M;
	uint64_t p;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 64 * KiB, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(touch(m, p, 1, 5), 0);
	CHECK_EQ_INT(emm_madvise_dontneed(m, p, 64 * KiB), 0);
	CHECK_EQ_INT(m->st.committed, 0);	/* given back at once */
	CHECK_EQ_INT(touch(m, p, 0, 0), 0);
	CHECK_EQ_INT(*(unsigned char *)p, 0);
	CHECK_EQ_INT(emm_madvise_dontneed(m, p + 64 * KiB, 4096), -ENOMEM);
	/* read-only memory stays readable (recommitted) */
	CHECK_EQ_INT(emm_mprotect(m, p, 64 * KiB, PROT_READ), 0);
	CHECK_EQ_INT(emm_madvise_dontneed(m, p, 64 * KiB), 0);
	CHECK_EQ_INT(usable(p), PROT_READ);
	CHECK(consistent(m));

	CHECK_EQ_INT(setup(m, 0, 4 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 64 * KiB, PROT_READ | PROT_WRITE, 0);
	*(unsigned char *)p = 5;
	CHECK_EQ_INT(emm_madvise_dontneed(m, p, 64 * KiB), 0);
	CHECK_EQ_INT(*(unsigned char *)p, 0);
	CHECK_EQ_INT(emm_mprotect(m, p, 64 * KiB, PROT_READ), 0);
	CHECK_EQ_INT(emm_madvise_dontneed(m, p, 64 * KiB), 0);	/* opens the PTE to zero */
	CHECK_EQ_INT(usable(p), PROT_READ);
}

static void test_sgx1_zeroing(void)
{
	struct emm *m = &M;
	uint64_t a, b, c, i;

	CHECK_EQ_INT(setup(m, 0, 4 * MiB, 4 * MiB, 1 * MiB, 0), 0);
	CHECK_EQ_INT(m->st.committed, 4 * MiB);
	for (i = m->lo; i < m->hi; i += 4096)
		CHECK(zeroed(i) == 0);		/* nothing at start-up */
	CHECK_EQ_INT(F.eaccepts, 0);

	a = (uint64_t)emm_mmap(m, 0, 64 * KiB, PROT_READ | PROT_WRITE, 0);
	b = (uint64_t)emm_mmap(m, 0, 32 * KiB, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 64 * KiB; i += 4096)
		CHECK_EQ_INT(zeroed(a + i), 1);
	for (i = 0; i < 32 * KiB; i += 4096)
		CHECK_EQ_INT(zeroed(b + i), 1);
	CHECK(is_zero(a, 64 * KiB) && is_zero(b, 32 * KiB));
	CHECK(*(unsigned char *)(b - 4096) == 0xa5);	/* not handed out: untouched */
	memset((void *)a, 0x33, 64 * KiB);
	CHECK_EQ_INT(emm_munmap(m, a, 64 * KiB), 0);
	c = (uint64_t)emm_mmap(m, 0, 64 * KiB, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(c, a);				/* reused ... */
	for (i = 0; i < 64 * KiB; i += 4096)
		CHECK_EQ_INT(zeroed(c + i), 2);		/* ... and zeroed again */
	CHECK(is_zero(c, 64 * KiB));
	for (i = 0; i < 32 * KiB; i += 4096)
		CHECK_EQ_INT(zeroed(b + i), 1);
	/* brk pages too, once each */
	CHECK_EQ_INT(emm_brk(m, m->lo + 3 * 4096), m->lo + 3 * 4096);
	CHECK_EQ_INT(zeroed(m->lo), 1);
	CHECK(is_zero(m->lo, 3 * 4096));
	/* no faults, no EACCEPT, no trim in SGX1 */
	CHECK_EQ_INT(emm_fault(m, a, X86_PF_WRITE), 0);
	CHECK_EQ_INT(emm_munmap(m, c, 64 * KiB), 0);
	CHECK_EQ_INT(emm_trim_pending(m), 0);
	CHECK_EQ_INT(F.eaccepts, 0);
	/* mprotect moves only the PTEs */
	CHECK_EQ_INT(emm_mprotect(m, b, 4096, PROT_READ), 0);
	CHECK_EQ_INT(usable(b), PROT_READ);
	CHECK_EQ_INT(F.ocalls[-ENCL_OCALL_RESTRICT], 0);
	CHECK(consistent(m));
}

static void test_overhead(void)
{
	struct emm *m = &M;
	uint64_t p, a, pages = GiB / 4096, bound;

	CHECK_EQ_INT(setup(m, 1, 64 * GiB, 64 * GiB, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, GiB, PROT_READ | PROT_WRITE, 0);
	CHECK(p > 0);
	for (a = p; a < p + GiB; a += 4096)
		if (!usable(a))
			CHECK_EQ_INT(emm_fault(m, a, X86_PF_WRITE | X86_PF_USER), EMM_FAULT_FIXED);
	CHECK_EQ_INT(m->st.committed, GiB);
	/*
	 * One bit per committed page, plus one node and rounding to the
	 * allocator's class: the region's bitmap is pages/8 bytes.
	 */
	bound = pages / 8 + 2 * sizeof(struct emm_region);
	printf("  overhead: 64 GiB reserved, 1 GiB committed: %lu bytes of metadata "
	       "(%.2f bits per committed page), %lu committed; struct emm %zu bytes; "
	       "%lu faults\n",
	       (unsigned long)m->st.meta, m->st.meta * 8.0 / (double)pages,
	       (unsigned long)m->st.meta_committed, sizeof(struct emm),
	       (unsigned long)m->st.faults);
	CHECK(m->st.meta <= bound);
	CHECK(m->st.meta_committed <= ((bound + 4095) & ~4095ULL) + 4096);
	CHECK(sizeof(struct emm) < 1024);
	CHECK(m->st.meta < 16 * MiB / 256);	/* vs a byte per ELRANGE page */
	/* and it goes away with the mapping */
	CHECK_EQ_INT(emm_munmap(m, p, GiB), 0);
	CHECK_EQ_INT(m->st.committed, 0);
	CHECK(m->st.meta <= 2 * 64);
}

/* ---- pseudo-random stress against a reference model ------------------------ */

#define SP	1024			/* program pages in the stress heap */

struct ref {
	signed char prot[SP];		/* -1 unmapped, else PROT_* */
	unsigned char val[SP];		/* byte 0 of the page as the program wrote it */
};

static uint64_t rnd(void)
{
	static uint64_t s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

/*
 * Whether @R has @n unmapped pages in a row: the window is all the manager
 * may use and every mmap fits in it, so only then is -ENOMEM the right answer.
 */
static int model_has_room(const struct ref *R, unsigned n)
{
	unsigned i, run = 0;

	for (i = 0; i < SP && run < n; i++)
		run = R->prot[i] == -1 ? run + 1 : 0;
	return run >= n;
}

#define STRESS_ITERS	6000

static void stress(int edmm)
{
	static struct ref R;
	struct emm *m = &M;
	unsigned iter, i, bad = 0, mapped_ok = 0;
	uint64_t heap = 8 * MiB;

	CHECK_EQ_INT(setup(m, edmm, heap, SP * 4096, edmm ? 256 * KiB : 0, 512 * KiB), 0);
	CHECK((m->hi - m->lo) / 4096 >= SP);
	m->hi = m->top;			/* a window the model covers */
	memset(R.prot, -1, sizeof(R.prot));
	memset(R.val, 0, sizeof(R.val));
	for (iter = 0; iter < STRESS_ITERS && !bad; iter++) {
		static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_EXEC,
					     PROT_READ | PROT_WRITE | PROT_EXEC };
		unsigned op = (unsigned)(rnd() % 100);
		unsigned pg = (unsigned)(rnd() % SP);
		unsigned big = rnd() % 4 == 0;
		unsigned n = 1 + (unsigned)(rnd() % (big ? 64 : 8));
		unsigned pick = (unsigned)(rnd() % 20);
		int prot = pick < 16 ? PROT_READ | PROT_WRITE : prots[pick - 16];
		uint64_t a = m->lo + (uint64_t)pg * 4096;
		long r;

		if (pg + n > SP)
			n = SP - pg;
		if (op < 25) {				/* mmap anywhere */
			r = emm_mmap(m, 0, (uint64_t)n * 4096, prot, 0);
			if (r == -ENOMEM && model_has_room(&R, n)) {
				bad = 1;
				fprintf(stderr, "  iter %u: mmap of %u pages -ENOMEM with room\n", iter, n);
			}
			if (r == -ENOMEM)
				continue;
			CHECK(r > 0);
			if (r < 0)
				break;
			mapped_ok++;
			pg = (unsigned)(((uint64_t)r - m->lo) / 4096);
			for (i = 0; i < n; i++) {
				if (R.prot[pg + i] != -1)
					bad = 1, fprintf(stderr, "  overlap at page %u\n", pg + i);
				R.prot[pg + i] = (signed char)prot;
				R.val[pg + i] = 0;
			}
		} else if (op < 35) {			/* MAP_FIXED */
			/* inside the window, within max_heap whatever it replaces */
			r = emm_mmap(m, a, (uint64_t)n * 4096, prot, MAP_FIXED);
			CHECK_EQ_INT(r, (long)a);
			if (r != (long)a)
				break;
			mapped_ok++;
			for (i = 0; i < n; i++) {
				R.prot[pg + i] = (signed char)prot;
				R.val[pg + i] = 0;
			}
		} else if (op < 55) {			/* munmap */
			CHECK_EQ_INT(emm_munmap(m, a, (uint64_t)n * 4096), 0);
			for (i = 0; i < n; i++)
				R.prot[pg + i] = -1;
		} else if (op < 65) {			/* mprotect */
			int mapped = 1;

			for (i = 0; i < n; i++)
				mapped &= R.prot[pg + i] != -1;
			r = emm_mprotect(m, a, (uint64_t)n * 4096, prot);
			CHECK_EQ_INT(r, mapped ? 0 : -ENOMEM);
			for (i = 0; mapped && i < n; i++)
				R.prot[pg + i] = (signed char)prot;
		} else if (op < 70) {			/* madvise(DONTNEED) */
			int mapped = 1;

			for (i = 0; i < n; i++)
				mapped &= R.prot[pg + i] != -1;
			CHECK_EQ_INT(emm_madvise_dontneed(m, a, (uint64_t)n * 4096),
				     mapped ? 0 : -ENOMEM);
			for (i = 0; mapped && i < n; i++)
				R.val[pg + i] = 0;
		} else {				/* the program touches a page */
			int w = R.prot[pg] >= 0 && (R.prot[pg] & PROT_WRITE) && rnd() % 2;
			int ok = R.prot[pg] > 0;	/* anything but unmapped and NONE */
			unsigned char v = (unsigned char)(1 + rnd() % 255);

			if (R.prot[pg] >= 0 && (R.prot[pg] & PROT_WRITE))
				ok = 1;
			else if (w)
				ok = 0;
			/*
			 * Unmapped heap may still be present memory: SGX1's
			 * EADDed heap, EDMM's committed pages awaiting reuse.
			 */
			if (R.prot[pg] == -1)
				continue;
			if ((touch(m, a, w, v) == 0) != ok) {
				bad = 1;
				fprintf(stderr, "  iter %u: touch page %u (prot %d, write %d) -> %s\n",
					iter, pg, R.prot[pg], w, ok ? "crash" : "allowed");
			} else if (ok && *(unsigned char *)a != (w ? v : R.val[pg])) {
				bad = 1;
				fprintf(stderr, "  iter %u: page %u holds %u, expected %u\n",
					iter, pg, *(unsigned char *)a, w ? v : R.val[pg]);
			}
			if (ok && w)
				R.val[pg] = v;
		}
		if (iter % 50 == 0 || bad) {
			uint64_t mapped = 0;

			for (i = 0; i < SP; i++)
				mapped += R.prot[i] != -1;
			CHECK_EQ_INT(m->st.mapped, mapped * 4096);
			if (!consistent(m) || m->st.mapped != mapped * 4096) {
				fprintf(stderr, "  after iteration %u (op %u)\n", iter, op);
				bad = 1;
			}
		}
	}
	CHECK(!bad);
	/*
	 * A floor of real work, so a manager that refuses every mmap cannot
	 * pass on -ENOMEM: 35% of the STRESS_ITERS iterations map at most 64
	 * of the window's SP = 1024 pages, which munmap (20%) keeps far from
	 * full, so at least half of them must succeed.
	 */
	CHECK(bad || mapped_ok >= STRESS_ITERS * 35 / 100 / 2);
	CHECK(F.warns <= 1);
	printf("  stress (%s): %u mmaps, %lu faults, %lu trims, %lu regions at the end, peak %lu KiB\n",
	       edmm ? "edmm" : "sgx1", mapped_ok, (unsigned long)m->st.faults, (unsigned long)m->st.trims,
	       (unsigned long)m->st.regions, (unsigned long)(m->st.peak >> 10));
}

static void test_stress_edmm(void)
{
	stress(1);
}

static void test_stress_sgx1(void)
{
	stress(0);
}

/* Every message from its kind and numbers, as the user and the e2e tests read it. */
static void test_messages(void)
{
	char buf[EMM_MSG_MAX], small[16];

	emm_msg_format(buf, sizeof(buf), EMM_MSG_HEAP_REACHED,
		       (const uint64_t[EMM_MSG_ARGS]){ 8 * MiB, 4194304, 16 * MiB });
	CHECK(!strcmp(buf, "SCONE_HEAP=8M reached: cannot map 4194304 more bytes; "
			"raise SCONE_HEAP (e.g. SCONE_HEAP=16M)"));
	emm_msg_format(buf, sizeof(buf), EMM_MSG_HEAP_REACHED_SGX1,
		       (const uint64_t[EMM_MSG_ARGS]){ 1536 * KiB, 5000, 3 * MiB });
	CHECK(!strcmp(buf, "SCONE_HEAP=1536K reached: cannot map 5000 more bytes; raise SCONE_HEAP "
			"(e.g. SCONE_HEAP=3M) and re-sign with: encl sign --heap 3M"));
	emm_msg_format(buf, sizeof(buf), EMM_MSG_REMOVE_REFUSED,
		       (const uint64_t[EMM_MSG_ARGS]){ 0x2f000, 8192 });
	CHECK_STR_CONTAINS(buf, "remove trimmed enclave pages at enclave offset 0x2f000 (8192 bytes)");
	emm_msg_format(buf, sizeof(buf), EMM_MSG_FAULT_LOCKED,
		       (const uint64_t[EMM_MSG_ARGS]){ 0x1234000, X86_PF_USER });
	CHECK_STR_CONTAINS(buf, "page fault at enclave offset 0x1234000 (error code 0x4) inside "
			   "the memory manager, which holds its lock");
	/* cut to the buffer, always terminated */
	CHECK_EQ_INT(emm_msg_format(small, sizeof(small), EMM_MSG_HEAP_REACHED,
				    (const uint64_t[EMM_MSG_ARGS]){ 8 * MiB, 1, 16 * MiB }),
		     sizeof(small) - 1);
	CHECK(!strcmp(small, "SCONE_HEAP=8M r"));
	/* the advice: the host completes the command with the executable's path */
	emm_msg_format(buf, sizeof(buf), EMM_MSG_ADVICE,
		       (const uint64_t[EMM_MSG_ARGS]){ 24 * MiB, 400 * MiB });
	CHECK(!strcmp(buf, "advice: SCONE_MIN_HEAP=24M SCONE_HEAP=400M, re-sign with: "
			"encl sign --min-heap 24M --heap 400M"));
	emm_msg_format(buf, sizeof(buf), EMM_MSG_ADVICE_SGX1,
		       (const uint64_t[EMM_MSG_ARGS]){ 0, 2 * GiB });
	CHECK(!strcmp(buf, "advice: SCONE_HEAP=2G, re-sign with: encl sign --heap 2G"));
}

static void test_init_rejects(void)
{
	struct emm m;
	struct emm_config c = { .mode = EMM_MODE_EDMM, .base = 1ULL << 40,
				.heap_offset = 4096, .heap_size = 64 * KiB };

	CHECK_EQ_INT(emm_init(&m, &c, &fake_ops), -EINVAL);	/* too small */
	c.heap_size = 64 * MiB + 1;
	CHECK_EQ_INT(emm_init(&m, &c, &fake_ops), -EINVAL);	/* unaligned */
	c.heap_size = 64 * MiB;
	c.mode = 7;
	CHECK_EQ_INT(emm_init(&m, &c, &fake_ops), -EINVAL);
	c.mode = EMM_MODE_EDMM;
	c.heap_offset = ~0ULL & ~4095ULL;
	CHECK_EQ_INT(emm_init(&m, &c, &fake_ops), -EINVAL);	/* wraps */
}

/*
 * A fault on a lazily committed page while another thread holds the lock is
 * only busy: the access is retried, and commits once the lock is free.
 */
static void test_fault_other_thread(void)
{
	struct emm *m = &M;
	uint64_t p;

	CHECK_EQ_INT(setup(m, 1, 64 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 4096, PROT_READ | PROT_WRITE, 0);
	m->lock = 1;
	m->owner = 7;			/* not this thread (ops->self is NULL: 1) */
	CHECK_EQ_INT(emm_fault(m, p, X86_PF_USER | X86_PF_WRITE), EMM_FAULT_BUSY);
	CHECK_EQ_INT(m->owner, 7);
	m->owner = 0;
	m->lock = 0;
	CHECK_EQ_INT(emm_fault(m, p, X86_PF_USER | X86_PF_WRITE), EMM_FAULT_FIXED);
	CHECK_EQ_INT(m->lock, 0);
	CHECK(consistent(m));
}

/* ---- the trim policy and the advice's counters ------------------------------ */

/*
 * One round of churn: map @total bytes in mixed sizes (4 KiB to 4 MiB),
 * write every page, then unmap them in an order other than the mapping
 * order (odd ones first), as a program's malloc and free would.
 */
static void churn_round(struct emm *m, uint64_t total, unsigned round)
{
	static const uint64_t sizes[] = { 4 * KiB, 64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 192 * KiB };
	uint64_t addr[512], len[512], got = 0;
	unsigned n = 0, k, bad = 0;

	while (got < total && n < 512) {
		uint64_t l = sizes[(n + round) % 6];
		long r;

		if (l > total - got)
			l = total - got;
		r = emm_mmap(m, 0, l, PROT_READ | PROT_WRITE, 0);
		if (r < 0)
			break;
		addr[n] = (uint64_t)r;
		len[n] = l;
		for (uint64_t a = 0; a < l; a += 4096)
			bad |= touch(m, addr[n] + a, 1, (unsigned char)(round + 1)) != 0;
		got += l;
		n++;
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(got, total);
	for (k = 1; k < n; k += 2)
		CHECK_EQ_INT(emm_munmap(m, addr[k], len[k]), 0);
	for (k = 0; k < n; k += 2)
		CHECK_EQ_INT(emm_munmap(m, addr[k], len[k]), 0);
}

/*
 * 64 rounds of churn up to a 32 MiB peak (each round's total varies): the
 * adaptive reserve commits each page of the peak about once, eager (the
 * policy before the reserve) about once per round, off exactly once. The
 * counts are the EMM's, and the fake EPC's EACCEPTs agree.
 */
static void churn(enum emm_trim_policy pol, uint64_t *eaccepts, uint64_t *peak, uint64_t *trims)
{
	struct emm *m = &M;
	unsigned r;

	setup_policy = pol;
	CHECK_EQ_INT(setup(m, 1, 256 * MiB, 0, 0, 0), 0);
	setup_policy = EMM_TRIM_EAGER;
	F.eaccepts = 0;
	for (r = 0; r < 64; r++)
		churn_round(m, (r % 4 == 3 ? 32 : 16 + 4 * (r % 4)) * MiB, r);
	CHECK(consistent(m));
	CHECK_EQ_INT(F.eaccepts, m->st.eaccepts);
	*eaccepts = m->st.eaccepts;
	*peak = m->st.peak / 4096;
	*trims = m->st.trims;
}

static void test_policy_churn(void)
{
	uint64_t ea[3], pk[3], tr[3];

	churn(EMM_TRIM_ADAPTIVE, &ea[0], &pk[0], &tr[0]);
	churn(EMM_TRIM_EAGER, &ea[1], &pk[1], &tr[1]);
	churn(EMM_TRIM_OFF, &ea[2], &pk[2], &tr[2]);
	printf("  churn 64 rounds, EACCEPTs / pages of peak: adaptive %lu / %lu, eager %lu / %lu, "
	       "off %lu / %lu\n", (unsigned long)ea[0], (unsigned long)pk[0], (unsigned long)ea[1],
	       (unsigned long)pk[1], (unsigned long)ea[2], (unsigned long)pk[2]);
	CHECK(pk[0] >= 32 * MiB / 4096);
	CHECK(ea[0] * 2 <= pk[0] * 3);		/* within 1.5x the peak */
	CHECK(ea[1] >= 10 * pk[1]);		/* eager: every round again */
	CHECK_EQ_INT(tr[2], 0);
	CHECK(ea[2] <= pk[2] + pk[2] / 16);	/* off: committed once (metadata aside) */
}

/*
 * One peak, then small for a long time: the reserve holds at first (a
 * peak that comes back costs nothing), then the program has mapped 4 to 8
 * times its old peak without needing it, and the memory goes back down to
 * what it uses, in whole runs.
 */
static void test_policy_shrink(void)
{
	struct emm *m = &M;
	uint64_t p, a, q, i, trims;

	setup_policy = EMM_TRIM_ADAPTIVE;
	CHECK_EQ_INT(setup(m, 1, 256 * MiB, 0, 1 * MiB, 0), 0);
	setup_policy = EMM_TRIM_EAGER;
	/* the peak: 64 mappings of 1 MiB, freed one by one (64 FREE regions) */
	for (i = 0; i < 64; i++) {
		p = (uint64_t)emm_mmap(m, 0, 1 * MiB, PROT_READ | PROT_WRITE, 0);
		for (a = p; a < p + 1 * MiB; a += 4096)
			CHECK_EQ_INT(touch(m, a, 1, 1), 0);
	}
	for (i = 0; i < 64; i++)
		CHECK_EQ_INT(emm_munmap(m, p + i * MiB, 1 * MiB), 0);
	CHECK_EQ_INT(m->st.trims, 0);			/* kept: the peak may come back */
	CHECK(m->st.committed >= 64 * MiB);
	/* small churn: 1 MiB at a time, 2 MiB live */
	q = (uint64_t)emm_mmap(m, 0, 1 * MiB, PROT_READ | PROT_WRITE, 0);
	for (i = 0; i < 560; i++) {
		uint64_t b = (uint64_t)emm_mmap(m, 0, 1 * MiB, PROT_READ | PROT_WRITE, 0);

		CHECK_EQ_INT(touch(m, b, 1, 2), 0);
		CHECK_EQ_INT(touch(m, b + 1 * MiB - 4096, 1, 2), 0);
		CHECK_EQ_INT(emm_munmap(m, b, 1 * MiB), 0);
		if (i == 200)
			CHECK_EQ_INT(m->st.trims, 0);	/* 3 times the peak mapped since: kept */
	}
	trims = m->st.trims;
	printf("  shrink: peak %lu KiB, committed at the end %lu KiB, trimmed %lu KiB in %lu runs\n",
	       (unsigned long)(m->st.peak >> 10), (unsigned long)(m->st.committed >> 10),
	       (unsigned long)(m->st.trimmed >> 10), (unsigned long)trims);
	/* neighbours merged first: runs span the freed mappings */
	CHECK(trims > 0 && trims <= 2);
	CHECK(m->st.committed <= 2 * MiB + EMM_TRIM_THRESHOLD + 1 * MiB);
	CHECK(m->st.trimmed >= 56 * MiB);
	CHECK_EQ_INT(emm_munmap(m, q, 1 * MiB), 0);
	CHECK(consistent(m));
}

/*
 * The advice's counters: start-up is before main and until the first
 * release; the mapped peak; faults before main; the advice itself.
 */
static void test_policy_advice(void)
{
	struct emm *m = &M;
	struct emm_advice adv;
	enum emm_trim_policy pol;
	uint64_t p, q;

	CHECK_EQ_INT(setup(m, 1, 256 * MiB, 0, 0, 0), 0);
	p = (uint64_t)emm_mmap(m, 0, 3 * MiB, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(touch(m, p, 1, 1), 0);		/* one fault before main */
	emm_main_begins(m);
	CHECK_EQ_INT(m->st.main_faults, 1);
	CHECK_EQ_INT(m->st.main_committed, m->st.committed);
	CHECK_EQ_INT(emm_commit(m, p, 3 * MiB), 0);	/* start-up uses 3 MiB */
	q = (uint64_t)emm_mmap(m, 0, 1 * MiB, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(emm_munmap(m, q, 1 * MiB), 0);	/* the first release ends start-up */
	q = (uint64_t)emm_mmap(m, 0, 40 * MiB, PROT_READ | PROT_WRITE, 0);
	CHECK_EQ_INT(emm_commit(m, q, 40 * MiB), 0);
	CHECK_EQ_INT(m->st.startup, 3 * MiB);
	CHECK_EQ_INT(m->st.mapped_peak, 43 * MiB);
	emm_main_begins(m);				/* once only */
	CHECK_EQ_INT(m->st.main_faults, 1);
	emm_advise(m, &m->st, &adv);
	CHECK_EQ_INT(adv.min_heap, 3 * MiB);
	CHECK_EQ_INT(adv.heap, 54 * MiB);		/* 43 MiB and a quarter, up to MiB */
	m->st.enomem = 1;
	emm_advise(m, &m->st, &adv);
	CHECK_EQ_INT(adv.heap, 2 * m->heap_shown);
	CHECK(consistent(m));

	CHECK_EQ_INT(emm_trim_policy_parse("eager", &pol), 0);
	CHECK_EQ_INT(pol, EMM_TRIM_EAGER);
	CHECK_EQ_INT(emm_trim_policy_parse("off", &pol), 0);
	CHECK_EQ_INT(pol, EMM_TRIM_OFF);
	CHECK_EQ_INT(emm_trim_policy_parse("adaptive", &pol), 0);
	CHECK_EQ_INT(pol, EMM_TRIM_ADAPTIVE);
	CHECK_EQ_INT(emm_trim_policy_parse("eagerly", &pol), -EINVAL);
	CHECK_EQ_INT(emm_trim_policy_parse("", &pol), -EINVAL);
	CHECK(!strcmp(emm_trim_policy_name(EMM_TRIM_OFF), "off"));
}

int main(void)
{
	HARNESS_PLAN(21);
	RUN(test_messages);
	RUN(test_init_rejects);
	RUN(test_reserve_lazy_commit);
	RUN(test_batching);
	RUN(test_mmap_munmap);
	RUN(test_enomem_warns_once);
	RUN(test_brk);
	RUN(test_mprotect);
	RUN(test_mprotect_order);
	RUN(test_fault_inside_emm);
	RUN(test_fault_other_thread);
	RUN(test_trim);
	RUN(test_untrimmed_not_reused);
	RUN(test_dontneed);
	RUN(test_sgx1_zeroing);
	RUN(test_overhead);
	RUN(test_stress_edmm);
	RUN(test_stress_sgx1);
	RUN(test_policy_churn);
	RUN(test_policy_shrink);
	RUN(test_policy_advice);
	fake_free();
	HARNESS_EXIT();
}
