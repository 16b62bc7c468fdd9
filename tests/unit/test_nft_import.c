// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the nf_tables rule translation (rules built with libnftnl, no kernel needed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ipt.h"
#include "bpfw/nft_import.h"
#include "cu.h"

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

static struct nftnl_rule *new_rule(uint32_t family)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "t");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "c");
	return r;
}

static void meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void payload(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

static void cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

static void bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	uint8_t zero[16] = { 0 };

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	nftnl_rule_add_expr(r, e);
}

static void verdict(struct nftnl_rule *r, int v)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, v);
	nftnl_rule_add_expr(r, e);
}

static void tcp_dport(struct nftnl_rule *r, uint16_t port)
{
	uint8_t tcp = IPPROTO_TCP, p[2] = { port >> 8, port & 0xff };

	meta(r, NFT_META_L4PROTO);
	cmp(r, NFT_CMP_EQ, &tcp, 1);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(r, NFT_CMP_EQ, p, 2);
}

static const char *no_chain(const char *nft_chain, void *arg)
{
	return NULL;
}

static int no_set(struct nftnl_set *s, enum ir_family family, char *name, char *why,
		  size_t why_len, void *arg)
{
	return -EOPNOTSUPP;
}

static const struct nft_xlate_ops ops = { no_chain, no_set, NULL };

/* An anonymous set "__set0" of table t of @family: @n keys of @klen bytes, with their flags. */
static struct nftnl_set_list *anon_set(uint32_t family, uint32_t flags, uint32_t klen,
				       const void *keys, const uint32_t *eflags, unsigned int n)
{
	struct nftnl_set_list *l = nftnl_set_list_alloc();
	struct nftnl_set *s = nftnl_set_alloc();

	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, family);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, "t");
	nftnl_set_set_str(s, NFTNL_SET_NAME, "__set0");
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | flags);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, klen);
	for (unsigned int i = 0; i < n; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();

		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, (const uint8_t *)keys + i * klen, klen);
		if (eflags && eflags[i])
			nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, eflags[i]);
		nftnl_set_elem_add(s, e);
	}
	nftnl_set_list_add(s, l);
	return l;
}

static void lookup(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, "__set0");
	nftnl_rule_add_expr(r, e);
}

/* Translate @r for @family (with the sets of @sets, taken over); -S's lines in @text. */
static int xlate_sets(struct nftnl_rule *r, enum ir_family family, char *text, size_t len,
		      char *why, struct nftnl_set_list *sets)
{
	struct nft_dump d = { .sets = sets };
	struct ir_rule **rules = NULL;
	unsigned int n = 0;
	FILE *f = fmemopen(text, len, "w");
	int ret;

	ret = nft_rule_translate(&d, r, family, &ops, &rules, &n, why, 256);
	for (unsigned int i = 0; i < n; i++) {
		ipt_format_rule(f, rules[i], family);
		fputc('\n', f);
		ir_rule_free(rules[i]);
	}
	fputc('\0', f);
	fclose(f);
	free(rules);
	nftnl_set_list_free(d.sets);
	nftnl_rule_free(r);
	return ret;
}

/* Translate @r for @family; the rules as -S prints them, one a line, in @text. */
static int xlate(struct nftnl_rule *r, enum ir_family family, char *text, size_t len,
		 char *why)
{
	return xlate_sets(r, family, text, len, why, nftnl_set_list_alloc());
}

static void test_set_of_ranges(void)
{
	/* ip saddr { 172.16.0.0-172.16.0.5, 10.0.0.0/8 }: interval starts and ends, any order */
	static const uint8_t keys[][4] = { { 11, 0, 0, 0 }, { 10, 0, 0, 0 }, { 172, 16, 0, 6 },
					   { 172, 16, 0, 0 }, { 0, 0, 0, 0 } };
	static const uint32_t eflags[] = { NFT_SET_ELEM_INTERVAL_END, 0,
					   NFT_SET_ELEM_INTERVAL_END, 0,
					   NFT_SET_ELEM_INTERVAL_END };
	struct nftnl_rule *r = new_rule(NFPROTO_IPV4);
	char text[512], why[256];

	payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 4);
	lookup(r);
	verdict(r, NF_DROP);
	CU_ASSERT_EQUAL(xlate_sets(r, IR_FAMILY_IPV4, text, sizeof(text), why,
				   anon_set(NFPROTO_IPV4, NFT_SET_INTERVAL, 4, keys, eflags, 5)),
			0);
	CU_ASSERT_STRING_EQUAL(text, "-s 10.0.0.0/8 -j DROP\n"
				     "-s 172.16.0.0/30 -j DROP\n"
				     "-s 172.16.0.4/31 -j DROP\n");
}

static void test_set_of_ports(void)
{
	/* tcp dport { 16, 15, ..., 1 } (a hash set dumps in any order): two multiports */
	struct nftnl_rule *r = new_rule(NFPROTO_IPV4);
	uint8_t keys[16][2], tcp = IPPROTO_TCP;
	char text[512], why[256];

	for (int i = 0; i < 16; i++) {
		keys[i][0] = 0;
		keys[i][1] = 16 - i;
	}
	meta(r, NFT_META_L4PROTO);
	cmp(r, NFT_CMP_EQ, &tcp, 1);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	lookup(r);
	verdict(r, NF_ACCEPT);
	CU_ASSERT_EQUAL(xlate_sets(r, IR_FAMILY_IPV4, text, sizeof(text), why,
				   anon_set(NFPROTO_IPV4, 0, 2, keys, NULL, 16)), 0);
	CU_ASSERT_STRING_EQUAL(text,
		"-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15 -j ACCEPT\n"
		"-p tcp -m multiport --dports 16 -j ACCEPT\n");
}

static void test_iptables_nft_port(void)
{
	struct nftnl_rule *r = new_rule(NFPROTO_IPV4);
	char text[512], why[256];

	tcp_dport(r, 22);
	verdict(r, NF_ACCEPT);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV4, text, sizeof(text), why), 0);
	CU_ASSERT_STRING_EQUAL(text, "-p tcp -m tcp --dport 22 -j ACCEPT\n");
}

static void test_prefix_and_interface(void)
{
	struct nftnl_rule *r = new_rule(NFPROTO_IPV4);
	uint8_t net = 10;
	char text[512], why[256];

	payload(r, NFT_PAYLOAD_NETWORK_HEADER, 12, 1);
	cmp(r, NFT_CMP_EQ, &net, 1);
	meta(r, NFT_META_IIFNAME);
	cmp(r, NFT_CMP_NEQ, "eth", 3);		/* no NUL: a prefix */
	verdict(r, NF_DROP);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV4, text, sizeof(text), why), 0);
	CU_ASSERT_STRING_EQUAL(text, "-s 10.0.0.0/8 ! -i eth+ -j DROP\n");
}

static void test_ct_state(void)
{
	struct nftnl_rule *r = new_rule(NFPROTO_INET);
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t zero = 0;
	char text[512], why[256];
	struct nftnl_expr *e = nftnl_expr_alloc("ct");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	bitwise(r, &mask, 4);
	cmp(r, NFT_CMP_NEQ, &zero, 4);
	verdict(r, NF_ACCEPT);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV6, text, sizeof(text), why), 0);
	CU_ASSERT_STRING_EQUAL(text, "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
}

static void test_inet_one_family(void)
{
	uint8_t v6 = NFPROTO_IPV6, addr[16] = { [15] = 1 };
	char text[512], why[256];

	for (int f = 0; f < IR_FAMILY_MAX; f++) {
		struct nftnl_rule *r = new_rule(NFPROTO_INET);

		meta(r, NFT_META_NFPROTO);
		cmp(r, NFT_CMP_EQ, &v6, 1);
		payload(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16);
		cmp(r, NFT_CMP_EQ, addr, 16);
		verdict(r, NF_DROP);
		CU_ASSERT_EQUAL(xlate(r, f, text, sizeof(text), why), 0);
		CU_ASSERT_STRING_EQUAL(text, f == IR_FAMILY_IPV6 ? "-s ::1/128 -j DROP\n" : "");
	}
}

static void test_log_and_verdict_split(void)
{
	struct nftnl_rule *r = new_rule(NFPROTO_IPV4);
	struct nftnl_expr *e = nftnl_expr_alloc("log");
	char text[512], why[256];

	tcp_dport(r, 8080);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, "web ");
	nftnl_rule_add_expr(r, e);
	verdict(r, NF_DROP);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV4, text, sizeof(text), why), 0);
	CU_ASSERT_STRING_EQUAL(text, "-p tcp -m tcp --dport 8080 -j LOG --log-prefix \"web \"\n"
				     "-p tcp -m tcp --dport 8080 -j DROP\n");
}

static void test_refused(void)
{
	struct nftnl_rule *r = new_rule(NFPROTO_IPV4);
	struct nftnl_expr *e;
	char text[512], why[256];

	/* an expression with no equivalent */
	nftnl_rule_add_expr(r, nftnl_expr_alloc("fib"));
	verdict(r, NF_DROP);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV4, text, sizeof(text), why), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "'fib'"));
	/* a test after limit would spend its tokens differently */
	r = new_rule(NFPROTO_IPV4);
	e = nftnl_expr_alloc("limit");
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, 10);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, 1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, 5);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_rule_add_expr(r, e);
	tcp_dport(r, 22);
	verdict(r, NF_ACCEPT);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV4, text, sizeof(text), why), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "after limit"));
	/* a jump to a chain that is not imported */
	r = new_rule(NFPROTO_IPV4);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NFT_JUMP);
	nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, "gone");
	nftnl_rule_add_expr(r, e);
	CU_ASSERT_EQUAL(xlate(r, IR_FAMILY_IPV4, text, sizeof(text), why), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "gone"));
}

static const struct cu_test tests[] = {
	{ "iptables-nft's port test", test_iptables_nft_port },
	{ "prefix and interface prefix", test_prefix_and_interface },
	{ "ct state under a mask", test_ct_state },
	{ "inet rule of one family", test_inet_one_family },
	{ "log statement and verdict split", test_log_and_verdict_split },
	{ "refused with the reason", test_refused },
	{ "a set of address ranges", test_set_of_ranges },
	{ "a set of ports", test_set_of_ports },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("nft_import", tests);
}
