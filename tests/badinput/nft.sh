#!/usr/bin/env bash
# tests/badinput/nft.sh - malformed nft input is refused, without a crash,
# and the running rule set does not move.
#
# Usage: tests/badinput/nft.sh [--bpfw BINARY] [-v]
#
# Each case of tests/badinput/nft.txt runs as "bpfw nft ..." in a namespace
# where bpfw holds an inet table with a named set and rules in ip filter.
# For each case: a non-zero status; an nft-style message ("Error: ..." or
# "FILE:LINE: Error: ..."); no crash (a status of 128 or more, or a
# sanitizer report); the rule set byte for byte what it was (nft list
# ruleset, iptables-save -c and the ids of the programs on lo).  Cases not
# marked "!" must be refused by the system nft too (in a namespace of its
# own with the same tables), so that they are malformed indeed.  The last
# line is "N passed, N failed".

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
bpfw="$ROOT/build/bpfw"
verbose=0
while [ $# -gt 0 ]; do
	case "$1" in
	--bpfw) bpfw=$(realpath "$2"); shift ;;
	-v) verbose=1 ;;
	*) sed -n '2,16s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
	shift
done
TMP=$(mktemp -d /tmp/bpfw-badnft.XXXXXX)
NS_T="bpfw-badnft-t-$$"
NS_O="bpfw-badnft-o-$$"
export BPFW_LOCK=$TMP/bpfw.lock
n_pass=0
n_fail=0
cleanup() {
	ip netns del "$NS_T" 2>/dev/null
	ip netns del "$NS_O" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

BASE='table inet t {
	set blocked { type ipv4_addr; flags interval; elements = { 192.0.2.0/24 } }
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
		tcp dport { 22, 80 } counter accept
	}
}
'
for ns in "$NS_T" "$NS_O"; do
	ip netns add "$ns" || exit 2
	ip -n "$ns" link set lo up
done
printf '%s' "$BASE" >"$TMP/base.nft"
ip netns exec "$NS_T" "$bpfw" iptables -A INPUT -p udp --dport 53 -j ACCEPT || exit 2
ip netns exec "$NS_T" "$bpfw" nft -f "$TMP/base.nft" || exit 2
ip netns exec "$NS_O" nft -f "$TMP/base.nft" || exit 2

fingerprint() {
	ip netns exec "$NS_T" "$bpfw" nft list ruleset
	ip netns exec "$NS_T" "$bpfw" iptables-save -c | grep -v '^#'
	ip netns exec "$NS_T" tc filter show dev lo ingress | grep -o ' id [0-9]*'
}
fingerprint >"$TMP/base.fp"

fail() {
	n_fail=$((n_fail + 1))
	printf 'FAIL %s: %s\n' "$1" "$2"
	[ -s "$TMP/err" ] && sed 's/^/     | /' "$TMP/err" | head -n 10
}

# run NS CMD...: the case's nft (bpfw's or the system's) on its words or file.
run_case() { # NS NFT LINE
	local ns=$1 nft=$2 line=$3
	if [[ $line == "-f "* ]]; then
		printf '%b\n' "${line#-f }" >"$TMP/case.nft"
		ip netns exec "$ns" timeout 20 $nft -f "$TMP/case.nft"
	else
		eval "set -- $line"
		ip netns exec "$ns" timeout 20 $nft "$@"
	fi
}

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	"#"* | "") continue ;;
	esac
	unsupported=0
	[[ $line == "! "* ]] && { unsupported=1; line=${line#! }; }
	run_case "$NS_T" "$bpfw nft" "$line" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ $rc -eq 0 ]; then
		fail "$line" "accepted"
		{
			ip netns exec "$NS_T" "$bpfw" nft flush ruleset
			ip netns exec "$NS_T" "$bpfw" iptables -A INPUT -p udp --dport 53 -j ACCEPT
			ip netns exec "$NS_T" "$bpfw" nft -f "$TMP/base.nft"
		} </dev/null
		fingerprint >"$TMP/base.fp" </dev/null
		continue
	fi
	if [ $rc -ge 124 ] || grep -qE 'Sanitizer|runtime error:' "$TMP/err"; then
		fail "$line" "crashed or hung (exit $rc)"
		continue
	fi
	if ! grep -qE '^([^ ]*:[0-9]+: )?Error: ' "$TMP/err"; then
		fail "$line" "no nft-style message (exit $rc)"
		continue
	fi
	if ! fingerprint </dev/null | cmp -s - "$TMP/base.fp"; then
		fail "$line" "the running rule set changed"
		fingerprint >"$TMP/base.fp" </dev/null
		continue
	fi
	if [ $unsupported = 0 ] && run_case "$NS_O" nft "$line" >/dev/null 2>&1 </dev/null; then
		fail "$line" "the system nft accepts this case: not malformed"
		ip netns exec "$NS_O" nft flush ruleset </dev/null
		ip netns exec "$NS_O" nft -f "$TMP/base.nft" </dev/null
		continue
	fi
	n_pass=$((n_pass + 1))
	[ $verbose = 1 ] && printf 'ok   %s\n' "$line"
done <"$ROOT/tests/badinput/nft.txt"
echo "$n_pass passed, $n_fail failed"
[ $n_fail -eq 0 ]
