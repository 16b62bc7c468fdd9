#!/usr/bin/env bash
# tests/conformance.sh - iptables' own rule tests and real iptables-save
# dumps, run against bpfw.
#
# Usage: tests/conformance.sh [--ipt-dir DIR] [--regen] [-v]
#
#   --ipt-dir DIR  where iptables, iptables-save and iptables-restore are
#                  (default: $IPT_DIR, else the project's build/; /usr/sbin checks the
#                  runner itself against the system iptables)
#   --regen        recompute tests/conformance-expect/*.pass with the system
#                  iptables (/usr/sbin/iptables)
#   -v             print every line run-t.sh prints, not only the failures
#
# Part 1, extension tests: runs ../shared/conformance/run-t.sh on the *.t
# files below.  The lines the system iptables 1.8.9 passes on this kind of
# machine are kept in tests/conformance-expect/FILE.pass; every one of them
# must pass here too.  Part 2, dumps: every dump in
# ../shared/conformance/iptables/dumps/ that holds only the filter table
# and only what bpfw supports is restored into a fresh namespace and must
# come back unchanged from iptables-save (ignoring '#' lines and counters).
# A FILE.refused there lists lines bpfw refuses on purpose (an option it
# cannot compile); they are left out of what must pass.  The files of
# FILES6 run the same way with ip6tables, their lines kept in
# tests/conformance-expect/ip6tables/ (computed with /usr/sbin/ip6tables).
#
# Each .t file and each dump is one check; the last line is
# "N passed, N failed".

set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$(dirname "$0")/../../shared" 2>/dev/null && pwd)
CONF="$SHARED/conformance"
EXT="$CONF/iptables/extensions"
DUMPS="$CONF/iptables/dumps"
EXPECT="$ROOT/tests/conformance-expect"
SYSTEM_IPT=/usr/sbin/iptables
SYSTEM_IP6T=/usr/sbin/ip6tables
FILES=(libxt_standard.t libipt_standard.t libxt_tcp.t libxt_udp.t libipt_icmp.t
	libxt_comment.t libxt_state.t libxt_multiport.t libxt_limit.t libipt_LOG.t
	libxt_iprange.t libxt_length.t libipt_ttl.t libipt_REJECT.t libxt_recent.t iptables.t
	libxt_mac.t libxt_mark.t libxt_pkttype.t libxt_owner.t libxt_set.t libxt_addrtype.t)
FILES6=(libip6t_standard.t libip6t_icmp6.t libip6t_hl.t libip6t_rt.t libip6t_REJECT.t
	libip6t_LOG.t libip6t_recent.t libip6t_iprange.t libxt_standard.t libxt_tcp.t
	libxt_udp.t libxt_comment.t libxt_state.t libxt_multiport.t libxt_limit.t libxt_length.t
	libxt_recent.t libxt_mac.t libxt_mark.t libxt_pkttype.t libxt_owner.t libxt_set.t
	libxt_addrtype.t)
# Files written for a table bpfw does not have (mangle): run in filter, the
# chains filter lacks left out, by the system iptables and by bpfw alike.
IN_FILTER=" libxt_owner.t "
# What bpfw supports in the dumps: these matches, these targets, user chains.
MATCHES=" tcp udp icmp comment state multiport limit iprange length ttl recent mac mark pkttype "
TARGETS=" ACCEPT DROP RETURN LOG REJECT "

ipt_dir=${IPT_DIR:-$ROOT/build}
regen=0
verbose=0
n_pass=0
n_fail=0
n_skip=0
TMP=$(mktemp -d /tmp/bpfw-conformance.XXXXXX)
NS="bpfw-conf-$$"

cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

usage() {
	sed -n '2,25s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--ipt-dir) [ $# -ge 2 ] || usage; ipt_dir=$2; shift ;;
	--regen) regen=1 ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
	shift
done
ipt_dir=$(cd "$ipt_dir" 2>/dev/null && pwd) || { echo "no such directory: $ipt_dir" >&2; exit 2; }

ok() { n_pass=$((n_pass + 1)); printf 'PASS  %s\n' "$*"; }
bad() { n_fail=$((n_fail + 1)); printf 'FAIL  %s\n' "$*"; }
skipped() { n_skip=$((n_skip + 1)); printf 'SKIP  %s\n' "$*"; }

# passing_lines LOG: the "FILE:LINE: TEXT" of each PASS line of run-t.sh.
passing_lines() {
	sed -n 's/^PASS //p' "$1" | sort -u
}

# source_of FILE: the .t file to run: the original, or its copy in filter.
source_of() {
	local f=$1
	if [[ "$IN_FILTER" != *" $f "* ]]; then
		echo "$EXT/$f"
		return
	fi
	mkdir -p "$TMP/filter"
	sed -e 's/^\*mangle$/*filter/' -e '/^:/s/,\(PREROUTING\|POSTROUTING\)//g' \
		-e '/^:/s/:\(PREROUTING\|POSTROUTING\),/:/' "$EXT/$f" >"$TMP/filter/$f"
	echo "$TMP/filter/$f"
}

# expected_for FILE SYSTEM DIR: makes sure DIR/FILE.pass exists, computed with SYSTEM.
expected_for() {
	local f=$1 system=$2 dir=$3 out="$3/$1.pass"
	if [ $regen = 0 ] && [ -f "$out" ]; then
		return 0
	fi
	if [ ! -x "$system" ]; then
		echo "cannot compute $out: $system is missing" >&2
		return 1
	fi
	mkdir -p "$dir"
	echo "computing the lines $system passes in $f"
	"$CONF/run-t.sh" --ipt "$system" "$(source_of "$f")" >"$TMP/system.log" 2>&1
	passing_lines "$TMP/system.log" >"$out"
}

# extension_tests PROG SYSTEM DIR FILE...: the .t files with $ipt_dir/PROG, against DIR's lines.
extension_tests() {
	local prog=$1 system=$2 dir=$3 f log want got x y missing refused
	shift 3
	echo "== extension tests with $ipt_dir/$prog"
	for f in "$@"; do
		if [ ! -r "$EXT/$f" ]; then
			bad "$f: not found in $EXT"
			continue
		fi
		expected_for "$f" "$system" "$dir" || { bad "$f: no expected results"; continue; }
		log="$TMP/$prog-$f.log"
		"$CONF/run-t.sh" --ipt "$ipt_dir/$prog" "$(source_of "$f")" >"$log" 2>&1
		if [ $verbose = 1 ]; then
			cat "$log"
		fi
		want="$dir/$f.pass"
		if [ -f "$dir/$f.refused" ]; then
			comm -23 "$want" <(sort -u "$dir/$f.refused") >"$TMP/want"
			want="$TMP/want"
		fi
		passing_lines "$log" >"$TMP/got"
		got="$TMP/got"
		y=$(grep -c '' "$want")
		missing=$(comm -23 "$want" "$got")
		x=$((y - $(printf '%s' "$missing" | grep -c '')))
		refused=""
		[ -f "$dir/$f.refused" ] &&
			refused=" ($(grep -c '' "$dir/$f.refused") refused on purpose)"
		if [ -z "$missing" ]; then
			ok "$prog $f: $x of $y system-passing lines pass$refused"
		else
			bad "$prog $f: $x of $y system-passing lines pass; failing:"
			printf '%s\n' "$missing" | while IFS= read -r line; do
				grep -F -m1 -- "FAIL ${line%%: *}:" "$log" | sed 's/^/        /' ||
					printf '        %s\n' "$line"
			done
		fi
		extra=$(comm -13 "$want" "$got" | grep -c '')
		if [ "$extra" -gt 0 ]; then
			printf '      (%d line(s) pass here that the system %s fails)\n' "$extra" "$prog"
		fi
	done
}

# unsupported DUMP: prints why bpfw cannot take the dump, nothing if it can.
unsupported() {
	local file=$1 tables m t chains
	tables=$(grep '^\*' "$file" | tr -d '*' | paste -sd' ')
	if [ "$tables" != filter ]; then
		echo "tables other than filter: $tables"
		return
	fi
	if grep -q -- '-[sd] [0-9a-fA-F]*:' "$file" || [[ "$file" == *ip6tables* ]]; then
		echo "IPv6 rules"
		return
	fi
	while read -r m; do
		if [[ "$MATCHES" != *" $m "* ]]; then
			echo "match '$m' is not supported"
			return
		fi
	done < <(grep -o -- '-m [A-Za-z0-9_-]*' "$file" | awk '{print $2}' | sort -u)
	chains=" $(sed -n 's/^:\([^ ]*\) - .*/\1/p' "$file" | paste -sd' ') "
	while read -r t; do
		if [[ "$TARGETS" != *" $t "* ]] && [[ "$chains" != *" $t "* ]]; then
			echo "target '$t' is not supported"
			return
		fi
	done < <(grep -oE -- '-[jg] [A-Za-z0-9_.-]+' "$file" | awk '{print $2}' | sort -u)
}

normalize() {
	grep -v '^#' | sed -e 's/ \[[0-9]*:[0-9]*\]$//' -e 's/^\[[0-9]*:[0-9]*\] //'
}

dump_tests() {
	local file name why
	echo
	echo "== dumps: iptables-restore, then iptables-save"
	for file in "$DUMPS"/*; do
		[ -f "$file" ] || continue
		name=$(basename "$file")
		why=$(unsupported "$file")
		if [ -n "$why" ]; then
			skipped "$name: $why"
			continue
		fi
		ip netns del "$NS" 2>/dev/null
		if ! ip netns add "$NS"; then
			bad "$name: cannot create a namespace"
			continue
		fi
		if ! ip netns exec "$NS" timeout 30 "$ipt_dir/iptables-restore" <"$file" >"$TMP/err" 2>&1; then
			bad "$name: iptables-restore failed: $(head -n1 "$TMP/err")"
		elif ! ip netns exec "$NS" timeout 30 "$ipt_dir/iptables-save" -t filter >"$TMP/save" 2>"$TMP/err"; then
			bad "$name: iptables-save failed: $(head -n1 "$TMP/err")"
		elif diff -u <(normalize <"$file") <(normalize <"$TMP/save") >"$TMP/diff"; then
			ok "$name: restored and saved back unchanged"
		else
			bad "$name: iptables-save differs from the dump:"
			sed 's/^/        /' "$TMP/diff"
		fi
		ip netns del "$NS"
	done
}

main() {
	if [ "$(id -u)" != 0 ]; then
		echo "conformance: needs root (creates network namespaces)"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
	if [ -z "$SHARED" ] || [ ! -x "$CONF/run-t.sh" ]; then
		echo "SKIP  conformance: ../shared/conformance/run-t.sh not found"
		echo "0 passed, 0 failed, 1 skipped"
		exit 0
	fi
	if [ ! -x "$ipt_dir/iptables" ]; then
		bad "no iptables in $ipt_dir (run make)"
	else
		extension_tests iptables "$SYSTEM_IPT" "$EXPECT" "${FILES[@]}"
		extension_tests ip6tables "$SYSTEM_IP6T" "$EXPECT/ip6tables" "${FILES6[@]}"
		dump_tests
	fi
	echo
	[ $n_skip -gt 0 ] && echo "($n_skip dump(s) skipped)"
	echo "$n_pass passed, $n_fail failed"
	[ $n_fail -eq 0 ]
}

main
