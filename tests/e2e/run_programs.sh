#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Real C programs (tests/programs/*.c) built twice, with encl-cc and natively
# with `musl-gcc -static`, run in the simulator: stdout, stderr and the exit
# code must be the same. Then the runtime's own behaviour: a crash, the
# mode and log settings, SCONE_VERSION, and a configuration that differs
# from the signed one.
. "$(dirname "$0")/lib.sh"

export ENCL_KEY=${ENCL_KEY:-$VECTORS/test-key.pem}
# Quiet sim: the "nothing is protected" warning would differ from native stderr.
export SCONE_MODE=sim SCONE_LOG=error

require_enclave_toolchain

quiet() { "$@" >/dev/null 2>&1; }

for n in printf args exit_code files sort_malloc stdin_upper null_write mprotect_none fcntl_locks processes; do
	build_program "$n" || true
done

[ -x "$TMP/printf.encl" ] && same printf printf --
[ -x "$TMP/args.encl" ] && E2E_ONE=1 E2E_TWO="a b  c" same args argv_envp -- one "two words" "" 'sp$cial*'
if [ -x "$TMP/exit_code.encl" ]; then
	for s in 0 3 255; do same exit_code "exit_$s" -- $s; done
	same exit_code return_from_main_7 -- 7 return
fi
if [ -x "$TMP/files.encl" ]; then
	mkdir -p "$TMP/nd" "$TMP/ed"
	# The directory name is part of nothing printed, so each build gets its own.
	"$TMP/files.native" "$TMP/nd" >"$TMP/fn.out" 2>&1; nrc=$?
	"$TMP/files.encl" "$TMP/ed" >"$TMP/fe.out" 2>&1; erc=$?
	if [ $nrc -eq $erc ] && cmp -s "$TMP/fn.out" "$TMP/fe.out"; then
		pass files
	else
		fail files "exit $erc/$nrc: $(diff "$TMP/fn.out" "$TMP/fe.out" | head -20)"
	fi
fi
# The file locks, pipe and terminal commands of abi/syscalls.h, one after the other on one file.
[ -x "$TMP/fcntl_locks.encl" ] && same fcntl_locks fcntl_ioctl_commands -- "$TMP"
[ -x "$TMP/sort_malloc.encl" ] && same sort_malloc qsort_malloc_strtod_time --
[ -x "$TMP/mprotect_none.encl" ] && same mprotect_none mprotect_none_to_rw_and_back --
if [ -x "$TMP/stdin_upper.encl" ]; then
	printf 'hello\nenclave world\n' >"$TMP/input"
	same stdin_upper stdin_file "$TMP/input" --
	got=$(echo hi | "$TMP/stdin_upper.encl")
	check stdin_pipeline test "$got" = "$(printf '1: HI\n1 lines')"
	# Closed standard descriptors are /dev/null: never the runtime's own
	# (in the simulator, the enclave's memory would be the next fd opened).
	"$TMP/stdin_upper.native" </dev/null >"$TMP/empty.want" 2>&1
	"$TMP/stdin_upper.encl" <&- >"$TMP/closed.out" 2>&1; rc=$?
	check closed_stdin_is_empty eval '[ $rc -eq 0 ] && cmp -s "$TMP/empty.want" "$TMP/closed.out"'
	echo hi | "$TMP/stdin_upper.encl" >&- 2>"$TMP/closed.err"; rc=$?
	check closed_stdout_runs eval '[ $rc -eq 0 ] && [ ! -s "$TMP/closed.err" ]'
fi

# An enclave is one process: fork, posix_spawn (clone), execve and wait4
# fail with ENOSYS, as does a call the shield does not serve; the first
# refusal of each call is one warning naming it, the second is silent.
if [ -x "$TMP/processes.encl" ]; then
	SCONE_LOG=warning "$TMP/processes.encl" >"$TMP/proc.out" 2>"$TMP/proc.err"
	check processes_enosys test "$(grep -c ': Function not implemented$' "$TMP/proc.out")" -eq 10
	for c in fork clone execve wait4 io_setup; do
		check "refusal_warned_once_$c" test "$(grep -c "warning: system call $c ([0-9]*) is not supported" "$TMP/proc.err")" -eq 1
	done
	check refusal_says_why grep -q "clone (56) is not supported: an enclave runs one process" "$TMP/proc.err"
fi

# A null-pointer write: 139 like the native program's death by SIGSEGV, and
# one diagnostic line naming the signal.
if [ -x "$TMP/null_write.encl" ]; then
	# (an inner shell, so that its "Segmentation fault" notice goes nowhere)
	nrc=$(bash -c '"$1" >/dev/null 2>&1; echo $?' _ "$TMP/null_write.native" 2>/dev/null)
	check null_write_native_is_139 test $nrc -eq 139
	expect_exit null_write 139 "crashed: SIGSEGV \(vector 14" "$TMP/null_write.encl"
	check null_write_stdout grep -qx "about to crash" "$TMP/stdout"
	check null_write_one_line test "$(wc -l <"$TMP/stderr")" -eq 1
fi

# ---- the runtime's settings -------------------------------------------------
P=$TMP/printf.encl
if [ -x "$P" ]; then
	if [ -e /dev/sgx_enclave ]; then
		skip mode_hw_unusable "this machine has /dev/sgx_enclave"
	else
		SCONE_MODE=hw expect_exit mode_hw_unusable 125 "SCONE_MODE=hw: SGX is not usable" "$P"
	fi
	SCONE_MODE=bogus expect_exit mode_bogus 125 "SCONE_MODE=bogus" "$P"
	SCONE_MODE=SIM SCONE_LOG=ERROR check mode_case_insensitive quiet "$P"
	SCONE_LOG=loud expect_exit log_bogus 125 "SCONE_LOG=loud" "$P"
	SCONE_EDMM_MODE=sometimes expect_exit edmm_mode_bogus 125 "SCONE_EDMM_MODE=sometimes" "$P"

	# sim warns once that nothing is protected, unless SCONE_LOG=error
	SCONE_LOG=warning "$P" >/dev/null 2>"$TMP/warn"
	check sim_warning test "$(grep -c 'nothing is protected' "$TMP/warn")" -eq 1
	SCONE_MODE=auto SCONE_LOG=warning "$P" >/dev/null 2>"$TMP/warn"
	if [ -e /dev/sgx_enclave ]; then
		skip auto_falls_back "this machine has /dev/sgx_enclave"
	else
		check auto_falls_back_to_sim grep -q "running in simulation mode" "$TMP/warn"
	fi

	hash=$(SCONE_HASH=1 "$P")
	SCONE_VERSION=1 "$P" >/dev/null 2>"$TMP/version"; rc=$?
	check version_exit_0 test $rc -eq 0
	for line in SCONE_MODE=sim SCONE_EDMM_MODE=disable SCONE_HEAP=64M SCONE_MIN_HEAP=20M \
		    SCONE_STACK=2M SCONE_TCS=8 SCONE_LOG=error "mode: sim" "EDMM: off (SCONE_EDMM_MODE=disable)" \
		    "MRENCLAVE: $hash (sgx1 layout)"; do
		check "version_${line%%[=:]*}" grep -qx "$line" "$TMP/version"
	done

	SCONE_HEAP=128M expect_exit heap_mismatch 125 "SCONE_HEAP.*encl sign --heap" "$P"
	SCONE_TCS=4 expect_exit tcs_mismatch 125 "SCONE_TCS=4.*encl sign --tcs" "$P"
	SCONE_HEAP=12x expect_exit heap_bad_size 125 "SCONE_HEAP" "$P"

	# The default simulated CPU and kernel have EDMM (tests/e2e/edmm.sh has the rest).
	SCONE_EDMM_MODE=enable check edmm_enable_runs quiet "$P"
	SCONE_EDMM_MODE=auto check edmm_auto_runs quiet "$P"
fi
