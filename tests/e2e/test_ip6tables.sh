#!/usr/bin/env bash
# ip6tables end to end: a server's INPUT set up one ip6tables command at a
# time (neighbour discovery by ICMPv6 type names, ping by type and hop
# limit, SSH from one address of a /128, a port answered with a TCP reset),
# real IPv6 traffic through it, its listing and counters, and the same
# rules back from ip6tables-save through ip6tables-restore.
#
# Addresses (only inside the test's own namespaces): fd00:99::/64, the
# server fd00:99::1, the client fd00:99::2 and fd00:99::3.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

IP6T="$IPT_DIR/ip6tables"
IP6T_SAVE="$IPT_DIR/ip6tables-save"
IP6T_RESTORE="$IPT_DIR/ip6tables-restore"
for f in "$IP6T" "$IP6T_SAVE" "$IP6T_RESTORE"; do
	[ -x "$f" ] || { fail "missing binary $f"; e2e_finish; }
done

ip6t() { in_ns "$1" "$IP6T" "${@:2}"; }
ip6t_ok() {
	local out
	if ! out=$(ip6t "$@" 2>&1); then
		fail "ip6tables ${*:2} in $1: $out"
		return 1
	fi
}

# TCP accept-and-close on [::]:PORT... in the server, for at most 120 s.
LISTENER6='
import socket, select, sys, signal
signal.alarm(120)
ready, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
socks = []
for p in ports:
    t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("::", p)); t.listen(64)
    socks.append(t)
open(ready, "w").close()
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        c, _ = s.accept(); c.close()
'

# 0 connected, 1 refused (a reset came back), 2 timed out, 3 other error.
PROBE6='
import socket, sys
addr, port, timeout, src = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.settimeout(timeout)
try:
    if src:
        s.bind((src, 0))
    s.connect((addr, port))
    sys.exit(0)
except ConnectionRefusedError:
    sys.exit(1)
except (socket.timeout, TimeoutError):
    sys.exit(2)
except OSError:
    sys.exit(3)
'

# expect6 reached|refused|timeout PORT [SRC]: one TCP connection from the client.
expect6() {
	local want=$1 port=$2 src=${3:-} t=$E2E_TIMEOUT got
	[ "$want" = timeout ] || t=$E2E_ACCEPT_TIMEOUT
	in_ns client python3 -c "$PROBE6" fd00:99::1 "$port" "$t" "$src" 2>/dev/null
	case $? in
	0) got=reached ;;
	1) got=refused ;;
	2) got=timeout ;;
	*) got=error ;;
	esac
	if [ "$got" = "$want" ]; then
		pass "tcp [fd00:99::1]:$port from ${src:-the client}: $got"
	else
		fail "tcp [fd00:99::1]:$port from ${src:-the client}: expected $want, got $got"
	fi
}

# expect_ping reached|blocked [HOPLIMIT]
expect_ping() {
	local want=$1 got=blocked t=$E2E_TIMEOUT
	[ "$want" = reached ] && t=$E2E_ACCEPT_TIMEOUT
	if in_ns client ping -6 -n -q -c 1 -W "$t" ${2:+-t "$2"} fd00:99::1 >/dev/null 2>&1; then
		got=reached
	fi
	if [ "$got" = "$want" ]; then
		pass "ping6 fd00:99::1${2:+ with hop limit $2}: $got"
	else
		fail "ping6 fd00:99::1${2:+ with hop limit $2}: expected $want, got $got"
	fi
}

section "topology: client fd00:99::2, fd00:99::3 -- server fd00:99::1"
ns_add client server || { fail "cannot create namespaces"; e2e_finish; }
ip link add eth0 netns "$(ns client)" type veth peer name eth0 netns "$(ns server)" &&
	ip -n "$(ns client)" addr add fd00:99::2/64 dev eth0 nodad &&
	ip -n "$(ns client)" addr add fd00:99::3/64 dev eth0 nodad &&
	ip -n "$(ns server)" addr add fd00:99::1/64 dev eth0 nodad &&
	ip -n "$(ns client)" link set eth0 up && ip -n "$(ns server)" link set eth0 up ||
	{ fail "cannot build the topology"; e2e_finish; }
ready="$E2E_TMP/ready6"
ip netns exec "$(ns server)" python3 -c "$LISTENER6" "$ready" 22 8080 \
	>"$E2E_TMP/listener6.log" 2>&1 &
E2E_PIDS+=("$!")
for ((i = 0; i < 100; i++)); do
	[ -e "$ready" ] && break
	sleep 0.05
done
[ -e "$ready" ] || { fail "the listener did not start"; e2e_finish; }

section "before any rule everything gets through"
expect_ping reached
expect6 reached 22 fd00:99::2
expect6 reached 8080

section "ip6tables, one command at a time"
ip6t_ok server -A INPUT -i lo -j ACCEPT
ip6t_ok server -A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation -j ACCEPT
ip6t_ok server -A INPUT -p icmpv6 -m icmp6 --icmpv6-type neighbor-advertisement -j ACCEPT
ip6t_ok server -A INPUT -p 58 --icmpv6-type echo-request -m hl --hl-gt 10 -j ACCEPT
ip6t_ok server -A INPUT -s fd00:99::2 -p tcp --dport 22 -j ACCEPT
ip6t_ok server -A INPUT -s fd00:99::/ffff:ffff:ffff:ffff:: -p tcp --dport 8080 \
	-j REJECT --reject-with tcp-reset
ip6t_ok server -P INPUT DROP

expected='-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 136 -j ACCEPT
-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128 -m hl --hl-gt 10 -j ACCEPT
-A INPUT -s fd00:99::2/128 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -s fd00:99::/64 -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset'
assert_eq "ip6tables -S lists the rules as ip6tables does" "$expected" "$(ip6t server -S)"

expect_ping reached
expect_ping blocked 5
expect6 reached 22 fd00:99::2
expect6 timeout 22 fd00:99::3
expect6 refused 8080

section "ip6tables -L shows names and counts"
line=$(ip6t server -L INPUT -v -x | grep 'echo-request')
case "$line" in
*"ipv6-icmp echo-request HL match HL > 10"*) pass "-L names the type: $line" ;;
*) fail "-L of the echo-request rule: '$line'" ;;
esac
pkts=$(printf '%s\n' "$line" | awk '{ print $1 }')
if [ "${pkts:-0}" -ge 1 ] 2>/dev/null; then
	pass "the echo-request rule counted $pkts packets"
else
	fail "the echo-request rule counted '${pkts:-nothing}' packets"
fi

section "ip6tables-save, flush, ip6tables-restore"
saved=$(in_ns server "$IP6T_SAVE")
ip6t_ok server -F
ip6t_ok server -P INPUT ACCEPT
expect6 reached 8080
printf '%s\n' "$saved" >"$E2E_TMP/saved6"
if in_ns server "$IP6T_RESTORE" <"$E2E_TMP/saved6"; then
	pass "ip6tables-restore takes ip6tables-save's text"
else
	fail "ip6tables-restore refused ip6tables-save's text"
fi
assert_eq "the rules are back" "$expected" "$(ip6t server -S)"
expect6 refused 8080
expect6 timeout 22 fd00:99::3
expect_ping reached

e2e_finish
