#!/bin/bash
# encl-test: runs enclaves
# Habits of SCONE users: every SCONE_LOG value SCONE scripts use (names in
# any case, 0 to 7), the trace level that alone prints the per-transition
# lines, a minimum heap above the heap, and SCONE_* sizes in the environment
# of encl sign, which reads them only with --env.
. "$(dirname "$0")/lib.sh"

sim_defaults

require_enclave_toolchain

P=$TMP/hello
printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$TMP/hello.c"
if ! encl-cc -O2 "$TMP/hello.c" -o "$P" 2>"$TMP/build"; then
	fail build "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi

# log_level VALUE LEVEL: SCONE_LOG=VALUE runs, and SCONE_VERSION names LEVEL
log_level() {
	local out
	out=$(SCONE_LOG=$1 SCONE_VERSION=1 "$P" 2>&1)
	if [ $? -ne 0 ] || ! grep -qx "SCONE_LOG=$2" <<<"$out" || ! grep -qx hi <<<"$out"; then
		fail "log_$1" "expected level $2: $(head -c 400 <<<"$out")"
	else
		pass "log_$1"
	fi
}
for v in 0 1 2 3 off OFF fatal FATAL error Error; do log_level "$v" error; done
for v in 4 warning WARNING; do log_level "$v" warning; done
for v in 5 6 info INFO; do log_level "$v" info; done
for v in 7 debug DEBUG; do log_level "$v" debug; done
for v in trace TRACE; do log_level "$v" trace; done
for v in 8 -1 loud warn 07; do
	expect_exit "log_bad_$v" 125 \
		"SCONE_LOG=$v is not a log level: use off, fatal, error, warning, info, debug, trace \(any case\) or 0 to 7" \
		env SCONE_LOG="$v" "$P"
done

# The AEX lines come at trace, not at debug.
SCONE_LOG=debug "$P" >/dev/null 2>"$TMP/debug.err"
check debug_has_no_aex_lines sh -c "! grep -q 'AEX:' '$TMP/debug.err'"
SCONE_LOG=trace "$P" >/dev/null 2>"$TMP/trace.err"
check trace_has_aex_lines grep -q "^encl: AEX: vector " "$TMP/trace.err"

# SCONE_MIN_HEAP above SCONE_HEAP: clamped, with one warning naming both.
SCONE_LOG=warning SCONE_EDMM_MODE=enable SCONE_HEAP=64M SCONE_MIN_HEAP=2G "$P" >"$TMP/out" 2>"$TMP/err"
check min_heap_clamp_runs grep -qx hi "$TMP/out"
check min_heap_clamp_warns_once test "$(grep -c \
	"^encl: warning: SCONE_MIN_HEAP=2G is above SCONE_HEAP=64M: using a minimum heap of 64M$" \
	"$TMP/err")" -eq 1
SCONE_LOG=warning SCONE_EDMM_MODE=enable SCONE_HEAP=64M SCONE_MIN_HEAP=64M "$P" >/dev/null 2>"$TMP/err"
check min_heap_equal_is_quiet sh -c "! grep -q MIN_HEAP '$TMP/err'"

# encl sign with SCONE_* sizes in the environment: one note naming --env,
# and the signed sizes stay those of the options.
SCONE_HEAP=1G SCONE_MIN_HEAP=30M encl sign "$P" 2>"$TMP/sign.err"
check sign_env_note_once test "$(grep -c \
	"^encl sign: note: SCONE_HEAP=1G SCONE_MIN_HEAP=30M from the environment not used: add --env" \
	"$TMP/sign.err")" -eq 1
check sign_env_note_one_line test "$(wc -l <"$TMP/sign.err")" -eq 1
check sign_env_not_read sh -c "encl info --json '$P' | grep -q '\"heap\": 67108864'"
SCONE_HEAP=1G SCONE_MIN_HEAP=30M encl sign --env "$P" 2>"$TMP/sign.err"
check sign_env_read_quietly test ! -s "$TMP/sign.err"
check sign_env_read sh -c "encl info --json '$P' | grep -q '\"heap\": 1073741824'"
encl sign --heap 16M --min-heap 32M "$P" 2>"$TMP/sign.err"
check sign_min_heap_clamp_warns_once test "$(grep -c \
	"^encl sign: warning: minimum heap 32M is above the heap 16M: signed with a minimum heap of 16M$" \
	"$TMP/sign.err")" -eq 1
