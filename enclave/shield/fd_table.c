// SPDX-License-Identifier: MIT
/*
 * The program's descriptor table (fd_table.h). Bits and records are
 * changed atomically: threads open and close concurrently. A descriptor
 * is cleared before the close is forwarded, so that another thread's open
 * getting the same number right after is never taken for a lie.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "abi/page.h"
#include "enclave/emm/heap.h"
#include "enclave/shield/fd_table.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/syscall.h"

static uint64_t in_use[ENCL_FD_MAX / 64];

/*
 * A record is one word, changed by compare-and-swap only:
 *   bits  0..31  generation, bumped when the descriptor is made or ends
 *   bits 32..36  the file's type, (st_mode >> 12) + 1; 0 while unknown
 *   bits 37, 38  "." and ".." were listed
 *   bits 39..63  entries listed: at most ENCL_DIR_ENTRIES_MAX, < 2^25
 * A ticket is the generation plus one, so that 0 can mean "not followed".
 */
#define REC_GEN(r)	((r) & 0xffffffffu)
#define REC_TYPE_SHIFT	32
#define REC_TYPE(r)	((r) >> REC_TYPE_SHIFT & 0x1f)
#define REC_DOT		(UINT64_C(1) << 37)
#define REC_DOTDOT	(UINT64_C(1) << 38)
#define REC_ENTRIES_SHIFT 39
#define REC_ENTRIES(r)	((r) >> REC_ENTRIES_SHIFT)
#define REC_STREAM	(REC_DOT | REC_DOTDOT | ~UINT64_C(0) << REC_ENTRIES_SHIFT)

_Static_assert(ENCL_DIR_ENTRIES_MAX < UINT64_C(1) << (64 - REC_ENTRIES_SHIFT),
	       "an entry count fits in a record");

#define TYPE_OF(mode)	((uint64_t)(((mode) & S_IFMT) >> 12) + 1)
#define PER_PAGE	(ENCL_PAGE_SIZE / sizeof(uint64_t))

static uint64_t records_static[ENCL_FD_STATIC];
static uint64_t *record_pages[ENCL_FD_MAX / PER_PAGE];

/* @fd's record; with @make, its page is taken from the heap if need be. NULL without one. */
static uint64_t *record(int64_t fd, int make)
{
	uint64_t **slot, *page, *none = 0;
	int64_t r;

	if (fd < 0 || fd >= ENCL_FD_MAX)
		return 0;
	if (fd < ENCL_FD_STATIC)
		return &records_static[fd];
	slot = &record_pages[fd / PER_PAGE];
	page = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (!page && make) {
		r = heap_mmap(0, ENCL_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
		if (r < 0)
			return 0;
		page = (uint64_t *)(uintptr_t)r;
		if (!__atomic_compare_exchange_n(slot, &none, page, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			heap_munmap((uint64_t)r, ENCL_PAGE_SIZE);	/* another thread's came first */
			page = none;
		}
	}
	return page ? &page[fd % PER_PAGE] : 0;
}

/* A new generation of @fd's record, its type @type (0: unknown), no stream. */
static void record_start(int64_t fd, uint64_t type, int make)
{
	uint64_t *rec = record(fd, make), old, new;

	if (!rec)
		return;
	old = __atomic_load_n(rec, __ATOMIC_RELAXED);
	do
		new = REC_GEN(old + 1) | type << REC_TYPE_SHIFT;
	while (!__atomic_compare_exchange_n(rec, &old, new, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

/* What the call that made a descriptor says its file is, where that is certain. */
static uint64_t type_made_by(long nr)
{
	switch (nr) {
	case SYS_pipe2:
		return TYPE_OF(S_IFIFO);
	case SYS_socket: case SYS_socketpair: case SYS_accept: case SYS_accept4:
		return TYPE_OF(S_IFSOCK);
	default:
		return 0;
	}
}

void encl_fd_table_init(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		ocall_reset();
		if (ocall2(OCALL_SYS(fcntl), (uint64_t)fd, F_GETFD) >= 0)
			in_use[0] |= UINT64_C(1) << fd;
	}
}

/* @fd's record and its word in @word, if @ticket still names the opening it was taken for. */
static uint64_t *record_for(int64_t fd, int64_t ticket, uint64_t *word)
{
	uint64_t *rec = ticket > 0 ? record(fd, 0) : 0;

	if (!rec)
		return 0;
	*word = __atomic_load_n(rec, __ATOMIC_RELAXED);
	return REC_GEN(*word) + 1 == (uint64_t)ticket ? rec : 0;
}

/* @r, made by call @nr, becomes the program's descriptor, its file of type @type (0: unknown). */
static int64_t fd_take(long nr, int64_t r, uint64_t type)
{
	uint64_t bit, old;

	IAGO(iago_check_fd(r), nr, r);
	if (r < 0)
		return r;
	if (r >= ENCL_FD_MAX)
		encl_iago_fail(nr, r, "descriptor beyond the enclave's table (2^20, the default fs.nr_open)");
	bit = UINT64_C(1) << (r % 64);
	old = __atomic_fetch_or(&in_use[r / 64], bit, __ATOMIC_RELAXED);
	if (old & bit)
		encl_iago_fail(nr, r, "descriptor is already open");
	/* No heap for the record: it is made, type unknown, at the first ticket. */
	record_start(r, type, 1);
	return r;
}

int64_t encl_fd_new(long nr, int64_t r)
{
	return fd_take(nr, r, type_made_by(nr));
}

int64_t encl_fd_dup(long nr, int64_t r, int64_t src, int64_t ticket)
{
	uint64_t word, *rec = record_for(src, ticket, &word);

	return fd_take(nr, r, rec ? REC_TYPE(word) : 0);
}

void encl_fd_gone(int64_t fd)
{
	if (fd < 0 || fd >= ENCL_FD_MAX)
		return;
	__atomic_fetch_and(&in_use[fd / 64], ~(UINT64_C(1) << (fd % 64)), __ATOMIC_RELAXED);
	record_start(fd, 0, 0);
}

void encl_fd_moved(int64_t fd)
{
	uint64_t *rec = record(fd, 0);

	if (rec)
		__atomic_fetch_and(rec, ~REC_STREAM, __ATOMIC_RELAXED);
}

int64_t encl_fd_ticket(int64_t fd)
{
	uint64_t *rec;

	if (fd < 0 || fd >= ENCL_FD_MAX)
		return 0;
	rec = record(fd, 1);
	if (!rec)
		return -ENOMEM;
	return (int64_t)REC_GEN(__atomic_load_n(rec, __ATOMIC_RELAXED)) + 1;
}

const char *encl_fd_check_type(int64_t fd, int64_t ticket, uint32_t mode)
{
	uint64_t old, *rec = record_for(fd, ticket, &old);

	if (!rec)
		return 0;
	do {
		if (REC_GEN(old) + 1 != (uint64_t)ticket)
			return 0;	/* closed meanwhile: the answer was about another file */
		if (REC_TYPE(old))
			return REC_TYPE(old) == TYPE_OF(mode) ? 0 : "the type of an open file changed";
	} while (!__atomic_compare_exchange_n(rec, &old, old | TYPE_OF(mode) << REC_TYPE_SHIFT, 1,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}

const char *encl_fd_check_dirents(int64_t fd, int64_t ticket, const void *buf, uint64_t len)
{
	const unsigned char *p = buf;
	uint64_t entries = 0, dot = 0, dotdot = 0, old, new, *rec;

	for (uint64_t off = 0; off < len; entries++) {
		const char *name = (const char *)p + off + IAGO_DIRENT_NAME_OFF;

		dot += !strcmp(name, ".");
		dotdot += !strcmp(name, "..");
		off += iago_dirent_reclen(p + off);
	}
	rec = record_for(fd, ticket, &old);
	if (!rec)
		return 0;
	do {
		if (REC_GEN(old) + 1 != (uint64_t)ticket)
			return 0;
		if (REC_TYPE(old) && REC_TYPE(old) != TYPE_OF(S_IFDIR))
			return "directory entries for a file that is not a directory";
		if (REC_ENTRIES(old) + entries > ENCL_DIR_ENTRIES_MAX)
			return "directory stream gave more than 2^24 entries (a host that never ends it)";
		if (dot + !!(old & REC_DOT) > 1)
			return "directory listed \".\" twice";
		if (dotdot + !!(old & REC_DOTDOT) > 1)
			return "directory listed \"..\" twice";
		new = (old + (entries << REC_ENTRIES_SHIFT)) | (dot ? REC_DOT : 0) | (dotdot ? REC_DOTDOT : 0);
		if (!REC_TYPE(old))
			new |= TYPE_OF(S_IFDIR) << REC_TYPE_SHIFT;	/* only a directory lists entries */
	} while (!__atomic_compare_exchange_n(rec, &old, new, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 0;
}
