// SPDX-License-Identifier: GPL-2.0
/*
 * ip6tables: its command lines parsed and applied, then printed by -S, -L
 * and ip6tables-save, against what the system ip6tables 1.8.9 printed for
 * the same commands; its error sentences; the state text read back.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bpfw/ipt.h"
#include "cu.h"

static const struct ipt_ctx ctx6 = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 };
static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

/* The commands, as ip6tables takes them (words split like a shell). */
static const char *const sample_cmds[] = {
	"-N web",
	"-A INPUT -s 2001:db8::/64 -d 2001:db8::1 -p icmpv6 --icmpv6-type echo-request -j ACCEPT",
	"-A INPUT ! -s 2001:db8::1/ffff:ffff:: -p ipv6-icmp -m icmp6 ! --icmpv6-type 1/3 -j DROP",
	"-A INPUT -p 58 -m icmp6 --icmpv6-type 141 -j ACCEPT",
	"-A INPUT -p icmpv6 --icmpv6-type neighbor-solicitation -m hl --hl-eq 255 -j ACCEPT",
	"-A INPUT -p icmpv6 -m icmp6 --icmpv6-type 1/0:3",
	"-A INPUT -m hl ! --hl-eq 3 -m hl --hl-lt 4 -m rt --rt-type 0 --rt-segsleft 2:5 --rt-len 3 --rt-0-res --rt-0-addrs ::1,2001:db8::2 --rt-0-not-strict",
	"-A INPUT -m rt ! --rt-type 2 ! --rt-segsleft 4 ! --rt-len 7 -g web",
	"-A INPUT -m rt ! --rt-segsleft :",
	"-A INPUT -s 2001:db8::1/ffff::1 -d ::/96",
	"-A FORWARD -i eth0 ! -o eth+ -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --mask ffff:ffff:ffff:ffff:: -j REJECT --reject-with tcp-reset",
	"-A INPUT -m iprange --src-range 2001:db8::1-2001:db8::10 ! --dst-range ::1-::5 -j LOG --log-prefix \"x: \" --log-level 6 --log-uid",
	"-A INPUT -p udp -m multiport --dports 53,123 -m limit --limit 3/min -m length --length 100:200 -m comment --comment hi -j ACCEPT",
	"-A web -j REJECT",
	"-A web -p tcp -j REJECT --reject-with adm",
	"-A web -m state --state ESTABLISHED -m recent --rcheck --seconds 60 --hitcount 4 --name SSH --rdest -j DROP",
};

/* What the system ip6tables 1.8.9 printed for them. */
static const char want_S[] =
	"-P INPUT ACCEPT\n"
	"-P FORWARD ACCEPT\n"
	"-P OUTPUT ACCEPT\n"
	"-N web\n"
	"-A INPUT -s 2001:db8::/64 -d 2001:db8::1/128 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n"
	"-A INPUT ! -s 2001:db8::/32 -p ipv6-icmp -m icmp6 ! --icmpv6-type 1/3 -j DROP\n"
	"-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 141 -j ACCEPT\n"
	"-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT\n"
	"-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1/0\n"
	"-A INPUT -m hl ! --hl-eq 3 -m hl --hl-lt 4 -m rt --rt-type 0 --rt-segsleft 2:5 --rt-len 3 --rt-0-res --rt-0-addrs ::1,2001:db8::2 --rt-0-not-strict\n"
	"-A INPUT -m rt ! --rt-type 2 ! --rt-segsleft 4 ! --rt-len 7 -g web\n"
	"-A INPUT -m rt\n"
	"-A INPUT -s 2001::1/ffff::1 -d ::/96\n"
	"-A INPUT -m iprange --src-range 2001:db8::1-2001:db8::10 ! --dst-range ::1-::5 -j LOG --log-prefix \"x: \" --log-level 6 --log-uid\n"
	"-A INPUT -p udp -m multiport --dports 53,123 -m limit --limit 3/min -m length --length 100:200 -m comment --comment hi -j ACCEPT\n"
	"-A FORWARD -i eth0 ! -o eth+ -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask ffff:ffff:ffff:ffff:: --rsource -j REJECT --reject-with tcp-reset\n"
	"-A web -j REJECT --reject-with icmp6-port-unreachable\n"
	"-A web -p tcp -j REJECT --reject-with icmp6-adm-prohibited\n"
	"-A web -m state --state ESTABLISHED -m recent --rcheck --seconds 60 --hitcount 4 --name SSH --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rdest -j DROP\n";

static const char want_L[] =
	"Chain INPUT (policy ACCEPT)\n"
	"target     prot opt source               destination         \n"
	"ACCEPT     ipv6-icmp --  2001:db8::/64        2001:db8::1          ipv6-icmp echo-request\n"
	"DROP       ipv6-icmp -- !2001:db8::/32        anywhere             ipv6-icmp !address-unreachable\n"
	"ACCEPT     ipv6-icmp --  anywhere             anywhere             ipv6-icmptype 141\n"
	"ACCEPT     ipv6-icmp --  anywhere             anywhere             ipv6-icmp neighbour-solicitation HL match HL == 255\n"
	"           ipv6-icmp --  anywhere             anywhere             ipv6-icmptype 1 codes 0-3\n"
	"           all  --  anywhere             anywhere             HL match HL != 3 HL match HL < 4 rt type:0 segslefts:2:5 length:3 reserved 0-addrs ::1,2001:db8::2 0-not-strict\n"
	"web        all  --  anywhere             anywhere            [goto]  rt type:!2 segsleft:!4 length:!7\n"
	"           all  --  anywhere             anywhere             rt segslefts:!0:4294967295\n"
	"           all  --  2001::1/ffff::1      anywhere            \n"
	"LOG        all  --  anywhere             anywhere             source IP range 2001:db8::1-2001:db8::10 destination IP range ! ::1-::5 LOG level info uid prefix \"x: \"\n"
	"ACCEPT     udp  --  anywhere             anywhere             multiport dports domain,ntp limit: avg 3/min burst 5 length 100:200 /* hi */\n"
	"\n"
	"Chain FORWARD (policy ACCEPT)\n"
	"target     prot opt source               destination         \n"
	"REJECT     tcp  --  anywhere             anywhere             tcp dpt:ssh ctstate NEW recent: SET name: DEFAULT side: source mask: ffff:ffff:ffff:ffff:: reject-with tcp-reset\n"
	"\n"
	"Chain OUTPUT (policy ACCEPT)\n"
	"target     prot opt source               destination         \n"
	"\n"
	"Chain web (1 references)\n"
	"target     prot opt source               destination         \n"
	"REJECT     all  --  anywhere             anywhere             reject-with icmp6-port-unreachable\n"
	"REJECT     tcp  --  anywhere             anywhere             reject-with icmp6-adm-prohibited\n"
	"DROP       all  --  anywhere             anywhere             state ESTABLISHED recent: CHECK seconds: 60 hit_count: 4 name: SSH side: dest mask: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n";

static const char want_Lnvx[] =
	"Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	"num      pkts      bytes target     prot opt in     out     source               destination         \n"
	"1           0        0 ACCEPT     58   --  *      *       2001:db8::/64        2001:db8::1          ipv6-icmptype 128\n"
	"2           0        0 DROP       58   --  *      *      !2001:db8::/32        ::/0                 ipv6-icmp !type 1 code 3\n"
	"3           0        0 ACCEPT     58   --  *      *       ::/0                 ::/0                 ipv6-icmptype 141\n"
	"4           0        0 ACCEPT     58   --  *      *       ::/0                 ::/0                 ipv6-icmptype 135 HL match HL == 255\n"
	"5           0        0            58   --  *      *       ::/0                 ::/0                 ipv6-icmptype 1 codes 0-3\n"
	"6           0        0            0    --  *      *       ::/0                 ::/0                 HL match HL != 3 HL match HL < 4 rt type:0 segslefts:2:5 length:3 reserved 0-addrs ::1,2001:db8::2 0-not-strict\n"
	"7           0        0 web        0    --  *      *       ::/0                 ::/0                [goto]  rt type:!2 segsleft:!4 length:!7\n"
	"8           0        0            0    --  *      *       ::/0                 ::/0                 rt segslefts:!0:4294967295\n"
	"9           0        0            0    --  *      *       2001::1/ffff::1      ::/96               \n"
	"10          0        0 LOG        0    --  *      *       ::/0                 ::/0                 source IP range 2001:db8::1-2001:db8::10 destination IP range ! ::1-::5 LOG flags 8 level 6 prefix \"x: \"\n"
	"11          0        0 ACCEPT     17   --  *      *       ::/0                 ::/0                 multiport dports 53,123 limit: avg 3/min burst 5 length 100:200 /* hi */\n"
	"\n"
	"Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n"
	"num      pkts      bytes target     prot opt in     out     source               destination         \n"
	"1           0        0 REJECT     6    --  eth0   !eth+   ::/0                 ::/0                 tcp dpt:22 ctstate NEW recent: SET name: DEFAULT side: source mask: ffff:ffff:ffff:ffff:: reject-with tcp-reset\n"
	"\n"
	"Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	"num      pkts      bytes target     prot opt in     out     source               destination         \n"
	"\n"
	"Chain web (1 references)\n"
	"num      pkts      bytes target     prot opt in     out     source               destination         \n"
	"1           0        0 REJECT     0    --  *      *       ::/0                 ::/0                 reject-with icmp6-port-unreachable\n"
	"2           0        0 REJECT     6    --  *      *       ::/0                 ::/0                 reject-with icmp6-adm-prohibited\n"
	"3           0        0 DROP       0    --  *      *       ::/0                 ::/0                 state ESTABLISHED recent: CHECK seconds: 60 hit_count: 4 name: SSH side: dest mask: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n";

static const char want_Lv[] =
	"Chain INPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	" pkts bytes target     prot opt in     out     source               destination         \n"
	"    0     0 ACCEPT     ipv6-icmp --  any    any     2001:db8::/64        2001:db8::1          ipv6-icmp echo-request\n"
	"    0     0 DROP       ipv6-icmp --  any    any    !2001:db8::/32        anywhere             ipv6-icmp !address-unreachable\n"
	"    0     0 ACCEPT     ipv6-icmp --  any    any     anywhere             anywhere             ipv6-icmptype 141\n"
	"    0     0 ACCEPT     ipv6-icmp --  any    any     anywhere             anywhere             ipv6-icmp neighbour-solicitation HL match HL == 255\n"
	"    0     0            ipv6-icmp --  any    any     anywhere             anywhere             ipv6-icmptype 1 codes 0-3\n"
	"    0     0            all  --  any    any     anywhere             anywhere             HL match HL != 3 HL match HL < 4 rt type:0 segslefts:2:5 length:3 reserved 0-addrs ::1,2001:db8::2 0-not-strict\n"
	"    0     0 web        all  --  any    any     anywhere             anywhere            [goto]  rt type:!2 segsleft:!4 length:!7\n"
	"    0     0            all  --  any    any     anywhere             anywhere             rt segslefts:!0:4294967295\n"
	"    0     0            all  --  any    any     2001::1/ffff::1      anywhere            \n"
	"    0     0 LOG        all  --  any    any     anywhere             anywhere             source IP range 2001:db8::1-2001:db8::10 destination IP range ! ::1-::5 LOG level info uid prefix \"x: \"\n"
	"    0     0 ACCEPT     udp  --  any    any     anywhere             anywhere             multiport dports domain,ntp limit: avg 3/min burst 5 length 100:200 /* hi */\n"
	"\n"
	"Chain FORWARD (policy ACCEPT 0 packets, 0 bytes)\n"
	" pkts bytes target     prot opt in     out     source               destination         \n"
	"    0     0 REJECT     tcp  --  eth0   !eth+   anywhere             anywhere             tcp dpt:ssh ctstate NEW recent: SET name: DEFAULT side: source mask: ffff:ffff:ffff:ffff:: reject-with tcp-reset\n"
	"\n"
	"Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n"
	" pkts bytes target     prot opt in     out     source               destination         \n"
	"\n"
	"Chain web (1 references)\n"
	" pkts bytes target     prot opt in     out     source               destination         \n"
	"    0     0 REJECT     all  --  any    any     anywhere             anywhere             reject-with icmp6-port-unreachable\n"
	"    0     0 REJECT     tcp  --  any    any     anywhere             anywhere             reject-with icmp6-adm-prohibited\n"
	"    0     0 DROP       all  --  any    any     anywhere             anywhere             state ESTABLISHED recent: CHECK seconds: 60 hit_count: 4 name: SSH side: dest mask: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n";

static const char want_save[] =
	"*filter\n"
	":INPUT ACCEPT [0:0]\n"
	":FORWARD ACCEPT [0:0]\n"
	":OUTPUT ACCEPT [0:0]\n"
	":web - [0:0]\n"
	"-A INPUT -s 2001:db8::/64 -d 2001:db8::1/128 -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j ACCEPT\n"
	"-A INPUT ! -s 2001:db8::/32 -p ipv6-icmp -m icmp6 ! --icmpv6-type 1/3 -j DROP\n"
	"-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 141 -j ACCEPT\n"
	"-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT\n"
	"-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1/0\n"
	"-A INPUT -m hl ! --hl-eq 3 -m hl --hl-lt 4 -m rt --rt-type 0 --rt-segsleft 2:5 --rt-len 3 --rt-0-res --rt-0-addrs ::1,2001:db8::2 --rt-0-not-strict\n"
	"-A INPUT -m rt ! --rt-type 2 ! --rt-segsleft 4 ! --rt-len 7 -g web\n"
	"-A INPUT -m rt\n"
	"-A INPUT -s 2001::1/ffff::1 -d ::/96\n"
	"-A INPUT -m iprange --src-range 2001:db8::1-2001:db8::10 ! --dst-range ::1-::5 -j LOG --log-prefix \"x: \" --log-level 6 --log-uid\n"
	"-A INPUT -p udp -m multiport --dports 53,123 -m limit --limit 3/min -m length --length 100:200 -m comment --comment hi -j ACCEPT\n"
	"-A FORWARD -i eth0 ! -o eth+ -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -m recent --set --name DEFAULT --mask ffff:ffff:ffff:ffff:: --rsource -j REJECT --reject-with tcp-reset\n"
	"-A web -j REJECT --reject-with icmp6-port-unreachable\n"
	"-A web -p tcp -j REJECT --reject-with icmp6-adm-prohibited\n"
	"-A web -m state --state ESTABLISHED -m recent --rcheck --seconds 60 --hitcount 4 --name SSH --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rdest -j DROP\n"
	"COMMIT\n";
/* Split @line into words at blanks, "..." quoting one word; @copy holds them. */
static int split(const char *prog, const char *line, char *copy, char **argv, int max)
{
	int argc = 0;
	char *p = copy;

	strcpy(copy, line);
	argv[argc++] = (char *)prog;
	while (*p && argc < max) {
		char *out;
		bool quoted = false;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		argv[argc++] = out = p;
		for (; *p && (quoted || *p != ' '); p++) {
			if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
		}
		if (*p)
			p++;
		*out = '\0';
	}
	return argc;
}

/* Parse @line as @ctx's command and apply it to @rs (or -C it); 0 or the error. */
static int run(const struct ipt_ctx *ctx, struct ir_ruleset *rs, const char *line,
	       struct bpfw_err *err)
{
	char copy[1024], *argv[64];
	int argc = split(ctx->prog, line, copy, argv, 64), ret;
	struct ipt_cmd cmd;

	ret = ipt_parse_argv(ctx, argc, argv, &cmd, err);
	if (ret)
		return ret;
	if (ipt_cmd_modifies(&cmd))
		ret = ipt_cmd_apply(ctx, rs, &cmd, err);
	else
		ret = ipt_cmd_show(ctx, rs, &cmd, stdout, err);
	ipt_cmd_release(&cmd);
	return ret;
}

static struct ir_ruleset *sample(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	for (size_t i = 0; i < sizeof(sample_cmds) / sizeof(sample_cmds[0]); i++) {
		int ret = run(&ctx6, rs, sample_cmds[i], &err);

		CU_ASSERT_EQUAL(ret, 0);
		if (ret)
			fprintf(stderr, "\n%s: %s\n", sample_cmds[i], err.msg);
		bpfw_err_clear(&err);
	}
	return rs;
}

static void same(const char *what, const char *got, const char *want)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want))
		fprintf(stderr, "\n%s:\n got:\n%swant:\n%s", what, got, want);
}

enum what { LIST_RULES, LIST, SAVE };

static void check(const struct ir_ruleset *rs, enum what what, unsigned int flags,
		  const char *want)
{
	const struct ir_table *t = rs->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER];
	struct bpfw_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	if (what == LIST_RULES) {
		CU_ASSERT_EQUAL(ipt_list_rules(&ctx6, f, t, "", 0, flags, &err), 0);
	} else if (what == LIST) {
		CU_ASSERT_EQUAL(ipt_list_table(&ctx6, f, t, "", 0, flags, &err), 0);
	} else {
		CU_ASSERT_EQUAL(ipt_save(&ctx6, f, rs, NULL, IPT_SAVE_NO_COUNTERS, false), 0);
	}
	fclose(f);
	same(what == LIST_RULES ? "-S" : what == LIST ? "-L" : "save", buf, want);
	free(buf);
	bpfw_err_clear(&err);
}

static void test_output(void)
{
	struct ir_ruleset *rs = sample();

	check(rs, LIST_RULES, 0, want_S);
	check(rs, LIST, 0, want_L);
	check(rs, LIST, IPT_F_VERBOSE, want_Lv);
	check(rs, LIST, IPT_F_NUMERIC | IPT_F_VERBOSE | IPT_F_EXACT | IPT_F_LINE_NUMBERS,
	      want_Lnvx);
	check(rs, SAVE, 0, want_save);
	ir_ruleset_free(rs);
}

/* The state text (slots, exact forms) reads back into the same rules. */
static void test_state_roundtrip(void)
{
	const struct ipt_restore_opts opts = { .counters = true, .slots = true };
	struct ir_ruleset *rs = sample(), *back = ir_ruleset_new();
	const struct ir_table *a, *b;
	struct bpfw_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_EQUAL(ipt_save(&ctx6, f, rs, NULL, IPT_SAVE_SLOTS, false), 0);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(ipt_restore_apply(&ctx6, buf, len, &opts, back, &err), 0);
	a = rs->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER];
	b = back->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER];
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT_EQUAL_FATAL(a->n_chains, b->n_chains);
	for (unsigned int i = 0; i < a->n_chains; i++) {
		const struct ir_chain *ca = a->chains[i], *cb = ir_chain_find(b, ca->name);

		CU_ASSERT_PTR_NOT_NULL_FATAL(cb);
		CU_ASSERT_EQUAL_FATAL(ca->n_rules, cb->n_rules);
		for (unsigned int j = 0; j < ca->n_rules; j++)
			CU_ASSERT(ir_rule_equal(ca->rules[j], cb->rules[j]));
	}
	free(buf);
	ir_ruleset_free(rs);
	ir_ruleset_free(back);
}

/* -C and -D find a rule however its addresses, names and defaults were written. */
static void test_check_delete(void)
{
	struct ir_ruleset *rs = sample();
	struct bpfw_err err = { 0 };

	CU_ASSERT_EQUAL(run(&ctx6, rs, "-C INPUT ! -s 2001:db8::/32 -p ipv6-icmp -m icmp6 "
			    "! --icmpv6-type address-unreachable -j DROP", &err), 0);
	CU_ASSERT_EQUAL(run(&ctx6, rs, "-C web -j REJECT --reject-with icmp6-port-unreachable",
			    &err), 0);
	CU_ASSERT_EQUAL(run(&ctx6, rs, "-C INPUT -m rt --rt-segsleft 0:4294967295", &err), -ENOENT);
	bpfw_err_clear(&err);
	CU_ASSERT_EQUAL(run(&ctx6, rs, "-D INPUT -s 2001:db8::/64 -d 2001:db8::1/128 -p 58 "
			    "--icmpv6-type 128 -j ACCEPT", &err), 0);
	CU_ASSERT_EQUAL(run(&ctx6, rs, "-D INPUT -m hl --hl 255 -p icmpv6 --icmpv6-type 135 "
			    "-j ACCEPT", &err), -ENOENT);
	CU_ASSERT_STRING_EQUAL(err.msg, "ip6tables: Bad rule (does a matching rule exist in that "
			       "chain?).");
	bpfw_err_clear(&err);
	CU_ASSERT_EQUAL(run(&ctx6, rs, "-D INPUT -p icmpv6 --icmpv6-type 135 -m hl --hl 255 "
			    "-j ACCEPT", &err), 0);
	CU_ASSERT_EQUAL(ir_chain_find(rs->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER], "INPUT")->n_rules,
			9);
	ir_ruleset_free(rs);
}

static void expect_err(const struct ipt_ctx *ctx, const char *line, int code, const char *msg)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };

	CU_ASSERT(run(ctx, rs, line, &err) < 0);
	CU_ASSERT_EQUAL(err.exit_code, code);
	CU_ASSERT_STRING_EQUAL(err.msg, msg);
	if (strcmp(err.msg, msg))
		fprintf(stderr, "\n%s\n got: %s\nwant: %s\n", line, err.msg, msg);
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
}

#define TRY6 "\nTry `ip6tables -h' or 'ip6tables --help' for more information."
#define V6 "ip6tables v1.8.9 (bpfw): "
#define TRY4 "\nTry `iptables -h' or 'iptables --help' for more information."
#define V4 "iptables v1.8.9 (bpfw): "

/* ip6tables' sentences, as the system ip6tables 1.8.9 prints them. */
static void test_errors(void)
{
	static const struct { const char *line, *msg; int code; } cases[] = {
		{ "-A INPUT -f", V6 "`-f' is not supported in IPv6, use -m frag instead" TRY6, 2 },
		{ "-A INPUT -m icmp --icmp-type 8",
		  V6 "Couldn't load match `icmp':No such file or directory\n" TRY6, 2 },
		{ "-A INPUT -p icmp --icmp-type 8", V6 "unknown option \"--icmp-type\"" TRY6, 2 },
		{ "-A INPUT -m ttl --ttl-eq 3",
		  V6 "Couldn't load match `ttl':No such file or directory\n" TRY6, 2 },
		{ "-A INPUT -j REJECT --reject-with icmp-port-unreachable",
		  V6 "unknown reject type \"icmp-port-unreachable\"" TRY6, 2 },
		{ "-A INPUT -p tcp -j REJECT --reject-with tcp-rst",
		  V6 "unknown reject type \"tcp-rst\"" TRY6, 2 },
		{ "-A INPUT -s 2001:db8::/129", V6 "invalid mask `129' specified" TRY6, 2 },
		{ "-A INPUT -s 2001:db8::1/-1", V6 "invalid mask `-1' specified" TRY6, 2 },
		{ "-A INPUT -s 2001:db8:::1", V6 "host/network `2001:db8:::1' not found" TRY6, 2 },
		{ "-A INPUT -s 1.2.3.4", V6 "host/network `1.2.3.4' not found" TRY6, 2 },
		{ "-A INPUT -s [::1]", V6 "host/network `[::1]' not found" TRY6, 2 },
		{ "-A INPUT ! -s ::1,::2",
		  V6 "! not allowed with multiple source or destination IP addresses" TRY6, 2 },
		{ "-A INPUT -p icmpv6 --icmpv6-type foo", V6 "Unknown ICMPv6 type `foo'" TRY6, 2 },
		{ "-A INPUT -p icmpv6 --icmpv6-type 1:2", V6 "ICMPv6 type range not supported" TRY6,
		  2 },
		{ "-A INPUT -p icmpv6 --icmpv6-type 1/2x", V6 "unknown character x" TRY6, 2 },
		{ "-A INPUT -p icmpv6 --icmpv6-type 1/300", V6 "Unknown ICMPv6 code `1/300'" TRY6,
		  2 },
		{ "-A INPUT -p icmpv6 --icmpv6-type 300", V6 "Unknown ICMPv6 type `300'" TRY6, 2 },
		{ "-A INPUT -p icmpv6 --icmpv6-type t",
		  V6 "Ambiguous ICMPv6 type `t': `time-exceeded' or `ttl-exceeded'?" TRY6, 2 },
		{ "-A INPUT -m icmp6", V6 "icmp6: option \"--icmpv6-type\" must be specified\n"
		  TRY6, 2 },
		{ "-A INPUT -p icmpv6 -m icmp6 --icmpv6-type 1 --icmpv6-type 2",
		  V6 "icmp6: option \"--icmpv6-type\" can only be used once.\n" TRY6, 2 },
		{ "-A INPUT -m icmp6 --icmpv6-type 1",
		  V6 " RULE_APPEND failed (Invalid argument): rule in chain INPUT", 4 },
		{ "-A INPUT ! -p icmpv6 --icmpv6-type 1",
		  V6 " RULE_APPEND failed (Invalid argument): rule in chain INPUT", 4 },
		{ "-A INPUT -m hl --hl-eq 256",
		  V6 "hl: bad value for option \"--hl-eq\", or out of range (0-255).\n" TRY6, 2 },
		{ "-A INPUT -m hl ! --hl-lt 3", V6 "hl: option \"--hl-lt\" cannot be inverted.\n"
		  TRY6, 2 },
		{ "-A INPUT -m hl", V6 "HL match: You must specify one of `--hl-eq', `--hl-lt', "
		  "`--hl-gt'" TRY6, 2 },
		{ "-A INPUT -m hl --hl-gt 42 --hl-eq 42",
		  V6 "hl: option \"--hl-gt\" cannot be used together with \"--hl-eq\".\n" TRY6, 2 },
		{ "-A INPUT -m hl --hl-eq 42 --hl 3",
		  V6 "hl: option \"--hl-eq\" can only be used once.\n" TRY6, 2 },
		{ "-A INPUT -m rt --rt-0-res", V6 "`--rt-type 0' required before `--rt-0-res'" TRY6,
		  2 },
		{ "-A INPUT -m rt --rt-type 1 --rt-0-addrs ::1",
		  V6 "`--rt-type 0' required before `--rt-0-addrs'" TRY6, 2 },
		{ "-A INPUT -m rt --rt-0-not-strict",
		  V6 "`--rt-0-addr ...' required before `--rt-0-not-strict'" TRY6, 2 },
		{ "-A INPUT -m rt --rt-type 0 --rt-0-addrs ::1,foo", V6 "bad address: foo" TRY6, 2 },
		{ "-A INPUT -m rt ! --rt-0-res", V6 "rt: option \"--rt-0-res\" cannot be inverted.\n"
		  TRY6, 2 },
		{ "-A INPUT -m rt --rt-len x",
		  V6 "rt: bad value for option \"--rt-len\", or out of range (0-4294967295).\n" TRY6,
		  2 },
		{ "-A INPUT -m rt --rt-segsleft 1:2:3",
		  V6 "rt: Too many components for option \"--rt-segsleft\" (max: 2)\n" TRY6, 2 },
		{ "-A INPUT -m rt --rt-segsleft 1x",
		  V6 "rt: Argument to \"--rt-segsleft\" has unexpected characters near \"x\".\n"
		  TRY6, 2 },
		{ "-A INPUT -m rt --rt-segsleft x", V6 "rt: bad value for option \"--rt-segsleft\" "
		  "near \"x\", or out of range (0-4294967295).\n" TRY6, 2 },
		{ "-A INPUT -m rt --rt-type 0 --rt-0-addrs ::1,::2,::3,::4,::5,::6,::7,::8,::9,::10,"
		  "::11,::12,::13,::14,::15,::16,::17", V6 "too many addresses specified" TRY6, 2 },
		{ "-A INPUT -m recent --set --mask 1.2.3.4",
		  V6 "getaddrinfo: Address family for hostname not supported\n" TRY6, 2 },
		{ "-A INPUT -j REJECT --reject-with tcp-reset",
		  V6 " RULE_APPEND failed (Invalid argument): rule in chain INPUT", 4 },
		{ "-A INPUT -4 -j ACCEPT", TRY6 + 1, 2 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_err(&ctx6, cases[i].line, cases[i].code, cases[i].msg);
}

static void expect4(const char *line, const char *msg)
{
	expect_err(&ctx4, line, 2, msg);
}

/* iptables has none of ip6tables' own: its matches, its reject types, "-6". */
static void test_iptables_refuses_ip6(void)
{
	expect4("-A INPUT -m icmp6 --icmpv6-type 1",
		   V4 "Couldn't load match `icmp6':No such file or directory\n" TRY4);
	expect4("-A INPUT -m hl --hl-eq 1",
		   V4 "Couldn't load match `hl':No such file or directory\n" TRY4);
	expect4("-A INPUT -m rt",
		   V4 "Couldn't load match `rt':No such file or directory\n" TRY4);
	expect4("-A INPUT -j REJECT --reject-with icmp6-no-route",
		   V4 "unknown reject type \"icmp6-no-route\"" TRY4);
	expect4("-A INPUT -p icmpv6 --icmpv6-type 1",
		   V4 "unknown option \"--icmpv6-type\"" TRY4);
	expect4("-A INPUT -s 2001:db8::1", V4 "host/network `2001:db8::1' not found"
		   TRY4);
	expect4("-A INPUT -6 -j ACCEPT", TRY4 + 1);
}

/* What the parser makes of IPv6 addresses, host names and REJECT's default. */
static void test_fields(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	const struct ir_chain *in;
	struct in6_addr want;

	CU_ASSERT_EQUAL(run(&ctx6, rs, "-A INPUT -s ::1,2001:db8::5/64 -d \" ::2\" -j REJECT",
			    &err), 0);
	CU_ASSERT_EQUAL(run(&ctx6, rs, "-A INPUT -s 2001:db8::1/0 -p ipv6-icmp "
			    "--icmpv6-type 1/0:3", &err), 0);
	in = ir_chain_find(rs->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER], "INPUT");
	CU_ASSERT_EQUAL_FATAL(in->n_rules, 3);
	inet_pton(AF_INET6, "2001:db8::", &want);
	CU_ASSERT(!memcmp(&in->rules[1]->ip.src.addr.v6, &want, sizeof(want)));
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff::", &want);
	CU_ASSERT(!memcmp(&in->rules[1]->ip.src.mask.v6, &want, sizeof(want)));
	inet_pton(AF_INET6, "::2", &want);
	CU_ASSERT(!memcmp(&in->rules[1]->ip.dst.addr.v6, &want, sizeof(want)));
	CU_ASSERT_EQUAL(in->rules[0]->target.reject, IR_REJECT6_PORT_UNREACH);
	inet_pton(AF_INET6, "::", &want);
	CU_ASSERT(!memcmp(&in->rules[2]->ip.src.mask.v6, &want, sizeof(want)));
	CU_ASSERT_EQUAL(in->rules[2]->matches[0].kind, IR_MATCH_ICMP6);
	CU_ASSERT_EQUAL(in->rules[2]->matches[0].icmp.code_hi, 3);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "output", test_output },
	{ "state_roundtrip", test_state_roundtrip },
	{ "check_delete", test_check_delete },
	{ "errors", test_errors },
	{ "iptables_refuses_ip6", test_iptables_refuses_ip6 },
	{ "fields", test_fields },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("ip6t", tests);
}
