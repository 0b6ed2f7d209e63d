#!/bin/bash
# Attestation end to end (docs/attestation.md): `encl cas serve`, sessions made
# with `encl cas session create`, and enclaves started with SCONE_CONFIG_ID
# that get their argv, environment and secret from the service, or stop with
# 125 and the reason, releasing nothing.
#
# What this script takes from the CLI (docs/attestation.md):
#   encl cas --help                        exits 0 when the service is built
#   encl cas serve --db FILE --listen 127.0.0.1:PORT
#                                          runs in the foreground until killed and
#                                          prints a line with its fingerprint (the
#                                          first run of 64 hex digits in its output)
#   encl cas session create --cas ADDR FILE.yaml
#                                          exits 0; its client key and the services
#                                          it trusts live under $XDG_CONFIG_HOME/encl
. "$(dirname "$0")/lib.sh"

TESTS=(serve session_create sgx1_run edmm_run edmm_same_secret edmm_only_refuses_sgx1
       modified_binary other_signer debug_not_tolerated sim_not_tolerated replayed_quote
       relay_flips_evidence relay_flips_config strace_no_secret no_config_id_unchanged
       measured_pin_accepts measured_pin_refuses_other unknown_session unknown_service
       unreachable env_pin_refuses_other unpinned_warns)
plan ${#TESTS[@]}

if ! encl cas --help >/dev/null 2>&1; then
	for t in "${TESTS[@]}"; do skip "$t" "encl cas is not built"; done
	exit 0
fi
require_enclave_toolchain
sim_defaults
unset SCONE_CONFIG_ID SCONE_CAS_ADDR SCONE_CAS_KEY ENCL_SIM_CAS_RECORD
export XDG_CONFIG_HOME=$TMP/xdg
SECRET=e2e-S3cr3t-$$-value

# The program: its argv, MODE, and a digest of DB_PASSWORD (FNV-1a, never the value).
cat >"$TMP/app.c" <<'C'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	const char *s = getenv("DB_PASSWORD"), *mode = getenv("MODE");
	uint64_t h = 1469598103934665603ULL;

	for (int i = 0; i < argc; i++)
		printf("argv[%d]=%s\n", i, argv[i]);
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	printf("MODE=%s secret-digest=%016llx%s\n", mode ? mode : "(unset)",
	       (unsigned long long)h, VARIANT);
	return 0;
}
C
build() {	# build OUT VARIANT [encl-cc options]
	local out=$1 v=$2; shift 2
	encl-cc -O2 "-DVARIANT=\"$v\"" "$TMP/app.c" -o "$out" "$@" 2>"$TMP/build.err" ||
		{ fail build "encl-cc: $(head -c 600 "$TMP/build.err")"; exit 0; }
}
build "$TMP/app" ""
build "$TMP/app-modified" " (modified)"
build "$TMP/app-fp" ""
SGX1=$(SCONE_HASH=1 "$TMP/app")
EDMM=$(SCONE_EDMM_HASH=1 "$TMP/app")
MRSIGNER=$(encl info "$TMP/app" | awk '/mrsigner/ { print $2; exit }')

# The service, on a free port.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADDR=127.0.0.1:$PORT
encl cas serve --db "$TMP/cas.db" --listen "$ADDR" >"$TMP/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null; wait $SERVE 2>/dev/null; rm -rf "$TMP"' EXIT
FP=
for _ in $(seq 100); do
	FP=$(grep -oE '[0-9a-f]{64}' "$TMP/serve.log" | head -1)
	[ -n "$FP" ] && python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null && break
	sleep 0.1
done
if [ -z "$FP" ]; then
	fail serve "no fingerprint from encl cas serve: $(head -c 400 "$TMP/serve.log")"
	exit 0
fi
pass serve

# session NAME ATTESTATION TOLERATE: a session with one service, "app"
session() {
	cat >"$TMP/$1.yaml" <<Y
name: $1
version: "0.3"
services:
  - name: app
    attestation:
      - $2
    command: [app, --from-cas]
    environment:
      DB_PASSWORD: \$\$SCONE::pw\$\$
      MODE: production
secrets:
  - name: pw
    kind: ascii
    value: "$SECRET"
security:
  attestation:
    tolerate: [$3]
Y
	encl cas session create --cas "$ADDR" "$TMP/$1.yaml" >"$TMP/create.out" 2>&1
}
check session_create session both "mrenclave: [$SGX1, $EDMM]" "debug-mode, simulation"
session edmm-only "mrenclave: [$EDMM]" "debug-mode, simulation"
session signer "signer: {mrsigner: $(printf '0%.0s' {1..64})}" "debug-mode, simulation"
session no-debug "mrenclave: [$SGX1, $EDMM]" "simulation"
session no-sim "mrenclave: [$SGX1, $EDMM]" "debug-mode"

# attest SESSION [VAR=VALUE...] -- PROGRAM ARGS: a run attested for SESSION/app
attest() {
	local s=$1; shift
	local vars=()
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	env SCONE_CONFIG_ID="$s/app" SCONE_CAS_ADDR="$ADDR" "${vars[@]}" "$@"
}
WANT="argv[0]=app
argv[1]=--from-cas
MODE=production secret-digest="
if attest both SCONE_EDMM_MODE=disable -- "$TMP/app" host-arg >"$TMP/sgx1.out" 2>"$TMP/sgx1.err" &&
   grep -q "^MODE=production secret-digest=" "$TMP/sgx1.out" && ! grep -q host-arg "$TMP/sgx1.out" &&
   [ "$(head -2 "$TMP/sgx1.out")" = "$(echo "$WANT" | head -2)" ]; then
	pass sgx1_run
else
	fail sgx1_run "stdout: $(head -c 300 "$TMP/sgx1.out"); stderr: $(head -c 300 "$TMP/sgx1.err")"
fi
if attest both SCONE_EDMM_MODE=enable -- "$TMP/app" >"$TMP/edmm.out" 2>"$TMP/edmm.err"; then
	pass edmm_run
else
	fail edmm_run "stderr: $(head -c 300 "$TMP/edmm.err")"
fi
check edmm_same_secret cmp -s "$TMP/sgx1.out" "$TMP/edmm.out"

# refused NAME PATTERN SESSION [VAR=VALUE...] -- PROGRAM: 125, the reason, nothing released
refused() {
	local n=$1 pat=$2; shift 2
	attest "$@" >"$TMP/r.out" 2>"$TMP/r.err"
	local rc=$?
	if [ $rc -ne 125 ]; then
		fail "$n" "exit $rc, expected 125; stderr: $(head -c 400 "$TMP/r.err")"
	elif ! grep -qiE -- "$pat" "$TMP/r.err"; then
		fail "$n" "stderr lacks /$pat/: $(head -c 400 "$TMP/r.err")"
	elif [ -s "$TMP/r.out" ] || grep -q -- "$SECRET" "$TMP/r.err"; then
		fail "$n" "something was released: $(head -c 300 "$TMP/r.out")"
	else
		pass "$n"
	fi
}
refused edmm_only_refuses_sgx1 "refused" edmm-only SCONE_EDMM_MODE=disable -- "$TMP/app"
refused modified_binary "refused.*[0-9a-f]{64}" both -- "$TMP/app-modified"
refused other_signer "refused" signer -- "$TMP/app"
refused debug_not_tolerated "refused.*debug" no-debug -- "$TMP/app"
refused sim_not_tolerated "refused.*simulat" no-sim -- "$TMP/app"

export ENCL_SIM_CAS_RECORD=$TMP/evidence.bin
attest both ENCL_SIM_HOSTILE=cas-record -- "$TMP/app" >/dev/null 2>&1
refused replayed_quote "refused.*(nonce|replay)" both ENCL_SIM_HOSTILE=cas-replay -- "$TMP/app"
unset ENCL_SIM_CAS_RECORD
refused relay_flips_evidence "refused" both ENCL_SIM_HOSTILE=cas-flip-evidence -- "$TMP/app"
refused relay_flips_config "bad signature|wrong key|nonce|config id|size|reserved|version" \
	both ENCL_SIM_HOSTILE=cas-flip-config -- "$TMP/app"

# The whole run, every system call with its whole buffers: no secret in the clear.
if ! command -v strace >/dev/null; then
	fail strace_no_secret "strace is missing (scripts/install-deps installs it)"
elif attest both -- strace -f -s 65536 -e trace=all -o "$TMP/strace.log" "$TMP/app" >"$TMP/st.out" 2>&1 &&
     cmp -s "$TMP/st.out" "$TMP/sgx1.out"; then
	if grep -qF -- "$SECRET" "$TMP/strace.log"; then
		fail strace_no_secret "the secret appears in the strace log"
	else
		pass strace_no_secret
	fi
else
	fail strace_no_secret "the traced run failed: $(head -c 300 "$TMP/st.out")"
fi

if "$TMP/app" host-arg >"$TMP/plain.out" 2>"$TMP/plain.err" &&
   grep -q "^argv\[1\]=host-arg$" "$TMP/plain.out" && grep -q "^MODE=(unset)" "$TMP/plain.out"; then
	pass no_config_id_unchanged
else
	fail no_config_id_unchanged "$(head -c 300 "$TMP/plain.out") $(head -c 300 "$TMP/plain.err")"
fi

# A measured pin: the service's own fingerprint works, another one is refused.
encl sign --cas-key "$FP" "$TMP/app-fp" 2>"$TMP/sign.err" || fail sign "$(cat "$TMP/sign.err")"
session pinned "mrenclave: [$(SCONE_HASH=1 "$TMP/app-fp"), $(SCONE_EDMM_HASH=1 "$TMP/app-fp")]" \
	"debug-mode, simulation"
if attest pinned -- "$TMP/app-fp" >"$TMP/pin.out" 2>"$TMP/pin.err" &&
   grep -q "^MODE=production" "$TMP/pin.out"; then
	pass measured_pin_accepts
else
	fail measured_pin_accepts "stderr: $(head -c 300 "$TMP/pin.err")"
fi
encl sign --cas-key "$(printf '7%.0s' {1..64})" "$TMP/app-fp" 2>"$TMP/sign.err" ||
	fail sign "$(cat "$TMP/sign.err")"
refused measured_pin_refuses_other "not the pinned one" both -- "$TMP/app-fp"

refused unknown_session "unknown session|no session" nosuch -- "$TMP/app"
refused unknown_service "unknown service|no service" both SCONE_CONFIG_ID=both/nosuch -- "$TMP/app"
refused unreachable "unreachable|connect|refused" both SCONE_CAS_ADDR=127.0.0.1:1 -- "$TMP/app"
refused env_pin_refuses_other "not the pinned one" both SCONE_CAS_KEY="$(printf '7%.0s' {1..64})" -- "$TMP/app"
# Without a pin the runtime says once that it takes the service's key on trust.
if attest both SCONE_LOG=warning -- "$TMP/app" >/dev/null 2>"$TMP/warn.err" &&
   [ "$(grep -ci 'no service key pinned' "$TMP/warn.err")" = 1 ]; then
	pass unpinned_warns
else
	fail unpinned_warns "stderr: $(head -c 300 "$TMP/warn.err")"
fi
