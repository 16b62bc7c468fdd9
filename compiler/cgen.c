// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler's top level: which programs and maps a rule set needs, and
 * the code of its chains.  Built-in chains are inline code in their hook's
 * program ending in the policy; every user chain reached from them is one
 * BPF subprogram, returning CG_CONTINUE, CG_ACCEPT or CG_DROP.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "cgen_internal.h"

#define DEFAULT_CHAIN_DEPTH	7	/* BPF allows 8 frames: the hook plus 7 chains */

void cgen_opts_default(struct cgen_opts *opts)
{
	opts->l2_len = ETH_HLEN;
	opts->max_chain_depth = DEFAULT_CHAIN_DEPTH;
	opts->generation = 0;
	opts->xdp_prev = NULL;
	opts->xdp_prev6 = NULL;
}

int cgen_output_find_map(const struct cgen_output *out, enum cgen_map_role role)
{
	for (unsigned int i = 0; i < out->n_maps; i++)
		if (out->maps[i].role == role)
			return (int)i;
	return -1;
}

void cgen_output_free(struct cgen_output *out)
{
	for (int k = 0; k < CGEN_PROG_MAX; k++)
		free(out->progs[k].insns);
	for (unsigned int i = 0; i < out->n_maps; i++) {
		free(out->maps[i].keys);
		free(out->maps[i].values);
	}
	free(out->maps);
	memset(out, 0, sizeof(*out));
}

int cg_add_map(struct cgen_output *out, const struct cgen_map *m)
{
	struct cgen_map *p = realloc(out->maps, (out->n_maps + 1) * sizeof(*p));

	if (!p)
		return -ENOMEM;
	out->maps = p;
	out->maps[out->n_maps] = *m;
	return (int)out->n_maps++;
}

void cg_emit_lookup(struct cg *c, int map, int16_t key)
{
	struct emit *e = &c->e;

	emit_ld_map(e, R1, (uint32_t)map);
	emit(e, MOV64_REG(R2, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R2, key));
	emit(e, CALL_HELPER(BPF_FUNC_map_lookup_elem));
}

void cg_emit_count_reg(struct cg *c, uint8_t reg, int16_t key)
{
	struct emit *e = &c->e;
	uint32_t skip = emit_label(e);

	emit(e, STX(BPF_W, R_FP, reg, key));
	cg_emit_lookup(c, c->counters_map, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, skip);
	emit(e, LDX(BPF_DW, R1, R0, offsetof(struct cgen_counter, packets)));
	emit(e, ALU64_IMM(BPF_ADD, R1, 1));
	emit(e, STX(BPF_DW, R0, R1, offsetof(struct cgen_counter, packets)));
	emit(e, LDX(BPF_W, R2, R_PKT, PI(len)));
	emit(e, LDX(BPF_DW, R1, R0, offsetof(struct cgen_counter, bytes)));
	emit(e, ALU64_REG(BPF_ADD, R1, R2));
	emit(e, STX(BPF_DW, R0, R1, offsetof(struct cgen_counter, bytes)));
	emit_bind(e, skip);
}

/*
 * Count a matched rule or an applied policy in counter slot @slot.  The slot
 * is or-ed with the packet block's opaque zero, so that the verifier does not
 * see a constant key and track its precision back through every branch
 * before it.
 */
static void emit_count(struct cg *c, uint32_t slot, int16_t key)
{
	emit(&c->e, MOV64_IMM(R1, (int32_t)slot));
	emit(&c->e, LDX(BPF_H, R2, R_PKT, PI(opaque_zero)));
	emit(&c->e, ALU64_REG(BPF_OR, R1, R2));
	cg_emit_count_reg(c, R1, key);
}

/*
 * Count slot @slot and return @code, through the function's one shared
 * count-and-return block.  Three instructions a rule instead of a counter
 * lookup each: the kernel patches every lookup call site (and moves the
 * whole program each time), so many call sites cost time quadratic in the
 * number of rules at load time.
 */
static void emit_count_return(struct cg *c, uint32_t slot, enum cg_code code)
{
	struct emit *e = &c->e;

	if (c->count_exit == UINT32_MAX)
		c->count_exit = emit_label(e);
	emit(e, MOV64_IMM(R1, (int32_t)slot));
	emit(e, MOV64_IMM(R7, code));
	emit_ja(e, c->count_exit);
}

void cg_emit_count_exit(struct cg *c, bool sub)
{
	struct emit *e = &c->e;
	uint32_t drop;

	if (c->count_exit == UINT32_MAX)
		return;
	emit_bind(e, c->count_exit);
	c->count_exit = UINT32_MAX;
	emit(e, LDX(BPF_H, R2, R_PKT, PI(opaque_zero)));
	emit(e, ALU64_REG(BPF_OR, R1, R2));
	cg_emit_count_reg(c, R1, sub ? STK_SUB_KEY : STK_KEY);
	if (sub) {
		emit(e, MOV64_REG(R0, R7));
		emit(e, EXIT_INSN());
		return;
	}
	drop = emit_label(e);
	emit_jmp_imm(e, BPF_JEQ, false, R7, CG_DROP, drop);
	cg_emit_return(c, false, CG_ACCEPT);
	emit_bind(e, drop);
	cg_emit_return(c, false, CG_DROP);
}

struct cg_rule_value cg_rule_value_of(const struct ir_rule *r)
{
	return (struct cg_rule_value){ r->slot,
				       r->target.kind == IR_TARGET_DROP ? CG_DROP : CG_ACCEPT };
}

void cg_emit_rule_value(struct cg *c, bool sub)
{
	struct emit *e = &c->e;
	uint32_t drop = emit_label(e);

	emit(e, LDX(BPF_W, R7, R0, offsetof(struct cg_rule_value, verdict)));
	emit(e, LDX(BPF_W, R1, R0, offsetof(struct cg_rule_value, slot)));
	cg_emit_count_reg(c, R1, sub ? STK_SUB_KEY : STK_KEY);
	emit_jmp_imm(e, BPF_JEQ, false, R7, CG_DROP, drop);
	cg_emit_return(c, sub, CG_ACCEPT);
	emit_bind(e, drop);
	cg_emit_return(c, sub, CG_DROP);
}

void cg_emit_pass(struct cg *c)
{
	emit(&c->e, MOV64_IMM(R0, c->kind == CGEN_PROG_XDP ? XDP_PASS : TC_ACT_UNSPEC));
	emit(&c->e, EXIT_INSN());
}

void cg_emit_return(struct cg *c, bool sub, enum cg_code code)
{
	int32_t v;

	/* accepted by a base chain that is not the hook's last: on to the next */
	if (!sub && code == CG_ACCEPT && c->accept_next != UINT32_MAX) {
		emit_ja(&c->e, c->accept_next);
		return;
	}
	/* the rules accepted it: the connection table learns of it first */
	if (!sub && code == CG_ACCEPT && c->ct_accept != UINT32_MAX) {
		emit_ja(&c->e, c->ct_accept);
		return;
	}

	if (sub)
		v = code;
	else if (c->kind == CGEN_PROG_XDP)
		v = code == CG_DROP ? XDP_DROP : XDP_PASS;
	else
		v = code == CG_DROP ? TC_ACT_SHOT : TC_ACT_UNSPEC;
	emit(&c->e, MOV64_IMM(R0, v));
	emit(&c->e, EXIT_INSN());
}

/* A hook got @code (in R0) back from a user chain it jumped or went to. */
static void emit_hook_result(struct cg *c, uint32_t cont)
{
	struct emit *e = &c->e;
	uint32_t drop = emit_label(e);

	emit_jmp_imm(e, BPF_JEQ, false, R0, CG_CONTINUE, cont);
	emit_jmp_imm(e, BPF_JEQ, false, R0, CG_DROP, drop);
	cg_emit_return(c, false, CG_ACCEPT);
	emit_bind(e, drop);
	cg_emit_return(c, false, CG_DROP);
}

int cg_chain_index(const struct ir_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_chains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return (int)i;
	return -1;
}

/* The label of user chain @name's subprogram, allotted on first use. */
static uint32_t chain_label(struct cg *c, const char *name)
{
	int i = cg_chain_index(c->t, name);

	if (i < 0) {
		c->e.err = c->e.err ?: -ENOENT;
		return 0;
	}
	if (c->chain_label[i] == UINT32_MAX)
		c->chain_label[i] = emit_label(&c->e);
	return c->chain_label[i];
}

/* Whether @r of an inet table is for the other family only: it never matches here. */
static bool rule_other_family(const struct cg *c, const struct ir_rule *r)
{
	return r->nfproto && r->nfproto != (c->fam == IR_FAMILY_IPV6 ? 6 : 4);
}

/*
 * Rule @r's verdict of @kind (to @chain for a jump or goto), the packet
 * counted in its slot first; @next is the rule after it.
 */
static void emit_verdict(struct cg *c, const struct ir_rule *r, enum ir_target_kind kind,
			 const char *chain, bool sub, uint32_t policy, uint32_t next)
{
	struct emit *e = &c->e;
	int16_t key = sub ? STK_SUB_KEY : STK_KEY;

	if (kind == IR_TARGET_ACCEPT || kind == IR_TARGET_DROP) {
		emit_count_return(c, r->slot, kind == IR_TARGET_DROP ? CG_DROP : CG_ACCEPT);
		return;
	}
	emit_count(c, r->slot, key);
	switch (kind) {
	case IR_TARGET_LOG:
		cg_emit_log(c, r);
		break;
	case IR_TARGET_REJECT:
		cg_emit_reject(c, r, key);
		cg_emit_return(c, sub || c->in_chunk, CG_DROP);
		break;
	case IR_TARGET_RETURN:
		if (c->in_chunk)
			cg_emit_return(c, true, CG_RETURN);
		else if (sub)
			cg_emit_return(c, sub, CG_CONTINUE);
		else
			emit_ja(e, policy);
		break;
	case IR_TARGET_JUMP:
	case IR_TARGET_GOTO:
		emit(e, MOV64_REG(R1, R_PKT));
		emit(e, MOV64_REG(R2, R_CTX));
		emit_call(e, chain_label(c, chain));
		if (sub && kind == IR_TARGET_GOTO) {
			emit(e, EXIT_INSN());		/* the callee's code is ours */
		} else if (sub) {
			emit_jmp_imm(e, BPF_JEQ, false, R0, CG_CONTINUE, next);
			emit(e, EXIT_INSN());
		} else {
			emit_hook_result(c, kind == IR_TARGET_GOTO ? policy : next);
		}
		break;
	case IR_TARGET_NONE:
	default:
		break;
	}
	emit_ja(e, next);
}

/*
 * A verdict map: the element's verdict index in R8 (the matches are done
 * with it), then one branch per distinct verdict; no element: the next rule.
 */
static void emit_vmap(struct cg *c, const struct ir_rule *r, bool sub, uint32_t policy,
		      uint32_t next)
{
	const struct ir_match_lookup *v = ir_rule_vmap(r);
	struct emit *e = &c->e;

	if (!v || !v->n_verdicts) {
		e->err = e->err ?: -EINVAL;
		return;
	}
	cg_emit_vmap_find(c, r, R8, next);
	for (uint32_t i = 0; i < v->n_verdicts; i++) {
		uint32_t other = emit_label(e);

		if (i + 1 < v->n_verdicts)
			emit_jmp_imm(e, BPF_JNE, false, R8, (int32_t)i, other);
		emit_verdict(c, r, v->verdicts[i].kind, v->verdicts[i].chain, sub, policy, next);
		emit_bind(e, other);
	}
}

static void emit_rule(struct cg *c, const struct ir_rule *r, bool sub, uint32_t policy)
{
	struct emit *e = &c->e;
	uint32_t next = emit_label(e);

	if (rule_other_family(c, r))
		return;
	c->match_key = sub ? STK_SUB_KEY : STK_KEY;
	c->match_key2 = sub ? STK_SUB_FOLD : STK_FOLD;
	cg_emit_matches(c, r, next);
	if (r->nft & IR_NFT_LOG)
		cg_emit_log(c, r);	/* nftables' log statement, then the verdict */
	if (r->target.kind == IR_TARGET_VMAP)
		emit_vmap(c, r, sub, policy, next);
	else
		emit_verdict(c, r, r->target.kind, r->target.chain, sub, policy, next);
	emit_bind(e, next);
}

/* Rules @start .. @end - 1 of @ch, run by run: a foldable run is one lookup. */
static void emit_rule_range(struct cg *c, const struct ir_chain *ch, unsigned int start,
			    unsigned int end, bool sub, uint32_t policy)
{
	bool v4 = c->fam == IR_FAMILY_IPV4;	/* bit vectors are of IPv4 addresses */

	for (unsigned int i = start; i < end;) {
		unsigned int n = cg_fold_run(ch, i, c->fam);

		if (n) {
			cg_emit_fold(c, ch, i, n, sub);
			i += n;
			continue;
		}
		/*
		 * The vector pointers take a subprogram's frame beyond what the
		 * call path's stack allows unless it is the last of the path (a
		 * chain that calls no other, or a chunk of one); a quarter of the
		 * kernel's maps per program stays for folded runs.
		 */
		n = !v4 || (sub && !cg_chain_is_leaf(ch)) ||
		    c->out->n_maps - c->bound_only + CG_CLS_MAPS > CG_MAX_MAPS * 3 / 4 ? 0 :
		    cg_classify_run(ch, i);
		if (n > end - i)
			n = 0;
		if (n) {
			cg_emit_classify(c, ch, i, n, sub);
			i += n;
		} else {
			emit_rule(c, ch->rules[i++], sub, policy);
		}
	}
}

/* A call of the chunk at @label and what its result means for the chain. */
static void emit_chunk_call(struct cg *c, uint32_t label, bool sub, uint32_t policy)
{
	struct emit *e = &c->e;
	uint32_t next = emit_label(e), out = emit_label(e);

	emit(e, MOV64_REG(R1, R_PKT));
	emit(e, MOV64_REG(R2, R_CTX));
	emit_call(e, label);
	emit_jmp_imm(e, BPF_JEQ, false, R0, CG_CONTINUE, next);
	if (sub) {
		/* the chain returns: to its caller, go on */
		emit_jmp_imm(e, BPF_JNE, false, R0, CG_RETURN, out);
		emit(e, MOV64_IMM(R0, CG_CONTINUE));
		emit_bind(e, out);
		emit(e, EXIT_INSN());
	} else {
		emit_jmp_imm(e, BPF_JEQ, false, R0, CG_RETURN, policy);
		emit_hook_result(c, next);
	}
	emit_bind(e, next);
}

/* A chain's rules: inline, or as calls of chunks emitted later. */
static void emit_rules(struct cg *c, const struct ir_chain *ch, bool sub, uint32_t policy)
{
	if (!cg_chain_chunked(c, ch)) {
		emit_rule_range(c, ch, 0, ch->n_rules, sub, policy);
		return;
	}
	for (unsigned int i = 0; i < ch->n_rules;) {
		unsigned int end = cg_chunk_end(c, ch, i);

		emit_chunk_call(c, cg_chunk_add(c, ch, i, end), sub, policy);
		i = end;
	}
}

/* The chunks queued so far and not yet emitted, each a subprogram, each in its own half. */
static bool emit_chunks(struct cg *c)
{
	const struct cg_half *cur = c->half;
	bool any = false;

	for (; c->chunks_done < c->n_chunks && !c->e.err; c->chunks_done++) {
		const struct cg_chunk *k = &c->chunks[c->chunks_done];

		cg_half_enter(c, k->half);
		emit_bind(&c->e, k->label);
		emit(&c->e, MOV64_REG(R_PKT, R1));
		emit(&c->e, MOV64_REG(R_CTX, R2));
		c->in_chunk = true;
		emit_rule_range(c, k->ch, k->start, k->end, true, 0);
		c->in_chunk = false;
		cg_emit_return(c, true, CG_CONTINUE);
		cg_emit_count_exit(c, true);
		any = true;
	}
	if (cur)
		cg_half_enter(c, cur);
	return any;
}

/* A built-in chain inline: its rules, then its policy. */
static void emit_builtin(struct cg *c, const struct ir_chain *ch)
{
	uint32_t policy = emit_label(&c->e);

	emit_rules(c, ch, false, policy);
	emit_bind(&c->e, policy);
	emit_count_return(c, ch->policy_slot, ch->policy == IR_VERDICT_DROP ? CG_DROP : CG_ACCEPT);
}

int cg_half_init(struct cg *c, struct cg_half *h, const struct ir_table *t, enum ir_family fam)
{
	unsigned int n = t ? t->n_chains : 0;

	memset(h, 0, sizeof(*h));
	h->t = t;
	h->fam = fam;
	h->chain_label = malloc((n ? n : 1) * sizeof(*h->chain_label));
	if (!h->chain_label)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++)
		h->chain_label[i] = UINT32_MAX;
	c->t = t;
	c->fam = fam;
	c->chunked = NULL;
	if (cg_chunk_plan(c))
		return -ENOMEM;
	h->chunked = c->chunked;
	h->chunk_rules = c->chunk_rules;
	c->t = NULL;
	c->chunked = NULL;
	return 0;
}

void cg_half_enter(struct cg *c, const struct cg_half *h)
{
	c->half = h;
	c->fam = h->fam;
	c->t = h->t;
	c->chain_label = h->chain_label;
	c->chunked = h->chunked;
	c->chunk_rules = h->chunk_rules;
}

void cg_half_release(struct cg_half *h)
{
	free(h->chain_label);
	free(h->chunked);
	h->chain_label = NULL;
	h->chunked = NULL;
}

/* The user chains of the current half reached and not yet emitted; whether there were any. */
static bool emit_user_chains(struct cg *c)
{
	bool any = false;

	for (unsigned int i = 0; c->t && i < c->t->n_chains && !c->e.err; i++) {
		const struct ir_chain *ch = c->t->chains[i];
		uint32_t l = c->chain_label[i];

		if (l == UINT32_MAX || c->e.labels[l] != UINT32_MAX)
			continue;
		any = true;
		emit_bind(&c->e, l);
		emit(&c->e, MOV64_REG(R_PKT, R1));
		emit(&c->e, MOV64_REG(R_CTX, R2));
		emit_rules(c, ch, true, 0);
		cg_emit_return(c, true, CG_CONTINUE);
		cg_emit_count_exit(c, true);
	}
	return any;
}

void cg_emit_subprograms(struct cg *c, const struct cg_half *halves, unsigned int n)
{
	bool more;

	do {
		more = false;
		for (unsigned int h = 0; h < n && !c->e.err; h++) {
			cg_half_enter(c, &halves[h]);
			if (emit_user_chains(c))
				more = true;
			if (emit_chunks(c))
				more = true;
		}
	} while (more && !c->e.err);
}

/* A base chain at a hook, of one half. */
struct hook_chain {
	const struct cg_half *half;
	const struct ir_chain *ch;
};

/* Order of base chains at a hook: by priority, iptables' tables first among equals. */
static int by_priority(const void *a, const void *b)
{
	const struct hook_chain *x = a, *y = b;
	int32_t px = x->ch->priority, py = y->ch->priority;

	if (px != py)
		return px < py ? -1 : 1;
	if (!x->half->t->name[0] != !y->half->t->name[0])
		return x->half->t->name[0] ? 1 : -1;
	return x < y ? -1 : 1;
}

/* The base chains of @hook in the @n halves, in the order they run; their number. */
static unsigned int hook_chains(const struct cg_half *halves, unsigned int n, enum ir_hook hook,
				struct hook_chain *out)
{
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct ir_table *t = halves[i].t;

		for (unsigned int j = 0; t && j < t->n_chains; j++) {
			if (t->chains[j]->hook != hook)
				continue;
			out[k].half = &halves[i];
			out[k++].ch = t->chains[j];
		}
	}
	qsort(out, k, sizeof(*out), by_priority);
	return k;
}

void cg_emit_hook(struct cg *c, const struct cg_half *halves, unsigned int n, enum ir_hook hook)
{
	struct emit *e = &c->e;
	struct hook_chain *seq;
	unsigned int total = 0, k;

	for (unsigned int i = 0; i < n; i++)
		total += halves[i].t ? halves[i].t->n_chains : 0;
	seq = calloc(total ? total : 1, sizeof(*seq));
	if (!seq) {
		e->err = e->err ?: -ENOMEM;
		return;
	}
	k = hook_chains(halves, n, hook, seq);
	/*
	 * Each base chain in turn: DROP ends the hook, ACCEPT only the chain
	 * (nftables' semantics), and the last one's ACCEPT accepts.
	 */
	for (unsigned int i = 0; i < k && !e->err; i++) {
		uint32_t next = i + 1 < k ? emit_label(e) : UINT32_MAX;

		cg_half_enter(c, seq[i].half);
		c->accept_next = next;
		emit_builtin(c, seq[i].ch);
		cg_emit_count_exit(c, false);
		c->accept_next = UINT32_MAX;
		if (next != UINT32_MAX)
			emit_bind(e, next);
	}
	if (!k)
		cg_emit_return(c, false, CG_ACCEPT);
	free(seq);
}

/* Whether every chain of @t is empty with policy ACCEPT (or @t is NULL). */
static bool table_is_empty(const struct ir_table *t)
{
	for (unsigned int c = 0; t && c < t->n_chains; c++)
		if (t->chains[c]->n_rules || t->chains[c]->policy == IR_VERDICT_DROP)
			return false;
	return true;
}

/*
 * A TC program: per family, iptables' filter table and the nftables tables
 * of that family, each a half; the IPv4 part always, the IPv6 part when a
 * table has rules for it.
 */
static void emit_tc(struct cg *c, const struct ir_ruleset *rs)
{
	unsigned int cap = IR_FAMILY_MAX * (1 + rs->n_nft), n = 0;
	struct cg_half *h = calloc(cap, sizeof(*h));

	if (!h) {
		c->e.err = c->e.err ?: -ENOMEM;
		return;
	}
	for (int f = 0; f < IR_FAMILY_MAX; f++) {
		const struct ir_table *t = rs->tables[f][IR_TABLE_FILTER];

		if ((f == IR_FAMILY_IPV4 || !table_is_empty(t)) &&
		    cg_half_init(c, &h[n++], t, f))
			goto nomem;
		for (unsigned int i = 0; i < rs->n_nft; i++) {
			t = rs->nft[i];
			if (!ir_nft_table_has_family(t, f) || table_is_empty(t))
				continue;
			if (cg_half_init(c, &h[n++], t, f))
				goto nomem;
		}
	}
	if (c->kind == CGEN_PROG_TC_INGRESS)
		cg_emit_ingress(c, h, n);
	else
		cg_emit_egress(c, h, n);
	cg_emit_count_exit(c, false);
	cg_emit_ct_accept(c);
	c->ct_accept = UINT32_MAX;
	cg_emit_subprograms(c, h, n);
	goto out;
nomem:
	c->e.err = c->e.err ?: -ENOMEM;
out:
	c->half = NULL;
	c->t = NULL;
	c->chain_label = NULL;
	c->chunked = NULL;
	for (unsigned int i = 0; i < cap; i++)
		cg_half_release(&h[i]);
	free(h);
}

static int compile_prog(struct cgen_output *out, enum cgen_prog_kind kind, const char *name,
			const struct ir_ruleset *rs, struct cg *c, struct bpfw_err *err)
{
	struct cgen_prog *p = &out->progs[kind];
	int ret;

	p->present = true;
	p->type = kind == CGEN_PROG_XDP ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SCHED_CLS;
	snprintf(p->name, sizeof(p->name), "%s", name);
	emit_init(&c->e, p);
	c->kind = kind;
	c->count_exit = UINT32_MAX;
	c->n_chunks = c->chunks_done = 0;
	c->ct_accept = kind != CGEN_PROG_XDP && c->ct_map >= 0 ? emit_label(&c->e) : UINT32_MAX;
	c->accept_next = UINT32_MAX;
	if (kind == CGEN_PROG_XDP)
		cg_emit_xdp(c, rs);
	else
		emit_tc(c, rs);
	ret = emit_finish(&c->e);
	emit_release(&c->e);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_OTHER, ret, "Cannot compile the %s program: %s",
				 name, strerror(-ret));
	if (out->n_maps - c->bound_only > CG_MAX_MAPS)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, E2BIG,
				 "The rule set is too large: it needs %u BPF maps, a program may "
				 "use at most %u (each run of rules folded into a lookup, and "
				 "each set a rule names, needs one)", out->n_maps - c->bound_only,
				 CG_MAX_MAPS);
	if (p->n_insns > CG_MAX_INSNS)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, E2BIG,
				 "The rule set is too large: the %s program needs %u BPF "
				 "instructions, the kernel loads at most %u (rules that do not "
				 "fold into lookups need about 18 each)", name, p->n_insns,
				 CG_MAX_INSNS);
	return 0;
}

/* Highest counter slot + 1; -EINVAL if a rule or policy has none. */
static int count_slots(const struct ir_table *t, uint32_t *n)
{
	for (unsigned int i = 0; t && i < t->n_chains; i++) {
		const struct ir_chain *ch = t->chains[i];

		if (ir_chain_is_builtin(ch)) {
			if (ch->policy_slot == IR_SLOT_NONE)
				return -EINVAL;
			if (ch->policy_slot >= *n)
				*n = ch->policy_slot + 1;
		}
		for (unsigned int j = 0; j < ch->n_rules; j++) {
			if (ch->rules[j]->slot == IR_SLOT_NONE)
				return -EINVAL;
			if (ch->rules[j]->slot >= *n)
				*n = ch->rules[j]->slot + 1;
		}
	}
	return 0;
}

/* Whether a rule of any of the @n @tables (NULL ones hold none) satisfies @pred. */
static bool any_rule(const struct ir_table *const *tables, unsigned int n,
		     bool (*pred)(const struct ir_rule *r))
{
	for (unsigned int k = 0; k < n; k++)
		for (unsigned int i = 0; tables[k] && i < tables[k]->n_chains; i++)
			for (unsigned int j = 0; j < tables[k]->chains[i]->n_rules; j++)
				if (pred(tables[k]->chains[i]->rules[j]))
					return true;
	return false;
}

static bool rule_logs(const struct ir_rule *r)
{
	return r->target.kind == IR_TARGET_LOG || (r->nft & IR_NFT_LOG);
}

static bool rule_rejects(const struct ir_rule *r)
{
	return r->target.kind == IR_TARGET_REJECT;
}

static bool rule_has_recent(const struct ir_rule *r)
{
	return ir_rule_find_match(r, IR_MATCH_RECENT);
}

static bool rule_has_addrtype(const struct ir_rule *r)
{
	return ir_rule_find_match(r, IR_MATCH_ADDRTYPE);
}

/* Add @m to @out as map *@idx if @want; 0, or -ENOMEM. */
static int add_map_if(struct cgen_output *out, bool want, const struct cgen_map *m, int *idx)
{
	if (!want)
		return 0;
	*idx = cg_add_map(out, m);
	return *idx < 0 ? -ENOMEM : 0;
}

/* The base chains of an nftables table that bpfw runs: filter at input, forward, output. */
static int check_nft_table(const struct ir_table *t, struct bpfw_err *err)
{
	for (unsigned int i = 0; i < t->n_chains; i++) {
		enum ir_hook h = t->chains[i]->hook;

		if (h != IR_HOOK_NONE && h != IR_HOOK_INPUT && h != IR_HOOK_FORWARD &&
		    h != IR_HOOK_OUTPUT)
			return bpfw_errf(err, BPFW_EXIT_OTHER, EOPNOTSUPP,
					 "Chain %s of table %s: bpfw runs nftables base chains at the "
					 "input, forward and output hooks only", t->chains[i]->name,
					 t->name);
	}
	return 0;
}

/* The matches of an IPv6 rule that bpfw compiles for IPv4 only. */
static int check_ip6_rule(const struct ir_rule *r, void *arg)
{
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];
		const char *what = NULL;

		if (m->kind == IR_MATCH_RT && (m->rt.flags & (IR_RT_RES | IR_RT_FST)))
			what = "-m rt --rt-0-res and --rt-0-addrs";
		if (what)
			return bpfw_errf(arg, BPFW_EXIT_OTHER, EOPNOTSUPP,
					 "%s cannot be compiled for IPv6 yet", what);
	}
	return 0;
}

/* What XDP cannot run in raw table @raw (either family's; NULL is fine). */
static int check_raw(const struct ir_table *raw, struct bpfw_err *err)
{
	const struct ir_chain *out = raw ? ir_chain_find(raw, "OUTPUT") : NULL;

	for (unsigned int i = 0; raw && i < raw->n_chains; i++)
		for (unsigned int j = 0; j < raw->chains[i]->n_rules; j++)
			if (cg_rule_uses_ct(raw->chains[i]->rules[j]))
				return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL,
						 "Connection tracking states cannot be matched in the "
						 "raw table (chain %s): bpfw runs it at XDP, before "
						 "connections are tracked", raw->chains[i]->name);
	if (out && (out->n_rules || out->policy == IR_VERDICT_DROP))
		return bpfw_errf(err, BPFW_EXIT_OTHER, EOPNOTSUPP,
				 "The raw table's OUTPUT chain cannot be compiled yet: bpfw runs "
				 "the raw table at XDP, which sees received packets only");
	for (unsigned int i = 0; raw && i < raw->n_chains; i++)
		for (unsigned int j = 0; j < raw->chains[i]->n_rules; j++)
			if (raw->chains[i]->rules[j]->ip.oif[0])
				return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL,
						 "Can't use -o in the raw table (chain %s): "
						 "bpfw runs it at XDP, before routing",
						 raw->chains[i]->name);
	return 0;
}

/*
 * Rules bpfw cannot enforce yet must not be accepted silently, and the raw
 * tables run at XDP, before the stack has routed the packet.
 */
static int check_unsupported(const struct ir_ruleset *rs, struct bpfw_err *err)
{
	int ret;

	ret = ir_ruleset_for_each_rule(rs, IR_FAMILY_IPV6, check_ip6_rule, err);
	if (!ret)
		ret = cg_meta_check(rs, err);
	for (unsigned int i = 0; i < rs->n_nft && !ret; i++)
		ret = check_nft_table(rs->nft[i], err);
	for (int f = 0; f < IR_FAMILY_MAX && !ret; f++)
		ret = check_raw(rs->tables[f][IR_TABLE_RAW], err);
	return ret;
}

int cgen_compile(const struct ir_ruleset *rs, const struct cgen_opts *opts,
		 struct cgen_output *out, struct bpfw_err *err)
{
	const struct ir_table *t = rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER];
	const struct ir_table *t6 = rs->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER];
	const struct ir_table *raw = rs->tables[IR_FAMILY_IPV4][IR_TABLE_RAW];
	const struct ir_table *raw6 = rs->tables[IR_FAMILY_IPV6][IR_TABLE_RAW];
	const struct ir_table *prev = opts->xdp_prev, *prev6 = opts->xdp_prev6;
	struct cgen_map counters = {
		.role = CGEN_MAP_COUNTERS, .name = CGEN_MAP_NAME_COUNTERS,
		.type = BPF_MAP_TYPE_PERCPU_ARRAY, .key_size = sizeof(uint32_t),
		.value_size = sizeof(struct cgen_counter),
	};
	struct cgen_map gen = {
		.role = CGEN_MAP_GEN, .name = CGEN_MAP_NAME_GEN,
		.type = BPF_MAP_TYPE_ARRAY, .key_size = sizeof(uint32_t),
		.value_size = sizeof(uint32_t), .max_entries = 1,
	};
	struct cgen_map ifnames = {
		.role = CGEN_MAP_IFNAMES, .name = CGEN_MAP_NAME_IFNAMES,
		.type = BPF_MAP_TYPE_HASH, .key_size = sizeof(uint32_t),
		.value_size = IFNAMSIZ, .max_entries = 4096,
	};
	struct cgen_map ct = {
		.role = CGEN_MAP_CT, .name = CGEN_MAP_NAME_CT,
		.type = BPF_MAP_TYPE_LRU_HASH, .key_size = sizeof(struct cgen_ct_key),
		.value_size = sizeof(struct cgen_ct_val), .max_entries = CGEN_CT_MAX,
	};
	struct cgen_map log = {
		.role = CGEN_MAP_LOG, .name = CGEN_MAP_NAME_LOG, .type = BPF_MAP_TYPE_RINGBUF,
		.max_entries = CGEN_LOG_RING,
	};
	struct cgen_map addrtypes = {
		.role = CGEN_MAP_ADDRTYPES, .name = CGEN_MAP_NAME_ADDRTYPES,
		.type = BPF_MAP_TYPE_HASH, .key_size = sizeof(struct cgen_addrtype_key),
		.value_size = sizeof(uint32_t), .max_entries = 4096,
	};
	struct cgen_map scratch = {
		.role = CGEN_MAP_SCRATCH, .name = "bpfw_scratch", .type = BPF_MAP_TYPE_PERCPU_ARRAY,
		.key_size = sizeof(uint32_t), .value_size = 192, .max_entries = 1,
	};
	struct cgen_map recent = {
		.role = CGEN_MAP_RECENT, .name = CGEN_MAP_NAME_RECENT, .type = BPF_MAP_TYPE_LRU_HASH,
		.key_size = sizeof(struct cgen_recent_key),
		.value_size = sizeof(struct cgen_recent_entry), .max_entries = 8192,
	};
	struct cg c = { .opts = opts, .ifnames_map = -1, .ct_map = -1, .log_map = -1,
			.addrtype_map = -1, .scratch_map = -1, .recent_map = -1, .set_map = -1,
			.lookup_map = { -1, -1 }, .out = out };
	/*
	 * The tables TC runs (filter of both families, the nftables tables),
	 * then the raw tables XDP runs: the new ones and the running ones.
	 */
	const unsigned int n_filter = 2 + rs->n_nft, n_all = n_filter + 4;
	const struct ir_table **all = calloc(n_all, sizeof(*all));
	bool xdp = cgen_table_needs_xdp(raw) || cgen_table_needs_xdp(prev) ||
		   cgen_table_needs_xdp(raw6) || cgen_table_needs_xdp(prev6);
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!all)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	all[0] = t;
	all[1] = t6;
	for (unsigned int i = 0; i < rs->n_nft; i++)
		all[2 + i] = rs->nft[i];
	all[n_filter] = raw;
	all[n_filter + 1] = raw6;
	all[n_filter + 2] = prev;
	all[n_filter + 3] = prev6;
	ret = check_unsupported(rs, err);
	for (unsigned int i = 0; i < n_filter + 2 && !ret; i++)
		if (all[i])
			ret = ir_table_check_jumps(all[i], opts->max_chain_depth, err);
	if (ret)
		goto out;
	/* the running raw rules count in their own slots until the switch */
	for (unsigned int i = 0; i < n_all && !ret; i++)
		if (count_slots(all[i], &out->n_slots))
			ret = bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
					"Internal error: a rule has no counter slot");
	if (ret)
		goto out;
	counters.max_entries = out->n_slots ? out->n_slots : 1;
	c.counters_map = cg_add_map(out, &counters);
	c.gen_map = cg_add_map(out, &gen);
	/* the maps only some rules need; states only at TC, REJECT only in filter */
	if (c.counters_map < 0 || c.gen_map < 0 ||
	    add_map_if(out, any_rule(all, n_all, cg_rule_uses_ifnames), &ifnames, &c.ifnames_map) ||
	    add_map_if(out, any_rule(all, n_filter, cg_rule_uses_ct), &ct, &c.ct_map) ||
	    add_map_if(out, any_rule(all, n_all, rule_logs), &log, &c.log_map) ||
	    add_map_if(out, any_rule(all, n_all, rule_has_recent), &recent, &c.recent_map) ||
	    add_map_if(out, any_rule(all, n_filter, rule_rejects) || c.recent_map >= 0, &scratch,
		       &c.scratch_map) ||
	    add_map_if(out, any_rule(all, n_all, rule_has_addrtype), &addrtypes, &c.addrtype_map)) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		goto out;
	}
	ret = cg_sets_plan(&c, rs, err);
	if (!ret)
		ret = cg_lookups_plan(&c, rs, err);
	if (!ret)
		ret = cg_ports_plan(&c, all, n_all, err);
	if (!ret)
		ret = cg_limit_plan(&c, all, n_all, err);
	if (ret)
		goto out;
	ret = compile_prog(out, CGEN_PROG_TC_INGRESS, "bpfw_ingress", rs, &c, err);
	if (!ret)
		ret = compile_prog(out, CGEN_PROG_TC_EGRESS, "bpfw_egress", rs, &c, err);
	if (!ret && xdp) {
		ret = compile_prog(out, CGEN_PROG_XDP, CGEN_PROG_NAME_XDP, rs, &c, err);
		out->xdp_retire = !cgen_table_needs_xdp(raw) && !cgen_table_needs_xdp(raw6);
	}
out:
	free(all);
	free(c.chunks);
	cg_blobs_free(&c.ports);
	cg_blobs_free(&c.limits);
	cg_lookups_free(&c);
	if (ret)
		cgen_output_free(out);
	return ret;
}
