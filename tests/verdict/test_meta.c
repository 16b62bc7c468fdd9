// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of -m mac, -m mark, -m pkttype and -m owner: frames with
 * chosen Ethernet addresses run on a veth interface of the test's own
 * namespace (lo has no Ethernet header to the kernel: mac never matches
 * there), with a chosen skb mark.  The packet type comes from the
 * destination address, as eth_type_trans() reads it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

#define DEV		"bpfwm0"
#define DEV_MAC		"02:00:00:00:00:01"

static const uint8_t dev_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t peer_mac[ETH_ALEN] = { 0x42, 1, 2, 3, 4, 5 };
static const uint8_t other_mac[ETH_ALEN] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
static const uint8_t bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast_mac[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0, 0, 1 };

/* One frame: its link addresses, the skb's mark and interface, IPv4 or IPv6 UDP. */
struct frame {
	const uint8_t *src, *dst;
	uint32_t mark;
	bool on_lo;
	bool v6;
};

static int dev_index;

/* A UDP datagram from 10.0.0.2 (or 2001:db8::2) to port 53, framed as @f says. */
static size_t build(const struct frame *f, uint8_t *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct udphdr *uh;
	size_t len;

	memset(buf, 0, 128);
	memcpy(eth->h_source, f->src, ETH_ALEN);
	memcpy(eth->h_dest, f->dst, ETH_ALEN);
	if (f->v6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->nexthdr = IPPROTO_UDP;
		ip6->hop_limit = 64;
		ip6->payload_len = htons(sizeof(*uh));
		inet_pton(AF_INET6, "2001:db8::2", &ip6->saddr);
		inet_pton(AF_INET6, "2001:db8::1", &ip6->daddr);
		uh = (struct udphdr *)(ip6 + 1);
		len = sizeof(*eth) + sizeof(*ip6) + sizeof(*uh);
	} else {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->tot_len = htons(sizeof(*ip) + sizeof(*uh));
		inet_pton(AF_INET, "10.0.0.2", &ip->saddr);
		inet_pton(AF_INET, "10.0.0.1", &ip->daddr);
		uh = (struct udphdr *)(ip + 1);
		len = sizeof(*eth) + sizeof(*ip) + sizeof(*uh);
	}
	uh->source = htons(40000);
	uh->dest = htons(53);
	uh->len = htons(sizeof(*uh));
	return len;
}

/* Run frame @f through program @kind: PASS, DROP, or 1000 + an unexpected code. */
static int run(struct fw *fw, enum cgen_prog_kind kind, const struct frame *f)
{
	uint32_t store[33];
	uint8_t *buf = (uint8_t *)store + 2;
	size_t len = build(f, buf);
	struct __sk_buff skb = { .ifindex = f->on_lo ? 1 : (uint32_t)dev_index, .mark = f->mark };
	struct xdp_md xdp = { .ingress_ifindex = skb.ifindex, .data_end = (uint32_t)len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);
	int ret;

	if (kind == CGEN_PROG_XDP) {
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	}
	ret = bpf_prog_test_run_opts(fw->objs.prog_fds[kind], &opts);
	CU_ASSERT_EQUAL(ret, 0);
	if (ret) {
		fprintf(stderr, "test run: %s\n", strerror(errno));
		return 1000;
	}
	if (kind != CGEN_PROG_XDP)
		return (int)opts.retval;
	return opts.retval == XDP_PASS ? PASS : opts.retval == XDP_DROP ? DROP :
	       1000 + (int)opts.retval;
}

static int in(struct fw *fw, struct frame f)
{
	return run(fw, CGEN_PROG_TC_INGRESS, &f);
}

/* The source address, "!", on lo never; in a user chain; at XDP. */
static void test_mac(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p udp -m mac --mac-source 42:01:02:03:04:05 -j DROP;"
					   "-N m; -A INPUT -p tcp -j m;"
					   "-A m -m mac ! --mac-source aa:bb:cc:dd:ee:ff -j DROP;"
					   "-t raw -A PREROUTING -m mac --mac-source aa:bb:cc:dd:ee:ff -j DROP"),
			      0);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac }), DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = other_mac, .dst = dev_mac }), PASS);
	/* lo: xt_mac never matches a device that is not Ethernet */
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .on_lo = true }),
			PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_XDP, &(struct frame){ .src = other_mac, .dst = dev_mac }),
			DROP);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_XDP, &(struct frame){ .src = peer_mac, .dst = dev_mac }),
			PASS);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_XDP,
			    &(struct frame){ .src = other_mac, .dst = dev_mac, .on_lo = true }), PASS);
	fw_free(&fw);
	/* the inverted test in the user chain, reached by TCP */
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-N m; -A INPUT -j m;"
					   "-A m -m mac ! --mac-source aa:bb:cc:dd:ee:ff -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac }), DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = other_mac, .dst = dev_mac }), PASS);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .on_lo = true }),
			PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "m", 1).packets, 1);
	fw_free(&fw);
}

/* VALUE, VALUE/MASK, "!", a mask of 0; ingress and egress. */
static void test_mark(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -m mark --mark 0x10 -j DROP;"
					   "-A INPUT -m mark --mark 0x100/0xf00 -j DROP;"
					   "-A INPUT -m mark ! --mark 0x0/0xff -j DROP;"
					   "-A INPUT -m mark --mark 1/0 -j DROP;"
					   "-A OUTPUT -m mark --mark 0xfeedcafe -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac }), PASS);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .mark = 0x10 }),
			DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .mark = 0x1100 }),
			DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .mark = 0x1200 }),
			PASS);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .mark = 0x3 }),
			DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .mark = 0x11 }),
			DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 2);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 4).packets, 0);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_TC_EGRESS,
			    &(struct frame){ .src = dev_mac, .dst = peer_mac, .mark = 0xfeedcafe }),
			DROP);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_TC_EGRESS,
			    &(struct frame){ .src = dev_mac, .dst = peer_mac, .mark = 0xfeedcaff }),
			PASS);
	fw_free(&fw);
}

/* Unicast to this host, broadcast, multicast, another host's, and "!". */
static void test_pkttype(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -m pkttype --pkt-type broadcast -j DROP;"
					   "-A INPUT -m pkttype --pkt-type multicast -j DROP;"
					   "-A INPUT -m pkttype --pkt-type otherhost -j DROP;"
					   "-A INPUT -m pkttype ! --pkt-type unicast -j DROP;"
					   "-A INPUT -p udp -m pkttype --pkt-type host"), 0);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac }), PASS);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = bcast_mac }), DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = mcast_mac }), DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = other_mac }), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 4).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 5).packets, 1);
	fw_free(&fw);
}

/*
 * A test run's packet has a socket of the kernel's own, whose uid is 0 (a
 * packet with none, or one whose socket has no file, is the end-to-end
 * test's).
 */
static void test_owner(void)
{
	struct fw fw;
	struct frame out = { .src = dev_mac, .dst = peer_mac };

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A OUTPUT -m owner --uid-owner 0;"
					   "-A OUTPUT -m owner --socket-exists;"
					   "-A OUTPUT -m owner ! --uid-owner 0-100;"
					   "-A OUTPUT -m owner ! --socket-exists ! --uid-owner 5;"
					   "-A OUTPUT -m owner --socket-exists --uid-owner 1-10;"
					   "-A OUTPUT -m owner ! --uid-owner 1-10 -j DROP"), 0);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_TC_EGRESS, &out), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "OUTPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "OUTPUT", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "OUTPUT", 3).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "OUTPUT", 4).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "OUTPUT", 5).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "OUTPUT", 6).packets, 1);
	fw_free(&fw);
}

/* The raw table runs at XDP: no mark, packet type or socket there. */
static void test_refusals(void)
{
	struct fw fw;

	CU_ASSERT_NOT_EQUAL(fw_load(&fw, "-t raw -A PREROUTING -m mark --mark 1 -j DROP"), 0);
	fw_free(&fw);
	CU_ASSERT_NOT_EQUAL(fw_load(&fw, "-t raw -A PREROUTING -m pkttype --pkt-type host"), 0);
	fw_free(&fw);
	/* mac in OUTPUT, owner in INPUT: the kernel's hook checks */
	CU_ASSERT_NOT_EQUAL(fw_load(&fw, "-A OUTPUT -m mac --mac-source 42:01:02:03:04:05"), 0);
	fw_free(&fw);
	CU_ASSERT_NOT_EQUAL(fw_load(&fw, "-N o; -A o -m owner --uid-owner 0; -A INPUT -j o"), 0);
	fw_free(&fw);
}

/* The same tests on IPv6 packets, from ip6tables rules. */
static void test_ipv6(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "ip6 -A INPUT -m mac --mac-source 42:01:02:03:04:05 -j DROP;"
					   "ip6 -A INPUT -m mark --mark 7 -j DROP;"
					   "ip6 -A INPUT -m pkttype --pkt-type multicast -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = other_mac, .dst = dev_mac, .v6 = true }),
			PASS);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac, .v6 = true }),
			DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = other_mac, .dst = dev_mac, .v6 = true,
						.mark = 7 }), DROP);
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = other_mac, .dst = mcast_mac, .v6 = true }),
			DROP);
	/* an IPv4 packet is not the IPv6 rules' */
	CU_ASSERT_EQUAL(in(&fw, (struct frame){ .src = peer_mac, .dst = dev_mac }), PASS);
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "mac: source address, !, never on lo, user chain, XDP", test_mac },
	{ "mark: value, mask, !, egress", test_mark },
	{ "pkttype: unicast, broadcast, multicast, otherhost, !", test_pkttype },
	{ "owner: socket, uid ranges, !", test_owner },
	{ "raw table and hook refusals", test_refusals },
	{ "mac, mark, pkttype on IPv6", test_ipv6 },
	{ NULL, NULL },
};

int main(void)
{
	if (fw_private_netns()) {
		fprintf(stderr, "cannot make a private network namespace (root needed)\n");
		return 1;
	}
	if (system("ip link add " DEV " address " DEV_MAC " type veth peer name " DEV "p && ip link set " DEV " up")) {
		fprintf(stderr, "cannot add a veth pair\n");
		return 1;
	}
	dev_index = (int)if_nametoindex(DEV);
	libbpf_set_print(NULL);
	return cu_run("meta", tests);
}
