#!/usr/bin/env bash
# -j LOG with real traffic: the server logs pings and SSH attempts and drops
# the SSH ones; "bpfw log" prints the kernel LOG target's lines (prefix,
# interfaces, MAC, addresses, protocol fields); "bpfw log -f" follows new
# ones, across a rule update.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: bpfw log reads bpfw's log ring"; e2e_finish; }
BPFW="$IPT_DIR/bpfw"

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 || e2e_finish

section "LOG, then the rule after it decides"
ipt_ok server -A INPUT -p icmp -j LOG --log-prefix "[PING] " --log-level info
ipt_ok server -A INPUT -p tcp --dport 22 -j LOG --log-prefix "ssh: " --log-tcp-sequence
ipt_ok server -A INPUT -p tcp --dport 22 -j DROP
assert_eq "iptables -S spells it as iptables does" \
	'-A INPUT -p icmp -j LOG --log-prefix "[PING] " --log-level 6' \
	"$(ipt server -S INPUT | sed -n 2p)"
expect accept client icmp 10.99.1.1
expect drop client tcp 10.99.1.1 22
out=$(in_ns server "$BPFW" log)
assert_eq "bpfw log exits 0" 0 "$?"
ping_line=$(grep -m1 '^\[PING\] ' <<<"$out")
case "$ping_line" in
"[PING] IN=eth0 OUT= MAC="*" SRC=10.99.1.2 DST=10.99.1.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID="*" PROTO=ICMP TYPE=8 CODE=0 ID="*" SEQ=1 ")
	pass "a ping's line: $ping_line" ;;
*) fail "no ping line as the kernel writes it: '$ping_line' in: $out" ;;
esac
ssh_line=$(grep -m1 '^ssh: ' <<<"$out")
case "$ssh_line" in
"ssh: IN=eth0 OUT= MAC="*" SRC=10.99.1.2 DST=10.99.1.1 LEN=60 "*"PROTO=TCP SPT="*" DPT=22 SEQ="*" ACK=0 WINDOW="*" RES=0x00 SYN URGP=0 ")
	pass "an SSH SYN's line: $ssh_line" ;;
*) fail "no SSH line as the kernel writes it: '$ssh_line' in: $out" ;;
esac
pkts=$(ipt server -L INPUT -n -v -x | awk '/LOG.*prefix "ssh: "/ { print $1; exit }')
if [ "${pkts:-0}" -ge 1 ] 2>/dev/null; then
	pass "the LOG rule counted $pkts packets"
else
	fail "the LOG rule counted '${pkts:-nothing}' packets"
fi
assert_eq "read once, the ring is empty" "" "$(in_ns server "$BPFW" log)"

section "bpfw log -f follows, across an update"
in_ns server timeout 4 "$BPFW" log -f >"$E2E_TMP/follow" 2>&1 &
follower=$!
sleep 0.5
in_ns client ping -n -q -c 1 -W 1 10.99.1.1 >/dev/null 2>&1
ipt_ok server -A INPUT -s 192.0.2.1 -j DROP
in_ns client ping -n -q -c 1 -W 1 10.99.1.1 >/dev/null 2>&1
wait "$follower"
assert_eq "both pings followed" 2 "$(grep -c '^\[PING\] ' "$E2E_TMP/follow")"

section "no LOG rule: bpfw log says so"
ipt_ok server -F INPUT
out=$(in_ns server "$BPFW" log 2>&1)
assert_eq "exit 1 and the reason" "1: bpfw log: no rule of the running rule set logs (-j LOG)" \
	"$?: $out"

e2e_finish
