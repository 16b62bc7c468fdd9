// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of nftables tables in the compiled programs: base chains of
 * several tables at one hook run in priority order beside iptables' filter
 * table (priority 0); an accept ends only its base chain, a drop the hook;
 * an inet table's rules run for both families, a rule for one family only
 * in that family; a log statement before a verdict.  The tables are built
 * in the rule model directly, as the nft front end builds them.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

static int in(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_INGRESS, &s);
}

/* A rule: -p tcp --dport @port (0: any) with @verdict; appended to @c. */
static struct ir_rule *add_rule(struct ir_chain *c, int port, enum ir_target_kind verdict)
{
	struct ir_rule *r = ir_rule_new();
	struct ir_match *m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	r->target.kind = verdict;
	if (port) {
		r->ip.proto = IPPROTO_TCP;
		CU_ASSERT_EQUAL_FATAL(ir_rule_add_match(r, IR_MATCH_TCP, &m), 0);
		m->ports.dport.lo = m->ports.dport.hi = (uint16_t)port;
	}
	CU_ASSERT_EQUAL_FATAL(ir_chain_insert(c, c->n_rules, r), 0);
	return r;
}

/* inet t1: input at priority -10, policy drop: 22 and 80 accepted (then iptables' INPUT). */
static int edit_before(struct ir_ruleset *rs)
{
	struct ir_table *t;
	struct ir_chain *c;
	int ret = ir_nft_table_add(rs, IR_NFT_INET, "t1", &t);

	if (!ret)
		ret = ir_nft_base_chain_add(t, "in", IR_HOOK_INPUT, -10, IR_VERDICT_DROP, &c);
	if (ret)
		return ret;
	add_rule(c, 22, IR_TARGET_ACCEPT);
	add_rule(c, 80, IR_TARGET_ACCEPT);
	return 0;
}

static void test_priority_before(void)
{
	const struct fw_opts o = { .edit = edit_before };
	struct fw fw;

	/* iptables drops 22 after nftables accepted it: the accept ends only t1's chain */
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "-A INPUT -p tcp --dport 22 -j DROP", &o), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 80)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 443)), DROP);		/* t1's policy */
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::2", 443)), DROP);	/* inet: IPv6 too */
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::2", 80)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	fw_free(&fw);
}

/* ip t2: input at priority 10 (after iptables), a user chain, a log statement, ip6-only rule. */
static int edit_after(struct ir_ruleset *rs)
{
	struct ir_table *t;
	struct ir_chain *c, *u;
	struct ir_rule *r;
	int ret = ir_nft_table_add(rs, IR_NFT_INET, "t2", &t);

	if (!ret)
		ret = ir_nft_base_chain_add(t, "in", IR_HOOK_INPUT, 10, IR_VERDICT_ACCEPT, &c);
	if (!ret)
		ret = ir_chain_add(t, "blocked", &u);
	if (ret)
		return ret;
	r = add_rule(c, 0, IR_TARGET_JUMP);
	strcpy(r->target.chain, "blocked");
	r = add_rule(u, 8080, IR_TARGET_DROP);
	r->nft = IR_NFT_LOG | IR_NFT_COUNTER;
	strcpy(r->target.log.prefix, "blocked ");
	r = add_rule(u, 9090, IR_TARGET_DROP);
	r->nfproto = 6;
	return 0;
}

static void test_priority_after(void)
{
	const struct fw_opts o = { .edit = edit_after };
	struct fw fw;

	/* iptables accepts everything: the packet still goes on to t2's chain */
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "-A INPUT -j ACCEPT", &o), 0);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 8080)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, TCP("10.0.0.2", 9090)), PASS);		/* an IPv6-only rule */
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::2", 9090)), DROP);
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::2", 8080)), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 3);	/* the IPv4 ones */
	fw_free(&fw);
}

/* An nftables table alone, and a hook with no base chain: accepted. */
static int edit_alone(struct ir_ruleset *rs)
{
	struct ir_table *t;
	struct ir_chain *c;
	int ret = ir_nft_table_add(rs, IR_NFT_IP6, "only6", &t);

	if (!ret)
		ret = ir_nft_base_chain_add(t, "out", IR_HOOK_OUTPUT, 0, IR_VERDICT_DROP, &c);
	if (ret)
		return ret;
	add_rule(c, 53, IR_TARGET_ACCEPT);
	return 0;
}

static void test_table_alone(void)
{
	const struct fw_opts o = { .edit = edit_alone };
	struct pkt_spec s = TCP6("2001:db8::1", 53);
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "", &o), 0);
	s.dst = "2001:db8::2";
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_TC_EGRESS, &s), PASS);
	s.dport = 54;
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_TC_EGRESS, &s), DROP);
	s = TCP("10.0.0.1", 54);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_TC_EGRESS, &s), PASS);	/* ip6 only */
	CU_ASSERT_EQUAL(in(&fw, TCP6("2001:db8::2", 54)), PASS);		/* no input chain */
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "a base chain before iptables: its accept goes on", test_priority_before },
	{ "a base chain after iptables, user chain, log, one family", test_priority_after },
	{ "an nftables table alone", test_table_alone },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("nft chains", tests);
}
