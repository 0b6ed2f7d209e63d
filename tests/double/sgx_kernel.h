/* SPDX-License-Identifier: MIT */
/*
 * A test double of the Linux SGX driver (/dev/sgx_enclave), implementing
 * struct hw_kernel_ops in memory. Every request is checked the way
 * arch/x86/kernel/cpu/sgx/ioctl.c and driver.c check it, in the same order,
 * with the same errno; the CPU's part (ECREATE, EADD, EEXTEND, EINIT, EMODPR,
 * EMODT, EREMOVE) uses the EPCM rules of sgx/epcm.h and the measurement of
 * sgx/measure.h, so EINIT succeeds only for the MRENCLAVE the pages added
 * really produce.
 *
 * Like the kernel, ADD_PAGES, CREATE and INIT read their SECINFO, source
 * pages, SECS and SIGSTRUCT through the user pointers in the request.
 * Mappings of the enclave fd are VMAs with their protections, and the
 * enclave's side (its accesses and EACCEPT) faults through them as the
 * kernel's #PF handler and sgx_vma_fault() would. docs/hardware.md lists
 * every rule with its source in the kernel, and what is not modelled.
 *
 * Several threads may use it at once (one lock, and EBUSY for a second
 * ioctl of an enclave, as the kernel's SGX_ENCL_IOCTL flag answers).
 * One machine per process; double_reset() returns it to its defaults: an
 * SGX2 CPU with FLC (CPUID.12H: ATTRIBUTES DEBUG, MODE64BIT, PROVISIONKEY,
 * EINITTOKENKEY, KSS, AEXNOTIFY; MISCSELECT EXINFO; XFRM x87, SSE, AVX), a
 * 6.x kernel with the EDMM ioctls, the device present and openable, 64 MiB
 * of EPC, EINIT failures reported as -EPERM (mainline).
 */
#ifndef ENCL_TESTS_DOUBLE_SGX_KERNEL_H
#define ENCL_TESTS_DOUBLE_SGX_KERNEL_H

#include <stdint.h>
#include "host/hw/kernel.h"
#include "sgx/epcm.h"

extern const struct hw_kernel_ops hw_double_ops;

void double_reset(void);

/* The machine. */
void double_set_device_errno(int err);	/* open() fails with @err; 0: openable */
void double_set_cpu_sgx2(int on);	/* off: SGX2 ioctls fail with ENODEV */
void double_set_kernel_edmm(int on);	/* off: SGX2 ioctls are unknown (ENOTTY) */
void double_set_dev_noexec(int on);	/* /dev noexec: PROT_EXEC mmap gets EPERM */
void double_set_src_noexec(int on);	/* EADD sources lack VM_MAYEXEC: EACCES */
void double_set_epc_pages(uint64_t n);	/* EPC capacity, SECS pages included */
void double_set_einit_positive(int on);	/* old drivers: EINIT returns the SGX code */
/*
 * Every ioctl holds the enclave's "ioctl in progress" flag @usec longer, so
 * that ioctls from several threads meet and are turned away with EBUSY.
 */
void double_set_ioctl_hold(unsigned usec);

/*
 * Fault injection: the next @req ioctl stops before its page number @at
 * (0-based within that call) with count = @at pages, and returns -@err, or
 * success when @err is 0 (what ADD_PAGES does when a signal arrives after
 * some progress). Faults queue up in order.
 */
void double_inject(unsigned long req, int err, uint64_t at);
/*
 * The next @req ioctl finds another ioctl of the same enclave in progress
 * (sgx_ioctl()'s SGX_ENCL_IOCTL flag): EBUSY before the request is read,
 * its count left as it was. Queued with the faults above.
 */
void double_inject_busy(unsigned long req);
int double_injections_pending(void);

/*
 * mprotect() of [@addr, @addr + @len) within mappings of the most recently
 * created enclave: VM_MAYEXEC (noexec mount: EACCES), then the driver's
 * sgx_vma_mprotect() (sgx_encl_may_map(): EACCES), VMA by VMA as the
 * kernel goes; ENOMEM at a hole. 0, or -1 with errno.
 */
int double_mprotect(void *addr, size_t len, int prot);

/*
 * How an access of the enclave's ended, the kernel's path in order: no VMA
 * or one that forbids the access (access_error(): SIGSEGV, before the
 * driver runs), the driver's fault handler refusing (sgx_vma_fault():
 * VM_FAULT_SIGBUS), or the CPU's EPCM check (#PF with X86_PF_SGX).
 */
enum double_fault {
	DOUBLE_FAULT_NONE,
	DOUBLE_FAULT_VMA,
	DOUBLE_FAULT_SIGBUS,
	DOUBLE_FAULT_EPCM,
};

/*
 * The enclave's side, on the most recently created enclave. An access of
 * the page at enclave @offset, @access one of PROT_READ, PROT_WRITE,
 * PROT_EXEC: on a page without entry the kernel's EAUG on fault runs
 * first, so the access then meets a PENDING page.
 */
enum double_fault double_access(uint64_t offset, unsigned access);
/*
 * ENCLU[EACCEPT] of the page at enclave @offset with SECINFO.FLAGS @flags.
 * The page is read (SDM: EPCPAGE, read access), through the same fault
 * path: on a page without entry, EAUG and the EACCEPT is retried ("augment
 * via EACCEPT"). Returns the SGX code or an enum epcm_fault; after
 * EPCM_FAULT_PF, double_last_fault() says which refusal it was.
 */
int double_eaccept_flags(uint64_t offset, uint64_t flags);
/* The same with the SECINFO a correct enclave would use for the page's state. */
int double_eaccept(uint64_t offset);
enum double_fault double_last_fault(void);

/* Inspection of the most recently created enclave. */
epcm_entry_t double_epcm(uint64_t offset);
unsigned double_max_prot(uint64_t offset);	/* the kernel's vm_max_prot_bits as PROT_* */
uint64_t double_epc_used(void);
int double_initialized(void);
int double_open_fds(void);
uint64_t double_last_einit_code(void);		/* the SGX code of the last EINIT */
unsigned long double_calls(unsigned long req);	/* ioctls issued with @req */
uint64_t double_secs_base(void);
uint64_t double_secs_size(void);

#endif
