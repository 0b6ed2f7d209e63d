#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# EDMM end to end, in the simulator: the heap of an enclave executable grows
# on demand (SCONE_MIN_HEAP committed at start, the rest by EACCEPT on
# fault), stops at SCONE_HEAP with ENOMEM and one warning, gives freed
# memory back (trim) and gets it again; the same program runs without EDMM
# on a binary signed for the heap; SCONE_EDMM_MODE against a simulated CPU
# without SGX2 and a kernel without EDMM; the EDMM MRENCLAVE does not depend
# on SCONE_HEAP; a SCONE_HEAP beyond the signed ELRANGE is refused;
# mprotect from PROT_NONE, and a fault inside the memory manager.
#
# The observable record of the heap is the runtime's exit line at
# SCONE_LOG=info ("encl: heap: EDMM, committed N KiB at start, peak M KiB,
# ..."), printed from the memory manager's own statistics.
. "$(dirname "$0")/lib.sh"

PROGS=$ROOT/tests/programs
sim_defaults

require_enclave_toolchain

HG=$TMP/heap_grow
if ! encl-cc -O2 "$PROGS/heap_grow.c" -o "$HG" 2>"$TMP/build"; then
	fail build_heap_grow "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi
# Without EDMM the heap is EADDed and measured: 2G must be signed for.
if ! encl sign --heap 2G "$HG" -o "$HG.sgx1" >/dev/null 2>"$TMP/build"; then
	fail sign_heap_2g "$(head -c 600 "$TMP/build")"
fi

# stat_of KEY FILE: the number after KEY in the heap line ("peak 20484 KiB" -> 20484)
stat_of() {
	sed -nE "s/^encl: heap: .*[ ,]$1 ([0-9]+).*/\1/p" "$2" | head -1
}

# run_hg NAME ENV... -- ARGS...: runs $HG with ENV, output in $TMP/NAME.{out,err,rc}
run_hg() {
	local n=$1 bin=$HG; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	case " ${envs[*]} " in *" BIN=sgx1 "*) bin=$HG.sgx1 ;; esac
	env "${envs[@]}" "$bin" "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
	echo $? >"$TMP/$n.rc"
}

rc_of() { cat "$TMP/$1.rc"; }

# ---- heap growth: 1 GiB in 1 MiB blocks, every byte checked; then again ----
# SCONE_EDMM_TRIM=eager: this checks the trim itself (the default,
# adaptive, keeps the GiB for the second round: tests/e2e/edmm_policy.sh)
run_hg grow SCONE_EDMM_MODE=enable SCONE_EDMM_TRIM=eager SCONE_HEAP=2G SCONE_MIN_HEAP=20M SCONE_LOG=info -- 1024 2
if [ "$(rc_of grow)" -ne 0 ]; then
	fail heap_growth_1g "exit $(rc_of grow): $(head -c 600 "$TMP/grow.out") $(head -c 600 "$TMP/grow.err")"
else
	check heap_growth_1g_written grep -qx "round 1: 1024 MiB written and checked, all correct" "$TMP/grow.out"
	start=$(stat_of committed "$TMP/grow.err"); peak=$(stat_of peak "$TMP/grow.err")
	# only SCONE_MIN_HEAP at start; over 1 GiB at the peak: it grew while running
	check heap_growth_min_heap_at_start test "${start:-0}" -eq $((20 * 1024))
	check heap_growth_grew test "${peak:-0}" -ge $((1024 * 1024))
	check heap_growth_faults test "$(stat_of faults "$TMP/grow.err")" -gt 0
	# freeing: everything above SCONE_MIN_HEAP trimmed, then committed again,
	# and the second round sees its own data and zeroed fresh blocks
	check heap_free_trims test "$(stat_of trims "$TMP/grow.err")" -gt 0
	trimmed=$(stat_of trimmed "$TMP/grow.err")
	check heap_free_trimmed_gib test "${trimmed:-0}" -ge $((2 * 1000 * 1024))
	check heap_free_realloc_correct grep -qx "round 2: 1024 MiB written and checked, all correct" "$TMP/grow.out"
	# the memory came back: the second GiB reused it instead of adding to the peak
	check heap_free_peak_not_2g test "${peak:-0}" -lt $((1536 * 1024))
	check heap_growth_no_warning test "$(grep -c 'warning: SCONE_HEAP\|SCONE_HEAP=.*reached' "$TMP/grow.err")" -eq 0
fi

# ---- the limit: malloc returns NULL, one warning naming the user's SCONE_HEAP ----
run_hg limit SCONE_EDMM_MODE=enable SCONE_HEAP=256M SCONE_LOG=warning -- 1024 2
check heap_limit_exit_0 test "$(rc_of limit)" -eq 0
check heap_limit_null grep -qE "^round 1: malloc returned NULL after (2[0-9][0-9]|1[0-9][0-9]) blocks" "$TMP/limit.out"
check heap_limit_null_again grep -q "^round 2: malloc returned NULL" "$TMP/limit.out"
check heap_limit_data_correct grep -qx "round 2: .* MiB written and checked, all correct" "$TMP/limit.out"
check heap_limit_one_warning test "$(grep -c 'SCONE_HEAP=256M reached' "$TMP/limit.err")" -eq 1
check heap_limit_warning_only_once test "$(grep -c 'SCONE_HEAP' "$TMP/limit.err")" -eq 1
check heap_limit_warning_hint grep -q 'raise SCONE_HEAP (e.g. SCONE_HEAP=512M)' "$TMP/limit.err"

# ---- SGX1: the same program without EDMM, on a binary signed with --heap 2G ----
if [ -x "$HG.sgx1" ]; then
	run_hg sgx1 BIN=sgx1 SCONE_EDMM_MODE=disable SCONE_HEAP=2G SCONE_LOG=info -- 1024 1
	if [ "$(rc_of sgx1)" -eq 0 ] &&
	   grep -qx "round 1: 1024 MiB written and checked, all correct" "$TMP/sgx1.out"; then
		pass sgx1_heap_1g
	else
		fail sgx1_heap_1g "exit $(rc_of sgx1): $(head -c 400 "$TMP/sgx1.out") $(head -c 600 "$TMP/sgx1.err")"
	fi
	check sgx1_heap_says_sgx1 grep -q "^encl: heap: SGX1," "$TMP/sgx1.err"
	check sgx1_heap_no_faults test "$(stat_of faults "$TMP/sgx1.err")" -eq 0
fi
# the SGX1 warning names the signed 64M, not what is left after the EMM's metadata
run_hg sgx1_limit SCONE_EDMM_MODE=disable SCONE_LOG=warning -- 100 1
check sgx1_limit_exit_0 test "$(rc_of sgx1_limit)" -eq 0
check sgx1_limit_null grep -q "^round 1: malloc returned NULL" "$TMP/sgx1_limit.out"
check sgx1_limit_warning_user_value grep -q "SCONE_HEAP=64M reached.*encl sign --heap 128M" "$TMP/sgx1_limit.err"

# ---- mprotect from PROT_NONE: committed SCONE_MIN_HEAP and memory beyond it ----
# The simulator faults a leaf whose page the host's PTE hides, as hardware
# does; the memory manager must open the PTEs before its EMODPEs (it used
# to EMODPE behind PROT_NONE and then wait for its own lock for ever).
# timeout: a hang is a failure, not a stuck suite.
MN=$TMP/mprotect_none HP=$TMP/hostile_pte
if encl-cc -O2 "$PROGS/mprotect_none.c" -o "$MN" 2>"$TMP/build"; then
	SCONE_EDMM_MODE=enable SCONE_HEAP=256M SCONE_MIN_HEAP=16M SCONE_LOG=info \
		timeout 60 "$MN" >"$TMP/mn.out" 2>"$TMP/mn.err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -c 'written and checked; upper half PROT_NONE again, lower half intact' "$TMP/mn.out")" -eq 2 ]; then
		pass mprotect_none_to_rw
	else
		fail mprotect_none_to_rw "exit $rc (124: hung): $(head -c 400 "$TMP/mn.out") $(head -c 400 "$TMP/mn.err")"
	fi
	# the first mapping took committed pages, the second 8 MiB was committed by faults
	check mprotect_none_min_heap_at_start test "$(stat_of committed "$TMP/mn.err")" -eq $((16 * 1024))
	check mprotect_none_beyond_committed test "$(stat_of peak "$TMP/mn.err")" -ge $((24 * 1024))
	SCONE_EDMM_MODE=enable SCONE_HEAP=256M SCONE_MIN_HEAP=16M \
		expect_exit mprotect_none_again_faults 139 "crashed: SIGSEGV \(vector 14, error code 0x4\)" \
		timeout 60 "$MN" touch
	check mprotect_none_again_faults_there grep -qx "reading the PROT_NONE half" "$TMP/stdout"
else
	fail build_mprotect_none "encl-cc: $(head -c 600 "$TMP/build")"
fi
# A fault inside the memory manager (the host made committed pages'
# PTEs PROT_NONE behind its back) ends the enclave with a message.
if encl-cc -O2 -I"$ROOT" "$PROGS/hostile_pte.c" -o "$HP" 2>"$TMP/build"; then
	SCONE_EDMM_MODE=enable expect_exit fault_inside_emm_stops 125 \
		"page fault at enclave offset 0x[0-9a-f]+ \(error code 0x4\) inside the memory manager, which holds its lock" \
		timeout 60 "$HP"
else
	fail build_hostile_pte "encl-cc: $(head -c 600 "$TMP/build")"
fi

# ---- modes: the simulated CPU and kernel ----
version() {	# NAME ENV...: SCONE_VERSION=1 output of a 1 MiB run in $TMP/NAME.err
	local n=$1; shift
	run_hg "$n" SCONE_VERSION=1 "$@" -- 1 1
}
ENCL_SIM_CPU=sgx1 SCONE_EDMM_MODE=enable \
	expect_exit mode_enable_sgx1_cpu 125 "SCONE_EDMM_MODE=enable.*the CPU has no EDMM" "$HG" 1
ENCL_SIM_KERNEL=no-edmm SCONE_EDMM_MODE=enable \
	expect_exit mode_enable_old_kernel 125 "SCONE_EDMM_MODE=enable.*the OS has no EDMM" "$HG" 1
version auto_sgx1 ENCL_SIM_CPU=sgx1 SCONE_EDMM_MODE=auto
check mode_auto_sgx1_cpu_runs test "$(rc_of auto_sgx1)" -eq 0
check mode_auto_sgx1_cpu_off grep -qE "^EDMM: off \(.*the CPU has no EDMM" "$TMP/auto_sgx1.err"
check mode_auto_sgx1_cpu_sgx1_layout grep -q "(sgx1 layout)" "$TMP/auto_sgx1.err"
version auto_old ENCL_SIM_KERNEL=no-edmm SCONE_EDMM_MODE=auto
check mode_auto_old_kernel_runs test "$(rc_of auto_old)" -eq 0
check mode_auto_old_kernel_off grep -qE "^EDMM: off \(.*the OS has no EDMM" "$TMP/auto_old.err"
version auto_on SCONE_EDMM_MODE=auto
check mode_auto_runs test "$(rc_of auto_on)" -eq 0
check mode_auto_on grep -qE "^EDMM: on \(SCONE_EDMM_MODE=auto and the CPU and the OS support it\)" "$TMP/auto_on.err"
version default_off
check mode_default_disable grep -qx "EDMM: off (SCONE_EDMM_MODE=disable)" "$TMP/default_off.err"
run_hg disable_sgx1 ENCL_SIM_CPU=sgx1 SCONE_EDMM_MODE=disable -- 1 1
check mode_disable_on_sgx1_cpu test "$(rc_of disable_sgx1)" -eq 0

# ---- MRENCLAVE: the EDMM identity does not depend on SCONE_HEAP ----
h64=$(SCONE_HEAP=64M SCONE_EDMM_HASH=1 "$HG")
h8g=$(SCONE_HEAP=8G SCONE_EDMM_HASH=1 "$HG")
check edmm_hash_64m_8g_equal test -n "$h64" -a "$h64" = "$h8g"
hmin=$(SCONE_HEAP=8G SCONE_MIN_HEAP=1G SCONE_EDMM_HASH=1 "$HG")
check edmm_hash_min_heap_equal test "$hmin" = "$h64"
s64=$(SCONE_HEAP=64M SCONE_HASH=1 "$HG") s8g=$(SCONE_HEAP=8G SCONE_HASH=1 "$HG")
check sgx1_hash_depends_on_heap test -n "$s64" -a "$s64" != "$s8g"
for h in 64M 8G; do
	version "hash_$h" SCONE_EDMM_MODE=enable SCONE_HEAP=$h
	check "edmm_runs_heap_$h" grep -qx "round 1: 1 MiB written and checked, all correct" "$TMP/hash_$h.out"
	check "edmm_hash_in_use_heap_$h" grep -qx "MRENCLAVE: $h64 (edmm layout)" "$TMP/hash_$h.err"
done

# ---- a heap below the memory manager's least, 0 above all, is refused
# with EDMM as without it (0 would otherwise leave the heap unbounded) ----
for h in 0 100K; do
	SCONE_EDMM_MODE=enable SCONE_HEAP=$h \
		expect_exit "edmm_heap_${h}_refused" 125 "SCONE_HEAP=$h is below the 256K the memory manager needs" "$HG" 1
done

# ---- SCONE_HEAP beyond the signed ELRANGE (64G) ----
SCONE_EDMM_MODE=enable SCONE_HEAP=128G \
	expect_exit heap_beyond_elrange 125 "SCONE_HEAP=128G does not fit.*encl sign --enclave-size 256G" "$HG" 1
# ... and one inside ELRANGE but in the top 1/256 that the memory manager
# keeps for its metadata: refused the same way, not silently reduced. The
# largest heap that does fit (64G less the heap offset and the reserve)
# still runs.
SCONE_EDMM_MODE=enable SCONE_HEAP=65500M \
	expect_exit heap_in_emm_reserve 125 "SCONE_HEAP=65500M does not fit.*metadata.*encl sign --enclave-size 128G" "$HG" 1
top=$(sed -nE 's/.*at most ([0-9]+K) of heap after.*/\1/p' "$TMP/stderr")
check heap_at_emm_reserve_found test -n "$top"
SCONE_EDMM_MODE=enable SCONE_HEAP="${top:-0}" "$HG" 1 >"$TMP/top.out" 2>&1
check heap_at_emm_reserve test $? -eq 0
