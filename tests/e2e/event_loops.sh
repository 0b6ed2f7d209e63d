#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Event loops (docs/shield.md, "Event loops"): tests/programs/evl_poll.c
# (poll, ppoll, select, pselect, O_NONBLOCK, FIONBIO, masks and signals),
# evl_epoll.c (epoll, eventfd, timerfd) and evl_churn.c (registrations
# changed by threads while another waits), each built with encl-cc and
# natively, must print the same; a host that lies about readiness in a
# way no kernel would (ENCL_SIM_HOSTILE) stops the enclave; signalfd is
# refused with a warning that says why.
. "$(dirname "$0")/lib.sh"

sim_defaults
# Each program takes well under a second; one that runs a minute hangs.
E2E_TIMEOUT=60
require_enclave_toolchain
plan 15

for n in evl_poll evl_epoll evl_churn; do
	if build_program "$n"; then
		same "$n" "$n" --
		check "${n}_to_the_end" grep -q '^done$' "$TMP/e.out"
	else
		skip "$n" "not built"
	fi
done

P=$TMP/evl_hostile.encl
build_program evl_hostile || exit 0

# hostile NAME MODE ARG PATTERN: the program under ENCL_SIM_HOSTILE=MODE ends with 125 and PATTERN
hostile() {
	local n=$1 mode=$2 arg=$3 pat=$4
	ENCL_SIM_HOSTILE=$mode expect_exit "$n" 125 "$pat" timeout -k 5 "$E2E_TIMEOUT" "$P" "$arg"
	if grep -q '^done' "$TMP/stdout"; then
		fail "${n}_stopped" "the program went on: $(head -c 200 "$TMP/stdout")"
	fi
}

# Without a lie each wait sees the byte.
for arg in poll select epoll; do
	"$P" "$arg" >"$TMP/$arg.out" 2>&1
	check "honest_$arg" grep -q '^result 1$' "$TMP/$arg.out"
done

hostile poll_negative_fd poll-revents poll \
	"the enclave runtime stopped: the host returned -?[0-9]+ for ppoll .*poll reported events for a negative fd"
hostile poll_count_past_nfds poll-count poll \
	"the enclave runtime stopped: the host returned 3 for ppoll .*result is larger than the request"
hostile select_bit_not_asked select-bit select \
	"the enclave runtime stopped: the host returned -?[0-9]+ for select .*select returned an fd that was not asked for"
hostile epoll_fd_not_registered epoll-fd epoll \
	"the enclave runtime stopped: the host returned -?[0-9]+ for epoll_pwait .*epoll_wait returned an fd not registered in this epoll instance"
hostile epoll_count_past_maxevents epoll-count epoll \
	"the enclave runtime stopped: the host returned 5 for epoll_pwait .*result is larger than the request"

SCONE_LOG=warning "$P" signalfd >"$TMP/sfd.out" 2>"$TMP/sfd.err"
if grep -q '^signalfd: -1 Function not implemented' "$TMP/sfd.out" &&
   grep -q 'signalfd4 (289) is not supported: signals are kept inside the enclave' "$TMP/sfd.err"; then
	pass signalfd_refused
else
	fail signalfd_refused "$(cat "$TMP/sfd.out" "$TMP/sfd.err" | head -c 400)"
fi
