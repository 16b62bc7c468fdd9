#!/usr/bin/env bash
# Faults: a restore killed with SIGKILL at random points leaves the old or
# the new rule set in force, whole, on every interface; the next command
# works with no cleanup; a rule set the compiler refuses, or an interface that
# refuses the new programs, changes nothing.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: how a killed command leaves the kernel"; e2e_finish; }

N=${FAULT_RULES:-20000}
ROUNDS=${FAULT_ROUNDS:-12}

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 8080 || e2e_finish

# rule set A lets in 22, B lets in 8080; each with N blocked addresses first
make_rules() { # PORT
	printf '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n'
	awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
		printf "-A INPUT -s 10.%d.%d.%d/32 -j DROP\n", 100 + int(i / 65536), int(i / 256) % 256, i % 256 }'
	printf -- '-A INPUT -p tcp -m tcp --dport %s -j ACCEPT\nCOMMIT\n' "$1"
}
make_rules 22 >"$E2E_TMP/a.rules"
make_rules 8080 >"$E2E_TMP/b.rules"
normalize_save <"$E2E_TMP/a.rules" >"$E2E_TMP/a.norm"
normalize_save <"$E2E_TMP/b.rules" >"$E2E_TMP/b.norm"
ipt_restore server "$E2E_TMP/a.rules" || fail "loading rule set A"

section "$ROUNDS restores of $N rules killed at random points"
mixed=0 a=0 b=0
for ((i = 0; i < ROUNDS; i++)); do
	file=$E2E_TMP/b.rules
	((i % 2)) && file=$E2E_TMP/a.rules
	# no wrapper: ip netns exec execs the restore itself, so the kill hits it
	ip netns exec "$(ns server)" "$IPT_RESTORE" <"$file" &
	pid=$!
	sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", r % 250 / 1000 }')"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	ipt_save server | normalize_save >"$E2E_TMP/now.norm"
	if cmp -s "$E2E_TMP/now.norm" "$E2E_TMP/a.norm"; then
		a=$((a + 1))
	elif cmp -s "$E2E_TMP/now.norm" "$E2E_TMP/b.norm"; then
		b=$((b + 1))
	else
		mixed=$((mixed + 1))
	fi
done
info "afterwards: rule set A $a times, B $b times, anything else $mixed times"
assert_eq "every kill left A or B, never a mix" 0 "$mixed"

section "traffic follows the rule set that is in force"
if ipt_save server | normalize_save | cmp -s - "$E2E_TMP/a.norm"; then
	expect accept client tcp 10.99.1.1 22
	expect drop client tcp 10.99.1.1 8080
else
	expect accept client tcp 10.99.1.1 8080
	expect drop client tcp 10.99.1.1 22
fi
filters=$(in_ns server tc filter show dev lo ingress | grep -c 'handle 0xb9f0')
assert_eq "one bpfw filter per hook left on lo (idle leftovers are replaced)" 1 \
	"$(ipt_ok server -A INPUT -s 192.0.2.9 -j DROP;
	   in_ns server tc filter show dev lo ingress | grep -c 'handle 0xb9f0')"
info "filters on lo ingress before that command: $filters"

section "the next command works without cleanup"
ipt_ok server -D INPUT -s 192.0.2.9 -j DROP
ipt_ok server -A INPUT -p tcp --dport 8080 -j ACCEPT
expect accept client tcp 10.99.1.1 8080

section "an interface that refuses the new programs changes nothing"
# someone else's tc filter at the priority the next generation needs on eth0:
# the kernel refuses bpfw's filter there (protocol mismatch)
prio=$(in_ns server tc filter show dev lo ingress | awk '/handle 0xb9f0/ { print $5; exit }')
next=$((3 - prio))
in_ns server tc filter add dev eth0 ingress prio "$next" protocol ip u32 match u32 0 0 classid 1:1 ||
	fail "adding the foreign filter"
before=$(ipt_save server -c | grep -v '^#')
out=$(ipt server -I INPUT -s 10.99.1.2 -j DROP 2>&1)
assert_eq "the update fails with exit 4" 4 "$?"
assert_eq "and says which interface refused it" \
	"Cannot attach the rule set to interface eth0: Invalid argument; the previous rule set stays in place" \
	"$out"
assert_eq "the saved rules and counters are unchanged" "$before" \
	"$(ipt_save server -c | grep -v '^#')"
assert_eq "no bpfw filter at the refused priority on lo" 0 \
	"$(in_ns server tc filter show dev lo ingress | grep 'handle 0xb9f0' | grep -c "pref $next ")"
expect accept client tcp 10.99.1.1 8080
in_ns server tc filter del dev eth0 ingress prio "$next" protocol ip u32 ||
	fail "removing the foreign filter"
ipt_ok server -I INPUT -s 10.99.1.2 -j DROP
expect drop client tcp 10.99.1.1 8080
ipt_ok server -D INPUT -s 10.99.1.2 -j DROP

section "a rule set too large for one BPF program changes nothing"
# 100,000 rules of alternating shapes: no run folds into a lookup
awk 'BEGIN { print "*filter"; for (i = 0; i < 100000; i++)
	if (i % 2) printf "-A INPUT -s 10.%d.%d.0/24 -p tcp -m tcp --dport %d -j DROP\n", int(i / 256) % 256, i % 256, 1000 + i % 5000
	else printf "-A INPUT -d 10.%d.%d.1/32 -p udp -m udp --sport %d -j ACCEPT\n", int(i / 256) % 256, i % 256, 2000 + i % 3000
	print "COMMIT" }' >"$E2E_TMP/huge.rules"
before=$(ipt_save server -c | grep -v '^#')
out=$(ip netns exec "$(ns server)" "$IPT_RESTORE" <"$E2E_TMP/huge.rules" 2>&1)
assert_eq "the restore fails with exit 4" 4 "$?"
case $out in
"The rule set is too large: the bpfw_ingress program needs "*" BPF instructions, the kernel loads at most 1000000"*)
	pass "and names the kernel's limit" ;;
*) fail "message: $out" ;;
esac
assert_eq "the saved rules and counters are unchanged" "$before" \
	"$(ipt_save server -c | grep -v '^#')"
expect accept client tcp 10.99.1.1 8080

section "a rule set that cannot be compiled changes nothing"
for i in 0 1 2 3 4 5 6 7; do ipt_ok server -N deep$i; done
for i in 0 1 2 3 4 5 6; do ipt_ok server -A deep$i -j deep$((i + 1)); done
assert_fails "jumps nested 8 chains deep are refused" ipt server -A INPUT -j deep0
assert_eq "the refused rule is not there" "" \
	"$(ipt server -S INPUT | grep -- '-j deep0')"
expect accept client tcp 10.99.1.1 8080

e2e_finish
