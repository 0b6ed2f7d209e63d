/*
 * File mappings as a database uses them, in one process:
 *   mmap_file DIR            private and shared mappings of files in DIR
 *   mmap_file DIR readonly   writes to a PROT_READ private mapping: dies by SIGSEGV
 *   mmap_file DIR pastend    reads a shared mapping past the end of its file:
 *                            natively SIGBUS, in an enclave SIGSEGV (it sees a #PF)
 *   mmap_file DIR straddle   calls on a shared mapping and the page after it
 *                            (in an enclave EINVAL; natively it would unmap
 *                            whatever lies there, so run it only in one)
 *
 * Private: the file's contents, past the end zeros, writes stay in the
 * mapping. Shared: writes reach the file (pread sees them), a pwrite is
 * seen through a read-only shared mapping at once, mremap grows one after
 * ftruncate, msync of shared and of anonymous memory succeeds, mprotect
 * to read-only and back. MAP_SHARED|MAP_ANONYMOUS is plain memory.
 * Then threads map, write, check and unmap shared mappings of one file
 * at once, each its own page.
 * Exit 0: all correct (every line says "ok" or a value); 1: a check failed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE	4096

static int failed;

static void ok(const char *what, int good)
{
	printf("%s: %s\n", what, good ? "ok" : "WRONG");
	if (!good)
		failed = 1;
}

static int make_file(const char *dir, const char *name, const char *text, off_t size)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text) ||
	    (size && ftruncate(fd, size))) {
		perror(path);
		exit(1);
	}
	return fd;
}

static void private_mapping(const char *dir)
{
	int fd = make_file(dir, "private", "private contents", 0);
	char buf[32] = { 0 };
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap private");
		exit(1);
	}
	ok("private: the file's contents", !memcmp(p, "private contents", 16));
	ok("private: zeros past the end of the file", p[16] == 0 && p[PAGE - 1] == 0);
	memcpy(p, "PRIVATE", 7);
	ok("private: a write is seen in the mapping", !memcmp(p, "PRIVATE contents", 16));
	ok("private: the file is unchanged", pread(fd, buf, 16, 0) == 16 && !memcmp(buf, "private contents", 16));
	ok("private: msync", msync(p, PAGE, MS_SYNC) == 0);
	ok("private: munmap", munmap(p, 2 * PAGE) == 0);
	close(fd);
}

static void shared_mapping(const char *dir)
{
	int fd = make_file(dir, "shared", "shared contents", 2 * PAGE);
	char buf[32] = { 0 };
	char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *ro, *q;

	if (p == MAP_FAILED) {
		perror("mmap shared");
		exit(1);
	}
	ok("shared: the file's contents", !memcmp(p, "shared contents", 15));
	memcpy(p + PAGE, "second page", 11);
	memcpy(p, "SHARED", 6);
	ok("shared: msync", msync(p, 2 * PAGE, MS_SYNC) == 0);
	ok("shared: pread sees the write", pread(fd, buf, 15, 0) == 15 && !memcmp(buf, "SHARED contents", 15));
	ok("shared: pread sees the second page", pread(fd, buf, 11, PAGE) == 11 && !memcmp(buf, "second page", 11));

	ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	if (ro == MAP_FAILED) {
		perror("mmap shared read-only");
		exit(1);
	}
	ok("shared read-only: sees the other mapping", !memcmp(ro, "SHARED contents", 15));
	if (pwrite(fd, "pwrite", 6, 0) != 6)
		perror("pwrite");
	ok("shared read-only: sees a pwrite at once", !memcmp(ro, "pwrite contents", 15));
	ok("shared read-only: munmap", munmap(ro, PAGE) == 0);

	ok("shared: mprotect read-only", mprotect(p, 2 * PAGE, PROT_READ) == 0);
	ok("shared: mprotect read-write", mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE) == 0);

	if (ftruncate(fd, 64 * PAGE))
		perror("ftruncate");
	q = mremap(p, 2 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
	ok("shared: mremap grows", q != MAP_FAILED);
	if (q != MAP_FAILED) {
		p = q;
		ok("shared: mremap keeps the contents", !memcmp(p, "pwrite contents", 15) &&
		   !memcmp(p + PAGE, "second page", 11));
		memcpy(p + 63 * PAGE, "last page", 9);
		ok("shared: the grown part reaches the file",
		   pread(fd, buf, 9, 63 * PAGE) == 9 && !memcmp(buf, "last page", 9));
	}
	/* The middle page goes; the pages around it stay. */
	ok("shared: munmap of one page inside", munmap(p + PAGE, PAGE) == 0);
	ok("shared: the first page stays", !memcmp(p, "pwrite contents", 15));
	ok("shared: munmap of the rest", munmap(p, PAGE) == 0 && munmap(p + 2 * PAGE, 62 * PAGE) == 0);
	close(fd);
}

static void shared_anonymous(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap shared anonymous");
		exit(1);
	}
	ok("shared anonymous: zero", p[0] == 0 && p[4 * PAGE - 1] == 0);
	strcpy(p + PAGE, "anonymous");
	ok("shared anonymous: a write is seen", !strcmp(p + PAGE, "anonymous"));
	ok("shared anonymous: msync", msync(p, 4 * PAGE, MS_ASYNC) == 0);
	ok("msync: MS_SYNC with MS_ASYNC refused", msync(p, PAGE, MS_SYNC | MS_ASYNC) == -1);
	ok("msync: an unaligned address refused", msync(p + 1, PAGE, MS_SYNC) == -1);
	ok("shared anonymous: munmap", munmap(p, 4 * PAGE) == 0);
}

#define THREADS	4
#define ROUNDS	100

static int threads_fd;

/* Thread @arg maps its page of the file (with a neighbour, to vary the sizes), writes and checks it. */
static void *thread_maps(void *arg)
{
	long id = (long)arg;
	char want[32], got[32];

	for (int i = 0; i < ROUNDS; i++) {
		size_t len = (i % 2 + 1) * PAGE;
		off_t off = id * 2 * PAGE;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, threads_fd, off);

		if (p == MAP_FAILED)
			return "mmap";
		snprintf(want, sizeof(want), "thread %ld round %d", id, i);
		memcpy(p, want, strlen(want) + 1);
		if (pread(threads_fd, got, strlen(want) + 1, off) != (ssize_t)strlen(want) + 1 ||
		    strcmp(got, want))
			return "pread";
		if (munmap(p, len))
			return "munmap";
	}
	return NULL;
}

static void threads(const char *dir)
{
	pthread_t t[THREADS];
	int good = 1;

	threads_fd = make_file(dir, "threads", "", 2 * THREADS * PAGE);
	for (long i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, thread_maps, (void *)i))
			good = 0;
	for (int i = 0; i < THREADS; i++) {
		void *r = "pthread_create";

		if (good && pthread_join(t[i], &r) == 0 && r)
			printf("thread %d: %s failed\n", i, (char *)r);
		good = good && !r;
	}
	ok("threads: shared mappings made and unmapped at once", good);
	close(threads_fd);
}

/* A new file @name of @size bytes starting with @text, mapped: @len bytes, @prot, @flags. */
static char *map_new(const char *dir, const char *name, const char *text, off_t size, size_t len,
		     int prot, int flags)
{
	int fd = make_file(dir, name, text, size);
	char *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	close(fd);
	return p;
}

/* Say what comes, then read (@write 0) or write one byte at @p: the program should die there. */
static void touch(volatile char *p, int write, const char *what)
{
	printf("%s\n", what);
	fflush(stdout);
	if (write)
		*p = 'W';
	else
		printf("read %d\n", *p);
	printf("the access went through\n");
	exit(1);
}

static void straddle(const char *dir)
{
	char *p = map_new(dir, "straddle", "straddle", PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);

	printf("msync past the end: %d\n", msync(p, 2 * PAGE, MS_SYNC));
	printf("mprotect past the end: %d\n", mprotect(p, 2 * PAGE, PROT_READ));
	printf("munmap past the end: %d\n", munmap(p, 2 * PAGE));
	printf("munmap of the mapping: %d\n", munmap(p, PAGE));
	exit(0);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	if (argc > 2 && !strcmp(argv[2], "readonly"))
		touch(map_new(argv[1], "readonly", "read only", 0, PAGE, PROT_READ, MAP_PRIVATE), 1,
		      "writing to a PROT_READ private mapping");
	if (argc > 2 && !strcmp(argv[2], "pastend"))
		touch(map_new(argv[1], "pastend", "one page", PAGE, 2 * PAGE, PROT_READ, MAP_SHARED) + PAGE, 0,
		      "reading past the end of the file");
	if (argc > 2 && !strcmp(argv[2], "straddle"))
		straddle(argv[1]);
	private_mapping(argv[1]);
	shared_mapping(argv[1]);
	shared_anonymous();
	threads(argv[1]);
	return failed;
}
