// SPDX-License-Identifier: GPL-2.0
/*
 * Match emitters: one small function per kind.  Each emits tests on the
 * packet-info block and jumps to @fail when the packet does not match;
 * falling through means it does.  Inversion follows iptables: "!" inverts
 * the comparison, but a port, flag or ICMP match never matches a packet
 * whose transport header is absent (a later fragment), inverted or not.
 */
#include <string.h>

#include "cgen_internal.h"

#define ICMP_ANY_TYPE	0xff

/* One address with mask: (field & mask) == addr, inverted on request. */
static void match_addr(struct cg *c, int16_t field, const struct ir_addr *a, bool inv,
		       uint32_t fail)
{
	struct emit *e = &c->e;
	uint32_t mask, addr;

	memcpy(&mask, &a->mask.v4, sizeof(mask));
	memcpy(&addr, &a->addr.v4, sizeof(addr));
	if (!mask) {
		if (inv)
			emit_ja(e, fail);	/* "! 0.0.0.0/0" matches nothing */
		return;
	}
	emit(e, LDX(BPF_W, R1, R_PKT, field));
	if (mask != UINT32_MAX)
		emit(e, ALU32_IMM(BPF_AND, R1, (int32_t)mask));
	emit_jmp_imm(e, inv ? BPF_JEQ : BPF_JNE, true, R1, (int32_t)(addr & mask), fail);
}

/* A name as two NUL-padded words and the mask of the bytes that count. */
static void iface_words(const char *name, uint64_t val[2], uint64_t mask[2])
{
	unsigned char v[IFNAMSIZ] = { 0 }, m[IFNAMSIZ] = { 0 };
	size_t len = strnlen(name, IFNAMSIZ - 1);
	bool prefix = len && name[len - 1] == '+';

	if (prefix)
		len--;
	memcpy(v, name, len);
	/* an exact name also compares its terminating NUL */
	memset(m, 0xff, prefix ? len : (len + 1 < IFNAMSIZ ? len + 1 : IFNAMSIZ));
	memcpy(val, v, sizeof(v));
	memcpy(mask, m, sizeof(m));
}

static void match_iface(struct cg *c, int16_t field, const char *name, bool inv, uint32_t fail)
{
	struct emit *e = &c->e;
	uint64_t val[2], mask[2];
	uint32_t ok = emit_label(e);

	if (!name[0])
		return;
	iface_words(name, val, mask);
	if (!mask[0]) {			/* "+": any interface */
		if (inv)
			emit_ja(e, fail);
		return;
	}
	for (int w = 0; w < 2; w++) {
		if (!mask[w])
			continue;
		emit(e, LDX(BPF_DW, R1, R_PKT, field + w * 8));
		emit_ld_imm64(e, R2, mask[w]);
		emit(e, ALU64_REG(BPF_AND, R1, R2));
		emit_ld_imm64(e, R2, val[w]);
		emit_jmp_reg(e, BPF_JNE, R1, R2, inv ? ok : fail);
	}
	if (inv)
		emit_ja(e, fail);
	emit_bind(e, ok);
}

/* The transport header must be there, whatever the inversion. */
static void need_l4(struct cg *c, uint32_t fail)
{
	emit(&c->e, LDX(BPF_B, R1, R_PKT, PI(l4)));
	emit_jmp_imm(&c->e, BPF_JEQ, true, R1, 0, fail);
}

static void match_range(struct cg *c, int16_t field, bool half, const struct ir_port_range *r,
			bool inv, uint32_t fail)
{
	struct emit *e = &c->e;
	uint32_t in = emit_label(e), out = emit_label(e);

	if (!inv && r->lo == 0 && r->hi == UINT16_MAX)
		return;
	emit(e, LDX(half ? BPF_H : BPF_B, R1, R_PKT, field));
	if (r->lo == r->hi) {
		emit_jmp_imm(e, inv ? BPF_JEQ : BPF_JNE, true, R1, r->lo, fail);
		return;
	}
	emit_jmp_imm(e, BPF_JLT, true, R1, r->lo, inv ? out : fail);
	emit_jmp_imm(e, BPF_JGT, true, R1, r->hi, inv ? out : fail);
	if (inv)
		emit_ja(e, fail);
	emit_bind(e, in);
	emit_bind(e, out);
}

static void match_ports(struct cg *c, const struct ir_match_ports *p, bool tcp, uint32_t fail)
{
	struct emit *e = &c->e;

	need_l4(c, fail);
	match_range(c, PI(sport), true, &p->sport, p->invflags & IR_PORT_INV_SRC, fail);
	match_range(c, PI(dport), true, &p->dport, p->invflags & IR_PORT_INV_DST, fail);
	if (tcp && p->flags_mask) {
		bool inv = p->invflags & IR_TCP_INV_FLAGS;

		emit(e, LDX(BPF_B, R1, R_PKT, PI(tcpflags)));
		emit(e, ALU32_IMM(BPF_AND, R1, p->flags_mask));
		emit_jmp_imm(e, inv ? BPF_JEQ : BPF_JNE, true, R1, p->flags_cmp, fail);
	}
}

static void match_icmp(struct cg *c, const struct ir_match_icmp *m, uint32_t fail)
{
	struct emit *e = &c->e;
	uint32_t out = emit_label(e);
	struct ir_port_range codes = { m->code_lo, m->code_hi };

	need_l4(c, fail);
	if (m->type == ICMP_ANY_TYPE && m->code_lo == 0 && m->code_hi == UINT8_MAX) {
		if (m->invert)
			emit_ja(e, fail);
		return;
	}
	emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));
	emit_jmp_imm(e, BPF_JNE, true, R1, m->type, m->invert ? out : fail);
	if (m->invert) {
		/* matches when the type differs or the code is out of range */
		match_range(c, PI(icmp_code), false, &codes, true, fail);
		emit_bind(e, out);
		return;
	}
	if (codes.lo != 0 || codes.hi != UINT8_MAX)
		match_range(c, PI(icmp_code), false, &codes, false, fail);
	emit_bind(e, out);
}

bool cg_rule_uses_ifnames(const struct ir_rule *r)
{
	return r->ip.iif[0] || r->ip.oif[0];
}

void cg_emit_matches(struct cg *c, const struct ir_rule *r, uint32_t fail)
{
	const struct ir_ipspec *ip = &r->ip;
	struct emit *e = &c->e;

	match_addr(c, PI(saddr), &ip->src, ip->invflags & IR_INV_SRC, fail);
	match_addr(c, PI(daddr), &ip->dst, ip->invflags & IR_INV_DST, fail);
	match_iface(c, PI(iif), ip->iif, ip->invflags & IR_INV_IIF, fail);
	match_iface(c, PI(oif), ip->oif, ip->invflags & IR_INV_OIF, fail);
	if (ip->proto) {
		emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
		emit_jmp_imm(e, ip->invflags & IR_INV_PROTO ? BPF_JEQ : BPF_JNE, true, R1,
			     ip->proto, fail);
	}
	if (ip->frag) {
		emit(e, LDX(BPF_B, R1, R_PKT, PI(frag)));
		emit_jmp_imm(e, ip->invflags & IR_INV_FRAG ? BPF_JNE : BPF_JEQ, true, R1, 0, fail);
	}
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];

		switch (m->kind) {
		case IR_MATCH_TCP:
		case IR_MATCH_UDP:
			match_ports(c, &m->ports, m->kind == IR_MATCH_TCP, fail);
			break;
		case IR_MATCH_ICMP:
			match_icmp(c, &m->icmp, fail);
			break;
		case IR_MATCH_COMMENT:
		default:
			break;
		}
	}
}
