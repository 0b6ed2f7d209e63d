/* SPDX-License-Identifier: MIT */
/*
 * Everything the EMM tells the user, built in one place (emm_msg.c) from a
 * kind and its numbers. No libc: the EMM runs where there is none.
 */
#ifndef ENCL_ENCLAVE_EMM_EMM_MSG_H
#define ENCL_ENCLAVE_EMM_EMM_MSG_H

#include <stddef.h>
#include <stdint.h>

struct emm;

/* The kinds, with the numbers each takes in arg[0], arg[1], arg[2]. */
enum emm_msg {
	EMM_MSG_HEAP_REACHED,		/* SCONE_HEAP, bytes refused, SCONE_HEAP to set */
	EMM_MSG_HEAP_REACHED_SGX1,	/* the same, and the heap to sign */
	EMM_MSG_REMOVE_REFUSED,		/* enclave offset, bytes */
	EMM_MSG_TRIM_REFUSED,		/* enclave offset, bytes */
	EMM_MSG_FAULT_LOCKED,		/* enclave offset, #PF error code */
	EMM_MSG_ADVICE,			/* SCONE_MIN_HEAP, SCONE_HEAP (emm_advise) */
	EMM_MSG_ADVICE_SGX1,		/* unused, SCONE_HEAP */
	EMM_MSG_KINDS
};

#define EMM_MSG_ARGS	3

/* Room for the longest message with its numbers. */
#define EMM_MSG_MAX	384

/*
 * The text of @kind with its numbers @arg (unused ones 0), without a prefix (the host adds
 * "encl: "), into @buf of @size bytes: always terminated, cut at @size.
 * Returns its length.
 */
size_t emm_msg_format(char *buf, size_t size, enum emm_msg kind,
		      const uint64_t arg[EMM_MSG_ARGS]);

/* ops->warn of @kind, the first time this instance has it to say. */
void emm_msg_warn_once(struct emm *m, enum emm_msg kind, const uint64_t arg[EMM_MSG_ARGS]);

#endif
