/* SPDX-License-Identifier: MIT */
/*
 * What every harness in tests/fuzz/ shares: the libFuzzer entry point, and
 * the largest input each one takes (inputs beyond it are skipped, so that a
 * run spends its time on structure, not on size).
 */
#ifndef ENCL_TESTS_FUZZ_H
#define ENCL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each harness's bound; tests/fuzz/Makefile passes the same one to -max_len. */
#define FUZZ_MAX_INPUT	(64 * 1024)

#endif
