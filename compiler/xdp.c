// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program: the raw table's PREROUTING chain, run on every received
 * frame before the kernel allocates an skb.
 *
 * TC keeps two generations attached side by side, so one write of the
 * generation map switches them all; XDP has one program per interface.
 * The XDP program of generation N therefore carries two rule sets: the
 * raw rules of the running generation, applied while the generation map
 * holds less than N, and its own, applied from N on.  It replaces the
 * running XDP program on every interface (behaving exactly as it did),
 * and the same map write that switches TC switches XDP.
 *
 * ACCEPT is XDP_PASS: the frame goes on to the stack and to the filter
 * table, as a packet accepted by the raw table goes on to filter.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

/* One of the program's two rule sets: a raw table and how its chains are emitted. */
struct xdp_half {
	const struct ir_table *t;	/* NULL: no raw rules, everything passes */
	uint32_t *chain_label;
	bool *chunked;
	unsigned int chunk_rules;
};

bool cgen_table_needs_xdp(const struct ir_table *t)
{
	const struct ir_chain *pre = t ? ir_chain_find(t, "PREROUTING") : NULL;

	return pre && (pre->n_rules || pre->policy == IR_VERDICT_DROP);
}

/* Make @h's table the one the emitters work on. */
static void half_enter(struct cg *c, const struct xdp_half *h)
{
	c->t = h->t;
	c->chain_label = h->chain_label;
	c->chunked = h->chunked;
	c->chunk_rules = h->chunk_rules;
}

static int half_init(struct cg *c, struct xdp_half *h, const struct ir_table *t)
{
	unsigned int n = t ? t->n_chains : 0;

	h->t = cgen_table_needs_xdp(t) ? t : NULL;
	h->chain_label = malloc((n ? n : 1) * sizeof(*h->chain_label));
	if (!h->chain_label)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++)
		h->chain_label[i] = UINT32_MAX;
	c->t = h->t;
	c->chunked = NULL;
	if (cg_chunk_plan(c))
		return -ENOMEM;
	h->chunked = c->chunked;
	h->chunk_rules = c->chunk_rules;
	return 0;
}

void cg_emit_xdp(struct cg *c, const struct ir_table *prev, const struct ir_table *next)
{
	struct emit *e = &c->e;
	struct xdp_half old = { 0 }, new = { 0 };
	uint32_t pass = emit_label(e), body = emit_label(e), to_new = emit_label(e);

	if (half_init(c, &old, prev) || half_init(c, &new, next)) {
		e->err = e->err ?: -ENOMEM;
		goto out;
	}
	cg_emit_generation_read(c, pass);
	cg_emit_prologue(c, pass);
	emit_ja(e, body);
	emit_bind(e, pass);
	cg_emit_pass(c);
	emit_bind(e, body);
	/* the device behind ingress_ifindex is three loads away: only for -i */
	if (c->ifnames_map >= 0) {
		emit(e, LDX(BPF_W, R7, R_CTX, (int16_t)offsetof(struct xdp_md, ingress_ifindex)));
		cg_emit_ifname(c, R7, PI(iif));
	}
	emit(e, LDX(BPF_W, R1, R_FP, STK_GEN));
	emit_jmp_imm(e, BPF_JGE, false, R1, (int32_t)c->opts->generation, to_new);

	half_enter(c, &old);
	cg_emit_hook(c, old.t ? ir_chain_find(old.t, "PREROUTING") : NULL);
	emit_bind(e, to_new);
	half_enter(c, &new);
	cg_emit_hook(c, new.t ? ir_chain_find(new.t, "PREROUTING") : NULL);
	cg_emit_count_exit(c, false);

	/* each half's user chains and chunks, while its table is the current one */
	half_enter(c, &old);
	cg_emit_subprograms(c);
	half_enter(c, &new);
	cg_emit_subprograms(c);
out:
	c->t = NULL;
	c->chain_label = NULL;
	c->chunked = NULL;
	free(old.chain_label);
	free(old.chunked);
	free(new.chain_label);
	free(new.chunked);
}
