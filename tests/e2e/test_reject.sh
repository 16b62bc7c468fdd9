#!/usr/bin/env bash
# -j REJECT with real traffic: connections to open ports are answered with
# a TCP reset or an ICMP destination-unreachable of the chosen kind, so the
# client's socket fails at once (refused, or "no route to host") instead
# of waiting; REJECT on OUTPUT answers the host's own sockets; the rule
# counts what it rejected.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 8080 8443 || e2e_finish
listen client 9000 || e2e_finish

section "before: every port answers"
assert_eq "tcp 8080" reached "$(probe client tcp 10.99.1.1 8080)"
assert_eq "udp 8080" reached "$(probe client udp 10.99.1.1 8080)"

section "REJECT on INPUT: reset, port unreachable, host prohibited"
ipt_ok server -A INPUT -p tcp --dport 8080 -j REJECT --reject-with tcp-reset
ipt_ok server -A INPUT -p udp --dport 8080 -j REJECT
ipt_ok server -A INPUT -p tcp --dport 8443 -j REJECT --reject-with icmp-host-prohibited
assert_eq "iptables -S spells the default" \
	"-A INPUT -p udp -m udp --dport 8080 -j REJECT --reject-with icmp-port-unreachable" \
	"$(ipt server -S INPUT | sed -n 3p)"
assert_eq "tcp 8080: reset, refused at once" refused "$(probe client tcp 10.99.1.1 8080)"
assert_eq "udp 8080: port unreachable, refused" refused "$(probe client udp 10.99.1.1 8080)"
got=$(in_ns client python3 -c '
import socket
s = socket.socket(); s.settimeout(3)
try:
    s.connect(("10.99.1.1", 8443)); print("reached")
except OSError as e:
    print(e.errno)')
assert_eq "tcp 8443: host prohibited, EHOSTUNREACH" 113 "$got"
assert_eq "tcp 22 still open" reached "$(probe client tcp 10.99.1.1 22)"
pkts=$(ipt server -L INPUT -n -v -x | awk '/tcp-reset/ { print $1; exit }')
if [ "${pkts:-0}" -ge 1 ] 2>/dev/null; then
	pass "the reset rule counted $pkts packets"
else
	fail "the reset rule counted '${pkts:-nothing}' packets"
fi

section "REJECT on OUTPUT answers the host's own socket"
ipt_ok server -A OUTPUT -p tcp --dport 9000 -j REJECT --reject-with tcp-reset
assert_eq "server to client tcp 9000: refused" refused "$(probe server tcp 10.99.1.2 9000)"

section "refused where iptables refuses it"
assert_fails "tcp-reset without -p tcp" ipt server -A INPUT -j REJECT --reject-with tcp-reset
assert_fails "an unknown type" ipt server -A INPUT -j REJECT --reject-with foo

e2e_finish
