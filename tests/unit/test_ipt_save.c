// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the rule text and iptables-save output (compat/ipt_save.c). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ipt.h"
#include "cu.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

static void set_addr(struct ir_addr *a, const char *addr, const char *mask)
{
	inet_pton(AF_INET, addr, &a->addr.v4);
	inet_pton(AF_INET, mask, &a->mask.v4);
}

/* The text of ipt_format_rule(), malloc'd. */
static char *rule_text(const struct ir_rule *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ipt_format_rule(f, r, IR_FAMILY_IPV4);
	fclose(f);
	return buf;
}

static void check_rule(const struct ir_rule *r, const char *want)
{
	char *got = rule_text(r);

	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\n got: '%s'\nwant: '%s'\n", got, want);
	free(got);
}

static struct ir_match *add(struct ir_rule *r, enum ir_match_kind kind)
{
	struct ir_match *m = NULL;

	CU_ASSERT_EQUAL_FATAL(ir_rule_add_match(r, kind, &m), 0);
	return m;
}

static void test_fixed_part(void)
{
	struct ir_rule *r = ir_rule_new();

	check_rule(r, "");
	r->target.kind = IR_TARGET_DROP;
	check_rule(r, "-j DROP");
	set_addr(&r->ip.src, "10.11.12.13", "255.0.0.0");
	set_addr(&r->ip.dst, "5.6.7.8", "255.255.255.255");
	snprintf(r->ip.iif, sizeof(r->ip.iif), "eth0");
	snprintf(r->ip.oif, sizeof(r->ip.oif), "eth+");
	r->ip.proto = IPPROTO_TCP;
	r->ip.invflags = IR_INV_OIF;
	check_rule(r, "-s 10.0.0.0/8 -d 5.6.7.8/32 -i eth0 ! -o eth+ -p tcp -j DROP");
	set_addr(&r->ip.src, "10.11.12.13", "255.0.255.0");
	set_addr(&r->ip.dst, "0.0.0.0", "0.0.0.0");
	r->ip.iif[0] = r->ip.oif[0] = '\0';
	r->ip.proto = IPPROTO_UDP;
	r->ip.frag = true;
	r->ip.invflags = IR_INV_SRC | IR_INV_DST | IR_INV_PROTO | IR_INV_FRAG;
	check_rule(r, "! -s 10.0.12.0/255.0.255.0 ! -d 0.0.0.0/0 ! -p udp ! -f -j DROP");
	r->ip = (struct ir_ipspec){ .proto = 47 };
	r->target.kind = IR_TARGET_GOTO;
	snprintf(r->target.chain, sizeof(r->target.chain), "foo");
	check_rule(r, "-p gre -g foo");
	r->ip.proto = 255;
	r->target.kind = IR_TARGET_JUMP;
	check_rule(r, "-p 255 -j foo");
	r->ip.proto = IPPROTO_SCTP;
	r->target.kind = IR_TARGET_RETURN;
	check_rule(r, "-p sctp -j RETURN");
	ir_rule_free(r);
}

static void test_ports(void)
{
	struct ir_rule *r = ir_rule_new();
	struct ir_match *m;

	r->ip.proto = IPPROTO_TCP;
	m = add(r, IR_MATCH_TCP);
	check_rule(r, "-p tcp -m tcp");
	m->ports.sport = (struct ir_port_range){ 1, 1023 };
	m->ports.dport = (struct ir_port_range){ 22, 22 };
	check_rule(r, "-p tcp -m tcp --sport 1:1023 --dport 22");
	m->ports.sport = (struct ir_port_range){ 0, 65535 };
	m->ports.invflags = IR_PORT_INV_SRC | IR_PORT_INV_DST;
	check_rule(r, "-p tcp -m tcp ! --sport 0:65535 ! --dport 22");
	m->ports = (struct ir_match_ports){ .sport = { 0, 65535 }, .dport = { 0, 65535 } };
	m->ports.flags_mask = 0x17;
	m->ports.flags_cmp = 0x02;
	check_rule(r, "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN");
	m->ports.flags_mask = 0x3f;
	m->ports.flags_cmp = 0;
	m->ports.invflags = IR_TCP_INV_FLAGS;
	check_rule(r, "-p tcp -m tcp ! --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE");
	ir_rule_free(r);

	r = ir_rule_new();
	r->ip.proto = IPPROTO_UDP;
	m = add(r, IR_MATCH_UDP);
	m->ports.sport = (struct ir_port_range){ 4, 65535 };
	m->ports.dport = (struct ir_port_range){ 0, 4 };
	m->ports.invflags = IR_PORT_INV_DST;
	r->target.kind = IR_TARGET_ACCEPT;
	check_rule(r, "-p udp -m udp --sport 4:65535 ! --dport 0:4 -j ACCEPT");
	ir_rule_free(r);
}

static void test_icmp_and_comment(void)
{
	struct ir_rule *r = ir_rule_new();
	struct ir_match *m, *c;

	r->ip.proto = IPPROTO_ICMP;
	m = add(r, IR_MATCH_ICMP);
	m->icmp = (struct ir_match_icmp){ .type = 255, .code_lo = 0, .code_hi = 255 };
	check_rule(r, "-p icmp -m icmp --icmp-type any");
	m->icmp = (struct ir_match_icmp){ .type = 8, .code_lo = 0, .code_hi = 255 };
	check_rule(r, "-p icmp -m icmp --icmp-type 8");
	m->icmp = (struct ir_match_icmp){ .type = 3, .code_lo = 1, .code_hi = 1, .invert = true };
	check_rule(r, "-p icmp -m icmp ! --icmp-type 3/1");
	m->icmp = (struct ir_match_icmp){ .type = 255, .code_lo = 255, .code_hi = 255 };
	check_rule(r, "-p icmp -m icmp --icmp-type 255/255");
	ir_rule_free(r);

	r = ir_rule_new();
	c = add(r, IR_MATCH_COMMENT);
	c->comment = strdup("foo");
	check_rule(r, "-m comment --comment foo");
	free(c->comment);
	c->comment = strdup("a b\"c'd\\e");
	check_rule(r, "-m comment --comment \"a b\\\"c\\'d\\\\e\"");
	free(c->comment);
	c->comment = strdup("");
	check_rule(r, "-m comment --comment \"\"");
	free(c->comment);
	c->comment = strdup("x;y");
	check_rule(r, "-m comment --comment \"x;y\"");
	free(c->comment);
	c->comment = strdup("a-b_C9");
	check_rule(r, "-m comment --comment a-b_C9");
	ir_rule_free(r);
}

/* A small filter table: policy DROP on INPUT, one user chain, counters and slots. */
static struct ir_ruleset *sample(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct ir_chain *in, *u, *z;
	struct ir_table *t;
	struct ir_rule *r;
	struct ir_match *m;

	CU_ASSERT_EQUAL_FATAL(ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t), 0);
	CU_ASSERT_EQUAL_FATAL(ir_chain_add(t, "zeta", &z), 0);
	CU_ASSERT_EQUAL_FATAL(ir_chain_add(t, "alpha", &u), 0);
	in = ir_chain_find(t, "INPUT");
	in->policy = IR_VERDICT_DROP;
	in->policy_slot = 3;
	in->counter = (struct ir_counter){ 5, 300 };
	r = ir_rule_new();
	r->ip.proto = IPPROTO_TCP;
	m = add(r, IR_MATCH_TCP);
	m->ports.dport = (struct ir_port_range){ 22, 22 };
	r->target.kind = IR_TARGET_ACCEPT;
	r->slot = 7;
	r->counter = (struct ir_counter){ 10, 600 };
	ir_chain_insert(in, 0, r);
	r = ir_rule_new();
	r->target.kind = IR_TARGET_JUMP;
	snprintf(r->target.chain, sizeof(r->target.chain), "alpha");
	ir_chain_insert(in, 1, r);
	r = ir_rule_new();
	r->target.kind = IR_TARGET_RETURN;
	r->slot = 0;
	ir_chain_insert(u, 0, r);
	return rs;
}

static char *save_text(const struct ir_ruleset *rs, const char *table,
		       enum ipt_save_counters mode, bool header)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(ipt_save(&ctx4, f, rs, table, mode, header), 0);
	fclose(f);
	return buf;
}

static void check_save(const struct ir_ruleset *rs, enum ipt_save_counters mode,
		       const char *want)
{
	char *got = save_text(rs, NULL, mode, false);

	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\n got:\n%s\nwant:\n%s\n", got, want);
	free(got);
}

static void test_save_modes(void)
{
	struct ir_ruleset *rs = sample();

	/* policy counters show without -c too, as iptables-nft prints them */
	check_save(rs, IPT_SAVE_NO_COUNTERS,
		   "*filter\n"
		   ":INPUT DROP [5:300]\n"
		   ":FORWARD ACCEPT [0:0]\n"
		   ":OUTPUT ACCEPT [0:0]\n"
		   ":alpha - [0:0]\n"
		   ":zeta - [0:0]\n"
		   "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"
		   "-A INPUT -j alpha\n"
		   "-A alpha -j RETURN\n"
		   "COMMIT\n");
	check_save(rs, IPT_SAVE_COUNTERS,
		   "*filter\n"
		   ":INPUT DROP [5:300]\n"
		   ":FORWARD ACCEPT [0:0]\n"
		   ":OUTPUT ACCEPT [0:0]\n"
		   ":alpha - [0:0]\n"
		   ":zeta - [0:0]\n"
		   "[10:600] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"
		   "[0:0] -A INPUT -j alpha\n"
		   "[0:0] -A alpha -j RETURN\n"
		   "COMMIT\n");
	check_save(rs, IPT_SAVE_SLOTS,
		   "*filter\n"
		   ":INPUT DROP [3]\n"
		   ":FORWARD ACCEPT [-]\n"
		   ":OUTPUT ACCEPT [-]\n"
		   ":alpha - [-]\n"
		   ":zeta - [-]\n"
		   "[7] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"
		   "[-] -A INPUT -j alpha\n"
		   "[0] -A alpha -j RETURN\n"
		   "COMMIT\n");
	ir_ruleset_free(rs);
}

static void test_save_header_and_tables(void)
{
	struct ir_ruleset *rs = sample();
	struct ir_table *raw;
	char *got;

	got = save_text(rs, NULL, IPT_SAVE_NO_COUNTERS, true);
	CU_ASSERT_EQUAL(strncmp(got, "# Generated by iptables-save v1.8.9 (bpfw) on ", 46), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "\nCOMMIT\n# Completed on "));
	CU_ASSERT_EQUAL(got[strlen(got) - 1], '\n');
	free(got);
	/* slots text never carries the date lines */
	got = save_text(rs, NULL, IPT_SAVE_SLOTS, true);
	CU_ASSERT_EQUAL(strncmp(got, "*filter\n", 8), 0);
	free(got);

	CU_ASSERT_EQUAL_FATAL(ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_RAW, &raw), 0);
	got = save_text(rs, NULL, IPT_SAVE_NO_COUNTERS, false);
	CU_ASSERT_EQUAL(strncmp(got, "*raw\n:PREROUTING ACCEPT [0:0]\n", 30), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(got, "COMMIT\n*filter\n"));
	free(got);
	got = save_text(rs, "filter", IPT_SAVE_NO_COUNTERS, false);
	CU_ASSERT_PTR_NULL(strstr(got, "*raw"));
	free(got);
	/* no IPv6 table: nothing to print */
	{
		const struct ipt_ctx ctx6 = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 };
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		CU_ASSERT_EQUAL(ipt_save(&ctx6, f, rs, NULL, IPT_SAVE_NO_COUNTERS, true), 0);
		fclose(f);
		CU_ASSERT_STRING_EQUAL(buf, "");
		free(buf);
	}
	ir_ruleset_free(rs);
}

static void test_version_and_help(void)
{
	const struct ipt_ctx ctx6 = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ipt_print_version(&ctx4, f);
	fflush(f);
	CU_ASSERT_STRING_EQUAL(buf, "iptables v1.8.9 (bpfw)\n");
	fclose(f);
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	ipt_print_help(&ctx6, f);
	fclose(f);
	CU_ASSERT_EQUAL(strncmp(buf, "ip6tables v1.8.9 (bpfw)\n\nUsage: ip6tables -[ACD] ", 49), 0);
	CU_ASSERT_PTR_NULL(strstr(buf, "--fragment"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\n[!] --version\t-V\t\tprint package version.\n"));
	free(buf);
}

static const struct cu_test tests[] = {
	{ "fixed part and targets", test_fixed_part },
	{ "tcp and udp ports and flags", test_ports },
	{ "icmp types and comment quoting", test_icmp_and_comment },
	{ "save: plain, counters, slots", test_save_modes },
	{ "save: header lines and tables", test_save_header_and_tables },
	{ "version and help", test_version_and_help },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("ipt_save", tests);
}
