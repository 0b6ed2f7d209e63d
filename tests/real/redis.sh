# shellcheck shell=bash disable=SC2034
# Redis from Debian's redis source package, built twice with the same flags:
# redis-server with encl-cc ($TMP/redis-server.encl), redis-server and
# redis-cli natively with musl-gcc -static ($TMP/redis-server.native,
# $TMP/redis-cli). Sourced after tests/real/lib.sh.
#
# Redis builds in its source tree, so each side has a copy; make keeps their
# objects between runs. MALLOC=libc: no jemalloc; no TLS, no systemd.
REDIS_MAKE=(MALLOC=libc OPTIMIZATION=-O1 BUILD_TLS=no USE_SYSTEMD=no)
REDIS_PIDS=()

# redis_build: the three executables in $TMP; else real_source's status and
# REAL_WHY, or 2 and REAL_WHY saying what failed to build
redis_build() {
	local src native encl
	real_source redis || return
	src=$REAL_SRC
	native=$(real_tree redis native)
	encl=$(real_tree redis encl "$ROOT/build/bin/encl-cc")
	redis_tree "$src" "$native" && redis_tree "$src" "$encl" || {
		REAL_WHY="cannot copy $src"; return 2; }
	# The enclave is linked again every run, with the runtime of this run.
	rm -f "$encl/src/redis-server"
	if ! redis_make "$native" CC=musl-gcc LDFLAGS=-static redis-server redis-cli >"$TMP/redis.build" 2>&1; then
		REAL_WHY="native build: $(grep -v '^ *.\[' "$TMP/redis.build" | tail -c 800)"
		return 2
	fi
	if ! redis_make "$encl" CC=encl-cc redis-server >"$TMP/redis.build" 2>&1; then
		REAL_WHY="encl-cc build: $(grep -v '^ *.\[' "$TMP/redis.build" | tail -c 800)"
		return 2
	fi
	cp "$native/src/redis-server" "$TMP/redis-server.native"
	cp "$native/src/redis-cli" "$TMP/redis-cli"
	cp "$encl/src/redis-server" "$TMP/redis-server.encl"
}

# redis_tree SRC DIR: DIR, a copy of SRC to build in, unless made before
redis_tree() {
	[ -e "$2/.encl-copied" ] && return 0
	rm -rf "$2" && mkdir -p "${2%/*}" && cp -a "$1" "$2" && touch "$2/.encl-copied"
}

# redis_make DIR MAKE-ARGS...: make in DIR/src. Redis names the git commit
# it is built from: GIT_DIR keeps it from finding encl's.
redis_make() {
	local dir=$1; shift
	GIT_DIR=/nonexistent timeout -k 10 "$REAL_TIMEOUT" \
		make -C "$dir/src" -j2 "${REDIS_MAKE[@]}" "$@"
}

# redis_start SERVER PORT DIR: starts SERVER on 127.0.0.1:PORT, no
# persistence, its log in DIR/log; sets REDIS_PID and adds it to REDIS_PIDS
# (the caller stops those left at the end). Then waits (up to 60 s)
# for it to answer PING; 1 if it does not, or ends.
redis_start() {
	local server=$1 port=$2 dir=$3 i
	mkdir -p "$dir"
	timeout -k 10 "$E2E_TIMEOUT" "$server" --port "$port" --bind 127.0.0.1 \
		--save '' --appendonly no --daemonize no --dir "$dir" --logfile "$dir/log" \
		>"$dir/stdout" 2>"$dir/stderr" </dev/null &
	REDIS_PID=$!
	REDIS_PIDS+=("$REDIS_PID")
	for ((i = 0; i < 600; i++)); do
		[ "$(redis_cli "$port" PING 2>/dev/null)" = PONG ] && return 0
		kill -0 $REDIS_PID 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# redis_cli PORT ARGS...: the native client, given at most E2E_TIMEOUT
redis_cli() {
	local port=$1; shift
	timeout -k 10 "$E2E_TIMEOUT" "$TMP/redis-cli" -p "$port" "$@"
}

# redis_stop PORT PID: SHUTDOWN NOSAVE, then the server's exit status
redis_stop() {
	redis_cli "$1" SHUTDOWN NOSAVE >/dev/null 2>&1
	wait "$2"
}

# redis_why DIR: the end of a server's log and stderr, for a FAIL line
redis_why() {
	echo "log: $(tail -c 400 "$1/log" 2>/dev/null); stderr: $(tail -c 400 "$1/stderr")"
}
