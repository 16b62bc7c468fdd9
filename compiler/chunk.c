// SPDX-License-Identifier: GPL-2.0
/*
 * Chunks: a long chain of rules that cannot be folded into lookups is
 * emitted as a row of small subprograms ("chunks") called one after the
 * other, instead of as one long function.
 *
 * The verifier's stack liveness analysis runs over the whole function each
 * time it finishes a branch, so a function of N rules costs it time in N^2;
 * chunks of CG_CHUNK_RULES rules bring that down to N (chunks are larger
 * when there would be more than the kernel's 256 subprograms).  A chunk is one call
 * frame more, and BPF allows CG_MAX_FRAMES, so only chains that jump to no
 * other chain (and are not nested too deep themselves) are cut into chunks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgen_internal.h"

bool cg_chain_is_leaf(const struct ir_chain *ch)
{
	for (unsigned int i = 0; i < ch->n_rules; i++)
		if (ir_rule_jump_at(ch->rules[i], 0))
			return false;
	return true;
}

/* One step of a chain of family @fam: a folded or classified run, or one rule. */
static unsigned int step_of(const struct ir_chain *ch, unsigned int i, bool leaf,
			    enum ir_family fam)
{
	unsigned int run = cg_fold_run(ch, i, fam);

	if (!run && leaf && fam == IR_FAMILY_IPV4)
		run = cg_classify_run(ch, i);
	return run ? run : 1;
}

/* Linear rules of @ch: a folded run counts as one, and so does a classified one. */
static unsigned int linear_rules(const struct ir_chain *ch, enum ir_family fam)
{
	bool leaf = cg_chain_is_leaf(ch);
	unsigned int n = 0;

	for (unsigned int i = 0; i < ch->n_rules; n++)
		i += step_of(ch, i, leaf, fam);
	return n;
}

int cg_chunk_plan(struct cg *c)
{
	const struct ir_table *t = c->t;
	unsigned int n = t ? t->n_chains : 0, *depth, total = 0;
	bool changed = true;

	c->chunked = calloc(n ? n : 1, sizeof(*c->chunked));
	depth = calloc(n ? n : 1, sizeof(*depth));
	if (!c->chunked || !depth) {
		free(depth);
		return -ENOMEM;
	}
	/* call frames down to each chain: the main program is frame 1 */
	for (unsigned int i = 0; i < n; i++)
		depth[i] = ir_chain_is_builtin(t->chains[i]) ? 1 : 0;
	for (unsigned int round = 0; changed && round <= n; round++) {
		changed = false;
		for (unsigned int i = 0; i < n; i++) {
			const struct ir_chain *ch = t->chains[i];

			for (unsigned int r = 0; depth[i] && r < ch->n_rules; r++) {
				const char *name;

				for (unsigned int k = 0;
				     (name = ir_rule_jump_at(ch->rules[r], k)); k++) {
					int to = cg_chain_index(t, name);

					if (to >= 0 && depth[to] < depth[i] + 1) {
						depth[to] = depth[i] + 1;
						changed = true;
					}
				}
			}
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct ir_chain *ch = t->chains[i];
		unsigned int lin = linear_rules(ch, c->fam);

		c->chunked[i] = depth[i] && depth[i] < CG_MAX_FRAMES && cg_chain_is_leaf(ch) &&
				lin > CG_CHUNK_RULES;
		if (c->chunked[i])
			total += lin;
	}
	/* larger chunks where there are more than the kernel's subprograms allow */
	c->chunk_rules = CG_CHUNK_RULES;
	if (n + 1 >= CG_MAX_SUBPROGS) {
		memset(c->chunked, 0, n * sizeof(*c->chunked));
	} else {
		unsigned int room = CG_MAX_SUBPROGS - n - 1;

		if (total / c->chunk_rules + 1 > room)
			c->chunk_rules = total / room + 1;
	}
	free(depth);
	return 0;
}

bool cg_chain_chunked(const struct cg *c, const struct ir_chain *ch)
{
	for (unsigned int i = 0; c->t && i < c->t->n_chains; i++)
		if (c->t->chains[i] == ch)
			return c->chunked[i];
	return false;
}

uint32_t cg_chunk_add(struct cg *c, const struct ir_chain *ch, unsigned int start,
		      unsigned int end)
{
	struct cg_chunk *k;

	if (c->n_chunks == c->cap_chunks) {
		unsigned int cap = c->cap_chunks ? 2 * c->cap_chunks : 16;

		k = realloc(c->chunks, cap * sizeof(*k));
		if (!k) {
			if (!c->e.err)
				c->e.err = -ENOMEM;
			return 0;
		}
		c->chunks = k;
		c->cap_chunks = cap;
	}
	k = &c->chunks[c->n_chunks++];
	k->half = c->half;
	k->ch = ch;
	k->start = start;
	k->end = end;
	k->label = emit_label(&c->e);
	return k->label;
}

unsigned int cg_chunk_end(const struct cg *c, const struct ir_chain *ch, unsigned int start)
{
	unsigned int i = start;

	for (unsigned int n = 0; i < ch->n_rules && n < c->chunk_rules; n++)
		i += step_of(ch, i, true, c->fam);	/* only leaf chains are cut */
	return i;
}
