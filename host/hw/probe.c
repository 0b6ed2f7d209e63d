// SPDX-License-Identifier: MIT
/*
 * What this machine can run: the CPU (CPUID), the device, whether it may be
 * mapped executable, the vDSO entry, and whether the kernel has the SGX2
 * ioctls. The EDMM probe asks SGX_IOC_ENCLAVE_MODIFY_TYPES
 * of a fresh, never created enclave fd. The kernel checks, in this order:
 * the ioctl number (unknown: ENOTTY, a kernel older than 6.0), SGX2 in the
 * CPU (ENODEV), then that the enclave is initialized (EINVAL). So EINVAL,
 * or anything past the first two, means the kernel would take the request.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "host/hw/hw.h"

void hw_open_error(int err, char *buf, size_t len)
{
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
		snprintf(buf, len, "no " HW_ENCLAVE_DEV ": the kernel has no SGX driver "
			 "(Linux 5.11+ with CONFIG_X86_SGX), or SGX is disabled");
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, len, "cannot open " HW_ENCLAVE_DEV ": permission denied; "
			 "add the user to the 'sgx' group (the device is usually root:sgx, "
			 "mode 0660) or check its permissions with ls -l " HW_ENCLAVE_DEV);
		break;
	default:
		snprintf(buf, len, "cannot open " HW_ENCLAVE_DEV ": %s", strerror(err));
		break;
	}
}

void hw_map_error(int err, int prot, char *buf, size_t len)
{
	if (err == EPERM && (prot & PROT_EXEC))
		snprintf(buf, len, "PROT_EXEC refused (EPERM): the filesystem holding "
			 HW_ENCLAVE_DEV " (normally /dev) is mounted noexec; remount it exec "
			 "(mount -o remount,exec /dev)");
	else if (err == EACCES)
		snprintf(buf, len, "refused (EACCES): the protection exceeds the permissions the "
			 "pages were added with, or a security module refused it");
	else
		snprintf(buf, len, "%s", strerror(err));
}

/*
 * What the kernel's selftests check before building anything: an executable
 * shared mapping of the enclave fd, which do_mmap() refuses with EPERM on a
 * noexec mount before the driver sees it. 0, or the errno with @why filled.
 */
int hw_exec_map_check(int fd, char *why, size_t len)
{
	const struct hw_kernel_ops *k = hw_kernel();
	void *p = k->mmap(NULL, SGX_PAGE_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	char reason[200];
	int err;

	if (p != MAP_FAILED) {
		k->munmap(p, SGX_PAGE_SIZE);
		return 0;
	}
	err = errno;
	hw_map_error(err, PROT_READ | PROT_EXEC, reason, sizeof(reason));
	snprintf(why, len, "cannot map " HW_ENCLAVE_DEV " executable: %s", reason);
	return err;
}

/* 1: the kernel takes SGX2 ioctls; 0: it does not, with @why filled. */
static int probe_os_edmm(int fd, char *why, size_t len)
{
	const struct hw_kernel_ops *k = hw_kernel();
	struct sgx_enclave_modify_types mt;

	memset(&mt, 0, sizeof(mt));
	if (k->ioctl(fd, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt) == 0)
		return 1;	/* unexpected on an empty enclave, but the ioctl exists */
	switch (errno) {
	case ENOTTY:
	case EOPNOTSUPP:
		snprintf(why, len, "the kernel has no EDMM ioctls (SGX_IOC_ENCLAVE_MODIFY_TYPES "
			 "unknown: Linux 6.0+ needed)");
		return 0;
	case ENODEV:
		snprintf(why, len, "the kernel reports no SGX2 on this CPU "
			 "(SGX_IOC_ENCLAVE_MODIFY_TYPES: ENODEV)");
		return 0;
	default:
		return 1;
	}
}

int hw_probe_cpu(const struct sgx_cpu_info *cpu, struct encl_caps *caps)
{
	const struct hw_kernel_ops *k = hw_kernel();
	char cpu_why[160];
	int fd;

	memset(caps, 0, sizeof(*caps));
	if (sgx_cpu_why_not(cpu, cpu_why, sizeof(cpu_why))) {
		snprintf(caps->why_not, sizeof(caps->why_not), "%s", cpu_why);
		return 0;
	}
	caps->exinfo = cpu->exinfo;
	caps->xfrm = cpu->xfrm & sgx_xcr0_native();

	fd = k->open(HW_ENCLAVE_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		hw_open_error(errno, caps->why_not, sizeof(caps->why_not));
		return 0;
	}
	if (hw_exec_map_check(fd, caps->why_not, sizeof(caps->why_not))) {
		k->close(fd);
		return 0;
	}
	if (!hw_vdso_enter()) {
		k->close(fd);
		snprintf(caps->why_not, sizeof(caps->why_not), "%s", HW_NO_VDSO_WHY);
		return 0;
	}
	caps->sgx1 = 1;
	caps->sgx2 = cpu->sgx2;
	caps->os_edmm = probe_os_edmm(fd, caps->why_not, sizeof(caps->why_not));
	k->close(fd);

	if (!caps->sgx2)
		snprintf(caps->why_not, sizeof(caps->why_not),
			 "the CPU has SGX1 only: no EDMM (CPUID.12H:EAX[1] clear)");
	else if (caps->os_edmm)
		caps->why_not[0] = '\0';
	return 0;
}

int hw_probe(struct encl_caps *caps)
{
	struct sgx_cpu_info cpu;

	sgx_cpu_info_read(&cpu);
	return hw_probe_cpu(&cpu, caps);
}

/* A device node's state, as the runtime would meet it. */
static const char *device_state(const char *path)
{
	const struct hw_kernel_ops *k = hw_kernel();
	int fd = k->open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		k->close(fd);
		return "present";
	}
	switch (errno) {
	case ENOENT:
		return "absent";
	case EACCES:
	case EPERM:
		return "present, permission denied";
	default:
		return "present, cannot be opened";
	}
}

void hw_describe_cpu(const struct sgx_cpu_info *cpu, struct encl_hw_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->cpu = *cpu;
	f->cpu_why = sgx_cpu_why_not(cpu, f->cpu_why_buf, sizeof(f->cpu_why_buf));
	f->dev_enclave = device_state(HW_ENCLAVE_DEV);
	f->dev_provision = device_state(HW_PROVISION_DEV);
	f->vdso_entry = hw_vdso_enter() != NULL;
	hw_probe_cpu(cpu, &f->caps);
}

void encl_hw_describe(struct encl_hw_facts *f)
{
	struct sgx_cpu_info cpu;

	sgx_cpu_info_read(&cpu);
	hw_describe_cpu(&cpu, f);
}
