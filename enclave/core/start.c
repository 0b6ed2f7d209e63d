// SPDX-License-Identifier: MIT
/*
 * START: the first entry of the first thread (entry.S has zeroed its stack
 * and runs this on it). Finds the measured parameters, takes the host's
 * struct encl_start apart value by value, relocates the image, sets up the
 * heap, copies argv and envp in, builds the auxiliary vector musl expects
 * after them, and hands over to musl's __libc_start_main, which runs the
 * program and ends in exit_group.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "enclave/emm/heap.h"
#include "enclave/shield/exitless.h"
#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/reloc.h"
#include "enclave/core/runtime.h"
#include "enclave/core/threads.h"
#include "sgx/arch.h"
#include "sgx/xsave.h"

#define AUXV_PAIRS	16

struct encl_runtime encl_rt;

extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern const char _end[] __attribute__((visibility("hidden")));

int main(int argc, char **argv, char **envp);
int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv,
		      void (*init)(void), void (*fini)(void), void (*ldso_fini)(void));

void encl_start_main(struct encl_thread *td, uint64_t start);

static int started;

/*
 * The parameter page follows the ELF image after one guard page
 * (docs/execution.md): image_size is the end of the image, which is where
 * the linker put _end, rounded up to a page. The page must then say the
 * same about itself.
 */
static const struct encl_params *find_params(struct encl_thread *td)
{
	uint64_t image_size = ENCL_PAGE_UP((uint64_t)(uintptr_t)_end - td->base);
	const struct encl_params *p =
		(const struct encl_params *)(td->base + image_size + ENCL_PAGE_SIZE);

	if (p->magic != ENCL_PARAMS_MAGIC || p->version != ENCL_PARAMS_VERSION ||
	    p->params_offset != image_size + ENCL_PAGE_SIZE || p->image_size != image_size)
		return 0;
	return p;
}

/* The measured thread head agrees with the measured layout. */
static int thread_ok(const struct encl_params *p, const struct encl_thread *td)
{
	uint64_t block = p->thread_offset + td->init.index * p->thread_stride;

	return td->init.index < p->tcs_count &&
	       td->init.self_offset == block + p->td_in_block &&
	       td->init.ssa_offset == block + p->ssa_in_block &&
	       td->init.tcs_offset == block + p->tcs_in_block &&
	       td->init.stack_low == block + p->stack_in_block &&
	       td->init.stack_high == td->init.stack_low + p->stack_size &&
	       p->nssa >= 2 && p->ssaframesize >= 1;
}

static void setup_heap(const struct encl_params *p, const struct encl_start *st)
{
	uint64_t size = p->heap_size;
	int err;

	/* The hints are the host's: they may only shrink what was measured (the EMM clamps). */
	if (st->heap_hint && st->heap_hint < size)
		size = st->heap_hint & ~(ENCL_PAGE_SIZE - 1);
	encl_rt.heap_hint = st->heap_hint ? st->heap_hint : p->heap_size;
	encl_rt.heap_size = size;
	encl_rt.min_heap = st->min_heap_hint < size ? st->min_heap_hint & ~(ENCL_PAGE_SIZE - 1) : size;
	err = heap_init(p, encl_rt.base, st->heap_hint, st->min_heap_hint);
	if (err)
		encl_fatal("the heap cannot be set up (error %d): SCONE_HEAP=%lu, SCONE_MIN_HEAP=%lu",
			   -err, (unsigned long)st->heap_hint, (unsigned long)st->min_heap_hint);
}

void *encl_early_alloc(uint64_t len)
{
	int64_t r = heap_mmap(0, len, 0x3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */);

	if (r < 0)
		encl_fatal("no heap for %lu bytes of arguments, environment or configuration "
			   "(SCONE_HEAP=%lu)", (unsigned long)len, (unsigned long)encl_rt.heap_hint);
	return (void *)(uintptr_t)r;
}

/*
 * Read a host array of string pointers one element at a time (each read
 * once, its address checked first): @n elements, or up to a NULL when
 * @n is 0. Returns the count.
 */
static uint64_t read_vector(uint64_t addr, uint64_t n, uint64_t *out, const char *what)
{
	const struct encl_params *p = encl_rt.params;
	uint64_t i;

	for (i = 0;; i++) {
		uint64_t at = addr + i * sizeof(uint64_t);
		uint64_t v;

		if (n && i == n)
			break;
		if (i >= IAGO_MAX_ARGS)
			encl_fatal("start-up: more than %d %s strings", IAGO_MAX_ARGS, what);
		if (at < addr || !iago_outside(at, sizeof(uint64_t), encl_rt.base, p->enclave_size))
			encl_fatal("start-up: the %s array lies inside the enclave", what);
		v = *(volatile const uint64_t *)(uintptr_t)at;
		if (!n && !v)
			break;
		out[i] = v;
	}
	return i;
}

static uint64_t copy_strings(char **vec, const uint64_t *ptrs, const uint64_t *lens, uint64_t n,
			     char *dst)
{
	uint64_t used = 0;

	for (uint64_t i = 0; i < n; i++) {
		/* Exactly the length checked: a host rewriting the string now gains nothing. */
		memcpy(dst + used, (const void *)(uintptr_t)ptrs[i], lens[i]);
		dst[used + lens[i]] = 0;
		vec[i] = dst + used;
		used += lens[i] + 1;
	}
	vec[n] = 0;
	return used;
}

/* argv, NULL, envp, NULL, auxv, in the layout musl's __init_libc walks. */
static char **build_vectors(const struct encl_start *st)
{
	const struct encl_params *p = encl_rt.params;
	const Elf64_Ehdr *eh = &__ehdr_start;
	uint64_t *ptrs, *lens, argc, envc, total = 0, vec_words, len;
	unsigned char *block;
	char **argv;
	uint64_t *aux;
	const char *why;

	if (st->argc == 0 || st->argc > IAGO_MAX_ARGS)
		encl_fatal("start-up: argc %lu is out of range", (unsigned long)st->argc);
	ptrs = encl_early_alloc(2 * IAGO_MAX_ARGS * 2 * sizeof(uint64_t));
	lens = ptrs + 2 * IAGO_MAX_ARGS;
	argc = read_vector(st->argv, st->argc, ptrs, "argv");
	envc = st->envp ? read_vector(st->envp, 0, ptrs + argc, "envp") : 0;
	why = iago_check_strings(ptrs, argc + envc, encl_rt.base, p->enclave_size, lens, &total);
	if (why)
		encl_fatal("start-up: argv/envp: %s", why);

	vec_words = argc + 1 + envc + 1 + 2 * AUXV_PAIRS;
	len = vec_words * sizeof(uint64_t) + total + 16;
	block = encl_early_alloc(len);
	argv = (char **)block;
	total = copy_strings(argv, ptrs, lens, argc, (char *)(block + vec_words * 8));
	copy_strings(argv + argc + 1, ptrs + argc, lens + argc, envc,
		     (char *)(block + vec_words * 8 + total));
	heap_munmap((uint64_t)(uintptr_t)ptrs, 2 * IAGO_MAX_ARGS * 2 * sizeof(uint64_t));

	aux = (uint64_t *)(argv + argc + 1 + envc + 1);
	unsigned char *random = block + len - 16;
	encl_random(random, 16);
	uint64_t pairs[][2] = {
		{ AT_PHDR,	encl_rt.base + eh->e_phoff },
		{ AT_PHENT,	eh->e_phentsize },
		{ AT_PHNUM,	eh->e_phnum },
		{ AT_PAGESZ,	ENCL_PAGE_SIZE },
		{ AT_ENTRY,	encl_rt.base + eh->e_entry },
		{ AT_RANDOM,	(uint64_t)(uintptr_t)random },
		/* CPUID is #UD inside an enclave, and musl on x86-64 reads no HWCAP bits. */
		{ AT_HWCAP,	0 },
		{ AT_CLKTCK,	100 },
		{ AT_UID,	0 },
		{ AT_EUID,	0 },
		{ AT_GID,	0 },
		{ AT_EGID,	0 },
		{ AT_SECURE,	0 },
		{ AT_NULL,	0 },
	};
	_Static_assert(sizeof(pairs) / sizeof(pairs[0]) <= AUXV_PAIRS, "auxv fits");
	for (unsigned i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		aux[2 * i] = pairs[i][0];
		aux[2 * i + 1] = pairs[i][1];
	}
	return argv;
}

/*
 * The XSAVE components entry.S saves around system calls and scrubs at
 * every entry and exit: SECS.ATTRIBUTES.XFRM, as the CPU reports it in a
 * REPORT (the host's word is not needed, and not taken). x87|SSE until then.
 */
uint64_t encl_xfrm = SGX_XFRM_LEGACY;
/* SECS.MISCSELECT from the same REPORT: whether the CPU reports #PF/#GP (EXINFO). */
uint32_t encl_miscselect;

static uint64_t own_xfrm(void)
{
	static struct sgx_targetinfo ti;	/* nobody: only the body is read */
	static struct sgx_report report;
	static uint8_t reportdata[64] __attribute__((aligned(128)));
	uint64_t rax = SGX_EREPORT;

	__asm__ volatile("enclu"
			 : "+a"(rax)
			 : "b"(&ti), "c"(reportdata), "d"(&report)
			 : "memory", "cc");
	encl_miscselect = report.body.miscselect;
	return report.body.attributes.xfrm;
}

void encl_start_main(struct encl_thread *td, uint64_t start)
{
	const struct encl_params *p = find_params(td);
	struct encl_start st;
	struct reloc_error rerr;
	char **argv;
	const char *why;

	if (!p || !thread_ok(p, td))
		encl_fatal_code(td, ENCL_FATAL_PARAMS);
	/* One program per enclave: a START on any other TCS, or a second one, is refused. */
	if (__atomic_exchange_n(&started, 1, __ATOMIC_SEQ_CST))
		encl_fatal_code(td, ENCL_FATAL_STARTED);

	if (!iago_outside(start, sizeof(st), td->base, p->enclave_size))
		encl_fatal_code(td, ENCL_FATAL_START);
	memcpy(&st, (const void *)(uintptr_t)start, sizeof(st));
	why = iago_check_area(st.ocall_area, st.ocall_area_size, td->base, p->enclave_size,
			      OCALL_AREA_MIN, OCALL_AREA_MAX);
	if (why)
		encl_fatal_code(td, ENCL_FATAL_START);

	encl_rt.base = td->base;
	encl_rt.params = p;
	td->ocall_area = st.ocall_area;
	td->ocall_size = st.ocall_area_size;
	encl_rt.log_level = st.log_level > ENCL_LOG_DEBUG ? ENCL_LOG_DEBUG : st.log_level;
	encl_fs_volatile = !!(st.flags & ENCL_START_FS_VOLATILE);
	encl_syscall_trap = !!(st.flags & ENCL_START_SYSCALL_TRAP);
	encl_exitless_init(td, st.xq, st.espins);

	encl_xfrm = own_xfrm();
	if (encl_xfrm & ~(SGX_XFRM_LEGACY | SGX_XFRM_AVX | SGX_XFRM_AVX512))
		encl_fatal("XFRM %#lx: the runtime saves x87, SSE, AVX and AVX-512 state only; "
			   "sign with --xfrm legacy, avx or avx512", (unsigned long)encl_xfrm);
	if (encl_relocate(encl_rt.base, p->image_size, &rerr))
		encl_fatal("relocation: %s (offset %#lx, value %lu)", rerr.why,
			   (unsigned long)rerr.offset, (unsigned long)rerr.value);

	setup_heap(p, &st);
	encl_threads_init(st.tcs_max);
	encl_signals_init(st.sig_ignored);
	encl_fd_table_init();
	/* The attestation service's argv and environment replace the host's (docs/attestation.md). */
	argv = encl_attest(build_vectors(&st));
	__libc_start_main(main, (int)encl_vector_count(argv), argv, 0, 0, 0);
	encl_fatal("__libc_start_main returned");
}
