#!/bin/bash
# Options of encl-cc and encl: --opt=value and --opt value alike, unknown
# options named with the closest known one, signing values checked before
# anything is compiled, --version, and what encl-cc refuses to build (with
# the reason): -shared, C++, objects fortified against glibc.
. "$(dirname "$0")/lib.sh"
plan 32
require_enclave_toolchain

unset SCONE_HEAP SCONE_MIN_HEAP SCONE_STACK SCONE_TCS SCONE_HASH SCONE_EDMM_HASH
export ENCL_KEY=$VECTORS/test-key.pem SOURCE_DATE_EPOCH=0
cd "$TMP" || exit 1
printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >hello.c
# A source that cannot compile: an error about an option, given with it,
# can only come from a check made before compiling.
printf 'int main(void) { this does not compile }\n' >broken.c

# ---- unknown options -------------------------------------------------------
expect_exit cc_unknown_named 1 "^encl-cc: unknown option '--heep'; did you mean '--heap'\?" \
	encl-cc --heep 1G hello.c
expect_exit cc_unknown_equals_named 1 "^encl-cc: unknown option '--min-heep'; did you mean '--min-heap'\?" \
	encl-cc --min-heep=1G hello.c
expect_exit cc_unknown_far 1 "^encl-cc: unknown option '--frobnicate'$" encl-cc --frobnicate hello.c
expect_exit cc_no_value_taken 1 "^encl-cc: option '--production' takes no value" \
	encl-cc --production=1 hello.c
expect_exit cc_value_missing 1 "^encl-cc: option --heap needs a value" encl-cc hello.c --heap
expect_exit sign_unknown_named 2 "^encl sign: unknown option '--heep'; did you mean '--heap'\?" \
	encl sign --heep 1G prog
expect_exit info_unknown_named 2 "^encl info: unknown option '--jsn'; did you mean '--json'\?" \
	encl info --jsn prog
expect_exit sign_ambiguous 2 "^encl sign: ambiguous option '--he'" encl sign --he prog
expect_exit sign_no_value_taken 2 "^encl sign: option '--production' takes no value" \
	encl sign --production=yes prog
check cc_gcc_long_option_passed encl-cc --param=max-inline-insns-single=10 -c hello.c -o param.o

# ---- --opt=value is --opt value --------------------------------------------
encl-cc --heap=1G --tcs=4 hello.c -o eq 2>eq.err &&
	encl-cc --heap 1G --tcs 4 hello.c -o sp 2>sp.err
if cmp -s eq sp && encl info eq | grep -q '^parameters *heap 1G, .*tcs 4,'; then
	pass cc_equals_as_space
else
	fail cc_equals_as_space "$(cat eq.err sp.err) $(encl info eq 2>&1 | head -2)"
fi
check run_equals_built test "$(./eq 2>/dev/null)" = hello
cp eq resigned
encl sign --heap=256M resigned 2>/dev/null
check sign_equals_form grep -q '^parameters *heap 256M,' <(encl info resigned)

# ---- signing values are checked before compiling ---------------------------
for bad in "--heap 1X:--heap: invalid size '1X'" "--tcs 0:--tcs: invalid thread count '0'" \
	   "--xfrm foo:--xfrm: invalid value 'foo'" "--key=missing.pem:--key: missing.pem: cannot read"; do
	opt=${bad%%:*} want=${bad#*:} name=${opt%% *}; name=${name%%=*}
	# shellcheck disable=SC2086 # the option and its value, two words
	encl-cc -v $opt broken.c -o never >out.txt 2>err.txt
	rc=$?
	if [ $rc -eq 1 ] && grep -q "^encl-cc: $want" err.txt && ! grep -q '^+ ' err.txt &&
	   ! grep -q 'error:' err.txt && [ ! -e never ]; then
		pass "cc_before_compiling_${name#--}"
	else
		fail "cc_before_compiling_${name#--}" "exit $rc: $(head -c 400 err.txt)"
	fi
done
check sign_check_options_good encl sign --check-options --heap=1G --min-heap 30M --tcs 4 --xfrm auto \
	--key "$ENCL_KEY"
expect_exit sign_check_options_bad 2 "^encl sign: --enclave-size: " \
	encl sign --check-options --enclave-size 3G

# ---- --version -------------------------------------------------------------
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	commit_ok() { git -C "$ROOT" rev-parse -q --verify "${1%-dirty}^{commit}" >/dev/null; }
else
	commit_ok() { [ "$1" = unknown ]; }
fi
for tool in encl encl-cc; do
	v=$("$tool" --version 2>&1)
	c=$(sed -n "1s/^$tool $(cat "$ROOT/VERSION") (commit \(.*\))\$/\1/p" <<<"$v")
	if [ -n "$c" ] && commit_ok "$c" && grep -q '^host C library: glibc [0-9]' <<<"$v" &&
	   grep -q '^enclave C library: musl [0-9]' <<<"$v"; then
		pass "${tool}_version"
	else
		fail "${tool}_version" "$v"
	fi
done

# ---- what encl-cc cannot build ---------------------------------------------
expect_exit cc_shared_refused 1 "^encl-cc: -shared: .*cannot build a shared library" \
	encl-cc -shared hello.c -o lib.so
cp hello.c hello.cpp
expect_exit cc_cplusplus_refused 1 "^encl-cc: hello.cpp: C\+\+ is not supported yet" encl-cc hello.cpp
expect_exit cc_x_cplusplus_refused 1 "^encl-cc: -x c\+\+: C\+\+ is not supported yet" \
	encl-cc -x c++ hello.c

# snprintf with a size known only at run time: glibc's fortified headers
# turn it into __snprintf_chk.
cat >fmt.c <<'EOF'
#include <stdio.h>
int fmt(char *buf, unsigned long n, int x) { return snprintf(buf, n, "%d", x); }
EOF
printf 'int fmt(char *, unsigned long, int);\nint main(void) { char b[8]; return fmt(b, sizeof(b), 42) != 2; }\n' >usefmt.c
if ! gcc -O2 -D_FORTIFY_SOURCE=2 -c fmt.c -o fortified.o || ! nm -u fortified.o | grep -q __snprintf_chk; then
	fail fortified_object_built "gcc -D_FORTIFY_SOURCE=2 gave no __snprintf_chk reference"
else
	pass fortified_object_built
fi
ar rcs libfortified.a fortified.o
expect_exit cc_fortified_object_refused 1 \
	"^encl-cc: fortified.o: built against glibc with _FORTIFY_SOURCE \(it calls __snprintf_chk.*-U_FORTIFY_SOURCE" \
	encl-cc usefmt.c fortified.o -o never
expect_exit cc_fortified_archive_refused 1 "^encl-cc: libfortified.a: .*__snprintf_chk" \
	encl-cc usefmt.c libfortified.a -o never
# The fix the message names works: the same source through encl-cc.
if encl-cc -O2 -D_FORTIFY_SOURCE=2 -c fmt.c -o fmt.o && encl-cc usefmt.c fmt.o -o usefmt 2>usefmt.err &&
   ./usefmt 2>/dev/null; then
	pass cc_rebuilt_object_links
else
	fail cc_rebuilt_object_links "$(cat usefmt.err)"
fi

# ---- dependency options ----------------------------------------------------
check cc_M_prints_dependencies grep -q '^hello.o: hello.c ' <(encl-cc -M hello.c)
check cc_MD_with_c encl-cc -c -MD hello.c -o dep.o
check cc_MD_file_written grep -q '^dep.o: hello.c' dep.d
expect_exit cc_MD_in_link_refused 1 "^encl-cc: -MD: .*compile with -c -MD" encl-cc -MD hello.c
