// SPDX-License-Identifier: MIT
/*
 * Setting up the simulated CPU of a thread: a signal stack aligned to its
 * size with struct sim_cpu at its base, the host's FS/GS bases, and Syscall
 * User Dispatch with [sim_gate_start, sim_gate_end) always allowed.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "host/sim/cpu.h"
#include "host/sim/quirks.h"
#include "host/sim/xstate.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE			(1 << 1)
#endif
#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH	59
#define PR_SYS_DISPATCH_OFF		0
#define PR_SYS_DISPATCH_ON		1
#endif

/* gate.S's constants are offsets into this structure. */
_Static_assert(offsetof(struct sim_cpu, selector) == CPU_SELECTOR, "CPU_SELECTOR");
_Static_assert(offsetof(struct sim_cpu, in_enclave) == CPU_IN_ENCLAVE, "CPU_IN_ENCLAVE");
_Static_assert(offsetof(struct sim_cpu, host_fs) == CPU_HOST_FS, "CPU_HOST_FS");
_Static_assert(offsetof(struct sim_cpu, host_gs) == CPU_HOST_GS, "CPU_HOST_GS");
_Static_assert(offsetof(struct sim_cpu, encl_fs) == CPU_ENCL_FS, "CPU_ENCL_FS");
_Static_assert(offsetof(struct sim_cpu, encl_gs) == CPU_ENCL_GS, "CPU_ENCL_GS");
_Static_assert(offsetof(struct sim_cpu, host_rsp) == CPU_HOST_RSP, "CPU_HOST_RSP");
_Static_assert(offsetof(struct sim_cpu, host_rbp) == CPU_HOST_RBP, "CPU_HOST_RBP");
_Static_assert(offsetof(struct sim_cpu, target) == CPU_TARGET, "CPU_TARGET");
_Static_assert(offsetof(struct sim_cpu, rax) == CPU_RAX, "CPU_RAX");
_Static_assert(offsetof(struct sim_cpu, rbx) == CPU_RBX, "CPU_RBX");
_Static_assert(offsetof(struct sim_cpu, rcx) == CPU_RCX, "CPU_RCX");
_Static_assert(offsetof(struct sim_cpu, rdx) == CPU_RDX, "CPU_RDX");
_Static_assert(offsetof(struct sim_cpu, rsi) == CPU_RSI, "CPU_RSI");
_Static_assert(offsetof(struct sim_cpu, rdi) == CPU_RDI, "CPU_RDI");
_Static_assert(offsetof(struct sim_cpu, frame) == CPU_FRAME, "CPU_FRAME");
_Static_assert(offsetof(struct sim_cpu, exit_rsp) == CPU_EXIT_RSP, "CPU_EXIT_RSP");
_Static_assert(offsetof(struct sim_cpu, exit_rbp) == CPU_EXIT_RBP, "CPU_EXIT_RBP");
_Static_assert(offsetof(struct sim_cpu, ursp_slot) == CPU_URSP_SLOT, "CPU_URSP_SLOT");
_Static_assert(offsetof(struct sim_cpu, cur_gs) == CPU_CUR_GS, "CPU_CUR_GS");
_Static_assert(offsetof(struct sim_cpu, kernel_fsgs) == CPU_KERNEL_FSGS, "CPU_KERNEL_FSGS");
_Static_assert(offsetof(struct sim_cpu, insn_fsgs) == CPU_INSN_FSGS, "CPU_INSN_FSGS");
_Static_assert(offsetof(struct sim_cpu, last_fs) == CPU_LAST_FS, "CPU_LAST_FS");
_Static_assert(offsetof(ucontext_t, uc_mcontext.gregs[REG_RIP]) == SIM_UC_RIP, "SIM_UC_RIP");
_Static_assert(sizeof(struct sim_cpu) <= SIM_FRAME_OFFSET, "SIM_FRAME_OFFSET");
_Static_assert(SIM_FRAME_OFFSET + SIM_FRAME_SIZE <= SIM_CPU_AREA, "SIM_CPU_AREA");

int sim_cpu_dispatch_check(char *why, unsigned long len)
{
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0) == 0)
		return 0;
	snprintf(why, len, "the kernel has no Syscall User Dispatch "
		 "(Linux 5.11+ with CONFIG_GENERIC_ENTRY): %s", strerror(errno));
	return -1;
}

/* Read by sim_eexit_landing through the host's FS. */
__thread struct sim_cpu *sim_cpu_self;

/* A mapping of SIM_ALTSTACK_SIZE bytes aligned to its size. */
static void *map_aligned(void)
{
	size_t len = 2 * SIM_ALTSTACK_SIZE;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + SIM_ALTSTACK_SIZE - 1) & ~(uintptr_t)(SIM_ALTSTACK_SIZE - 1);
	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	if ((uintptr_t)p + len > a + SIM_ALTSTACK_SIZE)
		munmap((void *)(a + SIM_ALTSTACK_SIZE), (uintptr_t)p + len - a - SIM_ALTSTACK_SIZE);
	return (void *)a;
}

/*
 * What this CPU and kernel do, asked once, before the trap handlers are
 * installed, with a SIGILL handler of our own:
 *
 * - whether RDFSBASE runs without #UD. Some hypervisors leave CR4.FSGSBASE
 *   set under a kernel that does not manage it (no HWCAP2_FSGSBASE): the
 *   instructions work, but a base written with them is lost at the next
 *   context switch. The enclave's WRFSBASE then never traps, so the engine
 *   must read the bases back (and cannot emulate them).
 * - the format of the kernel's signal frames (xstate.c), from a UD2.
 */
static struct {
	sigjmp_buf env;
	int fsgsbase;
	int have_fp;
	uint8_t fp_sw_bytes[SGX_XSAVE_LEGACY_SIZE - SIM_FP_SW_BYTES];
} probe;

static void probe_sigill(int sig, siginfo_t *info, void *uc)
{
	const uint8_t *fp = (const uint8_t *)((ucontext_t *)uc)->uc_mcontext.fpregs;

	(void)sig;
	(void)info;
	if (fp && !probe.have_fp) {
		memcpy(probe.fp_sw_bytes, fp + SIM_FP_SW_BYTES, sizeof(probe.fp_sw_bytes));
		probe.have_fp = 1;
	}
	siglongjmp(probe.env, 1);
}

/*
 * Once per process, before any thread runs enclave code: the probe's
 * SIGILL handler replaces the trap handler for its duration. The caller
 * holds setup_lock.
 */
static int cpu_probe(unsigned quirks, char *err, unsigned long errlen)
{
	static int done;
	struct sigaction sa = { .sa_sigaction = probe_sigill, .sa_flags = SA_SIGINFO };
	/*
	 * The kernel's own record of the handler in place (the trap handler,
	 * when catch_signals installed it first): put back through glibc's
	 * sigaction it would get glibc's restorer, whose rt_sigreturn Syscall
	 * User Dispatch blocks.
	 */
	struct { uint64_t handler, flags, restorer, mask; } old;
	uint64_t v;

	if (done)
		return 0;
	sigemptyset(&sa.sa_mask);
	if (syscall(SYS_rt_sigaction, SIGILL, NULL, &old, sizeof(old.mask)) ||
	    sigaction(SIGILL, &sa, NULL)) {
		snprintf(err, errlen, "sim: sigaction(SIGILL): %s", strerror(errno));
		return -1;
	}
	if (sigsetjmp(probe.env, 1) == 0)
		__asm__ volatile("ud2");
	if (sigsetjmp(probe.env, 1) == 0) {
		__asm__ volatile("rdfsbase %0" : "=r"(v));
		probe.fsgsbase = 1;
	}
	syscall(SYS_rt_sigaction, SIGILL, &old, NULL, sizeof(old.mask));
	if (sim_xstate_init(probe.have_fp ? probe.fp_sw_bytes : NULL, quirks, err, errlen))
		return -1;
	done = 1;
	return 0;
}

/*
 * A thread's CPU lives as long as the thread: its signal stack is given
 * back when the thread ends (threads come and go with the enclave's).
 */
static pthread_key_t cpu_key;
static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;
static int cpu_key_made;

static void cpu_release(void *p)
{
	stack_t ss = { .ss_flags = SS_DISABLE };

	sigaltstack(&ss, NULL);
	prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
	sim_cpu_self = NULL;
	munmap(p, SIM_ALTSTACK_SIZE);
}

/* What every thread shares: the probe, the trap handlers, the key. Once. */
static int process_setup(unsigned quirks, char *err, unsigned long errlen)
{
	int r = 0;

	pthread_mutex_lock(&setup_lock);
	if (cpu_probe(quirks, err, errlen) || sim_trap_install(err, errlen))
		r = -1;
	else if (!cpu_key_made) {
		if (pthread_key_create(&cpu_key, cpu_release)) {
			snprintf(err, errlen, "sim: pthread_key_create: out of keys");
			r = -1;
		} else {
			cpu_key_made = 1;
		}
	}
	pthread_mutex_unlock(&setup_lock);
	return r;
}

/*
 * Everything here is per thread: the signal stack (sigaltstack), Syscall
 * User Dispatch and the FS/GS bases are properties of the calling thread,
 * so a thread created after the enclave was loaded gets its own at its
 * first enter.
 */
struct sim_cpu *sim_cpu_get(char *err, unsigned long errlen)
{
	struct sim_cpu *cpu = sim_cpu_self;
	stack_t ss;
	sigset_t mask;
	uint8_t *area;
	unsigned quirks;

	if (cpu)
		return cpu;
	if (sim_quirks_get(&quirks, err, errlen) || process_setup(quirks, err, errlen))
		return NULL;
	area = map_aligned();
	if (!area) {
		snprintf(err, errlen, "sim: cannot map a signal stack: %s", strerror(errno));
		return NULL;
	}
	cpu = (struct sim_cpu *)area;
	cpu->selector = SIM_SUD_ALLOW;
	cpu->quirks = quirks;
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &cpu->host_fs) ||
	    syscall(SYS_arch_prctl, ARCH_GET_GS, &cpu->host_gs)) {
		snprintf(err, errlen, "sim: arch_prctl(ARCH_GET_FS): %s", strerror(errno));
		goto fail;
	}
	/*
	 * The selector is read on every system call while dispatch is on; it
	 * stays ALLOW except between the gate's switch into enclave mode and
	 * the trap entry's switch out.
	 */
	if (prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
		  (unsigned long)sim_gate_start,
		  (unsigned long)(sim_gate_end - sim_gate_start), &cpu->selector)) {
		snprintf(err, errlen,
			 "sim: Syscall User Dispatch unavailable (Linux 5.11+ needed): %s",
			 strerror(errno));
		goto fail;
	}
	cpu->cur_gs = cpu->host_gs;
	cpu->kernel_fsgs = !!(getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE);
	cpu->insn_fsgs = cpu->kernel_fsgs || probe.fsgsbase;
	if (quirks & SIM_QUIRK_FSGSBASE_UNMANAGED)
		cpu->kernel_fsgs = 0;
	ss.ss_sp = area + SIM_CPU_AREA;
	ss.ss_size = SIM_ALTSTACK_SIZE - SIM_CPU_AREA;
	ss.ss_flags = 0;
	if (sigaltstack(&ss, NULL)) {
		snprintf(err, errlen, "sim: sigaltstack: %s", strerror(errno));
		prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
		goto fail;
	}
	cpu->altstack_sp = ss.ss_sp;
	cpu->altstack_size = ss.ss_size;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	memcpy(&cpu->sigmask, &mask, sizeof(cpu->sigmask));
	sim_cpu_self = cpu;
	pthread_setspecific(cpu_key, cpu);
	return cpu;
fail:
	munmap(area, SIM_ALTSTACK_SIZE);
	return NULL;
}
