#!/usr/bin/env bash
# FORWARD: a router between a client and a server lets through web traffic,
# DNS-like UDP and ping only, chosen with -i/-o matches and + wildcards.
# Also checks that INPUT and FORWARD are told apart: the router's own
# rules do not touch traffic it routes, and the other way round.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: client 10.99.1.2 -- lan0 router wan0 -- server 10.99.2.2"
topo_routed || { fail "cannot build the topology"; e2e_finish; }
listen server 53 80 8080 || e2e_finish
listen router 80 || e2e_finish

section "before any rule everything is routed"
expect accept client tcp 10.99.2.2 80
expect accept client tcp 10.99.2.2 8080
expect accept client icmp 10.99.2.2

section "FORWARD policy DROP, web, udp 53 and ping allowed"
ipt_ok router -P FORWARD DROP
ipt_ok router -A FORWARD -i lan+ -o wan+ -p tcp --dport 80 -j ACCEPT
ipt_ok router -A FORWARD -i wan0 -o lan0 -p tcp --sport 80 -j ACCEPT
ipt_ok router -A FORWARD -i lan0 -p udp --dport 53 -j ACCEPT
ipt_ok router -A FORWARD -o lan+ -p udp --sport 53 -j ACCEPT
ipt_ok router -A FORWARD -p icmp --icmp-type echo-request -j ACCEPT
ipt_ok router -A FORWARD -p icmp --icmp-type echo-reply -j ACCEPT
# Never matches: the wildcard names no interface of the router.
ipt_ok router -I FORWARD -i eth+ -j DROP

expected='-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-A FORWARD -i eth+ -j DROP
-A FORWARD -i lan+ -o wan+ -p tcp -m tcp --dport 80 -j ACCEPT
-A FORWARD -i wan0 -o lan0 -p tcp -m tcp --sport 80 -j ACCEPT
-A FORWARD -i lan0 -p udp -m udp --dport 53 -j ACCEPT
-A FORWARD -o lan+ -p udp -m udp --sport 53 -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 0 -j ACCEPT'
assert_eq "iptables -S on the router" "$expected" "$(ipt router -S)"

expect accept client tcp 10.99.2.2 80
expect drop client tcp 10.99.2.2 8080
expect accept client udp 10.99.2.2 53
expect drop client udp 10.99.2.2 80
expect accept client icmp 10.99.2.2
# The server may answer from port 80 but not open connections to the client.
expect drop server tcp 10.99.1.2 80

section "the router's own INPUT is not FORWARD"
expect accept client tcp 10.99.1.1 80
expect accept client tcp 10.99.2.1 80

section "direction matters: lan -> wan only"
ipt_ok router -D FORWARD -i lan+ -o wan+ -p tcp --dport 80 -j ACCEPT
ipt_ok router -A FORWARD -i wan+ -o lan+ -p tcp --dport 80 -j ACCEPT
expect drop client tcp 10.99.2.2 80

section "! -o: everything not leaving through lan0"
ipt_ok router -A FORWARD ! -o lan0 -p tcp --dport 8080 -j ACCEPT
ipt_ok router -A FORWARD ! -i lan0 -p tcp --sport 8080 -j ACCEPT
expect accept client tcp 10.99.2.2 8080

section "ping dropped once its rules are deleted"
ipt_ok router -D FORWARD -p icmp --icmp-type echo-request -j ACCEPT
expect drop client icmp 10.99.2.2
expect accept client icmp 10.99.1.1

section "INPUT DROP on the router leaves routed traffic alone"
ipt_ok router -P INPUT DROP
expect drop client tcp 10.99.1.1 80
expect accept client tcp 10.99.2.2 8080
expect accept client udp 10.99.2.2 53

section "FORWARD policy back to ACCEPT"
ipt_ok router -F FORWARD
ipt_ok router -P FORWARD ACCEPT
expect accept client tcp 10.99.2.2 80
expect accept client icmp 10.99.2.2

e2e_finish
