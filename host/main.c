// SPDX-License-Identifier: MIT
/*
 * main() of every enclave executable: read our own signed metadata, work
 * out the effective configuration, answer SCONE_HASH / SCONE_EDMM_HASH
 * without running anything, or hand over to the host runtime.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>

#include "host/run.h"
#include "sgx/sigstruct.h"

#define SELF	"/proc/self/exe"

/* One line on stderr, naming the executable rather than /proc/self/exe. */
static int die(const char *msg)
{
	return encl_host_nostart(msg);
}

static int flag_set(const char *var)
{
	const char *v = getenv(var);

	return v && *v && strcmp(v, "0");
}

static int print_hash(const struct encl_binary *b, const struct encl_config *c,
		      enum encl_mode mode)
{
	uint8_t mr[SGX_HASH_SIZE];
	char hex[2 * SGX_HASH_SIZE + 1], err[512];

	if (encl_binary_mrenclave(b, c, mode, mr, err, sizeof(err)))
		return die(err);
	sgx_hex(mr, sizeof(mr), hex);
	printf("%s\n", hex);
	return fflush(stdout) ? ENCL_EXIT_NOSTART : 0;
}

/*
 * Standard descriptors the caller left closed (`./prog <&-`) would be the
 * next ones the runtime opens: the simulator's enclave memory as fd 0 or
 * 1, which the program's reads and writes would then reach. Each closed
 * one is /dev/null before anything is opened, so the runtime's own
 * descriptors are always above 2. Returns NULL, or what failed.
 */
static const char *standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return "standard descriptors 0-2: cannot open /dev/null for a closed one";
	}
	return NULL;
}

int main(int argc, char **argv, char **envp)
{
	struct encl_binary b;
	struct encl_config c;
	char err[512];
	const char *why;
	int ret;

	if ((why = standard_fds()))
		return die(why);
	/*
	 * libcrypto is linked in statically: the machine's OpenSSL configuration
	 * belongs to another build of it and may name modules or settings this
	 * one cannot load, which must neither print nor change anything here.
	 */
	if (!OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL))
		return die("libcrypto failed to initialise (out of memory?)");
	if (encl_binary_open(&b, SELF, 0, err, sizeof(err)) ||
	    encl_binary_effective_config(&b, &c, err, sizeof(err)))
		return die(err);
	if (flag_set("SCONE_HASH") && flag_set("SCONE_EDMM_HASH"))
		ret = die("SCONE_HASH and SCONE_EDMM_HASH are both set; ask for one hash at a time");
	else if (flag_set("SCONE_HASH"))
		ret = print_hash(&b, &c, ENCL_MODE_SGX1);
	else if (flag_set("SCONE_EDMM_HASH"))
		ret = print_hash(&b, &c, ENCL_MODE_EDMM);
	else
		ret = encl_host_run(&b, &c, argc, argv, envp);
	encl_binary_close(&b);
	return ret;
}
