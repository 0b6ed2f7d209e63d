/* SPDX-License-Identifier: MIT */
/*
 * The trusted runtime's global state and the small helpers every part of
 * it uses. The layout comes from the measured parameter page only; the
 * host's values (struct encl_start) are copied, checked and clamped once,
 * at START.
 */
#ifndef ENCL_ENCLAVE_CORE_RUNTIME_H
#define ENCL_ENCLAVE_CORE_RUNTIME_H

#include <stdarg.h>
#include <stdint.h>

#include "abi/boundary.h"
#include "abi/page.h"
#include "abi/params.h"
#include "enclave/core/thread.h"

/*
 * ENCL_EXIT_FATAL before the ocall area is known has no reason text: RSI
 * is 0 and RDX says what went wrong.
 */
#define ENCL_FATAL_ENTRY	1	/* an EENTER that fits no state of this thread */
#define ENCL_FATAL_PARAMS	2	/* the measured parameter page is not where it must be */
#define ENCL_FATAL_START	3	/* struct encl_start or its ocall area is unusable */
#define ENCL_FATAL_STARTED	4	/* START on a second thread, or a second START */
#define ENCL_FATAL_TCS		5	/* EENTER on a TCS that is not a measured thread's */

struct encl_runtime {
	uint64_t base;				/* enclave base (linear) */
	const struct encl_params *params;	/* the measured page */
	uint32_t log_level;
	uint64_t heap_hint;			/* SCONE_HEAP as the host passed it */
	uint64_t heap_size;			/* the heap in use: min(hint, measured) */
	uint64_t min_heap;			/* SCONE_MIN_HEAP clamped to heap_size */
};

extern struct encl_runtime encl_rt;

/* entry.S */
__attribute__((noreturn))
void encl_exit(uint64_t reason, uint64_t value, uint64_t value2, struct encl_thread *td);
/* Leave for an ocall; returns when the host has EENTERed with ORET. */
void encl_ocall_switch(struct encl_thread *td, uint64_t area);
extern const char encl_syscall_trampoline[] __attribute__((visibility("hidden")));
/* #UD at these resumes at RIP + 2 with SSA.FSBASE = the recorded thread pointer. */
extern const char encl_fs_sync_insn[] __attribute__((visibility("hidden")));
extern const char encl_fs_sync_ret[] __attribute__((visibility("hidden")));
void encl_fs_sync(void) __attribute__((visibility("hidden")));
/* threads.c: a new thread's last runtime instruction (see entry.S). */
__attribute__((noreturn)) void encl_clone_jump(void) __attribute__((visibility("hidden")));
extern const char encl_clone_insn[] __attribute__((visibility("hidden")));
/* Switch to @stack and call @fn(@td); never returns (thread exit). */
__attribute__((noreturn))
void encl_switch_stack(struct encl_thread *td, uint64_t stack, void (*fn)(struct encl_thread *))
	__attribute__((visibility("hidden")));
/* ENCL_START_FS_VOLATILE was given: see abi.h. */
extern uint8_t encl_fs_volatile __attribute__((visibility("hidden")));
/* syscall_direct.S: the C library's system calls trap (ENCL_START_SYSCALL_TRAP). */
extern uint8_t encl_syscall_trap __attribute__((visibility("hidden")));

/*
 * exception.c: the test interface's slot (testing.c fills it through
 * encl_set_fault_hook; NULL otherwise). Nonzero: resume at *@resume_rip.
 */
struct encl_fault;
extern int (*encl_exception_hook)(const struct encl_fault *f, uint64_t *resume_rip)
	__attribute__((visibility("hidden")));

/* tls.c */
void encl_set_fs(struct encl_thread *td, uint64_t tp);

/* rdrand.S */
int encl_rdrand64(uint64_t *out);	/* 1 on success, 0 when the CPU has no entropy now */
extern const char encl_rdrand_insn[] __attribute__((visibility("hidden")));
void encl_random(void *buf, uint64_t len);	/* random.c: fatal when RDRAND keeps failing */

/* report.c: each ends the enclave */
__attribute__((noreturn, format(printf, 1, 2)))
void encl_fatal(const char *fmt, ...);

/*
 * Attestation before main() (enclave/attest/exchange.c): with SCONE_CONFIG_ID
 * in @argv's environment (or a measured service pin), the argv, envp and
 * auxv block, in @argv's layout, made of what the service sent; without,
 * @argv itself. Fatal on any failure.
 */
char **encl_attest(char **argv);

/* Heap memory before main() (start.c): fatal when there is none. */
void *encl_early_alloc(uint64_t len);

/* The entries of a NULL-terminated vector. */
static inline uint64_t encl_vector_count(char *const *v)
{
	uint64_t n = 0;

	while (v[n])
		n++;
	return n;
}
__attribute__((noreturn))
void encl_fatal_code(struct encl_thread *td, uint64_t code);
__attribute__((noreturn))
void encl_crash(struct encl_thread *td, uint32_t signal, uint32_t vector, uint64_t rip,
		uint64_t addr, uint32_t errcd, int addr_valid);

/* log.c */
__attribute__((format(printf, 2, 3)))
void encl_log(unsigned level, const char *fmt, ...);

/* fmt.c: snprintf for %s %c %d %i %u %x %p with l/ll/z, and %%; never fails */
int encl_vfmt(char *buf, uint64_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
int encl_fmt(char *buf, uint64_t size, const char *fmt, ...);

/*
 * The thread this code runs on. GS is TCS.OGSBASE, this thread's data page,
 * from EENTER on, and ERESUME puts back the GS that the AEX saved; the
 * program never changes GS (musl uses FS only).
 */
static inline struct encl_thread *encl_self(void)
{
	struct encl_thread *td;

	__asm__("mov %%gs:%c1, %0" : "=r"(td) : "i"(TD_SELF));
	return td;
}

/*
 * A spinlock over runtime state shared by threads. Held only for short
 * work inside the enclave (or an ocall that cannot block): a waiter spins.
 */
static inline void encl_spin_lock(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static inline void encl_spin_unlock(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* This thread's ocall area (host memory); 0 before START or CLONE checked it. */
static inline volatile struct encl_ocall *encl_ocall_area(const struct encl_thread *td)
{
	return (volatile struct encl_ocall *)(uintptr_t)td->ocall_area;
}

/*
 * shield/sys_signal.c: the host reported asynchronous signals (bit sig - 1)
 * at an ocall's return; they are delivered before the program runs again.
 */
void encl_signals_arrived(uint64_t set);
/* shield/sys_signal.c, at START: signals inherited as ignored (bit sig - 1). */
void encl_signals_init(uint64_t ignored);

static inline uint64_t encl_offset(uint64_t addr)
{
	return addr - encl_rt.base;
}

/* [addr, addr + len) lies inside ELRANGE. */
static inline int encl_inside(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	return end >= addr && addr >= encl_rt.base &&
	       end <= encl_rt.base + encl_rt.params->enclave_size;
}

#endif
