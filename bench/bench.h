/* SPDX-License-Identifier: MIT */
/*
 * What the benchmarks share: a monotonic clock, the number of bytes SHA-256
 * sees for a layout, and OpenSSL's raw SHA-256 over that many bytes, the
 * physical limit the MRENCLAVE figures are compared with.
 */
#ifndef ENCL_BENCH_H
#define ENCL_BENCH_H

#include <stdint.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>

#include "image/layout.h"

/* CLOCK_MONOTONIC in seconds. */
static inline double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bytes SHA-256 sees for @l: 64 for ECREATE and per EADD, 64 + 256 per EEXTEND. */
static inline uint64_t bench_record_bytes(const struct encl_layout *l)
{
	uint64_t n = 64;
	size_t i;

	for (i = 0; i < l->nseg; i++)
		n += l->seg[i].npages * (64 + (l->seg[i].measure ? 16 * (64 + 256) : 0));
	return n;
}

/* Best of @repeat runs of OpenSSL's SHA-256 over @bytes bytes, 1 MiB per update. */
static inline double bench_raw_sha256(uint64_t bytes, int repeat)
{
	static uint8_t buf[1 << 20];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	double best = 1e9, t;
	uint8_t h[32];
	uint64_t left;
	size_t n;
	int r;

	memset(buf, 0x5a, sizeof(buf));
	for (r = 0; r < repeat; r++) {
		t = bench_now();
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
		for (left = bytes; left; left -= n) {
			n = left < sizeof(buf) ? left : sizeof(buf);
			EVP_DigestUpdate(ctx, buf, n);
		}
		EVP_DigestFinal_ex(ctx, h, NULL);
		t = bench_now() - t;
		best = t < best ? t : best;
	}
	EVP_MD_CTX_free(ctx);
	return best;
}

#endif
