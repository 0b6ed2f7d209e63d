// SPDX-License-Identifier: MIT
/*
 * Key files: loading and generating RSA-3072, e = 3 signing keys (the
 * cryptography is sgx/sigstruct.c's), choosing the signing key, and
 * creating the debug key on first use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fcntl.h>
#include <openssl/crypto.h>

#include "image/file.h"
#include "image/key.h"
#include "sgx/sigstruct.h"

/* Key files are small; anything larger is not one. */
#define KEY_FILE_MAX	(64 * 1024)

EVP_PKEY *encl_key_load(const char *path, char *err, size_t errlen)
{
	unsigned char *pem = malloc(KEY_FILE_MAX);
	EVP_PKEY *key = NULL;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && pem)
		n = encl_read_full(fd, pem, KEY_FILE_MAX);
	if (n < 0)
		snprintf(err, errlen, "%s: cannot read the key: %s", path,
			 pem ? strerror(errno) : "out of memory");
	else if (n == KEY_FILE_MAX)
		snprintf(err, errlen, "%s: not a key file (larger than %d KiB)", path,
			 KEY_FILE_MAX / 1024);
	else
		key = sgx_key_from_pem(pem, n, path, err, errlen);
	if (fd >= 0)
		close(fd);
	if (pem)
		OPENSSL_cleanse(pem, KEY_FILE_MAX);
	free(pem);
	return key;
}

int encl_key_generate(const char *path, char *err, size_t errlen)
{
	EVP_PKEY *key = sgx_key_new();
	unsigned char *pem = NULL;
	size_t len = 0;
	int ret;

	if (!key || sgx_key_to_pem(key, &pem, &len)) {
		snprintf(err, errlen, "%s: RSA-3072 key generation failed", path);
		EVP_PKEY_free(key);
		return -1;
	}
	/* Mode 0600 from the start: the temporary file is never readable by others. */
	ret = encl_write_atomic_buf(path, 0600, pem, len, err, errlen);
	OPENSSL_clear_free(pem, len);
	EVP_PKEY_free(key);
	return ret;
}

int encl_debug_key_path(char *buf, size_t len, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && *xdg)
		n = snprintf(buf, len, "%s/encl/%s", xdg, ENCL_DEBUG_KEY_NAME);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.config/encl/%s", home, ENCL_DEBUG_KEY_NAME);
	else {
		snprintf(err, errlen, "no signing key: set ENCL_KEY, pass --key, or set HOME");
		return -1;
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "debug key path too long");
		return -1;
	}
	return 0;
}

/* mkdir -p for the key's directory; the last level private to the user. */
static int make_dirs(const char *file, char *err, size_t errlen)
{
	char dir[4096];
	char *p;

	snprintf(dir, sizeof(dir), "%s", file);
	p = strrchr(dir, '/');
	if (!p)
		return 0;
	*p = 0;
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(dir, 0755) && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
	return -1;
}

/*
 * Generate next to @path, then link(): if another process created the key
 * meanwhile, its key wins and both sign with the same one.
 */
static int create_debug_key(const char *path, char *err, size_t errlen)
{
	char tmp[4200];

	if (make_dirs(path, err, errlen))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.new.%ld", path, (long)getpid());
	if (encl_key_generate(tmp, err, errlen))
		return -1;
	if (link(tmp, path) && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	unlink(tmp);
	fprintf(stderr, "encl: created the debug signing key %s\n", path);
	return 0;
}

EVP_PKEY *encl_signing_key(const char *path, char *used, size_t usedlen,
			   char *err, size_t errlen)
{
	const char *env = getenv("ENCL_KEY");

	if (!path && env && *env)
		path = env;
	if (path) {
		snprintf(used, usedlen, "%s", path);
		return encl_key_load(path, err, errlen);
	}
	if (encl_debug_key_path(used, usedlen, err, errlen))
		return NULL;
	if (access(used, F_OK) && create_debug_key(used, err, errlen))
		return NULL;
	return encl_key_load(used, err, errlen);
}
