// SPDX-License-Identifier: GPL-2.0
/*
 * nftables' anonymous sets and verdict maps (IR_MATCH_LOOKUP): every one of
 * the rule set is a number, and its elements are entries of one of two
 * shared maps keyed by that number and the packet's key bytes.  A lookup
 * whose elements are all single values goes to the hash map; one with a
 * range or a prefix to the LPM trie, each range cut into the prefixes that
 * cover it exactly.  The value is the element's verdict (its index in the
 * verdict map's verdicts), so one lookup answers a verdict map whatever
 * its size, and two maps serve every set however many rules have one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "cgen_internal.h"

#define SKB(f)		((int16_t)offsetof(struct __sk_buff, f))

/* The hash map's key: the lookup's number and the key bytes, zero-padded. */
struct lookup_hash_key {
	uint32_t id;
	uint8_t data[IR_LOOKUP_MAXLEN];
};

/* The LPM trie's key: 32 bits of number, then the key's bits. */
struct lookup_lpm_key {
	uint32_t prefixlen;
	uint32_t id;		/* network order: it is part of the prefix */
	uint8_t data[IR_KEY_MAXLEN];
};

#define LPM_FULL	(32 + 8 * IR_KEY_MAXLEN)

/* Both keys fill the 24 bytes the stack has for them (STK_FOLD and STK_KEY after it). */
_Static_assert(sizeof(struct lookup_hash_key) == sizeof(struct lookup_lpm_key),
	       "the lookup keys' stack slot");

static void put_be(uint8_t *b, unsigned int len, ir_u128 v)
{
	for (unsigned int i = 0; i < len; i++)
		b[len - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* Whether every element of @l is one value, not a range. */
static bool all_single(const struct ir_match_lookup *l, unsigned int len)
{
	for (uint32_t i = 0; i < l->n_elems; i++)
		if (memcmp(l->elems[i].lo, l->elems[i].hi, len))
			return false;
	return true;
}

/* The family a lookup of rule @r keys on: an inet rule's own, else its table's. */
static enum ir_family rule_family(const struct ir_table *t, const struct ir_rule *r)
{
	if (r->nfproto)
		return r->nfproto == 6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	return t->family;
}

/* Append one entry to map @m (capacity *@cap); -ENOMEM. */
static int push(struct cgen_map *m, uint32_t *cap, const void *key, uint32_t value)
{
	if (m->n_entries == *cap) {
		uint32_t n = *cap ? *cap * 2 : 64;
		void *k = realloc(m->keys, (size_t)n * m->key_size);
		void *v;

		if (!k)
			return -ENOMEM;
		m->keys = k;
		v = realloc(m->values, (size_t)n * m->value_size);
		if (!v)
			return -ENOMEM;
		m->values = v;
		*cap = n;
	}
	memcpy((uint8_t *)m->keys + (size_t)m->n_entries * m->key_size, key, m->key_size);
	memcpy((uint8_t *)m->values + (size_t)m->n_entries * m->value_size, &value,
	       sizeof(value));
	m->n_entries++;
	return 0;
}

/* The prefixes that cover lo..hi of @len bytes exactly, into the trie. */
static int push_range(struct cgen_map *m, uint32_t *cap, uint32_t id, const struct ir_elem *e,
		      unsigned int len)
{
	unsigned int bits = len * 8;
	ir_u128 lo = ir_be_value(e->lo, len), hi = ir_be_value(e->hi, len);

	for (;;) {
		struct lookup_lpm_key k = { .id = htonl(id) };
		unsigned int plen = ir_range_prefix(lo, hi, bits);
		int ret;

		k.prefixlen = 32 + plen;
		put_be(k.data, len, lo);
		ret = push(m, cap, &k, e->verdict);
		if (ret)
			return ret;
		if (!plen)
			return 0;	/* the whole space */
		lo += ((ir_u128)1) << (bits - plen);
		if (lo == 0 || lo > hi)
			return 0;
	}
}

static int by_match(const void *a, const void *b)
{
	const struct ir_match *x = ((const struct cg_lookup *)a)->m;
	const struct ir_match *y = ((const struct cg_lookup *)b)->m;

	return x < y ? -1 : x > y;
}

/* Number lookup @m of rule @r (of table @t) and put its elements in @maps. */
static int plan_one(struct cg *c, const struct ir_table *t, const struct ir_rule *r,
		    const struct ir_match *m, struct cgen_map maps[2], uint32_t caps[2])
{
	const struct ir_match_lookup *l = &m->lookup;
	unsigned int off, flen, len = ir_lookup_field(l, 0, rule_family(t, r), &off, &flen);
	struct cg_lookup *at;
	int ret = 0;

	/* the array doubles whenever its length reaches a power of two */
	if (!(c->n_lookups & (c->n_lookups - 1))) {
		at = reallocarray(c->lookups, c->n_lookups ? 2 * c->n_lookups : 1, sizeof(*at));
		if (!at)
			return -ENOMEM;
		c->lookups = at;
	}
	at = &c->lookups[c->n_lookups];

	at->m = m;
	at->id = c->n_lookups++;
	at->trie = !all_single(l, len);
	if (at->trie && len > IR_KEY_MAXLEN)
		return -EINVAL;		/* the front end refuses ranges in longer keys */
	for (uint32_t i = 0; i < l->n_elems && !ret; i++) {
		if (!at->trie) {
			struct lookup_hash_key k = { .id = at->id };

			memcpy(k.data, l->elems[i].lo, len);
			ret = push(&maps[0], &caps[0], &k, l->elems[i].verdict);
		} else {
			ret = push_range(&maps[1], &caps[1], at->id, &l->elems[i], len);
		}
	}
	return ret;
}

/* Call plan_one() on every lookup of @rs's nftables tables (only they have any). */
static int plan_all(struct cg *c, const struct ir_ruleset *rs, struct cgen_map maps[2],
		    uint32_t caps[2])
{
	int ret = 0;

	for (unsigned int i = 0; i < rs->n_nft && !ret; i++) {
		const struct ir_table *t = rs->nft[i];

		for (unsigned int j = 0; j < t->n_chains && !ret; j++)
			for (unsigned int k = 0; k < t->chains[j]->n_rules && !ret; k++) {
				const struct ir_rule *r = t->chains[j]->rules[k];

				for (unsigned int x = 0; x < r->n_matches && !ret; x++)
					if (r->matches[x].kind == IR_MATCH_LOOKUP)
						ret = plan_one(c, t, r, &r->matches[x], maps,
							       caps);
			}
	}
	return ret;
}

int cg_lookups_plan(struct cg *c, const struct ir_ruleset *rs, struct bpfw_err *err)
{
	struct cgen_map maps[2] = {
		{ .role = CGEN_MAP_LOOKUP, .name = "bpfw_lookup", .type = BPF_MAP_TYPE_HASH,
		  .key_size = sizeof(struct lookup_hash_key), .value_size = sizeof(uint32_t) },
		{ .role = CGEN_MAP_LOOKUP, .name = "bpfw_lookup_lpm",
		  .type = BPF_MAP_TYPE_LPM_TRIE, .flags = BPF_F_NO_PREALLOC,
		  .key_size = sizeof(struct lookup_lpm_key), .value_size = sizeof(uint32_t) },
	};
	uint32_t caps[2] = { 0, 0 };
	int ret;

	c->lookup_map[0] = c->lookup_map[1] = -1;
	ret = plan_all(c, rs, maps, caps);
	for (int i = 0; i < 2 && !ret; i++) {
		if (!maps[i].n_entries)
			continue;
		maps[i].max_entries = maps[i].n_entries;
		c->lookup_map[i] = cg_add_map(c->out, &maps[i]);
		if (c->lookup_map[i] < 0)
			ret = -ENOMEM;
		else
			memset(&maps[i], 0, sizeof(maps[i]));	/* the output owns them */
	}
	for (int i = 0; i < 2; i++) {
		free(maps[i].keys);
		free(maps[i].values);
	}
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (c->n_lookups)
		qsort(c->lookups, c->n_lookups, sizeof(*c->lookups), by_match);
	return 0;
}

void cg_lookups_free(struct cg *c)
{
	free(c->lookups);
	c->lookups = NULL;
	c->n_lookups = 0;
}

/* What cg_lookups_plan() made of lookup @m, or NULL. */
static const struct cg_lookup *lookup_of(const struct cg *c, const struct ir_match *m)
{
	const struct cg_lookup k = { .m = m };

	if (!c->n_lookups)
		return NULL;
	return bsearch(&k, c->lookups, c->n_lookups, sizeof(*c->lookups), by_match);
}

/*
 * Store the low @size bytes of R1 (as a load of that size left them) at
 * r10 + @at: one store where it is aligned, else byte by byte, as the
 * verifier wants the stack's accesses aligned.
 */
static void store_r1(struct cg *c, uint8_t size, int16_t at)
{
	int bytes = size == BPF_W ? 4 : size == BPF_H ? 2 : size == BPF_DW ? 8 : 1;

	if (!(at % bytes)) {
		emit(&c->e, STX(size, R_FP, R1, at));
		return;
	}
	for (int i = 0; i < bytes; i++) {
		emit(&c->e, STX(BPF_B, R_FP, R1, at + i));
		if (i + 1 < bytes)
			emit(&c->e, ALU64_IMM(BPF_RSH, R1, 8));
	}
}

/* Copy the packet's field @key to r10 + @at (the key is zeroed). */
static void emit_field(struct cg *c, enum ir_key key, int16_t at, uint32_t absent)
{
	struct emit *e = &c->e;
	bool v6 = c->fam == IR_FAMILY_IPV6;
	int16_t f;

	switch (key) {
	case IR_KEY_SADDR:
	case IR_KEY_DADDR:
		if (v6) {
			f = key == IR_KEY_SADDR ? PI(saddr6) : PI(daddr6);
			for (int16_t w = 0; w < 16; w += 4) {
				emit(e, LDX(BPF_W, R1, R_PKT, f + w));
				store_r1(c, BPF_W, at + w);
			}
		} else {
			emit(e, LDX(BPF_W, R1, R_PKT, key == IR_KEY_SADDR ? PI(saddr) : PI(daddr)));
			store_r1(c, BPF_W, at);
		}
		break;
	case IR_KEY_SPORT:
	case IR_KEY_DPORT:
		/* no ports in a later fragment */
		emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
		emit_jmp_imm(e, BPF_JEQ, false, R1, 0, absent);
		emit(e, LDX(BPF_H, R1, R_PKT, key == IR_KEY_SPORT ? PI(sport) : PI(dport)));
		emit(e, ENDIAN_BE(R1, 16));
		store_r1(c, BPF_H, at);
		break;
	case IR_KEY_ICMP_TYPE:
		emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
		emit_jmp_imm(e, BPF_JEQ, false, R1, 0, absent);
		emit(e, LDX(BPF_B, R1, R_PKT, PI(icmp_type)));
		store_r1(c, BPF_B, at);
		break;
	case IR_KEY_L4PROTO:
		emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
		store_r1(c, BPF_B, at);
		break;
	case IR_KEY_CTSTATE:
		emit(e, LDX(BPF_B, R1, R_PKT, PI(ctstate)));
		store_r1(c, BPF_B, at);
		break;
	case IR_KEY_IIFNAME:
	case IR_KEY_OIFNAME:
		f = key == IR_KEY_IIFNAME ? PI(iif) : PI(oif);
		for (int16_t w = 0; w < IFNAMSIZ; w += 4) {
			emit(e, LDX(BPF_W, R1, R_PKT, f + w));
			store_r1(c, BPF_W, at + w);
		}
		break;
	case IR_KEY_MARK:
		emit(e, LDX(BPF_W, R1, R_CTX, SKB(mark)));
		emit(e, ENDIAN_BE(R1, 32));
		store_r1(c, BPF_W, at);
		break;
	default:
		e->err = e->err ?: -EINVAL;
		break;
	}
}

/* The packet's key for @l, field by field, at r10 + @at (the key is zeroed). */
static void emit_key_data(struct cg *c, const struct ir_match_lookup *l, int16_t at,
			  uint32_t absent)
{
	for (unsigned int i = 0; i < l->n_keys; i++) {
		unsigned int off, len;

		ir_lookup_field(l, i, c->fam, &off, &len);
		emit_field(c, l->keys[i], at + (int16_t)off, absent);
	}
}

/* R0 = the element of lookup @m the packet's key finds, to @absent if none. */
static void emit_find(struct cg *c, const struct ir_match *m, uint32_t absent)
{
	const struct cg_lookup *lk = lookup_of(c, m);
	struct emit *e = &c->e;
	int16_t key = c->match_key2;
	int map = lk ? c->lookup_map[lk->trie] : -1;

	if (map < 0) {
		e->err = e->err ?: -EINVAL;	/* not planned */
		return;
	}
	emit(e, MOV64_IMM(R1, 0));
	for (int16_t off = 0; off < (int16_t)sizeof(struct lookup_lpm_key); off += 8)
		emit(e, STX(BPF_DW, R_FP, R1, key + off));
	if (lk->trie) {
		emit(e, ST(BPF_W, R_FP, key, LPM_FULL));
		emit(e, ST(BPF_W, R_FP, key + 4, (int32_t)htonl(lk->id)));
		emit_key_data(c, &m->lookup, key + 8, absent);
	} else {
		emit(e, ST(BPF_W, R_FP, key, (int32_t)lk->id));
		emit_key_data(c, &m->lookup, key + 4, absent);
	}
	cg_emit_lookup(c, map, key);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, absent);
}

void cg_emit_lookup_match(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	struct emit *e = &c->e;
	uint32_t skip = emit_label(e), absent = emit_label(e);

	if (m->lookup.n_verdicts)
		return;		/* a verdict map: the rule's target looks it up */
	emit_jmp_imm(e, BPF_JNE, false, miss, 0, skip);
	emit_find(c, m, absent);
	if (m->lookup.invert) {
		emit(e, MOV64_IMM(R1, 1));
		emit(e, ALU64_REG(BPF_OR, miss, R1));
	}
	emit_ja(e, skip);
	emit_bind(e, absent);
	if (!m->lookup.invert) {
		emit(e, MOV64_IMM(R1, 1));
		emit(e, ALU64_REG(BPF_OR, miss, R1));
	}
	emit_bind(e, skip);
}

void cg_emit_vmap_find(struct cg *c, const struct ir_rule *r, uint8_t reg, uint32_t absent)
{
	const struct ir_match *m = &r->matches[r->n_matches - 1];

	emit_find(c, m, absent);
	emit(&c->e, LDX(BPF_W, reg, R0, 0));
}

bool cg_rule_uses_lookup_key(const struct ir_rule *r, enum ir_key key)
{
	for (unsigned int i = 0; i < r->n_matches; i++)
		if (r->matches[i].kind == IR_MATCH_LOOKUP &&
		    ir_lookup_has_key(&r->matches[i].lookup, key))
			return true;
	return false;
}
