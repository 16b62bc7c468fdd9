#!/usr/bin/env bash
# tests/sanitize.sh - the unit and verdict suites, the main end-to-end suites and an
# eighth of the bad inputs once more, on a build with AddressSanitizer
# (leaks included) and UndefinedBehaviorSanitizer.
#
# Sanitizer reports go to files under build/asan/san-logs where the runtime
# allows it, and exit with 99, so that no test can take a report for an
# expected message; the run fails if any report was written to those files
# or to a suite's log, whatever the suites said.  The last line
# is the nested runner's "N passed, N failed", plus one failure for reports.
set -u
cd "$(dirname "$0")/.." || exit 2
build=build/asan
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
logs=$PWD/$build/san-logs

CFLAGS="-O1 -g" make -s -j2 BUILD=$build SAN="$san" tests >"$PWD/build/asan-make.log" 2>&1 || {
	tail -n 30 build/asan-make.log
	echo "0 passed, 1 failed"
	exit 1
}
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="detect_leaks=1:log_path=$logs/asan:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan:exitcode=99"
export LSAN_OPTIONS="log_path=$logs/lsan"

# the end-to-end suites that drive the most C paths, shortened, and every
# 8th bad input: the whole set again under the sanitizers would double the
# run's time
E2E_QUICK=1 BADINPUT_SAMPLE=8 \
E2E_SUITES="test_chains test_persist test_restore_error test_ip6tables test_log test_monitor" \
	tests/run.sh --build $build unit verdict e2e badinput | tee "$logs/../sanitize-run.log" | grep -E '^(OK|FAILED|SKIP) '
summary=$(tail -n 1 "$logs/../sanitize-run.log")
pass=${summary%% passed*}
fail=${summary#*passed, }
fail=${fail%% failed*}
# Reports in their own files, and any that reached a suite's log through a
# child's stderr.
pattern='ERROR: (Address|Leak)Sanitizer|runtime error:'
reports=$(find "$logs" -type f | wc -l)
reports=$((reports + $(grep -lE "$pattern" $build/test-logs/*.log 2>/dev/null | wc -l)))
if [ "$reports" -gt 0 ]; then
	echo "sanitizer reports ($reports):"
	find "$logs" -type f -exec head -n 40 {} +
	grep -hE -A 12 "$pattern" $build/test-logs/*.log | head -n 80
	fail=$((fail + 1))
fi
echo "sanitizer reports: $reports"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
