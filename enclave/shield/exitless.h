/* SPDX-License-Identifier: MIT */
/*
 * Exitless calls, the enclave's side (docs/exitless.md): a forwarded
 * system call is posted in the thread's slot and answered by a serving
 * host thread while this thread waits inside the enclave.
 */
#ifndef ENCL_ENCLAVE_SHIELD_EXITLESS_H
#define ENCL_ENCLAVE_SHIELD_EXITLESS_H

#include <stdint.h>

#include "enclave/core/thread.h"

/*
 * At START: the host's struct encl_xq (0: every call exits) and
 * SCONE_ESPINS (0: adaptive). Fatal if the structure is not host memory.
 */
void encl_exitless_init(struct encl_thread *td, uint64_t xq, uint64_t espins);

/*
 * Try forwarded call @nr with @args through the queue. 1: served, *@ret
 * is the host's answer (checked against what was posted); 0: take the
 * exit path (no serving thread is spinning, the call must exit, or the
 * host declined).
 */
int encl_exitless_call(struct encl_thread *td, int64_t nr, const uint64_t *args, int64_t *ret);

#endif
