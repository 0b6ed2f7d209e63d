// SPDX-License-Identifier: MIT
/*
 * Measuring a layout: ECREATE, then each segment's EADDs and EEXTENDs in
 * order, exactly as a loader would issue them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/layout.h"
#include "sgx/measure.h"

static int measure_segment(struct sgx_measure *m, const struct encl_segment *s)
{
	uint64_t i;

	/* Contents do not enter the hash unless EEXTENDed: one fast run. */
	if (!s->measure)
		return sgx_measure_add_unmeasured(m, s->offset, s->npages, s->flags);
	for (i = 0; i < s->npages; i++) {
		const uint8_t *page = s->data ? s->data + i * SGX_PAGE_SIZE : NULL;

		if (sgx_measure_add_page(m, s->offset + i * SGX_PAGE_SIZE, s->flags, page, 1))
			return -1;
	}
	return 0;
}

int encl_layout_measure(const struct encl_layout *l, uint8_t mrenclave[SGX_HASH_SIZE],
			char *err, size_t errlen)
{
	struct sgx_measure *m = sgx_measure_new();
	size_t i;
	int ret = -1;

	if (!m) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (sgx_measure_ecreate(m, l->ssaframesize, l->size))
		goto out;
	for (i = 0; i < l->nseg; i++)
		if (measure_segment(m, &l->seg[i]))
			goto out;
	if (sgx_measure_finalize(m, mrenclave))
		goto out;
	ret = 0;
out:
	if (ret)
		snprintf(err, errlen, "%s", sgx_measure_error(m));
	sgx_measure_free(m);
	return ret;
}

/* Frees what the layout owns; the struct itself belongs to the caller. */
void encl_layout_free(struct encl_layout *l)
{
	if (!l)
		return;
	free(l->seg);
	free(l->owned);
	memset(l, 0, sizeof(*l));
}
