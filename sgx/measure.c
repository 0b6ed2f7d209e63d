// SPDX-License-Identifier: MIT
/*
 * The MRENCLAVE builder (SDM 38.1: ECREATE, EADD, EEXTEND).
 *
 * The CPU folds 64-byte records (and, for EEXTEND, 256 data bytes) into a
 * SHA-256. An 8 GiB SGX1 heap is two million EADD records, so the records
 * are written into one large batch buffer and handed to SHA-256 in big
 * updates: per-update overhead would otherwise dominate.
 *
 * Added pages are remembered as a sorted array of coalesced [start, end)
 * ranges. Layouts EADD in increasing order almost always, so this stays a
 * handful of entries however large ELRANGE is, and appending is O(1).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "sgx/measure.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "records are built with native stores; SGX is little endian");

#define MEASURE_RECORD_SIZE	64
#define MEASURE_EEXTEND_CHUNK	256
#define MEASURE_BATCH_SIZE	(256 * 1024)

enum measure_state {
	MEASURE_NEW,		/* waiting for ECREATE */
	MEASURE_CREATED,	/* EADD/EEXTEND accepted */
	MEASURE_DONE,		/* finalized or failed: refuses everything */
};

struct measure_range {
	uint64_t start, end;	/* bytes from the enclave base, page aligned */
};

struct sgx_measure {
	enum measure_state state;
	uint64_t size;			/* SECS.SIZE */
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	uint8_t *batch;
	size_t batch_len;
	struct measure_range *added;	/* sorted, disjoint, never adjacent */
	size_t nadded, added_cap;
	char error[192];
};

static int measure_fail(struct sgx_measure *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int measure_fail(struct sgx_measure *m, const char *fmt, ...)
{
	va_list ap;

	/* Keep the first error: later ones are usually its consequences. */
	if (!m->error[0]) {
		va_start(ap, fmt);
		vsnprintf(m->error, sizeof(m->error), fmt, ap);
		va_end(ap);
	}
	m->state = MEASURE_DONE;
	return -1;
}

struct sgx_measure *sgx_measure_new(void)
{
	struct sgx_measure *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	m->ctx = EVP_MD_CTX_new();
	m->batch = malloc(MEASURE_BATCH_SIZE);
	if (!m->md || !m->ctx || !m->batch ||
	    !EVP_DigestInit_ex(m->ctx, m->md, NULL)) {
		sgx_measure_free(m);
		return NULL;
	}
	return m;
}

void sgx_measure_free(struct sgx_measure *m)
{
	if (!m)
		return;
	EVP_MD_CTX_free(m->ctx);
	EVP_MD_free(m->md);
	free(m->batch);
	free(m->added);
	free(m);
}

const char *sgx_measure_error(const struct sgx_measure *m)
{
	return m->error[0] ? m->error : "no error";
}

/* ---- the batch buffer --------------------------------------------------- */

static int measure_flush(struct sgx_measure *m)
{
	if (m->batch_len && !EVP_DigestUpdate(m->ctx, m->batch, m->batch_len))
		return measure_fail(m, "SHA-256 update failed");
	m->batch_len = 0;
	return 0;
}

/* Room for @n bytes of records at the end of the batch, or NULL. */
static uint8_t *measure_reserve(struct sgx_measure *m, size_t n)
{
	uint8_t *p;

	if (m->batch_len + n > MEASURE_BATCH_SIZE && measure_flush(m))
		return NULL;
	p = m->batch + m->batch_len;
	m->batch_len += n;
	return p;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* "EADD\0\0\0\0" | offset | SECINFO bytes 0-47 (FLAGS, then zeros) */
static void eadd_record(uint8_t rec[MEASURE_RECORD_SIZE], uint64_t offset, uint64_t flags)
{
	memset(rec, 0, MEASURE_RECORD_SIZE);
	memcpy(rec, "EADD\0\0\0\0", 8);
	put_u64(rec + 8, offset);
	put_u64(rec + 16, flags);
}

/* ---- the set of added pages --------------------------------------------- */

/* Index of the first range ending above @off (nadded if none). */
static size_t added_search(const struct sgx_measure *m, uint64_t off)
{
	size_t lo = 0, hi = m->nadded;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->added[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int added_contains(const struct sgx_measure *m, uint64_t off)
{
	size_t i;

	/* The page just added is by far the most common EEXTEND target. */
	if (m->nadded && off >= m->added[m->nadded - 1].start &&
	    off < m->added[m->nadded - 1].end)
		return 1;
	i = added_search(m, off);
	return i < m->nadded && m->added[i].start <= off;
}

static int added_grow(struct sgx_measure *m)
{
	size_t cap = m->added_cap ? 2 * m->added_cap : 16;
	struct measure_range *r = realloc(m->added, cap * sizeof(*r));

	if (!r)
		return -1;
	m->added = r;
	m->added_cap = cap;
	return 0;
}

/*
 * Record [start, end) as added. Returns 1 when part of it already was,
 * -1 when out of memory, 0 otherwise.
 */
static int added_insert(struct sgx_measure *m, uint64_t start, uint64_t end)
{
	struct measure_range *r;
	size_t i, n = m->nadded;

	/* Fast path: at or after the end of everything added so far. */
	if (n && start == m->added[n - 1].end) {
		m->added[n - 1].end = end;
		return 0;
	}
	i = (n && start > m->added[n - 1].end) ? n : added_search(m, start);
	if (i < n && m->added[i].start < end)
		return 1;

	r = m->added;
	if (i > 0 && r[i - 1].end == start) {
		r[i - 1].end = end;
		if (i < n && r[i].start == end) {
			r[i - 1].end = r[i].end;
			memmove(&r[i], &r[i + 1], (n - i - 1) * sizeof(*r));
			m->nadded--;
		}
		return 0;
	}
	if (i < n && r[i].start == end) {
		r[i].start = start;
		return 0;
	}
	if (n == m->added_cap && added_grow(m))
		return -1;
	r = m->added;
	memmove(&r[i + 1], &r[i], (n - i) * sizeof(*r));
	r[i].start = start;
	r[i].end = end;
	m->nadded++;
	return 0;
}

/* ---- the architectural rules ---------------------------------------------- */

int sgx_secinfo_check_eadd(uint64_t flags, const char **why)
{
	uint64_t perm = flags & SGX_SECINFO_PERM_MASK;
	const char *w = NULL;

	if (flags & SGX_SECINFO_RESERVED_MASK)
		w = "reserved SECINFO.FLAGS bits are set";
	else if (flags & SGX_SECINFO_PENDING)
		w = "PENDING is set (EADD adds a page in its final state; only EAUG makes pending pages)";
	else if (flags & SGX_SECINFO_MODIFIED)
		w = "MODIFIED is set (only EMODT makes modified pages)";
	else if (flags & SGX_SECINFO_PR)
		w = "PR is set (only EMODPR makes permission-restricted pages)";
	else if (sgx_secinfo_pt(flags) == SGX_PT_TCS) {
		if (perm)
			w = "a TCS page must have R, W and X clear (the EPCM gives a TCS no permissions)";
	} else if (sgx_secinfo_pt(flags) == SGX_PT_REG) {
		if ((perm & SGX_SECINFO_W) && !(perm & SGX_SECINFO_R))
			w = "W without R is not a valid page permission";
	} else if (sgx_secinfo_pt(flags) == SGX_PT_SECS) {
		w = "PT_SECS: ECREATE makes the SECS, EADD adds only PT_REG and PT_TCS pages";
	} else if (sgx_secinfo_pt(flags) == SGX_PT_TRIM) {
		w = "PT_TRIM: only EMODT makes trimmed pages, EADD adds only PT_REG and PT_TCS pages";
	} else {
		w = "EADD adds only PT_REG and PT_TCS pages";
	}
	if (why)
		*why = w;
	return w ? -1 : 0;
}

int sgx_secs_check_size(uint64_t size, const char **why)
{
	const char *w = NULL;

	if (size < SGX_MIN_ENCLAVE_SIZE)
		w = "SECS.SIZE is below the minimum of 8 KiB (0x2000)";
	else if (size & (size - 1))
		w = "SECS.SIZE is not a power of two";
	if (why)
		*why = w;
	return w ? -1 : 0;
}

static int measure_usable(struct sgx_measure *m, const char *op)
{
	if (m->state == MEASURE_CREATED)
		return 0;
	if (m->state == MEASURE_NEW)
		return measure_fail(m, "%s before ECREATE", op);
	if (!m->error[0])
		measure_fail(m, "%s after the measurement was finalized", op);
	return -1;
}

/* EADD's checks on a run of @count pages; on success the run is recorded as added. */
static int measure_check_eadd(struct sgx_measure *m, uint64_t offset, uint64_t count,
			      uint64_t flags)
{
	const char *why;
	int r;

	if (measure_usable(m, "EADD"))
		return -1;
	if (sgx_secinfo_check_eadd(flags, &why))
		return measure_fail(m, "EADD at offset 0x%llx, SECINFO.FLAGS 0x%llx: %s",
				    (unsigned long long)offset, (unsigned long long)flags, why);
	if (offset & (SGX_PAGE_SIZE - 1))
		return measure_fail(m, "EADD at offset 0x%llx: not page aligned",
				    (unsigned long long)offset);
	if (count == 0)
		return measure_fail(m, "EADD at offset 0x%llx: zero pages",
				    (unsigned long long)offset);
	if (offset >= m->size || count > (m->size - offset) / SGX_PAGE_SIZE)
		return measure_fail(m, "EADD of %llu page(s) at offset 0x%llx: outside ELRANGE (SECS.SIZE 0x%llx)",
				    (unsigned long long)count, (unsigned long long)offset,
				    (unsigned long long)m->size);
	r = added_insert(m, offset, offset + count * SGX_PAGE_SIZE);
	if (r < 0)
		return measure_fail(m, "out of memory");
	if (r > 0)
		return measure_fail(m, "EADD at offset 0x%llx: page already added",
				    (unsigned long long)offset);
	return 0;
}

/* ---- the instructions ------------------------------------------------------ */

int sgx_measure_ecreate(struct sgx_measure *m, uint32_t ssaframesize, uint64_t size)
{
	const char *why;
	uint8_t *rec;

	if (m->state != MEASURE_NEW)
		return measure_fail(m, "ECREATE twice, or after an error");
	if (sgx_secs_check_size(size, &why))
		return measure_fail(m, "ECREATE with SECS.SIZE 0x%llx: %s",
				    (unsigned long long)size, why);
	if (ssaframesize == 0)
		return measure_fail(m, "ECREATE with SSAFRAMESIZE 0: each SSA frame needs at least one page");

	/* "ECREATE\0" | SSAFRAMESIZE u32 | SIZE u64 | zeros */
	rec = measure_reserve(m, MEASURE_RECORD_SIZE);
	if (!rec)
		return -1;
	memset(rec, 0, MEASURE_RECORD_SIZE);
	memcpy(rec, "ECREATE\0", 8);
	put_u32(rec + 8, ssaframesize);
	put_u64(rec + 12, size);
	m->size = size;
	m->state = MEASURE_CREATED;
	return 0;
}

int sgx_measure_eadd(struct sgx_measure *m, uint64_t offset, uint64_t flags)
{
	uint8_t *rec;

	if (measure_check_eadd(m, offset, 1, flags))
		return -1;
	rec = measure_reserve(m, MEASURE_RECORD_SIZE);
	if (!rec)
		return -1;
	eadd_record(rec, offset, flags);
	return 0;
}

int sgx_measure_eextend(struct sgx_measure *m, uint64_t offset, const void *chunk)
{
	uint8_t *rec;

	if (measure_usable(m, "EEXTEND"))
		return -1;
	if (offset & (MEASURE_EEXTEND_CHUNK - 1))
		return measure_fail(m, "EEXTEND at offset 0x%llx: not 256-byte aligned",
				    (unsigned long long)offset);
	if (!added_contains(m, offset & ~(SGX_PAGE_SIZE - 1)))
		return measure_fail(m, "EEXTEND at offset 0x%llx: the page was not added",
				    (unsigned long long)offset);

	/* "EEXTEND\0" | offset | zeros, then the 256 bytes measured */
	rec = measure_reserve(m, MEASURE_RECORD_SIZE + MEASURE_EEXTEND_CHUNK);
	if (!rec)
		return -1;
	memset(rec, 0, MEASURE_RECORD_SIZE);
	memcpy(rec, "EEXTEND\0", 8);
	put_u64(rec + 8, offset);
	if (chunk)
		memcpy(rec + MEASURE_RECORD_SIZE, chunk, MEASURE_EEXTEND_CHUNK);
	else
		memset(rec + MEASURE_RECORD_SIZE, 0, MEASURE_EEXTEND_CHUNK);
	return 0;
}

int sgx_measure_add_page(struct sgx_measure *m, uint64_t offset, uint64_t flags,
			 const void *page, int measure)
{
	const uint8_t *p = page;
	uint64_t off;

	if (sgx_measure_eadd(m, offset, flags))
		return -1;
	if (!measure)
		return 0;
	for (off = 0; off < SGX_PAGE_SIZE; off += MEASURE_EEXTEND_CHUNK)
		if (sgx_measure_eextend(m, offset + off, p ? p + off : NULL))
			return -1;
	return 0;
}

int sgx_measure_add_unmeasured(struct sgx_measure *m, uint64_t offset, uint64_t count,
			       uint64_t flags)
{
	uint8_t tmpl[MEASURE_RECORD_SIZE];

	/* One check and one range for the whole run, then only records. */
	if (measure_check_eadd(m, offset, count, flags))
		return -1;
	eadd_record(tmpl, offset, flags);
	while (count) {
		size_t room = (MEASURE_BATCH_SIZE - m->batch_len) / MEASURE_RECORD_SIZE;
		uint8_t *p;

		if (!room) {
			if (measure_flush(m))
				return -1;
			continue;
		}
		if (room > count)
			room = count;
		p = m->batch + m->batch_len;
		m->batch_len += room * MEASURE_RECORD_SIZE;
		count -= room;
		for (; room; room--, p += MEASURE_RECORD_SIZE, offset += SGX_PAGE_SIZE) {
			memcpy(p, tmpl, MEASURE_RECORD_SIZE);
			put_u64(p + 8, offset);
		}
	}
	return 0;
}

int sgx_measure_finalize(struct sgx_measure *m, uint8_t mrenclave[SGX_HASH_SIZE])
{
	unsigned int len = 0;

	if (measure_usable(m, "finalize"))
		return -1;
	if (measure_flush(m))
		return -1;
	m->state = MEASURE_DONE;
	if (!EVP_DigestFinal_ex(m->ctx, mrenclave, &len) || len != SGX_HASH_SIZE)
		return measure_fail(m, "SHA-256 final failed");
	return 0;
}
