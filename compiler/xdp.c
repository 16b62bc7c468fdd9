// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP program: the raw tables' PREROUTING chains (IPv4's, and IPv6's
 * when it has rules), run on every received frame before the kernel
 * allocates an skb.
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
#include <string.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

bool cgen_table_needs_xdp(const struct ir_table *t)
{
	const struct ir_chain *pre = t ? ir_chain_find(t, "PREROUTING") : NULL;

	return pre && (pre->n_rules || pre->policy == IR_VERDICT_DROP);
}

/* One family's part: its frames read, then the running or the new raw rules. */
static void xdp_family(struct cg *c, const struct cg_half *h, uint32_t other, uint32_t pass)
{
	struct emit *e = &c->e;
	uint32_t to_new = emit_label(e);

	cg_half_enter(c, &h[0]);
	cg_emit_prologue(c, other, pass);
	/* the device behind ingress_ifindex is three loads away: only for -i */
	if (c->ifnames_map >= 0) {
		emit(e, LDX(BPF_W, R7, R_CTX, (int16_t)offsetof(struct xdp_md, ingress_ifindex)));
		cg_emit_ifname(c, R7, PI(iif));
	}
	emit(e, LDX(BPF_W, R1, R_FP, STK_GEN));
	emit_jmp_imm(e, BPF_JGE, false, R1, (int32_t)c->opts->generation, to_new);
	cg_emit_hook(c, &h[0], 1, IR_HOOK_PREROUTING);
	cg_emit_count_exit(c, false);
	emit_bind(e, to_new);
	cg_half_enter(c, &h[1]);
	cg_emit_hook(c, &h[1], 1, IR_HOOK_PREROUTING);
	cg_emit_count_exit(c, false);
}

void cg_emit_xdp(struct cg *c, const struct ir_ruleset *rs)
{
	const struct ir_table *prev[IR_FAMILY_MAX] = { c->opts->xdp_prev, c->opts->xdp_prev6 };
	struct emit *e = &c->e;
	struct cg_half h[2 * IR_FAMILY_MAX];	/* per family: the running and the new rules */
	uint32_t pass = emit_label(e), next = emit_label(e);
	bool v6 = cgen_table_needs_xdp(prev[IR_FAMILY_IPV6]) ||
		  cgen_table_needs_xdp(rs->tables[IR_FAMILY_IPV6][IR_TABLE_RAW]);

	memset(h, 0, sizeof(h));
	for (int f = 0; f < IR_FAMILY_MAX; f++) {
		const struct ir_table *next_raw = rs->tables[f][IR_TABLE_RAW];

		if (cg_half_init(c, &h[2 * f], cgen_table_needs_xdp(prev[f]) ? prev[f] : NULL, f) ||
		    cg_half_init(c, &h[2 * f + 1], cgen_table_needs_xdp(next_raw) ? next_raw : NULL,
				 f)) {
			e->err = e->err ?: -ENOMEM;
			goto out;
		}
	}
	cg_emit_generation_read(c, pass);
	emit_ja(e, next);
	emit_bind(e, pass);
	cg_emit_pass(c);
	emit_bind(e, next);
	if (v6) {
		uint32_t six = emit_label(e);

		xdp_family(c, &h[0], six, pass);
		emit_bind(e, six);
		xdp_family(c, &h[2], pass, pass);
	} else {
		xdp_family(c, &h[0], pass, pass);
	}
	/* each half's user chains and chunks */
	cg_emit_subprograms(c, h, v6 ? 4 : 2);
out:
	c->half = NULL;
	c->t = NULL;
	c->chain_label = NULL;
	c->chunked = NULL;
	for (unsigned int i = 0; i < 2 * IR_FAMILY_MAX; i++)
		cg_half_release(&h[i]);
}
