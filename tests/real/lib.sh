# shellcheck shell=bash disable=SC2034
# Real programs from Debian source packages, for tests/e2e/real_programs.sh:
# fetched and unpacked by scripts/debian-source (Debian's patches applied,
# apt's own configuration and state under the download folder, nothing
# written into the machine's), built under build/real, which caches every
# step, so that a second run neither downloads nor recompiles what it
# already has.
#
#   build/real/dl/NAME/      the .dsc, the tarballs and the unpacked,
#                            patched source (never built in)
#   build/real/NAME/...      the builds (tests/real/NAME.sh)
#
# Sourced after tests/e2e/lib.sh (ROOT, TMP).

REAL=${ENCL_REAL_DIR:-$ROOT/build/real}
export DEBIAN_SOURCE_MIRROR=${ENCL_REAL_MIRROR:-http://deb.debian.org/debian}
export DEBIAN_SOURCE_SUITE=${ENCL_REAL_SUITE:-bookworm}
# A fetch or a build that takes longer has hung (tests never assert timings).
REAL_TIMEOUT=${ENCL_REAL_TIMEOUT:-900}
# Why real_source failed, for the SKIP or FAIL line.
REAL_WHY=

mkdir -p "$REAL"
# One run at a time builds in build/real.
exec 9>"$REAL/.lock"
if ! flock -w "$REAL_TIMEOUT" 9; then
	fail real_lock "another run has held $REAL/.lock for ${REAL_TIMEOUT}s"
	exit 0
fi

# real_source NAME: REAL_SRC, the folder holding Debian source package NAME
# (the suite's current version), unpacked and patched; downloads it only
# when build/real/dl/NAME lacks it. A version unpacked anew removes the
# builds of the one before. 1 when it cannot be fetched (a reason to skip,
# tried once per run), 2 when it cannot be unpacked (a failure); REAL_WHY
# says why.
real_source() {
	local name=$1 rc
	REAL_SRC=
	if [ -n "${_real_unreachable:-}" ]; then REAL_WHY=$_real_unreachable; return 1; fi
	REAL_SRC=$(timeout -k 10 "$REAL_TIMEOUT" "$ROOT/scripts/debian-source" "$name" current \
		   "$REAL/dl/$name" 2>"$REAL/dl-$name.log") && rc=0 || rc=$?
	if [ $rc -ne 0 ]; then
		REAL_WHY=$(tail -n 1 "$REAL/dl-$name.log")
		[ $rc -eq 2 ] && return 2
		_real_unreachable="cannot fetch Debian sources (network or mirror unreachable?): $REAL_WHY"
		REAL_WHY=$_real_unreachable
		return 1
	fi
	if [ "$(cat "$REAL/$name/.encl-src" 2>/dev/null)" != "$REAL_SRC" ]; then
		rm -rf "${REAL:?}/$name"	# the builds of another version
		mkdir -p "$REAL/$name"
		echo "$REAL_SRC" >"$REAL/$name/.encl-src"
	fi
}

# real_cached OUT COMMAND...: runs COMMAND (which writes OUT) unless OUT was
# made by this same command line before (OUT.cmd keeps it); a failure leaves
# neither. Its inputs are the unpacked sources: another version of them
# removes OUT (real_source).
real_cached() {
	local out=$1; shift
	[ -e "$out" ] && [ "$(cat "$out.cmd" 2>/dev/null)" = "$*" ] && return 0
	rm -f "$out" "$out.cmd"
	if timeout -k 10 "$REAL_TIMEOUT" "$@"; then
		echo "$*" >"$out.cmd"
	else
		rm -f "$out"
		return 1
	fi
}

# real_tree NAME KIND [FILE...]: build/real/NAME/KIND-ID, where ID names the
# compiler: musl-gcc (its script, its specs and the musl libc.a beside
# them), gcc's version and the FILEs (encl-cc, for the enclave builds).
# Objects are kept only as long as the compiler is the same (the trees of
# another are removed). Links are redone every run, so the enclaves always
# hold the runtime being tested.
real_tree() {
	local name=$1 kind=$2 musl_gcc specs id d
	shift 2
	musl_gcc=$(command -v musl-gcc)
	specs=$(sed -n 's/.*-specs "\([^"]*\)".*/\1/p' "$musl_gcc")
	id=$({ cat "$musl_gcc" "$@"; [ -z "$specs" ] || cat "$specs" "${specs%/*}/libc.a"
	       gcc -dumpfullversion; } 2>/dev/null | sha256sum | cut -c1-12)
	for d in "$REAL/$name/$kind" "$REAL/$name/$kind"-*; do
		[ "$d" = "$REAL/$name/$kind-$id" ] || rm -rf "$d"
	done
	echo "$REAL/$name/$kind-$id"
}

# real_skip_all REASON TEST...: one SKIP line for each of the planned TESTs
real_skip_all() {
	local why=$1 t; shift
	for t; do skip "$t" "$why"; done
}

# real_free_port: a TCP port on 127.0.0.1 that nothing listens on now
real_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
