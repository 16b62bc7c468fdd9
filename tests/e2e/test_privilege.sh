#!/usr/bin/env bash
# Privilege: without root every command that touches rules fails with
# iptables' message and exit status 4, changing nothing; -V and -h work.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
command -v setpriv >/dev/null || { info "setpriv missing: skipped"; e2e_finish; }

section "namespace: server, with one rule"
ns_add server || { fail "cannot create the namespace"; e2e_finish; }
ipt_ok server -A INPUT -s 192.0.2.1 -j DROP
before=$(ipt server -S)

nobody() { in_ns server setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

section "as nobody"
if ! nobody "$IPT" -V >/dev/null 2>&1; then
	info "nobody cannot run $IPT here (a private directory): skipped"
	e2e_finish
fi
for cmd in "$IPT -A INPUT -j DROP" "$IPT -L" "$IPT -F" "$IPT_SAVE"; do
	# shellcheck disable=SC2086  # the command's words
	out=$(nobody $cmd 2>&1)
	rc=$?
	assert_eq "'${cmd##*/}' exits 4" 4 "$rc"
	case "$out" in
	*"Permission denied (you must be root)"*) pass "'${cmd##*/}' says why" ;;
	*) fail "'${cmd##*/}' said: $out" ;;
	esac
done
out=$(printf '*filter\nCOMMIT\n' | nobody "$IPT_RESTORE" 2>&1)
assert_eq "iptables-restore exits 4" 4 "$?"
assert_ok "iptables -V works" nobody "$IPT" -V
assert_ok "iptables -h works" nobody "$IPT" -h
assert_eq "the rules did not change" "$before" "$(ipt server -S)"

e2e_finish
