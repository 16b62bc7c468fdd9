#!/usr/bin/env bash
# tests/run.sh - run bpfw's test suites and count them.
#
# Usage: tests/run.sh [--quick] [-v] [--build DIR] [GROUP...]
#
#   GROUP        unit, verdict, e2e (with the demo), parity, badinput,
#                conformance, clients, fuzz, sanitize (default: all, in that
#                order)
#   --quick      unit, verdict and e2e only (unless groups are named), with
#                shorter end-to-end tests (E2E_QUICK=1)
#   -v           stream every suite's output instead of showing a log's
#                tail on failure
#   --build DIR  test the binaries built in DIR (default build/)
#
# A suite is one test binary or script.  Each one's output goes to
# build/test-logs/<suite>.log; a failing suite's FAIL lines and the end of
# its log are shown.  The last line is "N passed, N failed" counting suites;
# the exit status is 1 if any suite failed.
#
# Environment: IPT_DIR (iptables binaries for e2e, default build/),
# SUITE_TIMEOUT (seconds one suite may run, default 300).

set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD="$ROOT/build"
SUITE_TIMEOUT=${SUITE_TIMEOUT:-300}

quick=0
verbose=0
groups=()
n_pass=0
n_fail=0
n_skip=0
failed_names=()

usage() {
	sed -n '2,20s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--quick | -q) quick=1 ;;
	-v | --verbose) verbose=1 ;;
	-h | --help) usage ;;
	--build)
		[ $# -ge 2 ] || usage
		BUILD=$(cd "$2" && pwd) || exit 2
		export IPT_DIR=$BUILD
		shift ;;
	unit | verdict | e2e | parity | badinput | conformance | clients | fuzz | sanitize)
		groups+=("$1") ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done
if [ ${#groups[@]} -eq 0 ]; then
	if [ $quick = 1 ]; then
		groups=(unit verdict e2e)
	else
		groups=(unit verdict e2e parity badinput conformance clients fuzz sanitize)
	fi
fi
LOGDIR="$BUILD/test-logs"
if [ $quick = 1 ]; then
	export E2E_QUICK=1
fi

is_root() { [ "$(id -u)" = 0 ]; }

note() { printf -- '-- %s\n' "$*"; }

# skip NAME REASON
skip() {
	n_skip=$((n_skip + 1))
	printf 'SKIP   %s: %s\n' "$1" "$2"
}

# run_suite NAME CMD...: runs one suite with a time limit and counts it.
run_suite() {
	local name=$1 log rc t0 last
	shift
	log="$LOGDIR/${name//\//_}.log"
	t0=$SECONDS
	printf '\n>>>    %s\n' "$name"
	if [ $verbose = 1 ]; then
		timeout -k 10 "$SUITE_TIMEOUT" "$@" </dev/null 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		timeout -k 10 "$SUITE_TIMEOUT" "$@" </dev/null >"$log" 2>&1
		rc=$?
	fi
	last=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ -z "$last" ]; then
		# CUnit's run summary: "tests  TOTAL RAN PASSED FAILED INACTIVE"
		last=$(awk '$1 == "tests" && NF >= 5 { print $4 " passed, " $5 " failed" }' "$log" | tail -n1)
	fi
	if [ "$rc" -eq 0 ]; then
		case "$last" in
		"0 passed, 0 failed, "*skipped*)
			skip "$name" "$(sed -n 's/^SKIP *//p' "$log" | head -n1)"
			return 0 ;;
		esac
		n_pass=$((n_pass + 1))
		printf 'OK     %s (%ds)%s\n' "$name" $((SECONDS - t0)) "${last:+: $last}"
		return 0
	fi
	n_fail=$((n_fail + 1))
	failed_names+=("$name")
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		printf 'FAILED %s: timed out after %ss\n' "$name" "$SUITE_TIMEOUT"
	else
		printf 'FAILED %s (exit %d, %ds)%s\n' "$name" "$rc" $((SECONDS - t0)) "${last:+: $last}"
	fi
	if [ $verbose = 0 ]; then
		echo "------ failures in $log:"
		grep -E '^(FAIL|not ok)|FAILED|Assertion|assert|[Ee]rror' "$log" | head -n 30 | sed 's/^/  | /'
		echo "------ end of $log:"
		tail -n 25 "$log" | sed 's/^/  | /'
	fi
	return 0
}

# run_binaries GROUP: every build/tests/GROUP/test_* binary.
run_binaries() {
	local group=$1 dir="$BUILD/tests/$1" bin found=0
	if [ "$group" = verdict ] && ! is_root; then
		skip verdict "needs root (loads BPF programs)"
		return
	fi
	for bin in "$dir"/test_*; do
		if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
			continue
		fi
		found=1
		# CUnit mains return non-zero when a test failed.
		run_suite "$group/$(basename "$bin")" "$bin"
	done
	if [ $found = 0 ]; then
		if compgen -G "$ROOT/tests/$group/test_*.c" >/dev/null; then
			n_fail=$((n_fail + 1))
			failed_names+=("$group (not built)")
			printf 'FAILED %s: tests/%s/test_*.c exist but nothing is built in %s (run make tests)\n' \
				"$group" "$group" "$dir"
		else
			note "no $group tests yet"
		fi
	fi
}

run_e2e() {
	local t name
	for t in "$ROOT"/tests/e2e/test_*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		# E2E_SUITES="test_a test_b": only those (the sanitizer run's choice)
		if [ -n "${E2E_SUITES:-}" ] && [[ " $E2E_SUITES " != *" $name "* ]]; then
			continue
		fi
		run_suite "e2e/$name" bash "$t"
	done
	[ -n "${E2E_SUITES:-}" ] || run_suite e2e/demo bash "$ROOT/tests/demo.sh"
}

run_parity() {
	if [ -f "$ROOT/tests/parity/run.sh" ]; then
		run_suite parity bash "$ROOT/tests/parity/run.sh"
	else
		skip parity "tests/parity/run.sh is not there yet"
	fi
}

run_fuzz() {
	run_suite fuzz-regressions bash "$ROOT/tests/fuzz/run.sh" --regressions
}

run_badinput() {
	run_suite badinput bash "$ROOT/tests/badinput/run.sh" --ipt-dir "$BUILD"
	run_suite badinput-nft bash "$ROOT/tests/badinput/nft.sh" --bpfw "$BUILD/bpfw"
	# the quick form of the valgrind run of make stress: every 24th case
	if [ -n "${ASAN_OPTIONS:-}" ]; then
		skip badinput-valgrind "a sanitizer build does not run under valgrind"
	elif command -v valgrind >/dev/null; then
		BADINPUT_VALGRIND=1 BADINPUT_SAMPLE=24 run_suite badinput-valgrind \
			bash "$ROOT/tests/badinput/run.sh" --ipt-dir "$BUILD"
	else
		skip badinput-valgrind "valgrind is not installed (make deps)"
	fi
}

run_sanitize() {
	# a second build and a nested run: more time than one suite
	SUITE_TIMEOUT=$((SUITE_TIMEOUT * 2)) run_suite sanitize bash "$ROOT/tests/sanitize.sh"
}

run_conformance() {
	run_suite conformance bash "$ROOT/tests/conformance.sh"
	run_suite conformance-nft bash "$ROOT/tests/conformance-nft.sh"
}

# The real clients recorded in ../shared/clients: every iptables call of ufw
# and fail2ban replayed with its exit status and rule sets, and ufw itself
# run with real traffic.
run_clients() {
	local dir="$ROOT/../shared/clients" ipt=${IPT_DIR:-$ROOT/build}

	if [ ! -d "$dir" ]; then
		skip clients "no ../shared/clients"
		return
	fi
	run_suite clients-replay bash "$dir/replay.sh" --ipt-dir "$ipt" --quiet
	if command -v ufw >/dev/null; then
		run_suite clients-ufw bash "$dir/ufw-e2e.sh" --ipt-dir "$ipt"
	else
		skip clients-ufw "ufw is not installed (make deps installs it)"
	fi
}

main() {
	local g start=$SECONDS
	mkdir -p "$LOGDIR"
	cd "$ROOT" || exit 1
	echo "bpfw tests: ${groups[*]}$([ $quick = 1 ] && echo ' (quick)'), logs in $LOGDIR"
	for g in "${groups[@]}"; do
		printf '\n===== %s\n' "$g"
		case "$g" in
		unit | verdict) run_binaries "$g" ;;
		e2e) run_e2e ;;
		parity) run_parity ;;
		badinput) run_badinput ;;
		conformance) run_conformance ;;
		clients) run_clients ;;
		fuzz) run_fuzz ;;
		sanitize) run_sanitize ;;
		esac
	done
	echo
	echo "===== summary ($((SECONDS - start))s)"
	[ $n_skip -gt 0 ] && echo "$n_skip suite(s) skipped"
	for g in "${failed_names[@]}"; do
		echo "failed: $g"
	done
	echo "$n_pass passed, $n_fail failed"
	[ $n_fail -eq 0 ]
}

main
