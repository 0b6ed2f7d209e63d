// SPDX-License-Identifier: MIT
/*
 * The heap interface (heap.h) on top of the enclave memory manager
 * (emm.h, docs/emm.md): one EMM instance, encl_emm, set up from the
 * measured parameters at START. The EMM commits pages with EACCEPT under
 * EDMM, zeroes SGX1 pages before they are handed out, and warns once when
 * SCONE_HEAP is reached; this file adapts its calls to the Linux system
 * calls the dispatcher serves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "enclave/emm/emm_msg.h"
#include "enclave/emm/emm_sgx.h"
#include "enclave/emm/heap.h"
#include "enclave/core/threads.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE	1
#endif

/* The EMM's host operations: offsets and lengths only, no buffers in the area. */
static long emm_host(long nr, uint64_t off, uint64_t len, uint64_t arg)
{
	return ocall3(nr, off, len, arg);
}

/* Called from mmap/brk, i.e. system-call context, where ocalls are allowed. */
static void emm_warn(const char *msg)
{
	encl_log(ENCL_LOG_WARNING, "%s", msg);
}

/* Committed right after start-up: SCONE_MIN_HEAP (EDMM) or the whole heap (SGX1). */
static uint64_t committed_at_start;

int heap_init(const struct encl_params *p, uint64_t base, uint64_t heap_hint,
	      uint64_t min_heap_hint)
{
	struct emm_stats st;
	int err = emm_sgx_init(p, base, heap_hint, min_heap_hint, emm_host, emm_warn);

	if (!err) {
		emm_get_stats(&encl_emm, &st);
		committed_at_start = st.committed;
	}
	return err;
}

/*
 * Runs as musl starts the program, after libc is set up and right before
 * main (a constructor of the runtime; the program's own constructors may
 * come before or after it): the start-up counters are taken, and the trim
 * policy is read from the program's environment. SCONE_EDMM_TRIM is only
 * a hint about performance: any value the host gives is safe, and one that
 * is not a policy is named in a warning.
 */
static void __attribute__((constructor)) heap_main_begins(void)
{
	const char *v = getenv("SCONE_EDMM_TRIM");
	enum emm_trim_policy p = EMM_TRIM_ADAPTIVE;

	emm_main_begins(&encl_emm);
	if (!v || !*v)
		return;
	if (emm_trim_policy_parse(v, &p)) {
		char shown[33];

		/* the formatter has no precision: cut the host's string here */
		size_t n = strnlen(v, sizeof(shown) - 1);

		memcpy(shown, v, n);
		shown[n] = 0;
		encl_log(ENCL_LOG_WARNING, "SCONE_EDMM_TRIM=%s is not a trim policy: trimming stays "
			 "adaptive; use SCONE_EDMM_TRIM=adaptive, eager or off", shown);
	}
	else
		emm_set_trim_policy(&encl_emm, p);
}

/*
 * v / per with two decimals, as the whole part and the two digits (the
 * runtime's formatter has no field widths).
 */
struct ratio {
	unsigned long whole, tenths, hundredths;
};

static struct ratio ratio(uint64_t v, uint64_t per)
{
	uint64_t c = per ? (v * 100 + per / 2) / per : 0;

	return (struct ratio){ (unsigned long)(c / 100), (unsigned long)(c / 10 % 10),
			       (unsigned long)(c % 10) };
}

/*
 * The exit lines, at SCONE_LOG=info: the statistics, what they cost in
 * enclave transitions, and the advice. Every number is counted, none
 * timed, and within a line each key is followed by its number once:
 * tests and `encl advise` read them with "[ ,]KEY ([0-9]+)". The advice
 * ends with the `encl sign` command, which the host completes with the
 * executable's path (ENCL_LOG_SIGN_HINT). Three lines, because one
 * message of the log is at most 256 bytes.
 */
void heap_report(void)
{
	struct emm_stats st;
	struct emm_advice a;
	char advice[EMM_MSG_MAX];
	uint32_t peak, added;
	struct ratio x, o, e;
	uint64_t peak_mib, edmm = encl_emm.mode == EMM_MODE_EDMM;

	emm_get_stats(&encl_emm, &st);
	encl_threads_stats(&peak, &added);
	encl_log(ENCL_LOG_INFO,
		 "heap: %s, committed %lu KiB at start, peak %lu KiB, at exit %lu KiB, "
		 "faults %lu, commits %lu, EACCEPTs %lu, trims %lu, trimmed %lu KiB, ENOMEM %lu; "
		 "peak threads %u, TCSs added %u",
		 edmm ? "EDMM" : "SGX1",
		 (unsigned long)(committed_at_start >> 10), (unsigned long)(st.peak >> 10),
		 (unsigned long)(st.committed >> 10), (unsigned long)st.faults,
		 (unsigned long)st.commits, (unsigned long)st.eaccepts, (unsigned long)st.trims,
		 (unsigned long)(st.trimmed >> 10), (unsigned long)st.enomem, peak, added);

	peak_mib = (st.peak + (1 << 20) - 1) >> 20;
	x = ratio(emm_fault_exits(&st), peak_mib);
	o = ratio(st.ocalls, peak_mib);
	e = ratio(st.eaccepts, st.peak >> ENCL_PAGE_SHIFT);
	encl_log(ENCL_LOG_INFO,
		 "heap costs: trim %s, mapped %lu KiB, at main %lu KiB, faults before main %lu, "
		 "start-up %lu KiB, page-fault exits %lu, ocalls %lu; per MiB of peak: %lu.%lu%lu "
		 "exits, %lu.%lu%lu ocalls; per page of peak: %lu.%lu%lu EACCEPTs",
		 edmm ? emm_trim_policy_name(encl_emm.trim_policy) : "none (SGX1)",
		 (unsigned long)(st.mapped_peak >> 10),
		 (unsigned long)(st.main_committed >> 10), (unsigned long)st.main_faults,
		 (unsigned long)(st.startup >> 10), (unsigned long)emm_fault_exits(&st),
		 (unsigned long)st.ocalls, x.whole, x.tenths, x.hundredths, o.whole, o.tenths,
		 o.hundredths, e.whole, e.tenths, e.hundredths);

	emm_advise(&encl_emm, &st, &a);
	emm_msg_format(advice, sizeof(advice), edmm ? EMM_MSG_ADVICE : EMM_MSG_ADVICE_SGX1,
		       (const uint64_t[EMM_MSG_ARGS]){ a.min_heap, a.heap });
	encl_log(ENCL_LOG_INFO, "heap %s", advice);
}

int64_t heap_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
	return emm_mmap(&encl_emm, addr, len, prot, flags);
}

int64_t heap_munmap(uint64_t addr, uint64_t len)
{
	return emm_munmap(&encl_emm, addr, len);
}

int64_t heap_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return emm_mprotect(&encl_emm, addr, len, prot);
}

int64_t heap_madvise(uint64_t addr, uint64_t len, int advice)
{
	if (advice == MADV_DONTNEED)
		return emm_madvise_dontneed(&encl_emm, addr, len);
	/* Everything else is advice: following none of it is allowed. */
	return 0;
}

/*
 * Shrinking gives back the tail; growing tries in place first (the pages
 * after the mapping must be free), then, with MREMAP_MAYMOVE, maps anew,
 * copies and unmaps. musl's realloc falls back on its own when this fails.
 */
int64_t heap_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
	uint64_t olen = ENCL_PAGE_UP(old_len), nlen = ENCL_PAGE_UP(new_len);
	int64_t r;

	(void)new_addr;
	if (flags & ~MREMAP_MAYMOVE)
		return -EINVAL;		/* MREMAP_FIXED, MREMAP_DONTUNMAP: not supported */
	if ((old & (ENCL_PAGE_SIZE - 1)) || !new_len || nlen < new_len || olen < old_len)
		return -EINVAL;
	if (!emm_owns(&encl_emm, old, olen))
		return -EFAULT;
	if (nlen <= olen) {
		if (nlen < olen)
			emm_munmap(&encl_emm, old + nlen, olen - nlen);
		return (int64_t)old;
	}
	r = emm_mmap(&encl_emm, old + olen, nlen - olen, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
	if (r == (int64_t)(old + olen))
		return (int64_t)old;
	if (r >= 0)
		emm_munmap(&encl_emm, (uint64_t)r, nlen - olen);
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	r = emm_mmap(&encl_emm, 0, nlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (r < 0)
		return r;
	memcpy((void *)(uintptr_t)r, (const void *)(uintptr_t)old, olen);
	emm_munmap(&encl_emm, old, olen);
	return r;
}

uint64_t heap_brk(uint64_t brk)
{
	return emm_brk(&encl_emm, brk);
}

int heap_mapped(uint64_t addr)
{
	return emm_owns(&encl_emm, addr, 1) && emm_is_mapped(&encl_emm, addr);
}

int heap_contains(uint64_t addr, uint64_t len)
{
	return emm_owns(&encl_emm, addr, len);
}
