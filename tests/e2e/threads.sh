#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Threads (docs/threads.md): musl's pthreads on the enclave's thread slots.
# The programs in tests/programs/threads_*.c check their own results; each
# is built with encl-cc and natively, and both must print the same and exit
# alike, in the SGX1 layout (a fixed number of TCSs, SCONE_TCS) and with
# EDMM (the runtime adds TCSs when all are busy). Then what only the
# runtime shows: how many threads an enclave without EDMM gets and its one
# warning, the TCSs that EDMM added, and a process that ends while threads
# are blocked.
. "$(dirname "$0")/lib.sh"

sim_defaults
require_enclave_toolchain
plan 23

for n in threads_pool threads_counter threads_many threads_exit; do
	build_program "$n" || true
done

# ---- every part of threads_pool, then all of them in one run with EDMM ----
# pthread_cancel sends the thread SIGCANCEL (tkill); the thread must end
# whether it waits in a futex (pthread_cond_wait) or in a system call the
# host serves (sleep). The program gives up after 20 s, a hang, not a time.
if [ -x "$TMP/threads_pool.encl" ]; then
	parts="pool cycles detached barrier sem rwlock once tls keys cancel"
	for part in $parts cancel_sleep; do
		same threads_pool "pool_$part" -- "$part"
	done
	# shellcheck disable=SC2086
	SCONE_EDMM_MODE=enable same threads_pool pool_all_parts_edmm -- $parts
fi

# ---- 8 threads x 100,000 locked increments ----
# With main that is 9 threads: EDMM adds the ninth TCS; the SGX1 layout
# needs an executable signed for 9.
if [ -x "$TMP/threads_counter.encl" ]; then
	SCONE_EDMM_MODE=enable same threads_counter counter_8x100000_edmm --
	if encl sign --tcs 9 -o "$TMP/threads_counter9.encl" "$TMP/threads_counter.encl" 2>"$TMP/sign.err"; then
		ENCL_PROG=$TMP/threads_counter9.encl same threads_counter counter_8x100000_sgx1_tcs9 --
	else
		fail counter_8x100000_sgx1_tcs9 "encl sign --tcs 9: $(head -c 400 "$TMP/sign.err")"
	fi
fi

# ---- more threads alive at once than SCONE_TCS ----
N=16
if [ -x "$TMP/threads_many.encl" ] &&
   encl sign --tcs 4 -o "$TMP/many4" "$TMP/threads_many.encl" 2>"$TMP/sign.err"; then
	"$TMP/threads_many.native" $N >"$TMP/many.native.out" 2>&1
	# EDMM: all N run on 4 measured TCSs and the ones the runtime added,
	# which SCONE_LOG=info counts at exit.
	SCONE_TCS=4 SCONE_EDMM_MODE=enable SCONE_LOG=info timeout -k 10 300 "$TMP/many4" $N \
		>"$TMP/many.out" 2>"$TMP/many.err"; rc=$?
	if [ $rc -eq 0 ] && cmp -s "$TMP/many.native.out" "$TMP/many.out"; then
		pass many_edmm_all_ran
	else
		fail many_edmm_all_ran "exit $rc: $(diff "$TMP/many.native.out" "$TMP/many.out" | head -10); stderr: $(head -c 400 "$TMP/many.err")"
	fi
	check many_edmm_info_reports_tcs_added \
		grep -qE "peak[a-z :]* $((N + 1)),? .*TCSs added $((N + 1 - 4))" "$TMP/many.err"

	# Without EDMM: the 3 TCSs besides main's, pthread_create says EAGAIN
	# from then on, and the runtime warns once with the command that raises
	# SCONE_TCS.
	SCONE_TCS=4 SCONE_EDMM_MODE=disable SCONE_LOG=warning timeout -k 10 300 "$TMP/many4" $N \
		>"$TMP/many.out" 2>"$TMP/many.err"; rc=$?
	printf '%s\n' "created 3 of $N threads; then pthread_create: EAGAIN" \
		"attempt 1 more: EAGAIN" "attempt 2 more: EAGAIN" "attempt 3 more: EAGAIN" \
		"3 threads waited at the gate together; 3 ran, sum 6" >"$TMP/many.want"
	if [ $rc -eq 0 ] && cmp -s "$TMP/many.want" "$TMP/many.out"; then
		pass many_sgx1_gets_tcs_minus_one
	else
		fail many_sgx1_gets_tcs_minus_one "exit $rc: $(diff "$TMP/many.want" "$TMP/many.out" | head -10); stderr: $(head -c 400 "$TMP/many.err")"
	fi
	if [ "$(grep -c 'SCONE_TCS' "$TMP/many.err")" -eq 1 ] &&
	   grep 'SCONE_TCS' "$TMP/many.err" | grep -q 'encl sign .*--tcs [0-9]'; then
		pass many_sgx1_warns_once_with_sign_command
	else
		fail many_sgx1_warns_once_with_sign_command "stderr: $(head -c 600 "$TMP/many.err")"
	fi

	# Following the warning's command gives the program more threads.
	cmd=$(grep -o 'encl sign .*--tcs [0-9].*' "$TMP/many.err" | head -1)
	tcs=$(sed -n 's/.*--tcs \([0-9]*\).*/\1/p' <<<"$cmd")
	if [ -n "$tcs" ] && [ "$tcs" -gt 4 ]; then
		cp "$TMP/many4" "$TMP/many_more"
		# the command's last word is the executable; run it on the copy
		read -ra words <<<"$cmd"
		words[-1]=$TMP/many_more
		"${words[@]}" >/dev/null 2>"$TMP/sign.err"
		want=$(( tcs - 1 < N ? tcs - 1 : N ))
		SCONE_TCS=$tcs SCONE_EDMM_MODE=disable timeout -k 10 300 "$TMP/many_more" $N \
			>"$TMP/many.out" 2>"$TMP/many.err"
		check many_sgx1_hint_followed grep -q "^created $want of $N threads" "$TMP/many.out"
	else
		fail many_sgx1_hint_followed "no 'encl sign ... --tcs N' with N > 4 in the warning: $cmd"
	fi
else
	for t in many_edmm_all_ran many_edmm_info_reports_tcs_added many_sgx1_gets_tcs_minus_one \
		 many_sgx1_warns_once_with_sign_command many_sgx1_hint_followed; do
		fail "$t" "threads_many was not built or encl sign --tcs 4 failed: $(head -c 300 "$TMP/sign.err" 2>/dev/null)"
	done
fi

# ---- the process ends while threads block in futex waits ----
# Exit status 7, the same output as native, and no process left running
# the executable afterwards. A hang is a failure after 60 s.
leftovers() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
	done
}
if [ -x "$TMP/threads_exit.encl" ]; then
	for how in exit return; do
		"$TMP/threads_exit.native" $how >"$TMP/exit.native.out" 2>&1
		timeout -k 5 60 "$TMP/threads_exit.encl" $how >"$TMP/exit.out" 2>"$TMP/exit.err"; rc=$?
		if [ $rc -eq 7 ] && cmp -s "$TMP/exit.native.out" "$TMP/exit.out"; then
			pass "exit_while_blocked_$how"
		else
			fail "exit_while_blocked_$how" "exit $rc (124: hung): $(diff "$TMP/exit.native.out" "$TMP/exit.out" | head); stderr: $(head -c 400 "$TMP/exit.err")"
		fi
		left=$(leftovers "$TMP/threads_exit.encl")
		check "exit_while_blocked_${how}_nothing_left" test -z "$left"
		[ -z "$left" ] || kill -KILL $left 2>/dev/null
	done
fi
