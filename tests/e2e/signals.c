// SPDX-License-Identifier: MIT
/*
 * The program tests/e2e/signals.sh runs in an enclave and natively (musl-gcc
 * -static), one case per argument; both must print the same and end alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static volatile sig_atomic_t got, count, depth, maxdepth, raised;
static sigjmp_buf jb;
static char altstack[64 * 1024];

static void on(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, 0);
}

static void on_info(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = flags | SA_SIGINFO;
	sigaction(sig, &sa, 0);
}

static void note(int sig) { got = sig; count++; }

static void info(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *u = uc;

	printf("handler %d: si_signo %d si_code %d own mask %d usr2 masked %d\n", sig, si->si_signo,
	       si->si_code, sigismember(&u->uc_sigmask, sig), sigismember(&u->uc_sigmask, SIGUSR2));
}

static void escape(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("signal %d code %d addr %s\n", sig, si->si_code,
	       sig == SIGSEGV ? (si->si_addr == (void *)16 ? "16" : "other") : "-");
	siglongjmp(jb, 1);
}

static void trap(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	printf("trap %d\n", sig);
}

static void trash(int sig)
{
	(void)sig;
	printf("handler rounding nearest %d\n", fegetround() == FE_TONEAREST);
	fesetround(FE_DOWNWARD);
	__asm__ volatile("xor %%r8d, %%r8d; xor %%r9d, %%r9d; xor %%r10d, %%r10d; pxor %%xmm5, %%xmm5"
			 ::: "r8", "r9", "r10", "xmm5");
}

static void recurse(int sig)
{
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	if (!raised) {
		raised = 1;
		raise(sig);
	}
	depth--;
}

static void where(int sig)
{
	char here;
	stack_t now;

	sigaltstack(0, &now);
	printf("handler %d on altstack %d, SS_ONSTACK %d\n", sig,
	       &here >= altstack && &here < altstack + sizeof(altstack), !!(now.ss_flags & SS_ONSTACK));
}

static void nested_segv(int sig)
{
	(void)sig;
	printf("in handler\n");
	fflush(stdout);
	*(volatile int *)16 = 2;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	sigset_t s, old;
	int i;

	setvbuf(stdout, 0, _IONBF, 0);
	if (!strcmp(what, "raise")) {
		on(SIGUSR1, note, 0);
		raise(SIGUSR1);
		printf("got %d\n", got);
		on_info(SIGUSR2, info, 0);
		raise(SIGUSR2);
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigprocmask(SIG_BLOCK, &s, &old);
		got = 0;
		kill(getpid(), SIGUSR1);
		sigpending(&s);
		printf("blocked: got %d pending %d\n", got, sigismember(&s, SIGUSR1));
		sigprocmask(SIG_SETMASK, &old, 0);
		printf("unblocked: got %d\n", got);
		signal(SIGTERM, SIG_IGN);
		raise(SIGTERM);
		printf("ignored\n");
	} else if (!strcmp(what, "regs")) {
		uint64_t r8, r9, r10, x;
		double d = 1.0;

		on(SIGUSR1, trash, 0);
		fesetround(FE_UPWARD);
		__asm__ volatile("mov $0x1111, %%r8; mov $0x2222, %%r9; mov $0x3333, %%r10\n"
				 "mov $0x4444, %%rax; movq %%rax, %%xmm5\n"
				 "mov $200, %%eax; syscall\n"
				 "mov %%r8, %0; mov %%r9, %1; mov %%r10, %2; movq %%xmm5, %3"
				 : "=m"(r8), "=m"(r9), "=m"(r10), "=m"(x)
				 : "D"((int)syscall(SYS_gettid)), "S"(SIGUSR1)
				 : "rax", "rcx", "r11", "r8", "r9", "r10", "xmm5", "memory");
		printf("r8 %lx r9 %lx r10 %lx xmm5 %lx upward %d third %.17g\n", (long)r8, (long)r9,
		       (long)r10, (long)x, fegetround() == FE_UPWARD, d / 3);
	} else if (!strcmp(what, "segv")) {
		on_info(SIGSEGV, escape, 0);
		if (!sigsetjmp(jb, 1))
			*(volatile int *)16 = 1;
		sigprocmask(SIG_SETMASK, 0, &s);
		printf("after siglongjmp, SIGSEGV blocked %d\n", sigismember(&s, SIGSEGV));
		if (!sigsetjmp(jb, 1))
			*(volatile int *)16 = 1;
		printf("again\n");
	} else if (!strcmp(what, "fpe")) {
		volatile int zero = 0;

		on_info(SIGFPE, escape, 0);
		if (!sigsetjmp(jb, 1))
			printf("%d\n", 1 / zero);
		printf("after\n");
	} else if (!strcmp(what, "ill")) {
		on_info(SIGILL, escape, 0);
		if (!sigsetjmp(jb, 1))
			__asm__ volatile("ud2");
		printf("after\n");
	} else if (!strcmp(what, "trap")) {
		on_info(SIGTRAP, trap, 0);
		__asm__ volatile("int3");
		printf("after\n");
	} else if (!strcmp(what, "segv-blocked")) {
		on_info(SIGSEGV, escape, 0);
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, 0);
		*(volatile int *)16 = 1;
		printf("not reached\n");
	} else if (!strcmp(what, "segv-nested")) {
		on(SIGSEGV, nested_segv, 0);
		*(volatile int *)16 = 1;
		printf("not reached\n");
	} else if (!strcmp(what, "nodefer")) {
		on(SIGUSR1, recurse, SA_NODEFER);
		raise(SIGUSR1);
		printf("nodefer depth %d\n", maxdepth);
		maxdepth = raised = 0;
		on(SIGUSR1, recurse, 0);
		raise(SIGUSR1);
		printf("deferred depth %d\n", maxdepth);
	} else if (!strcmp(what, "resethand")) {
		on(SIGUSR1, note, SA_RESETHAND);
		raise(SIGUSR1);
		printf("once %d\n", count);
		raise(SIGUSR1);
		printf("not reached\n");
	} else if (!strcmp(what, "altstack")) {
		stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

		if (sigaltstack(&ss, 0))
			perror("sigaltstack");
		on(SIGUSR1, where, SA_ONSTACK);
		on(SIGUSR2, where, 0);
		raise(SIGUSR1);
		raise(SIGUSR2);
		ss.ss_size = 100;
		errno = 0;
		i = sigaltstack(&ss, 0);
		printf("too small: %d %s\n", i, strerror(errno));
	} else if (!strcmp(what, "suspend")) {
		on(SIGALRM, note, 0);
		sigemptyset(&s);
		sigaddset(&s, SIGALRM);
		sigprocmask(SIG_BLOCK, &s, &old);
		alarm(1);
		sigemptyset(&s);
		i = sigsuspend(&s);
		printf("sigsuspend %d %s got %d\n", i, strerror(errno), got);
		sigprocmask(SIG_SETMASK, 0, &s);
		printf("still blocked %d\n", sigismember(&s, SIGALRM));
	} else if (!strcmp(what, "timedwait")) {
		siginfo_t si;
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigaddset(&s, SIGUSR2);
		sigprocmask(SIG_BLOCK, &s, 0);
		raise(SIGUSR1);
		i = sigtimedwait(&s, &si, &ts);
		printf("waited %d code %d\n", i, si.si_code);
		i = sigtimedwait(&s, &si, &ts);
		printf("timeout %d %s\n", i, strerror(errno));
	} else if (!strcmp(what, "itimer")) {
		struct itimerval it = { { 0, 50000 }, { 0, 50000 } };

		on(SIGALRM, note, 0);
		setitimer(ITIMER_REAL, &it, 0);
		while (count < 3)
			pause();
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, 0);
		getitimer(ITIMER_REAL, &it);
		printf("alarms %d, now %ld\n", count >= 3, (long)it.it_value.tv_usec);
	} else if (!strcmp(what, "timer")) {
		struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2 };
		struct itimerspec its = { .it_value = { 0, 50 * 1000 * 1000 } };
		timer_t t;

		on(SIGUSR2, note, 0);
		printf("create %d\n", timer_create(CLOCK_MONOTONIC, &sev, &t));
		printf("settime %d\n", timer_settime(t, 0, &its, 0));
		while (!got)
			pause();
		timer_gettime(t, &its);
		printf("got %d, left %ld, overrun %d\n", got, (long)its.it_value.tv_nsec,
		       timer_getoverrun(t));
		printf("delete %d\n", timer_delete(t));
	} else if (!strcmp(what, "restart") || !strcmp(what, "norestart")) {
		char buf[16];
		ssize_t n;

		on(SIGALRM, note, what[0] == 'r' ? SA_RESTART : 0);
		alarm(1);
		n = read(0, buf, sizeof(buf));
		printf("read %zd %s got %d\n", n, n < 0 ? strerror(errno) : "", got);
	} else if (!strcmp(what, "sleep")) {
		/* Interrupted by signals that are ignored: it sleeps it all. */
		printf("ready\n");
		printf("sleep %u\n", sleep(2));
	} else if (!strcmp(what, "wait")) {
		printf("ready\n");
		pause();
		printf("not reached\n");
	} else if (!strcmp(what, "wait-int")) {
		on(SIGINT, note, 0);
		printf("ready\n");
		pause();
		printf("handled %d\n", got);
	} else if (!strcmp(what, "pipe") || !strcmp(what, "pipe-ign")) {
		if (what[4])
			signal(SIGPIPE, SIG_IGN);
		sleep(1);
		printf("write %zd %s\n", write(1, "x\n", 2), strerror(errno));
		fprintf(stderr, "write to the closed pipe returned\n");
	} else if (!strcmp(what, "spin")) {
		/* No system call while it waits: only an interrupt brings the signal in. */
		volatile double x = 1.0;
		struct itimerval it = { { 0, 20000 }, { 0, 20000 } };

		on(SIGALRM, note, 0);
		setitimer(ITIMER_REAL, &it, 0);
		while (count < 5)
			x = x * 1.0000001;
		memset(&it, 0, sizeof(it));
		setitimer(ITIMER_REAL, &it, 0);
		printf("interrupted %d times, x > 1 %d\n", count >= 5, x > 1);
	} else if (!strcmp(what, "spin-kill")) {
		printf("ready\n");
		for (;;)
			;
	} else if (!strcmp(what, "abort")) {
		abort();
	} else if (!strcmp(what, "read")) {
		char buf[64];
		ssize_t n;

		on(SIGUSR1, note, SA_RESTART);
		n = read(0, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = 0;
		printf("read %zd: %s got %d\n", n, buf, got);
	}
	printf("done\n");
	return 0;
}
