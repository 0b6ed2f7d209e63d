#!/bin/bash
# encl measure, encl sigstruct and encl keygen on the vectors: the hashes they
# print, the exit codes (0 ok, 1 failed check, 2 bad usage or input), and
# that every error names its file.
. "$(dirname "$0")/lib.sh"
plan 67

for v in a b c; do
	want=$(cat "$VECTORS/$v.mrenclave")
	got=$(encl measure "$VECTORS/$v.layout" "$VECTORS/$v.img" 2>"$TMP/err")
	if [ "$got" = "$want" ]; then pass "measure_$v"; else fail "measure_$v" "got '$got', want '$want': $(cat "$TMP/err")"; fi

	out=$(encl sigstruct verify "$VECTORS/$v.sigstruct" 2>"$TMP/err")
	rc=$?
	if [ $rc -eq 0 ] && grep -q "^ENCLAVEHASH *$want\$" <<<"$out" &&
	   grep -q '^MRSIGNER *20f3d60eff4f6a4656e3cdc33ed30aa36eccf2f0a2dda026399b6ccd626c3548$' <<<"$out"; then
		pass "verify_$v"
	else
		fail "verify_$v" "exit $rc: $out $(cat "$TMP/err")"
	fi
done

# A dump directory works as well as the two files.
mkdir "$TMP/dump"
cp "$VECTORS/b.layout" "$TMP/dump/layout"
cp "$VECTORS/b.img" "$TMP/dump/image"
check measure_dir test "$(encl measure "$TMP/dump")" = "$(cat "$VECTORS/b.mrenclave")"

out=$(encl sigstruct show "$VECTORS/a.sigstruct")
check show_fields bash -c 'for f in HEADER VENDOR DATE HEADER2 SWDEFINED MODULUS EXPONENT SIGNATURE \
	MISCSELECT MISCMASK ISVFAMILYID ATTRIBUTES.FLAGS ATTRIBUTES.XFRM ATTRIBUTEMASK.FLAGS \
	ATTRIBUTEMASK.XFRM ENCLAVEHASH ISVEXTPRODID ISVPRODID ISVSVN Q1 Q2 MRSIGNER; do
		grep -q "^$f " <<<"$1" || { echo "no $f" >&2; exit 1; }; done' _ "$out"
check show_attributes grep -q '^ATTRIBUTES.FLAGS *0x4 (MODE64BIT)$' <<<"$out"

# One flipped byte: the check fails (exit 1) and names the file.
cp "$VECTORS/a.sigstruct" "$TMP/flipped"
printf '\x01' | dd of="$TMP/flipped" bs=1 seek=960 conv=notrunc status=none
expect_exit verify_flipped 1 "flipped: verification failed: SIGNATURE" encl sigstruct verify "$TMP/flipped"
cp "$VECTORS/a.sigstruct" "$TMP/flipped-q2"
printf '\x55' | dd of="$TMP/flipped-q2" bs=1 seek=1800 conv=notrunc status=none
expect_exit verify_flipped_q2 1 "flipped-q2: verification failed: Q2" encl sigstruct verify "$TMP/flipped-q2"

# Bad input: exit 2, the file named.
head -c 1807 "$VECTORS/a.sigstruct" >"$TMP/short.sigstruct"
expect_exit sigstruct_1807 2 "short.sigstruct: 1807 bytes; a SIGSTRUCT is exactly 1808 bytes" \
	encl sigstruct verify "$TMP/short.sigstruct"
expect_exit show_1807 2 "short.sigstruct: 1807 bytes" encl sigstruct show "$TMP/short.sigstruct"
{ cat "$VECTORS/a.sigstruct"; echo; } >"$TMP/long.sigstruct"
expect_exit sigstruct_1809 2 "long.sigstruct: 1809 bytes" encl sigstruct verify "$TMP/long.sigstruct"
expect_exit sigstruct_missing 2 "nope.sigstruct: cannot read: No such file" \
	encl sigstruct verify "$TMP/nope.sigstruct"

printf '# encl layout v1\nsize 0x20000\nssaframesize 1\nseg 0x1000 1 0x203 0 zero\nseg 0x0 1 0x203 0 zero\n' >"$TMP/order.layout"
: >"$TMP/empty.img"
expect_exit measure_out_of_order 2 "order.layout:5: .*out of order" encl measure "$TMP/order.layout" "$TMP/empty.img"
printf 'size 0x20000\nssaframesize 1\nseg 0x0 1 0x203 1 zero bogus\n' >"$TMP/malformed.layout"
expect_exit measure_malformed 2 "malformed.layout:3: malformed line" encl measure "$TMP/malformed.layout" "$TMP/empty.img"
printf 'size 0x20000\nssaframesize 1\nseg 0x0 1 0x107 1 zero\n' >"$TMP/tcs.layout"
expect_exit measure_tcs_rwx 2 "tcs.layout:3: .*TCS" encl measure "$TMP/tcs.layout" "$TMP/empty.img"
printf 'size 0x30000\nssaframesize 1\n' >"$TMP/size.layout"
expect_exit measure_size 2 "size.layout:1: .*not a power of two" encl measure "$TMP/size.layout" "$TMP/empty.img"
head -c 8192 "$VECTORS/a.img" >"$TMP/short.img"
expect_exit measure_truncated 2 "short.img: truncated image" encl measure "$VECTORS/a.layout" "$TMP/short.img"
{ cat "$VECTORS/a.img"; echo x; } >"$TMP/long.img"
expect_exit measure_trailing 2 "long.img: 2 trailing bytes" encl measure "$VECTORS/a.layout" "$TMP/long.img"
expect_exit measure_missing 2 "missing.layout: cannot read" encl measure "$TMP/missing.layout" "$TMP/empty.img"
expect_exit measure_args 2 "expected LAYOUT IMAGE" encl measure
expect_exit unknown_command 2 "unknown command 'frob'" encl frob
expect_exit no_command 2 "usage: encl COMMAND" encl
expect_exit sigstruct_unknown 2 "unknown subcommand 'frob'" encl sigstruct frob
expect_exit unknown_option 2 "Try 'encl measure --help'" encl measure --frob a b
expect_exit unknown_option_named 2 "^encl measure: unknown option '--frob'" encl measure --frob a b
expect_exit missing_option_value 2 "^encl sigstruct sign: option '--key' needs a value" \
	encl sigstruct sign --key
expect_exit sub_unknown_option 2 "^encl sigstruct verify: unknown option '--frob'" \
	encl sigstruct verify --frob x
expect_exit show_no_file 2 "^encl sigstruct show: expected one FILE" encl sigstruct show
expect_exit show_extra_file 2 "^encl sigstruct show: unexpected argument 'b'" \
	encl sigstruct show "$VECTORS/a.sigstruct" b
expect_exit measure_extra 2 "^encl measure: unexpected argument 'extra'" \
	encl measure "$VECTORS/a.layout" "$VECTORS/a.img" extra
expect_exit keygen_extra 2 "^encl keygen: unexpected argument 'k2.pem'" encl keygen k1.pem k2.pem
expect_exit sign_bad_isvsvn 2 "--isvsvn: '70000' is not a number from 0 to 65535" \
	encl sigstruct sign --key "$VECTORS/test-key.pem" --isvsvn 70000 --mrenclave "$(cat "$VECTORS/a.mrenclave")" "$TMP/o"
expect_exit sign_signed_isvprodid 2 "--isvprodid: ' 5' is not a number" \
	encl sigstruct sign --key "$VECTORS/test-key.pem" --isvprodid " 5" --mrenclave "$(cat "$VECTORS/a.mrenclave")" "$TMP/o"

# Key errors name the file and say what is wrong.
if command -v openssl >/dev/null; then
	openssl genrsa -out "$TMP/k2048.pem" -3 2048 2>/dev/null
	expect_exit key_2048 2 "k2048.pem: the RSA key is 2048-bit" \
		encl sigstruct sign --key "$TMP/k2048.pem" --mrenclave "$(cat "$VECTORS/a.mrenclave")" "$TMP/o"
	openssl genrsa -out "$TMP/k65537.pem" 3072 2>/dev/null
	expect_exit key_e65537 2 "k65537.pem: the RSA public exponent is 65537" \
		encl sigstruct sign --key "$TMP/k65537.pem" --mrenclave "$(cat "$VECTORS/a.mrenclave")" "$TMP/o"
else
	skip key_2048 "no openssl command"
	skip key_e65537 "no openssl command"
fi
expect_exit key_missing 2 "nokey.pem: cannot read the key: No such file" \
	encl sigstruct sign --key "$TMP/nokey.pem" "$VECTORS/a.layout" "$VECTORS/a.img" "$TMP/o"

# Signing reproduces the vector byte for byte, from the layout or the hash.
for v in a b c; do
	encl sigstruct sign --key "$VECTORS/test-key.pem" "$VECTORS/$v.layout" "$VECTORS/$v.img" "$TMP/$v.sigstruct"
	check "sign_$v" cmp "$TMP/$v.sigstruct" "$VECTORS/$v.sigstruct"
done
encl sigstruct sign --key "$VECTORS/test-key.pem" --mrenclave "$(cat "$VECTORS/c.mrenclave")" "$TMP/c2.sigstruct"
check sign_mrenclave cmp "$TMP/c2.sigstruct" "$VECTORS/c.sigstruct"
expect_exit sign_out_missing_dir 2 "no-such-dir/o.sigstruct: cannot create a temporary file" \
	encl sigstruct sign --key "$VECTORS/test-key.pem" --mrenclave "$(cat "$VECTORS/c.mrenclave")" \
	"$TMP/no-such-dir/o.sigstruct"
check sign_leaves_no_temp_files sh -c '! ls -A "$1" | grep -q "^\."' _ "$TMP"

# keygen, then a round trip with the new key.
out=$(encl keygen "$TMP/new.pem")
check keygen_mode test "$(stat -c %a "$TMP/new.pem")" = 600
check keygen_pkcs1 grep -q '^-----BEGIN RSA PRIVATE KEY-----$' "$TMP/new.pem"
encl sigstruct sign --key "$TMP/new.pem" --debug --isvprodid 5 --isvsvn 2 \
	"$VECTORS/b.layout" "$VECTORS/b.img" "$TMP/new.sigstruct"
vout=$(encl sigstruct verify "$TMP/new.sigstruct")
check keygen_round_trip test "$(awk '/^MRSIGNER/ {print $2}' <<<"$vout")" = "$(awk '{print $2}' <<<"$out")"
check keygen_fields grep -q '^ISVPRODID *5$' <(encl sigstruct show "$TMP/new.sigstruct")
expect_exit keygen_exists 2 "new.pem: exists" encl keygen "$TMP/new.pem"
check keygen_force bash -c 'encl keygen --force "$1" >/dev/null' _ "$TMP/new.pem"
expect_exit keygen_bad_dir 2 "no-such-dir/k.pem" encl keygen "$TMP/no-such-dir/k.pem"

# --help everywhere: exit 0, a usage line on stdout.
for c in "" detect dump info keygen measure policy "policy check" "policy template" sign \
	sigstruct "sigstruct show" "sigstruct verify" "sigstruct sign"; do
	# shellcheck disable=SC2086
	if encl $c --help >"$TMP/help" 2>&1 && grep -q '^usage: encl' "$TMP/help"; then
		pass "help_${c// /_}"
	else
		fail "help_${c// /_}" "$(cat "$TMP/help")"
	fi
done
check help_command bash -c 'encl help | grep -q "^  measure " && encl help sigstruct | grep -q "^usage: encl sigstruct"'
