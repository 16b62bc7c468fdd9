#!/usr/bin/env bash
# bench/testrun.sh OUT.tsv [N...]
#
# bpfw's own programs measured with BPF_PROG_TEST_RUN (the shared harness's
# fwb-testrun) on its 60-byte UDP frame 10.77.1.1:40000 -> 10.77.1.2:9: for
# the harness's blocklist and chain rule sets and bpfw's mixed ACL
# (bench/gen-mixed-acl.sh), at each N (default 1 100 1000 10000), the
# ingress program's ns per packet, beside the trivial tc_pass program; and
# for the blocklist moved to the raw table (blocklist-xdp), the XDP
# program's, beside the trivial xdp_pass.  Also the program's size and the
# memory of the program and its maps (memlock).
#
# PAIRS=K measures bpfw and the empty program K times each, interleaved (3).
#
# Columns: scenario N ns_median ref_ns insns memlock_bytes load_ms
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
harness=$here/../shared/bench
out=${1:?usage: testrun.sh OUT.tsv [N...]}
shift
ns_list=("$@")
[ ${#ns_list[@]} -gt 0 ] || ns_list=(1 100 1000 10000)
tr=$harness/build/fwb-testrun
ns=bpfw-tr-$$
work=$(mktemp -d)
export BPFW_LOCK=$work/lock
trap 'ip netns del $ns 2>/dev/null || true; rm -rf "$work"' EXIT

median() { grep -o 'ns_median=[0-9]*' | head -n1 | cut -d= -f2; }
memlock() { # bytes of program ID and its maps
	local id=$1 sum m
	sum=$(bpftool prog show id "$id" | grep -o 'memlock [0-9]*B' | grep -o '[0-9]*')
	for m in $(bpftool prog show id "$id" | grep -o 'map_ids [0-9,]*' | cut -d' ' -f2 | tr ',' ' '); do
		sum=$((sum + $(bpftool map show id "$m" | grep -o 'memlock [0-9]*B' | grep -o '[0-9]*')))
	done
	echo "$sum"
}

# the harness's blocklist in raw PREROUTING, which bpfw runs at XDP
to_raw() {
	sed -e 's/^\*filter$/*raw/' -e 's/^:INPUT /:PREROUTING /' -e '/^:FORWARD /d' \
	    -e 's/^-A INPUT /-A PREROUTING /'
}

printf 'scenario\tN\tns_median\tref_ns\tinsns\tmemlock_bytes\tload_ms\n' >"$out"
for scen in blocklist blocklist-xdp chain mixed; do
	for n in "${ns_list[@]}"; do
		if [ "$scen" = mixed ]; then
			"$here/bench/gen-mixed-acl.sh" "$n" >"$work/rules.save"
		else
			"$harness/lib/gen-rules.sh" "${scen%-xdp}" "$n" "$work/g" >/dev/null
			cp "$work/g/rules.save" "$work/rules.save"
			[ "$scen" = blocklist-xdp ] && to_raw <"$work/g/rules.save" >"$work/rules.save"
		fi
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		t0=$(date +%s%N)
		ip netns exec "$ns" "$here/build/iptables-restore" <"$work/rules.save"
		ms=$((($(date +%s%N) - t0) / 1000000))
		ref=$harness/build/tc_pass.o
		if [ "$scen" = blocklist-xdp ]; then
			id=$(ip -n "$ns" link show dev lo | grep -o 'prog/xdp id [0-9]*' | awk '{ print $3 }')
			ref=$harness/build/xdp_pass.o
		else
			id=$(ip netns exec "$ns" tc filter show dev lo ingress | grep -o ' id [0-9]*' |
			     head -n1 | awk '{ print $2 }')
		fi
		insns=$(( $(bpftool prog show id "$id" | grep -o 'xlated [0-9]*B' | grep -o '[0-9]*') / 8 ))
		# interleaved, so that the machine's noise falls on both alike
		b=() p=()
		for _ in $(seq "${PAIRS:-3}"); do
			b+=("$("$tr" -I "$id" -r 1000000 -k 5 | median)")
			p+=("$("$tr" -o "$ref" -r 1000000 -k 5 | median)")
		done
		bpfw_ns=$(printf '%s\n' "${b[@]}" | sort -n | sed -n "$(((${#b[@]} + 1) / 2))p")
		pass_ns=$(printf '%s\n' "${p[@]}" | sort -n | sed -n "$(((${#p[@]} + 1) / 2))p")
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scen" "$n" "$bpfw_ns" "$pass_ns" "$insns" \
			"$(memlock "$id")" "$ms" >>"$out"
		ip netns del "$ns"
	done
done
