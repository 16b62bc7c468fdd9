// SPDX-License-Identifier: GPL-2.0
/*
 * -j LOG: the packet's head, its interfaces and the rule's counter slot go
 * to a ring buffer (struct cgen_log_event), and the packet goes on to the
 * next rule.  `bpfw log` reads the ring and writes the kernel LOG target's
 * lines (compat/log.c); the ring is kept across updates, so a reader never
 * has to reopen it.  A full ring (no reader) loses the newest events.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

#define EV(f)	((int16_t)offsetof(struct cgen_log_event, f))

void cg_emit_log(struct cg *c, const struct ir_rule *r)
{
	struct emit *e = &c->e;
	uint32_t skip = emit_label(e), short_enough = emit_label(e), submit = emit_label(e);

	emit_ld_map(e, R1, (uint32_t)c->log_map);
	emit(e, MOV64_IMM(R2, sizeof(struct cgen_log_event)));
	emit(e, MOV64_IMM(R3, 0));
	emit(e, CALL_HELPER(BPF_FUNC_ringbuf_reserve));
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, skip);
	emit(e, MOV64_REG(R7, R0));
	emit(e, ST(BPF_W, R7, EV(slot), (int32_t)r->slot));
	emit(e, ST(BPF_W, R7, EV(kind), c->kind));
	emit(e, ST(BPF_W, R7, EV(uid), -1));
	for (int16_t off = 0; off < 16; off += 8) {
		emit(e, LDX(BPF_DW, R1, R_PKT, PI(iif) + off));
		emit(e, STX(BPF_DW, R7, R1, EV(iif) + off));
		emit(e, LDX(BPF_DW, R1, R_PKT, PI(oif) + off));
		emit(e, STX(BPF_DW, R7, R1, EV(oif) + off));
	}
	if ((r->target.log.flags & IR_LOG_UID) && c->kind == CGEN_PROG_TC_EGRESS) {
		emit(e, MOV64_REG(R1, R_CTX));
		emit(e, CALL_HELPER(BPF_FUNC_get_socket_uid));
		emit(e, STX(BPF_W, R7, R0, EV(uid)));
	}
	/* the frame's first CGEN_LOG_CAPLEN bytes */
	if (c->kind == CGEN_PROG_XDP) {
		emit(e, MOV64_REG(R1, R_CTX));
		emit(e, CALL_HELPER(BPF_FUNC_xdp_get_buff_len));
		emit(e, MOV64_REG(R4, R0));
	} else {
		emit(e, LDX(BPF_W, R4, R_CTX, (int16_t)offsetof(struct __sk_buff, len)));
	}
	emit_jmp_imm(e, BPF_JLE, false, R4, CGEN_LOG_CAPLEN, short_enough);
	emit(e, MOV64_IMM(R4, CGEN_LOG_CAPLEN));
	emit_bind(e, short_enough);
	emit(e, STX(BPF_W, R7, R4, EV(caplen)));
	emit_jmp_imm(e, BPF_JEQ, false, R4, 0, submit);
	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, MOV64_IMM(R2, 0));
	emit(e, MOV64_REG(R3, R7));
	emit(e, ALU64_IMM(BPF_ADD, R3, EV(data)));
	emit(e, CALL_HELPER(c->kind == CGEN_PROG_XDP ? BPF_FUNC_xdp_load_bytes :
			    BPF_FUNC_skb_load_bytes));
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, submit);
	emit(e, ST(BPF_W, R7, EV(caplen), 0));
	emit_bind(e, submit);
	emit(e, MOV64_REG(R1, R7));
	emit(e, MOV64_IMM(R2, 0));
	emit(e, CALL_HELPER(BPF_FUNC_ringbuf_submit));
	emit_bind(e, skip);
}
