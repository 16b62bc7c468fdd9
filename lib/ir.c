// SPDX-License-Identifier: GPL-2.0
/*
 * The rule model: tables, chains and rules, and the operations every front
 * end needs on them.  Only memory here; nothing talks to the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ir.h"

static const char *const table_names[IR_TABLE_MAX] = {
	[IR_TABLE_FILTER] = "filter",
	[IR_TABLE_RAW] = "raw",
};

static const char *const hook_names[IR_HOOK_MAX] = {
	[IR_HOOK_PREROUTING] = "PREROUTING",
	[IR_HOOK_INPUT] = "INPUT",
	[IR_HOOK_FORWARD] = "FORWARD",
	[IR_HOOK_OUTPUT] = "OUTPUT",
	[IR_HOOK_POSTROUTING] = "POSTROUTING",
};

/* Built-in chains of each table, in the order iptables lists them. */
static const enum ir_hook filter_hooks[] = { IR_HOOK_INPUT, IR_HOOK_FORWARD, IR_HOOK_OUTPUT };
static const enum ir_hook raw_hooks[] = { IR_HOOK_PREROUTING, IR_HOOK_OUTPUT };

struct table_layout {
	const enum ir_hook *hooks;
	unsigned int n_hooks;
};

static const struct table_layout layouts[IR_TABLE_MAX] = {
	[IR_TABLE_FILTER] = { filter_hooks, sizeof(filter_hooks) / sizeof(filter_hooks[0]) },
	[IR_TABLE_RAW] = { raw_hooks, sizeof(raw_hooks) / sizeof(raw_hooks[0]) },
};

const char *ir_table_name(enum ir_table_id id)
{
	return id < IR_TABLE_MAX ? table_names[id] : NULL;
}

int ir_table_id_parse(const char *name, enum ir_table_id *id)
{
	for (int i = 0; i < IR_TABLE_MAX; i++) {
		if (!strcmp(name, table_names[i])) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

const char *ir_reject_name(enum ir_reject_with with, bool alias)
{
	static const char *const names[IR_REJECT_MAX][2] = {
		{ "icmp-net-unreachable", "net-unreach" },
		{ "icmp-host-unreachable", "host-unreach" },
		{ "icmp-port-unreachable", "port-unreach" },
		{ "icmp-proto-unreachable", "proto-unreach" },
		{ "icmp-net-prohibited", "net-prohib" },
		{ "icmp-host-prohibited", "host-prohib" },
		{ "tcp-reset", "tcp-rst" },
		{ "icmp-admin-prohibited", "admin-prohib" },
		{ "icmp6-no-route", "no-route" },
		{ "icmp6-adm-prohibited", "adm-prohibited" },
		{ "icmp6-addr-unreachable", "addr-unreach" },
		{ "icmp6-port-unreachable", "port-unreach" },
		{ "icmp6-policy-fail", "policy-fail" },
		{ "icmp6-reject-route", "reject-route" },
	};

	return with < IR_REJECT_MAX ? names[with][alias] : NULL;
}

bool ir_reject_in_family(enum ir_reject_with with, enum ir_family family)
{
	if (with == IR_REJECT_TCP_RESET)
		return true;
	return (with >= IR_REJECT6_NO_ROUTE) == (family == IR_FAMILY_IPV6);
}

const char *ir_addrtype_name(unsigned int type)
{
	static const char *const names[IR_ADDRTYPE_N] = {
		"UNSPEC", "UNICAST", "LOCAL", "BROADCAST", "ANYCAST", "MULTICAST",
		"BLACKHOLE", "UNREACHABLE", "PROHIBIT", "THROW", "NAT", "XRESOLVE",
	};

	return type < IR_ADDRTYPE_N ? names[type] : NULL;
}

const char *ir_ct_state_name(unsigned int bit)
{
	static const char *const names[] = { "INVALID", "NEW", "RELATED", "ESTABLISHED",
					     "UNTRACKED", "SNAT", "DNAT" };

	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

int ir_ruleset_for_each_rule(const struct ir_ruleset *rs, enum ir_family family,
			     int (*fn)(const struct ir_rule *r, void *arg), void *arg)
{
	for (unsigned int id = 0; id < IR_TABLE_MAX + rs->n_nft; id++) {
		const struct ir_table *t = id < IR_TABLE_MAX ? rs->tables[family][id]
							     : rs->nft[id - IR_TABLE_MAX];

		if (id >= IR_TABLE_MAX && !ir_nft_table_has_family(t, family))
			continue;
		for (unsigned int i = 0; t && i < t->n_chains; i++)
			for (unsigned int j = 0; j < t->chains[i]->n_rules; j++) {
				int ret = fn(t->chains[i]->rules[j], arg);

				if (ret)
					return ret;
			}
	}
	return 0;
}

bool ir_chain_name_is_hook(enum ir_table_id id, const char *name)
{
	for (unsigned int i = 0; id < IR_TABLE_MAX && i < layouts[id].n_hooks; i++)
		if (!strcmp(name, hook_names[layouts[id].hooks[i]]))
			return true;
	return false;
}

const char *ir_hook_name(enum ir_hook hook)
{
	return hook >= 0 && hook < IR_HOOK_MAX ? hook_names[hook] : NULL;
}

/* Grow an array of pointers so that one more fits. */
static int grow(void *arrp, unsigned int n, unsigned int *cap)
{
	void ***arr = arrp;
	unsigned int ncap;
	void **p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	p = realloc(*arr, ncap * sizeof(**arr));
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct ir_rule *ir_rule_new(void)
{
	struct ir_rule *r = calloc(1, sizeof(*r));

	if (r)
		r->slot = IR_SLOT_NONE;
	return r;
}

static void match_release(struct ir_match *m)
{
	if (m->kind == IR_MATCH_COMMENT)
		free(m->comment);
	if (m->kind == IR_MATCH_RECENT)
		free(m->recent);
	if (m->kind == IR_MATCH_RT)
		free(m->rt.addrs);
	if (m->kind == IR_MATCH_LOOKUP) {
		free(m->lookup.elems);
		free(m->lookup.verdicts);
	}
}

/* Copy @n items of @size at @src into a new array at @dst (NULL when @n is 0). */
static int dup_array(void *dst, const void *src, size_t n, size_t size)
{
	void *p = NULL;

	if (n) {
		p = malloc(n * size);
		if (!p)
			return -ENOMEM;
		memcpy(p, src, n * size);
	}
	memcpy(dst, &p, sizeof(p));
	return 0;
}

/* The arrays of lookup @from into @to, a shallow copy of it. */
static int lookup_clone(struct ir_match_lookup *to, const struct ir_match_lookup *from)
{
	to->verdicts = NULL;
	if (dup_array(&to->elems, from->elems, from->n_elems, sizeof(*from->elems)))
		return -ENOMEM;
	if (dup_array(&to->verdicts, from->verdicts, from->n_verdicts, sizeof(*from->verdicts))) {
		free(to->elems);
		to->elems = NULL;
		return -ENOMEM;
	}
	return 0;
}

const struct ir_match_lookup *ir_rule_vmap(const struct ir_rule *r)
{
	const struct ir_match *m = r->n_matches ? &r->matches[r->n_matches - 1] : NULL;

	if (r->target.kind != IR_TARGET_VMAP || !m || m->kind != IR_MATCH_LOOKUP)
		return NULL;
	return &m->lookup;
}

const char *ir_rule_jump_at(const struct ir_rule *r, unsigned int i)
{
	const struct ir_match_lookup *v = ir_rule_vmap(r);

	if (r->target.kind == IR_TARGET_JUMP || r->target.kind == IR_TARGET_GOTO) {
		if (!i)
			return r->target.chain;
		return NULL;
	}
	for (unsigned int k = 0; v && k < v->n_verdicts; k++) {
		const struct ir_vmap_verdict *vd = &v->verdicts[k];

		if ((vd->kind == IR_TARGET_JUMP || vd->kind == IR_TARGET_GOTO) && !i--)
			return vd->chain;
	}
	return NULL;
}

unsigned int ir_lookup_field(const struct ir_match_lookup *l, unsigned int i,
			     enum ir_family family, unsigned int *off, unsigned int *len)
{
	unsigned int at = 0, n = 0;

	for (unsigned int k = 0; k < l->n_keys; k++) {
		n = ir_key_len(l->keys[k], family);
		if (k == i) {
			*off = at;
			*len = n;
		}
		if (k + 1 < l->n_keys)
			at += n;
	}
	return at + n;
}

bool ir_lookup_has_key(const struct ir_match_lookup *l, enum ir_key key)
{
	for (unsigned int k = 0; k < l->n_keys; k++)
		if (l->keys[k] == key)
			return true;
	return false;
}

unsigned int ir_key_len(enum ir_key key, enum ir_family family)
{
	switch (key) {
	case IR_KEY_SADDR:
	case IR_KEY_DADDR:
		return family == IR_FAMILY_IPV6 ? 16 : 4;
	case IR_KEY_SPORT:
	case IR_KEY_DPORT:
		return 2;
	case IR_KEY_IIFNAME:
	case IR_KEY_OIFNAME:
		return IFNAMSIZ;
	case IR_KEY_MARK:
		return 4;
	case IR_KEY_L4PROTO:
	case IR_KEY_CTSTATE:
	case IR_KEY_ICMP_TYPE:
	default:
		return 1;
	}
}

void ir_rule_free(struct ir_rule *r)
{
	if (!r)
		return;
	for (unsigned int i = 0; i < r->n_matches; i++)
		match_release(&r->matches[i]);
	free(r->matches);
	free(r);
}

struct ir_rule *ir_rule_clone(const struct ir_rule *r)
{
	struct ir_rule *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	*c = *r;
	c->matches = NULL;
	c->n_matches = 0;
	if (!r->n_matches)
		return c;
	c->matches = calloc(r->n_matches, sizeof(*c->matches));
	if (!c->matches)
		goto err;
	for (unsigned int i = 0; i < r->n_matches; i++) {
		c->matches[i] = r->matches[i];
		if (r->matches[i].kind == IR_MATCH_COMMENT) {
			c->matches[i].comment = strdup(r->matches[i].comment ?: "");
			if (!c->matches[i].comment) {
				c->matches[i].kind = IR_MATCH_TCP;
				c->n_matches = i + 1;
				goto err;
			}
		}
		if (r->matches[i].kind == IR_MATCH_RECENT) {
			c->matches[i].recent = malloc(sizeof(*c->matches[i].recent));
			if (!c->matches[i].recent) {
				c->matches[i].kind = IR_MATCH_TCP;
				c->n_matches = i + 1;
				goto err;
			}
			*c->matches[i].recent = *r->matches[i].recent;
		}
		if (r->matches[i].kind == IR_MATCH_RT && r->matches[i].rt.n_addrs) {
			size_t sz = r->matches[i].rt.n_addrs * sizeof(struct in6_addr);

			c->matches[i].rt.addrs = malloc(sz);
			if (!c->matches[i].rt.addrs) {
				c->matches[i].kind = IR_MATCH_TCP;
				c->n_matches = i + 1;
				goto err;
			}
			memcpy(c->matches[i].rt.addrs, r->matches[i].rt.addrs, sz);
		}
		if (r->matches[i].kind == IR_MATCH_LOOKUP &&
		    lookup_clone(&c->matches[i].lookup, &r->matches[i].lookup)) {
			c->matches[i].kind = IR_MATCH_TCP;
			c->n_matches = i + 1;
			goto err;
		}
		c->n_matches = i + 1;
	}
	return c;
err:
	ir_rule_free(c);
	return NULL;
}

int ir_rule_add_match(struct ir_rule *r, enum ir_match_kind kind, struct ir_match **out)
{
	struct ir_match *m = realloc(r->matches, (r->n_matches + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	r->matches = m;
	m = &r->matches[r->n_matches++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	if (kind == IR_MATCH_TCP || kind == IR_MATCH_UDP) {
		m->ports.sport.hi = UINT16_MAX;
		m->ports.dport.hi = UINT16_MAX;
	}
	if (kind == IR_MATCH_RECENT) {
		m->recent = calloc(1, sizeof(*m->recent));
		if (!m->recent) {
			r->n_matches--;
			return -ENOMEM;
		}
		strcpy(m->recent->name, "DEFAULT");
		m->recent->mask.s_addr = UINT32_MAX;
		memset(&m->recent->mask6, 0xff, sizeof(m->recent->mask6));
	}
	if (out)
		*out = m;
	return 0;
}

void ir_rule_free_last_match(struct ir_rule *r)
{
	if (r->n_matches)
		match_release(&r->matches[--r->n_matches]);
}

struct ir_match *ir_rule_find_match(const struct ir_rule *r, enum ir_match_kind kind)
{
	for (unsigned int i = 0; i < r->n_matches; i++)
		if (r->matches[i].kind == kind)
			return &r->matches[i];
	return NULL;
}

static bool match_equal(const struct ir_match *a, const struct ir_match *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case IR_MATCH_TCP:
	case IR_MATCH_UDP:
		return !memcmp(&a->ports, &b->ports, sizeof(a->ports));
	case IR_MATCH_ICMP:
	case IR_MATCH_ICMP6:
		return a->icmp.type == b->icmp.type && a->icmp.code_lo == b->icmp.code_lo &&
		       a->icmp.code_hi == b->icmp.code_hi && a->icmp.invert == b->icmp.invert;
	case IR_MATCH_COMMENT:
		return !strcmp(a->comment ?: "", b->comment ?: "");
	case IR_MATCH_CONNTRACK:
	case IR_MATCH_STATE:
		return a->ct.states == b->ct.states && a->ct.invert == b->ct.invert;
	case IR_MATCH_ADDRTYPE:
		return !memcmp(&a->addrtype, &b->addrtype, sizeof(a->addrtype));
	case IR_MATCH_IPRANGE:
		return !memcmp(&a->iprange, &b->iprange, sizeof(a->iprange));
	case IR_MATCH_LENGTH:
		return !memcmp(&a->length, &b->length, sizeof(a->length));
	case IR_MATCH_TTL:
	case IR_MATCH_HL:
		return a->ttl.mode == b->ttl.mode && a->ttl.value == b->ttl.value;
	case IR_MATCH_RECENT:
		return !memcmp(a->recent, b->recent, sizeof(*a->recent));
	case IR_MATCH_LIMIT:
		return a->limit.avg == b->limit.avg && a->limit.burst == b->limit.burst &&
		       a->limit.rate == b->limit.rate && a->limit.per == b->limit.per &&
		       a->limit.over == b->limit.over;
	case IR_MATCH_MULTIPORT:
		return a->mport.which == b->mport.which && a->mport.invert == b->mport.invert &&
		       a->mport.n == b->mport.n &&
		       !memcmp(a->mport.ports, b->mport.ports, a->mport.n * sizeof(a->mport.ports[0]));
	case IR_MATCH_RT:
		return a->rt.flags == b->rt.flags && a->rt.invflags == b->rt.invflags &&
		       a->rt.type == b->rt.type && a->rt.segs_lo == b->rt.segs_lo &&
		       a->rt.segs_hi == b->rt.segs_hi && a->rt.len == b->rt.len &&
		       a->rt.n_addrs == b->rt.n_addrs &&
		       (!a->rt.n_addrs ||
			!memcmp(a->rt.addrs, b->rt.addrs, a->rt.n_addrs * sizeof(*a->rt.addrs)));
	case IR_MATCH_MAC:
		return !memcmp(a->mac.addr, b->mac.addr, sizeof(a->mac.addr)) &&
		       a->mac.invert == b->mac.invert;
	case IR_MATCH_MARK:
		return a->mark.mark == b->mark.mark && a->mark.mask == b->mark.mask &&
		       a->mark.invert == b->mark.invert;
	case IR_MATCH_PKTTYPE:
		return a->pkttype.type == b->pkttype.type && a->pkttype.invert == b->pkttype.invert;
	case IR_MATCH_OWNER:
		return !memcmp(&a->owner, &b->owner, sizeof(a->owner));
	case IR_MATCH_SET:
		return !strcmp(a->set.name, b->set.name) && a->set.dim == b->set.dim &&
		       a->set.src == b->set.src && a->set.invert == b->set.invert;
	case IR_MATCH_LOOKUP:
		return a->lookup.n_keys == b->lookup.n_keys &&
		       !memcmp(a->lookup.keys, b->lookup.keys,
			       a->lookup.n_keys * sizeof(a->lookup.keys[0])) &&
		       a->lookup.flags == b->lookup.flags &&
		       a->lookup.invert == b->lookup.invert &&
		       a->lookup.n_elems == b->lookup.n_elems &&
		       a->lookup.n_verdicts == b->lookup.n_verdicts &&
		       !memcmp(a->lookup.elems, b->lookup.elems,
			       a->lookup.n_elems * sizeof(*a->lookup.elems)) &&
		       (!a->lookup.n_verdicts ||
			!memcmp(a->lookup.verdicts, b->lookup.verdicts,
				a->lookup.n_verdicts * sizeof(*a->lookup.verdicts)));
	default:
		return false;
	}
}

static bool ipspec_equal(const struct ir_ipspec *a, const struct ir_ipspec *b)
{
	return !memcmp(&a->src, &b->src, sizeof(a->src)) &&
	       !memcmp(&a->dst, &b->dst, sizeof(a->dst)) &&
	       !strncmp(a->iif, b->iif, IFNAMSIZ) && !strncmp(a->oif, b->oif, IFNAMSIZ) &&
	       a->proto == b->proto && a->frag == b->frag && a->invflags == b->invflags;
}

bool ir_rule_equal(const struct ir_rule *a, const struct ir_rule *b)
{
	if (!ipspec_equal(&a->ip, &b->ip) || a->n_matches != b->n_matches)
		return false;
	if (a->target.kind != b->target.kind || a->nfproto != b->nfproto || a->nft != b->nft)
		return false;
	if (a->target.kind == IR_TARGET_REJECT && a->target.reject != b->target.reject)
		return false;
	if (a->target.kind == IR_TARGET_LOG &&
	    (strcmp(a->target.log.prefix, b->target.log.prefix) ||
	     a->target.log.level != b->target.log.level || a->target.log.flags != b->target.log.flags))
		return false;
	if ((a->target.kind == IR_TARGET_JUMP || a->target.kind == IR_TARGET_GOTO) &&
	    strcmp(a->target.chain, b->target.chain))
		return false;
	for (unsigned int i = 0; i < a->n_matches; i++)
		if (!match_equal(&a->matches[i], &b->matches[i]))
			return false;
	return true;
}

static struct ir_chain *chain_new(const char *name, enum ir_hook hook)
{
	struct ir_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->hook = hook;
	c->policy = IR_VERDICT_ACCEPT;
	c->policy_slot = IR_SLOT_NONE;
	return c;
}

static void chain_free(struct ir_chain *c)
{
	if (!c)
		return;
	ir_chain_flush(c);
	free(c->rules);
	free(c);
}

bool ir_chain_is_builtin(const struct ir_chain *c)
{
	return c->hook != IR_HOOK_NONE;
}

void ir_table_free(struct ir_table *t)
{
	if (!t)
		return;
	for (unsigned int i = 0; i < t->n_chains; i++)
		chain_free(t->chains[i]);
	free(t->chains);
	free(t);
}

static struct ir_table *table_new(enum ir_family family, enum ir_table_id id)
{
	const struct table_layout *l = &layouts[id];
	struct ir_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->family = family;
	t->id = id;
	for (unsigned int i = 0; i < l->n_hooks; i++) {
		struct ir_chain *c = chain_new(hook_names[l->hooks[i]], l->hooks[i]);

		if (!c || grow(&t->chains, t->n_chains, &t->cap_chains)) {
			chain_free(c);
			ir_table_free(t);
			return NULL;
		}
		t->chains[t->n_chains++] = c;
	}
	return t;
}

struct ir_ruleset *ir_ruleset_new(void)
{
	return calloc(1, sizeof(struct ir_ruleset));
}

void ir_ruleset_free(struct ir_ruleset *rs)
{
	if (!rs)
		return;
	for (int f = 0; f < IR_FAMILY_MAX; f++)
		for (int i = 0; i < IR_TABLE_MAX; i++)
			ir_table_free(rs->tables[f][i]);
	for (unsigned int i = 0; i < rs->n_nft; i++)
		ir_table_free(rs->nft[i]);
	free(rs->nft);
	free(rs->sets);
	free(rs);
}

static struct ir_chain *chain_clone(const struct ir_chain *c)
{
	struct ir_chain *n = chain_new(c->name, c->hook);

	if (!n)
		return NULL;
	n->policy = c->policy;
	n->priority = c->priority;
	n->policy_slot = c->policy_slot;
	n->counter = c->counter;
	n->counter_given = c->counter_given;
	for (unsigned int i = 0; i < c->n_rules; i++) {
		struct ir_rule *r = ir_rule_clone(c->rules[i]);

		if (!r || ir_chain_insert(n, n->n_rules, r)) {
			ir_rule_free(r);
			chain_free(n);
			return NULL;
		}
	}
	return n;
}

struct ir_table *ir_table_clone(const struct ir_table *t)
{
	struct ir_table *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->family = t->family;
	n->id = t->id;
	memcpy(n->name, t->name, sizeof(n->name));
	n->nft_family = t->nft_family;
	for (unsigned int i = 0; i < t->n_chains; i++) {
		struct ir_chain *c = chain_clone(t->chains[i]);

		if (!c || grow(&n->chains, n->n_chains, &n->cap_chains)) {
			chain_free(c);
			ir_table_free(n);
			return NULL;
		}
		n->chains[n->n_chains++] = c;
	}
	return n;
}

struct ir_ruleset *ir_ruleset_clone(const struct ir_ruleset *rs)
{
	struct ir_ruleset *n = ir_ruleset_new();

	if (!n)
		return NULL;
	for (int f = 0; f < IR_FAMILY_MAX; f++) {
		for (int i = 0; i < IR_TABLE_MAX; i++) {
			if (!rs->tables[f][i])
				continue;
			n->tables[f][i] = ir_table_clone(rs->tables[f][i]);
			if (!n->tables[f][i]) {
				ir_ruleset_free(n);
				return NULL;
			}
		}
	}
	for (unsigned int i = 0; i < rs->n_sets; i++) {
		if (ir_set_add(n, &rs->sets[i])) {
			ir_ruleset_free(n);
			return NULL;
		}
	}
	n->set_seq = rs->set_seq;
	if (rs->n_nft) {
		n->nft = calloc(rs->n_nft, sizeof(*n->nft));
		if (!n->nft) {
			ir_ruleset_free(n);
			return NULL;
		}
		for (; n->n_nft < rs->n_nft; n->n_nft++) {
			n->nft[n->n_nft] = ir_table_clone(rs->nft[n->n_nft]);
			if (!n->nft[n->n_nft]) {
				ir_ruleset_free(n);
				return NULL;
			}
		}
	}
	return n;
}

int ir_table_get(struct ir_ruleset *rs, enum ir_family family, enum ir_table_id id,
		 struct ir_table **out)
{
	if (family >= IR_FAMILY_MAX || id >= IR_TABLE_MAX)
		return -EINVAL;
	if (!rs->tables[family][id]) {
		rs->tables[family][id] = table_new(family, id);
		if (!rs->tables[family][id])
			return -ENOMEM;
	}
	*out = rs->tables[family][id];
	return 0;
}

void ir_table_flush(struct ir_table *t)
{
	unsigned int kept = 0;

	for (unsigned int i = 0; i < t->n_chains; i++) {
		struct ir_chain *c = t->chains[i];

		if (ir_chain_is_builtin(c)) {
			ir_chain_flush(c);
			t->chains[kept++] = c;
		} else {
			chain_free(c);
		}
	}
	t->n_chains = kept;
}

struct ir_chain *ir_chain_find(const struct ir_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_chains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	return NULL;
}

int ir_chain_add(struct ir_table *t, const char *name, struct ir_chain **out)
{
	struct ir_chain *c;

	if (!name[0] || strlen(name) >= IR_CHAIN_MAXNAMELEN)
		return -EINVAL;
	if (ir_chain_find(t, name))
		return -EEXIST;
	if (grow(&t->chains, t->n_chains, &t->cap_chains))
		return -ENOMEM;
	c = chain_new(name, IR_HOOK_NONE);
	if (!c)
		return -ENOMEM;
	t->chains[t->n_chains++] = c;
	if (out)
		*out = c;
	return 0;
}

int ir_chain_del(struct ir_table *t, struct ir_chain *c)
{
	unsigned int i;

	if (ir_chain_is_builtin(c) && !t->name[0])	/* an nftables base chain may go */
		return -EPERM;
	if (ir_chain_refcount(t, c->name))
		return -EMLINK;
	if (c->n_rules)
		return -ENOTEMPTY;
	for (i = 0; i < t->n_chains && t->chains[i] != c; i++)
		;
	if (i == t->n_chains)
		return -ENOENT;
	memmove(&t->chains[i], &t->chains[i + 1], (t->n_chains - i - 1) * sizeof(c));
	t->n_chains--;
	chain_free(c);
	return 0;
}

int ir_chain_rename(struct ir_table *t, struct ir_chain *c, const char *name)
{
	if (ir_chain_is_builtin(c))
		return -EPERM;
	if (!name[0] || strlen(name) >= IR_CHAIN_MAXNAMELEN)
		return -EINVAL;
	if (ir_chain_find(t, name))
		return -EEXIST;
	for (unsigned int i = 0; i < t->n_chains; i++) {
		struct ir_chain *o = t->chains[i];

		for (unsigned int j = 0; j < o->n_rules; j++) {
			struct ir_rule *r = o->rules[j];
			const char *to;

			for (unsigned int k = 0; (to = ir_rule_jump_at(r, k)); k++)
				if (!strcmp(to, c->name))
					strcpy((char *)to, name);	/* a name in @r itself */
		}
	}
	strcpy(c->name, name);
	return 0;
}

unsigned int ir_chain_refcount(const struct ir_table *t, const char *name)
{
	unsigned int refs = 0;

	for (unsigned int i = 0; i < t->n_chains; i++) {
		const struct ir_chain *c = t->chains[i];

		for (unsigned int j = 0; j < c->n_rules; j++) {
			const char *to;

			for (unsigned int k = 0; (to = ir_rule_jump_at(c->rules[j], k)); k++)
				refs += !strcmp(to, name);
		}
	}
	return refs;
}

int ir_chain_insert(struct ir_chain *c, unsigned int pos, struct ir_rule *r)
{
	if (pos > c->n_rules)
		return -E2BIG;
	if (grow(&c->rules, c->n_rules, &c->cap_rules))
		return -ENOMEM;
	memmove(&c->rules[pos + 1], &c->rules[pos], (c->n_rules - pos) * sizeof(r));
	c->rules[pos] = r;
	c->n_rules++;
	return 0;
}

void ir_chain_remove(struct ir_chain *c, unsigned int pos)
{
	if (pos >= c->n_rules)
		return;
	ir_rule_free(c->rules[pos]);
	memmove(&c->rules[pos], &c->rules[pos + 1], (c->n_rules - pos - 1) * sizeof(c->rules[0]));
	c->n_rules--;
}

void ir_chain_replace(struct ir_chain *c, unsigned int pos, struct ir_rule *r)
{
	if (pos >= c->n_rules)
		return;
	ir_rule_free(c->rules[pos]);
	c->rules[pos] = r;
}

void ir_chain_flush(struct ir_chain *c)
{
	for (unsigned int i = 0; i < c->n_rules; i++)
		ir_rule_free(c->rules[i]);
	c->n_rules = 0;
}

int ir_chain_find_rule(const struct ir_chain *c, const struct ir_rule *r)
{
	for (unsigned int i = 0; i < c->n_rules; i++)
		if (ir_rule_equal(c->rules[i], r))
			return (int)i;
	return -1;
}
