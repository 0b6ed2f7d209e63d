// SPDX-License-Identifier: MIT
/*
 * The host runtime proper: choose the mode, load the enclave, run the
 * program, and turn how it ended into an exit status:
 *
 *   the program returned or called exit()   its own status
 *   the program crashed inside the enclave  128 + signal, one diagnostic line
 *   the runtime could not start or refused  125, one line saying why
 *     to go on (ENCL_EXIT_FATAL, a broken
 *     entry protocol)
 *
 * ENCL_EXIT_FATAL is 125 because it is the runtime, not the program, that
 * gave up (for instance the host handed it an unusable ocall area): a
 * program result must never be confused with it.
 *
 * The run loop is shaped like the vDSO's user-handler loop: every EENTER
 * and ERESUME goes through the one call below, so the ERESUME after an
 * exception handler runs from the same stack frame as that handler's
 * EENTER (docs/execution.md, "Host stack").
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "abi/syscalls.h"
#include "host/host.h"
#include "host/run.h"
#include "sgx/sigstruct.h"

#define SELF	"/proc/self/exe"

/* The executable's own path, which the user can paste, or SELF. */
static const char *self_name(char name[PATH_MAX])
{
	ssize_t n = readlink(SELF, name, PATH_MAX - 1);

	if (n <= 0)
		snprintf(name, PATH_MAX, "%s", SELF);
	else
		name[n] = 0;
	return name;
}

int encl_host_nostart(const char *msg)
{
	char name[PATH_MAX];
	const char *p;

	self_name(name);
	fputs("encl: ", stderr);
	while ((p = strstr(msg, SELF))) {
		fprintf(stderr, "%.*s%s", (int)(p - msg), msg, name);
		msg = p + strlen(SELF);
	}
	fprintf(stderr, "%s\n", msg);
	return ENCL_EXIT_NOSTART;
}

static int nostart(const char *msg)
{
	return encl_host_nostart(msg);
}

static int flag_set(const char *var)
{
	const char *v = getenv(var);

	return v && *v && strcmp(v, "0");
}

/* SCONE_VERSION=1: the effective configuration, one line per variable. */
static void print_version(const struct encl_host *h, const struct encl_binary *b,
			  const struct encl_config *c)
{
	const struct sgx_sigstruct *ss = encl_binary_sigstruct(b, h->layout);
	char buf[32], hex[2 * SGX_HASH_SIZE + 1];

	fprintf(stderr, "SCONE_MODE=%s\n", h->mode_env);
	fprintf(stderr, "SCONE_EDMM_MODE=%s\n", h->edmm_env);
	fprintf(stderr, "SCONE_HEAP=%s\n", encl_size_format(c->heap, buf));
	fprintf(stderr, "SCONE_MIN_HEAP=%s\n", encl_size_format(c->min_heap, buf));
	fprintf(stderr, "SCONE_STACK=%s\n", encl_size_format(c->stack, buf));
	fprintf(stderr, "SCONE_TCS=%u\n", c->tcs);
	fprintf(stderr, "SCONE_TCS_MAX=%llu\n", (unsigned long long)h->tcs_max);
	fprintf(stderr, "SCONE_LOG=%s\n", encl_log_name(h->log));
	encl_host_xq_print(h);
	fprintf(stderr, "mode: %s\n", h->be == &encl_backend_hw ? "hw" : "sim");
	fprintf(stderr, "EDMM: %s (%s)\n", h->edmm ? "on" : "off", h->edmm_why);
	sgx_hex(ss->enclavehash, SGX_HASH_SIZE, hex);
	fprintf(stderr, "MRENCLAVE: %s (%s layout)\n", hex, encl_mode_name(h->layout));
}

/* The enclave's struct encl_crash: one line, offsets from the enclave base. */
/*
 * Where in its thread block an address lies, when it lies in one: a fault in
 * the guard below a stack is a stack overflow; one in a TCS, SSA frame or
 * thread data means something jumped the guard.
 */
static const char *thread_block_part(const struct encl_params *p, uint64_t addr)
{
	uint64_t off;

	if (addr < p->thread_offset || !p->thread_stride ||
	    (addr - p->thread_offset) / p->thread_stride >= p->tcs_count)
		return "";
	off = (addr - p->thread_offset) % p->thread_stride;
	if (off >= p->stack_in_block + p->stack_size)
		return " (the guard above a stack)";
	if (off >= p->stack_in_block)
		return " (a stack)";
	if (off >= p->stack_in_block - ENCL_STACK_GUARD)
		return " (the guard below a stack: a stack overflow)";
	return " (a thread's TCS, SSA frames or thread data, below its stack guard)";
}

static int report_crash(struct encl_host_thread *t, uint64_t p)
{
	struct encl_host *h = t->h;
	struct encl_crash c;
	const char *name;
	char where[128] = "";

	if (!encl_area_holds(t, p, sizeof(c)))
		return nostart("the enclave reported a crash outside the ocall area");
	memcpy(&c, (const void *)(uintptr_t)p, sizeof(c));
	if (c.signal == 0 || c.signal >= 64)
		c.signal = SIGSEGV;
	name = sigabbrev_np((int)c.signal);
	if (c.addr_valid) {
		if (c.addr < h->e.size)
			snprintf(where, sizeof(where), ", address at enclave offset 0x%llx%s",
				 (unsigned long long)c.addr, thread_block_part(&h->params, c.addr));
		else
			snprintf(where, sizeof(where), ", address 0x%llx (outside the enclave)",
				 (unsigned long long)(c.addr + h->e.base));
	}
#ifdef ENCL_CRASH_NO_VECTOR
	if (c.vector == ENCL_CRASH_NO_VECTOR) {
		fprintf(stderr, "encl: the program was killed by SIG%s (raised by itself) at enclave offset 0x%llx\n",
			name ? name : "ABRT", (unsigned long long)c.rip);
		return 128 + (int)c.signal;
	}
#endif
	if (h->threaded)
		snprintf(where + strlen(where), sizeof(where) - strlen(where), ", in thread %d", t->tid);
	fprintf(stderr, "encl: the program crashed: SIG%s (vector %u, error code 0x%x) at enclave offset 0x%llx%s\n",
		name ? name : "SEGV", c.vector, c.error_code, (unsigned long long)c.rip, where);
	return 128 + (int)c.signal;
}

static const char *fatal_code(uint64_t code)
{
	switch (code) {
	case 1: return "an entry that fits no state of the thread";
	case 2: return "the measured parameter page is missing or wrong";
	case 3: return "the start-up arguments or the ocall area are unusable";
	case 4: return "a second start";
	case 5: return "an entry on a TCS that is not one of the measured threads'";
	}
	return "unknown reason";
}

static int report_fatal(struct encl_host_thread *t, uint64_t msg, uint64_t code)
{
	char line[512];
	size_t n;

	if (msg && encl_area_holds(t, msg, 1)) {
		const char *s = (const char *)(uintptr_t)msg;
		uint64_t room = (uint64_t)(uintptr_t)t->area + t->area_size - msg;

		n = strnlen(s, room < sizeof(line) - 1 ? room : sizeof(line) - 1);
		memcpy(line, s, n);
		line[n] = 0;
		while (n && line[n - 1] == '\n')
			line[--n] = 0;
		fprintf(stderr, "encl: the enclave runtime stopped: %s\n", line);
	} else {
		fprintf(stderr, "encl: the enclave runtime stopped: %s (code %llu)\n",
			fatal_code(code), (unsigned long long)code);
	}
	return ENCL_EXIT_NOSTART;
}

/*
 * The process ends now. With one thread, the caller unwinds and unloads;
 * once a second thread has run, another may be inside the enclave, so
 * nothing is torn down under it: flush and _exit.
 */
void encl_host_end(struct encl_host *h, int status)
{
	fflush(NULL);
	(void)h;
	_exit(status);
}

/*
 * Signals (host/signal.c), in three small steps of the loop below.
 *
 * An ocall's return carries the signals that arrived meanwhile (struct
 * encl_ocall.signals). The enclave's pause waits in
 * encl_host_signals_pause, where no signal can slip in between the check
 * and the sleep.
 */
static void serve_ocall(struct encl_host_thread *t)
{
	struct encl_ocall *o = (struct encl_ocall *)t->area;
	struct encl_host *h = t->h;

	if (o->nr == SYS_pause)
		o->ret = encl_host_signals_pause(t);
	else
		encl_host_ocall(t);
	encl_host_xq_exited(t, o->nr, (const uint64_t *)o->args);	/* exitless.c */
	o->signals = encl_host_signals_take();
	if ((h->hostile == ENCL_HOSTILE_SIGNAL_OCALL || h->hostile == ENCL_HOSTILE_SIGNAL_BOGUS) &&
	    o->nr == SYS_read) {
		/* Test facility: a SIGUSR1 nobody sent, or signals no host can catch for us. */
		o->signals |= h->hostile == ENCL_HOSTILE_SIGNAL_OCALL ? ENCL_HOST_SIGBIT(SIGUSR1)
			    : ENCL_HOST_SIGBIT(SIGKILL) | ENCL_HOST_SIGBIT(SIGSEGV) | ENCL_HOST_SIGBIT(SIGSTOP);
		h->hostile = ENCL_HOSTILE_NONE;
	}
}

/*
 * An AEX that no exception caused (ENCL_RUN_INTERRUPT): the enclave's
 * handler hears of the signals that arrived (ENCL_OP_SIGNAL), or, with
 * none, the thread just resumes. An interrupted handler (CSSA 2) resumes
 * too; its signals wait for the next chance.
 */
static struct encl_run interrupted(struct encl_host_thread *t, int *in_handler)
{
	struct encl_host *h = t->h;
	uint64_t sigs;

	if (*in_handler)
		return (struct encl_run){ .tcs = t->tcs, .function = SGX_ERESUME };
	if (h->hostile == ENCL_HOSTILE_FAKE_FAULT) {
		/* Test facility: claim an exception where there was none. */
		h->hostile = ENCL_HOSTILE_NONE;
		*in_handler = 1;
		return (struct encl_run){ .tcs = t->tcs, .function = SGX_EENTER };
	}
	sigs = encl_host_signals_take();
	if (!sigs)
		return (struct encl_run){ .tcs = t->tcs, .function = SGX_ERESUME };
	*in_handler = 1;
	return (struct encl_run){ .tcs = t->tcs, .function = SGX_EENTER,
				  .rdi = ENCL_OP_SIGNAL, .rsi = sigs };
}

/*
 * ENCL_EXIT_SIGNAL: the program ended by this signal's default action.
 * With one thread the caller unloads first; with more, nothing is torn
 * down under the others (as encl_host_end).
 */
static int exit_signal(struct encl_host *h, uint64_t sig)
{
	char msg[128];

	if (sig < 1 || sig > 64) {
		snprintf(msg, sizeof(msg), "the enclave ended by signal %llu, which does not exist",
			 (unsigned long long)sig);
		return nostart(msg);
	}
	if (h->threaded)
		encl_host_exit_by_signal((int)sig);
	h->exit_signal = (int)sig;
	return 128 + (int)sig;
}

int encl_host_thread_run(struct encl_host_thread *t, uint64_t op, uint64_t rsi, uint64_t rdx)
{
	struct encl_host *h = t->h;
	struct encl_run run = {
		.tcs = t->tcs, .function = SGX_EENTER, .rdi = op, .rsi = rsi, .rdx = rdx,
	};
	int in_handler = 0;
	char msg[400];

	for (;;) {
		if (h->be->enter(&t->e, &run)) {
			snprintf(msg, sizeof(msg), "entering the enclave failed: %s", t->e.err);
			return nostart(msg);
		}
		if (run.function != SGX_ERESUME && run.function != SGX_EEXIT) {
			/* The backends promise one of the two; never read RDI then. */
			snprintf(msg, sizeof(msg), "the enclave left by leaf %u, neither EEXIT nor "
				 "an exception (vector %u, error code %#x, address 0x%llx)",
				 run.function, run.exception_vector, run.exception_error_code,
				 (unsigned long long)run.exception_addr);
			return nostart(msg);
		}
		if (run.function == SGX_ERESUME) {
			if (run.exception_vector == ENCL_RUN_INTERRUPT) {
				run = interrupted(t, &in_handler);
				continue;
			}
			/* An AEX: the enclave's handler runs on the next SSA frame. */
			if (in_handler) {
				snprintf(msg, sizeof(msg),
					 "the enclave's exception handler itself faulted (vector %u)",
					 run.exception_vector);
				return nostart(msg);
			}
			encl_host_log(h, ENCL_LOG_TRACE, "AEX: vector %u, address 0x%llx",
				      run.exception_vector,
				      (unsigned long long)run.exception_addr);
			in_handler = 1;
			run = (struct encl_run){ .tcs = t->tcs, .function = SGX_EENTER };
			continue;
		}
		switch (run.rdi) {
		case ENCL_EXIT_HANDLED:
			if (!in_handler)
				return nostart("the enclave asked to resume with no exception pending");
			if (h->hostile == ENCL_HOSTILE_HANDLER_AGAIN) {
				/* Test facility: the same exception, once more, instead of ERESUME. */
				h->hostile = ENCL_HOSTILE_NONE;
				run = (struct encl_run){ .tcs = t->tcs, .function = SGX_EENTER };
				continue;
			}
			in_handler = 0;
			run = (struct encl_run){ .tcs = t->tcs, .function = SGX_ERESUME };
			continue;
		case ENCL_EXIT_OCALL:
			if (run.rsi != (uint64_t)(uintptr_t)t->area)
				return nostart("the enclave made an ocall outside its ocall area");
			serve_ocall(t);
			run = (struct encl_run){
				.tcs = t->tcs, .function = SGX_EENTER,
				.rdi = ENCL_OP_ORET, .rsi = run.rsi,
			};
			if (h->hostile == ENCL_HOSTILE_ORET_START) {
				/* Test facility: answer the ocall with a second START. */
				h->hostile = ENCL_HOSTILE_NONE;
				run.rdi = ENCL_OP_START;
			}
			continue;
		case ENCL_EXIT_THREAD:
			encl_host_log(h, ENCL_LOG_TRACE, "thread %d ended", t->tid);
			return -1;
		case ENCL_EXIT_RETURN:
			return (int)(run.rsi & 0xff);
		case ENCL_EXIT_CRASH:
			return report_crash(t, run.rsi);
		case ENCL_EXIT_SIGNAL:
			return exit_signal(h, run.rsi);
		case ENCL_EXIT_FATAL:
			return report_fatal(t, run.rsi, run.rdx);
		default:
			snprintf(msg, sizeof(msg), "the enclave exited with unknown reason %llu",
				 (unsigned long long)run.rdi);
			return nostart(msg);
		}
	}
}

/*
 * ENCL_SYSCALL_TRAP=1: the enclave's C library traps for every system call
 * instead of calling the dispatcher (abi/boundary.h, docs/libc.md). 0 or
 * unset: direct calls.
 */
static int syscall_trap_setting(int *trap, char *err, size_t errlen)
{
	const char *v = getenv("ENCL_SYSCALL_TRAP");

	*trap = v && !strcmp(v, "1");
	if (!v || !*v || !strcmp(v, "0") || *trap)
		return 0;
	snprintf(err, errlen, "ENCL_SYSCALL_TRAP=%s: expected 1 (every system call traps) "
		 "or 0 (the C library calls the shield directly)", v);
	return -1;
}

/*
 * ENCL_SIM_HOSTILE=<what> (host.h): a test facility that makes this host
 * lie once, on purpose. Only the sim backend honours it: a hardware run
 * is never made to misbehave by an environment variable.
 */
static int hostile_setting(struct encl_host *h, char *err, size_t errlen)
{
#define HOSTILE_ROW_(id, name) { name, ENCL_HOSTILE_##id },
	static const struct { const char *name; enum encl_hostile what; } modes[] = {
		ENCL_HOSTILE_MODES(HOSTILE_ROW_)
	};
#undef HOSTILE_ROW_
	const char *v = getenv("ENCL_SIM_HOSTILE");
	int n;

	h->hostile = ENCL_HOSTILE_NONE;
	if (!v || !*v)
		return 0;
	if (h->be != &encl_backend_sim) {
		fprintf(stderr, "encl: warning: ENCL_SIM_HOSTILE is a test facility of the simulator; ignored\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(v, modes[i].name)) {
			h->hostile = modes[i].what;
			return 0;
		}
	n = snprintf(err, errlen, "ENCL_SIM_HOSTILE=%s is not one of", v);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]) && n > 0 && (size_t)n < errlen; i++)
		n += snprintf(err + n, errlen - (size_t)n, "%s %s", i ? "," : "", modes[i].name);
	return -1;
}

int encl_host_run(const struct encl_binary *b, const struct encl_config *c,
		  int argc, char **argv, char **envp)
{
	struct encl_host h;
	struct encl_start start;
	char err[1024], self[PATH_MAX];
	int ret, trap;

	memset(&h, 0, sizeof(h));
	h.path = self_name(self);
	if (encl_host_settings(&h, err, sizeof(err)) ||
	    encl_host_choose_backend(&h, err, sizeof(err)) ||
	    encl_host_choose_edmm(&h, err, sizeof(err)) ||
	    hostile_setting(&h, err, sizeof(err)) ||
	    syscall_trap_setting(&trap, err, sizeof(err)) ||
	    encl_host_attest_settings(&h, err, sizeof(err)))
		return nostart(err);
	if (c->min_heap_asked) {
		char asked[32], heap[32];

		encl_host_log(&h, ENCL_LOG_WARNING, "SCONE_MIN_HEAP=%s is above SCONE_HEAP=%s: "
			      "using a minimum heap of %s",
			      encl_size_format(c->min_heap_asked, asked),
			      encl_size_format(c->heap, heap), heap);
	}
	if (encl_host_load(&h, b, c, err, sizeof(err))) {
		encl_host_unload(&h);
		return nostart(err);
	}
	if (flag_set("SCONE_VERSION"))
		print_version(&h, b, c);

	if (encl_host_threads_init(&h)) {
		encl_host_threads_fini(&h);
		encl_host_unload(&h);
		return nostart("cannot map the ocall area");
	}
	if (encl_host_xq_start(&h)) {
		encl_host_xq_stop(&h);
		encl_host_threads_fini(&h);
		encl_host_unload(&h);
		return nostart("cannot start a serving thread for the exitless queues: "
			       "use SCONE_QUEUES=0 to make every system call exit");
	}
	start = (struct encl_start){
		.argc = (uint64_t)argc,
		.argv = (uint64_t)(uintptr_t)argv,
		.envp = (uint64_t)(uintptr_t)envp,
		.heap_hint = c->heap,
		.min_heap_hint = c->min_heap,
		.ocall_area = (uint64_t)(uintptr_t)h.main_thread.area,
		.ocall_area_size = h.main_thread.area_size,
		.tcs_max = h.tcs_max,
		.log_level = h.log,
		.xq = encl_host_xq_addr(&h),
		.espins = h.xqs.espins > 0 ? (uint64_t)h.xqs.espins : 0,
		/*
		 * The sim runs enclave code as an ordinary thread of this
		 * process: where the CPU executes WRFSBASE but the kernel does
		 * not manage FS (no FSGSBASE support), a context switch puts
		 * back the kernel's FS. The runtime then makes every change of
		 * its thread pointer durable through ERESUME (abi/boundary.h).
		 */
		.flags = (h.be == &encl_backend_sim ? ENCL_START_FS_VOLATILE : 0) |
			 (trap ? ENCL_START_SYSCALL_TRAP : 0),
	};
	if (encl_host_signals_start(&h)) {
		encl_host_xq_stop(&h);
		encl_host_threads_fini(&h);
		encl_host_unload(&h);
		return nostart("the signals the enclave handles cannot be caught");
	}
	start.sig_ignored = h.sig_ignored;
	fflush(NULL);
	ret = encl_host_thread_run(&h.main_thread, ENCL_OP_START, (uint64_t)(uintptr_t)&start, 0);
	if (ret < 0) {
		/* Thread 0 ended with others running: the last of them ends the process. */
		for (;;)
			pause();
	}
	if (h.threaded)
		encl_host_end(&h, ret);
	fflush(NULL);
	if (encl_host_xq_stop(&h)) {
		/* A serving thread is stuck in a call: end as with threads, tearing nothing down. */
		if (h.exit_signal)
			encl_host_exit_by_signal(h.exit_signal);
		encl_host_end(&h, ret);
	}
	encl_host_threads_fini(&h);
	encl_host_unload(&h);
	encl_host_attest_fini(&h);
	if (h.exit_signal)
		encl_host_exit_by_signal(h.exit_signal);
	return ret;
}
