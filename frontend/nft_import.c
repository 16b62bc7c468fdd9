// SPDX-License-Identifier: GPL-2.0
/*
 * An nf_tables rule set into bpfw's tables.  Filter base chains at input,
 * forward and output become the filter table's built-in chains of their
 * family (an inet table's of both), filter chains at prerouting the raw
 * table's PREROUTING; regular chains become user chains.  Where a hook has
 * several base chains they become user chains called from the built-in
 * chain in priority order, which is only the same filter when no chain
 * accepts what a later one could drop (nf_tables' accept ends one base
 * chain, iptables' the whole hook); otherwise the later chains are refused.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/nft_import.h"
#include "nft_import_internal.h"

#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

/* One nf_tables chain as it is imported into one family. */
struct ichain {
	const char *table, *name;
	uint32_t nfproto;
	bool base;
	enum ir_hook hook;
	int32_t prio;
	enum ir_verdict policy;
	enum ir_table_id tid;
	char ir_name[IR_CHAIN_MAXNAMELEN];	/* the built-in's name for a lone base chain */
	bool builtin;				/* its rules go into the built-in chain */
	bool skip;				/* left out */
	bool accepts, drops;			/* what its rules can do, for the order check */
	unsigned int n_rules;			/* rules in the dump */
};

struct imp {
	const struct nft_dump *d;
	struct ir_ruleset *rs;
	struct nft_import_report *rep;
	enum ir_family family;
	struct ichain *ch;
	unsigned int n_ch;
	const char *cur_table;		/* the table whose rule is translated */
	uint32_t cur_nfproto;
	enum ir_table_id cur_tid;
};

static const char *family_name(uint32_t nfproto)
{
	switch (nfproto) {
	case NFPROTO_IPV4:
		return "ip";
	case NFPROTO_IPV6:
		return "ip6";
	case NFPROTO_INET:
		return "inet";
	case NFPROTO_ARP:
		return "arp";
	case NFPROTO_BRIDGE:
		return "bridge";
	case NFPROTO_NETDEV:
		return "netdev";
	default:
		return "?";
	}
}

static bool covers(uint32_t nfproto, enum ir_family f)
{
	return nfproto == NFPROTO_INET ||
	       nfproto == (f == IR_FAMILY_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
}

static const char *fam_tag(const struct imp *m, uint32_t nfproto)
{
	if (nfproto != NFPROTO_INET)
		return "";
	return m->family == IR_FAMILY_IPV4 ? " (IPv4)" : " (IPv6)";
}

static enum ir_hook hook_of(uint32_t hooknum)
{
	switch (hooknum) {
	case NF_INET_PRE_ROUTING:
		return IR_HOOK_PREROUTING;
	case NF_INET_LOCAL_IN:
		return IR_HOOK_INPUT;
	case NF_INET_FORWARD:
		return IR_HOOK_FORWARD;
	case NF_INET_LOCAL_OUT:
		return IR_HOOK_OUTPUT;
	case NF_INET_POST_ROUTING:
		return IR_HOOK_POSTROUTING;
	default:
		return IR_HOOK_NONE;
	}
}

static int chain_collect(struct nftnl_chain *c, void *data)
{
	struct imp *m = data;
	uint32_t nfproto = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
	struct ichain *more, *ic;

	if (!covers(nfproto, m->family))
		return 0;
	more = realloc(m->ch, (m->n_ch + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	m->ch = more;
	ic = &m->ch[m->n_ch++];
	memset(ic, 0, sizeof(*ic));
	ic->table = nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE);
	ic->name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
	ic->nfproto = nfproto;
	ic->hook = IR_HOOK_NONE;
	ic->tid = IR_TABLE_FILTER;
	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM))
		return 0;
	ic->base = true;
	ic->prio = (int32_t)nftnl_chain_get_u32(c, NFTNL_CHAIN_PRIO);
	ic->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) &&
		     nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP ?
		     IR_VERDICT_DROP : IR_VERDICT_ACCEPT;
	ic->hook = hook_of(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM));
	if (nftnl_chain_is_set(c, NFTNL_CHAIN_TYPE) &&
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE), "filter")) {
		ic->skip = true;
		return nft_report_add(m->rep, "table %s %s, chain %s%s: a base chain of type %s "
				      "(bpfw filters only: it has no NAT and no rerouting)",
				      family_name(nfproto), ic->table, ic->name,
				      fam_tag(m, nfproto),
				      nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
	}
	if (ic->hook == IR_HOOK_NONE || ic->hook == IR_HOOK_POSTROUTING) {
		ic->skip = true;
		return nft_report_add(m->rep, "table %s %s, chain %s%s: hook %s (bpfw filters at "
				      "prerouting, input, forward and output)",
				      family_name(nfproto), ic->table, ic->name,
				      fam_tag(m, nfproto), ic->hook == IR_HOOK_POSTROUTING ?
				      "postrouting" : "ingress or egress");
	}
	if (ic->hook == IR_HOOK_PREROUTING)
		ic->tid = IR_TABLE_RAW;
	return 0;
}

static int prio_cmp(const void *a, const void *b)
{
	const struct ichain *const *x = a, *const *y = b;

	if ((*x)->prio != (*y)->prio)
		return (*x)->prio < (*y)->prio ? -1 : 1;
	return *x < *y ? -1 : *x > *y;	/* tables in the kernel's order */
}

static bool name_taken(const struct imp *m, const struct ichain *self, enum ir_table_id tid,
		       const char *name)
{
	if (ir_chain_name_is_hook(tid, name))
		return true;
	for (unsigned int i = 0; i < m->n_ch; i++)
		if (&m->ch[i] != self && m->ch[i].ir_name[0] && m->ch[i].tid == tid &&
		    !m->ch[i].builtin && !strcmp(m->ch[i].ir_name, name))
			return true;
	return false;
}

/* A user chain's name: the nft chain's, or "TABLE-CHAIN" if that is taken. */
static int name_user_chain(struct imp *m, struct ichain *ic)
{
	char name[IR_CHAIN_MAXNAMELEN];
	int n;

	n = snprintf(name, sizeof(name), "%s", ic->name);
	if (n >= (int)sizeof(name) || name_taken(m, ic, ic->tid, name))
		n = snprintf(name, sizeof(name), "%s-%s", ic->table, ic->name);
	if (n >= (int)sizeof(name) || name_taken(m, ic, ic->tid, name)) {
		ic->skip = true;
		return nft_report_add(m->rep, "table %s %s, chain %s%s: no free user chain name "
				      "of at most %d characters for it", family_name(ic->nfproto),
				      ic->table, ic->name, fam_tag(m, ic->nfproto),
				      IR_CHAIN_MAXNAMELEN - 1);
	}
	strcpy(ic->ir_name, name);
	return 0;
}

/* Names of every chain of this family: lone base chains are the built-in ones. */
static int name_chains(struct imp *m)
{
	int ret = 0;

	for (unsigned int i = 0; i < m->n_ch && !ret; i++) {
		struct ichain *ic = &m->ch[i];
		unsigned int same = 0;

		if (!ic->base || ic->skip)
			continue;
		for (unsigned int j = 0; j < m->n_ch; j++)
			same += m->ch[j].base && !m->ch[j].skip && m->ch[j].hook == ic->hook;
		if (same == 1) {
			ic->builtin = true;
			strcpy(ic->ir_name, ir_hook_name(ic->hook));
		}
	}
	for (unsigned int i = 0; i < m->n_ch && !ret; i++)
		if (!m->ch[i].skip && !m->ch[i].builtin)
			ret = name_user_chain(m, &m->ch[i]);
	return ret;
}

static struct ichain *ichain_find(struct imp *m, uint32_t nfproto, const char *table,
				  const char *name)
{
	for (unsigned int i = 0; i < m->n_ch; i++)
		if (m->ch[i].nfproto == nfproto && !strcmp(m->ch[i].table, table) &&
		    !strcmp(m->ch[i].name, name))
			return &m->ch[i];
	return NULL;
}

static const char *jump_name(const char *nft_chain, void *arg)
{
	struct imp *m = arg;
	struct ichain *ic = ichain_find(m, m->cur_nfproto, m->cur_table, nft_chain);

	return ic && !ic->skip && !ic->base && ic->tid == m->cur_tid ? ic->ir_name : NULL;
}

/* A named set as one of bpfw's sets (nft_import_set.c). */
static int set_name(struct nftnl_set *s, enum ir_family family, char *name, char *why,
		    size_t why_len, void *arg)
{
	struct imp *m = arg;

	return nx_named_set(m->rep, m->rs, m->cur_nfproto, m->cur_table, s, family, name, why,
			    why_len);
}

/* The IR chain of @ic in @t, created as a user chain if it is not a built-in. */
static int ir_chain_of(struct imp *m, struct ichain *ic, struct ir_chain **out)
{
	struct ir_table *t;
	int ret = ir_table_get(m->rs, m->family, ic->tid, &t);

	if (ret)
		return ret;
	*out = ir_chain_find(t, ic->ir_name);
	if (*out)
		return 0;
	return ir_chain_add(t, ic->ir_name, out);
}

/* Regular chains go into the IR table of the base chains of their table. */
static void place_regular_chains(struct imp *m)
{
	for (unsigned int i = 0; i < m->n_ch; i++) {
		struct ichain *ic = &m->ch[i];
		bool filter = false, raw = false;

		if (ic->base)
			continue;
		for (unsigned int j = 0; j < m->n_ch; j++) {
			const struct ichain *b = &m->ch[j];

			if (b->base && !b->skip && b->nfproto == ic->nfproto &&
			    !strcmp(b->table, ic->table)) {
				filter |= b->tid == IR_TABLE_FILTER;
				raw |= b->tid == IR_TABLE_RAW;
			}
		}
		ic->tid = raw && !filter ? IR_TABLE_RAW : IR_TABLE_FILTER;
	}
}

struct rule_walk {
	struct imp *m;
	struct bpfw_err *err;
	int ret;
};

static void note_targets(struct ichain *ic, struct ir_rule **rules, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		switch (rules[i]->target.kind) {
		case IR_TARGET_ACCEPT:
			ic->accepts = true;
			break;
		case IR_TARGET_JUMP:
		case IR_TARGET_GOTO:
			ic->accepts = ic->drops = true;
			break;
		case IR_TARGET_DROP:
		case IR_TARGET_REJECT:
		case IR_TARGET_LOG:
			ic->drops = true;
			break;
		default:
			break;
		}
	}
}

static int rule_import(struct nftnl_rule *rule, void *data)
{
	struct rule_walk *w = data;
	struct imp *m = w->m;
	const struct nft_xlate_ops ops = { jump_name, set_name, m };
	uint32_t nfproto = nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY);
	const char *table = nftnl_rule_get_str(rule, NFTNL_RULE_TABLE);
	struct ichain *ic;
	struct ir_rule **rules = NULL;
	unsigned int n = 0;
	struct ir_chain *c;
	char why[256];
	int ret;

	if (!covers(nfproto, m->family))
		return 0;
	ic = ichain_find(m, nfproto, table, nftnl_rule_get_str(rule, NFTNL_RULE_CHAIN));
	if (!ic || ic->skip)
		return 0;
	m->cur_table = table;
	m->cur_nfproto = nfproto;
	m->cur_tid = ic->tid;
	ret = nft_rule_translate(m->d, rule, m->family, &ops, &rules, &n, why, sizeof(why));
	if (ret == -EOPNOTSUPP) {
		ret = nft_report_add(m->rep, "table %s %s, chain %s, rule handle %llu%s: %s",
				     family_name(nfproto), table, ic->name,
				     (unsigned long long)nftnl_rule_get_u64(rule,
									    NFTNL_RULE_HANDLE),
				     fam_tag(m, nfproto), why);
		goto out;
	}
	if (ret)
		goto out;
	note_targets(ic, rules, n);
	ret = ir_chain_of(m, ic, &c);
	for (unsigned int i = 0; i < n && !ret; i++) {
		ret = ir_chain_insert(c, c->n_rules, rules[i]);
		if (!ret)
			rules[i] = NULL;
	}
	if (!ret)
		m->rep->n_rules += n;
out:
	for (unsigned int i = 0; i < n; i++)
		ir_rule_free(rules[i]);
	free(rules);
	if (ret) {
		w->ret = ret;
		return -1;
	}
	return 0;
}

/*
 * Several base chains at one hook, in priority order, as user chains called
 * from the built-in chain; a later chain is refused when an earlier one
 * accepts and it could drop (nf_tables would still show it the packet).
 */
static int link_hook(struct imp *m, enum ir_table_id tid, enum ir_hook hook)
{
	struct ichain *list[64];
	struct ir_chain *builtin, *c;
	struct ir_table *t;
	unsigned int n = 0;
	bool earlier_accepts = false;
	int ret;

	for (unsigned int i = 0; i < m->n_ch && n < 64; i++)
		if (m->ch[i].base && !m->ch[i].skip && !m->ch[i].builtin && m->ch[i].hook == hook &&
		    m->ch[i].tid == tid)
			list[n++] = &m->ch[i];
	if (!n)
		return 0;
	qsort(list, n, sizeof(list[0]), prio_cmp);
	ret = ir_table_get(m->rs, m->family, tid, &t);
	if (ret)
		return ret;
	builtin = ir_chain_find(t, ir_hook_name(hook));
	for (unsigned int i = 0; i < n; i++) {
		struct ichain *ic = list[i];
		struct ir_rule *r;

		if (earlier_accepts && (ic->drops || ic->policy == IR_VERDICT_DROP)) {
			ic->skip = true;
			c = ir_chain_find(t, ic->ir_name);
			if (c)
				ir_chain_flush(c);
			ret = nft_report_add(m->rep, "table %s %s, chain %s%s: base chain at "
					     "priority %d after one that accepts: nf_tables "
					     "shows it the accepted packets, which it can drop, "
					     "but an accept in iptables' %s ends the hook",
					     family_name(ic->nfproto), ic->table, ic->name,
					     fam_tag(m, ic->nfproto), ic->prio,
					     ir_hook_name(hook));
			if (ret)
				return ret;
			continue;
		}
		earlier_accepts |= ic->accepts;
		ret = ir_chain_of(m, ic, &c);
		if (ret)
			return ret;
		if (ic->policy == IR_VERDICT_DROP && i + 1 < n) {
			/* a return in a base chain takes its policy, not the next chain */
			for (unsigned int j = 0; j < c->n_rules; j++)
				if (c->rules[j]->target.kind == IR_TARGET_RETURN)
					c->rules[j]->target.kind = IR_TARGET_DROP;
			r = ir_rule_new();
			if (!r)
				return -ENOMEM;
			r->target.kind = IR_TARGET_DROP;	/* its policy, before the next */
			ret = ir_chain_insert(c, c->n_rules, r);
			if (ret) {
				ir_rule_free(r);
				return ret;
			}
		}
		r = ir_rule_new();
		if (!r)
			return -ENOMEM;
		r->target.kind = IR_TARGET_JUMP;
		strcpy(r->target.chain, ic->ir_name);
		ret = ir_chain_insert(builtin, builtin->n_rules, r);
		if (ret) {
			ir_rule_free(r);
			return ret;
		}
		builtin->policy = ic->policy;
	}
	return 0;
}

/* Remove user chains that ended up refused (nothing may jump to them then). */
static void drop_skipped(struct imp *m)
{
	for (unsigned int i = 0; i < m->n_ch; i++) {
		struct ichain *ic = &m->ch[i];
		struct ir_table *t = m->rs->tables[m->family][ic->tid];
		struct ir_chain *c;

		if (!ic->skip || !t || !ic->ir_name[0] || ic->builtin)
			continue;
		c = ir_chain_find(t, ic->ir_name);
		if (c && !ir_chain_refcount(t, ic->ir_name)) {
			ir_chain_flush(c);
			ir_chain_del(t, c);
		}
	}
}

static int rule_count(struct nftnl_rule *rule, void *data)
{
	struct imp *m = data;
	struct ichain *ic;

	ic = ichain_find(m, nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY),
			 nftnl_rule_get_str(rule, NFTNL_RULE_TABLE),
			 nftnl_rule_get_str(rule, NFTNL_RULE_CHAIN));
	if (ic)
		ic->n_rules++;
	return 0;
}

/*
 * A base chain without rules whose policy is accept filters nothing: left
 * out (silently) unless it is its hook's only one, so that it does not turn
 * another base chain at its hook into a user chain.
 */
static void drop_empty_base_chains(struct imp *m)
{
	nftnl_rule_list_foreach(m->d->rules, rule_count, m);
	for (unsigned int i = 0; i < m->n_ch; i++) {
		struct ichain *ic = &m->ch[i];
		unsigned int others = 0;

		if (!ic->base || ic->skip || ic->n_rules || ic->policy != IR_VERDICT_ACCEPT)
			continue;
		for (unsigned int j = 0; j < m->n_ch; j++)
			others += j != i && m->ch[j].base && !m->ch[j].skip &&
				  m->ch[j].hook == ic->hook && m->ch[j].tid == ic->tid;
		if (others)
			ic->skip = true;
	}
}

static int import_family(struct imp *m, struct bpfw_err *err)
{
	struct rule_walk w = { .m = m, .err = err };
	int ret;

	ret = nftnl_chain_list_foreach(m->d->chains, chain_collect, m);
	if (ret)
		return -ENOMEM;
	drop_empty_base_chains(m);
	place_regular_chains(m);
	ret = name_chains(m);
	if (ret)
		return ret;
	/* every imported chain exists before a rule jumps to it */
	for (unsigned int i = 0; i < m->n_ch; i++) {
		struct ir_chain *c;

		if (m->ch[i].skip)
			continue;
		ret = ir_chain_of(m, &m->ch[i], &c);
		if (ret == -EINVAL) {
			m->ch[i].skip = true;
			ret = nft_report_add(m->rep, "table %s %s, chain %s%s: not a valid "
					     "iptables chain name", family_name(m->ch[i].nfproto),
					     m->ch[i].table, m->ch[i].name,
					     fam_tag(m, m->ch[i].nfproto));
			if (ret)
				return ret;
			continue;
		}
		if (ret)
			return ret;
		if (m->ch[i].builtin)
			c->policy = m->ch[i].policy;
		m->rep->n_chains++;
	}
	nftnl_rule_list_foreach(m->d->rules, rule_import, &w);
	if (w.ret)
		return w.ret;
	for (int tid = 0; tid < IR_TABLE_MAX; tid++)
		for (int h = 0; h < IR_HOOK_MAX; h++) {
			ret = link_hook(m, tid, h);
			if (ret)
				return ret;
		}
	drop_skipped(m);
	return 0;
}

static int table_check(struct nftnl_table *t, void *data)
{
	struct nft_import_report *rep = data;
	uint32_t f = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);

	if (f == NFPROTO_IPV4 || f == NFPROTO_IPV6 || f == NFPROTO_INET)
		return 0;
	return nft_report_add(rep, "table %s %s: bpfw filters ip, ip6 and inet tables only",
			      family_name(f), nftnl_table_get_str(t, NFTNL_TABLE_NAME));
}

int nft_import(const struct nft_dump *d, struct ir_ruleset *rs, struct nft_import_report *rep,
	       struct bpfw_err *err)
{
	int ret = nftnl_table_list_foreach(d->tables, table_check, rep);

	for (int f = 0; f < IR_FAMILY_MAX && !ret; f++) {
		struct imp m = { .d = d, .rs = rs, .rep = rep, .family = f };

		ret = import_family(&m, err);
		free(m.ch);
	}
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret, "Cannot import the rule set: %s",
				 strerror(-ret));
	return 0;
}
