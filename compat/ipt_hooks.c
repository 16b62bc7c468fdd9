// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks a rule's packets come from, for the matches the kernel allows
 * in some only: mac (xt_mac: PREROUTING, INPUT, FORWARD) and owner
 * (xt_owner: OUTPUT, POSTROUTING).  A rule in a user chain is checked for
 * every built-in chain that reaches it, as nf_tables validates a table.
 */
#include <errno.h>
#include <stdlib.h>

#include "../frontend/ipt_internal.h"

#define HOOK(h)		(1u << (h))

/* The hooks match @m may run in. */
static unsigned int allowed_hooks(const struct ir_match *m)
{
	switch (m->kind) {
	case IR_MATCH_MAC:
		return HOOK(IR_HOOK_PREROUTING) | HOOK(IR_HOOK_INPUT) | HOOK(IR_HOOK_FORWARD);
	case IR_MATCH_OWNER:
		return HOOK(IR_HOOK_OUTPUT) | HOOK(IR_HOOK_POSTROUTING);
	default:
		return ~0u;
	}
}

static bool is_jump(const struct ir_rule *r)
{
	return r->target.kind == IR_TARGET_JUMP || r->target.kind == IR_TARGET_GOTO;
}

static int chain_index(const struct ir_table *t, const struct ir_chain *c)
{
	for (unsigned int i = 0; i < t->n_chains; i++)
		if (t->chains[i] == c)
			return (int)i;
	return -1;
}

/* Every rule reached from chain @c is allowed in @hook; @seen: chains already walked. */
static int walk(const struct ir_table *t, const struct ir_chain *c, enum ir_hook hook, bool *seen)
{
	int idx = chain_index(t, c);

	if (idx < 0 || seen[idx])
		return 0;
	seen[idx] = true;
	for (unsigned int i = 0; i < c->n_rules; i++) {
		const struct ir_rule *r = c->rules[i];
		const struct ir_chain *to;
		int ret;

		for (unsigned int j = 0; j < r->n_matches; j++)
			if (!(allowed_hooks(&r->matches[j]) & HOOK(hook)))
				return -EINVAL;
		to = is_jump(r) ? ir_chain_find(t, r->target.chain) : NULL;
		if (to && !ir_chain_is_builtin(to)) {
			ret = walk(t, to, hook, seen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* Whether @r holds a match that only some hooks allow, or an owner range. */
static bool has_meta(const struct ir_rule *r)
{
	for (unsigned int j = 0; j < r->n_matches; j++)
		if (r->matches[j].kind == IR_MATCH_MAC || r->matches[j].kind == IR_MATCH_OWNER)
			return true;
	return false;
}

int ipt_meta_check(const struct ir_table *t, const struct ir_rule *r)
{
	bool *seen;
	int ret = 0;

	/* xt_owner: a range from its first id to its last */
	for (unsigned int j = 0; j < r->n_matches; j++) {
		const struct ir_match_owner *ow = &r->matches[j].owner;

		if (r->matches[j].kind == IR_MATCH_OWNER &&
		    (((ow->match & IR_OWNER_UID) && ow->uid_lo > ow->uid_hi) ||
		     ((ow->match & IR_OWNER_GID) && ow->gid_lo > ow->gid_hi)))
			return -EINVAL;
	}
	/* only a new jump or a new such match can reach a hook that refuses it */
	if (!is_jump(r) && !has_meta(r))
		return 0;
	seen = malloc((t->n_chains ? t->n_chains : 1) * sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->n_chains && !ret; i++) {
		const struct ir_chain *c = t->chains[i];

		if (!ir_chain_is_builtin(c))
			continue;
		for (unsigned int k = 0; k < t->n_chains; k++)
			seen[k] = false;
		ret = walk(t, c, c->hook, seen);
	}
	free(seen);
	return ret;
}

const char *ipt_meta_raw_refused(const struct ir_rule *r)
{
	for (unsigned int j = 0; j < r->n_matches; j++) {
		switch (r->matches[j].kind) {
		case IR_MATCH_MARK:
			return "mark";
		case IR_MATCH_PKTTYPE:
			return "pkttype";
		case IR_MATCH_OWNER:
			return "owner";
		default:
			break;
		}
	}
	return NULL;
}
