// SPDX-License-Identifier: MIT
/*
 * Loading the enclave as the driver would be asked to: the layout for the
 * mode and the effective configuration, checked against what was signed,
 * then ECREATE, EADD (+ EEXTEND) segment by segment, EINIT with that
 * layout's SIGSTRUCT, and the mappings (docs/execution.md). Every failure
 * is one line for exit 125.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "host/host.h"
#include "image/layout_build.h"
#include "image/xfrm.h"
#include "sgx/xsave.h"

/* Zero pages handed to EADD for the unmeasured runs (heap, stacks). */
#define ZERO_CHUNK	(1UL << 20)

static int add_segment(struct encl_host *h, const struct encl_segment *s, const uint8_t *zero,
		       char *err, size_t errlen)
{
	uint64_t len = s->npages * SGX_PAGE_SIZE;

	for (uint64_t done = 0; done < len;) {
		uint64_t n = s->data ? len - done : (len - done < ZERO_CHUNK ? len - done : ZERO_CHUNK);
		const void *src = s->data ? s->data + done : zero;

		if (h->be->add_pages(&h->e, s->offset + done, src, n, s->flags, s->measure)) {
			snprintf(err, errlen, "EADD at enclave offset 0x%llx failed: %s",
				 (unsigned long long)(s->offset + done), h->e.err);
			return -1;
		}
		done += n;
	}
	return 0;
}

/* PTE protections: the SECINFO permissions; TCS pages read-write as the driver wants. */
static int segment_prot(const struct encl_segment *s)
{
	int prot = 0;

	if (sgx_secinfo_pt(s->flags) == SGX_PT_TCS)
		return PROT_READ | PROT_WRITE;
	if (s->flags & SGX_SECINFO_R)
		prot |= PROT_READ;
	if (s->flags & SGX_SECINFO_W)
		prot |= PROT_WRITE;
	if (s->flags & SGX_SECINFO_X)
		prot |= PROT_EXEC;
	return prot;
}

/*
 * ECREATE #GPs on an XFRM beyond what CPUID.12H.1 allows and EENTER on one
 * beyond XCR0: refuse before either, naming what is missing and the fix.
 */
static int xfrm_runs_here(const struct encl_host *h, const struct encl_binary *b, uint64_t xfrm,
			  char *err, size_t errlen)
{
	uint64_t missing = xfrm & ~h->caps.xfrm, fit = encl_xfrm_largest(h->caps.xfrm);
	char what[160], have[32];

	if (!missing)
		return 0;
	snprintf(err, errlen, "%s is signed with XFRM %s, but %s cannot enable %s (it allows %#llx); re-sign with a lower --xfrm: encl sign --xfrm %s %s",
		 b->path, encl_xfrm_format(xfrm, have),
		 h->be == &encl_backend_hw ? "this CPU" : "the simulated CPU (its XCR0)",
		 sgx_xfrm_names(missing, what, sizeof(what)), (unsigned long long)h->caps.xfrm,
		 fit ? encl_xfrm_name(fit) : "legacy", b->path);
	return -1;
}

int encl_host_load(struct encl_host *h, const struct encl_binary *b,
		   const struct encl_config *c, char *err, size_t errlen)
{
	const char *label = h->layout == ENCL_MODE_EDMM ? "EDMM" : "SGX1";
	const struct sgx_sigstruct *ss = encl_binary_sigstruct(b, h->layout);
	struct encl_layout l;
	struct sgx_secs secs;
	uint8_t *zero;
	int ret = -1;

	if (!ss) {
		snprintf(err, errlen, "%s is not signed; sign it with: encl sign %s", b->path, b->path);
		return -1;
	}
	if (encl_binary_check_signed(b, c, h->layout, err, errlen) ||
	    xfrm_runs_here(h, b, c->xfrm, err, errlen))
		return -1;
	if (encl_binary_layout(b, c, h->layout, &l, &h->params, err, errlen))
		return -1;

	memset(&secs, 0, sizeof(secs));
	secs.size = l.size;
	secs.ssa_frame_size = l.ssaframesize;
	secs.attributes.flags = SGX_ATTR_MODE64BIT | (ss->attributes.flags & SGX_ATTR_DEBUG);
	secs.attributes.xfrm = c->xfrm;
	/*
	 * MISCSELECT is not measured: EINIT compares it only under
	 * MISCMASK. Bits the signature fixes are taken from it; EXINFO is
	 * requested otherwise whenever the CPU has it, so that #PF and #GP
	 * reach the enclave's handler with their vector and address.
	 */
	secs.miscselect = (ss->miscselect & ss->miscmask) |
			  ((h->caps.exinfo ? SGX_MISC_EXINFO : 0) & ~ss->miscmask);

	memset(&h->e, 0, sizeof(h->e));
	h->e.be = h->be;
	h->e.sigstruct_label = label;
	if (h->be->create(&h->e, &secs, h->edmm)) {
		snprintf(err, errlen, "ECREATE of a %llu MiB enclave failed: %s",
			 (unsigned long long)(l.size >> 20), h->e.err);
		encl_layout_free(&l);
		return -1;
	}
	h->loaded = 1;

	zero = mmap(NULL, ZERO_CHUNK, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (zero == MAP_FAILED) {
		snprintf(err, errlen, "out of memory for the zero pages");
		goto out;
	}
	for (size_t i = 0; i < l.nseg; i++)
		if (add_segment(h, &l.seg[i], zero, err, errlen))
			goto out_zero;
	if (h->be->init(&h->e, ss)) {
		/* The measured pages are not those signed: the file changed since. */
		int changed = h->e.sgx_result == SGX_INVALID_MEASUREMENT;

		snprintf(err, errlen, "EINIT with the %s SIGSTRUCT of %s failed: %s%s%s", label, b->path,
			 h->e.err, changed ? "; the executable was changed after it was signed: "
			 "rebuild it, or re-sign it with: encl sign " : "", changed ? b->path : "");
		goto out_zero;
	}
	for (size_t i = 0; i < l.nseg; i++)
		if (h->be->map(&h->e, l.seg[i].offset, l.seg[i].npages * SGX_PAGE_SIZE,
			       segment_prot(&l.seg[i]))) {
			snprintf(err, errlen, "mapping enclave offset 0x%llx failed: %s",
				 (unsigned long long)l.seg[i].offset, h->e.err);
			goto out_zero;
		}
	/*
	 * EDMM: the heap, from heap_offset to the end of ELRANGE, was never
	 * added. Mapping it read-write is what lets the kernel (or the sim)
	 * EAUG a page when the enclave's EACCEPT of it faults; the EMM commits
	 * SCONE_MIN_HEAP that way at start-up and the rest on demand.
	 */
	if (h->layout == ENCL_MODE_EDMM &&
	    h->be->map(&h->e, h->params.heap_offset, h->params.enclave_size - h->params.heap_offset,
		       PROT_READ | PROT_WRITE)) {
		snprintf(err, errlen, "mapping the EDMM heap at enclave offset 0x%llx failed: %s",
			 (unsigned long long)h->params.heap_offset, h->e.err);
		goto out_zero;
	}
	h->tcs = h->e.base + h->params.thread_offset + h->params.tcs_in_block;
	ret = 0;
out_zero:
	munmap(zero, ZERO_CHUNK);
out:
	encl_layout_free(&l);
	return ret;
}

void encl_host_unload(struct encl_host *h)
{
	if (h->loaded)
		h->be->destroy(&h->e);
	h->loaded = 0;
}
