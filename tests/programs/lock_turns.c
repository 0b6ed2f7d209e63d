/*
 * Processes taking turns under a whole-file lock, as database processes
 * sharing one file do: lock_turns FILE ID N fcntl|flock
 *
 * N times: take the lock (F_SETLKW write lock, or flock LOCK_EX, both
 * blocking), read the counter at the start of FILE, append "ID COUNTER",
 * write COUNTER + 1 back, drop the lock. The counter's read-modify-write
 * spans a short sleep, so that without a working lock two processes
 * would append the same counter. Run several at once; the file is right
 * when its lines hold the counters 0, 1, 2, ... in order.
 * Exit 0: done; 1: a call failed.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#define HEADER	16	/* "%015ld\n" */

static int use_flock;

static int lock(int fd, int on)
{
	struct flock fl = { .l_type = on ? F_WRLCK : F_UNLCK, .l_whence = SEEK_SET };

	if (use_flock)
		return flock(fd, on ? LOCK_EX : LOCK_UN);
	return fcntl(fd, F_SETLKW, &fl);
}

int main(int argc, char **argv)
{
	struct timespec pause = { 0, 2000000 };
	char buf[64];
	int fd, n;

	if (argc < 5)
		return 2;
	use_flock = !strcmp(argv[4], "flock");
	n = atoi(argv[3]);
	fd = open(argv[1], O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		long count = 0;
		ssize_t got;

		if (lock(fd, 1)) {
			perror("lock");
			return 1;
		}
		got = pread(fd, buf, HEADER, 0);
		if (got == HEADER) {
			buf[HEADER] = 0;
			count = atol(buf);
		} else if (got != 0) {
			fprintf(stderr, "short header: %zd\n", got);
			return 1;
		}
		nanosleep(&pause, NULL);
		snprintf(buf, sizeof(buf), "%s %ld\n", argv[2], count);
		if (lseek(fd, got ? 0 : HEADER, got ? SEEK_END : SEEK_SET) < 0 ||
		    write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf)) {
			perror("append");
			return 1;
		}
		snprintf(buf, sizeof(buf), "%015ld\n", count + 1);
		if (pwrite(fd, buf, HEADER, 0) != HEADER) {
			perror("pwrite");
			return 1;
		}
		if (lock(fd, 0)) {
			perror("unlock");
			return 1;
		}
	}
	close(fd);
	return 0;
}
