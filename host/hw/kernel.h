/* SPDX-License-Identifier: MIT */
/*
 * The one interface between the hardware backend and the kernel: the five system
 * calls it uses on /dev/sgx_enclave. They follow libc's conventions (-1 or
 * MAP_FAILED with errno set; ioctl may also return a positive value, which
 * old drivers used for SGX error codes from EINIT).
 *
 * hw_kernel_real issues the system calls. The test double in
 * tests/double/sgx_kernel.c implements the same operations in memory and
 * checks every request the way arch/x86/kernel/cpu/sgx/ioctl.c does.
 */
#ifndef ENCL_HOST_HW_KERNEL_H
#define ENCL_HOST_HW_KERNEL_H

#include <stddef.h>
#include <sys/types.h>
#include <asm/sgx.h>

struct hw_kernel_ops {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long req, void *arg);
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t off);
	int (*munmap)(void *addr, size_t len);
	int (*close)(int fd);
};

extern const struct hw_kernel_ops hw_kernel_real;

/*
 * The operations the backend uses. Tests substitute the double; NULL
 * restores the real ones.
 */
void hw_use_kernel(const struct hw_kernel_ops *ops);
const struct hw_kernel_ops *hw_kernel(void);

/*
 * The vDSO entry the backend uses is what the lookup in this process's vDSO
 * finds. Tests give the lookup's result instead, a fake vDSO or NULL for a
 * vDSO without the entry; hw_use_real_vdso() looks it up again.
 */
void hw_use_vdso(vdso_sgx_enter_enclave_t enter);
void hw_use_real_vdso(void);

#define HW_ENCLAVE_DEV		"/dev/sgx_enclave"
#define HW_PROVISION_DEV	"/dev/sgx_provision"

/*
 * The kernel's internal "restart this call" code. User space normally sees
 * EINTR instead, but the retry loops accept both.
 */
#ifndef ERESTARTSYS
#define ERESTARTSYS		512
#endif

#endif
