#!/usr/bin/env bash
# Updates under load: a numbered UDP stream flows from the client to the
# server while about 50 rule-set updates (-A/-D of unrelated rules and
# iptables-restore of a file that still accepts the stream) replace the
# firewall.  The receiver must get every packet: an update never leaves a
# window without rules or with half a rule set.
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
e2e_require

UPDATES=${UPDATES:-50}
[ "${E2E_QUICK:-0}" = 1 ] && UPDATES=20
MIN_SECONDS=3
PORT=5000

# The sender: one datagram per millisecond carrying its sequence number,
# for at least MIN_SECONDS and until the stop file appears (at most 900 s).
SENDER='
import socket, sys, time, os
addr, port, stop, out, min_s = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
start = time.monotonic(); seq = 0
while True:
    now = time.monotonic() - start
    if now > 900 or (now >= min_s and os.path.exists(stop)):
        break
    s.sendto(seq.to_bytes(8, "big"), (addr, port)); seq += 1
    time.sleep(0.001)
open(out, "w").write("%d\n" % seq)
'
# The receiver: counts distinct sequence numbers until the stop file appears
# and nothing arrived for half a second.
RECEIVER='
import socket, sys, os
port, ready, stop, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)   # SO_RCVBUFFORCE
s.bind(("0.0.0.0", port)); s.settimeout(0.5)
open(ready, "w").close()
seen = set()
while True:
    try:
        data = s.recv(64)
        seen.add(int.from_bytes(data[:8], "big"))
    except socket.timeout:
        if os.path.exists(stop):
            break
top = max(seen) + 1 if seen else 0
missing = [i for i in range(top) if i not in seen]
open(out, "w").write("%d %d %s\n" % (len(seen), top, " ".join(map(str, missing[:20]))))
'

section "topology: client 10.99.1.2 -- server 10.99.1.1"
topo_pair || { fail "cannot build the topology"; e2e_finish; }
listen server 22 80 || e2e_finish

cat >"$E2E_TMP/rules" <<RULES
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -p udp -m udp --dport $PORT -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
RULES
# The same stream rule, other rules around it.
cat >"$E2E_TMP/rules2" <<RULES
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:svc - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -s 10.99.0.66/32 -j DROP
-A INPUT -j svc
-A INPUT -p udp -m udp --dport $PORT -j ACCEPT
-A svc -p tcp -m tcp --dport 22 -j ACCEPT
-A svc -p tcp -m tcp --dport 80 -j ACCEPT
-A svc -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
RULES
assert_ok "load the initial rule set" ipt_restore server "$E2E_TMP/rules"
expect accept client icmp 10.99.1.1   # also resolves the neighbour first

stop="$E2E_TMP/stop"
ready="$E2E_TMP/recv.ready"
ip netns exec "$(ns server)" python3 -c "$RECEIVER" "$PORT" "$ready" "$stop" "$E2E_TMP/recv.out" &
recv_pid=$!
E2E_PIDS+=("$recv_pid")
for ((i = 0; i < 100; i++)); do [ -e "$ready" ] && break; sleep 0.05; done
ip netns exec "$(ns client)" python3 -c "$SENDER" 10.99.1.1 "$PORT" "$stop" "$E2E_TMP/send.out" "$MIN_SECONDS" &
send_pid=$!
E2E_PIDS+=("$send_pid")

section "$UPDATES updates while the stream flows"
start=$SECONDS
failed_updates=0
for ((i = 0; i < UPDATES; i++)); do
	case $((i % 5)) in
	0 | 2) ipt server -A INPUT -p tcp --dport $((10000 + i)) -j DROP ;;
	1 | 3) ipt server -D INPUT -p tcp --dport $((10000 + i - 1)) -j DROP ;;
	4) if ((i % 10 == 4)); then
		ipt_restore server "$E2E_TMP/rules2"
	   else
		ipt_restore server "$E2E_TMP/rules"
	   fi ;;
	esac >/dev/null 2>&1 || failed_updates=$((failed_updates + 1))
done
elapsed=$((SECONDS - start))
touch "$stop"
wait "$send_pid"
wait "$recv_pid"
assert_eq "all $UPDATES updates succeeded (${elapsed}s)" 0 "$failed_updates"

sent=$(cat "$E2E_TMP/send.out" 2>/dev/null)
read -r got top missing <"$E2E_TMP/recv.out" || got=0
info "sent ${sent:-?} datagrams, received ${got:-0} distinct"
if [ -n "$sent" ] && [ "$sent" -ge 1000 ] && [ "$got" = "$sent" ] && [ "$top" = "$sent" ]; then
	pass "no datagram lost during the updates ($got of $sent)"
else
	fail "datagrams lost: received ${got:-0} of ${sent:-?}; first missing: ${missing:-none}"
fi

section "the rule set is the last one loaded"
assert_eq "iptables-save after the updates" \
	"$(normalize_save <"$E2E_TMP/rules")" "$(ipt_save server | normalize_save)"
expect accept client tcp 10.99.1.1 22
expect drop client tcp 10.99.1.1 80

e2e_finish
