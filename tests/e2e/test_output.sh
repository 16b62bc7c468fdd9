#!/usr/bin/env bash
# OUTPUT: the server stops sending to one port of the client and to one of
# the client's addresses; everything else still leaves.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: client 10.99.1.2 + 10.99.1.3 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen client 8080 8081 || e2e_finish
listen server 22 || e2e_finish

section "before any rule"
expect accept server tcp 10.99.1.2 8080
expect accept server tcp 10.99.1.3 8081
expect accept server icmp 10.99.1.3

section "drop tcp to 10.99.1.2:8080 and everything to 10.99.1.3"
ipt_ok server -A OUTPUT -d 10.99.1.2/32 -p tcp --dport 8080 -j DROP
ipt_ok server -A OUTPUT -d 10.99.1.3 -j DROP
expected='-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A OUTPUT -d 10.99.1.2/32 -p tcp -m tcp --dport 8080 -j DROP
-A OUTPUT -d 10.99.1.3/32 -j DROP'
assert_eq "iptables -S" "$expected" "$(ipt server -S)"

expect drop server tcp 10.99.1.2 8080
expect accept server tcp 10.99.1.2 8081
expect accept server udp 10.99.1.2 8080
expect drop server tcp 10.99.1.3 8081
expect drop server udp 10.99.1.3 8081
expect drop server icmp 10.99.1.3
expect accept server icmp 10.99.1.2
# Loopback traffic also goes through OUTPUT, and is not matched here.
expect accept server tcp 127.0.0.1 22

section "answers to the client are OUTPUT too"
ipt_ok server -A OUTPUT -p tcp --sport 22 -d 10.99.1.2 -j DROP
expect drop client tcp 10.99.1.1 22
expect accept client icmp 10.99.1.1
# The address rule above also drops the answers to 10.99.1.3.
expect drop client tcp 10.99.1.1 22 10.99.1.3

section "OUTPUT policy DROP with -o lo allowed"
ipt_ok server -F OUTPUT
ipt_ok server -A OUTPUT -o lo -j ACCEPT
ipt_ok server -P OUTPUT DROP
expect drop server tcp 10.99.1.2 8081
expect drop server icmp 10.99.1.2
expect accept server tcp 127.0.0.1 22
expect accept server tcp 10.99.1.1 22
ipt_ok server -P OUTPUT ACCEPT
expect accept server tcp 10.99.1.2 8081

e2e_finish
