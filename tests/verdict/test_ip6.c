// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of IPv6: ip6tables rules run on IPv6 packets, iptables
 * rules on IPv4 ones, in the same programs; extension headers are walked to
 * the transport header; ICMPv6, -m hl, -m rt; connection tracking of IPv6
 * flows, ICMPv6 errors RELATED to them, neighbour discovery UNTRACKED; and
 * -m recent lists holding IPv6 addresses; runs of IPv6 addresses folded
 * into lookups.  This host is 2001:db8::1.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

#define ME	"2001:db8::1"
#define PEER	"2001:db8::2"
#define OTHER	"2001:db8:1::7"

static struct pkt_spec tcp6(const char *src, const char *dst, int sport, int dport, int flags)
{
	return (struct pkt_spec){ .v6 = true, .src = src, .dst = dst, .proto = IPPROTO_TCP,
				  .sport = (uint16_t)sport, .dport = (uint16_t)dport,
				  .tcpflags = (uint8_t)flags };
}

static struct pkt_spec icmp6(const char *src, int type, int code)
{
	return (struct pkt_spec){ .v6 = true, .src = src, .dst = ME, .proto = IPPROTO_ICMPV6,
				  .icmp_type = (uint8_t)type, .icmp_code = (uint8_t)code,
				  .icmp_id = 7 };
}

static int in(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_INGRESS, &s);
}

static int out(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_EGRESS, &s);
}

/* Each family's rules see only its own packets. */
static void test_families(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p tcp --dport 22 -j DROP;"
				      "ip6 -A INPUT -p tcp --dport 80 -j DROP;"
				      "ip6 -P INPUT DROP;"
				      "ip6 -I INPUT -p tcp -j ACCEPT"), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 80)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 4000, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 4000, 80, TH_SYN)), PASS);	/* rule 1 first */
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 1).packets, 2);
	CU_ASSERT_EQUAL(in(&fw, icmp6(PEER, 128, 0)), DROP);			/* policy */
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 0).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	fw_free(&fw);

	/* an IPv4 rule set alone lets IPv6 through, and the other way round */
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-P INPUT DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 4000, 22, TH_SYN)), PASS);
	fw_free(&fw);
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -P INPUT DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 4000, 22, TH_SYN)), DROP);
	fw_free(&fw);
}

/* Addresses and prefixes, inverted or not, on both sides; and output. */
static void test_addresses(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -A INPUT -s 2001:db8:1::/48 -j DROP;"
				      "ip6 -A INPUT -s " PEER " -d ::1 -j DROP;"
				      "ip6 -A INPUT ! -s 2001:db8::/32 -p tcp -j DROP;"
				      "ip6 -A OUTPUT -d fe80::/10 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp6(OTHER, ME, 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8:2::7", ME, 1, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "::1", 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 1, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2002::1", ME, 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, icmp6("2002::1", 128, 0)), PASS);
	CU_ASSERT_EQUAL(out(&fw, tcp6(ME, "fe80::1", 22, 1, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(out(&fw, tcp6(ME, "fec0::1", 22, 1, TH_SYN)), PASS);
	fw_free(&fw);
}

/* The protocol and ports behind extension headers; later fragments have no ports. */
static void test_ext_headers(void)
{
	struct pkt_spec s = tcp6(PEER, ME, 1, 22, TH_SYN);
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -A INPUT -p tcp --dport 22 -j DROP;"
				      "ip6 -A INPUT -p tcp -j REJECT --reject-with tcp-reset;"
				      "ip6 -A INPUT -m rt --rt-type 0 -j DROP"), 0);
	s.ext[0] = EXT_HOPOPTS;
	s.ext[1] = IPPROTO_DSTOPTS;
	CU_ASSERT_EQUAL(in(&fw, s), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 1).packets, 1);
	s.ext[2] = IPPROTO_FRAGMENT;		/* the first fragment has the ports */
	CU_ASSERT_EQUAL(in(&fw, s), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 1).packets, 2);
	s.frag_off = 100;			/* a later one has none: -p tcp still matches */
	CU_ASSERT_EQUAL(in(&fw, s), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 1).packets, 2);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 2).packets, 1);
	/* a routing header of type 0 before UDP */
	s = (struct pkt_spec){ .v6 = true, .src = PEER, .dst = ME, .proto = IPPROTO_UDP,
			       .sport = 1, .dport = 53, .ext = { IPPROTO_ROUTING },
			       .rt_type = 0, .rt_segs = 1 };
	CU_ASSERT_EQUAL(in(&fw, s), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 3).packets, 1);
	s.rt_type = 2;
	CU_ASSERT_EQUAL(in(&fw, s), PASS);
	fw_free(&fw);
}

/* ICMPv6 types by name and number, and -m hl, as ufw allows neighbour discovery. */
static void test_icmp6_hl(void)
{
	struct pkt_spec ns = icmp6("fe80::2", 135, 0);
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -P INPUT DROP;"
				      "ip6 -A INPUT -p icmpv6 --icmpv6-type echo-request -j ACCEPT;"
				      "ip6 -A INPUT -p ipv6-icmp --icmpv6-type neighbour-solicitation "
				      "-m hl --hl-eq 255 -j ACCEPT;"
				      "ip6 -A INPUT -p icmpv6 --icmpv6-type 1/4 -j ACCEPT;"
				      "ip6 -A INPUT -m hl --hl-lt 5 -j ACCEPT"), 0);
	CU_ASSERT_EQUAL(in(&fw, icmp6(PEER, 128, 0)), PASS);
	CU_ASSERT_EQUAL(in(&fw, icmp6(PEER, 129, 0)), DROP);
	ns.hop_limit = 255;
	CU_ASSERT_EQUAL(in(&fw, ns), PASS);
	ns.hop_limit = 254;
	CU_ASSERT_EQUAL(in(&fw, ns), DROP);
	CU_ASSERT_EQUAL(in(&fw, icmp6(PEER, 1, 4)), PASS);
	CU_ASSERT_EQUAL(in(&fw, icmp6(PEER, 1, 3)), DROP);
	ns.hop_limit = 4;
	CU_ASSERT_EQUAL(in(&fw, ns), PASS);
	fw_free(&fw);
}

/* A host with INPUT policy DROP opens connections out; errors about them are RELATED. */
static void test_conntrack(void)
{
	struct pkt_spec err = icmp6(PEER, 1, 4), quoted = tcp6(ME, PEER, 40000, 80, TH_SYN);
	struct pkt_spec ns = icmp6("fe80::2", 135, 0), echo = icmp6(PEER, 129, 0);
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -P INPUT DROP;"
				      "ip6 -A INPUT -m conntrack --ctstate INVALID -j DROP;"
				      "ip6 -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED "
				      "-j ACCEPT;"
				      "ip6 -A INPUT -m conntrack --ctstate UNTRACKED -j ACCEPT;"
				      "ip6 -A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT"),
			      0);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 80, 40000, TH_SYN | TH_ACK)), DROP);
	CU_ASSERT_EQUAL(out(&fw, tcp6(ME, PEER, 40000, 80, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 80, 40000, TH_SYN | TH_ACK)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(OTHER, ME, 80, 40000, TH_ACK)), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 2).packets, 1);
	/* an error quoting the connection's packet */
	err.inner = &quoted;
	CU_ASSERT_EQUAL(in(&fw, err), PASS);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 2).packets, 2);
	quoted.dport = 81;
	CU_ASSERT_EQUAL(in(&fw, err), DROP);
	/* echo out and back */
	CU_ASSERT_EQUAL(in(&fw, echo), DROP);
	echo = icmp6(ME, 128, 0);
	echo.dst = PEER;
	CU_ASSERT_EQUAL(out(&fw, echo), PASS);
	echo = icmp6(PEER, 129, 0);
	CU_ASSERT_EQUAL(in(&fw, echo), PASS);
	/* neighbour solicitations are not tracked */
	CU_ASSERT_EQUAL(in(&fw, ns), PASS);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 3).packets, 1);
	/* SSH in, its answer out: then ESTABLISHED */
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 41000, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 4).packets, 1);
	fw_free(&fw);
}

/* ufw's rate limit: -m recent lists of IPv6 sources, apart from IPv4 ones. */
static void test_recent(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -m recent --name L --rcheck -j DROP;"
				      "ip6 -A INPUT -p tcp --dport 22 -m recent --name L --set;"
				      "ip6 -A INPUT -p tcp --dport 22 -m recent --name L --update "
				      "--seconds 30 --hitcount 3 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 1, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 2, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(OTHER, ME, 2, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 3, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), PASS);	/* the IPv4 side is apart */
	fw_free(&fw);
}

/* Runs of IPv6 addresses and prefixes fold into one lookup each, first match kept. */
static void test_fold(void)
{
	char cmds[4096] = "";
	size_t n = 0;
	unsigned int lookups = 0;
	struct fw fw;

	for (int i = 1; i <= 20; i++)
		n += (size_t)snprintf(cmds + n, sizeof(cmds) - n,
				      "ip6 -A INPUT -s 2001:db8:5::%x -j DROP;", i);
	for (int i = 1; i <= 10; i++)
		n += (size_t)snprintf(cmds + n, sizeof(cmds) - n,
				      "ip6 -A INPUT -d 2001:db8:%x::/48 -j DROP;", i);
	/* inside the third /48, after it: never decides */
	snprintf(cmds + n, sizeof(cmds) - n, "ip6 -A INPUT -d 2001:db8:3:1::/64 -j ACCEPT");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	for (unsigned int i = 0; i < fw.out.n_maps; i++)
		lookups += fw.out.maps[i].role == CGEN_MAP_LOOKUP;
	CU_ASSERT_EQUAL(lookups, 2);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8:5::7", ME, 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 7).packets, 1);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8:5::77", ME, 1, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "2001:db8:3:1::5", 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 23).packets, 1);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 31).packets, 0);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "2001:db8:b::5", 1, 22, TH_SYN)), PASS);
	fw_free(&fw);
}

/* The IPv6 raw table at XDP, beside the IPv4 one, and its hand-over at the switch. */
static void test_raw_xdp(void)
{
	struct pkt_spec s = tcp6("2001:db8::66", ME, 1, 22, TH_SYN);
	struct fw fw, next;
	struct fw_opts o = { 0 };

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -t raw -A PREROUTING -s 2001:db8::66 -j DROP;"
				      "-t raw -A PREROUTING -s 10.0.0.66 -j DROP"), 0);
	CU_ASSERT_TRUE(fw.out.progs[CGEN_PROG_XDP].present);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &s), DROP);
	s.src = PEER;
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &s), PASS);
	s = TCP("10.0.0.66", 22);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &s), DROP);
	s = TCP("10.0.0.67", 22);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &s), PASS);

	/* the next generation drops another address; until the switch the old rule holds */
	o.generation = 2;
	o.first_slot = 100;
	o.xdp_prev6 = fw.rs->tables[IR_FAMILY_IPV6][IR_TABLE_RAW];
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&next, "ip6 -t raw -A PREROUTING -s " PEER " -j DROP",
					   &o), 0);
	fw_set_generation(&next, 1);
	s = tcp6("2001:db8::66", ME, 1, 22, TH_SYN);
	CU_ASSERT_EQUAL(fw_run(&next, CGEN_PROG_XDP, &s), DROP);
	s.src = PEER;
	CU_ASSERT_EQUAL(fw_run(&next, CGEN_PROG_XDP, &s), PASS);
	fw_set_generation(&next, 2);
	CU_ASSERT_EQUAL(fw_run(&next, CGEN_PROG_XDP, &s), DROP);
	s.src = "2001:db8::66";
	CU_ASSERT_EQUAL(fw_run(&next, CGEN_PROG_XDP, &s), PASS);
	fw_free(&next);
	fw_free(&fw);
}

/* -m iprange with IPv6 ranges, inverted or not. */
static void test_iprange(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -A INPUT -m iprange --src-range "
				      "2001:db8::10-2001:db8::1:0 -j DROP;"
				      "ip6 -A INPUT -m iprange ! --dst-range ::1-::5 -p tcp -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8::10", "::1", 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8::ffff", "::1", 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8::1:0", "::1", 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8::1:1", "::1", 1, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8::f", "::3", 1, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6("2001:db8::f", "::6", 1, 22, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 1).packets, 3);
	fw_free(&fw);
}

/* -m addrtype of IPv6 addresses: ::1 is this namespace's own, ff00::/8 multicast. */
static void test_addrtype(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -A INPUT -m addrtype --dst-type LOCAL -p tcp "
				      "--dport 1 -j DROP;"
				      "ip6 -A INPUT -m addrtype --dst-type MULTICAST -j DROP;"
				      "ip6 -A INPUT -m addrtype --src-type UNSPEC -j DROP;"
				      "ip6 -A INPUT -m addrtype ! --dst-type UNICAST -p tcp --dport 2 "
				      "-j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "::1", 5, 1, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 5, 1, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "ff02::1", 5, 7, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6("::", ME, 5, 7, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, ME, 5, 2, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "::1", 5, 2, TH_SYN)), PASS);	/* LOCAL, UNICAST */
	CU_ASSERT_EQUAL(in(&fw, tcp6(PEER, "ff02::2", 5, 2, TH_SYN)), DROP);
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "each family's rules on its own packets", test_families },
	{ "IPv6 addresses and prefixes", test_addresses },
	{ "extension headers, fragments, -m rt", test_ext_headers },
	{ "ICMPv6 types and -m hl", test_icmp6_hl },
	{ "connection tracking of IPv6", test_conntrack },
	{ "-m recent with IPv6 sources", test_recent },
	{ "IPv6 runs folded into lookups", test_fold },
	{ "the IPv6 raw table at XDP", test_raw_xdp },
	{ "-m iprange with IPv6 ranges", test_iprange },
	{ "-m addrtype of IPv6 addresses", test_addrtype },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("ipv6", tests);
}
