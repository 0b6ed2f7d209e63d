#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Servers over loopback TCP: tests/programs/echo_server.c (epoll
# edge-triggered, poll, select), http_server.c (a worker pool, keep-alive)
# and connect_nb.c (non-blocking connect, poll, SO_ERROR). Each is built
# with encl-cc and natively; the same clients run against both builds, and
# the enclave must give what the native build gives: the native one is
# checked against what the clients expect, the enclave one against the
# native one. Servers bind port 0 and print the port; each runs under a
# timeout and is killed when its test fails. No time is asserted.
. "$(dirname "$0")/lib.sh"

sim_defaults
require_enclave_toolchain
plan 20

# The longest a server or a client may take before it counts as hung.
LIMIT=${SERVERS_TIMEOUT:-60}

ok=1
for n in echo_server http_server connect_nb; do
	build_program "$n" || ok=
done
if ! cc -std=gnu11 -O2 -Wall -Wextra -Werror "$PROGS/echo_client.c" -o "$TMP/echo_client" 2>"$TMP/client.build"; then
	fail build_echo_client "cc: $(head -c 600 "$TMP/client.build")"
	ok=
fi
[ "$ok" ] || exit 0

# start_server NAME CMD...: CMD in the background under the timeout, its
# stdout in $TMP/NAME.out and stderr in $TMP/NAME.err; sets SERVER and
# PORT once the server has printed its port. When it does not: 1, the
# server killed, and what it said in WHY.
start_server() {
	local name=$1 i
	shift
	: >"$TMP/$name.out"	# there before the first look at it
	timeout -k 5 "$LIMIT" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	SERVER=$! PORT=
	for ((i = 0; i < LIMIT * 10; i++)); do
		PORT=$(head -n1 "$TMP/$name.out")
		[[ $PORT =~ ^[0-9]+$ ]] && return 0
		kill -0 "$SERVER" 2>/dev/null || break
		sleep 0.1
	done
	kill "$SERVER" 2>/dev/null
	wait "$SERVER"
	WHY="no port printed: $(head -c 300 "$TMP/$name.out"); stderr: $(head -c 400 "$TMP/$name.err")"
	return 1
}

# stop_server [SIGNAL]: the server's exit status (after SIGNAL, if given)
stop_server() {
	[ $# -eq 0 ] || kill -s "$1" "$SERVER" 2>/dev/null
	wait "$SERVER"
}

# summary NAME: the server's last line, its summary
summary() { tail -n +2 "$TMP/$1.out"; }

# ---- echo: 50 connections at once, every byte checked, in each mode ----
for mode in epoll poll select; do
	for b in native encl; do
		t=echo_${mode}_$b
		if ! start_server "$t" "$TMP/echo_server.$b" "$mode" 50; then
			fail "$t" "$WHY"
			continue
		fi
		timeout -k 5 "$LIMIT" "$TMP/echo_client" "$PORT" 50 >"$TMP/$t.client" 2>&1
		crc=$?
		[ $crc -eq 0 ] || kill "$SERVER" 2>/dev/null
		stop_server; src=$?
		if [ $crc -ne 0 ] || [ $src -ne 0 ]; then
			fail "$t" "client exit $crc: $(head -c 400 "$TMP/$t.client"); server exit $src: $(head -c 400 "$TMP/$t.err")"
		elif [ $b = native ]; then
			# The server counts what the client sent: 50 connections, the same bytes.
			want="served 50 connections, $(sed -n 's/^echoed 50 connections, \([0-9]*\) bytes$/\1/p' "$TMP/$t.client") bytes"
			if [ "$(summary "$t")" = "$want" ]; then
				pass "$t"
			else
				fail "$t" "server says '$(summary "$t")', expected '$want'"
			fi
		elif [ "$(summary "$t")" = "$(summary "echo_${mode}_native")" ] &&
		     cmp -s "$TMP/$t.client" "$TMP/echo_${mode}_native.client"; then
			pass "$t"
		else
			fail "$t" "enclave: '$(summary "$t")', $(cat "$TMP/$t.client"); native: '$(summary "echo_${mode}_native")'"
		fi
	done
done

# ---- echo until SIGTERM: the connections served before it are counted ----
for b in native encl; do
	t=echo_sigterm_$b
	if ! start_server "$t" "$TMP/echo_server.$b" epoll 0; then
		fail "$t" "$WHY"
		continue
	fi
	timeout -k 5 "$LIMIT" "$TMP/echo_client" "$PORT" 3 >"$TMP/$t.client" 2>&1
	crc=$?
	stop_server TERM; src=$?
	want="served 3 connections, $(sed -n 's/^echoed 3 connections, \([0-9]*\) bytes$/\1/p' "$TMP/$t.client") bytes"
	if [ $crc -eq 0 ] && [ $src -eq 0 ] && [ "$(summary "$t")" = "$want" ]; then
		pass "$t"
	else
		fail "$t" "client exit $crc: $(head -c 300 "$TMP/$t.client"); server exit $src: '$(summary "$t")', expected '$want'; $(head -c 300 "$TMP/$t.err")"
	fi
done

# ---- HTTP ----
# The bodies of /size/N, written by Python from the definition in
# http_server.c: byte i = 7i + 13(i>>8) + 29(i>>16) mod 256. Within a block
# of 256 (i = 256h + l) that is 7l + 13h + 29(h>>8): the block's base
# shifted by a constant.
pattern() {
	python3 -c '
import sys
n = int(sys.argv[1])
base = bytes(7 * l % 256 for l in range(256))
shift = [bytes((x + c) % 256 for x in range(256)) for c in range(256)]
out = bytearray()
for h in range((n + 255) // 256):
    out += base.translate(shift[(13 * h + 29 * (h >> 8)) % 256])
sys.stdout.buffer.write(out[:n])' "$1" >"$TMP/pattern.$1"
}
SIZES="0 1 65536 1048576 10485760"
for s in $SIZES; do pattern "$s"; done

# http_checks B: run the clients against the server built as B; each check
# writes what went wrong, nothing when all is right, into $TMP/http_B/CHECK.
http_checks() {
	local b=$1 url i s
	local d=$TMP/http_$b
	mkdir -p "$d"
	url=http://127.0.0.1:$PORT
	# One curl, one keep-alive connection: every size, the page, two 404s.
	local args=() out codes conns want=""
	for s in $SIZES; do
		args+=(-o "$d/size.$s" "$url/size/$s")
		want+="200 "
	done
	args+=(-o "$d/page" "$url/" -o "$d/missing" "$url/missing" -o "$d/badsize" "$url/size/12x")
	want+="200 404 404 "
	out=$(timeout -k 5 "$LIMIT" curl -sS --max-time "$LIMIT" -w '%{http_code} %{num_connects}\n' "${args[@]}" 2>"$d/curl.err")
	codes=$(awk '{ printf "%s ", $1 }' <<<"$out")
	# num_connects: the connections curl opened for that URL; keep-alive opens one in all
	conns=$(awk '{ c += $2 } END { print c }' <<<"$out")
	{
		[ "$codes" = "$want" ] || echo "status codes '$codes', expected '$want'; $(head -c 300 "$d/curl.err")"
		[ "$conns" = 1 ] || echo "$conns connections for $(wc -l <<<"$out") requests, expected 1 (keep-alive)"
		for s in $SIZES; do
			cmp "$TMP/pattern.$s" "$d/size.$s" 2>&1 | head -2
		done
		grep -q '<html>' "$d/page" || echo "GET / is not the page: $(head -c 200 "$d/page")"
	} >"$d/keepalive"
	# Four curls at once, each two large bodies on its connection.
	local pids=()
	for i in 1 2 3 4; do
		timeout -k 5 "$LIMIT" curl -sS --max-time "$LIMIT" -o "$d/par$i.a" "$url/size/1048576" \
			-o "$d/par$i.b" "$url/size/10485760" 2>"$d/par$i.err" &
		pids+=($!)
	done
	{
		for i in 1 2 3 4; do
			wait "${pids[i - 1]}" || echo "curl $i failed: $(head -c 300 "$d/par$i.err")"
			cmp "$TMP/pattern.1048576" "$d/par$i.a" 2>&1 | head -2
			cmp "$TMP/pattern.10485760" "$d/par$i.b" 2>&1 | head -2
		done
	} >"$d/parallel"
	# Two requests pipelined on one connection, the second asking to close;
	# the 405 closes the connection after it too, so that the server counts it.
	{
		exec 3<>"/dev/tcp/127.0.0.1/$PORT"
		printf 'GET /size/16 HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3
		timeout -k 5 "$LIMIT" cat <&3
		exec 3<&-
		exec 3<>"/dev/tcp/127.0.0.1/$PORT"
		printf 'DELETE / HTTP/1.1\r\nHost: x\r\n\r\n' >&3
		timeout -k 5 "$LIMIT" cat <&3
		exec 3<&-
	} >"$d/pipelined.raw" 2>&1
	# What the native build answered is checked here once, by its status lines and their order.
	grep -ao 'HTTP/1\.1 [0-9]* [A-Za-z ]*' "$d/pipelined.raw" | tr '\n' ' ' >"$d/pipelined"
}
HTTP_CONNECTIONS=7	# 1 keep-alive + 4 parallel + 2 raw
for b in native encl; do
	t=http_$b
	if ! start_server "$t" "$TMP/http_server.$b" $HTTP_CONNECTIONS; then
		for c in keepalive parallel pipelined summary; do fail "${t}_$c" "$WHY"; done
		continue
	fi
	http_checks $b
	d=$TMP/http_$b
	want="HTTP/1.1 200 OK HTTP/1.1 200 OK HTTP/1.1 405 Method Not Allowed "
	# A client that failed may have left the server waiting for a connection.
	if [ -s "$d/keepalive" ] || [ -s "$d/parallel" ] || [ "$(cat "$d/pipelined")" != "$want" ]; then
		stop_server TERM; src=$?
	else
		stop_server; src=$?
	fi
	for c in keepalive parallel; do
		if [ -s "$d/$c" ]; then fail "${t}_$c" "$(head -c 600 "$d/$c")"; else pass "${t}_$c"; fi
	done
	if [ "$(cat "$d/pipelined")" = "$want" ] &&
	   { [ $b = native ] || cmp -s "$d/pipelined.raw" "$TMP/http_native/pipelined.raw"; }; then
		pass "${t}_pipelined"
	else
		fail "${t}_pipelined" "status lines '$(cat "$d/pipelined")', expected '$want' (and the native bytes); $(head -c 300 "$d/pipelined.raw")"
	fi
	# The summary: every connection ended, the same counts in and out of the enclave.
	if [ $src -eq 0 ] && [[ $(summary "$t") == "served $HTTP_CONNECTIONS connections, "* ]] &&
	   { [ $b = native ] || [ "$(summary "$t")" = "$(summary http_native)" ]; }; then
		pass "${t}_summary"
	else
		fail "${t}_summary" "exit $src, '$(summary "$t")' (native: '$(summary http_native)'); $(head -c 300 "$TMP/$t.err")"
	fi
done

# ---- HTTP until SIGTERM: an idle keep-alive connection does not hold it up ----
for b in native encl; do
	t=http_sigterm_$b
	if ! start_server "$t" "$TMP/http_server.$b" 0; then
		fail "$t" "$WHY"
		continue
	fi
	# One answered request, then the connection stays open and idle.
	exec 3<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET /size/100 HTTP/1.1\r\nHost: x\r\n\r\n' >&3
	timeout -k 5 "$LIMIT" head -c 1 <&3 >/dev/null
	stop_server TERM; src=$?
	exec 3<&-
	want="served 1 connections, 1 requests, 100 body bytes"
	if [ $src -eq 0 ] && [ "$(summary "$t")" = "$want" ]; then
		pass "$t"
	else
		fail "$t" "exit $src, '$(summary "$t")', expected '$want'; $(head -c 300 "$TMP/$t.err")"
	fi
done

# ---- non-blocking connect: refused, accepted, timed out ----
"$TMP/connect_nb.native" >"$TMP/connect_nb.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q WRONG "$TMP/connect_nb.out"; then
	pass connect_nb_native
else
	fail connect_nb_native "exit $rc: $(grep WRONG "$TMP/connect_nb.out" | head -5)"
fi
E2E_TIMEOUT=$LIMIT same connect_nb connect_nb_encl --
