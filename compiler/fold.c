// SPDX-License-Identifier: GPL-2.0
/*
 * Folding: a run of consecutive rules of the same shape (the same fields
 * compared, exact values, ACCEPT or DROP) becomes one map lookup whose value
 * names the rule: its counter slot and its verdict.  First-match order is
 * kept: a duplicate key keeps the first rule, and in an LPM trie every
 * prefix carries the first rule among itself and the shorter prefixes that
 * contain it, which are exactly the rules that match an address the trie
 * answers with that prefix.  IPv6 runs fold the same way, with 16-byte
 * addresses, where their key fits the stack's 24-byte key slot.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgen_internal.h"

#define FOLD_MIN_RUN	8	/* shorter runs are cheaper as compares */

/* The fields a rule compares. */
enum {
	F_SADDR = 1 << 0,
	F_DADDR = 1 << 1,
	F_PROTO = 1 << 2,
	F_SPORT = 1 << 3,
	F_DPORT = 1 << 4,
	F_PREFIX = 1 << 5,	/* an address is a prefix, not a /32 */
};

#define FOLD_KEY_MAX	24	/* STK_FOLD with STK_KEY after it (STK_SUB_* in subprograms) */
#define ADDR_MAX	16

/* Bytes of an address of @fam. */
static uint32_t addr_size(enum ir_family fam)
{
	return fam == IR_FAMILY_IPV6 ? 16 : 4;
}

/* The address or mask @a of @fam, in network order. */
static const uint8_t *addr_bytes(const struct ir_addr *a, enum ir_family fam, bool mask)
{
	(void)fam;	/* the IPv4 address is the union's first 4 bytes */
	return mask ? (const uint8_t *)&a->mask : (const uint8_t *)&a->addr;
}

/*
 * Key of an exact (hash) run: only the fields the run compares, packed in
 * this order, so that a blocklist hashes 4 bytes, not 16.
 */
struct key_layout {
	int saddr, daddr, sport, dport, proto;	/* offsets, -1 if not compared */
	uint32_t size;				/* rounded up to 4 bytes */
};

static int place(unsigned int fields, unsigned int f, uint32_t sz, uint32_t *off)
{
	if (!(fields & f))
		return -1;
	*off += sz;
	return (int)(*off - sz);
}

static void layout_of(unsigned int fields, enum ir_family fam, struct key_layout *l)
{
	uint32_t off = 0;

	l->saddr = place(fields, F_SADDR, addr_size(fam), &off);
	l->daddr = place(fields, F_DADDR, addr_size(fam), &off);
	l->sport = place(fields, F_SPORT, sizeof(uint16_t), &off);
	l->dport = place(fields, F_DPORT, sizeof(uint16_t), &off);
	l->proto = place(fields, F_PROTO, sizeof(uint8_t), &off);
	l->size = (off + 3) & ~3u;
}

/* Key of a prefix (LPM trie) run: the prefix length and the address (4 or 16 bytes). */
struct fold_lpm_key {
	uint32_t prefixlen;
	uint8_t addr[ADDR_MAX];
};

/* The prefix length of @a's mask (0: any), or -1 if it is not contiguous. */
static int mask_len(const struct ir_addr *a, enum ir_family fam)
{
	const uint8_t *m = addr_bytes(a, fam, true);
	int n = 0;

	for (uint32_t i = 0; i < addr_size(fam); i++) {
		uint8_t b = m[i];
		int ones = __builtin_popcount(b);

		if (b != (uint8_t)(0xff00 >> ones) || (ones && n != (int)i * 8))
			return -1;
		n += ones;
	}
	return n;
}

/* The shape of @r (an address of @fam), or 0 if one lookup cannot decide it. */
static unsigned int rule_shape(const struct ir_rule *r, enum ir_family fam)
{
	const struct ir_ipspec *ip = &r->ip;
	int full = (int)addr_size(fam) * 8, slen, dlen;
	unsigned int shape = 0;

	if (r->target.kind != IR_TARGET_ACCEPT && r->target.kind != IR_TARGET_DROP)
		return 0;
	if (ip->invflags || ip->iif[0] || ip->oif[0] || ip->frag || r->nft & IR_NFT_LOG)
		return 0;
	if (r->nfproto && r->nfproto != (fam == IR_FAMILY_IPV6 ? 6 : 4))
		return 0;
	slen = mask_len(&ip->src, fam);
	dlen = mask_len(&ip->dst, fam);
	if (slen < 0 || dlen < 0)
		return 0;
	if (slen)
		shape |= F_SADDR | (slen < full ? F_PREFIX : 0);
	if (dlen)
		shape |= F_DADDR | (dlen < full ? F_PREFIX : 0);
	if (ip->proto)
		shape |= F_PROTO;
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];
		const struct ir_match_ports *p = &m->ports;

		if (m->kind == IR_MATCH_COMMENT)
			continue;
		if ((m->kind != IR_MATCH_TCP && m->kind != IR_MATCH_UDP) || p->invflags ||
		    p->flags_mask)
			return 0;
		if (p->sport.lo == p->sport.hi)
			shape |= F_SPORT;
		else if (p->sport.lo != 0 || p->sport.hi != UINT16_MAX)
			return 0;
		if (p->dport.lo == p->dport.hi)
			shape |= F_DPORT;
		else if (p->dport.lo != 0 || p->dport.hi != UINT16_MAX)
			return 0;
	}
	return shape;
}

/* Whether a run of @shape (F_PREFIX: any rule has one) can be one lookup. */
static bool shape_foldable(unsigned int fields, bool prefix, enum ir_family fam)
{
	struct key_layout l;

	if (!fields)
		return false;
	if (prefix)	/* an LPM trie keys on one address */
		return fields == F_SADDR || fields == F_DADDR;
	layout_of(fields, fam, &l);
	return l.size <= FOLD_KEY_MAX;
}

unsigned int cg_fold_run(const struct ir_chain *ch, unsigned int start, enum ir_family fam)
{
	unsigned int fields = rule_shape(ch->rules[start], fam) & ~F_PREFIX, n;
	bool prefix = false;

	if (!fields)
		return 0;
	for (n = 0; start + n < ch->n_rules; n++) {
		unsigned int s = rule_shape(ch->rules[start + n], fam);

		if (!s || (s & ~F_PREFIX) != fields)
			break;
		prefix |= s & F_PREFIX;
	}
	if (n < FOLD_MIN_RUN || !shape_foldable(fields, prefix, fam))
		return 0;
	return n;
}

static void put(uint8_t *k, int off, const void *v, size_t sz)
{
	if (off >= 0)
		memcpy(k + off, v, sz);
}

static void key_of(const struct ir_rule *r, const struct key_layout *l, enum ir_family fam,
		   uint8_t *k)
{
	uint16_t sport = 0, dport = 0;

	memset(k, 0, FOLD_KEY_MAX);
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];

		if (m->kind != IR_MATCH_TCP && m->kind != IR_MATCH_UDP)
			continue;
		if (m->ports.sport.lo == m->ports.sport.hi)
			sport = m->ports.sport.lo;
		if (m->ports.dport.lo == m->ports.dport.hi)
			dport = m->ports.dport.lo;
	}
	put(k, l->saddr, addr_bytes(&r->ip.src, fam, false), addr_size(fam));
	put(k, l->daddr, addr_bytes(&r->ip.dst, fam, false), addr_size(fam));
	put(k, l->sport, &sport, sizeof(sport));
	put(k, l->dport, &dport, sizeof(dport));
	put(k, l->proto, &r->ip.proto, sizeof(r->ip.proto));
}

struct hash_entry {
	uint8_t key[FOLD_KEY_MAX];
	unsigned int idx;	/* rule position in the run */
};

static int by_key(const void *a, const void *b)
{
	const struct hash_entry *x = a, *y = b;
	int c = memcmp(x->key, y->key, sizeof(x->key));

	return c ? c : (int)x->idx - (int)y->idx;
}

/* Hash entries of a run: one per distinct key, the first rule's. */
static int fill_hash(struct cgen_map *m, const struct ir_chain *ch, unsigned int start,
		     unsigned int n, const struct key_layout *l, enum ir_family fam)
{
	struct hash_entry *e = calloc(n, sizeof(*e));
	uint8_t *keys = calloc(n, l->size);
	struct cg_rule_value *vals = calloc(n, sizeof(*vals));
	unsigned int used = 0;

	if (!e || !keys || !vals) {
		free(e);
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++) {
		key_of(ch->rules[start + i], l, fam, e[i].key);
		e[i].idx = i;
	}
	qsort(e, n, sizeof(*e), by_key);
	for (unsigned int i = 0; i < n; i++) {
		if (i && !memcmp(e[i - 1].key, e[i].key, sizeof(e[i].key)))
			continue;	/* a later duplicate: the first rule decides */
		memcpy(keys + (size_t)used * l->size, e[i].key, l->size);
		vals[used++] = cg_rule_value_of(ch->rules[start + e[i].idx]);
	}
	free(e);
	m->keys = keys;
	m->values = vals;
	m->n_entries = used;
	m->key_size = l->size;
	return 0;
}

struct lpm_entry {
	uint8_t addr[ADDR_MAX];	/* network order, masked */
	int len;
	unsigned int idx;	/* rule position in the run */
};

static int by_len(const void *a, const void *b)
{
	const struct lpm_entry *x = a, *y = b;
	int c;

	if (x->len != y->len)
		return x->len - y->len;
	c = memcmp(x->addr, y->addr, ADDR_MAX);
	return c ? c : (int)x->idx - (int)y->idx;
}

/* @addr with only its first @len bits, into @out. */
static void prefix_of(const uint8_t *addr, int len, uint8_t *out)
{
	memset(out, 0, ADDR_MAX);
	for (int i = 0; i < ADDR_MAX && len > 0; i++, len -= 8)
		out[i] = addr[i] & (uint8_t)(len >= 8 ? 0xff : 0xff00 >> len);
}

/* Position in sorted @e of the first rule with prefix @addr/@len, or -1. */
static long find(const struct lpm_entry *e, unsigned int n, const uint8_t *addr, int len)
{
	struct lpm_entry k = { .len = len, .idx = 0 };
	long lo = 0, hi = (long)n;

	memcpy(k.addr, addr, ADDR_MAX);
	/* the first entry not below (len, addr, 0) */
	while (lo < hi) {
		long mid = (lo + hi) / 2;

		if (by_len(&e[mid], &k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < (long)n && e[lo].len == len && !memcmp(e[lo].addr, addr, ADDR_MAX))
		return lo;
	return -1;
}

/* LPM entries of a run: each prefix answers the first rule among its ancestors and itself. */
static int fill_lpm(struct cgen_map *m, const struct ir_chain *ch, unsigned int start,
		    unsigned int n, bool src, enum ir_family fam)
{
	uint32_t asz = addr_size(fam), ksz = sizeof(uint32_t) + asz;
	struct lpm_entry *e = calloc(n, sizeof(*e));
	uint8_t *keys = calloc(n, ksz);
	struct cg_rule_value *vals = calloc(n, sizeof(*vals));
	unsigned int used = 0;

	if (!e || !keys || !vals) {
		free(e);
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct ir_addr *a = src ? &ch->rules[start + i]->ip.src
					      : &ch->rules[start + i]->ip.dst;
		uint8_t full[ADDR_MAX] = { 0 };

		memcpy(full, addr_bytes(a, fam, false), asz);
		e[i].len = mask_len(a, fam);
		prefix_of(full, e[i].len, e[i].addr);
		e[i].idx = i;
	}
	qsort(e, n, sizeof(*e), by_len);
	for (unsigned int i = 0; i < n; i++) {
		unsigned int best = e[i].idx;
		uint32_t len = (uint32_t)e[i].len;

		if (i && e[i - 1].len == e[i].len && !memcmp(e[i - 1].addr, e[i].addr, ADDR_MAX))
			continue;	/* a duplicate prefix: the first rule has it */
		for (int l = 0; l < e[i].len; l++) {
			uint8_t a[ADDR_MAX];
			long j;

			prefix_of(e[i].addr, l, a);
			j = find(e, n, a, l);
			if (j >= 0 && e[j].idx < best)
				best = e[j].idx;
		}
		memcpy(keys + (size_t)used * ksz, &len, sizeof(len));
		memcpy(keys + (size_t)used * ksz + sizeof(len), e[i].addr, asz);
		vals[used++] = cg_rule_value_of(ch->rules[start + best]);
	}
	free(e);
	m->keys = keys;
	m->values = vals;
	m->n_entries = used;
	m->key_size = ksz;
	return 0;
}

/* Copy one packet-info field into the key on the stack, if the run compares it. */
static void copy_field(struct cg *c, int off, uint8_t sz, int16_t field, int16_t key)
{
	if (off < 0)
		return;
	emit(&c->e, LDX(sz, R1, R_PKT, field));
	emit(&c->e, STX(sz, R_FP, R1, key + off));
}

/* Copy the packet's address (@src, else the destination) to @key + @off, if @off >= 0. */
static void copy_addr(struct cg *c, int off, bool src, int16_t key)
{
	bool v6 = c->fam == IR_FAMILY_IPV6;
	int16_t field = v6 ? (src ? PI(saddr6) : PI(daddr6)) : (src ? PI(saddr) : PI(daddr));

	for (int16_t w = 0; off >= 0 && w < (int16_t)addr_size(c->fam); w += 4)
		copy_field(c, off + w, BPF_W, field + w, key);
}

/* Build the run's key on the stack at @key (FOLD_KEY_MAX bytes) from the packet-info block. */
static void emit_key(struct cg *c, unsigned int fields, bool lpm, int16_t key)
{
	struct emit *e = &c->e;
	struct key_layout l;

	emit(e, MOV64_IMM(R0, 0));
	for (int16_t off = 0; off < FOLD_KEY_MAX; off += 8)
		emit(e, STX(BPF_DW, R_FP, R0, key + off));
	if (lpm) {
		emit(e, ST(BPF_W, R_FP, key + (int16_t)offsetof(struct fold_lpm_key, prefixlen),
			   (int32_t)addr_size(c->fam) * 8));
		copy_addr(c, (int)offsetof(struct fold_lpm_key, addr), fields & F_SADDR, key);
		return;
	}
	layout_of(fields, c->fam, &l);
	copy_addr(c, l.saddr, true, key);
	copy_addr(c, l.daddr, false, key);
	copy_field(c, l.sport, BPF_H, PI(sport), key);
	copy_field(c, l.dport, BPF_H, PI(dport), key);
	copy_field(c, l.proto, BPF_B, PI(proto), key);
}

void cg_emit_fold(struct cg *c, const struct ir_chain *ch, unsigned int start, unsigned int n,
		  bool sub)
{
	struct emit *e = &c->e;
	unsigned int fields = 0;
	bool prefix = false;
	struct cgen_map m = { .role = CGEN_MAP_LOOKUP, .value_size = sizeof(struct cg_rule_value) };
	uint32_t miss = emit_label(e);
	int16_t key = sub ? STK_SUB_FOLD : STK_FOLD;
	int idx, ret;

	for (unsigned int i = 0; i < n; i++) {
		unsigned int s = rule_shape(ch->rules[start + i], c->fam);

		fields |= s & ~F_PREFIX;
		prefix |= s & F_PREFIX;
	}
	snprintf(m.name, sizeof(m.name), "bpfw_run%u", c->out->n_maps);
	if (prefix) {
		m.type = BPF_MAP_TYPE_LPM_TRIE;
		m.flags = BPF_F_NO_PREALLOC;
		ret = fill_lpm(&m, ch, start, n, fields & F_SADDR, c->fam);
	} else {
		struct key_layout l;

		layout_of(fields, c->fam, &l);
		m.type = BPF_MAP_TYPE_HASH;
		ret = fill_hash(&m, ch, start, n, &l, c->fam);
	}
	m.max_entries = m.n_entries ? m.n_entries : 1;
	idx = ret ? ret : cg_add_map(c->out, &m);
	if (idx < 0) {
		free(m.keys);
		free(m.values);
		e->err = e->err ?: -ENOMEM;
		return;
	}
	if (fields & (F_SPORT | F_DPORT)) {
		/* no ports to match in a later fragment */
		emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
		emit_jmp_imm(e, BPF_JEQ, true, R1, 0, miss);
	}
	emit_key(c, fields, prefix, key);
	cg_emit_lookup(c, idx, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, miss);
	cg_emit_rule_value(c, sub);
	emit_bind(e, miss);
}
