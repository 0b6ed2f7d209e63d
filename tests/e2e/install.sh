#!/bin/bash
# make install and make uninstall, as a user does: the installed encl-cc
# builds examples/test-c from another folder and the program runs; a lone
# copy of encl-cc says where it looked for its runtime; the man pages render;
# the completions complete; encl.pc links the host runtime. Then make deb:
# its Depends, its contents, and, as root, dpkg -i, a build with
# /usr/bin/encl-cc, and dpkg -r, which leaves none of its files behind.
. "$(dirname "$0")/lib.sh"

export ENCL_KEY=${ENCL_KEY:-$VECTORS/test-key.pem}
export SCONE_MODE=sim SCONE_LOG=error
unset ENCL_LIBDIR ENCL_TOOL

require_enclave_toolchain

D=$TMP/dest P=$TMP/dest/usr
if ! make -s -C "$ROOT" install DESTDIR="$D" PREFIX=/usr >"$TMP/make" 2>&1; then
	fail install "make install: $(tail -c 600 "$TMP/make")"
	exit 0
fi
pass install

# build_and_run NAME ENCL_CC: from a folder of its own, as a user would
build_and_run() {
	local dir=$TMP/$1
	mkdir -p "$dir" && cp "$ROOT/examples/test-c/test.c" "$dir/"
	if ! (cd "$dir" && "$2" -O2 test.c -o test-c) >"$TMP/out" 2>&1; then
		fail "$1" "$2 test.c: $(head -c 600 "$TMP/out")"
	elif ! (cd "$dir" && ./test-c) 2>&1 | grep -q '^Hello from'; then
		fail "$1" "the program built by $2 did not say Hello from"
	else
		pass "$1"
	fi
}
build_and_run installed-encl-cc "$P/bin/encl-cc"

# A lone copy names both folders it looked in and both ways out.
mkdir -p "$TMP/lone/bin" && cp "$P/bin/encl-cc" "$TMP/lone/bin/"
expect_exit lone-encl-cc 1 "runtime .* in none of: $TMP/lone/lib $TMP/lone/lib/encl; .*make install.*ENCL_LIBDIR" \
	"$TMP/lone/bin/encl-cc" "$ROOT/examples/test-c/test.c" -o "$TMP/lone/x"
# ... and without encl next to it, says so
mkdir -p "$TMP/noencl/bin" && cp -r "$P/lib" "$TMP/noencl/" && cp "$P/bin/encl-cc" "$TMP/noencl/bin/"
expect_exit lone-encl-cc-without-encl 1 "$TMP/noencl/bin/encl is missing: .*make install.*ENCL_TOOL" \
	"$TMP/noencl/bin/encl-cc" "$ROOT/examples/test-c/test.c" -o "$TMP/noencl/x"

# man pages: they render without a warning, and say what --help says
for t in encl encl-cc; do
	if ! groff -man -Tutf8 -ww "$P/share/man/man1/$t.1" >"$TMP/man" 2>"$TMP/manerr" ||
	   [ -s "$TMP/manerr" ]; then
		fail "man-$t" "groff: $(head -c 400 "$TMP/manerr")"
	elif ! sed 's/.\x08//g' "$TMP/man" >"$TMP/man.txt" || ! grep -q SYNOPSIS "$TMP/man.txt" ||
	     ! grep -q -- '--enclave-size SIZE' "$TMP/man.txt"; then
		fail "man-$t" "the rendered page lacks SYNOPSIS or --enclave-size SIZE"
	else
		pass "man-$t"
	fi
done
check man-encl-commands grep -q 'encl policy template' "$P/share/man/man1/encl.1"

# completion WORDS...: what bash completes for the last word
completion() {
	bash -c '. "$1"; . "$2"; shift 2; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_$(echo "$1" | tr - _); echo "${COMPREPLY[*]}"' _ \
		"$P/share/bash-completion/completions/encl" "$P/share/bash-completion/completions/encl-cc" "$@"
}
check completion-commands test "$(completion encl si)" = "sign sigstruct"
check completion-options test "$(completion encl sign --mi)" = "--min-heap"
check completion-subcommands test "$(completion encl policy te)" = "template"
check completion-encl-cc test "$(completion encl-cc --enc)" = "--enclave-size"

# pc_link NAME PKG-CONFIG-ARGS...: encl.pc's flags link a program with the
# host runtime, which then refuses to run for want of an enclave (only
# encl-cc adds one)
pc_link() {
	local n=$1 libs; shift
	if ! libs=$(pkg-config "$@" --libs encl 2>"$TMP/pc"); then
		fail "$n" "pkg-config --libs encl: $(cat "$TMP/pc")"
	elif ! gcc -o "$TMP/host" "$(pkg-config "$@" --variable=hostmain encl)" $libs 2>"$TMP/pc"; then
		fail "$n" "gcc with $libs: $(head -c 600 "$TMP/pc")"
	else
		expect_exit "$n" 125 "no .encl_image section" "$TMP/host"
	fi
}
PKG_CONFIG_PATH=$P/lib/pkgconfig pc_link pkg-config --define-variable=prefix="$P"

make -s -C "$ROOT" uninstall DESTDIR="$D" PREFIX=/usr >"$TMP/make" 2>&1 || fail uninstall "make uninstall: $(tail -c 400 "$TMP/make")"
left=$(find "$D" -not -type d)
if [ -n "$left" ]; then fail uninstall "left behind: $left"; else pass uninstall; fi

# ---- the Debian package ----
if ! make -s -C "$ROOT" deb >"$TMP/make" 2>&1; then
	fail deb "make deb: $(tail -c 600 "$TMP/make")"
	exit 0
fi
deb=$(ls -t "$ROOT"/build/encl_*_*.deb | head -n1)	# the one just built
dpkg-deb --info "$deb" >"$TMP/info"
check deb-depends grep -qE '^ Depends: .*gcc.*libyaml-0-2.*musl-tools' "$TMP/info"
dpkg-deb --contents "$deb" >"$TMP/contents"
missing=$(for f in share/man/man1/encl.1.gz share/man/man1/encl-cc.1.gz lib/encl/libencl-enclave.a lib/encl/musl/libc.a \
		share/bash-completion/completions/encl share/bash-completion/completions/encl-cc; do
	grep -q "/usr/$f\$" "$TMP/contents" || echo "/usr/$f"; done)
if [ -n "$missing" ]; then fail deb-contents "$deb lacks" $missing; else pass deb-contents; fi

if [ "$(id -u)" -ne 0 ]; then
	skip deb-install "dpkg -i needs root"
	exit 0
fi
case $(dpkg-query -W -f='${db:Status-Status}' encl 2>/dev/null) in
''|not-installed|config-files) ;;
*)	skip deb-install "a package encl is installed on this machine already; it is left alone"
	exit 0 ;;
esac
trap 'dpkg -r encl >/dev/null 2>&1; rm -rf "$TMP"' EXIT
if ! dpkg -i "$deb" >"$TMP/dpkg" 2>&1; then
	fail deb-install "dpkg -i: $(tail -c 600 "$TMP/dpkg")"
	exit 0
fi
pass deb-install
files=$(dpkg -L encl)
build_and_run deb-encl-cc /usr/bin/encl-cc
# Minimal images tell dpkg not to unpack man pages (path-exclude).
if [ ! -e /usr/share/man/man1/encl-cc.1.gz ]; then
	skip deb-man "dpkg did not unpack /usr/share/man here: a path-exclude in /etc/dpkg/dpkg.cfg.d"
else
	man -P cat encl-cc >"$TMP/man" 2>&1
	check deb-man grep -qE 'encl-cc +- +compile' "$TMP/man"
fi
pc_link deb-pkg-config
if ! dpkg -r encl >"$TMP/dpkg" 2>&1; then
	fail deb-remove "dpkg -r: $(tail -c 600 "$TMP/dpkg")"
else
	left=$(for f in $files; do [ -d "$f" ] || [ ! -e "$f" ] || echo "$f"; done)
	if [ -n "$left" ]; then fail deb-remove "left behind: $left"; else pass deb-remove; fi
fi
