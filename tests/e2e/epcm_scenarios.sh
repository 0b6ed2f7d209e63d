#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# The EPCM scenarios of docs/hardware.md (modelled on the Linux SGX selftests),
# run inside a real enclave: tests/scenarios/epcm.c, built with encl-cc,
# one process per scenario, which prints its own PASS:/FAIL: epcm:NAME line.
# This script turns each into one line of its own:
#   sim:NAME   SCONE_MODE=sim SCONE_EDMM_MODE=enable (the software SGX)
#   hw:NAME    SCONE_MODE=hw  SCONE_EDMM_MODE=enable (the kernel driver);
#              SKIP without /dev/sgx_enclave or without EDMM, never PASS.
. "$(dirname "$0")/lib.sh"

export ENCL_KEY=${ENCL_KEY:-$VECTORS/test-key.pem}
P=$TMP/epcm

require_enclave_toolchain
if ! encl-cc -O2 -I"$ROOT" "$ROOT/tests/scenarios/epcm.c" -o "$P" 2>"$TMP/build"; then
	fail build "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi
# The names come from the program itself (it runs in the enclave to say them).
if ! names=$(SCONE_MODE=sim SCONE_LOG=error "$P" --list 2>"$TMP/list") || [ -z "$names" ]; then
	fail list "epcm --list: $(head -c 600 "$TMP/list")"
	exit 0
fi

# scenario MODE NAME: run one scenario, report it as MODE:NAME
scenario() {
	local mode=$1 n=$2 rc
	SCONE_MODE=$mode SCONE_EDMM_MODE=enable SCONE_LOG=error timeout 120 "$P" "$n" \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$TMP/out")" = "PASS: epcm:$n" ]; then
		pass "$mode:$n"
	elif [ $rc -eq 125 ] && [ "$mode" = hw ]; then
		# The runtime could not start an EDMM enclave here: not a result.
		skip "$mode:$n" "$(head -n 1 "$TMP/err")"
	else
		fail "$mode:$n" "exit $rc: $(grep -m1 '^FAIL: ' "$TMP/out")" \
			"stderr: $(head -c 400 "$TMP/err")"
	fi
}

for n in $names; do
	scenario sim "$n"
done

for n in $names; do
	if [ -e /dev/sgx_enclave ]; then
		scenario hw "$n"
	else
		skip "hw:$n" "no /dev/sgx_enclave"
	fi
done
