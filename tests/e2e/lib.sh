# Shared helpers for the end-to-end scripts: source it, call pass/fail/skip.
# Each script prints PASS:/FAIL:/SKIP: lines that tests/run counts.
set -u
ROOT=${ENCL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PATH=$ROOT/build/bin:$PATH
VECTORS=${ENCL_VECTORS:-$ROOT/tests/vectors}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
_script=$(basename "$0")

# plan N, before the first test: the script reports N tests, and tests/run
# fails it when fewer come (an exit or a crash halfway). Scripts whose count
# depends on what they find at run time do not plan.
plan() { echo "PLAN: $_script $1"; }

pass() { echo "PASS: $_script:$1"; }
fail() { echo "FAIL: $_script:$1"; shift; [ $# -gt 0 ] && echo "  $*" >&2; }
skip() { echo "SKIP: $_script:$1 ($2)"; }

# check NAME COMMAND...: passes when COMMAND succeeds
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n" "command failed: $*"; fi; }

# expect_exit NAME CODE PATTERN COMMAND...: exit status CODE and PATTERN on stderr
expect_exit() {
	local n=$1 code=$2 pat=$3; shift 3
	if [ -z "$pat" ]; then	# an empty pattern matches any stderr
		fail "$n" "expect_exit with an empty PATTERN: name the message expected, or use check"
		return
	fi
	"$@" >"$TMP/stdout" 2>"$TMP/stderr"
	local rc=$?
	if [ $rc -ne "$code" ]; then
		fail "$n" "exit $rc, expected $code: $*; stderr: $(head -c 400 "$TMP/stderr")"
	elif ! grep -qiE -- "$pat" "$TMP/stderr"; then
		fail "$n" "stderr lacks /$pat/: $(head -c 400 "$TMP/stderr")"
	else
		pass "$n"
	fi
}

# Scripts that build enclave executables need musl-gcc and the trusted
# runtime; `make check` provides both, so their absence is a failure, not a skip.
require_enclave_toolchain() {
	if ! command -v musl-gcc >/dev/null; then
		fail toolchain "musl-gcc is not installed (scripts/install-deps installs it)"
		exit 0
	fi
	if [ ! -f "$ROOT/build/lib/libencl-enclave.a" ]; then
		fail toolchain "build/lib/libencl-enclave.a is missing: run 'make tests' first"
		exit 0
	fi
}

# flip_byte FILE OFFSET: invert every bit of one byte, so the file always changes
flip_byte() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# The simulator with the test key and quiet logs, and no SCONE_* or
# ENCL_SIM_* setting inherited from the caller (ENCL_SIM_CPU_QUIRKS stays:
# tests/run sets it for the quirk passes).
sim_defaults() {
	export ENCL_KEY=${ENCL_KEY:-$VECTORS/test-key.pem}
	export SCONE_MODE=sim SCONE_LOG=error
	unset SCONE_HEAP SCONE_MIN_HEAP SCONE_STACK SCONE_TCS SCONE_EDMM_MODE SCONE_VERSION \
	      SCONE_HASH SCONE_EDMM_HASH ENCL_SIM_CPU ENCL_SIM_KERNEL ENCL_SIM_XCR0 ENCL_SIM_HOSTILE
}

# hello_enclave OUT: a hello-world enclave executable at $TMP/OUT, after
# require_enclave_toolchain and sim_defaults, with cwd $TMP; or a FAIL line
# and the script's end
hello_enclave() {
	require_enclave_toolchain
	sim_defaults
	cd "$TMP" || exit 0
	printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' > "$1.c"
	if ! encl-cc -O2 "$1.c" -o "$1" 2>"$1.build"; then
		fail build "encl-cc: $(head -c 600 "$1.build")"
		exit 0
	fi
}

# ---- tests/programs: each built twice, run both ways ------------------------
PROGS=$ROOT/tests/programs

# build_program NAME: $TMP/NAME.encl (encl-cc) and $TMP/NAME.native
# (musl-gcc -static) from tests/programs/NAME.c, or a FAIL line
build_program() {
	local n=$1
	if ! encl-cc -O2 "$PROGS/$n.c" -o "$TMP/$n.encl" 2>"$TMP/$n.build"; then
		fail "build_$n" "encl-cc: $(head -c 600 "$TMP/$n.build")"
		return 1
	fi
	if ! musl-gcc -static -O2 "$PROGS/$n.c" -o "$TMP/$n.native" 2>"$TMP/$n.build"; then
		fail "build_$n" "musl-gcc: $(head -c 600 "$TMP/$n.build")"
		return 1
	fi
}

# The longest a program run by `same` may take before it counts as hung:
# generous, so that only a hang reaches it (tests never assert timings).
E2E_TIMEOUT=${E2E_TIMEOUT:-300}

# same NAME TESTNAME [STDIN-FILE] -- ARGS...: both builds agree on all three
# outputs ($TMP/NAME.encl can be replaced by setting ENCL_PROG to another build)
same() {
	local n=$1 t=$2 in=/dev/null
	shift 2
	if [ "$1" != -- ]; then in=$1; shift; fi
	shift
	timeout -k 10 "$E2E_TIMEOUT" "$TMP/$n.native" "$@" <"$in" >"$TMP/n.out" 2>"$TMP/n.err"; local nrc=$?
	timeout -k 10 "$E2E_TIMEOUT" "${ENCL_PROG:-$TMP/$n.encl}" "$@" <"$in" >"$TMP/e.out" 2>"$TMP/e.err"; local erc=$?
	same_outputs "$t" $nrc $erc
}

# same_outputs TESTNAME NATIVE-STATUS ENCLAVE-STATUS: passes when the enclave
# run ended as the native one did and wrote the same $TMP/e.out and e.err as
# its $TMP/n.out and n.err (for runs that cannot share arguments, like two
# databases, each run by its caller)
same_outputs() {
	local t=$1 nrc=$2 erc=$3
	if [ $erc -eq 124 ] || [ $erc -eq 137 ]; then
		fail "$t" "hung: killed after ${E2E_TIMEOUT}s; stdout: $(tail -c 300 "$TMP/e.out"); stderr: $(head -c 300 "$TMP/e.err")"
	elif [ $nrc -ne $erc ]; then
		fail "$t" "exit $erc, native $nrc; stdout ends: $(tail -c 300 "$TMP/e.out"); stderr: $(head -c 600 "$TMP/e.err")"
	elif ! cmp -s "$TMP/n.out" "$TMP/e.out"; then
		fail "$t" "stdout differs: $(diff "$TMP/n.out" "$TMP/e.out" | head -20)"
	elif ! cmp -s "$TMP/n.err" "$TMP/e.err"; then
		fail "$t" "stderr differs: $(diff "$TMP/n.err" "$TMP/e.err" | head -20)"
	else
		pass "$t"
	fi
}
