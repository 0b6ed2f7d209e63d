/* SPDX-License-Identifier: MIT */
/*
 * encl's replacement of musl's arch/x86_64/syscall_arch.h (musl/build
 * copies it over Debian's musl source before building; docs/libc.md).
 *
 * Inside an enclave the `syscall` instruction is #UD: every one costs an
 * AEX, an exception entry and an ERESUME before the shield sees it. Here
 * musl's system calls are plain calls of the runtime's encl_syscall_direct
 * (enclave/core/syscall_direct.S), which keeps the instruction's contract:
 * RAX the number, RDI RSI RDX R10 R8 R9 the arguments, the result in RAX,
 * RCX and R11 clobbered, every other register kept.
 *
 * A `call` writes below RSP, where a leaf function compiled with the red
 * zone may keep data: RSP steps over those 128 bytes first.
 */
#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

static __inline long __syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	unsigned long ret;

	__asm__ __volatile__ ("lea -128(%%rsp), %%rsp\n\t"
			      "call encl_syscall_direct\n\t"
			      "lea 128(%%rsp), %%rsp"
			      : "=a"(ret)
			      : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			      : "rcx", "r11", "memory");
	return ret;
}

/*
 * The others pass 0 for what they lack: a few instructions beside a call
 * into the shield. (Functions, not macros: musl's syscall.h wraps each
 * name in a macro of its own.)
 */
static __inline long __syscall0(long n) { return __syscall6(n, 0, 0, 0, 0, 0, 0); }
static __inline long __syscall1(long n, long a) { return __syscall6(n, a, 0, 0, 0, 0, 0); }
static __inline long __syscall2(long n, long a, long b) { return __syscall6(n, a, b, 0, 0, 0, 0); }
static __inline long __syscall3(long n, long a, long b, long c)
{ return __syscall6(n, a, b, c, 0, 0, 0); }
static __inline long __syscall4(long n, long a, long b, long c, long d)
{ return __syscall6(n, a, b, c, d, 0, 0); }
static __inline long __syscall5(long n, long a, long b, long c, long d, long e)
{ return __syscall6(n, a, b, c, d, e, 0); }

/* As upstream: the vDSO is looked up (an enclave has none, so never found), IPC_64 is 0. */
#define VDSO_USEFUL
#define VDSO_CGT_SYM "__vdso_clock_gettime"
#define VDSO_CGT_VER "LINUX_2.6"
#define VDSO_GETCPU_SYM "__vdso_getcpu"
#define VDSO_GETCPU_VER "LINUX_2.6"

#define IPC_64 0
