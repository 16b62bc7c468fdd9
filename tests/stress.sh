#!/usr/bin/env bash
# tests/stress.sh - the long forms of the fault, load and leak tests
# (make stress).  Each suite is the one `make check` runs, with larger
# numbers; their figures go to build/test-logs/stress-*.log and the last line
# is "N passed, N failed", counting suites.
#
# Environment (defaults in brackets): STRESS_FAULT_ROUNDS [100] restores of
# STRESS_FAULT_RULES [20000] rules killed at random points, STRESS_CYCLES
# [1000] update cycles checked for leaks, STRESS_PARALLEL [64] concurrent
# appends, STRESS_UPDATES [1000] updates under a numbered UDP stream.
set -u
cd "$(dirname "$0")/.." || exit 2
logs=build/test-logs
mkdir -p "$logs"
pass=0 fail=0

# suite NAME ENV... -- SCRIPT: one long suite with its figures.
suite() {
	local name=$1 log=$logs/stress-$1.log t0=$SECONDS envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	printf '>>>    %s (%s)\n' "$name" "${envs[*]}"
	if env "${envs[@]}" timeout -k 10 3600 bash "$@" >"$log" 2>&1; then
		pass=$((pass + 1))
		printf 'OK     %s (%ds): %s\n' "$name" $((SECONDS - t0)) "$(tail -n 1 "$log")"
	else
		fail=$((fail + 1))
		printf 'FAILED %s (%ds): %s\n' "$name" $((SECONDS - t0)) "$(tail -n 1 "$log")"
		grep -E '^FAIL' "$log" | head -n 20 | sed 's/^/  | /'
	fi
	grep -E '^    ' "$log" | sed 's/^    /       /'
}

suite faults FAULT_ROUNDS="${STRESS_FAULT_ROUNDS:-100}" FAULT_RULES="${STRESS_FAULT_RULES:-20000}" \
	-- tests/e2e/test_faults.sh
suite load LOAD_CYCLES="${STRESS_CYCLES:-1000}" LOAD_PARALLEL="${STRESS_PARALLEL:-64}" \
	-- tests/e2e/test_load.sh
suite update-traffic UPDATES="${STRESS_UPDATES:-1000}" -- tests/e2e/test_update_traffic.sh
if [ -x tests/badinput/run.sh ]; then
	suite badinput-valgrind BADINPUT_VALGRIND=1 -- tests/badinput/run.sh
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
