/* SPDX-License-Identifier: MIT */
/*
 * Names and one-line meanings of the SGX return codes (enum sgx_return_code,
 * SDM Vol. 3D 36-39, the error codes of ENCLS and ENCLU), for messages.
 */
#ifndef ENCL_SGX_RETURN_CODE_H
#define ENCL_SGX_RETURN_CODE_H

#include <stdint.h>

/* "SGX_INVALID_MEASUREMENT"; "SGX error 0x..." style text for unknown codes is the caller's. */
const char *sgx_return_code_name(uint64_t code);	/* NULL if unknown */
const char *sgx_return_code_meaning(uint64_t code);	/* NULL if unknown */

#endif
