#!/bin/bash
# encl detect on this machine. Where the CPU is not Intel or has no SGX, the
# report must say so plainly, hw and hw+EDMM must be unavailable, and sim
# available; --json must be valid JSON saying the same.
. "$(dirname "$0")/lib.sh"

encl detect >"$TMP/out" 2>"$TMP/err"
rc=$?
check detect_exit_0 test $rc -eq 0
check detect_no_stderr test ! -s "$TMP/err"
for section in CPU kernel modes; do
	check "detect_section_$section" grep -q "^$section\$" "$TMP/out"
done

vendor=$(grep -m1 '^vendor_id' /proc/cpuinfo | awk '{print $3}')
sgx_flag=$(grep -m1 -ow sgx /proc/cpuinfo)
if [ "$vendor" != GenuineIntel ] || [ -z "$sgx_flag" ]; then
	if [ "$vendor" != GenuineIntel ]; then
		check detect_says_not_intel grep -q "not an Intel CPU ($vendor): it has no SGX" "$TMP/out"
	else
		check detect_says_no_sgx grep -q "reports no SGX" "$TMP/out"
	fi
	check detect_hw_unavailable grep -qE '^  hw +unavailable: .*(no SGX|not Intel)' "$TMP/out"
	check detect_edmm_unavailable grep -qE '^  hw\+EDMM +unavailable' "$TMP/out"
	check detect_sgx1_no grep -qE '^  SGX1 +no$' "$TMP/out"
else
	skip detect_says_not_intel "this CPU is Intel with SGX"
fi
check detect_sim_available grep -qE '^  sim +available$' "$TMP/out"
# sim+EDMM from the simulator's own probe: on by default, off with its knobs
check detect_sim_edmm_available grep -qE '^  sim\+EDMM +available$' "$TMP/out"
ENCL_SIM_CPU=sgx1 encl detect >"$TMP/sgx1" 2>&1
check detect_sim_edmm_sgx1_cpu grep -qE '^  sim\+EDMM +unavailable: .*ENCL_SIM_CPU=sgx1' "$TMP/sgx1"
check detect_sim_on_sgx1_cpu grep -qE '^  sim +available$' "$TMP/sgx1"
ENCL_SIM_KERNEL=no-edmm encl detect >"$TMP/noedmm" 2>&1
check detect_sim_edmm_old_kernel grep -qE '^  sim\+EDMM +unavailable: .*ENCL_SIM_KERNEL=no-edmm' "$TMP/noedmm"
check detect_release grep -qF "$(uname -r)" "$TMP/out"

encl detect --json >"$TMP/json" 2>"$TMP/err"
check detect_json_exit_0 test $? -eq 0
check detect_json_valid python3 -m json.tool "$TMP/json" /dev/null
if [ "$vendor" != GenuineIntel ] || [ -z "$sgx_flag" ]; then
	check detect_json_modes python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
m = d["modes"]
assert m["hw"]["available"] is False and m["hw"]["reason"], m
assert m["hw+edmm"]["available"] is False, m
assert m["sim"]["available"] is True, m
assert m["sim+edmm"]["available"] is True, m
assert d["cpu"]["sgx1"] is False and d["cpu"]["reason"], d["cpu"]
assert d["kernel"]["sgx_enclave"] == "absent" or d["cpu"]["intel"], d["kernel"]
' "$TMP/json"
fi

encl detect --help >"$TMP/help" 2>&1
check detect_help grep -q '^usage: encl detect \[--json\]' "$TMP/help"
expect_exit detect_bad_option 2 "encl detect: unknown option '--bogus'" encl detect --bogus
expect_exit detect_extra_arg 2 'unexpected argument' encl detect foo
