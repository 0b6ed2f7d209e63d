// SPDX-License-Identifier: MIT
/*
 * The host side of signals (host/signal.c): which signals it asks the
 * backend to catch, how the notes are taken, the enclave's pause, and
 * ending the process by a signal.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/harness.h"
#include "abi/syscalls.h"
#include "host/host.h"

#define BIT(sig)	(UINT64_C(1) << ((sig) - 1))

static uint64_t caught_mask;
static void (*caught_note)(int sig);
static int catch_calls;

static int fake_catch(struct encl_enclave *e, uint64_t mask, void (*note)(int sig))
{
	(void)e;
	caught_mask = mask;
	caught_note = note;
	catch_calls++;
	return 0;
}

static struct encl_backend fake_be = { .name = "fake", .catch_signals = fake_catch };
static struct encl_backend bare_be = { .name = "bare" };

static uint64_t started_ignored;

static int start_with(struct encl_backend *be)
{
	struct encl_host h;
	int r;

	memset(&h, 0, sizeof(h));
	h.be = be;
	h.e.be = be;
	r = encl_host_signals_start(&h);
	started_ignored = h.sig_ignored;
	return r;
}

/*
 * All of ENCL_HOST_SIGNALS is caught; what the parent ignored is reported
 * as the enclave's first disposition. (The test sets its own dispositions:
 * a shell's background job starts with SIGINT and SIGQUIT ignored.)
 */
static void test_mask_and_inherited_ignores(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGHUP, SIG_IGN);
	CHECK_EQ_INT(start_with(&fake_be), 0);
	signal(SIGHUP, SIG_DFL);
	CHECK_EQ_INT(catch_calls, 1);
	CHECK(caught_mask & BIT(SIGHUP));
	CHECK_EQ_INT(started_ignored, BIT(SIGHUP));
	CHECK(caught_mask & BIT(SIGINT));
	CHECK(caught_mask & BIT(SIGTERM));
	CHECK(caught_mask & BIT(SIGALRM));
	CHECK(!(caught_mask & BIT(SIGSEGV)));
	CHECK(!(caught_mask & BIT(SIGTSTP)));
	CHECK(!(caught_mask & BIT(32)) && !(caught_mask & BIT(33)));
	CHECK_EQ_INT(caught_mask & ~ENCL_HOST_SIGNALS, 0);
	CHECK(caught_note != NULL);
}

/* Without catch_signals nothing is caught, and that is not an error. */
static void test_backend_without_catch(void)
{
	int before = catch_calls;

	CHECK_EQ_INT(start_with(&bare_be), 0);
	CHECK_EQ_INT(catch_calls, before);
}

static void test_take_exchanges(void)
{
	encl_host_signals_take();
	caught_note(SIGUSR1);
	caught_note(SIGTERM);
	caught_note(SIGUSR1);
	caught_note(0);		/* not a signal: ignored */
	caught_note(65);
	CHECK_EQ_INT(encl_host_signals_take(), BIT(SIGUSR1) | BIT(SIGTERM));
	CHECK_EQ_INT(encl_host_signals_take(), 0);
}

static void *noter(void *arg)
{
	struct timespec d = { 0, 20 * 1000 * 1000 };

	(void)arg;
	nanosleep(&d, NULL);
	caught_note(SIGUSR2);
	return NULL;
}

static struct encl_host_thread paused;

static void *waker(void *arg)
{
	struct timespec d = { 0, 20 * 1000 * 1000 };

	(void)arg;
	nanosleep(&d, NULL);
	__atomic_store_n(&paused.event, 1, __ATOMIC_RELEASE);
	encl_host_signals_kick();
	return NULL;
}

/*
 * pause ends once a note arrived: before it began, or from another thread;
 * and when the enclave wakes the thread (its event, then a kick).
 */
static void test_pause(void)
{
	pthread_t t;

	encl_host_signals_take();
	caught_note(SIGALRM);
	CHECK_EQ_INT(encl_host_signals_pause(&paused), -EINTR);
	CHECK_EQ_INT(encl_host_signals_take(), BIT(SIGALRM));
	CHECK_EQ_INT(pthread_create(&t, NULL, noter, NULL), 0);
	CHECK_EQ_INT(encl_host_signals_pause(&paused), -EINTR);
	pthread_join(t, NULL);
	CHECK_EQ_INT(encl_host_signals_take(), BIT(SIGUSR2));
	CHECK_EQ_INT(pthread_create(&t, NULL, waker, NULL), 0);
	CHECK_EQ_INT(encl_host_signals_pause(&paused), -EINTR);
	pthread_join(t, NULL);
	CHECK_EQ_INT(encl_host_signals_take(), 0);
	CHECK_EQ_INT(paused.event, 0);
}

static int child_status(int sig, int handled)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (handled)
			signal(sig, SIG_IGN);	/* whatever the disposition, the default ends it */
		encl_host_exit_by_signal(sig);
	}
	waitpid(pid, &status, 0);
	return status;
}

/* The parent sees the signal itself; one whose default does not kill gives 128 + sig. */
static void test_exit_by_signal(void)
{
	int st = child_status(SIGTERM, 1);

	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = child_status(SIGUSR1, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1);
	st = child_status(SIGWINCH, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 128 + SIGWINCH);
}

int main(void)
{
	HARNESS_PLAN(5);
	RUN(test_mask_and_inherited_ignores);
	RUN(test_backend_without_catch);
	RUN(test_take_exchanges);
	RUN(test_pause);
	RUN(test_exit_by_signal);
	HARNESS_EXIT();
}
