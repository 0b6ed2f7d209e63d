/* SPDX-License-Identifier: MIT */
/*
 * Architectural SGX structures and constants, as the Intel SDM Vol. 3D
 * chapter 34 ("SGX Data Structures") defines them. No I/O, no policy: every
 * other module builds on these definitions.
 *
 * Each structure names its SDM section; the _Static_asserts pin the size and
 * the offset of every field that encl reads or writes.
 */
#ifndef ENCL_SGX_ARCH_H
#define ENCL_SGX_ARCH_H

#include <stddef.h>
#include <stdint.h>

#define SGX_PAGE_SIZE		4096UL
#define SGX_PAGE_SHIFT		12
#define SGX_MODULUS_SIZE	384	/* RSA-3072 */
#define SGX_HASH_SIZE		32
#define SGX_SSA_GPR_SIZE	184
#define SGX_MIN_ENCLAVE_SIZE	0x2000UL

/* SDM 34.7.1 SECINFO.FLAGS */
#define SGX_SECINFO_R		0x001ULL
#define SGX_SECINFO_W		0x002ULL
#define SGX_SECINFO_X		0x004ULL
#define SGX_SECINFO_PENDING	0x008ULL
#define SGX_SECINFO_MODIFIED	0x010ULL
#define SGX_SECINFO_PR		0x020ULL
#define SGX_SECINFO_PERM_MASK	(SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_X)
#define SGX_SECINFO_PT_SHIFT	8
#define SGX_SECINFO_PT_MASK	(0xffULL << SGX_SECINFO_PT_SHIFT)
/* Bits 6-7 and 16-63 are reserved and must be zero. */
#define SGX_SECINFO_RESERVED_MASK (0xc0ULL | ~0xffffULL)

/* SDM 34.7.1 Table 34-20, page types (SECINFO.FLAGS.PAGE_TYPE) */
enum sgx_page_type {
	SGX_PT_SECS	= 0,
	SGX_PT_TCS	= 1,
	SGX_PT_REG	= 2,
	SGX_PT_VA	= 3,
	SGX_PT_TRIM	= 4,
	SGX_PT_SS_FIRST	= 5,
	SGX_PT_SS_REST	= 6,
};

#define SGX_SECINFO_TCS		((uint64_t)SGX_PT_TCS << SGX_SECINFO_PT_SHIFT)
#define SGX_SECINFO_REG		((uint64_t)SGX_PT_REG << SGX_SECINFO_PT_SHIFT)
#define SGX_SECINFO_TRIM	((uint64_t)SGX_PT_TRIM << SGX_SECINFO_PT_SHIFT)

static inline unsigned sgx_secinfo_pt(uint64_t flags)
{
	return (flags & SGX_SECINFO_PT_MASK) >> SGX_SECINFO_PT_SHIFT;
}

/* SDM 34.7.1 Table 34-3, SECS.ATTRIBUTES.FLAGS */
#define SGX_ATTR_INIT		0x001ULL
#define SGX_ATTR_DEBUG		0x002ULL
#define SGX_ATTR_MODE64BIT	0x004ULL
#define SGX_ATTR_PROVISIONKEY	0x010ULL
#define SGX_ATTR_EINITTOKENKEY	0x020ULL
#define SGX_ATTR_CET		0x040ULL
#define SGX_ATTR_KSS		0x080ULL
#define SGX_ATTR_AEXNOTIFY	0x400ULL
#define SGX_ATTR_RESERVED_MASK	(~(SGX_ATTR_INIT | SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | \
				   SGX_ATTR_PROVISIONKEY | SGX_ATTR_EINITTOKENKEY | \
				   SGX_ATTR_CET | SGX_ATTR_KSS | SGX_ATTR_AEXNOTIFY))

/* XFRM: x87 and SSE are architecturally required. */
#define SGX_XFRM_LEGACY		0x3ULL

/* SDM 34.7.2 MISCSELECT */
#define SGX_MISC_EXINFO		0x1U

/* SDM 34.7.1 ATTRIBUTES: FLAGS then XFRM */
struct sgx_attributes {
	uint64_t flags;
	uint64_t xfrm;
};
_Static_assert(sizeof(struct sgx_attributes) == 16, "ATTRIBUTES");

/* SDM 34.7 Table 34-2, SGX Enclave Control Structure (SECS) */
struct sgx_secs {
	uint64_t size;
	uint64_t base;
	uint32_t ssa_frame_size;
	uint32_t miscselect;
	uint8_t  reserved1[24];
	struct sgx_attributes attributes;
	uint8_t  mrenclave[SGX_HASH_SIZE];
	uint8_t  reserved2[32];
	uint8_t  mrsigner[SGX_HASH_SIZE];
	uint8_t  reserved3[32];
	uint8_t  config_id[64];
	uint16_t isv_prod_id;
	uint16_t isv_svn;
	uint16_t config_svn;
	uint8_t  reserved4[3834];
} __attribute__((packed, aligned(4096)));
_Static_assert(sizeof(struct sgx_secs) == 4096, "SECS");
_Static_assert(offsetof(struct sgx_secs, size) == 0, "SECS.SIZE");
_Static_assert(offsetof(struct sgx_secs, base) == 8, "SECS.BASEADDR");
_Static_assert(offsetof(struct sgx_secs, ssa_frame_size) == 16, "SECS.SSAFRAMESIZE");
_Static_assert(offsetof(struct sgx_secs, miscselect) == 20, "SECS.MISCSELECT");
_Static_assert(offsetof(struct sgx_secs, attributes) == 48, "SECS.ATTRIBUTES");
_Static_assert(offsetof(struct sgx_secs, mrenclave) == 64, "SECS.MRENCLAVE");
_Static_assert(offsetof(struct sgx_secs, mrsigner) == 128, "SECS.MRSIGNER");
_Static_assert(offsetof(struct sgx_secs, config_id) == 192, "SECS.CONFIGID");
_Static_assert(offsetof(struct sgx_secs, isv_prod_id) == 256, "SECS.ISVPRODID");
_Static_assert(offsetof(struct sgx_secs, isv_svn) == 258, "SECS.ISVSVN");
_Static_assert(offsetof(struct sgx_secs, config_svn) == 260, "SECS.CONFIGSVN");

/* SDM 34.8 Table 34-7, Thread Control Structure (TCS) */
struct sgx_tcs {
	uint64_t state;		/* reserved for the CPU */
	uint64_t flags;		/* bit 0: DBGOPTIN */
	uint64_t ossa;		/* offset of the SSA stack from the enclave base */
	uint32_t cssa;		/* current SSA slot */
	uint32_t nssa;		/* number of SSA frames */
	uint64_t oentry;	/* entry point offset */
	uint64_t aep;		/* written by the CPU */
	uint64_t ofsbase;	/* FS base offset, loaded at EENTER */
	uint64_t ogsbase;	/* GS base offset, loaded at EENTER */
	uint32_t fslimit;
	uint32_t gslimit;
	uint8_t  reserved[4024];
} __attribute__((packed, aligned(4096)));
_Static_assert(sizeof(struct sgx_tcs) == 4096, "TCS");
_Static_assert(offsetof(struct sgx_tcs, flags) == 0x08, "TCS.FLAGS");
_Static_assert(offsetof(struct sgx_tcs, ossa) == 0x10, "TCS.OSSA");
_Static_assert(offsetof(struct sgx_tcs, cssa) == 0x18, "TCS.CSSA");
_Static_assert(offsetof(struct sgx_tcs, nssa) == 0x1c, "TCS.NSSA");
_Static_assert(offsetof(struct sgx_tcs, oentry) == 0x20, "TCS.OENTRY");
_Static_assert(offsetof(struct sgx_tcs, aep) == 0x28, "TCS.AEP");
_Static_assert(offsetof(struct sgx_tcs, ofsbase) == 0x30, "TCS.OFSBASGX");
_Static_assert(offsetof(struct sgx_tcs, ogsbase) == 0x38, "TCS.OGSBASGX");
_Static_assert(offsetof(struct sgx_tcs, fslimit) == 0x40, "TCS.FSLIMIT");
_Static_assert(offsetof(struct sgx_tcs, gslimit) == 0x44, "TCS.GSLIMIT");

#define SGX_TCS_DBGOPTIN	0x1ULL

/* SDM 34.11 Table 34-21, Security Information (SECINFO) */
struct sgx_secinfo {
	uint64_t flags;
	uint8_t  reserved[56];
} __attribute__((packed, aligned(64)));
_Static_assert(sizeof(struct sgx_secinfo) == 64, "SECINFO");
_Static_assert(offsetof(struct sgx_secinfo, flags) == 0, "SECINFO.FLAGS");

/* SDM 34.13 Table 34-23, Paging Crypto MetaData Information (PAGEINFO) */
struct sgx_pageinfo {
	uint64_t addr;		/* LINADDR */
	uint64_t contents;	/* SRCPGE */
	uint64_t metadata;	/* SECINFO or PCMD */
	uint64_t secs;
} __attribute__((packed, aligned(32)));
_Static_assert(sizeof(struct sgx_pageinfo) == 32, "PAGEINFO");
_Static_assert(offsetof(struct sgx_pageinfo, addr) == 0, "PAGEINFO.LINADDR");
_Static_assert(offsetof(struct sgx_pageinfo, contents) == 8, "PAGEINFO.SRCPGE");
_Static_assert(offsetof(struct sgx_pageinfo, metadata) == 16, "PAGEINFO.SECINFO");
_Static_assert(offsetof(struct sgx_pageinfo, secs) == 24, "PAGEINFO.SECS");

/* SDM 34.14 Table 34-19, Enclave Signature Structure (SIGSTRUCT) */
#define SGX_SIGSTRUCT_SIZE	1808
#define SGX_SIGSTRUCT_VENDOR_INTEL 0x8086

struct sgx_sigstruct {
	/* signed part 1: bytes 0-127 */
	uint8_t  header[16];
	uint32_t vendor;
	uint32_t date;		/* BCD yyyymmdd */
	uint8_t  header2[16];
	uint32_t swdefined;
	uint8_t  reserved1[84];
	/* unsigned key material */
	uint8_t  modulus[SGX_MODULUS_SIZE];	/* little endian */
	uint32_t exponent;
	uint8_t  signature[SGX_MODULUS_SIZE];	/* little endian */
	/* signed part 2: bytes 900-1027 */
	uint32_t miscselect;
	uint32_t miscmask;
	uint8_t  reserved2[4];
	uint8_t  isvfamilyid[16];
	struct sgx_attributes attributes;
	struct sgx_attributes attributemask;
	uint8_t  enclavehash[SGX_HASH_SIZE];
	uint8_t  isvextprodid[16];
	uint8_t  reserved3[16];
	uint16_t isvprodid;
	uint16_t isvsvn;
	/* unsigned */
	uint8_t  reserved4[12];
	uint8_t  q1[SGX_MODULUS_SIZE];		/* little endian */
	uint8_t  q2[SGX_MODULUS_SIZE];		/* little endian */
} __attribute__((packed));
_Static_assert(sizeof(struct sgx_sigstruct) == SGX_SIGSTRUCT_SIZE, "SIGSTRUCT");
_Static_assert(offsetof(struct sgx_sigstruct, vendor) == 16, "SIGSTRUCT.VENDOR");
_Static_assert(offsetof(struct sgx_sigstruct, date) == 20, "SIGSTRUCT.DATE");
_Static_assert(offsetof(struct sgx_sigstruct, header2) == 24, "SIGSTRUCT.HEADER2");
_Static_assert(offsetof(struct sgx_sigstruct, swdefined) == 40, "SIGSTRUCT.SWDEFINED");
_Static_assert(offsetof(struct sgx_sigstruct, modulus) == 128, "SIGSTRUCT.MODULUS");
_Static_assert(offsetof(struct sgx_sigstruct, exponent) == 512, "SIGSTRUCT.EXPONENT");
_Static_assert(offsetof(struct sgx_sigstruct, signature) == 516, "SIGSTRUCT.SIGNATURE");
_Static_assert(offsetof(struct sgx_sigstruct, miscselect) == 900, "SIGSTRUCT.MISCSELECT");
_Static_assert(offsetof(struct sgx_sigstruct, miscmask) == 904, "SIGSTRUCT.MISCMASK");
_Static_assert(offsetof(struct sgx_sigstruct, isvfamilyid) == 912, "SIGSTRUCT.ISVFAMILYID");
_Static_assert(offsetof(struct sgx_sigstruct, attributes) == 928, "SIGSTRUCT.ATTRIBUTES");
_Static_assert(offsetof(struct sgx_sigstruct, attributemask) == 944, "SIGSTRUCT.ATTRIBUTEMASK");
_Static_assert(offsetof(struct sgx_sigstruct, enclavehash) == 960, "SIGSTRUCT.ENCLAVEHASH");
_Static_assert(offsetof(struct sgx_sigstruct, isvextprodid) == 992, "SIGSTRUCT.ISVEXTPRODID");
_Static_assert(offsetof(struct sgx_sigstruct, isvprodid) == 1024, "SIGSTRUCT.ISVPRODID");
_Static_assert(offsetof(struct sgx_sigstruct, isvsvn) == 1026, "SIGSTRUCT.ISVSVN");
_Static_assert(offsetof(struct sgx_sigstruct, q1) == 1040, "SIGSTRUCT.Q1");
_Static_assert(offsetof(struct sgx_sigstruct, q2) == 1424, "SIGSTRUCT.Q2");

/* The two signed ranges of a SIGSTRUCT. */
#define SGX_SIGSTRUCT_SIGNED1_OFF	0
#define SGX_SIGSTRUCT_SIGNED2_OFF	900
#define SGX_SIGSTRUCT_SIGNED_LEN	128

/* SDM 34.18.1 Table 34-24, REPORT */
struct sgx_report_body {
	uint8_t  cpusvn[16];
	uint32_t miscselect;
	uint8_t  reserved1[12];
	uint8_t  isvextprodid[16];
	struct sgx_attributes attributes;
	uint8_t  mrenclave[SGX_HASH_SIZE];
	uint8_t  reserved2[32];
	uint8_t  mrsigner[SGX_HASH_SIZE];
	uint8_t  reserved3[32];
	uint8_t  config_id[64];
	uint16_t isvprodid;
	uint16_t isvsvn;
	uint16_t configsvn;
	uint8_t  reserved4[42];
	uint8_t  isvfamilyid[16];
	uint8_t  reportdata[64];
} __attribute__((packed));
_Static_assert(sizeof(struct sgx_report_body) == 384, "REPORT body");

struct sgx_report {
	struct sgx_report_body body;
	uint8_t keyid[32];
	uint8_t mac[16];
} __attribute__((packed, aligned(512)));
_Static_assert(offsetof(struct sgx_report, body.miscselect) == 16, "REPORT.MISCSELECT");
_Static_assert(offsetof(struct sgx_report, body.attributes) == 48, "REPORT.ATTRIBUTES");
_Static_assert(offsetof(struct sgx_report, body.mrenclave) == 64, "REPORT.MRENCLAVE");
_Static_assert(offsetof(struct sgx_report, body.mrsigner) == 128, "REPORT.MRSIGNER");
_Static_assert(offsetof(struct sgx_report, body.isvprodid) == 256, "REPORT.ISVPRODID");
_Static_assert(offsetof(struct sgx_report, body.isvsvn) == 258, "REPORT.ISVSVN");
_Static_assert(offsetof(struct sgx_report, body.reportdata) == 320, "REPORT.REPORTDATA");
_Static_assert(offsetof(struct sgx_report, keyid) == 384, "REPORT.KEYID");
_Static_assert(offsetof(struct sgx_report, mac) == 416, "REPORT.MAC");

/* SDM 34.18.2 Table 34-25, TARGETINFO */
struct sgx_targetinfo {
	uint8_t  mrenclave[SGX_HASH_SIZE];
	struct sgx_attributes attributes;
	uint16_t configsvn;
	uint32_t miscselect;
	uint8_t  reserved1[8];
	uint8_t  config_id[64];
	uint8_t  reserved2[384];
} __attribute__((packed, aligned(512)));
_Static_assert(sizeof(struct sgx_targetinfo) == 512, "TARGETINFO");
_Static_assert(offsetof(struct sgx_targetinfo, attributes) == 32, "TARGETINFO.ATTRIBUTES");
_Static_assert(offsetof(struct sgx_targetinfo, configsvn) == 48, "TARGETINFO.CONFIGSVN");
_Static_assert(offsetof(struct sgx_targetinfo, miscselect) == 50, "TARGETINFO.MISCSELECT");
_Static_assert(offsetof(struct sgx_targetinfo, config_id) == 62, "TARGETINFO.CONFIGID");

/* SDM 34.18.7 Table 34-29, KEYREQUEST */
enum sgx_keyname {
	SGX_KEY_EINITTOKEN	= 0,
	SGX_KEY_PROVISION	= 1,
	SGX_KEY_PROVISION_SEAL	= 2,
	SGX_KEY_REPORT		= 3,
	SGX_KEY_SEAL		= 4,
};
#define SGX_KEYPOLICY_MRENCLAVE	0x1
#define SGX_KEYPOLICY_MRSIGNER	0x2

struct sgx_keyrequest {
	uint16_t keyname;
	uint16_t keypolicy;
	uint16_t isvsvn;
	uint16_t reserved1;
	uint8_t  cpusvn[16];
	struct sgx_attributes attributemask;
	uint8_t  keyid[32];
	uint32_t miscmask;
	uint16_t configsvn;
	uint8_t  reserved2[434];
} __attribute__((packed, aligned(512)));
_Static_assert(sizeof(struct sgx_keyrequest) == 512, "KEYREQUEST");
_Static_assert(offsetof(struct sgx_keyrequest, keypolicy) == 2, "KEYREQUEST.KEYPOLICY");
_Static_assert(offsetof(struct sgx_keyrequest, isvsvn) == 4, "KEYREQUEST.ISVSVN");
_Static_assert(offsetof(struct sgx_keyrequest, cpusvn) == 8, "KEYREQUEST.CPUSVN");
_Static_assert(offsetof(struct sgx_keyrequest, attributemask) == 24, "KEYREQUEST.ATTRIBUTEMASK");
_Static_assert(offsetof(struct sgx_keyrequest, keyid) == 40, "KEYREQUEST.KEYID");
_Static_assert(offsetof(struct sgx_keyrequest, miscmask) == 72, "KEYREQUEST.MISCMASK");

/*
 * SDM 34.9.1 Table 34-9, GPRSGX: the last 184 bytes of each SSA frame.
 * AEX writes the interrupted context here; ERESUME reloads it.
 */
struct sgx_ssa_gpr {
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rflags;
	uint64_t rip;
	uint64_t ursp;		/* untrusted RSP at the time of the AEX */
	uint64_t urbp;		/* untrusted RBP at the time of the AEX */
	uint32_t exitinfo;
	uint32_t reserved;
	uint64_t fsbase;
	uint64_t gsbase;
} __attribute__((packed));
_Static_assert(sizeof(struct sgx_ssa_gpr) == SGX_SSA_GPR_SIZE, "GPRSGX");
_Static_assert(offsetof(struct sgx_ssa_gpr, rax) == 0, "GPRSGX.RAX");
_Static_assert(offsetof(struct sgx_ssa_gpr, rsp) == 32, "GPRSGX.RSP");
_Static_assert(offsetof(struct sgx_ssa_gpr, rflags) == 128, "GPRSGX.RFLAGS");
_Static_assert(offsetof(struct sgx_ssa_gpr, rip) == 136, "GPRSGX.RIP");
_Static_assert(offsetof(struct sgx_ssa_gpr, ursp) == 144, "GPRSGX.URSP");
_Static_assert(offsetof(struct sgx_ssa_gpr, urbp) == 152, "GPRSGX.URBP");
_Static_assert(offsetof(struct sgx_ssa_gpr, exitinfo) == 160, "GPRSGX.EXITINFO");
_Static_assert(offsetof(struct sgx_ssa_gpr, fsbase) == 168, "GPRSGX.FSBASE");
_Static_assert(offsetof(struct sgx_ssa_gpr, gsbase) == 176, "GPRSGX.GSBASE");

/* SDM 34.9.1.1 Table 34-10, EXITINFO */
#define SGX_EXITINFO_VECTOR_MASK	0xffU
#define SGX_EXITINFO_TYPE_SHIFT		8
#define SGX_EXITINFO_TYPE_MASK		(0x7U << SGX_EXITINFO_TYPE_SHIFT)
#define SGX_EXITINFO_TYPE_HW		(3U << SGX_EXITINFO_TYPE_SHIFT)
#define SGX_EXITINFO_TYPE_SW		(6U << SGX_EXITINFO_TYPE_SHIFT)
#define SGX_EXITINFO_VALID		0x80000000U

/* Exception vectors reported in EXITINFO.VECTOR */
#define X86_VEC_DE	0
#define X86_VEC_DB	1
#define X86_VEC_BP	3
#define X86_VEC_BR	5
#define X86_VEC_UD	6
#define X86_VEC_GP	13
#define X86_VEC_PF	14
#define X86_VEC_MF	16
#define X86_VEC_AC	17
#define X86_VEC_XM	19

/*
 * SDM 34.9.2 Table 34-12, EXINFO: the MISC region entry written just below
 * GPRSGX when MISCSELECT.EXINFO is set, for #PF and #GP.
 */
struct sgx_misc_exinfo {
	uint64_t maddr;
	uint32_t errcd;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct sgx_misc_exinfo) == 16, "EXINFO");
_Static_assert(offsetof(struct sgx_misc_exinfo, errcd) == 8, "EXINFO.ERRCD");

/* #PF error code bits, including the SGX bit (bit 15) for EPCM faults. */
#define X86_PF_PROT	0x1U
#define X86_PF_WRITE	0x2U
#define X86_PF_USER	0x4U
#define X86_PF_INSTR	0x10U
#define X86_PF_SGX	0x8000U

/* SDM 36/37: ENCLS and ENCLU leaf numbers (EAX) */
enum sgx_encls_leaf {
	SGX_ECREATE	= 0x00,
	SGX_EADD	= 0x01,
	SGX_EINIT	= 0x02,
	SGX_EREMOVE	= 0x03,
	SGX_EDBGRD	= 0x04,
	SGX_EDBGWR	= 0x05,
	SGX_EEXTEND	= 0x06,
	SGX_ELDB	= 0x07,
	SGX_ELDU	= 0x08,
	SGX_EBLOCK	= 0x09,
	SGX_EPA		= 0x0a,
	SGX_EWB		= 0x0b,
	SGX_ETRACK	= 0x0c,
	SGX_EAUG	= 0x0d,
	SGX_EMODPR	= 0x0e,
	SGX_EMODT	= 0x0f,
};

enum sgx_enclu_leaf {
	SGX_EREPORT	= 0x00,
	SGX_EGETKEY	= 0x01,
	SGX_EENTER	= 0x02,
	SGX_ERESUME	= 0x03,
	SGX_EEXIT	= 0x04,
	SGX_EACCEPT	= 0x05,
	SGX_EMODPE	= 0x06,
	SGX_EACCEPTCOPY	= 0x07,
};

/* SDM 36/37 error codes returned in EAX by ENCLS/ENCLU */
enum sgx_return_code {
	SGX_SUCCESS			= 0,
	SGX_INVALID_SIG_STRUCT		= 1,
	SGX_INVALID_ATTRIBUTE		= 2,
	SGX_BLKSTATE			= 3,
	SGX_INVALID_MEASUREMENT		= 4,
	SGX_NOTBLOCKABLE		= 5,
	SGX_PG_INVLD			= 6,
	SGX_EPC_PAGE_CONFLICT		= 7,
	SGX_INVALID_SIGNATURE		= 8,
	SGX_MAC_COMPARE_FAIL		= 9,
	SGX_PAGE_NOT_BLOCKED		= 10,
	SGX_NOT_TRACKED			= 11,
	SGX_VA_SLOT_OCCUPIED		= 12,
	SGX_CHILD_PRESENT		= 13,
	SGX_ENCLAVE_ACT			= 14,
	SGX_ENTRYEPOCH_LOCKED		= 15,
	SGX_INVALID_EINITTOKEN		= 16,
	SGX_PREV_TRK_INCMPL		= 17,
	SGX_PG_IS_SECS			= 18,
	SGX_PAGE_ATTRIBUTES_MISMATCH	= 19,
	SGX_PAGE_NOT_MODIFIABLE		= 20,
	SGX_PAGE_NOT_DEBUGGABLE		= 21,
	SGX_INVALID_CPUSVN		= 32,
	SGX_INVALID_ISVSVN		= 64,
	SGX_UNMASKED_EVENT		= 128,
	SGX_INVALID_KEYNAME		= 256,
};

#endif /* ENCL_SGX_ARCH_H */
