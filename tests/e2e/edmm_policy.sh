#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# The EDMM trim policy and the heap advice, end to end in the simulator,
# by counts only (docs/emm.md "Trim policy", "The heap advisor"):
# - churn (tests/programs/heap_churn.c): with the adaptive policy the
#   EACCEPTs stay within 1.5 times the peak's pages, and the program's
#   output is the same with trimming off, adaptive or eager;
# - a heap that shrinks for good (heap_shrink.c) is trimmed back although
#   the program never asks;
# - `encl advise` and the advice applied with its `encl sign` command: no
#   fault before main, and SCONE_HEAP is not reached.
. "$(dirname "$0")/lib.sh"

PROGS=$ROOT/tests/programs
sim_defaults
require_enclave_toolchain
plan 19

for p in heap_churn heap_shrink; do
	if ! encl-cc -O2 "$PROGS/$p.c" -o "$TMP/$p" 2>"$TMP/build"; then
		fail "build_$p" "encl-cc: $(head -c 600 "$TMP/build")"
		exit 0
	fi
done

# stat_of KEY FILE: the number after KEY in the exit lines ("EACCEPTs 123" -> 123)
stat_of() {
	sed -nE "s/^encl: heap[a-z ]*: .*[ ,]$1 ([0-9]+).*/\1/p" "$2" | head -1
}

# run NAME TRIM PROGRAM ARGS...: EDMM at SCONE_LOG=info, output in $TMP/NAME.{out,err,rc}
run() {
	local n=$1 trim=$2; shift 2
	SCONE_EDMM_MODE=enable SCONE_HEAP=1G SCONE_MIN_HEAP=1M SCONE_LOG=info SCONE_EDMM_TRIM=$trim \
		"$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
	echo $? >"$TMP/$n.rc"
}

# ---- churn: 256 MiB at the peak, mixed sizes ----
run churn adaptive "$TMP/heap_churn" 256 8
check churn_correct grep -qx "8 rounds, [0-9]* blocks, [0-9]* MiB written and checked, all correct" "$TMP/churn.out"
check churn_says_adaptive grep -q "^encl: heap costs: trim adaptive," "$TMP/churn.err"
peak=$(stat_of peak "$TMP/churn.err"); acc=$(stat_of EACCEPTs "$TMP/churn.err")
check churn_peak_256m test "${peak:-0}" -ge $((256 * 1024))
# EACCEPTs within 1.5 x the pages of the peak (peak is in KiB, 4 KiB a page)
check churn_eaccepts_within_1_5_peak test "${acc:-999999999}" -le $((peak / 4 * 3 / 2))
# the same program, smaller, under each policy: the same output; eager trims, off never
for t in off adaptive eager; do run "churn_$t" $t "$TMP/heap_churn" 64 16; done
check churn_off_same_output cmp -s "$TMP/churn_off.out" "$TMP/churn_adaptive.out"
check churn_eager_same_output cmp -s "$TMP/churn_eager.out" "$TMP/churn_adaptive.out"
check churn_all_exit_0 test "$(cat "$TMP/churn_off.rc" "$TMP/churn_adaptive.rc" "$TMP/churn_eager.rc" | tr -d '\n')" = 000
check churn_off_no_trims test "$(stat_of trims "$TMP/churn_off.err")" -eq 0
check churn_eager_trims_more test "$(stat_of EACCEPTs "$TMP/churn_eager.err")" -gt \
	$((3 * $(stat_of EACCEPTs "$TMP/churn_adaptive.err")))

# ---- one peak, then small for a long time: trimmed back ----
run shrink adaptive "$TMP/heap_shrink" 128
check shrink_correct grep -qx "peak of 128 MiB, then 1280 MiB through 4 MiB: all correct" "$TMP/shrink.out"
atexit=$(stat_of "at exit" "$TMP/shrink.err")
# at exit: what it still uses (4 MiB and musl's own), not the 128 MiB peak
check shrink_committed_at_exit_small test "${atexit:-999999}" -le $((16 * 1024))
check shrink_trimmed test "$(stat_of trimmed "$TMP/shrink.err")" -ge $((100 * 1024))
# in large runs: freed neighbours are trimmed together, not one freed block at a time
check shrink_trimmed_in_large_runs test "$(stat_of trims "$TMP/shrink.err")" -le 8

# ---- the advisor, and its advice applied ----
encl advise heap_shrink_missing >/dev/null 2>"$TMP/advise_missing.err"
check advise_missing_program_named grep -q "heap_shrink_missing: No such file" "$TMP/advise_missing.err"
SCONE_EDMM_MODE=enable encl advise --runs 2 "$TMP/heap_shrink" 32 >"$TMP/advice.out" 2>"$TMP/advice.err"
cmd=$(sed -n 's/^re-sign with: //p' "$TMP/advice.out")
check advise_prints_sign_command grep -qE "^encl sign --min-heap [0-9]+[KMG]? --heap [0-9]+[KMG]? $TMP/heap_shrink$" <<<"$cmd"
SCONE_EDMM_MODE=enable encl advise --json "$TMP/heap_shrink" 32 >"$TMP/advice.json" 2>/dev/null
check advise_json grep -qE '^\{"program": ".*heap_shrink", "runs": 1, "mode": "EDMM", "min_heap": [0-9]+, "heap": [0-9]+, "sign": "encl sign --min-heap' "$TMP/advice.json"
# apply it: sign, then run with no SCONE_HEAP or SCONE_MIN_HEAP of our own
if $cmd >/dev/null 2>"$TMP/sign.err"; then
	SCONE_EDMM_MODE=enable SCONE_LOG=info "$TMP/heap_shrink" 32 >"$TMP/applied.out" 2>"$TMP/applied.err"
	min=$(sed -n 's/.*--min-heap \([0-9]*\)M.*/\1/p' <<<"$cmd")
	check advice_applied_min_heap_at_start test "$(stat_of committed "$TMP/applied.err")" -eq $((min * 1024))
	check advice_applied_no_fault_before_main test "$(stat_of "faults before main" "$TMP/applied.err")" -eq 0
	check advice_applied_limit_not_reached test "$(stat_of ENOMEM "$TMP/applied.err")" -eq 0
else
	fail advice_applied "$cmd: $(head -c 400 "$TMP/sign.err")"
fi
