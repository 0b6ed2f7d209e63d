// SPDX-License-Identifier: MIT
/*
 * The dispatcher: every `syscall` the program (musl) executes arrives
 * here through the exception handler and the trampoline. Each supported
 * call is either served inside the enclave or forwarded to the host as an
 * ocall whose result is checked; everything else is -ENOSYS.
 */
#include <errno.h>
#include <sys/syscall.h>

#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

struct encl_syscall_regs *encl_syscall_current;

void encl_iago_fail(long nr, int64_t ret, const char *why)
{
	const char *name = encl_syscall_name(nr);

	encl_fatal("the host returned %ld for %s (%ld): %s", (long)ret, name ? name : "?", nr, why);
}

static long unsupported(long nr)
{
	const char *name = encl_syscall_name(nr);

	if (name)
		encl_log(ENCL_LOG_DEBUG, "unsupported system call %s (%ld): ENOSYS", name, nr);
	else
		encl_log(ENCL_LOG_DEBUG, "unsupported system call %ld: ENOSYS", nr);
	return -ENOSYS;
}

static long dispatch(long nr, const uint64_t *a)
{
	switch (nr) {
	case SYS_read:			return sys_read(a);
	case SYS_write:			return sys_write(a);
	case SYS_pread64:		return sys_pread64(a);
	case SYS_pwrite64:		return sys_pwrite64(a);
	case SYS_readv:			return sys_readv(a);
	case SYS_writev:		return sys_writev(a);
	case SYS_getdents64:		return sys_getdents64(a);

	case SYS_close:			return sys_close(a);
	case SYS_lseek:			return sys_lseek(a);
	case SYS_dup:			return sys_dup(a);
	case SYS_dup2:			return sys_dup2(a);
	case SYS_dup3:			return sys_dup3(a);
	case SYS_pipe:			return sys_pipe(a);
	case SYS_pipe2:			return sys_pipe2(a);
	case SYS_fcntl:			return sys_fcntl(a);
	case SYS_ioctl:			return sys_ioctl(a);
	case SYS_fsync:			return sys_fsync(a);
	case SYS_fdatasync:		return sys_fdatasync(a);
	case SYS_ftruncate:		return sys_ftruncate(a);
	case SYS_fstat:			return sys_fstat(a);
	case SYS_fchmod:		return sys_fchmod(a);
	case SYS_fchdir:		return sys_fchdir(a);

	case SYS_open:			return sys_open(a);
	case SYS_openat:		return sys_openat(a);
	case SYS_stat:			return sys_stat(a);
	case SYS_lstat:			return sys_lstat(a);
	case SYS_newfstatat:		return sys_newfstatat(a);
	case SYS_statx:			return sys_statx(a);
	case SYS_access:		return sys_access(a);
	case SYS_faccessat:		return sys_faccessat(a);
	case SYS_faccessat2:		return sys_faccessat2(a);
	case SYS_mkdir:			return sys_mkdir(a);
	case SYS_mkdirat:		return sys_mkdirat(a);
	case SYS_rmdir:			return sys_rmdir(a);
	case SYS_unlink:		return sys_unlink(a);
	case SYS_unlinkat:		return sys_unlinkat(a);
	case SYS_rename:		return sys_rename(a);
	case SYS_renameat:		return sys_renameat(a);
	case SYS_getcwd:		return sys_getcwd(a);
	case SYS_chdir:			return sys_chdir(a);
	case SYS_readlink:		return sys_readlink(a);
	case SYS_readlinkat:		return sys_readlinkat(a);
	case SYS_chmod:			return sys_chmod(a);
	case SYS_truncate:		return sys_truncate(a);
	case SYS_symlink:		return sys_symlink(a);
	case SYS_link:			return sys_link(a);

	case SYS_clock_gettime:		return sys_clock_gettime(a);
	case SYS_clock_getres:		return sys_clock_getres(a);
	case SYS_gettimeofday:		return sys_gettimeofday(a);
	case SYS_nanosleep:		return sys_nanosleep(a);
	case SYS_clock_nanosleep:	return sys_clock_nanosleep(a);

	case SYS_getpid:		return sys_getpid(a);
	case SYS_getppid:		return sys_getppid(a);
	case SYS_getuid:		return sys_getuid(a);
	case SYS_geteuid:		return sys_geteuid(a);
	case SYS_getgid:		return sys_getgid(a);
	case SYS_getegid:		return sys_getegid(a);
	case SYS_gettid:		return sys_gettid(a);
	case SYS_uname:			return sys_uname(a);
	case SYS_exit:
	case SYS_exit_group:		return sys_exit_group(a);
	case SYS_set_tid_address:	return sys_set_tid_address(a);
	case SYS_set_robust_list:	return sys_set_robust_list(a);
	case SYS_arch_prctl:		return sys_arch_prctl(a);
	case SYS_futex:			return sys_futex(a);
	case SYS_getrandom:		return sys_getrandom(a);
	case SYS_prlimit64:		return sys_prlimit64(a);
	case SYS_getrlimit:		return sys_getrlimit(a);
	case SYS_umask:			return sys_umask(a);
	case SYS_sched_yield:		return 0;	/* one thread: nothing to yield to */
	case SYS_clone:
	case SYS_fork:
	case SYS_vfork:			return -EAGAIN;	/* no threads or processes: fail cleanly */

	case SYS_rt_sigaction:		return sys_rt_sigaction(a);
	case SYS_rt_sigprocmask:	return sys_rt_sigprocmask(a);
	case SYS_kill:			return sys_kill(a);
	case SYS_tkill:			return sys_tkill(a);
	case SYS_tgkill:		return sys_tgkill(a);

	case SYS_brk:			return sys_brk(a);
	case SYS_mmap:			return sys_mmap(a);
	case SYS_munmap:		return sys_munmap(a);
	case SYS_mprotect:		return sys_mprotect(a);
	case SYS_madvise:		return sys_madvise(a);
	case SYS_mremap:		return sys_mremap(a);

	default:			return unsupported(nr);
	}
}

long encl_syscall(struct encl_syscall_regs *r)
{
	struct encl_syscall_regs *outer = encl_syscall_current;
	uint64_t a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	long ret;

	encl_syscall_current = r;
	ocall_reset();
	ret = dispatch((long)r->rax, a);
	encl_syscall_current = outer;
	return ret;
}
