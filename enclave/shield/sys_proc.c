// SPDX-License-Identifier: MIT
/*
 * The process and its threads: identities (the host's, checked for
 * range), uname, exit and exit_group, clone for threads (threads.c), the
 * thread bookkeeping musl does (set_tid_address, set_robust_list,
 * arch_prctl), resource limits (forwarded) and getrandom (RDRAND, never
 * the host).
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "enclave/core/threads.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/emm/heap.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

/* clone flags (<linux/sched.h>): what a thread must share, and all a thread may ask. */
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_THREAD		0x00010000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_THREAD_NEEDS	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_THREAD_KNOWN	(CLONE_THREAD_NEEDS | CLONE_SYSVSEM | CLONE_SETTLS | \
				 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | 0xff)

#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define GETRANDOM_MAX	33554431	/* what Linux returns at most per call */
#define GRND_FLAGS	0x7		/* GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE */

static struct encl_thread *current_td(void)
{
	return (struct encl_thread *)(uintptr_t)encl_syscall_current->td;
}

/* An id the host reports: a pid_t/uid_t, never negative. */
static int64_t id_call(long nr, int positive)
{
	int64_t r = ocall0(nr);

	IAGO(iago_check_id(r, positive), nr, r);
	return r;
}

int64_t encl_pid(void)
{
	static int64_t pid;

	if (!pid)
		pid = id_call(OCALL_SYS(getpid), 1);
	return pid;
}

/* A clone's id came with its start (threads.c); the first thread asks once. */
int64_t encl_tid(void)
{
	struct encl_thread *td = encl_self();

	if (!td->tid)
		td->tid = id_call(OCALL_SYS(gettid), 1);
	return td->tid;
}

SYSFN(getpid)	{ (void)a; return encl_pid(); }
SYSFN(gettid)	{ (void)a; return encl_tid(); }
/*
 * The parent changes only when it ends: the process moves up to a
 * subreaper or to init, and never back to a parent it had (an ended
 * parent's pid can name a new process, never an ancestor). So a parent
 * that comes back is a lie, as is the process being its own parent.
 *
 * Two calls in flight at once may return in either order around a
 * change: an answer is judged and kept only if no other call ended while
 * it was in flight, so the parents kept are in the order they were true.
 */
#define PARENTS_KEPT	16

static struct {
	int lock;
	uint64_t calls;			/* calls ended */
	uint64_t n;			/* parents seen, the last PARENTS_KEPT kept */
	int64_t pid[PARENTS_KEPT];
} parents;

static const char *parent_seen(int64_t ppid, uint64_t calls_before)
{
	const char *why = 0;

	if (__atomic_fetch_add(&parents.calls, 1, __ATOMIC_RELAXED) != calls_before)
		return 0;
	if (parents.n && parents.pid[(parents.n - 1) % PARENTS_KEPT] == ppid)
		return 0;
	for (uint64_t i = 0; i < parents.n && i < PARENTS_KEPT; i++)
		if (parents.pid[i] == ppid)
			why = "a parent process that had ended came back";
	if (!why)
		parents.pid[parents.n++ % PARENTS_KEPT] = ppid;
	return why;
}

SYSFN(getppid)
{
	uint64_t calls_before = __atomic_load_n(&parents.calls, __ATOMIC_RELAXED);
	int64_t pid = encl_pid(), r = ocall0(OCALL_SYS(getppid));
	const char *why;

	(void)a;
	IAGO(iago_check_parent(r, pid), SYS_getppid, r);
	encl_spin_lock(&parents.lock);
	why = parent_seen(r, calls_before);
	encl_spin_unlock(&parents.lock);
	IAGO(why, SYS_getppid, r);
	return r;
}

SYSFN(getuid)	{ (void)a; return id_call(OCALL_SYS(getuid), 0); }
SYSFN(geteuid)	{ (void)a; return id_call(OCALL_SYS(geteuid), 0); }
SYSFN(getgid)	{ (void)a; return id_call(OCALL_SYS(getgid), 0); }
SYSFN(getegid)	{ (void)a; return id_call(OCALL_SYS(getegid), 0); }

SYSFN(umask)
{
	int64_t r = ocall1(OCALL_SYS(umask), a[0] & 0777);

	IAGO(iago_check_umask(r), SYS_umask, r);
	return r;
}

SYSFN(uname)
{
	struct utsname *hb = ocall_alloc(sizeof(*hb));
	struct utsname u;
	int64_t r = ocall1(OCALL_SYS(uname), HP(hb));

	IAGO(iago_check_zero(r), SYS_uname, r);
	if (r)
		return r;
	memcpy(&u, hb, sizeof(u));
	/* Every field is a string the program will print: terminate each. */
	u.sysname[sizeof(u.sysname) - 1] = 0;
	u.nodename[sizeof(u.nodename) - 1] = 0;
	u.release[sizeof(u.release) - 1] = 0;
	u.version[sizeof(u.version) - 1] = 0;
	u.machine[sizeof(u.machine) - 1] = 0;
	u.__domainname[sizeof(u.__domainname) - 1] = 0;
	memcpy((void *)a[0], &u, sizeof(u));
	return 0;
}

/* exit_group from any thread ends them all. musl has flushed stdio. */
SYSFN(exit_group)
{
	struct encl_thread *td = current_td();

	heap_report();
	td->state = TD_STATE_DEAD;
	encl_exit(ENCL_EXIT_RETURN, a[0] & 0xff, 0, td);
}

/* exit ends this thread; the last one's ends the process, as on Linux. */
SYSFN(exit)
{
	if (encl_thread_exit(current_td()))
		return sys_exit_group(a);
	return 0;	/* not reached */
}

/* One thread: nothing to yield to. */
SYSFN(sched_yield)
{
	(void)a;
	return 0;
}

#define NO_PROCESSES	"an enclave runs one process (fork, vfork, posix_spawn, execve and wait4 are not served)"

/* fork, vfork, execve, wait4: the process is the enclave. */
SYSFN(process)
{
	(void)a;
	return encl_syscall_refuse((long)encl_syscall_current->rax, NO_PROCESSES);
}

/* clone: threads (docs/threads.md); a clone for a process is refused as fork is. */
SYSFN(clone)
{
	struct encl_syscall_regs *r = encl_syscall_current;
	struct encl_thread *td = current_td();
	uint64_t flags = a[0], stack = a[1], ptid = a[2], ctid = a[3], tls = a[4];
	long tid;

	if ((flags & CLONE_THREAD_NEEDS) != CLONE_THREAD_NEEDS || (flags & ~CLONE_THREAD_KNOWN))
		return encl_syscall_refuse(SYS_clone, NO_PROCESSES);
	if (!stack || (flags & CLONE_PARENT_SETTID && !encl_inside(ptid, sizeof(int))))
		return -EINVAL;
	tid = encl_thread_clone(td, &r->r15, r->rip, r->rflags, stack,
				flags & CLONE_SETTLS ? tls : td->tp,
				flags & CLONE_CHILD_CLEARTID ? ctid : 0,
				flags & CLONE_PARENT_SETTID ? ptid : 0);
	return tid;
}

SYSFN(set_tid_address)
{
	current_td()->clear_child_tid = a[0];
	return encl_tid();
}

SYSFN(set_robust_list)
{
	if (a[1] != 3 * sizeof(uint64_t))	/* sizeof(struct robust_list_head) */
		return -EINVAL;
	current_td()->robust_list = a[0];
	return 0;
}

SYSFN(arch_prctl)
{
	struct encl_thread *td = current_td();

	switch (a[0]) {
	case ARCH_SET_FS:
		/* A non-canonical base would #GP in WRFSBASE; the kernel says EPERM. */
		if ((int64_t)(a[1] << 16) >> 16 != (int64_t)a[1])
			return -EPERM;
		encl_set_fs(td, a[1]);
		return 0;
	case ARCH_GET_FS:
		*(uint64_t *)a[1] = td->tp;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * One thread: a wait whose value still matches could only be ended by a
 * wake that will never come. With a timeout it times out; without one the
 * program has deadlocked, and the enclave says so instead of hanging.
 */
SYSFN(getrandom)
{
	uint64_t len = a[1];

	if (a[2] & ~(uint64_t)GRND_FLAGS)
		return -EINVAL;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	encl_random((void *)a[0], len);
	return (long)len;
}

/*
 * Limits are the host's to enforce: a new one (setrlimit, which musl sends
 * as prlimit64) is forwarded, and the old one comes back checked.
 */
static long rlimit_call(uint64_t res, const struct rlimit *set, struct rlimit *out)
{
	void *nb = set ? ocall_copy_in(set, sizeof(*set)) : 0;
	struct rlimit *hb = ocall_alloc(sizeof(*hb));
	struct rlimit old;
	int64_t r = ocall4(OCALL_SYS(prlimit64), 0, res, HP(nb), HP(hb));

	IAGO(iago_check_zero(r), SYS_prlimit64, r);
	if (r)
		return r;
	memcpy(&old, hb, sizeof(old));
	IAGO(iago_check_rlimit(old.rlim_cur, old.rlim_max), SYS_prlimit64, r);
	if (out)
		memcpy(out, &old, sizeof(old));
	return 0;
}

/* The enclave's own process only: another's limits are not the program's business. */
SYSFN(prlimit64)
{
	if (a[0] && (int64_t)a[0] != encl_pid())
		return -EPERM;
	return rlimit_call(a[1], (const struct rlimit *)a[2], (struct rlimit *)a[3]);
}

SYSFN(getrlimit)
{
	return rlimit_call(a[0], 0, (struct rlimit *)a[1]);
}

SYSFN(setrlimit)
{
	return rlimit_call(a[0], (const struct rlimit *)a[1], 0);
}
