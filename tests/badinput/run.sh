#!/usr/bin/env bash
# tests/badinput/run.sh - malformed input is refused like iptables refuses it,
# and the running rule set does not move.
#
# Usage: tests/badinput/run.sh [--ipt-dir DIR] [-k PATTERN] [-v]
#
# The corpus: tests/badinput/commands.txt (iptables command lines; those of
# categories marked "R" are also run as one-rule restore files) and
# tests/badinput/restore.txt (whole restore files).  Every case runs in a
# namespace where bpfw holds a rule set of chains, jumps and counters, and
# once more with the system iptables (/usr/sbin) in a namespace with the
# same rule set.  For each case:
#   - exit status, stdout and stderr must be the system's ("(nf_tables)"
#     reads "(bpfw)"), and the system must refuse the case too; cases marked
#     "!" are features bpfw refuses on purpose: any iptables-style message
#     and a non-zero status, the system is not asked;
#   - no crash (a status of 128 or more, or a sanitizer or valgrind report);
#   - bpfw's rule set is byte for byte what it was: `iptables-save -c` and
#     the ids of the BPF programs attached to lo.
#
# BADINPUT_VALGRIND=1 runs bpfw's binaries under valgrind (memcheck, leaks
# definitely lost count as errors); the summary then reports its findings.
# BADINPUT_SAMPLE=K runs only every K-th case (a quick form).
# BADINPUT_JOBS=N (default 2) runs the cases in N shards side by side, each
# with namespaces and a lock of its own; the output is each shard's, then
# the sum.
# The last line is "N passed, N failed", counting cases.

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/tests/badinput"
ORACLE_DIR=/usr/sbin
CMD_TIMEOUT=${CMD_TIMEOUT:-20}
VALGRIND=${BADINPUT_VALGRIND:-0}
SAMPLE=${BADINPUT_SAMPLE:-1}

JOBS=${BADINPUT_JOBS:-2}
SHARD=${BADINPUT_SHARD:-0/1}	# "I/N": this run takes every N-th sampled case from the I-th
ARGS=("$@")

ipt_dir="$ROOT/build"
pattern=""
verbose=0
n_pass=0
n_fail=0
n_vg=0
declare -A per_category=()
TMP=$(mktemp -d /tmp/bpfw-badinput.XXXXXX)
NS_ORACLE="bpfw-bad-o-$$"
NS_TEST="bpfw-bad-t-$$"
# the namespaces are this run's own, and so is bpfw's lock
export BPFW_LOCK=$TMP/bpfw.lock

cleanup() {
	ip netns del "$NS_ORACLE" 2>/dev/null
	ip netns del "$NS_TEST" 2>/dev/null
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
	--ipt-dir) [ $# -ge 2 ] || usage; ipt_dir=$(cd "$2" && pwd) || exit 2; shift ;;
	-k) [ $# -ge 2 ] || usage; pattern=$2; shift ;;
	-v) verbose=1 ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
	shift
done
if [ "$(id -u)" != 0 ]; then
	echo "badinput: needs root (network namespaces)" >&2
	exit 2
fi
if [ "$VALGRIND" = 1 ] && ! command -v valgrind >/dev/null; then
	echo "badinput: valgrind is not installed" >&2
	exit 2
fi
# the shards, each this script again with BADINPUT_SHARD set, and the sum of their counts
if [ -z "${BADINPUT_SHARD:-}" ] && [ "$JOBS" -gt 1 ]; then
	pids=() status=0 tp=0 tf=0
	for ((i = 0; i < JOBS; i++)); do
		BADINPUT_SHARD=$i/$JOBS "$0" "${ARGS[@]}" >"$TMP/shard.$i" 2>&1 &
		pids+=("$!")
	done
	for p in "${pids[@]}"; do
		wait "$p" || status=1
	done
	for ((i = 0; i < JOBS; i++)); do
		sed '$d' "$TMP/shard.$i"
		last=$(tail -n1 "$TMP/shard.$i")
		if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
			tp=$((tp + BASH_REMATCH[1]))
			tf=$((tf + BASH_REMATCH[2]))
		else
			echo "badinput: shard $i ended with: $last"
			tf=$((tf + 1))
		fi
	done
	echo "$tp passed, $tf failed"
	[ $status = 0 ] && [ $tf = 0 ]
	exit
fi
SHARD_I=${SHARD%/*}
SHARD_N=${SHARD#*/}

BASE='*filter
:INPUT DROP [7:700]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [3:300]
:blk - [0:0]
:svc - [0:0]
[1:100] -A INPUT -i lo -j ACCEPT
[2:200] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
[0:0] -A INPUT -j svc
[0:0] -A INPUT -s 10.0.0.0/8 -j blk
[5:500] -A svc -p udp -m udp --dport 53 -j ACCEPT
[0:0] -A svc -p icmp -m icmp --icmp-type 8 -j ACCEPT
[0:0] -A blk -s 10.1.2.3/32 -j DROP
[0:0] -A blk -j RETURN
COMMIT
'
BASE6='*filter
:INPUT DROP [7:700]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [3:300]
:blk6 - [0:0]
[1:100] -A INPUT -i lo -j ACCEPT
[2:200] -A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT
[0:0] -A INPUT -s 2001:db8::/32 -j blk6
[0:0] -A blk6 -s 2001:db8::1/128 -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset
[0:0] -A blk6 -j RETURN
COMMIT
'

# The shell prelude of a case: the tool names call DIR's binaries.
prelude() { # DIR WRAP
	local dir=$1 wrap=$2 t
	for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
		printf '%s() { %s %q "$@"; }\n' "$t" "$wrap" "$dir/$t"
	done
}
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
VG="$VG --show-leak-kinds=definite --suppressions=$HERE/valgrind.supp --log-file=$TMP/vg.%p.log"
prelude "$ORACLE_DIR" "" >"$TMP/oracle.sh"
prelude "$ipt_dir" "$([ "$VALGRIND" = 1 ] && echo "$VG")" >"$TMP/test.sh"

# run NS PRELUDE SCRIPT OUT: runs SCRIPT's commands in NS; OUT.{out,err,rc}.
run() {
	local ns=$1 pre=$2 script=$3 out=$4
	ip netns exec "$ns" timeout -k 5 "$CMD_TIMEOUT" bash -c ". '$pre'; . '$script'" \
		</dev/null >"$out.out" 2>"$out.err"
	echo $? >"$out.rc"
}

# The rule set bpfw runs: its save text with counters and its program ids.
fingerprint() {
	# shellcheck disable=SC2016  # expanded by the inner shell
	ip netns exec "$NS_TEST" sh -c '
		"$1/iptables-save" -c | grep -v "^#"
		"$1/ip6tables-save" -c | grep -v "^#"
		tc filter show dev lo ingress | grep -o " id [0-9]*"
		tc filter show dev lo egress | grep -o " id [0-9]*"' sh "$ipt_dir"
}

load_base() { # NS DIR
	printf '%s' "$BASE" | ip netns exec "$1" "$2/iptables-restore" -c &&
		printf '%s' "$BASE6" | ip netns exec "$1" "$2/ip6tables-restore" -c
}

setup() {
	local ns
	for ns in "$NS_ORACLE" "$NS_TEST"; do
		ip netns add "$ns" || exit 2
		ip -n "$ns" link set lo up
	done
	load_base "$NS_ORACLE" "$ORACLE_DIR" || { echo "badinput: oracle setup failed" >&2; exit 2; }
	load_base "$NS_TEST" "$ipt_dir" || { echo "badinput: setup failed" >&2; exit 2; }
	fingerprint >"$TMP/base.fp"
}

report() { # RESULT NAME [DETAIL FILE...]
	local result=$1 name=$2
	shift 2
	if [ "$result" = ok ]; then
		n_pass=$((n_pass + 1))
		[ $verbose = 1 ] && printf 'ok   %s\n' "$name"
		return
	fi
	n_fail=$((n_fail + 1))
	printf 'FAIL %s: %s\n' "$name" "$1"
	shift
	for f in "$@"; do
		[ -s "$f" ] && sed 's/^/     | /' "$f" | head -n 20
	done
}

# check_case NAME CATEGORY UNSUPPORTED SCRIPT
check_case() {
	local name=$1 cat=$2 unsupported=$3 script=$4 rc vg
	per_category[$cat]=$((${per_category[$cat]:-0} + 1))
	rm -f "$TMP"/vg.*.log
	run "$NS_TEST" "$TMP/test.sh" "$script" "$TMP/t"
	rc=$(cat "$TMP/t.rc")
	vg=$(cat "$TMP"/vg.*.log 2>/dev/null)
	if [ -n "$vg" ]; then
		n_vg=$((n_vg + 1))
		printf '%s\n' "$vg" >"$TMP/vg.txt"
		report fail "$name" "valgrind found errors" "$TMP/vg.txt"
		return
	fi
	if [ "$rc" -ge 124 ] || grep -qE 'Sanitizer|runtime error:' "$TMP/t.err"; then
		report fail "$name" "crashed or hung (exit $rc)" "$TMP/t.err"
		load_base "$NS_TEST" "$ipt_dir" >/dev/null 2>&1
		return
	fi
	if [ "$unsupported" = 0 ]; then
		run "$NS_ORACLE" "$TMP/oracle.sh" "$script" "$TMP/o"
		if [ "$(cat "$TMP/o.rc")" = 0 ]; then
			report fail "$name" "the system iptables accepts this case: not malformed"
			load_base "$NS_ORACLE" "$ORACLE_DIR" >/dev/null 2>&1
			load_base "$NS_TEST" "$ipt_dir" >/dev/null 2>&1
			fingerprint >"$TMP/base.fp"
			return
		fi
	fi
	if ! fingerprint | cmp -s - "$TMP/base.fp"; then
		fingerprint | diff "$TMP/base.fp" - >"$TMP/diff"
		report fail "$name" "the running rule set changed (exit $rc)" "$TMP/diff" "$TMP/t.err"
		load_base "$NS_TEST" "$ipt_dir" >/dev/null 2>&1
		fingerprint >"$TMP/base.fp"
		return
	fi
	if [ "$unsupported" = 1 ]; then
		if [ "$rc" = 0 ] || ! grep -qE '^ip(6)?tables(-restore)? v[0-9.]+ \(bpfw\): ' "$TMP/t.err"; then
			report fail "$name" "not refused with an iptables-style message (exit $rc)" "$TMP/t.err"
			return
		fi
		report ok "$name"
		return
	fi
	sed -i 's/(nf_tables)/(bpfw)/g; s/(legacy)/(bpfw)/g' "$TMP/o.out" "$TMP/o.err"
	# getopt's messages name the program as it was called
	sed -i "s#$ORACLE_DIR/##g" "$TMP/o.out" "$TMP/o.err"
	sed -i "s#$ipt_dir/##g" "$TMP/t.out" "$TMP/t.err"
	if ! cmp -s "$TMP/o.rc" "$TMP/t.rc" || ! cmp -s "$TMP/o.out" "$TMP/t.out" ||
	   ! cmp -s "$TMP/o.err" "$TMP/t.err"; then
		{
			echo "system: exit $(cat "$TMP/o.rc")"
			cat "$TMP/o.out" "$TMP/o.err"
			echo "bpfw: exit $rc"
			cat "$TMP/t.out" "$TMP/t.err"
		} >"$TMP/cmp"
		report fail "$name" "differs from the system iptables" "$TMP/cmp"
		return
	fi
	report ok "$name"
}

# The rule of an "-A ..." command line, as a one-rule restore file of its family.
restore_of() { # COMMAND
	local prog=${1%% *}
	printf "printf '%%s\\\\n' '*filter' %q COMMIT | %s-restore\n" "${1#"$prog" }" "$prog"
}

# A restore.txt line as a command: its content through printf %b.
restore_case() { # LINE
	local line=$1 flags=""
	if [[ $line == @-* ]]; then
		flags=${line%% *}
		flags=${flags#@}
		line=${line#* }
	fi
	line=${line//@LONG/-A INPUT -m comment --comment $(printf 'x%.0s' $(seq 1 102400)) -j DROP}
	printf '%s' "$line" >"$TMP/content"
	printf "printf '%%b' \"\$(cat %q)\" | iptables-restore %s\n" "$TMP/content.$n_case" "$flags"
	cp "$TMP/content" "$TMP/content.$n_case"
}

# Whether case n_case is this run's: in the sample, and in this shard.
take_case() {
	[ $((n_case % SAMPLE)) = 0 ] && [ $((n_case / SAMPLE % SHARD_N)) = "$SHARD_I" ]
}

setup
n_case=0
cat="" restorable=0
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	"## "*)
		cat=${line#\#\# }
		restorable=0
		[[ $cat == *" R" ]] && { restorable=1; cat=${cat% R}; }
		continue ;;
	"#"* | "") continue ;;
	esac
	unsupported=0
	[[ $line == "! "* ]] && { unsupported=1; line=${line#! }; }
	n_case=$((n_case + 1))
	take_case || continue
	if [ -z "$pattern" ] || [[ $line == *"$pattern"* ]]; then
		printf '%s\n' "$line" >"$TMP/case.sh"
		check_case "$line" "$cat" "$unsupported" "$TMP/case.sh"
		if [ $restorable = 1 ] && [[ $line == "iptables -A "* || $line == "ip6tables -A "* ]]; then
			restore_of "$line" >"$TMP/case.sh"
			check_case "restore: ${line#*tables }" "$cat (restore)" 0 "$TMP/case.sh"
		fi
	fi
done <"$HERE/commands.txt"

while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	"## "*) cat="restore: ${line#\#\# }"; continue ;;
	"#"* | "") continue ;;
	esac
	n_case=$((n_case + 1))
	take_case || continue
	if [ -z "$pattern" ] || [[ $line == *"$pattern"* ]]; then
		restore_case "$line" >"$TMP/case.sh"
		check_case "restore file: ${line:0:100}" "$cat" 0 "$TMP/case.sh"
	fi
done <"$HERE/restore.txt"

echo
for c in "${!per_category[@]}"; do
	printf '%5d  %s\n' "${per_category[$c]}" "$c"
done | sort -k2
[ "$VALGRIND" = 1 ] && echo "valgrind: $n_vg cases with errors or definite leaks"
echo "$n_pass passed, $n_fail failed"
[ $n_fail -eq 0 ]
