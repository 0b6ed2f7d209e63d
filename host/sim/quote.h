/* SPDX-License-Identifier: MIT */
/* The simulator's quoting enclave (quote.c): ENCL_OCALL_QUOTE on the sim backend. */
#ifndef ENCL_HOST_SIM_QUOTE_H
#define ENCL_HOST_SIM_QUOTE_H

#include <stdint.h>

#include "sgx/arch.h"

/* The quoting enclave's TARGETINFO: its MRENCLAVE and ATTRIBUTES. */
void sim_quote_target(struct sgx_targetinfo *ti);

/*
 * An ENCL_QUOTE_SIM struct encl_quote for @rep into @out (@room bytes):
 * its size, -EBADMSG when @rep's MAC is not one made for the quoting
 * enclave, -ENOSPC when it does not fit, -ENOMEM when OpenSSL failed.
 */
int64_t sim_quote(const struct sgx_report *rep, void *out, uint64_t room);

#endif
