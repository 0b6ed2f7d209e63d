// SPDX-License-Identifier: MIT
/*
 * mbed TLS's memory while the enclave attests (MBEDTLS_PLATFORM_MEMORY,
 * mbedtls/encl_config.h): attestation runs before main(), before musl's
 * allocator may be used, so mbed TLS takes its memory from one block the
 * runtime gives it. A bump allocator: a block freed last is given back,
 * the others stay used until the end; every block is wiped when freed and
 * the whole arena when attestation ends, so no key material is left.
 */
#include <string.h>

#include <mbedtls/platform.h>
#include <mbedtls/platform_util.h>

#include "enclave/attest/attest.h"

#define ALIGN	16

struct block_head {
	uint64_t size;
	uint64_t pad;
};

static struct {
	uint8_t *base;
	uint64_t size, used, peak;
} arena;

static void *arena_calloc(size_t n, size_t size)
{
	struct block_head *h;
	uint64_t len;

	if (size && n > (UINT64_MAX - ALIGN - sizeof(*h)) / size)
		return NULL;
	len = ((uint64_t)n * size + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
	if (len + sizeof(*h) > arena.size - arena.used)
		return NULL;	/* mbed TLS reports MBEDTLS_ERR_*_ALLOC_FAILED */
	h = (struct block_head *)(arena.base + arena.used);
	h->size = len;
	arena.used += sizeof(*h) + len;
	if (arena.used > arena.peak)
		arena.peak = arena.used;
	memset(h + 1, 0, len);
	return h + 1;
}

static void arena_free(void *p)
{
	struct block_head *h = (struct block_head *)p - 1;

	if (!p)
		return;
	mbedtls_platform_zeroize(p, h->size);
	if ((uint8_t *)p + h->size == arena.base + arena.used)
		arena.used -= sizeof(*h) + h->size;
}

void attest_arena_begin(void *mem, uint64_t size)
{
	arena.base = mem;
	arena.size = size;
	arena.used = arena.peak = 0;
	mbedtls_platform_set_calloc_free(arena_calloc, arena_free);
}

uint64_t attest_arena_end(void)
{
	mbedtls_platform_zeroize(arena.base, arena.peak);
	return arena.peak;
}
