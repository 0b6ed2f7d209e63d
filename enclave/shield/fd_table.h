/* SPDX-License-Identifier: MIT */
/*
 * The descriptors the program holds open, and what the enclave learned of
 * the file behind each one, as it saw them come and go.
 *
 * Which are open: a bitmap, so that a host answering open, pipe, socket,
 * accept, dup or recvmsg's SCM_RIGHTS with a descriptor already in use
 * (which would make two of the program's files one) is caught. The kernel
 * hands out only free descriptors; a "new" one that is not free is a lie.
 * Every call that makes a descriptor passes its result through
 * encl_fd_new() (the one place a host's number becomes the program's
 * descriptor); every call that ends one calls encl_fd_gone() before the
 * host can reuse the number.
 *
 * What each one is: a record per descriptor, started anew by both.
 *  - The file's type, from the call that made the descriptor (a pipe is a
 *    FIFO, a socket a socket, a duplicate its original's) or from the
 *    first fstat. An open file never
 *    changes type; a host that says otherwise lies.
 *  - Its directory stream: the entries getdents64 gave since the
 *    descriptor was opened or moved with lseek (rewinddir, seekdir), and
 *    whether "." and ".." were among them. A host can answer getdents64
 *    forever (the same entries over and over) or list "." twice; a
 *    program's readdir loop would then never end, or see a directory no
 *    file system has.
 *
 * A record is checked after an ocall, and meanwhile another thread may
 * have closed the descriptor and opened another file under its number. A
 * ticket, taken before the ocall, names one opening of a descriptor: what
 * a host says under an outdated ticket is neither checked nor kept.
 */
#ifndef ENCL_ENCLAVE_SHIELD_FD_TABLE_H
#define ENCL_ENCLAVE_SHIELD_FD_TABLE_H

#include <stdint.h>

/*
 * Descriptors tracked: below the kernel's default fs.nr_open (2^20). A
 * host whose limit is higher cannot hand the program a descriptor above
 * it: refused as out of range, like a negative one.
 */
#define ENCL_FD_MAX		(1 << 20)

/*
 * Records for the first 4096 descriptors are in the runtime's data; those
 * of higher ones take a page of the heap for each 512, when first used.
 */
#define ENCL_FD_STATIC		4096

/*
 * Entries one directory stream may give: 2^24, far beyond what programs
 * list in one directory (ext4's htree allows about 10^7 in practice), and
 * reached by a host that repeats itself in seconds.
 */
#define ENCL_DIR_ENTRIES_MAX	(UINT64_C(1) << 24)

/* At start: which of 0, 1, 2 the host says are open (the program inherits them). */
void encl_fd_table_init(void);

/*
 * @r, the result of call @nr, is -errno or a descriptor that was free:
 * it is marked in use, its record started anew. Anything else ends the
 * enclave.
 */
int64_t encl_fd_new(long nr, int64_t r);

/*
 * @r, the result of call @nr that duplicates @src (dup, dup2, dup3, fcntl
 * F_DUPFD), with @src's ticket taken before the call: as encl_fd_new(),
 * and its file is @src's, of the type @src's record has.
 */
int64_t encl_fd_dup(long nr, int64_t r, int64_t src, int64_t ticket);

/* @fd is closed (or about to be, by close or as dup2's target). */
void encl_fd_gone(int64_t fd);

/* @fd was moved by lseek: its directory stream starts again. */
void encl_fd_moved(int64_t fd);

/*
 * Before a call whose answer is checked against @fd's record: a ticket
 * (> 0); 0 for a descriptor outside the table, which the host must refuse
 * anyway; -ENOMEM when no heap is left for the record, which the call
 * returns.
 */
int64_t encl_fd_ticket(int64_t fd);

/* fstat (or statx on the descriptor) said @mode: NULL, or why it cannot be. */
const char *encl_fd_check_type(int64_t fd, int64_t ticket, uint32_t mode);

/*
 * getdents64 gave the records @buf, @len, already checked one by one
 * (iago_check_dirents): NULL, or why the stream they continue cannot be.
 */
const char *encl_fd_check_dirents(int64_t fd, int64_t ticket, const void *buf, uint64_t len);

#endif
