// SPDX-License-Identifier: MIT
/*
 * The system as the process sees it, forwarded to the host: resource
 * usage (getrusage, times), the machine (sysinfo), the CPUs a thread may
 * run on (sched_getaffinity, sched_setaffinity: musl's sysconf counts
 * CPUs with it), scheduling priority, and a thread's name (prctl
 * PR_SET_NAME, PR_GET_NAME, through /proc/thread-self/comm as musl's
 * pthread_setname_np does, so that the host needs no prctl of its own).
 * Every structure is copied into the enclave and checked there.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>

#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

/* musl's struct rusage is the kernel's and reserved space after it. */
_Static_assert(sizeof(struct rusage) >= ENCL_SZ_RUSAGE &&
	       ENCL_SZ_RUSAGE == IAGO_RUSAGE_LONGS * sizeof(int64_t), "abi/syscalls.h: struct rusage");
_Static_assert(sizeof(struct tms) == ENCL_SZ_TMS, "abi/syscalls.h: struct tms");

#define AFFINITY_MAX	4096	/* bytes of CPU mask asked for at most: 32768 CPUs */
#define COMM_LEN	16	/* TASK_COMM_LEN: 15 characters and the NUL */

/*
 * Call @nr with a structure of @size bytes for argument @i (the other
 * arguments as the program gave them) and copy it into @copy, in the
 * enclave, for checking. 0 or -errno.
 */
static int64_t get_struct(long nr, const uint64_t *a, int i, void *copy, uint64_t size)
{
	uint64_t b[6] = { a[0], a[1], a[2], a[3], a[4], a[5] };
	void *hb = ocall_alloc(size);
	int64_t r;

	b[i] = HP(hb);
	r = ocall6(nr, b[0], b[1], b[2], b[3], b[4], b[5]);
	IAGO(iago_check_zero(r), nr, r);
	if (!r)
		memcpy(copy, hb, size);
	return r;
}

SYSFN(getrusage)
{
	int64_t v[IAGO_RUSAGE_LONGS];
	int64_t r = get_struct(OCALL_SYS(getrusage), a, 1, v, sizeof(v));

	if (r)
		return r;
	IAGO(iago_check_rusage(v), SYS_getrusage, r);
	memcpy((void *)a[1], v, sizeof(v));
	return 0;
}

/* The kernel's struct sysinfo, the first ENCL_SZ_SYSINFO bytes of musl's. */
struct kernel_sysinfo {
	int64_t uptime;
	uint64_t loads[3];
	uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	uint16_t procs, pad;
	uint64_t totalhigh, freehigh;
	uint32_t mem_unit;
};
_Static_assert(sizeof(struct kernel_sysinfo) == ENCL_SZ_SYSINFO, "abi/syscalls.h: struct sysinfo");

SYSFN(sysinfo)
{
	struct kernel_sysinfo si;
	int64_t r = get_struct(OCALL_SYS(sysinfo), a, 0, &si, sizeof(si));

	if (r)
		return r;
	IAGO(iago_check_sysinfo(si.uptime, si.totalram, si.freeram, si.totalswap, si.freeswap,
				si.mem_unit), SYS_sysinfo, r);
	memcpy((void *)a[0], &si, sizeof(si));
	return 0;
}

/*
 * times returns clock ticks since an arbitrary point, which may be any
 * value (musl passes it on unchanged); the times it fills are counts.
 */
SYSFN(times)
{
	struct tms *hb = a[0] ? ocall_alloc(sizeof(*hb)) : 0;
	struct tms t;
	int64_t r = ocall1(OCALL_SYS(times), HP(hb));

	if (!hb || r == -EFAULT)
		return r;
	memcpy(&t, hb, sizeof(t));
	IAGO(iago_check_tms(t.tms_utime, t.tms_stime, t.tms_cutime, t.tms_cstime), SYS_times, r);
	memcpy((void *)a[0], &t, sizeof(t));
	return r;
}

/* Returns the bytes of mask written: at most what was asked, whole longs. */
SYSFN(sched_getaffinity)
{
	uint64_t n = a[1] < AFFINITY_MAX ? a[1] : AFFINITY_MAX;
	void *hb = ocall_alloc(n);
	int64_t r = ocall3(OCALL_SYS(sched_getaffinity), a[0], n, HP(hb));

	IAGO(iago_check_affinity(r, n), SYS_sched_getaffinity, r);
	if (r < 0)
		return r;
	memcpy((void *)a[2], hb, (uint64_t)r);
	return r;
}

SYSFN(sched_setaffinity)
{
	uint64_t n = a[1] < AFFINITY_MAX ? a[1] : AFFINITY_MAX;
	void *hb = ocall_copy_in((const void *)a[2], n);
	int64_t r = ocall3(OCALL_SYS(sched_setaffinity), a[0], n, HP(hb));

	IAGO(iago_check_zero(r), SYS_sched_setaffinity, r);
	return r;
}

/* The kernel's getpriority returns 20 - nice: 1 .. 40 (musl converts). */
SYSFN(getpriority)
{
	int64_t r = ocall2(OCALL_SYS(getpriority), a[0], a[1]);

	IAGO(iago_check_priority(r), SYS_getpriority, r);
	return r;
}

SYSFN_FWD_ZERO(setpriority)

/* Open this thread's name in the host's /proc: a descriptor or -errno. */
static int64_t comm_open(int flags)
{
	static const char comm[] = "/proc/thread-self/comm";
	void *p = ocall_copy_in(comm, sizeof(comm));
	return encl_fd_new(SYS_openat, ocall4(OCALL_SYS(openat), (uint64_t)AT_FDCWD, HP(p),
					      (uint64_t)(flags | O_CLOEXEC), 0));
}

static void comm_close(int64_t fd)
{
	int64_t r;

	encl_fd_gone(fd);
	r = ocall1(OCALL_SYS(close), (uint64_t)fd);
	IAGO(iago_check_zero(r), SYS_close, r);
}

/* PR_SET_NAME: at most 15 characters of the program's string, as the kernel takes them. */
static long name_set(const char *name)
{
	uint64_t n = strnlen(name, COMM_LEN - 1);
	int64_t fd = comm_open(O_WRONLY), r;
	void *hb;

	if (fd < 0)
		return fd;
	hb = ocall_copy_in(name, n);
	r = ocall3(OCALL_SYS(write), (uint64_t)fd, HP(hb), n);
	IAGO(iago_check_count(r, n), SYS_write, r);
	comm_close(fd);
	return r < 0 ? r : 0;
}

/* PR_GET_NAME: 16 bytes, the name and NULs; /proc ends it with a newline. */
static long name_get(char *out)
{
	char name[COMM_LEN + 1] = { 0 };
	int64_t fd = comm_open(O_RDONLY), r;
	void *hb;

	if (fd < 0)
		return fd;
	hb = ocall_alloc(COMM_LEN);
	r = ocall3(OCALL_SYS(read), (uint64_t)fd, HP(hb), COMM_LEN);
	IAGO(iago_check_count(r, COMM_LEN), SYS_read, r);
	comm_close(fd);
	if (r < 0)
		return r;
	memcpy(name, hb, (uint64_t)r);
	if (r && name[r - 1] == '\n')
		name[r - 1] = 0;
	name[COMM_LEN - 1] = 0;
	memcpy(out, name, COMM_LEN);
	return 0;
}

SYSFN(prctl)
{
	switch (a[0]) {
	case PR_SET_NAME:
		return name_set((const char *)a[1]);
	case PR_GET_NAME:
		return name_get((char *)a[1]);
	default:
		return encl_syscall_refuse(SYS_prctl, "only PR_SET_NAME and PR_GET_NAME are served");
	}
}
