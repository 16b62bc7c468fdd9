#!/usr/bin/env bash
# User chains (-j, -g, RETURN), rule editing by number (-D, -R, -I), -F, -X
# and policy changes, each checked with iptables -S and with real traffic.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

S=10.99.1.1
section "topology: client 10.99.1.2 -- server $S"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 23 24 25 26 27 || e2e_finish

section "user chain with RETURN, called with -j"
ipt_ok server -P INPUT DROP
ipt_ok server -A INPUT -i lo -j ACCEPT
ipt_ok server -N svc
ipt_ok server -A svc -p tcp --dport 22 -j ACCEPT
ipt_ok server -A svc -p tcp --dport 23 -j RETURN
ipt_ok server -A svc -p tcp --dport 23:24 -j DROP
ipt_ok server -A INPUT -p tcp -j svc
ipt_ok server -A INPUT -p tcp --dport 23 -j ACCEPT
expect accept client tcp "$S" 22   # accepted inside svc
expect accept client tcp "$S" 23   # RETURN, then accepted by INPUT
expect drop client tcp "$S" 24     # dropped inside svc
expect drop client tcp "$S" 25     # falls off svc, then the policy

section "-g: a RETURN goes back past the chain that jumped"
ipt_ok server -N outer
ipt_ok server -N inner
ipt_ok server -A inner -p tcp -j RETURN
ipt_ok server -A outer -p tcp --dport 26 -g inner
ipt_ok server -A outer -p tcp --dport 26 -j DROP
ipt_ok server -I INPUT 2 -j outer
ipt_ok server -A INPUT -p tcp --dport 26 -j ACCEPT
ipt_ok server -A INPUT -p tcp --dport 27 -g inner
ipt_ok server -A INPUT -p tcp --dport 27 -j ACCEPT
expect accept client tcp "$S" 26   # inner returns to INPUT, not to outer
expect drop client tcp "$S" 27     # goto from INPUT: returns to the policy

expected='-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N inner
-N outer
-N svc
-A INPUT -i lo -j ACCEPT
-A INPUT -j outer
-A INPUT -p tcp -j svc
-A INPUT -p tcp -m tcp --dport 23 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 26 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 27 -g inner
-A INPUT -p tcp -m tcp --dport 27 -j ACCEPT
-A inner -p tcp -j RETURN
-A outer -p tcp -m tcp --dport 26 -g inner
-A outer -p tcp -m tcp --dport 26 -j DROP
-A svc -p tcp -m tcp --dport 22 -j ACCEPT
-A svc -p tcp -m tcp --dport 23 -j RETURN
-A svc -p tcp -m tcp --dport 23:24 -j DROP'
assert_eq "iptables -S" "$expected" "$(ipt server -S)"

section "-D by number, -D by rule"
ipt_ok server -D svc 3                 # the 23:24 DROP
expect drop client tcp "$S" 24         # now the policy drops it
ipt_ok server -A INPUT -p tcp --dport 24 -j ACCEPT
expect accept client tcp "$S" 24
ipt_ok server -D INPUT -p tcp --dport 24 -j ACCEPT
expect drop client tcp "$S" 24
assert_fails "-D of a rule that is not there fails" \
	ipt server -D INPUT -p tcp --dport 24 -j ACCEPT
assert_fails "-D of a rule number past the end fails" ipt server -D svc 9

section "-R replaces a rule in place"
ipt_ok server -R svc 1 -p tcp --dport 25 -j ACCEPT
expect drop client tcp "$S" 22
expect accept client tcp "$S" 25
assert_eq "svc after -R" '-N svc
-A svc -p tcp -m tcp --dport 25 -j ACCEPT
-A svc -p tcp -m tcp --dport 23 -j RETURN' "$(ipt server -S svc)"

section "-I with a position"
ipt_ok server -I svc 2 -p tcp --dport 23 -j DROP
expect drop client tcp "$S" 23
ipt_ok server -I svc -p tcp --dport 22 -j ACCEPT
expect accept client tcp "$S" 22
assert_eq "svc after -I" '-N svc
-A svc -p tcp -m tcp --dport 22 -j ACCEPT
-A svc -p tcp -m tcp --dport 25 -j ACCEPT
-A svc -p tcp -m tcp --dport 23 -j DROP
-A svc -p tcp -m tcp --dport 23 -j RETURN' "$(ipt server -S svc)"
assert_fails "-I past the end + 1 fails" ipt server -I svc 9 -j ACCEPT

section "-F and -X"
assert_fails "-X of a chain still referenced fails" ipt server -X svc
ipt_ok server -F svc
expect drop client tcp "$S" 22
expect accept client tcp "$S" 23   # svc is empty: back in INPUT
ipt_ok server -D INPUT -p tcp -j svc
ipt_ok server -X svc
assert_eq "svc is gone" "" "$(ipt server -S 2>/dev/null | grep -- svc)"
assert_fails "-S of a deleted chain fails" ipt server -S svc
ipt_ok server -F
expect drop client tcp "$S" 26
ipt_ok server -X
assert_eq "-F then -X leaves the policies only" '-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT' "$(ipt server -S)"

section "policy changes take effect"
expect drop client icmp "$S"
ipt_ok server -P INPUT ACCEPT
expect accept client icmp "$S"
expect accept client tcp "$S" 26
ipt_ok server -P INPUT DROP
expect drop client tcp "$S" 26
assert_fails "-P of a user chain fails" ipt server -P nosuch DROP

e2e_finish
