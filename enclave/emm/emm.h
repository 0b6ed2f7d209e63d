/* SPDX-License-Identifier: MIT */
/*
 * The enclave memory manager (EMM): the heap behind mmap, munmap, mprotect,
 * madvise(MADV_DONTNEED) and brk inside the enclave, for both layouts of
 * abi/params.h:
 *
 *  - EDMM (SGX2): the heap is reserved up to the end of ELRANGE and nothing
 *    is added. Pages are committed with EACCEPT on demand (EACCEPT-first:
 *    the EACCEPT of a page the kernel has not added faults, the kernel EAUGs
 *    it, the EACCEPT is retried and succeeds), in batches; permissions change
 *    with EMODPE or the restrict ioctl plus EACCEPT(PR); freed memory above a
 *    threshold is given back with the trim ioctl, EACCEPT(TRIM|MODIFIED) and
 *    the remove ioctl.
 *  - SGX1: the heap was EADDed (not EEXTENDed) at start-up. Nothing can be
 *    committed or trimmed; pages are zeroed when handed out, because the
 *    host chose their initial contents and a freed page still holds data.
 *
 * The data structure (sgx-emm's): a list of regions sorted by address, each a
 * page-aligned range with its protection, its kind and a bitmap of committed
 * pages with one bit per page of that region. Regions exist only where the
 * program has mappings (EMM_REGION_USED) or where freed pages are still
 * committed and wait to be reused or trimmed (EMM_REGION_FREE). The rest of
 * the reservation costs nothing. The metadata itself (region nodes,
 * bitmaps) lives in a small area at the top of the heap range, committed as
 * it is used; docs/emm.md has the numbers and the wiring.
 *
 * Everything that needs the CPU or the host goes through struct emm_ops, so
 * this code runs unchanged in the enclave (enclave/emm/emm_sgx.c supplies the
 * ENCLU leaves) and in host unit tests (a fake EPC).
 *
 * All addresses are linear addresses; the host ocalls take offsets from the
 * enclave base, which the EMM computes.
 */
#ifndef ENCL_ENCLAVE_EMM_EMM_H
#define ENCL_ENCLAVE_EMM_EMM_H

#include <stddef.h>
#include <stdint.h>

#include "abi/heap.h"

/*
 * The exception handler's hook. A #PF at linear address @addr with error
 * code @errcd (EXINFO.MADDR and EXINFO.ERRCD) interrupted the program. Runs
 * in the exception handler (CSSA = 1, on the handler's stack, no ocalls).
 * Returns nonzero when the fault is resolved (the page was committed with
 * EACCEPT) and the faulting instruction can be retried; 0 makes it a crash.
 * A fault inside the EMM itself ends the enclave with a message here.
 * enclave/emm/emm_fault_default.c has a weak default (0); enclave/emm/emm_sgx.c
 * the EMM's.
 */
int emm_handle_fault(uint64_t addr, uint32_t errcd);

#define EMM_PAGE_SIZE		ENCL_PAGE_SIZE
#define EMM_PAGE_SHIFT		ENCL_PAGE_SHIFT

/* Protections: the Linux PROT_* values, equal to SECINFO R/W/X. */
#define EMM_PROT_NONE		0x0
#define EMM_PROT_READ		0x1
#define EMM_PROT_WRITE		0x2
#define EMM_PROT_EXEC		0x4

/* The Linux x86-64 MAP_* values the EMM looks at; others are ignored. */
#define EMM_MAP_FIXED		0x10
#define EMM_MAP_FIXED_NOREPLACE	0x100000

/*
 * Policy defaults (docs/emm.md explains them). A fault commits an aligned
 * window of EMM_BATCH_PAGES around the faulting page; each fault that
 * continues a sequential run in the same region doubles the window, up to
 * EMM_BATCH_MAX_PAGES. Freed, still-committed pages are trimmed by the
 * trim policy below, never below the committed floor of SCONE_MIN_HEAP.
 */
#define EMM_BATCH_PAGES		16		/* 64 KiB */
#define EMM_BATCH_MAX_PAGES	256		/* 1 MiB */
#define EMM_TRIM_THRESHOLD	(4UL << 20)	/* 4 MiB */

/*
 * When freed memory that is still committed goes back to the host
 * (SCONE_EDMM_TRIM, docs/emm.md "Trim policy").
 *
 * ADAPTIVE keeps a reserve: committed memory up to the recent peak of the
 *	memory in use (committed pages of mappings) stays, and only what
 *	exceeds it by more than the trim threshold is trimmed, down to the
 *	reserve, in whole runs. The recent peak is the higher of the current
 *	and the previous window's peak; a window closes when the program has
 *	mapped EMM_TRIM_WINDOW_PEAKS times that peak (at least
 *	EMM_TRIM_WINDOW_MIN) since it opened. So memory that the program
 *	stopped needing is trimmed after it has mapped 4 to 8 times its old
 *	peak without coming back to it.
 * EAGER trims as soon as the freed memory exceeds the trim threshold, down
 *	to SCONE_MIN_HEAP: the policy of encl before the reserve, kept for
 *	programs whose peaks never come back, and to measure against.
 * OFF never trims freed memory: only MADV_DONTNEED and pages that cannot
 *	stay committed (not RW) go back.
 */
enum emm_trim_policy {
	EMM_TRIM_ADAPTIVE = 0,
	EMM_TRIM_EAGER = 1,
	EMM_TRIM_OFF = 2,
};
#define EMM_TRIM_WINDOW_PEAKS	4
#define EMM_TRIM_WINDOW_MIN	(64UL << 20)	/* 64 MiB */

/*
 * The program's start-up, for the SCONE_MIN_HEAP advice: everything before
 * main, and after it until the program first gives memory back (munmap,
 * a shrinking brk, MADV_DONTNEED) or has taken this many faults.
 */
#define EMM_STARTUP_FAULTS	64

/*
 * The metadata area at the top of the heap range: its size is the heap-fit
 * rule's (abi/heap.h), so that the host refuses at start-up a SCONE_HEAP
 * the EMM would have to cut. In EDMM it is only reserved, and committed as
 * it fills.
 */
static inline uint64_t emm_meta_size(uint64_t heap_size)
{
	return encl_heap_meta_size(heap_size);
}

enum emm_mode {
	EMM_MODE_SGX1 = 0,
	EMM_MODE_EDMM = 1,
};

/*
 * What the EMM needs from the CPU and the host.
 *
 * eaccept: ENCLU[EACCEPT] of the page at @addr with SECINFO.FLAGS
 *	@secinfo_flags. Returns 0 or the SGX error code (EAX).
 * emodpe: ENCLU[EMODPE] of the page at @addr with SECINFO permissions
 *	@perms. Returns 0 (the leaf only faults; it has no error code).
 * ocall: one host operation, ENCL_OCALL_MODIFY_TYPES, _RESTRICT, _REMOVE or
 *	_PROTECT of abi/boundary.h with (offset, length, arg). Returns 0 or
 *	-errno. Never trusted: every effect is checked with EACCEPT.
 * zero: clear @n bytes at @p (writable; heap pages and the EMM's metadata).
 * warn: one line for the user (stderr on the host side).
 * self: the calling thread, as a nonzero number (NULL: one thread), so that
 *	a fault can tell its own thread's EMM call from another thread's.
 *
 * emm_fault() calls only eaccept and emodpe: the fault handler runs at
 * CSSA > 0, where the runtime cannot leave for an ocall.
 */
struct emm_ops {
	int (*eaccept)(uint64_t addr, uint64_t secinfo_flags);
	int (*emodpe)(uint64_t addr, uint64_t perms);
	long (*ocall)(long nr, uint64_t a0, uint64_t a1, uint64_t a2);
	void (*zero)(void *p, size_t n);
	void (*warn)(const char *msg);
	uint64_t (*self)(void);
};

struct emm_config {
	enum emm_mode mode;
	uint64_t base;		/* SECS.BASEADDR */
	uint64_t heap_offset;	/* encl_params.heap_offset */
	uint64_t heap_size;	/* encl_params.heap_size */
	uint64_t max_heap;	/* SCONE_HEAP, untrusted: clamped here */
	uint64_t min_heap;	/* SCONE_MIN_HEAP, untrusted: clamped here; EDMM only */
	uint32_t batch_pages;	/* 0: EMM_BATCH_PAGES */
	uint32_t batch_max_pages; /* 0: EMM_BATCH_MAX_PAGES */
	uint64_t trim_threshold; /* 0: EMM_TRIM_THRESHOLD */
	enum emm_trim_policy trim_policy;
};

/* Region kinds. */
#define EMM_REGION_USED		0x1	/* mapped by mmap or brk */
#define EMM_REGION_FREE		0x2	/* unmapped, holds committed pages (EDMM) */
#define EMM_REGION_LOST		0x4	/* unmapped, pages the host would not trim:
					 * they keep old data, so never handed out */

struct emm_region {
	struct emm_region *prev, *next;	/* sorted by address, disjoint */
	uint64_t start, end;		/* page aligned: [start, end) */
	uint64_t *bits;			/* commit bitmap, bit i = page start + i*4K;
					 * NULL in SGX1 (everything is committed) */
	uint64_t ncommitted;		/* bits set */
	uint64_t next_fault;		/* page index a sequential fault would hit */
	uint8_t prot;			/* EMM_PROT_*; FREE regions are RW */
	uint8_t kind;			/* EMM_REGION_* */
	uint8_t bits_class;		/* metadata size class of bits */
	uint8_t reserved;
	uint32_t batch;			/* current fault window, pages */
};

struct emm_stats {
	uint64_t committed;	/* bytes of heap committed (EDMM) or added (SGX1) */
	uint64_t peak;		/* highest committed */
	uint64_t mapped;	/* bytes in USED regions: this is what SCONE_HEAP caps */
	uint64_t pool;		/* committed bytes in FREE regions */
	uint64_t meta;		/* metadata bytes allocated */
	uint64_t meta_committed; /* metadata area bytes committed */
	uint64_t regions;	/* nodes in the region list */
	uint64_t commits;	/* commit operations (a fault's batch is one) */
	uint64_t faults;	/* faults handled */
	uint64_t eaccepts;	/* EACCEPTs issued, any kind */
	uint64_t trims;		/* trim round trips (MODIFY_TYPES ... REMOVE) */
	uint64_t trimmed;	/* bytes trimmed */
	uint64_t zeroed;	/* heap bytes zeroed for reuse or first use */
	uint64_t enomem;	/* requests refused for lack of heap */
	uint64_t added;		/* pages committed by EACCEPT of a PENDING page (EAUG) */
	uint64_t ocalls;	/* host operations the EMM asked for */
	uint64_t mapped_peak;	/* highest mapped */
	uint64_t startup;	/* highest memory in use (committed, mapped) during start-up */
	uint64_t main_committed; /* committed when main began; 0 before */
	uint64_t main_faults;	/* faults before main */
};

/*
 * What a hardware run would pay for @st, counted, not timed: enclave exits
 * for page faults (the kernel's EAUG behind each EACCEPT of a page it has
 * not added yet, and for each fault handled the second fault on the
 * PENDING page that enters the exception handler) and for the EMM's
 * ocalls.
 */
static inline uint64_t emm_fault_exits(const struct emm_stats *st)
{
	return st->added + st->faults;
}

/* The advice of the exit line (docs/emm.md "The heap advisor"). */
struct emm_advice {
	uint64_t min_heap;	/* SCONE_MIN_HEAP: covers start-up, 1 MiB units */
	uint64_t heap;		/* SCONE_HEAP: the mapped peak and a quarter, 1 MiB units */
};

/* The metadata allocator's size classes: 2^6 .. 2^(6 + EMM_META_CLASSES - 1). */
#define EMM_META_CLASSES	36

struct emm {
	const struct emm_ops *ops;
	enum emm_mode mode;
	uint64_t base;			/* SECS.BASEADDR */
	uint64_t lo, hi;		/* the program's part of the heap: [lo, hi) */
	uint64_t top;			/* mmap places top-down below here first */
	uint64_t max_heap;		/* clamped SCONE_HEAP: cap on stats.mapped */
	uint64_t heap_shown;		/* SCONE_HEAP as the user set it, for the warning */
	uint64_t min_heap;		/* clamped SCONE_MIN_HEAP: trim floor */
	uint64_t brk_start, brk_cur;	/* program break: [brk_start, brk_cur) */
	struct emm_region *head;	/* region list */
	struct emm_region *last;	/* region of the last lookup (cache) */
	uint64_t meta_lo, meta_hi;	/* metadata area */
	uint64_t meta_bump;		/* next fresh metadata byte */
	uint64_t meta_committed_end;	/* EDMM: committed up to here */
	void *meta_free[EMM_META_CLASSES];
	uint32_t batch_pages, batch_max;
	uint64_t trim_threshold;
	enum emm_trim_policy trim_policy;
	/* the adaptive reserve's windows: peaks of memory in use, bytes mapped */
	uint64_t win_peak, prev_peak, win_mapped;
	int phase;			/* EMM_PHASE_* */
	int lock;
	uint64_t owner;			/* ops->self() of the lock's holder */
	unsigned warned;		/* bit 1 << enum emm_msg: that warning was given */
	struct emm_stats st;
};

/*
 * Set up @m over the heap of @c. EDMM: commits SCONE_MIN_HEAP (EACCEPT per
 * page). SGX1: touches nothing but the metadata it needs. 0 or -errno.
 */
int emm_init(struct emm *m, const struct emm_config *c, const struct emm_ops *ops);

/*
 * The system calls, with Linux semantics for anonymous private memory.
 * emm_mmap returns the address or -errno; the others 0 or -errno.
 * emm_brk returns the new break, or the current one when @newbrk is 0 or
 * cannot be had (Linux's brk system call).
 */
long emm_mmap(struct emm *m, uint64_t hint, uint64_t len, int prot, int flags);
int emm_munmap(struct emm *m, uint64_t addr, uint64_t len);
int emm_mprotect(struct emm *m, uint64_t addr, uint64_t len, int prot);
int emm_madvise_dontneed(struct emm *m, uint64_t addr, uint64_t len);
uint64_t emm_brk(struct emm *m, uint64_t newbrk);

/*
 * A #PF at @addr with error code @errcd on instance @m. Only EACCEPT and
 * EMODPE: safe in the exception handler. Returns
 *  EMM_FAULT_FIXED     the page was a mapped, writable, uncommitted heap
 *                      page and its batch is now committed: resume;
 *  EMM_FAULT_DECLINED  not the EMM's to fix (the program's fault);
 *  EMM_FAULT_BUSY      another thread holds the lock: resume, and the
 *                      access faults again (or succeeds) once it is done;
 *  EMM_FAULT_LOCKED    the fault interrupted the EMM itself on this
 *                      thread, which holds its lock: it can neither be
 *                      fixed nor waited out, so the caller stops the
 *                      enclave. The EMM's own accesses fault only if it
 *                      has a bug or the host changed the PTEs behind it.
 */
#define EMM_FAULT_DECLINED	0
#define EMM_FAULT_FIXED		1
#define EMM_FAULT_BUSY		2
#define EMM_FAULT_LOCKED	(-1)
int emm_fault(struct emm *m, uint64_t addr, uint32_t errcd);

/* Commit every page of [addr, addr + len) (all mapped) but PROT_NONE ones. 0 or -errno. */
int emm_commit(struct emm *m, uint64_t addr, uint64_t len);

/*
 * The lazy trimmer: trim what the trim policy says is too much freed
 * memory still committed (never below the SCONE_MIN_HEAP floor). Returns
 * the pages trimmed. munmap, MAP_FIXED and brk call it; the runtime may
 * call it too.
 */
uint64_t emm_trim_pending(struct emm *m);

void emm_get_stats(struct emm *m, struct emm_stats *st);

/* @addr is in a mapping of the program's (whatever its protection). */
int emm_is_mapped(struct emm *m, uint64_t addr);

/* The program's main begins: the start-up counters (before main) are taken. */
void emm_main_begins(struct emm *m);

/* SCONE_EDMM_TRIM, parsed: 0, or -EINVAL for a value that is not a policy. */
int emm_trim_policy_parse(const char *s, enum emm_trim_policy *p);
const char *emm_trim_policy_name(enum emm_trim_policy p);
void emm_set_trim_policy(struct emm *m, enum emm_trim_policy p);

/* The SCONE_MIN_HEAP and SCONE_HEAP that @st of instance @m call for. */
void emm_advise(const struct emm *m, const struct emm_stats *st, struct emm_advice *a);

/* Is [addr, addr + len) inside the program's part of the heap? */
static inline int emm_owns(const struct emm *m, uint64_t addr, uint64_t len)
{
	return addr >= m->lo && addr <= m->hi && len <= m->hi - addr;
}

#endif
