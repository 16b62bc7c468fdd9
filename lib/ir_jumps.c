// SPDX-License-Identifier: GPL-2.0
/*
 * Jump graph checks: every path of jumps from a built-in chain must end
 * (no loops) and must not nest deeper than the programs can call.  Like
 * nf_tables, only chains reachable from a built-in chain are checked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ir.h"

struct walk {
	const struct ir_table *t;
	unsigned int max_depth;
	unsigned char *on_path;		/* per chain index: being walked */
	unsigned int *depth_done;	/* per chain index: deepest nesting below + 1, 0 = unknown */
	struct bpfw_err *err;
};

static int chain_index(const struct ir_table *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_chains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return (int)i;
	return -1;
}

/* Depth of the user-chain nesting below chain @ci, in *@depth. */
static int walk_chain(struct walk *w, int ci, unsigned int level, unsigned int *depth)
{
	const struct ir_chain *c = w->t->chains[ci];
	unsigned int deepest = 0;
	int ret = 0;

	if (w->depth_done[ci]) {
		*depth = w->depth_done[ci] - 1;
		goto check;
	}
	w->on_path[ci] = 1;
	for (unsigned int i = 0; i < c->n_rules; i++) {
		const char *to;

		for (unsigned int k = 0; (to = ir_rule_jump_at(c->rules[i], k)); k++) {
			unsigned int below;
			int ti = chain_index(w->t, to);

			if (ti < 0)
				continue;	/* dangling jumps are the front end's error */
			if (w->on_path[ti]) {
				ret = bpfw_errf(w->err, BPFW_EXIT_OTHER, ELOOP,
						"Too many links: chain %s jumps back to chain %s",
						c->name, to);
				goto out;
			}
			ret = walk_chain(w, ti, level + 1, &below);
			if (ret)
				goto out;
			if (below + 1 > deepest)
				deepest = below + 1;
		}
	}
	w->depth_done[ci] = deepest + 1;
	*depth = deepest;
check:
	if (level + *depth > w->max_depth)
		ret = bpfw_errf(w->err, BPFW_EXIT_OTHER, E2BIG,
				"Chain %s: jumps nest deeper than %u chains", c->name,
				w->max_depth);
out:
	w->on_path[ci] = 0;
	return ret;
}

int ir_table_check_jumps(const struct ir_table *t, unsigned int max_depth, struct bpfw_err *err)
{
	struct walk w = { .t = t, .max_depth = max_depth, .err = err };
	int ret = 0;

	w.on_path = calloc(t->n_chains ? t->n_chains : 1, 1);
	w.depth_done = calloc(t->n_chains ? t->n_chains : 1, sizeof(*w.depth_done));
	if (!w.on_path || !w.depth_done) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		goto out;
	}
	for (unsigned int i = 0; i < t->n_chains && !ret; i++) {
		unsigned int depth;

		if (ir_chain_is_builtin(t->chains[i]))
			ret = walk_chain(&w, (int)i, 0, &depth);
	}
out:
	free(w.on_path);
	free(w.depth_done);
	return ret;
}
