#!/usr/bin/env bash
# bench/gen-mixed-acl.sh N [SEED]
#
# Prints an iptables-restore file with N rules of a hand-written-looking
# ACL in INPUT: random shapes (source and/or destination prefixes /8-/32,
# protocol tcp, udp or none, source and destination ports exact or ranges),
# ACCEPT and DROP mixed, policy ACCEPT.  The same N and SEED always give the
# same rules.  No rule matches the benchmark's traffic (10.77.0.0/16, UDP
# 40000 -> 9): every rule names an address outside 10.0.0.0/8.
set -euo pipefail
n=${1:?usage: gen-mixed-acl.sh N [SEED]}
seed=${2:-1}
awk -v n="$n" -v seed="$seed" '
function r(a, b) { return a + int(rand() * (b - a + 1)) }
function prefix(   len, a, m) {
	len = r(8, 32)
	a = r(11, 223) * 16777216 + r(0, 255) * 65536 + r(0, 255) * 256 + r(0, 255)
	m = 2 ^ (32 - len)
	a = int(a / m) * m
	return sprintf("%d.%d.%d.%d/%d", int(a / 16777216), int(a / 65536) % 256,
		       int(a / 256) % 256, a % 256, len)
}
function port(   lo) {
	if (rand() < 0.5)
		return r(1, 65535)
	lo = r(1, 60000)
	return lo ":" (lo + r(1, 5000))
}
BEGIN {
	srand(seed)
	print "*filter"
	print ":INPUT ACCEPT [0:0]"
	print ":FORWARD ACCEPT [0:0]"
	print ":OUTPUT ACCEPT [0:0]"
	for (i = 0; i < n; i++) {
		line = "-A INPUT"
		s = rand() < 0.6; d = rand() < 0.6
		if (!s && !d)
			s = 1
		if (s)
			line = line " -s " prefix()
		if (d)
			line = line " -d " prefix()
		p = r(0, 2)
		if (p) {
			proto = p == 1 ? "tcp" : "udp"
			line = line " -p " proto " -m " proto
			if (rand() < 0.3)
				line = line " --sport " port()
			if (rand() < 0.7)
				line = line " --dport " port()
		}
		print line " -j " (rand() < 0.5 ? "ACCEPT" : "DROP")
	}
	print "COMMIT"
}'
