// SPDX-License-Identifier: GPL-2.0
/*
 * trace_run(): a packet described in words runs through a loaded copy of
 * the rules with BPF_PROG_TEST_RUN; the rules it matched are those whose
 * fresh counters moved, and the last of them that ends the hook (or the
 * policy) decided.  Through user chains, folded runs, the raw table at XDP,
 * OUTPUT, IPv6, interface names, and the packet words' parser.
 */
#include <stdlib.h>
#include <string.h>

#include "bpfw/trace.h"
#include "vfw.h"

/* The rule set of commands @cmds (as fw_apply() takes them, ';'-separated). */
static struct ir_ruleset *rules(const char *cmds)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	char *copy = strdup(cmds), *line, *save = NULL;
	struct ir_table *t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	CU_ASSERT_EQUAL_FATAL(ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t), 0);
	for (line = strtok_r(copy, ";", &save); line; line = strtok_r(NULL, ";", &save)) {
		while (*line == ' ')
			line++;
		CU_ASSERT_EQUAL_FATAL(fw_apply(rs, line), 0);
	}
	free(copy);
	return rs;
}

/* Trace packet @words (space-separated) through @rs into @res. */
static void trace(const struct ir_ruleset *rs, const char *words, struct trace_result *res)
{
	const struct trace_opts o = { 0 };
	struct bpfw_err err = { 0 };
	char *copy = strdup(words), *argv[32], *save = NULL;
	struct pkt_desc p;
	int argc = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	for (char *w = strtok_r(copy, " ", &save); w && argc < 32; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	CU_ASSERT_EQUAL_FATAL(pkt_desc_parse(argc, argv, &p, &err), 0);
	if (trace_run(rs, &p, &o, res, &err))
		fprintf(stderr, "trace: %s\n", err.msg);
	CU_ASSERT_EQUAL_FATAL(err.exit_code, 0);
	bpfw_err_clear(&err);
	free(copy);
}

/* The deciding hit's chain and rule number (0: policy); "" if none decided. */
static void assert_decider(const struct trace_result *res, const char *chain, unsigned int rulenum,
			   bool dropped)
{
	CU_ASSERT_EQUAL(res->dropped, dropped);
	if (!chain) {
		CU_ASSERT_EQUAL(res->decider, -1);
		return;
	}
	CU_ASSERT_FATAL(res->decider >= 0);
	CU_ASSERT_STRING_EQUAL(res->hits[res->decider].chain->name, chain);
	CU_ASSERT_EQUAL(res->hits[res->decider].rulenum, rulenum);
	CU_ASSERT(res->hits[res->decider].ends);
}

static void test_rule_and_policy(void)
{
	struct ir_ruleset *rs = rules("-P INPUT DROP; -A INPUT -p tcp -j LOG; "
				      "-A INPUT -p tcp --dport 22 -j ACCEPT; "
				      "-A INPUT -p udp --dport 53 -j ACCEPT");
	struct trace_result res;

	trace(rs, "in tcp 10.0.0.5:41000 > 127.0.0.1:22 flags S", &res);
	assert_decider(&res, "INPUT", 2, false);
	CU_ASSERT_EQUAL(res.n_hits, 2);	/* the LOG rule counted too */
	CU_ASSERT_EQUAL(res.hits[0].rulenum, 1);
	CU_ASSERT_FALSE(res.hits[0].ends);
	trace_result_free(&res);

	trace(rs, "in tcp 10.0.0.5:41000 > 127.0.0.1:23", &res);
	assert_decider(&res, "INPUT", 0, true);
	trace_result_free(&res);

	trace(rs, "in udp 10.0.0.5:41000 > 127.0.0.1:53", &res);
	assert_decider(&res, "INPUT", 3, false);
	CU_ASSERT_EQUAL(res.n_hits, 1);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

static void test_user_chains(void)
{
	struct ir_ruleset *rs = rules("-N ssh; -N deep; -A INPUT -p tcp --dport 22 -j ssh; "
				      "-A ssh -s 10.0.0.0/8 -j deep; -A ssh -j REJECT; "
				      "-A deep -s 10.1.0.0/16 -j RETURN; -A deep -j ACCEPT; "
				      "-A INPUT -j DROP");
	struct trace_result res;

	trace(rs, "in tcp 10.0.0.5:41000 > 127.0.0.1:22", &res);
	assert_decider(&res, "deep", 2, false);
	trace_result_free(&res);

	/* RETURN from deep, then ssh's REJECT */
	trace(rs, "in tcp 10.1.0.5:41000 > 127.0.0.1:22", &res);
	assert_decider(&res, "ssh", 2, true);
	trace_result_free(&res);

	trace(rs, "in tcp 192.0.2.1:41000 > 127.0.0.1:80", &res);
	assert_decider(&res, "INPUT", 2, true);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

/* A folded run: one lookup finds the rule, and only its counter moves. */
static void test_folded_run(void)
{
	char cmds[2048] = "-P INPUT DROP";
	struct ir_ruleset *rs;
	struct trace_result res;

	for (int i = 1; i <= 20; i++)
		snprintf(cmds + strlen(cmds), sizeof(cmds) - strlen(cmds),
			 "; -A INPUT -s 192.0.2.%d -j ACCEPT", i);
	rs = rules(cmds);
	trace(rs, "in udp 192.0.2.13:1 > 127.0.0.1:53", &res);
	assert_decider(&res, "INPUT", 13, false);
	CU_ASSERT_EQUAL(res.n_hits, 1);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

static void test_raw_xdp(void)
{
	struct ir_ruleset *rs = rules("-t raw -A PREROUTING -s 192.0.2.1 -j DROP; "
				      "-t raw -A PREROUTING -s 192.0.2.2 -j ACCEPT; "
				      "-A INPUT -s 192.0.2.0/24 -j DROP");
	struct trace_result res;

	trace(rs, "in udp 192.0.2.1:1 > 127.0.0.1:53", &res);
	assert_decider(&res, "PREROUTING", 1, true);
	CU_ASSERT(res.xdp_dropped);
	trace_result_free(&res);

	/* a raw ACCEPT ends only the raw table: the filter table decides */
	trace(rs, "in udp 192.0.2.2:1 > 127.0.0.1:53", &res);
	assert_decider(&res, "INPUT", 1, true);
	CU_ASSERT_FALSE(res.xdp_dropped);
	CU_ASSERT_EQUAL(res.n_hits, 2);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

static void test_output_and_interfaces(void)
{
	struct ir_ruleset *rs = rules("-A OUTPUT -o eth9 -p udp -j DROP; "
				      "-A INPUT -i eth7 -j DROP");
	struct trace_result res;

	trace(rs, "out eth9 udp 127.0.0.1:5 > 127.0.0.1:53", &res);
	assert_decider(&res, "OUTPUT", 1, true);
	trace_result_free(&res);

	trace(rs, "out eth8 udp 127.0.0.1:5 > 127.0.0.1:53", &res);
	assert_decider(&res, "OUTPUT", 0, false);
	trace_result_free(&res);

	trace(rs, "in eth7 icmp 10.0.0.1 > 127.0.0.1 type 8", &res);
	assert_decider(&res, "INPUT", 1, true);
	trace_result_free(&res);

	trace(rs, "in eth6 icmp 10.0.0.1 > 127.0.0.1 type echo-request", &res);
	assert_decider(&res, "INPUT", 0, false);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

static void test_ipv6(void)
{
	struct ir_ruleset *rs = rules("ip6 -A INPUT -p tcp --dport 22 -j DROP; ip6 -A INPUT "
				      "-p icmpv6 --icmpv6-type echo-request -j ACCEPT");
	struct trace_result res;

	trace(rs, "in tcp [2001:db8::1]:1000 > [::1]:22 flags S", &res);
	assert_decider(&res, "INPUT", 1, true);
	CU_ASSERT_EQUAL(res.hits[res.decider].family, IR_FAMILY_IPV6);
	trace_result_free(&res);

	trace(rs, "in icmp 2001:db8::1 > ::1 type 128", &res);
	assert_decider(&res, "INPUT", 2, false);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

static void test_tcp_flags(void)
{
	struct ir_ruleset *rs = rules("-A INPUT -p tcp --syn -j DROP; "
				      "-A INPUT -p tcp --tcp-flags ALL ACK -j ACCEPT");
	struct trace_result res;

	trace(rs, "in tcp 10.0.0.1:1000 > 127.0.0.1:22 flags S", &res);
	assert_decider(&res, "INPUT", 1, true);
	trace_result_free(&res);

	trace(rs, "in tcp 10.0.0.1:1000 > 127.0.0.1:22 flags .", &res);
	assert_decider(&res, "INPUT", 2, false);
	trace_result_free(&res);

	trace(rs, "in tcp 10.0.0.1:1000 > 127.0.0.1:22 flags ACK", &res);
	assert_decider(&res, "INPUT", 2, false);
	trace_result_free(&res);
	ir_ruleset_free(rs);
}

/* The packet words: what is refused, and with which status. */
static void test_parse(void)
{
	static const char *const bad[][6] = {
		{ "tcp", "10.0.0.1" },				/* one address */
		{ "10.0.0.1", ">", "10.0.0.2" },		/* no protocol */
		{ "tcp", "10.0.0.1", ">", "::1" },		/* two families */
		{ "tcp", "10.0.0.1:70000", ">", "10.0.0.2" },	/* port */
		{ "tcp", "10.0.0.1", ">", "10.0.0.2", "flags", "Q" },
		{ "icmp", "10.0.0.1", ">", "10.0.0.2", "type" },
		{ "tcp", "10.0.0.1", ">", "10.0.0.2", "bogus", "1" },
	};
	char *good[] = { "out", "veth0", "udp", "[2001:db8::1]:53", ">", "[2001:db8::2]:5353" };
	struct bpfw_err err = { 0 };
	struct pkt_desc p;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = 0;

		while (n < 6 && bad[i][n])
			n++;
		CU_ASSERT_NOT_EQUAL(pkt_desc_parse(n, (char **)bad[i], &p, &err), 0);
		CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_PARAMETER);
		bpfw_err_clear(&err);
	}
	CU_ASSERT_EQUAL_FATAL(pkt_desc_parse(6, good, &p, &err), 0);
	CU_ASSERT(p.out);
	CU_ASSERT(p.v6);
	CU_ASSERT_STRING_EQUAL(p.ifname, "veth0");
	CU_ASSERT_EQUAL(p.sport, 53);
	CU_ASSERT_EQUAL(p.dport, 5353);
}

static const struct cu_test tests[] = {
	{ "the deciding rule, a counting rule before it, the policy", test_rule_and_policy },
	{ "user chains: jump, RETURN, REJECT", test_user_chains },
	{ "a folded run: only the matching rule counts", test_folded_run },
	{ "raw at XDP: DROP decides there, ACCEPT hands on", test_raw_xdp },
	{ "OUTPUT, and -i/-o against the packet's interface", test_output_and_interfaces },
	{ "IPv6", test_ipv6 },
	{ "TCP flags", test_tcp_flags },
	{ "packet words refused with status 2", test_parse },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("trace", tests);
}
