/* SPDX-License-Identifier: MIT */
/*
 * The simulated CPU's per-thread state while it runs enclave code: what a
 * logical processor holds in its internal registers between EENTER and
 * EEXIT/AEX (the host's RSP/RBP and FS/GS bases, the current TCS), plus the
 * Syscall User Dispatch selector that makes `syscall` in enclave code trap.
 *
 * One struct sim_cpu sits at the base of each thread's signal stack, which
 * is aligned to its own size. The trap entry (gate.S) finds it by masking
 * RSP, because when a signal arrives in enclave code FS holds the enclave's
 * base and nothing that reads TLS (glibc, ASan) may run yet.
 *
 * The offsets are shared with gate.S; the _Static_asserts in cpu.c keep
 * the two in step.
 */
#ifndef ENCL_HOST_SIM_CPU_H
#define ENCL_HOST_SIM_CPU_H

#define SIM_ALTSTACK_SIZE	0x40000		/* 256 KiB, a power of two */
#define SIM_CPU_AREA		0x5000		/* at its base: struct sim_cpu, then */
#define SIM_FRAME_OFFSET	0x1000		/* the frame ERESUME loads */
#define SIM_FRAME_SIZE		0x4000		/* a ucontext and SIM_XSTATE_MAX */

/* ucontext_t.uc_mcontext.gregs[REG_RIP], read by gate.S (checked in cpu.c) */
#define SIM_UC_RIP		168

/* Syscall User Dispatch selector values (linux/prctl.h) */
#define SIM_SUD_ALLOW		0
#define SIM_SUD_BLOCK		1

/* What brought sim_cpu_go() back to the host. */
#define SIM_OUT_EEXIT		0
#define SIM_OUT_AEX		1

/* What the C part of the trap handler asks the entry stub to do. */
#define SIM_TRAP_TO_HOST	0	/* EEXIT or AEX: the ucontext now points at the host */
#define SIM_TRAP_TO_ENCLAVE	1	/* leaf emulated or page added: back into the enclave */

#define CPU_SELECTOR	0
#define CPU_IN_ENCLAVE	1
#define CPU_HOST_FS	8
#define CPU_HOST_GS	16
#define CPU_ENCL_FS	24
#define CPU_ENCL_GS	32
#define CPU_HOST_RSP	40
#define CPU_HOST_RBP	48
#define CPU_TARGET	56
#define CPU_RAX		64
#define CPU_RBX		72
#define CPU_RCX		80
#define CPU_RDX		88
#define CPU_RSI		96
#define CPU_RDI		104
#define CPU_FRAME	112
#define CPU_EXIT_RSP	120
#define CPU_EXIT_RBP	128
#define CPU_URSP_SLOT	136
#define CPU_CUR_GS	144
#define CPU_KERNEL_FSGS	152
#define CPU_INSN_FSGS	160
#define CPU_LAST_FS	168

#ifndef __ASSEMBLER__

#include <stdint.h>

struct sim_enclave;

struct sim_cpu {
	volatile uint8_t selector;	/* SIM_SUD_*: BLOCK exactly while enclave code runs */
	volatile uint8_t in_enclave;	/* "enclave mode": a trap now is an AEX */
	uint8_t pad0[6];
	uint64_t host_fs, host_gs;	/* restored at EEXIT and AEX */
	uint64_t encl_fs, encl_gs;	/* the enclave's, loaded at EENTER/ERESUME */
	uint64_t host_rsp, host_rbp;	/* URSP/URBP: where AEX returns to */
	uint64_t target;		/* EENTER: OENTRY's linear address */
	uint64_t rax, rbx, rcx, rdx;	/* EENTER: in; EEXIT: RDX out */
	uint64_t rsi, rdi;		/* EENTER: in; EEXIT: out */
	uint64_t frame;			/* ERESUME: rt_sigreturn frame to load */
	uint64_t exit_rsp, exit_rbp;	/* EEXIT: RSP/RBP as the enclave left them */
	uint64_t *ursp_slot;		/* &GPRSGX.URSP of the frame entered (URBP follows) */
	uint64_t cur_gs;		/* the GS base the thread has now */
	uint64_t kernel_fsgs;		/* the kernel manages FSGSBASE (AT_HWCAP2) */
	uint64_t insn_fsgs;		/* RD/WR{FS,GS}BASE execute without #UD */
	uint64_t last_fs;		/* the enclave's FS base at its last trap */

	/* Not used by gate.S. */
	unsigned quirks;		/* SIM_QUIRK_*, quirks.h */
	struct sim_enclave *enclave;	/* while entered: the enclave and its TCS */
	uint64_t tcs;
	uint16_t exc_vector, exc_error_code;
	uint64_t exc_addr;
	uint64_t sigmask;		/* the thread's mask, for constructed frames */
	uint64_t ok_fault_rip, ok_fault_addr;	/* a #PF the model found allowed */
	void *altstack_sp;		/* ss_sp/ss_size of the signal stack */
	uint64_t altstack_size;
};

/*
 * Can enclave system calls be trapped here? Syscall User Dispatch (Linux
 * 5.11+, CONFIG_GENERIC_ENTRY), asked the harmless way: switching it off.
 * 0, or -1 with the reason in @why.
 */
int sim_cpu_dispatch_check(char *why, unsigned long len);

/* The calling thread's CPU: set up on first use (signal stack, dispatch). */
struct sim_cpu *sim_cpu_get(char *err, unsigned long errlen);

/* gate.S */
int sim_cpu_go(struct sim_cpu *cpu, int resume);	/* SIM_OUT_* */
void sim_trap_entry(int sig, void *info, void *uc);
void sim_signal_entry(int sig, void *info, void *uc);
void sim_gate_restorer(void);
void sim_eexit_landing(void);
void sim_aex_landing(void);
extern const char sim_gate_start[], sim_gate_end[];
extern const char sim_gate_entry_restart[], sim_gate_entry_end[];

/*
 * The kernel's struct sigaction for rt_sigaction (glibc's would substitute
 * its own restorer): the trap and interrupt entries return through
 * sim_gate_restorer.
 */
#define SIM_SA_RESTORER		0x04000000
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

/* trap.c */
int sim_trap(struct sim_cpu *cpu, int sig, void *info, void *uc);	/* SIM_TRAP_* */
void sim_trap_host(int sig, void *info, void *uc);
int sim_trap_install(char *err, unsigned long errlen);
/* A caught signal in enclave code: the interrupt's AEX. SIM_TRAP_TO_HOST. */
int sim_interrupt(struct sim_cpu *cpu, int sig, void *info, void *uc);

/* interrupt.c: the signals caught for the host (catch_signals) */
void sim_signal_note(int sig);
void sim_signal_host(int sig, void *info, void *uc);
void sim_signal_window(struct sim_cpu *cpu, int sig, void *info, void *uc);

#endif /* __ASSEMBLER__ */
#endif
