#!/bin/bash
# More of the hostile host (ENCL_SIM_HOSTILE, host/host.h): files, clocks,
# limits, errno values and directory listings. Each lie ends the enclave
# with ENCL_EXIT_FATAL (exit 125) and a line naming what was wrong, or
# gets the documented safe result (write-zero: EIO, and the program ends).
# docs/shield.md, "Testing a hostile host", lists every lie.
. "$(dirname "$0")/lib.sh"

plan 32

sim_defaults

require_enclave_toolchain

P=$TMP/victim
cat >"$P.c" <<'PROG'
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int fd = open(argv[0], O_RDONLY);

	if (fd < 0)
		return 3;
	if (!strcmp(what, "stat")) {
		struct stat st;

		fstat(fd, &st);
		printf("size %lld mode %o\n", (long long)st.st_size, (unsigned)st.st_mode);
	} else if (!strcmp(what, "statx")) {
		unsigned char stx[256];

		syscall(SYS_statx, AT_FDCWD, argv[0], 0, 0x7ffU, stx);
	} else if (!strcmp(what, "clock")) {
		struct timespec a, b;

		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_MONOTONIC, &b);
		printf("%lld\n", (long long)(b.tv_sec - a.tv_sec));
	} else if (!strcmp(what, "sleep")) {
		struct timespec req = { 0, 1000000 }, rem;

		printf("%d\n", nanosleep(&req, &rem));
	} else if (!strcmp(what, "lseek")) {
		printf("%lld\n", (long long)lseek(fd, 0, SEEK_END));
	} else if (!strcmp(what, "getfl")) {
		printf("%#x\n", fcntl(fd, F_GETFL));
	} else if (!strcmp(what, "rlimit")) {
		struct rlimit rl;

		getrlimit(RLIMIT_NOFILE, &rl);
	} else if (!strcmp(what, "close")) {
		printf("%d\n", close(fd));
	} else if (!strcmp(what, "write")) {
		/* Every write "writes nothing": each must fail, none may spin. */
		ssize_t n = write(1, "x", 1);

		if (n != -1 || errno != EIO)
			return 4;
		printf("stdio too\n");
		fflush(stdout);
		return ferror(stdout) ? 7 : 5;	/* line-buffered: printf itself failed */
	} else if (!strcmp(what, "dir")) {
		DIR *d = opendir(".");

		while (d && readdir(d))
			;
	} else if (!strcmp(what, "lock")) {
		struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET };

		printf("%d\n", fcntl(fd, F_GETLK, &l));
	} else if (!strcmp(what, "socket")) {
		printf("%d\n", socket(AF_INET, SOCK_STREAM, 0));
	} else if (!strcmp(what, "fds")) {
		/* Descriptors come and go: dup2 over an open one, close, reopen. */
		int p[2], d = dup(fd);

		if (d < 0 || pipe(p) || dup2(d, d) != d || dup2(p[0], d) != d || close(p[0]) || close(d))
			return 6;
		if (open(argv[0], O_RDONLY) != d || fcntl(fd, F_DUPFD, 0) != p[0])
			return 7;
	} else if (!strcmp(what, "map")) {
		unsigned char *m = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m == MAP_FAILED) {
			printf("mmap: %s\n", strerror(errno));
			return 8;
		}
		printf("first byte %d\n", m[0]);
	} else if (!strcmp(what, "read")) {
		char buf[64];
		ssize_t n = read(0, buf, sizeof(buf) - 1);

		printf("read %zd\n", n);
	} else if (!strcmp(what, "env")) {
		const char *pre = getenv("LD_PRELOAD");
		time_t t = 0;

		printf("LD_PRELOAD=%s hour %d\n", pre ? pre : "", localtime(&t)->tm_hour);
	} else if (!strcmp(what, "sendfile")) {
		off_t off = 0;

		printf("%ld\n", (long)sendfile(1, fd, &off, 16));
	} else if (!strcmp(what, "pipe")) {
		int p[2];

		printf("%d\n", pipe(p));
	} else if (!strcmp(what, "stat2")) {
		struct stat st;

		if (fstat(fd, &st) || fstat(fd, &st) || !S_ISREG(st.st_mode))
			return 9;
	} else if (!strcmp(what, "pipestat")) {
		/* A pipe is a FIFO from the start: its first fstat is checked too. */
		struct stat st;
		int p[2];

		if (fstat(fd, &st) || pipe(p) || fstat(p[0], &st) || !S_ISFIFO(st.st_mode))
			return 9;
	} else if (!strcmp(what, "dupstat")) {
		/* A duplicate of a pipe's end is a FIFO too. */
		struct stat st;
		int p[2];

		if (fstat(fd, &st) || pipe(p) || fstat(dup(p[0]), &st) || !S_ISFIFO(st.st_mode))
			return 9;
	} else if (!strcmp(what, "dirs")) {
		/* More directories than a small table would follow, read in turns to their end. */
		DIR *d[20];
		int open = 20;

		for (int i = 0; i < 20; i++)
			if (!(d[i] = opendir(".")))
				return 10;
		while (open)
			for (int i = 0; i < 20; i++)
				if (d[i] && !readdir(d[i])) {
					closedir(d[i]);
					d[i] = 0;
					open--;
				}
	} else if (!strcmp(what, "ppid")) {
		/* Each answer is written before the next is asked for. */
		for (int i = 0; i < 3; i++)
			dprintf(1, "ppid %d\n", (int)getppid());
	}
	printf("done\n");
	return 0;
}
PROG
if ! encl-cc -O2 "$P.c" -o "$P" 2>"$TMP/build"; then
	fail build_victim "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi

# hostile NAME MODE ARG PATTERN: the program under ENCL_SIM_HOSTILE=MODE ends fatally
hostile() {
	local n=$1 mode=$2 arg=$3 pat=$4
	ENCL_SIM_HOSTILE=$mode expect_exit "$n" 125 "$pat" "$P" "$arg"
	if grep -q '^done' "$TMP/stdout"; then
		fail "${n}_stopped" "the program went on: $(head -c 200 "$TMP/stdout")"
	fi
}

# Without a lie every case works.
honest=ok
for arg in stat statx clock sleep lseek getfl rlimit close dir lock pipe socket fds map stat2 pipestat dupstat dirs ppid sendfile; do
	"$P" "$arg" >"$TMP/honest.out" 2>&1 && grep -q '^done' "$TMP/honest.out" || honest="$arg: $(head -c 200 "$TMP/honest.out")"
done
check honest_host test "$honest" = ok

hostile stat_size_huge stat-size stat "for fstat .*file size is 4 EiB or more"
hostile stat_type_impossible stat-type stat "for fstat .*file type is none of the seven"
hostile statx_size_huge statx-size statx "for statx .*file size is 4 EiB or more"
hostile clock_backwards clock-back clock "for clock_gettime .*CLOCK_MONOTONIC went backwards"
hostile nanosleep_remainder_longer nanosleep-rem sleep "for nanosleep .*time left is longer than the time given"
hostile lseek_negative lseek-negative lseek "returned -1099511627776 for lseek .*negative but not an errno"
hostile getfl_undefined_bit getfl-bits getfl "for fcntl .*F_GETFL flags hold a bit no open flag has"
hostile rlimit_soft_above_hard rlimit-cur rlimit "for prlimit64 .*soft limit above the hard limit"
hostile errno_out_of_range errno-range close "returned -4095 for close .*neither 0 nor -errno"
hostile dirent_name_slash dirent-name dir "for getdents64 .*directory entry name contains '/'"
hostile dirent_dotdot_twice dirent-dotdot dir "for getdents64 .*directory listed \"\.\.\" twice"
hostile dirent_endless dirent-endless dir "for getdents64 .*more than 2\^24 entries"
# Twenty directories read in turns, each started again at its end: "."
# comes twice in a stream the enclave still follows, whichever was read last.
ENCL_SIM_HOSTILE=dirent-replay timeout 60 "$P" dirs >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
if [ $rc -eq 125 ] && grep -q 'for getdents64 .*directory listed "\." twice' "$TMP/stderr"; then
	pass dirent_replay_20_dirs
else
	fail dirent_replay_20_dirs "exit $rc (124: it never ended), expected 125: $(head -c 300 "$TMP/stderr")"
fi
hostile stat_type_changed stat-retype stat2 "for fstat .*the type of an open file changed"
hostile pipe_stat_not_fifo stat-retype pipestat "for fstat .*the type of an open file changed"
hostile dup_stat_not_fifo stat-retype dupstat "for fstat .*the type of an open file changed"
hostile ppid_came_back ppid-back ppid "for getppid .*a parent process that had ended came back"
check ppid_reparent_accepted grep -qx 'ppid 1' "$TMP/stdout"
hostile ppid_is_self ppid-self ppid "for getppid .*the process is its own parent"
hostile sendfile_offset_moved sendfile-offset sendfile "for sendfile .*moved the offset by other than the bytes sent"
hostile flock_no_type flock-type lock "for fcntl .*struct flock has no lock type"
hostile flock_unlck_changed flock-unlck lock "for fcntl .*struct flock for F_UNLCK changed more than l_type"
hostile pipe_same_fd pipe-same pipe "for pipe2 .*not two distinct descriptors"
hostile open_used_fd open-used stat "returned 1 for open(at)? .*descriptor is already open"
hostile pipe_used_fds pipe-used pipe "returned 1 for pipe2 .*descriptor is already open"
hostile socket_used_fd socket-used socket "returned 0 for socket .*descriptor is already open"

# A private file mapping filled by a pread the host ends at once, though
# fstat says the file has data: EIO, never a page of zeros.
ENCL_SIM_HOSTILE=pread-zero "$P" map >"$TMP/map.out" 2>&1
check pread_zero_mapping_is_eio grep -qx 'mmap: I/O error' "$TMP/map.out"

# Signals the host cannot have caught for the enclave (SIGKILL, SIGSEGV,
# SIGSTOP) reported at a read's return: dropped, the read's result stands.
echo hello | ENCL_SIM_HOSTILE=signal-bogus "$P" read >"$TMP/sig.out" 2>&1
check signal_bogus_dropped grep -qx 'read 6' "$TMP/sig.out"

# The environment reaches the program unchanged (docs/shield.md, "The
# environment"): LD_* and MALLOC_* change nothing in a static enclave, TZ
# moves localtime.
LD_PRELOAD=/nonexistent/lib.so MALLOC_ARENA_MAX=1 TZ=UTC0 "$P" env >"$TMP/env.out" 2>&1
check env_ld_malloc_no_effect grep -qx 'LD_PRELOAD=/nonexistent/lib.so hour 0' "$TMP/env.out"
TZ=EST5 "$P" env >"$TMP/tz.out" 2>&1
check env_tz_moves_localtime grep -qx 'LD_PRELOAD= hour 19' "$TMP/tz.out"

# A host whose writes "write nothing", every time: EIO, and the program ends.
ENCL_SIM_HOSTILE=write-zero timeout 60 "$P" write >/dev/null 2>"$TMP/wz.err"
rc=$?
if [ $rc -eq 7 ]; then
	pass write_zero_is_eio
else
	fail write_zero_is_eio "exit $rc (124: it spun), expected 7: $(head -c 300 "$TMP/wz.err")"
fi
