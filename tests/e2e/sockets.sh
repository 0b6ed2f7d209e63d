#!/bin/bash
# encl-test: runs enclaves (tests/run repeats it in each of its passes)
# Sockets (enclave/shield/sys_net.c): programs of tests/programs built with
# encl-cc and natively, run both ways over loopback; stdout, stderr and the
# exit code must agree. UDP with a DNS-shaped request and answer (the C
# library's res_mkquery and ns_parserr), TCP over IPv4 and IPv6 with socket
# options, AF_UNIX streams passing a descriptor and 3 MiB, AF_UNIX
# datagrams, getaddrinfo("localhost"), and sendmmsg, recvmmsg and
# sendfile (net_batch.c, with non-blocking receives too). The others use
# threads and blocking calls only.
. "$(dirname "$0")/lib.sh"

plan 7
sim_defaults
require_enclave_toolchain

for n in net_udp net_tcp net_unix net_names net_batch; do
	build_program "$n" || true
done

[ -x "$TMP/net_udp.encl" ] && same net_udp udp_dns_request_response --
[ -x "$TMP/net_tcp.encl" ] && same net_tcp tcp_ipv4_ipv6_options_shutdown --
if [ -x "$TMP/net_unix.encl" ]; then
	mkdir -p "$TMP/unix"
	same net_unix unix_scm_rights_datagrams_bulk -- "$TMP/unix"
fi
[ -x "$TMP/net_names.encl" ] && same net_names getaddrinfo_localhost --
[ -x "$TMP/net_batch.encl" ] && same net_batch mmsg_batches_sendfile -- "$TMP"

# An option in no row of ENCL_SOCKOPTS: ENOPROTOOPT, and one warning naming it.
cat >"$TMP/opt.c" <<'PROG'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), v = 1;
	socklen_t len = sizeof(v);

	for (int i = 0; i < 2; i++)
		if (setsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &v, sizeof(v)) < 0)
			printf("set: %s\n", strerror(errno));
	if (getsockopt(s, SOL_SOCKET, SO_TIMESTAMP, &v, &len) < 0)
		printf("get: %s\n", strerror(errno));
	return 0;
}
PROG
if encl-cc -O2 "$TMP/opt.c" -o "$TMP/opt" 2>"$TMP/opt.build"; then
	SCONE_LOG=warning timeout -k 5 "$E2E_TIMEOUT" "$TMP/opt" >"$TMP/opt.out" 2>"$TMP/opt.err"
	if [ "$(grep -c 'Protocol not available' "$TMP/opt.out")" -ne 3 ]; then
		fail option_not_in_table "stdout: $(head -c 300 "$TMP/opt.out")"
	elif [ "$(grep -c 'socket option .* is not supported' "$TMP/opt.err")" -ne 1 ]; then
		fail option_not_in_table "expected one warning: $(head -c 600 "$TMP/opt.err")"
	else
		pass option_not_in_table
	fi
else
	fail option_not_in_table "encl-cc: $(head -c 600 "$TMP/opt.build")"
fi

# The socket calls are all in the table: none is refused as unsupported.
SCONE_LOG=debug timeout -k 5 "$E2E_TIMEOUT" "$TMP/net_tcp.encl" >/dev/null 2>"$TMP/debug.err"
if grep -E 'system call (socket|bind|listen|accept4?|connect|shutdown|get(sock|peer)name|[gs]etsockopt|sendto|recvfrom|sendmsg|recvmsg) .*not supported' "$TMP/debug.err"; then
	fail no_socket_call_refused "$(grep 'not supported' "$TMP/debug.err" | head -5)"
else
	pass no_socket_call_refused
fi
