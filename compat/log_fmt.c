// SPDX-License-Identifier: GPL-2.0
/* The kernel LOG target's line for a logged packet (as net/netfilter/nf_log_syslog.c writes it). */
#include <arpa/inet.h>
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

/* The transport part of an IPv4 header at @ip (@len bytes there), after "PROTO=". */
static void put_l4(FILE *out, const uint8_t *ip, size_t len, uint8_t flags)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	const uint8_t *l4 = ip + ihl;
	size_t have = len > ihl ? len - ihl : 0;
	static const char *const tcpflags[] = { "CWR", "ECE", "URG", "ACK", "PSH", "RST",
						"SYN", "FIN" };

	switch (ip[9]) {
	case IPPROTO_TCP:
		fputs("PROTO=TCP ", out);
		if (be16(ip + 6) & IP_OFFSET)
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
		fprintf(out, "PROTO=%s ", ip[9] == IPPROTO_UDP ? "UDP" : "UDPLITE");
		if (be16(ip + 6) & IP_OFFSET)
			return;
		if (have < 8) {
			fprintf(out, "INCOMPLETE [%zu bytes] ", have);
			return;
		}
		fprintf(out, "SPT=%u DPT=%u LEN=%u ", be16(l4), be16(l4 + 2), be16(l4 + 4));
		return;
	case IPPROTO_ICMP:
		fputs("PROTO=ICMP ", out);
		if (be16(ip + 6) & IP_OFFSET)
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
	default:
		fprintf(out, "PROTO=%u ", ip[9]);
	}
}

void ipt_log_line(FILE *out, const struct cgen_log_event *ev, const struct ir_target_log *log)
{
	const uint8_t *ip = ev->data + 14;
	size_t caplen = ev->caplen < sizeof(ev->data) ? ev->caplen : sizeof(ev->data);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
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
	put_l4(out, ip, caplen - 14, log->flags);
	if ((log->flags & IR_LOG_UID) && ev->uid != UINT32_MAX)
		fprintf(out, "UID=%u ", ev->uid);
	fputc('\n', out);
}
