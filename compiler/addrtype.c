// SPDX-License-Identifier: GPL-2.0
/*
 * -m addrtype: the type of the source or destination address as the
 * kernel's route lookup would name it.  Multicast (224/4), the broadcast
 * addresses 0/8 and 255.255.255.255 and loopback (127/8, local) follow from
 * the address itself; the namespace's own addresses (LOCAL) and their
 * broadcast addresses (BROADCAST) are in a map the loader fills at each
 * command; any other address is UNICAST.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

/* R4 = 1 << the type of the address at pktinfo @field (uses R0..R5). */
static void type_bit(struct cg *c, int16_t field)
{
	struct emit *e = &c->e;
	uint32_t done = emit_label(e), found = emit_label(e), mcast = emit_label(e);
	uint32_t bcast = emit_label(e), local = emit_label(e);

	emit(e, LDX(BPF_W, R1, R_PKT, field));
	emit(e, MOV64_REG(R3, R1));
	emit(e, ENDIAN_BE(R3, 32));
	emit_jmp_imm(e, BPF_JEQ, true, R3, -1, bcast);
	emit(e, MOV64_REG(R2, R3));
	emit(e, ALU64_IMM(BPF_RSH, R2, 28));
	emit_jmp_imm(e, BPF_JEQ, false, R2, 0xe, mcast);
	emit(e, MOV64_REG(R2, R3));
	emit(e, ALU64_IMM(BPF_RSH, R2, 24));
	emit_jmp_imm(e, BPF_JEQ, false, R2, 0, bcast);
	emit_jmp_imm(e, BPF_JEQ, false, R2, 127, local);
	emit(e, STX(BPF_W, R_FP, R1, c->match_key));
	cg_emit_lookup(c, c->addrtype_map, c->match_key);
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, found);
	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_UNICAST));
	emit_ja(e, done);
	emit_bind(e, found);
	emit(e, LDX(BPF_W, R5, R0, 0));
	emit(e, ALU64_IMM(BPF_AND, R5, 15));
	emit(e, MOV64_IMM(R4, 1));
	emit(e, ALU64_REG(BPF_LSH, R4, R5));
	emit_ja(e, done);
	emit_bind(e, mcast);
	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_MULTICAST));
	emit_ja(e, done);
	emit_bind(e, bcast);
	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_BROADCAST));
	emit_ja(e, done);
	emit_bind(e, local);
	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_LOCAL));
	emit_bind(e, done);
}

/* OR a mismatch into @miss unless the type bit in R4 is among @bits (or, @inv, is not). */
static void test_bits(struct cg *c, uint16_t bits, bool inv, uint8_t miss)
{
	struct emit *e = &c->e;

	emit(e, ALU64_IMM(BPF_AND, R4, bits));
	emit(e, ALU64_IMM(BPF_SUB, R4, 1));		/* R4 == 0: all ones */
	emit(e, ALU64_IMM(BPF_RSH, R4, 63));		/* 1 if no bit was set */
	if (inv)
		emit(e, ALU64_IMM(BPF_XOR, R4, 1));
	emit(e, ALU64_REG(BPF_OR, miss, R4));
}

void cg_emit_addrtype(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	const struct ir_match_addrtype *at = &m->addrtype;

	if (at->src) {
		type_bit(c, PI(saddr));
		test_bits(c, at->src, at->inv_src, miss);
	}
	if (at->dst) {
		type_bit(c, PI(daddr));
		test_bits(c, at->dst, at->inv_dst, miss);
	}
}
