/* SPDX-License-Identifier: MIT */
/*
 * The hardware backend's private state and helpers, shared by its files:
 *   probe.c    what the CPU and the kernel support; encl_hw_describe()
 *   build.c    ECREATE, EADD/EEXTEND, EINIT, mmap, destroy
 *   edmm.c     the SGX2 ioctls: restrict permissions, modify types, remove
 *   run.c      EENTER/ERESUME through __vdso_sgx_enter_enclave
 *   interrupt.c catch_signals: signals that interrupt enclave code
 *   backend.c  the struct encl_backend table
 */
#ifndef ENCL_HOST_HW_HW_H
#define ENCL_HOST_HW_HW_H

#include <pthread.h>
#include <stdint.h>

#include "host/backend.h"
#include "host/hw/kernel.h"
#include "sgx/cpuid.h"

struct hw_enclave {
	int fd;			/* /dev/sgx_enclave, one per enclave */
	void *reserve;		/* the ELRANGE reservation: [base, base + size) */
	size_t reserve_len;
	void *zero_src;		/* zero pages for EADD of pages without contents */
	size_t zero_len;
	int initialized;
	/*
	 * Held across each SGX2 request: the driver takes one ioctl of an
	 * enclave at a time and turns a second away with EBUSY, so the
	 * backend's own threads queue here instead of spinning on it.
	 */
	pthread_mutex_t ioctl_lock;
};

/*
 * How many times a call that makes no progress (EINTR, EAGAIN, count 0) is
 * retried before giving up: enough for any signal storm, finite for a
 * misbehaving kernel.
 */
#define HW_RETRY_LIMIT		100000

/*
 * This thread's entry in progress, for the signal handler (interrupt.c):
 * the TCS it entered, whether it is inside the vDSO call, and whether a
 * signal turned the AEX the vDSO would resume into a return.
 */
struct hw_entry {
	uint64_t tcs;
	volatile int in_vdso;
	volatile int interrupted;
};
extern __thread struct hw_entry hw_entry_self;

/* The vDSO entry (see hw_use_vdso()), or NULL when the vDSO has none. */
vdso_sgx_enter_enclave_t hw_vdso_enter(void);

/*
 * Why hw cannot enter enclaves without it. The vDSO has the entry whenever
 * the kernel is built with CONFIG_X86_SGX, SGX in the CPU or not, so it says
 * nothing about the machine when the device is missing.
 */
#define HW_NO_VDSO_WHY	"the vDSO has no __vdso_sgx_enter_enclave: the kernel has no SGX " \
			"support (Linux 5.11+ with CONFIG_X86_SGX needed)"

/* "SGX_INVALID_MEASUREMENT (MRENCLAVE differs ...)" or "SGX error 0x..". */
void hw_describe_code(uint64_t code, char *buf, size_t len);

/*
 * The probe on given CPU facts: the device and the EDMM ioctls through the
 * current kernel ops. hw_probe() calls it with this CPU.
 */
int hw_probe_cpu(const struct sgx_cpu_info *cpu, struct encl_caps *caps);

/* encl_hw_describe() on given CPU facts, as hw_probe_cpu(). */
void hw_describe_cpu(const struct sgx_cpu_info *cpu, struct encl_hw_facts *f);

/* The device-open failure in one line, with the hint for its errno. */
void hw_open_error(int err, char *buf, size_t len);

/* Why an mmap of the enclave fd with PROT_* @prot failed with @err, with the hint. */
void hw_map_error(int err, int prot, char *buf, size_t len);

/* A PROT_EXEC mapping of the fresh enclave @fd: 0, or the errno with @why filled. */
int hw_exec_map_check(int fd, char *why, size_t len);

/* hw_vdso_call: see vdso_call.S. Returns the vDSO's int. */
int hw_vdso_call(vdso_sgx_enter_enclave_t fn, unsigned long rdi, unsigned long rsi,
		 unsigned long rdx, unsigned int function, struct sgx_enclave_run *run);

int hw_probe(struct encl_caps *caps);
int hw_create(struct encl_enclave *e, struct sgx_secs *secs, int edmm);
int hw_add_pages(struct encl_enclave *e, uint64_t offset, const void *src,
		 uint64_t length, uint64_t secinfo_flags, int measure);
int hw_init(struct encl_enclave *e, const struct sgx_sigstruct *ss);
int hw_map(struct encl_enclave *e, uint64_t offset, uint64_t length, int prot);
int hw_restrict_permissions(struct encl_enclave *e, uint64_t offset, uint64_t length,
			    uint64_t secinfo_perms);
int hw_modify_types(struct encl_enclave *e, uint64_t offset, uint64_t length,
		    unsigned page_type);
int hw_remove_pages(struct encl_enclave *e, uint64_t offset, uint64_t length);
int hw_enter(struct encl_enclave *e, struct encl_run *run);
int hw_catch_signals(struct encl_enclave *e, uint64_t mask, void (*note)(int sig));
void hw_destroy(struct encl_enclave *e);

#endif
