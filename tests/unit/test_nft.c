// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of nft's command language (frontend/nft_*.c) and nft's list
 * format (compat/nft_fmt*.c): rules into the IR, the IR back into nft's
 * text, files with include and define, named sets and their queued
 * elements, the state text's section, and refusals naming the expression.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ipt.h"
#include "bpfw/nft.h"
#include "cu.h"

/* Run @text (a file's text) on @rs; the listing of list commands goes to @out if not NULL. */
static int run(struct ir_ruleset *rs, const char *text, FILE *out, struct bpfw_err *err)
{
	struct nft_ctx ctx = { .out = out, .fmt.flags = NFT_F_STATELESS };
	int ret;

	bpfw_err_clear(err);
	ret = nft_run_buf(&ctx, rs, text, strlen(text), NULL, err);
	nft_ctx_release(&ctx);
	return ret;
}

/* The listing of @cmd after the set-up @setup, in a static buffer. */
static const char *listing(const char *setup, const char *cmd)
{
	static char text[8192];
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	text[0] = '\0';
	if (!rs || !f || run(rs, setup, NULL, &err) || run(rs, cmd, f, &err)) {
		snprintf(text, sizeof(text), "ERROR %s", err.msg);
	} else {
		fclose(f);
		f = NULL;
		snprintf(text, sizeof(text), "%s", buf);
	}
	if (f)
		fclose(f);
	free(buf);
	ir_ruleset_free(rs);
	return text;
}

static const char *INET = "add table inet t\n"
			  "add chain inet t c { type filter hook input priority 0; }\n";

/* One rule added to inet t c and listed back: the rule's line. */
static const char *rule_back(const char *rule)
{
	static char line[1024];
	char cmd[1024];
	const char *l, *end;

	snprintf(cmd, sizeof(cmd), "add rule inet t c %s\nlist chain inet t c\n", rule);
	l = listing(INET, cmd);
	if (!strncmp(l, "ERROR", 5))
		return l;
	l = strstr(l, "policy accept;\n");
	if (!l)
		return "NO RULE";
	l += strlen("policy accept;\n");
	while (*l == '\t')
		l++;
	end = strchr(l, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(end ? end - l : (long)strlen(l)), l);
	return line;
}

static const char *const same[] = {
	"tcp dport 22 accept",
	"tcp dport { 22, 80, 1000-2000 } accept",
	"udp sport != 53 drop",
	"ip saddr 10.0.0.0/8 ip daddr != 192.0.2.1 drop",
	"ip saddr 1.2.3.4-1.2.3.9 drop",
	"ip6 saddr fe80::/64 accept",
	"iifname \"eth*\" oifname != \"lo\" accept",
	"ct state established,related accept",
	"ct state != new drop",
	"icmp type echo-request limit rate 5/second burst 5 packets accept",
	"icmpv6 type nd-neighbor-solicit accept",
	"meta mark 0x00000005 jump c",
	"tcp flags & (fin | syn | rst | ack) == syn reject with tcp reset",
	"log prefix \"in \" level info drop",
	"log prefix \"seen \"",
	"counter accept",
	"reject with icmpx admin-prohibited",
	"reject with icmp host-unreachable",
	"reject",
	"meta l4proto 47 accept",
	"ip protocol 6 tcp dport 22",
	"meta nfproto ipv6 meta l4proto 6",
	"tcp dport 22 accept comment \"ssh\"",
	"ip saddr { 10.0.0.1, 10.1.0.0/16, 10.2.0.1-10.2.0.9 } drop",
	"ip6 daddr != { 2001:db8::/32, ::1 } accept",
	"tcp dport vmap { 22 : accept, 23 : drop, 80-90 : jump c, 100 : continue }",
	"ip saddr vmap { 192.0.2.0/24 : drop, 198.51.100.7 : return }",
	"meta l4proto { 6, 17 } counter",
	"ip protocol vmap { 1 : accept }",
	"iifname { \"eth0\", \"veth*\" } accept",
	"oifname vmap { \"lo\" : accept }",
	"meta mark { 0x00000001, 0x00000005-0x00000009 } accept",
	"ct state vmap { established : accept, related : accept, invalid : drop }",
	"icmp type { echo-request, echo-reply } accept",
	"udp dport { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } drop",
	"iif \"lo\" accept",
	"oif != \"lo\" drop",
	"meta pkttype broadcast drop",
	"meta length 100-200",
	"ip length != 60",
	"ip ttl 1 drop",
	"ip6 hoplimit != 255 drop",
	"limit rate over 10/second burst 5 packets drop",
	"limit rate 400/week burst 5 packets",
	"tcp flags & syn == syn",
	"ip saddr . tcp dport { 10.0.0.1 . 22, 10.0.0.2 . 1000-2000 } drop",
	"iifname . ip saddr vmap { \"lo\" . 127.0.0.1 : accept }",
	"ct state . meta mark { new . 0x00000001 } drop",
	"meta l4proto { 6, 17 } th dport 53 drop",
	"th sport != 1000-2000",
	"ip saddr . th dport { 10.0.0.1 . 53 } accept",
	"iifname . meta l4proto . th dport vmap { \"eth0\" . 6 . 22 : accept, \"eth1\" . 17 . 67 : drop }",
};

static void test_rules_round_trip(void)
{

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		const char *got = rule_back(same[i]);

		if (strcmp(got, same[i]))
			printf("\n  %s\n  -> %s\n", same[i], got);
		CU_ASSERT_STRING_EQUAL(got, same[i]);
	}
	CU_ASSERT_STRING_EQUAL(rule_back("ip protocol tcp tcp dport ssh accept"),
			       "ip protocol 6 tcp dport 22 accept");
	CU_ASSERT_STRING_EQUAL(rule_back("meta l4proto tcp tcp dport 22"), "tcp dport 22");
	CU_ASSERT_STRING_EQUAL(rule_back("meta nfproto ipv4 ip saddr 1.2.3.4"), "ip saddr 1.2.3.4");
	CU_ASSERT_STRING_EQUAL(rule_back("meta nfproto ipv6 reject"),
			       "reject with icmpv6 port-unreachable");
	CU_ASSERT_STRING_EQUAL(rule_back("tcp flags syn / syn,ack drop"),
			       "tcp flags & (syn | ack) == syn drop");
	CU_ASSERT_STRING_EQUAL(rule_back("ct state 8"), "ct state new");
}

static void test_rules_ir(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	struct ir_table *t;
	struct ir_rule *r;
	struct ir_match *m;

	CU_ASSERT_EQUAL(run(rs, INET, NULL, &err), 0);
	CU_ASSERT_EQUAL(run(rs, "add rule inet t c ip saddr 10.0.0.0/8 tcp dport { 22, 80 } "
			    "counter log prefix \"x\" accept", NULL, &err), 0);
	t = ir_nft_table_find(rs, IR_NFT_INET, "t");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->chains[0]->hook, IR_HOOK_INPUT);
	CU_ASSERT_EQUAL(t->chains[0]->priority, 0);
	r = t->chains[0]->rules[0];
	CU_ASSERT_EQUAL(r->nfproto, 4);
	CU_ASSERT_EQUAL(r->ip.proto, 6);
	CU_ASSERT_EQUAL(r->ip.src.mask.v4.s_addr, htonl(0xff000000));
	CU_ASSERT_EQUAL(r->nft, IR_NFT_COUNTER | IR_NFT_LOG);
	CU_ASSERT_EQUAL(r->target.kind, IR_TARGET_ACCEPT);
	CU_ASSERT_STRING_EQUAL(r->target.log.prefix, "x");
	m = ir_rule_find_match(r, IR_MATCH_MULTIPORT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(m->mport.n, 2);
	CU_ASSERT_EQUAL(m->mport.which, IR_MULTIPORT_DST);

	/* iptables' own table: the same chains as iptables' */
	CU_ASSERT_EQUAL(run(rs, "add rule ip filter INPUT tcp dport 22 drop", NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER]);
	CU_ASSERT_EQUAL(rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER]->chains[0]->n_rules, 1);
	CU_ASSERT_EQUAL(rs->n_nft, 1);
	ir_ruleset_free(rs);
}

static void test_file(void)
{
	const char *l = listing("", "#!/usr/sbin/nft -f\n"
				"define ports = { 22, 80 }\n"
				"define lan = 10.0.0.0/8\n"
				"table ip f {\n"
				"\tset bad { type ipv4_addr; flags interval; }\n"
				"\tchain in { type filter hook input priority filter + 10;\n"
				"\t\tpolicy drop;\n"
				"\t\tip saddr $lan tcp dport $ports accept # a comment\n"
				"\t\tip saddr @bad drop; jump sub\n"
				"\t}\n"
				"\tchain sub { return }\n"
				"}\n"
				"list ruleset\n");

	CU_ASSERT_STRING_EQUAL(l, "table ip f {\n"
			       "\tset bad {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t}\n\n"
			       "\tchain in {\n"
			       "\t\ttype filter hook input priority filter + 10; policy drop;\n"
			       "\t\tip saddr 10.0.0.0/8 tcp dport { 22, 80 } accept\n"
			       "\t\tip saddr @bad drop\n"
			       "\t\tjump sub\n"
			       "\t}\n\n"
			       "\tchain sub {\n\t\treturn\n\t}\n"
			       "}\n");
}

static void test_sets_and_elements(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct nft_ctx ctx = { 0 };
	struct bpfw_err err = { 0 };
	const char *text = "add table inet t\n"
			   "add set inet t s { type ipv4_addr; elements = { 1.2.3.4 } }\n"
			   "add element inet t s { 5.6.7.8, 9.9.9.9 }\n"
			   "delete element inet t s { 1.2.3.4 }\n";
	struct ir_set *s;

	CU_ASSERT_EQUAL(nft_run_buf(&ctx, rs, text, strlen(text), NULL, &err), 0);
	s = ir_set_find(rs, "inet:t:s");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->type, IR_SET_HASH_IP);
	CU_ASSERT_EQUAL(ctx.n_elems, 4);
	CU_ASSERT_EQUAL(ctx.elems[0].op, 'a');
	CU_ASSERT_STRING_EQUAL(ctx.elems[0].elem, "1.2.3.4");
	CU_ASSERT_EQUAL(ctx.elems[3].op, 'd');
	CU_ASSERT_STRING_EQUAL(ctx.elems[3].set, "inet:t:s");
	CU_ASSERT_EQUAL(nft_run_line(&ctx, rs, "flush set inet t s", &err), 0);
	CU_ASSERT_EQUAL(ctx.n_elems, 5);
	CU_ASSERT_EQUAL(ctx.elems[4].op, 'f');
	CU_ASSERT_PTR_NULL(ctx.elems[4].elem);
	nft_ctx_release(&ctx);
	/* a prefix needs an interval set */
	CU_ASSERT_NOT_EQUAL(run(rs, "add element inet t s { 10.0.0.0/8 }", NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "flags interval"));
	/* a set in use cannot go */
	CU_ASSERT_EQUAL(run(rs, "add chain inet t c\nadd rule inet t c ip saddr @s drop", NULL,
			    &err), 0);
	CU_ASSERT_NOT_EQUAL(run(rs, "delete set inet t s", NULL, &err), 0);
	CU_ASSERT_EQUAL(run(rs, "delete table inet t", NULL, &err), 0);
	CU_ASSERT_EQUAL(rs->n_sets, 0);
	ir_ruleset_free(rs);
}

static void test_state(void)
{
	struct ir_ruleset *rs = ir_ruleset_new(), *back = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	FILE *f;

	CU_ASSERT_EQUAL(run(rs, "table inet t {\n"
			    "chain c { type filter hook forward priority -5; policy drop; }\n"
			    "chain d { meta nfproto ipv6 counter; jump e; }\n"
			    "chain e { ip6 saddr ::1 log prefix \"a\" drop; }\n}\n",
			    NULL, &err), 0);
	/* the slots a commit gives */
	rs->nft[0]->chains[0]->policy_slot = 7;
	rs->nft[0]->chains[1]->rules[0]->slot = 3;
	rs->nft[0]->chains[1]->rules[1]->slot = 4;
	rs->nft[0]->chains[2]->rules[0]->slot = 9;
	f = open_memstream(&a, &alen);
	CU_ASSERT_EQUAL(nft_state_write(f, rs), 0);
	fclose(f);
	CU_ASSERT_FATAL(!strncmp(a, NFT_STATE_TAG, strlen(NFT_STATE_TAG)));
	CU_ASSERT_EQUAL(nft_state_parse(a + strlen(NFT_STATE_TAG), alen - strlen(NFT_STATE_TAG),
					back, &err), 0);
	CU_ASSERT_EQUAL_FATAL(back->n_nft, 1);
	CU_ASSERT_EQUAL(back->nft[0]->chains[0]->policy_slot, 7);
	CU_ASSERT_EQUAL(back->nft[0]->chains[0]->priority, -5);
	CU_ASSERT_EQUAL(back->nft[0]->chains[0]->policy, IR_VERDICT_DROP);
	CU_ASSERT_EQUAL(back->nft[0]->chains[1]->rules[0]->slot, 3);
	CU_ASSERT_EQUAL(back->nft[0]->chains[1]->rules[0]->nfproto, 6);
	CU_ASSERT_EQUAL(back->nft[0]->chains[2]->rules[0]->slot, 9);
	CU_ASSERT(ir_rule_equal(rs->nft[0]->chains[2]->rules[0],
				back->nft[0]->chains[2]->rules[0]));
	f = open_memstream(&b, &blen);
	CU_ASSERT_EQUAL(nft_state_write(f, back), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	ir_ruleset_free(rs);
	ir_ruleset_free(back);
}

/* Every rule of same[] through the state text: written, read back, written the same. */
static void test_state_corpus(void)
{
	struct ir_ruleset *rs = ir_ruleset_new(), *back = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	char cmd[512], *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	struct ir_chain *c;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(run(rs, INET, NULL, &err), 0);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		snprintf(cmd, sizeof(cmd), "add rule inet t c %s", same[i]);
		CU_ASSERT_EQUAL(run(rs, cmd, NULL, &err), 0);
	}
	c = rs->nft[0]->chains[0];
	c->policy_slot = 0;
	for (unsigned int i = 0; i < c->n_rules; i++)
		c->rules[i]->slot = i + 1;
	f = open_memstream(&a, &alen);
	CU_ASSERT_EQUAL(nft_state_write(f, rs), 0);
	fclose(f);
	CU_ASSERT_EQUAL(nft_state_parse(a + strlen(NFT_STATE_TAG), alen - strlen(NFT_STATE_TAG),
					back, &err), 0);
	if (err.exit_code)
		printf("\n  %s\n", err.msg);
	f = open_memstream(&b, &blen);
	CU_ASSERT_EQUAL(nft_state_write(f, back), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_EQUAL_FATAL(back->n_nft, 1);
	for (unsigned int i = 0; i < c->n_rules; i++)
		CU_ASSERT(ir_rule_equal(c->rules[i], back->nft[0]->chains[0]->rules[i]));
	free(a);
	free(b);
	ir_ruleset_free(rs);
	ir_ruleset_free(back);
}

static void test_refusals(void)
{
	static const struct {
		const char *rule, *msg;
	} bad[] = {
		{ "tcp dport map { 22 : 1 }", "a map or vmap is not supported by bpfw" },
		{ "tcp dport vmap { 22 : accept, 20-30 : drop }", "conflicting intervals" },
		{ "ip saddr { 1.2.3.9-1.2.3.4 } drop", "Range has zero or negative size" },
		{ "tcp dport vmap { 22 : bogus }", "expecting a verdict" },
		{ "tcp dport vmap { 22 : accept } accept", "after the verdict" },
		{ "log tcp dport vmap { 22 : accept }", "log with a verdict map" },
		{ "tcp dport vmap { 22 : jump nosuch }", "chain nosuch does not exist" },
		{ "ip saddr { } drop", "empty set" },
		{ "iif \"nosuch0\" accept", "Interface does not exist" },
		{ "ip saddr . tcp dport { 10.0.0.0/8 . 22 }", "a range or prefix in a concatenation" },
		{ "iifname . ip6 saddr . tcp dport { \"lo\" . ::1 . 22 }", "longer than 20 bytes" },
		{ "ip saddr . tcp dport 22", "a concatenation" },
		{ "meta pkttype other", "Could not resolve packet type other" },
		{ "limit rate 10 bytes/second", "a limit not in packets" },
		{ "ip saddr . ip dscp { 1.2.3.4 . cs1 }", "this field in a concatenation" },
		{ "meta mark set 1", "changes the packet" },
		{ "tcp dport < 1024", "a comparison" },
		{ "sctp dport 1", "sctp is not supported by bpfw" },
		{ "ip6 saddr ::1 ip saddr 1.2.3.4", "conflicting protocols" },
		{ "tcp dport 22 accept drop", "after the verdict" },
		{ "jump nosuch", "chain nosuch does not exist" },
		{ "ip saddr @nosuch drop", "set nosuch does not exist" },
		{ "tcp dport 70000", "Could not resolve service 70000" },
		{ "ct state bogus", "Could not resolve ct state bogus" },
		{ "", "unexpected end of rule" },
	};
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	char cmd[256];

	CU_ASSERT_EQUAL(run(rs, INET, NULL, &err), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "add rule inet t c %s", bad[i].rule);
		CU_ASSERT_NOT_EQUAL(run(rs, cmd, NULL, &err), 0);
		if (!strstr(err.msg, bad[i].msg))
			printf("\n  %s\n  -> %s\n", bad[i].rule, err.msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, bad[i].msg));
		CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_OTHER);
	}
	CU_ASSERT_NOT_EQUAL(run(rs, "add rule ip filter INPUT log accept", NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "iptables cannot show it"));
	CU_ASSERT_NOT_EQUAL(run(rs, "add table bridge b", NULL, &err), 0);
	CU_ASSERT_NOT_EQUAL(run(rs, "add chain inet t x { type nat hook input priority 0; }",
				NULL, &err), 0);
	CU_ASSERT_NOT_EQUAL(run(rs, "include \"/nonexistent.nft\"", NULL, &err), 0);
	CU_ASSERT_NOT_EQUAL(run(rs, "add rule inet t c tcp dport $undefined", NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "unknown identifier 'undefined'"));
	ir_ruleset_free(rs);
}

static void test_ipt_tables_listing(void)
{
	static const struct ipt_ctx ctx = { .prog = "iptables", .family = IR_FAMILY_IPV4 };
	const char *restore = "*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n"
			      ":OUTPUT ACCEPT [0:0]\n:foo - [0:0]\n"
			      "-A INPUT -s 1.2.3.4/32 -i eth0 -m conntrack --ctstate NEW -j foo\n"
			      "-A INPUT -p udp -m multiport --dports 1,2:4 -j LOG "
			      "--log-prefix \"x \"\n"
			      "-A INPUT -p icmp -m icmp --icmp-type 8 -j REJECT\n"
			      "-A INPUT -p tcp -m tcp --tcp-flags SYN,RST,ACK,FIN SYN -j ACCEPT\n"
			      "-A foo -m limit --limit 3/min -j RETURN\nCOMMIT\n";
	const struct ipt_restore_opts opts = { 0 };
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_EQUAL_FATAL(ipt_restore_apply(&ctx, restore, strlen(restore), &opts, rs, &err),
			      0);
	f = open_memstream(&buf, &len);
	CU_ASSERT_EQUAL(nft_fmt_ruleset(f, rs, NULL), 0);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf, "table ip filter {\n"
		"\tchain INPUT {\n"
		"\t\ttype filter hook input priority filter; policy drop;\n"
		"\t\tiifname \"eth0\" ip saddr 1.2.3.4 ct state new counter packets 0 bytes 0 "
		"jump foo\n"
		"\t\tmeta l4proto udp udp dport { 1, 2-4 } counter packets 0 bytes 0 "
		"log prefix \"x \"\n"
		"\t\tmeta l4proto icmp icmp type echo-request counter packets 0 bytes 0 reject\n"
		"\t\ttcp flags & (fin | syn | rst | ack) == syn counter packets 0 bytes 0 accept\n"
		"\t}\n\n"
		"\tchain FORWARD {\n\t\ttype filter hook forward priority filter; policy accept;\n"
		"\t}\n\n"
		"\tchain OUTPUT {\n\t\ttype filter hook output priority filter; policy accept;\n"
		"\t}\n\n"
		"\tchain foo {\n"
		"\t\tlimit rate 3/minute burst 5 packets counter packets 0 bytes 0 return\n"
		"\t}\n"
		"}\n");
	free(buf);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "rules listed back as nft lists them", test_rules_round_trip },
	{ "rules into the IR: fixed part, matches, nft flags; ip filter", test_rules_ir },
	{ "files: define, comments, blocks, forward jumps", test_file },
	{ "named sets and queued element changes", test_sets_and_elements },
	{ "the state text's section: slots and policies read back", test_state },
	{ "every listed rule through the state text unchanged", test_state_corpus },
	{ "refusals name the expression", test_refusals },
	{ "iptables' rules in nft's list format", test_ipt_tables_listing },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("nft", tests);
}
