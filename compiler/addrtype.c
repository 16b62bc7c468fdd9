// SPDX-License-Identifier: GPL-2.0
/*
 * -m addrtype: the type of the source or destination address as the
 * kernel's route lookup would name it.  Multicast (224/4), the broadcast
 * addresses 0/8 and 255.255.255.255 and loopback (127/8, local) follow from
 * the address itself; the namespace's own addresses (LOCAL) and their
 * broadcast addresses (BROADCAST) are in a map the loader fills at each
 * command; any other address is UNICAST.  For IPv6: ff00::/8 is MULTICAST,
 * :: UNSPEC, the namespace's own addresses (::1 among them) LOCAL and
 * UNICAST (as xt_addrtype answers both), any other UNICAST.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

/*
 * R4 = the type bit of the address whose key is at match_key2: the map's
 * type (or-ed with @also) if it is there, else UNICAST; then to @done.
 */
static void lookup_type(struct cg *c, uint16_t also, uint32_t done)
{
	struct emit *e = &c->e;
	uint32_t found = emit_label(e);

	cg_emit_lookup(c, c->addrtype_map, c->match_key2);
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, found);
	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_UNICAST));
	emit_ja(e, done);
	emit_bind(e, found);
	emit(e, LDX(BPF_W, R5, R0, 0));
	emit(e, ALU64_IMM(BPF_AND, R5, 15));
	emit(e, MOV64_IMM(R4, 1));
	emit(e, ALU64_REG(BPF_LSH, R4, R5));
	if (also)
		emit(e, ALU64_IMM(BPF_OR, R4, also));
	emit_ja(e, done);
}

/* R4 = 1 << the type of the address at pktinfo @field (uses R0..R5). */
static void type_bit(struct cg *c, int16_t field)
{
	struct emit *e = &c->e;
	uint32_t done = emit_label(e), mcast = emit_label(e);
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
	emit(e, MOV64_IMM(R2, 0));
	emit(e, STX(BPF_DW, R_FP, R2, c->match_key2 + 8));
	emit(e, STX(BPF_DW, R_FP, R2, c->match_key2 + 16));
	emit(e, ST(BPF_W, R_FP, c->match_key2, 4));
	emit(e, STX(BPF_W, R_FP, R1, c->match_key2 + 4));
	lookup_type(c, 0, done);
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

/* R4 = 1 << the type of the IPv6 address at pktinfo @field (uses R0..R5). */
static void type_bit6(struct cg *c, int16_t field)
{
	struct emit *e = &c->e;
	uint32_t done = emit_label(e), unspec = emit_label(e);

	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_MULTICAST));
	emit(e, LDX(BPF_B, R1, R_PKT, field));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0xff, done);
	emit(e, ST(BPF_W, R_FP, c->match_key2, 6));
	emit(e, MOV64_IMM(R3, 0));		/* the words or-ed: 0 for :: */
	for (int16_t w = 0; w < 16; w += 4) {
		emit(e, LDX(BPF_W, R1, R_PKT, field + w));
		emit(e, STX(BPF_W, R_FP, R1, c->match_key2 + 4 + w));
		emit(e, ALU64_REG(BPF_OR, R3, R1));
	}
	emit_jmp_imm(e, BPF_JEQ, false, R3, 0, unspec);
	/* an address of its own: the kernel says LOCAL and, from its kind, UNICAST */
	lookup_type(c, 1 << IR_ADDRTYPE_UNICAST, done);
	emit_bind(e, unspec);
	emit(e, MOV64_IMM(R4, 1 << IR_ADDRTYPE_UNSPEC));
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

	bool v6 = c->fam == IR_FAMILY_IPV6;

	if (at->src) {
		if (v6)
			type_bit6(c, PI(saddr6));
		else
			type_bit(c, PI(saddr));
		test_bits(c, at->src, at->inv_src, miss);
	}
	if (at->dst) {
		if (v6)
			type_bit6(c, PI(daddr6));
		else
			type_bit(c, PI(daddr));
		test_bits(c, at->dst, at->inv_dst, miss);
	}
}
