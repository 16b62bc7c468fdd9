#!/usr/bin/env bash
# The command lock (bpfw only: the nf_tables iptables takes no lock).
# While another process holds it, a command without -w fails at once with
# exit 4 and iptables' message; -w N waits N seconds, then fails or goes on.
#
#   LOCK_FILE  the lock to hold (default: a private file handed to bpfw
#              through BPFW_LOCK, so that other bpfw commands running on
#              the machine are not blocked; LOCK_FILE=/run/bpfw.lock tests
#              the real one)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
if ipt_is_system; then
	e2e_skip_all "the nf_tables iptables takes no lock; bpfw only"
fi

LOCK_FILE=${LOCK_FILE:-${BPFW_LOCK:-$E2E_TMP/bpfw.lock}}
export BPFW_LOCK="$LOCK_FILE"
MSG_NOWAIT='Another app is currently holding the xtables lock. Perhaps you want to use the -w option?'

holder_pid=
r=
# hold SECONDS: holds the lock in the background for SECONDS (a flock()
# holder with no children, so that killing it frees the lock at once).
hold() {
	local i
	python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
time.sleep(float(sys.argv[2]))
' "$LOCK_FILE" "$1" &
	holder_pid=$!
	E2E_PIDS+=("$holder_pid")
	for ((i = 0; i < 100; i++)); do
		flock -n "$LOCK_FILE" true 2>/dev/null || return 0
		sleep 0.02
	done
	fail "could not take the lock $LOCK_FILE"
	return 1
}

release() {
	kill "$holder_pid" 2>/dev/null
	wait "$holder_pid" 2>/dev/null
}

# timed VAR CMD...: runs CMD, stores "exit-status milliseconds" in VAR and
# its stderr in $E2E_TMP/err.
timed() {
	local var=$1 t0 t1 rc
	shift
	t0=${EPOCHREALTIME/./}
	"$@" >/dev/null 2>"$E2E_TMP/err"
	rc=$?
	t1=${EPOCHREALTIME/./}
	printf -v "$var" '%s %s' "$rc" $(((t1 - t0) / 1000))
}

section "lock file: $LOCK_FILE"
ns_add server || { fail "cannot create the namespace"; e2e_finish; }
ipt_ok server -A INPUT -p tcp --dport 1 -j ACCEPT
assert_ok "a command without contention takes and releases the lock" \
	flock -n "$LOCK_FILE" true

section "held: a command without -w fails at once"
hold 10 || e2e_finish
timed r ipt server -A INPUT -p tcp --dport 2 -j ACCEPT
read -r rc ms <<<"$r"
assert_eq "iptables -A exits 4" 4 "$rc"
assert_eq "with iptables' message" "$MSG_NOWAIT" "$(head -n1 "$E2E_TMP/err")"
if [ "$ms" -lt 900 ]; then pass "without waiting (${ms} ms)"; else fail "waited ${ms} ms"; fi

timed r ipt_restore server /dev/null
read -r rc ms <<<"$r"
assert_eq "iptables-restore without -w exits 4 too" 4 "$rc"

section "held: -w 1 waits one second, then fails"
timed r ipt server -w 1 -A INPUT -p tcp --dport 3 -j ACCEPT
read -r rc ms <<<"$r"
assert_eq "iptables -w 1 -A exits 4" 4 "$rc"
if [ "$ms" -ge 900 ] && [ "$ms" -lt 5000 ]; then
	pass "after waiting about a second (${ms} ms)"
else
	fail "waited ${ms} ms instead of about 1000"
fi
case "$(cat "$E2E_TMP/err")" in
*"Another app is currently holding the xtables lock"*) pass "with the lock message" ;;
*) fail "message: $(cat "$E2E_TMP/err")" ;;
esac
release

assert_eq "neither rule was added" '-A INPUT -p tcp -m tcp --dport 1 -j ACCEPT' \
	"$(ipt server -S INPUT | grep -- '^-A')"

section "held for a second: -w 5 waits and succeeds"
hold 1 || e2e_finish
timed r ipt server -w 5 -A INPUT -p tcp --dport 4 -j ACCEPT
read -r rc ms <<<"$r"
assert_eq "iptables -w 5 -A exits 0" 0 "$rc"
if [ "$ms" -ge 400 ]; then pass "after waiting for the holder (${ms} ms)"; else fail "did not wait (${ms} ms)"; fi
release

section "held for a second: -w without a number waits as long as it takes"
hold 1 || e2e_finish
timed r ipt server -w -A INPUT -p tcp --dport 5 -j ACCEPT
read -r rc ms <<<"$r"
assert_eq "iptables -w -A exits 0" 0 "$rc"
release

assert_eq "both waiting commands added their rule" '-A INPUT -p tcp -m tcp --dport 1 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 4 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 5 -j ACCEPT' "$(ipt server -S INPUT | grep -- '^-A')"

e2e_finish
