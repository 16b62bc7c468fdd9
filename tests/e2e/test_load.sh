#!/usr/bin/env bash
# Load: many updates leak no kernel object; concurrent commands all land,
# serialised by the lock; restores racing with appends lose neither.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

CYCLES=${LOAD_CYCLES:-200}
PARALLEL=${LOAD_PARALLEL:-32}

section "namespace: server"
ns_add server || { fail "cannot create the namespace"; e2e_finish; }

if ! ipt_is_system && command -v bpftool >/dev/null; then
	section "$CYCLES update cycles leak no BPF program, map or link"
	objects() { # programs and maps of bpfw, and links, in the whole system
		printf '%s %s %s' "$(bpftool prog show | grep -c 'name bpfw_')" \
			"$(bpftool map show | grep -c 'name bpfw_')" \
			"$(bpftool link show | grep -c '^[0-9]*:')"
	}
	settled() { # the kernel frees detached programs after a grace period
		local want=$1 got
		for _ in $(seq 1 100); do
			got=$(objects)
			[ "$got" = "$want" ] && break
			sleep 0.1
		done
		printf '%s' "$got"
	}
	ipt_ok server -A INPUT -s 192.0.2.1 -j DROP
	sleep 1
	first=$(objects)
	info "bpfw programs, bpfw maps and links in the system after the first update: $first"
	for ((i = 0; i < CYCLES; i++)); do
		in_ns server "$IPT" -A INPUT -s 192.0.2.2 -j DROP &&
			in_ns server "$IPT" -D INPUT -s 192.0.2.2 -j DROP || fail "cycle $i"
	done
	assert_eq "programs, maps and links after $CYCLES cycles as after the first" "$first" \
		"$(settled "$first")"
	ipt_ok server -F
	ipt_ok server -X
	assert_eq "the same after -F and -X" "$first" "$(settled "$first")"
fi

section "$PARALLEL concurrent iptables -w -A all land"
pids=()
for i in $(seq 1 "$PARALLEL"); do
	in_ns server "$IPT" -w -A INPUT -s "10.88.$((i / 256)).$((i % 256))" -j DROP &
	pids+=($!)
done
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
assert_eq "no command failed" 0 "$bad"
assert_eq "$PARALLEL rules present" "$PARALLEL" \
	"$(ipt server -S INPUT | grep -c '^-A INPUT -s 10\.88\.')"

section "restores racing with appends lose neither"
printf '*filter\n:race - [0:0]\n-A race -s 198.51.100.1/32 -j DROP\nCOMMIT\n' >"$E2E_TMP/race.rules"
(for _ in $(seq 1 20); do in_ns server "$IPT_RESTORE" -w -n <"$E2E_TMP/race.rules" || exit 1; done) &
rpid=$!
for i in $(seq 1 20); do
	in_ns server "$IPT" -w -A OUTPUT -d "10.89.0.$i" -j DROP || fail "append $i"
done
wait "$rpid" && pass "every restore succeeded" || fail "a restore failed"
assert_eq "20 appended rules present" 20 "$(ipt server -S OUTPUT | grep -c '^-A OUTPUT -d 10\.89\.0\.')"
assert_eq "the restored chain present, once" "-A race -s 198.51.100.1/32 -j DROP" \
	"$(ipt server -S race | grep '^-A')"

e2e_finish
