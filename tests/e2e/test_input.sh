#!/usr/bin/env bash
# INPUT: a server that lets in SSH and its own loopback traffic only, set up
# one command at a time exactly as a user would type it.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 8080 || e2e_finish
listen client 9000 || e2e_finish

section "before any rule everything gets through"
expect accept client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 8080
expect accept client icmp 10.99.1.1

section "iptables -P INPUT DROP; -A INPUT -i lo -j ACCEPT; -A INPUT -p tcp --dport 22 -j ACCEPT"
ipt_ok server -P INPUT DROP
ipt_ok server -A INPUT -i lo -j ACCEPT
ipt_ok server -A INPUT -p tcp --dport 22 -j ACCEPT

expected='-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'
assert_eq "iptables -S lists the rules" "$expected" "$(ipt server -S)"
assert_eq "iptables -S INPUT lists INPUT only" \
	"$(printf '%s\n' "$expected" | grep INPUT)" "$(ipt server -S INPUT)"

expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 8080
expect drop client udp 10.99.1.1 22
expect drop client icmp 10.99.1.1
expect accept client tcp 10.99.1.1 22 10.99.1.3

section "the server's own traffic"
expect accept server tcp 127.0.0.1 8080
expect accept server tcp 10.99.1.1 8080
expect accept server icmp 127.0.0.1
# No connection tracking is configured: the client's answers are dropped.
expect drop server tcp 10.99.1.2 9000

section "counters"
pkts=$(ipt server -L INPUT -n -v -x | awk '/dpt:22/ { print $1; exit }')
if [ "${pkts:-0}" -gt 0 ] 2>/dev/null; then
	pass "the --dport 22 rule counted $pkts packets"
else
	fail "the --dport 22 rule counted '${pkts:-nothing}' packets"
fi
policy=$(ipt server -L INPUT -n -v -x | head -n1)
case "$policy" in
"Chain INPUT (policy DROP 0 packets"*) fail "the policy counted nothing: $policy" ;;
"Chain INPUT (policy DROP "*) pass "the policy counted the dropped packets: $policy" ;;
*) fail "unexpected header: $policy" ;;
esac

section "policy back to ACCEPT"
ipt_ok server -P INPUT ACCEPT
expect accept client tcp 10.99.1.1 8080
expect accept client icmp 10.99.1.1

e2e_finish
