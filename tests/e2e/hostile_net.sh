#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# A hostile host lying about socket calls (ENCL_SIM_HOSTILE, host/host.h):
# a descriptor that is none, an address longer than the enclave gave room
# for or than its family's, more data or control bytes than recvmsg was
# given, broken control messages, a getsockopt length beyond the buffer.
# Each lie must end the enclave with exit 125 and a FATAL line naming it,
# before the program sees the result; without a lie the same program works
# as its native build.
. "$(dirname "$0")/lib.sh"

plan 13
sim_defaults
require_enclave_toolchain

build_program net_victim || exit 0
P=$TMP/net_victim.encl

# Without a lie each case works as natively.
for arg in socket accept recvfrom recvmsg getsockopt; do
	same net_victim "honest_$arg" -- "$arg"
done

# lie NAME MODE ARG PATTERN: exit 125, the FATAL line with PATTERN on
# stderr, and the program did not go on
lie() {
	local n=$1 mode=$2 arg=$3 pat=$4
	ENCL_SIM_HOSTILE=$mode expect_exit "$n" 125 "^encl: the enclave runtime stopped: $pat" timeout -k 5 "$E2E_TIMEOUT" "$P" "$arg"
	if grep -q '^done' "$TMP/stdout"; then
		fail "${n}_stopped" "the program went on: $(head -c 200 "$TMP/stdout")"
	fi
}

lie socket_not_a_descriptor socket-fd socket \
	"the host returned 4294967296 for socket .*not a file descriptor"
lie accept_address_too_long accept-addrlen accept \
	"the host returned [0-9]+ for accept .*address length is larger than any socket address"
lie recvfrom_address_longer_than_family recvfrom-addrlen recvfrom \
	"the host returned [0-9]+ for recvfrom .*address length is larger than its family's address"
lie recvmsg_more_data recvmsg-count recvmsg \
	"the host returned 65 for recvmsg .*result is larger than the request"
lie recvmsg_more_control recvmsg-control recvmsg \
	"the host returned [0-9]+ for recvmsg .*returned length is larger than the buffer given"
lie recvmsg_cmsg_past_end cmsg-len recvmsg \
	"the host returned [0-9]+ for recvmsg .*control message runs past the returned control length"
lie recvmsg_negative_descriptor cmsg-fd recvmsg \
	"the host returned [0-9]+ for recvmsg .*SCM_RIGHTS carries a negative descriptor"
lie getsockopt_length_beyond_buffer getsockopt-len getsockopt \
	"the host returned [0-9]+ for getsockopt .*returned length is larger than the buffer given"
