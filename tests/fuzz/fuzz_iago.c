// SPDX-License-Identifier: MIT
/*
 * The trusted runtime's checks on host results (enclave/shield/iago.c), fed
 * arbitrary host answers: the first byte picks the system call's check, the
 * rest are its arguments and the buffers the host filled. The file is
 * compiled in as it is, like tests/unit/test_iago.c does, with a pretend
 * ELRANGE. A check may refuse anything; it must never read outside what it
 * was given.
 */
#include <stdlib.h>
#include <string.h>

#include "enclave/shield/iago.c"
#include "tests/fuzz/fuzz.h"

#define BASE	0x7f0000000000ULL
#define SIZE	0x100000000ULL

/*
 * Every result is kept: the checks are pure, and clang drops a call whose
 * result goes unused, and the input would exercise nothing. A
 * refusal carries a reason, which encl_iago_fail prints.
 */
static const char *volatile verdict;
static volatile int kept;

static void keep(const char *why)
{
	if (why && !*why)
		abort();
	verdict = why;
}

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t u64(struct input *in)
{
	uint64_t v = 0;
	size_t k = in->n < sizeof(v) ? in->n : sizeof(v);

	memcpy(&v, in->p, k);
	in->p += k;
	in->n -= k;
	return v;
}

/* The rest of the input as a buffer of its own, so that ASan sees its end. */
static uint8_t *rest(struct input *in, size_t *len)
{
	uint8_t *b = malloc(in->n ? in->n : 1);

	if (b) {
		memcpy(b, in->p, in->n);
		*len = in->n;
	}
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data + 1, size - 1 };
	uint64_t a, b, c, d, e, f;
	uint8_t *buf;
	size_t len;

	if (size < 1 || size > FUZZ_MAX_INPUT)
		return 0;
	switch (data[0] % 42) {
	case 0:
		a = u64(&in); b = u64(&in);
		kept += iago_outside(a, b, BASE, SIZE);
		kept += iago_inside(a, b, BASE, SIZE);
		kept += iago_negative_len(a);
		break;
	case 1:
		a = u64(&in);
		keep(iago_check_zero(a));
		keep(iago_check_nonneg(a));
		keep(iago_check_fd(a));
		break;
	case 2:
		a = u64(&in); b = u64(&in);
		keep(iago_check_count(a, b));
		keep(iago_check_read(b, a));
		keep(iago_check_buflen(a, b));
		break;
	case 3:
		buf = rest(&in, &len);
		if (buf)
			keep(iago_check_dirents(buf, len));
		free(buf);
		break;
	case 4:
		buf = rest(&in, &len);
		if (buf)
			keep(iago_check_string((const char *)buf, len));
		free(buf);
		break;
	case 5:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in);
		keep(iago_check_flock(a, b, c, d));
		break;
	case 6:
		a = u64(&in);
		buf = rest(&in, &len);
		/* The sockaddr buffer the call gave: at least as long as the length says fits. */
		if (buf && a <= len)
			keep(iago_check_addrlen(a, buf));
		free(buf);
		break;
	case 7:
		buf = rest(&in, &len);
		if (buf)
			keep(iago_check_cmsgs(buf, len));
		free(buf);
		break;
	case 8:
		a = u64(&in); b = u64(&in);
		keep(iago_check_timespec(a, b));
		break;
	case 9:
		a = u64(&in); b = u64(&in); c = u64(&in);
		keep(iago_check_shared_map(a, b, BASE, c ? c : SIZE));
		break;
	case 10:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in); e = u64(&in); f = u64(&in);
		keep(iago_check_statfs(a, b, c, d, e, f));
		break;
	case 11: {
		int64_t v[IAGO_RUSAGE_LONGS];

		for (int i = 0; i < IAGO_RUSAGE_LONGS; i++)
			v[i] = u64(&in);
		keep(iago_check_rusage(v));
		break;
	}
	case 12:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in); e = u64(&in); f = u64(&in);
		keep(iago_check_sysinfo(a, b, c, d, e, (uint32_t)f));
		break;
	case 13:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in);
		keep(iago_check_time_left(a, b, c, d));
		break;
	case 14:
		a = u64(&in);
		keep(iago_check_poll_revents((int32_t)a, (uint16_t)(a >> 32), (uint16_t)(a >> 48)));
		break;
	case 15:
		a = u64(&in); b = u64(&in); c = u64(&in);
		keep(iago_check_poll_count(a, b, c));
		break;
	case 16: {
		/* select: nfds up to FD_SETSIZE, both sets from the input */
		uint64_t given[16] = { 0 }, got[16] = { 0 }, bits = 0;

		a = u64(&in) % 1025;
		for (int i = 0; i < 16; i++)
			given[i] = u64(&in);
		for (int i = 0; i < 16; i++)
			got[i] = u64(&in);
		if (!iago_check_fdset(given, got, a, &bits))
			keep(iago_check_select_count(u64(&in), bits));
		break;
	}
	case 17:
		a = u64(&in);
		keep(iago_check_select_count(a, u64(&in)));
		break;
	case 18:
		a = u64(&in);
		keep(iago_check_epoll_events((uint32_t)a, (uint32_t)(a >> 32)));
		break;
	case 19:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in);
		keep(iago_check_area(a, b, BASE, SIZE, c, d));
		break;
	case 20: {
		/*
		 * argv/envp from the host: up to 64 pointers into host memory
		 * that is the rest of the input, with the pretend ELRANGE
		 * starting right after it: a string that runs off the end of
		 * the buffer must be refused before its byte there is read.
		 */
		uint64_t ptrs[64], lens[64], total = 0, n, hbase;

		n = u64(&in) % 65;
		for (uint64_t i = 0; i < n; i++)
			ptrs[i] = u64(&in);
		buf = rest(&in, &len);
		if (!buf)
			break;
		hbase = (uint64_t)(uintptr_t)buf;
		for (uint64_t i = 0; i < n; i++)
			ptrs[i] = ptrs[i] ? hbase + ptrs[i] % (len + 1) : 0;
		keep(iago_check_strings(ptrs, n, hbase + len, SIZE, lens, &total));
		free(buf);
		break;
	}
	case 21:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in);
		keep(iago_check_stat((uint32_t)a, b, c, d));
		break;
	case 22:
		a = u64(&in); b = u64(&in); c = u64(&in);
		keep(iago_check_lseek(a, b % 4, c));		/* SEEK_SET, _CUR, _END, _DATA */
		break;
	case 23:
		a = u64(&in);
		keep(iago_check_dup_to(a, (uint32_t)u64(&in)));
		break;
	case 24:
		a = u64(&in);
		keep(iago_check_dupfd(a, (uint32_t)u64(&in)));
		break;
	case 25:
		a = u64(&in);
		keep(iago_check_fdpair((int32_t)a, (int32_t)(a >> 32)));
		break;
	case 26: {
		/* what the host wrote for F_GETLK, then what the program passed */
		struct flock lk[2];

		memset(lk, 0, sizeof(lk));
		memcpy(lk, in.p, in.n < sizeof(lk) ? in.n : sizeof(lk));
		keep(iago_check_getlk(&lk[0], &lk[1]));
		break;
	}
	case 27:
		keep(iago_check_fionread((int32_t)u64(&in)));
		break;
	case 28:
		buf = rest(&in, &len);
		if (buf)
			keep(iago_check_cwd((const char *)buf, len));
		free(buf);
		break;
	case 29:
		a = u64(&in);
		keep(iago_check_id(a, (int)(u64(&in) & 1)));
		break;
	case 30:
		keep(iago_check_umask(u64(&in)));
		break;
	case 31:
		a = u64(&in);
		keep(iago_check_rlimit(a, u64(&in)));
		break;
	case 32:
		keep(iago_check_priority(u64(&in)));
		break;
	case 33:
		a = u64(&in);
		keep(iago_check_affinity(a, u64(&in)));
		break;
	case 34:
		a = u64(&in); b = u64(&in); c = u64(&in); d = u64(&in);
		keep(iago_check_tms(a, b, c, d));
		break;
	case 35:
		keep(iago_check_interrupted(u64(&in)));
		break;
	case 36:
		a = u64(&in);
		keep(iago_check_timeval(a, u64(&in)));
		break;
	case 37:
		keep(iago_check_timer_id((int32_t)u64(&in)));
		break;
	case 38:
		keep(iago_check_open_flags(u64(&in)));
		break;
	case 39:
		a = u64(&in);
		keep(iago_check_monotonic(a, u64(&in)));
		break;
	case 40:
		a = u64(&in); b = u64(&in); c = u64(&in);
		keep(iago_check_sendfile(a, (int64_t)b, (int64_t)c, (int64_t)u64(&in)));
		break;
	case 41:
		a = u64(&in);
		keep(iago_check_parent((int64_t)a, (int64_t)u64(&in)));
		break;
	}
	return 0;
}
