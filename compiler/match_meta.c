// SPDX-License-Identifier: GPL-2.0
/*
 * Matches on what the packet carries besides its IP headers, the same for
 * both families:
 *
 *  - mac: the Ethernet source address at the start of the frame (TC and
 *    XDP alike); on lo, which has no Ethernet header to the kernel
 *    (ARPHRD_LOOPBACK), never, inverted or not, as xt_mac;
 *  - mark: skb->mark (TC);
 *  - pkttype: skb->pkt_type (TC), with xt_pkttype's reading of a packet
 *    looped back to this host (multicast, or broadcast for IPv4 unless the
 *    destination is a multicast address);
 *  - owner: the skb's socket (TC egress): --socket-exists, and
 *    --uid-owner from bpf_get_socket_uid().  No helper gives a socket's
 *    group, so --gid-owner is refused.
 *
 * The raw table runs at XDP, before there is an skb: mark, pkttype and
 * owner are refused there (cg_meta_check()).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "cgen_internal.h"

#define SKB(f)		((int16_t)offsetof(struct __sk_buff, f))
#define XDP(f)		((int16_t)offsetof(struct xdp_md, f))
#define LOOPBACK_IFINDEX	1	/* lo's index in every network namespace */

/* R1 = 1 if it is 0, else 0, for a value below 2^63. */
static void is_zero(struct cg *c)
{
	emit(&c->e, ALU64_IMM(BPF_SUB, R1, 1));
	emit(&c->e, ALU64_IMM(BPF_RSH, R1, 63));
}

/* @miss |= 1: the match never holds here. */
static void never(struct cg *c, uint8_t miss)
{
	emit(&c->e, MOV64_IMM(R1, 1));
	emit(&c->e, ALU64_REG(BPF_OR, miss, R1));
}

/* R1 = 0 if the frame's source address is @m's, else non-zero; to @none without one. */
static void mac_differs(struct cg *c, const struct ir_match_mac *m, uint32_t none)
{
	struct emit *e = &c->e;
	bool xdp = c->kind == CGEN_PROG_XDP;
	uint32_t head;
	uint16_t tail;

	memcpy(&head, m->addr, sizeof(head));
	memcpy(&tail, m->addr + sizeof(head), sizeof(tail));
	emit(e, LDX(BPF_W, R1, R_CTX, xdp ? XDP(ingress_ifindex) : SKB(ifindex)));
	emit_jmp_imm(e, BPF_JEQ, false, R1, LOOPBACK_IFINDEX, none);
	emit(e, LDX(BPF_W, R2, R_CTX, xdp ? XDP(data) : SKB(data)));
	emit(e, LDX(BPF_W, R3, R_CTX, xdp ? XDP(data_end) : SKB(data_end)));
	cg_emit_need(c, R2, ETH_HLEN, none);
	emit(e, LDX(BPF_W, R1, R2, (int16_t)offsetof(struct ethhdr, h_source)));
	emit(e, ALU32_IMM(BPF_XOR, R1, (int32_t)head));
	emit(e, LDX(BPF_H, R4, R2, (int16_t)offsetof(struct ethhdr, h_source) + 4));
	emit(e, ALU32_IMM(BPF_XOR, R4, tail));
	emit(e, ALU64_REG(BPF_OR, R1, R4));
}

static void match_mac(struct cg *c, const struct ir_match_mac *m, uint8_t miss)
{
	struct emit *e = &c->e;
	uint32_t none = emit_label(e), done = emit_label(e);

	mac_differs(c, m, none);
	if (m->invert)
		is_zero(c);
	emit_ja(e, done);
	emit_bind(e, none);
	emit(e, MOV64_IMM(R1, 1));
	emit_bind(e, done);
	emit(e, ALU64_REG(BPF_OR, miss, R1));
}

static void match_mark(struct cg *c, const struct ir_match_mark *m, uint8_t miss)
{
	struct emit *e = &c->e;

	emit(e, LDX(BPF_W, R1, R_CTX, SKB(mark)));
	if (m->mask != UINT32_MAX)
		emit(e, ALU32_IMM(BPF_AND, R1, (int32_t)m->mask));
	emit(e, ALU32_IMM(BPF_XOR, R1, (int32_t)m->mark));
	if (m->invert)
		is_zero(c);
	emit(e, ALU64_REG(BPF_OR, miss, R1));
}

static void match_pkttype(struct cg *c, const struct ir_match_pkttype *m, uint8_t miss)
{
	struct emit *e = &c->e;
	uint32_t have = emit_label(e);

	emit(e, LDX(BPF_W, R1, R_CTX, SKB(pkt_type)));
	emit_jmp_imm(e, BPF_JNE, false, R1, PACKET_LOOPBACK, have);
	/* looped back: multicast, or (IPv4) broadcast unless sent to a group */
	emit(e, MOV64_IMM(R1, PACKET_MULTICAST));
	if (c->fam == IR_FAMILY_IPV4) {
		emit(e, LDX(BPF_B, R2, R_PKT, PI(daddr)));
		emit(e, ALU64_IMM(BPF_RSH, R2, 4));
		emit_jmp_imm(e, BPF_JEQ, false, R2, 0xe, have);
		emit(e, MOV64_IMM(R1, PACKET_BROADCAST));
	}
	emit_bind(e, have);
	emit(e, ALU32_IMM(BPF_XOR, R1, m->type));
	if (m->invert)
		is_zero(c);
	emit(e, ALU64_REG(BPF_OR, miss, R1));
}

/* R1 = 1 unless the socket's uid is within @ow's range (or, inverted, outside it). */
static void uid_test(struct cg *c, const struct ir_match_owner *ow)
{
	struct emit *e = &c->e;

	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, CALL_HELPER(BPF_FUNC_get_socket_uid));
	emit(e, MOV64_REG(R1, R0));
	emit_ld_imm64(e, R2, ow->uid_lo);
	emit(e, ALU64_REG(BPF_SUB, R1, R2));		/* negative below lo */
	emit_ld_imm64(e, R2, (uint64_t)ow->uid_hi - ow->uid_lo);
	emit(e, ALU64_REG(BPF_SUB, R2, R1));		/* negative above hi */
	emit(e, ALU64_IMM(BPF_RSH, R1, 63));
	emit(e, ALU64_IMM(BPF_RSH, R2, 63));
	emit(e, ALU64_REG(BPF_OR, R1, R2));		/* 1: outside */
	if (ow->invert & IR_OWNER_UID)
		emit(e, ALU64_IMM(BPF_XOR, R1, 1));
}

/* xt_owner's decisions, for a packet with a socket of this namespace or none. */
static void match_owner(struct cg *c, const struct ir_match_owner *ow, uint8_t miss)
{
	struct emit *e = &c->e;
	uint32_t nosock = emit_label(e), done = emit_label(e);

	emit(e, LDX(BPF_DW, R1, R_CTX, SKB(sk)));
	emit_jmp_imm(e, BPF_JEQ, false, R1, 0, nosock);
	if (ow->match & ow->invert & IR_OWNER_SOCKET)
		emit(e, MOV64_IMM(R1, 1));		/* ! --socket-exists */
	else if (ow->match & IR_OWNER_UID)
		uid_test(c, ow);
	else
		emit(e, MOV64_IMM(R1, 0));
	emit_ja(e, done);
	emit_bind(e, nosock);
	/* no socket: only a match whose every test is inverted holds */
	emit(e, MOV64_IMM(R1, (ow->match ^ ow->invert) ? 1 : 0));
	emit_bind(e, done);
	emit(e, ALU64_REG(BPF_OR, miss, R1));
}

void cg_emit_meta(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	/* no skb at XDP: refused before (cg_meta_check()), never matches here */
	if (c->kind == CGEN_PROG_XDP && m->kind != IR_MATCH_MAC) {
		never(c, miss);
		return;
	}
	switch (m->kind) {
	case IR_MATCH_MAC:
		match_mac(c, &m->mac, miss);
		break;
	case IR_MATCH_MARK:
		match_mark(c, &m->mark, miss);
		break;
	case IR_MATCH_PKTTYPE:
		match_pkttype(c, &m->pkttype, miss);
		break;
	case IR_MATCH_OWNER:
		match_owner(c, &m->owner, miss);
		break;
	default:
		break;
	}
}

/* The first rule of @t with a match of @kind, or NULL; its chain in *@ch. */
static const struct ir_rule *find_kind(const struct ir_table *t, enum ir_match_kind kind,
				       const struct ir_chain **ch)
{
	for (unsigned int i = 0; t && i < t->n_chains; i++) {
		for (unsigned int j = 0; j < t->chains[i]->n_rules; j++) {
			if (ir_rule_find_match(t->chains[i]->rules[j], kind)) {
				*ch = t->chains[i];
				return t->chains[i]->rules[j];
			}
		}
	}
	return NULL;
}

/* Whether a rule of @t tests a socket's group. */
static bool tests_gid(const struct ir_table *t)
{
	for (unsigned int i = 0; t && i < t->n_chains; i++)
		for (unsigned int j = 0; j < t->chains[i]->n_rules; j++) {
			const struct ir_rule *r = t->chains[i]->rules[j];

			for (unsigned int k = 0; k < r->n_matches; k++)
				if (r->matches[k].kind == IR_MATCH_OWNER &&
				    (r->matches[k].owner.match &
				     (IR_OWNER_GID | IR_OWNER_SUPPL_GROUPS)))
					return true;
		}
	return false;
}

int cg_meta_check(const struct ir_ruleset *rs, struct bpfw_err *err)
{
	static const struct { enum ir_match_kind kind; const char *name; } skb_only[] = {
		{ IR_MATCH_MARK, "mark" }, { IR_MATCH_PKTTYPE, "pkttype" },
		{ IR_MATCH_OWNER, "owner" },
	};

	for (int f = 0; f < IR_FAMILY_MAX; f++) {
		const struct ir_table *raw = rs->tables[f][IR_TABLE_RAW];
		const struct ir_chain *ch = NULL;

		for (unsigned int i = 0; i < sizeof(skb_only) / sizeof(skb_only[0]); i++)
			if (find_kind(raw, skb_only[i].kind, &ch))
				return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL,
						 "-m %s cannot be used in the raw table (chain %s): "
						 "bpfw runs it at XDP, before the packet has a "
						 "socket buffer", skb_only[i].name, ch->name);
		for (int id = 0; id < IR_TABLE_MAX; id++)
			if (tests_gid(rs->tables[f][id]))
				return bpfw_errf(err, BPFW_EXIT_PARAMETER, EOPNOTSUPP,
						 "-m owner --gid-owner cannot be compiled: no BPF "
						 "helper gives the group of a packet's socket");
	}
	return 0;
}
