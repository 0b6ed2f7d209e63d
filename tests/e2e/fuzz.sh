#!/bin/bash
# Replays every saved fuzzing input (tests/fuzz/corpus/NAME and the fixed
# crashes in tests/fuzz/crashes/NAME) through each harness's gcc ASan+UBSan
# build (build/asan/fuzz/NAME): one line per harness.
. "$(dirname "$0")/lib.sh"

names=()
for f in "$ROOT"/tests/fuzz/fuzz_*.c; do
	n=${f##*/}
	names+=("${n%.c}")
done
plan ${#names[@]}
for n in "${names[@]}"; do
	bin=$ROOT/build/asan/fuzz/$n
	if [ ! -x "$bin" ]; then
		fail "$n" "$bin is missing: make tests"
	elif "$bin" "$ROOT/tests/fuzz/corpus/$n" "$ROOT/tests/fuzz/crashes/$n" >"$TMP/out" 2>&1 &&
	     grep -q ' inputs replayed' "$TMP/out"; then
		pass "$n"
	else
		fail "$n" "$(tail -c 1500 "$TMP/out")"
	fi
done
