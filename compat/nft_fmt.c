// SPDX-License-Identifier: GPL-2.0
/*
 * nft's list format of the rule set: iptables' own tables as
 * "table ip filter" and "table ip6 filter" and "table ip raw" (as
 * iptables-nft makes them), then the nftables tables, each with its sets
 * and chains.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/nft.h"

static const char *const fam_names[IR_NFT_FAMILY_MAX] = { "ip", "ip6", "inet" };
static const char *const hook_names[IR_HOOK_MAX] = {
	"prerouting", "input", "forward", "output", "postrouting",
};

static const char *table_family(const struct ir_table *t)
{
	if (t->name[0])
		return fam_names[t->nft_family];
	return t->family == IR_FAMILY_IPV6 ? "ip6" : "ip";
}

static const char *table_name(const struct ir_table *t)
{
	return t->name[0] ? t->name : ir_table_name(t->id);
}

/* The set's name in its table, or NULL if @s is not one of @t's sets. */
static const char *set_short_name(const struct ir_table *t, const struct ir_set *s)
{
	char prefix[IR_NFT_NAMELEN + 16];

	snprintf(prefix, sizeof(prefix), "%s:%s:", table_family(t), table_name(t));
	if (strncmp(s->name, prefix, strlen(prefix)))
		return NULL;
	return s->name + strlen(prefix);
}

static void put_set(FILE *f, const struct ir_set *s, const char *name,
		    const struct nft_fmt_opts *o)
{
	char *elems = NULL;
	size_t len = 0;
	FILE *m;

	fprintf(f, "\tset %s {\n", name);
	fprintf(f, "\t\ttype %s\n", s->family == IR_FAMILY_IPV6 ? "ipv6_addr" : "ipv4_addr");
	if (s->type == IR_SET_HASH_NET)
		fputs("\t\tflags interval\n", f);
	if (o && o->elems && !(o->flags & NFT_F_STATE)) {
		m = open_memstream(&elems, &len);
		if (m) {
			o->elems(o->elems_arg, s, m);
			if (!fclose(m) && len)
				fprintf(f, "\t\telements = { %s }\n", elems);
			free(elems);
		}
	}
	fputs("\t}\n", f);
}

static void put_chain(FILE *f, const struct ir_table *t, const struct ir_chain *c,
		      const struct nft_fmt_opts *o)
{
	unsigned int flags = o ? o->flags : 0;
	bool state = flags & NFT_F_STATE;

	fprintf(f, "\tchain %s {", c->name);
	if (state && c->hook != IR_HOOK_NONE && c->policy_slot != IR_SLOT_NONE)
		fprintf(f, " # handle %u", c->policy_slot + 1);
	fputc('\n', f);
	if (c->hook != IR_HOOK_NONE && c->hook < IR_HOOK_MAX) {
		int32_t prio = t->name[0] ? c->priority : t->id == IR_TABLE_RAW ? -300 :
			       IR_PRIO_FILTER, off;
		const char *name = nft_priority_name(prio, &off);

		fprintf(f, "\t\ttype filter hook %s priority ", hook_names[c->hook]);
		/* as nft: a name valid at the hook, maybe +/- up to 10, else the number */
		if (state || off > 10 || off < -10 || !strcmp(name, "srcnat") ||
		    (!strcmp(name, "dstnat") && c->hook != IR_HOOK_PREROUTING))
			fprintf(f, "%d", prio);
		else if (off)
			fprintf(f, "%s %c %d", name, off < 0 ? '-' : '+', off < 0 ? -off : off);
		else
			fputs(name, f);
		fprintf(f, "; policy %s;\n", c->policy == IR_VERDICT_DROP ? "drop" : "accept");
	}
	for (unsigned int i = 0; i < c->n_rules; i++) {
		fputs("\t\t", f);
		nft_fmt_rule(f, t, c->rules[i], o);
		fputc('\n', f);
	}
	fputs("\t}\n", f);
}

/* The table's body: sets, then chains, a blank line between. */
static void put_table(FILE *f, const struct ir_ruleset *rs, const struct ir_table *t,
		      const struct ir_chain *only_chain, const struct ir_set *only_set,
		      const struct nft_fmt_opts *o)
{
	bool first = true;

	fprintf(f, "table %s %s {\n", table_family(t), table_name(t));
	for (unsigned int i = 0; i < rs->n_sets && !only_chain; i++) {
		const char *name = set_short_name(t, &rs->sets[i]);

		if (!name || (only_set && only_set != &rs->sets[i]))
			continue;
		if (!first)
			fputc('\n', f);
		first = false;
		put_set(f, &rs->sets[i], name, o);
	}
	for (unsigned int i = 0; i < t->n_chains && !only_set; i++) {
		if (only_chain && only_chain != t->chains[i])
			continue;
		if (!first)
			fputc('\n', f);
		first = false;
		put_chain(f, t, t->chains[i], o);
	}
	fputs("}\n", f);
}

int nft_fmt_table(FILE *f, const struct ir_ruleset *rs, const struct ir_table *t,
		  const struct nft_fmt_opts *o)
{
	put_table(f, rs, t, NULL, NULL, o);
	return ferror(f) ? -EIO : 0;
}

int nft_fmt_chain(FILE *f, const struct ir_ruleset *rs, const struct ir_table *t,
		  const struct ir_chain *c, const struct nft_fmt_opts *o)
{
	put_table(f, rs, t, c, NULL, o);
	return ferror(f) ? -EIO : 0;
}

int nft_fmt_set(FILE *f, const struct ir_table *t, const struct ir_set *s,
		const struct nft_fmt_opts *o)
{
	const char *name = set_short_name(t, s);

	fprintf(f, "table %s %s {\n", table_family(t), table_name(t));
	put_set(f, s, name ? name : s->name, o);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

int nft_fmt_ruleset(FILE *f, const struct ir_ruleset *rs, const struct nft_fmt_opts *o)
{
	for (int fam = 0; fam < IR_FAMILY_MAX; fam++)
		for (int id = 0; id < IR_TABLE_MAX; id++)
			if (rs->tables[fam][id])
				put_table(f, rs, rs->tables[fam][id], NULL, NULL, o);
	for (unsigned int i = 0; i < rs->n_nft; i++)
		put_table(f, rs, rs->nft[i], NULL, NULL, o);
	return ferror(f) ? -EIO : 0;
}

int nft_state_write(FILE *f, const struct ir_ruleset *rs)
{
	const struct nft_fmt_opts o = { .flags = NFT_F_STATE };

	if (!rs->n_nft)
		return 0;
	fputs(NFT_STATE_TAG, f);
	for (unsigned int i = 0; i < rs->n_nft; i++)
		put_table(f, rs, rs->nft[i], NULL, NULL, &o);
	return ferror(f) ? -EIO : 0;
}
