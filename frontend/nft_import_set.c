// SPDX-License-Identifier: GPL-2.0
/*
 * A lookup in an anonymous set ("{ 22, 80 }", "{ 10.0.0.0/8, 192.0.2.1 }")
 * as iptables rules: ports into multiport matches of at most 15 slots,
 * addresses, protocols and icmp types into one rule per element, which is
 * exact because the elements of a set never overlap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>

#include "bpfw/ipset.h"
#include "nft_import_internal.h"

typedef unsigned __int128 u128;

struct ival {
	u128 lo, hi;
	struct nftnl_set_elem *elem;	/* the element that starts it (a map's data) */
};

struct bound {
	u128 v;
	bool end;
	struct nftnl_set_elem *elem;
};


static int bound_cmp(const void *a, const void *b)
{
	const struct bound *x = a, *y = b;

	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (int)y->end - (int)x->end;	/* an end before a start at the same key */
}

static int ival_cmp(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static u128 ones(unsigned int k)
{
	return k >= 128 ? ~(u128)0 : ((u128)1 << k) - 1;
}

static int ival_add(struct ival **iv, unsigned int *n, u128 lo, u128 hi,
		    struct nftnl_set_elem *elem)
{
	struct ival *more = realloc(*iv, (*n + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	*iv = more;
	more[*n] = (struct ival){ .lo = lo, .hi = hi, .elem = elem };
	(*n)++;
	return 0;
}

/*
 * The set's elements as disjoint intervals of @klen-byte keys: single
 * keys, ranges with an end key, or (interval sets) starts and ends that
 * sort into ranges.
 */
static int set_intervals(struct nftnl_set *s, uint32_t klen, struct ival **out, unsigned int *n)
{
	bool interval = nftnl_set_get_u32(s, NFTNL_SET_FLAGS) & NFT_SET_INTERVAL;
	struct nftnl_set_elems_iter *it = nftnl_set_elems_iter_create(s);
	u128 max = ones(klen * 8);
	struct bound *b = NULL, *more;
	unsigned int nb = 0;
	struct nftnl_set_elem *e;
	int ret = 0;

	*out = NULL;
	*n = 0;
	if (!it)
		return -ENOMEM;
	while (!ret && (e = nftnl_set_elems_iter_next(it))) {
		uint32_t len = 0, elen = 0, flags = 0;
		const uint8_t *k = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);
		const uint8_t *kend = NULL;

		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_KEY_END))
			kend = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY_END, &elen);
		if (nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS))
			flags = nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS);
		if (!k || len != klen || (kend && elen != klen)) {
			ret = -EINVAL;
		} else if (kend) {
			ret = ival_add(out, n, ir_be_value(k, len), ir_be_value(kend, elen), e);
		} else if (!interval) {
			ret = ival_add(out, n, ir_be_value(k, len), ir_be_value(k, len), e);
		} else {
			more = realloc(b, (nb + 1) * sizeof(*b));
			if (!more) {
				ret = -ENOMEM;
				break;
			}
			b = more;
			b[nb].v = ir_be_value(k, len);
			b[nb].elem = e;
			b[nb++].end = flags & NFT_SET_ELEM_INTERVAL_END;
		}
	}
	nftnl_set_elems_iter_destroy(it);
	if (nb)
		qsort(b, nb, sizeof(*b), bound_cmp);
	for (unsigned int i = 0; i < nb && !ret; i++) {
		u128 lo = b[i].v, hi = max;
		struct nftnl_set_elem *start = b[i].elem;

		if (b[i].end)
			continue;
		/* a start ends at the next bound: an end, or in a map the next start */
		if (i + 1 < nb && b[i + 1].v > lo) {
			hi = b[i + 1].v - 1;
			i += b[i + 1].end;
		}
		ret = ival_add(out, n, lo, hi, start);
	}
	free(b);
	if (!ret && *n)
		qsort(*out, *n, sizeof(**out), ival_cmp);	/* hashed sets dump in any order */
	if (ret) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return ret;
}

static struct nx_alt *alt_new(struct nx *x)
{
	struct nx_alt *more;

	if (x->n_alts >= NX_MAX_ALT)
		return NULL;
	more = realloc(x->alts, (x->n_alts + 1) * sizeof(*more));
	if (!more)
		return NULL;
	x->alts = more;
	memset(&x->alts[x->n_alts], 0, sizeof(*more));
	return &x->alts[x->n_alts++];
}

static void addr_put(struct ir_addr *a, u128 v, unsigned int plen, unsigned int bytes)
{
	uint8_t *addr = (uint8_t *)&a->addr, *mask = (uint8_t *)&a->mask;

	for (unsigned int i = 0; i < bytes; i++) {
		unsigned int bits = plen > i * 8 ? plen - i * 8 : 0;

		addr[i] = v >> ((bytes - 1 - i) * 8);
		mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
	}
}

/* Prefixes covering @iv exactly, as alternatives of the source or destination. */
static int addr_alts(struct nx *x, const struct ival *iv, unsigned int n, unsigned int bytes)
{
	unsigned int width = bytes * 8;

	for (unsigned int i = 0; i < n; i++) {
		u128 lo = iv[i].lo, hi = iv[i].hi, end;

		for (;;) {
			unsigned int k = width - ir_range_prefix(lo, hi, width);
			struct nx_alt *a;

			a = alt_new(x);
			if (!a)
				return x->n_alts >= NX_MAX_ALT ?
				       nx_refuse(x, "a set of too many addresses") : -ENOMEM;
			addr_put(&a->addr, lo, width - k, bytes);
			end = lo + ones(k);
			if (end >= hi)
				break;
			lo = end + 1;
		}
	}
	return 0;
}

/* Port intervals as multiport matches of at most 15 slots (a range takes two). */
static int port_alts(struct nx *x, const struct nx_reg *g, const struct ival *iv, unsigned int n,
		     bool invert)
{
	struct ir_match_multiport cur = { 0 };
	struct ir_match *m;
	unsigned int used = 0;
	struct nx_alt *a;

	cur.which = g->offset == 0 ? IR_MULTIPORT_SRC : IR_MULTIPORT_DST;
	cur.invert = invert;
	for (unsigned int i = 0; i <= n; i++) {
		unsigned int need = i < n ? (iv[i].lo == iv[i].hi ? 1 : 2) : 0;

		if (i == n || used + need > IR_MULTIPORT_MAX) {
			a = alt_new(x);
			if (!a)
				return x->n_alts >= NX_MAX_ALT ?
				       nx_refuse(x, "a set of too many ports") : -ENOMEM;
			a->mport = cur;
			cur.n = 0;
			used = 0;
		}
		if (i == n)
			break;
		cur.ports[cur.n].lo = iv[i].lo;
		cur.ports[cur.n++].hi = iv[i].hi;
		used += need;
	}
	if (invert && x->n_alts > 1)
		return nx_refuse(x, "a negated set of more than %d ports", IR_MULTIPORT_MAX);
	if (ir_rule_add_match(x->r, IR_MATCH_MULTIPORT, &m))
		return -ENOMEM;
	m->mport = x->alts[0].mport;
	x->alt_match = m - x->r->matches;
	x->alt_kind = NX_ALT_PORTS;
	return 0;
}

static int lookup_addr(struct nx *x, const struct nx_reg *g, const struct ival *iv,
		       unsigned int n, bool invert)
{
	unsigned int bytes = x->family == IR_FAMILY_IPV4 ? 4 : 16;
	bool src = g->offset == (x->family == IR_FAMILY_IPV4 ? 12u : 8u);
	struct ir_addr *a = src ? &x->r->ip.src : &x->r->ip.dst;
	static const struct ir_addr zero;
	int ret;

	if (g->len != bytes || g->masked)
		return nx_refuse(x, "lookup of a part of an address");
	if (memcmp(&a->mask, &zero.mask, sizeof(zero.mask)))
		return nx_refuse(x, "a second %s address test", src ? "source" : "destination");
	ret = addr_alts(x, iv, n, bytes);
	if (ret)
		return ret;
	if (invert) {
		if (x->n_alts != 1)
			return nx_refuse(x, "a negated set of addresses that is no single prefix");
		*a = x->alts[0].addr;
		x->r->ip.invflags |= src ? IR_INV_SRC : IR_INV_DST;
		x->n_alts = 0;
		return 0;
	}
	x->alt_kind = src ? NX_ALT_SRC : NX_ALT_DST;
	return 0;
}

/* One alternative per value of @iv (protocols, icmp types), at most 256. */
static int value_alts(struct nx *x, const struct ival *iv, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (iv[i].hi > 0xff)
			return nx_refuse(x, "a set of values above 255");
		for (unsigned int v = iv[i].lo; v <= iv[i].hi; v++) {
			struct nx_alt *a = alt_new(x);

			if (!a)
				return -ENOMEM;
			a->proto = v;
		}
	}
	return 0;
}

/* A named set of addresses: one of bpfw's ipset sets, matched with -m set. */
static int lookup_named(struct nx *x, const struct nx_reg *g, struct nftnl_set *s, bool invert)
{
	unsigned int bytes = x->family == IR_FAMILY_IPV4 ? 4 : 16;
	uint32_t src_off = x->family == IR_FAMILY_IPV4 ? 12 : 8;
	const char *nft_name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	char name[IR_SET_MAXNAMELEN];
	struct ir_match *m;
	int ret;

	if (g->kind != NX_REG_PAYLOAD || g->base != NFT_PAYLOAD_NETWORK_HEADER ||
	    !x->family_known || g->masked || g->len != bytes ||
	    nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN) != bytes ||
	    (g->offset != src_off && g->offset != src_off + bytes))
		return nx_refuse(x, "lookup in named set @%s of other than whole addresses (bpfw's "
				 "sets hold addresses, ipset's hash:ip and hash:net)", nft_name);
	ret = x->ops->set_name(s, x->family, name, x->why, x->why_len, x->ops->arg);
	if (ret)
		return ret;
	if (ir_rule_add_match(x->r, IR_MATCH_SET, &m))
		return -ENOMEM;
	strcpy(m->set.name, name);
	m->set.dim = 1;
	m->set.src = g->offset == src_off;
	m->set.invert = invert;
	return 0;
}

int nx_set_words(struct nftnl_set *s, enum ir_family family, char ***out, unsigned int *n)
{
	unsigned int bytes = family == IR_FAMILY_IPV4 ? 4 : 16;
	struct nx x = { .family = family };
	struct ival *iv = NULL;
	unsigned int ni = 0;
	char why[128], **words = NULL;
	int ret;

	x.why = why;
	x.why_len = sizeof(why);
	*out = NULL;
	*n = 0;
	ret = set_intervals(s, bytes, &iv, &ni);
	if (!ret)
		ret = addr_alts(&x, iv, ni, bytes);
	if (!ret && x.n_alts) {
		words = calloc(x.n_alts, sizeof(*words));
		if (!words)
			ret = -ENOMEM;
	}
	for (unsigned int i = 0; !ret && i < x.n_alts; i++) {
		char buf[INET6_ADDRSTRLEN];
		const uint8_t *mask = (const uint8_t *)&x.alts[i].addr.mask;
		unsigned int plen = 0;

		for (unsigned int b = 0; b < bytes; b++)
			plen += __builtin_popcount(mask[b]);
		inet_ntop(family == IR_FAMILY_IPV4 ? AF_INET : AF_INET6, &x.alts[i].addr.addr, buf,
			  sizeof(buf));
		if (asprintf(&words[i], plen == bytes * 8 ? "%s" : "%s/%u", buf, plen) < 0) {
			words[i] = NULL;
			ret = -ENOMEM;
		}
		*n = i + 1;
	}
	*out = words;
	if (ret == -EOPNOTSUPP)
		ret = -E2BIG;
	free(iv);
	free(x.alts);
	return ret;
}

int nx_lookup(struct nx *x, const struct nx_reg *g, const char *set_name, bool invert)
{
	const char *table = nftnl_rule_get_str(x->rule, NFTNL_RULE_TABLE);
	struct nftnl_set *s = nft_dump_find_set(x->d, x->nfproto, table, set_name);
	uint8_t proto = nx_l4proto(x);
	struct ival *iv = NULL;
	unsigned int n = 0;
	uint32_t flags;
	int ret;

	if (!s)
		return nx_refuse(x, "lookup in set %s, which the dump does not hold", set_name);
	flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
	if (flags & (NFT_SET_MAP | NFT_SET_CONCAT | NFT_SET_OBJECT))
		return nx_refuse(x, "lookup in a map or a set of concatenations");
	if (!(flags & NFT_SET_ANONYMOUS))
		return lookup_named(x, g, s, invert);
	if (x->n_dims >= 2)
		return nx_refuse(x, "a third set in one rule");
	x->alt_kind = NX_ALT_NONE;
	x->n_alts = 0;
	ret = set_intervals(s, g->kind == NX_REG_PAYLOAD ? g->len :
			    nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), &iv, &n);
	if (ret == -EINVAL)
		ret = nx_refuse(x, "lookup in set %s of keys of another size", set_name);
	if (ret)
		goto out;
	if (!n) {
		ret = nx_refuse(x, "lookup in an empty set");
		goto out;
	}
	if (g->kind == NX_REG_PAYLOAD && g->base == NFT_PAYLOAD_NETWORK_HEADER &&
	    x->family_known) {
		ret = lookup_addr(x, g, iv, n, invert);
	} else if (g->kind == NX_REG_PAYLOAD && g->base == NFT_PAYLOAD_TRANSPORT_HEADER &&
		   (proto == IPPROTO_TCP || proto == IPPROTO_UDP) && g->len == 2 && !g->masked &&
		   (g->offset == 0 || g->offset == 2)) {
		ret = port_alts(x, g, iv, n, invert);
	} else if (g->kind == NX_REG_PAYLOAD && g->base == NFT_PAYLOAD_TRANSPORT_HEADER &&
		   (proto == (x->family == IR_FAMILY_IPV4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) &&
		   g->len == 1 &&
		   !g->masked && g->offset == 0 && !invert) {
		struct ir_match *m;

		ret = value_alts(x, iv, n);
		if (!ret && ir_rule_add_match(x->r, proto == IPPROTO_ICMP ? IR_MATCH_ICMP :
					      IR_MATCH_ICMP6, &m))
			ret = -ENOMEM;
		if (!ret) {
			m->icmp.code_hi = 0xff;
			x->alt_match = m - x->r->matches;
			x->alt_kind = NX_ALT_ICMP;
		}
	} else if (g->kind == NX_REG_META && g->key == NFT_META_L4PROTO && !invert &&
		   !x->r->ip.proto) {
		ret = value_alts(x, iv, n);
		x->alt_kind = NX_ALT_PROTO;
	} else {
		ret = nx_refuse(x, "lookup in set %s of %s", set_name,
				invert ? "this kind, negated" : "this kind");
	}
	for (unsigned int d = 0; !ret && d < x->n_dims; d++)
		if (x->dims[d].kind == x->alt_kind)
			ret = nx_refuse(x, "two sets of the same field in one rule");
	if (!ret && x->alt_kind != NX_ALT_NONE && x->n_alts > 0) {
		x->dims[x->n_dims++] = (struct nx_dim){ x->alt_kind, x->alt_match, x->alts,
							x->n_alts, false };
		x->alts = NULL;
	}
	x->n_alts = 0;
	x->alt_kind = NX_ALT_NONE;
out:
	free(iv);
	return ret;
}

/* Map element @e's verdict as the target of alternatives @from .. x->n_alts - 1. */
static int alts_verdict(struct nx *x, unsigned int from, struct nftnl_set_elem *e)
{
	struct ir_target t = { .kind = IR_TARGET_NONE };
	bool skip;
	int ret;

	if (!e || !nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_VERDICT))
		return nx_refuse(x, "a verdict map element without a verdict");
	/* continue: the next rule decides, so the element makes no rule */
	ret = nx_verdict(x, (int)nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_VERDICT),
			 nftnl_set_elem_get_str(e, NFTNL_SET_ELEM_CHAIN), "a verdict map's ", &t,
			 &skip);
	for (unsigned int i = from; !ret && i < x->n_alts; i++) {
		x->alts[i].target = t;
		x->alts[i].skip = skip;
	}
	return ret;
}

/* The alternatives of one element @iv of a verdict map keyed by what @g holds. */
static int vmap_alts(struct nx *x, const struct nx_reg *g, const struct ival *iv, uint8_t proto)
{
	unsigned int bytes = x->family == IR_FAMILY_IPV4 ? 4 : 16;
	struct nx_alt *a;

	switch (x->alt_kind) {
	case NX_ALT_SRC:
	case NX_ALT_DST:
		return addr_alts(x, iv, 1, bytes);
	case NX_ALT_PORTS:
		a = alt_new(x);
		if (!a)
			return x->n_alts >= NX_MAX_ALT ? nx_refuse(x, "a map of too many ports") :
			       -ENOMEM;
		a->mport.which = g->offset == 0 ? IR_MULTIPORT_SRC : IR_MULTIPORT_DST;
		a->mport.n = 1;
		a->mport.ports[0].lo = (uint16_t)iv->lo;
		a->mport.ports[0].hi = (uint16_t)iv->hi;
		return 0;
	case NX_ALT_CTSTATE: {
		uint32_t len = 0, bits = 0;
		const void *k = nftnl_set_elem_get(iv->elem, NFTNL_SET_ELEM_KEY, &len);

		/* ct state is a number in host order, one element one value */
		if (!k || len != sizeof(bits) || iv->lo != iv->hi)
			return nx_refuse(x, "a verdict map of ct state ranges");
		memcpy(&bits, k, sizeof(bits));
		a = alt_new(x);
		if (!a)
			return -ENOMEM;
		a->ctstates = nx_ct_states(bits);
		return 0;
	}
	default:
		(void)proto;
		return value_alts(x, iv, 1);
	}
}

int nx_vmap(struct nx *x, const struct nx_reg *g, const char *set_name)
{
	const char *table = nftnl_rule_get_str(x->rule, NFTNL_RULE_TABLE);
	struct nftnl_set *s = nft_dump_find_set(x->d, x->nfproto, table, set_name);
	unsigned int bytes = x->family == IR_FAMILY_IPV4 ? 4 : 16;
	uint8_t proto = nx_l4proto(x);
	struct ival *iv = NULL;
	struct ir_match *m;
	unsigned int n = 0;
	uint32_t flags;
	int ret;

	if (!s)
		return nx_refuse(x, "lookup in map %s, which the dump does not hold", set_name);
	flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
	if (!(flags & NFT_SET_MAP) || (flags & (NFT_SET_CONCAT | NFT_SET_OBJECT)) ||
	    nftnl_set_get_u32(s, NFTNL_SET_DATA_TYPE) != NFT_DATA_VERDICT)
		return nx_refuse(x, "a map other than a verdict map, or of concatenations");
	if (x->n_dims >= 2 || x->log_stmt)
		return nx_refuse(x, "a verdict map with two sets or a log statement");
	x->alt_kind = NX_ALT_NONE;
	x->n_alts = 0;
	if (g->kind == NX_REG_PAYLOAD && g->base == NFT_PAYLOAD_NETWORK_HEADER &&
	    x->family_known && g->len == bytes && !g->masked &&
	    (g->offset == (bytes == 4 ? 12u : 8u) || g->offset == (bytes == 4 ? 16u : 24u))) {
		bool src = g->offset == (bytes == 4 ? 12u : 8u);
		static const struct ir_addr zero;

		if (memcmp(src ? &x->r->ip.src.mask : &x->r->ip.dst.mask, &zero.mask,
			   sizeof(zero.mask)))
			return nx_refuse(x, "a second address test");
		x->alt_kind = src ? NX_ALT_SRC : NX_ALT_DST;
	} else if (g->kind == NX_REG_PAYLOAD && g->base == NFT_PAYLOAD_TRANSPORT_HEADER &&
		   (proto == IPPROTO_TCP || proto == IPPROTO_UDP) && g->len == 2 && !g->masked &&
		   (g->offset == 0 || g->offset == 2)) {
		if (ir_rule_add_match(x->r, IR_MATCH_MULTIPORT, &m))
			return -ENOMEM;
		x->alt_match = m - x->r->matches;
		x->alt_kind = NX_ALT_PORTS;
	} else if (g->kind == NX_REG_META && g->key == NFT_META_L4PROTO && !x->r->ip.proto) {
		x->alt_kind = NX_ALT_PROTO;
	} else if (g->kind == NX_REG_CT && g->key == NFT_CT_STATE && !g->masked) {
		if (ir_rule_add_match(x->r, IR_MATCH_CONNTRACK, &m))
			return -ENOMEM;
		x->alt_match = m - x->r->matches;
		x->alt_kind = NX_ALT_CTSTATE;
	} else {
		return nx_refuse(x, "a verdict map of this key");
	}
	ret = set_intervals(s, g->kind == NX_REG_PAYLOAD ? g->len :
			    nftnl_set_get_u32(s, NFTNL_SET_KEY_LEN), &iv, &n);
	if (ret == -EINVAL)
		ret = nx_refuse(x, "a verdict map %s of keys of another size", set_name);
	for (unsigned int i = 0; i < n && !ret; i++) {
		unsigned int from = x->n_alts;

		ret = vmap_alts(x, g, &iv[i], proto);
		if (!ret)
			ret = alts_verdict(x, from, iv[i].elem);
	}
	if (!ret && x->alt_kind == NX_ALT_PORTS && x->n_alts)
		x->r->matches[x->alt_match].mport = x->alts[0].mport;
	for (unsigned int d = 0; !ret && d < x->n_dims; d++)
		if (x->dims[d].kind == x->alt_kind)
			ret = nx_refuse(x, "two sets of the same field in one rule");
	if (!ret) {
		x->dims[x->n_dims++] = (struct nx_dim){ x->alt_kind, x->alt_match, x->alts,
							x->n_alts, true };
		x->alts = NULL;
		x->verdict = true;
	}
	x->n_alts = 0;
	x->alt_kind = NX_ALT_NONE;
	free(iv);
	return ret;
}

static bool set_name_taken(const struct nft_import_report *rep, const char *name)
{
	for (unsigned int i = 0; i < rep->n_sets; i++)
		if (!strcmp(rep->sets[i].def.name, name))
			return true;
	return false;
}

int nx_named_set(struct nft_import_report *rep, struct ir_ruleset *rs, uint32_t nfproto,
		 const char *table, struct nftnl_set *s, enum ir_family family, char *name,
		 char *why, size_t why_len)
{
	const char *nft_name = nftnl_set_get_str(s, NFTNL_SET_NAME);
	uint32_t flags = nftnl_set_get_u32(s, NFTNL_SET_FLAGS);
	struct nft_import_set *is, *more;
	int n, ret;

	for (unsigned int i = 0; i < rep->n_sets; i++) {
		is = &rep->sets[i];
		if (is->nfproto == nfproto && !strcmp(is->table, table) &&
		    !strcmp(is->nft_name, nft_name)) {
			strcpy(name, is->def.name);
			return 0;
		}
	}
	n = snprintf(name, IR_SET_MAXNAMELEN, "%s", nft_name);
	if (n >= IR_SET_MAXNAMELEN || set_name_taken(rep, name))
		n = snprintf(name, IR_SET_MAXNAMELEN, "%s-%s", table, nft_name);
	if (n >= IR_SET_MAXNAMELEN || set_name_taken(rep, name)) {
		snprintf(why, why_len, "named set @%s: no free set name of at most %d characters",
			 nft_name, IR_SET_MAXNAMELEN - 1);
		return -EOPNOTSUPP;
	}
	more = realloc(rep->sets, (rep->n_sets + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	rep->sets = more;
	is = &rep->sets[rep->n_sets];
	memset(is, 0, sizeof(*is));
	strcpy(is->def.name, name);
	is->def.type = flags & NFT_SET_INTERVAL ? IR_SET_HASH_NET : IR_SET_HASH_IP;
	is->def.family = family;
	is->def.hashsize = IPSET_HASHSIZE;
	is->def.maxelem = IPSET_MAXELEM;
	if (flags & NFT_SET_TIMEOUT) {
		is->def.with_timeout = true;
		if (nftnl_set_is_set(s, NFTNL_SET_TIMEOUT))
			is->def.timeout = nftnl_set_get_u64(s, NFTNL_SET_TIMEOUT) / 1000;
	}
	is->def.id = rs->set_seq;
	is->nfproto = nfproto;
	is->table = strdup(table);
	is->nft_name = strdup(nft_name);
	ret = is->table && is->nft_name ? nx_set_words(s, family, &is->elems, &is->n_elems) :
	      -ENOMEM;
	rep->n_sets++;
	if (ret == -E2BIG) {
		snprintf(why, why_len, "named set @%s: more elements than bpfw expands", nft_name);
		return -EOPNOTSUPP;
	}
	if (!ret)
		ret = ir_set_add(rs, &is->def);
	if (!ret)
		rs->set_seq++;
	return ret;
}
