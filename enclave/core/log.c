// SPDX-License-Identifier: MIT
/*
 * The runtime's own messages (SCONE_LOG), sent to the host with
 * ENCL_OCALL_LOG. Only from system-call context: the message goes through
 * the ocall area, so it must not be interleaved with another request's
 * buffers.
 */
#include <stdarg.h>

#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"

#define LOG_MSG_MAX	256

void encl_log(unsigned level, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	if (level > encl_rt.log_level || !encl_self()->ocall_area)
		return;
	ocall_reset();
	msg = ocall_alloc(LOG_MSG_MAX);
	va_start(ap, fmt);
	encl_vfmt(msg, LOG_MSG_MAX, fmt, ap);
	va_end(ap);
	ocall2(ENCL_OCALL_LOG, level, HP(msg));
	ocall_reset();
}
