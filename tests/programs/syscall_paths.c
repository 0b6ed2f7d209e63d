/*
 * The two ways a system call reaches the shield (docs/libc.md): the C
 * library's calls, and a `syscall` instruction in the program's own code,
 * which traps. Prints the same natively.
 *
 *   syscall_paths            inline-assembly calls, a restarted read and a
 *                            cancelled one
 *   syscall_paths calls N    N calls of getppid() through the C library
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

/* A system call by the instruction itself, as another library's object might make it. */
static long raw_syscall3(long nr, long a1, long a2, long a3)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			     : "rcx", "r11", "memory");
	return ret;
}

static void inline_asm(void)
{
	static const char msg[] = "written by an inline-assembly syscall\n";
	long pid = raw_syscall3(SYS_getpid, 0, 0, 0);

	fflush(stdout);
	printf("write: %ld\n", raw_syscall3(SYS_write, 1, (long)msg, sizeof(msg) - 1));
	printf("getpid agrees: %s\n", pid == getpid() ? "yes" : "no");
	printf("bad fd: %ld\n", raw_syscall3(SYS_close, -1, 0, 0));
}

static int fds[2];
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	if (++alarms == 2 && write(fds[1], "x", 1) != 1)
		_exit(3);
}

/* A read that SIGALRM interrupts twice, with SA_RESTART: it starts again each time. */
static void restarted_read(void)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	char c = 0;
	ssize_t n;

	sigemptyset(&sa.sa_mask);
	if (pipe(fds) || sigaction(SIGALRM, &sa, 0) || setitimer(ITIMER_REAL, &it, 0))
		exit(2);
	n = read(fds[0], &c, 1);
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, 0);
	printf("restarted read: %zd '%c' after %s alarms\n", n, c, alarms >= 2 ? "two" : "too few");
}

/*
 * A thread cancelled before its read(), a cancellation point: musl's check
 * at __cp_begin (syscall_cp.s) ends it there. (A thread cancelled while it
 * waits in the host is not covered: that does not end in the enclave yet,
 * whichever way its C library calls the shield.)
 */
static void *reader(void *arg)
{
	char c;

	(void)arg;
	pthread_cancel(pthread_self());
	(void)read(fds[0], &c, 1);
	return "not cancelled";
}

static void cancelled_read(void)
{
	pthread_t t;
	void *res;

	if (pipe(fds) || pthread_create(&t, 0, reader, 0))
		exit(2);
	pthread_join(t, &res);
	printf("cancelled read: %s\n", res == PTHREAD_CANCELED ? "cancelled" : (char *)res);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "calls")) {
		long n = atol(argv[2]), sum = 0;

		for (long i = 0; i < n; i++)
			sum += getppid() > 0;
		printf("%ld calls\n", sum);
		return 0;
	}
	setvbuf(stdout, 0, _IOLBF, 0);
	inline_asm();
	restarted_read();
	cancelled_read();
	return 0;
}
