// SPDX-License-Identifier: GPL-2.0
/*
 * Match emitters: one small function per kind.  A rule's tests do not
 * branch: each one ORs a "mismatch" value into R_MISS, and the rule ends in
 * a single "if (R_MISS) goto fail".  One branch per rule keeps the
 * verifier's pending-branch stack flat however many rules a chain has
 * (several branches per rule leave one pending state per test behind).
 * Inversion follows iptables: "!" inverts the comparison, but a port, flag
 * or ICMP match never matches a packet whose transport header is absent (a
 * later fragment), inverted or not.
 */
#include <string.h>
#include <arpa/inet.h>

#include "cgen_internal.h"

#define R_MISS		R8	/* nonzero: the packet does not match this rule */
#define ICMP_ANY_TYPE	0xff

/* R_MISS |= @reg */
static void miss_if(struct cg *c, uint8_t reg)
{
	emit(&c->e, ALU64_REG(BPF_OR, R_MISS, reg));
}

/* @reg = (@reg == 0) for a value below 2^63: 1 or 0. */
static void is_zero(struct cg *c, uint8_t reg)
{
	emit(&c->e, ALU64_IMM(BPF_SUB, reg, 1));
	emit(&c->e, ALU64_IMM(BPF_RSH, reg, 63));
}

/* @reg = (@reg == 0) for any 64-bit value, using @tmp. */
static void is_zero64(struct cg *c, uint8_t reg, uint8_t tmp)
{
	emit(&c->e, MOV64_REG(tmp, reg));
	emit(&c->e, INSN(BPF_ALU64 | BPF_NEG, tmp, 0, 0, 0));
	emit(&c->e, ALU64_REG(BPF_OR, reg, tmp));
	emit(&c->e, ALU64_IMM(BPF_RSH, reg, 63));
	emit(&c->e, ALU64_IMM(BPF_XOR, reg, 1));
}

/* The packet's state (conntrack.c) is one of @ct's, or none of them when inverted. */
static void match_ctstate(struct cg *c, const struct ir_match_ctstate *ct)
{
	struct emit *e = &c->e;

	emit(e, LDX(BPF_B, R1, R_PKT, PI(ctstate)));
	emit(e, ALU64_IMM(BPF_AND, R1, ct->states));
	if (!ct->invert)
		is_zero(c, R1);
	miss_if(c, R1);
}

/* A field equal (after @mask) to @value, or not equal when @inv. */
static void test_eq(struct cg *c, uint8_t size, int16_t field, uint32_t mask, uint32_t value,
		    bool inv)
{
	struct emit *e = &c->e;

	emit(e, LDX(size, R1, R_PKT, field));
	if (mask != UINT32_MAX)
		emit(e, ALU32_IMM(BPF_AND, R1, (int32_t)mask));
	emit(e, ALU32_IMM(BPF_XOR, R1, (int32_t)value));
	if (inv)
		is_zero(c, R1);
	miss_if(c, R1);
}

/* R1 = 1 if the 16-bit field is outside [lo, hi], else 0 (uses R2). */
static void out_of_range(struct cg *c, uint8_t size, int16_t field, uint16_t lo, uint16_t hi)
{
	struct emit *e = &c->e;

	emit(e, LDX(size, R1, R_PKT, field));
	emit(e, ALU64_IMM(BPF_SUB, R1, lo));		/* negative below lo */
	emit(e, MOV64_IMM(R2, hi - lo));
	emit(e, ALU64_REG(BPF_SUB, R2, R1));		/* negative above hi */
	emit(e, ALU64_IMM(BPF_RSH, R1, 63));
	emit(e, ALU64_IMM(BPF_RSH, R2, 63));
	emit(e, ALU64_REG(BPF_OR, R1, R2));
}

/* The host-order address at @field within @lo..@hi (or not, @inv). */
static void match_addr_range(struct cg *c, int16_t field, uint32_t lo, uint32_t hi, bool inv)
{
	struct emit *e = &c->e;

	emit(e, LDX(BPF_W, R1, R_PKT, field));
	emit(e, ENDIAN_BE(R1, 32));
	emit_ld_imm64(e, R3, lo);
	emit(e, ALU64_REG(BPF_SUB, R1, R3));		/* negative below lo */
	emit_ld_imm64(e, R2, (uint64_t)hi - lo);	/* a reversed range: negative, never */
	emit(e, ALU64_REG(BPF_SUB, R2, R1));		/* negative above hi */
	emit(e, ALU64_IMM(BPF_RSH, R1, 63));
	emit(e, ALU64_IMM(BPF_RSH, R2, 63));
	emit(e, ALU64_REG(BPF_OR, R1, R2));
	if (inv)
		emit(e, ALU64_IMM(BPF_XOR, R1, 1));
	miss_if(c, R1);
}

/*
 * The IPv6 address at @field within @lo..@hi (or not, @inv): a word by word
 * comparison, most significant first, that ends in one mismatch value.
 */
static void match_addr6_range(struct cg *c, int16_t field, const struct in6_addr *lo,
			      const struct in6_addr *hi, bool inv)
{
	struct emit *e = &c->e;
	uint32_t upper = emit_label(e), in = emit_label(e), out = emit_label(e);
	uint32_t done = emit_label(e);
	uint32_t l[4], h[4];

	memcpy(l, lo, sizeof(l));
	memcpy(h, hi, sizeof(h));
	for (int16_t w = 0; w < 4; w++) {		/* below @lo: out */
		emit(e, LDX(BPF_W, R1, R_PKT, field + 4 * w));
		emit(e, ENDIAN_BE(R1, 32));
		emit_ld_imm64(e, R2, ntohl(l[w]));
		emit_jmp_reg(e, BPF_JLT, R1, R2, out);
		emit_jmp_reg(e, BPF_JGT, R1, R2, upper);
	}
	emit_bind(e, upper);
	for (int16_t w = 0; w < 4; w++) {		/* above @hi: out */
		emit(e, LDX(BPF_W, R1, R_PKT, field + 4 * w));
		emit(e, ENDIAN_BE(R1, 32));
		emit_ld_imm64(e, R2, ntohl(h[w]));
		emit_jmp_reg(e, BPF_JGT, R1, R2, out);
		emit_jmp_reg(e, BPF_JLT, R1, R2, in);
	}
	emit_bind(e, in);
	emit(e, MOV64_IMM(R1, inv ? 1 : 0));
	emit_ja(e, done);
	emit_bind(e, out);
	emit(e, MOV64_IMM(R1, inv ? 0 : 1));
	emit_bind(e, done);
	miss_if(c, R1);
}

static void match_iprange(struct cg *c, const struct ir_match_iprange *r)
{
	if (c->fam == IR_FAMILY_IPV6) {
		if (r->src)
			match_addr6_range(c, PI(saddr6), &r->src6_lo, &r->src6_hi, r->inv_src);
		if (r->dst)
			match_addr6_range(c, PI(daddr6), &r->dst6_lo, &r->dst6_hi, r->inv_dst);
		return;
	}
	if (r->src)
		match_addr_range(c, PI(saddr), r->src_lo, r->src_hi, r->inv_src);
	if (r->dst)
		match_addr_range(c, PI(daddr), r->dst_lo, r->dst_hi, r->inv_dst);
}

static void match_length(struct cg *c, const struct ir_match_length *l)
{
	if (l->lo > l->hi) {	/* never, or always when inverted */
		if (!l->invert) {
			emit(&c->e, MOV64_IMM(R1, 1));
			miss_if(c, R1);
		}
		return;
	}
	out_of_range(c, BPF_W, PI(len), l->lo, l->hi);
	if (l->invert)
		emit(&c->e, ALU64_IMM(BPF_XOR, R1, 1));
	miss_if(c, R1);
}

static void match_ttl(struct cg *c, const struct ir_match_ttl *t)
{
	struct emit *e = &c->e;

	if (t->mode == IR_TTL_EQ || t->mode == IR_TTL_NE) {
		test_eq(c, BPF_B, PI(ttl), UINT32_MAX, t->value, t->mode == IR_TTL_NE);
		return;
	}
	emit(e, LDX(BPF_B, R1, R_PKT, PI(ttl)));
	if (t->mode == IR_TTL_LT) {			/* miss: ttl - v >= 0 */
		emit(e, ALU64_IMM(BPF_SUB, R1, t->value));
	} else {					/* miss: v - ttl >= 0 */
		emit(e, MOV64_IMM(R2, t->value));
		emit(e, ALU64_REG(BPF_SUB, R2, R1));
		emit(e, MOV64_REG(R1, R2));
	}
	emit(e, ALU64_IMM(BPF_RSH, R1, 63));
	emit(e, ALU64_IMM(BPF_XOR, R1, 1));
	miss_if(c, R1);
}

static void test_range(struct cg *c, uint8_t size, int16_t field, const struct ir_port_range *r,
		       bool inv)
{
	if (!inv && r->lo == 0 && r->hi == UINT16_MAX)
		return;
	if (r->lo == r->hi) {
		test_eq(c, size, field, UINT32_MAX, r->lo, inv);
		return;
	}
	out_of_range(c, size, field, r->lo, r->hi);
	if (inv)
		emit(&c->e, ALU64_IMM(BPF_XOR, R1, 1));
	miss_if(c, R1);
}

/* The IPv6 address at @field under @a's mask equal to @a's (or not, @inv). */
static void match_addr6(struct cg *c, int16_t field, const struct ir_addr *a, bool inv,
			uint32_t fail)
{
	struct emit *e = &c->e;
	uint32_t mask[4], addr[4];
	bool any = true;

	memcpy(mask, &a->mask.v6, sizeof(mask));
	memcpy(addr, &a->addr.v6, sizeof(addr));
	for (int w = 0; w < 4; w++)
		any = any && !mask[w];
	if (any) {
		if (inv)
			emit_ja(e, fail);	/* "! ::/0" matches nothing */
		return;
	}
	emit(e, MOV64_IMM(R3, 0));	/* R3: the differing bits */
	for (int16_t w = 0; w < 4; w++) {
		if (!mask[w])
			continue;
		emit(e, LDX(BPF_W, R1, R_PKT, field + 4 * w));
		if (mask[w] != UINT32_MAX)
			emit(e, ALU32_IMM(BPF_AND, R1, (int32_t)mask[w]));
		emit(e, ALU32_IMM(BPF_XOR, R1, (int32_t)(addr[w] & mask[w])));
		emit(e, ALU64_REG(BPF_OR, R3, R1));
	}
	if (inv)
		is_zero(c, R3);
	miss_if(c, R3);
}

static void match_addr(struct cg *c, int16_t field, const struct ir_addr *a, bool inv,
		       uint32_t fail)
{
	uint32_t mask, addr;

	if (c->fam == IR_FAMILY_IPV6) {
		match_addr6(c, field == PI(saddr) ? PI(saddr6) : PI(daddr6), a, inv, fail);
		return;
	}
	memcpy(&mask, &a->mask.v4, sizeof(mask));
	memcpy(&addr, &a->addr.v4, sizeof(addr));
	if (!mask) {
		if (inv)
			emit_ja(&c->e, fail);	/* "! 0.0.0.0/0" matches nothing */
		return;
	}
	test_eq(c, BPF_W, field, mask, addr & mask, inv);
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

	if (!name[0])
		return;
	iface_words(name, val, mask);
	if (!mask[0]) {			/* "+": any interface */
		if (inv)
			emit_ja(e, fail);
		return;
	}
	emit(e, MOV64_IMM(R3, 0));	/* R3: the differing bits of the name */
	for (int w = 0; w < 2; w++) {
		if (!mask[w])
			continue;
		emit(e, LDX(BPF_DW, R1, R_PKT, field + w * 8));
		emit_ld_imm64(e, R2, mask[w]);
		emit(e, ALU64_REG(BPF_AND, R1, R2));
		emit_ld_imm64(e, R2, val[w]);
		emit(e, ALU64_REG(BPF_XOR, R1, R2));
		emit(e, ALU64_REG(BPF_OR, R3, R1));
	}
	if (inv)
		is_zero64(c, R3, R2);
	miss_if(c, R3);
}

/* The transport header must be there, whatever the inversion. */
static void need_l4(struct cg *c)
{
	emit(&c->e, LDX(BPF_B, R1, R_PKT, PI(l4)));
	emit(&c->e, ALU64_IMM(BPF_XOR, R1, 1));
	miss_if(c, R1);
}

static void match_ports(struct cg *c, const struct ir_match_ports *p, bool tcp)
{
	need_l4(c);
	test_range(c, BPF_H, PI(sport), &p->sport, p->invflags & IR_PORT_INV_SRC);
	test_range(c, BPF_H, PI(dport), &p->dport, p->invflags & IR_PORT_INV_DST);
	if (tcp && p->flags_mask)
		test_eq(c, BPF_B, PI(tcpflags), p->flags_mask, p->flags_cmp,
			p->invflags & IR_TCP_INV_FLAGS);
}

static void match_icmp(struct cg *c, const struct ir_match_icmp *m, uint32_t fail)
{
	struct emit *e = &c->e;
	bool any_code = m->code_lo == 0 && m->code_hi == UINT8_MAX;

	need_l4(c);
	if (m->type == ICMP_ANY_TYPE && any_code) {
		if (m->invert)
			emit_ja(e, fail);
		return;
	}
	if (!m->invert) {
		test_eq(c, BPF_B, PI(icmp_type), UINT32_MAX, m->type, false);
		if (!any_code) {
			out_of_range(c, BPF_B, PI(icmp_code), m->code_lo, m->code_hi);
			miss_if(c, R1);
		}
		return;
	}
	/* inverted: a mismatch is this type with a code in the range */
	emit(e, LDX(BPF_B, R4, R_PKT, PI(icmp_type)));
	emit(e, ALU32_IMM(BPF_XOR, R4, m->type));
	is_zero(c, R4);
	if (!any_code) {
		out_of_range(c, BPF_B, PI(icmp_code), m->code_lo, m->code_hi);
		emit(e, ALU64_IMM(BPF_XOR, R1, 1));
		emit(e, ALU64_REG(BPF_AND, R4, R1));
	}
	miss_if(c, R4);
}

/* -m rt: a routing header with the type, segments left and length given. */
static void match_rt(struct cg *c, const struct ir_match_rt *rt)
{
	struct emit *e = &c->e;
	struct ir_port_range segs = {
		.lo = rt->segs_lo > UINT8_MAX ? UINT8_MAX : (uint16_t)rt->segs_lo,
		.hi = rt->segs_hi > UINT8_MAX ? UINT8_MAX : (uint16_t)rt->segs_hi,
	};

	/* no routing header, no match, inverted or not */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(rt)));
	emit(e, ALU64_IMM(BPF_XOR, R1, 1));
	miss_if(c, R1);
	if (rt->flags & IR_RT_TYPE)
		test_eq(c, BPF_B, PI(rt_type), UINT32_MAX, rt->type, rt->invflags & IR_RT_TYPE);
	if (rt->flags & IR_RT_SEGS) {
		if (rt->segs_lo > UINT8_MAX || rt->segs_lo > rt->segs_hi) {
			if (!(rt->invflags & IR_RT_SEGS)) {
				emit(e, MOV64_IMM(R1, 1));	/* out of a byte's reach */
				miss_if(c, R1);
			}
		} else {
			test_range(c, BPF_B, PI(rt_segs), &segs, rt->invflags & IR_RT_SEGS);
		}
	}
	if (rt->flags & IR_RT_LEN)
		test_eq(c, BPF_B, PI(rt_len), UINT32_MAX, rt->len, rt->invflags & IR_RT_LEN);
}

bool cg_rule_uses_ifnames(const struct ir_rule *r)
{
	/* a log line names the interfaces */
	return r->ip.iif[0] || r->ip.oif[0] || r->target.kind == IR_TARGET_LOG ||
	       cg_rule_uses_lookup_key(r, IR_KEY_IIFNAME) ||
	       cg_rule_uses_lookup_key(r, IR_KEY_OIFNAME);
}

void cg_emit_matches(struct cg *c, const struct ir_rule *r, uint32_t fail)
{
	const struct ir_ipspec *ip = &r->ip;
	struct emit *e = &c->e;
	uint32_t start = e->prog->n_insns, tests;

	emit(e, MOV64_IMM(R_MISS, 0));
	tests = e->prog->n_insns;
	match_addr(c, PI(saddr), &ip->src, ip->invflags & IR_INV_SRC, fail);
	match_addr(c, PI(daddr), &ip->dst, ip->invflags & IR_INV_DST, fail);
	match_iface(c, PI(iif), ip->iif, ip->invflags & IR_INV_IIF, fail);
	match_iface(c, PI(oif), ip->oif, ip->invflags & IR_INV_OIF, fail);
	if (ip->proto)
		test_eq(c, BPF_B, PI(proto), UINT32_MAX, ip->proto, ip->invflags & IR_INV_PROTO);
	if (ip->frag) {
		/* -f: a later fragment; "! -f": anything else */
		emit(e, LDX(BPF_B, R1, R_PKT, PI(frag)));
		if (!(ip->invflags & IR_INV_FRAG))
			emit(e, ALU64_IMM(BPF_XOR, R1, 1));
		miss_if(c, R1);
	}
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];

		switch (m->kind) {
		case IR_MATCH_TCP:
		case IR_MATCH_UDP:
			match_ports(c, &m->ports, m->kind == IR_MATCH_TCP);
			break;
		case IR_MATCH_ICMP:
		case IR_MATCH_ICMP6:
			match_icmp(c, &m->icmp, fail);
			break;
		case IR_MATCH_HL:
			match_ttl(c, &m->ttl);
			break;
		case IR_MATCH_RT:
			match_rt(c, &m->rt);
			break;
		case IR_MATCH_CONNTRACK:
		case IR_MATCH_STATE:
			match_ctstate(c, &m->ct);
			break;
		case IR_MATCH_MULTIPORT:
			cg_emit_multiport(c, m, R_MISS);
			break;
		case IR_MATCH_LIMIT:
			cg_emit_limit(c, m, R_MISS);
			break;
		case IR_MATCH_ADDRTYPE:
			cg_emit_addrtype(c, m, R_MISS);
			break;
		case IR_MATCH_IPRANGE:
			match_iprange(c, &m->iprange);
			break;
		case IR_MATCH_LENGTH:
			match_length(c, &m->length);
			break;
		case IR_MATCH_TTL:
			match_ttl(c, &m->ttl);
			break;
		case IR_MATCH_RECENT:
			cg_emit_recent(c, m, R_MISS);
			break;
		case IR_MATCH_MAC:
		case IR_MATCH_MARK:
		case IR_MATCH_PKTTYPE:
		case IR_MATCH_OWNER:
			cg_emit_meta(c, m, R_MISS);
			break;
		case IR_MATCH_SET:
			cg_emit_set(c, m, R_MISS);
			break;
		case IR_MATCH_LOOKUP:
			cg_emit_lookup_match(c, m, R_MISS);
			break;
		case IR_MATCH_COMMENT:
		default:
			break;
		}
	}
	if (e->prog->n_insns == tests && !e->dead) {
		e->prog->n_insns = start;	/* no test: the rule matches every packet */
		return;
	}
	emit_jmp_imm(e, BPF_JNE, false, R_MISS, 0, fail);
}
