#!/usr/bin/env bash
# Rule sets persist between commands, belong to their namespace, and an
# iptables-save / iptables-restore round trip into a fresh namespace gives
# the same rule set back.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: srva 10.99.1.1 -- client -- srvb 10.99.3.1"
ns_add client srva srvb || { fail "cannot create namespaces"; e2e_finish; }
link client eth0 10.99.1.2/24 srva eth0 10.99.1.1/24 || { fail "veth"; e2e_finish; }
link client eth1 10.99.3.2/24 srvb eth0 10.99.3.1/24 || { fail "veth"; e2e_finish; }
listen srva 22 80 || e2e_finish
listen srvb 22 80 || e2e_finish

section "different rules in two namespaces, one command at a time"
ipt_ok srva -A INPUT -p tcp --dport 80 -j DROP
ipt_ok srvb -N ssh
ipt_ok srvb -A ssh -p tcp -j DROP
ipt_ok srvb -A INPUT -p tcp --dport 22 -j ssh -m comment --comment "no ssh here"
ipt_ok srvb -P FORWARD DROP

expect drop client tcp 10.99.1.1 80
expect accept client tcp 10.99.1.1 22
expect accept client tcp 10.99.3.1 80
expect drop client tcp 10.99.3.1 22

assert_eq "srva lists its own rules" '-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 80 -j DROP' "$(ipt srva -S)"
assert_eq "srvb lists its own rules" '-P INPUT ACCEPT
-P FORWARD DROP
-P OUTPUT ACCEPT
-N ssh
-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "no ssh here" -j ssh
-A ssh -p tcp -j DROP' "$(ipt srvb -S)"
assert_eq "the client has no rules" '-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT' "$(ipt client -S)"

section "rules stay after the commands exited"
sleep 1
expect drop client tcp 10.99.1.1 80
expect drop client tcp 10.99.3.1 22
assert_ok "a later ip netns exec still finds srvb's chain" ipt srvb -S ssh

section "iptables-save then iptables-restore into a fresh namespace"
ipt_save srvb >"$E2E_TMP/srvb.save" || fail "iptables-save in srvb"
if grep -q '^\*filter' "$E2E_TMP/srvb.save" && grep -q '^COMMIT' "$E2E_TMP/srvb.save"; then
	pass "iptables-save printed a filter table"
else
	fail "iptables-save output: $(cat "$E2E_TMP/srvb.save")"
fi
ns_add fresh || { fail "cannot create namespace"; e2e_finish; }
assert_ok "iptables-restore into the fresh namespace" ipt_restore fresh "$E2E_TMP/srvb.save"
assert_eq "iptables-save in the fresh namespace gives the same text" \
	"$(normalize_save <"$E2E_TMP/srvb.save")" "$(ipt_save fresh | normalize_save)"
assert_eq "iptables -S is the same too" "$(ipt srvb -S)" "$(ipt fresh -S)"

section "restore into srva replaces its rules with srvb's"
assert_ok "iptables-restore into srva" ipt_restore srva "$E2E_TMP/srvb.save"
expect accept client tcp 10.99.1.1 80
expect drop client tcp 10.99.1.1 22
assert_eq "srva now lists srvb's rules" "$(ipt srvb -S)" "$(ipt srva -S)"

section "a deleted namespace takes its rules along"
ns_del fresh
ns_add fresh || { fail "cannot create namespace"; e2e_finish; }
assert_eq "a new namespace of the same name starts empty" '-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT' "$(ipt fresh -S)"

e2e_finish
