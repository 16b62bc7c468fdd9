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
#include <string.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

bool cgen_table_needs_xdp(const struct ir_table *t)
{
	const struct ir_chain *pre = t ? ir_chain_find(t, "PREROUTING") : NULL;

	return pre && (pre->n_rules || pre->policy == IR_VERDICT_DROP);
}

void cg_emit_xdp(struct cg *c, const struct ir_table *prev, const struct ir_table *next)
{
	struct emit *e = &c->e;
	struct cg_half h[2];
	uint32_t pass = emit_label(e), body = emit_label(e), to_new = emit_label(e);

	memset(h, 0, sizeof(h));
	if (cg_half_init(c, &h[0], cgen_table_needs_xdp(prev) ? prev : NULL, IR_FAMILY_IPV4) ||
	    cg_half_init(c, &h[1], cgen_table_needs_xdp(next) ? next : NULL, IR_FAMILY_IPV4)) {
		e->err = e->err ?: -ENOMEM;
		goto out;
	}
	cg_half_enter(c, &h[0]);
	cg_emit_generation_read(c, pass);
	cg_emit_prologue(c, pass, pass);
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

	cg_emit_hook(c, &h[0], 1, IR_HOOK_PREROUTING);
	emit_bind(e, to_new);
	cg_half_enter(c, &h[1]);
	cg_emit_hook(c, &h[1], 1, IR_HOOK_PREROUTING);
	cg_emit_count_exit(c, false);

	/* each half's user chains and chunks */
	cg_emit_subprograms(c, h, 2);
out:
	c->half = NULL;
	c->t = NULL;
	c->chain_label = NULL;
	c->chunked = NULL;
	cg_half_release(&h[0]);
	cg_half_release(&h[1]);
}
