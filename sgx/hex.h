/* SPDX-License-Identifier: MIT */
/*
 * Hex for hashes, keys and fingerprints: lowercase out, either case in, no
 * separators. Inline, so that the trusted runtime (which links none of
 * sgx/ sources) and the tools read and print them the same way.
 */
#ifndef ENCL_SGX_HEX_H
#define ENCL_SGX_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void sgx_hex(const uint8_t *bytes, size_t n, char *out /* 2n+1 */)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static inline int sgx_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 2n hex digits, either case; anything else is refused (-1). */
static inline int sgx_unhex(const char *hex, uint8_t *bytes, size_t n)
{
	if (strlen(hex) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = sgx_hexval(hex[2 * i]), lo = sgx_hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

#endif
