// SPDX-License-Identifier: MIT
/*
 * Choosing the signing key, and creating the debug key on first use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/key.h"
#include "sgx/sigstruct.h"

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
	if (sgx_key_generate(tmp, err, errlen))
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
		return sgx_key_load(path, err, errlen);
	}
	if (encl_debug_key_path(used, usedlen, err, errlen))
		return NULL;
	if (access(used, F_OK) && create_debug_key(used, err, errlen))
		return NULL;
	return sgx_key_load(used, err, errlen);
}
