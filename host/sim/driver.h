/* SPDX-License-Identifier: MIT */
/*
 * The sim backend's operations, the entries of its struct encl_backend
 * (backend.c): probe (probe.c), the driver's side in driver.c, as the
 * ioctls of arch/x86/kernel/cpu/sgx/ioctl.c and the ENCLS leaves behind
 * them would run it, and enter (enter.c, the execution engine).
 */
#ifndef ENCL_HOST_SIM_DRIVER_H
#define ENCL_HOST_SIM_DRIVER_H

#include <stdint.h>

#include "host/backend.h"

int sim_probe(struct encl_caps *caps);
int sim_create(struct encl_enclave *e, struct sgx_secs *secs, int edmm);
int sim_add_pages(struct encl_enclave *e, uint64_t offset, const void *src,
		  uint64_t length, uint64_t secinfo_flags, int measure);
int sim_init(struct encl_enclave *e, const struct sgx_sigstruct *ss);
int sim_map(struct encl_enclave *e, uint64_t offset, uint64_t length, int prot);
int sim_restrict_permissions(struct encl_enclave *e, uint64_t offset, uint64_t length,
			     uint64_t secinfo_perms);
int sim_modify_types(struct encl_enclave *e, uint64_t offset, uint64_t length,
		     unsigned page_type);
int sim_remove_pages(struct encl_enclave *e, uint64_t offset, uint64_t length);
int sim_enter(struct encl_enclave *e, struct encl_run *run);
int sim_catch_signals(struct encl_enclave *e, uint64_t mask, void (*note)(int sig));	/* interrupt.c */
void sim_destroy(struct encl_enclave *e);

#endif
