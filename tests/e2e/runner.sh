# The suite's own counting: tests/run's run_one fed made-up test programs,
# and the harness's plan and CHECK_STR_CONTAINS checks on small C programs.
# A test that stops early, or never says how many tests it has, must fail.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/run"
plan 13

log=$TMP/log
mkdir "$log"

# fake NAME LINE...: an executable that prints the lines, then exits 0
fake() {
	local f=$TMP/$1; shift
	{ echo '#!/bin/sh'; for l in "$@"; do printf 'echo "%s"\n' "$l"; done; } >"$f"
	chmod +x "$f"
}

# counts NAME WANT_PASS WANT_FAIL WANT_SKIP WANT_LINE [--planned] PROGRAM:
# run_one's counts for PROGRAM, and WANT_LINE (a regex) among its output;
# its FAIL lines go to a file, not to tests/run counting this script.
counts() {
	local n=$1 wp=$2 wf=$3 ws=$4 line=$5; shift 5
	pass=0 fail=0 skip=0
	run_one "$@" "${!#}" >"$TMP/report" 2>&1
	if [ "$pass $fail $skip" != "$wp $wf $ws" ]; then
		fail "$n" "counted $pass passed, $fail failed, $skip skipped; want $wp, $wf, $ws:" \
			"$(cat "$TMP/report")"
	elif ! grep -qE -- "$line" "$TMP/report"; then
		fail "$n" "no /$line/ in: $(cat "$TMP/report")"
	else
		pass "$n"
	fi
}

fake short "PLAN: short.c 3" "PASS: short.c:a" "PASS: short.c:b"
counts plan_3_report_2 2 1 0 "^FAIL: .*/[a-z_]+: 2 of 3 planned tests reported$" --planned "$TMP/short"

fake unplanned "PASS: unplanned.c:a" "PASS: unplanned.c:b"
counts no_plan_line 2 1 0 "^FAIL: .*/[a-z_]+: no PLAN line; begin main\(\) with HARNESS_PLAN\(n\)$" \
	--planned "$TMP/unplanned"
# An end-to-end script need not plan, but one that does is held to it.
counts unplanned_script 2 0 0 "^-- .*unplanned: 2 passed, 0 failed, 0 skipped" "$TMP/unplanned"
counts script_plan_3_report_2 2 1 0 "^FAIL: .*/[a-z_]+: 2 of 3 planned tests reported$" "$TMP/short"

fake twice "PLAN: twice.c 1" "PLAN: twice.c 1" "PASS: twice.c:a"
counts plan_twice 1 1 0 "expected one 'PLAN: file n' line" --planned "$TMP/twice"

fake complete "PLAN: complete.c 2" "PASS: complete.c:a" "SKIP: complete.c:b (why)"
counts plan_met 1 0 1 "^-- .*complete: 1 passed, 0 failed, 1 skipped" --planned "$TMP/complete"

# A crash is its own failure, and the tests it kept from running another.
printf '#!/bin/sh\necho "PLAN: crash.c 3"\necho "PASS: crash.c:a"\nkill -SEGV $$\n' >"$TMP/crash"
chmod +x "$TMP/crash"
counts crash_mid_file 1 2 0 "^FAIL: .*/[a-z_]+: 1 of 3 planned tests reported$" --planned "$TMP/crash"

# The harness itself, on real RUN()s.
cat >"$TMP/harnessed.c" <<'EOF'
#include <stdlib.h>
#include "tests/harness.h"

/* Not static: each build leaves some unused. */
void ok(void) { CHECK(1); }
void stops(void) { exit(0); }		/* an early exit in the middle */
void empty_needle(void) { CHECK_STR_CONTAINS("any message", ""); }

int main(void)
{
	HARNESS_PLAN(PLANNED);
	RUN(ok);
#ifdef STOPS
	RUN(stops);
	RUN(ok);
#endif
#ifdef EMPTY
	RUN(empty_needle);
#endif
	HARNESS_EXIT();
}
EOF
harnessed() {	# NAME CFLAGS...
	local n=$1; shift
	cc -std=gnu11 -Wall -Wextra -Werror -I"$ROOT" "$@" -o "$TMP/$n" "$TMP/harnessed.c" 2>"$TMP/cc.err" ||
		fail "$n" "cc: $(head -c 400 "$TMP/cc.err")"
}
harnessed fewer_runs -DPLANNED=2
counts harness_fewer_runs 1 1 0 "^FAIL: .*harnessed\.c:plan \(1 RUN\(\)s, HARNESS_PLAN\(2\)" --planned "$TMP/fewer_runs"
harnessed more_runs -DPLANNED=1 -DEMPTY
counts harness_more_runs 1 2 0 "^FAIL: .*harnessed\.c:plan \(2 RUN\(\)s, HARNESS_PLAN\(1\)" --planned "$TMP/more_runs"
harnessed exits_early -DPLANNED=3 -DSTOPS
counts harness_exit_mid_file 1 1 0 "^FAIL: .*/[a-z_]+: 1 of 3 planned tests reported$" --planned "$TMP/exits_early"
harnessed empty_needle -DPLANNED=2 -DEMPTY
counts empty_needle_fails 1 1 0 "^FAIL: .*harnessed\.c:empty_needle$" --planned "$TMP/empty_needle"
check empty_needle_says_why grep -q 'the expected text is empty' "$TMP/report"

# lib.sh's expect_exit refuses an empty pattern the same way.
out=$(expect_exit empty_pattern 0 "" true 2>&1)
check expect_exit_empty_pattern test "$out" = "FAIL: runner.sh:empty_pattern
  expect_exit with an empty PATTERN: name the message expected, or use check"
