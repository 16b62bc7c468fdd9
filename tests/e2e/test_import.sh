#!/usr/bin/env bash
# bpfw import: kernel rule sets built with iptables-nft, ip6tables-nft and
# nft -f inside the test's namespaces, read back through netlink, printed
# (--dry-run) and loaded; the same packets must pass or fail with the kernel's
# rules (bpfw empty) and with bpfw's (the kernel's tables flushed).  Rule sets
# bpfw cannot express are refused with the reason and nothing loaded, unless
# --partial.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

BPFW="$IPT_DIR/bpfw"
NFT=$(command -v nft)
IPTNFT=$(command -v iptables-nft || echo /usr/sbin/iptables-nft)
IP6TNFT=$(command -v ip6tables-nft || echo /usr/sbin/ip6tables-nft)
[ -x "$BPFW" ] || e2e_skip_all "bpfw import needs bpfw itself (IPT_DIR=$IPT_DIR)"
[ -n "$NFT" ] && [ -x "$IPTNFT" ] || e2e_skip_all "needs nft and iptables-nft"
export BPFW_LOCK=${BPFW_LOCK:-$E2E_TMP/bpfw.lock}

bpfw_in() { in_ns "$1" "$BPFW" "${@:2}"; }

# A fresh client/server pair with listeners (the kernel's and bpfw's rules go with them).
fresh_pair() {
	ns_del client
	ns_del server
	topo_pair || { fail "cannot build the topology"; e2e_finish; }
	listen server 22 53 80 1500 2500 8080 5000 9000 || e2e_finish
}

# The outcome of a fixed list of probes from the client (reached, refused, timeout).
verdicts() {
	local p out=""
	for p in "tcp 22" "tcp 22 10.99.1.3" "tcp 80" "tcp 1500" "tcp 2500" "udp 53" "tcp 53" \
		"tcp 8080" "udp 5000" "tcp 9000" "tcp 9000 10.99.1.3"; do
		# shellcheck disable=SC2086
		set -- $p
		out+="$1/$2${3:+ from $3}: $(probe client "$1" 10.99.1.1 "$2" "${3:-}")"$'\n'
	done
	out+="ping: $(ping_probe client 10.99.1.1)"
	printf '%s\n' "$out"
}

# compare_verdicts DESC: probes with the kernel's rules, import --flush-source, probes with bpfw's.
compare_verdicts() {
	local desc=$1 kernel bpfw_v out
	kernel=$(verdicts)
	if ! out=$(bpfw_in server import --flush-source 2>&1); then
		fail "$desc: bpfw import: $out"
		return
	fi
	pass "$desc: imported ($(printf '%s' "$out" | tail -n1))"
	assert_eq "$desc: the kernel's nf_tables rule set is gone" "" \
		"$(in_ns server "$NFT" list ruleset)"
	bpfw_v=$(verdicts)
	assert_eq "$desc: the same packets pass and fail with bpfw's rules" "$kernel" "$bpfw_v"
	info "$(printf '%s' "$kernel" | tr '\n' ';')"
}

section "iptables-nft: a ufw-like rule set"
fresh_pair
in_ns server sh -e -c "
	$IPTNFT -N ufw-user-input
	$IPTNFT -A INPUT -i lo -j ACCEPT
	$IPTNFT -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
	$IPTNFT -A INPUT -m conntrack --ctstate INVALID -j DROP
	$IPTNFT -A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
	$IPTNFT -A INPUT -j ufw-user-input
	$IPTNFT -A INPUT -p tcp --dport 8080 -j REJECT --reject-with tcp-reset
	$IPTNFT -A INPUT -p udp --dport 5000 -j REJECT
	$IPTNFT -A INPUT -m limit --limit 3/min --limit-burst 10 -j LOG --log-prefix '[UFW BLOCK] '
	$IPTNFT -A ufw-user-input -p tcp --dport 22 -m comment --comment 'ssh' -j ACCEPT
	$IPTNFT -A ufw-user-input -p tcp -m multiport --dports 80,1000:2000 -j ACCEPT
	$IPTNFT -A ufw-user-input -s 10.99.1.2 -p udp --dport 53 -j ACCEPT
	$IPTNFT -A ufw-user-input ! -s 10.99.1.3 -p tcp --dport 9000 -j ACCEPT
	$IPTNFT -P INPUT DROP
	$IP6TNFT -A INPUT -p ipv6-icmp -j ACCEPT
	$IP6TNFT -A INPUT -m state --state NEW -p tcp --dport 22 -j ACCEPT
	$IP6TNFT -P INPUT DROP
" || fail "iptables-nft could not build the rule set"
# the dry run prints what iptables-nft-save prints, both families
want=$( (in_ns server "$IPTNFT-save"; echo COMMIT6; in_ns server "$IP6TNFT-save") |
	normalize_save | grep -v '^COMMIT6$')
got=$(bpfw_in server import --dry-run | normalize_save)
assert_eq "import --dry-run prints iptables-nft-save's rules" "$want" "$got"
compare_verdicts "ufw-like"
assert_eq "ip6tables-save of bpfw holds the IPv6 rules" \
"-P INPUT DROP
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-A INPUT -p ipv6-icmp -j ACCEPT
-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT" \
	"$(in_ns server "$IPT_DIR/ip6tables" -S)"

section "iptables-nft: the matches bpfw implements, both families"
fresh_pair
in_ns server sh -e -c "
	$IP6TNFT -A INPUT -s 2001:db8::/32 -p tcp --dport 22 -j ACCEPT
	$IP6TNFT -A INPUT ! -d ::1/128 -i eth0 -p udp --sport 1:1023 -j DROP
	$IP6TNFT -A INPUT -p ipv6-icmp --icmpv6-type 128 -j ACCEPT
	$IP6TNFT -A INPUT -p tcp --tcp-flags SYN,RST SYN -m hl --hl-lt 5 -j DROP
	$IP6TNFT -A INPUT -p tcp -m conntrack --ctstate NEW,UNTRACKED -j REJECT --reject-with tcp-reset
	$IP6TNFT -A FORWARD -o eth1 -m mac --mac-source 00:11:22:33:44:55 -j DROP
	$IPTNFT -A INPUT -p tcp ! --syn -m state --state NEW -j DROP
	$IPTNFT -A INPUT -m ttl --ttl-gt 100 -j DROP
	$IPTNFT -A INPUT -m length --length 1000:1500 -j DROP
	$IPTNFT -A INPUT -m mark --mark 0x1/0xff -j ACCEPT
	$IPTNFT -A INPUT -m pkttype --pkt-type broadcast -j DROP
	$IPTNFT -A INPUT ! -p udp -m recent --name seen --set
	$IPTNFT -A INPUT -p tcp -m tcp --sport 1000:2000 ! --dport 3 -j ACCEPT
	$IPTNFT -A INPUT -m addrtype --src-type LOCAL ! --dst-type UNICAST -j ACCEPT
	$IPTNFT -A INPUT -m iprange ! --dst-range 10.99.1.1-10.99.1.5 -j DROP
	$IPTNFT -A OUTPUT -o lo -j ACCEPT
" || fail "iptables-nft could not build the rule set"
want=$( (in_ns server "$IPTNFT-save"; echo COMMIT6; in_ns server "$IP6TNFT-save") |
	normalize_save | grep -v '^COMMIT6$')
assert_eq "import --dry-run prints iptables-nft-save's rules" "$want" \
	"$(bpfw_in server import --dry-run | normalize_save)"
assert_ok "import loads them" in_ns server "$BPFW" import
assert_eq "iptables-save of bpfw then prints them too" "$want" \
	"$( (in_ns server "$IPT_SAVE"; in_ns server "$IPT_DIR/ip6tables-save") | normalize_save)"

section "iptables-nft: a fail2ban-like chain"
fresh_pair
in_ns server sh -e -c "
	$IPTNFT -N f2b-sshd
	$IPTNFT -A f2b-sshd -s 10.99.1.3/32 -j REJECT --reject-with icmp-port-unreachable
	$IPTNFT -A f2b-sshd -j RETURN
	$IPTNFT -I INPUT -p tcp -m multiport --dports 22,9000 -j f2b-sshd
	$IPTNFT -A INPUT -p tcp --dport 2500 -j DROP
	$IPTNFT -A INPUT -m iprange --src-range 10.99.1.3-10.99.1.9 -p udp -j DROP
" || fail "iptables-nft could not build the rule set"
want='*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
:f2b-sshd -
-A INPUT -p tcp -m multiport --dports 22,9000 -j f2b-sshd
-A INPUT -p tcp -m tcp --dport 2500 -j DROP
-A INPUT -p udp -m iprange --src-range 10.99.1.3-10.99.1.9 -j DROP
-A f2b-sshd -s 10.99.1.3/32 -j REJECT --reject-with icmp-port-unreachable
-A f2b-sshd -j RETURN
COMMIT'
assert_eq "import --dry-run: exact lines" "$want" "$(bpfw_in server import --dry-run | normalize_save)"
compare_verdicts "fail2ban-like"

section "nft -f: fail2ban's nftables action (named sets into ipset sets)"
fresh_pair
cat >"$E2E_TMP/f2b.nft" <<'NFT'
table inet f2b-table {
	set addr-set-sshd {
		type ipv4_addr
		elements = { 10.99.1.3, 192.0.2.7 }
	}
	set nets {
		type ipv4_addr
		flags interval
		elements = { 10.99.1.3/32, 203.0.113.8-203.0.113.11 }
	}
	chain f2b-chain {
		type filter hook input priority filter - 1; policy accept;
		tcp dport 22 ip saddr @addr-set-sshd reject
		ip saddr @nets drop
	}
}
NFT
assert_ok "nft -f builds the rule set" in_ns server "$NFT" -f "$E2E_TMP/f2b.nft"
want='create addr-set-sshd hash:ip family inet hashsize 1024 maxelem 65536
add addr-set-sshd 10.99.1.3
add addr-set-sshd 192.0.2.7
create nets hash:net family inet hashsize 1024 maxelem 65536
add nets 10.99.1.3
add nets 203.0.113.8/30
*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -m set --match-set addr-set-sshd src -j REJECT --reject-with icmp-port-unreachable
-A INPUT -m set --match-set nets src -j DROP
COMMIT'
assert_eq "import --dry-run: the sets in ipset restore form, -m set rules" "$want" \
	"$(bpfw_in server import --dry-run | sed '/^# IPv6/,$d' | normalize_save)"
compare_verdicts "fail2ban nft"
assert_eq "the set's elements are in bpfw's map" "10.99.1.3
192.0.2.7" "$(in_ns server "$IPT_DIR/ipset" list addr-set-sshd | sed '1,/^Members:/d' | sort)"

section "nft -f: an inet table with sets, two base chains at input"
fresh_pair
cat >"$E2E_TMP/inet.nft" <<'NFT'
table inet fw {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iifname "lo" accept
		ip saddr { 10.99.1.2, 192.0.2.0/24 } tcp dport { 22, 80, 1000-2000 } accept
		icmp type { echo-request, echo-reply } accept
		icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, echo-request } accept
		meta l4proto { tcp, udp } th dport 53 accept
		tcp dport 8080 reject with tcp reset
		udp dport 5000 log prefix "udp5000 " reject
		jump extra
	}
	chain extra {
		ip saddr 10.99.1.3 tcp dport 9000 accept comment "only .3"
	}
	chain output {
		type filter hook output priority filter; policy accept;
	}
}
table ip audit {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 9000 counter accept
	}
}
NFT
assert_ok "nft -f builds the rule set" in_ns server "$NFT" -f "$E2E_TMP/inet.nft"
# the last base chain's policy is INPUT's; an earlier one's drop policy ends its chain
want='*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
:audit-input -
:extra -
:input -
-A INPUT -j input
-A INPUT -j audit-input
-A audit-input -p tcp -m tcp --dport 9000 -j ACCEPT
-A extra -s 10.99.1.3/32 -p tcp -m tcp --dport 9000 -m comment --comment "only .3" -j ACCEPT
-A input -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A input -m conntrack --ctstate INVALID -j DROP
-A input -i lo -j ACCEPT
-A input -s 10.99.1.2/32 -p tcp -m multiport --dports 22,80,1000:2000 -j ACCEPT
-A input -s 192.0.2.0/24 -p tcp -m multiport --dports 22,80,1000:2000 -j ACCEPT
-A input -p icmp -m icmp --icmp-type 0 -j ACCEPT
-A input -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A input -p tcp -m tcp --dport 53 -j ACCEPT
-A input -p udp -m udp --dport 53 -j ACCEPT
-A input -p tcp -m tcp --dport 8080 -j REJECT --reject-with tcp-reset
-A input -p udp -m udp --dport 5000 -j LOG --log-prefix "udp5000 "
-A input -p udp -m udp --dport 5000 -j REJECT --reject-with icmp-port-unreachable
-A input -j extra
-A input -j DROP
COMMIT'
assert_eq "import --dry-run (IPv4): base chains in priority order, sets expanded" "$want" \
	"$(bpfw_in server import --dry-run | sed -n '/^# IPv4/,/^COMMIT/p' | normalize_save)"
out=$(bpfw_in server import --dry-run --format nft)
case "$out" in
*"table ip filter {"*"chain audit-input {"*"table ip6 filter {"*)
	pass "import --dry-run --format nft prints nft's list format" ;;
*) fail "import --dry-run --format nft: $out" ;;
esac
compare_verdicts "nft inet"

section "nft -f: verdict maps (each element a rule with its verdict)"
fresh_pair
cat >"$E2E_TMP/vmap.nft" <<'NFT'
table inet fw {
	chain web {
		ip saddr 10.99.1.3 accept
	}
	chain input {
		type filter hook input priority filter; policy drop;
		ct state vmap { established : accept, related : accept, invalid : drop }
		tcp dport vmap { 22 : accept, 23 : drop, 53 : continue, 1000-2000 : accept, 9000 : jump web }
		ip saddr vmap { 192.0.2.0/24 : drop, 10.99.1.2-10.99.1.2 : continue }
		meta l4proto vmap { udp : accept, icmp : accept }
	}
}
NFT
assert_ok "nft -f builds the rule set" in_ns server "$NFT" -f "$E2E_TMP/vmap.nft"
assert_eq "import --dry-run: the verdict maps' elements as rules" \
"-A INPUT -m conntrack --ctstate INVALID -j DROP
-A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT
-A INPUT -m conntrack --ctstate RELATED -j ACCEPT
-A INPUT -p tcp -m multiport --dports 22 -j ACCEPT
-A INPUT -p tcp -m multiport --dports 23 -j DROP
-A INPUT -p tcp -m multiport --dports 1000:2000 -j ACCEPT
-A INPUT -p tcp -m multiport --dports 9000 -j web
-A INPUT -s 192.0.2.0/24 -j DROP
-A INPUT -p icmp -j ACCEPT
-A INPUT -p udp -j ACCEPT" \
	"$(bpfw_in server import --dry-run | sed -n '/^# IPv4/,/^COMMIT/p' | grep -- '^-A INPUT')"
compare_verdicts "nft verdict maps"

section "refused: nothing is loaded, every reason listed"
fresh_pair
cat >"$E2E_TMP/refused.nft" <<'NFT'
table ip f {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 22 accept
		ct mark 5 tcp dport 80 drop
		tcp dport 2500 drop
	}
}
table ip later {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 22 drop
	}
}
table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
	}
}
NFT
assert_ok "nft -f builds the rule set" in_ns server "$NFT" -f "$E2E_TMP/refused.nft"
out=$(bpfw_in server import 2>&1)
rc=$?
assert_eq "import exits 1" 1 "$rc"
for reason in "table ip f, chain input, rule handle [0-9]*: ct mark (bpfw tests the ct state only)" \
	"table ip later, chain input: base chain at priority 10 after one that accepts" \
	"table ip nat, chain pre: a base chain of type nat" \
	"cannot be translated; nothing was loaded"; do
	if printf '%s\n' "$out" | grep -q -- "$reason"; then
		pass "the reason is listed: $reason"
	else
		fail "no '$reason' in: $out"
	fi
done
assert_eq "bpfw holds no rule" "" "$(in_ns server "$IPT_DIR/iptables-save" | grep -- '^-A')"
assert_ok "the kernel's rules are still there" sh -c \
	"ip netns exec $(ns server) $NFT list table ip later | grep -q 'tcp dport 22 drop'"
in_ns server "$NFT" delete table ip nat

section "--partial loads the rest and still lists what was left out"
out=$(bpfw_in server import --partial 2>&1)
rc=$?
assert_eq "import --partial exits 1 (something was left out)" 1 "$rc"
printf '%s\n' "$out" | grep -q "left out: table ip f, chain input, rule handle" &&
	pass "the left-out rule is listed" || fail "no left-out rule in: $out"
assert_eq "bpfw holds the rest" \
"-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N input
-A INPUT -j input
-A input -p tcp -m tcp --dport 22 -j ACCEPT
-A input -p tcp -m tcp --dport 2500 -j DROP" "$(in_ns server "$IPT_DIR/iptables" -S)"
in_ns server "$NFT" flush ruleset
expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 2500
expect accept client tcp 10.99.1.1 80

section "an empty nf_tables rule set: nothing to import, bpfw's rules kept"
assert_fails "import of nothing fails" in_ns server "$BPFW" import
assert_eq "bpfw still holds its rules" 2 "$(in_ns server "$IPT_DIR/iptables" -S input | grep -c -- '^-A')"

e2e_finish
