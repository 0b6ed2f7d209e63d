/* SPDX-License-Identifier: MIT */
/*
 * encl's configuration of mbed TLS (MBEDTLS_CONFIG_FILE, in place of its
 * config.h), for the copy built into the enclave and the host copy the
 * unit tests use, built from the same source with the same configuration.
 *
 * Attestation needs P-256 (ECDH, ECDSA), SHA-256, HKDF, AES-256-GCM and
 * the DER of a public key (abi/cas.h): only these are built, so that the
 * objects the enclave link takes (md.c and cipher_wrap.c name every
 * algorithm that is enabled) carry nothing else into every enclave.
 *
 * Left out on purpose:
 * - AES-NI and VIA PadLock: both probe the CPU with CPUID, which is #UD
 *   inside an enclave;
 * - the clock, files and platform entropy: inside an enclave they are the
 *   host's. Randomness is RDRAND, through the runtime's own callback
 *   (enclave/attest/exchange.c);
 * - mbed TLS's use of the C library's allocator: attestation runs before
 *   main(), before musl is initialised, so the runtime gives mbed TLS its
 *   own memory (MBEDTLS_PLATFORM_MEMORY, enclave/attest/arena.c).
 */
#ifndef ENCL_MBEDTLS_CONFIG_H
#define ENCL_MBEDTLS_CONFIG_H

#define MBEDTLS_HAVE_ASM
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY

#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C

#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_HMAC_DRBG_C	/* the ECP's own blinding generator */

#define MBEDTLS_AES_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_GCM_C

#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_WRITE_C

#include "mbedtls/check_config.h"

#endif
