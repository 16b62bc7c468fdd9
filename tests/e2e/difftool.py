#!/usr/bin/env python3
"""Differential traffic test of bpfw against the kernel's iptables.

Random rule sets (seeded) are loaded with iptables-restore into bpfw in one
network namespace and into the kernel's iptables in another; the same
generated frames are written to both (AF_PACKET in the sender namespace);
raw IP sockets in each namespace record the ids of the packets delivered
after INPUT.  Per round the delivered ids, and the counters the round
moved (iptables-save -c), must be the same on both sides.  Some rounds are
stateful: state and recent matches, and packets that are flows, answered
by the receiving host.  A difference is reduced to the fewest rules,
options and packets that still show it.

Run by tests/e2e/test_differential.sh inside the sender namespace:

  difftool.py run --ref NS --bpfw NS --ref-dir DIR --bpfw-dir DIR
                  --seed S [--rounds N] [--packets N] [--round R]
                  [--family 4|6] [--ref-kind legacy|nft] [--coverage]
                  [--known ct,frags,addrtype6,frags4,rttl0|all]
                  [--rules FILE --send SPEC...]
  difftool.py show --seed S [--round R] [--family 4|6]

Prints "PASS text", "FAIL text" and indented detail lines.
"""

import argparse
import ctypes
import ipaddress
import json
import os
import random
import re
import select
import socket
import struct
import subprocess
import sys
import time

CLONE_NEWNET = 0x40000000
MAGIC = b"BPFWDIFF"
SENTINEL_ID = 0xFFFFFFFF
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
SND_MAC = bytes.fromhex("020000000b01")
RCV_MAC = bytes.fromhex("020000000b02")

_libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
	fd = os.open(path, os.O_RDONLY)
	try:
		if _libc.setns(fd, CLONE_NEWNET) != 0:
			err = ctypes.get_errno()
			raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
	finally:
		os.close(fd)


def csum(data):
	if len(data) % 2:
		data += b"\0"
	s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
	while s >> 16:
		s = (s & 0xFFFF) + (s >> 16)
	return ~s & 0xFFFF


# ------------------------------------------------------------------ families

class Fam4:
	"""IPv4: pools of addresses, ports and values the rules and packets share."""
	v = 4
	bits = 32
	ethertype = ETH_P_IP
	icmp_proto = 1
	icmp_name = "icmp"
	tool = "iptables"
	# sources: several small networks (never local, never martian)
	src_nets = ["10.1.0.0/22", "10.2.7.0/24", "172.16.0.0/23", "192.168.7.0/24",
		    "198.51.100.0/25", "203.0.113.0/26", "100.64.1.0/24"]
	# destinations local to both receivers (eth0 10.250.0.2/24 and
	# 10.200.0.1-6/24, 10.201.0.1 on lo), and broadcasts seldom
	dst_local = ["10.250.0.2", "10.200.0.1", "10.200.0.2", "10.200.0.3", "10.200.0.4",
		     "10.200.0.5", "10.200.0.6", "10.201.0.1"]
	dst_bcast = ["10.200.0.255", "255.255.255.255"]
	dst_rule_extra = ["10.200.0.9", "10.200.0.0/29", "10.200.0.4/30", "10.200.0.0/24",
			  "10.201.0.0/16", "10.250.0.0/24", "10.0.0.0/8"]
	# never a source: local and martian space
	no_src = ["10.200.0.0/16", "10.201.0.0/16", "10.250.0.0/15", "0.0.0.0/8",
		  "127.0.0.0/8", "224.0.0.0/3"]
	sentinel_src = "10.251.0.1"
	sentinel_dst = "10.250.0.2"
	protos = [6, 17, 1, 47, 253]
	icmp_types = [(0, 0), (3, 0), (3, 1), (3, 3), (3, 4), (3, 13), (4, 0), (8, 0), (11, 0),
		      (11, 1), (12, 0), (13, 0), (14, 0), (17, 0), (30, 0), (200, 7)]
	icmp_rule_types = ["echo-request", "echo-reply", "destination-unreachable",
			   "port-unreachable", "host-unreachable", "time-exceeded",
			   "ttl-zero-during-transit", "parameter-problem", "timestamp-request",
			   "source-quench", "any", "8", "0", "3", "3/3", "3/1", "11/1", "13",
			   "30", "200", "200/7"]
	hop = "ttl"
	# the kinds of lookup of runs bpfw makes for this family
	lookups = ("hash run", "lpm run", "classified")

	@staticmethod
	def host_str(a):
		return str(ipaddress.IPv4Address(a))

	@staticmethod
	def pack(a):
		return ipaddress.IPv4Address(a).packed


class Fam6:
	v = 6
	bits = 128
	ethertype = ETH_P_IPV6
	icmp_proto = 58
	icmp_name = "icmpv6"
	tool = "ip6tables"
	src_nets = ["2001:db8:1::/118", "2001:db8:2:7::/120", "fd00:16::/119",
		    "2001:db8:c0a8:700::/120", "3fff:100::/121", "2a00:1450:4001::/122"]
	dst_local = ["2001:db8:250::2", "2001:db8:200::1", "2001:db8:200::2", "2001:db8:200::3",
		     "2001:db8:200::4", "2001:db8:200::5", "2001:db8:200::6", "2001:db8:201::1"]
	dst_bcast = []
	dst_rule_extra = ["2001:db8:200::9", "2001:db8:200::/125", "2001:db8:200::4/126",
			  "2001:db8:200::/64", "2001:db8:201::/48", "2001:db8:250::/64",
			  "2001:db8::/32"]
	no_src = ["2001:db8:200::/48", "2001:db8:201::/48", "2001:db8:250::/47", "::/8",
		  "ff00::/8", "fe80::/10"]
	sentinel_src = "2001:db8:251::1"
	sentinel_dst = "2001:db8:250::2"
	protos = [6, 17, 58, 47, 253]
	# no neighbour discovery (133-137) nor MLD (130-132, 143)
	icmp_types = [(1, 0), (1, 3), (1, 4), (2, 0), (3, 0), (3, 1), (4, 0), (4, 1), (128, 0),
		      (129, 0), (139, 0), (200, 7)]
	icmp_rule_types = ["echo-request", "echo-reply", "destination-unreachable",
			   "port-unreachable", "address-unreachable", "time-exceeded",
			   "ttl-zero-during-transit", "parameter-problem", "packet-too-big",
			   "128", "129", "1", "1/3", "3/1", "4", "200", "200/7"]
	hop = "hl"
	lookups = ("hash run", "lpm run")

	@staticmethod
	def host_str(a):
		return str(ipaddress.IPv6Address(a))

	@staticmethod
	def pack(a):
		return ipaddress.IPv6Address(a).packed


# ------------------------------------------------------------------ rules

TCP_FLAGS = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"]
FLAG_BITS = {"FIN": 1, "SYN": 2, "RST": 4, "PSH": 8, "ACK": 16, "URG": 32}
PORTS = [0, 1, 22, 53, 80, 123, 443, 1023, 1024, 3306, 5000, 8080, 8443, 32768, 65535]


class Gen:
	"""Draws one rule set and the packets sent through it."""

	def __init__(self, fam, rng, skip=(), ct_share=0.35, known=()):
		self.f = fam
		self.r = rng
		self.skip = set(skip)	# what bpfw cannot compile for this family yet
		# a stateful round: state matches, and packets that are flows
		self.ct = "conntrack" not in self.skip and rng.random() < ct_share
		# some stateful rounds use recent lists too (a state of their own)
		self.recent = self.ct and "recent" not in self.skip and rng.random() < 0.4
		self.recent_masks = {}
		self.tcp_seen = set()
		self.flows = []
		# what bpfw is known to decide otherwise, drawn only with --known:
		# "ct": TCP other than a connection's first SYN, echo replies from
		# outside, ICMP errors quoting what this host received, ICMP types
		# that are neither queries nor errors; "frags": IPv6 fragments with
		# an extension header after the fragment header, or a first fragment
		# that ends inside the transport header; "addrtype6": IPv6
		# --src/--dst-type UNICAST (the kernel's local addresses are UNICAST
		# and LOCAL, bpfw's LOCAL only); "frags4": IPv4 fragments (INPUT of
		# netfilter sees the reassembled datagram, bpfw each fragment);
		# "rttl0": packets with a TTL of 0 where recent lists are kept
		# (xt_recent --rttl matches any TTL for them)
		self.ct_all = "ct" in known
		self.odd_frags = "frags" in known
		self.addrtype6 = "addrtype6" in known
		self.frags4 = "frags4" in known
		self.rttl0 = "rttl0" in known
		self.ct_errors = True
		self.srcs = []
		for n in fam.src_nets:
			net = ipaddress.ip_network(n)
			hosts = [int(net.network_address) + rng.randrange(net.num_addresses)
				 for _ in range(8)]
			self.srcs += hosts
		self.srcs = sorted(set(self.srcs))
		self.no_src = [ipaddress.ip_network(n) for n in fam.no_src]
		self.ports = list(PORTS) + [rng.randrange(1, 65536) for _ in range(5)]
		# what the rules name, for packets to hit and miss by one
		self.hint_src = []
		self.hint_port = []
		self.hint_len = []
		self.hint_ttl = []

	# -- values
	def ok_src(self, a):
		ip = ipaddress.IPv4Address(a) if self.f.v == 4 else ipaddress.IPv6Address(a)
		return not any(ip in n for n in self.no_src)

	def host(self):
		return self.r.choice(self.srcs)

	def prefix(self):
		a = self.host()
		if self.f.v == 4:
			ln = self.r.choice([8, 12, 16, 20, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32])
		else:
			ln = self.r.choice([16, 32, 48, 64, 96, 112, 116, 118, 120, 122, 124, 126, 127, 128])
		mask = ((1 << self.f.bits) - 1) ^ ((1 << (self.f.bits - ln)) - 1)
		return a & mask, ln

	def addr_text(self, a, ln):
		return "%s/%d" % (self.f.host_str(a), ln)

	def src_spec(self, host_only=False, plen_ok=True):
		if host_only or not plen_ok or self.r.random() < 0.5:
			a, ln = self.host(), self.f.bits
		else:
			a, ln = self.prefix()
		self.hint_src.append((a, ln))
		return self.addr_text(a, ln)

	def dst_spec(self):
		if self.r.random() < 0.7:
			return self.r.choice(self.f.dst_local)
		return self.r.choice(self.f.dst_rule_extra)

	def port(self):
		p = self.r.choice(self.ports)
		self.hint_port.append(p)
		return p

	def port_spec(self):
		x = self.r.random()
		if x < 0.6:
			return str(self.port())
		a, b = sorted((self.port(), self.port()))
		if x < 0.7:
			return ":%d" % b
		if x < 0.8:
			return "%d:" % a
		return "%d:%d" % (a, b)

	def neg(self, p=0.15):
		return "! " if self.r.random() < p else ""

	# -- matches
	def m_ports(self, proto):
		out = []
		for p, opt in ((0.4, "--sport"), (0.7, "--dport")):
			if self.r.random() < p:
				spec, neg = self.port_spec(), self.neg()
				# iptables-nft 1.8.9 loses the ! of a range of every port
				if spec in ("0:", ":65535", "0:65535"):
					neg = ""
				out.append("%s%s %s" % (neg, opt, spec))
		return out

	def m_tcp(self):
		out = self.m_ports("tcp")
		x = self.r.random()
		if x < 0.15:
			out.append(self.neg(0.3) + "--syn")
		elif x < 0.3:
			mask = [f for f in TCP_FLAGS if self.r.random() < 0.5] or ["SYN"]
			comp = [f for f in mask if self.r.random() < 0.4]
			if self.r.random() < 0.1:
				mask = ["ALL"]
			out.append("%s--tcp-flags %s %s" % (self.neg(), ",".join(mask),
							  ",".join(comp) or "NONE"))
		return out

	def m_multiport(self):
		items, n = [], 0
		while n < self.r.randint(1, 14):
			if self.r.random() < 0.3 and n < 13:
				a, b = sorted((self.port(), self.port()))
				if a == b:
					a, b = (a - 1, a) if a else (0, 1)
				items.append("%d:%d" % (a, b))
				n += 2
			else:
				items.append(str(self.port()))
				n += 1
		opt = self.r.choice(["--sports", "--dports", "--dports", "--ports"])
		return "-m multiport %s%s %s" % (self.neg(), opt, ",".join(items))

	def m_icmp(self):
		t = self.r.choice(self.f.icmp_rule_types)
		if self.f.v == 4:
			return "-m icmp %s--icmp-type %s" % (self.neg(), t)
		return "-m icmp6 %s--icmpv6-type %s" % (self.neg(), t)

	def m_length(self):
		a = self.r.choice([20, 28, 40, 41, 48, 52, 60, 64, 100, 128, 200, 576, 1000, 1400])
		if self.f.v == 6:
			a += 20
		self.hint_len.append(a)
		if self.r.random() < 0.4:
			return "-m length %s--length %d" % (self.neg(), a)
		b = a + self.r.choice([0, 1, 20, 100, 500])
		self.hint_len.append(b)
		return "-m length %s--length %d:%d" % (self.neg(), a, b)

	def m_ttl(self):
		v = self.r.choice([0, 1, 2, 32, 63, 64, 65, 128, 254, 255])
		self.hint_ttl.append(v)
		if self.f.v == 4:
			x = self.r.random()
			if x < 0.4:
				return "-m ttl %s--ttl-eq %d" % (self.neg(0.3), v)
			if x < 0.7:
				return "-m ttl --ttl-lt %d" % v
			return "-m ttl --ttl-gt %d" % v
		op = self.r.choice(["--hl-eq", "--hl-lt", "--hl-gt"])
		return "-m hl %s%s %d" % (self.neg(0.3) if op == "--hl-eq" else "", op, v)

	def m_iprange(self):
		a, b = sorted((self.host(), self.host()))
		if self.r.random() < 0.3:
			b = a + self.r.randint(0, 40)
		self.hint_src.append((a, self.f.bits))
		self.hint_src.append((b, self.f.bits))
		rng = "%s-%s" % (self.f.host_str(a), self.f.host_str(b))
		if self.r.random() < 0.7:
			return "-m iprange %s--src-range %s" % (self.neg(), rng)
		d = sorted(self.r.sample(self.f.dst_local, 2), key=lambda s: ipaddress.ip_address(s))
		return "-m iprange %s--dst-range %s-%s" % (self.neg(), d[0], d[1])

	def m_comment(self):
		return '-m comment --comment "%s"' % self.r.choice(
			["ssh", "blocklist entry", "web-01", "x", "allow dns", "rule %d" % self.r.randint(1, 999)])

	def m_state(self):
		states = ["NEW", "ESTABLISHED", "RELATED", "INVALID"]
		pick = sorted(self.r.sample(states, self.r.choice([1, 1, 1, 2])), key=states.index)
		if self.r.random() < 0.6:
			return "-m conntrack %s--ctstate %s" % (self.neg(0.2), ",".join(pick))
		return "-m state %s--state %s" % (self.neg(0.2), ",".join(pick))

	def m_recent(self):
		"""recent lists (A, B) of sources or destinations, set and checked."""
		r = self.r
		lst = r.choice(["A", "B", "DEFAULT"])
		name = "--name %s " % lst if lst != "DEFAULT" or r.random() < 0.5 else ""
		side = r.choice(["", "", "--rsource ", "--rdest "])
		# one mask per list: xt_recent applies the mask of the rule that
		# made the list to every rule that names it (bpfw: each rule's own)
		if lst not in self.recent_masks:
			self.recent_masks[lst] = ""
			if r.random() < 0.4:
				self.recent_masks[lst] = "--mask %s " % (
					r.choice(["255.255.255.0", "255.255.0.0", "255.255.255.252"])
					if self.f.v == 4 else r.choice(["ffff:ffff:ffff:ffff::", "ffff:ffff::"]))
		mask = self.recent_masks[lst]
		x = r.random()
		if x < 0.35:
			cmd = "--set"
		elif x < 0.45:
			cmd = "--remove"
		else:
			cmd = r.choice(["--rcheck", "--update"])
			if r.random() < 0.8:
				cmd += " --seconds %d" % r.choice([5, 60, 3600])
				if r.random() < 0.3:
					cmd += " --reap"
			if r.random() < 0.6:
				cmd += " --hitcount %d" % r.randint(1, 5)
			if r.random() < 0.1:
				cmd += " --rttl"
		neg = "! " if cmd.startswith("--rcheck") or cmd.startswith("--update") else ""
		neg = neg if r.random() < 0.15 else ""
		return ("-m recent %s%s%s%s%s" % (name, side, mask, neg, cmd)).rstrip()

	def m_mark(self):
		return "-m mark %s--mark %s" % (self.neg(0.3), self.r.choice(["0", "0x1", "0/0xff", "0x2/0x2"]))

	def m_mac(self):
		mac = self.r.choice(["02:00:00:00:0b:01", "02:00:00:00:0b:01", "02:00:00:00:0c:01"])
		return "-m mac %s--mac-source %s" % (self.neg(0.3), mac)

	def m_pkttype(self):
		return "-m pkttype %s--pkt-type %s" % (self.neg(0.3), self.r.choice(
			["unicast", "unicast", "broadcast", "multicast"]))

	def m_addrtype(self):
		# the kernel has no BROADCAST for IPv6
		t = self.r.choice(["LOCAL", "MULTICAST"] + (["UNICAST", "BROADCAST"] if self.f.v == 4 else
							   ["UNICAST"] if self.addrtype6 else []))
		d = self.r.choice(["--src-type", "--dst-type", "--dst-type"])
		return "-m addrtype %s%s %s" % (self.neg(0.3), d, t)

	# -- one rule: list of option strings (target separate)
	def rand_matches(self):
		o = []
		r = self.r
		if r.random() < 0.5:
			o.append("%s-s %s" % (self.neg(), self.src_spec()))
		if r.random() < 0.3:
			o.append("%s-d %s" % (self.neg(), self.dst_spec()))
		x = r.random()
		proto = None
		if x < 0.35:
			proto = "tcp"
		elif x < 0.6:
			proto = "udp"
		elif x < 0.75:
			proto = self.f.icmp_name
		elif x < 0.8:
			o.append("%s-p %s" % ("! " if r.random() < 0.5 else "", r.choice(["tcp", "udp", "47"])))
		if proto:
			o.append("-p %s" % proto)
			if proto == "tcp" and r.random() < 0.7:
				o.append("-m tcp " + " ".join(self.m_tcp()))
			elif proto == "udp" and r.random() < 0.7:
				o.append("-m udp " + " ".join(self.m_ports("udp")))
			elif proto == self.f.icmp_name and r.random() < 0.7:
				o.append(self.m_icmp())
			if proto in ("tcp", "udp") and r.random() < 0.25:
				o.append(self.m_multiport())
		o = [x.rstrip() for x in o if not x.endswith("-m tcp ") and not x.endswith("-m udp ")]
		for p, fn in ((0.15, self.m_length), (0.15, self.m_ttl), (0.12, self.m_iprange),
			      (0.08, self.m_comment), (0.05, self.m_addrtype)):
			if r.random() < p and fn.__name__[2:] not in self.skip:
				o.append(fn())
		for p, fn in ((0.03, self.m_mark), (0.03, self.m_mac), (0.03, self.m_pkttype)):
			if r.random() < p and fn.__name__[2:] not in self.skip:
				o.append(fn())
		if self.ct and r.random() < 0.35:
			o.append(self.m_state())
		if self.recent and r.random() < 0.3:
			o.append(self.m_recent())
		if "multiport" in self.skip or "icmp" in self.skip:
			o = [x for x in o if not x.startswith("-m multiport") and not x.startswith("-m icmp")]
		return o

	def target(self, chain, later):
		x = self.r.random()
		if x < 0.37:
			return "ACCEPT"
		if x < 0.74:
			return "DROP"
		if x < 0.8:
			return "RETURN"
		if x < 0.9 and later:
			return self.r.choice(later)
		if x < 0.94 and later:
			return "goto " + self.r.choice(later)
		if x < 0.97 and "REJECT" not in self.skip:
			return "REJECT"
		if x < 0.98 and "LOG" not in self.skip:
			return "LOG"
		return ""

	# -- runs of similar rules (folded into maps, or classified)
	def run(self, n):
		r = self.r
		kind = r.choice(["hosts", "prefixes", "ports", "hostport", "dsts", "acl", "acl"])
		t_fixed = r.choice(["ACCEPT", "DROP", None])
		proto = r.choice(["tcp", "udp"])
		rules = []
		for _ in range(n):
			t = t_fixed or r.choice(["ACCEPT", "DROP"])
			if kind == "hosts":
				o = ["-s " + self.src_spec(host_only=True)]
			elif kind == "prefixes":
				o = ["-s " + self.src_spec()]
			elif kind == "ports":
				o = ["-p %s -m %s --dport %d" % (proto, proto, self.port())]
			elif kind == "hostport":
				o = ["-s %s -p %s -m %s --sport %d" % (self.src_spec(host_only=True), proto,
								     proto, self.port())]
			elif kind == "dsts":
				o = ["-s %s -d %s" % (self.src_spec(), r.choice(self.f.dst_local))]
			else:
				o = self.acl_rule()
				t = r.choice(["ACCEPT", "DROP"])
			rules.append((o, t))
		# interleave other rules now and then (runs cut short, or classified around)
		if r.random() < 0.3:
			k = r.randint(3, 12)
			for i in range(k, len(rules), k + 1):
				rules.insert(i, (self.rand_matches(), r.choice(["ACCEPT", "DROP", ""])))
		return kind, rules

	def acl_rule(self):
		r = self.r
		o = []
		if r.random() < 0.7:
			o.append("%s-s %s" % (self.neg(), self.src_spec()))
		if r.random() < 0.4:
			o.append("%s-d %s" % (self.neg(), self.dst_spec()))
		x = r.random()
		if x < 0.7:
			p = "tcp" if x < 0.4 else "udp"
			o.append("-p " + p)
			pm = self.m_ports(p)
			if pm:
				o.append("-m %s %s" % (p, " ".join(pm)))
		elif x < 0.8:
			o.append("-p " + self.f.icmp_name)
		if not o:
			o.append("-s " + self.src_spec())
		return o

	def chain_body(self, name, later, budget):
		body = []
		nseg = self.r.randint(1, 4)
		for _ in range(nseg):
			x = self.r.random()
			if x < 0.45 and budget > 8:
				# around the lengths that fold (8) and classify (32)
				n = self.r.choice([7, 8, 9, 12, 20, 31, 32, 33, 50, 64, 100, 150, 250])
				n = min(n, budget)
				_, rules = self.run(n)
				body += rules
			else:
				for _ in range(self.r.randint(1, 6)):
					body.append((self.rand_matches(), self.target(name, later)))
			budget -= len(body)
		for c in later:
			if not any(t in (c, "goto " + c) for _, t in body):
				body.insert(self.r.randrange(len(body) + 1),
					    (self.rand_matches() if self.r.random() < 0.5 else [], c))
		return body

	def ruleset(self):
		nchains = self.r.choice([0, 0, 1, 1, 2, 3])
		users = ["c%d" % i for i in range(nchains)]
		chains = {"INPUT": self.chain_body("INPUT", users, 400)}
		if self.ct:
			# what stateful rule sets begin with
			for _ in range(self.r.choice([0, 1, 1, 2])):
				st = self.r.choice(["ESTABLISHED,RELATED", "ESTABLISHED", "RELATED", "INVALID", "NEW"])
				o = ["-m conntrack --ctstate " + st]
				if self.r.random() < 0.3:
					o = ["-p " + self.r.choice(["tcp", "udp", self.f.icmp_name])] + o
				t = "DROP" if st == "INVALID" else self.r.choice(["ACCEPT", "ACCEPT", "DROP"])
				chains["INPUT"].insert(0, (o, t))
		for i, c in enumerate(users):
			chains[c] = self.chain_body(c, users[i + 1:], 150)
		if self.r.random() < 0.03 and "classified" in self.f.lookups:
			# longer than one classified run (4096 rules), in a chain without
			# jumps (where bpfw classifies; unclassified, so many rules that
			# do not fold are more than the verifier takes)
			big = [(self.acl_rule(), self.r.choice(["ACCEPT", "DROP"])) for _ in range(4100)]
			c = users[-1] if users else "INPUT"
			at = self.r.randrange(len(chains[c]) + 1)
			chains[c][at:at] = big
		policy = self.r.choice(["ACCEPT", "DROP"])
		return RuleSet(self.f, policy, users, chains, self.ct)

	# -- packets
	def pick_src(self):
		x = self.r.random()
		if x < 0.55 or not self.hint_src:
			a = self.host()
		else:
			a, ln = self.r.choice(self.hint_src)
			size = 1 << (self.f.bits - ln)
			y = self.r.random()
			if y < 0.3:
				a = a + size - 1
			elif y < 0.4:
				a = a - 1
			elif y < 0.5:
				a = a + size
			elif y < 0.8:
				a = a + self.r.randrange(size)
		a &= (1 << self.f.bits) - 1
		if not self.ok_src(a):
			a = self.host()
		return a

	def pick_port(self):
		if self.hint_port and self.r.random() < 0.7:
			return (self.r.choice(self.hint_port) + self.r.choice([0, 0, 0, -1, 1])) & 0xFFFF
		if self.r.random() < 0.5:
			return self.r.choice(self.ports)
		return self.r.randrange(65536)

	def packet(self, pid):
		if self.ct and self.r.random() < 0.85:
			p = self.flow_packet(pid, self.plain_packet(pid))
		else:
			p = self.plain_packet(pid)
		if self.ct and not self.ct_all:
			# only what has the same state in both (see --known ct): a TCP
			# connection is one SYN (after the reset that answers it, the
			# connection is gone in netfilter, replied in bpfw)
			if p["proto"] == 6:
				p["flags"] = 0x02
				t = (p["src"], p["dsttext"], p["sport"], p["dport"])
				if t in self.tcp_seen:
					p["proto"] = 17
				self.tcp_seen.add(t)
			elif p["proto"] == self.f.icmp_proto and "echo" not in p and "quote" not in p:
				p["icmp"] = (8, 0) if self.f.v == 4 else (128, 0)
		return p

	def flow_packet(self, pid, p):
		"""A packet of a connection: a new one, another of one seen before (each
		way round), or an ICMP error quoting one."""
		r, f = self.r, self.f
		x = r.random()
		if x < 0.3 or not self.flows:
			fl = {"proto": r.choice([6, 17, 17, f.icmp_proto, f.icmp_proto]), "src": self.pick_src(),
			      "dsttext": r.choice(f.dst_local), "sport": self.pick_port(),
			      "dport": self.pick_port(), "echo": len(self.flows)}
			self.flows.append(fl)
		else:
			fl = r.choice(self.flows)
			if fl["proto"] == 6 and not self.ct_all:
				# a TCP connection answered by a reset is gone in netfilter,
				# replied in bpfw: one SYN per connection
				fl = {"proto": 17, "src": fl["src"], "dsttext": fl["dsttext"],
				      "sport": fl["sport"], "dport": fl["dport"], "echo": len(self.flows)}
				self.flows.append(fl)
		p.update({"src": fl["src"], "dsttext": fl["dsttext"], "dst": f.pack(fl["dsttext"]),
			  "sport": fl["sport"], "dport": fl["dport"], "df": False})
		hl = 20 if f.v == 4 else 40
		p["len"] = hl + {6: 20, 17: 8}.get(fl["proto"], 8) + len(MAGIC) + 6
		if x < 0.85 or not self.ct_errors:
			p["proto"] = fl["proto"]
			if fl["proto"] == 6:
				# mostly SYNs; the rest as a client would go on (or not)
				p["flags"] = 0x02
				if self.ct_all:
					p["flags"] = r.choice([0x02, 0x02, 0x02, 0x10, 0x18, 0x11, 0x04, 0x14, 0x12])
			elif fl["proto"] == f.icmp_proto:
				req, rep = (8, 0) if f.v == 4 else (128, 129)
				p["icmp"] = (rep, 0) if self.ct_all and r.random() < 0.15 else (req, 0)
				p["echo"] = fl["echo"]
			return p
		# an ICMP error quoting the flow, as sent or as answered
		p["proto"] = f.icmp_proto
		if f.v == 4:
			p["icmp"] = r.choice([(3, 3), (3, 1), (3, 4), (11, 0), (12, 0), (4, 0)])
		else:
			p["icmp"] = r.choice([(1, 4), (1, 3), (2, 0), (3, 0), (4, 0)])
		if fl["proto"] == 6 and not self.ct_all:
			fl = r.choice([x for x in self.flows if x["proto"] != 6] or [dict(fl, proto=17)])
		p["quote"] = dict(fl, reply=not self.ct_all or r.random() < 0.5)
		p["len"] = hl + 8 + hl + 8 + len(MAGIC) + 6
		p["src"] = self.pick_src()
		return p

	def plain_packet(self, pid):
		r = self.r
		f = self.f
		p = {"id": pid, "src": self.pick_src()}
		if f.dst_bcast and r.random() < 0.03:
			d = r.choice(f.dst_bcast)
		else:
			d = r.choice(f.dst_local)
		p["dsttext"] = d
		p["dst"] = f.pack(d)
		x = r.random()
		p["proto"] = 6 if x < 0.4 else 17 if x < 0.7 else f.icmp_proto if x < 0.9 else r.choice([47, 253])
		if self.hint_ttl and r.random() < 0.4:
			p["ttl"] = max(0, min(255, r.choice(self.hint_ttl) + r.choice([-1, 0, 0, 1])))
		else:
			p["ttl"] = r.choice([1, 2, 32, 63, 64, 65, 128, 200, 255, r.randrange(256)])
		if self.recent and not self.rttl0 and p["ttl"] == 0:
			# xt_recent's --rttl takes a TTL of 0 for "any" (bpfw: 0)
			p["ttl"] = 1
		p["sport"] = self.pick_port()
		p["dport"] = self.pick_port()
		y = r.random()
		if y < 0.3:
			p["flags"] = 0x02
		elif y < 0.5:
			p["flags"] = 0x10
		else:
			p["flags"] = r.choice([0x12, 0x11, 0x04, 0x14, 0x18, 0x01, 0x00, 0x3F, 0x29, 0x03,
					       0xC2, r.randrange(256)])
		p["icmp"] = r.choice(f.icmp_types)
		# total length: near the values the rules name, or anything
		hdr = (20 if f.v == 4 else 40) + {6: 20, 17: 8}.get(p["proto"], 8 if p["proto"] in (1, 58) else 0)
		minlen = hdr + len(MAGIC) + 4
		if self.hint_len and r.random() < 0.5:
			want = r.choice(self.hint_len) + r.choice([-1, 0, 0, 1])
		else:
			want = r.choice([minlen, 60, 64, 100, 128, 576, 1000, 1400, r.randrange(minlen, 1500)])
		p["len"] = max(minlen, min(1500 if f.v == 4 else 1480, want))
		p["tos"] = r.choice([0, 0, 0, 0x10, 0xb8])
		p["df"] = r.random() < 0.5
		if f.v == 4 and self.frags4 and r.random() < 0.12:
			# netfilter's INPUT sees the datagram reassembled, bpfw each fragment
			p["frag"] = True
		if f.v == 6 and not self.ct and "ext" not in self.skip:
			# extension headers, and fragments (which ip6tables, without
			# connection tracking, sees one by one as bpfw does)
			x = r.random()
			if x < 0.1:
				p["ext"] = ["hbh"]
			elif x < 0.2:
				p["ext"] = ["dst"]
			elif x < 0.25:
				p["ext"] = ["hbh", "dst"]
			if r.random() < 0.12:
				p["frag"] = True
				if not self.odd_frags:
					# ip6tables drops a later fragment whose next header is
					# an extension header (--known frags: bpfw lets it pass)
					p["ext"] = [k for k in p.get("ext", []) if k == "hbh"]
				elif r.random() < 0.3:
					# a first fragment shorter than the transport header
					p["tiny"] = True
		return p


class RuleSet:
	def __init__(self, fam, policy, users, chains, ct=False):
		self.f = fam
		self.policy = policy
		self.users = users
		self.chains = chains
		self.ct = ct

	def copy(self, chains=None):
		return RuleSet(self.f, self.policy, self.users,
			       chains if chains is not None else {c: list(b) for c, b in self.chains.items()},
			       self.ct)

	def nrules(self):
		return sum(len(b) for b in self.chains.values())

	def rule_line(self, chain, opts, t):
		line = "-A " + chain
		if opts:
			line += " " + " ".join(opts)
		if t.startswith("goto "):
			line += " -g " + t[5:]
		elif t:
			line += " -j " + t
		return line

	def text(self):
		f = self.f
		out = ["*filter", ":INPUT %s [0:0]" % self.policy, ":FORWARD ACCEPT [0:0]",
		       ":OUTPUT ACCEPT [0:0]"]
		out += [":%s - [0:0]" % c for c in self.users]
		bits = f.bits
		out.append("-A INPUT -s %s/%d -d %s/%d -p udp -m udp --dport 9 -j ACCEPT" %
			   (f.sentinel_src, bits, f.sentinel_dst, bits))
		for c in ["INPUT"] + self.users:
			for opts, t in self.chains[c]:
				out.append(self.rule_line(c, opts, t))
		out.append("COMMIT")
		return "\n".join(out) + "\n"


# ------------------------------------------------------------------ frames

def echo_id(n, rnd):
	"""Echo flows have ids of their trial: no state carries over."""
	return (rnd * 64 + n) & 0xFFFF


def quote(fam, fl, rnd):
	"""The first bytes of a flow's packet, as sent or as answered."""
	a, b = fam.pack(fl["src"]), fam.pack(fl["dsttext"])
	sp, dp = fl["sport"], fl["dport"]
	proto = fl["proto"]
	if fl["reply"]:
		a, b, sp, dp = b, a, dp, sp
	if proto == 6:
		l4 = struct.pack("!HHI", sp, dp, 0x1000)
	elif proto == 17:
		l4 = struct.pack("!HHHH", sp, dp, 40, 0)
	else:
		req, rep = (8, 0) if fam.v == 4 else (128, 129)
		l4 = struct.pack("!BBHHH", rep if fl["reply"] else req, 0, 0, echo_id(fl["echo"], rnd), 1)
	if fam.v == 4:
		h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 32, 1, 0, 64, proto, 0, a, b)
		h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
	else:
		h = struct.pack("!IHBB16s16s", 6 << 28, 32, proto, 64, a, b)
	return h + l4


def l4_bytes(fam, p, src, dst, payload, rnd):
	proto = p["proto"]
	if proto == 6:
		h = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 0x1000 + p["id"], 0, 5 << 4,
				p["flags"], 8192, 0, 0)
		seg = h + payload
	elif proto == 17:
		seg = struct.pack("!HHHH", p["sport"], p["dport"], 8 + len(payload), 0) + payload
	elif proto in (1, 58):
		t, c = p["icmp"]
		rest = p["id"] & 0xFFFF
		if "echo" in p:
			rest = (echo_id(p["echo"], rnd) << 16) | (p["id"] & 0xFFFF)
		elif t == 2 and proto == 58:
			rest = 1280
		if "quote" in p:
			payload = quote(fam, p["quote"], rnd) + payload
		seg = struct.pack("!BBHI", t, c, 0, rest) + payload
	else:
		return payload
	if fam.v == 4:
		ph = src + dst + struct.pack("!BBH", 0, proto, len(seg))
	else:
		ph = src + dst + struct.pack("!IxxxB", len(seg), proto)
	if proto == 1:
		ck = csum(seg)
	else:
		ck = csum(ph + seg)
		if proto == 17 and ck == 0:
			ck = 0xFFFF
	off = {6: 16, 17: 6, 1: 2, 58: 2}[proto]
	return seg[:off] + struct.pack("!H", ck) + seg[off + 2:]


def frame(fam, p, rnd):
	src = fam.pack(p["src"]) if isinstance(p["src"], int) else p["src"]
	dst = p["dst"]
	hl = 20 if fam.v == 4 else 40
	l4hdr = {6: 20, 17: 8, 1: 8, 58: 8}.get(p["proto"], 0)
	if "quote" in p:
		l4hdr += hl + 8
	pad = p["len"] - hl - l4hdr - len(MAGIC) - 6
	payload = MAGIC + struct.pack("!HI", rnd & 0xFFFF, p["id"]) + bytes((i * 7) & 0xFF for i in range(max(0, pad)))
	seg = l4_bytes(fam, p, src, dst, payload, rnd)
	eth = RCV_MAC + SND_MAC + struct.pack("!H", fam.ethertype)
	if fam.v == 4:
		def ip4(body, ipid, frag):
			h = struct.pack("!BBHHHBBH4s4s", 0x45, p["tos"], hl + len(body), ipid, frag,
					p["ttl"], p["proto"], 0, src, dst)
			return eth + h[:10] + struct.pack("!H", csum(h)) + h[12:] + body
		if p.get("frag"):
			# two fragments, the transport header in the first; ids of the trial
			cut = max(8, (len(seg) // 2) & ~7)
			ipid = (rnd * 512 + p["id"]) & 0xFFFF
			return [ip4(seg[:cut], ipid, 0x2000), ip4(seg[cut:], ipid, cut // 8)]
		return [ip4(seg, p["id"] & 0xFFFF, 0x4000 if p["df"] else 0)]
	# IPv6: extension headers before the transport header, and fragments
	def ip6(nh, body):
		return eth + struct.pack("!IHBB16s16s", (6 << 28) | (p["tos"] << 20), len(body), nh,
					 p["ttl"], src, dst) + body
	def chain(kinds, last):
		# hop-by-hop (0) or destination options (60) headers, padded with PadN
		nh, out = last, b""
		for k in reversed(kinds):
			out = struct.pack("!BB", nh, 0) + b"\x01\x04\0\0\0\0" + out
			nh = 0 if k == "hbh" else 60
		return nh, out
	kinds = p.get("ext", [])
	if not p.get("frag"):
		nh, ex = chain(kinds, p["proto"])
		return [ip6(nh, ex + seg)]
	# hop-by-hop before the fragment header, the other headers fragmented
	pre = kinds[:1] if kinds[:1] == ["hbh"] else []
	nh, ex = chain(kinds[len(pre):], p["proto"])
	data = ex + seg
	cut = max(8, (len(data) // 2) & ~7)
	if not p.get("tiny"):
		# the whole transport header in the first fragment
		l4 = len(ex) + {6: 20, 17: 8, 58: 8}.get(p["proto"], 0)
		cut = max(cut, (l4 + 7) & ~7)
	ipid = (rnd * 512 + p["id"]) & 0xFFFFFFFF
	frames = []
	for off, part, more in ((0, data[:cut], 1), (cut, data[cut:], 0)):
		first, pre_ex = chain(pre, 44)
		frames.append(ip6(first, pre_ex + struct.pack("!BBHI", nh, 0, off | more, ipid) + part))
	return frames


def describe(fam, p):
	names = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}
	src = fam.host_str(p["src"]) if isinstance(p["src"], int) else p["src"]
	s = "id %d: %s %s" % (p["id"], names.get(p["proto"], "proto %d" % p["proto"]), src)
	if p["proto"] in (6, 17):
		s += ":%d -> %s:%d" % (p["sport"], p["dsttext"], p["dport"])
	else:
		s += " -> %s" % p["dsttext"]
	if p["proto"] == 6:
		s += " flags 0x%02x (%s)" % (p["flags"], ",".join(
			f for f in TCP_FLAGS if p["flags"] & FLAG_BITS[f]) or "none")
	if p["proto"] in (1, 58):
		s += " type %d code %d" % p["icmp"]
		if "echo" in p:
			s += " (echo flow %d)" % p["echo"]
		if "quote" in p:
			q = p["quote"]
			s += " quoting the %s of %s %s:%d -> %s:%d%s" % (
				"answer" if q["reply"] else "packet", names.get(q["proto"]),
				fam.host_str(q["src"]), q["sport"], q["dsttext"], q["dport"],
				" (echo flow %d)" % q["echo"] if q["proto"] in (1, 58) else "")
	s += " %s %d len %d tos 0x%02x%s%s%s" % (fam.hop, p["ttl"], p["len"], p["tos"],
					     " DF" if p["df"] and fam.v == 4 and not p.get("frag") else "",
					     " in two fragments" if p.get("frag") else "",
					     ", the first shorter than its transport header" if p.get("tiny") else "")
	if p.get("ext"):
		s += " after %s" % " and ".join({"hbh": "hop-by-hop options", "dst": "destination options"}[k]
						for k in p["ext"])
	return s


# ------------------------------------------------------------------ sides

def same_counts(a, b):
	"""The counters of two iptables-save -c listings, line by line (the rule
	text may be printed differently: legacy leaves out a '! --sport 0:65535')."""
	return len(a) == len(b) and all(x.rsplit(" ", 1)[-1] == y.rsplit(" ", 1)[-1]
					for x, y in zip(a, b))


class Side:
	"""One receiving namespace: its iptables and its raw sockets."""

	def __init__(self, name, ns, tooldir, fam, kind):
		self.name = name
		self.ns = ns
		self.fam = fam
		if kind == "bpfw":
			self.restore = [os.path.join(tooldir, fam.tool + "-restore"), "-w", "30"]
			self.save = [os.path.join(tooldir, fam.tool + "-save")]
			self.ct_flush = [os.path.join(tooldir, "bpfw"), "conntrack", "-F"]
		else:
			t = fam.tool
			self.restore = [os.path.join(tooldir, "%s-%s-restore" % (t, kind)), "-w", "30"]
			self.save = [os.path.join(tooldir, "%s-%s-save" % (t, kind))]
		d, b = os.path.split(self.restore[0])
		b = b.replace("ip6tables", "iptables") if fam.v == 6 else b.replace("iptables", "ip6tables")
		self.restore_other = [os.path.join(d, b)] + self.restore[1:]
		self.socks = []
		self.kind = kind
		self.nl = None

	def open(self, home):
		setns("/run/netns/" + self.ns)
		try:
			af = socket.AF_INET if self.fam.v == 4 else socket.AF_INET6
			for proto in self.fam.protos:
				s = socket.socket(af, socket.SOCK_RAW, proto)
				s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
				s.setblocking(False)
				self.socks.append(s)
			if self.kind != "bpfw":
				self.nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)
				self.nl.settimeout(2)
		finally:
			setns(home)

	def forget_connections(self):
		"""A fresh start for connection tracking: the kernel's table flushed
		(ctnetlink), bpfw's with bpfw conntrack -F (both keep theirs across
		rule sets, even those without state matches)."""
		empty = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
		# both families: bpfw's programs hold both tables
		for cmd in (self.restore, self.restore_other):
			self.run(cmd, empty)
		if self.kind == "bpfw":
			self.run(self.ct_flush)
		if self.nl is not None:
			fam = socket.AF_INET if self.fam.v == 4 else socket.AF_INET6
			# IPCTNL_MSG_CT_DELETE of NFNL_SUBSYS_CTNETLINK, nothing named: all
			self.nl.send(struct.pack("=IHHII", 20, (1 << 8) | 2, 1 | 4, 1, 0) +
				     struct.pack("=BBH", fam, 0, 0))
			try:
				self.nl.recv(4096)
			except OSError:
				pass

	def run(self, cmd, stdin=None):
		return subprocess.run(["ip", "netns", "exec", self.ns] + cmd, input=stdin,
				      capture_output=True, text=True, timeout=120)

	def load(self, text):
		return self.run(self.restore, text)

	def saved(self):
		"""iptables-save -c of INPUT and the user chains: [(line, packets, bytes)]."""
		r = self.run(self.save + ["-c"])
		out = []
		for l in r.stdout.splitlines():
			m = re.match(r"^\[(\d+):(\d+)\] (.*)$", l) or re.match(r"^(:\S+ \S+) \[(\d+):(\d+)\]$", l)
			if l.startswith("#") or l.startswith(":FORWARD") or l.startswith(":OUTPUT"):
				continue
			if l.startswith("["):
				out.append((m.group(3), int(m.group(1)), int(m.group(2))))
			elif l.startswith(":"):
				out.append((m.group(1), int(m.group(2)), int(m.group(3))))
			else:
				out.append((l, 0, 0))
		return out

	def maps(self):
		"""Kinds of lookup bpfw's running ingress program makes: "hash run",
		"lpm run", "classified" (empty when bpftool or the program is absent)."""
		try:
			tc = self.run(["tc", "filter", "show", "dev", "lo", "ingress"]).stdout
			m = re.search(r" id (\d+)", tc)
			if not m:
				return set()
			prog = json.loads(subprocess.run(["bpftool", "-j", "prog", "show", "id", m.group(1)],
							 capture_output=True, text=True).stdout)
			kinds = set()
			for mid in prog.get("map_ids", []):
				mp = json.loads(subprocess.run(["bpftool", "-j", "map", "show", "id", str(mid)],
							       capture_output=True, text=True).stdout)
				name, typ = mp.get("name", ""), mp.get("type", "")
				if name.startswith("bpfw_cls"):
					kinds.add("classified")
				elif name.startswith("bpfw_run"):
					kinds.add("lpm run" if typ == "lpm_trie" else "hash run")
			return kinds
		except (OSError, ValueError):
			return set()

	def drain(self, rnd, got):
		n = 0
		for s in self.socks:
			while True:
				try:
					data = s.recv(65535)
				except BlockingIOError:
					break
				i = data.find(MAGIC)
				if i < 0 or len(data) < i + 14:
					continue
				r, pid = struct.unpack("!HI", data[i + 8:i + 14])
				if r == rnd & 0xFFFF:
					got.add(pid)
					n += 1
		return n


class Diff:
	def __init__(self, args):
		self.args = args
		self.fam = Fam4 if args.family == 4 else Fam6
		self.home = "/proc/self/ns/net"
		# keep a handle on the sender namespace we started in
		self.home_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
		self.home = "/proc/%d/fd/%d" % (os.getpid(), self.home_fd)
		self.ref = Side("kernel", args.ref, args.ref_dir, self.fam, args.ref_kind)
		self.bpfw = Side("bpfw", args.bpfw, args.bpfw_dir, self.fam, "bpfw")
		# one CPU: frames are received in the order they are sent
		os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
		self.ref.open(self.home)
		self.bpfw.open(self.home)
		self.tx = []
		for ifname in (args.ref_if, args.bpfw_if):
			s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
			s.bind((ifname, 0))
			self.tx.append(s)
		self.nround = 0

	def send(self, frames, rnd):
		"""Sends frames to both sides; returns the ids each delivered."""
		got = [set(), set()]
		sides = (self.ref, self.bpfw)
		for i, fr in enumerate(frames):
			for s in self.tx:
				s.send(fr)
			if i % 32 == 31:
				for k in range(2):
					sides[k].drain(rnd, got[k])
		deadline = time.time() + 3
		while time.time() < deadline:
			for k in range(2):
				sides[k].drain(rnd, got[k])
			if SENTINEL_ID in got[0] and SENTINEL_ID in got[1]:
				break
			select.select(self.ref.socks + self.bpfw.socks, [], [], 0.05)
		time.sleep(0.02)
		for k in range(2):
			sides[k].drain(rnd, got[k])
		return got

	def probe(self):
		"""The matches and targets bpfw refuses to compile for this family
		(while it grows them): left out of the rule sets, and said so."""
		f = self.fam
		a, b = f.src_nets[0].split("/")[0], f.dst_local[0]
		samples = {
			"length": "-m length --length 100:200",
			"ttl": "-m ttl --ttl-gt 5" if f.v == 4 else "-m hl --hl-gt 5",
			"iprange": "-m iprange --src-range %s-%s" % (a, a),
			"comment": '-m comment --comment "x"',
			"addrtype": "-m addrtype --dst-type LOCAL",
			"multiport": "-p tcp -m multiport --dports 1,2:3",
			"icmp": "-p %s %s" % (f.icmp_name, "-m icmp --icmp-type 8" if f.v == 4 else
					       "-m icmp6 --icmpv6-type 128"),
			"REJECT": "-d %s -j REJECT" % b,
			"LOG": "-d %s -j LOG" % b,
			"conntrack": "-m conntrack --ctstate ESTABLISHED,RELATED",
			"recent": "-m recent --name A --rcheck --seconds 60 --hitcount 2",
			"mark": "-m mark --mark 0x1",
			"mac": "-m mac --mac-source 02:00:00:00:0b:01",
			"pkttype": "-m pkttype --pkt-type unicast",
		}
		skip = []
		for name, rule in samples.items():
			text = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT %s\nCOMMIT\n" % rule
			ka, kb = self.ref.load(text), self.bpfw.load(text)
			if ka.returncode == 0 and kb.returncode != 0:
				skip.append(name)
				print("    IPv%d: %s left out: bpfw says %s" % (f.v, name,
								       kb.stderr.strip().splitlines()[0]))
		return skip

	def sentinel(self):
		f = self.fam
		return {"id": SENTINEL_ID, "src": f.pack(f.sentinel_src), "dst": f.pack(f.sentinel_dst),
			"dsttext": f.sentinel_dst, "proto": 17, "sport": 9, "dport": 9, "ttl": 64,
			"flags": 0, "icmp": (0, 0), "len": 64, "tos": 0, "df": False}

	def trial(self, rs, packets, counters=True):
		"""Loads rs into both, sends packets; returns (error, got_ref, got_bpfw, save_ref, save_bpfw)."""
		text = rs.text()
		if rs.ct:
			self.ref.forget_connections()
			self.bpfw.forget_connections()
		a = self.ref.load(text)
		b = self.bpfw.load(text)
		if a.returncode != 0 or b.returncode != 0:
			return ("restore: kernel exit %d %s; bpfw exit %d %s" % (
				a.returncode, a.stderr.strip(), b.returncode, b.stderr.strip()),
				None, None, None, None)
		self.nround += 1
		rnd = self.nround
		frames = [fr for p in packets for fr in frame(self.fam, p, rnd)]
		frames += frame(self.fam, self.sentinel(), rnd)
		# counters as the round moved them (restore need not zero them)
		before = (self.ref.saved(), self.bpfw.saved()) if counters else ([], [])
		got = self.send(frames, rnd)
		for g, side in zip(got, (self.ref, self.bpfw)):
			if SENTINEL_ID not in g:
				return ("the last packet (accepted by the first rule) never reached %s's "
					"raw socket" % side.name, None, None, None, None)
			g.discard(SENTINEL_ID)
		after = (self.ref.saved(), self.bpfw.saved()) if counters else ([], [])
		moved = []
		for b, a in zip(before, after):
			if [x[0] for x in b] != [x[0] for x in a]:
				moved.append(["%s [%d:%d]" % x for x in a])
			else:
				moved.append(["%s [%d:%d]" % (y[0], y[1] - x[1], y[2] - x[2]) for x, y in zip(b, a)])
		return None, got[0], got[1], moved[0], moved[1]

	def differs(self, rs, packets, want_ids=None):
		"""True when rs and packets still show a difference (for reduction)."""
		err, ga, gb, sa, sb = self.trial(rs, packets, counters=want_ids is None)
		if err:
			return False
		if want_ids is not None:
			return bool((ga ^ gb) & want_ids)
		return ga != gb or not same_counts(sa, sb)

	def fewer_packets(self, rs, pk, want):
		"""The packets that still show the difference: with connections, those
		before the one that differs that still matter; for counters, any."""
		if want is not None and (not rs.ct or len(want) != 1):
			return pk
		keep = 1 if want is not None else 0	# the packet that differs, last
		chunk = max(1, (len(pk) - keep) // 2)
		while chunk >= 1:
			i = 0
			while i < len(pk) - keep:
				trial = pk[:i] + pk[min(i + chunk, len(pk) - keep):]
				if self.differs(rs, trial, want):
					pk = trial
				else:
					i += chunk
			chunk //= 2
		return pk

	def reduce(self, rs, packets, bad):
		"""Fewest rules and packets that still deliver one packet differently
		(with connections: the packets before it that still matter)."""
		if bad is None:
			# the same packets delivered, counted differently
			want, pk = None, packets
			if not self.differs(rs, pk):
				return None, pk
		else:
			first = next(p for p in packets if p["id"] in bad)
			want = {first["id"]}
			pk = packets[:packets.index(first) + 1] if rs.ct else [first]
			if not self.differs(rs, pk, want):
				pk, want = packets, set(bad)
				if not self.differs(rs, pk, want):
					return None, [p for p in packets if p["id"] in bad]
		pk = self.fewer_packets(rs, pk, want)
		# drop chunks of rules, then single rules (ddmin-like)
		cur = rs.copy()
		for c in ["INPUT"] + rs.users:
			chunk = max(1, len(cur.chains[c]) // 2)
			while chunk >= 1:
				i = 0
				while i < len(cur.chains[c]):
					trial = cur.copy()
					del trial.chains[c][i:i + chunk]
					if self.differs(trial, pk, want):
						cur = trial
					else:
						i += chunk
				chunk //= 2
		# user chains nothing jumps to any more
		for c in list(cur.users):
			if not any(t in (c, "goto " + c) for b in cur.chains.values() for _, t in b):
				trial = cur.copy()
				del trial.chains[c]
				trial.users = [u for u in cur.users if u != c]
				if self.differs(trial, pk, want):
					cur = trial
		if cur.policy == "DROP":
			trial = cur.copy()
			trial.policy = "ACCEPT"
			if self.differs(trial, pk, want):
				cur = trial
		# options of the remaining rules
		for c in ["INPUT"] + cur.users:
			for i in range(len(cur.chains[c])):
				opts, t = cur.chains[c][i]
				j = 0
				while j < len(opts):
					trial = cur.copy()
					o2 = opts[:j] + opts[j + 1:]
					trial.chains[c][i] = (o2, t)
					if self.differs(trial, pk, want):
						cur, opts = trial, o2
					else:
						j += 1
		return cur, self.fewer_packets(cur, pk, want)

	def report(self, seed, rnd, rs, packets, ga, gb, sa, sb):
		byid = {p["id"]: p for p in packets}
		only_a = sorted(ga - gb)
		only_b = sorted(gb - ga)
		print("    seed %s round %d: %d rules, %d packets; kernel delivered %d, bpfw %d" % (
			seed, rnd, rs.nrules(), len(packets), len(ga), len(gb)))
		for ids, who in ((only_a, "only the kernel"), (only_b, "only bpfw")):
			for i in ids[:5]:
				print("    delivered by %s: %s" % (who, describe(self.fam, byid[i])))
			if len(ids) > 5:
				print("    ... and %d more delivered by %s" % (len(ids) - 5, who))
		if ga == gb and not same_counts(sa, sb):
			print("    the same packets delivered, but the counters differ:")
			la, lb = sa, sb
			for x, y in zip(la, lb):
				if x.rsplit(" ", 1)[-1] != y.rsplit(" ", 1)[-1]:
					print("      kernel: %s" % x)
					print("      bpfw:   %s" % y)
			if len(la) != len(lb):
				print("      (%d lines against %d)" % (len(la), len(lb)))
		if self.args.no_reduce:
			print("    rule set:")
			for l in rs.text().splitlines():
				print("      " + l)
			return
		if ga != gb:
			red, pk = self.reduce(rs, packets, (ga ^ gb))
			if red is None:
				print("    (not reproduced when replayed alone; the whole rule set:)")
				red = rs
			err, ra, rb, xa, xb = self.trial(red, pk)
			print("    reduced to %d rules and %d packet(s):" % (red.nrules(), len(pk)))
			for l in red.text().splitlines():
				print("      " + l)
			for p in pk:
				who = "kernel" if p["id"] in (ra or ()) else ""
				who2 = "bpfw" if p["id"] in (rb or ()) else ""
				print("      packet %s: delivered by %s" % (describe(self.fam, p),
								   " and ".join(x for x in (who, who2) if x) or "neither"))
		else:
			red, pk = self.reduce(rs, packets, None)
			if red is None:
				print("    (not reproduced when replayed; the whole rule set:)")
				red = rs
			err, ra, rb, xa, xb = self.trial(red, pk)
			print("    reduced to %d rules and %d packet(s):" % (red.nrules(), len(pk)))
			for l in red.text().splitlines():
				print("      " + l)
			for p in pk:
				print("      packet %s" % describe(self.fam, p))
			for x, y in zip(xa or [], xb or []):
				if x.rsplit(" ", 1)[-1] != y.rsplit(" ", 1)[-1]:
					print("      counted by the kernel %s, by bpfw %s: %s" % (
						x.rsplit(" ", 1)[-1], y.rsplit(" ", 1)[-1], x.rsplit(" ", 1)[0]))

	def replay(self):
		"""One rule set (a restore file's filter table) and the packets of
		--send, once through both; what each side delivered and counted."""
		a = self.args
		f = self.fam
		text = open(a.rules).read()
		sentinel = "-A INPUT -s %s/%d -d %s/%d -p udp -m udp --dport 9 -j ACCEPT\n" % (
			f.sentinel_src, f.bits, f.sentinel_dst, f.bits)
		i = text.index("\n-A ") + 1 if "\n-A " in text else text.index("COMMIT")
		rs = RuleSet(f, "ACCEPT", [], {}, ct=True)
		rs.text = lambda: text[:i] + sentinel + text[i:]
		packets = []
		for n, spec in enumerate(a.send):
			p = {"id": n, "src": 0, "dsttext": f.dst_local[1], "proto": 17, "sport": 1000,
			     "dport": 2000, "ttl": 64, "flags": 0x02, "icmp": (8, 0), "len": 0, "tos": 0,
			     "df": False}
			for kv in spec.split():
				k, v = kv.split("=", 1)
				if k in ("src", "dst"):
					k = "src" if k == "src" else "dsttext"
					v = int(ipaddress.ip_address(v)) if k == "src" else v
				elif k == "proto":
					v = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}.get(v) or int(v)
				elif k == "icmp":
					v = tuple(int(x) for x in v.split("/")) + ((0,) if "/" not in v else ())
				elif k == "ext":
					v = v.split(",")
				elif k == "quote":
					# quote=PROTO:SRC:SPORT:DST:DPORT[:reply]
					q = v.split(":") if f.v == 4 else v.split("|")
					v = {"proto": {"tcp": 6, "udp": 17}.get(q[0], f.icmp_proto),
					     "src": int(ipaddress.ip_address(q[1])), "sport": int(q[2]),
					     "dsttext": q[3], "dport": int(q[4]), "echo": 0,
					     "reply": len(q) > 5}
				else:
					v = int(v, 0)
				p[k] = v
			if not p["src"]:
				p["src"] = int(ipaddress.ip_network(f.src_nets[0]).network_address) + 1
			p["dst"] = f.pack(p["dsttext"])
			hl = 20 if f.v == 4 else 40
			p["len"] = p["len"] or hl + {6: 20, 17: 8}.get(p["proto"], 8) + \
				(hl + 8 if "quote" in p else 0) + len(MAGIC) + 6
			packets.append(p)
		err, ga, gb, sa, sb = self.trial(rs, packets)
		if err:
			print("FAIL replay: " + err)
			return 1
		for p in packets:
			who = [w for w, g in (("kernel", ga), ("bpfw", gb)) if p["id"] in g]
			print("    %s: delivered by %s" % (describe(f, p), " and ".join(who) or "neither"))
		for x, y in zip(sa, sb):
			if not x.startswith((":", "-A")):
				continue
			print("    kernel %-12s bpfw %-12s %s" % (x.rsplit(" ", 1)[-1], y.rsplit(" ", 1)[-1],
								x.rsplit(" ", 1)[0]))
		same = ga == gb and same_counts(sa, sb)
		print("%s replay of %s" % ("PASS" if same else "FAIL", a.rules))
		return 0 if same else 1

	def main(self):
		a = self.args
		if a.rules:
			return self.replay()
		rounds = [a.round] if a.round is not None else range(a.rounds)
		npass = nfail = 0
		t0 = time.time()
		skip = self.probe()
		known = set(a.known.split(",")) if a.known else set()
		if "all" in known:
			known = {"ct", "frags", "addrtype6", "frags4", "rttl0"}
		seen = {}
		total_pk = 0
		for rnd in rounds:
			rng = random.Random("%s:%d:%d" % (a.seed, a.family, rnd))
			g = Gen(self.fam, rng, skip, a.ct_share, known)
			rs = g.ruleset()
			packets = [g.packet(i) for i in range(a.packets)]
			total_pk += len(packets)
			err, ga, gb, sa, sb = self.trial(rs, packets)
			what = "IPv%d round %d (seed %s): %d rules, %d chains, policy %s%s%s" % (
				a.family, rnd, a.seed, rs.nrules() + 1, len(rs.users), rs.policy,
				", connections" if rs.ct else "", ", recent" if g.recent else "")
			if err:
				# a rule set one side refuses: the generator's fault if the
				# kernel refuses it, bpfw's if only bpfw does
				print("FAIL %s: %s" % (what, err))
				for l in rs.text().splitlines():
					print("      " + l)
				nfail += 1
				continue
			if ga != gb or not same_counts(sa, sb):
				print("FAIL %s: %d packets delivered differently%s" % (
					what, len(ga ^ gb), ", counters differ" if not same_counts(sa, sb) else ""))
				self.report(a.seed, rnd, rs, packets, ga, gb, sa, sb)
				nfail += 1
			else:
				kinds = self.bpfw.maps() if a.coverage else set()
				for k in kinds:
					seen[k] = seen.get(k, 0) + 1
				print("PASS %s: %d of %d packets delivered by both, counters equal%s" % (
					what, len(ga), len(packets),
					"; bpfw: " + ", ".join(sorted(kinds)) if kinds else ""))
				npass += 1
			sys.stdout.flush()
		print("    %d rounds, %d packets per side in %.1fs" % (npass + nfail, total_pk, time.time() - t0))
		self.ref.forget_connections()
		self.bpfw.forget_connections()
		if a.coverage:
			# enough rounds must have gone through each of bpfw's lookups
			for k in ("hash run", "lpm run", "classified"):
				if k not in self.fam.lookups and not seen.get(k):
					print("    IPv%d: no %s (bpfw does not make one for this family yet)" % (
						a.family, k))
				elif seen.get(k):
					print("PASS IPv%d: %d rule sets passed with a %s" % (a.family, seen[k], k))
				elif a.rounds < 30:
					print("    IPv%d: no %s in %d rounds" % (a.family, k, a.rounds))
				else:
					print("FAIL IPv%d: no passing rule set had a %s" % (a.family, k))
					nfail += 1
		return 1 if nfail else 0


def main():
	ap = argparse.ArgumentParser()
	sub = ap.add_subparsers(dest="cmd", required=True)
	r = sub.add_parser("run")
	r.add_argument("--ref", required=True, help="kernel iptables namespace")
	r.add_argument("--bpfw", required=True, help="bpfw namespace")
	r.add_argument("--ref-if", default="tok")
	r.add_argument("--bpfw-if", default="tob")
	r.add_argument("--ref-dir", default="/usr/sbin")
	r.add_argument("--ref-kind", default="legacy", choices=["legacy", "nft"])
	r.add_argument("--bpfw-dir", required=True)
	r.add_argument("--family", type=int, default=4, choices=[4, 6])
	r.add_argument("--seed", default=str(random.randrange(1 << 30)))
	r.add_argument("--rounds", type=int, default=20)
	r.add_argument("--round", type=int)
	r.add_argument("--packets", type=int, default=300)
	r.add_argument("--no-reduce", action="store_true")
	r.add_argument("--rules", help="replay: this restore file instead of generated rule sets")
	r.add_argument("--send", action="append", default=[],
		       help="replay: a packet, e.g. 'proto=tcp src=10.1.0.1 sport=1 dport=22 flags=0x02'")
	r.add_argument("--known", default="",
		       help="also draw what bpfw is known to decide otherwise: ct, frags, "
		       "addrtype6, frags4, rttl0 or all (comma-separated)")
	r.add_argument("--ct-share", type=float, default=0.35,
		       help="share of rounds with state matches and connections")
	r.add_argument("--coverage", action="store_true",
		       help="name bpfw's lookups per round; fail if one kind never occurred")
	g = sub.add_parser("show", help="print a round's rule set and packets")
	g.add_argument("--seed", required=True)
	g.add_argument("--round", type=int, default=0)
	g.add_argument("--family", type=int, default=4, choices=[4, 6])
	g.add_argument("--packets", type=int, default=300)
	a = ap.parse_args()
	if a.cmd == "show":
		fam = Fam4 if a.family == 4 else Fam6
		rng = random.Random("%s:%d:%d" % (a.seed, a.family, a.round))
		gen = Gen(fam, rng)
		rs = gen.ruleset()
		sys.stdout.write(rs.text())
		for i in range(a.packets):
			print("# " + describe(fam, gen.packet(i)))
		return 0
	return Diff(a).main()


if __name__ == "__main__":
	sys.exit(main())
