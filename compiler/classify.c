// SPDX-License-Identifier: GPL-2.0
/*
 * Classification: a run of rules of mixed shapes (prefixes of any length,
 * port ranges, inversions, either target) is decided by bit-vector
 * intersection instead of rule after rule.
 *
 * Every field the rules compare maps the packet's value to a bit vector
 * with one bit per rule of the run, set when that rule's condition on the
 * field holds:
 *   - source and destination address: an LPM trie of every prefix the run
 *     names (and /0); the longest prefix that holds the address stands for
 *     all addresses whose rules are the same, and its value is the vector;
 *   - protocol: an array indexed by protocol and "transport header read";
 *   - source and destination port: an array of 65,536 port classes (the
 *     elementary intervals between the run's range ends), each class a
 *     vector.
 * The packet's five vectors are and-ed word by word, the addresses first
 * (a word whose rules all name other addresses is done after two loads); the
 * lowest bit of the first word that is not zero is the first rule that
 * matches, exactly as a walk through the rules would find it.  Its counter slot and verdict come
 * from one more array.  The cost is five lookups and one pass over
 * run / 64 words, whatever the shapes of the rules.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen_internal.h"

#define CLS_MIN_RUN	32	/* shorter runs are cheaper as compares */
#define CLS_MAX_RUN	4096	/* rules per run: 64 words of vector */
#define PORTS		65536
#define PROTO_KEYS	512	/* protocol + 256 * "transport header read" */

/* One rule of a run, reduced to what classification compares. */
struct cls_rule {
	uint32_t saddr, smask, daddr, dmask;	/* host order; mask 0 = any */
	bool sinv, dinv;
	uint8_t proto;				/* 0 = any */
	bool pinv;
	bool needs_l4;				/* a tcp or udp match: no later fragments */
	bool has_sport, has_dport;
	bool spinv, dpinv;
	uint16_t slo, shi, dlo, dhi;
};

struct cls_lpm_key {
	uint32_t prefixlen;
	uint32_t addr;		/* network order */
};

/* The two port classes of one port: source and destination vector indexes. */
struct cls_port {
	uint32_t sclass, dclass;
};

static bool contiguous(uint32_t m)
{
	int n = __builtin_popcount(m);

	return m == (n ? ~0u << (32 - n) : 0);
}

/* @r reduced to @out; false if classification cannot decide it. */
static bool cls_reduce(const struct ir_rule *r, struct cls_rule *out)
{
	const struct ir_ipspec *ip = &r->ip;

	memset(out, 0, sizeof(*out));
	if (r->target.kind != IR_TARGET_ACCEPT && r->target.kind != IR_TARGET_DROP)
		return false;
	if (ip->iif[0] || ip->oif[0] || ip->frag || r->nfproto || r->nft & IR_NFT_LOG ||
	    (ip->invflags & ~(IR_INV_SRC | IR_INV_DST | IR_INV_PROTO)))
		return false;
	out->saddr = ntohl(ip->src.addr.v4.s_addr);
	out->smask = ntohl(ip->src.mask.v4.s_addr);
	out->daddr = ntohl(ip->dst.addr.v4.s_addr);
	out->dmask = ntohl(ip->dst.mask.v4.s_addr);
	if (!contiguous(out->smask) || !contiguous(out->dmask))
		return false;
	out->saddr &= out->smask;
	out->daddr &= out->dmask;
	out->sinv = ip->invflags & IR_INV_SRC;
	out->dinv = ip->invflags & IR_INV_DST;
	out->proto = ip->proto;
	out->pinv = ip->invflags & IR_INV_PROTO;
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];
		const struct ir_match_ports *p = &m->ports;

		if (m->kind == IR_MATCH_COMMENT)
			continue;
		if ((m->kind != IR_MATCH_TCP && m->kind != IR_MATCH_UDP) || p->flags_mask ||
		    (p->invflags & IR_TCP_INV_FLAGS) || out->pinv || out->needs_l4)
			return false;
		out->needs_l4 = true;
		out->spinv = p->invflags & IR_PORT_INV_SRC;
		out->dpinv = p->invflags & IR_PORT_INV_DST;
		out->has_sport = out->spinv || p->sport.lo != 0 || p->sport.hi != UINT16_MAX;
		out->has_dport = out->dpinv || p->dport.lo != 0 || p->dport.hi != UINT16_MAX;
		out->slo = p->sport.lo;
		out->shi = p->sport.hi;
		out->dlo = p->dport.lo;
		out->dhi = p->dport.hi;
	}
	return true;
}

unsigned int cg_classify_run(const struct ir_chain *ch, unsigned int start)
{
	struct cls_rule cr;
	unsigned int n = 0;

	while (start + n < ch->n_rules && n < CLS_MAX_RUN && cls_reduce(ch->rules[start + n], &cr))
		n++;
	return n >= CLS_MIN_RUN ? n : 0;
}

/* ---------------------------------------------------------------- vectors */

struct vecs {
	uint64_t *v;		/* n * words */
	unsigned int n, words;
};

static int vecs_alloc(struct vecs *vs, unsigned int n, unsigned int words)
{
	vs->v = calloc((size_t)(n ? n : 1) * words, sizeof(uint64_t));
	vs->n = n;
	vs->words = words;
	return vs->v ? 0 : -ENOMEM;
}

static void vec_set(struct vecs *vs, unsigned int i, unsigned int bit)
{
	vs->v[(size_t)i * vs->words + bit / 64] |= 1ull << (bit % 64);
}

struct prefix {
	uint32_t addr;
	int len;
};

static int by_prefix(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;

	if (x->len != y->len)
		return x->len - y->len;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The LPM trie of one address field: every prefix the run names, and /0. */
static int addr_map(const struct cls_rule *rs, unsigned int n, unsigned int words, bool src,
		    struct cgen_map *m)
{
	struct prefix *p = calloc(n + 1, sizeof(*p));
	unsigned int np = 0, used = 0;
	struct cls_lpm_key *keys;
	struct vecs vs;

	if (!p)
		return -ENOMEM;
	p[np++] = (struct prefix){ 0, 0 };
	for (unsigned int k = 0; k < n; k++) {
		uint32_t mask = src ? rs[k].smask : rs[k].dmask;

		if (mask)
			p[np++] = (struct prefix){ src ? rs[k].saddr : rs[k].daddr,
						   __builtin_popcount(mask) };
	}
	qsort(p, np, sizeof(*p), by_prefix);
	for (unsigned int i = 0; i < np; i++)
		if (!used || by_prefix(&p[used - 1], &p[i]))
			p[used++] = p[i];
	keys = calloc(used, sizeof(*keys));
	if (!keys || vecs_alloc(&vs, used, words)) {
		free(keys);
		free(p);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < used; i++) {
		keys[i].prefixlen = (uint32_t)p[i].len;
		keys[i].addr = htonl(p[i].addr);
		for (unsigned int k = 0; k < n; k++) {
			uint32_t mask = src ? rs[k].smask : rs[k].dmask;
			uint32_t addr = src ? rs[k].saddr : rs[k].daddr;
			bool inv = src ? rs[k].sinv : rs[k].dinv;
			bool holds = __builtin_popcount(mask) <= p[i].len &&
				     (p[i].addr & mask) == addr;

			if (!mask || holds != inv)
				vec_set(&vs, i, k);
		}
	}
	free(p);
	m->type = BPF_MAP_TYPE_LPM_TRIE;
	m->flags = BPF_F_NO_PREALLOC;
	m->key_size = sizeof(*keys);
	m->value_size = words * sizeof(uint64_t);
	m->max_entries = used;
	m->n_entries = used;
	m->keys = keys;
	m->values = vs.v;
	return 0;
}

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The starts of the elementary port intervals of one field; their count. */
static unsigned int port_bounds(const struct cls_rule *rs, unsigned int n, bool src,
				uint32_t *b)
{
	unsigned int nb = 0, used = 0;

	b[nb++] = 0;
	for (unsigned int k = 0; k < n; k++) {
		if (!(src ? rs[k].has_sport : rs[k].has_dport))
			continue;
		b[nb++] = src ? rs[k].slo : rs[k].dlo;
		b[nb++] = (uint32_t)(src ? rs[k].shi : rs[k].dhi) + 1;
	}
	qsort(b, nb, sizeof(*b), by_u32);
	for (unsigned int i = 0; i < nb; i++)
		if ((!used || b[used - 1] != b[i]) && b[i] < PORTS)
			b[used++] = b[i];
	return used;
}

/*
 * The vector array (protocol keys, then source port classes, then
 * destination port classes) and the port-to-class array.
 */
static int port_maps(const struct cls_rule *rs, unsigned int n, unsigned int words,
		     struct cgen_map *vm, struct cgen_map *pm)
{
	uint32_t *sb = calloc(2 * n + 1, sizeof(*sb)), *db = calloc(2 * n + 1, sizeof(*db));
	struct cls_port *ports = calloc(PORTS, sizeof(*ports));
	unsigned int ns = 0, nd = 0, total;
	uint32_t *keys = NULL;
	struct vecs vs = { 0 };
	int ret = -ENOMEM;

	if (!sb || !db || !ports)
		goto out;
	ns = port_bounds(rs, n, true, sb);
	nd = port_bounds(rs, n, false, db);
	total = PROTO_KEYS + ns + nd;
	keys = calloc(total, sizeof(*keys));
	if (!keys || vecs_alloc(&vs, total, words))
		goto out;
	for (unsigned int i = 0; i < total; i++)
		keys[i] = i;
	for (unsigned int key = 0; key < PROTO_KEYS; key++) {
		unsigned int proto = key % 256;
		bool l4 = key / 256;

		for (unsigned int k = 0; k < n; k++) {
			bool pm_ok = !rs[k].proto || ((proto == rs[k].proto) != rs[k].pinv);

			if (pm_ok && (l4 || !rs[k].needs_l4))
				vec_set(&vs, key, k);
		}
	}
	for (unsigned int i = 0; i < ns + nd; i++) {
		bool src = i < ns;
		unsigned int c = src ? i : i - ns;
		uint32_t lo = src ? sb[c] : db[c];
		uint32_t hi = (c + 1 < (src ? ns : nd) ? (src ? sb[c + 1] : db[c + 1]) : PORTS) - 1;

		for (unsigned int k = 0; k < n; k++) {
			bool has = src ? rs[k].has_sport : rs[k].has_dport;
			bool inv = src ? rs[k].spinv : rs[k].dpinv;
			uint32_t rlo = src ? rs[k].slo : rs[k].dlo, rhi = src ? rs[k].shi : rs[k].dhi;
			bool inside = rlo <= lo && hi <= rhi;

			if (!has || inside != inv)
				vec_set(&vs, PROTO_KEYS + i, k);
		}
		for (uint32_t port = lo; port <= hi; port++) {
			if (src)
				ports[port].sclass = PROTO_KEYS + i;
			else
				ports[port].dclass = PROTO_KEYS + i;
		}
	}
	vm->type = BPF_MAP_TYPE_ARRAY;
	vm->key_size = sizeof(uint32_t);
	vm->value_size = words * sizeof(uint64_t);
	vm->max_entries = total;
	vm->n_entries = total;
	vm->keys = keys;
	vm->values = vs.v;
	keys = NULL;
	vs.v = NULL;
	pm->type = BPF_MAP_TYPE_ARRAY;
	pm->key_size = sizeof(uint32_t);
	pm->value_size = sizeof(struct cls_port);
	pm->max_entries = PORTS;
	pm->n_entries = PORTS;
	pm->keys = calloc(PORTS, sizeof(uint32_t));
	pm->values = ports;
	ports = NULL;
	if (!pm->keys)
		goto out;
	for (uint32_t i = 0; i < PORTS; i++)
		((uint32_t *)pm->keys)[i] = i;
	ret = 0;
out:
	free(sb);
	free(db);
	free(ports);
	free(keys);
	free(vs.v);
	return ret;
}

/* The run's rules in order: counter slot and verdict. */
static int rule_map(const struct ir_chain *ch, unsigned int start, unsigned int n,
		    struct cgen_map *m)
{
	uint32_t *keys = calloc(n, sizeof(*keys));
	struct cg_rule_value *vals = calloc(n, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (unsigned int k = 0; k < n; k++) {
		keys[k] = k;
		vals[k] = cg_rule_value_of(ch->rules[start + k]);
	}
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = sizeof(uint32_t);
	m->value_size = sizeof(struct cg_rule_value);
	m->max_entries = n;
	m->n_entries = n;
	m->keys = keys;
	m->values = vals;
	return 0;
}

/* ------------------------------------------------------------------- code */

enum { M_SRC, M_DST, M_VEC, M_PORT, M_RULE, M_COUNT };

/* The vector of one address field: its pointer to the stack slot @slot (@key: lookup key). */
static void emit_addr_vector(struct cg *c, int map, int16_t field, int16_t key, int16_t slot,
			     uint32_t miss)
{
	struct emit *e = &c->e;

	emit(e, ST(BPF_W, R_FP, key + (int16_t)offsetof(struct cls_lpm_key, prefixlen), 32));
	emit(e, LDX(BPF_W, R1, R_PKT, field));
	emit(e, STX(BPF_W, R_FP, R1, key + (int16_t)offsetof(struct cls_lpm_key, addr)));
	cg_emit_lookup(c, map, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, miss);
	emit(e, STX(BPF_DW, R_FP, R0, slot));
}

/* The vector at the index in R1 of the vector array, to the stack slot @slot. */
static void emit_vector(struct cg *c, int map, int16_t key, int16_t slot, uint32_t miss)
{
	struct emit *e = &c->e;

	emit(e, STX(BPF_W, R_FP, R1, key));
	cg_emit_lookup(c, map, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, miss);
	emit(e, STX(BPF_DW, R_FP, R0, slot));
}

/* The class of the port in packet field @field, then its vector, to the stack slot @slot. */
static void emit_port_vector(struct cg *c, const int *maps, int16_t field, int16_t class_off,
			     int16_t key, int16_t slot, uint32_t miss)
{
	struct emit *e = &c->e;

	emit(e, LDX(BPF_H, R1, R_PKT, field));
	emit(e, STX(BPF_W, R_FP, R1, key));
	cg_emit_lookup(c, maps[M_PORT], key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, miss);
	emit(e, LDX(BPF_W, R1, R0, class_off));
	emit_vector(c, maps[M_VEC], key, slot, miss);
}

/* R4 = the index of the single bit set in R1 (R1, R2 clobbered). */
static void emit_bit_index(struct cg *c)
{
	struct emit *e = &c->e;

	emit(e, MOV64_IMM(R4, 0));
	for (int shift = 32; shift; shift /= 2) {
		uint32_t low = emit_label(e);

		emit(e, MOV64_REG(R2, R1));
		emit(e, ALU64_IMM(BPF_RSH, R2, shift));
		emit_jmp_imm(e, BPF_JEQ, false, R2, 0, low);
		emit(e, ALU64_IMM(BPF_ADD, R4, shift));
		emit(e, MOV64_REG(R1, R2));
		emit_bind(e, low);
	}
}

static void emit_run(struct cg *c, const int *maps, unsigned int words, bool sub)
{
	struct emit *e = &c->e;
	uint32_t miss = emit_label(e), found = emit_label(e);
	int16_t key = sub ? STK_SUB_FOLD : STK_FOLD, vec[5];

	for (int i = 0; i < 5; i++)
		vec[i] = (sub ? STK_SUB_CLS : STK_CLS) + (int16_t)(8 * i);
	emit(e, MOV64_IMM(R0, 0));
	emit(e, STX(BPF_DW, R_FP, R0, key));
	emit(e, STX(BPF_DW, R_FP, R0, key + 8));
	emit_addr_vector(c, maps[M_SRC], PI(saddr), key, vec[0], miss);
	emit_addr_vector(c, maps[M_DST], PI(daddr), key, vec[1], miss);
	/* protocol, and whether the transport header was read */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
	emit(e, ALU64_IMM(BPF_LSH, R1, 8));
	emit(e, LDX(BPF_B, R2, R_PKT, PI(proto)));
	emit(e, ALU64_REG(BPF_OR, R1, R2));
	emit_vector(c, maps[M_VEC], key, vec[2], miss);
	emit_port_vector(c, maps, PI(sport), offsetof(struct cls_port, sclass), key, vec[3], miss);
	emit_port_vector(c, maps, PI(dport), offsetof(struct cls_port, dclass), key, vec[4], miss);

	/* and the five, word by word; the first word not zero has the rule */
	for (int i = 0; i < 5; i++)
		emit(e, LDX(BPF_DW, R1 + i, R_FP, vec[i]));
	for (unsigned int w = 0; w < words; w++) {
		int16_t off = (int16_t)(w * sizeof(uint64_t));
		uint32_t next = emit_label(e);

		emit(e, LDX(BPF_DW, R0, R1, off));
		for (int i = 1; i < 5; i++) {
			emit(e, LDX(BPF_DW, R7, R1 + i, off));
			emit(e, ALU64_REG(BPF_AND, R0, R7));
			/* addresses first: most words end here */
			if (i == 1 || i == 4)
				emit_jmp_imm(e, BPF_JEQ, false, R0, 0, next);
		}
		emit(e, MOV64_IMM(R8, (int32_t)(w * 64)));
		emit_ja(e, found);
		emit_bind(e, next);
	}
	emit_ja(e, miss);

	/* the rule: 64 * word + the lowest bit set */
	emit_bind(e, found);
	emit(e, MOV64_REG(R1, R0));
	emit(e, ALU64_IMM(BPF_NEG, R1, 0));
	emit(e, ALU64_REG(BPF_AND, R1, R0));
	emit_bit_index(c);
	emit(e, ALU64_REG(BPF_ADD, R8, R4));
	/* not a constant to the verifier, so the paths here share one check */
	emit(e, LDX(BPF_H, R2, R_PKT, PI(opaque_zero)));
	emit(e, ALU64_REG(BPF_OR, R8, R2));
	emit(e, STX(BPF_W, R_FP, R8, key));
	cg_emit_lookup(c, maps[M_RULE], key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, miss);
	cg_emit_rule_value(c, sub);
	emit_bind(e, miss);
}

void cg_emit_classify(struct cg *c, const struct ir_chain *ch, unsigned int start, unsigned int n,
		      bool sub)
{
	unsigned int words = (n + 63) / 64;
	struct cgen_map m[M_COUNT];
	struct cls_rule *rs = calloc(n, sizeof(*rs));
	int maps[M_COUNT], ret = rs ? 0 : -ENOMEM;

	memset(m, 0, sizeof(m));
	for (unsigned int k = 0; k < n && !ret; k++)
		cls_reduce(ch->rules[start + k], &rs[k]);
	if (!ret)
		ret = addr_map(rs, n, words, true, &m[M_SRC]) ?:
		      addr_map(rs, n, words, false, &m[M_DST]) ?:
		      port_maps(rs, n, words, &m[M_VEC], &m[M_PORT]) ?:
		      rule_map(ch, start, n, &m[M_RULE]);
	free(rs);
	for (int i = 0; i < M_COUNT; i++) {
		m[i].role = CGEN_MAP_LOOKUP;
		snprintf(m[i].name, sizeof(m[i].name), "bpfw_cls%u", c->out->n_maps);
		maps[i] = ret ? -1 : cg_add_map(c->out, &m[i]);
		if (maps[i] < 0) {
			free(m[i].keys);
			free(m[i].values);
			ret = ret ?: -ENOMEM;
		}
	}
	if (ret) {
		c->e.err = c->e.err ?: ret;
		return;
	}
	emit_run(c, maps, words, sub);
}
