#!/usr/bin/env bash
# tests/demo.sh (make demo) - bpfw guarding a server, with real traffic.
#
# Builds two network namespaces joined by a veth pair:
#
#   client  10.99.0.2 and 10.99.0.66  <--veth-->  10.99.0.1  server
#
# loads doc/examples/server.rules into the server with
# `ip netns exec SERVER build/iptables-restore`, starts an SSH-like
# listener on 22, a web server on 80 and another listener on 8080, probes
# them from the client, prints the firewall's counters and removes
# everything again (also when interrupted).  Exit status 0 only if every
# probe was accepted or dropped as the rules say.
#
# IPT_DIR=/usr/sbin tests/demo.sh runs the same demo with the system
# iptables.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IPT_DIR=${IPT_DIR:-$ROOT/build}
RULES="$ROOT/doc/examples/server.rules"
CLIENT="bpfw-demo-client-$$"
SERVER="bpfw-demo-server-$$"
TIMEOUT=1
TMP=$(mktemp -d /tmp/bpfw-demo.XXXXXX)
server_pid=
n_ok=0
n_bad=0

cleanup() {
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	ip netns del "$CLIENT" 2>/dev/null
	ip netns del "$SERVER" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo; echo "demo interrupted, cleaning up"; exit 130' INT
trap 'exit 143' TERM

# The servers: a banner on 22 (like sshd), HTTP on 80, a plain listener on
# 8080.  They stop by themselves after 60 s.
SERVERS='
import http.server, socket, socketserver, sys, threading, signal
signal.alarm(60)
class Banner(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"SSH-2.0-bpfw-demo\r\n")
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
socketserver.TCPServer.allow_reuse_address = True
servers = [socketserver.TCPServer(("0.0.0.0", 22), Banner),
           socketserver.TCPServer(("0.0.0.0", 8080), Banner),
           http.server.HTTPServer(("0.0.0.0", 80), Quiet)]
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
open(sys.argv[1], "w").close()
threading.Event().wait()
'

# One TCP probe: connect (from SRC if given), read what the server says.
# Exit 0 and print the first line on success, 2 on timeout, 1 otherwise.
PROBE='
import socket, sys
addr, port, src, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
s = socket.socket(); s.settimeout(timeout)
try:
    if src:
        s.bind((src, 0))
    s.connect((addr, port))
    if port == 80:
        s.sendall(b"GET / HTTP/1.0\r\nHost: server\r\n\r\n")
    print(s.recv(200).decode(errors="replace").splitlines()[0])
except (socket.timeout, TimeoutError):
    sys.exit(2)
except OSError as e:
    print(e); sys.exit(1)
'

say() { printf '%s\n' "$*"; }

die() {
	say "demo: $*" >&2
	exit 1
}

setup() {
	local f ready="$TMP/ready" i
	for f in iptables iptables-restore; do
		[ -x "$IPT_DIR/$f" ] || die "$IPT_DIR/$f is missing: run make first"
	done
	[ "$(id -u)" = 0 ] || die "must run as root (it creates network namespaces)"

	say "== setting up: namespaces $CLIENT and $SERVER"
	ip netns add "$SERVER" || die "cannot create $SERVER"
	ip netns add "$CLIENT" || die "cannot create $CLIENT"
	ip link add eth0 netns "$SERVER" type veth peer name eth0 netns "$CLIENT" ||
		die "cannot create the veth pair"
	ip -n "$SERVER" addr add 10.99.0.1/24 dev eth0
	ip -n "$CLIENT" addr add 10.99.0.2/24 dev eth0
	ip -n "$CLIENT" addr add 10.99.0.66/24 dev eth0
	for f in "$SERVER" "$CLIENT"; do
		ip -n "$f" link set lo up
		ip -n "$f" link set eth0 up
	done
	say "   server 10.99.0.1   client 10.99.0.2 (and 10.99.0.66, the blocked address)"

	ip netns exec "$SERVER" python3 -c "$SERVERS" "$ready" >"$TMP/servers.log" 2>&1 &
	server_pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$ready" ] && break
		sleep 0.05
	done
	[ -e "$ready" ] || die "the servers did not start: $(cat "$TMP/servers.log")"
	say "   servers listening in $SERVER on tcp 22 (ssh banner), 80 (http), 8080"

	say
	say "== loading $(basename "$RULES") into $SERVER:"
	say "   ip netns exec $SERVER $IPT_DIR/iptables-restore < doc/examples/server.rules"
	grep '^-A' "$RULES" | sed 's/^/     /'
	ip netns exec "$SERVER" "$IPT_DIR/iptables-restore" <"$RULES" ||
		die "iptables-restore failed"
}

# report EXPECTED GOT WHAT DETAIL
report() {
	local want=$1 got=$2 what=$3 detail=$4 verdict
	if [ "$want" = "$got" ]; then
		verdict="expected"
		n_ok=$((n_ok + 1))
	else
		verdict="NOT expected (should be $want)"
		n_bad=$((n_bad + 1))
	fi
	printf '   %-9s %-48s %s%s\n' "$got" "$what" "$verdict" "${detail:+  [$detail]}"
}

# tcp_probe EXPECTED PORT NAME [SRC]
tcp_probe() {
	local want=$1 port=$2 name=$3 src=${4:-} out rc got
	out=$(ip netns exec "$CLIENT" timeout 10 python3 -c "$PROBE" 10.99.0.1 "$port" "$src" "$TIMEOUT" 2>&1)
	rc=$?
	case $rc in
	0) got=ACCEPTED ;;
	2) got=DROPPED; out="no answer after ${TIMEOUT}s" ;;
	*) got=ERROR ;;
	esac
	report "$want" "$got" "tcp ${src:-10.99.0.2} -> 10.99.0.1:$port ($name)" "$out"
}

# ping_probe EXPECTED [SRC]
ping_probe() {
	local want=$1 src=${2:-} got args=()
	[ -n "$src" ] && args=(-I "$src")
	if ip netns exec "$CLIENT" ping -n -q -c 1 -W "$TIMEOUT" "${args[@]}" 10.99.0.1 >/dev/null 2>&1; then
		got=ACCEPTED
	else
		got=DROPPED
	fi
	report "$want" "$got" "ping ${src:-10.99.0.2} -> 10.99.0.1" ""
}

probes() {
	say
	say "== probing the server from the client"
	tcp_probe ACCEPTED 22 ssh
	tcp_probe ACCEPTED 80 http
	tcp_probe DROPPED 8080 "not allowed"
	ping_probe ACCEPTED
	tcp_probe DROPPED 22 "blocked address" 10.99.0.66
	ping_probe DROPPED 10.99.0.66
}

counters() {
	say
	say "== ip netns exec $SERVER $IPT_DIR/iptables -t raw -L PREROUTING -n -v"
	ip netns exec "$SERVER" "$IPT_DIR/iptables" -t raw -L PREROUTING -n -v | sed 's/^/   /'
	say
	say "== ip netns exec $SERVER $IPT_DIR/iptables -L -n -v"
	ip netns exec "$SERVER" "$IPT_DIR/iptables" -L -n -v | sed 's/^/   /'
}

main() {
	setup
	probes
	counters
	say
	if [ "$n_bad" -eq 0 ]; then
		say "demo: all $n_ok probes behaved as the rules say"
	else
		say "demo: $n_bad of $((n_ok + n_bad)) probes did NOT behave as the rules say"
	fi
	say "$n_ok passed, $n_bad failed"
	[ "$n_bad" -eq 0 ]
}

main
