/* SPDX-License-Identifier: MIT */
/*
 * The simulated CPU's key hierarchy (keys.c): its secrets stay there, the
 * leaves get only the MAC and the keys EREPORT and EGETKEY hand out.
 */
#ifndef ENCL_HOST_SIM_KEYS_H
#define ENCL_HOST_SIM_KEYS_H

#include <stdint.h>

#include "sgx/arch.h"

/* The simulated CPUSVN: every KEYREQUEST.CPUSVN must be at or below it. */
extern const uint8_t sim_cpusvn[16];

/*
 * EREPORT's last step: REPORT.KEYID, then REPORT.MAC over @rep's body with
 * the report key of the enclave @ti names. 0, or -1 if OpenSSL failed.
 */
int sim_report_mac(const struct sgx_targetinfo *ti, struct sgx_report *rep);

/*
 * What the target enclave @ti does with EGETKEY(REPORT) to trust a REPORT:
 * 0 when @rep's MAC is the one its report key gives (for @rep's KEYID),
 * 1 when it is not, -1 if OpenSSL failed.
 */
int sim_report_check(const struct sgx_targetinfo *ti, const struct sgx_report *rep);

/*
 * EGETKEY's key for the enclave of @secs and the checked @kr: SGX_SUCCESS
 * with @key filled, the SDM's error code (SGX_INVALID_ATTRIBUTE,
 * _KEYNAME, _ISVSVN, _CPUSVN), or -1 if OpenSSL failed.
 */
int sim_key_get(const struct sgx_secs *secs, const struct sgx_keyrequest *kr, uint8_t key[16]);

#endif
