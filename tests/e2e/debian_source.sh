#!/bin/bash
# scripts/debian-source: a source package already fetched is not fetched
# again (the mirror is made unreachable to prove it), and one that cannot
# be fetched stops with the mirror and apt's reason. Needs nothing from
# the network.
. "$(dirname "$0")/lib.sh"

plan 4
DS=$ROOT/scripts/debian-source
version=$(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null)
cache=$ROOT/build/musl-work/src
export DEBIAN_SOURCE_MIRROR=http://127.0.0.1:9/debian	# nothing listens on port 9

if [ -z "$version" ] || ! ls "$cache"/musl_*.dsc >/dev/null 2>&1; then
	fail cached "no musl source in $cache: run make first (it fetches it)"
else
	if tree=$("$DS" musl "$version" "$cache" 2>"$TMP/err") && [ -f "$tree/src/thread/pthread_cancel.c" ]; then
		pass cached
	else
		fail cached "a second call failed or gave no tree: $(head -c 400 "$TMP/err")"
	fi
fi
expect_exit unreachable 1 "cannot read the source index of http://127.0.0.1:9/debian \(bookworm\): .*(refused|connect)" \
	"$DS" musl 1.2.3-1 "$TMP/src"
expect_exit bad_name 1 "'Musl_x' is not a Debian source package name" "$DS" Musl_x 1.0 "$TMP/src"
expect_exit usage 1 "usage: debian-source NAME VERSION\|current DESTDIR" "$DS" musl
