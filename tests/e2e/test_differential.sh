#!/usr/bin/env bash
# Differential test against the kernel's iptables: random rule sets (seeded)
# go into bpfw in one namespace and into the kernel's iptables (the system
# iptables-legacy, or iptables-nft with DIFF_REF=nft) in another; the same
# generated frames are written to both from a third; raw sockets record
# which packets each delivered after INPUT.  Per round the delivered
# packets and the counters of iptables-save -c must be the same.  A
# difference is reduced to a minimal rule set and packet, printed with the
# seed (tests/e2e/difftool.py draws the rules and the packets).
#
#   SEED=N          replay a run (printed at the start)
#   ROUND=N         only that round of the seed
#   DIFF_ROUNDS     rule sets per family (default 50, 10 with E2E_QUICK=1)
#   DIFF_PACKETS    packets per rule set (default 300, 150 with E2E_QUICK=1)
#   DIFF_FAMILIES   "4 6" (default), "4" or "6"
#   DIFF_REF        legacy (default) or nft
#   DIFF_ARGS       more options of difftool.py run (--known all: also draw
#                   what bpfw is known to decide otherwise, see difftool.py;
#                   --rules FILE: send the packets of DIFF_SEND1,
#                   DIFF_SEND2... (up to 9) through that rule set, such as
#                   "proto=tcp src=10.1.0.1 sport=1000 dport=22 flags=0x02")
#
#   snd (no addresses, IPv6 off) --tok-- eth0 kern   (kernel iptables)
#                                --tob-- eth0 bpfw   (bpfw)
#   kern and bpfw alike: 10.250.0.2/24 and 10.200.0.1-6/24 on eth0 (with
#   brd +: bpfw's addrtype knows a broadcast address only from that),
#   10.201.0.1 on lo; 2001:db8:250::2/64, 2001:db8:200::1-6/64 and
#   2001:db8:201::1 on lo; the same MAC; rp_filter off; answers (echo
#   replies, resets: what makes connections ESTABLISHED) routed back to snd.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
# With IPT_DIR=/usr/sbin both sides would be the kernel's (legacy against
# nft, which differ on their own: fragments, port 0, '! --sport 0:65535').
ipt_is_system && { info "compares bpfw with the kernel's iptables"; e2e_finish; }

REF=${DIFF_REF:-legacy}
REF_DIR=/usr/sbin
if [ "${E2E_QUICK:-0}" = 1 ]; then
	ROUNDS=${DIFF_ROUNDS:-10}
	PACKETS=${DIFF_PACKETS:-150}
else
	ROUNDS=${DIFF_ROUNDS:-50}
	PACKETS=${DIFF_PACKETS:-300}
fi
FAMILIES=${DIFF_FAMILIES:-4 6}
SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

for f in iptables ip6tables; do
	if [ ! -x "$REF_DIR/$f-$REF-restore" ]; then
		e2e_skip_all "no $REF_DIR/$f-$REF-restore (the kernel's iptables to compare with)"
	fi
done

section "topology: snd -- kern (iptables-$REF), snd -- bpfw ($IPT_DIR)"
build_topology() {
	local n i
	ns_add snd kern bpfw || return 1
	in_ns snd sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || return 1
	ip link add tok netns "$(ns snd)" type veth peer name eth0 netns "$(ns kern)" || return 1
	ip link add tob netns "$(ns snd)" type veth peer name eth0 netns "$(ns bpfw)" || return 1
	for i in tok tob; do
		ip -n "$(ns snd)" link set "$i" address 02:00:00:00:0b:01 up || return 1
	done
	for n in kern bpfw; do
		in_ns "$n" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.all.accept_redirects=0 net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.default.accept_dad=0 || return 1
		ip -n "$(ns "$n")" link set eth0 address 02:00:00:00:0b:02 || return 1
		in_ns "$n" sysctl -qw net.ipv4.conf.eth0.rp_filter=0 || return 1
		ip -n "$(ns "$n")" addr add 10.250.0.2/24 brd + dev eth0 || return 1
		ip -n "$(ns "$n")" addr add 2001:db8:250::2/64 dev eth0 nodad || return 1
		for i in 1 2 3 4 5 6; do
			ip -n "$(ns "$n")" addr add "10.200.0.$i/24" brd + dev eth0 || return 1
			ip -n "$(ns "$n")" addr add "2001:db8:200::$i/64" dev eth0 nodad || return 1
		done
		ip -n "$(ns "$n")" addr add 10.201.0.1/32 dev lo || return 1
		ip -n "$(ns "$n")" addr add 2001:db8:201::1/128 dev lo || return 1
		ip -n "$(ns "$n")" link set eth0 up || return 1
		# answers (echo replies, resets) go back to snd, which drops them
		ip -n "$(ns "$n")" neigh add 10.250.0.1 lladdr 02:00:00:00:0b:01 dev eth0 nud permanent || return 1
		ip -n "$(ns "$n")" neigh add 2001:db8:250::1 lladdr 02:00:00:00:0b:01 dev eth0 nud permanent || return 1
		ip -n "$(ns "$n")" route add default via 10.250.0.1 dev eth0 || return 1
		ip -n "$(ns "$n")" -6 route add default via 2001:db8:250::1 dev eth0 || return 1
	done
}
build_topology || { fail "cannot build the topology"; e2e_finish; }
pass "three namespaces, two veths"

# With bpfw, enough rounds and bpftool: each round names the lookups bpfw
# made of its runs, and from 30 rounds on each kind (hash, LPM trie,
# classification) must have come up in some round.
coverage=()
DIFF_SEND=()
for i in 1 2 3 4 5 6 7 8 9; do
	v=DIFF_SEND$i
	[ -n "${!v:-}" ] && DIFF_SEND+=("${!v}")
done
if ! ipt_is_system && [ -z "${ROUND:-}" ] && [ "$ROUNDS" -ge 10 ] &&
	command -v bpftool >/dev/null 2>&1; then
	coverage=(--coverage)
fi

for fam in $FAMILIES; do
	section "IPv$fam: $ROUNDS rule sets x $PACKETS packets, seed $SEED${ROUND:+, round $ROUND}"
	info "replay: SEED=$SEED${ROUND:+ ROUND=$ROUND} DIFF_FAMILIES=$fam tests/e2e/test_differential.sh"
	t0=$SECONDS
	while IFS= read -r line; do
		case "$line" in
		"PASS "*) pass "${line#PASS }" ;;
		"FAIL "*) fail "${line#FAIL }" ;;
		"difftool exit "*)
			rc=${line#difftool exit }
			# 1: rounds failed (counted above); anything else: it broke
			[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "difftool.py stopped with exit $rc" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < <(ip netns exec "$(ns snd)" timeout 600 python3 "$E2E_LIB_DIR/difftool.py" run \
		--ref "$(ns kern)" --bpfw "$(ns bpfw)" --ref-if tok --bpfw-if tob \
		--ref-dir "$REF_DIR" --ref-kind "$REF" --bpfw-dir "$IPT_DIR" --family "$fam" \
		--seed "$SEED" --rounds "$ROUNDS" --packets "$PACKETS" ${ROUND:+--round "$ROUND"} \
		"${coverage[@]}" ${DIFF_ARGS:-} "${DIFF_SEND[@]/#/--send=}" 2>&1;
		echo "difftool exit $?")
	info "IPv$fam took $((SECONDS - t0))s"
done

e2e_finish
