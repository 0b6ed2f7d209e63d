// SPDX-License-Identifier: MIT
/*
 * What the two backends share (host/backend.c): the ELRANGE reservation,
 * naturally aligned with nothing around it left mapped, and the failure
 * record.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/harness.h"
#include "host/backend.h"

/* The real calls, recorded: what was mapped, and how much was given back. */
static uintptr_t mapped;
static size_t mapped_len, unmapped_len;
static int map_errno;		/* nonzero: the mmap fails with it */

static void *rec_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	void *p;

	if (map_errno) {
		errno = map_errno;
		return MAP_FAILED;
	}
	p = mmap(addr, len, prot, flags, fd, off);
	mapped = (uintptr_t)p;
	mapped_len = len;
	return p;
}

static int rec_munmap(void *addr, size_t len)
{
	/* Only the parts of the reservation that stick out are given back. */
	CHECK((uintptr_t)addr >= mapped && (uintptr_t)addr + len <= mapped + mapped_len);
	unmapped_len += len;
	return munmap(addr, len);
}

static void test_reserve_aligned(void)
{
	static const uint64_t sizes[] = {
		0x2000, 0x200000, 1ULL << 30, 64ULL << 30,
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t size = sizes[i];
		uint8_t *base;

		mapped = 0;
		unmapped_len = 0;
		base = encl_reserve_elrange(size, rec_mmap, rec_munmap);
		CHECK(base != NULL);
		if (!base)
			continue;
		CHECK_EQ_INT((uintptr_t)base & (size - 1), 0);
		CHECK_EQ_INT(mapped_len, 2 * size);
		CHECK((uintptr_t)base >= mapped && (uintptr_t)base + size <= mapped + 2 * size);
		/* Exactly the reservation remains: the rest went back. */
		CHECK_EQ_INT(unmapped_len, size);
		/* The reservation itself is still mapped. */
		CHECK_EQ_INT(mprotect(base, 0x1000, PROT_NONE), 0);
		CHECK_EQ_INT(munmap(base, size), 0);
	}
}

static void test_reserve_refused(void)
{
	errno = 0;
	CHECK(encl_reserve_elrange(0, rec_mmap, rec_munmap) == NULL);
	CHECK_EQ_INT(errno, EINVAL);
	errno = 0;
	CHECK(encl_reserve_elrange(0x3000, rec_mmap, rec_munmap) == NULL);
	CHECK_EQ_INT(errno, EINVAL);
	errno = 0;
	CHECK(encl_reserve_elrange(1ULL << 63, rec_mmap, rec_munmap) == NULL);
	CHECK_EQ_INT(errno, EINVAL);
	/* The mmap's own failure comes back as it is. */
	map_errno = ENOMEM;
	errno = 0;
	CHECK(encl_reserve_elrange(0x2000, rec_mmap, rec_munmap) == NULL);
	CHECK_EQ_INT(errno, ENOMEM);
	map_errno = 0;
}

static void test_fail_record(void)
{
	struct encl_enclave e;

	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(encl_backend_fail(&e, EPERM, SGX_INVALID_SIGNATURE, "EINIT: %s %d", "x", 7), -1);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_SIGNATURE);
	CHECK_STR_CONTAINS(e.err, "EINIT: x 7");
	/* A later failure without an SGX code does not keep the old one. */
	CHECK_EQ_INT(encl_backend_fail(&e, EINVAL, 0, "map"), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(e.sgx_result, 0);
	CHECK(!strcmp(e.err, "map"));
}

int main(void)
{
	HARNESS_PLAN(3);
	RUN(test_reserve_aligned);
	RUN(test_reserve_refused);
	RUN(test_fail_record);
	HARNESS_EXIT();
}
