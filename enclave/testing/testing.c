// SPDX-License-Identifier: MIT
/*
 * The test and diagnostic interface (testing.h): thin wrappers over what
 * the runtime already has, i.e. the EMM's ENCLU leaves (emm_sgx.c), the
 * ocall round trip (ocall.c), and the exception handler's hook slot
 * (exception.c). Only programs that call into it link it in.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "enclave/emm/emm_sgx.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/testing/testing.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

/* testing_probe.S */
extern const char encl_probe_read_insn[] __attribute__((visibility("hidden")));
extern const char encl_probe_read_fixup[] __attribute__((visibility("hidden")));
extern const char encl_probe_write_insn[] __attribute__((visibility("hidden")));
extern const char encl_probe_write_fixup[] __attribute__((visibility("hidden")));

int encl_eaccept(uint64_t addr, uint64_t flags)
{
	return emm_sgx_eaccept(addr, flags);
}

int encl_eacceptcopy(uint64_t addr, uint64_t flags, uint64_t src)
{
	return emm_sgx_eacceptcopy(addr, flags, src);
}

int encl_emodpe(uint64_t addr, uint64_t perms)
{
	return emm_sgx_emodpe(addr, perms);
}

/*
 * An ocall made from the program itself, not from the system-call
 * dispatcher: the ORET entry reloads FS with WRFSBASE, which may not stick
 * (ENCL_START_FS_VOLATILE), and no trampoline follows to make it durable.
 */
static int64_t program_ocall(int64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct encl_thread *td = encl_self();
	int64_t r = ocall3(nr, a0, a1, a2);

	if (td->fs_dirty) {
		td->fs_dirty = 0;
		encl_fs_sync();
	}
	/* The host's answer: 0 or -errno, nothing else. */
	return r > 0 || r < -4095 ? -EIO : r;
}

static int host_page_op(int64_t nr, uint64_t addr, uint64_t len, uint64_t arg)
{
	if (!encl_inside(addr, len))
		return -EINVAL;
	ocall_reset();
	return (int)program_ocall(nr, encl_offset(addr), len, arg);
}

int encl_host_modify_types(uint64_t addr, uint64_t len, unsigned page_type)
{
	return host_page_op(ENCL_OCALL_MODIFY_TYPES, addr, len, page_type);
}

int encl_host_restrict(uint64_t addr, uint64_t len, uint64_t secinfo_perms)
{
	return host_page_op(ENCL_OCALL_RESTRICT, addr, len, secinfo_perms);
}

int encl_host_remove(uint64_t addr, uint64_t len)
{
	return host_page_op(ENCL_OCALL_REMOVE, addr, len, 0);
}

int encl_host_protect(uint64_t addr, uint64_t len, int prot)
{
	return host_page_op(ENCL_OCALL_PROTECT, addr, len, (uint64_t)prot);
}

int encl_host_enter_tcs(uint64_t tcs, struct encl_enter_report *out)
{
	struct encl_enter_report *rep;
	int64_t r;

	if (!encl_inside(tcs, ENCL_PAGE_SIZE))
		return -EINVAL;
	ocall_reset();
	rep = ocall_alloc(sizeof(*rep));
	memset(rep, 0, sizeof(*rep));
	r = program_ocall(ENCL_OCALL_ENTER_TCS, encl_offset(tcs), HP(rep), 0);
	/* Host memory: read once. */
	memcpy(out, rep, sizeof(*out));
	return (int)r;
}

uint64_t encl_base(void)
{
	return encl_rt.base;
}

const struct encl_params *encl_measured_params(void)
{
	return encl_rt.params;
}

uint64_t encl_reserve_raw(uint64_t len, const char **why)
{
	const struct emm *m = &encl_emm;
	uint64_t addr;
	void *p;

	if (!len || (len & (ENCL_PAGE_SIZE - 1))) {
		*why = "the length is not a positive multiple of 4 KiB";
		return 0;
	}
	if (encl_rt.params->mode != ENCL_PARAMS_MODE_EDMM || m->mode != EMM_MODE_EDMM) {
		*why = "needs the EDMM layout (SCONE_EDMM_MODE=enable): in SGX1 every page is EADDed";
		return 0;
	}
	/* Just below the EMM's metadata, above the clamped SCONE_HEAP (m->top). */
	if (m->hi - m->top < len) {
		*why = "no room between SCONE_HEAP and the end of the heap range: lower SCONE_HEAP";
		return 0;
	}
	addr = m->hi - len;
	p = mmap((void *)(uintptr_t)addr, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)(uintptr_t)addr) {
		*why = "the memory manager refused the PROT_NONE mapping";
		return 0;
	}
	if (encl_host_protect(addr, len, PROT_READ | PROT_WRITE)) {
		*why = "the host refused to map the range read-write";
		return 0;
	}
	return addr;
}

static int (*user_hook)(const struct encl_fault *f);

/* exception.c's slot: the user's answer, and where to resume. */
static int dispatch(const struct encl_fault *f, uint64_t *resume_rip)
{
	int (*hook)(const struct encl_fault *f) = user_hook;

	if (!hook)
		return 0;
	switch (hook(f)) {
	case ENCL_FAULT_RESUME:
		return 1;
	case ENCL_FAULT_ABORT_PROBE:
		/* Only the probes have a defined way out; any other RIP stays a crash. */
		if (f->rip == (uint64_t)(uintptr_t)encl_probe_read_insn) {
			*resume_rip = (uint64_t)(uintptr_t)encl_probe_read_fixup;
			return 1;
		}
		if (f->rip == (uint64_t)(uintptr_t)encl_probe_write_insn) {
			*resume_rip = (uint64_t)(uintptr_t)encl_probe_write_fixup;
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

void encl_set_fault_hook(int (*hook)(const struct encl_fault *f))
{
	user_hook = hook;
	encl_exception_hook = hook ? dispatch : 0;
}
