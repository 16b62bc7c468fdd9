#!/usr/bin/env bash
# bench/report.sh RESULTS_DIR OUT_DIR
#
# Turns one run of the shared benchmark harness (../shared/bench/run.sh,
# with bpfw plugged in as bench/systems/bpfw.sh) into OUT_DIR/results.md:
# the targets bpfw is held to, computed from that run as ratios, then the
# harness's own summary; and OUT_DIR/cost-vs-n.png, the firewall cost per
# packet against the rule count, one line per system (needs gnuplot).
set -euo pipefail

res=${1:?usage: report.sh RESULTS_DIR OUT_DIR}
out=${2:?usage: report.sh RESULTS_DIR OUT_DIR}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT


# costs PPS_TSV OUT: "scenario N system cost", the median CPU ns/packet minus none's
costs() {
	awk -F'\t' 'NR > 1 && $15 == "ok" { print $1, $2, $3, $14 }' "$1" |
		sed 's|[^ ]*/bench/systems/\([a-z-]*\)\.sh|\1|' |
		sort -k1,1 -k2,2n -k3,3 -k4,4g |
		awk '{ k = $1 " " $2 " " $3; v[k, ++n[k]] = $4 }
		     END { for (k in n) { m = n[k]
				if (m % 2) med = v[k, (m + 1) / 2]; else med = (v[k, m / 2] + v[k, m / 2 + 1]) / 2
				print k, med } }' |
		sort -k1,1 -k2,2n >"$work/median"
	awk '$3 == "none" { base[$1 " " $2] = $4 }
	     { m[NR] = $0 } END { for (i = 1; i <= NR; i++) { split(m[i], f, " ");
		if (f[3] != "none") printf "%s %s %s %.1f\n", f[1], f[2], f[3], f[4] - base[f[1] " " f[2]] } }' \
		"$work/median" >"$2"
}
costs "$res/pps.tsv" "$work/cost"
[[ -f $res/mixed/pps.tsv ]] && costs "$res/mixed/pps.tsv" "$work/mixed"
mcost() { awk -v n="$1" -v y="$2" '$2 == n && $3 == y { print $4 }' "$work/mixed" 2>/dev/null; }

cost() { awk -v s="$1" -v n="$2" -v y="$3" '$1 == s && $2 == n && $3 == y { print $4 }' "$work/cost"; }
upd() { # median ms of op for system at N
	awk -F'\t' -v n="$2" -v y="$3" -v op="$1" 'NR > 1 && $2 == n && $5 == op && $8 == "ok" {
		s = $3; sub(".*/bpfw\\.sh$", "bpfw", s); if (s == y) print $7 }' "$res/update.tsv" |
		sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit
			if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"
		else printf "%.2f", a / b }'
}
verdict() {
	awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { if (r == "n/a") print "not measured"
		else if ((op == ">=" && r + 0 >= t) || (op == "<=" && r + 0 <= t)) print "met"
		else print "missed" }'
}

{
	echo "# bpfw benchmark results"
	echo
	echo "One run of \`make bench\` ($(grep -o 'mode=[a-z]*' "$res/meta.txt" | head -n1))," \
		"$(date -u -r "$res/summary.md" '+%Y-%m-%d %H:%M UTC'), on this project's 2-core VM."
	echo "Firewall cost = median CPU ns per packet of the whole veth path minus the same"
	echo "run's no-firewall path; all systems measured interleaved in the same run, so only"
	echo "ratios are compared. The harness's full summary follows the targets."
	echo
	echo "## Targets"
	echo
	echo "| target | measured | result |"
	echo "|---|---|---|"
	nmax=10000	# the rule count the targets are set at
	for sc in chain blocklist; do
		b=$(cost "$sc" "$nmax" bpfw)
		b1=$(cost "$sc" 1 bpfw)
		r=$(ratio "$(cost "$sc" "$nmax" iptables-nft)" "$b")
		echo "| $sc, N=$nmax: iptables-nft cost / bpfw cost >= 100 | $r ($b ns) | $(verdict "$r" '>=' 100) |"
		r=$(ratio "$b" "$(cost "$sc" "$nmax" nft-set)")
		echo "| $sc, N=$nmax: bpfw cost / nft-set cost <= 1 | $r | $(verdict "$r" '<=' 1) |"
		r=$(ratio "$b" "$b1")
		echo "| $sc: bpfw cost at N=$nmax / at N=1 <= 1.2 | $r ($b1 -> $b ns) | $(verdict "$r" '<=' 1.2) |"
	done
	r=$(ratio "$(upd add 10000 bpfw)" "$(upd add 10000 iptables-nft)")
	echo "| append one rule to 10,000: bpfw / iptables-nft <= 1 | $r ($(upd add 10000 bpfw) ms) | $(verdict "$r" '<=' 1) |"
	r=$(ratio "$(upd load 10000 bpfw)" "$(upd load 10000 iptables-legacy)")
	echo "| restore 10,000 rules: bpfw / iptables-legacy <= 1 | $r ($(upd load 10000 bpfw) ms) | $(verdict "$r" '<=' 1) |"
	l=$(upd load 100000 bpfw)
	echo "| restore 100,000 rules < 1 s | ${l:-n/a} ms | $(verdict "$(ratio "$l" 1000)" '<=' 1) |"
	if [[ -f $res/bpfw-testrun.tsv ]]; then
		x=$(awk -F'\t' '$1 == "blocklist-xdp" && $2 == 10000 { print $3 }' "$res/bpfw-testrun.tsv")
		p=$(awk -F'\t' '$1 == "blocklist-xdp" && $2 == 10000 { print $4 }' "$res/bpfw-testrun.tsv")
		f=$(awk -F'\t' '$1 == "xdp-filter" && $2 == 10000 && $3 == "allowed" { print $6 }' \
			"$res/testrun.tsv" 2>/dev/null | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }')
		r=$(ratio "$x" "$f")
		echo "| test run, blocklist at XDP, N=10000: bpfw ns / xdp-filter ns <= 1 | $r ($x vs ${f:-?} ns) | $(verdict "$r" '<=' 1) |"
		r=$(ratio "$x" "$p")
		echo "| test run, blocklist at XDP, N=10000: bpfw ns / empty XDP ns <= 2.5 | $r ($x vs ${p:-?} ns) | $(verdict "$r" '<=' 2.5) |"
	fi
	if [[ -f $res/memory.tsv ]]; then
		mb=$(awk -F'\t' '$1 == "bpfw" { print $3 }' "$res/memory.tsv")
		mn=$(awk -F'\t' '$1 == "nft-set" { print $3 }' "$res/memory.tsv")
		mN=$(awk -F'\t' 'NR == 2 { print $2 }' "$res/memory.tsv")
		r=$(ratio "$mb" "$mn")
		echo "| kernel memory, blocklist of $mN: bpfw / nft-set <= 1 | $r ($mb vs $mn KiB) | $(verdict "$r" '<=' 1) |"
	fi
	if [[ -f $work/mixed ]]; then
		b=$(mcost 10000 bpfw-mixed)
		r=$(ratio "$(mcost 10000 iptables-nft-mixed)" "$b")
		echo "| mixed ACL, N=10000: iptables-nft cost / bpfw cost >= 20 | $r ($b ns) | $(verdict "$r" '>=' 20) |"
		r=$(ratio "$b" "$(mcost 100 bpfw-mixed)")
		echo "| mixed ACL: bpfw cost at N=10000 / at N=100 <= 3 | $r ($(mcost 100 bpfw-mixed) -> $b ns) | $(verdict "$r" '<=' 3) |"
	fi
	echo
	echo "Firewall cost per packet (ns), this run:"
	echo
	echo "| scenario | N | $(awk '{ print $3 }' "$work/cost" | sort -u | paste -sd'|' | sed 's/|/ | /g') |"
	echo "|---|---|$(awk '{ print $3 }' "$work/cost" | sort -u | sed 's/.*/---/' | paste -sd'|')|"
	awk -v list="$(awk '{ print $3 }' "$work/cost" | sort -u | paste -sd' ')" '
	     BEGIN { ns = split(list, sys, " ") }
	     { k = $1 " | " $2; if (!(k in seen)) { seen[k] = 1; order[++n] = k } c[k "|" $3] = $4 }
	     END { for (i = 1; i <= n; i++) { line = "| " order[i];
			for (j = 1; j <= ns; j++) { v = c[order[i] "|" sys[j]]; line = line " | " (v == "" ? "-" : v) }
			print line " |" } }' "$work/cost"
	echo
	[[ -f $out/cost-vs-n.png ]] && echo "![cost per packet against N](cost-vs-n.png)" && echo
	if [[ -f $work/mixed ]]; then
		echo "## Mixed ACL"
		echo
		echo "bpfw's own scenario (\`bench/gen-mixed-acl.sh\`): N rules of random shapes —"
		echo "source and/or destination prefixes /8-/32, tcp, udp or any protocol, ports exact"
		echo "or ranges, ACCEPT and DROP — that the test traffic does not match; the same rules"
		echo "in bpfw and in iptables-nft. Firewall cost per packet (ns):"
		echo
		echo "| N | bpfw | iptables-nft |"
		echo "|---|---|---|"
		for n in $(awk '{ print $2 }' "$work/mixed" | sort -un); do
			echo "| $n | $(mcost "$n" bpfw-mixed) | $(mcost "$n" iptables-nft-mixed) |"
		done
		echo
	fi
	if [[ -f $res/bpfw-testrun.tsv ]]; then
		echo "## bpfw's programs under BPF_PROG_TEST_RUN"
		echo
		echo "The ingress program (for blocklist-xdp, the same blocklist in raw PREROUTING:"
		echo "the XDP program) run by the kernel on the harness's 60-byte UDP frame, median"
		echo "ns per run, beside the trivial \`tc_pass\` (\`xdp_pass\`) program in the same run;"
		echo "its length after the verifier, the memory of the program and its maps, and the"
		echo "restore time:"
		echo
		echo "| scenario | N | bpfw ns | empty program ns | instructions | memory | load |"
		echo "|---|---|---|---|---|---|---|"
		awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %.1f MiB | %s ms |\n",
			$1, $2, $3, $4, $5, $6 / 1048576, $7 }' "$res/bpfw-testrun.tsv"
		echo
	fi
	if [[ -f $res/memory.tsv ]]; then
		echo "## Kernel memory"
		echo
		echo "A blocklist loaded into a fresh namespace (\`bench/memory.sh\`): the growth of the"
		echo "kernel's slab, vmalloc and per-CPU memory, median of 3 loads, and bpfw's own"
		echo "figure from its BPF objects (memlock):"
		echo
		echo "| system | N | kernel KiB | memlock KiB |"
		echo "|---|---|---|---|"
		awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$res/memory.tsv"
		echo
	fi
	echo "## The harness's summary"
	echo
	sed 's|/[^ |]*/bench/systems/bpfw\.sh|bpfw|g; s/^# /### /' "$res/summary.md"
} >"$out/results.md.new"

if command -v gnuplot >/dev/null; then
	panels="chain blocklist"
	# the mixed ACL's group runs under the harness's "chain" name
	[[ -f $work/mixed ]] && sed 's/^chain /mixed /' "$work/mixed" >>"$work/cost" && panels+=" mixed"
	for sc in $panels; do
		for s in $(awk -v sc="$sc" '$1 == sc && $3 != "none-b" { print $3 }' "$work/cost" | sort -u); do
			awk -v sc="$sc" -v s="$s" '$1 == sc && $3 == s { c = $4 < 1 ? 1 : $4; print $2, c }' \
				"$work/cost" >"$work/$sc.$s.dat"
		done
	done
	{
		echo "set terminal png size 1500,450; set output '$out/cost-vs-n.png'"
		echo "set multiplot layout 1,$(wc -w <<<"$panels"); set logscale xy; set grid"
		echo "set xlabel 'rules (N)'; set ylabel 'firewall cost, ns per packet'; set key left top"
		for sc in $panels; do
			echo "set title '$sc'"
			printf 'plot '
			first=1
			for f in "$work/$sc".*.dat; do
				name=${f##*/$sc.}; name=${name%.dat}
				[[ $first == 1 ]] || printf ', '
				printf "'%s' using 1:2 with linespoints lw 2 title '%s'" "$f" "$name"
				first=0
			done
			echo
		done
		echo "unset multiplot"
	} >"$work/plot.gp"
	gnuplot "$work/plot.gp"
	# the picture exists now: regenerate the text so that it links it
	grep -q 'cost-vs-n.png' "$out/results.md.new" ||
		sed -i 's|^## The harness.s summary$|![cost per packet against N](cost-vs-n.png)\n\n&|' "$out/results.md.new"
fi
mv "$out/results.md.new" "$out/results.md"
echo "report: $out/results.md"
