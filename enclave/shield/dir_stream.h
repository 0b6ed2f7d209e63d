/* SPDX-License-Identifier: MIT */
/*
 * Directory streams, as the enclave saw getdents64 read them. A host can
 * answer getdents64 forever (the same entries over and over) or list "."
 * or ".." twice; a program's readdir loop would then never end, or see a
 * directory no file system has. For the directories read most recently,
 * the enclave counts the entries each stream gave since it was opened or
 * rewound, and notes "." and "..".
 */
#ifndef ENCL_ENCLAVE_SHIELD_DIR_STREAM_H
#define ENCL_ENCLAVE_SHIELD_DIR_STREAM_H

#include <stdint.h>

/*
 * Entries one directory stream may give: 2^24, far beyond what programs
 * list in one directory (ext4's htree allows about 10^7 in practice), and
 * reached by a host that repeats itself in seconds.
 */
#define ENCL_DIR_ENTRIES_MAX	(UINT64_C(1) << 24)

/*
 * Streams followed at once. A host that answers forever on more
 * directories than this, read in turns, is not caught: docs/shield.md.
 */
#define ENCL_DIR_STREAMS	16

/* The checked records @buf, @len that getdents64 gave for @fd: 0 or why they lie. */
const char *encl_dir_stream_check(int64_t fd, const void *buf, uint64_t len);

/* @fd was rewound (lseek), closed or made anew: its stream starts again. */
void encl_dir_stream_reset(int64_t fd);

#endif
