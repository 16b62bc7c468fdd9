// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the LOG line (compat/log_fmt.c): the kernel's format for IPv4 and IPv6. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/cgen.h"
#include "../../compat/ipt_fmt.h"
#include "cu.h"

/* The line for @n bytes of @frame (from the Ethernet header), seen at @kind. */
static char *line_of(const uint8_t *frame, size_t n, enum cgen_prog_kind kind, uint8_t flags)
{
	struct cgen_log_event ev = { .kind = kind, .caplen = (uint32_t)n, .uid = UINT32_MAX };
	struct ir_target_log log = { .prefix = "[fw] ", .level = 4, .flags = flags };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	strcpy(ev.iif, kind == CGEN_PROG_TC_EGRESS ? "" : "veth0");
	strcpy(ev.oif, kind == CGEN_PROG_TC_EGRESS ? "veth0" : "");
	memcpy(ev.data, frame, n);
	ipt_log_line(f, &ev, &log);
	fclose(f);
	return buf;
}

static const uint8_t eth6[14] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd };

/* A frame of 96 bytes at @p: eth6, an IPv6 header (payload @plen, next header @next), zeros. */
static void ip6_header(uint8_t *p, uint16_t plen, uint8_t next)
{
	memset(p, 0, 96);
	memcpy(p, eth6, 14);
	p += 14;
	p[0] = 0x60;
	p[1] = 0x12;		/* traffic class 0x01, flow label 0x23456 */
	p[2] = 0x34;
	p[3] = 0x56;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = next;
	p[7] = 255;
	inet_pton(AF_INET6, "2001:db8::2", p + 8);
	inet_pton(AF_INET6, "2001:db8::1", p + 24);
}

static void test_ip6_lines(void)
{
	uint8_t f[128] = { 0 };
	char *s;

	/* an echo request */
	ip6_header(f, 16, IPPROTO_ICMPV6);
	f[54] = 128;
	f[58] = 0x12;
	f[59] = 0x34;
	f[61] = 7;
	s = line_of(f, 70, CGEN_PROG_TC_INGRESS, 0);
	CU_ASSERT_STRING_EQUAL(s, "[fw] IN=veth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:86:dd "
			       "SRC=2001:0db8:0000:0000:0000:0000:0000:0002 "
			       "DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=56 TC=1 "
			       "HOPLIMIT=255 FLOWLBL=144470 PROTO=ICMPv6 TYPE=128 CODE=0 ID=4660 "
			       "SEQ=7 \n");
	free(s);
	/* TCP behind a hop-by-hop header, sent from this host */
	ip6_header(f, 28, IPPROTO_HOPOPTS);
	f[54] = IPPROTO_TCP;
	f[62] = 0x9c;
	f[63] = 0x40;
	f[65] = 22;
	f[74] = 0x50;
	f[75] = 0x12;
	f[77] = 64;
	s = line_of(f, 82, CGEN_PROG_TC_EGRESS, 0);
	CU_ASSERT_STRING_EQUAL(s, "[fw] IN= OUT=veth0 "
			       "SRC=2001:0db8:0000:0000:0000:0000:0000:0002 "
			       "DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=68 TC=1 "
			       "HOPLIMIT=255 FLOWLBL=144470 PROTO=TCP SPT=40000 DPT=22 WINDOW=64 "
			       "RES=0x00 ACK SYN URGP=0 \n");
	free(s);
	/* a later fragment: its header, no ports */
	ip6_header(f, 16, IPPROTO_FRAGMENT);
	f[54] = IPPROTO_UDP;
	f[56] = 0x01;		/* offset 256 */
	f[57] = 0x01;		/* more */
	f[61] = 0x2a;
	s = line_of(f, 70, CGEN_PROG_TC_INGRESS, IR_LOG_MACDECODE);
	CU_ASSERT_STRING_EQUAL(s, "[fw] IN=veth0 OUT= MACSRC=02:00:00:00:00:02 "
			       "MACDST=02:00:00:00:00:01 MACPROTO=86dd "
			       "SRC=2001:0db8:0000:0000:0000:0000:0000:0002 "
			       "DST=2001:0db8:0000:0000:0000:0000:0000:0001 LEN=56 TC=1 "
			       "HOPLIMIT=255 FLOWLBL=144470 FRAG:256 INCOMPLETE ID:0000002a "
			       "PROTO=UDP \n");
	free(s);
}

static void test_ip4_line(void)
{
	uint8_t f[64] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,
			  0x45, 0, 0, 28, 0, 1, 0x40, 0, 64, IPPROTO_UDP, 0, 0,
			  10, 0, 0, 2, 10, 0, 0, 1,
			  0x9c, 0x40, 0, 53, 0, 8, 0, 0 };
	char *s = line_of(f, 42, CGEN_PROG_TC_INGRESS, 0);

	CU_ASSERT_STRING_EQUAL(s, "[fw] IN=veth0 OUT= MAC=02:00:00:00:00:01:02:00:00:00:00:02:08:00 "
			       "SRC=10.0.0.2 DST=10.0.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF "
			       "PROTO=UDP SPT=40000 DPT=53 LEN=8 \n");
	free(s);
}

static const struct cu_test tests[] = {
	{ "IPv4 line", test_ip4_line },
	{ "IPv6 lines: header, extension headers, ICMPv6, TCP", test_ip6_lines },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("log_fmt", tests);
}
