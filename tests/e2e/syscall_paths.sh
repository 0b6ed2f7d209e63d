#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# The two ways a system call reaches the shield (docs/libc.md): encl's musl
# calls it directly, a `syscall` instruction traps. Both must behave as
# natively (inline assembly, a restarted read, a cancelled read), the
# direct one without a trap per call, ENCL_SYSCALL_TRAP=1 must make every
# call trap, the build must not rebuild musl a second time, and `encl info`
# must name the C library an executable was linked with.
. "$(dirname "$0")/lib.sh"

plan 12
sim_defaults
unset ENCL_SYSCALL_TRAP
require_enclave_toolchain
build_program syscall_paths || exit 0

ENCL_SYSCALL_TRAP=0 same syscall_paths direct_path --
ENCL_SYSCALL_TRAP=1 same syscall_paths trap_path --
ENCL_SYSCALL_TRAP=0 same syscall_paths trap_path_off --
expect_exit bad_switch 125 "ENCL_SYSCALL_TRAP=yes: expected 1" env ENCL_SYSCALL_TRAP=yes "$TMP/syscall_paths.encl"

# #UD exits (AEX vector 6, logged at SCONE_LOG=trace) added by 200 more
# getppid() calls. Trapped, each call makes one; direct, none. (In the
# simulator a call whose ocall returned also leaves through the #UD that
# makes the thread pointer durable, ENCL_START_FS_VOLATILE, either way;
# every call exits here, SCONE_QUEUES=0, so that those are the same
# number both ways, not as many as the calls that happened to go exitless.)
uds() {
	SCONE_QUEUES=0 SCONE_LOG=trace timeout -k 5 "$E2E_TIMEOUT" "$TMP/syscall_paths.encl" calls "$1" 2>&1 >/dev/null |
		grep -c 'AEX: vector 6,'
}
d=$(( $(ENCL_SYSCALL_TRAP=0 uds 200) - $(ENCL_SYSCALL_TRAP=0 uds 0) ))
t=$(( $(ENCL_SYSCALL_TRAP=1 uds 200) - $(ENCL_SYSCALL_TRAP=1 uds 0) ))
if [ $((t - d)) -ge 200 ]; then pass direct_no_trap
else fail direct_no_trap "200 calls added $d #UD exits direct, $t trapped (expected 200 more trapped)"; fi
if [ "$t" -ge 200 ]; then pass trap_traps
else fail trap_traps "200 calls added $t #UD exits with ENCL_SYSCALL_TRAP=1 (expected 200 or more)"; fi

# The built libc.a: `syscall` instructions only in the few assembly files
# left trapping (clone, __unmapself, vfork, the signal restorer, the thread
# pointer's arch_prctl) and the cancellation point's own fallback.
LIBC=$ROOT/build/lib/musl/libc.a
left=$(objdump -d "$LIBC" | awk '/^In archive|^$/ { next } /file format/ { f = $1 } /\tsyscall/ { print f }' |
	sed 's/:$//' | sort -u | tr '\n' ' ')
if [ "$left" = "__set_thread_area.lo __unmapself.lo clone.lo restore.lo syscall_cp.lo vfork.lo " ]; then
	pass libc_syscall_insns
else
	fail libc_syscall_insns "objects of $LIBC with a syscall instruction: $left"
fi

# encl info names the C library, from the executable.
info=$(encl info "$TMP/syscall_paths.encl" 2>&1)
if grep -q "^c library      musl .*(Debian source), system calls as calls" <<<"$info"; then pass info_libc
else fail info_libc "encl info: $(grep -i 'c library' <<<"$info")"; fi
if encl info --json "$TMP/syscall_paths.encl" | grep -q '"libc": "musl '; then pass info_libc_json
else fail info_libc_json "encl info --json has no libc"; fi

# Linked with Debian's own libc.a instead: every call traps, and it says so.
if ENCL_MUSL_LIBDIR=/usr/lib/x86_64-linux-musl encl-cc -O2 "$PROGS/syscall_paths.c" \
	-o "$TMP/debian.encl" 2>"$TMP/debian.err"; then
	ENCL_PROG=$TMP/debian.encl same syscall_paths debian_libc --
	if encl info "$TMP/debian.encl" | grep -q "^c library .*not encl's build: every system call traps"; then
		pass info_debian_libc
	else
		fail info_debian_libc "$(encl info "$TMP/debian.encl" | grep -i 'c library')"
	fi
else
	fail debian_libc "encl-cc: $(head -c 400 "$TMP/debian.err")"
	fail info_debian_libc "not built"
fi

# A second make does not build musl again.
before=$(stat -c %Y.%s "$LIBC")
if make -C "$ROOT" --no-print-directory build/lib/musl/libc.a >"$TMP/make.out" 2>&1 &&
   [ "$(stat -c %Y.%s "$LIBC")" = "$before" ] && ! grep -q musl/build "$TMP/make.out"; then
	pass musl_cached
else
	fail musl_cached "make rebuilt musl: $(head -c 300 "$TMP/make.out")"
fi
