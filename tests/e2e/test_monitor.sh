#!/usr/bin/env bash
# bpfw monitor: interfaces created after the rules were loaded (the veths of
# new containers) get the running programs as they appear, and those of the
# new generation after a later commit (its -i rules too); the raw table's
# XDP program goes on them when the rule set has one; an interface with
# someone else's XDP program is skipped; nothing is removed when the
# monitor stops, and interfaces created while it does not run are left
# alone; an address added later is LOCAL to -m addrtype.  Real traffic from
# a client namespace over each new veth.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: the monitor attaches bpfw's programs"; e2e_finish; }

BPFW="$IPT_DIR/bpfw"
MON_LOG="$E2E_TMP/monitor.log"
MON_PID=

# monitor_start: bpfw monitor in the server namespace, in the background.
monitor_start() {
	: >"$MON_LOG"
	ip netns exec "$(ns server)" "$BPFW" monitor >"$MON_LOG" 2>&1 &
	MON_PID=$!
	E2E_PIDS+=("$MON_PID")
}

# monitor_stop: SIGTERM, and its exit status must be 0.
monitor_stop() {
	local rc
	kill -TERM "$MON_PID" 2>/dev/null
	wait "$MON_PID"
	rc=$?
	assert_eq "bpfw monitor ends with 0 on SIGTERM" 0 "$rc"
}

# wait_line TEXT: waits up to 5 s for a line of the monitor's output holding TEXT.
wait_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qF -- "$1" "$MON_LOG" && return 0
		sleep 0.05
	done
	return 1
}

# expect_line TEXT: the monitor printed a line holding TEXT.
expect_line() {
	if wait_line "$1"; then
		pass "monitor: $1"
	else
		fail "monitor did not print '$1'; it printed: $(cat "$MON_LOG")"
	fi
}

# new_veth IF ADDR_SERVER/LEN ADDR_CLIENT/LEN: a veth made in the server,
# its peer (IF + "p") moved to the client.
new_veth() {
	local srv cli
	srv=$(ns server)
	cli=$(ns client)
	ip -n "$srv" link add "$1" type veth peer name "$1p" || return 1
	ip -n "$srv" link set "$1p" netns "$cli" || return 1
	ip -n "$srv" addr add "$2" dev "$1" || return 1
	ip -n "$cli" addr add "$3" dev "$1p" || return 1
	ip -n "$srv" link set "$1" up || return 1
	ip -n "$cli" link set "$1p" up
}

# tc_prog IF ingress|egress: the id of bpfw's program there, or "none".
tc_prog() {
	local id
	id=$(ip netns exec "$(ns server)" tc filter show dev "$1" "$2" |
		sed -n 's/.* handle 0xb9f0 .* id \([0-9]*\) name bpfw_.*/\1/p' | head -1)
	echo "${id:-none}"
}

# xdp_prog IF: the name of the XDP program on IF in the server, or "none".
xdp_prog() {
	local name
	name=$(ip -n "$(ns server)" link show dev "$1" |
		sed -n 's/.*prog\/xdp id [0-9]* name \([^ ]*\).*/\1/p')
	echo "${name:-none}"
}

section "topology: server and client, no link yet"
ns_add server client || { fail "cannot create the namespaces"; e2e_finish; }
listen server 22 8080 7070 || e2e_finish

section "bpfw monitor: parameters"
out=$(ip netns exec "$(ns server)" "$BPFW" monitor --bogus 2>&1)
assert_eq "an unknown option: exit 2" 2 "$?"
case "$out" in
*"Usage: bpfw monitor"*) pass "and the usage" ;;
*) fail "no usage: $out" ;;
esac
ip netns exec "$(ns server)" "$BPFW" monitor extra >/dev/null 2>&1
assert_eq "an argument: exit 2" 2 "$?"
ip netns exec "$(ns server)" "$BPFW" monitor --help >/dev/null 2>&1
assert_eq "--help: exit 0" 0 "$?"

section "rules loaded, then the monitor, then a container's veth"
ipt_ok server -A INPUT -p tcp --dport 8080 -j DROP
ipt_ok server -A INPUT -s 10.99.1.3 -j DROP
monitor_start
new_veth mon1 10.99.1.1/24 10.99.1.2/24 || fail "cannot create mon1"
ip -n "$(ns client)" addr add 10.99.1.3/24 dev mon1p
expect_line "mon1: attached bpfw_ingress, bpfw_egress"
expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 8080
expect accept client udp 10.99.1.1 8080
expect drop client tcp 10.99.1.1 22 10.99.1.3
pkts=$(ipt server -L INPUT -n -v -x | awk '/dpt:8080/ { print $1; exit }')
if [ "${pkts:-0}" -gt 0 ] 2>/dev/null; then
	pass "the --dport 8080 rule counted $pkts packets from mon1"
else
	fail "the --dport 8080 rule counted '${pkts:-nothing}' packets"
fi
assert_eq "mon1 runs lo's ingress program" "$(tc_prog lo ingress)" "$(tc_prog mon1 ingress)"
assert_eq "mon1 runs lo's egress program" "$(tc_prog lo egress)" "$(tc_prog mon1 egress)"

section "a commit while the monitor runs: the next veth gets the new generation"
gen1=$(tc_prog lo ingress)
ipt_ok server -w -A INPUT -i mon2 -p tcp --dport 22 -j DROP
ipt_ok server -w -A INPUT -p udp --dport 8080 -j DROP
new_veth mon2 10.99.2.1/24 10.99.2.2/24 || fail "cannot create mon2"
expect_line "mon2: attached bpfw_ingress, bpfw_egress"
assert_eq "mon2 runs the new generation" "$(tc_prog lo ingress)" "$(tc_prog mon2 ingress)"
if [ "$(tc_prog mon2 ingress)" != "$gen1" ]; then
	pass "which is not the one mon1 got"
else
	fail "mon2 got the programs of before the commit ($gen1)"
fi
expect drop client tcp 10.99.2.1 22
expect drop client tcp 10.99.2.1 8080
expect drop client udp 10.99.2.1 8080
expect accept client tcp 10.99.1.1 22
expect drop client udp 10.99.1.1 8080
pkts=$(ipt server -L INPUT -n -v -x | awk '/mon2/ && /dpt:22/ { print $1; exit }')
if [ "${pkts:-0}" -gt 0 ] 2>/dev/null; then
	pass "the -i mon2 rule counted $pkts packets (the name is known to the rules)"
else
	fail "the -i mon2 rule counted '${pkts:-nothing}' packets"
fi

section "a renamed interface: -i rules follow its name"
ip -n "$(ns server)" link set mon2 down
ip -n "$(ns server)" link set mon2 name mon2x
ip -n "$(ns server)" link set mon2x up
sleep 0.3
expect accept client tcp 10.99.2.1 22
ip -n "$(ns server)" link set mon2x down
ip -n "$(ns server)" link set mon2x name mon2
ip -n "$(ns server)" link set mon2 up
sleep 0.3
expect drop client tcp 10.99.2.1 22

section "the raw table at XDP: the monitor attaches the XDP program too"
ipt_ok server -w -t raw -A PREROUTING -p udp --dport 7070 -j DROP
# made with each end in its namespace: a moved veth would take its XDP program along
ip link add mon3 netns "$(ns server)" type veth peer name mon3p netns "$(ns client)"
ip -n "$(ns server)" addr add 10.99.3.1/24 dev mon3
ip -n "$(ns client)" addr add 10.99.3.2/24 dev mon3p
ip -n "$(ns server)" link set mon3 up
ip -n "$(ns client)" link set mon3p up
expect_line "mon3: attached bpfw_ingress, bpfw_egress, bpfw_xdp"
assert_eq "mon3 has bpfw's XDP program" bpfw_xdp "$(xdp_prog mon3)"
expect drop client udp 10.99.3.1 7070
expect accept client tcp 10.99.3.1 7070
expect drop client tcp 10.99.3.1 8080

section "bpfw's XDP program of another namespace's rules is replaced"
# an interface given the XDP program of the rules of "other", then moved in
ns_add other || fail "cannot create the namespace other"
ipt_ok other -t raw -A PREROUTING -p udp --dport 6060 -j DROP
ip -n "$(ns other)" link add mon6 type veth peer name mon6p netns "$(ns client)"
ipt_ok other -t raw -A PREROUTING -p udp --dport 6061 -j DROP
theirs=$(ip -n "$(ns other)" link show dev mon6 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
ip -n "$(ns other)" link set mon6 netns "$(ns server)"
expect_line "mon6: attached bpfw_ingress, bpfw_egress, bpfw_xdp"
ours=$(ip -n "$(ns server)" link show dev lo | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
mine=$(ip -n "$(ns server)" link show dev mon6 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
assert_eq "mon6 runs the server's XDP program" "$ours" "$mine"
if [ -n "$theirs" ] && [ "$theirs" != "$mine" ]; then
	pass "not the one it came with"
else
	fail "mon6 came with XDP program '$theirs', runs '$mine'"
fi

section "an interface with another XDP program is skipped"
if ! command -v clang >/dev/null; then
	info "skipped: clang builds the other XDP program"
else
	cat >"$E2E_TMP/other.c" <<'C'
__attribute__((section("xdp"), used)) int other(void *ctx) { return 2; /* XDP_PASS */ }
char _license[] __attribute__((section("license"), used)) = "GPL";
C
	# given its program in the client, then moved in: it comes with it
	if clang -O2 -target bpf -c "$E2E_TMP/other.c" -o "$E2E_TMP/other.o" 2>"$E2E_TMP/clang.err" &&
	   ip -n "$(ns client)" link add mon4 type veth peer name mon4p &&
	   ip -n "$(ns client)" link set dev mon4 xdpgeneric obj "$E2E_TMP/other.o" sec xdp \
		2>>"$E2E_TMP/clang.err" &&
	   ip -n "$(ns client)" link set mon4 netns "$(ns server)"; then
		expect_line "mon4: skipped: it has an XDP program that is not bpfw's"
		assert_eq "the other XDP program stays" other "$(xdp_prog mon4)"
		assert_eq "no TC program on mon4" none "$(tc_prog mon4 ingress)"
		ip -n "$(ns server)" link del mon4
	else
		fail "cannot attach another XDP program: $(cat "$E2E_TMP/clang.err")"
	fi
fi

section "an address added while the monitor runs: -m addrtype follows it"
ipt_ok server -w -A INPUT -d 10.99.1.9 -p tcp --dport 22 -m addrtype --dst-type LOCAL -j DROP
ip -n "$(ns server)" addr add 10.99.1.9/24 dev mon1
expect_line "addresses changed: the address types of -m addrtype updated"
expect drop client tcp 10.99.1.9 22
seen=$(grep -c 'addresses changed' "$MON_LOG")
ip -n "$(ns server)" addr del 10.99.1.9/24 dev mon1
sleep 0.3
if [ "$(grep -c 'addresses changed' "$MON_LOG")" -gt "$seen" ]; then
	pass "and again when it is removed"
else
	fail "no update when the address was removed: $(cat "$MON_LOG")"
fi
ipt_ok server -w -D INPUT -d 10.99.1.9 -p tcp --dport 22 -m addrtype --dst-type LOCAL -j DROP

section "the monitor stops: nothing it attached is removed"
ingress1=$(tc_prog mon1 ingress)
ingress2=$(tc_prog mon2 ingress)
monitor_stop
assert_eq "mon1 keeps its program" "$ingress1" "$(tc_prog mon1 ingress)"
assert_eq "mon2 keeps its program" "$ingress2" "$(tc_prog mon2 ingress)"
assert_eq "mon3 keeps its XDP program" bpfw_xdp "$(xdp_prog mon3)"
expect drop client tcp 10.99.2.1 22
expect accept client tcp 10.99.1.1 22

section "an interface created while no monitor runs is left alone"
new_veth mon5 10.99.5.1/24 10.99.5.2/24 || fail "cannot create mon5"
sleep 0.3
assert_eq "mon5 has no TC program" none "$(tc_prog mon5 ingress)"
assert_eq "mon5 has no XDP program" none "$(xdp_prog mon5)"
expect accept client tcp 10.99.5.1 8080

section "bpfw monitor --once: the interfaces present now, then exit"
out=$(ip netns exec "$(ns server)" timeout 10 "$BPFW" monitor --once 2>&1)
assert_eq "--once: exit 0" 0 "$?"
case "$out" in
*"mon5: attached bpfw_ingress, bpfw_egress, bpfw_xdp"*) pass "--once attached mon5" ;;
*) fail "--once printed: $out" ;;
esac
case "$out" in
*mon1* | *mon2* | *mon3* | *" lo:"*) fail "--once named interfaces that had the programs: $out" ;;
*) pass "--once is silent about interfaces that had the programs" ;;
esac
assert_eq "mon1's program was left alone" "$ingress1" "$(tc_prog mon1 ingress)"
expect drop client tcp 10.99.5.1 8080
out=$(ip netns exec "$(ns server)" timeout 10 "$BPFW" monitor --once -q 2>&1)
assert_eq "--once -q: exit 0 and nothing printed" "0:" "$?:$out"

e2e_finish
