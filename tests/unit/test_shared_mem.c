// SPDX-License-Identifier: MIT
/*
 * host/shared_mem.c: ENCL_OCALL_SHARED_MEM maps a file MAP_SHARED where
 * the kernel chooses, and unmaps, protects, syncs and remaps only inside
 * the ranges it made, so an enclave cannot make the host act on its own
 * memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "host/host.h"
#include "tests/harness.h"

#define PAGE	4096

static int fd;

static int64_t op(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	const uint64_t args[6] = { nr, a, b, c, d, 0 };

	return encl_host_shared_mem(args);
}

static void setup(void)
{
	char path[] = "/tmp/encl-shared-XXXXXX";

	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	CHECK(ftruncate(fd, 16 * PAGE) == 0);
}

static void test_map_write_unmap(void)
{
	char buf[8] = { 0 };
	int64_t p = op(SYS_mmap, 2 * PAGE, PROT_READ | PROT_WRITE, (uint64_t)fd, 0);

	CHECK(p > 0 && !(p & (PAGE - 1)));
	if (p <= 0)
		return;
	memcpy((char *)(uintptr_t)p + PAGE, "shared", 7);
	CHECK(pread(fd, buf, 7, PAGE) == 7 && !strcmp(buf, "shared"));
	CHECK_EQ_INT(op(SYS_msync, (uint64_t)p, 2 * PAGE, MS_SYNC, 0), 0);
	CHECK_EQ_INT(op(SYS_mprotect, (uint64_t)p, PAGE, PROT_READ, 0), 0);
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p, PAGE, 0, 0), 0);
	/* the page it gave back is no longer its own */
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p, PAGE, 0, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p + PAGE, PAGE, 0, 0), 0);
}

static void test_refused(void)
{
	static char host_memory[4 * PAGE] __attribute__((aligned(PAGE)));
	uint64_t mine = (uint64_t)(uintptr_t)host_memory;
	int64_t p;

	CHECK_EQ_INT(op(SYS_mmap, PAGE, PROT_READ | PROT_EXEC, (uint64_t)fd, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_munmap, mine, PAGE, 0, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_mprotect, mine, PAGE, PROT_READ, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_msync, mine, PAGE, MS_SYNC, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_mremap, mine, PAGE, 2 * PAGE, MREMAP_MAYMOVE), -EINVAL);
	CHECK_EQ_INT(op(SYS_brk, 0, 0, 0, 0), -EINVAL);

	p = op(SYS_mmap, PAGE, PROT_READ | PROT_WRITE, (uint64_t)fd, 0);
	CHECK(p > 0);
	if (p <= 0)
		return;
	/* past its end, unaligned, executable, fixed */
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p, 2 * PAGE, 0, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p + 1, PAGE - 1, 0, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_mprotect, (uint64_t)p, PAGE, PROT_READ | PROT_EXEC, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_mremap, (uint64_t)p, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED), -EINVAL);
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p, PAGE, 0, 0), 0);
}

static void test_remap(void)
{
	int64_t p = op(SYS_mmap, PAGE, PROT_READ | PROT_WRITE, (uint64_t)fd, 0), q;

	CHECK(p > 0);
	if (p <= 0)
		return;
	memcpy((char *)(uintptr_t)p, "kept", 5);
	q = op(SYS_mremap, (uint64_t)p, PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(q > 0);
	if (q <= 0)
		return;
	CHECK(!strcmp((char *)(uintptr_t)q, "kept"));
	/* the new range is its own, whole */
	CHECK_EQ_INT(op(SYS_msync, (uint64_t)q, 8 * PAGE, MS_SYNC, 0), 0);
	if (q != p)
		CHECK_EQ_INT(op(SYS_munmap, (uint64_t)p, PAGE, 0, 0), -EINVAL);
	CHECK_EQ_INT(op(SYS_munmap, (uint64_t)q, 8 * PAGE, 0, 0), 0);
}

int main(void)
{
	HARNESS_PLAN(3);
	setup();
	RUN(test_map_write_unmap);
	RUN(test_refused);
	RUN(test_remap);
	close(fd);
	HARNESS_EXIT();
}
