# shellcheck shell=bash disable=SC2034
# Real programs from Debian source packages, for tests/e2e/real_programs.sh:
# fetched with `apt-get source`, unpacked with dpkg-source (Debian's patches
# applied) and built under build/real, which caches every step, so that a
# second run neither downloads nor recompiles what it already has.
#
# apt runs with a configuration and state of its own (build/real/apt): the
# deb-src line, the package lists and the caches live there, and nothing is
# written into the machine's apt configuration or state.
#
#   build/real/apt/          sources.list, lists/, cache/ (apt's, private)
#   build/real/dl/NAME/      the downloaded .dsc and tarballs: the cache
#   build/real/src/NAME/     the unpacked, patched source, never built in
#   build/real/NAME/...      the builds (tests/real/NAME.sh)
#
# Sourced after tests/e2e/lib.sh (ROOT, TMP).

REAL=${ENCL_REAL_DIR:-$ROOT/build/real}
REAL_MIRROR=${ENCL_REAL_MIRROR:-http://deb.debian.org/debian}
REAL_SUITE=${ENCL_REAL_SUITE:-bookworm}
REAL_KEYRING=${ENCL_REAL_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
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

# real_apt ARGS...: apt-get with build/real/apt as its whole configuration
# and state (the machine's trusted keys are only read)
real_apt() {
	local a=$REAL/apt
	local opts=(-q
		-o "Dir::Etc::SourceList=$a/sources.list" -o "Dir::Etc::SourceParts=$a/sources.list.d"
		-o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o "Dir::State::status=$a/status")
	# As root, apt downloads as the user _apt, who may not reach build/.
	[ "$(id -u)" -ne 0 ] || opts+=(-o APT::Sandbox::User=root)
	timeout -k 10 "$REAL_TIMEOUT" apt-get "${opts[@]}" "$@"
}

# real_update: the package lists of $REAL_MIRROR $REAL_SUITE, once per run
# (a failure too: REAL_WHY still holds its reason)
real_update() {
	local a=$REAL/apt
	if [ -n "${_real_updated:-}" ]; then [ "$_real_updated" = ok ]; return; fi
	mkdir -p "$a/sources.list.d" "$a/lists/partial" "$a/cache/archives/partial"
	: >"$a/status"
	echo "deb-src [signed-by=$REAL_KEYRING] $REAL_MIRROR $REAL_SUITE main" >"$a/sources.list"
	rm -f "$a"/lists/*Sources*
	# apt-get update exits 0 when a source is unreachable; its lists tell.
	_real_updated=failed
	real_apt -o Acquire::Retries=0 -o Acquire::http::Timeout=30 update >"$a/update.log" 2>&1
	if ! ls "$a"/lists/*_Sources* >/dev/null 2>&1; then
		REAL_WHY="cannot fetch Debian sources from $REAL_MIRROR $REAL_SUITE (network or mirror unreachable): $(grep -E '^(W|E): ' "$a/update.log" | head -1)"
		return 1
	fi
	_real_updated=ok
}

# real_source NAME: REAL_SRC, the folder holding Debian source package NAME,
# unpacked and patched; downloads it only when build/real/dl/NAME lacks it.
# Unpacking a version anew removes the builds of the one before.
# 1 when it cannot be fetched (a reason to skip), 2 when it cannot be
# unpacked (a failure); REAL_WHY says why.
real_source() {
	local name=$1 dl=$REAL/dl/$1 src=$REAL/src/$1 dsc
	REAL_SRC=
	if ! ls "$dl"/*.dsc >/dev/null 2>&1; then
		real_update || return 1
		rm -rf "$dl.part"; mkdir -p "$dl.part"
		if ! (cd "$dl.part" && real_apt source --download-only "$name") >"$REAL/dl/$name.log" 2>&1; then
			REAL_WHY="apt-get source $name failed: $(grep -E '^(E|W|Err):' "$REAL/dl/$name.log" | head -2 | tr '\n' ' ')"
			return 1
		fi
		rm -rf "$dl" "$src"
		mv "$dl.part" "$dl"
	fi
	dsc=$(ls "$dl"/*.dsc | head -1)
	if [ "$(cat "$src/.encl-dsc" 2>/dev/null)" != "${dsc##*/}" ]; then
		rm -rf "$src" "$src.part"; mkdir -p "$REAL/src"
		if ! timeout -k 10 "$REAL_TIMEOUT" dpkg-source --no-copy -x "$dsc" "$src.part" >"$REAL/src/$name.log" 2>&1; then
			REAL_WHY="dpkg-source -x ${dsc##*/} failed: $(tail -2 "$REAL/src/$name.log" | tr '\n' ' ')"
			return 2
		fi
		echo "${dsc##*/}" >"$src.part/.encl-dsc"
		mv "$src.part" "$src"
		rm -rf "${REAL:?}/$name"	# the builds of another version
	fi
	REAL_SRC=$src
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

# real_encl_tree NAME: build/real/NAME/encl-ID, where ID names this encl-cc:
# objects encl-cc compiled are kept only as long as encl-cc is the same
# (older trees are removed). Links are redone every run, so the enclaves
# always hold the runtime being tested.
real_encl_tree() {
	local id d
	id=$(sha256sum "$ROOT/build/bin/encl-cc" | cut -c1-12)
	for d in "$REAL/$1"/encl-*; do
		[ "$d" = "$REAL/$1/encl-$id" ] || rm -rf "$d"
	done
	echo "$REAL/$1/encl-$id"
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
