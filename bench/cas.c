// SPDX-License-Identifier: MIT
/*
 * Attestation: `encl cas serve` on a free port in a temporary folder, one
 * session listing hello's two MRENCLAVEs (SGX1 and EDMM identities) with
 * debug mode and simulation tolerated, then in the same run:
 *
 *  - attestations per second with 1, 8 and 32 enclaves started at once:
 *    each enclave runs out/hello.encl with SCONE_CONFIG_ID, so the runtime
 *    attests before main(); the wall time of a batch, from the first fork to
 *    the last exit, over several batches;
 *  - what attestation adds to one start: the same executable started one at
 *    a time with and without SCONE_CONFIG_ID, medians of exec to main() and
 *    exec to exit, as a ratio and in ms.
 *
 * Every run must exit 0 and print hello's number, or the benchmark fails:
 * a refused attestation (exit 125) is not a fast one. The service is
 * stopped and the folder removed at the end, also on failure.
 */
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "bench.h"

#define ENCL "../build/bin/encl"
#define PROG "out/hello.encl"
#define SESSION "bench"
#define RUNS 21		/* one-at-a-time starts, each way */
#define BATCHES 5	/* batches per concurrency */
#define MAX_AT_ONCE 32

static const int at_once[] = { 1, 8, 32 };

static char dir[] = "/tmp/encl-bench-cas.XXXXXX";
static char addr[32];
static pid_t serve = -1;
static pid_t self;	/* a child that exits before its exec cleans nothing */
static pid_t batch_pid[MAX_AT_ONCE];	/* a batch's enclaves not yet reaped */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	int i;

	if (getpid() != self)
		return;
	for (i = 0; i < MAX_AT_ONCE; i++)
		if (batch_pid[i] > 0) {
			kill(batch_pid[i], SIGKILL);
			waitpid(batch_pid[i], NULL, 0);
		}
	if (serve > 0) {
		kill(serve, SIGTERM);
		waitpid(serve, NULL, 0);
		serve = -1;
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void on_signal(int sig)
{
	(void)sig;
	exit(1);	/* runs cleanup() */
}

/*
 * Starts @argv with stdout to @out (or /dev/null if -1) and stderr to @err
 * (or inherited if -1); @config, if not NULL, is the SCONE_CONFIG_ID.
 */
static pid_t spawn(char *const argv[], int out, int err, const char *config)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (out < 0)
		out = open("/dev/null", O_WRONLY);
	dup2(out, 1);
	if (err >= 0)
		dup2(err, 2);
	if (config) {
		setenv("SCONE_CONFIG_ID", config, 1);
		setenv("SCONE_CAS_ADDR", addr, 1);
	}
	execv(argv[0], argv);
	_exit(127);
}

static int exited_0(pid_t pid)
{
	int status;

	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status);
}

/* Runs @argv to the end with stdout into @buf; 0 if it exited 0. */
static int capture(char *const argv[], char *buf, size_t len)
{
	int fd[2], ok;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (pipe(fd))
		return -1;
	pid = spawn(argv, fd[1], -1, NULL);
	close(fd[1]);
	while (got < len - 1 && (n = read(fd[0], buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	close(fd[0]);
	ok = pid > 0 && exited_0(pid);
	return ok ? 0 : -1;
}

/* An identity of the program, as `SCONE_HASH=1 ./prog` prints it. */
static int identity(const char *var, char out[65])
{
	char *argv[] = { PROG, NULL }, buf[256];
	int r;

	setenv(var, "1", 1);
	r = capture(argv, buf, sizeof(buf));
	unsetenv(var);
	if (r || strspn(buf, "0123456789abcdef") != 64) {
		fprintf(stderr, "cas: %s=1 %s printed no MRENCLAVE: %.200s\n", var, PROG, buf);
		return -1;
	}
	memcpy(out, buf, 64);
	out[64] = 0;
	return 0;
}

/* A loopback port nothing listens on now; the service binds it next. */
static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (s >= 0 && !bind(s, (struct sockaddr *)&sa, len) &&
	    !getsockname(s, (struct sockaddr *)&sa, &len))
		port = ntohs(sa.sin_port);
	if (s >= 0)
		close(s);
	return port;
}

static int accepts(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0), ok;

	ok = s >= 0 && !connect(s, (struct sockaddr *)&sa, sizeof(sa));
	if (s >= 0)
		close(s);
	return ok;
}

static int start_service(void)
{
	char db[64], log[64];
	char *argv[] = { ENCL, "cas", "serve", "--db", db, "--listen", addr, NULL };
	int port = free_port(), fd, i;
	ssize_t n;

	if (port < 0) {
		perror("cas: no free loopback port");
		return -1;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%d", port);
	snprintf(db, sizeof(db), "%s/cas.db", dir);
	snprintf(log, sizeof(log), "%s/serve.log", dir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(log);
		return -1;
	}
	serve = spawn(argv, fd, fd, NULL);
	close(fd);
	for (i = 0; i < 200; i++) {
		if (accepts(port))
			return 0;
		if (waitpid(serve, NULL, WNOHANG) == serve) {
			serve = -1;
			break;
		}
		usleep(50000);
	}
	fprintf(stderr, "cas: `encl cas serve` did not listen on %s; its log:\n", addr);
	fd = open(log, O_RDONLY);
	while (fd >= 0 && (n = read(fd, db, sizeof(db))) > 0)
		fwrite(db, 1, n, stderr);
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The session: hello, as service "hello", by either MRENCLAVE. */
static int create_session(const char *sgx1, const char *edmm)
{
	char yaml[64], out[512];
	char *argv[] = { ENCL, "cas", "session", "create", "--cas", addr, yaml, NULL };
	FILE *f;

	snprintf(yaml, sizeof(yaml), "%s/session.yaml", dir);
	f = fopen(yaml, "w");
	if (!f) {
		perror(yaml);
		return -1;
	}
	fprintf(f, "name: " SESSION "\nversion: \"0.3\"\nservices:\n"
		"  - name: hello\n    attestation:\n      - mrenclave: [%s, %s]\n"
		"    command: [hello]\n"
		"security:\n  attestation:\n    tolerate: [debug-mode, simulation]\n",
		sgx1, edmm);
	if (fclose(f) || capture(argv, out, sizeof(out))) {
		fprintf(stderr, "cas: `encl cas session create` failed: %.400s\n", out);
		return -1;
	}
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One start, with @config or without: exec to main and exec to exit, in s. */
static int start_once(const char *config, double *to_main, double *total)
{
	char *argv[] = { PROG, NULL }, buf[64] = "";
	int fd[2], ok;
	double t0;
	ssize_t n;
	pid_t pid;

	if (pipe(fd))
		return -1;
	t0 = bench_now();
	pid = spawn(argv, fd[1], -1, config);
	close(fd[1]);
	n = read(fd[0], buf, sizeof(buf) - 1);
	close(fd[0]);
	ok = pid > 0 && exited_0(pid);
	*total = bench_now() - t0;
	if (!ok || n <= 0) {
		fprintf(stderr, "cas: %s %s failed\n", config ? "attested" : "plain", PROG);
		return -1;
	}
	*to_main = atoll(buf) / 1e9 - t0;
	return 0;
}

/* Medians of RUNS starts each way, alternated so that load drifts hit both. */
static int startup_cost(double med[2][2])
{
	static double t[2][2][RUNS];
	int i, w;

	for (i = 0; i < RUNS; i++)
		for (w = 0; w < 2; w++)
			if (start_once(w ? SESSION "/hello" : NULL, &t[w][0][i], &t[w][1][i]))
				return -1;
	for (w = 0; w < 2; w++)
		for (i = 0; i < 2; i++) {
			qsort(t[w][i], RUNS, sizeof(double), cmp);
			med[w][i] = t[w][i][RUNS / 2];
		}
	return 0;
}

/* One batch: @k attested starts forked at once; wall time to the last exit. */
static int batch(int k, double *wall)
{
	char *argv[] = { PROG, NULL };
	int i, bad = 0;
	double t0 = bench_now();

	for (i = 0; i < k; i++)
		batch_pid[i] = spawn(argv, -1, -1, SESSION "/hello");
	for (i = 0; i < k; i++) {
		bad += batch_pid[i] < 0 || !exited_0(batch_pid[i]);
		batch_pid[i] = 0;
	}
	*wall = bench_now() - t0;
	if (bad)
		fprintf(stderr, "cas: %d of %d attested starts at once failed\n", bad, k);
	return bad ? -1 : 0;
}

int main(void)
{
	char sgx1[65], edmm[65], xdg[64];
	double med[2][2], wall[BATCHES], sum;
	size_t c;
	int b;

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	unsetenv("SCONE_CONFIG_ID");
	unsetenv("SCONE_CAS_ADDR");
	unsetenv("SCONE_CAS_KEY");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	self = getpid();
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* The client's key and the services it trusts live here, not in ~. */
	snprintf(xdg, sizeof(xdg), "%s/xdg", dir);
	setenv("XDG_CONFIG_HOME", xdg, 1);

	if (identity("SCONE_HASH", sgx1) || identity("SCONE_EDMM_HASH", edmm) ||
	    start_service() || create_session(sgx1, edmm))
		return 1;

	printf("| enclaves at once (sim, hello attested) | batches | median batch | attestations/s |\n");
	printf("| --- | --- | --- | --- |\n");
	for (c = 0; c < sizeof(at_once) / sizeof(at_once[0]); c++) {
		for (b = 0, sum = 0; b < BATCHES; b++) {
			if (batch(at_once[c], &wall[b]))
				return 1;
			sum += wall[b];
		}
		qsort(wall, BATCHES, sizeof(double), cmp);
		printf("| %d | %d | %.1f ms | %.1f |\n", at_once[c], BATCHES,
		       wall[BATCHES / 2] * 1e3, at_once[c] * BATCHES / sum);
		fflush(stdout);
	}

	if (startup_cost(med))
		return 1;
	printf("\n| hello, one at a time, median of %d | exec to main | exec to exit |\n", RUNS);
	printf("| --- | --- | --- |\n");
	printf("| attested (SCONE_CONFIG_ID) | %.2f ms | %.2f ms |\n", med[1][0] * 1e3, med[1][1] * 1e3);
	printf("| not attested | %.2f ms | %.2f ms |\n", med[0][0] * 1e3, med[0][1] * 1e3);
	printf("| attestation adds | %.2f ms | %.2f ms |\n",
	       (med[1][0] - med[0][0]) * 1e3, (med[1][1] - med[0][1]) * 1e3);
	printf("| ratio | %.2f | %.2f |\n", med[1][0] / med[0][0], med[1][1] / med[0][1]);
	return 0;
}
