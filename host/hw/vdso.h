/* SPDX-License-Identifier: MIT */
/*
 * Symbol lookup in the vDSO: the kernel maps a small ELF shared object into
 * every process and passes its address in the auxiliary vector
 * (AT_SYSINFO_EHDR). __vdso_sgx_enter_enclave (version LINUX_2.6) lives
 * there on kernels with the SGX driver (5.11+); nothing else exports it.
 */
#ifndef ENCL_HOST_HW_VDSO_H
#define ENCL_HOST_HW_VDSO_H

/*
 * The address of the defined dynamic symbol @name with version @version
 * (NULL: any) in the ELF image loaded at @ehdr, or NULL.
 */
void *hw_vdso_lookup(const void *ehdr, const char *name, const char *version);

/* The same in this process's vDSO. */
void *hw_vdso_sym(const char *name, const char *version);

#endif
