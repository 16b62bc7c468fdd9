// SPDX-License-Identifier: GPL-2.0
/* The Ethernet frame of a packet described in words (struct pkt_desc). */
#include <arpa/inet.h>
#include <netinet/ip6.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "bpfw/pkt.h"

/* The transport header of @p at @l4; returns its length. */
static size_t l4_build(const struct pkt_desc *p, uint8_t *l4)
{
	switch (p->proto) {
	case IPPROTO_TCP: {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->source = htons(p->sport);
		th->dest = htons(p->dport);
		th->doff = sizeof(*th) / 4;
		th->window = htons(64240);
		l4[13] = p->tcpflags;
		return sizeof(*th);
	}
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE: {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->source = htons(p->sport);
		uh->dest = htons(p->dport);
		uh->len = htons(sizeof(*uh) + p->payload);
		return sizeof(*uh);
	}
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		l4[0] = p->sport >> 8;
		l4[1] = p->sport & 0xff;
		l4[2] = p->dport >> 8;
		l4[3] = p->dport & 0xff;
		return 12;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4[0] = p->icmp_type;
		l4[1] = p->icmp_code;
		l4[4] = p->icmp_id >> 8;
		l4[5] = p->icmp_id & 0xff;
		return 8;
	default:
		return 0;
	}
}

size_t pkt_desc_build(const struct pkt_desc *p, uint8_t *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	uint8_t *l3 = (uint8_t *)(eth + 1);
	size_t l4len;

	memset(buf, 0, PKT_FRAME_MAX);
	/* locally administered addresses, so the frame is unicast */
	memcpy(eth->h_dest, "\x02\x00\x00\x00\x00\x01", ETH_ALEN);
	memcpy(eth->h_source, "\x02\x00\x00\x00\x00\x02", ETH_ALEN);
	if (p->v6) {
		struct ip6_hdr *ip = (struct ip6_hdr *)l3;

		eth->h_proto = htons(ETH_P_IPV6);
		ip->ip6_flow = htonl(6u << 28);
		ip->ip6_hlim = p->ttl;
		ip->ip6_nxt = p->proto;
		memcpy(&ip->ip6_src, p->src, 16);
		memcpy(&ip->ip6_dst, p->dst, 16);
		l4len = l4_build(p, (uint8_t *)(ip + 1)) + p->payload;
		ip->ip6_plen = htons(l4len);
		return sizeof(*eth) + sizeof(*ip) + l4len;
	}
	struct iphdr *ip = (struct iphdr *)l3;

	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = sizeof(*ip) / 4;
	ip->ttl = p->ttl;
	ip->protocol = p->proto;
	memcpy(&ip->saddr, p->src, 4);
	memcpy(&ip->daddr, p->dst, 4);
	l4len = l4_build(p, (uint8_t *)(ip + 1)) + p->payload;
	ip->tot_len = htons(sizeof(*ip) + l4len);
	return sizeof(*eth) + sizeof(*ip) + l4len;
}
