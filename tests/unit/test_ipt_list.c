// SPDX-License-Identifier: GPL-2.0
/* Unit tests of iptables -S and -L output (compat/ipt_rules.c, compat/ipt_list.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ipt.h"
#include "cu.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

static struct ir_match *add(struct ir_rule *r, enum ir_match_kind kind)
{
	struct ir_match *m = NULL;

	CU_ASSERT_EQUAL_FATAL(ir_rule_add_match(r, kind, &m), 0);
	return m;
}

/*
 * INPUT (policy DROP): tcp dport 22 ACCEPT with big counters, a jump to
 * "web" with a comment; FORWARD: a goto; user chains "web" and "idle".
 */
static struct ir_ruleset *sample(struct ir_table **out)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct ir_chain *in, *fw, *web, *idle;
	struct ir_table *t;
	struct ir_rule *r;
	struct ir_match *m;

	CU_ASSERT_EQUAL_FATAL(ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t), 0);
	CU_ASSERT_EQUAL_FATAL(ir_chain_add(t, "web", &web), 0);
	CU_ASSERT_EQUAL_FATAL(ir_chain_add(t, "idle", &idle), 0);
	in = ir_chain_find(t, "INPUT");
	fw = ir_chain_find(t, "FORWARD");
	in->policy = IR_VERDICT_DROP;
	in->counter = (struct ir_counter){ 3, 180 };

	r = ir_rule_new();
	inet_pton(AF_INET, "10.0.0.0", &r->ip.src.addr.v4);
	inet_pton(AF_INET, "255.0.0.0", &r->ip.src.mask.v4);
	snprintf(r->ip.iif, sizeof(r->ip.iif), "eth0");
	r->ip.proto = IPPROTO_TCP;
	m = add(r, IR_MATCH_TCP);
	m->ports.sport = (struct ir_port_range){ 1, 1023 };
	m->ports.dport = (struct ir_port_range){ 22, 22 };
	r->target.kind = IR_TARGET_ACCEPT;
	r->counter = (struct ir_counter){ 123456789, 987654321 };
	ir_chain_insert(in, 0, r);

	r = ir_rule_new();
	inet_pton(AF_INET, "1.2.3.4", &r->ip.dst.addr.v4);
	inet_pton(AF_INET, "255.255.255.255", &r->ip.dst.mask.v4);
	r->ip.invflags = IR_INV_DST | IR_INV_IIF;
	snprintf(r->ip.iif, sizeof(r->ip.iif), "eth+");
	m = add(r, IR_MATCH_COMMENT);
	m->comment = strdup("to web");
	r->target.kind = IR_TARGET_JUMP;
	snprintf(r->target.chain, sizeof(r->target.chain), "web");
	r->counter = (struct ir_counter){ 99999, 100000 };
	ir_chain_insert(in, 1, r);

	r = ir_rule_new();
	r->ip.proto = IPPROTO_ICMP;
	m = add(r, IR_MATCH_ICMP);
	m->icmp = (struct ir_match_icmp){ .type = 3, .code_lo = 1, .code_hi = 1, .invert = true };
	r->target.kind = IR_TARGET_GOTO;
	snprintf(r->target.chain, sizeof(r->target.chain), "web");
	ir_chain_insert(fw, 0, r);

	r = ir_rule_new();
	r->ip.proto = IPPROTO_TCP;
	m = add(r, IR_MATCH_TCP);
	m->ports.flags_mask = 0x17;
	m->ports.flags_cmp = 0x02;
	r->ip.frag = true;
	r->ip.invflags = IR_INV_FRAG;
	r->target.kind = IR_TARGET_RETURN;
	ir_chain_insert(web, 0, r);
	*out = t;
	return rs;
}

typedef int (*list_fn)(const struct ipt_ctx *ctx, FILE *out, const struct ir_table *t,
		       const char *chain, unsigned int rulenum, unsigned int flags,
		       struct bpfw_err *err);

static void check(list_fn fn, const struct ir_table *t, const char *chain, unsigned int num,
		  unsigned int flags, const char *want)
{
	struct bpfw_err err = { 0 };
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	CU_ASSERT_EQUAL(fn(&ctx4, f, t, chain, num, flags, &err), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\n got:\n%s\nwant:\n%s\n", got, want);
	free(got);
}

static void test_list_rules(void)
{
	struct ir_table *t;
	struct ir_ruleset *rs = sample(&t);

	check(ipt_list_rules, t, "", 0, 0,
	      "-P INPUT DROP\n"
	      "-P FORWARD ACCEPT\n"
	      "-P OUTPUT ACCEPT\n"
	      "-N idle\n"
	      "-N web\n"
	      "-A INPUT -s 10.0.0.0/8 -i eth0 -p tcp -m tcp --sport 1:1023 --dport 22 -j ACCEPT\n"
	      "-A INPUT ! -d 1.2.3.4/32 ! -i eth+ -m comment --comment \"to web\" -j web\n"
	      "-A FORWARD -p icmp -m icmp ! --icmp-type 3/1 -g web\n"
	      "-A web -p tcp ! -f -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j RETURN\n");
	check(ipt_list_rules, t, "INPUT", 0, IPT_F_VERBOSE,
	      "-P INPUT DROP -c 3 180\n"
	      "-A INPUT -s 10.0.0.0/8 -i eth0 -p tcp -m tcp --sport 1:1023 --dport 22"
	      " -c 123456789 987654321 -j ACCEPT\n"
	      "-A INPUT ! -d 1.2.3.4/32 ! -i eth+ -m comment --comment \"to web\""
	      " -c 99999 100000 -j web\n");
	check(ipt_list_rules, t, "web", 0, IPT_F_VERBOSE,
	      "-N web\n"
	      "-A web -p tcp ! -f -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -c 0 0 -j RETURN\n");
	check(ipt_list_rules, t, "FORWARD", 1, 0,
	      "-A FORWARD -p icmp -m icmp ! --icmp-type 3/1 -g web\n");
	check(ipt_list_rules, t, "FORWARD", 2, 0, "");
	check(ipt_list_rules, t, "idle", 0, 0, "-N idle\n");
	ir_ruleset_free(rs);
}

static void test_list_numeric_verbose(void)
{
	struct ir_table *t;
	struct ir_ruleset *rs = sample(&t);

	check(ipt_list_table, t, "", 0, IPT_F_NUMERIC | IPT_F_VERBOSE,
	      "Chain INPUT (policy DROP 3 packets, 180 bytes)\n"
	      " pkts bytes target     prot opt in     out     source               "
	      "destination         \n"
	      " 123M  988M ACCEPT     6    --  eth0   *       10.0.0.0/8           "
	      "0.0.0.0/0            tcp spts:1:1023 dpt:22\n"
	      "99999  100K web        0    --  !eth+  *       0.0.0.0/0           "
	      "!1.2.3.4              /* to web */\n"
	      "\n"
	      "Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n"
	      " pkts bytes target     prot opt in     out     source               "
	      "destination         \n"
	      "    0     0 web        1    --  *      *       0.0.0.0/0            "
	      "0.0.0.0/0           [goto]  icmp !type 3 code 1\n"
	      "\n"
	      "Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	      " pkts bytes target     prot opt in     out     source               "
	      "destination         \n"
	      "\n"
	      "Chain idle (0 references)\n"
	      " pkts bytes target     prot opt in     out     source               "
	      "destination         \n"
	      "\n"
	      "Chain web (2 references)\n"
	      " pkts bytes target     prot opt in     out     source               "
	      "destination         \n"
	      "    0     0 RETURN     6    !f  *      *       0.0.0.0/0            "
	      "0.0.0.0/0            tcp flags:0x17/0x02\n");
	ir_ruleset_free(rs);
}

static void test_list_exact_line_numbers(void)
{
	unsigned int flags = IPT_F_NUMERIC | IPT_F_VERBOSE | IPT_F_EXACT | IPT_F_LINE_NUMBERS;
	struct ir_table *t;
	struct ir_ruleset *rs = sample(&t);

	t->chains[0]->counter = (struct ir_counter){ 5000000, 600000000 };
	check(ipt_list_table, t, "INPUT", 0, flags,
	      "Chain INPUT (policy DROP 5000000 packets, 600000000 bytes)\n"
	      "num      pkts      bytes target     prot opt in     out     source               "
	      "destination         \n"
	      "1    123456789 987654321 ACCEPT     6    --  eth0   *       10.0.0.0/8           "
	      "0.0.0.0/0            tcp spts:1:1023 dpt:22\n"
	      "2       99999   100000 web        0    --  !eth+  *       0.0.0.0/0           "
	      "!1.2.3.4              /* to web */\n");
	check(ipt_list_table, t, "INPUT", 0, IPT_F_VERBOSE | IPT_F_NUMERIC,
	      "Chain INPUT (policy DROP 5000K packets, 600M bytes)\n"
	      " pkts bytes target     prot opt in     out     source               "
	      "destination         \n"
	      " 123M  988M ACCEPT     6    --  eth0   *       10.0.0.0/8           "
	      "0.0.0.0/0            tcp spts:1:1023 dpt:22\n"
	      "99999  100K web        0    --  !eth+  *       0.0.0.0/0           "
	      "!1.2.3.4              /* to web */\n");
	check(ipt_list_table, t, "INPUT", 2, IPT_F_NUMERIC | IPT_F_LINE_NUMBERS,
	      "2    web        0    --  0.0.0.0/0           !1.2.3.4              /* to web */\n");
	check(ipt_list_table, t, "INPUT", 3, IPT_F_NUMERIC, "");
	check(ipt_list_table, t, "web", 0, IPT_F_NUMERIC | IPT_F_LINE_NUMBERS,
	      "Chain web (2 references)\n"
	      "num  target     prot opt source               destination         \n"
	      "1    RETURN     6    !f  0.0.0.0/0            0.0.0.0/0            "
	      "tcp flags:0x17/0x02\n");
	ir_ruleset_free(rs);
}

static void test_big_counters(void)
{
	static const struct {
		uint64_t n;
		const char *text;
	} cases[] = {
		{ 0, "    0 " },	   { 99999, "99999 " },	   { 100000, " 100K " },
		{ 999999, "1000K " },	   { 100000000, " 100M " }, { 1234567890123ULL, "1235G " },
		{ 12345678901234567ULL, "12346T " }, { UINT64_MAX, "   0K " },
	};
	struct ir_table *t;
	struct ir_ruleset *rs = sample(&t);
	struct ir_chain *out = ir_chain_find(t, "OUTPUT");
	struct ir_rule *r = ir_rule_new();
	char want[256];

	ir_chain_insert(out, 0, r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r->counter = (struct ir_counter){ cases[i].n, 0 };
		snprintf(want, sizeof(want),
			 "%s    0            0    --  *      *       0.0.0.0/0            "
			 "0.0.0.0/0           \n", cases[i].text);
		check(ipt_list_table, t, "OUTPUT", 1, IPT_F_NUMERIC | IPT_F_VERBOSE, want);
	}
	ir_ruleset_free(rs);
}

static void test_list_names(void)
{
	struct ir_table *t;
	struct ir_ruleset *rs = sample(&t);

	/* without -n: "anywhere", "any", protocol names; no lookup of these addresses */
	check(ipt_list_table, t, "FORWARD", 0, 0,
	      "Chain FORWARD (policy ACCEPT)\n"
	      "target     prot opt source               destination         \n"
	      "web        icmp --  anywhere             anywhere            [goto]  "
	      "icmp !host-unreachable\n");
	check(ipt_list_table, t, "web", 1, IPT_F_VERBOSE,
	      "    0     0 RETURN     tcp  !f  any    any     anywhere             anywhere"
	      "             tcp flags:FIN,SYN,RST,ACK/SYN\n");
	ir_ruleset_free(rs);
}

static void test_missing_chain(void)
{
	struct bpfw_err err = { 0 };
	struct ir_table *t;
	struct ir_ruleset *rs = sample(&t);
	FILE *f = fopen("/dev/null", "w");

	CU_ASSERT_EQUAL(ipt_list_table(&ctx4, f, t, "nope", 0, 0, &err), -ENOENT);
	CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_OTHER);
	bpfw_err_clear(&err);
	CU_ASSERT_EQUAL(ipt_list_rules(&ctx4, f, t, "nope", 0, 0, &err), -ENOENT);
	CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_OTHER);
	bpfw_err_clear(&err);
	fclose(f);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "-S, -S CHAIN, -S CHAIN N, -v", test_list_rules },
	{ "-L -n -v", test_list_numeric_verbose },
	{ "-L -n -v -x --line-numbers, one rule", test_list_exact_line_numbers },
	{ "-v counters with units", test_big_counters },
	{ "-L names without -n", test_list_names },
	{ "missing chain", test_missing_chain },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("ipt_list", tests);
}
