#!/bin/bash
# Exitless calls (docs/exitless.md): the same program with the queues
# (adaptive, and fixed by SCONE_* values) and without (SCONE_QUEUES=0)
# gives the same output; bad settings are refused naming the fix; and a
# hostile host that answers the wrong request, answers one twice, or
# rewrites a request after it was posted stops the enclave (exit 125, a
# FATAL line naming the lie) before the program goes on.
. "$(dirname "$0")/lib.sh"

sim_defaults
unset SCONE_QUEUES SCONE_SSPINS SCONE_SSLEEP SCONE_ESPINS SCONE_ESLEEP
require_enclave_toolchain

P=$TMP/calls
cat >"$P.c" <<'PROG'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* N getppid() and 64-byte writes to /dev/null, then what they added up to. */
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000, sum = 0, wrote = 0;
	int fd = open("/dev/null", O_WRONLY);
	char buf[64] = { 0 };

	if (fd < 0)
		return 3;
	for (long i = 0; i < n; i++) {
		sum += getppid() == getppid();
		wrote += write(fd, buf, sizeof(buf));
	}
	printf("same parent %ld of %ld, wrote %ld\n", sum, n, wrote);
	printf("done\n");
	return 0;
}
PROG
if ! encl-cc -O2 "$P.c" -o "$P" 2>"$TMP/build" || ! musl-gcc -static -O2 "$P.c" -o "$P.native"; then
	fail build "$(head -c 600 "$TMP/build")"
	exit 0
fi

S=$TMP/alarms
cat >"$S.c" <<'PROG'
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <unistd.h>

/* Calls while a timer interrupts them: every alarm is handled once, every result right. */
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

int main(void)
{
	struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
	int fd = open("/dev/null", O_WRONLY);
	pid_t parent = getppid();
	char buf[64] = { 0 };
	long wrong = 0;

	signal(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &it, NULL);
	while (alarms < 20) {
		wrong += getppid() != parent;
		wrong += write(fd, buf, sizeof(buf)) != sizeof(buf);
	}
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	printf("at least 20 alarms, %ld wrong results\n", wrong);
	return 0;
}
PROG
if ! encl-cc -O2 "$S.c" -o "$S" 2>"$TMP/build" || ! musl-gcc -static -O2 "$S.c" -o "$S.native"; then
	fail build_alarms "$(head -c 600 "$TMP/build")"
	exit 0
fi

plan 15

"$P.native" 3000 >"$TMP/native.out"
for cfg in "" "SCONE_QUEUES=0" "SCONE_QUEUES=1 SCONE_SSPINS=100000 SCONE_SSLEEP=1000" \
	   "SCONE_QUEUES=2 SCONE_ESPINS=10 SCONE_ESLEEP=100"; do
	n=same_${cfg:-adaptive}
	n=${n// /_}
	if env $cfg timeout "$E2E_TIMEOUT" "$P" 3000 >"$TMP/encl.out" 2>"$TMP/encl.err" &&
	   cmp -s "$TMP/native.out" "$TMP/encl.out"; then
		pass "$n"
	else
		fail "$n" "$(head -c 300 "$TMP/encl.out" "$TMP/encl.err")"
	fi
done

# Signals interrupt the wait for a queued result and are delivered once.
"$S.native" >"$TMP/alarms.expected"
for cfg in "" "SCONE_QUEUES=1 SCONE_SSPINS=100000000"; do
	n=signals_while_waiting${cfg:+_fixed}
	if env $cfg timeout "$E2E_TIMEOUT" "$S" >"$TMP/alarms.out" 2>"$TMP/alarms.err" &&
	   cmp -s "$TMP/alarms.expected" "$TMP/alarms.out"; then
		pass "$n"
	else
		fail "$n" "$(head -c 300 "$TMP/alarms.out" "$TMP/alarms.err")"
	fi
done

SCONE_VERSION=1 SCONE_QUEUES=3 timeout "$E2E_TIMEOUT" "$P" 1 >/dev/null 2>"$TMP/version"
check version_prints grep -qx 'SCONE_QUEUES=3' "$TMP/version"
check version_prints_auto grep -qx 'SCONE_ESPINS=auto' "$TMP/version"

SCONE_QUEUES=many expect_exit bad_queues 125 "SCONE_QUEUES=many is not a number of serving threads.*use 0 to" "$P" 1
SCONE_SSLEEP=-5 expect_exit bad_ssleep 125 "SCONE_SSLEEP=-5 is not microseconds.*or auto" "$P" 1
SCONE_ESPINS=0 expect_exit bad_espins 125 "SCONE_ESPINS=0 is not a number of rounds" "$P" 1

# hostile NAME MODE PATTERN: one serving thread that spins long, so that
# requests are posted; the lie must stop the enclave.
hostile() {
	local n=$1 mode=$2 pat=$3
	ENCL_SIM_HOSTILE=$mode SCONE_QUEUES=1 SCONE_SSPINS=100000000 \
		expect_exit "$n" 125 "$pat" timeout "$E2E_TIMEOUT" "$P" 200000
	if grep -q '^done' "$TMP/stdout"; then
		fail "${n}_stopped" "the program went on: $(head -c 200 "$TMP/stdout")"
	fi
}
hostile queue_wrong_request queue-wrong "exitless call .*not the one posted \(the wrong request\)"
hostile queue_answered_twice queue-twice "exitless call .*an earlier request of this thread again \(an answer given twice\)"
hostile queue_request_rewritten queue-rewrite "exitless call .*rewrote the request after it was posted"

# Without queues nothing is posted: the queue lies have nothing to lie about.
ENCL_SIM_HOSTILE=queue-wrong SCONE_QUEUES=0 timeout "$E2E_TIMEOUT" "$P" 100 >"$TMP/q0.out" 2>&1
check no_queue_no_lie grep -q '^done' "$TMP/q0.out"
