/* SPDX-License-Identifier: MIT */
/*
 * The Enclave Page Cache Map (EPCM, SDM Vol. 3D 34.19 and 36.5) of one
 * enclave, and the SDM's rules for every leaf that reads or changes it:
 * EADD, EAUG, EMODPR, EMODT, EREMOVE (ENCLS), EACCEPT, EACCEPTCOPY, EMODPE
 * (ENCLU), and the EPCM access check the CPU makes on every enclave access
 * (SDM 36.5 "Access-control requirements").
 *
 * Pure: no I/O, no page contents (the caller owns those; EACCEPTCOPY's copy
 * is the caller's). Used by the software SGX (host/sim/) and by the driver
 * backend's kernel test double, so that both refuse exactly what the CPU and
 * the Linux driver refuse.
 *
 * The EPCM is indexed by linear address: every page of ELRANGE
 * [base, base + size) has one 16-bit entry laid out like SECINFO.FLAGS bits
 * 0-15 (R W X PENDING MODIFIED PR, PAGE_TYPE in bits 8-15) plus EPCM_VALID
 * in bit 6, which SECINFO reserves. ENCLAVESECS and ENCLAVEADDRESS are
 * implicit: one struct epcm is one enclave, and the index is the address.
 *
 * Storage is a two-level table: a directory of one pointer per 2 MiB of
 * ELRANGE, and leaves of 512 entries (1 KiB) allocated when the first page
 * of their 2 MiB becomes valid and freed when the last one is removed.
 * Overhead: 8 bytes per 2 MiB of ELRANGE (256 KiB for 64 GiB, untouched
 * until used since it comes from calloc) plus ~1 KiB per 2 MiB that holds
 * pages, i.e. 0.05% of the enclave memory actually in use.
 *
 * Results. A leaf returns SGX_SUCCESS or the SDM error code it would leave
 * in EAX (enum sgx_return_code, >= 0), or an enum epcm_fault (< 0) where the
 * SDM says the instruction faults instead. For EPCM_FAULT_PF the fault is at
 * the target page and *pf_errcode (when non-NULL) holds the #PF error code.
 */
#ifndef ENCL_SGX_EPCM_H
#define ENCL_SGX_EPCM_H

#include <stddef.h>
#include <stdint.h>
#include "sgx/arch.h"

/* One EPCM entry: SECINFO.FLAGS[15:0] layout, plus VALID (bit 6). */
typedef uint16_t epcm_entry_t;
#define EPCM_VALID		0x040U
#define EPCM_STATE_MASK		(SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED | SGX_SECINFO_PR)

/* Instruction outcomes that are faults, not EAX codes (negated vectors). */
enum epcm_fault {
	EPCM_FAULT_UD = -X86_VEC_UD,	/* #UD: leaf not supported (SGX1 CPU) */
	EPCM_FAULT_GP = -X86_VEC_GP,	/* #GP(0) */
	EPCM_FAULT_PF = -X86_VEC_PF,	/* #PF at the target page */
};

/* Access kinds for epcm_access(): the SECINFO permission bits. */
#define EPCM_ACCESS_R	((unsigned)SGX_SECINFO_R)
#define EPCM_ACCESS_W	((unsigned)SGX_SECINFO_W)
#define EPCM_ACCESS_X	((unsigned)SGX_SECINFO_X)

struct epcm;

/*
 * ECREATE's part: an empty EPCM for ELRANGE [base, base + size) of an
 * enclave with SECS.ATTRIBUTES.FLAGS @attributes (MODE64BIT matters to the
 * TCS checks). NULL when out of memory or base/size are not page aligned.
 */
struct epcm *epcm_new(uint64_t base, uint64_t size, uint64_t attributes);
void epcm_free(struct epcm *c);

/* SECS.ATTRIBUTES.INIT: set by a successful EINIT; EADD/EAUG depend on it. */
void epcm_set_initialized(struct epcm *c);

/* The entry for @addr (any address in the page); 0 when invalid or outside. */
epcm_entry_t epcm_get(const struct epcm *c, uint64_t addr);
static inline unsigned epcm_entry_pt(epcm_entry_t e) { return sgx_secinfo_pt(e); }
static inline unsigned epcm_entry_perms(epcm_entry_t e) { return e & SGX_SECINFO_PERM_MASK; }

/*
 * SECINFO's reserved fields (FLAGS bits 6-7 and 16-63, bytes 8-63) are not
 * all zero: every leaf that takes a SECINFO then raises #GP(0).
 */
int epcm_secinfo_reserved(const struct sgx_secinfo *si);

/*
 * The TCS checks EADD and EACCEPT make on the page's contents (SDM EADD,
 * EACCEPT): reserved fields zero, FS/GS limits outside 64-bit mode, and for
 * EACCEPT also DBGOPTIN, CSSA < NSSA, AEP and STATE. 0 or EPCM_FAULT_GP.
 */
int epcm_tcs_check(const struct epcm *c, const struct sgx_tcs *tcs, int eaccept);

/*
 * The first page at or after @addr (rounded down to its page) with a valid
 * entry, or @end (clamped to ELRANGE) when there is none below it. Skips a
 * 2 MiB stretch without entries in one step, so that walking a 64 GiB
 * ELRANGE that holds little costs little.
 */
uint64_t epcm_next_valid(const struct epcm *c, uint64_t addr, uint64_t end);

/* Number of valid entries, and bytes of table memory in use. */
uint64_t epcm_count(const struct epcm *c);
size_t epcm_overhead(const struct epcm *c);

/*
 * The permissions an access to the page may have, as PROT_READ/WRITE/EXEC
 * bits (1/2/4, equal to SECINFO R/W/X): the EPCM permissions of a valid,
 * accepted PT_REG page, and none for everything else (no entry, PENDING,
 * MODIFIED, TCS, TRIM). The sim intersects this with the PTE protections.
 */
unsigned epcm_usable_perms(const struct epcm *c, uint64_t addr);

/*
 * The EPCM check of an enclave access (SDM 36.5): 0 when allowed, else
 * EPCM_FAULT_PF with the error code: not-present (no X86_PF_PROT, no
 * X86_PF_SGX) for a page without a valid entry, which the kernel may EAUG;
 * X86_PF_PROT | X86_PF_SGX for an EPCM violation (PENDING, MODIFIED, not
 * PT_REG, or a permission the entry lacks). X86_PF_USER, X86_PF_WRITE and
 * X86_PF_INSTR are set from @access as the CPU would.
 */
int epcm_access(const struct epcm *c, uint64_t addr, unsigned access, uint32_t *pf_errcode);

/*
 * ENCLS leaves. @addr is the linear address of the target page (LINADDR or
 * the EPC page's ENCLAVEADDRESS); @secinfo is SCRATCH_SECINFO, already
 * copied by the caller (who checks its own alignment and readability).
 */

/*
 * EADD: before EINIT only; PT_REG or PT_TCS; a TCS gets no permissions.
 * @page is the EPC page's new contents (already copied from SRCPGE): for a
 * TCS it is checked (#GP) and its CPU-owned fields are cleared as EADD does.
 */
int epcm_eadd(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo, void *page);
/* EAUG: after EINIT only, on a page without entry: PT_REG, R|W, PENDING. */
int epcm_eaug(struct epcm *c, uint64_t addr);
/* EMODPR: PT_REG, not PENDING/MODIFIED: perms &= new, PR set. */
int epcm_emodpr(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo);
/* EMODT: REG -> TCS or TRIM, TCS -> TRIM: MODIFIED set, perms cleared. */
int epcm_emodt(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo);
/* EREMOVE: the entry becomes invalid (the CPU's rule; see epcm_ioc_remove). */
int epcm_eremove(struct epcm *c, uint64_t addr);

/* ENCLU leaves (SGX2) run by the enclave. */

/*
 * EACCEPT: SECINFO must be a legal request (REG with PENDING or PR, or
 * TCS/TRIM with MODIFIED; else #GP) and equal the entry's type, R/W/X,
 * PENDING and MODIFIED, else SGX_PAGE_ATTRIBUTES_MISMATCH. Clears PENDING,
 * MODIFIED and PR. No valid entry: #PF not-present (the kernel EAUGs then).
 * @page is the target page's contents, read only when accepting a TCS.
 */
int epcm_eaccept(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo,
		 const void *page, uint32_t *pf_errcode);
/*
 * EACCEPTCOPY: a PENDING PT_REG page gets SECINFO's permissions and is
 * accepted; @src_addr must be an enclave page readable by the enclave. On
 * SGX_SUCCESS the caller copies the 4 KiB; the EPCM is already updated.
 */
int epcm_eacceptcopy(struct epcm *c, uint64_t addr, uint64_t src_addr,
		     const struct sgx_secinfo *secinfo, uint32_t *pf_errcode);
/* EMODPE: PT_REG, not PENDING/MODIFIED: perms |= new. Faults, never codes. */
int epcm_emodpe(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo,
		uint32_t *pf_errcode);

/*
 * The Linux driver's per-page rules for the SGX2 ioctls (kernel 6.0+,
 * arch/x86/kernel/cpu/sgx/ioctl.c), shared by the sim backend and the
 * driver test double so both return the same errno. Each returns 0, or a
 * negative errno; when the ENCLS leaf itself fails, -EFAULT with the SGX
 * code in *sgx_result (the ioctl's .result). Preconditions the ioctl checks
 * once for the whole range (SGX2 present: -ENODEV; initialized: -EINVAL;
 * offset/length; W without R) are the caller's.
 *
 * - restrict: page without entry -EFAULT; not PT_REG -EINVAL (a TCS's
 *   permissions cannot be restricted); then EMODPR.
 * - modify_type: no entry -EFAULT; new type not TCS/TRIM -EINVAL; allowed
 *   transitions REG->TCS, REG->TRIM, TCS->TRIM else -EINVAL; then EMODT.
 * - remove: no entry -EFAULT; after EINIT the page must be PT_TRIM and
 *   already EACCEPTed (MODIFIED clear) else -EPERM; then EREMOVE. The driver
 *   detects the EACCEPT by issuing EMODPR, which fails with
 *   SGX_PAGE_NOT_MODIFIABLE on an unaccepted trimmed page and #PFs on an
 *   accepted one; this does the same through epcm_emodpr().
 */
int epcm_ioc_restrict(struct epcm *c, uint64_t addr, uint64_t perms, uint64_t *sgx_result);
int epcm_ioc_modify_type(struct epcm *c, uint64_t addr, unsigned page_type,
			 uint64_t *sgx_result);
int epcm_ioc_remove(struct epcm *c, uint64_t addr);

#endif
