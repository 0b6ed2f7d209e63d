#!/bin/bash
# Reproducible identities: encl built from the same sources in two folders
# of different names, and the same program built from two other folders with
# each copy's encl-cc and the same key, give the same SCONE_HASH and
# SCONE_EDMM_HASH. No build folder appears in the measured bytes (the
# PT_LOAD segments of the enclave ELF).
. "$(dirname "$0")/lib.sh"

unset SCONE_HEAP SCONE_MIN_HEAP SCONE_STACK SCONE_TCS SCONE_HASH SCONE_EDMM_HASH
export ENCL_KEY=$VECTORS/test-key.pem
export MAKEFLAGS=
if ! command -v musl-gcc >/dev/null; then
	fail toolchain "musl-gcc is not installed (scripts/install-deps installs it)"
	exit 0
fi

# The source tree as a fresh clone has it: the files git knows (tracked, or
# new and not ignored), never build/.
copy_tree() {
	mkdir -p "$1"
	if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$ROOT/$f" ] && printf '%s\0' "$f"; done |
			tar -C "$ROOT" --null -T - -cf - | tar -C "$1" -xf -
	else
		tar -C "$ROOT" --exclude=./build -cf - . | tar -C "$1" -xf -
	fi
}

# Two trees whose names differ in length too, so that nothing that merely
# shifts with the path goes unnoticed.
trees=("$TMP/a" "$TMP/second-tree.with-a-longer-name")
for t in "${trees[@]}"; do
	n=$(basename "$t")
	# The enclave's musl (docs/libc.md) and mbed TLS come built, times kept,
	# so that make reuses them: building them takes a minute per tree. Their
	# objects name no folder (musl/build and mbedtls/build map them away)
	# and the measured image is stripped.
	mkdir -p "$t/encl/build/lib" "$t/encl/build/gen"
	cp -a "$ROOT/build/lib/musl" "$ROOT/build/lib/mbedtls" "$t/encl/build/lib/" &&
		cp -a "$ROOT/build/gen/musl-version" "$t/encl/build/gen/" ||
		{ fail "build_encl_in_$n" "no built musl or mbed TLS in $ROOT/build: run make first"; exit 0; }
	if ! copy_tree "$t/encl" || ! make -C "$t/encl" -j2 all >"$t/make.log" 2>&1; then
		fail "build_encl_in_$n" "$(tail -n 15 "$t/make.log" 2>/dev/null)"
		exit 0
	fi
	pass "build_encl_in_$n"
done

# The program is compiled with -g from each tree's own work folder, so that
# its debug information names different folders as well.
for t in "${trees[@]}"; do
	mkdir -p "$t/work"
	cat > "$t/work/test.c" <<'EOF'
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("reproducible-marker %d %s\n", argc, argv[0]);
	return 0;
}
EOF
	n=$(basename "$t")
	if ! (cd "$t/work" && "$t/encl/build/bin/encl-cc" -O2 -g test.c -o test-c) 2>"$t/cc.err"; then
		fail "build_program_in_$n" "$(head -n 5 "$t/cc.err")"
		exit 0
	fi
	pass "build_program_in_$n"
done

is_hash() { [[ $1 =~ ^[0-9a-f]{64}$ ]]; }
for var in SCONE_HASH SCONE_EDMM_HASH; do
	a=$(env "$var=1" "${trees[0]}/work/test-c") b=$(env "$var=1" "${trees[1]}/work/test-c")
	if is_hash "$a" && [ "$a" = "$b" ]; then
		pass "same_$var"
	else
		fail "same_$var" "'$a' (${trees[0]}) against '$b' (${trees[1]})"
	fi
done

# measured_bytes EXE OUT: the PT_LOAD segments of the enclave ELF embedded in
# EXE, concatenated: what EADD/EEXTEND measure of the image.
measured_bytes() {
	local elf=$2.elf off size
	objcopy --dump-section ".encl_image=$elf" "$1" /dev/null || return 1
	: > "$2"
	while read -r off size; do
		dd if="$elf" bs=4096 iflag=skip_bytes,count_bytes skip=$((off)) count=$((size)) \
			status=none >> "$2" || return 1
	done < <(readelf -lW "$elf" | awk '$1 == "LOAD" { print $2, $5 }')
	[ -s "$2" ]
}

for t in "${trees[@]}"; do
	n=$(basename "$t")
	if ! measured_bytes "$t/work/test-c" "$t/measured"; then
		fail "measured_bytes_of_$n" "cannot extract the PT_LOAD segments of $t/work/test-c"
		continue
	fi
	# The extraction must see the program itself, or the search below proves nothing.
	check "measured_bytes_hold_program_in_$n" grep -qF reproducible-marker "$t/measured"
	found=
	for path in "$TMP" "${trees[@]}" "$ROOT"; do
		grep -qF "$path" "$t/measured" && found+=" $path"
	done
	if [ -z "$found" ]; then
		pass "no_build_path_measured_in_$n"
	else
		fail "no_build_path_measured_in_$n" "the measured bytes of $t/work/test-c contain:$found"
	fi
done
