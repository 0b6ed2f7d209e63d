#!/bin/bash
# encl policy check|template on the command line: identities given with
# --mrenclave and friends, then real executables built with encl-cc.
. "$(dirname "$0")/lib.sh"

HA=$(printf 'a%.0s' {1..64})
HB=$(printf 'b%.0s' {1..64})
HS=$(printf '51%.0s' {1..32})

# expect_out NAME CODE PATTERN COMMAND...: exit status CODE and PATTERN on stdout
expect_out() {
	local n=$1 code=$2 pat=$3; shift 3
	"$@" >"$TMP/stdout" 2>"$TMP/stderr"
	local rc=$?
	if [ $rc -ne "$code" ]; then
		fail "$n" "exit $rc, expected $code: $*; stdout: $(head -c 400 "$TMP/stdout");" \
			"stderr: $(head -c 400 "$TMP/stderr")"
	elif ! grep -qE -- "$pat" "$TMP/stdout"; then
		fail "$n" "stdout lacks /$pat/: $(head -c 400 "$TMP/stdout")"
	else
		pass "$n"
	fi
}

cat >"$TMP/p.yaml" <<EOF
name: e2e
version: "0.3"
services:
  - name: or
    attestation:
      - mrenclave: [$HA]
      - signer: {mrsigner: $HS, isvprodid: 1, isvsvn_min: 3}
  - name: and
    attestation:
      mrenclave: $HA
      signer: {mrsigner: $HS, isvprodid: 1}
EOF
cat >"$TMP/debug.yaml" <<EOF
services:
  - name: s
    attestation: {mrenclave: $HA}
security:
  attestation:
    tolerate: [debug-mode]
EOF
P=$TMP/p.yaml

# ---- identities given on the command line ---------------------------------

expect_out given_accepted 0 "^mrenclave: accepted \(.*mrenclave listed at line 6\)$" \
	encl policy check "$P" --service or --mrenclave "$HA"
expect_out given_label_mode 0 "^edmm: accepted " \
	encl policy check "$P" --service or --mode edmm --mrenclave "$HA"
expect_out given_rejected 1 "^sgx1: rejected \(none of 2 alternatives matched: .*bbbbbbbbbbbbbbbb\.\.\. is not the one at line 6" \
	encl policy check "$P" --service or --mode sgx1 --mrenclave "$HB"
expect_out signer_alternative 0 "^mrenclave: accepted \(alternative 2 \(line 7\): signer at line 7 matches" \
	encl policy check "$P" --service or --mrenclave "$HB" --mrsigner "$HS" --isvprodid 1 --isvsvn 4
expect_out isvsvn_min_rejects 1 "isvsvn 2 is below isvsvn_min 3" \
	encl policy check "$P" --service or --mrenclave "$HB" --mrsigner "$HS" --isvprodid 1 --isvsvn 2
expect_out and_needs_signer 1 "^mrenclave: rejected \(signer at line 11: no MRSIGNER was given" \
	encl policy check "$P" --service and --mrenclave "$HA"
expect_out and_needs_mrenclave 1 "^mrenclave: rejected \(mrenclave b{16}\.\.\. is not the one at line 10\)$" \
	encl policy check "$P" --service and --mrenclave "$HB" --mrsigner "$HS" --isvprodid 1
expect_out and_both 0 "accepted \(mrenclave listed at line 10 and signer at line 11 matches" \
	encl policy check "$P" --service and --mrenclave "$HA" --mrsigner "$HS" --isvprodid 1
expect_out debug_rejected 1 "rejected \(debug enclave.*debug-mode" \
	encl policy check "$P" --service or --mrenclave "$HA" --debug
expect_out debug_tolerated 0 "accepted \(.*debug-mode tolerated\)" \
	encl policy check "$TMP/debug.yaml" --service s --mrenclave "$HA" --debug
expect_out policy_from_stdin 0 "^mrenclave: accepted" \
	sh -c "encl policy check - --service or --mrenclave $HA < '$P'"

# ---- bad input: exit 2 with the line ----------------------------------------

printf 'services:\n  - name: s\n    attestation: [{mrenclave: %s}\n' "$HA" >"$TMP/malformed.yaml"
expect_exit malformed_yaml 2 "malformed\.yaml:4:1: " \
	encl policy check "$TMP/malformed.yaml" --service s --mrenclave "$HA"
printf 'services:\n  - name: s\n    atestation: [{mrenclave: %s}]\n' "$HA" >"$TMP/key.yaml"
expect_exit unknown_key 2 "key\.yaml:3:5: unknown key 'atestation'" \
	encl policy check "$TMP/key.yaml" --service s --mrenclave "$HA"
printf 'services:\n  - name: s\n    attestation:\n      - mrenclave: %s\n' "${HA:1}" >"$TMP/short.yaml"
expect_exit hash_63_chars 2 "short\.yaml:4:20: mrenclave must be 64 hex characters, got 63" \
	encl policy check "$TMP/short.yaml" --service s --mrenclave "$HA"
printf 'services:\n  - name: s\n    attestation: [{mrenclave: %s}]\n  - name: s\n    attestation: [{mrenclave: %s}]\n' "$HA" "$HA" >"$TMP/dup.yaml"
expect_exit duplicate_service 2 "dup\.yaml:4:5: duplicate service name 's'" \
	encl policy check "$TMP/dup.yaml" --service s --mrenclave "$HA"
expect_exit unknown_service 2 "no service 'nope'" \
	encl policy check "$P" --service nope --mrenclave "$HA"
expect_exit missing_policy_file 2 "No such file" \
	encl policy check "$TMP/none.yaml" --service s --mrenclave "$HA"
expect_exit bad_mrenclave_arg 2 "--mrenclave must be 64 hex characters, got 65" \
	encl policy check "$P" --service or --mrenclave "${HA}a"
expect_exit both_needs_binary 2 "--mode both needs a BINARY" \
	encl policy check "$P" --service or --mode both --mrenclave "$HA"
expect_exit bad_mode 2 "--mode must be sgx1, edmm or both" \
	encl policy check "$P" --service or --mode sgx2 --mrenclave "$HA"
expect_exit isvsvn_needs_mrsigner 2 "need --mrsigner" \
	encl policy check "$P" --service or --mrenclave "$HA" --isvsvn 3
expect_exit no_identity 2 "missing BINARY or --mrenclave" \
	encl policy check "$P" --service or
expect_exit bad_isvprodid 2 "--isvprodid: '65536' is not a number from 0 to 65535" \
	encl policy check "$P" --service or --mrenclave "$HA" --mrsigner "$HA" --isvprodid 65536
expect_exit bad_option_named 2 "^encl policy check: unknown option '--frob'" \
	encl policy check "$P" --service or --frob
expect_exit no_service 2 "missing --service" \
	encl policy check "$P" --mrenclave "$HA"
expect_exit unknown_subcommand 2 "unknown subcommand" encl policy frob
expect_exit template_no_binary 2 "missing BINARY" encl policy template --service s
expect_exit template_two_binaries 2 "give exactly one BINARY, not also 'b2'" \
	encl policy template --service s b1 b2
expect_exit template_not_enclave 2 "$P" encl policy template --service s "$P"
expect_out check_help 0 "--mrenclave HEX" encl policy check --help
expect_out template_help 0 "usage: encl policy template" encl policy template --help
expect_out policy_help 0 "encl policy check" encl help policy

# ---- real executables ---------------------------------------------------------

REAL_CASES="template_round_trip_debug template_round_trip_production template_piped
	sgx1_only_policy scone_heap_changes_sgx1_only debug_binary_needs_tolerate
	signer_isvsvn_min template_rejects_other_program template_signer_accepts_other_program
	scone_doc_policy_debug scone_doc_policy_production scone_doc_policy_names_fix"

real_skip() {	# every real-binary case, skipped with one reason
	local c
	for c in $REAL_CASES; do
		skip "$c" "$1"
	done
}

# both_lines NAME: stdout has exactly "sgx1: VERDICT" then "edmm: VERDICT" lines
# matching $2 and $3
both_lines() {
	if [ "$(wc -l <"$TMP/stdout")" -eq 2 ] &&
	   sed -n 1p "$TMP/stdout" | grep -qE "^sgx1: $2" &&
	   sed -n 2p "$TMP/stdout" | grep -qE "^edmm: $3"; then
		pass "$1"
	else
		fail "$1" "$(cat "$TMP/stdout")"
	fi
}

printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$TMP/hello.c"
printf '#include <stdio.h>\nint main(void) { puts("other"); return 0; }\n' >"$TMP/other.c"
if ! command -v encl-cc >/dev/null; then
	real_skip "no encl-cc"
	exit 0
fi
if ! encl-cc -O2 "$TMP/hello.c" -o "$TMP/hello" 2>"$TMP/cc.err" ||
   ! encl-cc -O2 --production "$TMP/hello.c" -o "$TMP/hello-prod" 2>>"$TMP/cc.err" ||
   ! encl-cc -O2 --production --isvprodid 5 --isvsvn 2 "$TMP/hello.c" \
	-o "$TMP/hello-svn2" 2>>"$TMP/cc.err" ||
   ! encl-cc -O2 "$TMP/other.c" -o "$TMP/other" 2>>"$TMP/cc.err"; then
	real_skip "encl-cc failed: $(head -c 200 "$TMP/cc.err" | tr '\n' ' ')"
	exit 0
fi
B=$TMP/hello		# signed as a debug enclave, encl-cc's default
PROD=$TMP/hello-prod	# same code, same MRENCLAVEs, not debug

# The template accepts its own binary in both layouts; debug-mode only for a debug binary.
encl policy template --service hello "$B" >"$TMP/t-debug.yaml"
expect_out template_round_trip_debug 0 "debug-mode tolerated" \
	encl policy check "$TMP/t-debug.yaml" --service hello "$B"
both_lines template_round_trip_debug_both "accepted \(mrenclave listed at line [0-9]+; debug enclave, debug-mode" \
	"accepted \(mrenclave listed at line [0-9]+; debug enclave, debug-mode"
check template_debug_tolerates grep -q "tolerate: \[debug-mode\]" "$TMP/t-debug.yaml"

encl policy template --service hello --session s1 "$PROD" >"$TMP/t-prod.yaml"
expect_out template_round_trip_production 0 "^sgx1: accepted " \
	encl policy check "$TMP/t-prod.yaml" --service hello "$PROD"
both_lines template_round_trip_production_both "accepted \(mrenclave listed at line [0-9]+\)$" \
	"accepted \(mrenclave listed at line [0-9]+\)$"
check template_production_no_tolerate sh -c "! grep -q debug-mode '$TMP/t-prod.yaml'"
check template_session_name grep -q "^name: s1$" "$TMP/t-prod.yaml"
expect_out template_piped 0 "^edmm: accepted " \
	sh -c "encl policy template --service hello '$PROD' | encl policy check - --service hello --mode edmm '$PROD'"

# The debug binary has the production binary's MRENCLAVEs, but the
# production template does not tolerate debug-mode.
expect_out debug_binary_needs_tolerate 1 "^sgx1: rejected \(debug enclave" \
	encl policy check "$TMP/t-prod.yaml" --service hello "$B"
both_lines debug_binary_needs_tolerate_both "rejected \(debug enclave" "rejected \(debug enclave"

# The template names this program only: another one signed with the same
# (debug) key is refused; --signer opens the service to it, and says so.
OTHER=$TMP/other
expect_out template_rejects_other_program 1 "^sgx1: rejected \(mrenclave " \
	encl policy check "$TMP/t-debug.yaml" --service hello "$OTHER"
both_lines template_rejects_other_program_both "rejected " "rejected "
check template_has_no_signer sh -c "! grep -q mrsigner '$TMP/t-debug.yaml'"
encl policy template --signer --service hello "$B" >"$TMP/t-signer.yaml"
expect_out template_signer_accepts_other_program 0 "^sgx1: accepted \(alternative 2 .*signer at line" \
	encl policy check "$TMP/t-signer.yaml" --service hello "$OTHER"
both_lines template_signer_accepts_other_program_both "accepted " "accepted "
check template_signer_comment grep -q "^# The signer alternatives accept ANY enclave signed with the same key" \
	"$TMP/t-signer.yaml"

# A policy as the SCONE documentation writes it, a list of MRENCLAVEs only,
# with the tolerate line the README adds for encl-cc's debug-signed default.
printf 'name: hello-session\nversion: "0.3"\nservices:\n  - name: hello\n    attestation:\n      - mrenclave: [%s, %s]\n' \
	"$(SCONE_HASH=1 "$B")" "$(SCONE_EDMM_HASH=1 "$B")" >"$TMP/scone.yaml"
cp "$TMP/scone.yaml" "$TMP/scone-debug.yaml"
printf 'security:\n  attestation:\n    tolerate: [debug-mode]\n' >>"$TMP/scone-debug.yaml"
expect_out scone_doc_policy_debug 0 "^edmm: accepted \(mrenclave listed at line 6; debug enclave, debug-mode tolerated\)$" \
	encl policy check "$TMP/scone-debug.yaml" --service hello "$B"
both_lines scone_doc_policy_debug_both "accepted " "accepted "
expect_out scone_doc_policy_production 0 "^edmm: accepted \(mrenclave listed at line 6\)$" \
	encl policy check "$TMP/scone-debug.yaml" --service hello "$PROD"
both_lines scone_doc_policy_production_both "accepted " "accepted "
expect_out scone_doc_policy_names_fix 1 "^sgx1: rejected \(debug enclave .*add security: attestation: tolerate: \[debug-mode\] to the policy, or sign with encl sign --production\)$" \
	encl policy check "$TMP/scone.yaml" --service hello "$B"
expect_out scone_doc_policy_production_no_tolerate 0 "^sgx1: accepted " \
	encl policy check "$TMP/scone.yaml" --service hello "$PROD"

# Only the SGX1 hash: sgx1 is accepted, edmm rejected with the reason.
sgx1=$(SCONE_HASH=1 "$PROD")
edmm=$(SCONE_EDMM_HASH=1 "$PROD")
printf 'services:\n  - name: hello\n    attestation:\n      - mrenclave: %s\n' "$sgx1" >"$TMP/sgx1.yaml"
expect_out sgx1_only_policy 1 "^edmm: rejected \(mrenclave ${edmm:0:16}\.\.\. is not the one at line 4\)$" \
	encl policy check "$TMP/sgx1.yaml" --service hello "$PROD"
both_lines sgx1_only_policy_both "accepted \(mrenclave listed at line 4\)$" "rejected "
expect_out sgx1_only_policy_mode_sgx1 0 "^sgx1: accepted " \
	encl policy check "$TMP/sgx1.yaml" --service hello --mode sgx1 "$PROD"

# SCONE_* from the environment: SCONE_HEAP changes the SGX1 identity only.
printf 'services:\n  - name: hello\n    attestation:\n      - mrenclave: [%s, %s]\n' \
	"$sgx1" "$edmm" >"$TMP/hashes.yaml"
expect_out scone_heap_changes_sgx1_only 1 "^edmm: accepted " \
	env SCONE_HEAP=96M encl policy check "$TMP/hashes.yaml" --service hello "$PROD"
both_lines scone_heap_changes_sgx1_only_both "rejected " "accepted "
sgx1_96=$(SCONE_HEAP=96M SCONE_HASH=1 "$PROD")
check scone_heap_template_lists_new_hash sh -c \
	"SCONE_HEAP=96M encl policy template --service hello '$PROD' | grep -q '$sgx1_96'"

# Signer constraints against what encl-cc signed (ISVPRODID 5, ISVSVN 2).
sig=$(encl policy template --signer --service x "$TMP/hello-svn2" | sed -n 's/^ *mrsigner: //p')
printf 'services:\n  - name: s\n    attestation:\n      - signer: {mrsigner: %s, isvprodid: 5, isvsvn_min: 3}\n' \
	"$sig" >"$TMP/svn.yaml"
expect_out signer_isvsvn_min 1 "^sgx1: rejected \(signer at line 4: isvsvn 2 is below isvsvn_min 3\)$" \
	encl policy check "$TMP/svn.yaml" --service s "$TMP/hello-svn2"
sed -i 's/isvsvn_min: 3/isvsvn_min: 2/' "$TMP/svn.yaml"
expect_out signer_isvsvn_min_equal 0 "^edmm: accepted \(signer at line 4 matches: .*isvprodid 5, isvsvn 2 >= 2\)$" \
	encl policy check "$TMP/svn.yaml" --service s "$TMP/hello-svn2"

# Bad input on the binary side is exit 2 too.
expect_exit check_not_enclave 2 "$TMP/hello.c" \
	encl policy check "$TMP/hashes.yaml" --service hello "$TMP/hello.c"
expect_exit check_bad_scone_heap 2 "SCONE_HEAP" \
	env SCONE_HEAP=abc encl policy check "$TMP/hashes.yaml" --service hello "$PROD"
