#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Real programs from Debian source packages (docs/real_programs.md): SQLite's
# shell and Redis, fetched with apt-get source, built with encl-cc and
# natively with musl-gcc -static from the same source and flags, run in the
# simulator and natively; what they print, the files they write and the
# replies they send must be the same. Skipped, with the reason, when the
# Debian mirror cannot be reached and build/real has no copy yet.
. "$(dirname "$0")/lib.sh"
REAL_LIB=$ROOT/tests/real
. "$REAL_LIB/lib.sh"
. "$REAL_LIB/sqlite3.sh"
. "$REAL_LIB/redis.sh"

sim_defaults
require_enclave_toolchain

SQLITE_TESTS=(sqlite3_build sqlite3_rollback sqlite3_wal sqlite3_native_db_read_in_enclave
	sqlite3_enclave_db_read_natively sqlite3_two_enclave_writers sqlite3_enclave_and_native_writers)
REDIS_TESTS=(redis_build redis_server_starts redis_commands redis_bulk redis_concurrent_clients
	redis_shutdown)
plan $((${#SQLITE_TESTS[@]} + ${#REDIS_TESTS[@]}))

# built NAME STATUS TESTS...: after NAME_build returned STATUS: pass the
# build, or skip (not fetched) or fail (not built) it and skip the rest
built() {
	local name=$1 rc=$2; shift 2
	case $rc in
	0) pass "$1"; return 0 ;;
	1) real_skip_all "$REAL_WHY" "$@" ;;
	*) fail "$1" "$REAL_WHY"; real_skip_all "$name was not built" "${@:2}" ;;
	esac
	return 1
}

# ---- SQLite -----------------------------------------------------------------
W=$REAL_LIB/sqlite3
ROWS=1500		# customers and products; twice as many orders
WRITER_ROWS=1000	# rows each concurrent writer inserts,
LOCKSTEP_ROWS=200	# the first ones in turns with the other writer

# sqlite_run SIDE DIR DB SCRIPT OUT: the shell of SIDE (native or encl) on
# DB in folder DIR, given SCRIPT; what it prints in OUT.out and OUT.err.
# The scripts turn SQLite's log on (".log stderr": a failing call, its errno
# and the file's full path, which tell why a run failed).
sqlite_run() {
	mkdir -p "$2"
	(cd "$2" && timeout -k 10 "$E2E_TIMEOUT" "$TMP/sqlite3.$1" "$3") <"$4" >"$5.out" 2>"$5.err"
}

# sqlite_fresh SIDE MODE OUT: SIDE runs $TMP/MODE.sql on a new database
# $TMP/run/MODE.db, then kept in $TMP/SIDE: both sides make theirs under
# the same path, so that their logs are the same when their runs are
sqlite_fresh() {
	sqlite_run "$1" "$TMP/run" "$2.db" "$TMP/$2.sql" "$3"
	local rc=$?
	mkdir -p "$TMP/$1" && mv "$TMP/run"/* "$TMP/$1/" && rmdir "$TMP/run"
	return $rc
}

# sqlite_workload TEST MODE: the workload in both builds, each on a database
# of its own, made in $TMP/run (SQLite's log names it by its full path) and
# then kept as $TMP/native/MODE.db and $TMP/encl/MODE.db; outputs compared
sqlite_workload() {
	local t=$1 mode=$2 nrc erc
	{
		echo ".log stderr"; echo ".bail on"
		# WAL mode: leave the log behind, not checkpointed, for the other build to read.
		[ "$mode" = wal ] && echo "PRAGMA journal_mode = WAL;" && echo ".dbconfig no_ckpt_on_close on"
		cat "$W/schema.sql"
		sqlite3_rows $ROWS
		cat "$W/queries.sql"
	} >"$TMP/$mode.sql"
	sqlite_fresh native $mode "$TMP/n"; nrc=$?
	sqlite_fresh encl $mode "$TMP/e"; erc=$?
	sqlite_compare "$t" $nrc $erc
}

# sqlite_compare TEST NATIVE-STATUS ENCLAVE-STATUS: same_outputs, once the
# native run, the reference, succeeded (else the test itself is wrong)
sqlite_compare() {
	if [ "$2" -ne 0 ]; then
		fail "$1" "the native run failed, exit $2: $(head -c 600 "$TMP/n.err")"
	else
		same_outputs "$@"
	fi
}

# sqlite_read SIDE WRITER OUT: SIDE's shell reads copies of both databases
# WRITER (native or encl) wrote, as they were left: WAL log included
sqlite_read() {
	local side=$1 writer=$2 out=$3 mode f rc=0
	: >"$out.out"; : >"$out.err"
	for mode in rollback wal; do
		rm -rf "$TMP/read"; mkdir "$TMP/read"
		for f in "$TMP/$writer/$mode.db"*; do cp "$f" "$TMP/read/"; done
		sqlite_run "$side" "$TMP/read" $mode.db "$TMP/check.sql" "$TMP/r" || rc=$?
		cat "$TMP/r.out" >>"$out.out"; cat "$TMP/r.err" >>"$out.err"
	done
	return $rc
}

# sqlite_writers TEST SIDE1 SIDE2: two shells, one of each SIDE, insert
# into one WAL database, WRITER_ROWS rows each: LOCKSTEP_ROWS in turns (each
# waits for the other's commit, so both have the database open and each must
# see the other's writes through the shared -shm mapping), then the rest both
# at once, retrying while the other holds the lock. Every row must be there, once.
sqlite_writers() {
	local t=$1 dir=$TMP/$1 sides=("$2" "$3") pids=() i k why=
	echo "CREATE TABLE w(id INTEGER PRIMARY KEY, writer INTEGER, seq INTEGER); PRAGMA journal_mode = WAL;" >"$TMP/w0.sql"
	sqlite_run native "$dir" w.db "$TMP/w0.sql" "$TMP/w0"
	# Each writer reads its SQL from a pipe and answers "done|N" through another.
	for i in 1 2; do
		mkfifo "$dir/in$i" "$dir/w$i.out"
		sqlite_run "${sides[i - 1]}" "$dir" w.db "$dir/in$i" "$dir/w$i" &
		pids+=($!)
	done
	# Read-write opens of the pipes do not wait for the other end.
	exec 21<>"$dir/in1" 22<>"$dir/in2" 31<>"$dir/w1.out" 32<>"$dir/w2.out"
	printf '.log stderr\n.timeout 60000\n' >&21
	printf '.log stderr\n.timeout 60000\n' >&22
	for ((k = 10; k <= LOCKSTEP_ROWS && !${#why}; k += 10)); do
		for i in 1 2; do
			sqlite3_writer $i $((k - 9)) $k >&$((20 + i))
			sqlite_answer $i ${pids[i - 1]} $k || break
		done
	done
	if [ -z "$why" ]; then
		sqlite3_writer 1 $((LOCKSTEP_ROWS + 1)) $WRITER_ROWS >&21
		sqlite3_writer 2 $((LOCKSTEP_ROWS + 1)) $WRITER_ROWS >&22
		sqlite_answer 1 ${pids[0]} $WRITER_ROWS && sqlite_answer 2 ${pids[1]} $WRITER_ROWS
	fi
	exec 21>&- 22>&- 31<&- 32<&-	# end of input: the shells exit
	for i in 1 2; do
		wait "${pids[i - 1]}" || why+="writer $i (${sides[i - 1]}) exited $?; "
		[ -s "$dir/w$i.err" ] && why+="writer $i: $(head -c 300 "$dir/w$i.err"); "
	done
	echo "SELECT writer, count(*), count(DISTINCT seq), min(seq), max(seq) FROM w GROUP BY writer; PRAGMA integrity_check;" >"$TMP/wc.sql"
	sqlite_run native "$dir" w.db "$TMP/wc.sql" "$TMP/wc"
	printf '%d|%d|%d|1|%d\n' 1 $WRITER_ROWS $WRITER_ROWS $WRITER_ROWS 2 $WRITER_ROWS $WRITER_ROWS $WRITER_ROWS >"$TMP/wc.expected"
	echo ok >>"$TMP/wc.expected"
	if [ -n "$why" ]; then
		fail "$t" "$why"
	elif ! cmp -s "$TMP/wc.out" "$TMP/wc.expected"; then
		fail "$t" "rows per writer (writer|rows|distinct|first|last), then the check: $(cat "$TMP/wc.out" "$TMP/wc.err")"
	else
		pass "$t"
	fi
}

# sqlite_answer WRITER PID N: reads "done|N" from WRITER (fd 30+WRITER),
# waiting up to E2E_TIMEOUT while PID lives; else adds the reason to $why
sqlite_answer() {
	local i=$1 pid=$2 n=$3 line='' part s
	for ((s = 0; s < E2E_TIMEOUT; s++)); do
		# A read that times out keeps what it read of the line in part.
		read -r -t 1 -u $((30 + i)) part && { line+=$part; break; }
		line+=$part
		kill -0 "$pid" 2>/dev/null || break
	done
	[ "$line" = "done|$n" ] && return 0
	why+="writer $i: expected 'done|$n', read '$line'; "
	return 1
}

sqlite3_build; rc=$?
if built sqlite3 $rc "${SQLITE_TESTS[@]}"; then
	{ echo ".log stderr"; cat "$W/check.sql"; } >"$TMP/check.sql"
	sqlite_workload sqlite3_rollback rollback
	sqlite_workload sqlite3_wal wal
	# Each build reads what the other wrote, as it reads what it wrote itself.
	sqlite_read native native "$TMP/n"; nrc=$?
	sqlite_read encl native "$TMP/e"; erc=$?
	sqlite_compare sqlite3_native_db_read_in_enclave $nrc $erc
	sqlite_read native encl "$TMP/e"; erc=$?
	sqlite_read native native "$TMP/n"; nrc=$?
	sqlite_compare sqlite3_enclave_db_read_natively $nrc $erc
	sqlite_writers sqlite3_two_enclave_writers encl encl
	sqlite_writers sqlite3_enclave_and_native_writers encl native
fi

# ---- Redis ------------------------------------------------------------------
# Servers still running at the end (a failed test) are stopped.
trap 'kill "${REDIS_PIDS[@]}" 2>/dev/null; rm -rf "$TMP"' EXIT

# redis_both TEST INPUT: INPUT's commands sent by redis-cli to each server; replies compared
redis_both() {
	redis_cli "$PORT_N" <"$2" >"$TMP/n.out" 2>"$TMP/n.err"; local nrc=$?
	redis_cli "$PORT_E" <"$2" >"$TMP/e.out" 2>"$TMP/e.err"; local erc=$?
	same_outputs "$1" $nrc $erc
}

# redis_clients PORT OUT: four clients at once, each INCR 500 times and
# RPUSH 500 values to shared keys; then what they left
redis_clients() {
	local port=$1 out=$2 i pids=()
	for i in 1 2 3 4; do
		awk -v c=$i 'BEGIN { for (j = 1; j <= 500; j++) { print "INCR hits"; print "RPUSH log " c } }' >"$TMP/c$i.txt"
		redis_cli "$port" <"$TMP/c$i.txt" >/dev/null 2>"$TMP/c$i.err" &
		pids+=($!)
	done
	local rc=0
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	{ redis_cli "$port" GET hits; redis_cli "$port" LLEN log
	  for i in 1 2 3 4; do redis_cli "$port" LPOS log $i COUNT 0 | wc -l; done
	  cat "$TMP"/c?.err; } >"$out"
	return $rc
}

redis_build; rc=$?
if built redis $rc "${REDIS_TESTS[@]}"; then
	PORT_N=$(real_free_port)
	redis_start "$TMP/redis-server.native" "$PORT_N" "$TMP/rn"; nstarted=$? NPID=$REDIS_PID
	PORT_E=$(real_free_port)
	redis_start "$TMP/redis-server.encl" "$PORT_E" "$TMP/re"; estarted=$? EPID=$REDIS_PID
	if [ $nstarted -ne 0 ]; then
		fail redis_server_starts "the native server did not start: $(redis_why "$TMP/rn")"
		real_skip_all "no native server to compare with" "${REDIS_TESTS[@]:2}"
	elif [ $estarted -ne 0 ]; then
		fail redis_server_starts "the enclave server did not answer PING: $(redis_why "$TMP/re")"
		real_skip_all "the enclave server did not start" "${REDIS_TESTS[@]:2}"
	else
		pass redis_server_starts
		redis_both redis_commands "$REAL_LIB/redis/commands.txt"
		awk 'BEGIN { for (i = 1; i <= 2000; i++) { print "SET key:" i " value-" i * i; print "RPUSH big " i }
			print "DBSIZE"; print "LLEN big"; print "GET key:1999"; print "LRANGE big 995 1004"
			print "LTRIM big 0 99"; print "LLEN big"; print "INFO keyspace" }' >"$TMP/bulk.txt"
		redis_both redis_bulk "$TMP/bulk.txt"
		redis_clients "$PORT_N" "$TMP/n.out"; nrc=$?; : >"$TMP/n.err"
		redis_clients "$PORT_E" "$TMP/e.out"; erc=$?; : >"$TMP/e.err"
		same_outputs redis_concurrent_clients $nrc $erc
		redis_stop "$PORT_N" "$NPID"; nrc=$?
		redis_stop "$PORT_E" "$EPID"; erc=$?
		if [ $nrc -eq $erc ]; then
			pass redis_shutdown
		else
			fail redis_shutdown "the enclave server exited $erc, the native one $nrc: $(redis_why "$TMP/re")"
		fi
	fi
fi
