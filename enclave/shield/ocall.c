// SPDX-License-Identifier: MIT
/*
 * The ocall round trip and the per-request buffers in the shared area.
 * Each thread has its own area (struct encl_thread.ocall_area, checked at
 * START or CLONE), so requests of different threads never mix.
 */
#include <errno.h>
#include <string.h>

#include "enclave/shield/exitless.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"

/* The area less its header and the exitless request slot at its end (abi/xslot.h). */
static uint64_t data_size(const struct encl_thread *td)
{
	return td->ocall_size - sizeof(struct encl_ocall) - ENCL_XSLOT_SIZE;
}

void ocall_reset(void)
{
	encl_self()->ocall_used = 0;
}

uint64_t ocall_room(void)
{
	struct encl_thread *td = encl_self();

	return data_size(td) - td->ocall_used;
}

uint64_t ocall_fit(uint64_t want)
{
	uint64_t r = ocall_room();

	r = r > 16 ? r - 16 : 0;	/* alignment slack */
	return want < r ? want : r;
}

void *ocall_alloc(uint64_t len)
{
	struct encl_thread *td = encl_self();
	uint64_t off = (td->ocall_used + 15) & ~15ULL;
	unsigned char *p;

	if (off > data_size(td) || len > data_size(td) - off)
		encl_fatal("ocall buffer of %lu bytes does not fit the ocall area", (unsigned long)len);
	p = (unsigned char *)encl_ocall_area(td)->data + off;
	td->ocall_used = off + len;
	return p;
}

void *ocall_copy_in(const void *src, uint64_t len)
{
	void *dst = ocall_alloc(len);

	memcpy(dst, src, len);
	return dst;
}

uint64_t ocall_path(const char *path, long *err)
{
	uint64_t len;
	char *dst;

	if (!path) {
		*err = -EFAULT;
		return 0;
	}
	for (len = 0; len < OCALL_PATH_MAX && path[len]; len++)
		;
	if (len == OCALL_PATH_MAX) {
		*err = -ENAMETOOLONG;
		return 0;
	}
	dst = ocall_alloc(len + 1);
	memcpy(dst, path, len);
	dst[len] = 0;
	return HP(dst);
}

int64_t ocall6(int64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	       uint64_t a4, uint64_t a5)
{
	struct encl_thread *td = encl_self();
	volatile struct encl_ocall *o = encl_ocall_area(td);
	uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };
	uint64_t signals;
	int64_t ret;

	/* Forwarded system calls go without an exit when they can (exitless.c). */
	if (nr >= 0 && encl_exitless_call(td, nr, args, &ret))
		return ret;
	o->nr = nr;
	o->args[0] = a0;
	o->args[1] = a1;
	o->args[2] = a2;
	o->args[3] = a3;
	o->args[4] = a4;
	o->args[5] = a5;
	o->ret = -ENOSYS;
	o->signals = 0;
	encl_ocall_switch(td, HP(o));
	ret = o->ret;
	signals = o->signals;
	if (signals)
		encl_signals_arrived(signals);
	return ret;
}
