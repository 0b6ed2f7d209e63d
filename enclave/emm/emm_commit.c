// SPDX-License-Identifier: MIT
/*
 * Committing, permission changes and trimming (EDMM): the ENCLU leaves and
 * host ioctls that move heap pages in and out of the EPC, and the commit
 * bitmaps' accounting of them. emm.h describes the model; docs/emm.md the
 * policies.
 *
 * Invariants (EDMM):
 *  - a committed page of a USED region has exactly the EPCM permissions of
 *    its region's protection; a committed page of a FREE region is RW;
 *  - a USED region whose protection lacks R or W but is not PROT_NONE is
 *    fully committed: committing it later would need the restrict ocall,
 *    which the fault handler cannot make;
 *  - the bitmaps hold exactly the pages this EMM EACCEPTed and has not
 *    trimmed. Nothing is marked committed on the host's word: only a
 *    successful EACCEPT sets a bit.
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

static void account_commit(struct emm *m, struct emm_region *r, uint64_t i)
{
	emm_bit_set(r->bits, i);
	r->ncommitted++;
	m->st.committed += EMM_PAGE_SIZE;
	if (m->st.committed > m->st.peak)
		m->st.peak = m->st.committed;
	if (r->kind == EMM_REGION_FREE)
		m->st.pool += EMM_PAGE_SIZE;
	emm_note_use(m);
}

static void account_uncommit(struct emm *m, struct emm_region *r, uint64_t i)
{
	emm_bit_clr(r->bits, i);
	r->ncommitted--;
	m->st.committed -= EMM_PAGE_SIZE;
	if (r->kind == EMM_REGION_FREE)
		m->st.pool -= EMM_PAGE_SIZE;
}

/*
 * EACCEPT-first commit of one page: if the kernel has not EAUGed it yet, the
 * EACCEPT faults, the kernel EAUGs the page on that fault and the EACCEPT is
 * retried. Either way it comes back REG, RW, accepted and zeroed.
 */
int emm_commit_page(struct emm *m, struct emm_region *r, uint64_t i)
{
	if (emm_accept(m, emm_addr_of(r, i), EMM_SECINFO_AUG))
		return -ENOMEM;
	m->st.added++;
	account_commit(m, r, i);
	return 0;
}

/*
 * Change the EPCM permissions of @n committed pages at @addr from @from to
 * @to: EMODPE adds permissions (enclave only); removing them takes the
 * restrict ioctl (EMODPR by the kernel) and then EACCEPT(PR) of each page,
 * which is also what proves the host really restricted them.
 */
static int change_perms(struct emm *m, uint64_t addr, uint64_t n, uint64_t from, uint64_t to)
{
	uint64_t k;
	int err = 0;

	if (to & ~from)
		for (k = 0; k < n; k++)
			m->ops->emodpe(addr + k * EMM_PAGE_SIZE, to);
	if (from & ~to) {
		(void)emm_host(m, ENCL_OCALL_RESTRICT, addr, n * EMM_PAGE_SIZE, to);
		for (k = 0; k < n; k++)
			if (emm_accept(m, addr + k * EMM_PAGE_SIZE, SGX_SECINFO_REG | to | SGX_SECINFO_PR))
				err = -EACCES;
	}
	return err;
}

/* Apply change_perms to every committed run of pages [i, j) of @r. */
int emm_change_region_perms(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j,
			       uint64_t from, uint64_t to)
{
	int err = 0;

	if (from == to)
		return 0;
	while ((i = emm_next(r, i, j, 1)) < j) {
		uint64_t e = emm_next(r, i, j, 0);

		if (change_perms(m, emm_addr_of(r, i), e - i, from, to))
			err = -EACCES;
		i = e;
	}
	return err;
}

/*
 * Commit the uncommitted pages of [i, j) of @r and give them the region's
 * permissions (which may take an ocall: not for the fault handler).
 */
int emm_commit_region(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j)
{
	uint64_t to = emm_perms_of(r->prot);
	int err = 0;

	if (!r->bits)
		return 0;
	m->st.commits++;
	while (!err && (i = emm_next(r, i, j, 0)) < j) {
		uint64_t e = emm_next(r, i, j, 1), k;

		for (k = i; k < e; k++)
			if ((err = emm_commit_page(m, r, k)))
				break;
		if (k > i && change_perms(m, emm_addr_of(r, i), k - i, EMM_PERM_RW, to))
			err = -EACCES;
		i = e;
	}
	return err;
}

/*
 * Trim the committed pages of [i, j) of @r: the modify-types ioctl makes
 * them PT_TRIM (EMODT), EACCEPT(TRIM|MODIFIED) confirms each one, and the
 * remove ioctl (EREMOVE) gives them back. Only pages whose EACCEPT
 * succeeded are forgotten; a host that skipped the EMODT leaves them
 * committed. Returns the pages trimmed.
 */
static uint64_t trim_run(struct emm *m, struct emm_region *r, uint64_t i, uint64_t n)
{
	uint64_t k, run = 0, done = 0;
	int inrun = 0;

	m->st.trims++;
	(void)emm_host(m, ENCL_OCALL_MODIFY_TYPES, emm_addr_of(r, i), n * EMM_PAGE_SIZE, SGX_PT_TRIM);
	for (k = i; k <= i + n; k++) {
		int ok = k < i + n &&
			 !emm_accept(m, emm_addr_of(r, k), SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);

		if (ok) {
			account_uncommit(m, r, k);
			done++;
			if (!inrun)
				run = k;
			inrun = 1;
		} else if (inrun) {
			uint64_t at = emm_addr_of(r, run), len = (k - run) * EMM_PAGE_SIZE;

			if (emm_host(m, ENCL_OCALL_REMOVE, at, len, 0))
				emm_msg_warn_once(m, EMM_MSG_REMOVE_REFUSED,
						  (const uint64_t[EMM_MSG_ARGS]){ at - m->base, len });
			inrun = 0;
		}
	}
	m->st.trimmed += done * EMM_PAGE_SIZE;
	return done;
}

/* Trim up to @budget committed pages of [i, j) of @r; returns the pages trimmed. */
uint64_t emm_trim_region(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j,
			    uint64_t budget)
{
	uint64_t done = 0;

	if (!r->bits)
		return 0;
	while (done < budget && (i = emm_next(r, i, j, 1)) < j) {
		uint64_t e = emm_next(r, i, j, 0);

		if (e - i > budget - done)
			e = i + (budget - done);
		done += trim_run(m, r, i, e - i);
		i = e;
	}
	return done;
}

uint64_t emm_trim_pending_locked(struct emm *m)
{
	struct emm_region *r, *next;
	uint64_t budget, keep = emm_trim_target(m), done = 0;

	/* the target is never below the SCONE_MIN_HEAP floor */
	if (m->st.committed <= keep)
		return 0;
	budget = (m->st.committed - keep) / EMM_PAGE_SIZE;
	/*
	 * Freed neighbours become one FREE region first, so that a run of
	 * committed pages spans them: one MODIFY_TYPES and one REMOVE per run,
	 * not per freed mapping. A merge that finds no metadata is skipped.
	 * Eager stays the policy it was, run per freed mapping, to be
	 * measured against.
	 */
	for (r = m->trim_policy == EMM_TRIM_ADAPTIVE ? m->head : NULL; r; r = r->next)
		while (r->kind == EMM_REGION_FREE && r->next && r->next->kind == EMM_REGION_FREE &&
		       r->next->start == r->end && !emm_region_merge(m, r, r->next))
			;
	for (r = m->head; r && done < budget; r = next) {
		next = r->next;
		if (r->kind != EMM_REGION_FREE)
			continue;
		done += emm_trim_region(m, r, 0, emm_region_pages(r), budget - done);
		if (!r->ncommitted)
			emm_region_free(m, r);
	}
	return done;
}
