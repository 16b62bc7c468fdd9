# shellcheck shell=bash
# tests/e2e/lib.sh - helpers for the end-to-end tests.
#
# Source it from a test script:   . "$(dirname "$0")/lib.sh"
#
# Every test builds its own network namespaces (named after the test's PID)
# joined by veth pairs, runs the iptables binaries of IPT_DIR inside them
# exactly as a user would, sends real traffic between them and asserts on
# what got through.  Everything is removed on exit, even after a failure or
# an interrupt.
#
#   IPT_DIR   where iptables, iptables-save and iptables-restore live
#             (default: the project's build/; IPT_DIR=/usr/sbin runs the
#             same tests against the system iptables, which must pass too)
#
# Addresses used (only inside the test's own namespaces):
#   10.99.1.0/24  client <-> server (or client <-> router "lan0")
#   10.99.2.0/24  router "wan0" <-> server
#   10.99.3.0/24  client <-> a second server (two-server topology)

set -u

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_ROOT=$(cd "$E2E_LIB_DIR/../.." && pwd)
IPT_DIR=${IPT_DIR:-$PROJECT_ROOT/build}
IPT="$IPT_DIR/iptables"
IPT_SAVE="$IPT_DIR/iptables-save"
IPT_RESTORE="$IPT_DIR/iptables-restore"

E2E_NAME=$(basename "$0" .sh)
E2E_PREFIX="bpfwt$$-"
E2E_PASS=0
E2E_FAIL=0
E2E_SKIP=0
E2E_NAMESPACES=()
E2E_PIDS=()
E2E_TMP=$(mktemp -d "/tmp/bpfw-e2e.XXXXXX")
# Seconds a probe waits before calling a packet dropped, and (longer, as it
# costs nothing when the answer comes) before giving up on an expected answer.
E2E_TIMEOUT=${E2E_TIMEOUT:-1}
E2E_ACCEPT_TIMEOUT=${E2E_ACCEPT_TIMEOUT:-3}
# Upper bound for any one command run inside a namespace.
E2E_CMD_TIMEOUT=${E2E_CMD_TIMEOUT:-10}

e2e_cleanup() {
	local pid ns
	for pid in "${E2E_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${E2E_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "${E2E_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$E2E_TMP"
}
trap e2e_cleanup EXIT
trap 'echo "interrupted"; exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- output

info() { printf '    %s\n' "$*"; }
section() { printf '\n== %s: %s\n' "$E2E_NAME" "$*"; }

pass() {
	E2E_PASS=$((E2E_PASS + 1))
	printf 'PASS  %s\n' "$*"
}

fail() {
	E2E_FAIL=$((E2E_FAIL + 1))
	printf 'FAIL  %s\n' "$*"
}

# Prints the closing line and exits: 0 if nothing failed.
e2e_finish() {
	local line="$E2E_PASS passed, $E2E_FAIL failed"
	[ "$E2E_SKIP" -gt 0 ] && line="$line, $E2E_SKIP skipped"
	echo
	echo "$line"
	[ "$E2E_FAIL" -eq 0 ] && exit 0
	exit 1
}

# Skips the whole test script with a reason.
e2e_skip_all() {
	E2E_SKIP=$((E2E_SKIP + 1))
	printf 'SKIP  %s: %s\n' "$E2E_NAME" "$*"
	e2e_finish
}

# Checks for the tools and binaries every test needs; skips when absent.
e2e_require() {
	local f
	if [ "$(id -u)" != 0 ]; then
		e2e_skip_all "needs root (creates network namespaces)"
	fi
	for f in "$IPT" "$IPT_SAVE" "$IPT_RESTORE"; do
		if [ ! -x "$f" ]; then
			fail "missing binary $f (run make, or set IPT_DIR)"
			e2e_finish
		fi
	done
	for f in ip python3 ping timeout; do
		if ! command -v "$f" >/dev/null 2>&1; then
			fail "missing tool $f (run make deps)"
			e2e_finish
		fi
	done
	echo "$E2E_NAME: iptables from $IPT_DIR"
}

# True when IPT_DIR holds the system iptables (nf_tables), not bpfw.
ipt_is_system() {
	case "$("$IPT" --version 2>/dev/null)" in
	*nf_tables* | *legacy*) return 0 ;;
	esac
	return 1
}

# ------------------------------------------------------------ namespaces

# ns NAME: the full namespace name of a test namespace.
ns() { printf '%s%s' "$E2E_PREFIX" "$1"; }

# ns_add NAME...: creates namespaces with lo up.
ns_add() {
	local n full
	for n in "$@"; do
		full=$(ns "$n")
		ip netns add "$full" || return 1
		E2E_NAMESPACES+=("$full")
		ip -n "$full" link set lo up || return 1
	done
}

# ns_del NAME: removes one namespace now.
ns_del() {
	ip netns del "$(ns "$1")" 2>/dev/null
}

# in_ns NAME CMD...: runs a command inside a namespace, with a time limit.
in_ns() {
	local n=$1
	shift
	ip netns exec "$(ns "$n")" timeout "$E2E_CMD_TIMEOUT" "$@"
}

# ipt NAME ARGS...: iptables inside a namespace (one process per call).
ipt() {
	local n=$1
	shift
	in_ns "$n" "$IPT" "$@"
}

ipt_save() { in_ns "$1" "$IPT_SAVE" "${@:2}"; }

# ipt_restore NAME FILE [ARGS...]: iptables-restore < FILE in a namespace.
ipt_restore() {
	local n=$1 file=$2
	shift 2
	in_ns "$n" "$IPT_RESTORE" "$@" <"$file"
}

# ipt_ok NAME ARGS...: runs iptables and records a failure if it fails.
ipt_ok() {
	local out
	if ! out=$(ipt "$@" 2>&1); then
		fail "iptables ${*:2} in $1: $out"
		return 1
	fi
}

# link NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN: a veth pair between namespaces.
link() {
	local n1=$1 if1=$2 a1=$3 n2=$4 if2=$5 a2=$6
	ip link add "$if1" netns "$(ns "$n1")" type veth peer name "$if2" netns "$(ns "$n2")" || return 1
	ip -n "$(ns "$n1")" addr add "$a1" dev "$if1" || return 1
	ip -n "$(ns "$n2")" addr add "$a2" dev "$if2" || return 1
	ip -n "$(ns "$n1")" link set "$if1" up || return 1
	ip -n "$(ns "$n2")" link set "$if2" up || return 1
}

# topo_pair: namespaces "client" (10.99.1.2, 10.99.1.3) and "server"
# (10.99.1.1) on one veth (client: eth0, server: eth0).
topo_pair() {
	ns_add client server || return 1
	link client eth0 10.99.1.2/24 server eth0 10.99.1.1/24 || return 1
	ip -n "$(ns client)" addr add 10.99.1.3/24 dev eth0 || return 1
}

# topo_routed: client (10.99.1.2) -- lan0 router wan0 -- server (10.99.2.2),
# forwarding on in the router, default routes through it.
topo_routed() {
	ns_add client router server || return 1
	link client eth0 10.99.1.2/24 router lan0 10.99.1.1/24 || return 1
	link router wan0 10.99.2.1/24 server eth0 10.99.2.2/24 || return 1
	ip -n "$(ns client)" route add default via 10.99.1.1 || return 1
	ip -n "$(ns server)" route add default via 10.99.2.1 || return 1
	in_ns router sysctl -qw net.ipv4.ip_forward=1 || return 1
}

# ----------------------------------------------------------------- probes

# The listener: TCP accept-and-close and UDP echo on each port given, for at
# most 120 s.  Writes FILE.ready when every socket is bound.
E2E_LISTENER='
import socket, select, sys, signal
signal.alarm(120)
ready, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
socks = []
for p in ports:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("0.0.0.0", p)); t.listen(64)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", p))
    socks += [t, u]
open(ready, "w").close()
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        if s.type == socket.SOCK_STREAM:
            c, _ = s.accept(); c.close()
        else:
            data, peer = s.recvfrom(2048); s.sendto(data, peer)
'

# listen NAME PORT...: starts a TCP+UDP listener in a namespace.
listen() {
	local n=$1 ready i
	shift
	ready="$E2E_TMP/ready.$n.$RANDOM"
	ip netns exec "$(ns "$n")" python3 -c "$E2E_LISTENER" "$ready" "$@" \
		>"$E2E_TMP/listener.$n.log" 2>&1 &
	E2E_PIDS+=("$!")
	for ((i = 0; i < 100; i++)); do
		[ -e "$ready" ] && return 0
		sleep 0.05
	done
	fail "listener in $n on ports $* did not start: $(cat "$E2E_TMP/listener.$n.log")"
	return 1
}

# Exit status: 0 reached (connected / answered), 1 refused (the packet got
# there but nothing listened), 2 timed out, 3 other error (e.g. EPERM).
E2E_PROBE='
import socket, sys, errno
proto, addr, port, timeout, src = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.settimeout(timeout)
try:
    if src:
        s.bind((src, 0))
    s.connect((addr, port))
    if proto == "udp":
        s.send(b"probe")
        s.recv(2048)
    sys.exit(0)
except ConnectionRefusedError:
    sys.exit(1)
except (socket.timeout, TimeoutError):
    sys.exit(2)
except OSError as e:
    print(e, file=sys.stderr)
    sys.exit(3)
'

# probe NAME tcp|udp ADDR PORT [SRC [TIMEOUT]]: prints reached, refused,
# timeout or error.
probe() {
	local n=$1 proto=$2 addr=$3 port=$4 src=${5:-} t=${6:-$E2E_TIMEOUT} rc
	in_ns "$n" python3 -c "$E2E_PROBE" "$proto" "$addr" "$port" "$t" "$src" 2>/dev/null
	rc=$?
	case $rc in
	0) echo reached ;;
	1) echo refused ;;
	2) echo timeout ;;
	*) echo error ;;
	esac
}

# ping_probe NAME ADDR [TIMEOUT]: prints reached or blocked.
ping_probe() {
	if in_ns "$1" ping -n -q -c 1 -W "${3:-$E2E_TIMEOUT}" "$2" >/dev/null 2>&1; then
		echo reached
	else
		echo blocked
	fi
}

# expect accept|drop NAME tcp|udp|icmp ADDR [PORT [SRC]]
# Sends one probe and records PASS/FAIL.  "drop" means the packet never got
# an answer: a timeout, or a local error such as EPERM when OUTPUT drops it.
expect() {
	local want=$1 n=$2 proto=$3 addr=$4 port=${5:-} src=${6:-} got what t
	t=$E2E_TIMEOUT
	[ "$want" = accept ] && t=$E2E_ACCEPT_TIMEOUT
	if [ "$proto" = icmp ]; then
		got=$(ping_probe "$n" "$addr" "$t")
		what="ping $addr from $n"
	else
		got=$(probe "$n" "$proto" "$addr" "$port" "$src" "$t")
		what="$proto $addr:$port from $n${src:+ ($src)}"
	fi
	case "$want:$got" in
	accept:reached | drop:timeout | drop:error | drop:blocked)
		pass "$what: $want ($got)" ;;
	*)
		fail "$what: expected $want, got $got" ;;
	esac
}

# --------------------------------------------------------------- asserts

# assert_eq DESC EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "      expected:"
		printf '%s\n' "$2" | sed 's/^/        | /'
		echo "      got:"
		printf '%s\n' "$3" | sed 's/^/        | /'
	fi
}

# assert_ok DESC CMD...: the command must succeed.
assert_ok() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc (exit $?): $out"
	fi
}

# assert_fails DESC CMD...: the command must fail (but not crash/time out).
assert_fails() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $rc -lt 128 ]; then
		pass "$desc (exit $rc)"
	else
		fail "$desc: exit $rc: $out"
	fi
}

# normalize_save: iptables-save text without '#' lines and counters.
normalize_save() {
	grep -v '^#' | sed -e 's/ \[[0-9]*:[0-9]*\]$//' -e 's/^\[[0-9]*:[0-9]*\] //'
}
