// SPDX-License-Identifier: MIT
/*
 * The program's descriptor table (fd_table.h). Bits are set and cleared
 * atomically: threads open and close concurrently. A descriptor is
 * cleared before the close is forwarded, so that another thread's open
 * getting the same number right after is never taken for a lie.
 */
#include <fcntl.h>
#include <sys/syscall.h>

#include "enclave/shield/fd_table.h"
#include "enclave/shield/dir_stream.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/syscall.h"

static uint64_t in_use[ENCL_FD_MAX / 64];

void encl_fd_table_init(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		ocall_reset();
		if (ocall2(OCALL_SYS(fcntl), (uint64_t)fd, F_GETFD) >= 0)
			in_use[0] |= UINT64_C(1) << fd;
	}
}

int64_t encl_fd_new(long nr, int64_t r)
{
	uint64_t bit, old;

	IAGO(iago_check_fd(r), nr, r);
	if (r < 0)
		return r;
	if (r >= ENCL_FD_MAX)
		encl_iago_fail(nr, r, "descriptor beyond the enclave's table (2^20, the default fs.nr_open)");
	bit = UINT64_C(1) << (r % 64);
	old = __atomic_fetch_or(&in_use[r / 64], bit, __ATOMIC_RELAXED);
	if (old & bit)
		encl_iago_fail(nr, r, "descriptor is already open");
	encl_dir_stream_reset(r);
	return r;
}

void encl_fd_gone(int64_t fd)
{
	if (fd < 0 || fd >= ENCL_FD_MAX)
		return;
	__atomic_fetch_and(&in_use[fd / 64], ~(UINT64_C(1) << (fd % 64)), __ATOMIC_RELAXED);
	encl_dir_stream_reset(fd);
}
