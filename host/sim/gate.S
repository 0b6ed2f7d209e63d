/* SPDX-License-Identifier: MIT */
/*
 * The simulated CPU's mode switches: entering enclave code (EENTER,
 * ERESUME), coming back (the EEXIT and AEX landings) and the first and last
 * instructions of every trap taken in enclave code.
 *
 * Enclave code runs with FS/GS holding the enclave's bases and the Syscall
 * User Dispatch selector at BLOCK, so nothing here may touch TLS or issue a
 * system call outside [sim_gate_start, sim_gate_end): the range the kernel
 * always lets through. Only arch_prctl and rt_sigreturn are needed, and both
 * live there.
 */
#include "host/sim/cpu.h"

#define SYS_rt_sigreturn	15
#define SYS_arch_prctl		158
#define ARCH_SET_GS		0x1001
#define ARCH_SET_FS		0x1002

/* struct ucontext (kernel and glibc agree on the head): uc_stack */
#define UC_SS_SP		16
#define UC_SS_FLAGS		24
#define UC_SS_SIZE		32
#define UC_RIP			SIM_UC_RIP

/*
 * Loading the enclave's FS/GS bases (\r = struct sim_cpu *, callee-saved).
 *
 * With a kernel that manages FSGSBASE the instructions do it, and the
 * kernel saves and restores whatever they wrote at every context switch.
 * Without that support a base is an arch_prctl, the value the kernel
 * restores at every context switch: a WRGSBASE would be undone by the next
 * one, even where the instruction executes, and the trusted runtime finds
 * its thread data through GS (encl_self()), so the enclave's GS must be
 * one the kernel records. arch_prctl is a privileged MSR write (about
 * 10 us under a hypervisor), so GS is written only when it differs from
 * what the thread has (CPU_CUR_GS).
 *
 * FS without kernel support is always an arch_prctl too. When the
 * instructions execute anyway, the enclave's own WRFSBASE does not trap
 * and is undone by the next context switch. For an EENTER at CSSA 0
 * (\predict = 1; enter.c zeroes CPU_LAST_FS for the exception handler's
 * entries) the kernel is told the FS base the enclave had at its last
 * trap, its thread pointer, which the entry code reloads at once, and the
 * architectural base + OFSBASE is written with WRFSBASE: a preemption can
 * then only fall in the few instructions before that reload instead of
 * anywhere in the program.
 */
/* GS base := the quadword at \slot(\r), unless the thread has it already. */
.macro load_gs r, slot
	mov	\slot(\r), %rsi
	cmp	CPU_CUR_GS(\r), %rsi
	je	1008f
	mov	%rsi, CPU_CUR_GS(\r)
	cmpq	$0, CPU_KERNEL_FSGS(\r)
	je	1009f
	wrgsbase %rsi
	jmp	1008f
1009:	mov	$ARCH_SET_GS, %edi
	call	sim_gate_arch_prctl
1008:
.endm

.macro load_enclave_bases r, predict
	cmpq	$0, CPU_KERNEL_FSGS(\r)
	je	1001f
	mov	CPU_ENCL_FS(\r), %rax
	wrfsbase %rax
	mov	CPU_ENCL_GS(\r), %rax
	wrgsbase %rax
	mov	%rax, CPU_CUR_GS(\r)
	jmp	1003f
	/* GS first: a system call after a WRFSBASE is a chance to lose it. */
1001:	load_gs \r, CPU_ENCL_GS
	mov	$ARCH_SET_FS, %edi
	mov	CPU_ENCL_FS(\r), %rsi
.if \predict
	cmpq	$0, CPU_INSN_FSGS(\r)
	je	1002f
	cmpq	$0, CPU_LAST_FS(\r)
	je	1002f
	mov	CPU_LAST_FS(\r), %rsi
1002:
.endif
	call	sim_gate_arch_prctl
.if \predict
	cmpq	$0, CPU_INSN_FSGS(\r)
	je	1006f
	mov	CPU_ENCL_FS(\r), %rax
	wrfsbase %rax
1006:
.endif
1003:
.endm

/* The host's FS and GS bases, whatever the thread has now. */
.macro load_host_bases_only r
	load_gs \r, CPU_HOST_GS
	cmpq	$0, CPU_KERNEL_FSGS(\r)
	je	1005f
	mov	CPU_HOST_FS(\r), %rax
	wrfsbase %rax
	jmp	1007f
1005:	mov	$ARCH_SET_FS, %edi
	mov	CPU_HOST_FS(\r), %rsi
	call	sim_gate_arch_prctl
1007:
.endm

/*
 * Leaving enclave mode, as EEXIT and AEX do: record the enclave's bases
 * and load the host's FS and GS. Where RD/WR*BASE trap, the enclave
 * changes its bases only through the emulation in trap.c and the recorded
 * values are already exact; where they execute, they are read back.
 */
.macro load_host_bases r
	cmpq	$0, CPU_INSN_FSGS(\r)
	je	1004f
	rdfsbase %rax
	mov	%rax, CPU_ENCL_FS(\r)
	mov	%rax, CPU_LAST_FS(\r)
	rdgsbase %rax
	mov	%rax, CPU_ENCL_GS(\r)
	mov	%rax, CPU_CUR_GS(\r)
1004:	load_host_bases_only \r
.endm

/*
 * Whether this signal's RIP (uc at \uc) lies in the entry window: enclave
 * mode is on but enclave code has not started (sim_cpu_go's way in, the
 * arch_prctl it calls, the rt_sigreturn of ERESUME). Jumps to \yes if so;
 * clobbers RCX and RDX.
 */
.macro in_entry_window uc, yes
	mov	UC_RIP(\uc), %rcx
	lea	sim_gate_start(%rip), %rdx
	cmp	%rdx, %rcx
	jb	1010f
	lea	sim_gate_end(%rip), %rdx
	cmp	%rdx, %rcx
	jb	\yes
1010:	lea	sim_gate_entry_restart(%rip), %rdx
	cmp	%rdx, %rcx
	jb	1011f
	lea	sim_gate_entry_end(%rip), %rdx
	cmp	%rdx, %rcx
	jb	\yes
1011:
.endm

/*
 * A signal handler's first check (%rdx = ucontext): is this our signal
 * stack? Leaves the struct sim_cpu in %rax, else jumps to \other.
 */
.macro on_sim_stack other
	cmpl	$0, UC_SS_FLAGS(%rdx)		/* SS_DISABLE: no signal stack */
	jne	\other
	cmpq	$(SIM_ALTSTACK_SIZE - SIM_CPU_AREA), UC_SS_SIZE(%rdx)
	jne	\other
	mov	%rsp, %rax
	and	$-SIM_ALTSTACK_SIZE, %rax
	lea	SIM_CPU_AREA(%rax), %rcx
	cmp	%rcx, UC_SS_SP(%rdx)
	jne	\other
.endm

	.text

/* ---- the always-allowed range --------------------------------------- */

	.p2align 4
	.globl sim_gate_start
sim_gate_start:
/* arch_prctl(%rdi, %rsi): clobbers %rax, %rcx, %r11 like any syscall. */
sim_gate_arch_prctl:
	mov	$SYS_arch_prctl, %eax
	syscall
	ret

/*
 * SA_RESTORER of the trap handlers, and ERESUME's way in: rt_sigreturn
 * loads every register, RFLAGS and the FXSAVE image from the frame at RSP.
 */
	.globl sim_gate_restorer
sim_gate_restorer:
	mov	$SYS_rt_sigreturn, %eax
	syscall
	ud2
	.globl sim_gate_end
sim_gate_end:

/* ---- EENTER / ERESUME ----------------------------------------------- */

/*
 * int sim_cpu_go(struct sim_cpu *cpu, int resume)
 *
 * Saves the host's callee-saved registers on this stack, records RSP/RBP as
 * URSP/URBP, loads the enclave's FS/GS bases and enters enclave mode:
 *   EENTER:  RAX/RBX/RCX/RDX/RSI/RDI from cpu, RSP/RBP the host's, jump to
 *            cpu->target (OENTRY). The jump goes through a slot below RSP,
 *            which is this frame's own memory.
 *   ERESUME: rt_sigreturn through the frame at cpu->frame.
 * Returns SIM_OUT_EEXIT or SIM_OUT_AEX from one of the landings below.
 *
 * From sim_gate_entry_restart on, enclave mode is on (a trap would be the
 * enclave's) while the bases are being switched. A signal caught for the
 * host (catch_signals) in this window arrived before the enclave ran: its
 * handler loads the host's bases, notes it and restarts the window here,
 * with R12 (cpu) and R13 (resume) as they were; every step is idempotent.
 */
	.globl sim_cpu_go
	.type sim_cpu_go, @function
sim_cpu_go:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rdi, %r12
	mov	%esi, %r13d
	mov	%rsp, CPU_HOST_RSP(%r12)
	mov	%rbp, CPU_HOST_RBP(%r12)
	mov	CPU_URSP_SLOT(%r12), %rax	/* GPRSGX.URSP, URBP */
	mov	%rsp, (%rax)
	mov	%rbp, 8(%rax)

	.globl sim_gate_entry_restart
sim_gate_entry_restart:
	mov	CPU_HOST_RSP(%r12), %rsp
	/* First: from here a signal must not run C on the enclave's bases. */
	movb	$1, CPU_IN_ENCLAVE(%r12)
	test	%r13d, %r13d
	jnz	4f
	load_enclave_bases %r12, 1
	jmp	5f
4:	load_enclave_bases %r12, 0
5:
	movb	$SIM_SUD_BLOCK, CPU_SELECTOR(%r12)
	test	%r13d, %r13d
	jnz	1f

	mov	%r12, %rdi
	push	CPU_TARGET(%rdi)
	mov	CPU_RAX(%rdi), %rax
	mov	CPU_RBX(%rdi), %rbx
	mov	CPU_RCX(%rdi), %rcx
	mov	CPU_RDX(%rdi), %rdx
	mov	CPU_RSI(%rdi), %rsi
	mov	CPU_RDI(%rdi), %rdi
	ret				/* to OENTRY, RSP back at URSP */

1:	mov	CPU_FRAME(%r12), %rsp
	jmp	sim_gate_restorer
	.globl sim_gate_entry_end
sim_gate_entry_end:
	.size sim_cpu_go, . - sim_cpu_go

/*
 * EEXIT's target (the RCX the enclave got at EENTER). FS/GS are the host's
 * again and the selector is ALLOW; RSP/RBP are whatever the enclave left,
 * which by convention is URSP/URBP. They are recorded so that sim_enter
 * can refuse an enclave that broke the convention (on hardware the vDSO
 * would return through a wrong frame), then the saved frame is used.
 */
	.globl sim_eexit_landing
sim_eexit_landing:
	mov	sim_cpu_self@gottpoff(%rip), %rax
	mov	%fs:(%rax), %rax
	mov	%rdi, CPU_RDI(%rax)
	mov	%rsi, CPU_RSI(%rax)
	mov	%rdx, CPU_RDX(%rax)
	mov	%rsp, CPU_EXIT_RSP(%rax)
	mov	%rbp, CPU_EXIT_RBP(%rax)
	mov	CPU_HOST_RSP(%rax), %rsp
	mov	$SIM_OUT_EEXIT, %eax
	jmp	2f

/* The AEP: an AEX arrives here with RSP/RBP = URSP/URBP. */
	.globl sim_aex_landing
sim_aex_landing:
	mov	$SIM_OUT_AEX, %eax
2:	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/* ---- traps ------------------------------------------------------------ */

/*
 * A signal handler's way out of enclave mode (RAX = struct sim_cpu *):
 * selector ALLOW, enclave mode off, then the callee-saved registers kept
 * and the handler's arguments moved into them: RBX = cpu, R12D = signal,
 * R13 = siginfo, R14 = ucontext. handler_return undoes the saving.
 */
.macro handler_leave_enclave
	movb	$SIM_SUD_ALLOW, CPU_SELECTOR(%rax)
	movb	$0, CPU_IN_ENCLAVE(%rax)
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15				/* 16-byte aligned from here */
	mov	%rax, %rbx
	mov	%edi, %r12d
	mov	%rsi, %r13
	mov	%rdx, %r14
.endm

.macro handler_return
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret				/* to sim_gate_restorer */
.endm

/*
 * sa_sigaction of SIGSYS, SIGILL, SIGSEGV, SIGBUS, SIGFPE and SIGTRAP
 * (SA_ONSTACK, every signal blocked): %edi = signal, %rsi = siginfo,
 * %rdx = ucontext.
 *
 * On our own signal stack the struct sim_cpu is at RSP rounded down to
 * SIM_ALTSTACK_SIZE; the ucontext's uc_stack (the thread's sigaltstack)
 * tells whether this is our stack before anything is read. A trap from
 * host code, or on a thread the simulator never set up, goes to
 * sim_trap_host untouched. A trap from enclave code first leaves enclave
 * mode: selector ALLOW, the enclave's FS/GS recorded, the host's loaded.
 */
	.globl sim_trap_entry
	.type sim_trap_entry, @function
sim_trap_entry:
	on_sim_stack sim_trap_host
	cmpb	$0, CPU_IN_ENCLAVE(%rax)
	je	sim_trap_host

	handler_leave_enclave

	load_host_bases %rbx

	mov	%rbx, %rdi
	mov	%r12d, %esi
	mov	%r13, %rdx
	mov	%r14, %rcx
	call	sim_trap
	cmp	$SIM_TRAP_TO_ENCLAVE, %eax
	jne	3f

	load_enclave_bases %rbx, 0
	movb	$1, CPU_IN_ENCLAVE(%rbx)
	movb	$SIM_SUD_BLOCK, CPU_SELECTOR(%rbx)

3:	handler_return
	.size sim_trap_entry, . - sim_trap_entry

/*
 * sa_sigaction of the signals caught for the host (catch_signals; SA_ONSTACK,
 * every signal blocked). Three cases:
 *   host code (enclave mode off, or a thread the simulator never set up):
 *     sim_signal_host, which only notes the signal;
 *   the entry window of sim_cpu_go (enclave mode on, RIP in the gate):
 *     the host's bases are loaded without recording anything, and
 *     sim_signal_window notes the signal and restarts the window;
 *   enclave code: leave enclave mode as a trap does, and sim_interrupt
 *     notes the signal and makes the interrupt's AEX.
 */
	.globl sim_signal_entry
	.type sim_signal_entry, @function
sim_signal_entry:
	on_sim_stack sim_signal_host
	cmpb	$0, CPU_IN_ENCLAVE(%rax)
	je	sim_signal_host

	handler_leave_enclave

	in_entry_window %r14, 21f
	load_host_bases %rbx
	mov	%rbx, %rdi
	mov	%r12d, %esi
	mov	%r13, %rdx
	mov	%r14, %rcx
	call	sim_interrupt
	jmp	29f

	/* The thread may have either GS now: write the host's whatever CUR_GS says. */
21:	movq	$-1, CPU_CUR_GS(%rbx)
	load_host_bases_only %rbx
	mov	%rbx, %rdi
	mov	%r12d, %esi
	mov	%r13, %rdx
	mov	%r14, %rcx
	call	sim_signal_window

29:	handler_return
	.size sim_signal_entry, . - sim_signal_entry

	.section .note.GNU-stack, "", @progbits
