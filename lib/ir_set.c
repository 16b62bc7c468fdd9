// SPDX-License-Identifier: GPL-2.0
/* ipset's set definitions in the rule set: find, add, remove, count their users. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ir.h"

struct ir_set *ir_set_find(const struct ir_ruleset *rs, const char *name)
{
	for (unsigned int i = 0; i < rs->n_sets; i++)
		if (!strcmp(rs->sets[i].name, name))
			return &rs->sets[i];
	return NULL;
}

int ir_set_add(struct ir_ruleset *rs, const struct ir_set *s)
{
	struct ir_set *n = realloc(rs->sets, (rs->n_sets + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rs->sets = n;
	rs->sets[rs->n_sets++] = *s;
	return 0;
}

void ir_set_del(struct ir_ruleset *rs, struct ir_set *s)
{
	unsigned int i = s - rs->sets;

	memmove(&rs->sets[i], &rs->sets[i + 1], (rs->n_sets - i - 1) * sizeof(*s));
	rs->n_sets--;
}

struct refs {
	const char *name;
	unsigned int n;
};

static int count_refs(const struct ir_rule *r, void *arg)
{
	struct refs *refs = arg;

	for (unsigned int i = 0; i < r->n_matches; i++)
		if (r->matches[i].kind == IR_MATCH_SET &&
		    !strcmp(r->matches[i].set.name, refs->name))
			refs->n++;
	return 0;
}

unsigned int ir_set_refcount(const struct ir_ruleset *rs, const char *name)
{
	struct refs refs = { name, 0 };

	for (int f = 0; f < IR_FAMILY_MAX; f++)
		ir_ruleset_for_each_rule(rs, f, count_refs, &refs);
	return refs.n;
}
