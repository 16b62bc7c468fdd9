// SPDX-License-Identifier: GPL-2.0
/*
 * -j REJECT: the packet itself is turned into the answer — a TCP reset or
 * an ICMP destination-unreachable quoting its IP header and 8 bytes (for
 * IPv6: an ICMPv6 one quoting its first 48 bytes) — and
 * a clone of it is sent back (bpf_clone_redirect(): out of the interface
 * it came in on, or, from OUTPUT, into this host's stack), then the packet
 * is dropped.  The answer is built in a per-CPU scratch map, so a REJECT
 * in any user chain's frame costs no stack.  As the kernel, bpfw never
 * answers an ICMP error, a reset, or a fragment other than the first; such
 * packets are only dropped.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

#define SKB(f)		((int16_t)offsetof(struct __sk_buff, f))

/* Layout of the scratch value. */
#define S_ETH		0	/* the answer's Ethernet header */
#define S_IP		16	/* its IP header, then ICMP header and quote */
#define S_ICMP		(S_IP + 20)
#define S_QUOTE		(S_ICMP + 8)
#define S_PSEUDO	112	/* TCP: the pseudo header, then the TCP header */
#define S_TCP		(S_PSEUDO + 12)
#define S_OLD		144	/* the packet's Ethernet addresses, then its TCP header */
#define S_OLDTCP	(S_OLD + 16)
/* IPv6: the IPv6 header at S_IP, then the ICMPv6 header and the quote */
#define S_IP6_ADDRS	(S_IP + 8)	/* the source and destination: the pseudo header's start */
#define S_ICMP6		(S_IP + 40)
#define S_QUOTE6_LEN	48		/* the IPv6 header and 8 bytes */
#define S_PLEN6		112		/* the pseudo header's length and next header */

#define R_S		R7	/* the scratch value */

/* Store the 16-bit value in @reg at R_S + @off in network order. */
static void st_be16(struct emit *e, int16_t off, uint8_t reg)
{
	emit(e, ENDIAN_BE(reg, 16));
	emit(e, STX(BPF_H, R_S, reg, off));
}

/* R0 = the complement of the 32-bit sum in R0 folded to 16 bits (uses R1). */
static void csum_fold(struct emit *e)
{
	for (int i = 0; i < 2; i++) {
		emit(e, MOV64_REG(R1, R0));
		emit(e, ALU64_IMM(BPF_RSH, R1, 16));
		emit(e, ALU64_IMM(BPF_AND, R0, 0xffff));
		emit(e, ALU64_REG(BPF_ADD, R0, R1));
	}
	emit(e, ALU64_IMM(BPF_XOR, R0, 0xffff));
}

/* The checksum of @len bytes (in register @len_reg if @len is 0) at R_S + @off into R0's low 16 bits. */
static void checksum(struct emit *e, int16_t off, int32_t len, uint8_t len_reg)
{
	emit(e, MOV64_IMM(R1, 0));
	emit(e, MOV64_IMM(R2, 0));
	emit(e, MOV64_REG(R3, R_S));
	emit(e, ALU64_IMM(BPF_ADD, R3, off));
	if (len)
		emit(e, MOV64_IMM(R4, len));
	else
		emit(e, MOV64_REG(R4, len_reg));
	emit(e, MOV64_IMM(R5, 0));
	emit(e, CALL_HELPER(BPF_FUNC_csum_diff));
	csum_fold(e);
}

/*
 * The IPv6 answer's header with payload length @len and @proto, and its
 * pseudo header's length and next header at S_PLEN6.
 */
static void answer_headers6(struct cg *c, uint8_t proto, uint16_t len)
{
	struct emit *e = &c->e;

	emit(e, ST(BPF_H, R_S, S_ETH + 12, __builtin_bswap16(0x86dd)));
	emit(e, ST(BPF_W, R_S, S_IP, __builtin_bswap32(0x60000000)));	/* version, class, flow */
	emit(e, ST(BPF_H, R_S, S_IP + 4, __builtin_bswap16(len)));
	emit(e, ST(BPF_H, R_S, S_IP + 6, (int32_t)(proto | 64 << 8)));	/* next header, hops */
	for (int16_t w = 0; w < 16; w += 4) {
		emit(e, LDX(BPF_W, R1, R_PKT, PI(daddr6) + w));
		emit(e, STX(BPF_W, R_S, R1, S_IP + 8 + w));
		emit(e, LDX(BPF_W, R1, R_PKT, PI(saddr6) + w));
		emit(e, STX(BPF_W, R_S, R1, S_IP + 24 + w));
	}
	emit(e, ST(BPF_W, R_S, S_PLEN6, (int32_t)__builtin_bswap32(len)));
	emit(e, ST(BPF_W, R_S, S_PLEN6 + 4, (int32_t)__builtin_bswap32(proto)));
}

/* The checksum of an IPv6 answer's @len-byte payload at R_S + @off, with its pseudo header. */
static void checksum6(struct emit *e, int16_t off, int32_t len)
{
	static const int16_t part[3][2] = { { S_IP6_ADDRS, 32 }, { S_PLEN6, 8 }, { 0, 0 } };

	emit(e, MOV64_IMM(R0, 0));
	for (int i = 0; i < 3; i++) {
		emit(e, MOV64_REG(R5, R0));
		emit(e, MOV64_IMM(R1, 0));
		emit(e, MOV64_IMM(R2, 0));
		emit(e, MOV64_REG(R3, R_S));
		emit(e, ALU64_IMM(BPF_ADD, R3, i < 2 ? part[i][0] : off));
		emit(e, MOV64_IMM(R4, i < 2 ? part[i][1] : len));
		emit(e, CALL_HELPER(BPF_FUNC_csum_diff));
	}
	csum_fold(e);
}

/* The answer's Ethernet addresses: the packet's, swapped. */
static void answer_eth(struct cg *c)
{
	struct emit *e = &c->e;

	for (int16_t i = 0; i < 6; i++) {
		emit(e, LDX(BPF_B, R1, R_S, S_OLD + 6 + i));
		emit(e, STX(BPF_B, R_S, R1, S_ETH + i));
		emit(e, LDX(BPF_B, R1, R_S, S_OLD + i));
		emit(e, STX(BPF_B, R_S, R1, S_ETH + 6 + i));
	}
}

/* The answer's Ethernet header (addresses swapped) and IP header but for its checksum and length. */
static void answer_headers(struct cg *c, uint8_t proto)
{
	struct emit *e = &c->e;

	answer_eth(c);
	emit(e, ST(BPF_H, R_S, S_ETH + 12, __builtin_bswap16(0x0800)));
	emit(e, ST(BPF_W, R_S, S_IP, __builtin_bswap32(0x45000000)));	/* version, ihl, tos, len */
	emit(e, ST(BPF_W, R_S, S_IP + 4, __builtin_bswap32(0x00004000)));	/* id 0, DF */
	emit(e, ST(BPF_H, R_S, S_IP + 8, (int32_t)(64 | proto << 8)));	/* ttl, protocol */
	emit(e, ST(BPF_H, R_S, S_IP + 10, 0));
	emit(e, LDX(BPF_W, R1, R_PKT, PI(daddr)));
	emit(e, STX(BPF_W, R_S, R1, S_IP + 12));
	emit(e, LDX(BPF_W, R1, R_PKT, PI(saddr)));
	emit(e, STX(BPF_W, R_S, R1, S_IP + 16));
}

/*
 * Copy @len bytes (if 0, as many as register @len_reg holds) between R_S + @off
 * and the packet at @at (plus register @at_reg unless it is 0): into the
 * packet if @store, out of it otherwise; to @fail on error.
 */
static void skb_bytes(struct emit *e, bool store, uint8_t at_reg, int32_t at, int16_t off,
		      int32_t len, uint8_t len_reg, uint32_t fail)
{
	emit(e, MOV64_REG(R1, R_CTX));
	if (at_reg) {
		emit(e, MOV64_REG(R2, at_reg));
		emit(e, ALU64_IMM(BPF_ADD, R2, at));
	} else {
		emit(e, MOV64_IMM(R2, at));
	}
	emit(e, MOV64_REG(R3, R_S));
	emit(e, ALU64_IMM(BPF_ADD, R3, off));
	if (len)
		emit(e, MOV64_IMM(R4, len));
	else
		emit(e, MOV64_REG(R4, len_reg));
	if (store)
		emit(e, MOV64_IMM(R5, 0));
	emit(e, CALL_HELPER(store ? BPF_FUNC_skb_store_bytes : BPF_FUNC_skb_load_bytes));
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, fail);
}

/* A TCP reset answering the TCP packet (the scratch holds its header at S_OLDTCP). */
static void tcp_reset(struct cg *c, uint32_t fail, uint32_t send)
{
	struct emit *e = &c->e;
	uint32_t had_ack = emit_label(e), seq_done = emit_label(e);
	uint8_t ihl = R8;

	bool v6 = c->fam == IR_FAMILY_IPV6;
	int16_t ip_len = v6 ? 40 : 20;

	emit(e, LDX(BPF_B, R1, R_PKT, PI(tcpflags)));
	emit_jmp_imm(e, BPF_JSET, false, R1, 0x04, fail);	/* never answer a reset */
	if (v6) {
		answer_eth(c);
		answer_headers6(c, IPPROTO_TCP, 20);
	} else {
		answer_headers(c, IPPROTO_TCP);
		emit(e, ST(BPF_H, R_S, S_IP + 2, __builtin_bswap16(40)));
		/* the pseudo header */
		emit(e, LDX(BPF_W, R1, R_S, S_IP + 12));
		emit(e, STX(BPF_W, R_S, R1, S_PSEUDO));
		emit(e, LDX(BPF_W, R1, R_S, S_IP + 16));
		emit(e, STX(BPF_W, R_S, R1, S_PSEUDO + 4));
		emit(e, ST(BPF_W, R_S, S_PSEUDO + 8,
			   (int32_t)__builtin_bswap32(IPPROTO_TCP << 16 | 20)));
	}
	/* ports swapped, header only, no window */
	emit(e, LDX(BPF_H, R1, R_PKT, PI(dport)));
	st_be16(e, S_TCP, R1);
	emit(e, LDX(BPF_H, R1, R_PKT, PI(sport)));
	st_be16(e, S_TCP + 2, R1);
	emit(e, ST(BPF_W, R_S, S_TCP + 12, 0));
	emit(e, ST(BPF_W, R_S, S_TCP + 16, 0));
	emit(e, ST(BPF_B, R_S, S_TCP + 12, 5 << 4));
	emit(e, LDX(BPF_B, R1, R_PKT, PI(tcpflags)));
	emit_jmp_imm(e, BPF_JSET, false, R1, 0x10, had_ack);
	/* no ACK in it: RST+ACK, acknowledging what it carried */
	emit(e, ST(BPF_W, R_S, S_TCP + 4, 0));
	emit(e, ST(BPF_B, R_S, S_TCP + 13, 0x14));
	emit(e, LDX(BPF_W, R2, R_S, S_OLDTCP + 4));
	emit(e, ENDIAN_BE(R2, 32));
	emit(e, LDX(BPF_W, R3, R_PKT, PI(len)));		/* + payload: len - ihl - doff */
	emit(e, ALU64_REG(BPF_SUB, R3, ihl));
	emit(e, LDX(BPF_B, R4, R_S, S_OLDTCP + 12));
	emit(e, ALU64_IMM(BPF_RSH, R4, 4));
	emit(e, ALU64_IMM(BPF_LSH, R4, 2));
	emit(e, ALU64_REG(BPF_SUB, R3, R4));
	emit(e, ALU64_REG(BPF_ADD, R2, R3));
	emit(e, MOV64_REG(R3, R1));				/* + SYN + FIN */
	emit(e, ALU64_IMM(BPF_RSH, R3, 1));
	emit(e, ALU64_IMM(BPF_AND, R3, 1));
	emit(e, ALU64_REG(BPF_ADD, R2, R3));
	emit(e, MOV64_REG(R3, R1));
	emit(e, ALU64_IMM(BPF_AND, R3, 1));
	emit(e, ALU64_REG(BPF_ADD, R2, R3));
	emit(e, ENDIAN_BE(R2, 32));
	emit(e, STX(BPF_W, R_S, R2, S_TCP + 8));
	emit_ja(e, seq_done);
	/* an ACK in it: RST with the sequence number it acknowledged */
	emit_bind(e, had_ack);
	emit(e, LDX(BPF_W, R2, R_S, S_OLDTCP + 8));
	emit(e, STX(BPF_W, R_S, R2, S_TCP + 4));
	emit(e, ST(BPF_W, R_S, S_TCP + 8, 0));
	emit(e, ST(BPF_B, R_S, S_TCP + 13, 0x04));
	emit_bind(e, seq_done);
	if (v6) {
		checksum6(e, S_TCP, 20);
		emit(e, STX(BPF_H, R_S, R0, S_TCP + 16));
	} else {
		checksum(e, S_PSEUDO, 32, 0);
		emit(e, STX(BPF_H, R_S, R0, S_TCP + 16));
		checksum(e, S_IP, 20, 0);
		emit(e, STX(BPF_H, R_S, R0, S_IP + 10));
	}
	/* the packet becomes the answer */
	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, MOV64_IMM(R2, 14 + ip_len + 20));
	emit(e, MOV64_IMM(R3, 0));
	emit(e, CALL_HELPER(BPF_FUNC_skb_change_tail));
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, fail);
	skb_bytes(e, true, 0, 0, S_ETH, 14, 0, fail);
	skb_bytes(e, true, 0, 14, S_IP, ip_len, 0, fail);
	skb_bytes(e, true, 0, 14 + ip_len, S_TCP, 20, 0, fail);
	emit_ja(e, send);
}

/* An ICMP destination-unreachable with code @code quoting the packet's IP header and 8 bytes. */
static void icmp_unreach(struct cg *c, uint8_t code, uint32_t fail, uint32_t send)
{
	struct emit *e = &c->e;
	uint8_t ihl = R8;	/* the IP header's length, then the quote's */
	uint32_t quote_ok = emit_label(e);

	emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
	emit_jmp_imm(e, BPF_JNE, false, R1, IPPROTO_ICMP, quote_ok);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));		/* never answer an error */
	for (int t = 3; t <= 12; t++)
		if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			emit_jmp_imm(e, BPF_JEQ, false, R1, t, fail);
	emit_bind(e, quote_ok);
	/* the quote: the IP header and 8 bytes, at most 68 */
	emit(e, ALU64_IMM(BPF_ADD, ihl, 8));
	skb_bytes(e, false, 0, 14, S_QUOTE, 0, ihl, fail);
	answer_headers(c, IPPROTO_ICMP);
	emit(e, MOV64_REG(R1, ihl));
	emit(e, ALU64_IMM(BPF_ADD, R1, 28));
	st_be16(e, S_IP + 2, R1);
	emit(e, ST(BPF_W, R_S, S_ICMP, (int32_t)(3 | code << 8)));	/* type, code, checksum 0 */
	emit(e, ST(BPF_W, R_S, S_ICMP + 4, 0));
	emit(e, MOV64_REG(R5, ihl));
	emit(e, ALU64_IMM(BPF_ADD, R5, 8));
	checksum(e, S_ICMP, 0, R5);
	emit(e, STX(BPF_H, R_S, R0, S_ICMP + 2));
	checksum(e, S_IP, 20, 0);
	emit(e, STX(BPF_H, R_S, R0, S_IP + 10));
	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, MOV64_REG(R2, ihl));
	emit(e, ALU64_IMM(BPF_ADD, R2, 14 + 28));
	emit(e, MOV64_IMM(R3, 0));
	emit(e, CALL_HELPER(BPF_FUNC_skb_change_tail));
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, fail);
	skb_bytes(e, true, 0, 0, S_ETH, 14, 0, fail);
	emit(e, MOV64_REG(R5, ihl));
	emit(e, ALU64_IMM(BPF_ADD, R5, 28));
	skb_bytes(e, true, 0, 14, S_IP, 0, R5, fail);
	emit_ja(e, send);
}

/*
 * An ICMPv6 destination-unreachable with code @code quoting the packet's
 * first 48 bytes; never for an ICMPv6 error or a packet to a multicast
 * address.
 */
static void icmp6_unreach(struct cg *c, uint8_t code, uint32_t fail, uint32_t send)
{
	struct emit *e = &c->e;
	uint32_t quote_ok = emit_label(e);
	uint16_t len = 8 + S_QUOTE6_LEN;

	emit(e, LDX(BPF_B, R1, R_PKT, PI(daddr6)));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0xff, fail);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
	emit_jmp_imm(e, BPF_JNE, false, R1, IPPROTO_ICMPV6, quote_ok);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));		/* errors are below 128 */
	emit_jmp_imm(e, BPF_JLT, false, R1, 128, fail);
	emit_bind(e, quote_ok);
	skb_bytes(e, false, 0, 14, S_ICMP6 + 8, S_QUOTE6_LEN, 0, fail);
	answer_eth(c);
	answer_headers6(c, IPPROTO_ICMPV6, len);
	emit(e, ST(BPF_W, R_S, S_ICMP6, (int32_t)(1 | code << 8)));	/* type, code, checksum 0 */
	emit(e, ST(BPF_W, R_S, S_ICMP6 + 4, 0));
	checksum6(e, S_ICMP6, len);
	emit(e, STX(BPF_H, R_S, R0, S_ICMP6 + 2));
	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, MOV64_IMM(R2, 14 + 40 + len));
	emit(e, MOV64_IMM(R3, 0));
	emit(e, CALL_HELPER(BPF_FUNC_skb_change_tail));
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, fail);
	skb_bytes(e, true, 0, 0, S_ETH, 14, 0, fail);
	skb_bytes(e, true, 0, 14, S_IP, 40 + len, 0, fail);
	emit_ja(e, send);
}

void cg_emit_reject(struct cg *c, const struct ir_rule *r, int16_t key)
{
	static const uint8_t codes[IR_REJECT_MAX] = {
		[IR_REJECT_NET_UNREACH] = 0, [IR_REJECT_HOST_UNREACH] = 1,
		[IR_REJECT_PORT_UNREACH] = 3, [IR_REJECT_PROTO_UNREACH] = 2,
		[IR_REJECT_NET_PROHIB] = 9, [IR_REJECT_HOST_PROHIB] = 10,
		[IR_REJECT_ADMIN_PROHIB] = 13,
		[IR_REJECT6_NO_ROUTE] = 0, [IR_REJECT6_ADM_PROHIBITED] = 1,
		[IR_REJECT6_ADDR_UNREACH] = 3, [IR_REJECT6_PORT_UNREACH] = 4,
		[IR_REJECT6_POLICY_FAIL] = 5, [IR_REJECT6_REJECT_ROUTE] = 6,
	};
	struct emit *e = &c->e;
	uint32_t done = emit_label(e), send = emit_label(e);

	if (c->kind == CGEN_PROG_XDP)
		return;		/* refused before: REJECT belongs to the filter table */
	/* a fragment other than the first is only dropped */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(frag)));
	emit_jmp_imm(e, BPF_JNE, false, R1, 0, done);
	emit(e, ST(BPF_W, R_FP, key, 0));
	cg_emit_lookup(c, c->scratch_map, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, done);
	emit(e, MOV64_REG(R_S, R0));
	skb_bytes(e, false, 0, 0, S_OLD, 12, 0, done);
	if (c->fam == IR_FAMILY_IPV6) {
		/* the transport header's offset, after the extension headers */
		emit(e, LDX(BPF_H, R8, R_PKT, PI(l4off)));
		emit_jmp_imm(e, BPF_JGT, false, R8, 1024, done);
	} else {
		/* the IP header's length, 20..60 */
		skb_bytes(e, false, 0, 14, S_OLDTCP, 1, 0, done);
		emit(e, LDX(BPF_B, R8, R_S, S_OLDTCP));
		emit(e, ALU64_IMM(BPF_AND, R8, 0x0f));
		emit(e, ALU64_IMM(BPF_LSH, R8, 2));
		emit_jmp_imm(e, BPF_JLT, false, R8, 20, done);
	}
	if (r->target.reject == IR_REJECT_TCP_RESET) {
		emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
		emit_jmp_imm(e, BPF_JEQ, false, R1, 0, done);
		/* its TCP header: at 14 + ihl */
		skb_bytes(e, false, R8, 14, S_OLDTCP, 20, 0, done);
		tcp_reset(c, done, send);
	} else if (c->fam == IR_FAMILY_IPV6) {
		icmp6_unreach(c, codes[r->target.reject], done, send);
	} else {
		icmp_unreach(c, codes[r->target.reject], done, send);
	}
	/* back where it came from, or into this host's stack from OUTPUT */
	emit_bind(e, send);
	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, LDX(BPF_W, R2, R_CTX, SKB(ifindex)));
	emit(e, MOV64_IMM(R3, c->kind == CGEN_PROG_TC_EGRESS ? BPF_F_INGRESS : 0));
	emit(e, CALL_HELPER(BPF_FUNC_clone_redirect));
	emit_bind(e, done);
}
