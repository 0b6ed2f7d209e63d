#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# A hostile host and threads, in the simulator (ENCL_SIM_HOSTILE, host/host.h;
# tests/e2e/iago.sh has the single-threaded lies). The enclave treats what
# the host says about waits and signals as hints (docs/threads.md), so:
#   futex-spurious  every WAIT returns at once: the programs still compute
#                   the right results, exactly as natively
#   futex-never     every WAKE is dropped: a program whose waits all have a
#                   time limit still computes the right result
#   signal-ocall    the first read's return reports a SIGUSR1 nobody sent:
#                   a signal like any other (the host decides which signals
#                   arrive), so the program's handler runs once, and the
#                   read's result and the threads' sum stand
#   fake-fault      after an interrupt the host enters the exception handler
#                   as for an exception. Where the interrupted thread was
#                   running the program, with EXINFO (the simulated CPU has
#                   it by default, and both layouts ask for it) the enclave
#                   sees that nothing faulted and the thread resumes: the
#                   program ends right. Without EXINFO (ENCL_SIM_CPU=sgx1)
#                   the entry could be a page fault nobody can vouch for,
#                   and the program ends by SIGSEGV, vector unknown (255).
#                   Where the thread was in the runtime's own entry or exit
#                   code, no exception entry fits its state: the runtime
#                   stops with exit 125 and says so. Which thread the first
#                   interrupt hits varies from run to run, so each run must
#                   end in one of its two outcomes, and never print a result
#                   that is not right.
. "$(dirname "$0")/lib.sh"

sim_defaults
require_enclave_toolchain
plan 12

for n in threads_pool threads_counter threads_timed threads_signals; do
	build_program "$n" || true
done

# hostile_same MODE TESTNAME NAME ARGS...: NAME under ENCL_SIM_HOSTILE=MODE
# prints and exits as NAME native without it
hostile_same() {
	local mode=$1 t=$2 n=$3
	shift 3
	ENCL_SIM_HOSTILE=$mode same "$n" "$t" -- "$@"
}

# ---- futex-spurious: wake-ups that were never sent ----
if [ -x "$TMP/threads_pool.encl" ]; then
	hostile_same futex-spurious spurious_pool threads_pool pool sem barrier once
	# cancellation needs signals between threads; the rest has no wait
	# that a spurious wake-up could end early
	hostile_same futex-spurious spurious_cycles_detached_keys threads_pool cycles detached keys
fi
[ -x "$TMP/threads_counter.encl" ] &&
	SCONE_EDMM_MODE=enable hostile_same futex-spurious spurious_counter threads_counter 8 20000
[ -x "$TMP/threads_timed.encl" ] &&
	hostile_same futex-spurious spurious_timed threads_timed

# ---- thread-id: a second live thread given the same id (musl locks by id) ----
[ -x "$TMP/threads_counter.encl" ] &&
	ENCL_SIM_HOSTILE=thread-id expect_exit thread_id_twice_refused 125 \
		"gave thread id [0-9]+ to a second live thread" \
		timeout -k 10 "$E2E_TIMEOUT" "$TMP/threads_counter.encl" 2 1000

# ---- futex-never: only timeouts end a wait ----
if [ -x "$TMP/threads_timed.encl" ]; then
	same threads_timed timed_honest_host --
	hostile_same futex-never never_woken_timed threads_timed
fi

# fake_fault TESTNAME CODE PATTERN STDOUT: threads_signals timer under
# ENCL_SIM_HOSTILE=fake-fault ends with CODE, PATTERN on stderr (when not
# empty) and STDOUT; or, when the claim met a thread in the runtime's own
# entry or exit code (where only an interrupt can be, so it resumes), as
# natively: exit 0 and the native output; or, when it met a thread whose
# frame the handler had already taken, refused as a second entry (125).
fake_fault() {
	local t=$1 code=$2 pat=$3 want=$4 rc
	ENCL_SIM_HOSTILE=fake-fault timeout -k 10 "$E2E_TIMEOUT" "$TMP/threads_signals.encl" timer \
		>"$TMP/f.out" 2>"$TMP/f.err"; rc=$?
	if [ $rc -eq 0 ] && cmp -s "$TMP/native.out" "$TMP/f.out"; then
		pass "$t"
	elif [ $rc -eq "$code" ] && { [ -z "$pat" ] || grep -qE "$pat" "$TMP/f.err"; } &&
	     cmp -s "$want" "$TMP/f.out"; then
		pass "$t"
	elif [ $rc -eq 125 ] && grep -q "the host entered the exception handler again" "$TMP/f.err"; then
		pass "$t"
	else
		fail "$t" "exit $rc (expected $code, 0 as natively, or 125 refused); stdout: $(head -c 300 "$TMP/f.out"); stderr: $(head -c 400 "$TMP/f.err")"
	fi
}

# ---- signal-ocall: a SIGUSR1 nobody sent, at the first read's return ----
if [ -x "$TMP/threads_signals.encl" ]; then
	echo hello >"$TMP/hello"
	same threads_signals signals_read_honest_host "$TMP/hello" -- read
	"$TMP/threads_signals.native" read <"$TMP/hello" >"$TMP/native.out" 2>&1
	sed 's/^SIGUSR1 handled 0 time(s)$/SIGUSR1 handled 1 time(s)/' "$TMP/native.out" >"$TMP/want.out"
	ENCL_SIM_HOSTILE=signal-ocall timeout -k 10 "$E2E_TIMEOUT" "$TMP/threads_signals.encl" read \
		<"$TMP/hello" >"$TMP/h.out" 2>"$TMP/h.err"; rc=$?
	if [ $rc -eq 0 ] && cmp -s "$TMP/want.out" "$TMP/h.out"; then
		pass signal_ocall_handled_once_results_stand
	else
		fail signal_ocall_handled_once_results_stand "exit $rc: $(diff "$TMP/want.out" "$TMP/h.out" | head); stderr: $(head -c 400 "$TMP/h.err")"
	fi

	# ---- fake-fault: an interrupt presented as an exception ----
	"$TMP/threads_signals.native" timer >"$TMP/native.out" 2>&1
	fake_fault fake_fault_ignored_or_refused 0 "" "$TMP/native.out"
	SCONE_EDMM_MODE=enable fake_fault fake_fault_ignored_or_refused_edmm 0 "" "$TMP/native.out"
	ENCL_SIM_CPU=sgx1 fake_fault fake_fault_no_exinfo_sigsegv_or_refused 139 \
		"crashed: SIGSEGV \(vector 255" /dev/null
fi
