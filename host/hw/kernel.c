// SPDX-License-Identifier: MIT
/*
 * The real kernel operations: thin wrappers around the system calls, so that
 * the backend reaches the kernel only through struct hw_kernel_ops.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host/hw/kernel.h"

static int real_open(const char *path, int flags)
{
	return open(path, flags);
}

static int real_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

static void *real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

static int real_munmap(void *addr, size_t len)
{
	return munmap(addr, len);
}

static int real_close(int fd)
{
	return close(fd);
}

const struct hw_kernel_ops hw_kernel_real = {
	.open	= real_open,
	.ioctl	= real_ioctl,
	.mmap	= real_mmap,
	.munmap	= real_munmap,
	.close	= real_close,
};

static const struct hw_kernel_ops *kernel_ops = &hw_kernel_real;

void hw_use_kernel(const struct hw_kernel_ops *ops)
{
	kernel_ops = ops ? ops : &hw_kernel_real;
}

const struct hw_kernel_ops *hw_kernel(void)
{
	return kernel_ops;
}
