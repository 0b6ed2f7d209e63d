/* SPDX-License-Identifier: MIT */
/*
 * What the Linux SGX driver checks of SGX_IOC_ENCLAVE_INIT before the CPU
 * sees it (arch/x86/kernel/cpu/sgx/ioctl.c, sgx_ioc_enclave_init() and
 * sgx_encl_init(); the masks from driver.c, sgx_drv_init(), and
 * arch/x86/include/asm/sgx.h). Pure, like the rest of sgx/; shared by the
 * sim and the driver test double so that both refuse what the kernel
 * refuses, with its errno.
 *
 * ECREATE is left to the CPU (the driver checks only that SECS.SIZE is a
 * power of two): an attribute the CPU supports but the driver does not
 * grant, such as PROVISIONKEY, passes ECREATE and is refused at EINIT.
 */
#ifndef ENCL_SGX_LINUX_DRIVER_H
#define ENCL_SGX_LINUX_DRIVER_H

#include <stddef.h>
#include <stdint.h>
#include "sgx/arch.h"

/* SGX_ATTR_UNPRIV_MASK: what any process may ask for; PROVISIONKEY needs more. */
#define SGX_LINUX_ATTR_UNPRIV	(SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | SGX_ATTR_KSS | \
				 SGX_ATTR_AEXNOTIFY)
#define SGX_LINUX_ATTR_GRANTED	"DEBUG, MODE64BIT, KSS, AEXNOTIFY; PROVISIONKEY only with " \
				"/dev/sgx_provision"
/* SGX_ATTR_RESERVED_MASK: bits 3, 6 (CET, not supported), 8, 9 and 11-63. */
#define SGX_LINUX_ATTR_RESERVED	(~(SGX_ATTR_INIT | SGX_ATTR_DEBUG | SGX_ATTR_MODE64BIT | \
				   SGX_ATTR_PROVISIONKEY | SGX_ATTR_EINITTOKENKEY | \
				   SGX_ATTR_KSS | SGX_ATTR_AEXNOTIFY))

/* The bits sgx_drv_init() reserves on a CPU, from CPUID leaf 0x12. */
struct sgx_linux_masks {
	uint64_t attributes;	/* ~CPUID.12H.1 ATTRIBUTES | SGX_LINUX_ATTR_RESERVED */
	uint32_t miscselect;	/* ~CPUID.12H.0:EBX | all but EXINFO */
	uint64_t xfrm;		/* ~CPUID.12H.1 XFRM */
};

/* The masks for a CPU that allows @attributes, @miscselect and @xfrm. */
void sgx_linux_masks_for(struct sgx_linux_masks *m, uint64_t attributes, uint32_t miscselect,
			 uint64_t xfrm);

/*
 * SGX_IOC_ENCLAVE_INIT's checks, in the kernel's order, for an enclave whose
 * SECS.ATTRIBUTES.FLAGS are @secs_attributes and whose process gave
 * /dev/sgx_provision (@provision: SGX_IOC_ENCLAVE_PROVISION) or not:
 * SIGSTRUCT.VENDOR (-EINVAL), an attribute outside what the driver grants
 * (-EACCES), then a reserved bit that SIGSTRUCT requires under its masks in
 * ATTRIBUTES, MISCSELECT or XFRM (-EINVAL). 0, or the negative errno with
 * the reason in @why.
 */
int sgx_linux_einit_check(const struct sgx_linux_masks *m, uint64_t secs_attributes,
			  int provision, const struct sgx_sigstruct *ss, char *why, size_t len);

#endif
