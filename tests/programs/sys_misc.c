/*
 * The file and system calls a database makes besides reading and writing,
 * each printed so that the enclave's answers can be compared with the
 * native program's: sys_misc DIR (a fresh directory).
 * Values that differ between two runs (free space, times used) are
 * printed as checks, not as numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE	1	/* <linux/fs.h> */
#endif

static void show(const char *what, long r)
{
	if (r < 0)
		printf("%s: -1 %s\n", what, strerror(errno));
	else
		printf("%s: %ld\n", what, r);
}

static void mode(const char *what, const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		show(what, -1);
	else
		printf("%s: mode %o size %lld links %ld\n", what, (unsigned)(st.st_mode & 07777),
		       (long long)st.st_size, (long)st.st_nlink);
}

static void times_of(const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st))
		show(what, -1);
	else
		printf("%s: atime %lld.%09ld mtime %lld.%09ld\n", what, (long long)st.st_atim.tv_sec,
		       st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void files(const char *dir)
{
	char path[4096], other[4096], link[4096], target[4096];
	struct timespec ts[2] = { { 1000000000, 500000000 }, { 1234567890, 0 } };
	struct timeval tv[2] = { { 2000000000, 0 }, { 2000000001, 250000 } };
	ssize_t n;
	int fd, fd2;

	snprintf(path, sizeof(path), "%s/data", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	show("umask", umask(022));
	show("umask again", umask(022));

	show("chmod", chmod(path, 0640));
	mode("after chmod", path);
	show("fchmod", fchmod(fd, 0600));
	mode("after fchmod", path);
	show("fchmodat", fchmodat(AT_FDCWD, path, 0604, 0));
	mode("after fchmodat", path);
	show("chown to oneself", chown(path, getuid(), getgid()));
	show("fchown to oneself", fchown(fd, getuid(), getgid()));
	show("fchownat to oneself", fchownat(AT_FDCWD, path, getuid(), getgid(), 0));

	show("utimensat", utimensat(AT_FDCWD, path, ts, 0));
	times_of("after utimensat", path);
	show("utimes", utimes(path, tv));
	times_of("after utimes", path);
	show("futimens now", futimens(fd, NULL));

	show("posix_fallocate", posix_fallocate(fd, 0, 8192));
	mode("after fallocate", path);
	show("fallocate negative", fallocate(fd, 0, -1, 10));
	show("truncate", truncate(path, 100));
	mode("after truncate", path);
	show("fdatasync", fdatasync(fd));
	show("posix_fadvise", posix_fadvise(fd, 0, 100, POSIX_FADV_SEQUENTIAL));

	show("symlinkat", symlinkat("data", AT_FDCWD, link));
	show("lchown to oneself", lchown(link, getuid(), getgid()));
	n = readlinkat(AT_FDCWD, link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	printf("readlinkat: %zd %s\n", n, target);
	show("linkat", linkat(AT_FDCWD, path, AT_FDCWD, other, 0));
	mode("after linkat", path);
	show("renameat2 onto an existing name, RENAME_NOREPLACE",
	     syscall(SYS_renameat2, AT_FDCWD, other, AT_FDCWD, path, RENAME_NOREPLACE));
	snprintf(target, sizeof(target), "%s/renamed", dir);
	show("renameat2 to a new name", syscall(SYS_renameat2, AT_FDCWD, other, AT_FDCWD, target, 0));
	mode("renamed", target);

	fd2 = open(path, O_RDONLY);
	show("flock exclusive", flock(fd, LOCK_EX));
	show("flock shared from another open, non-blocking", flock(fd2, LOCK_SH | LOCK_NB));
	show("flock unlock", flock(fd, LOCK_UN));
	show("flock shared from another open", flock(fd2, LOCK_SH | LOCK_NB));
	show("flock shared, first open", flock(fd, LOCK_SH | LOCK_NB));
	close(fd2);
	close(fd);
}

static void file_system(const char *dir)
{
	struct statfs a, b;
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	show("statfs", statfs(dir, &a));
	show("fstatfs", fstatfs(fd, &b));
	printf("statfs: type %lx bsize %ld namelen %ld; fstatfs agrees: %d\n", (unsigned long)a.f_type,
	       (long)a.f_bsize, (long)a.f_namelen,
	       a.f_type == b.f_type && a.f_bsize == b.f_bsize && a.f_blocks == b.f_blocks);
	printf("statfs: free <= blocks: %d\n", a.f_bfree <= a.f_blocks && a.f_bavail <= a.f_blocks);
	close(fd);
}

static void the_system(void)
{
	struct rusage ru;
	struct sysinfo si;
	struct tms t;
	struct rlimit rl, rl2;
	cpu_set_t cpus;
	char name[16] = { 0 };
	int prio;

	show("getrusage", getrusage(RUSAGE_SELF, &ru));
	printf("getrusage: maxrss > 0: %d, times sane: %d\n", ru.ru_maxrss > 0,
	       ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000);
	show("getrusage bad who", getrusage(99, &ru));
	show("sysinfo", sysinfo(&si));
	printf("sysinfo: ram > 0: %d, unit >= 1: %d, uptime > 0: %d, procs > 0: %d\n",
	       si.totalram > 0, si.mem_unit >= 1, si.uptime > 0, si.procs > 0);
	printf("times: %d\n", times(&t) != (clock_t)-1 && t.tms_utime >= 0);

	show("sched_getaffinity", sched_getaffinity(0, sizeof(cpus), &cpus));
	printf("CPUs: %d, sysconf: %ld, get_nprocs: %d\n", CPU_COUNT(&cpus),
	       sysconf(_SC_NPROCESSORS_ONLN), get_nprocs());
	show("sched_setaffinity to the same", sched_setaffinity(0, sizeof(cpus), &cpus));

	show("PR_SET_NAME", prctl(PR_SET_NAME, "db-writer-thread-long"));
	show("PR_GET_NAME", prctl(PR_GET_NAME, name));
	printf("name: %s\n", name);

	errno = 0;
	prio = getpriority(PRIO_PROCESS, 0);
	printf("getpriority: %d %s\n", prio, strerror(errno));
	show("setpriority one lower", setpriority(PRIO_PROCESS, 0, prio + 1));
	printf("getpriority: %d\n", getpriority(PRIO_PROCESS, 0));

	show("getrlimit", getrlimit(RLIMIT_NOFILE, &rl));
	rl2 = rl;
	rl2.rlim_cur = 100;
	show("setrlimit soft 100", setrlimit(RLIMIT_NOFILE, &rl2));
	show("getrlimit", getrlimit(RLIMIT_NOFILE, &rl2));
	printf("soft limit: %llu, hard kept: %d\n", (unsigned long long)rl2.rlim_cur, rl2.rlim_max == rl.rlim_max);
	show("setrlimit back", setrlimit(RLIMIT_NOFILE, &rl));
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	files(argv[1]);
	file_system(argv[1]);
	the_system();
	return 0;
}
