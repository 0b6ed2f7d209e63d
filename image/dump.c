// SPDX-License-Identifier: MIT
/*
 * Reading and writing "encl layout v1" dumps. The format is a line format
 * of whitespace-separated fields, so it is parsed by hand with strtoull;
 * the architectural rules (SECS.SIZE, SECINFO.FLAGS) are sgx/measure.c's,
 * applied here per line so that errors can name the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/dump.h"
#include "image/file.h"
#include "sgx/measure.h"

#define SEG_SYNTAX "seg OFFSET NPAGES FLAGS MEASURE data|zero"

static const uint8_t has_data;

struct parser {
	const char *path;
	unsigned line;
	char *err;
	size_t errlen;
	unsigned size_line, ssa_line, last_seg_line;
	uint64_t prev_end;		/* end of the previous seg */
	uint64_t data_bytes;		/* what the image must hold */
	size_t seg_cap;
};

static int parse_error(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int parse_error(struct parser *p, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(p->err, p->errlen, "%s:%u: ", p->path, p->line);
	if (n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A number: decimal, or hex with 0x. No sign, no octal surprise from a
 * leading zero, no trailing garbage, no overflow.
 */
static int parse_u64(struct parser *p, const char *tok, const char *what, uint64_t *v)
{
	int base = 10;
	char *end;

	if (tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X'))
		base = 16;
	if ((base == 16 && !tok[2]) || tok[0] == '-' || tok[0] == '+')
		goto bad;
	errno = 0;
	*v = strtoull(tok, &end, base);
	if (errno || end == tok || *end)
		goto bad;
	return 0;
bad:
	return parse_error(p, "bad number '%s' for %s", tok, what);
}

static int parse_size(struct parser *p, struct encl_layout *l, char **tok, int ntok)
{
	const char *why;

	if (ntok != 2)
		return parse_error(p, "malformed line: expected 'size SIZE'");
	if (p->size_line)
		return parse_error(p, "size given twice (first on line %u)", p->size_line);
	if (parse_u64(p, tok[1], "size", &l->size))
		return -1;
	if (sgx_secs_check_size(l->size, &why))
		return parse_error(p, "size 0x%llx: %s", (unsigned long long)l->size, why);
	p->size_line = p->line;
	return 0;
}

static int parse_ssaframesize(struct parser *p, struct encl_layout *l, char **tok, int ntok)
{
	uint64_t v;

	if (ntok != 2)
		return parse_error(p, "malformed line: expected 'ssaframesize PAGES'");
	if (p->ssa_line)
		return parse_error(p, "ssaframesize given twice (first on line %u)", p->ssa_line);
	if (parse_u64(p, tok[1], "ssaframesize", &v))
		return -1;
	if (v == 0 || v > UINT32_MAX)
		return parse_error(p, "ssaframesize %llu: must be between 1 and 2^32-1 pages",
				   (unsigned long long)v);
	l->ssaframesize = v;
	p->ssa_line = p->line;
	return 0;
}

static struct encl_segment *seg_append(struct parser *p, struct encl_layout *l)
{
	struct encl_segment *s;

	if (l->nseg == p->seg_cap) {
		size_t cap = p->seg_cap ? 2 * p->seg_cap : 16;

		s = realloc(l->seg, cap * sizeof(*s));
		if (!s) {
			parse_error(p, "out of memory");
			return NULL;
		}
		l->seg = s;
		p->seg_cap = cap;
	}
	s = &l->seg[l->nseg++];
	memset(s, 0, sizeof(*s));
	return s;
}

static int parse_seg(struct parser *p, struct encl_layout *l, char **tok, int ntok)
{
	uint64_t off, npages, flags, measure, bytes;
	struct encl_segment *s;
	const char *why;
	int data;

	if (ntok != 6)
		return parse_error(p, "malformed line: expected '" SEG_SYNTAX "'");
	if (parse_u64(p, tok[1], "OFFSET", &off) ||
	    parse_u64(p, tok[2], "NPAGES", &npages) ||
	    parse_u64(p, tok[3], "FLAGS", &flags) ||
	    parse_u64(p, tok[4], "MEASURE", &measure))
		return -1;
	if (!strcmp(tok[5], "data"))
		data = 1;
	else if (!strcmp(tok[5], "zero"))
		data = 0;
	else
		return parse_error(p, "'%s' is neither 'data' nor 'zero'", tok[5]);
	if (off & (SGX_PAGE_SIZE - 1))
		return parse_error(p, "OFFSET 0x%llx is not page aligned", (unsigned long long)off);
	if (npages == 0)
		return parse_error(p, "zero pages");
	if (npages > (UINT64_MAX - off) / SGX_PAGE_SIZE)
		return parse_error(p, "%llu pages at 0x%llx run past the end of the address space",
				   (unsigned long long)npages, (unsigned long long)off);
	if (measure > 1)
		return parse_error(p, "MEASURE must be 0 or 1, not %llu", (unsigned long long)measure);
	if (sgx_secinfo_check_eadd(flags, &why))
		return parse_error(p, "FLAGS 0x%llx: %s", (unsigned long long)flags, why);
	if (l->nseg && off < p->prev_end)
		return parse_error(p, "segment at 0x%llx is out of order or overlaps the previous one, which ends at 0x%llx",
				   (unsigned long long)off, (unsigned long long)p->prev_end);

	s = seg_append(p, l);
	if (!s)
		return -1;
	bytes = npages * SGX_PAGE_SIZE;
	s->offset = off;
	s->npages = npages;
	s->flags = flags;
	s->measure = measure;
	s->kind = ENCL_SEG_OTHER;
	/* Only marks "has data" until the image is loaded and pointers are set. */
	s->data = data ? &has_data : NULL;
	p->prev_end = off + bytes;
	p->last_seg_line = p->line;
	if (data)
		p->data_bytes += bytes;
	return 0;
}

/* One line, comments already cut. Blank lines are fine. */
static int parse_line(struct parser *p, struct encl_layout *l, char *line)
{
	char *tok[8], *save = NULL, *t;
	int ntok = 0;

	for (t = strtok_r(line, " \t\r\n\v\f", &save); t; t = strtok_r(NULL, " \t\r\n\v\f", &save)) {
		if (ntok == 8)
			return parse_error(p, "malformed line: too many fields");
		tok[ntok++] = t;
	}
	if (!ntok)
		return 0;
	if (!strcmp(tok[0], "size"))
		return parse_size(p, l, tok, ntok);
	if (!strcmp(tok[0], "ssaframesize"))
		return parse_ssaframesize(p, l, tok, ntok);
	if (!strcmp(tok[0], "seg"))
		return parse_seg(p, l, tok, ntok);
	return parse_error(p, "unknown keyword '%s'", tok[0]);
}

/* What only the whole file can tell: presence of size, and the last seg's end. */
static int parse_finish(struct parser *p, struct encl_layout *l)
{
	if (!p->size_line) {
		snprintf(p->err, p->errlen, "%s: missing 'size' line (SECS.SIZE)", p->path);
		return -1;
	}
	if (!p->ssa_line) {
		snprintf(p->err, p->errlen, "%s: missing 'ssaframesize' line", p->path);
		return -1;
	}
	if (l->nseg && p->prev_end > l->size) {
		p->line = p->last_seg_line;
		return parse_error(p, "segment ends at 0x%llx, beyond size 0x%llx",
				   (unsigned long long)p->prev_end, (unsigned long long)l->size);
	}
	return 0;
}

static int parse_layout(struct parser *p, struct encl_layout *l)
{
	char *line = NULL, *hash;
	size_t cap = 0;
	ssize_t n;
	int ret = 0;
	FILE *f = fopen(p->path, "r");

	if (!f) {
		snprintf(p->err, p->errlen, "%s: cannot read: %s", p->path, strerror(errno));
		return -1;
	}
	while (!ret && (n = getline(&line, &cap, f)) >= 0) {
		p->line++;
		if (strlen(line) != (size_t)n) {
			ret = parse_error(p, "NUL byte in line: not a text layout");
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		ret = parse_line(p, l, line);
	}
	if (!ret && ferror(f)) {
		snprintf(p->err, p->errlen, "%s: read error: %s", p->path, strerror(errno));
		ret = -1;
	}
	free(line);
	fclose(f);
	return ret ? ret : parse_finish(p, l);
}

/* ---- the image ---------------------------------------------------------- */

/* Reads exactly @want bytes of @path into a new buffer, refusing any other length. */
static uint8_t *read_image(const char *path, const char *layout_path, uint64_t want,
			   char *err, size_t errlen)
{
	uint8_t *buf = NULL, extra;
	uint64_t got = 0;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return NULL;
	}
	/* A regular file's length is known up front: no allocation for a wrong one. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size != want) {
		got = st.st_size;
		goto wrong_length;
	}
	buf = malloc(want ? want : 1);
	if (!buf) {
		snprintf(err, errlen, "%s: cannot allocate %llu bytes for the image",
			 path, (unsigned long long)want);
		goto fail;
	}
	n = encl_read_full(fd, buf, want);
	if (n < 0) {
		snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
		goto fail;
	}
	got = n;
	/* Short, or longer than the layout says (a pipe that goes on). */
	if (got < want || encl_read_full(fd, &extra, 1) != 0)
		goto wrong_length;
	close(fd);
	return buf;

wrong_length:
	if (got < want)
		snprintf(err, errlen, "%s: truncated image: %llu bytes, but the data segments of %s need %llu",
			 path, (unsigned long long)got, layout_path, (unsigned long long)want);
	else if (got > want)
		snprintf(err, errlen, "%s: %llu trailing bytes in image: the data segments of %s need only %llu",
			 path, (unsigned long long)(got - want), layout_path, (unsigned long long)want);
	else	/* a pipe that went on after @want bytes */
		snprintf(err, errlen, "%s: trailing bytes in image: the data segments of %s need only %llu",
			 path, layout_path, (unsigned long long)want);
fail:
	free(buf);
	close(fd);
	return NULL;
}

int encl_layout_read(const char *layout_path, const char *image_path,
		     struct encl_layout *l, char *err, size_t errlen)
{
	struct parser p = { .path = layout_path, .err = err, .errlen = errlen };
	uint8_t *image, *next;
	size_t i;

	memset(l, 0, sizeof(*l));
	if (parse_layout(&p, l))
		goto fail;
	image = read_image(image_path, layout_path, p.data_bytes, err, errlen);
	if (!image)
		goto fail;
	l->owned = image;
	for (next = image, i = 0; i < l->nseg; i++) {
		if (!l->seg[i].data)
			continue;
		l->seg[i].data = next;
		next += l->seg[i].npages * SGX_PAGE_SIZE;
	}
	return 0;
fail:
	encl_layout_free(l);
	return -1;
}

static int dir_file(char *buf, size_t len, const char *dir, const char *name)
{
	return snprintf(buf, len, "%s/%s", dir, name) < (int)len ? 0 : -1;
}

int encl_dump_read(const char *dir, struct encl_layout *l, char *err, size_t errlen)
{
	char lpath[4096], ipath[4096];

	if (dir_file(lpath, sizeof(lpath), dir, "layout") ||
	    dir_file(ipath, sizeof(ipath), dir, "image")) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return encl_layout_read(lpath, ipath, l, err, errlen);
}

/* ---- the writer ---------------------------------------------------------- */

static const char *kind_name(enum encl_seg_kind k)
{
	switch (k) {
	case ENCL_SEG_IMAGE:	return "image";
	case ENCL_SEG_PARAMS:	return "params";
	case ENCL_SEG_TCS:	return "tcs";
	case ENCL_SEG_SSA:	return "ssa";
	case ENCL_SEG_THREAD:	return "thread";
	case ENCL_SEG_STACK:	return "stack";
	case ENCL_SEG_HEAP:	return "heap";
	default:		return NULL;
	}
}

/* Can @b be written as the continuation of the run ending with @a? */
static int same_run(const struct encl_segment *a, uint64_t a_end, const struct encl_segment *b)
{
	return b->offset == a_end && b->flags == a->flags &&
	       !!b->measure == !!a->measure && !b->data == !a->data;
}

static int write_layout(FILE *f, const struct encl_layout *l)
{
	size_t i, j;

	fprintf(f, "# encl layout v1\n");
	fprintf(f, "size 0x%llx\n", (unsigned long long)l->size);
	fprintf(f, "ssaframesize %u\n", l->ssaframesize);
	for (i = 0; i < l->nseg; i = j) {
		const struct encl_segment *s = &l->seg[i];
		uint64_t npages = s->npages;
		const char *kind = kind_name(s->kind);

		for (j = i + 1; j < l->nseg &&
		     same_run(s, s->offset + npages * SGX_PAGE_SIZE, &l->seg[j]); j++) {
			npages += l->seg[j].npages;
			if (l->seg[j].kind != s->kind)
				kind = NULL;
		}
		fprintf(f, "seg 0x%llx %llu 0x%llx %d %s", (unsigned long long)s->offset,
			(unsigned long long)npages, (unsigned long long)s->flags,
			!!s->measure, s->data ? "data" : "zero");
		fprintf(f, kind ? "\t# %s\n" : "\n", kind);
	}
	return ferror(f) ? -1 : 0;
}

static int write_image(int fd, const void *arg)
{
	const struct encl_layout *l = arg;
	size_t i;

	for (i = 0; i < l->nseg; i++)
		if (l->seg[i].data &&
		    encl_write_full(fd, l->seg[i].data, l->seg[i].npages * SGX_PAGE_SIZE))
			return -1;
	return 0;
}

/* Write DIR/NAME atomically, its contents from @fill. */
static int write_dump_file(const char *dir, const char *name, const struct encl_layout *l,
			   int (*fill)(int fd, const void *l), char *err, size_t errlen)
{
	char path[4096];

	if (dir_file(path, sizeof(path), dir, name)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	return encl_write_atomic(path, 0644, fill, l, err, errlen);
}

static int fill_layout(int fd, const void *l)
{
	FILE *f = fdopen(dup(fd), "w");
	int ret;

	if (!f)
		return -1;
	ret = write_layout(f, l);
	if (fclose(f))
		ret = -1;
	return ret;
}

int encl_dump_write(const struct encl_layout *l, const char *dir, char *err, size_t errlen)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create the directory: %s", dir, strerror(errno));
		return -1;
	}
	/* The image first: a layout never names pages its image lacks. */
	if (write_dump_file(dir, "image", l, write_image, err, errlen))
		return -1;
	return write_dump_file(dir, "layout", l, fill_layout, err, errlen);
}
