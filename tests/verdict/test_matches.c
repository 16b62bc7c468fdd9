// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of the match modules beyond tcp, udp and icmp: multiport
 * (port sets as bitmaps), in a built-in chain, a user chain and at XDP;
 * limit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include <bpf/libbpf.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

static struct pkt_spec ports(uint8_t proto, int sport, int dport)
{
	return (struct pkt_spec){ .src = "10.0.0.2", .proto = proto, .sport = (uint16_t)sport,
				  .dport = (uint16_t)dport };
}

static int in(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_INGRESS, &s);
}

/* Lists, ranges, each direction, "!", and the protocols with ports. */
static void test_multiport(void)
{
	struct pkt_spec frag = ports(IPPROTO_TCP, 1, 22);
	struct fw fw;

	frag.frag_off = 100;
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p tcp -m multiport --dports 22,80,1000:2000 -j DROP;"
					   "-A INPUT -p udp -m multiport ! --sports 53,123 -j DROP;"
					   "-A INPUT -p tcp -m multiport --ports 7:8 -j DROP;"
					   "-A INPUT -p sctp -m multiport --dports 5000 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 80)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 1000)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 2000)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 2001)), PASS);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 999)), PASS);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 7, 9)), DROP);	/* --ports: source */
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 9, 8)), DROP);	/* or destination */
	CU_ASSERT_EQUAL(in(&fw, frag), PASS);				/* no ports to match */
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_UDP, 53, 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_UDP, 123, 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_UDP, 54, 22)), DROP);
	frag.proto = IPPROTO_UDP;
	CU_ASSERT_EQUAL(in(&fw, frag), PASS);				/* inverted: still none */
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_SCTP, 1, 5000)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_SCTP, 1, 5001)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 4);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 2);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 4).packets, 1);
	fw_free(&fw);
}

/* The same bitmaps serve a user chain's frame and the XDP program. */
static void test_multiport_chain_and_xdp(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-N web; -A INPUT -p tcp -j web;"
					   "-A web -p tcp -m multiport --dports 80,443 -j DROP;"
					   "-t raw -A PREROUTING -p udp -m multiport --dports 1:10 -j DROP"),
			      0);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 443)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 444)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &(struct pkt_spec){ .src = "10.0.0.2",
			.proto = IPPROTO_UDP, .sport = 1, .dport = 10 }), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &(struct pkt_spec){ .src = "10.0.0.2",
			.proto = IPPROTO_UDP, .sport = 1, .dport = 11 }), PASS);
	fw_free(&fw);
}

/* 512 multiport matches fit in one map; the 513th is refused with the limit. */
static void test_multiport_limit(void)
{
	size_t cap = 600 * 64, len = 0;
	char *cmds = malloc(cap);
	struct fw fw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	for (int i = 0; i < 512; i++)
		len += snprintf(cmds + len, cap - len,
				"-A INPUT -p tcp -m multiport --dports %d,%d -j DROP;", i + 1, i + 3000);
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 3511)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 3512)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 512).packets, 1);
	fw_free(&fw);
	snprintf(cmds + len, cap - len, "-A INPUT -p tcp -m multiport --dports 7 -j DROP");
	CU_ASSERT_EQUAL(fw_load(&fw, cmds), -E2BIG);
	fw_free(&fw);
	free(cmds);
}

/* A burst of 3 passes, the rest waits; packets the rule's other matches reject take no token. */
static void test_limit(void)
{
	struct fw fw;
	int passed = 0;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-P INPUT DROP;"
					   "-A INPUT -p udp -m limit --limit 1/hour --limit-burst 3 -j ACCEPT;"
					   "-A INPUT -p tcp -m limit --limit 1/day --limit-burst 1 -j ACCEPT"),
			      0);
	for (int i = 0; i < 5; i++)
		passed += in(&fw, ports(IPPROTO_UDP, 1, 53)) == PASS;
	CU_ASSERT_EQUAL(passed, 3);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 22)), PASS);	/* its own bucket */
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 1, 22)), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 3);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 0).packets, 3);
	fw_free(&fw);
}

/* What the log ring received: the last event and how many. */
struct log_seen {
	struct cgen_log_event last;
	int n;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct log_seen *seen = ctx;

	if (len == sizeof(seen->last))
		memcpy(&seen->last, data, len);
	seen->n++;
	return 0;
}

/* LOG sends the packet to the ring and the next rule decides; at XDP too. */
static void test_log(void)
{
	struct log_seen seen = { .n = 0 };
	struct ring_buffer *rb;
	struct fw fw;
	int mi;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p tcp --dport 22 -j LOG --log-prefix ssh: ;"
					   "-A INPUT -p tcp --dport 22 -j DROP;"
					   "-t raw -A PREROUTING -p udp -j LOG"), 0);
	mi = cgen_output_find_map(&fw.out, CGEN_MAP_LOG);
	CU_ASSERT_FATAL(mi >= 0);
	rb = ring_buffer__new(fw.objs.map_fds[mi], on_event, &seen, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rb);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 40000, 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_TCP, 40000, 23)), PASS);
	CU_ASSERT_EQUAL(ring_buffer__consume(rb), 1);
	CU_ASSERT_EQUAL(seen.n, 1);
	CU_ASSERT_EQUAL(seen.last.slot, fw.rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER]->chains[0]
					->rules[0]->slot);
	CU_ASSERT_EQUAL(seen.last.kind, CGEN_PROG_TC_INGRESS);
	CU_ASSERT_STRING_EQUAL(seen.last.iif, "lo");
	CU_ASSERT_EQUAL(seen.last.caplen, 14 + 20 + 20);
	CU_ASSERT_EQUAL(seen.last.data[14 + 9], IPPROTO_TCP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &(struct pkt_spec){ .src = "10.0.0.2",
			.proto = IPPROTO_UDP, .sport = 1, .dport = 2 }), PASS);
	CU_ASSERT_EQUAL(ring_buffer__consume(rb), 1);
	CU_ASSERT_EQUAL(seen.last.kind, CGEN_PROG_XDP);
	CU_ASSERT_EQUAL(seen.last.caplen, 14 + 20 + 8);
	ring_buffer__free(rb);
	fw_free(&fw);
}

static struct pkt_spec to(const char *src, const char *dst)
{
	return (struct pkt_spec){ .src = src, .dst = dst, .proto = IPPROTO_UDP, .sport = 1,
				  .dport = 2 };
}

/* Address types from the address itself, and from this namespace's addresses. */
static void test_addrtype(void)
{
	struct fw fw;

	/* an address of this (private) namespace, with its broadcast address */
	CU_ASSERT_EQUAL_FATAL(system("ip addr add 10.5.5.5/24 brd + dev lo"), 0);
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-N t;-A INPUT -j t;"
					   "-A t -m addrtype --dst-type LOCAL -j DROP;"
					   "-A t -m addrtype --src-type BROADCAST,MULTICAST -j DROP;"
					   "-A t -m addrtype ! --dst-type UNICAST -s 10.9.9.9 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, to("10.1.1.1", "10.5.5.5")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("10.1.1.1", "127.0.0.9")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("10.1.1.1", "10.1.1.2")), PASS);
	CU_ASSERT_EQUAL(in(&fw, to("10.5.5.255", "10.1.1.2")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("224.0.0.1", "10.1.1.2")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("0.0.0.0", "10.1.1.2")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("10.9.9.9", "10.1.1.2")), PASS);	/* unicast */
	CU_ASSERT_EQUAL(in(&fw, to("10.9.9.9", "255.255.255.255")), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "t", 1).packets, 2);
	CU_ASSERT_EQUAL(fw_counter(&fw, "t", 2).packets, 3);
	CU_ASSERT_EQUAL(fw_counter(&fw, "t", 3).packets, 1);
	fw_free(&fw);
}

/* iprange, length and ttl, with "!" and a reversed range. */
static void test_fields(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-N t;-A INPUT -j t;"
					   "-A t -m iprange --src-range 10.0.0.10-10.0.1.5 -j DROP;"
					   "-A t -m iprange ! --dst-range 10.9.0.0-10.9.255.255 -j DROP;"
					   "-A t -m iprange --src-range 10.7.0.9-10.7.0.1 -j DROP;"
					   "-A t -s 10.8.0.0/16 -m length --length 29:100 -j DROP;"
					   "-A t -s 10.6.0.0/16 -m length ! --length 28 -j DROP;"
					   "-A t -s 10.5.0.0/16 -m ttl --ttl-lt 65 -j DROP;"
					   "-A t -s 10.4.0.0/16 -m ttl ! --ttl-eq 64 -j DROP;"
					   "-A t -s 10.3.0.0/16 -m ttl --ttl-gt 63 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, to("10.0.0.10", "10.9.1.1")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("10.0.1.5", "10.9.1.1")), DROP);
	CU_ASSERT_EQUAL(in(&fw, to("10.0.1.6", "10.9.1.1")), PASS);
	CU_ASSERT_EQUAL(in(&fw, to("10.0.0.9", "10.9.1.1")), PASS);
	CU_ASSERT_EQUAL(in(&fw, to("10.1.0.1", "10.10.0.0")), DROP);	/* outside dst */
	CU_ASSERT_EQUAL(in(&fw, to("10.7.0.5", "10.9.1.1")), PASS);	/* reversed: never */
	CU_ASSERT_EQUAL(in(&fw, to("10.8.0.1", "10.9.1.1")), PASS);	/* 28 bytes */
	CU_ASSERT_EQUAL(in(&fw, to("10.6.0.1", "10.9.1.1")), PASS);	/* ! 28 */
	CU_ASSERT_EQUAL(in(&fw, to("10.5.0.1", "10.9.1.1")), DROP);	/* 64 < 65 */
	CU_ASSERT_EQUAL(in(&fw, to("10.4.0.1", "10.9.1.1")), PASS);	/* 64 */
	CU_ASSERT_EQUAL(in(&fw, to("10.3.0.1", "10.9.1.1")), DROP);	/* 64 > 63 */
	CU_ASSERT_EQUAL(fw_counter(&fw, "t", 1).packets, 2);
	CU_ASSERT_EQUAL(fw_counter(&fw, "t", 3).packets, 0);
	fw_free(&fw);
}

/* ufw's rate limit: --set, then --update --seconds --hitcount; --rcheck, --remove, --rdest. */
static void test_recent(void)
{
	struct fw fw;
	int passed = 0;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p udp --dport 22 -m recent --set;"
					   "-A INPUT -p udp --dport 22 -m recent --update --seconds 30 "
					   "--hitcount 3 -j DROP;"
					   "-A INPUT -p udp --dport 23 -m recent --name x --rcheck -j DROP;"
					   "-A INPUT -p udp --dport 24 -m recent --name x --set --rdest;"
					   "-A INPUT -p udp --dport 25 -m recent --name x --remove -j DROP"),
			      0);
	for (int i = 0; i < 5; i++)
		passed += in(&fw, ports(IPPROTO_UDP, 1, 22)) == PASS;
	CU_ASSERT_EQUAL(passed, 2);		/* the third hit is one too many */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 5);
	/* list x: --rdest records the destination, 127.0.0.1 */
	CU_ASSERT_EQUAL(in(&fw, to("127.0.0.1", "10.0.0.1")), PASS);
	CU_ASSERT_EQUAL(in(&fw, (struct pkt_spec){ .src = "127.0.0.1", .proto = IPPROTO_UDP,
						   .sport = 1, .dport = 23 }), PASS);
	CU_ASSERT_EQUAL(in(&fw, ports(IPPROTO_UDP, 1, 24)), PASS);	/* records 127.0.0.1 */
	CU_ASSERT_EQUAL(in(&fw, (struct pkt_spec){ .src = "127.0.0.1", .proto = IPPROTO_UDP,
						   .sport = 1, .dport = 23 }), DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct pkt_spec){ .src = "127.0.0.1", .proto = IPPROTO_UDP,
						   .sport = 1, .dport = 25 }), DROP);	/* removed */
	CU_ASSERT_EQUAL(in(&fw, (struct pkt_spec){ .src = "127.0.0.1", .proto = IPPROTO_UDP,
						   .sport = 1, .dport = 23 }), PASS);
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "recent: set, update with seconds and hitcount, rcheck, remove", test_recent },
	{ "iprange, length, ttl", test_fields },
	{ "addrtype: multicast, broadcast, local, unicast", test_addrtype },
	{ "LOG: to the ring, then the next rule", test_log },
	{ "limit: burst, then the average; untouched by other packets", test_limit },
	{ "multiport: lists, ranges, directions, !", test_multiport },
	{ "multiport in a user chain and at XDP", test_multiport_chain_and_xdp },
	{ "multiport: 512 bitmaps, then the limit", test_multiport_limit },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("matches", tests);
}
