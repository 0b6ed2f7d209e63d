#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# A hostile host, in the simulator: ENCL_SIM_HOSTILE (host/host.h, a test
# facility the sim backend alone honours) makes the host lie once about an
# ocall result or play a game with the entry protocol. Each lie must end
# the enclave with ENCL_EXIT_FATAL (exit 125) and a line naming what was
# wrong, never let the program go on with a wrong result; a moved pointer
# in the area must change nothing, since the enclave never reads one back.
. "$(dirname "$0")/lib.sh"

sim_defaults

require_enclave_toolchain

P=$TMP/victim
cat >"$P.c" <<'PROG'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (!strcmp(what, "read")) {
		char buf[64];
		ssize_t n = read(0, buf, sizeof(buf) - 1);

		if (n < 0)
			return 3;
		buf[n] = 0;
		printf("read %zd: %s\n", n, buf);
	} else if (!strcmp(what, "open")) {
		int fd = open(argv[0], O_RDONLY);

		printf("fd %d\n", fd);
	} else if (!strcmp(what, "time")) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		printf("nsec %ld\n", (long)ts.tv_nsec);
	}
	printf("done\n");
	return 0;
}
PROG
if ! encl-cc -O2 "$P.c" -o "$P" 2>"$TMP/build"; then
	fail build_victim "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi

# hostile NAME MODE ARG: the program under ENCL_SIM_HOSTILE=MODE, stdin "hello"
hostile() {
	local n=$1 mode=$2 arg=$3 code=$4 pat=$5
	echo hello | ENCL_SIM_HOSTILE=$mode expect_exit "$n" "$code" "$pat" "$P" "$arg"
	if [ "$code" -eq 125 ] && grep -q '^done' "$TMP/stdout"; then
		fail "${n}_stopped" "the program went on: $(head -c 200 "$TMP/stdout")"
	fi
}

# Without a lie the program works.
echo hello | "$P" read >"$TMP/plain.out" 2>&1
check honest_host grep -q '^read 6: hello' "$TMP/plain.out"

hostile read_count_too_large read-count read 125 \
	"the host returned [0-9]+ for read .*result is larger than the request"
hostile read_count_negative read-negative read 125 \
	"the host returned -5000 for read .*negative but not an errno"
hostile open_not_a_descriptor open-fd open 125 \
	"the host returned 4294967296 for open(at)? .*not a file descriptor"
hostile clock_nsec_out_of_range timespec time 125 \
	"for clock_gettime .*nanoseconds out of range"
hostile oret_as_start oret-start read 125 \
	"an entry that fits no state of the thread"
hostile handler_entered_again handler-again read 125 \
	"entered the exception handler again without a new exception"

# The host moves the buffer pointer in the area into ELRANGE after the
# read: the enclave uses its own copy of the pointer, so nothing changes.
echo hello | ENCL_SIM_HOSTILE=read-pointer "$P" read >"$TMP/ptr.out" 2>"$TMP/ptr.err"
check read_pointer_moved grep -q '^read 6: hello' "$TMP/ptr.out"

# Not a mode: refused before anything runs.
ENCL_SIM_HOSTILE=bogus expect_exit unknown_mode 125 "ENCL_SIM_HOSTILE=bogus is not one of" "$P"
