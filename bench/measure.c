// SPDX-License-Identifier: MIT
/*
 * How fast is MRENCLAVE for an 8 GiB SGX1 heap?
 *
 * Builds in memory the SGX1 layout of an 8 GiB heap (2,097,152 EADD-only
 * pages) plus a TCS and some measured code and data pages, and times
 * encl_layout_measure() against two baselines measured in the same run:
 *
 *  (a) OpenSSL's raw SHA-256 (EVP, 1 MiB updates) over the same number of
 *      bytes: the physical limit. Target: ratio <= 1.3.
 *  (b) The same records hashed with one SHA-256 update per record: what
 *      the batching saves.
 *
 * Each figure is the best of several runs. Not a test: nothing is asserted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "bench/bench.h"
#include "image/layout.h"
#include "sgx/sigstruct.h"

#define HEAP_PAGES	2097152ULL	/* 8 GiB */
#define CODE_PAGES	64ULL		/* measured: 16 EEXTENDs each */
#define REPEAT		3

static uint8_t tcs_page[4096] __attribute__((aligned(4096)));

static void build_layout(struct encl_layout *l, struct encl_segment *seg, uint8_t *code)
{
	struct sgx_tcs *tcs = (struct sgx_tcs *)tcs_page;
	uint64_t i;

	tcs->ossa = 0x1000;
	tcs->nssa = 1;
	tcs->oentry = 0x2000;
	for (i = 0; i < CODE_PAGES * 4096; i++)
		code[i] = (uint8_t)(i * 131 + 7);
	seg[0] = (struct encl_segment){ 0x0, 1, SGX_SECINFO_TCS, 1, tcs_page, ENCL_SEG_TCS };
	seg[1] = (struct encl_segment){ 0x1000, 1, 0x203, 1, NULL, ENCL_SEG_SSA };
	seg[2] = (struct encl_segment){ 0x2000, CODE_PAGES, 0x205, 1, code, ENCL_SEG_IMAGE };
	seg[3] = (struct encl_segment){ 0x2000 + CODE_PAGES * 4096, HEAP_PAGES, 0x203, 0, NULL,
					ENCL_SEG_HEAP };
	*l = (struct encl_layout){ .size = 16ULL << 30, .ssaframesize = 1, .nseg = 4, .seg = seg };
}

static double time_builder(const struct encl_layout *l, uint8_t h[32])
{
	double best = 1e9, t;
	char err[256];
	int r;

	for (r = 0; r < REPEAT; r++) {
		t = bench_now();
		if (encl_layout_measure(l, h, err, sizeof(err))) {
			fprintf(stderr, "bench measure: %s\n", err);
			exit(1);
		}
		t = bench_now() - t;
		best = t < best ? t : best;
	}
	return best;
}

/* The same records, one update each (an EEXTEND record with its 256 bytes). */
static void per_record(const struct encl_layout *l, uint8_t h[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t rec[64 + 256];
	uint64_t p, off, c;
	size_t i;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	memset(rec, 0, 64);
	memcpy(rec, "ECREATE\0", 8);
	memcpy(rec + 8, &l->ssaframesize, 4);
	memcpy(rec + 12, &l->size, 8);
	EVP_DigestUpdate(ctx, rec, 64);
	for (i = 0; i < l->nseg; i++) {
		const struct encl_segment *s = &l->seg[i];

		for (p = 0; p < s->npages; p++) {
			off = s->offset + p * 4096;
			memset(rec, 0, 64);
			memcpy(rec, "EADD\0\0\0\0", 8);
			memcpy(rec + 8, &off, 8);
			memcpy(rec + 16, &s->flags, 8);
			EVP_DigestUpdate(ctx, rec, 64);
			for (c = 0; s->measure && c < 4096; c += 256) {
				uint64_t eoff = off + c;

				memset(rec, 0, 64);
				memcpy(rec, "EEXTEND\0", 8);
				memcpy(rec + 8, &eoff, 8);
				if (s->data)
					memcpy(rec + 64, s->data + p * 4096 + c, 256);
				else
					memset(rec + 64, 0, 256);
				EVP_DigestUpdate(ctx, rec, 64 + 256);
			}
		}
	}
	EVP_DigestFinal_ex(ctx, h, NULL);
	EVP_MD_CTX_free(ctx);
}

static double time_per_record(const struct encl_layout *l, uint8_t h[32])
{
	double best = 1e9, t;
	int r;

	for (r = 0; r < REPEAT; r++) {
		t = bench_now();
		per_record(l, h);
		t = bench_now() - t;
		best = t < best ? t : best;
	}
	return best;
}

int main(void)
{
	struct encl_segment seg[4];
	struct encl_layout l;
	uint8_t h1[32], h2[32];
	char hex[65];
	uint8_t *code = malloc(CODE_PAGES * 4096);
	uint64_t bytes;
	double tb, tr, tp;

	if (!code)
		return 1;
	build_layout(&l, seg, code);
	bytes = bench_record_bytes(&l);
	tb = time_builder(&l, h1);
	tr = bench_raw_sha256(bytes, REPEAT);
	tp = time_per_record(&l, h2);
	sgx_hex(h1, 32, hex);

	printf("layout: SGX1, 8 GiB heap = %llu EADD-only pages, %llu measured pages, SECS.SIZE 16 GiB\n",
	       HEAP_PAGES, CODE_PAGES + 2);
	printf("MRENCLAVE %s (per-record baseline %s)\n", hex,
	       memcmp(h1, h2, 32) ? "DIFFERS" : "agrees");
	printf("SHA-256 input: %.1f MiB of records\n", bytes / 1048576.0);
	printf("encl_layout_measure:        %8.1f ms  %7.0f MiB/s\n", tb * 1e3, bytes / tb / 1048576);
	printf("raw EVP SHA-256, 1 MiB:     %8.1f ms  %7.0f MiB/s\n", tr * 1e3, bytes / tr / 1048576);
	printf("one update per record:      %8.1f ms  %7.0f MiB/s\n", tp * 1e3, bytes / tp / 1048576);
	printf("(a) measure / raw SHA-256        = %.2f  (target <= 1.3)\n", tb / tr);
	printf("(b) per-record updates / measure = %.2f  (what batching saves)\n", tp / tb);
	free(code);
	return memcmp(h1, h2, 32) ? 1 : 0;
}
