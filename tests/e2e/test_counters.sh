#!/usr/bin/env bash
# Counters: real traffic counted per rule and per policy; a rule that stays
# keeps its counter across later updates; -Z zeroes; restore -c sets them.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

# "PKTS BYTES" of rule N of CHAIN, from -L -v -x
count() { ipt server -L "$1" -v -x -n | awk -v n="$2" 'NR == n + 2 { print $1, $2 }'; }

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }

section "three pings counted by their rule, in IP bytes"
ipt_ok server -A INPUT -p icmp --icmp-type echo-request -j ACCEPT
for _ in 1 2 3; do expect accept client icmp 10.99.1.1; done
assert_eq "rule 1 counted 3 echo requests of 84 bytes" "3 252" "$(count INPUT 1)"

section "the counter survives updates of other rules"
ipt_ok server -I INPUT 1 -p tcp --dport 9 -j DROP
ipt_ok server -A INPUT -s 192.0.2.1 -j DROP
ipt_ok server -D INPUT 3
assert_eq "the same rule, now number 2, still has 3 packets" "3 252" "$(count INPUT 2)"
expect accept client icmp 10.99.1.1
assert_eq "and goes on counting" "4 336" "$(count INPUT 2)"

section "-Z zeroes, -c sets, -R starts again"
ipt_ok server -Z INPUT
assert_eq "zeroed" "0 0" "$(count INPUT 2)"
ipt_ok server -A INPUT -c 10 20 -j ACCEPT
assert_eq "-c 10 20" "10 20" "$(count INPUT 3)"
ipt_ok server -R INPUT 3 -j ACCEPT
assert_eq "-R: a new rule counts from zero" "0 0" "$(count INPUT 3)"

section "iptables-restore -c takes the counters of the file"
printf '*filter\n:INPUT ACCEPT [7:700]\n[5:500] -A INPUT -p udp -j ACCEPT\nCOMMIT\n' \
	>"$E2E_TMP/counters.rules"
ipt_restore server "$E2E_TMP/counters.rules" -c
assert_eq "rule counter from the file" "5 500" "$(count INPUT 1)"
assert_eq "policy counter from the file" \
	"Chain INPUT (policy ACCEPT 7 packets, 700 bytes)" \
	"$(ipt server -L INPUT -v -x -n | head -n1)"

section "policy counters survive updates"
ipt_ok server -A INPUT -s 192.0.2.7 -j DROP
ipt_ok server -D INPUT -s 192.0.2.7 -j DROP
assert_eq "the policy counter after two updates" \
	"Chain INPUT (policy ACCEPT 7 packets, 700 bytes)" \
	"$(ipt server -L INPUT -v -x -n | head -n1)"
expect accept client icmp 10.99.1.1
assert_eq "and it goes on counting packets no rule took" \
	"Chain INPUT (policy ACCEPT 8 packets, 784 bytes)" \
	"$(ipt server -L INPUT -v -x -n | head -n1)"

section "iptables-restore without -c starts the policies' counts again"
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp -j ACCEPT\nCOMMIT\n' \
	>"$E2E_TMP/nocounters.rules"
ipt_restore server "$E2E_TMP/nocounters.rules"
assert_eq "the policy counter after a restore" \
	"Chain INPUT (policy ACCEPT 0 packets, 0 bytes)" \
	"$(ipt server -L INPUT -v -x -n | head -n1)"
expect accept client icmp 10.99.1.1
ipt_restore server "$E2E_TMP/nocounters.rules" -n
assert_eq "and with -n" \
	"Chain INPUT (policy ACCEPT 0 packets, 0 bytes)" \
	"$(ipt server -L INPUT -v -x -n | head -n1)"

e2e_finish
