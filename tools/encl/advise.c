// SPDX-License-Identifier: MIT
/*
 * encl advise: run an enclave executable at SCONE_LOG=info and print the
 * heap advice of its exit lines (enclave/emm/heap.c writes them, docs/emm.md
 * "The heap advisor" explains them): the SCONE_MIN_HEAP and SCONE_HEAP it
 * needs, and the `encl sign` command that makes them its defaults.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "image/config.h"
#include "tools/encl/cmd.h"

static const char advise_help[] =
"usage: encl advise [--runs N] [--json] PROGRAM [ARGS...]\n"
"\n"
"Run the enclave executable PROGRAM with ARGS at SCONE_LOG=info (on SGX, or\n"
"in the simulator where there is none: SCONE_MODE=auto; with EDMM where the\n"
"machine has it: SCONE_EDMM_MODE=auto, unless the environment says\n"
"otherwise), read the heap lines it prints at exit, and print the advice:\n"
"a SCONE_MIN_HEAP that covers what it used before main and in its first\n"
"moments, a SCONE_HEAP a quarter above its peak, and the `encl sign`\n"
"command that signs both in as its defaults. With several runs, each value\n"
"is the highest any run asked for. The program's output and its heap lines go\n"
"to stderr.\n"
"\n"
"  --runs N      run it N times (1 to 100, default 1)\n"
"  --json        print the advice as one JSON object\n"
"  -h, --help    this text\n"
"\n"
"Exit status: 0 with advice, 1 when PROGRAM printed no heap lines (not an\n"
"enclave executable, or it crashed before exit), 2 for bad usage.\n";

#define ADVICE_KEY	"encl: heap advice: "

struct advice {
	uint64_t min_heap, heap;	/* 0: not given (SGX1 has no SCONE_MIN_HEAP) */
	char edmm[8];			/* the heap line's mode: EDMM or SGX1 */
	int exit_status;
};

/* "KEY=SIZE" in @line: its value in bytes, 0 when absent. */
static uint64_t size_after(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	char buf[32], err[128];
	uint64_t v;
	size_t n;

	if (!p)
		return 0;
	p += strlen(key);
	n = strcspn(p, " ,;\n");
	if (!n || n >= sizeof(buf))
		return 0;
	memcpy(buf, p, n);
	buf[n] = 0;
	return encl_size_parse(key, buf, &v, err, sizeof(err)) ? 0 : v;
}

/*
 * One run: the program's stdout and its stderr lines go to stderr, but for
 * the advice line, which is read (and printed once, at the end).
 */
static int run_once(char **prog, struct advice *a)
{
	int fd[2], status, found = 0;
	char line[4096];
	FILE *f;
	pid_t pid;

	if (pipe(fd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(2, 1);
		dup2(fd[1], 2);
		close(fd[0]);
		close(fd[1]);
		setenv("SCONE_LOG", "info", 1);
		setenv("SCONE_EDMM_MODE", "auto", 0);
		execv(prog[0], prog);
		fprintf(stderr, "encl advise: cannot run %s: %s\n", prog[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "encl: heap: ", 12))
			sscanf(line + 12, "%7[A-Z0-9]", a->edmm);
		if (!strncmp(line, ADVICE_KEY, strlen(ADVICE_KEY))) {
			uint64_t mh = size_after(line, "SCONE_MIN_HEAP="), h = size_after(line, "SCONE_HEAP=");

			found = h != 0;
			if (mh > a->min_heap)
				a->min_heap = mh;
			if (h > a->heap)
				a->heap = h;
			continue;
		}
		fputs(line, stderr);	/* the statistics too: what the advice rests on */
	}
	if (f)
		fclose(f);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	a->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return found;
}

int cmd_advise(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct advice a = { 0 };
	char mh[32], h[32], sign[96], cmdline[4200];
	unsigned long runs = 1;
	int c, json = 0, i;

	/* "+": options end at PROGRAM, whose own options are its ARGS */
	while ((c = encl_getopt("advise", argc, argv, "+h", opts)) != -1) {
		switch (c) {
		case 'r': {
			char *end;

			errno = 0;
			runs = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || runs < 1 || runs > 100)
				return encl_usage("advise", "--runs %s is not a number of runs: give 1 to 100",
						  optarg);
			break;
		}
		case 'j':
			json = 1;
			break;
		case 'h':
			fputs(advise_help, stdout);
			return ENCL_EXIT_OK;
		default:
			return encl_try_help("advise");
		}
	}
	if (optind >= argc)
		return encl_usage("advise", "expected PROGRAM [ARGS...]");
	if (access(argv[optind], X_OK))
		return encl_usage("advise", "%s: %s; give the path of an enclave executable (encl-cc builds them)",
				  argv[optind], strerror(errno));
	for (i = 0; i < (int)runs; i++) {
		int r = run_once(argv + optind, &a);

		if (r < 0) {
			encl_error("advise", "cannot run %s: %s", argv[optind], strerror(-r));
			return ENCL_EXIT_USAGE;
		}
		if (!r) {
			encl_error("advise", "%s printed no heap advice (exit status %d): is it an enclave "
				   "executable built by encl-cc, and does it reach exit?", argv[optind],
				   a.exit_status);
			return ENCL_EXIT_FAILED;
		}
		if (a.exit_status)
			fprintf(stderr, "encl advise: note: run %d of %s exited with status %d; its heap "
				"counts still stand\n", i + 1, argv[optind], a.exit_status);
	}
	encl_size_format(a.heap, h);
	encl_size_format(a.min_heap, mh);
	if (a.min_heap)
		snprintf(sign, sizeof(sign), "--min-heap %s --heap %s", mh, h);
	else
		snprintf(sign, sizeof(sign), "--heap %s", h);
	if (json) {
		printf("{\"program\": ");
		encl_json_string(argv[optind]);
		printf(", \"runs\": %lu, \"mode\": \"%s\", \"min_heap\": %" PRIu64 ", \"heap\": %" PRIu64
		       ", \"sign\": ", runs, a.edmm, a.min_heap, a.heap);
		snprintf(cmdline, sizeof(cmdline), "encl sign %s %s", sign, argv[optind]);
		encl_json_string(cmdline);
		printf("}\n");
		return ENCL_EXIT_OK;
	}
	printf("heap advice for %s (%lu run%s, %s):\n", argv[optind], runs, runs == 1 ? "" : "s",
	       a.edmm[0] ? a.edmm : "?");
	if (a.min_heap)
		printf("  SCONE_MIN_HEAP=%s\n", mh);
	printf("  SCONE_HEAP=%s\n", h);
	printf("re-sign with: encl sign %s %s\n", sign, argv[optind]);
	return ENCL_EXIT_OK;
}
