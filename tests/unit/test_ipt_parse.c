// SPDX-License-Identifier: GPL-2.0
/* The iptables command-line parser: IR fields and iptables' exact errors. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bpfw/ipt.h"
#include "cu.h"

static const struct ipt_ctx ctx = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

/* Parse a command line given as one string of space-separated words. */
static int parse(const char *line, struct ipt_cmd *cmd, struct bpfw_err *err)
{
	char *copy = strdup(line), *argv[64] = { "iptables" }, *tok, *save;
	int argc = 1, ret;

	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	ret = ipt_parse_argv(&ctx, argc, argv, cmd, err);
	free(copy);
	return ret;
}

static void expect_err(const char *line, int code, const char *msg)
{
	struct bpfw_err err = { 0 };
	struct ipt_cmd cmd;

	CU_ASSERT(parse(line, &cmd, &err) < 0);
	CU_ASSERT_EQUAL(err.exit_code, code);
	CU_ASSERT_STRING_EQUAL(err.msg, msg);
	bpfw_err_clear(&err);
}

#define TRY "\nTry `iptables -h' or 'iptables --help' for more information."
#define V "iptables v1.8.9 (bpfw): "

static void test_errors(void)
{
	expect_err("-A INPUT -p tcp --dport 4:3", 2, V "invalid portrange (min > max)" TRY);
	expect_err("-A INPUT -m foo", 2,
		   V "Couldn't load match `foo':No such file or directory\n" TRY);
	expect_err("-A", 2, V "option \"-A\" requires an argument" TRY);
	expect_err("-A INPUT --foo", 2, V "unknown option \"--foo\"" TRY);
	expect_err("-A INPUT -s 1.2.3.4/33", 2, V "invalid mask `33' specified" TRY);
	expect_err("-A INPUT -s 1.2.3.400", 2, V "host/network `1.2.3.400' not found" TRY);
	expect_err("-A INPUT -p foo", 2, V "unknown protocol \"foo\" specified" TRY);
	expect_err("-A INPUT -i aaaaaaaaaaaaaaaaaaaa", 2,
		   V "interface name `aaaaaaaaaaaaaaaaaaaa' must be shorter than IFNAMSIZ (15)" TRY);
	expect_err("-A OUTPUT -i eth0", 2, V "Can't use -i with OUTPUT\n" TRY);
	expect_err("-A INPUT -D INPUT", 2, V "Cannot use -D with -A" TRY);
	expect_err("-N -foo", 2, V "chain name not allowed to start with `-'" TRY);
	expect_err("-N LOG", 2, V "chain name may not clash with target name" TRY);
	expect_err("-A INPUT -p tcp -m tcp --sport 65536", 2,
		   V "invalid port/service `65536' specified" TRY);
	expect_err("-A INPUT ! -p 0", 2, V "rule would never match protocol" TRY);
	expect_err("-A INPUT -m tcp --dport 1", 2, V "TCP match requires '-p tcp'" TRY);
	expect_err("-A INPUT foo", 2, "Bad argument `foo'" TRY);
	expect_err("-D INPUT 0", 2, V "Invalid rule number `0'" TRY);
	expect_err("-t nat -L", 3, V "table 'nat' does not exist\n"
		   "Perhaps iptables or your kernel needs to be upgraded.");
	expect_err("-P INPUT FOO", 1, "iptables: Bad policy name. Run `dmesg' for more information.");
	expect_err("-L -s 1.2.3.4", 2, V "Illegal option `-s' with this command" TRY);
	expect_err("-A INPUT -c 2", 2, V "-c requires packet and byte counter" TRY);
}

static void test_rule(void)
{
	struct bpfw_err err = { 0 };
	struct ipt_cmd cmd;
	const struct ir_rule *r;

	CU_ASSERT_EQUAL(parse("-I INPUT 2 -s 10.11.12.13/8 ! -p tcp -j ACCEPT", &cmd, &err), 0);
	r = cmd.rule;
	CU_ASSERT_EQUAL(cmd.op, IPT_OP_INSERT);
	CU_ASSERT_EQUAL(cmd.rulenum, 2);
	CU_ASSERT_STRING_EQUAL(cmd.chain, "INPUT");
	CU_ASSERT_EQUAL(r->ip.src.addr.v4.s_addr, inet_addr("10.0.0.0"));
	CU_ASSERT_EQUAL(r->ip.src.mask.v4.s_addr, inet_addr("255.0.0.0"));
	CU_ASSERT_EQUAL(r->ip.proto, 6);
	CU_ASSERT(r->ip.invflags & IR_INV_PROTO);
	CU_ASSERT_EQUAL(r->target.kind, IR_TARGET_ACCEPT);
	ipt_cmd_release(&cmd);

	CU_ASSERT_EQUAL(parse("-t raw -A PREROUTING -i eth0 -s 192.0.2.0/24 -j DROP", &cmd, &err),
			0);
	CU_ASSERT_EQUAL(cmd.table, IR_TABLE_RAW);
	CU_ASSERT_STRING_EQUAL(cmd.chain, "PREROUTING");
	ipt_cmd_release(&cmd);
	expect_err("-t raw -P PREROUTING RETURN", 1,
		   "iptables: Bad policy name. Run `dmesg' for more information.");
	expect_err("-t raw -A PREROUTING -o eth0 -j DROP", 2, V "Can't use -o with PREROUTING\n" TRY);

	CU_ASSERT_EQUAL(parse("-m tcp --dport 1 -p 6 -j LOGX -c 2,3", &cmd, &err), -EINVAL);
	bpfw_err_clear(&err);
	CU_ASSERT_EQUAL(parse("--append=FORWARD -m tcp --dport 1 -p 6 -g u -c 2 3", &cmd, &err), 0);
	r = cmd.rule;
	CU_ASSERT_EQUAL(r->n_matches, 1);
	CU_ASSERT_EQUAL(r->matches[0].kind, IR_MATCH_TCP);
	CU_ASSERT_EQUAL(r->matches[0].ports.dport.lo, 1);
	CU_ASSERT_EQUAL(r->matches[0].ports.dport.hi, 1);
	CU_ASSERT_EQUAL(r->matches[0].ports.sport.hi, 65535);
	CU_ASSERT_EQUAL(r->target.kind, IR_TARGET_GOTO);
	CU_ASSERT_STRING_EQUAL(r->target.chain, "u");
	CU_ASSERT(r->counter_given);
	CU_ASSERT_EQUAL(r->counter.bytes, 3);
	ipt_cmd_release(&cmd);

	CU_ASSERT_EQUAL(parse("-A INPUT -j DROP -p tcp --sport ssh: ! --syn", &cmd, &err), 0);
	r = cmd.rule;
	CU_ASSERT_EQUAL(r->n_matches, 1);
	CU_ASSERT_EQUAL(r->matches[0].ports.sport.lo, 22);
	CU_ASSERT(r->matches[0].ports.invflags & IR_TCP_INV_FLAGS);
	ipt_cmd_release(&cmd);

	CU_ASSERT_EQUAL(parse("-w -nvL INPUT --line-numbers", &cmd, &err), 0);
	CU_ASSERT_EQUAL(cmd.op, IPT_OP_LIST);
	CU_ASSERT_EQUAL(cmd.wait_secs, 0);
	CU_ASSERT_EQUAL(cmd.flags, IPT_F_NUMERIC | IPT_F_VERBOSE | IPT_F_LINE_NUMBERS);
	ipt_cmd_release(&cmd);
}

static const struct cu_test tests[] = {
	{ "errors", test_errors },
	{ "rules", test_rule },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("ipt_parse", tests);
}
