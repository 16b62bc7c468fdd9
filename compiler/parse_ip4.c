// SPDX-License-Identifier: GPL-2.0
/*
 * The prologue: read the packet once into the packet-info block, from an
 * skb (TC) or a frame (XDP): the link header's EtherType, then the IPv4
 * header here or the IPv6 headers (parse_ip6.c), then the transport header.
 * Every access is bounds-checked; a packet whose IP header is truncated or
 * malformed is accepted (the kernel's IP layer drops what is broken).
 */
/* the C library's network headers first, so the UAPI ones defer to them */
#include "cgen_internal.h"

#include <asm/byteorder.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#define SKB(f)		((int16_t)offsetof(struct __sk_buff, f))
#define XDP(f)		((int16_t)offsetof(struct xdp_md, f))
#define IPH(f)		((int16_t)offsetof(struct iphdr, f))
#define IP_OFFMASK	0x1fff
#define TCP_FLAGS_OFF	13	/* the byte after doff/res1 in struct tcphdr */

void cg_emit_set_flag(struct cg *c, int16_t field, uint8_t value, uint8_t tmp)
{
	emit(&c->e, LDX(BPF_H, tmp, R_PKT, PI(opaque_zero)));
	emit(&c->e, ALU64_IMM(BPF_ADD, tmp, value));
	emit(&c->e, STX(BPF_B, R_PKT, tmp, field));
}

void cg_emit_need(struct cg *c, uint8_t base, int32_t off, uint32_t fail)
{
	struct emit *e = &c->e;

	emit(e, MOV64_REG(R5, base));
	emit(e, ALU64_IMM(BPF_ADD, R5, off));
	emit_jmp_reg(e, BPF_JGT, R5, R3, fail);
}

/* Load a 16-bit big-endian field at @base + @off and store it in host order at @field. */
static void load_be16(struct cg *c, uint8_t base, int16_t off, int16_t field)
{
	struct emit *e = &c->e;

	emit(e, LDX(BPF_H, R1, base, off));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, STX(BPF_H, R_PKT, R1, field));
}

void cg_emit_parse_l4(struct cg *c, uint32_t done)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len;
	uint32_t not_tcp = emit_label(e), not_udp = emit_label(e), ports_only = emit_label(e);
	uint32_t icmp = emit_label(e);

	emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
	emit_jmp_imm(e, BPF_JNE, true, R1, IPPROTO_TCP, not_tcp);
	cg_emit_need(c, R4, l2 + (int32_t)sizeof(struct tcphdr), done);
	load_be16(c, R4, l2 + (int16_t)offsetof(struct tcphdr, source), PI(sport));
	load_be16(c, R4, l2 + (int16_t)offsetof(struct tcphdr, dest), PI(dport));
	emit(e, LDX(BPF_B, R1, R4, l2 + TCP_FLAGS_OFF));
	emit(e, STX(BPF_B, R_PKT, R1, PI(tcpflags)));
	cg_emit_set_flag(c, PI(l4), 1, R1);
	emit_ja(e, done);

	emit_bind(e, not_tcp);
	emit_jmp_imm(e, BPF_JNE, true, R1, IPPROTO_UDP, not_udp);
	cg_emit_need(c, R4, l2 + (int32_t)sizeof(struct udphdr), done);
	load_be16(c, R4, l2 + (int16_t)offsetof(struct udphdr, source), PI(sport));
	load_be16(c, R4, l2 + (int16_t)offsetof(struct udphdr, dest), PI(dport));
	cg_emit_set_flag(c, PI(l4), 1, R1);
	emit_ja(e, done);

	/* UDP-Lite, SCTP and DCCP begin with the two ports too (multiport) */
	emit_bind(e, not_udp);
	emit_jmp_imm(e, BPF_JEQ, true, R1, IPPROTO_UDPLITE, ports_only);
	emit_jmp_imm(e, BPF_JEQ, true, R1, IPPROTO_SCTP, ports_only);
	emit_jmp_imm(e, BPF_JEQ, true, R1, IPPROTO_DCCP, ports_only);
	/* ICMPv6 begins as ICMP does: type, code, checksum, identifier */
	emit_jmp_imm(e, BPF_JEQ, true, R1, IPPROTO_ICMP, icmp);
	emit_jmp_imm(e, BPF_JNE, true, R1, IPPROTO_ICMPV6, done);
	emit_bind(e, icmp);
	cg_emit_need(c, R4, l2 + (int32_t)offsetof(struct icmphdr, checksum), done);
	emit(e, LDX(BPF_B, R1, R4, l2 + (int16_t)offsetof(struct icmphdr, type)));
	emit(e, STX(BPF_B, R_PKT, R1, PI(icmp_type)));
	emit(e, LDX(BPF_B, R1, R4, l2 + (int16_t)offsetof(struct icmphdr, code)));
	emit(e, STX(BPF_B, R_PKT, R1, PI(icmp_code)));
	cg_emit_set_flag(c, PI(l4), 1, R1);
	/* the identifier of an echo and the like, for connection tracking */
	cg_emit_need(c, R4, l2 + (int32_t)sizeof(struct icmphdr), done);
	load_be16(c, R4, l2 + (int16_t)offsetof(struct icmphdr, un.echo.id), PI(icmp_id));
	emit_ja(e, done);

	emit_bind(e, ports_only);
	cg_emit_need(c, R4, l2 + 4, done);
	load_be16(c, R4, l2, PI(sport));
	load_be16(c, R4, l2 + 2, PI(dport));
	cg_emit_set_flag(c, PI(l4), 1, R1);
}

/* The IPv4 header, with R2 = data, R3 = data_end checked for its fixed part. */
static void parse_ip4(struct cg *c, uint32_t accept, uint32_t l4_done)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len;
	uint32_t first = emit_label(e);

	/* header length: ihl * 4, at least the fixed header */
	emit(e, LDX(BPF_B, R0, R2, l2));
	emit(e, ALU64_IMM(BPF_AND, R0, 0x0f));
	emit_jmp_imm(e, BPF_JLT, false, R0, sizeof(struct iphdr) / 4, accept);
	emit(e, ALU64_IMM(BPF_LSH, R0, 2));
	emit(e, STX(BPF_H, R_PKT, R0, PI(l4off)));

	emit(e, LDX(BPF_W, R1, R2, l2 + IPH(saddr)));
	emit(e, STX(BPF_W, R_PKT, R1, PI(saddr)));
	emit(e, LDX(BPF_W, R1, R2, l2 + IPH(daddr)));
	emit(e, STX(BPF_W, R_PKT, R1, PI(daddr)));
	emit(e, LDX(BPF_B, R1, R2, l2 + IPH(protocol)));
	emit(e, STX(BPF_B, R_PKT, R1, PI(proto)));
	emit(e, LDX(BPF_B, R1, R2, l2 + IPH(ttl)));
	emit(e, STX(BPF_B, R_PKT, R1, PI(ttl)));
	emit(e, LDX(BPF_H, R1, R2, l2 + IPH(tot_len)));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, STX(BPF_W, R_PKT, R1, PI(len)));

	/* a fragment other than the first carries no transport header */
	emit(e, LDX(BPF_H, R1, R2, l2 + IPH(frag_off)));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, ALU64_IMM(BPF_AND, R1, IP_OFFMASK));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0, first);
	cg_emit_set_flag(c, PI(frag), 1, R1);
	emit_ja(e, l4_done);
	emit_bind(e, first);
	emit(e, MOV64_REG(R4, R2));
	emit(e, ALU64_REG(BPF_ADD, R4, R0));
	cg_emit_parse_l4(c, l4_done);
}

void cg_emit_prologue(struct cg *c, uint32_t other, uint32_t accept)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len;
	bool v6 = c->fam == IR_FAMILY_IPV6;
	int32_t proto = v6 ? __constant_htons(ETH_P_IPV6) : __constant_htons(ETH_P_IP);
	int32_t hdr = v6 ? (int32_t)sizeof(struct ipv6hdr) : (int32_t)sizeof(struct iphdr);
	uint32_t l4_done = emit_label(e);

	if (c->kind == CGEN_PROG_XDP) {
		/* no skb yet: the EtherType is the link header's last two bytes */
		emit(e, LDX(BPF_W, R2, R_CTX, XDP(data)));
		emit(e, LDX(BPF_W, R3, R_CTX, XDP(data_end)));
		cg_emit_need(c, R2, l2, accept);
		emit(e, LDX(BPF_H, R0, R2, l2 - 2));
	} else {
		emit(e, LDX(BPF_W, R0, R_CTX, SKB(protocol)));
	}
	emit_jmp_imm(e, BPF_JNE, true, R0, proto, other);

	/*
	 * Zeros the verifier cannot tell from other values, and flags set
	 * the same way (cg_emit_set_flag()): whichever way the parsing went,
	 * the rules then start from one state, which the verifier checks once.
	 */
	emit(e, MOV64_REG(R_PKT, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R_PKT, STK_PKT));
	emit(e, LDX(BPF_W, R0, R_FP, STK_ZERO));
	for (int16_t off = 0; off < (int16_t)sizeof(struct cgen_pktinfo); off += 8)
		emit(e, STX(BPF_DW, R_PKT, R0, off));

	emit(e, LDX(BPF_W, R2, R_CTX, c->kind == CGEN_PROG_XDP ? XDP(data) : SKB(data)));
	emit(e, LDX(BPF_W, R3, R_CTX, c->kind == CGEN_PROG_XDP ? XDP(data_end) : SKB(data_end)));
	cg_emit_need(c, R2, l2 + hdr, accept);
	if (v6)
		cg_emit_parse_ip6(c, accept, l4_done);
	else
		parse_ip4(c, accept, l4_done);
	emit_bind(e, l4_done);
	/*
	 * Each way through the parsing wrote other fields, some bytes at a
	 * time: read and write the block back in words, so that it looks the
	 * same to the verifier whichever way the packet went, and the rules
	 * are checked once rather than once per way.
	 */
	for (int16_t off = 0; off < (int16_t)sizeof(struct cgen_pktinfo); off += 8) {
		emit(e, LDX(BPF_DW, R1, R_PKT, off));
		emit(e, STX(BPF_DW, R_PKT, R1, off));
	}
}

void cg_emit_ifname(struct cg *c, uint8_t reg, int16_t field)
{
	struct emit *e = &c->e;
	uint32_t none = emit_label(e);

	if (c->ifnames_map < 0)
		return;
	emit(e, STX(BPF_W, R_FP, reg, STK_KEY));
	cg_emit_lookup(c, c->ifnames_map, STK_KEY);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, none);
	for (int16_t off = 0; off < IFNAMSIZ; off += 8) {
		emit(e, LDX(BPF_DW, R1, R0, off));
		emit(e, STX(BPF_DW, R_PKT, R1, field + off));
	}
	emit_bind(e, none);
}
