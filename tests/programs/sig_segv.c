/*
 * A SIGSEGV handler on an alternate stack that siglongjmps out of
 * deliberate faults: a read near address 0, a write to a PROT_NONE page
 * and a write to a read-only page of the program's own heap. For each:
 * the signal, si_code, whether si_addr is the faulting address, whether
 * the handler ran on the alternate stack. After each recovery SIGSEGV is
 * not blocked (sigsetjmp saved the mask).
 * Usage: sig_segv [CASE...], each null, none or readonly, in that order
 * (default: null none readonly null)
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf back;
static char altstack[64 * 1024];
static volatile sig_atomic_t seen_sig, seen_code, on_altstack;
static void *volatile seen_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char here;

	(void)uc;
	seen_sig = sig;
	seen_code = si->si_code;
	seen_addr = si->si_addr;
	on_altstack = &here >= altstack && &here < altstack + sizeof(altstack);
	siglongjmp(back, 1);
}

static const char *code_name(int sig, int code)
{
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SEGV_ACCERR";
	return "another code";
}

static int wrong;

/* Touch @p (write when @write), which must fault: report what the handler saw. */
static void fault(const char *what, volatile char *p, int write)
{
	sigset_t now;

	seen_sig = 0;
	seen_addr = NULL;
	if (!sigsetjmp(back, 1)) {
		if (write)
			*p = 1;
		else
			(void)*p;
		printf("%s: no fault\n", what);
		wrong = 1;
		return;
	}
	sigprocmask(SIG_SETMASK, NULL, &now);
	printf("%s: %s %s, address %s, %s, SIGSEGV %s after siglongjmp\n", what,
	       seen_sig == SIGSEGV ? "SIGSEGV" : "another signal", code_name(seen_sig, seen_code),
	       seen_addr == (void *)p ? "exact" : "WRONG",
	       on_altstack ? "on the alternate stack" : "WRONG stack",
	       sigismember(&now, SIGSEGV) ? "WRONG: blocked" : "unblocked");
	if (seen_sig != SIGSEGV || seen_addr != (void *)p || !on_altstack || sigismember(&now, SIGSEGV))
		wrong = 1;
}

int main(int argc, char **argv)
{
	static char *all[] = { "", "null", "none", "readonly", "null" };
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	long page = sysconf(_SC_PAGESIZE);
	char *none, *ro;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaltstack(&ss, NULL);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (none == MAP_FAILED || ro == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(ro, 7, page);
	mprotect(ro, page, PROT_READ);
	if (argc < 2) {
		argv = all;
		argc = 5;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "null")) {
			fault("read at 0x40", (volatile char *)(uintptr_t)0x40, 0);
		} else if (!strcmp(argv[i], "none")) {
			fault("write to PROT_NONE", none + 0x20, 1);
		} else if (!strcmp(argv[i], "readonly")) {
			fault("write to read-only", ro + 0x30, 1);
			printf("read-only page still holds %d\n", ro[0x30]);
		} else {
			fprintf(stderr, "sig_segv: no case %s\n", argv[i]);
			return 2;
		}
	}
	return wrong;
}
