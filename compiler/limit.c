// SPDX-License-Identifier: GPL-2.0
/*
 * -m limit as a generic cell rate algorithm: each match keeps one number,
 * the time its next packet is due (TAT), in blobs.c's map.  A packet at
 * time t passes when max(TAT, t) - t is at most (burst - 1) intervals, and
 * then moves TAT one interval on; otherwise the match fails and TAT stays.
 * That is xt_limit's token bucket of `burst` tokens refilled one per
 * interval.  Only a packet that matched the rule's earlier matches is
 * counted, as iptables evaluates matches in order.  CPUs update TAT without
 * a lock: two packets at the same instant on two CPUs may both pass.
 */
#include <errno.h>

#include "cgen_internal.h"

#define NS_PER_SCALE	(1000000000ull / IR_LIMIT_SCALE)

int cg_limit_plan(struct cg *c, const struct ir_table *const *tables, unsigned int n,
		  struct bpfw_err *err)
{
	c->limits.size = sizeof(uint64_t);
	c->limits.fill = NULL;	/* TAT 0: due at once */
	return cg_blobs_plan(c, &c->limits, IR_MATCH_LIMIT, "limit", tables, n, err);
}

void cg_emit_limit(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	struct emit *e = &c->e;
	/* nft's rate exactly where it was given; iptables' in its 1/10000 s units */
	uint64_t interval = m->limit.rate ? (uint64_t)m->limit.per * 1000000000ull / m->limit.rate :
			    m->limit.avg * NS_PER_SCALE;
	uint32_t burst = m->limit.burst ? m->limit.burst : IR_LIMIT_BURST;
	uint32_t skip = emit_label(e), late = emit_label(e), reject = emit_label(e);
	uint32_t off;

	if (cg_blobs_offset(&c->limits, m, &off)) {
		e->err = e->err ?: -EINVAL;
		return;
	}
	emit_jmp_imm(e, BPF_JNE, false, miss, 0, skip);
	emit(e, CALL_HELPER(BPF_FUNC_ktime_get_ns));
	emit_ld_map_value(e, R2, (uint32_t)c->limits.map, off);
	emit(e, LDX(BPF_DW, R1, R2, 0));
	emit_jmp_reg(e, BPF_JGE, R1, R0, late);
	emit(e, MOV64_REG(R1, R0));
	emit_bind(e, late);
	emit(e, MOV64_REG(R3, R1));
	emit(e, ALU64_REG(BPF_SUB, R3, R0));
	emit_ld_imm64(e, R4, interval * (burst - 1));
	emit_jmp_reg(e, BPF_JGT, R3, R4, reject);
	emit_ld_imm64(e, R4, interval);
	emit(e, ALU64_REG(BPF_ADD, R1, R4));
	emit(e, STX(BPF_DW, R2, R1, 0));
	if (m->limit.over) {
		/* "limit rate over": what the rate lets through does not match */
		emit(e, MOV64_IMM(R1, 1));
		emit(e, ALU64_REG(BPF_OR, miss, R1));
		emit_ja(e, skip);
		emit_bind(e, reject);
	} else {
		emit_ja(e, skip);
		emit_bind(e, reject);
		emit(e, MOV64_IMM(R1, 1));
		emit(e, ALU64_REG(BPF_OR, miss, R1));
	}
	emit_bind(e, skip);
}
