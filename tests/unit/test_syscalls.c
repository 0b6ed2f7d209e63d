// SPDX-License-Identifier: MIT
/*
 * The system-call table (abi/syscalls.h) against the host's check of
 * ocall arguments (host/ocall.c): for every forwarded call, arguments laid
 * out in a pretend ocall area as the table describes are accepted, and
 * each pointer moved out of the area, or a length that runs past its end,
 * is refused. Calls the enclave serves itself, and calls in no table, are
 * refused whatever their arguments.
 */
#include <errno.h>
#include <glob.h>
#include <regex.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>

#include "abi/syscalls.h"
#include "enclave/shield/sysnames.c"
#include "host/host.h"
#include "tests/harness.h"

/* The C library the host is built with lays the structures out as the kernel does. */
_Static_assert(sizeof(struct stat) == ENCL_SZ_STAT, "struct stat");
_Static_assert(sizeof(struct statx) == ENCL_SZ_STATX, "struct statx");
_Static_assert(sizeof(struct timespec) == ENCL_SZ_TIMESPEC, "struct timespec");
_Static_assert(sizeof(struct timeval) == ENCL_SZ_TIMEVAL, "struct timeval");
_Static_assert(sizeof(struct timezone) == ENCL_SZ_TIMEZONE, "struct timezone");
_Static_assert(sizeof(struct utsname) == ENCL_SZ_UTSNAME, "struct utsname");
_Static_assert(sizeof(struct rlimit) == ENCL_SZ_RLIMIT, "struct rlimit");
_Static_assert(sizeof(struct flock) == ENCL_SZ_FLOCK, "struct flock");
_Static_assert(sizeof(struct f_owner_ex) == ENCL_SZ_F_OWNER_EX, "struct f_owner_ex");
_Static_assert(sizeof(struct winsize) == ENCL_SZ_WINSIZE, "struct winsize");
_Static_assert(sizeof(struct linger) == ENCL_SZ_LINGER, "struct linger");
_Static_assert(sizeof(struct ucred) == ENCL_SZ_UCRED, "struct ucred");
_Static_assert(sizeof(struct sockaddr_storage) == ENCL_SZ_SOCKADDR, "struct sockaddr_storage");
_Static_assert(sizeof(struct statfs) == ENCL_SZ_STATFS, "struct statfs");
_Static_assert(sizeof(struct rusage) == ENCL_SZ_RUSAGE, "struct rusage");
_Static_assert(sizeof(struct sysinfo) == ENCL_SZ_SYSINFO, "struct sysinfo (glibc's is the kernel's)");
_Static_assert(sizeof(struct tms) == ENCL_SZ_TMS, "struct tms");

struct entry {
	long nr;
	const char *name;
	struct encl_syscall_arg a[6];
};

#define FWD_ENTRY(name, ...)	{ SYS_##name, #name, { __VA_ARGS__ } },
#define IN_ENTRY(name, handler)	{ SYS_##name, #name, { ENCL_A_VAL } },
#define SKIP_FWD(name, ...)
#define SKIP_IN(name, handler)
static const struct entry forwarded[] = { ENCL_SYSCALLS(FWD_ENTRY, SKIP_IN) };
static const struct entry inside[] = { ENCL_SYSCALLS(SKIP_FWD, IN_ENTRY) };

static const struct encl_cmd fcntl_cmds[] = { ENCL_FCNTL_CMDS(ENCL_CMD_ROW) };
static const struct encl_cmd ioctl_cmds[] = { ENCL_IOCTL_CMDS(ENCL_CMD_ROW) };

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define AREA_SIZE	4096
#define SLOT		512	/* each pointer argument at its own SLOT * i */
#define BUF_LEN		32

static struct encl_host_thread host;
static uint64_t outside[64];	/* host memory that is not the area */

static uint64_t at(size_t off)
{
	return (uint64_t)(uintptr_t)(host.area + off);
}

/* Offsets in a msghdr's slot: the header, then what it points to. */
#define MSG_NAME	64
#define MSG_IOV		128
#define MSG_DATA	192
#define MSG_CONTROL	256

static struct msghdr *msg_at(size_t off)
{
	struct msghdr *m = (struct msghdr *)(host.area + off);
	struct iovec *iov = (struct iovec *)(host.area + off + MSG_IOV);

	iov->iov_base = host.area + off + MSG_DATA;
	iov->iov_len = BUF_LEN;
	m->msg_name = host.area + off + MSG_NAME;
	m->msg_namelen = 16;
	m->msg_iov = iov;
	m->msg_iovlen = 1;
	m->msg_control = host.area + off + MSG_CONTROL;
	m->msg_controllen = BUF_LEN;
	return m;
}

/* Arguments the way the enclave lays them out: each pointer in its slot. */
static void valid_args(const struct entry *e, uint64_t *args)
{
	memset(host.area, 0, AREA_SIZE);
	for (int i = 0; i < 6; i++)
		args[i] = 3;
	for (int i = 0; i < 6; i++) {
		const struct encl_syscall_arg *a = &e->a[i];

		switch (a->kind) {
		case ENCL_ARG_BUF:
			args[i] = at(SLOT * i);
			args[a->len] = BUF_LEN;
			break;
		case ENCL_ARG_STR:
			memcpy(host.area + SLOT * i, "path", 5);
			args[i] = at(SLOT * i);
			break;
		case ENCL_ARG_OBJ:
			args[i] = at(SLOT * i);
			break;
		case ENCL_ARG_LENP:	/* the length word in the next argument's slot */
			args[i] = at(SLOT * i);
			args[a->len] = at(SLOT * a->len);
			*(socklen_t *)(host.area + SLOT * a->len) = BUF_LEN;
			break;
		case ENCL_ARG_MSGHDR:
			msg_at(SLOT * i);
			args[i] = at(SLOT * i);
			break;
		case ENCL_ARG_SOCKOPT:
			args[i - 1] = SOL_SOCKET;
			args[i] = SO_REUSEADDR;
			break;
		case ENCL_ARG_ARRAY:
			args[i] = at(SLOT * i);
			args[a->len] = BUF_LEN / a->size;
			break;
		}
	}
}

static int check(long nr, const uint64_t *args)
{
	return encl_ocall_check(&host, nr, args);
}

#define EXPECT(e, what, got, want) do { \
	int got_ = (got); \
	if (got_ != (want)) { \
		fprintf(stderr, "  %s (%ld): %s: %d, expected %d\n", (e)->name, (e)->nr, what, got_, want); \
		harness_failed = 1; \
	} \
} while (0)

static void setup(void)
{
	static uint8_t area[AREA_SIZE] __attribute__((aligned(16)));

	host.area = area;
	host.area_size = AREA_SIZE;
}

static void test_forwarded_accepted(void)
{
	uint64_t args[6];

	for (size_t k = 0; k < N(forwarded); k++) {
		const struct entry *e = &forwarded[k];

		if (e->a[2].kind == ENCL_ARG_CMD)
			continue;	/* test_commands */
		valid_args(e, args);
		EXPECT(e, "arguments in the area", check(e->nr, args), 0);
	}
	CHECK(N(forwarded) > 50);
}

/*
 * sendmsg/recvmsg: every pointer inside the msghdr moved out of the area
 * or past its end is refused, and so are too many iovecs; a socket option
 * in no row of ENCL_SOCKOPTS is refused.
 */
static void socket_arg(const struct entry *e, int i)
{
	uint64_t args[6];
	struct msghdr *m;

	valid_args(e, args);
	if (e->a[i].kind == ENCL_ARG_SOCKOPT) {
		args[i] = SO_ATTACH_FILTER;
		EXPECT(e, "socket option in no row", check(e->nr, args), -ENOPROTOOPT);
		args[i - 1] = 12345;
		args[i] = SO_REUSEADDR;		/* the option of a row, at a level of none */
		EXPECT(e, "socket option at another level", check(e->nr, args), -ENOPROTOOPT);
		return;
	}
	args[i] = (uint64_t)(uintptr_t)outside;
	EXPECT(e, "msghdr outside the area", check(e->nr, args), -EFAULT);
	args[i] = at(AREA_SIZE - sizeof(*m) + 1);
	EXPECT(e, "msghdr over the area's end", check(e->nr, args), -EFAULT);
	for (int k = 0; k < 7; k++) {
		valid_args(e, args);
		m = (struct msghdr *)(uintptr_t)args[i];
		switch (k) {
		case 0: m->msg_name = outside; break;
		case 1: m->msg_namelen = AREA_SIZE; break;
		case 2: m->msg_iov = (struct iovec *)outside; break;
		case 3: m->msg_iov[0].iov_base = outside; break;
		case 4: m->msg_iov[0].iov_len = AREA_SIZE; break;
		case 5: m->msg_control = outside; break;
		default: m->msg_controllen = UINT64_MAX; break;
		}
		EXPECT(e, "a pointer in the msghdr outside the area", check(e->nr, args), -EFAULT);
	}
	valid_args(e, args);
	m = (struct msghdr *)(uintptr_t)args[i];
	m->msg_iovlen = ENCL_MSG_IOV_MAX + 1;
	EXPECT(e, "too many iovecs", check(e->nr, args), -EMSGSIZE);
	m->msg_iovlen = 0;
	m->msg_name = m->msg_control = NULL;
	EXPECT(e, "no name, data or control", check(e->nr, args), 0);
}

/*
 * The kernel gets the host's copies of the length word and the msghdr,
 * not the area's: a change in the area after the check reaches neither,
 * and what the kernel writes into the copies goes back into the area.
 */
static void test_copies_given_to_the_kernel(void)
{
	struct encl_ocall_copies c;
	struct msghdr *m;
	socklen_t *len = (socklen_t *)(host.area + 2 * SLOT);
	uint64_t args[6] = { 3, at(SLOT), at(2 * SLOT), 0, 0, 0 };

	memset(host.area, 0, AREA_SIZE);
	memset(&c, 0, sizeof(c));
	*len = BUF_LEN;
	CHECK_EQ_INT(encl_copy_lenp(&host, &c, 2, args[1], args[2]), 0);
	*len = AREA_SIZE;			/* too late: the copy was checked */
	encl_copies_use(&c, args);
	CHECK(args[2] == (uint64_t)(uintptr_t)&c.len[0]);
	CHECK_EQ_INT((int)c.len[0], BUF_LEN);
	c.len[0] = 16;				/* as the kernel writes it */
	encl_copies_back(&c);
	CHECK_EQ_INT((int)*len, 16);

	memset(&c, 0, sizeof(c));
	m = msg_at(SLOT);
	args[1] = at(SLOT);
	CHECK_EQ_INT(encl_copy_msghdr(&host, &c, 1, args[1]), 0);
	m->msg_iov[0].iov_base = outside;	/* too late as well */
	m->msg_control = outside;
	encl_copies_use(&c, args);
	CHECK(args[1] == (uint64_t)(uintptr_t)&c.msg);
	CHECK(c.msg.msg_iov != m->msg_iov);
	CHECK(c.msg.msg_iov[0].iov_base == host.area + SLOT + MSG_DATA);
	CHECK(c.msg.msg_control == host.area + SLOT + MSG_CONTROL);
	c.msg.msg_namelen = 7;
	c.msg.msg_controllen = 9;
	c.msg.msg_flags = MSG_CTRUNC;
	encl_copies_back(&c);
	CHECK(m->msg_namelen == 7 && m->msg_controllen == 9 && m->msg_flags == MSG_CTRUNC);
}

/* Each pointer moved out of the area, or over its end, is refused. */
static void test_forwarded_pointers_refused(void)
{
	uint64_t args[6];
	int moved = 0;

	for (size_t k = 0; k < N(forwarded); k++) {
		const struct entry *e = &forwarded[k];

		for (int i = 0; i < 6; i++) {
			const struct encl_syscall_arg *a = &e->a[i];

			if (a->kind == ENCL_ARG_MSGHDR || a->kind == ENCL_ARG_SOCKOPT) {
				socket_arg(e, i);
				moved++;
				continue;
			}
			if (a->kind != ENCL_ARG_BUF && a->kind != ENCL_ARG_STR && a->kind != ENCL_ARG_OBJ &&
			    a->kind != ENCL_ARG_LENP)
			if (a->kind == ENCL_ARG_VAL || a->kind == ENCL_ARG_CMD)
				continue;
			valid_args(e, args);
			args[i] = (uint64_t)(uintptr_t)outside;
			EXPECT(e, "pointer outside the area", check(e->nr, args), -EFAULT);
			moved++;

			valid_args(e, args);
			switch (a->kind) {
			case ENCL_ARG_BUF:
				args[a->len] = AREA_SIZE - SLOT * i + 1;
				EXPECT(e, "length past the area's end", check(e->nr, args), -EFAULT);
				args[a->len] = UINT64_MAX;
				EXPECT(e, "length wrapping around", check(e->nr, args), -EFAULT);
				break;
			case ENCL_ARG_STR:
				memset(host.area + SLOT * i, 'x', AREA_SIZE - SLOT * i);
				EXPECT(e, "string without its NUL in the area", check(e->nr, args), -EFAULT);
				break;
			case ENCL_ARG_LENP:
				*(socklen_t *)(host.area + SLOT * a->len) = AREA_SIZE - SLOT * i + 1;
				EXPECT(e, "length word past the area's end", check(e->nr, args), -EFAULT);
				valid_args(e, args);
				args[a->len] = (uint64_t)(uintptr_t)outside;
				EXPECT(e, "length word outside the area", check(e->nr, args), -EFAULT);
				args[i] = 0;
				args[a->len] = 0;
				EXPECT(e, "NULL buffer and length", check(e->nr, args),
				       e->a[a->len].null_ok ? 0 : -EFAULT);
				break;
			case ENCL_ARG_OBJ:
				args[i] = at(AREA_SIZE - a->size + 1);
				EXPECT(e, "structure over the area's end", check(e->nr, args), -EFAULT);
				args[i] = 0;
				EXPECT(e, "NULL structure", check(e->nr, args), a->null_ok ? 0 : -EFAULT);
				break;
			case ENCL_ARG_ARRAY:
				args[a->len] = (AREA_SIZE - SLOT * i) / a->size + 1;
				EXPECT(e, "array past the area's end", check(e->nr, args), -EFAULT);
				args[a->len] = UINT64_MAX / a->size + 1;
				EXPECT(e, "array size wrapping around", check(e->nr, args), -EFAULT);
				break;
			}
		}
	}
	CHECK(moved > 50);
}

/* The enclave's own calls, and calls in no table, never reach the kernel. */
static void test_not_forwarded_refused(void)
{
	/* Once forwarded although the enclave never sent them. */
	static const long never_sent[] = {
		SYS_readv, SYS_writev, SYS_poll, SYS_time, SYS_sched_yield,
		SYS_getpgrp, SYS_getpgid, SYS_getsid, SYS_getrlimit, SYS_getrandom,
		SYS_pipe,
	};
	uint64_t args[6];

	for (size_t k = 0; k < N(inside); k++) {
		valid_args(&inside[k], args);
		EXPECT(&inside[k], "served in the enclave", check(inside[k].nr, args), -ENOSYS);
	}
	for (size_t k = 0; k < N(never_sent); k++) {
		struct entry e = { never_sent[k], "never sent", { ENCL_A_VAL } };

		valid_args(&e, args);
		EXPECT(&e, "not forwarded", check(e.nr, args), -ENOSYS);
	}
	memset(args, 0, sizeof(args));
	CHECK_EQ_INT(check(SYS_splice, args), -ENOSYS);
	CHECK_EQ_INT(check(SYS_mmap, args), -ENOSYS);
	CHECK_EQ_INT(check(-1, args), -ENOSYS);
	CHECK_EQ_INT(check(100000, args), -ENOSYS);
}

/* A call is either forwarded or served inside, never both (the dispatcher's switch would not compile). */
static void test_one_row_per_call(void)
{
	for (size_t k = 0; k < N(forwarded); k++)
		for (size_t j = 0; j < N(inside); j++)
			CHECK(forwarded[k].nr != inside[j].nr);
	for (size_t k = 0; k < N(forwarded); k++)
		for (size_t j = k + 1; j < N(forwarded); j++)
			CHECK(forwarded[k].nr != forwarded[j].nr);
}

static void commands(long nr, const struct encl_cmd *c, size_t n, uint64_t unknown)
{
	struct entry e = { nr, nr == SYS_fcntl ? "fcntl" : "ioctl", { ENCL_A_VAL } };
	uint64_t args[6] = { 3, 0, 0, 0, 0, 0 };

	for (; n; n--, c++) {
		args[1] = c->cmd;
		if (c->arg == ENCL_CMD_INT) {
			/* a number, whatever it looks like */
			args[2] = (uint64_t)(uintptr_t)outside;
			EXPECT(&e, "integer command", check(nr, args), 0);
			continue;
		}
		args[2] = at(AREA_SIZE - c->size);
		EXPECT(&e, "command's structure at the area's end", check(nr, args), 0);
		args[2] = at(AREA_SIZE - c->size + 1);
		EXPECT(&e, "command's structure over the area's end", check(nr, args), -EFAULT);
		args[2] = (uint64_t)(uintptr_t)outside;
		EXPECT(&e, "command's structure outside", check(nr, args), -EFAULT);
		args[2] = 0;
		EXPECT(&e, "command's structure NULL", check(nr, args), -EFAULT);
	}
	args[1] = unknown;
	args[2] = at(0);
	EXPECT(&e, "command not in the table", check(nr, args), -EINVAL);
}

static void test_commands(void)
{
	commands(SYS_fcntl, fcntl_cmds, N(fcntl_cmds), F_GETLEASE);
	commands(SYS_ioctl, ioctl_cmds, N(ioctl_cmds), TIOCSTI);
}

/* What an embedded database and isatty() send, as the enclave lays it out. */
static void test_locks_and_fionread(void)
{
	static const uint32_t lock_cmds[] = {
		F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW,
	};
	uint64_t args[6] = { 3, 0, at(sizeof(struct encl_ocall)), 0, 0, 0 };

	for (size_t k = 0; k < N(lock_cmds); k++) {
		args[1] = lock_cmds[k];
		CHECK_EQ_INT(check(SYS_fcntl, args), 0);
	}
	args[1] = F_SETLK | 1ULL << 32;	/* the kernel reads an unsigned int */
	CHECK_EQ_INT(check(SYS_fcntl, args), 0);
	args[1] = FIONREAD;
	CHECK_EQ_INT(check(SYS_ioctl, args), 0);
	args[1] = TIOCGWINSZ;
	CHECK_EQ_INT(check(SYS_ioctl, args), 0);
	args[1] = TCGETS;
	CHECK_EQ_INT(check(SYS_ioctl, args), 0);
}

/*
 * The enclave names every system call it sends with OCALL_SYS(name)
 * (enclave/shield/ocall.h), which compiles only for a forwarded row. A
 * number written any other way at an ocall would escape that.
 */
static void test_enclave_sends_only_table_numbers(void)
{
	regex_t re;
	glob_t g;
	int found = 0;

	if (glob("enclave/*/*.c", 0, NULL, &g)) {
		SKIP("enclave sources not found from the current directory");
		return;
	}
	CHECK(!regcomp(&re, "ocall[0-6][[:space:]]*\\([[:space:]]*SYS_", REG_EXTENDED | REG_NOSUB));
	for (size_t k = 0; k < g.gl_pathc; k++) {
		FILE *f = fopen(g.gl_pathv[k], "r");
		char line[512];
		int no = 0;

		CHECK(f != NULL);
		while (f && fgets(line, sizeof(line), f)) {
			no++;
			if (regexec(&re, line, 0, NULL, 0))
				continue;
			fprintf(stderr, "  %s:%d: a system call number not named with OCALL_SYS: %s",
				g.gl_pathv[k], no, line);
			found = 1;
		}
		if (f)
			fclose(f);
	}
	CHECK(!found);
	regfree(&re);
	globfree(&g);
}

/* Log lines name each call once, by its row for the table's calls. */
static void test_names(void)
{
	const struct entry *rows[] = { forwarded, inside };
	size_t n[] = { N(forwarded), N(inside) };

	for (int t = 0; t < 2; t++)
		for (size_t k = 0; k < n[t]; k++) {
			const char *name = encl_syscall_name(rows[t][k].nr);

			CHECK(name && !strcmp(name, rows[t][k].name));
		}
	for (size_t nr = 0; nr < N(others); nr++)
		CHECK(!(HAS(others, nr) && HAS(table_names, nr)));
	CHECK_STR_CONTAINS(encl_syscall_name(SYS_socket), "socket");
	CHECK_STR_CONTAINS(encl_syscall_name(SYS_recvmmsg), "recvmmsg");
	CHECK(encl_syscall_name(-1) == NULL);
	CHECK(encl_syscall_name(100000) == NULL);
}

/* The backticked words of the paragraph of @doc that starts with @head, space-separated. */
static void doc_list(const char *doc, const char *head, char *out, size_t size)
{
	const char *p = strstr(doc, head);
	const char *end = p ? strstr(p, "\n\n") : NULL;
	size_t n = 0;

	out[0] = 0;
	if (!p || !end)
		return;
	p += strlen(head);
	while ((p = strchr(p, '`')) && p < end) {
		const char *q = strchr(p + 1, '`');

		if (!q || n + (size_t)(q - p) + 1 >= size)
			return;
		n += (size_t)snprintf(out + n, size - n, "%s%.*s", n ? " " : "", (int)(q - p - 1), p + 1);
		p = q + 1;
	}
}

static void join(const char *const *names, size_t count, char *out, size_t size)
{
	size_t n = 0;

	out[0] = 0;
	for (size_t k = 0; k < count && n < size; k++)
		n += (size_t)snprintf(out + n, size - n, "%s%s", k ? " " : "", names[k]);
}

#define DOC_NAME(name, ...)		#name,
#define DOC_SKIP(name, ...)
#define DOC_CMD(cmd, arg, res, size)	#cmd,

/* docs/shield.md lists exactly the table's rows, in its order. */
static void test_docs_list_the_table(void)
{
	static const char *const fwd_names[] = { ENCL_SYSCALLS(DOC_NAME, DOC_SKIP) };
	static const char *const in_names[] = { ENCL_SYSCALLS(DOC_SKIP, DOC_NAME) };
	static const char *const fcntl_names[] = { ENCL_FCNTL_CMDS(DOC_CMD) };
	static const char *const ioctl_names[] = { ENCL_IOCTL_CMDS(DOC_CMD) };
	const struct { const char *head; const char *const *names; size_t n; } lists[] = {
		{ "**Forwarded:**", fwd_names, N(fwd_names) },
		{ "**Served inside (the host refuses them):**", in_names, N(in_names) },
		{ "**fcntl commands:**", fcntl_names, N(fcntl_names) },
		{ "**ioctl commands:**", ioctl_names, N(ioctl_names) },
	};
	static char doc[256 * 1024];
	char want[4096], got[4096];
	FILE *f = fopen("docs/shield.md", "r");
	size_t len;

	if (!f) {
		SKIP("docs/shield.md not found from the current directory");
		return;
	}
	len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = 0;
	for (size_t k = 0; k < N(lists); k++) {
		join(lists[k].names, lists[k].n, want, sizeof(want));
		doc_list(doc, lists[k].head, got, sizeof(got));
		if (strcmp(want, got)) {
			fprintf(stderr, "  docs/shield.md %s\n    lists: %s\n    table: %s\n",
				lists[k].head, got, want);
			harness_failed = 1;
		}
	}
}

int main(void)
{
	HARNESS_PLAN(10);
	setup();
	RUN(test_forwarded_accepted);
	RUN(test_forwarded_pointers_refused);
	RUN(test_copies_given_to_the_kernel);
	RUN(test_not_forwarded_refused);
	RUN(test_one_row_per_call);
	RUN(test_commands);
	RUN(test_locks_and_fionread);
	RUN(test_enclave_sends_only_table_numbers);
	RUN(test_names);
	RUN(test_docs_list_the_table);
	HARNESS_EXIT();
}
