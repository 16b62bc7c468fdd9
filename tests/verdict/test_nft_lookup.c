// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of nftables' anonymous sets and verdict maps, written in
 * nft syntax and compiled to one map lookup each: the edges of address and
 * port ranges (each cut into prefixes), IPv6 prefixes, "!=", a verdict map
 * with accept, drop, continue and jump, and many sets in one rule set (two
 * maps hold them all); "limit rate over", which iptables cannot say.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "bpfw/cgen.h"
#include "bpfw/nft.h"
#include "cu.h"
#include "vfw.h"

static const char *nft_text;

/* The rule set of nft_text, as "nft -f" makes it. */
static int edit_nft(struct ir_ruleset *rs)
{
	struct nft_ctx ctx = { 0 };
	struct bpfw_err err = { 0 };
	int ret = nft_run_buf(&ctx, rs, nft_text, strlen(nft_text), "test", &err);

	if (ret)
		fprintf(stderr, "nft: %s\n", err.msg);
	nft_ctx_release(&ctx);
	bpfw_err_clear(&err);
	return ret;
}

static int load(struct fw *fw, const char *text)
{
	const struct fw_opts o = { .edit = edit_nft };

	nft_text = text;
	return fw_load_opts(fw, "", &o);
}

static int in(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_INGRESS, &s);
}

static void test_address_sets(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(load(&fw,
		"table inet t {\n"
		"  chain in {\n"
		"    type filter hook input priority 0; policy accept;\n"
		"    ip saddr { 10.0.0.7, 10.1.0.0/16, 10.2.0.1-10.2.0.9 } drop\n"
		"    ip6 saddr { 2001:db8::/32, ::5 } drop\n"
		"    ip saddr != { 10.0.0.0/8, 192.0.2.0/24 } tcp dport 443 drop\n"
		"    ip6 saddr { ::/0 } tcp dport 7 drop\n"
		"  }\n"
		"}\n"), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.7", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.8", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.1.255.255", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.2.0.0", 22)), PASS);	/* the range's edges */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.2.0.1", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.2.0.8", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.2.0.9", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.2.0.10", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8:ffff::1", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db9::1", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP6("::5", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.3.0.1", 443)), PASS);	/* in the set: != fails */
	CU_ASSERT_EQUAL(in(&fw, TCP("198.51.100.1", 443)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("198.51.100.1", 444)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP6("ffff::1", 7)), DROP);	/* ::/0: the whole space */
	CU_ASSERT_EQUAL(in(&fw, TCP6("ffff::1", 8)), PASS);
	fw_free(&fw);
}

static void test_verdict_map(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(load(&fw,
		"table ip t {\n"
		"  chain web { ip saddr 10.0.0.1 accept; }\n"
		"  chain in {\n"
		"    type filter hook input priority 0; policy drop;\n"
		"    tcp dport vmap { 22 : accept, 23 : drop, 1000-1999 : continue, "
		"8000-8100 : jump web }\n"
		"    tcp dport 1500 accept\n"
		"    meta l4proto vmap { udp : accept }\n"
		"  }\n"
		"}\n"), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 23)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 24)), DROP);		/* no element: policy */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 1500)), PASS);	/* continue, then accept */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 1501)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.1", 8100)), PASS);	/* jump web: accepted */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 8000)), DROP);	/* web returns: policy */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.1", 8101)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 53)), PASS);
	fw_free(&fw);
}

static void test_port_ranges(void)
{
	struct fw fw;

	/* 17 ports: more than -m multiport holds, so a lookup */
	CU_ASSERT_EQUAL_FATAL(load(&fw,
		"table ip t {\n"
		"  chain in {\n"
		"    type filter hook input priority 0; policy accept;\n"
		"    udp dport { 1-3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, "
		"1023-2049 } drop\n"
		"  }\n"
		"}\n"), 0);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 1)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 3)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 4)), PASS);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 31)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 1022)), PASS);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 1023)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 2048)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 2049)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.2", 2050)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 1)), PASS);		/* udp only */
	fw_free(&fw);
}

static void test_many_sets(void)
{
	char text[65536];
	size_t n = 0;
	struct fw fw;

	/* 200 rules with a set each: far more than a program's 64 maps */
	n += (size_t)snprintf(text + n, sizeof(text) - n,
			      "table ip t {\n  chain in {\n"
			      "    type filter hook input priority 0; policy accept;\n");
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "    tcp dport %d ip saddr { 10.%d.0.1, 10.%d.1.0/24 } drop\n",
				      1000 + i, i, i);
	snprintf(text + n, sizeof(text) - n, "  }\n}\n");
	CU_ASSERT_EQUAL_FATAL(load(&fw, text), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.150.0.1", 1150)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.150.1.77", 1150)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.150.0.1", 1151)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.150.0.2", 1150)), PASS);
	fw_free(&fw);
}

static void test_limit_over(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(load(&fw,
		"table ip t {\n"
		"  chain in {\n"
		"    type filter hook input priority 0; policy accept;\n"
		"    tcp dport 22 limit rate over 1/minute burst 2 packets drop\n"
		"    meta length 100-200 drop\n"
		"    ip ttl != 64 drop\n"
		"  }\n"
		"}\n"), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), PASS);	/* within the burst */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), DROP);	/* over the rate */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 23)), PASS);
	fw_free(&fw);
}

static void test_concatenations(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(load(&fw,
		"table inet t {\n"
		"  chain in {\n"
		"    type filter hook input priority 0; policy accept;\n"
		"    ip saddr . tcp dport { 10.0.0.1 . 22, 10.0.0.2 . 1000-1999 } drop\n"
		"    ip6 saddr . tcp dport vmap { 2001:db8::1 . 22 : drop, 2001:db8::2 . 22 : accept }\n"
		"    tcp dport 22 drop\n"
		"    meta l4proto { tcp, udp } th dport 5353 drop\n"
		"    meta l4proto . th dport . ip saddr { tcp . 2222 . 10.0.0.9 } drop\n"
		"  }\n"
		"}\n"), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.1", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.1", 23)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 999)), PASS);		/* the last field's range */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 1000)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 1999)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 2000)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.3", 1500)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::1", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::2", 22)), PASS);	/* accepted by the map */
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::3", 22)), DROP);	/* not in it: the next rule */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.9", 5353)), DROP);		/* th dport: any transport */
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.9", 5353)), DROP);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.9", 5354)), PASS);
	/* packed: the port at byte 1, the address at byte 3, written byte by byte */
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.9", 2222)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.8", 2222)), PASS);
	CU_ASSERT_EQUAL(in(&fw, UDP("10.0.0.9", 2222)), PASS);
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "anonymous sets of addresses: ranges, prefixes, IPv6, !=", test_address_sets },
	{ "a verdict map: accept, drop, continue, jump", test_verdict_map },
	{ "a set of ports and port ranges beyond multiport", test_port_ranges },
	{ "200 sets in one rule set", test_many_sets },
	{ "limit rate over, meta length, ip ttl !=", test_limit_over },
	{ "concatenations, th dport", test_concatenations },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("nft lookups", tests);
}
