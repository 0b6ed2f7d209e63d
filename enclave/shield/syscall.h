/* SPDX-License-Identifier: MIT */
/*
 * The trusted system-call dispatcher (docs/shield.md). The syscall
 * trampoline (entry.S) saves the program's registers in this layout and
 * calls encl_syscall; its result goes back in RAX.
 */
#ifndef ENCL_ENCLAVE_SHIELD_SYSCALL_H
#define ENCL_ENCLAVE_SHIELD_SYSCALL_H

#include <stdint.h>

#include "enclave/core/thread.h"

/* As the trampoline pushes them: the lowest address first. */
struct encl_syscall_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t rflags;
	uint64_t td;		/* written by the exception handler */
	uint64_t rip;		/* the instruction after `syscall` */
};
_Static_assert(__builtin_offsetof(struct encl_syscall_regs, rax) == 14 * 8, "entry.S: regs->rax");

long encl_syscall(struct encl_syscall_regs *r);

/* The call being served (for handlers that need the thread or the caller's RIP). */
extern struct encl_syscall_regs *encl_syscall_current;

const char *encl_syscall_name(long nr);

/* A host result that fails a check (iago.h): the enclave stops. */
#define IAGO(check, nr, ret) do { \
	const char *why_ = (check); \
	if (why_) \
		encl_iago_fail((nr), (ret), why_); \
} while (0)

__attribute__((noreturn))
void encl_iago_fail(long nr, int64_t ret, const char *why);

/* The families, one file each. a[] holds the six arguments. */
#define SYSFN(name) long sys_##name(const uint64_t *a)

/* sys_io.c: data through the ocall area */
SYSFN(read); SYSFN(write); SYSFN(pread64); SYSFN(pwrite64); SYSFN(readv); SYSFN(writev);
SYSFN(getdents64);
/* sys_fd.c: descriptors */
SYSFN(close); SYSFN(lseek); SYSFN(dup); SYSFN(dup2); SYSFN(dup3); SYSFN(pipe); SYSFN(pipe2);
SYSFN(fcntl); SYSFN(ioctl); SYSFN(fsync); SYSFN(fdatasync); SYSFN(ftruncate); SYSFN(fstat);
SYSFN(fchmod); SYSFN(fchdir);
/* sys_path.c: calls that name a file */
SYSFN(open); SYSFN(openat); SYSFN(stat); SYSFN(lstat); SYSFN(newfstatat); SYSFN(statx);
SYSFN(access); SYSFN(faccessat); SYSFN(faccessat2); SYSFN(mkdir); SYSFN(mkdirat); SYSFN(rmdir);
SYSFN(unlink); SYSFN(unlinkat); SYSFN(rename); SYSFN(renameat); SYSFN(getcwd); SYSFN(chdir);
SYSFN(readlink); SYSFN(readlinkat); SYSFN(chmod); SYSFN(truncate); SYSFN(symlink); SYSFN(link);
/* sys_time.c */
SYSFN(clock_gettime); SYSFN(clock_getres); SYSFN(gettimeofday); SYSFN(nanosleep);
SYSFN(clock_nanosleep);
/* sys_proc.c: identity, exit, thread bookkeeping, randomness */
SYSFN(getpid); SYSFN(getppid); SYSFN(getuid); SYSFN(geteuid); SYSFN(getgid); SYSFN(getegid);
SYSFN(gettid); SYSFN(uname); SYSFN(exit_group); SYSFN(set_tid_address); SYSFN(set_robust_list);
SYSFN(arch_prctl); SYSFN(futex); SYSFN(getrandom); SYSFN(prlimit64); SYSFN(getrlimit);
SYSFN(umask);
/* sys_signal.c: dispositions and masks kept inside; raise delivered in place */
SYSFN(rt_sigaction); SYSFN(rt_sigprocmask); SYSFN(kill); SYSFN(tkill); SYSFN(tgkill);
/* sys_mem.c: the heap */
SYSFN(brk); SYSFN(mmap); SYSFN(munmap); SYSFN(mprotect); SYSFN(madvise); SYSFN(mremap);

/* sys_fd.c: a struct stat from the host, checked and copied */
struct stat;
void encl_take_stat(long nr, const struct stat *hb, struct stat *out);

/* sys_proc.c: the host's id of the one thread, asked once */
int64_t encl_tid(void);
int64_t encl_pid(void);

#endif
