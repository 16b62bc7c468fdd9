#!/usr/bin/env bash
# Classification with real traffic: a hand-written-looking ACL of 200 mixed
# rules (bench/gen-mixed-acl.sh) with a few that concern the client in the
# middle, in INPUT and then in a user chain.  The packets get the verdict of
# the first rule that matches, only that rule counts, and the program decides
# the run by classification (its maps are there).
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "the maps checked here are bpfw's"; e2e_finish; }

# "PKTS" of rule N of CHAIN, from -L -v -x
count() { ipt server -L "$1" -v -x -n | awk -v n="$2" 'NR == n + 2 { print $1 }'; }

# The ACL for CHAIN: 100 rules about other hosts, the client's rules
# (numbers 101-106 of CHAIN), 100 more about other hosts.
make_acl() { # CHAIN
	local mixed
	mixed=$("$PROJECT_ROOT/bench/gen-mixed-acl.sh" 200 7 | grep '^-A INPUT' |
		sed "s/^-A INPUT /-A $1 /")
	printf '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n'
	[ "$1" = INPUT ] || printf ':%s - [0:0]\n' "$1"
	[ "$1" = INPUT ] || printf -- '-A INPUT -j %s\n' "$1"
	head -n 100 <<<"$mixed"
	cat <<RULES
-A $1 -s 10.99.1.2/32 -p tcp -m tcp --dport 22:23 -j ACCEPT
-A $1 -s 10.99.1.0/24 -p tcp -m tcp --dport 8080 -j DROP
-A $1 ! -s 10.99.1.3/32 -p tcp -m tcp --dport 80 -j DROP
-A $1 -p tcp -m tcp --dport 80 -j ACCEPT
-A $1 -d 10.99.1.1/32 -p tcp -m tcp --sport 1:1023 -j DROP
-A $1 -p icmp -j ACCEPT
RULES
	tail -n 100 <<<"$mixed"
	printf 'COMMIT\n'
}

# Maps of the server's ingress program whose name says classification.
cls_maps() {
	local id m n=0
	id=$(in_ns server tc filter show dev lo ingress | grep -o ' id [0-9]*' | head -n1 |
	     awk '{ print $2 }')
	for m in $(bpftool prog show id "$id" | grep -o 'map_ids [0-9,]*' | cut -d' ' -f2 |
		   tr ',' ' '); do
		bpftool map show id "$m" | grep -q 'name bpfw_cls' && n=$((n + 1))
	done
	echo "$n"
}

section "topology: client 10.99.1.2 and 10.99.1.3 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 80 8080 || e2e_finish

for chain in INPUT acl; do
	section "a mixed ACL of 206 rules in $chain"
	make_acl "$chain" >"$E2E_TMP/acl.rules"
	assert_ok "load it" ipt_restore server "$E2E_TMP/acl.rules"
	assert_eq "its run is classified (five maps)" 5 "$(cls_maps)"
	expect accept client tcp 10.99.1.1 22
	expect drop client tcp 10.99.1.1 8080
	expect drop client tcp 10.99.1.1 80
	expect accept client tcp 10.99.1.1 80 10.99.1.3
	expect accept client icmp 10.99.1.1
	c1=$(count "$chain" 101) c2=$(count "$chain" 102) c3=$(count "$chain" 103)
	c4=$(count "$chain" 104) c5=$(count "$chain" 105)
	info "packets counted by the client's rules: $c1 $c2 $c3 $c4 $c5"
	[ "${c1:-0}" -gt 0 ] && [ "${c2:-0}" -gt 0 ] && [ "${c3:-0}" -gt 0 ] &&
		[ "${c4:-0}" -gt 0 ] && pass "each decisive rule counted its packets" ||
		fail "a decisive rule counted nothing: $c1 $c2 $c3 $c4"
	assert_eq "the rule no packet matches counted none" 0 "$c5"
	# the five that count are the four above and the ICMP rule
	assert_eq "the other 200 rules counted none" 5 \
		"$(ipt server -L "$chain" -v -x -n | awk 'NR > 2 && $1 != 0 { n++ } END { print n + 0 }')"
done

e2e_finish
