/* SPDX-License-Identifier: MIT */
/*
 * The descriptors the program holds open, as the enclave saw them come
 * and go: a bitmap, so that a host answering open, pipe, socket, accept,
 * dup or recvmsg's SCM_RIGHTS with a descriptor already in use (which
 * would make two of the program's files one) is caught. The kernel hands
 * out only free descriptors; a "new" one that is not free is a lie.
 *
 * Every call that makes a descriptor passes its result through
 * encl_fd_new() (the one place a host's number becomes the program's
 * descriptor); every call that ends one calls encl_fd_gone() before the
 * host can reuse the number.
 */
#ifndef ENCL_ENCLAVE_SHIELD_FD_TABLE_H
#define ENCL_ENCLAVE_SHIELD_FD_TABLE_H

#include <stdint.h>

/*
 * Descriptors tracked: below the kernel's default fs.nr_open (2^20). A
 * host whose limit is higher cannot hand the program a descriptor above
 * it: refused as out of range, like a negative one.
 */
#define ENCL_FD_MAX	(1 << 20)

/* At start: which of 0, 1, 2 the host says are open (the program inherits them). */
void encl_fd_table_init(void);

/*
 * @r, the result of call @nr, is -errno or a descriptor that was free:
 * it is marked in use. Anything else ends the enclave.
 */
int64_t encl_fd_new(long nr, int64_t r);

/* @fd is closed (or about to be, by close or as dup2's target). */
void encl_fd_gone(int64_t fd);

#endif
