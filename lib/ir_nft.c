// SPDX-License-Identifier: GPL-2.0
/*
 * nftables tables of their own in the rule model: named tables of family
 * ip, ip6 or inet beside iptables' filter and raw tables, with base chains
 * hooked at a priority.  Their rules have iptables' shape (struct ir_rule);
 * an inet table's rule may be for one family only (ir_rule.nfproto).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ir.h"

struct ir_table *ir_nft_table_find(const struct ir_ruleset *rs, enum ir_nft_family family,
				   const char *name)
{
	for (unsigned int i = 0; i < rs->n_nft; i++)
		if (rs->nft[i]->nft_family == family && !strcmp(rs->nft[i]->name, name))
			return rs->nft[i];
	return NULL;
}

int ir_nft_table_add(struct ir_ruleset *rs, enum ir_nft_family family, const char *name,
		     struct ir_table **out)
{
	struct ir_table **more, *t;

	if (!name[0] || strlen(name) >= IR_NFT_NAMELEN || family >= IR_NFT_FAMILY_MAX)
		return -EINVAL;
	if (ir_nft_table_find(rs, family, name))
		return -EEXIST;
	t = calloc(1, sizeof(*t));
	more = realloc(rs->nft, (rs->n_nft + 1) * sizeof(*more));
	if (!t || !more) {
		free(t);
		if (more)
			rs->nft = more;
		return -ENOMEM;
	}
	rs->nft = more;
	t->family = family == IR_NFT_IP6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	t->id = IR_TABLE_FILTER;
	t->nft_family = family;
	strcpy(t->name, name);
	rs->nft[rs->n_nft++] = t;
	if (out)
		*out = t;
	return 0;
}

void ir_nft_table_del(struct ir_ruleset *rs, struct ir_table *t)
{
	for (unsigned int i = 0; i < rs->n_nft; i++) {
		if (rs->nft[i] != t)
			continue;
		memmove(&rs->nft[i], &rs->nft[i + 1], (rs->n_nft - i - 1) * sizeof(t));
		rs->n_nft--;
		ir_table_free(t);
		return;
	}
}

int ir_nft_base_chain_add(struct ir_table *t, const char *name, enum ir_hook hook,
			  int32_t priority, enum ir_verdict policy, struct ir_chain **out)
{
	struct ir_chain *c;
	int ret = ir_chain_add(t, name, &c);

	if (ret)
		return ret;
	c->hook = hook;
	c->priority = priority;
	c->policy = policy;
	if (out)
		*out = c;
	return 0;
}

bool ir_nft_table_has_family(const struct ir_table *t, enum ir_family family)
{
	if (t->nft_family == IR_NFT_INET)
		return true;
	return (t->nft_family == IR_NFT_IP6) == (family == IR_FAMILY_IPV6);
}
