#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Signals (docs/threads.md, "Signals"): the programs tests/programs/sig_*.c,
# each built with encl-cc and natively, must print the same and end alike.
# SIGTERM and SIGINT come from this script once the program says "ready",
# while it waits in each way a program waits (pause, nanosleep, read, a
# loop without system calls, pthread_join); timers, SIGPIPE and a SIGSEGV
# handler are the programs' own.
. "$(dirname "$0")/lib.sh"

sim_defaults
# Each program takes a second or two; one that runs a minute waits for a signal that never came.
E2E_TIMEOUT=60
require_enclave_toolchain
plan 38

for n in sig_term sig_alarm sig_itimer sig_pipe sig_segv threads_signals timer_thread sig_threads; do
	build_program "$n" || true
done

# A stdin that never ends, for the programs that wait in read().
mkfifo "$TMP/never"
exec 3<>"$TMP/never"

# ended PID: the process is gone or a zombie waiting to be reaped
ended() {
	local state
	state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
	[ -z "$state" ] || [ "$state" = Z ]
}

# signalled PROGRAM SIG OUT ARGS...: run PROGRAM ARGS in the background,
# send SIG once it has printed "ready", print its exit status ("hung" if
# it is still running 60 s later, or never said ready). SIGINT is reset to
# its default first (a shell starts background commands with it ignored),
# unless SIGINT_AT_START=--ignore-signal=INT.
signalled() {
	local prog=$1 sig=$2 out=$3 pid i
	shift 3
	rm -f "$out"	# the last run's "ready" must not count
	env "${SIGINT_AT_START:---default-signal=INT}" "$prog" "$@" <&3 >"$out" 2>"$out.err" &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -qs '^ready' "$out" && break
		ended $pid && break
		sleep 0.1
	done
	ended $pid || kill -s "$sig" $pid
	for ((i = 0; i < 600; i++)); do
		ended $pid && break
		sleep 0.1
	done
	if ! ended $pid; then
		kill -KILL $pid
		wait $pid 2>/dev/null
		echo hung
		return
	fi
	wait $pid
	echo $?
}

# from_outside TESTNAME SIG ARGS...: sig_term ARGS, both builds, signalled alike
from_outside() {
	local t=$1 sig=$2 nrc erc
	shift 2
	nrc=$(signalled "$TMP/sig_term.native" "$sig" "$TMP/n.out" "$@")
	erc=$(signalled "$TMP/sig_term.encl" "$sig" "$TMP/e.out" "$@")
	if [ "$nrc" != "$erc" ]; then
		fail "$t" "exit $erc, native $nrc; stdout: $(head -c 200 "$TMP/e.out"); stderr: $(head -c 400 "$TMP/e.out.err")"
	elif ! cmp -s "$TMP/n.out" "$TMP/e.out"; then
		fail "$t" "stdout differs: $(diff "$TMP/n.out" "$TMP/e.out" | head -10)"
	elif ! cmp -s "$TMP/n.out.err" "$TMP/e.out.err"; then
		fail "$t" "stderr differs: $(diff "$TMP/n.out.err" "$TMP/e.out.err" | head -10)"
	else
		pass "$t"
	fi
}

if [ -x "$TMP/sig_term.encl" ]; then
	for how in pause sleep read spin thread; do
		from_outside "term_handler_$how" TERM handler $how
		from_outside "int_handler_$how" INT handler $how
		from_outside "term_default_$how" TERM default $how
	done
	from_outside int_default_pause INT default pause

	# Started with SIGINT ignored (nohup, a shell's background job), a
	# program sees SIG_IGN as SIGINT's disposition (the classic "if
	# (signal(SIGINT, SIG_IGN) != SIG_IGN)" test relies on it), and a
	# handler it installs all the same is called for SIGINT.
	for start in ignore default; do
		env --$start-signal=INT "$TMP/sig_term.native" inherited >"$TMP/n.out" 2>&1
		env --$start-signal=INT "$TMP/sig_term.encl" inherited >"$TMP/e.out" 2>&1
		check "sigint_${start}d_at_start_seen" cmp -s "$TMP/n.out" "$TMP/e.out"
	done
	SIGINT_AT_START=--ignore-signal=INT from_outside int_handler_after_ignored_at_start INT handler pause
fi

if [ -x "$TMP/sig_alarm.encl" ]; then
	same sig_alarm alarm_in_pause -- pause
	same sig_alarm alarm_while_running -- spin
fi
[ -x "$TMP/sig_itimer.encl" ] && same sig_itimer itimer_20_ticks -- 20
[ -x "$TMP/timer_thread.encl" ] && same timer_thread timer_create_sigev_thread --
[ -x "$TMP/sig_threads.encl" ] && same sig_threads pthread_kill_and_cancel --
# a timer's ticks interrupting 4 threads that run without system calls
[ -x "$TMP/threads_signals.encl" ] && same threads_signals itimer_with_threads -- timer

if [ -x "$TMP/sig_pipe.encl" ]; then
	for how in default ignore handler blocked; do
		same sig_pipe "sigpipe_$how" -- $how
	done
fi

# A SIGSEGV handler that siglongjmps out of faults needs each fault's
# address from the CPU: EXINFO. Both layouts have it where the CPU does
# (the simulated CPU by default); without it (ENCL_SIM_CPU=sgx1) a bad
# access is not reported in EXITINFO, no handler can be given an address
# the enclave can vouch for, and the program ends by SIGSEGV at the first
# fault, before printing anything. si_code is Linux's: SEGV_MAPERR where
# nothing is mapped, SEGV_ACCERR on a mapped page that forbids the access
# (PROT_NONE, read-only).
if [ -x "$TMP/sig_segv.encl" ]; then
	for c in null none readonly; do
		same sig_segv "sigsegv_handler_$c" -- $c
		SCONE_EDMM_MODE=enable same sig_segv "sigsegv_handler_${c}_edmm" -- $c
	done
	same sig_segv sigsegv_handler_faults_in_a_row -- null readonly null readonly
	ENCL_SIM_CPU=sgx1 expect_exit sigsegv_no_exinfo_ends_by_sigsegv 139 \
		"crashed: SIGSEGV \(vector 255" timeout -k 10 "$E2E_TIMEOUT" "$TMP/sig_segv.encl"
	check sigsegv_no_exinfo_no_handler_ran test ! -s "$TMP/stdout"
fi
exec 3>&-
