#!/bin/bash
# Stack overflow by frames and allocas larger than a page
# (tests/programs/stack_clash.c): the enclave ends with SIGSEGV as the
# native build does, and the fault is in the guard below the stack, never in
# the TCS, SSA frames or thread data below it (abi/params.h, ENCL_STACK_GUARD).
. "$(dirname "$0")/lib.sh"
plan 5
require_enclave_toolchain
sim_defaults

if ! encl-cc -O2 "$PROGS/stack_clash.c" -o "$TMP/sc.encl" 2>"$TMP/build" ||
   ! musl-gcc -static -O2 -fstack-clash-protection "$PROGS/stack_clash.c" -o "$TMP/sc.native" 2>>"$TMP/build"; then
	fail build "$(head -c 600 "$TMP/build")"
	exit 0
fi
pass build

for m in frame alloca; do
	timeout -k 10 "$E2E_TIMEOUT" "$TMP/sc.native" "$m" >/dev/null 2>&1; nrc=$?
	expect_exit "${m}_overflow_exit_like_native" "$nrc" "SIGSEGV" "$TMP/sc.encl" "$m"
	if grep -q "(the guard below a stack: a stack overflow)" "$TMP/stderr"; then
		pass "${m}_faults_in_guard"
	else
		fail "${m}_faults_in_guard" "$(cat "$TMP/stderr")"
	fi
done
