# shellcheck shell=bash disable=SC2034
# SQLite's shell from Debian's sqlite3 source package, built twice from the
# same amalgamation with the same flags: with encl-cc ($TMP/sqlite3.encl) and
# natively with musl-gcc -static ($TMP/sqlite3.native). Sourced after
# tests/real/lib.sh.
#
# The package ships no sqlite3.c: its configure and Makefile generate the
# amalgamation (sqlite3.c) and the shell (shell.c) with tclsh and the host
# compiler, once; only the two C files are then compiled for each side.

# -O1 keeps the compile of the 8 MB amalgamation short; loadable extensions
# would need dlopen, which a static program has not.
SQLITE_CFLAGS=(-O1 -DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION)

# sqlite3_build: both executables in $TMP; else real_source's status and
# REAL_WHY, or 2 and REAL_WHY saying what failed to build
sqlite3_build() {
	local src amalg=$REAL/sqlite3/amalgamation native encl
	real_source sqlite3 || return
	src=$REAL_SRC
	native=$(real_tree sqlite3 native)
	encl=$(real_tree sqlite3 encl "$ROOT/build/bin/encl-cc")
	mkdir -p "$amalg" "$native" "$encl"
	# Configured out of tree (the source stays clean); shell.c last, as it is the mark.
	if ! real_cached "$amalg/shell.c" sh -c 'cd "$2" &&
			"$1/configure" --disable-tcl --disable-readline --disable-editline &&
			make -j2 sqlite3.c && make shell.c' sh "$src" "$amalg" >"$amalg/build.log" 2>&1; then
		REAL_WHY="generating sqlite3.c and shell.c failed: $(tail -5 "$amalg/build.log")"
		return 2
	fi
	# The two sides in parallel, each its two files one after the other.
	sqlite3_compile "$encl" encl-cc >"$TMP/sqlite3.encl.build" 2>&1 &
	local e=$!
	sqlite3_compile "$native" musl-gcc >"$TMP/sqlite3.native.build" 2>&1
	local nrc=$?
	if ! wait $e || [ $nrc -ne 0 ]; then
		REAL_WHY="compiling: $(tail -c 800 "$TMP/sqlite3.encl.build" "$TMP/sqlite3.native.build")"
		return 2
	fi
	if ! timeout -k 10 "$REAL_TIMEOUT" encl-cc "$encl"/sqlite3.o "$encl"/shell.o -lm -o "$TMP/sqlite3.encl" >"$TMP/sqlite3.build" 2>&1 ||
	   ! timeout -k 10 "$REAL_TIMEOUT" musl-gcc -static "$native"/sqlite3.o "$native"/shell.o -lm -o "$TMP/sqlite3.native" >"$TMP/sqlite3.build" 2>&1; then
		REAL_WHY="linking: $(tail -c 800 "$TMP/sqlite3.build")"
		return 2
	fi
}

# sqlite3_compile DIR CC: DIR/sqlite3.o and DIR/shell.o
sqlite3_compile() {
	local dir=$1 cc=$2 f
	for f in sqlite3 shell; do
		real_cached "$dir/$f.o" "$cc" "${SQLITE_CFLAGS[@]}" -I "$REAL/sqlite3/amalgamation" \
			-c "$REAL/sqlite3/amalgamation/$f.c" -o "$dir/$f.o" || return 1
	done
}

# sqlite3_rows N: SQL inserting N customers, N products, then 2N orders of
# them, one INSERT statement a row, in transactions of 500; the values are a
# fixed pseudo-random sequence, the same in every run
sqlite3_rows() {
	awk -v n="$1" -v q="'" '
	function r(m) { x = (x * 16807) % 2147483647; return x % m }
	function row(i, total, sql) {
		if (i % 500 == 1) print "BEGIN;"
		print sql
		if (i % 500 == 0 || i == total) print "COMMIT;"
	}
	BEGIN {
		x = 42
		for (i = 1; i <= n; i++)
			row(i, n, sprintf("INSERT INTO customer VALUES(%d, %sname-%d%s, %s%s%s);", i, q, r(100000), q,
				q, substr("OsloRomeLimaKyivBernNice", 1 + 4 * r(6), 4), q))
		for (i = 1; i <= n; i++)
			row(i, n, sprintf("INSERT INTO product VALUES(%d, %stitle %d%s, %d.%02d);", i, q, r(9999), q, r(500), r(100)))
		for (i = 1; i <= 2 * n; i++)
			row(i, 2 * n, sprintf("INSERT INTO orders(customer, product, qty, day) VALUES(%d, %d, %d, date(%s2024-01-01%s, %s+%d days%s));",
				1 + r(n), 1 + r(n), 1 + r(20), q, q, q, r(365), q))
	}'
}

# sqlite3_writer WRITER FIRST LAST: SQL for one of several concurrent
# writers: rows FIRST to LAST tagged WRITER, ten per transaction, then the
# line "done|LAST" on stdout
sqlite3_writer() {
	awk -v w="$1" -v first="$2" -v last="$3" 'BEGIN {
		for (i = first; i <= last; i++) {
			if ((i - first) % 10 == 0) print "BEGIN IMMEDIATE;"
			printf "INSERT INTO w(writer, seq) VALUES(%d, %d);\n", w, i
			if ((i - first) % 10 == 9 || i == last) print "COMMIT;"
		}
		printf "SELECT %sdone%s, %d;\n", "\047", "\047", last
	}'
}
