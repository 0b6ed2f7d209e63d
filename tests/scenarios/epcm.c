// SPDX-License-Identifier: MIT
/*
 * The EPCM scenarios (docs/hardware.md), run inside the enclave: one program,
 * built with encl-cc, one scenario per name on the command line, a
 * "PASS: epcm:NAME" or "FAIL: epcm:NAME reason" line for each. Modelled on
 * the Linux SGX selftests (tools/testing/selftests/sgx/main.c): the same
 * steps and the same expected #PF error codes, with the enclave driving
 * the host's operations through ocalls (enclave/testing/testing.h) instead of the
 * host driving an enclave through ecalls.
 *
 * Pages. "Added" pages are a page-aligned array in .data: EADDed and
 * measured with the image, RW, and never touched by anyone but the one
 * scenario that owns each page (the selftests use their test enclave's
 * .data buffer the same way). "Raw" pages were never added: a PROT_NONE
 * reservation at the top of the EDMM heap range that the memory manager
 * leaves alone (encl_reserve_raw), so an access makes the kernel EAUG the
 * page; these scenarios need SCONE_EDMM_MODE=enable.
 *
 * Every access that may fault goes through encl_probe_read/_write: the
 * fault hook below records the fault, may fix the page and retry
 * (ENCL_FAULT_RESUME), and otherwise makes the probe return -1, so a
 * scenario that goes wrong prints FAIL instead of crashing.
 *
 *   usage: epcm NAME...      run these scenarios
 *          epcm --list       print the names, one a line
 * Exit status: 0 all passed, 1 some failed, 2 usage.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "enclave/core/runtime.h"	/* ENCL_FATAL_TCS */
#include "enclave/testing/testing.h"
#include "sgx/arch.h"

#define PAGE		4096UL
#define MAGIC		0x1122334455667788ULL
#define MAGIC2		0x8877665544332211ULL

#define REG_RW_PENDING	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_PENDING)
#define TRIM_MODIFIED	(SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED)

/* #PF error codes the selftests expect (X86_PF_* of sgx/arch.h). */
#define PF_SGX_WRITE	(X86_PF_SGX | X86_PF_USER | X86_PF_WRITE | X86_PF_PROT)	/* 0x8007 */
#define PF_SGX_READ	(X86_PF_SGX | X86_PF_USER | X86_PF_PROT)		/* 0x8005 */
#define PF_PTE_WRITE	(X86_PF_USER | X86_PF_WRITE | X86_PF_PROT)		/* 0x7 */

/* Pages of .data, one per scenario that needs an added page. */
enum {
	A_EPCM_PERMISSIONS,
	A_PTE_PERMISSIONS,
	A_NO_EACCEPT,
	A_INVALID_ACCESS,
	A_INVALID_ACCESS_AFTER_EACCEPT,
	A_UNTOUCHED,
	A_PAGES
};
/* Non-zero so that it is .data, not .bss: the same kind of page as the selftests' buffer. */
static uint8_t added[A_PAGES * PAGE] __attribute__((aligned(4096))) = { 1 };

/* Raw pages, one per scenario (tcs_create takes three). */
enum { R_AUGMENT, R_AUGMENT_VIA_EACCEPT, R_TCS, R_SSA, R_FSGS, R_MISMATCH, R_PAGES };
static uint64_t raw;		/* base of the reservation, once made */

static uint64_t added_page(int i)
{
	return (uint64_t)(uintptr_t)(added + i * PAGE);
}

/* ---- the fault hook ------------------------------------------------------------ */

enum fix { FIX_NONE, FIX_EACCEPT, FIX_EMODPE_RW };

static struct {
	int count;			/* faults seen since hook_reset */
	struct encl_fault first;	/* the first of them */
	enum fix fix;			/* what to do about a #PF on @page */
	uint64_t page;
	int fix_result;			/* EACCEPT's EAX */
} hk;

/* Runs in the exception handler: no printf, no system calls, only ENCLU and memory. */
static int hook(const struct encl_fault *f)
{
	if (hk.count++ == 0)
		hk.first = *f;
	/* A fix that does not fix must not loop for ever. */
	if (hk.count > 3 || f->vector != X86_VEC_PF || (f->addr & ~(PAGE - 1)) != hk.page)
		return ENCL_FAULT_ABORT_PROBE;
	switch (hk.fix) {
	case FIX_EACCEPT:
		hk.fix_result = encl_eaccept(hk.page, REG_RW_PENDING);
		return ENCL_FAULT_RESUME;
	case FIX_EMODPE_RW:
		encl_emodpe(hk.page, SGX_SECINFO_R | SGX_SECINFO_W);
		return ENCL_FAULT_RESUME;
	default:
		return ENCL_FAULT_ABORT_PROBE;
	}
}

static void hook_reset(enum fix fix, uint64_t page)
{
	memset(&hk, 0, sizeof(hk));
	hk.fix = fix;
	hk.page = page;
	hk.fix_result = -1;
}

/* ---- reporting ------------------------------------------------------------------- */

static const char *current;
static int failed;

/* The first failure of the current scenario; returns -1 for `return fail(...)`. */
__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;

	if (failed++)
		return -1;
	printf("FAIL: epcm:%s ", current);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return -1;
}

#define EXPECT(cond, ...)	do { if (!(cond)) return fail(__VA_ARGS__); } while (0)
#define EXPECT_OK(expr)		do { long r_ = (expr); \
				     if (r_) return fail("%s = %ld", #expr, r_); } while (0)

/* The one fault of an access: vector 14 at @page with @errcd. */
static int expect_one_pf(uint64_t page, uint32_t errcd, const char *what)
{
	EXPECT(hk.count >= 1, "%s: no fault", what);
	EXPECT(hk.first.vector == X86_VEC_PF, "%s: vector %u, expected 14", what, hk.first.vector);
	EXPECT((hk.first.addr & ~(PAGE - 1)) == page, "%s: fault at %#lx, expected page %#lx", what,
	       (unsigned long)hk.first.addr, (unsigned long)page);
	EXPECT(hk.first.error_code == errcd, "%s: error code %#x, expected %#x", what,
	       hk.first.error_code, errcd);
	return 0;
}

static int expect_no_fault(const char *what)
{
	EXPECT(hk.count == 0, "%s: unexpected fault (vector %u, address %#lx, error code %#x)",
	       what, hk.first.vector, (unsigned long)hk.first.addr, hk.first.error_code);
	return 0;
}

/* Write @v and read it back, with no fault allowed. */
static int write_read(uint64_t page, uint64_t v, const char *what)
{
	uint64_t got = 0;

	hook_reset(FIX_NONE, page);
	EXPECT(encl_probe_write((volatile uint64_t *)(uintptr_t)page, v) == 0 &&
	       encl_probe_read((volatile uint64_t *)(uintptr_t)page, &got) == 0,
	       "%s: the access faulted (vector %u, error code %#x)", what, hk.first.vector,
	       hk.first.error_code);
	EXPECT(got == v, "%s: read %#lx, wrote %#lx", what, (unsigned long)got, (unsigned long)v);
	return 0;
}

/* MODIFY_TYPES(TRIM), EACCEPT(TRIM|MODIFIED), REMOVE of @n pages at @addr. */
static int trim(uint64_t addr, uint64_t n)
{
	EXPECT_OK(encl_host_modify_types(addr, n * PAGE, SGX_PT_TRIM));
	for (uint64_t i = 0; i < n; i++)
		EXPECT_OK(encl_eaccept(addr + i * PAGE, TRIM_MODIFIED));
	EXPECT_OK(encl_host_remove(addr, n * PAGE));
	return 0;
}

static int need_raw(void)
{
	const char *why = "";

	if (!raw)
		raw = encl_reserve_raw(R_PAGES * PAGE, &why);
	EXPECT(raw, "no page that was never added: %s", why);
	return 0;
}

static uint64_t raw_page(int i)
{
	return raw + (uint64_t)i * PAGE;
}

static uint64_t main_tcs(void)
{
	const struct encl_params *p = encl_measured_params();

	return encl_base() + p->thread_offset + p->tcs_in_block;
}

/* ---- the scenarios ------------------------------------------------------------- */

/*
 * augment: a write to a page that was never added faults; the kernel EAUGs
 * it on that fault, and the retried write faults again with the SGX bit
 * (the page is PENDING). EACCEPT in the handler, then the write resumes.
 */
static int augment(void)
{
	uint64_t p, got = 0;

	if (need_raw())
		return -1;
	p = raw_page(R_AUGMENT);
	hook_reset(FIX_EACCEPT, p);
	EXPECT(encl_probe_write((volatile uint64_t *)(uintptr_t)p, MAGIC) == 0,
	       "the write was not resumed (%d faults, EACCEPT %d, error code %#x)", hk.count,
	       hk.fix_result, hk.first.error_code);
	if (expect_one_pf(p, PF_SGX_WRITE, "write to a new page"))
		return -1;
	EXPECT(hk.count == 1, "%d faults, expected 1", hk.count);
	EXPECT(hk.fix_result == 0, "EACCEPT(REG|RW|PENDING) in the handler = %d", hk.fix_result);
	hook_reset(FIX_NONE, p);
	EXPECT(encl_probe_read((volatile uint64_t *)(uintptr_t)p, &got) == 0 && got == MAGIC,
	       "read back %#lx", (unsigned long)got);
	return trim(p, 1);
}

/* augment_via_eaccept: EACCEPT first; the EAUG on its fault is invisible to the enclave. */
static int augment_via_eaccept(void)
{
	uint64_t p;

	if (need_raw())
		return -1;
	p = raw_page(R_AUGMENT_VIA_EACCEPT);
	hook_reset(FIX_NONE, p);
	EXPECT_OK(encl_eaccept(p, REG_RW_PENDING));
	if (expect_no_fault("EACCEPT of a new page") || write_read(p, MAGIC, "the accepted page"))
		return -1;
	return trim(p, 1);
}

/*
 * tcs_create: three new pages (TCS, SSA, FS/GS), EACCEPTed; the TCS page
 * filled in, EMODT(TCS), EACCEPT(TCS|MODIFIED); then the host EENTERs it.
 * The CPU must accept the entry; the runtime must refuse to run a thread
 * it did not measure (ENCL_FATAL_TCS, docs/execution.md). The same page as
 * a regular page is not enterable. Then the three pages are trimmed and a
 * regular page is added where the TCS was.
 */
static int tcs_create(void)
{
	const struct encl_params *prm = encl_measured_params();
	struct encl_enter_report rep;
	struct sgx_tcs *tcs;
	uint64_t t, base = encl_base();
	int r;

	if (need_raw())
		return -1;
	/* One SSA frame of one page: the SSA page is followed by the FS/GS page. */
	EXPECT(prm->ssaframesize == 1, "SSAFRAMESIZE %u: this scenario lays out one-page frames",
	       prm->ssaframesize);
	t = raw_page(R_TCS);
	hook_reset(FIX_NONE, 0);
	for (int i = R_TCS; i <= R_FSGS; i++)
		EXPECT_OK(encl_eaccept(raw_page(i), REG_RW_PENDING));

	tcs = (struct sgx_tcs *)(uintptr_t)t;
	memset(tcs, 0, sizeof(*tcs));
	tcs->ossa = raw_page(R_SSA) - base;
	tcs->nssa = 1;
	tcs->oentry = prm->entry_offset;
	tcs->ofsbase = raw_page(R_FSGS) - base;
	tcs->ogsbase = tcs->ofsbase;
	/*
	 * FSLIMIT and GSLIMIT stay 0: EADD and EACCEPT check them only
	 * outside 64-bit mode (SDM), and EENTER uses them only there.
	 */

	/* Still a regular page: EENTER itself must fault. */
	EXPECT_OK(encl_host_enter_tcs(t, &rep));
	EXPECT(rep.how == ENCL_ENTER_FAULT, "EENTER on a regular page: how %u, expected a fault",
	       rep.how);

	EXPECT_OK(encl_host_modify_types(t, PAGE, SGX_PT_TCS));
	EXPECT_OK(encl_eaccept(t, SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED));
	EXPECT_OK(expect_no_fault("creating the TCS"));

	r = encl_host_enter_tcs(t, &rep);
	EXPECT(r == 0, "ENTER_TCS = %d", r);
	EXPECT(rep.how == ENCL_ENTER_EEXIT,
	       "EENTER on the new TCS: how %u (vector %u, address %#lx), expected EEXIT",
	       rep.how, rep.vector, (unsigned long)rep.addr);
	EXPECT(rep.rdi == ENCL_EXIT_FATAL && rep.rdx == ENCL_FATAL_TCS,
	       "the runtime left the new TCS with reason %lu code %lu, expected %d/%d (refused)",
	       (unsigned long)rep.rdi, (unsigned long)rep.rdx, ENCL_EXIT_FATAL, ENCL_FATAL_TCS);

	/* The thread making the request is not the host's to enter. */
	r = encl_host_enter_tcs(main_tcs(), &rep);
	EXPECT(r == -EBUSY, "ENTER_TCS of the calling thread's TCS = %d, expected -EBUSY", r);

	/* Phase 2: trim the TCS with its pages, then a regular page in its place. */
	if (trim(t, R_FSGS - R_TCS + 1))
		return -1;
	hook_reset(FIX_NONE, t);
	EXPECT_OK(encl_eaccept(t, REG_RW_PENDING));
	if (write_read(t, MAGIC, "a regular page where the TCS was"))
		return -1;
	return trim(t, 1);
}

/*
 * epcm_permissions: RESTRICT to R, EACCEPT(REG|R|PR); a write faults with
 * the SGX bit; EMODPE(RW) in the handler; the write resumes.
 */
static int epcm_permissions(void)
{
	uint64_t p = added_page(A_EPCM_PERMISSIONS), got = 0;

	if (write_read(p, MAGIC, "before the restriction"))
		return -1;
	EXPECT_OK(encl_host_restrict(p, PAGE, SGX_SECINFO_R));
	EXPECT_OK(encl_eaccept(p, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_PR));
	hook_reset(FIX_EMODPE_RW, p);
	EXPECT(encl_probe_write((volatile uint64_t *)(uintptr_t)p, MAGIC2) == 0,
	       "the write was not resumed after EMODPE (%d faults, error code %#x)", hk.count,
	       hk.first.error_code);
	if (expect_one_pf(p, PF_SGX_WRITE, "write to a read-only page"))
		return -1;
	EXPECT(hk.count == 1, "%d faults, expected 1", hk.count);
	hook_reset(FIX_NONE, p);
	EXPECT(encl_probe_read((volatile uint64_t *)(uintptr_t)p, &got) == 0 && got == MAGIC2,
	       "read back %#lx", (unsigned long)got);
	return 0;
}

/* pte_permissions: the host's PTE read-only, EPCM RW: a plain #PF (no SGX bit). */
static int pte_permissions(void)
{
	uint64_t p = added_page(A_PTE_PERMISSIONS);

	if (write_read(p, MAGIC, "before mprotect"))
		return -1;
	EXPECT_OK(encl_host_protect(p, PAGE, PROT_READ));
	hook_reset(FIX_NONE, p);
	EXPECT(encl_probe_write((volatile uint64_t *)(uintptr_t)p, MAGIC2) == -1,
	       "a write through a read-only PTE did not fault");
	/*
	 * The selftest's mprotect keeps the PTE present (0x7); the driver
	 * backend's PROTECT maps the range anew, so on hardware the PTE may
	 * not be populated yet (0x6). Either way: no SGX bit, a user write.
	 */
	if (hk.first.error_code == (X86_PF_USER | X86_PF_WRITE))
		hk.first.error_code = PF_PTE_WRITE;
	if (expect_one_pf(p, PF_PTE_WRITE, "write through a read-only PTE"))
		return -1;
	EXPECT_OK(encl_host_protect(p, PAGE, PROT_READ | PROT_WRITE));
	return write_read(p, MAGIC2, "after the PTE is writable again");
}

/* tcs_permissions: restricting a TCS is refused with EINVAL. */
static int tcs_permissions(void)
{
	int r = encl_host_restrict(main_tcs(), PAGE, SGX_SECINFO_R);

	EXPECT(r == -EINVAL, "RESTRICT of a TCS = %d, expected -EINVAL", r);
	return 0;
}

/* remove_added_page_no_eaccept: TRIM, then REMOVE without EACCEPT: EPERM. */
static int remove_added_page_no_eaccept(void)
{
	uint64_t p = added_page(A_NO_EACCEPT);
	int r;

	if (write_read(p, MAGIC, "before the trim"))
		return -1;
	EXPECT_OK(encl_host_modify_types(p, PAGE, SGX_PT_TRIM));
	r = encl_host_remove(p, PAGE);
	EXPECT(r == -EPERM, "REMOVE without EACCEPT = %d, expected -EPERM", r);
	/* Not in the selftest: with the EACCEPT the removal goes through. */
	EXPECT_OK(encl_eaccept(p, TRIM_MODIFIED));
	EXPECT_OK(encl_host_remove(p, PAGE));
	return 0;
}

/* remove_added_page_invalid_access[_after_eaccept]: a trimmed page faults (0x8005). */
static int invalid_access(int page, int eaccept)
{
	uint64_t p = added_page(page), got;

	if (write_read(p, MAGIC, "before the trim"))
		return -1;
	EXPECT_OK(encl_host_modify_types(p, PAGE, SGX_PT_TRIM));
	if (eaccept)
		EXPECT_OK(encl_eaccept(p, TRIM_MODIFIED));
	hook_reset(FIX_NONE, p);
	EXPECT(encl_probe_read((volatile uint64_t *)(uintptr_t)p, &got) == -1,
	       "reading a trimmed page did not fault");
	if (expect_one_pf(p, PF_SGX_READ, "read of a trimmed page"))
		return -1;
	if (!eaccept)
		EXPECT_OK(encl_eaccept(p, TRIM_MODIFIED));
	EXPECT_OK(encl_host_remove(p, PAGE));
	return 0;
}

static int remove_added_page_invalid_access(void)
{
	return invalid_access(A_INVALID_ACCESS, 0);
}

static int remove_added_page_invalid_access_after_eaccept(void)
{
	return invalid_access(A_INVALID_ACCESS_AFTER_EACCEPT, 1);
}

/* remove_untouched_page: an added page nobody accessed trims and removes cleanly. */
static int remove_untouched_page(void)
{
	return trim(added_page(A_UNTOUCHED), 1);
}

/*
 * eaccept_secinfo_mismatch: EACCEPT whose SECINFO does not match the page
 * fails with SGX_PAGE_ATTRIBUTES_MISMATCH and changes nothing: a new page
 * accepted without W, then as it is, then once more when no longer PENDING.
 */
static int eaccept_secinfo_mismatch(void)
{
	uint64_t p;
	int r;

	if (need_raw())
		return -1;
	p = raw_page(R_MISMATCH);
	hook_reset(FIX_NONE, p);
	r = encl_eaccept(p, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_PENDING);
	EXPECT(r == SGX_PAGE_ATTRIBUTES_MISMATCH, "EACCEPT(REG|R|PENDING) of an RW page = %d, expected %d",
	       r, SGX_PAGE_ATTRIBUTES_MISMATCH);
	EXPECT_OK(encl_eaccept(p, REG_RW_PENDING));
	r = encl_eaccept(p, REG_RW_PENDING);
	EXPECT(r == SGX_PAGE_ATTRIBUTES_MISMATCH, "a second EACCEPT(PENDING) = %d, expected %d",
	       r, SGX_PAGE_ATTRIBUTES_MISMATCH);
	if (expect_no_fault("EACCEPT") || write_read(p, MAGIC, "the accepted page"))
		return -1;
	return trim(p, 1);
}

/*
 * mprotect_from_none: anonymous memory mapped PROT_NONE, once where mmap
 * puts it (on pages SCONE_MIN_HEAP committed at start) and once 32 MiB
 * below (pages never committed), made read-write, written and read back.
 * The memory manager's EMODPEs read the pages, so it must give the host's
 * PTEs the new protection first. Then the upper half goes back to
 * PROT_NONE: a read there faults on the PTE (not present: no SGX bit),
 * and the lower half keeps its data.
 */
static int none_to_rw(uint8_t *p, uint64_t len, const char *what)
{
	uint64_t got, i;

	EXPECT_OK(mprotect(p, len, PROT_READ | PROT_WRITE));
	for (i = 0; i < len; i += PAGE)
		if (write_read((uint64_t)(uintptr_t)(p + i), MAGIC ^ i, what))
			return -1;
	EXPECT_OK(mprotect(p + len / 2, len / 2, PROT_NONE));
	hook_reset(FIX_NONE, (uint64_t)(uintptr_t)(p + len / 2));
	EXPECT(encl_probe_read((volatile uint64_t *)(p + len / 2), &got) == -1,
	       "%s: reading the half made PROT_NONE again did not fault", what);
	if (expect_one_pf((uint64_t)(uintptr_t)(p + len / 2), X86_PF_USER, what))
		return -1;
	for (i = 0; i < len / 2; i += PAGE)
		EXPECT(*(volatile uint64_t *)(p + i) == (MAGIC ^ i), "%s: page %lu lost its data",
		       what, (unsigned long)(i / PAGE));
	EXPECT_OK(munmap(p, len));
	return 0;
}

static int mprotect_from_none(void)
{
	const uint64_t len = 8UL << 20;
	uint8_t *first, *second;

	first = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(first != MAP_FAILED, "mmap(PROT_NONE) failed");
	second = mmap(first - (32UL << 20), len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	EXPECT(second != MAP_FAILED, "mmap(PROT_NONE) 32 MiB below the first failed");
	if (none_to_rw(first, len, "committed pages") ||
	    none_to_rw(second, len, "pages never committed"))
		return -1;
	return 0;
}

static const struct {
	const char *name;
	int (*run)(void);
} scenarios[] = {
	{ "augment",					augment },
	{ "augment_via_eaccept",			augment_via_eaccept },
	{ "tcs_create",					tcs_create },
	{ "epcm_permissions",				epcm_permissions },
	{ "pte_permissions",				pte_permissions },
	{ "tcs_permissions",				tcs_permissions },
	{ "remove_added_page_no_eaccept",		remove_added_page_no_eaccept },
	{ "remove_added_page_invalid_access",		remove_added_page_invalid_access },
	{ "remove_added_page_invalid_access_after_eaccept",
							remove_added_page_invalid_access_after_eaccept },
	{ "remove_untouched_page",			remove_untouched_page },
	{ "eaccept_secinfo_mismatch",			eaccept_secinfo_mismatch },
	{ "mprotect_from_none",				mprotect_from_none },
};
#define NSCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (size_t i = 0; i < NSCENARIOS; i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: %s NAME... | --list\n", argv[0]);
		return 2;
	}
	encl_set_fault_hook(hook);
	for (int a = 1; a < argc; a++) {
		size_t i;

		for (i = 0; i < NSCENARIOS && strcmp(scenarios[i].name, argv[a]); i++)
			;
		if (i == NSCENARIOS) {
			fprintf(stderr, "%s: no scenario %s (--list)\n", argv[0], argv[a]);
			return 2;
		}
		current = scenarios[i].name;
		failed = 0;
		if (scenarios[i].run() == 0 && !failed)
			printf("PASS: epcm:%s\n", current);
		else
			fail("(no reason given)");
		bad |= failed;
		fflush(stdout);
	}
	encl_set_fault_hook(NULL);
	return bad ? 1 : 0;
}
