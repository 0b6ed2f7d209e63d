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
