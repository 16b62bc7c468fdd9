// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 part of the prologue: the fixed header, then the extension
 * headers up to the upper-layer one, as ip6tables finds it
 * (ipv6_find_hdr()): hop-by-hop and destination options, routing (whose
 * type and segments -m rt tests), fragment and AH headers are skipped.  A
 * fragment other than the first ends the walk: its next header is the
 * protocol, and it carries no transport header.  A walk longer than
 * IP6_MAX_EXT headers stops at the one it reached.
 */
/* the C library's network headers first, so the UAPI ones defer to them */
#include "cgen_internal.h"

#include <asm/byteorder.h>
#include <linux/ipv6.h>

#define IP6H(f)		((int16_t)offsetof(struct ipv6hdr, f))
#define IP6_MAX_EXT	6	/* extension headers walked */
#define IP6_MAX_OFF	1024	/* where the walk gives up: a bound for the verifier */
#define IP6_FRAG_OFF	0xfff8	/* the fragment offset in the fragment header's 2nd word */

/* Copy the 16-byte address at R2 + @off into the block at @field. */
static void copy_addr(struct cg *c, int16_t off, int16_t field)
{
	for (int16_t w = 0; w < 16; w += 4) {
		emit(&c->e, LDX(BPF_W, R1, R2, off + w));
		emit(&c->e, STX(BPF_W, R_PKT, R1, field + w));
	}
}

/*
 * One step of the walk, R1 the header type at offset R0 from the network
 * header: to @done if R1 is not an extension header, else skip it.
 */
static void walk_step(struct cg *c, uint32_t accept, uint32_t done, uint32_t l4_done)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len;
	uint32_t ext = emit_label(e), opts = emit_label(e), frag = emit_label(e);
	uint32_t ah = emit_label(e), skip = emit_label(e), first = emit_label(e);

	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_HOPOPTS, ext);
	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_DSTOPTS, ext);
	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_ROUTING, ext);
	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_FRAGMENT, ext);
	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_AH, ext);
	emit_ja(e, done);

	/* every extension header begins with its next header and a length, 8 bytes at least */
	emit_bind(e, ext);
	emit(e, MOV64_REG(R4, R2));
	emit(e, ALU64_REG(BPF_ADD, R4, R0));
	cg_emit_need(c, R4, l2 + 8, accept);
	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_FRAGMENT, frag);
	emit_jmp_imm(e, BPF_JEQ, false, R1, IPPROTO_AH, ah);
	emit_jmp_imm(e, BPF_JNE, false, R1, IPPROTO_ROUTING, opts);
	cg_emit_set_flag(c, PI(rt), 1, R5);
	emit(e, LDX(BPF_B, R1, R4, l2 + 1));
	emit(e, STX(BPF_B, R_PKT, R1, PI(rt_len)));
	emit(e, LDX(BPF_B, R1, R4, l2 + 2));
	emit(e, STX(BPF_B, R_PKT, R1, PI(rt_type)));
	emit(e, LDX(BPF_B, R1, R4, l2 + 3));
	emit(e, STX(BPF_B, R_PKT, R1, PI(rt_segs)));
	emit_bind(e, opts);
	emit(e, LDX(BPF_B, R5, R4, l2 + 1));	/* (len + 1) * 8 octets */
	emit(e, ALU64_IMM(BPF_ADD, R5, 1));
	emit(e, ALU64_IMM(BPF_LSH, R5, 3));
	emit_ja(e, skip);

	emit_bind(e, ah);
	emit(e, LDX(BPF_B, R5, R4, l2 + 1));	/* (len + 2) * 4 octets */
	emit(e, ALU64_IMM(BPF_ADD, R5, 2));
	emit(e, ALU64_IMM(BPF_LSH, R5, 2));
	emit_ja(e, skip);

	emit_bind(e, frag);
	emit(e, LDX(BPF_H, R5, R4, l2 + 2));
	emit(e, ENDIAN_BE(R5, 16));
	emit(e, ALU64_IMM(BPF_AND, R5, IP6_FRAG_OFF));
	emit_jmp_imm(e, BPF_JEQ, false, R5, 0, first);
	/* a later fragment: its next header is the protocol, no transport header */
	emit(e, LDX(BPF_B, R1, R4, l2));
	emit(e, STX(BPF_B, R_PKT, R1, PI(proto)));
	cg_emit_set_flag(c, PI(frag), 1, R1);
	emit_ja(e, l4_done);
	emit_bind(e, first);
	emit(e, MOV64_IMM(R5, 8));

	emit_bind(e, skip);
	emit(e, LDX(BPF_B, R1, R4, l2));
	emit(e, ALU64_REG(BPF_ADD, R0, R5));
	emit_jmp_imm(e, BPF_JGT, false, R0, IP6_MAX_OFF, accept);
}

void cg_emit_parse_ip6(struct cg *c, uint32_t accept, uint32_t l4_done)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len;
	uint32_t upper = emit_label(e);

	copy_addr(c, l2 + IP6H(saddr), PI(saddr6));
	copy_addr(c, l2 + IP6H(daddr), PI(daddr6));
	emit(e, LDX(BPF_B, R1, R2, l2 + IP6H(hop_limit)));
	emit(e, STX(BPF_B, R_PKT, R1, PI(ttl)));
	emit(e, LDX(BPF_H, R1, R2, l2 + IP6H(payload_len)));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, ALU64_IMM(BPF_ADD, R1, sizeof(struct ipv6hdr)));
	emit(e, STX(BPF_W, R_PKT, R1, PI(len)));

	emit(e, LDX(BPF_B, R1, R2, l2 + IP6H(nexthdr)));
	emit(e, MOV64_IMM(R0, sizeof(struct ipv6hdr)));
	for (int i = 0; i < IP6_MAX_EXT; i++)
		walk_step(c, accept, upper, l4_done);

	emit_bind(e, upper);
	emit(e, STX(BPF_B, R_PKT, R1, PI(proto)));
	emit(e, STX(BPF_H, R_PKT, R0, PI(l4off)));
	emit(e, MOV64_REG(R4, R2));
	emit(e, ALU64_REG(BPF_ADD, R4, R0));
	cg_emit_parse_l4(c, l4_done);
}
