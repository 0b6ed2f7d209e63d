// SPDX-License-Identifier: MIT
/*
 * The #PF path: commit the batch around a faulting page of a mapped,
 * writable heap region. Runs in the exception handler, so only EACCEPT and
 * EMODPE, never an ocall (docs/emm.md, "The fault path", "Batch policy").
 */
#include "enclave/emm/emm_internal.h"

int emm_fault(struct emm *m, uint64_t addr, uint32_t errcd)
{
	struct emm_region *r;
	uint64_t i, n, b, ws, we, k, p;
	int ok = EMM_FAULT_DECLINED;

	if (m->mode != EMM_MODE_EDMM || addr < m->lo || addr >= m->hi)
		return EMM_FAULT_DECLINED;
	/*
	 * A fault that finds the lock held by its own thread interrupted an
	 * EMM call that cannot go on before the handler returns: waiting
	 * would never end. Held by another thread, it is only busy: the
	 * access is retried, and faults again until that call is done.
	 */
	if (__atomic_exchange_n(&m->lock, 1, __ATOMIC_ACQUIRE))
		return m->owner == emm_self(m) ? EMM_FAULT_LOCKED : EMM_FAULT_BUSY;
	m->owner = emm_self(m);
	r = emm_region_find(m, addr);
	if (!r || r->kind != EMM_REGION_USED)
		goto out;
	p = emm_perms_of(r->prot);
	if ((p & EMM_PERM_RW) != EMM_PERM_RW)
		goto out;	/* PROT_NONE, or a violation of R/RX */
	if ((errcd & X86_PF_INSTR) && !(p & SGX_SECINFO_X))
		goto out;
	i = (addr - r->start) >> EMM_PAGE_SHIFT;
	if (emm_committed(r, i))
		goto out;	/* committed and still faulting: not ours */

	/* The window: doubled for each fault that continues a sequential run. */
	b = i == r->next_fault ? (uint64_t)r->batch * 2 : m->batch_pages;
	if (b > m->batch_max)
		b = m->batch_max;
	r->batch = (uint32_t)b;
	n = emm_region_pages(r);
	ws = i & ~(b - 1);
	we = ws + b < n ? ws + b : n;
	r->next_fault = we;

	/* The faulting page first: the others are a bonus. */
	if (emm_commit_page(m, r, i))
		goto out;
	if (p != EMM_PERM_RW)
		m->ops->emodpe(emm_addr_of(r, i), p);
	for (k = ws; k < we; k++) {
		if (emm_committed(r, k))
			continue;
		if (emm_commit_page(m, r, k))
			break;
		if (p != EMM_PERM_RW)
			m->ops->emodpe(emm_addr_of(r, k), p);
	}
	m->st.commits++;
	m->st.faults++;
	emm_note_fault(m);
	ok = EMM_FAULT_FIXED;
out:
	emm_unlock(m);
	return ok;
}
