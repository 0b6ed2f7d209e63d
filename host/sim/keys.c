// SPDX-License-Identifier: MIT
/*
 * ENCLU[EREPORT] and ENCLU[EGETKEY] in the sim (SDM Vol. 3D EREPORT,
 * EGETKEY; key derivation in 38.17). The CPU's fuse key is a per-process
 * random secret; every key is HMAC-SHA256(fuse, key dependencies) cut to
 * 128 bits, and REPORT.MAC is AES-128-CMAC over the report body with the
 * target's report key, all with OpenSSL. Keys are therefore stable for the
 * life of the process, as hardware's are for a boot.
 */
#include <pthread.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "host/sim/sim.h"

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

static int raise(struct sim_exception *exc, int vector, uint64_t addr, uint32_t errcode)
{
	exc->vector = vector;
	exc->addr = addr;
	exc->errcode = errcode;
	return -1;
}

/* An aligned operand inside ELRANGE (#GP) that the enclave may access (#PF). */
static int operand(struct sim_enclave *se, uint64_t addr, uint64_t align, uint64_t len,
		   unsigned access, struct sim_exception *exc)
{
	uint32_t err;

	if ((addr & (align - 1)) || !sim_in_elrange(se, addr, len))
		return raise(exc, X86_VEC_GP, 0, 0);
	if (sim_operand(se, addr, access, &err))
		return raise(exc, X86_VEC_PF, addr, err);
	return 0;
}

/* SDM EREPORT (RBX = TARGETINFO, RCX = REPORTDATA, RDX = OUTPUTDATA) */
int sim_ereport(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, uint64_t rdx,
		struct sim_exception *exc)
{
	const struct sgx_secs *secs = se->secs;
	struct sgx_targetinfo ti;
	struct sgx_report rep;
	uint8_t key[16];
	size_t len = 0;
	int ok;

	if (operand(se, rbx, 512, sizeof(ti), EPCM_ACCESS_R, exc) ||
	    operand(se, rcx, 128, sizeof(rep.body.reportdata), EPCM_ACCESS_R, exc) ||
	    operand(se, rdx, 512, sizeof(rep), EPCM_ACCESS_W, exc))
		return -1;
	memcpy(&ti, sim_epc_ptr(se, rbx), sizeof(ti));
	memset(&rep, 0, sizeof(rep));
	memcpy(rep.body.cpusvn, sim_cpusvn, sizeof(rep.body.cpusvn));
	rep.body.miscselect = secs->miscselect;
	rep.body.attributes = secs->attributes;
	memcpy(rep.body.mrenclave, secs->mrenclave, SGX_HASH_SIZE);
	memcpy(rep.body.mrsigner, secs->mrsigner, SGX_HASH_SIZE);
	memcpy(rep.body.config_id, secs->config_id, sizeof(rep.body.config_id));
	rep.body.isvprodid = secs->isv_prod_id;
	rep.body.isvsvn = secs->isv_svn;
	rep.body.configsvn = secs->config_svn;
	memcpy(rep.body.reportdata, sim_epc_ptr(se, rcx), sizeof(rep.body.reportdata));
	pthread_once(&fuse_once, fuse_init);
	memcpy(rep.keyid, report_keyid, sizeof(rep.keyid));

	/* The MAC is keyed for the target: only it can EGETKEY that key. */
	ok = !report_key(ti.mrenclave, &ti.attributes, ti.miscselect, rep.keyid, key) &&
	     EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, sizeof(key),
		       (const unsigned char *)&rep.body, sizeof(rep.body),
		       rep.mac, sizeof(rep.mac), &len);
	OPENSSL_cleanse(key, sizeof(key));
	if (!ok)
		return raise(exc, X86_VEC_GP, 0, 0);	/* cannot happen on hardware */
	memcpy(sim_epc_ptr(se, rdx), &rep, sizeof(rep));
	return SGX_SUCCESS;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* KEYREQUEST.CPUSVN beyond the CPU's (compared as a little-endian number). */
static int cpusvn_above(const uint8_t req[16])
{
	for (int i = 15; i >= 0; i--)
		if (req[i] != sim_cpusvn[i])
			return req[i] > sim_cpusvn[i];
	return 0;
}

/* SDM EGETKEY (RBX = KEYREQUEST, RCX = OUTPUTDATA) */
int sim_egetkey(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, struct sim_exception *exc)
{
	const struct sgx_secs *secs = se->secs;
	struct sgx_keyrequest kr;
	struct key_deps d;
	uint8_t key[16];

	if (operand(se, rbx, 512, sizeof(kr), EPCM_ACCESS_R, exc) ||
	    operand(se, rcx, 16, sizeof(key), EPCM_ACCESS_W, exc))
		return -1;
	memcpy(&kr, sim_epc_ptr(se, rbx), sizeof(kr));
	/* Reserved fields, and the KSS-only policy bits (no KSS here). */
	if (kr.reserved1 || !all_zero(kr.reserved2, sizeof(kr.reserved2)) ||
	    (kr.keypolicy & ~(SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER)))
		return raise(exc, X86_VEC_GP, 0, 0);

	memset(&d, 0, sizeof(d));
	d.keyname = kr.keyname;
	switch (kr.keyname) {
	case SGX_KEY_REPORT:
		if (report_key(secs->mrenclave, &secs->attributes, secs->miscselect,
			       kr.keyid, key))
			return raise(exc, X86_VEC_GP, 0, 0);
		goto out;
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
	if (kr.isvsvn > secs->isv_svn)
		return SGX_INVALID_ISVSVN;
	if (cpusvn_above(kr.cpusvn))
		return SGX_INVALID_CPUSVN;
	d.isvprodid = secs->isv_prod_id;
	d.isvsvn = kr.isvsvn;
	memcpy(d.cpusvn, kr.cpusvn, sizeof(d.cpusvn));
	/* INIT and DEBUG always bind: a debug enclave never gets a production key. */
	d.attributes.flags = secs->attributes.flags &
			     (kr.attributemask.flags | SGX_ATTR_INIT | SGX_ATTR_DEBUG);
	d.attributes.xfrm = secs->attributes.xfrm & kr.attributemask.xfrm;
	d.miscselect = secs->miscselect & kr.miscmask;
	if (kr.keyname != SGX_KEY_PROVISION && kr.keyname != SGX_KEY_EINITTOKEN &&
	    (kr.keypolicy & SGX_KEYPOLICY_MRENCLAVE))
		memcpy(d.mrenclave, secs->mrenclave, SGX_HASH_SIZE);
	if (kr.keyname == SGX_KEY_PROVISION || kr.keyname == SGX_KEY_EINITTOKEN ||
	    (kr.keypolicy & SGX_KEYPOLICY_MRSIGNER))
		memcpy(d.mrsigner, secs->mrsigner, SGX_HASH_SIZE);
	if (kr.keyname == SGX_KEY_SEAL || kr.keyname == SGX_KEY_PROVISION_SEAL)
		memcpy(d.keyid, kr.keyid, sizeof(d.keyid));
	if (derive(&d, key))
		return raise(exc, X86_VEC_GP, 0, 0);
out:
	memcpy(sim_epc_ptr(se, rcx), key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return SGX_SUCCESS;
}
