/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet described in words, for tracing it through a rule set:
 * "in eth0 tcp 10.0.0.5:41000 > 10.0.0.1:22 flags S".  The parser
 * (frontend/pkt_spec.c) fills a struct pkt_desc; the frame is built from
 * it by compat/trace_frame.c.
 */
#ifndef BPFW_PKT_H
#define BPFW_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <net/if.h>

#include "bpfw/err.h"

#define PKT_FRAME_MAX	256	/* bytes of the largest frame pkt_desc_build() makes */

/* One packet: its direction, interface, addresses and transport header. */
struct pkt_desc {
	bool out;			/* sent by this host (OUTPUT), else received */
	char ifname[IFNAMSIZ];		/* where it arrives or leaves, "" if not said */
	bool v6;			/* IPv6 addresses */
	uint8_t src[16], dst[16];	/* network order; IPv4 in the first 4 bytes */
	uint8_t proto;			/* IPPROTO_* */
	uint16_t sport, dport;		/* TCP, UDP, SCTP, DCCP, UDP-Lite */
	uint8_t tcpflags;		/* the TCP header's flags byte */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;		/* ICMP echo and the like */
	uint8_t ttl;			/* TTL or hop limit */
	uint16_t payload;		/* bytes after the transport header */
};

/*
 * Parse the words @argv[0..@argc) of a packet description into @p.  A
 * word it does not know fails with a sentence naming it (exit status 2).
 */
int pkt_desc_parse(int argc, char **argv, struct pkt_desc *p, struct bpfw_err *err);

/* The words pkt_desc_parse() knows after @prev ("" at the start), for completion; NULL-ended. */
const char *const *pkt_desc_words(const char *prev);

/* Build the Ethernet frame of @p in @buf (PKT_FRAME_MAX bytes); returns its length. */
size_t pkt_desc_build(const struct pkt_desc *p, uint8_t *buf);

/* Print @p back as words pkt_desc_parse() reads. */
void pkt_desc_print(const struct pkt_desc *p, FILE *out);

#endif /* BPFW_PKT_H */
