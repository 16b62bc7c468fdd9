#!/usr/bin/env bash
# ipset with real traffic: a set and a rule "-m set --match-set S src -j
# DROP"; "ipset add" of the client's address drops it at once and "ipset
# del" lets it through again, with no new program (the program id stays);
# list and save lines; hash:net and hash:ip,port; timeouts; destroy and
# rename of a set in use refused; swap and rename through a new generation;
# restore; the sets survive rule updates.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: the system's ipset is not bpfw's"; e2e_finish; }
IPSET="$IPT_DIR/ipset"
[ -x "$IPSET" ] || { info "no $IPSET"; e2e_finish; }

ips() { in_ns server "$IPSET" "$@"; }

# The id of the server's running ingress program.
prog_id() {
	in_ns server tc filter show dev lo ingress | grep -o ' id [0-9]*' | head -n1 |
		awk '{ print $2 }'
}

# ipset list without the lines whose figures are the kernel's own (seed).
list_stable() { ips list "$@" | grep -v '^Header:\|^Size in memory:'; }

section "topology: client 10.99.1.2 and 10.99.1.3 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 80 || e2e_finish

section "a hash:ip set and a rule that drops its members"
assert_ok "ipset create bans hash:ip" ips create bans hash:ip
ipt_ok server -A INPUT -m set --match-set bans src -j DROP
assert_eq "iptables -S prints the match as iptables does" \
	"-A INPUT -m set --match-set bans src -j DROP" "$(ipt server -S INPUT | sed -n 2p)"
assert_eq "iptables-save too" "-A INPUT -m set --match-set bans src -j DROP" \
	"$(ipt_save server | grep -- '-m set')"
expect accept client tcp 10.99.1.1 22
id0=$(prog_id)

section "ipset add drops at once, without a new program"
assert_ok "ipset add bans 10.99.1.2" ips add bans 10.99.1.2
expect drop client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 22 10.99.1.3
expect drop client icmp 10.99.1.1
assert_eq "the program is the same (no swap)" "$id0" "$(prog_id)"
assert_eq "ipset list" "Name: bans
Type: hash:ip
Revision: 6
References: 1
Number of entries: 1
Members:
10.99.1.2" "$(list_stable bans)"
assert_eq "ipset list's header" \
	"Header: family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x" \
	"$(ips list bans | grep '^Header:' | sed 's/0x[0-9a-f]*$/0x/')"
assert_eq "ipset save" "create bans hash:ip family inet hashsize 1024 maxelem 65536 bucketsize 12 initval 0x
add bans 10.99.1.2" "$(ips save bans | sed 's/initval 0x[0-9a-f]*$/initval 0x/')"
out=$(ips test bans 10.99.1.2 2>&1)
assert_eq "ipset test: a member" "Warning: 10.99.1.2 is in set bans." "$out"
out=$(ips test bans 10.99.1.3 2>&1)
assert_eq "ipset test: not a member (exit 1)" "1 10.99.1.3 is NOT in set bans." "$? $out"
out=$(ips add bans 10.99.1.2 2>&1)
assert_eq "adding it again fails as ipset does" \
	"1 ipset v7.17: Element cannot be added to the set: it's already added" "$? $out"

section "ipset del lets it through again"
assert_ok "ipset del bans 10.99.1.2" ips del bans 10.99.1.2
expect accept client tcp 10.99.1.1 22
assert_eq "still the same program" "$id0" "$(prog_id)"
out=$(ips del bans 10.99.1.2 2>&1)
assert_eq "deleting it again fails" \
	"1 ipset v7.17: Element cannot be deleted from the set: it's not added" "$? $out"

section "a set in use cannot be destroyed or renamed"
out=$(ips destroy bans 2>&1)
assert_eq "destroy refused" \
	"1 ipset v7.17: Set cannot be destroyed: it is in use by a kernel component" "$? $out"
out=$(ips rename bans other 2>&1)
assert_eq "rename refused" "1 ipset v7.17: Set cannot be renamed: it is in use by another system" \
	"$? $out"
out=$(ipt server -A INPUT -m set --match-set nosuch src -j DROP 2>&1)
assert_eq "-m set of a set that does not exist fails as iptables does" \
	"2 iptables v1.8.9 (bpfw): Set nosuch doesn't exist.

Try \`iptables -h' or 'iptables --help' for more information." "$? $out"

section "the elements outlive rule updates"
assert_ok "ipset add bans 10.99.1.2" ips add bans 10.99.1.2
ipt_ok server -A INPUT -p udp --dport 9 -j DROP
expect drop client tcp 10.99.1.1 22
assert_eq "listed after the update" "10.99.1.2" "$(ips list bans | tail -n1)"
ipt_ok server -F INPUT
expect accept client tcp 10.99.1.1 22
assert_eq "a set no rule uses is kept" "10.99.1.2" "$(ips list bans | tail -n1)"
assert_ok "ipset flush bans" ips flush bans
assert_eq "flushed" "Members:" "$(ips list bans | tail -n1)"

section "hash:net and hash:ip,port, and !"
assert_ok "create nets hash:net" ips create nets hash:net
assert_ok "add 10.99.0.0/16" ips add nets 10.99.0.0/16
assert_ok "create svc hash:ip,port" ips create svc hash:ip,port
assert_ok "add 10.99.1.1,tcp:80" ips add svc 10.99.1.1,tcp:80
ipt_ok server -A INPUT -p tcp -m set --match-set svc dst,dst -j ACCEPT
ipt_ok server -A INPUT -p tcp -m set --match-set nets src -j DROP
expect accept client tcp 10.99.1.1 80
expect drop client tcp 10.99.1.1 22
assert_ok "del 10.99.0.0/16" ips del nets 10.99.0.0/16
assert_ok "add 10.98.0.0/16" ips add nets 10.98.0.0/16
expect accept client tcp 10.99.1.1 22
ipt_ok server -F INPUT
ipt_ok server -A INPUT -p tcp --dport 22 -m set ! --match-set nets src -j DROP
expect drop client tcp 10.99.1.1 22
assert_ok "add 10.99.1.0/24" ips add nets 10.99.1.0/24
expect accept client tcp 10.99.1.1 22
assert_eq "hash:net lists prefixes" "10.98.0.0/16
10.99.1.0/24" "$(ips list nets | sed -n '/^Members:/,$p' | tail -n +2 | sort)"
assert_eq "hash:ip,port lists protocol and port" "add svc 10.99.1.1,tcp:80" \
	"$(ips save svc | grep '^add')"
ipt_ok server -F INPUT

section "timeouts: an element expires"
assert_ok "create tmo hash:ip timeout 600" ips create tmo hash:ip timeout 600
ipt_ok server -A INPUT -m set --match-set tmo src -j DROP
assert_ok "add 10.99.1.2 timeout 2" ips add tmo 10.99.1.2 timeout 2
expect drop client tcp 10.99.1.1 22
out=$(ips list tmo | tail -n1)
case "$out" in
"10.99.1.2 timeout "[0-2]) pass "listed with its time left: $out" ;;
*) fail "listed as '$out'" ;;
esac
sleep 3
expect accept client tcp 10.99.1.1 22
assert_eq "expired: not listed" "Members:" "$(ips list tmo | tail -n1)"
ipt_ok server -F INPUT
assert_ok "create tnet hash:net timeout 600" ips create tnet hash:net timeout 600
assert_ok "a /16 for ever" ips add tnet 10.99.0.0/16 timeout 0
assert_ok "a /24 inside it for a second" ips add tnet 10.99.1.0/24 timeout 1
ipt_ok server -A INPUT -p tcp -m set --match-set tnet src -j DROP
expect drop client tcp 10.99.1.1 22
sleep 2
assert_eq "listing drops the expired /24" "10.99.0.0/16 timeout 0" "$(ips list tnet | tail -n1)"
expect drop client tcp 10.99.1.1 22
ipt_ok server -F INPUT

section "swap and rename go through a new generation"
assert_ok "add 10.99.1.2 to bans" ips add bans 10.99.1.2
assert_ok "create empty hash:ip" ips create empty hash:ip
ipt_ok server -A INPUT -m set --match-set empty src -j DROP
expect accept client tcp 10.99.1.1 22
assert_ok "ipset swap empty bans" ips swap empty bans
expect drop client tcp 10.99.1.1 22
assert_eq "the rule's set now holds the other's elements" "10.99.1.2" \
	"$(ips list empty | tail -n1)"
assert_ok "rename a set no rule uses" ips rename bans unused
assert_eq "names" "empty nets svc tmo tnet unused" "$(ips list -n | sort | tr '\n' ' ' | sed 's/ $//')"
ipt_ok server -F INPUT

section "save and restore"
ips save >"$E2E_TMP/sets.save"
ipt_ok server -F INPUT
assert_ok "destroy every set" ips destroy
assert_eq "none left" "" "$(ips list -n)"
assert_ok "ipset restore" in_ns server "$IPSET" restore <"$E2E_TMP/sets.save"
in_ns server "$IPSET" restore <"$E2E_TMP/sets.save" >/dev/null 2>&1
assert_eq "restoring again fails on line 1" 1 "$?"
assert_eq "restored as saved" "$(sort "$E2E_TMP/sets.save")" "$(ips save | sort)"
ipt_ok server -A INPUT -m set --match-set empty src -j DROP
expect drop client tcp 10.99.1.1 22

section "a set at XDP: raw PREROUTING drops its members before the stack"
ipt_ok server -F INPUT
assert_ok "create xdpbans hash:net" ips create xdpbans hash:net
ipt_ok server -t raw -A PREROUTING -m set --match-set xdpbans src -j DROP
xdp_id() { in_ns server ip -d link show dev eth0 | grep -o 'prog/xdp id [0-9]*' | awk '{ print $3 }'; }
x0=$(xdp_id)
[ -n "$x0" ] && pass "an XDP program on eth0 (id $x0)" || fail "no XDP program on eth0"
expect accept client tcp 10.99.1.1 22
assert_ok "add 10.99.1.0/24 to the XDP set" ips add xdpbans 10.99.1.0/24
expect drop client tcp 10.99.1.1 22
expect drop client icmp 10.99.1.1
assert_ok "add 10.99.1.3 nomatch: an exception" ips add xdpbans 10.99.1.3 nomatch
expect accept client tcp 10.99.1.1 22 10.99.1.3
expect drop client tcp 10.99.1.1 22 10.99.1.2
assert_eq "the XDP program is the same" "$x0" "$(xdp_id)"
assert_ok "flush it" ips flush xdpbans
expect accept client tcp 10.99.1.1 22
ipt_ok server -t raw -F PREROUTING

section "more sets than a program may refer to: only the rules' count"
for i in $(seq 1 100); do
	printf 'create many%d hash:net\nadd many%d 10.%d.0.0/16\n' "$i" "$i" "$i"
done >"$E2E_TMP/many.restore"
assert_ok "ipset restore of 100 sets" in_ns server "$IPSET" restore <"$E2E_TMP/many.restore"
assert_eq "all listed" 100 "$(ips list -n | grep -c '^many')"
ipt_ok server -A INPUT -m set --match-set many99 src -j DROP
assert_ok "an element of the 99th set" ips add many99 10.99.1.0/24
expect drop client tcp 10.99.1.1 22
ipt_ok server -F INPUT
for i in $(seq 1 70); do
	printf -- '-A INPUT -m set --match-set many%d src -j DROP\n' "$i"
done | sed -e '1i *filter' -e '$a COMMIT' >"$E2E_TMP/many.rules"
out=$(ipt_restore server "$E2E_TMP/many.rules" 2>&1)
assert_eq "70 rules naming 70 sets: over the 64 maps a program refers to" \
	"4 The rule set is too large: it needs 72 BPF maps, a program may use at most 64 (each run of rules folded into a lookup, and each set a rule names, needs one)" \
	"$? $out"
for i in $(seq 1 100); do
	echo "destroy many$i"
done >"$E2E_TMP/many.destroy"
assert_ok "destroy them" in_ns server "$IPSET" restore <"$E2E_TMP/many.destroy"

section "fail2ban's iptables-ipset action, command by command"
ipt_ok server -F INPUT
assert_ok "actionstart: ipset -exist create" \
	ips -exist create f2b-sshd hash:ip timeout 0 maxelem 65536
ipt_ok server -w -I INPUT -p tcp -m multiport --dports 22 -m set --match-set f2b-sshd src \
	-j REJECT --reject-with icmp-port-unreachable
id1=$(prog_id)
expect accept client tcp 10.99.1.1 22
assert_ok "actionban: ipset -exist add ... timeout 0" ips -exist add f2b-sshd 10.99.1.2 timeout 0
assert_eq "banned: refused by the REJECT" refused "$(probe client tcp 10.99.1.1 22)"
expect accept client tcp 10.99.1.1 80
assert_ok "banned twice: -exist" ips -exist add f2b-sshd 10.99.1.2 timeout 0
assert_ok "actionunban: ipset -exist del" ips -exist del f2b-sshd 10.99.1.2
expect accept client tcp 10.99.1.1 22
assert_ok "unbanned twice: -exist" ips -exist del f2b-sshd 10.99.1.2
assert_eq "bans and unbans made no new program" "$id1" "$(prog_id)"
ipt_ok server -w -D INPUT -p tcp -m multiport --dports 22 -m set --match-set f2b-sshd src \
	-j REJECT --reject-with icmp-port-unreachable
assert_ok "actionstop: ipset flush" ips flush f2b-sshd
assert_ok "actionstop: ipset -exist destroy" ips -exist destroy f2b-sshd
assert_ok "actionstop again: -exist destroy of a set that is gone" ips -exist destroy f2b-sshd

e2e_finish
