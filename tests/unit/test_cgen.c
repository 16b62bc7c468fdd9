// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the compiler's output structure (no kernel needed). */
#include <errno.h>
#include <string.h>

#include "bpfw/cgen.h"
#include "cu.h"

static struct ir_rule *rule(enum ir_target_kind kind, const char *chain, uint32_t slot)
{
	struct ir_rule *r = ir_rule_new();

	r->target.kind = kind;
	if (chain)
		snprintf(r->target.chain, sizeof(r->target.chain), "%s", chain);
	r->slot = slot;
	return r;
}

static struct ir_ruleset *sample(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct ir_table *t;
	struct ir_chain *u;
	struct ir_rule *r;

	ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t);
	for (unsigned int i = 0; i < t->n_chains; i++)
		t->chains[i]->policy_slot = i;
	ir_chain_add(t, "u", &u);
	r = rule(IR_TARGET_JUMP, "u", 3);
	snprintf(r->ip.iif, sizeof(r->ip.iif), "eth+");
	ir_chain_insert(t->chains[0], 0, r);
	ir_chain_insert(u, 0, rule(IR_TARGET_DROP, NULL, 9));
	return rs;
}

/* Every jump lands inside the program; every call lands on an instruction. */
static void check_targets(const struct cgen_prog *p)
{
	for (uint32_t i = 0; i < p->n_insns; i++) {
		const struct bpf_insn *in = &p->insns[i];
		uint8_t cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
		int64_t to;

		if (in->code == (BPF_LD | BPF_DW | BPF_IMM)) {
			i++;
			continue;
		}
		if (cls != BPF_JMP && cls != BPF_JMP32)
			continue;
		if (op == BPF_EXIT || (op == BPF_CALL && in->src_reg != BPF_PSEUDO_CALL))
			continue;
		if (op == BPF_CALL || (cls == BPF_JMP32 && op == BPF_JA))
			to = (int64_t)i + 1 + in->imm;
		else
			to = (int64_t)i + 1 + in->off;
		CU_ASSERT(to >= 0 && to < p->n_insns);
	}
	CU_ASSERT_EQUAL(p->insns[p->n_insns - 1].code, BPF_JMP | BPF_EXIT);
}

static void test_structure(void)
{
	struct ir_ruleset *rs = sample();
	struct bpfw_err err = { 0 };
	struct cgen_output out;
	struct cgen_opts opts;
	int ci, ii;

	cgen_opts_default(&opts);
	CU_ASSERT_EQUAL_FATAL(cgen_compile(rs, &opts, &out, &err), 0);
	CU_ASSERT(out.progs[CGEN_PROG_TC_INGRESS].present);
	CU_ASSERT(out.progs[CGEN_PROG_TC_EGRESS].present);
	CU_ASSERT_FALSE(out.progs[CGEN_PROG_XDP].present);
	CU_ASSERT_EQUAL(out.n_slots, 10);
	ci = cgen_output_find_map(&out, CGEN_MAP_COUNTERS);
	ii = cgen_output_find_map(&out, CGEN_MAP_IFNAMES);
	CU_ASSERT(ci >= 0 && ii >= 0);
	CU_ASSERT_EQUAL(out.maps[ci].type, BPF_MAP_TYPE_PERCPU_ARRAY);
	CU_ASSERT_STRING_EQUAL(out.maps[ci].name, CGEN_MAP_NAME_COUNTERS);
	CU_ASSERT_EQUAL(out.maps[ci].max_entries, 10);
	for (int k = 0; k < CGEN_PROG_TC_EGRESS + 1; k++)
		check_targets(&out.progs[k]);
	cgen_output_free(&out);
	ir_ruleset_free(rs);
}

static void test_no_ifnames_map_without_names(void)
{
	struct ir_ruleset *rs = sample();
	struct bpfw_err err = { 0 };
	struct cgen_output out;
	struct cgen_opts opts;

	rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER]->chains[0]->rules[0]->ip.iif[0] = '\0';
	cgen_opts_default(&opts);
	CU_ASSERT_EQUAL_FATAL(cgen_compile(rs, &opts, &out, &err), 0);
	CU_ASSERT_EQUAL(cgen_output_find_map(&out, CGEN_MAP_IFNAMES), -1);
	cgen_output_free(&out);
	ir_ruleset_free(rs);
}

static void test_errors(void)
{
	struct ir_ruleset *rs = sample();
	struct ir_table *t = rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER], *t6;
	struct bpfw_err err = { 0 };
	struct cgen_output out;
	struct cgen_opts opts;

	cgen_opts_default(&opts);
	/* a loop reachable from INPUT */
	ir_chain_insert(ir_chain_find(t, "u"), 0, rule(IR_TARGET_JUMP, "u", 11));
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -ELOOP);
	bpfw_err_clear(&err);
	ir_chain_remove(ir_chain_find(t, "u"), 0);
	/* a rule without a counter slot */
	ir_chain_insert(t->chains[2], 0, rule(IR_TARGET_ACCEPT, NULL, IR_SLOT_NONE));
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -EINVAL);
	bpfw_err_clear(&err);
	ir_chain_remove(t->chains[2], 0);
	/* the IPv6 filter table compiles; IPv6 raw rules are refused, not ignored */
	ir_table_get(rs, IR_FAMILY_IPV6, IR_TABLE_FILTER, &t6);
	for (unsigned int i = 0; i < t6->n_chains; i++)
		t6->chains[i]->policy_slot = 40 + i;
	t6->chains[0]->policy = IR_VERDICT_DROP;
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), 0);
	CU_ASSERT_EQUAL(out.n_slots, 43);
	cgen_output_free(&out);
	ir_table_get(rs, IR_FAMILY_IPV6, IR_TABLE_RAW, &t6);
	t6->chains[0]->policy = IR_VERDICT_DROP;
	t6->chains[0]->policy_slot = 50;
	t6->chains[1]->policy_slot = 51;
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), 0);
	CU_ASSERT_TRUE(out.progs[CGEN_PROG_XDP].present);
	cgen_output_free(&out);
	/* an nftables base chain at a hook bpfw does not run is refused, not ignored */
	CU_ASSERT_EQUAL_FATAL(ir_nft_table_add(rs, IR_NFT_INET, "nat", &t6), 0);
	CU_ASSERT_EQUAL_FATAL(ir_nft_base_chain_add(t6, "post", IR_HOOK_POSTROUTING, 100,
						    IR_VERDICT_ACCEPT, NULL), 0);
	t6->chains[0]->policy_slot = 52;
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Chain post of table nat"));
	bpfw_err_clear(&err);
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
}

static void test_empty_ruleset(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	struct cgen_output out;
	struct cgen_opts opts;

	cgen_opts_default(&opts);
	CU_ASSERT_EQUAL_FATAL(cgen_compile(rs, &opts, &out, &err), 0);
	CU_ASSERT(out.progs[CGEN_PROG_TC_INGRESS].present);
	CU_ASSERT_EQUAL(out.n_slots, 0);
	check_targets(&out.progs[CGEN_PROG_TC_INGRESS]);
	cgen_output_free(&out);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "programs, maps, slots, jump targets", test_structure },
	{ "no interface map without names", test_no_ifnames_map_without_names },
	{ "loops, missing slots, IPv6, what is refused", test_errors },
	{ "empty rule set", test_empty_ruleset },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("cgen", tests);
}
