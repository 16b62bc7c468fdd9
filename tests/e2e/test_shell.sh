#!/usr/bin/env bash
# bpfw shell and bpfw trace.  At a terminal (tmux, in the server namespace):
# tab completion of a chain name, a staged edit shown by diff and not yet
# running, commit seen by a separate iptables -S, abort leaving the running
# rules alone, trace naming the deciding rule, the history file.  As a
# script (commands piped in): a commit, the exit status of a failed command
# (and nothing committed), -k, uncommitted changes at the end, save and
# load, ip6tables and raw lines; bpfw trace on the running rules.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require
ipt_is_system && { info "bpfw only: the shell and trace are bpfw's"; e2e_finish; }
command -v tmux >/dev/null 2>&1 || e2e_skip_all "needs tmux (make deps)"

BPFW="$IPT_DIR/bpfw"
TMUX_SOCK="bpfwt$$"
HIST="$E2E_TMP/history"
export BPFW_HISTORY="$HIST"

tmux_() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
trap 'tmux_ kill-server 2>/dev/null; e2e_cleanup' EXIT

# screen: what the shell's terminal shows now.
screen() { tmux_ capture-pane -p -t sh -S -; }

# wait_screen TEXT [N]: waits up to 5 s for more than N lines holding TEXT on the terminal.
wait_screen() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(screen | grep -cF -- "$1")" -gt "${2:-0}" ] && return 0
		sleep 0.1
	done
	return 1
}

# typed DESC TEXT KEYS...: sends KEYS, then expects a new line holding TEXT on the terminal.
typed() {
	local desc=$1 text=$2 before
	shift 2
	before=$(screen | grep -cF -- "$text")
	[ $# -gt 0 ] && tmux_ send-keys -t sh -- "$@"
	if wait_screen "$text" "$before"; then
		pass "$desc"
	else
		fail "$desc: \"$text\" not on the terminal"
		screen | tail -n 15 | sed 's/^/        | /'
	fi
}

# shell_script NAME [ARGS]: bpfw shell in namespace NAME reading stdin.
shell_script() {
	local n=$1
	shift
	in_ns "$n" "$BPFW" shell "$@"
}

topo_pair || { fail "topology"; e2e_finish; }

section "at a terminal"
tmux_ new-session -d -s sh -x 200 -y 50 \
	"ip netns exec $(ns server) env BPFW_LOCK=${BPFW_LOCK:-} BPFW_HISTORY=$HIST $BPFW shell"
if wait_screen "bpfw>"; then
	pass "the prompt"
else
	fail "the prompt: not on the terminal"
fi
typed "-N stages a chain" "bpfw (1 staged)>" "-N myservices" Enter
typed "tab completes the chain's name" "-A myservices" "-A my" Tab
typed "the rule is staged" "bpfw (2 staged)>" " -p tcp --dport 22 -j ACCEPT" Enter
typed "tab completes a match name" "-m conntrack" "-A INPUT -m conntr" Tab
tmux_ send-keys -t sh C-u
typed "tab completes an interface name" "-A INPUT -i eth0 -p" "-A INPUT -i et" Tab "-p"
tmux_ send-keys -t sh C-u
typed "tab completes a match's options" "-A INPUT -p tcp --dport" "-A INPUT -p tcp --dp" Tab
tmux_ send-keys -t sh C-u
typed "a staged rule is shown by diff" "+-A myservices -p tcp -m tcp --dport 22 -j ACCEPT" \
	"diff" Enter
assert_eq "staged rules are not running" "" "$(ipt server -S | grep myservices)"
typed "a jump to the chain is staged" "bpfw (3 staged)>" "-A INPUT -i eth0 -j myservices" Enter
typed "trace names the staged rule that decides" \
	"ACCEPT by filter myservices rule 1: -A myservices -p tcp -m tcp --dport 22 -j ACCEPT" \
	"trace in eth0 tcp 10.99.1.2:40000 > 10.99.1.1:22" Enter
typed "commit" "Committed 3 change(s)." "commit" Enter
assert_eq "the commit is seen by iptables -S" \
	"-N myservices
-A INPUT -i eth0 -j myservices
-A myservices -p tcp -m tcp --dport 22 -j ACCEPT" "$(ipt server -S | grep -v '^-P')"
expect accept client icmp 10.99.1.1
typed "a policy is staged" "bpfw (1 staged)>" "-P INPUT DROP" Enter
typed "the policy is shown by diff" "+:INPUT DROP [0:0]" "diff" Enter
typed "abort" "Dropped 1 staged change(s)." "abort" Enter
assert_eq "abort leaves the running policy" "-P INPUT ACCEPT" "$(ipt server -S INPUT | head -n 1)"
expect accept client icmp 10.99.1.1
typed "a rule is staged" "bpfw (1 staged)>" "-A INPUT -s 10.99.1.9 -j DROP" Enter
ipt_ok server -A INPUT -s 10.99.1.8 -j DROP
typed "a commit after another command's change applies the staged ones again" \
	"applied to it again" "commit" Enter
assert_eq "both changes run" "-A INPUT -s 10.99.1.8/32 -j DROP
-A INPUT -s 10.99.1.9/32 -j DROP" "$(ipt server -S INPUT | grep 10.99.1)"
typed "an error does not end the shell" "No chain/target/match by that name." \
	"-A nosuch -j DROP" Enter
typed "the shell goes on after it" "bpfw>" Enter
typed "trace --live: the policy decides" "ACCEPT by filter INPUT policy ACCEPT" \
	"trace --live in eth1 udp 10.99.1.2:5 > 10.99.1.1:53" Enter
typed "an nft line is staged" "bpfw (1 staged)>" "add table inet extra" Enter
typed "quit with staged changes asks once" "not committed" "quit" Enter
tmux_ send-keys -t sh "quit" Enter
for ((i = 0; i < 50; i++)); do
	tmux_ has-session -t sh 2>/dev/null || break
	sleep 0.1
done
if tmux_ has-session -t sh 2>/dev/null; then
	fail "the shell ends on quit"
else
	pass "the shell ends on quit"
fi
assert_eq "the history is kept" "-N myservices" "$(grep -x -- "-N myservices" "$HIST" 2>/dev/null)"
assert_eq "the dropped nft table never ran" "" "$(in_ns server "$BPFW" nft list tables 2>&1 |
	grep extra)"

section "as a script"
out=$(printf '%s\n' "-F" "-X" "-A INPUT -p tcp --dport 80 -j ACCEPT" \
	"ip6tables -A INPUT -p tcp --dport 22 -j DROP" "-t raw -A PREROUTING -s 192.0.2.1 -j DROP" \
	"commit" | shell_script server 2>&1)
assert_eq "a script commits (exit 0)" "0" "$?"
assert_eq "its IPv4 rules run" "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT" \
	"$(ipt server -S | grep -- '^-A')"
assert_eq "its IPv6 rules run" "-A INPUT -p tcp -m tcp --dport 22 -j DROP" \
	"$(in_ns server "$IPT_DIR/ip6tables" -S | grep -- '^-A')"
assert_eq "its raw rules run" "-A PREROUTING -s 192.0.2.1/32 -j DROP" \
	"$(ipt server -t raw -S | grep -- '^-A')"
before=$(ipt_save server | normalize_save)

out=$(printf '%s\n' "-A INPUT -j DROP" "-A nosuch -j DROP" "commit" | shell_script server 2>&1)
rc=$?
assert_eq "a failed command ends the script with its status" "1" "$rc"
assert_eq "it names the line" \
	"bpfw shell: stdin line 2: iptables: No chain/target/match by that name." \
	"$(printf '%s\n' "$out" | grep 'line 2')"
assert_eq "nothing was committed" "$before" "$(ipt_save server | normalize_save)"

printf '%s\n' "-A INPUT --bogus" "commit" | shell_script server >/dev/null 2>&1
assert_eq "a parameter problem is status 2" "2" "$?"

out=$(printf '%s\n' "-A nosuch -j DROP" "-A INPUT -s 10.99.1.3 -j DROP" "commit" |
	shell_script server -k 2>&1)
assert_eq "-k goes on and ends with the first failure's status" "1" "$?"
assert_eq "-k: the later commit ran" "-A INPUT -s 10.99.1.3/32 -j DROP" \
	"$(ipt server -S INPUT | grep 10.99.1.3)"

printf '%s\n' "-A INPUT -s 10.99.1.4 -j DROP" | shell_script server >/dev/null 2>&1
assert_eq "changes left uncommitted: status 1" "1" "$?"
assert_eq "and they never ran" "" "$(ipt server -S INPUT | grep 10.99.1.4)"

printf '%s\n' "-P FORWARD DROP" "save $E2E_TMP/saved" "abort" | shell_script server >/dev/null
assert_eq "save writes the staged set" ":FORWARD DROP [0:0]" "$(grep FORWARD "$E2E_TMP/saved")"
out=$(printf '%s\n' "load $E2E_TMP/saved" "diff" "commit" | shell_script server 2>&1)
assert_eq "load stages a restore file" "+:FORWARD DROP [0:0]" \
	"$(printf '%s\n' "$out" | grep '^+.*FORWARD')"
assert_eq "and commits it" "-P FORWARD DROP" "$(ipt server -S FORWARD)"

out=$(printf '%s\n' "add table inet sh" "add set inet sh bad { type ipv4_addr; }" \
	"add element inet sh bad { 192.0.2.7 }" \
	"add chain inet sh in { type filter hook input priority 5; }" \
	"add rule inet sh in ip saddr @bad drop" "add element inet sh bad { 192.0.2.8 }" \
	"commit" "nft delete element inet sh bad { 192.0.2.7 }" "commit" |
	shell_script server 2>&1)
assert_eq "nft set elements are staged and committed (exit 0)" "0" "$?"
assert_eq "the set holds what the script left" "		elements = { 192.0.2.8 }" \
	"$(in_ns server "$BPFW" nft list set inet sh bad | grep elements)"
assert_ok "the table goes" in_ns server "$BPFW" nft delete table inet sh

section "bpfw trace"
out=$(in_ns server "$BPFW" trace in eth0 tcp 10.99.1.3:40000 '>' 10.99.1.1:81 2>&1)
assert_eq "bpfw trace names the running rule that decides" \
	"DROP by filter INPUT rule 2: -A INPUT -s 10.99.1.3/32 -j DROP" \
	"$(printf '%s\n' "$out" | tail -n 1)"
out=$(in_ns server "$BPFW" trace in eth0 tcp 10.99.1.2:40000 '>' 10.99.1.1:80 2>&1)
assert_eq "and the one before it" \
	"ACCEPT by filter INPUT rule 1: -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT" \
	"$(printf '%s\n' "$out" | tail -n 1)"
out=$(in_ns server "$BPFW" trace in eth0 udp 192.0.2.1:5 '>' 10.99.1.1:53 2>&1)
assert_eq "a raw rule at XDP" \
	"DROP by raw PREROUTING rule 1: -A PREROUTING -s 192.0.2.1/32 -j DROP" \
	"$(printf '%s\n' "$out" | tail -n 1)"
out=$(in_ns server "$BPFW" trace in eth0 tcp '[2001:db8::2]:1000' '>' '[::1]:22' 2>&1)
assert_eq "an IPv6 packet" \
	"DROP by ip6 filter INPUT rule 1: -A INPUT -p tcp -m tcp --dport 22 -j DROP" \
	"$(printf '%s\n' "$out" | tail -n 1)"
printf '%s\n' '*filter' ':FORWARD ACCEPT [0:0]' '-A FORWARD -i eth5 -o eth0 -j DROP' 'COMMIT' \
	>"$E2E_TMP/forward.rules"
in_ns server sysctl -qw net.ipv4.ip_forward=1
out=$(in_ns server "$BPFW" trace -r "$E2E_TMP/forward.rules" in eth5 udp 192.0.2.9:5 '>' \
	10.99.1.2:53 2>&1)
assert_eq "a routed packet goes through FORWARD, -o from the route (trace -r FILE)" \
	"DROP by filter FORWARD rule 1: -A FORWARD -i eth5 -o eth0 -j DROP" \
	"$(printf '%s\n' "$out" | tail -n 1)"
assert_fails "a packet without addresses is refused" in_ns server "$BPFW" trace in tcp

e2e_finish
