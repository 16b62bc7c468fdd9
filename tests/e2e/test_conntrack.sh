#!/usr/bin/env bash
# Connection tracking with real traffic: a client with INPUT policy DROP and
# "-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT" opens TCP and UDP
# connections and pings out and gets the answers, while nothing gets in
# unasked; an ICMP error about its own datagram is RELATED; a UDP flow
# keeps its state across rule updates; a server lets NEW connections in
# to one port only.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

# A UDP flow from one socket: a datagram to the server's echo, then @updates
# rule updates on the client while the socket stays open, then another.
# Prints "2" when both answers came back.
FLOW='
import socket, subprocess, sys
addr, port, n, ipt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.connect((addr, port)); got = 0
for i in range(2):
    s.send(b"flow")
    try:
        s.recv(64); got += 1
    except OSError:
        pass
    if i == 0:
        for k in range(n):
            subprocess.run([ipt, "-A", "INPUT", "-s", "192.0.2.%d" % (k + 1), "-j", "DROP"], check=True)
print(got)
'

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 8080 || e2e_finish
listen client 9000 || e2e_finish

section "client: INPUT DROP, replies let in by state"
ipt_ok client -P INPUT DROP
ipt_ok client -A INPUT -i lo -j ACCEPT
ipt_ok client -A INPUT -m conntrack --ctstate INVALID -j DROP
ipt_ok client -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
assert_eq "iptables -S spells the states as iptables does" \
	"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" \
	"$(ipt client -S INPUT | sed -n 4p)"
expect accept client tcp 10.99.1.1 22
expect accept client udp 10.99.1.1 8080
expect accept client icmp 10.99.1.1
expect drop server tcp 10.99.1.2 9000
expect drop server udp 10.99.1.2 9000
expect drop server icmp 10.99.1.2

section "an ICMP error about the client's datagram is RELATED"
assert_eq "UDP to a closed port: the port-unreachable gets in" refused \
	"$(probe client udp 10.99.1.1 7777)"
ipt_ok client -R INPUT 3 -m conntrack --ctstate ESTABLISHED -j ACCEPT
assert_eq "without RELATED it does not" timeout "$(probe client udp 10.99.1.1 7777)"
ipt_ok client -R INPUT 3 -m state --state ESTABLISHED,RELATED -j ACCEPT
assert_eq "-m state says the same" refused "$(probe client udp 10.99.1.1 7777)"

section "connections outlive rule updates"
got=$(in_ns client python3 -c "$FLOW" 10.99.1.1 8080 5 "$IPT")
assert_eq "a UDP flow's answers before and after 5 updates" 2 "$got"

section "connections outlive a rule set that does not look at states"
# ct_map_id: the id of the connection table the client's ingress program holds
ct_map_id() {
	local prog maps m
	prog=$(in_ns client tc filter show dev eth0 ingress | grep -o ' id [0-9]*' | tail -n 1)
	maps=$(bpftool prog show id "${prog# id }" --json |
		python3 -c 'import json, sys; print(*json.load(sys.stdin).get("map_ids", []))')
	for m in $maps; do
		bpftool map show id "$m" | grep -q 'name bpfw_ct ' && echo "$m"
	done
}
if ipt_is_system; then
	info "bpfw only: its connection table"
else
	before=$(ct_map_id)
	ipt_save client >"$E2E_TMP/ct.rules"
	ipt_ok client -F INPUT
	ipt_ok client -P INPUT ACCEPT
	ipt_restore client "$E2E_TMP/ct.rules" || fail "restore of the client's rules"
	assert_eq "the same connection table after a rule set without states" "$before" \
		"$(ct_map_id)"
	expect accept client udp 10.99.1.1 8080
fi

section "server: NEW connections to port 22 only"
ipt_ok server -P INPUT DROP
ipt_ok server -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
ipt_ok server -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT
expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 8080
expect drop client udp 10.99.1.1 8080
pkts=$(ipt server -L INPUT -n -v -x | awk '/ctstate NEW/ { print $1; exit }')
if [ "${pkts:-0}" -ge 1 ] 2>/dev/null; then
	pass "the NEW rule counted $pkts packets (the SYNs, not the rest)"
else
	fail "the NEW rule counted '${pkts:-nothing}' packets"
fi

if ! ipt_is_system; then
	section "states are not known at XDP"
	out=$(ipt server -t raw -A PREROUTING -m conntrack --ctstate NEW -j DROP 2>&1)
	assert_eq "refused in the raw table (exit 2)" 2 "$?"
	case "$out" in
	*"cannot be matched in the raw table"*) pass "and says why" ;;
	*) fail "unexpected message: $out" ;;
	esac
fi

e2e_finish
