// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the rule model (lib/ir.c, lib/ir_jumps.c). */
#include <errno.h>
#include <string.h>

#include "bpfw/ir.h"
#include "cu.h"

static struct ir_rule *jump_rule(enum ir_target_kind kind, const char *chain)
{
	struct ir_rule *r = ir_rule_new();

	r->target.kind = kind;
	if (chain)
		snprintf(r->target.chain, sizeof(r->target.chain), "%s", chain);
	return r;
}

static void test_table_builtins(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct ir_table *t;

	CU_ASSERT_EQUAL(ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t), 0);
	CU_ASSERT_EQUAL(t->n_chains, 3);
	CU_ASSERT_STRING_EQUAL(t->chains[0]->name, "INPUT");
	CU_ASSERT_STRING_EQUAL(t->chains[1]->name, "FORWARD");
	CU_ASSERT_STRING_EQUAL(t->chains[2]->name, "OUTPUT");
	CU_ASSERT_EQUAL(t->chains[0]->policy, IR_VERDICT_ACCEPT);
	CU_ASSERT_EQUAL(t->chains[0]->policy_slot, IR_SLOT_NONE);
	CU_ASSERT(ir_chain_is_builtin(t->chains[2]));
	ir_ruleset_free(rs);
}

static void test_chain_ops(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct ir_chain *a, *b;
	struct ir_table *t;

	ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t);
	CU_ASSERT_EQUAL(ir_chain_add(t, "A", &a), 0);
	CU_ASSERT_EQUAL(ir_chain_add(t, "A", NULL), -EEXIST);
	CU_ASSERT_EQUAL(ir_chain_add(t, "B", &b), 0);
	CU_ASSERT_EQUAL(ir_chain_insert(ir_chain_find(t, "INPUT"), 0,
					jump_rule(IR_TARGET_JUMP, "A")), 0);
	CU_ASSERT_EQUAL(ir_chain_refcount(t, "A"), 1);
	CU_ASSERT_EQUAL(ir_chain_del(t, a), -EMLINK);
	CU_ASSERT_EQUAL(ir_chain_rename(t, a, "C"), 0);
	CU_ASSERT_STRING_EQUAL(ir_chain_find(t, "INPUT")->rules[0]->target.chain, "C");
	CU_ASSERT_EQUAL(ir_chain_refcount(t, "C"), 1);
	CU_ASSERT_EQUAL(ir_chain_insert(b, 0, jump_rule(IR_TARGET_ACCEPT, NULL)), 0);
	CU_ASSERT_EQUAL(ir_chain_del(t, b), -ENOTEMPTY);
	ir_chain_flush(b);
	CU_ASSERT_EQUAL(ir_chain_del(t, b), 0);
	CU_ASSERT_PTR_NULL(ir_chain_find(t, "B"));
	ir_table_flush(t);
	CU_ASSERT_EQUAL(t->n_chains, 3);
	ir_ruleset_free(rs);
}

static void test_rule_equal_and_clone(void)
{
	struct ir_rule *a = ir_rule_new(), *b;
	struct ir_match *m;

	a->ip.proto = 6;
	ir_rule_add_match(a, IR_MATCH_TCP, &m);
	m->ports.dport.lo = m->ports.dport.hi = 22;
	ir_rule_add_match(a, IR_MATCH_COMMENT, &m);
	m->comment = strdup("ssh");
	a->target.kind = IR_TARGET_ACCEPT;
	a->slot = 7;
	b = ir_rule_clone(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	CU_ASSERT(ir_rule_equal(a, b));
	CU_ASSERT_EQUAL(b->slot, 7);
	CU_ASSERT_PTR_NOT_EQUAL(a->matches[1].comment, b->matches[1].comment);
	b->matches[1].comment[0] = 'S';
	CU_ASSERT_FALSE(ir_rule_equal(a, b));
	ir_rule_free(a);
	ir_rule_free(b);
}

static void test_ruleset_clone_is_deep(void)
{
	struct ir_ruleset *rs = ir_ruleset_new(), *c;
	struct ir_table *t;

	ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t);
	ir_chain_insert(t->chains[0], 0, jump_rule(IR_TARGET_DROP, NULL));
	c = ir_ruleset_clone(rs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	ir_chain_flush(c->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER]->chains[0]);
	CU_ASSERT_EQUAL(t->chains[0]->n_rules, 1);
	ir_ruleset_free(c);
	ir_ruleset_free(rs);
}

static void test_jump_checks(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	struct ir_chain *c[9];
	struct ir_table *t;
	char name[8];

	ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t);
	for (int i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "C%d", i);
		ir_chain_add(t, name, &c[i]);
	}
	/* INPUT -> C0 -> C1 -> ... -> C6: 7 user chains deep */
	ir_chain_insert(t->chains[0], 0, jump_rule(IR_TARGET_JUMP, "C0"));
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "C%d", i + 1);
		ir_chain_insert(c[i], 0, jump_rule(IR_TARGET_JUMP, name));
	}
	CU_ASSERT_EQUAL(ir_table_check_jumps(t, 7, &err), 0);
	ir_chain_insert(c[6], 0, jump_rule(IR_TARGET_GOTO, "C7"));
	CU_ASSERT_EQUAL(ir_table_check_jumps(t, 7, &err), -E2BIG);
	bpfw_err_clear(&err);
	/* an unreachable loop is not an error; a reachable one is */
	ir_chain_insert(c[8], 0, jump_rule(IR_TARGET_JUMP, "C8"));
	CU_ASSERT_EQUAL(ir_table_check_jumps(t, 9, &err), 0);
	ir_chain_insert(c[7], 0, jump_rule(IR_TARGET_JUMP, "C3"));
	CU_ASSERT_EQUAL(ir_table_check_jumps(t, 9, &err), -ELOOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "C7"));
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "table built-ins", test_table_builtins },
	{ "chain operations", test_chain_ops },
	{ "rule equality and clone", test_rule_equal_and_clone },
	{ "ruleset clone is deep", test_ruleset_clone_is_deep },
	{ "jump loops and depth", test_jump_checks },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("ir", tests);
}
