#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Files, file mappings and the system calls a database makes, in the
# simulator, against the same programs built natively: private and shared
# file mappings (a shared one is host memory, seen by other processes at
# once), the growth of a 64 MiB block with mremap, two processes taking
# turns under fcntl and flock locks, the file and system calls of
# tests/programs/sys_misc.c, and the lies a host could tell about them.
# Not run per CPU quirk set: nothing here depends on one, and it starts
# many enclaves.
. "$(dirname "$0")/lib.sh"

sim_defaults

require_enclave_toolchain

plan 33

for n in mmap_file sys_misc mremap_grow lock_turns shm_pingpong; do
	build_program "$n" || true
done

# A bounded run: nothing here may hang the suite.
bounded() { timeout -k 5 "$E2E_TIMEOUT" "$@"; }

# same_in_dirs NAME TEST: each build runs in a fresh directory of its own
# (the program creates names there), stdout and exit code compared.
same_in_dirs() {
	local n=$1 t=$2 nrc erc
	rm -rf "$TMP/nd" "$TMP/ed"
	mkdir -p "$TMP/nd" "$TMP/ed"
	bounded "$TMP/$n.native" "$TMP/nd" >"$TMP/n.out" 2>&1; nrc=$?
	bounded "$TMP/$n.encl" "$TMP/ed" >"$TMP/e.out" 2>&1; erc=$?
	if [ $nrc -eq $erc ] && cmp -s "$TMP/n.out" "$TMP/e.out"; then
		pass "$t"
	else
		fail "$t" "exit $erc, native $nrc: $(diff "$TMP/n.out" "$TMP/e.out" | head -20)"
	fi
}

# ---- file mappings ----------------------------------------------------------
if [ -x "$TMP/mmap_file.encl" ]; then
	same_in_dirs mmap_file private_and_shared_file_mappings
	SCONE_EDMM_MODE=enable same_in_dirs mmap_file private_and_shared_file_mappings_edmm

	# A write to a PROT_READ private mapping faults, natively and in the enclave.
	nrc=$(bash -c '"$1" "$2" readonly >/dev/null 2>&1; echo $?' _ "$TMP/mmap_file.native" "$TMP/nd" 2>/dev/null)
	check private_readonly_native_is_139 test "$nrc" -eq 139
	expect_exit private_readonly_write_faults 139 "crashed: SIGSEGV" bounded "$TMP/mmap_file.encl" "$TMP/ed" readonly
	check private_readonly_write_not_done grep -qx "writing to a PROT_READ private mapping" "$TMP/stdout"

	# Past the end of the file: natively SIGBUS; the enclave sees the #PF (on
	# hardware too) with its address outside ELRANGE, and the program ends by SIGSEGV.
	nrc=$(bash -c '"$1" "$2" pastend >/dev/null 2>&1; echo $?' _ "$TMP/mmap_file.native" "$TMP/nd" 2>/dev/null)
	check shared_past_end_native_is_sigbus test "$nrc" -eq 135
	expect_exit shared_past_end_faults 139 "crashed: SIGSEGV \(vector 14.*\(outside the enclave\)" \
		bounded "$TMP/mmap_file.encl" "$TMP/ed" pastend

	# A range that is partly a shared mapping: EINVAL, and the mapping stays.
	bounded "$TMP/mmap_file.encl" "$TMP/ed" straddle >"$TMP/straddle" 2>&1
	check straddling_range_refused test "$(grep -c ': -1$' "$TMP/straddle")" -eq 3
	check straddling_mapping_kept grep -qx "munmap of the mapping: 0" "$TMP/straddle"
fi

# ---- a shared mapping between processes ---------------------------------------
# pingpong NAME PING PONG: two processes exchange messages through one file mapping
pingpong() {
	local t=$1 ping=$2 pong=$3 prc
	rm -f "$TMP/shm"
	bounded "$ping" "$TMP/shm" ping >"$TMP/ping.out" 2>&1 &
	local pid=$!
	bounded "$pong" "$TMP/shm" pong >"$TMP/pong.out" 2>&1
	local orc=$?
	wait $pid; prc=$?
	if [ $prc -eq 0 ] && [ $orc -eq 0 ] &&
	   grep -qx "ping got: pong through the mapping" "$TMP/ping.out" &&
	   grep -qx "pong got: ping through the mapping" "$TMP/pong.out"; then
		pass "$t"
	else
		fail "$t" "exit $prc/$orc: $(cat "$TMP/ping.out" "$TMP/pong.out" | head -c 600)"
	fi
}
if [ -x "$TMP/shm_pingpong.encl" ]; then
	pingpong shared_mapping_enclave_to_enclave "$TMP/shm_pingpong.encl" "$TMP/shm_pingpong.encl"
	pingpong shared_mapping_enclave_to_native "$TMP/shm_pingpong.encl" "$TMP/shm_pingpong.native"
	pingpong shared_mapping_native_to_enclave "$TMP/shm_pingpong.native" "$TMP/shm_pingpong.encl"
	# What the enclaves wrote is in the file, for any reader.
	check shared_mapping_reaches_the_file grep -q "pong through the mapping" "$TMP/shm"
fi

# ---- locks between processes ------------------------------------------------
# turns NAME fcntl|flock: two enclave processes append under the lock; the
# counters in the file must run 0, 1, 2, ... with N lines from each.
N=25
turns() {
	local t=$1 how=$2 arc brc
	rm -f "$TMP/turns"
	bounded "$TMP/lock_turns.encl" "$TMP/turns" a $N "$how" 2>"$TMP/a.err" &
	local pid=$!
	bounded "$TMP/lock_turns.encl" "$TMP/turns" b $N "$how" 2>"$TMP/b.err"; brc=$?
	wait $pid; arc=$?
	local verdict
	verdict=$(awk 'NR == 1 { head = $1 + 0; next }
		       { if ($2 != NR - 2) bad = 1; c[$1]++ }
		       END { print (bad ? "out-of-turn" : "ordered"), head, c["a"] + 0, c["b"] + 0 }' "$TMP/turns")
	if [ $arc -eq 0 ] && [ $brc -eq 0 ] && [ "$verdict" = "ordered $((2 * N)) $N $N" ]; then
		pass "$t"
	else
		fail "$t" "exit $arc/$brc, file: $verdict; $(cat "$TMP/a.err" "$TMP/b.err" | head -c 400)"
	fi
}
if [ -x "$TMP/lock_turns.encl" ]; then
	turns fcntl_setlkw_turns_between_enclaves fcntl
	turns flock_turns_between_enclaves flock
fi

# ---- mremap of a large block --------------------------------------------------
if [ -x "$TMP/mremap_grow.encl" ]; then
	if encl sign --heap 320M "$TMP/mremap_grow.encl" >/dev/null 2>"$TMP/sign.err"; then
		same mremap_grow mremap_grow_64mib --
		SCONE_EDMM_MODE=enable same mremap_grow mremap_grow_64mib_edmm --
	else
		fail mremap_grow_64mib "encl sign: $(head -c 300 "$TMP/sign.err")"
		fail mremap_grow_64mib_edmm "not signed"
	fi
fi

# ---- file and system calls --------------------------------------------------
if [ -x "$TMP/sys_misc.encl" ]; then
	same_in_dirs sys_misc file_and_system_calls
	# Agreeing is not enough: these must have worked (or failed as they should).
	while IFS='|' read -r t line; do
		check "sys_misc_$t" grep -qxF "$line" "$TMP/e.out"
	done <<'LINES'
chmod|after chmod: mode 640 size 0 links 1
fchmodat|after fchmodat: mode 604 size 0 links 1
chown|chown to oneself: 0
utimensat|after utimensat: atime 1000000000.500000000 mtime 1234567890.000000000
fallocate|after fallocate: mode 604 size 8192 links 1
renameat2_noreplace|renameat2 onto an existing name, RENAME_NOREPLACE: -1 File exists
flock_conflict|flock shared from another open, non-blocking: -1 Resource temporarily unavailable
statfs|statfs: free <= blocks: 1
sysinfo|sysinfo: ram > 0: 1, unit >= 1: 1, uptime > 0: 1, procs > 0: 1
prctl_name|name: db-writer-threa
setrlimit|soft limit: 100, hard kept: 1
LINES
fi

# ---- a hostile host ---------------------------------------------------------
if [ -x "$TMP/mmap_file.encl" ]; then
	ENCL_SIM_HOSTILE=shared-inside expect_exit hostile_shared_mapping_inside_elrange 125 \
		"for mmap .*shared mapping lies inside the enclave" bounded "$TMP/mmap_file.encl" "$TMP/ed"
	check hostile_shared_mapping_not_used bash -c '! grep -q "^shared" "$1"' _ "$TMP/stdout"
fi
if [ -x "$TMP/sys_misc.encl" ]; then
	rm -rf "$TMP/hd" && mkdir -p "$TMP/hd"
	ENCL_SIM_HOSTILE=statfs-size expect_exit hostile_statfs_negative_size 125 \
		"for f?statfs .*negative size in struct statfs" bounded "$TMP/sys_misc.encl" "$TMP/hd"
	check hostile_statfs_not_used bash -c '! grep -q "^statfs: type" "$1"' _ "$TMP/stdout"
fi
