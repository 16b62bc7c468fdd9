#!/usr/bin/env bash
# A restore that fails changes nothing: files with an error in their last
# rule, without COMMIT, or naming an unknown chain are refused as a whole;
# the running rule set, its listing and the traffic stay as they were.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 80 8080 || e2e_finish

cat >"$E2E_TMP/good" <<'RULES'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:web - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -j web
-A web -p tcp -m tcp --dport 80 -j ACCEPT
COMMIT
RULES

# Each bad file would accept 8080 and drop 22 if it were applied.
bad_head='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 22 -j DROP
-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT'
printf '%s\n%s\nCOMMIT\n' "$bad_head" '-A INPUT -p tcp -m tcp --dport 99999 -j ACCEPT' >"$E2E_TMP/bad-port"
printf '%s\n%s\nCOMMIT\n' "$bad_head" '-A INPUT -p tcp -j nosuchchain' >"$E2E_TMP/bad-target"
printf '%s\n%s\nCOMMIT\n' "$bad_head" '-A nosuchchain -p tcp -j ACCEPT' >"$E2E_TMP/bad-chain"
printf '%s\n%s\nCOMMIT\n' "$bad_head" '-A INPUT -p tcp --bogus-option -j ACCEPT' >"$E2E_TMP/bad-option"
printf '%s\n' "$bad_head" >"$E2E_TMP/no-commit"

assert_ok "load the running rule set" ipt_restore server "$E2E_TMP/good"
before=$(ipt_save server | normalize_save)
before_s=$(ipt server -S)
expect accept client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 80
expect drop client tcp 10.99.1.1 8080

for bad in bad-port bad-target bad-chain bad-option no-commit; do
	section "iptables-restore < $bad"
	assert_fails "restore of $bad fails" ipt_restore server "$E2E_TMP/$bad"
	assert_eq "iptables-save unchanged after $bad" "$before" "$(ipt_save server | normalize_save)"
done
assert_eq "iptables -S unchanged" "$before_s" "$(ipt server -S)"

section "traffic behaves as before"
expect accept client tcp 10.99.1.1 22
expect accept client tcp 10.99.1.1 80
expect drop client tcp 10.99.1.1 8080

section "a failed command changes nothing either"
assert_fails "-A with a bad port" ipt server -A INPUT -p tcp --dport 99999 -j ACCEPT
assert_fails "-A to an unknown chain" ipt server -A nosuch -j ACCEPT
assert_fails "-j to an unknown chain" ipt server -A INPUT -j nosuch
assert_fails "-N of an existing chain" ipt server -N web
assert_eq "iptables-save still unchanged" "$before" "$(ipt_save server | normalize_save)"

e2e_finish
