#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Signals inside the enclave (docs/threads.md, docs/shield.md "Signals"):
# tests/e2e/signals.c, one case per argument, built with encl-cc and with
# musl-gcc -static, must print the same and end with the same status:
# handlers on a real frame (registers, FPU state, siginfo, ucontext),
# masks, sigaltstack, sigsuspend, sigtimedwait, timers, synchronous faults
# with and without handlers, signals from outside (a blocked read, a
# sleep, pause, a loop without system calls), default actions ending the
# process by the signal itself. Then the two hostile hosts of signals.
. "$(dirname "$0")/lib.sh"

sim_defaults

require_enclave_toolchain

plan 34

P=$TMP/sig
if ! encl-cc -O2 "$(dirname "$0")/signals.c" -o "$P" 2>"$TMP/build"; then
	fail build_enclave "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi
if ! musl-gcc -static -O2 "$(dirname "$0")/signals.c" -o "$P.native" 2>"$TMP/build"; then
	fail build_native "musl-gcc: $(head -c 600 "$TMP/build")"
	exit 0
fi

# same NAME CASE [ENV...]: the enclave and the native program agree on CASE
# (stdout and exit status); ENV applies to the enclave only.
same() {
	local n=$1 c=$2; shift 2
	timeout 60 "$P.native" "$c" >"$TMP/n.out" 2>/dev/null
	local rn=$?
	env "$@" timeout 60 "$P" "$c" >"$TMP/e.out" 2>"$TMP/e.err"
	local re=$?
	if [ $rn -ne $re ]; then
		fail "$n" "exit $re, natively $rn; stderr: $(grep -v warning "$TMP/e.err" | head -c 300)"
	elif ! cmp -s "$TMP/n.out" "$TMP/e.out"; then
		fail "$n" "output differs: $(diff "$TMP/n.out" "$TMP/e.out" | head -c 400)"
	else
		pass "$n"
	fi
}

for c in raise regs segv fpe ill trap nodefer resethand altstack suspend timedwait \
	 itimer timer abort segv-blocked segv-nested spin; do
	same "$c" "$c"
done
# The EDMM layout (EXINFO): a fault's address, and interrupts.
same segv_edmm segv SCONE_EDMM_MODE=enable
same spin_edmm spin SCONE_EDMM_MODE=enable

# A handler that interrupts a blocked read: restarted with SA_RESTART, EINTR without.
for c in restart norestart; do
	(sleep 3; echo hi) | timeout 60 "$P.native" $c >"$TMP/n.out" 2>/dev/null
	(sleep 3; echo hi) | timeout 60 "$P" $c >"$TMP/e.out" 2>/dev/null
	check "$c" cmp -s "$TMP/n.out" "$TMP/e.out"
done

# outside NAME CASE SIGNAL...: CASE started in the background, each SIGNAL
# sent once it printed "ready"; prints "status output" for both programs.
outside() {
	local prog=$1 c=$2 out=$TMP/outside.out; shift 2
	(trap - INT; exec timeout 60 "$prog" "$c") >"$out" 2>/dev/null &
	local pid=$! i
	for i in $(seq 600); do
		grep -q ready "$out" 2>/dev/null && break
		sleep 0.1
	done
	for s in "$@"; do
		sleep 0.2
		pkill -"$s" -P "$pid" -x "$(basename "$prog")" 2>/dev/null
	done
	wait "$pid"
	echo "$? $(tr '\n' ' ' <"$out")"
}

for args in "wait TERM" "wait-int INT" "sleep WINCH CHLD" "spin-kill TERM" "spin-kill INT"; do
	n=$(echo "$args" | tr ' ' '_')
	# shellcheck disable=SC2086
	native=$(outside "$P.native" $args)
	# shellcheck disable=SC2086
	encl=$(outside "$P" $args)
	if [ "$native" = "$encl" ]; then
		pass "outside_$n"
	else
		fail "outside_$n" "enclave: $encl; natively: $native"
	fi
done

# SIGPIPE: its default ends the writer by the signal; ignored, write fails with EPIPE.
for c in pipe pipe-ign; do
	"$P.native" $c 2>/dev/null | true
	rn=${PIPESTATUS[0]}
	"$P" $c 2>/dev/null | true
	re=${PIPESTATUS[0]}
	check "$c" [ "$rn" = "$re" ]
done

# A host that reports a SIGUSR1 nobody sent: it is a signal like any other
# (the host decides which signals arrive), and the read's result stands.
echo hello | ENCL_SIM_HOSTILE=signal-ocall timeout 60 "$P" read >"$TMP/h.out" 2>/dev/null
check signal_ocall_delivered grep -q '^read 6: hello$' "$TMP/h.out"
check signal_ocall_handled grep -q '^ got 10$' "$TMP/h.out"

# A host that calls an interrupt an exception: never a signal. With EXINFO
# (the simulated CPU has it unless ENCL_SIM_CPU=sgx1) the thread resumes
# and the program is right; without, such an entry may be a #PF nobody can
# vouch for, and the program ends with SIGSEGV.
same fake_fault spin ENCL_SIM_HOSTILE=fake-fault
same fake_fault_edmm spin SCONE_EDMM_MODE=enable ENCL_SIM_HOSTILE=fake-fault
ENCL_SIM_CPU=sgx1 ENCL_SIM_HOSTILE=fake-fault expect_exit fake_fault_no_exinfo 139 \
	"SIGSEGV \(vector 255" timeout 60 "$P" spin

# Without EXINFO a bad access is not reported in EXITINFO: no address a
# SIGSEGV handler could trust, so the program ends with SIGSEGV instead.
ENCL_SIM_CPU=sgx1 expect_exit segv_no_exinfo 139 "SIGSEGV \(vector 255" timeout 60 "$P" segv
