#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Every "sign it with: encl sign ..." and "re-sign with: encl sign ..." hint
# that start-up prints is followed: the run is refused (exit 125) with the
# hint, the printed command is executed as it stands, and the same run then
# starts and completes. The hints cover an unsigned executable, one changed
# after it was signed (EINIT's SGX_INVALID_MEASUREMENT), SCONE_HEAP
# against the SGX1 identity, SCONE_HEAP beyond the EDMM enclave size or
# inside the memory manager's metadata reserve (around power-of-two
# boundaries, and 114000K, whose hint once named an enclave size that was
# refused again), SCONE_TCS and SCONE_STACK, and XFRM. An EDMM hint names
# the smallest enclave size: half of it is refused. encl sign's own
# "--enclave-size" and "--heap" advice is followed the same way, and the
# memory manager's advice when an SGX1 heap runs out.
. "$(dirname "$0")/lib.sh"

sim_defaults

require_enclave_toolchain

T=$TMP/test-c
if ! encl-cc -O2 "$ROOT/examples/test-c/test.c" -o "$T" 2>"$TMP/build"; then
	fail build "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi

# signed HEAP ENCLAVE_SIZE: a fresh signature with every layout parameter named
signed() {
	encl sign --heap "$1" --enclave-size "$2" --tcs 8 --stack 2M --xfrm legacy "$T" \
		2>"$TMP/sign.err" || fail "sign_$1_$2" "$(cat "$TMP/sign.err")"
}

# runs ENV...: the program starts and completes under ENV
runs() {
	env "$@" "$T" >"$TMP/run.out" 2>"$TMP/run.err" && grep -q "^Hello from" "$TMP/run.out"
}

# hint_in FILE: the command a refusal ends with
hint_in() { sed -nE 's/.*: (encl sign .*)$/\1/p' "$1"; }

# follow NAME PATTERN ENV...: the run under ENV is refused with a hint
# matching PATTERN; the hinted command succeeds; the run then completes.
# Sets $hint to the command.
follow() {
	local n=$1 pat=$2 rc argv
	shift 2
	hint=
	env "$@" "$T" >"$TMP/run.out" 2>"$TMP/run.err"
	rc=$?
	if [ $rc -ne 125 ]; then
		fail "$n" "exit $rc, expected 125: $* $T; stderr: $(head -c 400 "$TMP/run.err")"
		return
	fi
	if ! grep -qE -- "$pat" "$TMP/run.err"; then
		fail "$n" "stderr lacks /$pat/: $(head -c 400 "$TMP/run.err")"
		return
	fi
	hint=$(hint_in "$TMP/run.err")
	if [ -z "$hint" ] || [ "$(grep -c . <<<"$hint")" -ne 1 ]; then
		fail "$n" "no single 'encl sign' command in: $(head -c 400 "$TMP/run.err")"
		return
	fi
	read -r -a argv <<<"$hint"
	if ! "${argv[@]}" >"$TMP/hint.out" 2>"$TMP/hint.err"; then
		fail "$n" "the hinted '$hint' failed: $(head -c 400 "$TMP/hint.err")"
	elif ! runs "$@"; then
		fail "$n" "after '$hint': $* $T: $(head -c 400 "$TMP/run.err")"
	else
		pass "$n"
	fi
}

# smallest NAME ENV...: the enclave size the last hint named (and signed) is
# the smallest that runs: half of it is refused again.
smallest() {
	local n=$1 half
	shift
	if ! grep -q -- "--enclave-size" <<<"$hint"; then
		fail "$n" "no --enclave-size in '$hint'"
		return
	fi
	half=$(encl info --json "$T" | sed -nE 's/.*"enclave_size": ([0-9]+).*/\1/p')
	half=$((${half:-0} / 2))
	if encl sign --enclave-size "$half" "$T" 2>"$TMP/sign.err" && runs "$@"; then
		fail "$n" "'$hint' is not the smallest: $half bytes run too"
	else
		pass "$n"
	fi
}

# room: the "at most N of heap" of the last refusal
room() { sed -nE 's/.*at most ([0-9]+K) of heap.*/\1/p' "$TMP/run.err"; }

# ---- unsigned ----------------------------------------------------------------------
U=$TMP/unsigned
cp "$T" "$U"
objcopy --dump-section .encl_meta="$TMP/meta" "$U" &&
	head -c "$(stat -c %s "$TMP/meta")" /dev/zero >"$TMP/zero" &&
	objcopy --update-section .encl_meta="$TMP/zero" "$U"
expect_exit unsigned_refused 125 "not signed yet; sign it with: encl sign .*/unsigned$" "$U"
hint=$(hint_in "$TMP/stderr")
read -r -a argv <<<"$hint"
check unsigned_hint_signs "${argv[@]}"
"$U" >"$TMP/run.out" 2>&1
check unsigned_runs_after_hint grep -q "^Hello from" "$TMP/run.out"

# ---- an executable changed after signing: EINIT's measurement fails ----------------
M=$TMP/modified
cp "$T" "$M"
read -r off size < <(readelf -SW "$M" | awk '
	$2 == ".encl_image" { print $5, $6 } $3 == ".encl_image" { print $6, $7 }')
# A byte of the image the run never uses (a warning it does not print), so
# that only the measurement changes: a byte in the middle of the image may
# be code that runs, wherever the runtime's layout puts it.
at=$(grep -abo "is not a trim policy" "$M" | head -1 | cut -d: -f1)
if [ -n "$at" ] && [ "$at" -ge $((16#${off:-0})) ] && [ "$at" -lt $((16#${off:-0} + 16#${size:-0})) ]; then
	flip_byte "$M" "$at"
else
	fail modified_byte "the trim-policy warning is not in .encl_image (enclave/emm/heap.c)"
fi
expect_exit modified_refused 125 \
	"SGX_INVALID_MEASUREMENT.*changed after it was signed: rebuild it, or re-sign it with: encl sign .*/modified$" "$M"
hint=$(hint_in "$TMP/stderr")
read -r -a argv <<<"${hint:-false}"
check modified_hint_signs "${argv[@]}"
"$M" >"$TMP/run.out" 2>&1
check modified_runs_after_hint grep -q "^Hello from" "$TMP/run.out"

# ---- EDMM: SCONE_HEAP beyond the signed enclave size -------------------------------
signed 32M 64M
follow edmm_114000K_from_64M "SCONE_HEAP=114000K does not fit the signed enclave size 64M.*--enclave-size 256M " \
	SCONE_EDMM_MODE=enable SCONE_HEAP=114000K
smallest edmm_114000K_smallest SCONE_EDMM_MODE=enable SCONE_HEAP=114000K
signed 32M 128M
follow edmm_114000K_from_128M "metadata.*--enclave-size 256M " SCONE_EDMM_MODE=enable SCONE_HEAP=114000K

# the heap room of 128M, exactly and one page over (inside the metadata reserve)
signed 32M 128M
SCONE_EDMM_MODE=enable SCONE_HEAP=200M "$T" >/dev/null 2>"$TMP/run.err"
r128=$(room)
check edmm_room_128M_found test -n "$r128"
r128=${r128:-0K}
check edmm_room_128M_runs runs SCONE_EDMM_MODE=enable SCONE_HEAP="$r128"
follow edmm_room_128M_plus_page "SCONE_HEAP=$((${r128%K} + 4))K does not fit.*metadata.*--enclave-size 256M " \
	SCONE_EDMM_MODE=enable SCONE_HEAP=$((${r128%K} + 4))K
smallest edmm_room_128M_plus_page_smallest SCONE_EDMM_MODE=enable SCONE_HEAP=$((${r128%K} + 4))K

# around power-of-two boundaries, from a small signed enclave
for h in "$r128" 120M 128M 255M 256M 257M 1G; do
	signed 32M 64M
	follow "edmm_${h}_from_64M" "SCONE_HEAP=$h does not fit" SCONE_EDMM_MODE=enable SCONE_HEAP="$h"
	smallest "edmm_${h}_smallest" SCONE_EDMM_MODE=enable SCONE_HEAP="$h"
done

# ---- SGX1: the heap is part of the identity ----------------------------------------
signed 32M 64M
follow sgx1_heap_40M "SCONE_HEAP 40M differs from the signed 32M; re-sign with: encl sign --heap 40M /" \
	SCONE_HEAP=40M
signed 32M 64M
follow sgx1_heap_114000K "SCONE_HEAP 114000K differs.*--heap 114000K --enclave-size 256M " SCONE_HEAP=114000K
check sgx1_heap_114000K_edmm_runs runs SCONE_EDMM_MODE=enable SCONE_HEAP=114000K
# the room of the signed 64M, exactly and one page over
signed 32M 64M
SCONE_EDMM_MODE=enable SCONE_HEAP=200M "$T" >/dev/null 2>"$TMP/run.err"
r64=$(room)
check sgx1_room_64M_found test -n "$r64"
r64=${r64:-0K}
signed 32M 64M
follow sgx1_room_64M "--heap $r64 /" SCONE_HEAP="$r64"
signed 32M 64M
follow sgx1_room_64M_plus_page "--heap $((${r64%K} + 4))K --enclave-size 128M " \
	SCONE_HEAP=$((${r64%K} + 4))K

# ---- threads and stacks move the heap -----------------------------------------------
signed 32M 64M
follow tcs_3 "SCONE_TCS=3 differs from the signed 8; re-sign with: encl sign --tcs 3 /" SCONE_TCS=3
signed 32M 64M
follow tcs_24 "SCONE_TCS=24 differs.*--tcs 24 --enclave-size 128M " SCONE_TCS=24
signed 32M 64M
follow stack_4M "SCONE_STACK 4M differs.*--stack 4M --enclave-size 128M " SCONE_STACK=4M
signed 32M 64M
follow tcs_and_edmm_heap "SCONE_TCS=16 differs.*--tcs 16 --enclave-size 256M " \
	SCONE_EDMM_MODE=enable SCONE_TCS=16 SCONE_HEAP=114000K
signed 32M 64M
follow tcs_and_sgx1_heap "SCONE_TCS=16 differs.*--tcs 16 --heap 114000K --enclave-size 256M " \
	SCONE_TCS=16 SCONE_HEAP=114000K

# ---- XFRM beyond what the (simulated) CPU enables -----------------------------------
encl sign --xfrm avx "$T" 2>"$TMP/sign.err" || fail sign_avx "$(cat "$TMP/sign.err")"
follow xfrm_lower "cannot enable AVX.*encl sign --xfrm legacy /" ENCL_SIM_XCR0=0x3

# ---- encl sign's own advice ----------------------------------------------------------
# encl sign prints the user's own command with the one option changed
pasted() { sed -nE 's/^encl sign: run: (encl sign .*)$/\1/p' "$TMP/stderr"; }
expect_exit sign_refuses_heap 2 "heap 64M does not fit in the enclave size 64M.*raise it to --enclave-size 128M or lower --heap" \
	encl sign --key "$VECTORS/test-key.pem" --heap 64M --enclave-size 64M "$T"
cmd=$(pasted)
check sign_advice_complete test "$cmd" = "encl sign --key $VECTORS/test-key.pem --heap 64M --enclave-size 128M $T"
read -r -a argv <<<"${cmd:-false}"
check sign_advice_signs "${argv[@]}"
check sign_advice_runs_edmm runs SCONE_EDMM_MODE=enable
check sign_advice_runs_sgx1 runs

# ---- the memory manager's warning when an SGX1 heap runs out -------------------------
# It names the SCONE_HEAP and the encl sign command to re-sign with (the
# host adds the executable's path, which the enclave does not know; the
# enclave does not know the signed EDMM enclave size either: the default
# 64G holds the doubled heap here).
HG=$TMP/heap_grow
if ! encl-cc -O2 "$ROOT/tests/programs/heap_grow.c" -o "$HG" 2>"$TMP/build"; then
	fail build_heap_grow "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi
encl sign --heap 32M "$HG" 2>"$TMP/sign.err" || fail sign_heap_grow "$(cat "$TMP/sign.err")"
SCONE_LOG=warning SCONE_HEAP=32M "$HG" 40 1 >"$TMP/hg.out" 2>"$TMP/hg.err"
check sgx1_heap_reached_warns grep -q "SCONE_HEAP=32M reached.*(e.g. SCONE_HEAP=64M) and re-sign with: encl sign --heap 64M $HG$" "$TMP/hg.err"
heap=$(hint_in "$TMP/hg.err")
read -r -a argv <<<"${heap:-false}"
check sgx1_heap_reached_hint_signs "${argv[@]}"
SCONE_LOG=warning SCONE_HEAP=${argv[3]:-0} "$HG" 40 1 >"$TMP/hg.out" 2>"$TMP/hg.err"
check sgx1_heap_reached_hint_runs grep -q "^round 1:" "$TMP/hg.out"
check sgx1_heap_reached_hint_enough test -z "$(grep -h 'malloc returned NULL\|reached' "$TMP/hg.out" "$TMP/hg.err")"

# ---- the smallest SGX1 heap: the memory manager's minimum heap range ------------------
expect_exit sign_refuses_tiny_heap 2 "heap 128K is below the 256K .*raise it to --heap 256K" \
	encl sign --heap 128K "$HG"
cmd=$(pasted)
check sign_tiny_heap_advice_complete test "$cmd" = "encl sign --heap 256K $HG"
read -r -a argv <<<"${cmd:-false}"
check sign_tiny_heap_advice_signs "${argv[@]}"
size=${argv[3]:-0}
SCONE_HEAP=${size:-0} "$HG" 0 1 >"$TMP/hg.out" 2>&1
check sign_tiny_heap_advice_runs grep -q "^round 1: 0 MiB written and checked, all correct" "$TMP/hg.out"
expect_exit sgx1_tiny_heap_refused 125 "SCONE_HEAP=128K is below the 256K .*raise SCONE_HEAP" \
	env SCONE_HEAP=128K "$HG" 0 1
