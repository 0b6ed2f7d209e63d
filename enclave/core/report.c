// SPDX-License-Identifier: MIT
/*
 * Ending the enclave: ENCL_EXIT_FATAL when the runtime refuses to go on
 * (the host lied, or the layout is unusable), ENCL_EXIT_CRASH when the
 * program faulted. Both leave their report at the start of the ocall
 * area's data[] and mark the thread dead, so that no later EENTER can
 * resume it.
 */
#include <stdarg.h>
#include <string.h>

#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"

#define FATAL_MSG_MAX	512

void encl_fatal(const char *fmt, ...)
{
	struct encl_thread *td = encl_self();
	volatile struct encl_ocall *o = encl_ocall_area(td);
	char msg[FATAL_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	encl_vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	td->state = TD_STATE_DEAD;
	memcpy((char *)o->data, msg, strlen(msg) + 1);
	encl_exit(ENCL_EXIT_FATAL, HP(o->data), 0, td);
}

void encl_fatal_code(struct encl_thread *td, uint64_t code)
{
	td->state = TD_STATE_DEAD;
	encl_exit(ENCL_EXIT_FATAL, 0, code, td);
}

void encl_crash(struct encl_thread *td, uint32_t signal, uint32_t vector, uint64_t rip,
		uint64_t addr, uint32_t errcd, int addr_valid)
{
	volatile struct encl_crash *c = (volatile struct encl_crash *)encl_ocall_area(td)->data;

	td->state = TD_STATE_DEAD;
	c->signal = signal;
	c->vector = vector;
	c->rip = encl_offset(rip);
	c->addr = addr_valid ? encl_offset(addr) : 0;
	c->error_code = errcd;
	c->addr_valid = addr_valid;
	encl_exit(ENCL_EXIT_CRASH, HP(c), 0, td);
}
