// SPDX-License-Identifier: MIT
/*
 * "encl layout v1" dumps: the vectors' layout files measure to their
 * MRENCLAVEs, the writer round-trips and coalesces, and every kind of bad
 * layout or image is refused with the file and line named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/testutil.h"
#include "image/dump.h"
#include "sgx/sigstruct.h"

static char tmpdir[] = "/tmp/encl-test-dump-XXXXXX";

static void expected_hash(const char *name, char hex[65])
{
	CHECK_EQ_INT(testutil_vector_mrenclave(name, hex), 0);
}

static void measure_hex(const struct encl_layout *l, char hex[65])
{
	uint8_t h[SGX_HASH_SIZE];
	char err[512] = "";

	hex[0] = '\0';
	CHECK_EQ_INT(encl_layout_measure(l, h, err, sizeof(err)), 0);
	if (err[0])
		fprintf(stderr, "  %s\n", err);
	else
		sgx_hex(h, sizeof(h), hex);
}

static void check_vector(const char *name)
{
	char lpath[4096], ipath[4096], err[512] = "", got[65], want[65];
	struct encl_layout l;

	testutil_vector_path(lpath, sizeof(lpath), name, "layout");
	testutil_vector_path(ipath, sizeof(ipath), name, "img");
	CHECK_EQ_INT(encl_layout_read(lpath, ipath, &l, err, sizeof(err)), 0);
	if (err[0]) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	measure_hex(&l, got);
	expected_hash(name, want);
	CHECK_STR_CONTAINS(got, want);
	CHECK(strlen(got) == 64);
	encl_layout_free(&l);
}

static void test_vector_a(void) { check_vector("a"); }
static void test_vector_b(void) { check_vector("b"); }
static void test_vector_c(void) { check_vector("c"); }

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ_INT(fwrite(data, 1, len, f), len);
	fclose(f);
}

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* Vector b through the writer and back: same hash, same text. */
static void test_write_round_trip(void)
{
	char lpath[4096], ipath[4096], dir[2048], err[512] = "", got[65], want[65];
	char a[4096], b[4096];
	struct encl_layout l, back;

	testutil_vector_path(lpath, sizeof(lpath), "b", "layout");
	testutil_vector_path(ipath, sizeof(ipath), "b", "img");
	CHECK_EQ_INT(encl_layout_read(lpath, ipath, &l, err, sizeof(err)), 0);
	snprintf(dir, sizeof(dir), "%s/dump-b", tmpdir);
	CHECK_EQ_INT(encl_dump_write(&l, dir, err, sizeof(err)), 0);
	CHECK_EQ_INT(encl_dump_read(dir, &back, err, sizeof(err)), 0);
	measure_hex(&back, got);
	expected_hash("b", want);
	CHECK_STR_CONTAINS(got, want);
	CHECK_EQ_INT(back.nseg, 4);
	encl_layout_free(&back);
	encl_layout_free(&l);

	/* The vector's own text, byte for byte. */
	snprintf(ipath, sizeof(ipath), "%s/layout", dir);
	slurp(lpath, a, sizeof(a));
	slurp(ipath, b, sizeof(b));
	CHECK(strcmp(a, b) == 0);
}

/* A huge heap split in pieces is one line, and still measures. */
static void test_write_coalesces(void)
{
	static uint8_t page[4096];
	struct encl_segment seg[] = {
		{ 0x0, 1, SGX_SECINFO_TCS, 1, page, ENCL_SEG_TCS },
		{ 0x1000, 1, 0x203, 1, page, ENCL_SEG_STACK },
		{ 0x2000, 1, 0x203, 1, page, ENCL_SEG_STACK },
		{ 0x3000, 1ULL << 20, 0x203, 0, NULL, ENCL_SEG_HEAP },
		{ 0x3000 + (1ULL << 32), 1ULL << 20, 0x203, 0, NULL, ENCL_SEG_HEAP },
		{ 0x3000 + (2ULL << 32), 3, 0x201, 0, NULL, ENCL_SEG_HEAP },
	};
	struct encl_layout l = { .size = 1ULL << 36, .ssaframesize = 1, .nseg = 6, .seg = seg };
	struct encl_layout back;
	char dir[2048], path[4096], text[4096], err[512] = "", h1[65], h2[65];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s/dump-heap", tmpdir);
	CHECK_EQ_INT(encl_dump_write(&l, dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/layout", dir);
	slurp(path, text, sizeof(text));
	CHECK_STR_CONTAINS(text, "seg 0x1000 2 0x203 1 data\t# stack\n");
	CHECK_STR_CONTAINS(text, "seg 0x3000 2097152 0x203 0 zero\t# heap\n");
	CHECK_STR_CONTAINS(text, "seg 0x200003000 3 0x201 0 zero\t# heap\n");
	snprintf(path, sizeof(path), "%s/image", dir);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_size, 3 * 4096);

	CHECK_EQ_INT(encl_dump_read(dir, &back, err, sizeof(err)), 0);
	CHECK_EQ_INT(back.nseg, 4);
	measure_hex(&l, h1);
	measure_hex(&back, h2);
	CHECK(strlen(h1) == 64 && strcmp(h1, h2) == 0);
	encl_layout_free(&back);
}

static void test_write_errors(void)
{
	struct encl_layout l = { .size = 0x10000, .ssaframesize = 1 };
	char dir[4096], err[512] = "";

	snprintf(dir, sizeof(dir), "%s/no/such/dir", tmpdir);
	CHECK_EQ_INT(encl_dump_write(&l, dir, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, dir);
}

/* ---- bad layouts ---------------------------------------------------------- */

#define HEAD "# encl layout v1\nsize 0x20000\nssaframesize 1\n"

/* Parse @text (with an empty image) and expect an error containing "FILE:LINE: msg". */
static void expect_layout_error(const char *text, int line, const char *msg)
{
	char lpath[4096], ipath[4096], err[512] = "", where[4200];
	struct encl_layout l;

	snprintf(lpath, sizeof(lpath), "%s/bad.layout", tmpdir);
	snprintf(ipath, sizeof(ipath), "%s/empty.img", tmpdir);
	write_file(lpath, text, strlen(text));
	write_file(ipath, "", 0);
	CHECK_EQ_INT(encl_layout_read(lpath, ipath, &l, err, sizeof(err)), -1);
	if (line)
		snprintf(where, sizeof(where), "%s:%d: ", lpath, line);
	else
		snprintf(where, sizeof(where), "%s: ", lpath);
	CHECK_STR_CONTAINS(err, where);
	CHECK_STR_CONTAINS(err, msg);
	CHECK(l.seg == NULL && l.owned == NULL);
}

static void test_malformed_lines(void)
{
	expect_layout_error(HEAD "seg 0x0 1 0x203 1\n", 4, "malformed line");
	expect_layout_error(HEAD "seg 0x0 1 0x203 1 zero extra\n", 4, "malformed line");
	expect_layout_error(HEAD "seg 0x0 1 0x203 1 zero 1 2 3 4 5\n", 4, "malformed line");
	expect_layout_error("size\n", 1, "malformed line");
	expect_layout_error("size 0x10000 0x20000\n", 1, "malformed line");
	expect_layout_error(HEAD "\n\nfrobnicate 3\n", 6, "unknown keyword 'frobnicate'");
	expect_layout_error(HEAD "SEG 0x0 1 0x203 1 zero\n", 4, "unknown keyword");
	expect_layout_error(HEAD "seg 0x0 1 0x203 1 ones\n", 4, "neither 'data' nor 'zero'");
	expect_layout_error(HEAD "seg 0x0 1 0x203 2 zero\n", 4, "MEASURE must be 0 or 1");
	expect_layout_error("size 0x20000\nsize 0x20000\n", 2, "size given twice (first on line 1)");
	expect_layout_error("ssaframesize 1\nssaframesize 2\n", 2, "twice");
	expect_layout_error("ssaframesize 0\n", 1, "ssaframesize 0");
}

static void test_bad_numbers(void)
{
	expect_layout_error(HEAD "seg 0x 1 0x203 1 zero\n", 4, "bad number '0x' for OFFSET");
	expect_layout_error(HEAD "seg 0x0 -1 0x203 1 zero\n", 4, "bad number '-1' for NPAGES");
	expect_layout_error(HEAD "seg 0x0 +1 0x203 1 zero\n", 4, "bad number '+1'");
	expect_layout_error(HEAD "seg 0x0 12abc 0x203 1 zero\n", 4, "bad number '12abc'");
	expect_layout_error(HEAD "seg 0x0 1 0x2g3 1 zero\n", 4, "for FLAGS");
	expect_layout_error("size 0x10000000000000000\n", 1, "bad number");
	expect_layout_error("size 99999999999999999999\n", 1, "bad number");
	expect_layout_error("ssaframesize 0x100000000\n", 1, "between 1 and");
}

static void test_segments_out_of_order(void)
{
	expect_layout_error(HEAD "seg 0x2000 1 0x203 0 zero\nseg 0x1000 1 0x203 0 zero\n",
			    5, "out of order or overlaps the previous one, which ends at 0x3000");
	expect_layout_error(HEAD "seg 0x1000 2 0x203 0 zero\nseg 0x2000 1 0x203 0 zero\n",
			    5, "overlaps");
	expect_layout_error(HEAD "seg 0x1000 1 0x203 0 zero\nseg 0x1000 1 0x203 0 zero\n",
			    5, "overlaps");
}

static void test_segment_rules(void)
{
	expect_layout_error(HEAD "seg 0x1000 0 0x203 0 zero\n", 4, "zero pages");
	expect_layout_error(HEAD "seg 0x1800 1 0x203 0 zero\n", 4, "not page aligned");
	expect_layout_error(HEAD "seg 0x1f000 2 0x203 0 zero\n", 4, "beyond size 0x20000");
	expect_layout_error("ssaframesize 1\nseg 0x0 0x40 0x203 0 zero  # heap\nsize 0x20000\n",
			    2, "segment ends at 0x40000, beyond size");
	expect_layout_error(HEAD "seg 0xfffffffffffff000 2 0x203 0 zero\n", 4, "past the end");
	expect_layout_error(HEAD "seg 0x0 1 0x107 1 zero\n", 4, "TCS page must have R, W and X clear");
	expect_layout_error(HEAD "seg 0x0 1 0x20b 0 zero\n", 4, "PENDING");
	expect_layout_error(HEAD "seg 0x0 1 0x202 0 zero\n", 4, "W without R");
	expect_layout_error(HEAD "seg 0x0 1 0x403 0 zero\n", 4, "PT_TRIM");
	expect_layout_error(HEAD "seg 0x0 1 0x10203 0 zero\n", 4, "reserved");
}

static void test_size_rules(void)
{
	expect_layout_error("size 0x30000\n", 1, "not a power of two");
	expect_layout_error("size 0x1000\n", 1, "minimum of 8 KiB");
	expect_layout_error("# nothing\nssaframesize 1\n", 0, "missing 'size' line");
	expect_layout_error("size 0x2000 # SECS.SIZE\n", 0, "missing 'ssaframesize' line");
	expect_layout_error("", 0, "missing 'size'");
}

/* ---- bad images ---------------------------------------------------------- */

static void expect_image_error(const char *name, long delta, const char *msg)
{
	char lpath[4096], ipath[4096], err[512] = "";
	static uint8_t img[12288 + 8];
	struct encl_layout l;

	testutil_vector_path(lpath, sizeof(lpath), name, "layout");
	snprintf(ipath, sizeof(ipath), "%s/wrong.img", tmpdir);
	write_file(ipath, img, 12288 + delta);
	CHECK_EQ_INT(encl_layout_read(lpath, ipath, &l, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, ipath);
	CHECK_STR_CONTAINS(err, msg);
}

static void test_truncated_image(void)
{
	expect_image_error("a", -1, "truncated image: 12287 bytes");
	expect_image_error("b", -4096, "truncated image");
}

static void test_trailing_bytes(void)
{
	expect_image_error("a", 1, "1 trailing bytes");
	expect_image_error("c", 8, "8 trailing bytes");
}

static void test_missing_files(void)
{
	char lpath[4096], err[512] = "";
	struct encl_layout l;

	testutil_vector_path(lpath, sizeof(lpath), "a", "layout");
	CHECK_EQ_INT(encl_layout_read(lpath, "/nonexistent/x.img", &l, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "/nonexistent/x.img: cannot read: No such file");
	CHECK_EQ_INT(encl_layout_read("/nonexistent/x.layout", lpath, &l, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "/nonexistent/x.layout: cannot read");
}

/* Architectural errors that only the measurement sees still come back as text. */
static void test_measure_errors(void)
{
	struct encl_segment seg[] = {
		{ 0x0, 2, 0x203, 0, NULL, ENCL_SEG_HEAP },
		{ 0x1000, 1, 0x203, 0, NULL, ENCL_SEG_HEAP },
	};
	struct encl_layout l = { .size = 0x10000, .ssaframesize = 1, .nseg = 2, .seg = seg };
	uint8_t h[SGX_HASH_SIZE];
	char err[512] = "";

	CHECK_EQ_INT(encl_layout_measure(&l, h, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "0x1000: page already added");
	l.size = 0x30000;
	CHECK_EQ_INT(encl_layout_measure(&l, h, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "not a power of two");
}

int main(void)
{
	HARNESS_PLAN(15);
	/* gcc's -Wformat-overflow sees harness.h print a reason that is never set. */
	harness_skip_reason = "";
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_vector_a);
	RUN(test_vector_b);
	RUN(test_vector_c);
	RUN(test_write_round_trip);
	RUN(test_write_coalesces);
	RUN(test_write_errors);
	RUN(test_malformed_lines);
	RUN(test_bad_numbers);
	RUN(test_segments_out_of_order);
	RUN(test_segment_rules);
	RUN(test_size_rules);
	RUN(test_truncated_image);
	RUN(test_trailing_bytes);
	RUN(test_missing_files);
	RUN(test_measure_errors);
	testutil_rmtree(tmpdir);
	HARNESS_EXIT();
}
