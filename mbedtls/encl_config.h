/* SPDX-License-Identifier: MIT */
/*
 * encl's changes to mbed TLS's default configuration (MBEDTLS_USER_CONFIG_FILE),
 * for the copy built into the enclave (and the host copy the unit tests use,
 * built from the same source with the same changes). Inside an enclave the
 * clock and the files are the host's: nothing that trusts them is built.
 * Randomness comes from RDRAND through the runtime's own callback
 * (enclave/attest/keygen.c), never from mbed TLS's platform entropy.
 */
#undef MBEDTLS_FS_IO
#undef MBEDTLS_HAVE_TIME_DATE
#undef MBEDTLS_TIMING_C
#undef MBEDTLS_NET_C
#undef MBEDTLS_PSA_ITS_FILE_C
#undef MBEDTLS_PSA_CRYPTO_STORAGE_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
