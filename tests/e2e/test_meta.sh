#!/usr/bin/env bash
# -m mac, -m mark, -m pkttype and -m owner with real traffic: the client's
# Ethernet address, a sender's SO_MARK, datagrams sent by other users
# (setpriv) and to the broadcast address.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
command -v setpriv >/dev/null 2>&1 || e2e_skip_all "setpriv is missing (util-linux)"

# the system's python, which every user may run (python3 on PATH may be root's own)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

# A UDP datagram to ADDR:PORT with SO_MARK and SO_BROADCAST; 0 if answered.
SEND='
import socket, sys
addr, port, mark, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3], 0), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
if mark:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, mark)
s.settimeout(timeout)
try:
    s.sendto(b"probe", (addr, port))
    s.recvfrom(2048)
except (socket.timeout, TimeoutError):
    sys.exit(2)
except OSError as e:
    print(e, file=sys.stderr)
    sys.exit(3)
'

# send_as WANT NAME UID ADDR PORT MARK DESC: a datagram sent by user UID.
send_as() {
	local want=$1 n=$2 uid=$3 addr=$4 port=$5 mark=$6 desc=$7 t=$E2E_TIMEOUT got
	[ "$want" = accept ] && t=$E2E_ACCEPT_TIMEOUT
	if in_ns "$n" setpriv --reuid "$uid" --regid "$uid" --clear-groups \
		"$PY" -c "$SEND" "$addr" "$port" "$mark" "$t" 2>/dev/null; then
		got=accept
	else
		got=drop
	fi
	if [ "$got" = "$want" ]; then
		pass "$desc: $want"
	else
		fail "$desc: expected $want, got $got"
	fi
}

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 5000 || e2e_finish
client_mac=$(ip -n "$(ns client)" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
in_ns server sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0

section "mac: the client's Ethernet address"
ipt_ok server -A INPUT -p udp --dport 5000 -m mac --mac-source "$client_mac" -j DROP
send_as drop client 0 10.99.1.1 5000 0 "udp from the client's address, dropped by its mac"
ipt_ok server -R INPUT 1 -p udp --dport 5000 -m mac ! --mac-source "$client_mac" -j DROP
send_as accept client 0 10.99.1.1 5000 0 "udp from the client's address, ! its mac"
ipt_ok server -R INPUT 1 -p udp --dport 5000 -m mac --mac-source 02:00:00:00:00:09 -j DROP
send_as accept client 0 10.99.1.1 5000 0 "udp from the client's address, another mac"
assert_eq "iptables -S prints the address" \
	"-A INPUT -p udp -m udp --dport 5000 -m mac --mac-source 02:00:00:00:00:09 -j DROP" \
	"$(ipt server -S INPUT | sed -n 2p)"
out=$(ipt server -A OUTPUT -m mac --mac-source 02:00:00:00:00:09 2>&1)
assert_eq "mac is refused in OUTPUT, as the kernel refuses it" \
	"4 RULE_APPEND failed (Invalid argument): rule in chain OUTPUT" "$? ${out##*:  }"
ipt_ok server -F INPUT

section "mark: a sender's SO_MARK"
ipt_ok client -A OUTPUT -p udp -m mark --mark 0x7/0xff -j DROP
send_as drop client 0 10.99.1.1 5000 0x107 "udp with mark 0x107"
send_as accept client 0 10.99.1.1 5000 0x108 "udp with mark 0x108"
send_as accept client 0 10.99.1.1 5000 0 "udp without a mark"
ipt_ok client -R OUTPUT 1 -p udp -m mark ! --mark 0x0 -j DROP
send_as drop client 0 10.99.1.1 5000 5 "udp with mark 5, ! 0"
send_as accept client 0 10.99.1.1 5000 0 "udp without a mark, ! 0"
assert_eq "iptables -L shows the mark" "mark match ! 0x0" \
	"$(ipt client -L OUTPUT -n | awk '/mark/ { sub(/.*mark match/, "mark match"); print }')"
ipt_ok client -F OUTPUT

section "owner: datagrams sent by other users"
ipt_ok client -A OUTPUT -p udp -m owner --uid-owner 1234 -j DROP
send_as drop client 1234 10.99.1.1 5000 0 "udp sent by uid 1234"
send_as accept client 1235 10.99.1.1 5000 0 "udp sent by uid 1235"
send_as accept client 0 10.99.1.1 5000 0 "udp sent by root"
ipt_ok client -R OUTPUT 1 -p udp -m owner ! --uid-owner 0-999 -j DROP
send_as drop client 1235 10.99.1.1 5000 0 "udp sent by uid 1235, ! 0-999"
send_as accept client 0 10.99.1.1 5000 0 "udp sent by root, ! 0-999"
ipt_ok client -R OUTPUT 1 -p udp -m owner --socket-exists -j DROP
send_as drop client 0 10.99.1.1 5000 0 "udp from a socket, --socket-exists"
ipt_ok client -F OUTPUT
ipt_ok client -A OUTPUT -m owner --uid-owner 0
ipt_ok client -A OUTPUT -m owner --socket-exists
ipt_ok client -A OUTPUT -m owner ! --socket-exists
send_as accept client 1234 10.99.1.1 5000 0 "udp sent by uid 1234, counted"
counts=$(ipt client -L OUTPUT -v -x -n | awk 'NR > 2 { printf "%s ", $1 }')
assert_eq "counters: uid 0, a socket, no socket" "0 1 0 " "$counts"
assert_eq "iptables -L names the user" "owner UID match root" \
	"$(ipt client -L OUTPUT | awk '/UID/ { sub(/.*owner UID/, "owner UID"); print }')"
out=$(ipt client -A INPUT -m owner --uid-owner 0 2>&1)
assert_eq "owner is refused in INPUT, as the kernel refuses it" \
	"4 RULE_APPEND failed (Invalid argument): rule in chain INPUT" "$? ${out##*:  }"
ipt_ok client -F OUTPUT

section "pkttype: broadcast and unicast"
ipt_ok server -A INPUT -p udp -m pkttype --pkt-type broadcast -j DROP
send_as drop client 0 10.99.1.255 5000 0 "udp to the broadcast address"
send_as accept client 0 10.99.1.1 5000 0 "udp to the server"
ipt_ok server -R INPUT 1 -p udp -m pkttype ! --pkt-type broadcast -j DROP
send_as accept client 0 10.99.1.255 5000 0 "udp to the broadcast address, ! broadcast"
send_as drop client 0 10.99.1.1 5000 0 "udp to the server, ! broadcast"
ipt_ok server -F INPUT
# what leaves this host is unicast to netfilter's OUTPUT, whatever its address
ipt_ok client -A OUTPUT -p udp -m pkttype --pkt-type broadcast -j DROP
send_as accept client 0 10.99.1.255 5000 0 "udp to the broadcast address, OUTPUT broadcast"
ipt_ok client -F OUTPUT

e2e_finish
