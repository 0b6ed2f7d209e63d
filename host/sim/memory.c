// SPDX-License-Identifier: MIT
/*
 * The sim's memory: host PTE protections recorded by map(), the real page
 * protections derived from them and the EPCM, and the fault decision: the page walk (the MMU's PTE check), the EPCM
 * check, and the kernel's answer to a #PF (arch/x86/mm/fault.c
 * access_error, then the driver's EAUG on fault, arch/x86/kernel/cpu/sgx/
 * encl.c sgx_vma_fault).
 *
 * Invariant: a page without a valid EPCM entry is PROT_NONE in the
 * enclave's view, so syncing protections only visits valid pages.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host/sim/memory.h"
#include "host/sim/sim.h"

/* ---- the PTE model: sorted, disjoint ranges; equal neighbours merged ---- */

/* The first range that ends after @addr (npte if none). */
static size_t pte_first_after(const struct sim_enclave *se, uint64_t addr)
{
	size_t lo = 0, hi = se->npte;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (se->pte[mid].end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int sim_pte_prot(const struct sim_enclave *se, uint64_t addr)
{
	size_t i = pte_first_after(se, addr);

	return i < se->npte && se->pte[i].start <= addr ? se->pte[i].prot : -1;
}

int sim_pte_set(struct sim_enclave *se, uint64_t addr, uint64_t len, int prot)
{
	uint64_t end = addr + len;
	struct sim_pte_range out[3], *head, *tail;
	size_t i, j, n = 0, need;

	/* [i, j): the ranges that overlap [addr, end) or touch it. */
	i = addr ? pte_first_after(se, addr - 1) : 0;
	for (j = i; j < se->npte && se->pte[j].start <= end; j++)
		;
	head = i < j ? &se->pte[i] : NULL;
	tail = i < j ? &se->pte[j - 1] : NULL;
	/* What sticks out on either side keeps its protection, or joins. */
	if (head && head->start < addr) {
		if (head->prot == prot)
			addr = head->start;
		else
			out[n++] = (struct sim_pte_range){ head->start, addr, head->prot };
	}
	out[n++] = (struct sim_pte_range){ addr, end, prot };
	if (tail && tail->end > end) {
		if (tail->prot == prot)
			out[n - 1].end = tail->end;
		else
			out[n++] = (struct sim_pte_range){ end, tail->end, tail->prot };
	}

	need = se->npte - (j - i) + n;
	if (need > se->pte_cap) {
		size_t cap = se->pte_cap ? 2 * se->pte_cap : 16;
		struct sim_pte_range *p = realloc(se->pte, cap * sizeof(*p));

		if (!p)
			return -1;
		se->pte = p;
		se->pte_cap = cap;
	}
	memmove(&se->pte[i + n], &se->pte[j], (se->npte - j) * sizeof(*se->pte));
	memcpy(&se->pte[i], out, n * sizeof(*out));
	se->npte = need;
	return 0;
}

/*
 * The accesses a PTE of protection @prot permits, as PROT_* bits: x86 has
 * no write-only or execute-only user pages (without protection keys), so
 * a PTE that permits anything permits reading.
 */
static int pte_rights(int prot)
{
	return prot > 0 ? prot | PROT_READ : 0;
}

/* EPCM ∩ PTE. The EPCM bits R/W/X equal PROT_READ/WRITE/EXEC. */
static int page_prot(const struct sim_enclave *se, uint64_t addr)
{
	return (int)epcm_usable_perms(se->epcm, addr) & pte_rights(sim_pte_prot(se, addr));
}

int sim_sync_prot(struct sim_enclave *se, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len, run = 0;
	int run_prot = -1;

	/*
	 * Coalesce runs of equal protection (an 8 GiB heap is one mprotect),
	 * and step over stretches without EPCM entries, which stay PROT_NONE,
	 * 2 MiB at a time: mapping a 64 GiB EDMM heap visits no page.
	 */
	for (uint64_t a = addr; a <= end; a += SGX_PAGE_SIZE) {
		int valid = a < end && (epcm_get(se->epcm, a) & EPCM_VALID);
		int prot = valid ? page_prot(se, a) : -1;

		if (run_prot >= 0 && prot != run_prot) {
			if (mprotect((void *)run, a - run, run_prot))
				return -1;
			run_prot = -1;
		}
		if (prot >= 0 && run_prot < 0) {
			run = a;
			run_prot = prot;
		}
		if (!valid && a < end)
			a = epcm_next_valid(se->epcm, a, end) - SGX_PAGE_SIZE;
	}
	return 0;
}

void sim_range_discard(struct sim_enclave *se, uint64_t addr, uint64_t len)
{
	/* Back to a hole in the memfd: reads as zero, holds no memory. */
	mprotect((void *)addr, len, PROT_NONE);
	fallocate(se->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		  (off_t)(addr - se->base), (off_t)len);
}

void sim_page_discard(struct sim_enclave *se, uint64_t addr)
{
	sim_range_discard(se, addr, SGX_PAGE_SIZE);
}

/* ---- faults ---------------------------------------------------------------- */

static uint32_t access_bits(unsigned access)
{
	return (access & EPCM_ACCESS_W ? X86_PF_WRITE : 0) |
	       (access & EPCM_ACCESS_X ? X86_PF_INSTR : 0);
}

/*
 * The page walk of an @access to @page: 0 when the PTE maps it for that
 * access, else the #PF error code. The driver puts a PTE in place only for
 * a page that is in the EPC, with the mapping's protection, and a PROT_NONE
 * PTE is not present to the MMU: present means an EPCM entry and a
 * mapping that is not PROT_NONE.
 */
static uint32_t walk(const struct sim_enclave *se, uint64_t page, unsigned access)
{
	int rights = pte_rights(sim_pte_prot(se, page));
	int present = rights && (epcm_get(se->epcm, page) & EPCM_VALID);

	if (present && !(access & ~(unsigned)rights))
		return 0;
	return X86_PF_USER | access_bits(access) | (present ? X86_PF_PROT : 0);
}

/*
 * The kernel's answer to a #PF with error code @errcd at @page: 1 when it
 * EAUGed the page and the instruction is re-executed, 0 when the fault
 * goes to the enclave (SIGSEGV/SIGBUS, an AEX). First access_error(): an
 * EPCM fault (X86_PF_SGX) is never fixable, a write needs a writable
 * mapping, a read of a present PTE is a protection violation, and any
 * other read needs a mapping that is not PROT_NONE. Then sgx_vma_fault():
 * EAUG where there is no page yet (SGX2 CPU, EDMM driver, initialized
 * enclave); a page that exists would be mapped as it is, and the walk
 * above never refuses one that the mapping permits.
 */
static int kernel_fault(struct sim_enclave *se, uint64_t page, uint32_t errcd)
{
	int prot = sim_pte_prot(se, page);

	if (prot < 0 || (errcd & X86_PF_SGX))
		return 0;
	if (errcd & X86_PF_WRITE) {
		if (!(prot & PROT_WRITE))
			return 0;
	} else if ((errcd & X86_PF_PROT) || !prot) {
		return 0;
	}
	if (!se->cpu.sgx2 || !se->cpu.os_edmm || !se->initialized ||
	    (epcm_get(se->epcm, page) & EPCM_VALID))
		return 0;
	/*
	 * EAUG zeroes the page: the memfd hole already reads as zero. Its
	 * protection needs no mprotect: a page without an entry is PROT_NONE
	 * (the invariant above), and a PENDING one must be.
	 */
	return epcm_eaug(se->epcm, page) == SGX_SUCCESS;
}

enum sim_access sim_fault(struct sim_enclave *se, uint64_t addr, unsigned access,
			  uint32_t *pf_errcode)
{
	uint64_t page = addr & ~(SGX_PAGE_SIZE - 1);
	uint32_t err;

	if (!sim_in_elrange(se, page, SGX_PAGE_SIZE)) {
		*pf_errcode = X86_PF_USER | access_bits(access);
		return SIM_ACCESS_FAULT;
	}
	/* The MMU first, then the EPCM check of the page it found. */
	err = walk(se, page, access);
	if (!err && !epcm_access(se->epcm, page, access, &err)) {
		/* Allowed: the real protection was stale; bring it in step. */
		sim_sync_prot(se, page, SGX_PAGE_SIZE);
		return SIM_ACCESS_OK;
	}
	if (kernel_fault(se, page, err))
		return SIM_ACCESS_RETRY;
	*pf_errcode = err;
	return SIM_ACCESS_FAULT;
}

int sim_operand(struct sim_enclave *se, uint64_t addr, unsigned access, uint32_t *err)
{
	enum sim_access a = sim_fault(se, addr, access, err);

	/* After the driver's EAUG the CPU re-executes: the page is PENDING now. */
	if (a == SIM_ACCESS_RETRY)
		a = sim_fault(se, addr, access, err);
	return a == SIM_ACCESS_OK ? 0 : -1;
}

int sim_translate(struct sim_enclave *se, uint64_t addr, unsigned access, uint32_t *pf_errcode)
{
	uint64_t page = addr & ~(SGX_PAGE_SIZE - 1);
	uint32_t err = walk(se, page, access);

	/* After the kernel's EAUG the CPU re-executes the leaf: walk again. */
	if (err && kernel_fault(se, page, err))
		err = walk(se, page, access);
	*pf_errcode = err;
	return err ? -1 : 0;
}
