// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tracking in bpfw's own table: an LRU hash of connections
 * (struct cgen_ct_key, the addresses, ports and protocol of the first
 * packet's direction) with their expiry time and whether a reply was seen.
 *
 * Every TC program of a rule set that matches on a state looks the packet
 * up before the rules: in the direction of the connection's first packet
 * it is NEW until a reply was seen and ESTABLISHED after; in the other
 * direction it is ESTABLISHED.  An ICMP error whose quoted packet belongs to
 * a connection is RELATED.  A packet of no connection is NEW, except a TCP
 * reset or SYN-ACK, and a fragment other than the first, which are INVALID.
 * Only packets the rules accept change the table: a NEW one adds its
 * connection, a known one renews its expiry, a reply marks it replied.
 *
 * The kernel's own conntrack is not used: in a namespace where no netfilter
 * hook asks for it, it tracks nothing, and its BPF kfuncs only look up and
 * insert.  Expiry follows netfilter's default timeouts.
 */
/* the C library's network headers first, so the UAPI ones defer to them */
#include "cgen_internal.h"

#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/bpf.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>

#define SKB(f)		((int16_t)offsetof(struct __sk_buff, f))
#define KEY(f)		((int16_t)offsetof(struct cgen_ct_key, f))
#define VAL(f)		((int16_t)offsetof(struct cgen_ct_val, f))
#define SEC_NS(s)	((uint64_t)(s) * 1000000000ull)

/* netfilter's default timeouts */
#define T_TCP_NEW	SEC_NS(120)	/* SYN_SENT */
#define T_TCP_EST	SEC_NS(432000)	/* ESTABLISHED: five days */
#define T_TCP_FIN	SEC_NS(120)	/* TIME_WAIT */
#define T_TCP_RST	SEC_NS(10)	/* CLOSE */
#define T_UDP_NEW	SEC_NS(30)
#define T_UDP_EST	SEC_NS(120)	/* a stream: replied */
#define T_ICMP		SEC_NS(30)
#define T_OTHER		SEC_NS(600)

#define R_NOW		R8	/* bpf_ktime_get_ns() of this packet */
#define R_PROTO		R7

bool cg_rule_uses_ct(const struct ir_rule *r)
{
	for (unsigned int i = 0; i < r->n_matches; i++)
		if (r->matches[i].kind == IR_MATCH_CONNTRACK || r->matches[i].kind == IR_MATCH_STATE)
			return true;
	return cg_rule_uses_lookup_key(r, IR_KEY_CTSTATE);
}

/* R0 = lookup of the key at @key; to @hit if found and not expired (R_NOW). */
static void lookup_live(struct cg *c, int16_t key, uint32_t hit)
{
	struct emit *e = &c->e;
	uint32_t miss = emit_label(e);

	cg_emit_lookup(c, c->ct_map, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, miss);
	emit(e, LDX(BPF_DW, R1, R0, VAL(expires)));
	emit_jmp_reg(e, BPF_JGT, R1, R_NOW, hit);
	emit_bind(e, miss);
}

static void set_state(struct cg *c, uint8_t state, uint8_t dir, uint32_t done)
{
	cg_emit_set_flag(c, PI(ctstate), state, R1);
	cg_emit_set_flag(c, PI(ctdir), dir, R1);
	emit_ja(&c->e, done);
}

/* Both keys' family and @words address words from R2 + @src (the source) and R2 + @dst. */
static void key_addr_words(struct cg *c, int16_t src, int16_t dst, int words)
{
	struct emit *e = &c->e;

	emit(e, ST(BPF_B, R_FP, STK_CTKEY + KEY(family), words == 4 ? 6 : 4));
	emit(e, ST(BPF_B, R_FP, STK_CTREV + KEY(family), words == 4 ? 6 : 4));
	for (int16_t w = 0; w < 4 * words; w += 4) {
		emit(e, LDX(BPF_W, R1, R2, src + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTKEY + KEY(saddr) + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTREV + KEY(daddr) + w));
		emit(e, LDX(BPF_W, R1, R2, dst + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTKEY + KEY(daddr) + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTREV + KEY(saddr) + w));
	}
}

/*
 * Both keys of an ICMP query or answer: the identifier (R1) for the ports,
 * and its type (R3) in the key's last field, the type of the other half of
 * the exchange in the reversed key's, so that an answer is found only as
 * the answer of its query (netfilter's ICMP tuples hold the type too).
 */
static void icmp_keys(struct cg *c)
{
	struct emit *e = &c->e;
	static const uint8_t pairs[][2] = {
		{ ICMP_ECHO, ICMP_ECHOREPLY }, { ICMP_TIMESTAMP, ICMP_TIMESTAMPREPLY },
		{ ICMP_INFO_REQUEST, ICMP_INFO_REPLY }, { ICMP_ADDRESS, ICMP_ADDRESSREPLY },
		{ ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY }, { ICMPV6_NI_QUERY, ICMPV6_NI_REPLY },
	};
	uint32_t known = emit_label(e);

	emit(e, STX(BPF_H, R_FP, R1, STK_CTKEY + KEY(sport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTREV + KEY(sport)));
	emit(e, STX(BPF_H, R_FP, R3, STK_CTKEY + KEY(dport)));
	emit(e, MOV64_IMM(R4, 0));
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		for (int k = 0; k < 2; k++) {
			uint32_t next = emit_label(e);

			emit_jmp_imm(e, BPF_JNE, false, R3, pairs[i][k], next);
			emit(e, MOV64_IMM(R4, pairs[i][!k]));
			emit_ja(e, known);
			emit_bind(e, next);
		}
	}
	emit_bind(e, known);
	emit(e, STX(BPF_H, R_FP, R4, STK_CTREV + KEY(dport)));
}

/* The ports (or the echo identifier) of the quoted transport header at R2 + @q. */
static void quoted_ports(struct cg *c, int16_t q, uint8_t icmp_proto, uint32_t done)
{
	struct emit *e = &c->e;
	uint32_t ports = emit_label(e), icmp = emit_label(e);

	emit_jmp_imm(e, BPF_JEQ, false, R_PROTO, IPPROTO_TCP, ports);
	emit_jmp_imm(e, BPF_JEQ, false, R_PROTO, IPPROTO_UDP, ports);
	emit_jmp_imm(e, BPF_JEQ, false, R_PROTO, icmp_proto, icmp);
	emit_ja(e, done);

	emit_bind(e, ports);
	emit(e, LDX(BPF_H, R1, R2, q));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTKEY + KEY(sport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTREV + KEY(dport)));
	emit(e, LDX(BPF_H, R1, R2, q + 2));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTKEY + KEY(dport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTREV + KEY(sport)));
	emit_ja(e, done);

	emit_bind(e, icmp);
	emit(e, LDX(BPF_H, R1, R2, q + 4));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, LDX(BPF_B, R3, R2, q));
	icmp_keys(c);
}

/*
 * The same for an ICMPv6 error: the quoted IPv6 header follows the 8 bytes
 * of the ICMPv6 header at the transport offset (extension headers in the
 * quote are not walked).
 */
static void quoted_keys6(struct cg *c, uint32_t bad)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len, q = l2 + (int16_t)sizeof(struct icmp6hdr);
	int16_t t = q + (int16_t)sizeof(struct ipv6hdr);
	uint32_t done = emit_label(e);

	emit(e, LDX(BPF_W, R2, R_CTX, SKB(data)));
	emit(e, LDX(BPF_W, R3, R_CTX, SKB(data_end)));
	emit(e, LDX(BPF_H, R4, R_PKT, PI(l4off)));
	emit_jmp_imm(e, BPF_JGT, false, R4, 1024, bad);
	emit(e, ALU64_REG(BPF_ADD, R2, R4));	/* R2 + q: the quoted IPv6 header */
	emit(e, MOV64_REG(R5, R2));
	emit(e, ALU64_IMM(BPF_ADD, R5, t + 8));
	emit_jmp_reg(e, BPF_JGT, R5, R3, bad);
	key_addr_words(c, q + (int16_t)offsetof(struct ipv6hdr, saddr),
		       q + (int16_t)offsetof(struct ipv6hdr, daddr), 4);
	emit(e, LDX(BPF_B, R_PROTO, R2, q + (int16_t)offsetof(struct ipv6hdr, nexthdr)));
	emit(e, STX(BPF_B, R_FP, R_PROTO, STK_CTKEY + KEY(proto)));
	emit(e, STX(BPF_B, R_FP, R_PROTO, STK_CTREV + KEY(proto)));
	quoted_ports(c, t, IPPROTO_ICMPV6, done);
	emit_bind(e, done);
}

/*
 * The key of the packet quoted by an ICMP error, as it went, at STK_CTKEY
 * and reversed at STK_CTREV; to @bad if the quote is too short to read.
 */
static void quoted_keys(struct cg *c, uint32_t bad)
{
	struct emit *e = &c->e;
	int16_t l2 = (int16_t)c->opts->l2_len, q = l2 + (int16_t)sizeof(struct icmphdr);
	uint32_t done = emit_label(e);

	emit(e, LDX(BPF_W, R2, R_CTX, SKB(data)));
	emit(e, LDX(BPF_W, R3, R_CTX, SKB(data_end)));
	emit(e, MOV64_REG(R5, R2));
	emit(e, ALU64_IMM(BPF_ADD, R5, l2 + 1));
	emit_jmp_reg(e, BPF_JGT, R5, R3, bad);
	emit(e, LDX(BPF_B, R4, R2, l2));
	emit(e, ALU64_IMM(BPF_AND, R4, 0x0f));
	emit(e, ALU64_IMM(BPF_LSH, R4, 2));
	emit(e, ALU64_REG(BPF_ADD, R2, R4));	/* R2 + q: the quoted IP header */
	emit(e, MOV64_REG(R5, R2));
	emit(e, ALU64_IMM(BPF_ADD, R5, q + 20));
	emit_jmp_reg(e, BPF_JGT, R5, R3, bad);
	key_addr_words(c, q + 12, q + 16, 1);
	emit(e, LDX(BPF_B, R_PROTO, R2, q + 9));
	emit(e, STX(BPF_B, R_FP, R_PROTO, STK_CTKEY + KEY(proto)));
	emit(e, STX(BPF_B, R_FP, R_PROTO, STK_CTREV + KEY(proto)));
	/* its transport header */
	emit(e, LDX(BPF_B, R4, R2, q));
	emit(e, ALU64_IMM(BPF_AND, R4, 0x0f));
	emit(e, ALU64_IMM(BPF_LSH, R4, 2));
	emit(e, ALU64_REG(BPF_ADD, R2, R4));
	emit(e, MOV64_REG(R5, R2));
	emit(e, ALU64_IMM(BPF_ADD, R5, q + 8));
	emit_jmp_reg(e, BPF_JGT, R5, R3, bad);
	quoted_ports(c, q, IPPROTO_ICMP, done);
	emit_bind(e, done);
}

/*
 * ICMP by type, as netfilter's conntrack sees it: errors quote a packet,
 * queries and their answers are tracked, other messages INVALID.
 */
static void icmp_kinds(struct cg *c, uint32_t icmp_error, uint32_t echo, uint32_t invalid)
{
	struct emit *e = &c->e;
	static const uint8_t errors[] = { ICMP_DEST_UNREACH, ICMP_SOURCE_QUENCH, ICMP_REDIRECT,
					  ICMP_TIME_EXCEEDED, ICMP_PARAMETERPROB };
	static const uint8_t tracked[] = { ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIMESTAMP,
					   ICMP_TIMESTAMPREPLY, ICMP_INFO_REQUEST, ICMP_INFO_REPLY,
					   ICMP_ADDRESS, ICMP_ADDRESSREPLY };

	emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));
	for (size_t i = 0; i < sizeof(errors); i++)
		emit_jmp_imm(e, BPF_JEQ, false, R1, errors[i], icmp_error);
	for (size_t i = 0; i < sizeof(tracked); i++)
		emit_jmp_imm(e, BPF_JEQ, false, R1, tracked[i], echo);
	emit_ja(e, invalid);
}

/*
 * ICMPv6 by type, as netfilter's conntrack sees it: errors (1-4) quote a
 * packet, echo and node information queries and answers are tracked,
 * neighbour discovery and multicast listener messages are UNTRACKED, other
 * messages INVALID.
 */
static void icmp6_kinds(struct cg *c, uint32_t icmp_error, uint32_t echo, uint32_t untracked,
			uint32_t invalid)
{
	struct emit *e = &c->e;
	static const uint8_t tracked[] = { ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY,
					   ICMPV6_NI_QUERY, ICMPV6_NI_REPLY };
	static const uint8_t notrack[] = { ICMPV6_MGM_QUERY, ICMPV6_MGM_REPORT,
					   ICMPV6_MGM_REDUCTION, 133, 134, 135, 136,
					   ICMPV6_MLD2_REPORT };

	emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0, invalid);
	emit_jmp_imm(e, BPF_JLE, false, R1, ICMPV6_PARAMPROB, icmp_error);
	for (size_t i = 0; i < sizeof(tracked); i++)
		emit_jmp_imm(e, BPF_JEQ, false, R1, tracked[i], echo);
	for (size_t i = 0; i < sizeof(notrack); i++)
		emit_jmp_imm(e, BPF_JEQ, false, R1, notrack[i], untracked);
	emit_ja(e, invalid);
}

/*
 * The packet's own key at STK_CTKEY and reversed at STK_CTREV; ICMP errors
 * to @icmp_error, ICMP that is not tracked to @untracked or @invalid.
 */
static void packet_keys(struct cg *c, uint32_t icmp_error, uint32_t untracked, uint32_t invalid)
{
	struct emit *e = &c->e;
	uint32_t ports = emit_label(e), echo = emit_label(e), done = emit_label(e);
	bool v6 = c->fam == IR_FAMILY_IPV6;
	int16_t saddr = v6 ? PI(saddr6) : PI(saddr), daddr = v6 ? PI(daddr6) : PI(daddr);

	for (int16_t w = 0; w < (v6 ? 16 : 4); w += 4) {
		emit(e, LDX(BPF_W, R1, R_PKT, saddr + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTKEY + KEY(saddr) + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTREV + KEY(daddr) + w));
		emit(e, LDX(BPF_W, R1, R_PKT, daddr + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTKEY + KEY(daddr) + w));
		emit(e, STX(BPF_W, R_FP, R1, STK_CTREV + KEY(saddr) + w));
	}
	emit(e, ST(BPF_B, R_FP, STK_CTKEY + KEY(family), v6 ? 6 : 4));
	emit(e, ST(BPF_B, R_FP, STK_CTREV + KEY(family), v6 ? 6 : 4));
	emit(e, STX(BPF_B, R_FP, R_PROTO, STK_CTKEY + KEY(proto)));
	emit(e, STX(BPF_B, R_FP, R_PROTO, STK_CTREV + KEY(proto)));
	emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0, done);
	emit_jmp_imm(e, BPF_JNE, false, R_PROTO, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, ports);
	if (v6)
		icmp6_kinds(c, icmp_error, echo, untracked, invalid);
	else
		icmp_kinds(c, icmp_error, echo, invalid);

	emit_bind(e, echo);	/* the identifier and the type */
	emit(e, LDX(BPF_H, R1, R_PKT, PI(icmp_id)));
	emit(e, LDX(BPF_B, R3, R_PKT, PI(icmp_type)));
	icmp_keys(c);
	emit_ja(e, done);

	emit_bind(e, ports);
	emit(e, LDX(BPF_H, R1, R_PKT, PI(sport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTKEY + KEY(sport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTREV + KEY(dport)));
	emit(e, LDX(BPF_H, R1, R_PKT, PI(dport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTKEY + KEY(dport)));
	emit(e, STX(BPF_H, R_FP, R1, STK_CTREV + KEY(sport)));
	emit_bind(e, done);
}

/* The TCP flag combinations netfilter takes (tcp_valid_flags), by FIN, SYN, RST, ACK, URG. */
#define TCP_VALID(f)	(1ull << (f))
#define TCP_VALID_FLAGS	(TCP_VALID(TH_SYN) | TCP_VALID(TH_SYN | TH_URG) |		\
			 TCP_VALID(TH_SYN | TH_ACK) | TCP_VALID(TH_RST) |		\
			 TCP_VALID(TH_RST | TH_ACK) | TCP_VALID(TH_FIN | TH_ACK) |	\
			 TCP_VALID(TH_FIN | TH_ACK | TH_URG) | TCP_VALID(TH_ACK) |	\
			 TCP_VALID(TH_ACK | TH_URG))

/* A TCP packet with flags netfilter never takes (none, FIN alone, SYN with FIN...): to @invalid. */
static void tcp_flags_valid(struct cg *c, uint32_t invalid)
{
	struct emit *e = &c->e;
	uint32_t ok = emit_label(e);

	emit_jmp_imm(e, BPF_JNE, false, R_PROTO, IPPROTO_TCP, ok);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(tcpflags)));
	emit(e, ALU64_IMM(BPF_AND, R1, TH_FIN | TH_SYN | TH_RST | TH_ACK | TH_URG));
	emit_ld_imm64(e, R2, TCP_VALID_FLAGS);
	emit(e, ALU64_REG(BPF_RSH, R2, R1));
	emit(e, ALU64_IMM(BPF_AND, R2, 1));
	emit_jmp_imm(e, BPF_JEQ, false, R2, 0, invalid);
	emit_bind(e, ok);
}

/* An ICMP or ICMPv6 answer (echo reply and the like) of no known query: to @invalid. */
static void icmp_answer_invalid(struct cg *c, uint32_t invalid)
{
	struct emit *e = &c->e;
	static const uint8_t v4[] = { ICMP_ECHOREPLY, ICMP_TIMESTAMPREPLY, ICMP_INFO_REPLY,
				      ICMP_ADDRESSREPLY };
	static const uint8_t v6[] = { ICMPV6_ECHO_REPLY, ICMPV6_NI_REPLY };
	bool six = c->fam == IR_FAMILY_IPV6;
	const uint8_t *types = six ? v6 : v4;
	size_t n = six ? sizeof(v6) : sizeof(v4);
	uint32_t other = emit_label(e);

	emit_jmp_imm(e, BPF_JNE, false, R_PROTO, six ? IPPROTO_ICMPV6 : IPPROTO_ICMP, other);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));
	for (size_t i = 0; i < n; i++)
		emit_jmp_imm(e, BPF_JEQ, false, R1, types[i], invalid);
	emit_bind(e, other);
}

/*
 * An ICMP error must quote a packet its receiver sent: the quote's source
 * is the error's destination (netfilter checks the same); else @invalid.
 */
static void quoted_from_us(struct cg *c, uint32_t invalid)
{
	struct emit *e = &c->e;
	bool v6 = c->fam == IR_FAMILY_IPV6;
	int16_t daddr = v6 ? PI(daddr6) : PI(daddr);

	for (int16_t w = 0; w < (v6 ? 16 : 4); w += 4) {
		emit(e, LDX(BPF_W, R1, R_FP, STK_CTKEY + KEY(saddr) + w));
		emit(e, LDX(BPF_W, R2, R_PKT, daddr + w));
		emit_jmp_reg(e, BPF_JNE, R1, R2, invalid);
	}
}

void cg_emit_ct_state(struct cg *c)
{
	struct emit *e = &c->e;
	uint32_t done = emit_label(e), orig = emit_label(e), reply = emit_label(e);
	uint32_t icmp_error = emit_label(e), invalid = emit_label(e), untracked = emit_label(e);
	uint32_t related = emit_label(e), fresh = emit_label(e), replied = emit_label(e);
	uint32_t not_tcp = emit_label(e);

	emit(e, MOV64_IMM(R1, 0));
	for (int16_t off = 0; off < (int16_t)sizeof(struct cgen_ct_key); off += 8) {
		emit(e, STX(BPF_DW, R_FP, R1, STK_CTKEY + off));
		emit(e, STX(BPF_DW, R_FP, R1, STK_CTREV + off));
	}
	emit(e, LDX(BPF_B, R1, R_PKT, PI(frag)));
	emit_jmp_imm(e, BPF_JNE, false, R1, 0, invalid);
	emit(e, CALL_HELPER(BPF_FUNC_ktime_get_ns));
	emit(e, MOV64_REG(R_NOW, R0));
	emit(e, LDX(BPF_B, R_PROTO, R_PKT, PI(proto)));
	packet_keys(c, icmp_error, untracked, invalid);
	tcp_flags_valid(c, invalid);

	lookup_live(c, STK_CTKEY, orig);
	lookup_live(c, STK_CTREV, reply);
	/*
	 * A connection not known: TCP must not begin with a reset, a SYN-ACK
	 * or a FIN, and an ICMP answer answers nothing.
	 */
	emit_jmp_imm(e, BPF_JNE, false, R_PROTO, IPPROTO_TCP, not_tcp);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(tcpflags)));
	emit_jmp_imm(e, BPF_JSET, false, R1, TH_RST | TH_FIN, invalid);
	emit(e, ALU64_IMM(BPF_AND, R1, TH_SYN | TH_ACK));
	emit_jmp_imm(e, BPF_JEQ, false, R1, TH_SYN | TH_ACK, invalid);
	emit_ja(e, fresh);
	emit_bind(e, not_tcp);
	icmp_answer_invalid(c, invalid);
	emit_bind(e, fresh);
	set_state(c, IR_CT_NEW, CG_CTDIR_NONE, done);

	emit_bind(e, orig);
	emit(e, LDX(BPF_W, R1, R0, VAL(flags)));
	cg_emit_set_flag(c, PI(ctdir), CG_CTDIR_ORIGINAL, R2);
	cg_emit_set_flag(c, PI(ctstate), IR_CT_NEW, R2);
	emit_jmp_imm(e, BPF_JSET, false, R1, CGEN_CT_SEEN_REPLY, replied);
	emit_ja(e, done);
	emit_bind(e, replied);
	cg_emit_set_flag(c, PI(ctstate), IR_CT_ESTABLISHED, R2);
	emit_ja(e, done);

	emit_bind(e, reply);
	set_state(c, IR_CT_ESTABLISHED, CG_CTDIR_REPLY, done);

	emit_bind(e, icmp_error);
	if (c->fam == IR_FAMILY_IPV6)
		quoted_keys6(c, invalid);
	else
		quoted_keys(c, invalid);
	quoted_from_us(c, invalid);
	lookup_live(c, STK_CTKEY, related);
	lookup_live(c, STK_CTREV, related);
	emit_ja(e, invalid);
	emit_bind(e, related);
	set_state(c, IR_CT_RELATED, CG_CTDIR_UNTRACKED, done);

	emit_bind(e, untracked);	/* ICMP that neither asks, answers nor reports */
	set_state(c, c->fam == IR_FAMILY_IPV6 ? IR_CT_UNTRACKED : IR_CT_NEW, CG_CTDIR_UNTRACKED,
		  done);
	emit_bind(e, invalid);
	set_state(c, IR_CT_INVALID, CG_CTDIR_UNTRACKED, done);
	emit_bind(e, done);
}

/* R1 = the timeout of the packet's connection after it (R2: replied); clobbers R3, R_PROTO. */
static void emit_timeout(struct cg *c)
{
	struct emit *e = &c->e;
	uint32_t udp = emit_label(e), icmp = emit_label(e), done = emit_label(e);
	uint32_t tcp_est = emit_label(e), fin = emit_label(e);

	emit(e, LDX(BPF_B, R_PROTO, R_PKT, PI(proto)));
	emit_jmp_imm(e, BPF_JEQ, false, R_PROTO, IPPROTO_UDP, udp);
	emit_jmp_imm(e, BPF_JEQ, false, R_PROTO, IPPROTO_ICMP, icmp);
	emit_jmp_imm(e, BPF_JEQ, false, R_PROTO, IPPROTO_ICMPV6, icmp);
	emit_ld_imm64(e, R1, T_OTHER);
	emit_jmp_imm(e, BPF_JNE, false, R_PROTO, IPPROTO_TCP, done);
	emit(e, LDX(BPF_B, R3, R_PKT, PI(tcpflags)));
	emit_ld_imm64(e, R1, T_TCP_RST);
	emit_jmp_imm(e, BPF_JSET, false, R3, TH_RST, done);
	emit_jmp_imm(e, BPF_JSET, false, R3, TH_FIN, fin);
	emit_ld_imm64(e, R1, T_TCP_NEW);
	emit_jmp_imm(e, BPF_JNE, false, R2, 0, tcp_est);
	emit_ja(e, done);
	emit_bind(e, tcp_est);
	emit_ld_imm64(e, R1, T_TCP_EST);
	emit_ja(e, done);
	emit_bind(e, fin);
	emit_ld_imm64(e, R1, T_TCP_FIN);
	emit_ja(e, done);
	emit_bind(e, udp);
	emit_ld_imm64(e, R1, T_UDP_NEW);
	emit_jmp_imm(e, BPF_JEQ, false, R2, 0, done);
	emit_ld_imm64(e, R1, T_UDP_EST);
	emit_ja(e, done);
	emit_bind(e, icmp);
	emit_ld_imm64(e, R1, T_ICMP);
	emit_bind(e, done);
}

/*
 * A TCP reset of a connection no reply was seen of (a refused connection):
 * the entry at R7, under @key, is deleted and the packet goes to @out, as
 * netfilter forgets such a connection at once.
 */
static void reset_forgets(struct cg *c, int16_t key, uint32_t out)
{
	struct emit *e = &c->e;
	uint32_t keep = emit_label(e);

	emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
	emit_jmp_imm(e, BPF_JNE, false, R1, IPPROTO_TCP, keep);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(tcpflags)));
	emit(e, ALU64_IMM(BPF_AND, R1, TH_RST));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0, keep);
	emit(e, LDX(BPF_W, R1, R7, VAL(flags)));
	emit_jmp_imm(e, BPF_JSET, false, R1, CGEN_CT_SEEN_REPLY, keep);
	emit_ld_map(e, R1, (uint32_t)c->ct_map);
	emit(e, MOV64_REG(R2, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R2, key));
	emit(e, CALL_HELPER(BPF_FUNC_map_delete_elem));
	emit_ja(e, out);
	emit_bind(e, keep);
}

void cg_emit_ct_accept(struct cg *c)
{
	struct emit *e = &c->e;
	uint32_t out = emit_label(e), known = emit_label(e), orig = emit_label(e);
	uint32_t refresh = emit_label(e);

	if (c->ct_accept == UINT32_MAX)
		return;
	emit_bind(e, c->ct_accept);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(ctdir)));
	emit_jmp_imm(e, BPF_JEQ, false, R1, CG_CTDIR_UNTRACKED, out);
	emit_jmp_imm(e, BPF_JNE, false, R1, CG_CTDIR_NONE, known);

	/* a new connection: its first packet got through */
	emit(e, CALL_HELPER(BPF_FUNC_ktime_get_ns));
	emit(e, MOV64_REG(R_NOW, R0));
	emit(e, MOV64_IMM(R2, 0));
	emit_timeout(c);
	emit(e, ALU64_REG(BPF_ADD, R1, R_NOW));
	emit(e, STX(BPF_DW, R_FP, R1, STK_CTREV + VAL(expires)));
	emit(e, ST(BPF_DW, R_FP, STK_CTREV + VAL(flags), 0));
	emit_ld_map(e, R1, (uint32_t)c->ct_map);
	emit(e, MOV64_REG(R2, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R2, STK_CTKEY));
	emit(e, MOV64_REG(R3, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R3, STK_CTREV));
	emit(e, MOV64_IMM(R4, BPF_NOEXIST));
	emit(e, CALL_HELPER(BPF_FUNC_map_update_elem));
	emit_ja(e, out);

	/*
	 * A known one: looked up again rather than kept from before the rules,
	 * so that every path reaches the rules with the same stack (the
	 * verifier checks them once).  A reply marks it replied; either way it
	 * lives on.
	 */
	emit_bind(e, known);
	emit_jmp_imm(e, BPF_JEQ, false, R1, CG_CTDIR_ORIGINAL, orig);
	cg_emit_lookup(c, c->ct_map, STK_CTREV);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, out);
	emit(e, MOV64_REG(R7, R0));
	reset_forgets(c, STK_CTREV, out);
	emit(e, LDX(BPF_W, R2, R7, VAL(flags)));
	emit(e, ALU64_IMM(BPF_OR, R2, CGEN_CT_SEEN_REPLY));
	emit(e, STX(BPF_W, R7, R2, VAL(flags)));
	emit_ja(e, refresh);
	emit_bind(e, orig);
	cg_emit_lookup(c, c->ct_map, STK_CTKEY);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, out);
	emit(e, MOV64_REG(R7, R0));
	reset_forgets(c, STK_CTKEY, out);
	emit_bind(e, refresh);
	emit(e, CALL_HELPER(BPF_FUNC_ktime_get_ns));
	emit(e, MOV64_REG(R_NOW, R0));
	emit(e, MOV64_REG(R4, R7));		/* emit_timeout() leaves R4 alone */
	emit(e, LDX(BPF_W, R2, R4, VAL(flags)));
	emit(e, ALU64_IMM(BPF_AND, R2, CGEN_CT_SEEN_REPLY));
	emit_timeout(c);
	emit(e, ALU64_REG(BPF_ADD, R1, R_NOW));
	emit(e, STX(BPF_DW, R4, R1, VAL(expires)));
	emit_bind(e, out);
	emit(e, MOV64_IMM(R0, TC_ACT_UNSPEC));
	emit(e, EXIT_INSN());
}
