/*
 * Two processes talking through one MAP_SHARED mapping of a file, as
 * database processes share a -shm index: shm_pingpong FILE ping|pong
 *
 * ping creates FILE (one page), maps it, writes a message and raises a
 * flag, then waits for pong's reply in the same mapping. pong maps FILE
 * once it is there, waits for the flag, prints the message and answers.
 * Nothing is read with read(): each side sees the other's stores in its
 * own mapping. Waits are polls of at most 60 s (the test's bound, never
 * a timing assertion). Exit 0: the exchange happened; 1: it did not.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096
#define FLAG	0	/* 0, 1: ping wrote, 2: pong answered */
#define PING	64
#define PONG	128

/* Poll @flag for @want, every millisecond, for 60 s at most. */
static int wait_for(volatile unsigned char *p, int want)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 60000; i++) {
		if (__atomic_load_n(p + FLAG, __ATOMIC_ACQUIRE) == want)
			return 0;
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "flag %d never came\n", want);
	return 1;
}

static unsigned char *map(const char *path, int create)
{
	struct timespec ms = { 0, 1000000 };
	struct stat st;
	int fd = -1;
	void *p;

	for (int i = 0; i < 60000 && fd < 0; i++) {
		fd = open(path, O_RDWR | (create ? O_CREAT | O_TRUNC : 0), 0600);
		if (fd >= 0 && !create && (fstat(fd, &st) || st.st_size < PAGE)) {
			close(fd);
			fd = -1;
		}
		if (fd < 0)
			nanosleep(&ms, NULL);
	}
	if (fd < 0 || (create && ftruncate(fd, PAGE))) {
		perror(path);
		return NULL;
	}
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);	/* the mapping stays */
	return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char **argv)
{
	unsigned char *p;

	if (argc < 3)
		return 2;
	p = map(argv[1], !strcmp(argv[2], "ping"));
	if (!p)
		return 1;
	if (!strcmp(argv[2], "ping")) {
		strcpy((char *)p + PING, "ping through the mapping");
		__atomic_store_n(p + FLAG, 1, __ATOMIC_RELEASE);
		if (wait_for(p, 2))
			return 1;
		printf("ping got: %s\n", (char *)p + PONG);
	} else {
		if (wait_for(p, 1))
			return 1;
		printf("pong got: %s\n", (char *)p + PING);
		strcpy((char *)p + PONG, "pong through the mapping");
		__atomic_store_n(p + FLAG, 2, __ATOMIC_RELEASE);
	}
	return munmap(p, PAGE) ? 1 : 0;
}
