/* SPDX-License-Identifier: MIT */
/*
 * Which key signs an enclave executable: the one given (--key), else
 * $ENCL_KEY, else the per-user debug key
 *
 *	$XDG_CONFIG_HOME/encl/debug-signing-key.pem
 *	(or $HOME/.config/encl/debug-signing-key.pem)
 *
 * which is created, mode 0600, on first use. It is meant for debug
 * enclaves only: anyone with the account can sign with it.
 */
#ifndef ENCL_IMAGE_KEY_H
#define ENCL_IMAGE_KEY_H

#include <stddef.h>
#include <openssl/evp.h>

#define ENCL_DEBUG_KEY_NAME	"debug-signing-key.pem"

/*
 * Load an RSA-3072, e = 3 private key from a PEM file. NULL on failure, with
 * a message naming the file and saying whether it was unreadable, not a key,
 * not 3072-bit, or had the wrong exponent.
 */
EVP_PKEY *encl_key_load(const char *path, char *err, size_t errlen);

/* Generate a new signing key and write it, mode 0600, atomically to @path. */
int encl_key_generate(const char *path, char *err, size_t errlen);

int encl_debug_key_path(char *buf, size_t len, char *err, size_t errlen);

/*
 * Load the signing key, choosing it as above (@path may be NULL). @used
 * receives the path of the key file. NULL with a message on failure.
 */
EVP_PKEY *encl_signing_key(const char *path, char *used, size_t usedlen,
			   char *err, size_t errlen);

#endif
