// SPDX-License-Identifier: MIT
/*
 * The simulated CPU's keys, for ENCLU[EREPORT] and ENCLU[EGETKEY] (SDM
 * Vol. 3D EREPORT, EGETKEY; key derivation in 38.17). The CPU's fuse key is
 * a per-process random secret; every key is HMAC-SHA256(fuse, key
 * dependencies) cut to 128 bits, and REPORT.MAC is AES-128-CMAC over the report body with the
 * target's report key, all with OpenSSL. Keys are therefore stable for the
 * life of the process, as hardware's are for a boot.
 */
#include <pthread.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "host/sim/keys.h"

/* CPUSVN of the simulated CPU. */
const uint8_t sim_cpusvn[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

static uint8_t fuse[32];		/* the "fused" root secret */
static uint8_t report_keyid[32];	/* CR_REPORT_KEYID */
static int fuse_ok;
static pthread_once_t fuse_once = PTHREAD_ONCE_INIT;

static void fuse_init(void)
{
	fuse_ok = RAND_bytes(fuse, sizeof(fuse)) == 1 &&
		  RAND_bytes(report_keyid, sizeof(report_keyid)) == 1;
}

/* What a key depends on (SDM 38.17, "Key Derivation"); zero where unused. */
struct key_deps {
	uint16_t keyname;
	uint16_t isvprodid;
	uint16_t isvsvn;
	uint16_t reserved;
	uint8_t  cpusvn[16];
	struct sgx_attributes attributes;
	uint32_t miscselect;
	uint32_t pad;
	uint8_t  mrenclave[SGX_HASH_SIZE];
	uint8_t  mrsigner[SGX_HASH_SIZE];
	uint8_t  keyid[32];
} __attribute__((packed));

static int derive(const struct key_deps *d, uint8_t key[16])
{
	uint8_t out[32];
	size_t len = 0;

	pthread_once(&fuse_once, fuse_init);
	if (!fuse_ok ||
	    !EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, fuse, sizeof(fuse),
		       (const unsigned char *)d, sizeof(*d), out, sizeof(out), &len))
		return -1;
	memcpy(key, out, 16);
	OPENSSL_cleanse(out, sizeof(out));
	return 0;
}

/* The report key of an enclave with this identity, for REPORT KEYID @keyid. */
static int report_key(const uint8_t mrenclave[SGX_HASH_SIZE], const struct sgx_attributes *attr,
		      uint32_t miscselect, const uint8_t keyid[32], uint8_t key[16])
{
	struct key_deps d;

	memset(&d, 0, sizeof(d));
	d.keyname = SGX_KEY_REPORT;
	memcpy(d.cpusvn, sim_cpusvn, sizeof(d.cpusvn));
	d.attributes = *attr;
	d.miscselect = miscselect;
	memcpy(d.mrenclave, mrenclave, SGX_HASH_SIZE);
	memcpy(d.keyid, keyid, 32);
	return derive(&d, key);
}

/* REPORT.MAC of @rep's body and KEYID for the enclave @ti names. */
static int report_cmac(const struct sgx_targetinfo *ti, const struct sgx_report *rep,
		       uint8_t mac[16])
{
	uint8_t key[16];
	size_t len = 0;
	int ok;

	/* The MAC is keyed for the target: only it can EGETKEY that key. */
	ok = !report_key(ti->mrenclave, &ti->attributes, ti->miscselect, rep->keyid, key) &&
	     EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, sizeof(key),
		       (const unsigned char *)&rep->body, sizeof(rep->body), mac, 16, &len);
	OPENSSL_cleanse(key, sizeof(key));
	return ok ? 0 : -1;
}

int sim_report_mac(const struct sgx_targetinfo *ti, struct sgx_report *rep)
{
	pthread_once(&fuse_once, fuse_init);
	memcpy(rep->keyid, report_keyid, sizeof(rep->keyid));
	return report_cmac(ti, rep, rep->mac);
}

int sim_report_check(const struct sgx_targetinfo *ti, const struct sgx_report *rep)
{
	uint8_t mac[16];
	int r;

	pthread_once(&fuse_once, fuse_init);
	r = report_cmac(ti, rep, mac);
	if (!r && CRYPTO_memcmp(mac, rep->mac, sizeof(mac)))
		r = 1;
	return r;
}

/* KEYREQUEST.CPUSVN beyond the CPU's (compared as a little-endian number). */
static int cpusvn_above(const uint8_t req[16])
{
	for (int i = 15; i >= 0; i--)
		if (req[i] != sim_cpusvn[i])
			return req[i] > sim_cpusvn[i];
	return 0;
}

int sim_key_get(const struct sgx_secs *secs, const struct sgx_keyrequest *kr, uint8_t key[16])
{
	struct key_deps d;

	memset(&d, 0, sizeof(d));
	d.keyname = kr->keyname;
	switch (kr->keyname) {
	case SGX_KEY_REPORT:
		if (report_key(secs->mrenclave, &secs->attributes, secs->miscselect,
			       kr->keyid, key))
			return -1;
		return SGX_SUCCESS;
	case SGX_KEY_EINITTOKEN:
		if (!(secs->attributes.flags & SGX_ATTR_EINITTOKENKEY))
			return SGX_INVALID_ATTRIBUTE;
		break;
	case SGX_KEY_PROVISION:
	case SGX_KEY_PROVISION_SEAL:
		if (!(secs->attributes.flags & SGX_ATTR_PROVISIONKEY))
			return SGX_INVALID_ATTRIBUTE;
		break;
	case SGX_KEY_SEAL:
		break;
	default:
		return SGX_INVALID_KEYNAME;
	}
	if (kr->isvsvn > secs->isv_svn)
		return SGX_INVALID_ISVSVN;
	if (cpusvn_above(kr->cpusvn))
		return SGX_INVALID_CPUSVN;
	d.isvprodid = secs->isv_prod_id;
	d.isvsvn = kr->isvsvn;
	memcpy(d.cpusvn, kr->cpusvn, sizeof(d.cpusvn));
	/* INIT and DEBUG always bind: a debug enclave never gets a production key. */
	d.attributes.flags = secs->attributes.flags &
			     (kr->attributemask.flags | SGX_ATTR_INIT | SGX_ATTR_DEBUG);
	d.attributes.xfrm = secs->attributes.xfrm & kr->attributemask.xfrm;
	d.miscselect = secs->miscselect & kr->miscmask;
	if (kr->keyname != SGX_KEY_PROVISION && kr->keyname != SGX_KEY_EINITTOKEN &&
	    (kr->keypolicy & SGX_KEYPOLICY_MRENCLAVE))
		memcpy(d.mrenclave, secs->mrenclave, SGX_HASH_SIZE);
	if (kr->keyname == SGX_KEY_PROVISION || kr->keyname == SGX_KEY_EINITTOKEN ||
	    (kr->keypolicy & SGX_KEYPOLICY_MRSIGNER))
		memcpy(d.mrsigner, secs->mrsigner, SGX_HASH_SIZE);
	if (kr->keyname == SGX_KEY_SEAL || kr->keyname == SGX_KEY_PROVISION_SEAL)
		memcpy(d.keyid, kr->keyid, sizeof(d.keyid));
	return derive(&d, key) ? -1 : SGX_SUCCESS;
}
