// SPDX-License-Identifier: GPL-2.0
/* The kernel LOG target's line for a logged packet (as net/netfilter/nf_log_syslog.c writes it). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "ipt_fmt.h"

#define IP_CE		0x8000
#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The transport part from "PROTO=": protocol @proto, its header at @l4
 * (@have bytes there), none if @frag (a fragment other than the first).
 */
static void put_l4(FILE *out, uint8_t proto, const uint8_t *l4, size_t have, bool frag,
		   uint8_t flags)
{
	static const char *const tcpflags[] = { "CWR", "ECE", "URG", "ACK", "PSH", "RST",
						"SYN", "FIN" };

	switch (proto) {
	case IPPROTO_TCP:
		fputs("PROTO=TCP ", out);
		if (frag)
			return;
		if (have < 20) {
			fprintf(out, "INCOMPLETE [%zu bytes] ", have);
			return;
		}
		fprintf(out, "SPT=%u DPT=%u ", be16(l4), be16(l4 + 2));
		if (flags & IR_LOG_TCPSEQ)
			fprintf(out, "SEQ=%u ACK=%u ", be32(l4 + 4), be32(l4 + 8));
		fprintf(out, "WINDOW=%u RES=0x%02x ", be16(l4 + 14), (l4[12] & 0x0e) << 4);
		for (int b = 0; b < 8; b++)
			if (l4[13] & (0x80 >> b))
				fprintf(out, "%s ", tcpflags[b]);
		fprintf(out, "URGP=%u ", be16(l4 + 18));
		return;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		fprintf(out, "PROTO=%s ", proto == IPPROTO_UDP ? "UDP" : "UDPLITE");
		if (frag)
			return;
		if (have < 8) {
			fprintf(out, "INCOMPLETE [%zu bytes] ", have);
			return;
		}
		fprintf(out, "SPT=%u DPT=%u LEN=%u ", be16(l4), be16(l4 + 2), be16(l4 + 4));
		return;
	case IPPROTO_ICMP:
		fputs("PROTO=ICMP ", out);
		if (frag)
			return;
		if (have < 4) {
			fprintf(out, "INCOMPLETE [%zu bytes] ", have);
			return;
		}
		fprintf(out, "TYPE=%u CODE=%u ", l4[0], l4[1]);
		if ((l4[0] == 0 || l4[0] == 8) && have >= 8)
			fprintf(out, "ID=%u SEQ=%u ", be16(l4 + 4), be16(l4 + 6));
		if (l4[0] == 12 && have >= 5)
			fprintf(out, "PARAMETER=%u ", l4[4]);
		if (l4[0] == 3 && l4[1] == 4 && have >= 8)
			fprintf(out, "MTU=%u ", be16(l4 + 6));
		return;
	case IPPROTO_ICMPV6:
		fputs("PROTO=ICMPv6 ", out);
		if (frag)
			return;
		if (have < 4) {
			fprintf(out, "INCOMPLETE [%zu bytes] ", have);
			return;
		}
		fprintf(out, "TYPE=%u CODE=%u ", l4[0], l4[1]);
		if ((l4[0] == 128 || l4[0] == 129) && have >= 8)
			fprintf(out, "ID=%u SEQ=%u ", be16(l4 + 4), be16(l4 + 6));
		if (l4[0] == 2 && have >= 8)
			fprintf(out, "MTU=%u ", be32(l4 + 4));
		return;
	default:
		fprintf(out, "PROTO=%u ", proto);
	}
}

/*
 * An IPv6 packet at @ip (@len bytes there): its header, the fragment
 * headers of its extension headers, and the transport part, as
 * dump_ipv6_packet() writes them.
 */
static void put_ip6(FILE *out, const uint8_t *ip, size_t len, uint8_t flags)
{
	uint32_t word = be32(ip);
	uint8_t next = ip[6];
	size_t off = 40;
	bool frag = false;

	/* the kernel's %pI6: eight groups of four digits, nothing left out */
	for (int k = 0; k < 2; k++) {
		fputs(k ? "DST=" : "SRC=", out);
		for (int g = 0; g < 8; g++)
			fprintf(out, "%04x%s", be16(ip + 8 + 16 * k + 2 * g), g < 7 ? ":" : " ");
	}
	fprintf(out, "LEN=%u TC=%u HOPLIMIT=%u FLOWLBL=%u ", be16(ip + 4) + 40u,
		(word >> 20) & 0xff, ip[7], word & 0xfffff);
	for (int n = 0; n < 8; n++) {
		const uint8_t *h = ip + off;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING &&
		    next != IPPROTO_FRAGMENT && next != IPPROTO_DSTOPTS && next != IPPROTO_AH)
			break;
		if (off + 8 > len || frag) {
			fputs("TRUNCATED ", out);
			return;
		}
		if (next == IPPROTO_FRAGMENT) {
			fprintf(out, "FRAG:%u ", (unsigned int)(be16(h + 2) & 0xfff8));
			if (h[3] & 1)
				fputs("INCOMPLETE ", out);
			fprintf(out, "ID:%08x ", be32(h + 4));
			frag = be16(h + 2) & 0xfff8;
			off += 8;
		} else if (next == IPPROTO_AH) {
			off += (h[1] + 2u) * 4;
		} else {
			off += (h[1] + 1u) * 8;
		}
		next = h[0];
	}
	put_l4(out, next, ip + off, len > off ? len - off : 0, frag, flags);
}

void ipt_log_line(FILE *out, const struct cgen_log_event *ev, const struct ir_target_log *log)
{
	const uint8_t *ip = ev->data + 14;
	size_t caplen = ev->caplen < sizeof(ev->data) ? ev->caplen : sizeof(ev->data);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	size_t ihl;
	uint16_t frag;

	fprintf(out, "%sIN=%.16s OUT=%.16s ", log->prefix, ev->iif, ev->oif);
	if (ev->kind != CGEN_PROG_TC_EGRESS && caplen >= 14) {
		if (log->flags & IR_LOG_MACDECODE) {
			fprintf(out, "MACSRC=%02x:%02x:%02x:%02x:%02x:%02x ", ev->data[6], ev->data[7],
				ev->data[8], ev->data[9], ev->data[10], ev->data[11]);
			fprintf(out, "MACDST=%02x:%02x:%02x:%02x:%02x:%02x MACPROTO=%04x ",
				ev->data[0], ev->data[1], ev->data[2], ev->data[3], ev->data[4],
				ev->data[5], be16(ev->data + 12));
		} else {
			fputs("MAC=", out);
			for (int i = 0; i < 14; i++)
				fprintf(out, "%02x%s", ev->data[i], i < 13 ? ":" : " ");
		}
	}
	if (caplen >= 14 + 40 && (ip[0] >> 4) == 6) {
		put_ip6(out, ip, caplen - 14, log->flags);
		goto uid;
	}
	if (caplen < 14 + 20 || (ip[0] >> 4) != 4) {
		fprintf(out, "TRUNCATED=%zu\n", caplen);
		return;
	}
	inet_ntop(AF_INET, ip + 12, a, sizeof(a));
	inet_ntop(AF_INET, ip + 16, b, sizeof(b));
	frag = be16(ip + 6);
	fprintf(out, "SRC=%s DST=%s LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", a, b,
		be16(ip + 2), ip[1] & 0x1e, ip[1] & 0xe0, ip[8], be16(ip + 4));
	if (frag & IP_CE)
		fputs("CE ", out);
	if (frag & IP_DF)
		fputs("DF ", out);
	if (frag & IP_MF)
		fputs("MF ", out);
	if (frag & IP_OFFSET)
		fprintf(out, "FRAG:%u ", (unsigned int)(frag & IP_OFFSET));
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	put_l4(out, ip[9], ip + ihl, caplen - 14 > ihl ? caplen - 14 - ihl : 0, frag & IP_OFFSET,
	       log->flags);
uid:
	if ((log->flags & IR_LOG_UID) && ev->uid != UINT32_MAX)
		fprintf(out, "UID=%u ", ev->uid);
	fputc('\n', out);
}
