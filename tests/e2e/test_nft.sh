#!/usr/bin/env bash
# bpfw nft with real traffic: an "nft -f" file with an inet table (input
# policy drop, established and related accepted, tcp dport { 22, 80 }
# accepted, a named set of blocked addresses dropped); "add element" blocks
# a client at once without a new program (the program id stays), "delete
# element" and "flush set" let it through again; "list ruleset" lines exact; rules added
# with nft to iptables' table ip filter show in iptables -S and the other way
# round; the state survives other commands; anonymous sets and verdict maps
# (ct state, ports with a jump) decide real connections and list back.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: the system's nft is not bpfw's"; e2e_finish; }
BPFW="$IPT_DIR/bpfw"
[ -x "$BPFW" ] || { info "no $BPFW"; e2e_finish; }

nft() { in_ns server "$BPFW" nft "$@"; }

# The id of the server's running ingress program.
prog_id() {
	in_ns server tc filter show dev eth0 ingress | grep -o ' id [0-9]*' | head -n1 |
		awk '{ print $2 }'
}

section "topology: client 10.99.1.2 and 10.99.1.3 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 80 8080 || e2e_finish

cat >"$E2E_TMP/fw.nft" <<'NFT'
#!/usr/sbin/nft -f
# a small server firewall
define services = { 22, 80 }

table inet fw {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 192.0.2.0/24 }
	}

	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
		ip saddr @blocked counter drop
		tcp dport $services accept
		icmp type echo-request accept
	}
}
NFT

section "nft -f: the inet table"
out=$(nft -f "$E2E_TMP/fw.nft" 2>&1)
rc=$?
assert_eq "nft -f succeeds" "0:" "$rc:$out"
expect accept client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 80
expect drop client tcp 10.99.1.1 8080
expect drop client udp 10.99.1.1 80
expect accept client icmp 10.99.1.1
assert_eq "list ruleset" 'table inet fw {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 192.0.2.0/24 }
	}

	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iifname "lo" accept
		ip saddr @blocked counter packets 0 bytes 0 drop
		tcp dport { 22, 80 } accept
		icmp type echo-request accept
	}
}' "$(nft list ruleset)"
id0=$(prog_id)
assert_eq "iptables-save says what it cannot show" \
	"# Table \`inet fw' is not an iptables table, use 'bpfw nft' to list it." \
	"$(in_ns server "$IPT_DIR/iptables-save" | grep '^# Table')"

section "add element blocks a client at once, without a new program"
assert_ok "nft add element" nft add element inet fw blocked { 10.99.1.2 }
expect drop client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 22 10.99.1.3
assert_eq "the program is the same (no swap)" "$id0" "$(prog_id)"
assert_eq "list set" 'table inet fw {
	set blocked {
		type ipv4_addr
		flags interval
		elements = { 10.99.1.2, 192.0.2.0/24 }
	}
}' "$(nft list set inet fw blocked)"
counted=$(nft list chain inet fw input | grep -o 'counter packets [0-9]*' | awk '{ print $3 }')
[ "${counted:-0}" -ge 1 ] && pass "the drop counted ($counted packets)" ||
	fail "the drop did not count: '$counted'"
assert_ok "nft delete element" nft delete element inet fw blocked { 10.99.1.2 }
expect accept client tcp 10.99.1.1 22
assert_eq "still the same program" "$id0" "$(prog_id)"
assert_fails "deleting it twice fails" nft delete element inet fw blocked { 10.99.1.2 }
assert_ok "nft add element again" nft add element inet fw blocked { 10.99.1.2 }
expect drop client tcp 10.99.1.1 22
assert_ok "nft flush set" nft flush set inet fw blocked
expect accept client tcp 10.99.1.1 22
assert_eq "flush set empties it" "" "$(nft list set inet fw blocked | grep elements)"
assert_eq "still the same program after flush set" "$id0" "$(prog_id)"

section "rules by handle"
h=$(nft -a list chain inet fw input | grep 'icmp type' | sed 's/.*# handle //')
assert_ok "delete rule by handle $h" nft delete rule inet fw input handle "$h"
expect drop client icmp 10.99.1.1
assert_ok "insert rule" nft insert rule inet fw input icmp type echo-request accept
expect accept client icmp 10.99.1.1
assert_eq "the inserted rule is first" "icmp type echo-request accept" \
	"$(nft list chain inet fw input | sed -n 4p | sed 's/^\t*//')"
h=$(nft -a list chain inet fw input | grep '@blocked' | sed 's/.*# handle //')
assert_ok "replace rule by handle $h" nft replace rule inet fw input handle "$h" \
	ip saddr @blocked counter reject
assert_eq "the rule keeps its handle" "ip saddr @blocked counter packets 0 bytes 0 reject with icmp port-unreachable # handle $h" \
	"$(nft -a list chain inet fw input | grep '@blocked' | sed 's/^\t*//')"

section "iptables' table ip filter, from both sides"
ipt_ok server -A INPUT -p tcp --dport 8080 -j ACCEPT
assert_ok "nft add rule ip filter INPUT" nft add rule ip filter INPUT ip saddr 10.99.1.3 \
	udp dport 80 counter drop
assert_eq "iptables -S shows both" "-P INPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT
-A INPUT -s 10.99.1.3/32 -p udp -m udp --dport 80 -j DROP" "$(ipt server -S INPUT)"
assert_eq "nft lists both" "		tcp dport 8080 counter packets 0 bytes 0 accept
		ip saddr 10.99.1.3 udp dport 80 counter packets 0 bytes 0 drop" \
	"$(nft list chain ip filter INPUT | grep -e dport)"
assert_fails "log with a verdict in ip filter is refused" \
	nft add rule ip filter INPUT log prefix '"x "' accept

section "errors"
assert_fails "a missing table" nft add rule inet nosuch input accept
assert_fails "an unsupported expression" nft add rule inet fw input ip dscp cs1 accept
out=$(nft add rule inet fw input ip dscp cs1 accept 2>&1)
assert_eq "its message names it" "Error: ip dscp is not supported by bpfw" "$out"
out=$(nft add rule inet fw input tcp dport vmap { 22 : accept, 20-30 : drop } 2>&1)
assert_eq "overlapping verdict map elements are refused" \
	"Error: conflicting intervals specified" "$out"
assert_fails "a verdict map in iptables' own table is refused" \
	nft add rule ip filter INPUT tcp dport vmap { 22 : accept }
cat >"$E2E_TMP/bad-elem.nft" <<'NFT'
table inet bad {
	set s { type ipv4_addr; }
	chain in { type filter hook input priority 0; policy drop; }
}
delete element inet bad s { 10.0.0.1 }
NFT
assert_fails "a file whose set elements cannot be written fails" nft -f "$E2E_TMP/bad-elem.nft"
assert_eq "and none of it was loaded: the sets are filled before the switch" "" \
	"$(nft list ruleset | grep 'table inet bad')"
expect accept client tcp 10.99.1.1 22

section "flush ruleset"
assert_ok "nft flush ruleset" nft flush ruleset
assert_eq "nothing is listed" "" "$(nft list ruleset)"
expect accept client tcp 10.99.1.1 8080

section "anonymous sets and verdict maps"
cat >"$E2E_TMP/vmap.nft" <<'NFT'
table inet vm {
	chain web {
		ip saddr 10.99.1.2 accept
	}

	chain input {
		type filter hook input priority filter; policy drop;
		ct state vmap { established : accept, related : accept, invalid : drop }
		ip saddr { 10.99.1.3, 192.0.2.0/24 } tcp dport 80 drop
		tcp dport vmap { 22 : accept, 80 : accept, 8000-8100 : jump web }
	}
}
NFT
assert_ok "nft -f with sets and verdict maps" nft -f "$E2E_TMP/vmap.nft"
expect accept client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 80
expect accept client tcp 10.99.1.1 8080
expect accept client tcp 10.99.1.1 22 10.99.1.3
expect drop client tcp 10.99.1.1 80 10.99.1.3
expect drop client tcp 10.99.1.1 8080 10.99.1.3
expect drop client udp 10.99.1.1 80
assert_eq "list ruleset" "$(sed 's/    /\t/g' "$E2E_TMP/vmap.nft")" "$(nft list ruleset)"
assert_eq "trace names the verdict map" \
	"ACCEPT by vm input rule 3: tcp dport vmap { 22 : accept, 80 : accept, 8000-8100 : jump web }" \
	"$(in_ns server "$BPFW" trace in eth0 tcp 10.99.1.2:40000 \> 10.99.1.1:22 flags S | tail -n1)"
assert_ok "a rule with a verdict map replaced by handle" nft replace rule inet vm input handle \
	"$(nft -a list chain inet vm input | grep 'dport vmap' | sed 's/.*# handle //')" \
	tcp dport vmap { 22 : drop, 80 : accept }
expect drop client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 80
assert_ok "nft flush ruleset" nft flush ruleset
e2e_finish
