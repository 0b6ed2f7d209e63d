#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it under each simulator CPU quirk set)
# A hostile host and threads, in the simulator (ENCL_SIM_HOSTILE, host/host.h;
# tests/e2e/iago.sh has the single-threaded lies). The enclave treats what
# the host says about waits and signals as hints (docs/threads.md), so:
#   futex-spurious  every WAIT returns at once: the programs still compute
#                   the right results, exactly as natively
#   futex-never     every WAKE is dropped: a program whose waits all have a
#                   time limit still computes the right result
. "$(dirname "$0")/lib.sh"

sim_defaults
require_enclave_toolchain
plan 6

for n in threads_pool threads_counter threads_timed; do
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

# ---- futex-never: only timeouts end a wait ----
if [ -x "$TMP/threads_timed.encl" ]; then
	same threads_timed timed_honest_host --
	hostile_same futex-never never_woken_timed threads_timed
fi
