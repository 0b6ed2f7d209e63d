#!/bin/bash
# encl sign and the file it replaces: no temporary file left by a signal,
# a symbolic link signs its target and stays a link, a read-only file is
# replaced only with --force.
. "$(dirname "$0")/lib.sh"
plan 13
hello_enclave t
no_temp() { ! ls -A "${1:-.}" | grep -q '^\.'; }
isvsvn() { encl info "$1" | awk '$1 == "isvsvn" { print $2; exit }'; }

# sign_killed SIGNAL: encl sign paused with its temporary file written
# (ENCL_TEST_PAUSE_BEFORE_RENAME, image/file.c), then SIGNAL
sign_killed() {
	local sig=$1 pid i rc
	cp t "k-$sig" && cp t "k-$sig.orig"
	mkdir -p "d-$sig" && mv "k-$sig" "d-$sig/"
	ENCL_TEST_PAUSE_BEFORE_RENAME=1 encl sign --isvsvn 9 "d-$sig/k-$sig" 2>/dev/null &
	pid=$!
	for i in $(seq 200); do
		ls -A "d-$sig" | grep -q '^\.' && break
		sleep 0.05
	done
	kill -"$sig" $pid
	wait $pid
	rc=$?
	if [ $rc -eq $((128 + $(kill -l "$sig"))) ] && no_temp "d-$sig" && cmp -s "d-$sig/k-$sig" "k-$sig.orig"; then
		pass "sign_${sig,,}_leaves_no_temp"
	else
		fail "sign_${sig,,}_leaves_no_temp" "exit $rc; left: $(ls -A "d-$sig")"
	fi
}
sign_killed TERM
sign_killed HUP

# A symbolic link, here and in another directory: the target is signed.
cp t target
ln -s target link
check sign_symlink encl sign --isvsvn 3 link
check symlink_kept test -L link
check symlink_target_signed test "$(isvsvn target)" = 3
mkdir sub
ln -s ../target sub/link
check sign_symlink_other_dir encl sign --isvsvn 4 sub/link
check symlink_other_dir_target test -L sub/link -a "$(isvsvn target)" = 4
check symlink_no_temp sh -c 'test -z "$(ls -A sub | grep "^\.")" && test -z "$(ls -A . | grep "^\.")"'

# A read-only file: refused and unchanged, replaced with --force keeping its mode.
cp t ro && chmod 0555 ro && cp ro ro.orig
expect_exit sign_read_only_refused 2 "ro is read-only \(mode 0555\).*chmod u\+w.*--force" encl sign --isvsvn 5 ro
check read_only_unchanged cmp ro ro.orig
check sign_read_only_force encl sign --force --isvsvn 5 ro
check read_only_forced test "$(isvsvn ro)" = 5 -a "$(stat -c %a ro)" = 555
cp t ro-out && chmod 0444 ro-out
expect_exit sign_read_only_out_refused 2 "ro-out is read-only \(mode 0444\)" encl sign -o ro-out t
