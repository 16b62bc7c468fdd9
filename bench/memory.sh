#!/usr/bin/env bash
# bench/memory.sh OUT.tsv [N]
#
# Kernel memory of a blocklist of N source addresses (default 100000): bpfw
# (iptables-restore of the harness's blocklist) against nft with a set (the
# harness's nft-set translation).  Each is loaded into a fresh namespace and
# measured as the growth of the kernel's slab, vmalloc and per-CPU memory
# (/proc/meminfo) until the namespace is deleted, the median of 3 loads;
# bpfw's own figure from the BPF objects' memlock is beside it.
#
# Columns: system N kernel_kib memlock_kib
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
harness=$here/../shared/bench
out=${1:?usage: memory.sh OUT.tsv [N]}
n=${2:-100000}
ns=bpfw-mem-$$
work=$(mktemp -d)
export BPFW_LOCK=$work/lock
trap 'ip netns del $ns 2>/dev/null || true; rm -rf "$work"' EXIT

"$harness/lib/gen-rules.sh" blocklist "$n" "$work/g" >/dev/null
awk -v mode=set -f "$harness/lib/ipt2nft.awk" "$work/g/rules.ipt" >"$work/rules.nft"

kib() { awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo; }
median3() { sort -n | sed -n 2p; }
memlock_kib() { # BPF programs and maps of the namespace's lo filter
	local id sum=0 m
	id=$(ip netns exec "$ns" tc filter show dev lo ingress | grep -o ' id [0-9]*' | head -n1 |
	     awk '{ print $2 }')
	sum=$(bpftool prog show id "$id" | grep -o 'memlock [0-9]*B' | grep -o '[0-9]*')
	for m in $(bpftool prog show id "$id" | grep -o 'map_ids [0-9,]*' | cut -d' ' -f2 | tr ',' ' '); do
		sum=$((sum + $(bpftool map show id "$m" | grep -o 'memlock [0-9]*B' | grep -o '[0-9]*')))
	done
	echo $((sum / 1024))
}

printf 'system\tN\tkernel_kib\tmemlock_kib\n' >"$out"
for sys in bpfw nft-set; do
	deltas=() ml=-
	for _ in 1 2 3; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		sync; echo 3 >/proc/sys/vm/drop_caches
		sleep 1
		before=$(kib)
		if [ "$sys" = bpfw ]; then
			ip netns exec "$ns" "$here/build/iptables-restore" <"$work/g/rules.save"
			ml=$(memlock_kib)
		else
			ip netns exec "$ns" nft -f "$work/rules.nft"
		fi
		sleep 1
		deltas+=($(($(kib) - before)))
		ip netns del "$ns"
		sleep 1
	done
	printf '%s\t%s\t%s\t%s\n' "$sys" "$n" "$(printf '%s\n' "${deltas[@]}" | median3)" "$ml" >>"$out"
done
cat "$out"
