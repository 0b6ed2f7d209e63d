#!/bin/bash
# encl cas serve and encl cas session: sessions created, shown, updated and
# deleted over TLS; owners, stale predecessors and the service's key
# checked; bad input and idle or garbage connections refused without
# harm; and every acknowledged update survives kill -9 during 100
# concurrent updates.
. "$(dirname "$0")/lib.sh"
plan 23

MRE=1111111111111111111111111111111111111111111111111111111111111111
export XDG_CONFIG_HOME=$TMP/me
DB=$TMP/cas.db
SERVER=

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start: the service in the background on $ADDR, waiting for its one line
start() {
	encl cas serve --db "$DB" --listen "$ADDR" >"$TMP/serve.out" 2>>"$TMP/serve.log" &
	SERVER=$!
	for _ in $(seq 100); do
		grep -q listening "$TMP/serve.out" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
stop() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; SERVER=; }
trap 'stop; rm -rf "$TMP"' EXIT

session() { # NAME [extra YAML]
	printf 'name: %s\nversion: "0.3"\nservices:\n  - name: svc\n    attestation:\n      - mrenclave: [%s]\n    command: [prog, "$$SCONE::pw$$"]\nsecrets:\n  - {name: pw, kind: hex, size: 16}\n%s' "$1" "$MRE" "${2:-}"
}

ADDR=127.0.0.1:$(free_port)
if start && grep -qE "listening on $ADDR, key fingerprint [0-9a-f]{64}$" "$TMP/serve.out"; then
	pass serve_prints_address_and_fingerprint
else
	fail serve_prints_address_and_fingerprint "$(cat "$TMP/serve.out" "$TMP/serve.log")"
fi
FP=$(grep -oE '[0-9a-f]{64}$' "$TMP/serve.out")
CAS="encl cas session --cas $ADDR"

session demo >"$TMP/v1.yaml"
V1=$($CAS create "$TMP/v1.yaml" 2>"$TMP/err")
check create_prints_version [ "$V1" = "$(sha256sum <"$TMP/v1.yaml" | cut -c1-64)" ]
check tofu_remembers_the_key grep -q "^$ADDR $FP\$" "$XDG_CONFIG_HOME/encl/cas-known-services"

$CAS show demo >"$TMP/show" 2>"$TMP/err"
check show_prints_yaml_and_version [ "$(cat "$TMP/show")" = "$(cat "$TMP/v1.yaml"; echo "# version: $V1")" ]

# the generated secret is in the database, and nowhere in what show prints
SECRET=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT hex(value) FROM secrets WHERE session='demo'\").fetchone()[0].lower())" "$DB")
if [ ${#SECRET} -eq 32 ] && ! grep -qi "$SECRET" "$TMP/show"; then
	pass generated_secret_never_shown
else
	fail generated_secret_never_shown "secret '$SECRET'"
fi

{ session demo "security: {attestation: {tolerate: [simulation]}}
"; echo "predecessor: $V1"; } >"$TMP/v2.yaml"
V2=$($CAS update "$TMP/v2.yaml" 2>"$TMP/err")
check update_prints_new_version [ "$V2" = "$(sha256sum <"$TMP/v2.yaml" | cut -c1-64)" ]
expect_exit stale_predecessor_refused 1 "stale predecessor $V1.*at version $V2" $CAS update "$TMP/v2.yaml"
expect_exit create_existing_refused 1 "exists; update it with predecessor: $V2" $CAS create "$TMP/v1.yaml"

XDG_CONFIG_HOME=$TMP/other expect_exit other_key_cannot_read 1 "not the owner" $CAS show demo
{ session demo; echo "predecessor: $V2"; } >"$TMP/v3.yaml"
XDG_CONFIG_HOME=$TMP/other expect_exit other_key_cannot_update 1 "not the owner" $CAS update "$TMP/v3.yaml"
XDG_CONFIG_HOME=$TMP/other expect_exit other_key_cannot_delete 1 "not the owner" $CAS delete demo

mkdir -p "$TMP/moved/encl"
echo "$ADDR 0000000000000000000000000000000000000000000000000000000000000000" \
	>"$TMP/moved/encl/cas-known-services"
XDG_CONFIG_HOME=$TMP/moved expect_exit tofu_changed_key_refused 1 \
	"has key $FP, but 0{64} was remembered" $CAS show demo
check cas_cert_pins_the_key bash -c "$CAS --cas-cert $DB.crt show demo >/dev/null"

printf 'name: bad\nservices: [ {name: a\n' >"$TMP/bad.yaml"
expect_exit malformed_yaml_refused 1 "refused: session.yaml:3:1: " $CAS create "$TMP/bad.yaml"
{ session bad; echo "colour: red"; } >"$TMP/unknown.yaml"
expect_exit unknown_field_refused 1 "session.yaml:[0-9]+:[0-9]+: unknown key 'colour'" $CAS create "$TMP/unknown.yaml"
head -c $(((1 << 20) + 1)) /dev/zero >"$TMP/big.yaml"
expect_exit oversized_file_refused_by_client 2 "larger than the 1048576 bytes" $CAS create "$TMP/big.yaml"
expect_exit nonce_ttl_out_of_range 2 "--nonce-ttl: '0' is not a number from 1 to 3600" \
	encl cas serve --db "$TMP/never.db" --nonce-ttl 0

# Below the client: an oversized frame over TLS, garbage bytes, and 1,000
# connections opened and dropped. The service must answer afterwards.
python3 - "${ADDR%:*}" "${ADDR##*:}" >"$TMP/py.out" 2>&1 <<'PY'
import socket, ssl, struct, sys
host, port = sys.argv[1], int(sys.argv[2])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with ctx.wrap_socket(socket.create_connection((host, port))) as s:
    s.sendall(struct.pack("<IHH", (1 << 20) + 1, 1, 0))
    head = s.recv(8)
    n, t, _ = struct.unpack("<IHH", head)
    body = b""
    while len(body) < n:
        body += s.recv(n - len(body))
    print("oversized", t, body.decode())
for _ in range(3):
    with socket.create_connection((host, port)) as s:
        s.sendall(b"\x16\x03\x01garbage" * 50)
        s.settimeout(5)
        try:
            s.recv(100)
        except OSError:
            pass
print("garbage done")
for _ in range(1000):
    socket.create_connection((host, port)).close()
print("1000 done")
PY
check oversized_frame_refused grep -q "^oversized 255 request of 1048577 bytes is larger than the limit" "$TMP/py.out"
check garbage_and_dropped_connections_survived grep -q "^1000 done" "$TMP/py.out"
check still_answers_afterwards bash -c "$CAS show demo >/dev/null"

# Durability: 100 sessions, one concurrent update each, kill -9 in the middle.
for i in $(seq 100); do session "d$i" >"$TMP/d$i.yaml"; done
for i in $(seq 100); do echo "$(sha256sum <"$TMP/d$i.yaml" | cut -c1-64)"; done >"$TMP/d.v1"
pids=
for i in $(seq 100); do $CAS create "$TMP/d$i.yaml" >/dev/null 2>&1 & pids="$pids $!"; done
wait $pids
for i in $(seq 100); do
	{ session "d$i" "security: {attestation: {tolerate: [debug-mode]}}
"; echo "predecessor: $(sed -n "${i}p" "$TMP/d.v1")"; } >"$TMP/u$i.yaml"
done
for i in $(seq 100); do
	( h=$($CAS update "$TMP/u$i.yaml" 2>/dev/null) && echo "$i $h" >"$TMP/ack.$i" ) &
done
sleep 0.3
kill -9 "$SERVER"
wait 2>/dev/null
SERVER=
start
lost=0 acked=0
for f in "$TMP"/ack.*; do
	[ -e "$f" ] || continue
	read -r i h <"$f"
	acked=$((acked + 1))
	grep -q "^# version: $h\$" <($CAS show "d$i" 2>/dev/null) || lost=$((lost + 1))
done
if [ "$acked" -eq 0 ]; then
	skip acknowledged_updates_survive_kill_9 "no update was acknowledged before kill -9"
elif [ "$lost" -eq 0 ]; then
	pass acknowledged_updates_survive_kill_9
else
	fail acknowledged_updates_survive_kill_9 "$lost of $acked acknowledged updates lost"
fi
echo "  ($acked of 100 updates acknowledged before kill -9)" >&2

stop
check integrity_check_after_crash bash -c "encl cas check --db $DB >/dev/null"
start
check delete_then_unknown bash -c "$CAS delete demo && ! $CAS show demo 2>/dev/null"
kill -TERM "$SERVER"
wait "$SERVER"
rc=$?
SERVER=
check sigterm_ends_cleanly [ "$rc" -eq 0 ]
