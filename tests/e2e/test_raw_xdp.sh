#!/usr/bin/env bash
# The raw table at XDP: a DDoS-style blocklist in raw PREROUTING drops
# before the stack (native XDP on the veth, generic on lo), counts per rule,
# stays in place while the filter table changes, is replaced in one switch
# when it changes itself, and goes away with its last rule; bpfw's own
# "-N CHAIN --hook xdp" makes a chain run there first; ip6tables' raw
# table runs in the same program.  What XDP cannot run is refused and
# leaves the running rules alone.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

# xdp_mode IFNAME: "xdp" (native), "xdpgeneric", or "none" for bpfw's program on the server.
xdp_mode() {
	local out
	out=$(ip -n "$(ns server)" link show dev "$1")
	case "$out" in
	*"name bpfw_xdp"*) ;;
	*) echo none; return ;;
	esac
	case "$out" in
	*" xdpgeneric "*) echo xdpgeneric ;;
	*" xdp "*) echo xdp ;;
	*) echo other ;;
	esac
}

section "topology: client 10.99.1.2 and .3 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 8080 || e2e_finish

section "iptables -t raw -A PREROUTING: a blocklist before the stack"
ipt_ok server -t raw -A PREROUTING -s 10.99.1.3 -j DROP
ipt_ok server -t raw -A PREROUTING -p tcp --dport 8080 -j DROP
expect drop client tcp 10.99.1.1 22 10.99.1.3
expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 8080
expect accept client udp 10.99.1.1 8080
if ! ipt_is_system; then
	assert_eq "native XDP on the veth" xdp "$(xdp_mode eth0)"
	assert_eq "generic XDP on lo" xdpgeneric "$(xdp_mode lo)"
fi
expected='*raw
:PREROUTING ACCEPT
:OUTPUT ACCEPT
-A PREROUTING -s 10.99.1.3/32 -j DROP
-A PREROUTING -p tcp -m tcp --dport 8080 -j DROP
COMMIT'
assert_eq "iptables-save -t raw" "$expected" "$(ipt_save server -t raw | normalize_save)"
pkts=$(ipt server -t raw -L PREROUTING -n -v -x | awk '/dpt:8080/ { print $1; exit }')
if [ "${pkts:-0}" -gt 0 ] 2>/dev/null; then
	pass "the --dport 8080 rule counted $pkts packets"
else
	fail "the --dport 8080 rule counted '${pkts:-nothing}' packets"
fi

section "the filter table changes: the raw rules stay"
ipt_ok server -A INPUT -p tcp --dport 22 -s 10.99.1.2 -j DROP
expect drop client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 8080
ipt_ok server -D INPUT 1
expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 8080
pkts2=$(ipt server -t raw -L PREROUTING -n -v -x | awk '/dpt:8080/ { print $1; exit }')
if [ "${pkts2:-0}" -gt "${pkts:-0}" ] 2>/dev/null; then
	pass "its counter went on across the updates ($pkts -> $pkts2)"
else
	fail "its counter did not go on: '${pkts:-}' -> '${pkts2:-}'"
fi

section "the raw table changes: one switch to the new rules"
ipt_ok server -t raw -R PREROUTING 2 -p tcp --dport 22 -s 10.99.1.2 -j DROP
expect accept client tcp 10.99.1.1 8080
expect drop client tcp 10.99.1.1 22
ipt_ok server -t raw -N ddos
ipt_ok server -t raw -I PREROUTING -p udp -j ddos
ipt_ok server -t raw -A ddos -p udp --dport 8080 -j DROP
expect drop client udp 10.99.1.1 8080
expect accept client tcp 10.99.1.1 8080

section "bpfw's -N CHAIN --hook xdp: a raw chain PREROUTING jumps to first"
if ipt_is_system; then
	info "bpfw only: --hook xdp"
else
	ipt_ok server -N flood --hook xdp
	ipt_ok server -t raw -A flood -p udp --dport 22 -j DROP
	assert_eq "PREROUTING jumps to it first" "-A PREROUTING -j flood" \
		"$(ipt server -t raw -S PREROUTING | sed -n 2p)"
	expect drop client udp 10.99.1.1 22
	expect accept client tcp 10.99.1.1 8080
	ipt_ok server -t raw -D PREROUTING -j flood
	ipt_ok server -t raw -F flood
	ipt_ok server -t raw -X flood
fi

section "what XDP cannot run is refused; nothing changes"
before=$(ipt_save server | normalize_save)
if ipt_is_system; then
	info "bpfw only: the raw table's limits at XDP"
else
	out=$(ipt server -t raw -A OUTPUT -p udp -j DROP 2>&1)
	assert_eq "raw OUTPUT is refused (exit 1)" "1: The raw table's OUTPUT chain cannot be compiled yet: bpfw runs the raw table at XDP, which sees received packets only" "$?: $out"
	out=$(ipt server -t raw -A ddos -o eth0 -j DROP 2>&1)
	assert_eq "-o in a raw chain is refused (exit 2)" "2" "$?"
	case "$out" in
	*"Can't use -o in the raw table: bpfw runs it at XDP"*) pass "and says why" ;;
	*) fail "unexpected message: $out" ;;
	esac
fi
assert_fails "-o in raw PREROUTING is refused" ipt server -t raw -A PREROUTING -o eth0 -j DROP
assert_eq "the rules are unchanged" "$before" "$(ipt_save server | normalize_save)"
expect drop client udp 10.99.1.1 8080

section "another XDP program is never replaced"
if ipt_is_system; then
	info "bpfw only: XDP programs"
elif ! command -v clang >/dev/null; then
	info "skipped: clang builds the other XDP program"
else
	cat >"$E2E_TMP/other.c" <<'C'
__attribute__((section("xdp"), used)) int other(void *ctx) { return 2; /* XDP_PASS */ }
char _license[] __attribute__((section("license"), used)) = "GPL";
C
	ipt server -t raw -F >/dev/null
	ipt server -t raw -X >/dev/null
	if clang -O2 -target bpf -c "$E2E_TMP/other.c" -o "$E2E_TMP/other.o" 2>"$E2E_TMP/clang.err" &&
	   ip -n "$(ns server)" link set dev eth0 xdpgeneric obj "$E2E_TMP/other.o" sec xdp \
		2>>"$E2E_TMP/clang.err"; then
		before=$(ipt_save server | normalize_save)
		out=$(ipt server -t raw -A PREROUTING -s 10.99.1.3 -j DROP 2>&1)
		assert_eq "a raw rule is refused (exit 4)" 4 "$?"
		case "$out" in
		*"has an XDP program that is not bpfw's"*) pass "and says why" ;;
		*) fail "unexpected message: $out" ;;
		esac
		assert_eq "the rules are unchanged" "$before" "$(ipt_save server | normalize_save)"
		case "$(ip -n "$(ns server)" link show dev eth0)" in
		*"name other"*) pass "the other program is still there" ;;
		*) fail "the other program is gone" ;;
		esac
		ip -n "$(ns server)" link set dev eth0 xdpgeneric off
	else
		fail "cannot attach another XDP program: $(cat "$E2E_TMP/clang.err")"
	fi
fi

section "ip6tables -t raw: IPv6 frames in the same XDP program"
IP6T="$IPT_DIR/ip6tables"
ip -n "$(ns server)" addr add fd00:98::1/64 dev eth0 nodad
ip -n "$(ns client)" addr add fd00:98::2/64 dev eth0 nodad
ping6_probe() {
	if in_ns client ping -6 -n -q -c 1 -W "$E2E_TIMEOUT" fd00:98::1 >/dev/null 2>&1; then
		echo reached
	else
		echo blocked
	fi
}
assert_eq "ping6 before" reached "$(ping6_probe)"
if out=$(in_ns server "$IP6T" -t raw -A PREROUTING -s fd00:98::2 -p ipv6-icmp \
	 --icmpv6-type echo-request -j DROP 2>&1); then
	pass "ip6tables -t raw -A PREROUTING"
else
	fail "ip6tables -t raw -A PREROUTING: $out"
fi
assert_eq "ping6 dropped at XDP" blocked "$(ping6_probe)"
expect accept client tcp 10.99.1.1 22 10.99.1.3
pkts=$(in_ns server "$IP6T" -t raw -L PREROUTING -n -v -x | awk '/ipv6-icmp/ { print $1; exit }')
if [ "${pkts:-0}" -gt 0 ] 2>/dev/null; then
	pass "the IPv6 raw rule counted $pkts packets"
else
	fail "the IPv6 raw rule counted '${pkts:-nothing}' packets"
fi
in_ns server "$IP6T" -t raw -F >/dev/null 2>&1
assert_eq "ping6 after the IPv6 raw rules are gone" reached "$(ping6_probe)"

section "the last raw rule goes: so does the XDP program"
ipt_ok server -t raw -F
ipt_ok server -t raw -X
expect accept client udp 10.99.1.1 8080
expect accept client tcp 10.99.1.1 22 10.99.1.3
if ! ipt_is_system; then
	assert_eq "no XDP program on the veth" none "$(xdp_mode eth0)"
	assert_eq "no XDP program on lo" none "$(xdp_mode lo)"
fi

e2e_finish
