// SPDX-License-Identifier: GPL-2.0
/* What each iptables command does to the rule model, with iptables' errors. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>

#include "../frontend/ipt_internal.h"

#define NO_CHAIN	"No chain/target/match by that name."
#define BAD_RULE	"Bad rule (does a matching rule exist in that chain?)."

bool ipt_cmd_modifies(const struct ipt_cmd *cmd)
{
	switch (cmd->op) {
	case IPT_OP_APPEND:
	case IPT_OP_INSERT:
	case IPT_OP_DELETE:
	case IPT_OP_DELETE_NUM:
	case IPT_OP_REPLACE:
	case IPT_OP_FLUSH:
	case IPT_OP_NEW_CHAIN:
	case IPT_OP_DELETE_CHAIN:
	case IPT_OP_POLICY:
	case IPT_OP_RENAME_CHAIN:
		return true;
	default:
		return false;
	}
}

static bool is_jump(const struct ir_rule *r)
{
	return r->target.kind == IR_TARGET_JUMP || r->target.kind == IR_TARGET_GOTO;
}

const char *ipt_dangling_jump(const struct ir_table *t)
{
	for (unsigned int i = 0; i < t->n_chains; i++) {
		const struct ir_chain *c = t->chains[i];

		for (unsigned int j = 0; j < c->n_rules; j++)
			if (is_jump(c->rules[j]) && !ir_chain_find(t, c->rules[j]->target.chain))
				return c->rules[j]->target.chain;
	}
	return NULL;
}

/* Whether @a's mask is all zero, for @family. */
static bool addr_is_any(const struct ir_addr *a, enum ir_family family)
{
	static const struct in6_addr zero;

	if (family == IR_FAMILY_IPV6)
		return !memcmp(&a->mask.v6, &zero, sizeof(zero));
	return !a->mask.v4.s_addr;
}

/* The kernel's checks of a new rule: match needs its protocol, jumps must go somewhere. */
static int check_new_rule(const struct ipt_ctx *ctx, const struct ipt_where *w,
			  struct ir_table *t, const struct ipt_cmd *cmd, struct bpfw_err *err)
{
	const struct ir_rule *r = cmd->rule;
	const char *what = cmd->op == IPT_OP_APPEND ? "RULE_APPEND" :
			   cmd->op == IPT_OP_INSERT ? "RULE_INSERT" : "RULE_REPLACE";
	const struct ir_chain *target;

	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];
		uint8_t want = m->kind == IR_MATCH_TCP ? IPPROTO_TCP :
			       m->kind == IR_MATCH_UDP ? IPPROTO_UDP :
			       m->kind == IR_MATCH_ICMP ? IPPROTO_ICMP :
			       m->kind == IR_MATCH_ICMP6 ? IPPROTO_ICMPV6 : 0;

		/* tcp and udp after "! -p" are iptables-nft's own payload tests, not refused */
		if (want && (r->ip.proto != want ||
			     ((r->ip.invflags & IR_INV_PROTO) && want != IPPROTO_TCP &&
			      want != IPPROTO_UDP)))
			return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EINVAL,
					"%s failed (Invalid argument): rule in chain %s", what,
					cmd->chain);
	}
	/*
	 * xt_recent: a time, a count or --rttl is for --rcheck and --update, and
	 * a count is below XT_RECENT_MAX_NSTAMPS
	 */
	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match_recent *rc = r->matches[i].recent;

		if (r->matches[i].kind == IR_MATCH_RECENT &&
		    (((rc->seconds || rc->hitcount || (rc->check_set & IR_RECENT_TTL)) &&
		      (rc->check_set & (IR_RECENT_SET | IR_RECENT_REMOVE))) ||
		     rc->hitcount > UINT16_MAX))
			return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EINVAL,
					"%s failed (Invalid argument): rule in chain %s", what,
					cmd->chain);
	}
	/* xt_addrtype for IPv6: no BROADCAST, BLACKHOLE, nor PROHIBIT and the types after it */
	for (unsigned int i = 0; ctx->family == IR_FAMILY_IPV6 && i < r->n_matches; i++) {
		const struct ir_match_addrtype *at = &r->matches[i].addrtype;
		uint16_t types = at->src | at->dst;

		if (r->matches[i].kind == IR_MATCH_ADDRTYPE &&
		    (types & ((1u << RTN_BROADCAST) | (1u << RTN_BLACKHOLE) |
			      (UINT16_MAX << RTN_PROHIBIT))))
			return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EINVAL,
					"%s failed (Invalid argument): rule in chain %s", what,
					cmd->chain);
	}
	/* nf_tables cannot say "not any address": an inverted /0 is refused */
	if (((r->ip.invflags & IR_INV_SRC) && addr_is_any(&r->ip.src, ctx->family)) ||
	    ((r->ip.invflags & IR_INV_DST) && addr_is_any(&r->ip.dst, ctx->family)))
		return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EINVAL,
				"%s failed (Invalid argument): rule in chain %s", what, cmd->chain);
	/* xt_REJECT: a reset answers TCP only, and only the filter table's hooks answer */
	if (r->target.kind == IR_TARGET_REJECT &&
	    ((r->target.reject == IR_REJECT_TCP_RESET &&
	      (r->ip.proto != IPPROTO_TCP || (r->ip.invflags & IR_INV_PROTO))) ||
	     t->id == IR_TABLE_RAW))
		return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EINVAL,
				"%s failed (Invalid argument): rule in chain %s", what, cmd->chain);
	/* the raw table runs at XDP: before routing, before connections are tracked */
	if (t->id == IR_TABLE_RAW && r->ip.oif[0])
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
				"Can't use -o in the raw table: bpfw runs it at XDP, before "
				"routing");
	for (unsigned int i = 0; t->id == IR_TABLE_RAW && i < r->n_matches; i++)
		if (r->matches[i].kind == IR_MATCH_CONNTRACK || r->matches[i].kind == IR_MATCH_STATE)
			return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
					"Connection tracking states cannot be matched in the raw "
					"table: bpfw runs it at XDP, before connections are tracked");
	if (t->id == IR_TABLE_RAW && ipt_meta_raw_refused(r))
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
				"-m %s cannot be used in the raw table: bpfw runs it at XDP, before "
				"the packet has a socket buffer", ipt_meta_raw_refused(r));
	if (!is_jump(r))
		return 0;
	target = ir_chain_find(t, r->target.chain);
	if (target && ir_chain_is_builtin(target))
		return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EOPNOTSUPP,
				"%s failed (Operation not supported): rule in chain %s", what,
				cmd->chain);
	return 0;
}

/* A jump target that does not exist: iptables refuses it before anything else. */
static int check_target(const struct ipt_ctx *ctx, const struct ipt_where *w,
			const struct ir_table *t, const struct ir_rule *r, struct bpfw_err *err)
{
	if (!r || !is_jump(r) || ir_chain_find(t, r->target.chain))
		return 0;
	return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, ENOENT, "Chain '%s' does not exist",
			r->target.chain);
}

/* Whether @r's jump closes a loop: 0, -ELOOP or -ENOMEM (the caller words it). */
static int check_loop(const struct ir_table *t, const struct ir_rule *r)
{
	struct bpfw_err loop = { 0 };	/* a kilobyte: only for jumps */
	int ret;

	if (!is_jump(r))
		return 0;
	ret = ir_table_check_jumps(t, UINT_MAX, &loop);
	bpfw_err_clear(&loop);
	return ret;
}

static int add_rule(const struct ipt_ctx *ctx, const struct ipt_where *w, struct ir_table *t,
		    struct ir_chain *c, struct ipt_cmd *cmd, struct bpfw_err *err)
{
	unsigned int pos = c->n_rules;
	struct ir_rule *r;
	int ret;

	if (cmd->op == IPT_OP_INSERT) {
		if (cmd->rulenum > c->n_rules + 1)
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, E2BIG,
					"Index of insertion too big.");
		pos = cmd->rulenum - 1;
	} else if (cmd->op == IPT_OP_REPLACE) {
		if (cmd->rulenum > c->n_rules)
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, E2BIG,
					"Index of replacement too big.");
		pos = cmd->rulenum - 1;
	}
	ret = check_new_rule(ctx, w, t, cmd, err);
	if (ret)
		return ret;
	r = ir_rule_clone(cmd->rule);
	if (!r)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (cmd->op == IPT_OP_REPLACE) {
		struct ir_rule *old = c->rules[pos];

		c->rules[pos] = r;
		ret = check_loop(t, r);
		if (!ret)
			ret = ipt_meta_check(t, r);
		c->rules[pos] = old;
		if (!ret)
			ir_chain_replace(c, pos, r);
	} else {
		ret = ir_chain_insert(c, pos, r);
		if (ret) {
			ir_rule_free(r);
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		}
		ret = check_loop(t, r);
		if (!ret)
			ret = ipt_meta_check(t, r);
		if (ret)
			ir_chain_remove(c, pos);
	}
	if (ret == -ENOMEM)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (ret) {
		if (cmd->op == IPT_OP_REPLACE)
			ir_rule_free(r);
		/* a mac or owner match where its hook refuses it, or a loop */
		return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, -ret, "%s failed (%s): rule in chain %s",
				cmd->op == IPT_OP_APPEND ? "RULE_APPEND" :
				cmd->op == IPT_OP_INSERT ? "RULE_INSERT" : "RULE_REPLACE",
				ret == -EINVAL ? "Invalid argument" : "Too many links", cmd->chain);
	}
	return 0;
}

static int delete_chains(const struct ipt_ctx *ctx, const struct ipt_where *w,
			 struct ir_table *t, struct ir_chain *only, struct bpfw_err *err)
{
	/* all or nothing, like one kernel batch: check every chain first */
	for (unsigned int i = 0; i < t->n_chains; i++) {
		struct ir_chain *c = t->chains[i];

		if (ir_chain_is_builtin(c) || (only && c != only))
			continue;
		if (c->n_rules || ir_chain_refcount(t, c->name))
			return ipt_fail(ctx, w, err, IPT_FAIL_KERNEL, EBUSY,
					"CHAIN_DEL failed (Device or resource busy): chain %s",
					c->name);
	}
	for (unsigned int i = t->n_chains; i-- > 0;) {
		struct ir_chain *c = t->chains[i];

		if (!ir_chain_is_builtin(c) && (!only || c == only))
			ir_chain_del(t, c);
	}
	return 0;
}

/* --hook xdp: PREROUTING of the raw table @t jumps to @name before anything else. */
static int hook_first(struct ir_table *t, const char *name)
{
	struct ir_chain *pre = ir_chain_find(t, "PREROUTING");
	struct ir_rule *r;
	int ret;

	if (!pre)
		return -EINVAL;
	r = ir_rule_new();
	if (!r)
		return -ENOMEM;
	r->target.kind = IR_TARGET_JUMP;
	snprintf(r->target.chain, sizeof(r->target.chain), "%s", name);
	ret = ir_chain_insert(pre, 0, r);
	if (ret)
		ir_rule_free(r);
	return ret;
}

static int chain_cmd(const struct ipt_ctx *ctx, const struct ipt_where *w, struct ir_table *t,
		     struct ir_chain *c, struct ipt_cmd *cmd, struct bpfw_err *err)
{
	int ret;

	switch (cmd->op) {
	case IPT_OP_FLUSH:
		if (c) {
			ir_chain_flush(c);
			return 0;
		}
		for (unsigned int i = 0; i < t->n_chains; i++)
			ir_chain_flush(t->chains[i]);
		return 0;
	case IPT_OP_NEW_CHAIN:
		ret = ir_chain_add(t, cmd->chain, NULL);
		if (ret == -EEXIST)
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, EEXIST,
					"Chain already exists.");
		if (!ret && (cmd->flags & IPT_F_HOOK_XDP))
			ret = hook_first(t, cmd->chain);
		if (ret)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret, "Cannot allocate memory");
		return 0;
	case IPT_OP_DELETE_CHAIN:
		return delete_chains(ctx, w, t, c, err);
	case IPT_OP_POLICY:
		if (!c || !ir_chain_is_builtin(c))
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, EINVAL,
					"Bad built-in chain name.");
		c->policy = cmd->policy;
		if (cmd->policy_counter_given) {
			c->counter = cmd->policy_counter;
			c->counter_given = true;
		}
		return 0;
	case IPT_OP_RENAME_CHAIN:
		if (ir_chain_find(t, cmd->newname))
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, EEXIST, "File exists.");
		ret = ir_chain_rename(t, c, cmd->newname);
		if (ret)
			return bpfw_errf(err, BPFW_EXIT_OTHER, ret, "%s: Invalid argument.",
					 ctx->prog);
		return 0;
	default:
		return 0;
	}
}

static int apply_table(const struct ipt_ctx *ctx, const struct ipt_where *w, struct ir_table *t,
		       struct ipt_cmd *cmd, bool defer_jumps, struct bpfw_err *err)
{
	struct ir_chain *c = cmd->chain[0] ? ir_chain_find(t, cmd->chain) : NULL;
	bool rule_op = cmd->op == IPT_OP_APPEND || cmd->op == IPT_OP_INSERT ||
		       cmd->op == IPT_OP_REPLACE || cmd->op == IPT_OP_DELETE;
	int ret, i;

	if (rule_op && !defer_jumps) {
		ret = check_target(ctx, w, t, cmd->rule, err);
		if (ret)
			return ret;
	}
	if (cmd->op == IPT_OP_DELETE && !c)
		return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, ENOENT, BAD_RULE);
	if (cmd->op == IPT_OP_RENAME_CHAIN && c && ir_chain_is_builtin(c))
		c = NULL;
	if (!c && cmd->chain[0] && cmd->op != IPT_OP_NEW_CHAIN && cmd->op != IPT_OP_POLICY)
		return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, ENOENT, NO_CHAIN);
	/* an empty chain name ("-A ''") names no chain */
	if (!c && (rule_op || cmd->op == IPT_OP_DELETE_NUM))
		return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, ENOENT, NO_CHAIN);
	if (cmd->op == IPT_OP_DELETE_CHAIN && c && ir_chain_is_builtin(c))
		return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, c->n_rules ? ENOTEMPTY : ENOENT,
				c->n_rules ? "Directory not empty." : NO_CHAIN);
	switch (cmd->op) {
	case IPT_OP_APPEND:
	case IPT_OP_INSERT:
	case IPT_OP_REPLACE:
		return add_rule(ctx, w, t, c, cmd, err);
	case IPT_OP_DELETE:
		i = ir_chain_find_rule(c, cmd->rule);
		if (i < 0)
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, ENOENT, BAD_RULE);
		ir_chain_remove(c, (unsigned int)i);
		return 0;
	case IPT_OP_DELETE_NUM:
		if (cmd->rulenum > c->n_rules)
			return ipt_fail(ctx, w, err, IPT_FAIL_OTHER, E2BIG,
					"Index of deletion too big.");
		ir_chain_remove(c, cmd->rulenum - 1);
		return 0;
	default:
		return chain_cmd(ctx, w, t, c, cmd, err);
	}
}

int ipt_cmd_apply_at(const struct ipt_ctx *ctx, const struct ipt_where *w, struct ir_ruleset *rs,
		     struct ipt_cmd *cmd, bool defer_jumps, struct bpfw_err *err)
{
	struct ir_table *t;
	int ret;

	if (!ipt_cmd_modifies(cmd))
		return 0;
	ret = ipt_set_check_exists(ctx, w, rs, cmd->rule, err);
	if (ret)
		return ret;
	ret = ir_table_get(rs, ctx->family, cmd->table, &t);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (!cmd->n_srcs && !cmd->n_dsts)
		return apply_table(ctx, w, t, cmd, defer_jumps, err);
	/* one rule per source and destination pair, in iptables' order */
	for (unsigned int i = 0; i < cmd->n_srcs && !ret; i++) {
		for (unsigned int j = 0; j < cmd->n_dsts && !ret; j++) {
			cmd->rule->ip.src = cmd->srcs[i];
			cmd->rule->ip.dst = cmd->dsts[j];
			ret = apply_table(ctx, w, t, cmd, defer_jumps, err);
		}
	}
	return ret;
}

int ipt_cmd_apply(const struct ipt_ctx *ctx, struct ir_ruleset *rs, struct ipt_cmd *cmd,
		  struct bpfw_err *err)
{
	const struct ipt_where w = { .restore = false };

	return ipt_cmd_apply_at(ctx, &w, rs, cmd, false, err);
}

/* -C: whether @c holds the rule, once for each address pair of a list. */
static bool check_each_pair(const struct ir_chain *c, const struct ipt_cmd *cmd)
{
	struct ir_rule *r = cmd->rule;
	struct ir_ipspec own = r->ip;
	bool all = c != NULL;

	if (!cmd->n_srcs && !cmd->n_dsts)
		return c && ir_chain_find_rule(c, r) >= 0;
	for (unsigned int i = 0; i < cmd->n_srcs && all; i++) {
		for (unsigned int j = 0; j < cmd->n_dsts && all; j++) {
			r->ip.src = cmd->srcs[i];
			r->ip.dst = cmd->dsts[j];
			all = ir_chain_find_rule(c, r) >= 0;
		}
	}
	r->ip = own;
	return all;
}

static int show_table(const struct ipt_ctx *ctx, const struct ir_ruleset *rs,
		      const struct ir_table *t, const struct ipt_cmd *cmd, FILE *out,
		      struct bpfw_err *err)
{
	const struct ipt_where w = { .restore = false };
	const struct ir_chain *c = cmd->chain[0] ? ir_chain_find(t, cmd->chain) : NULL;

	if (cmd->op == IPT_OP_CHECK) {
		int ret = check_target(ctx, &w, t, cmd->rule, err);

		if (!ret)
			ret = ipt_set_check_exists(ctx, &w, rs, cmd->rule, err);

		if (ret)
			return ret;
		if (!check_each_pair(c, cmd))
			return ipt_fail(ctx, &w, err, IPT_FAIL_OTHER, ENOENT, BAD_RULE);
		return 0;
	}
	if (cmd->chain[0] && !c)
		return ipt_fail(ctx, &w, err, IPT_FAIL_OTHER, ENOENT, NO_CHAIN);
	if (cmd->op == IPT_OP_LIST)
		return ipt_list_table(ctx, out, t, cmd->chain, cmd->rulenum, cmd->flags, err);
	if (cmd->op == IPT_OP_LIST_RULES)
		return ipt_list_rules(ctx, out, t, cmd->chain, cmd->rulenum, cmd->flags, err);
	return 0;
}

int ipt_cmd_show(const struct ipt_ctx *ctx, const struct ir_ruleset *rs,
		 const struct ipt_cmd *cmd, FILE *out, struct bpfw_err *err)
{
	const struct ir_table *t = rs->tables[ctx->family][cmd->table];
	struct ir_ruleset *empty = NULL;
	struct ir_table *et;
	int ret;

	if (!t) {
		/* a table not in use yet: its built-in chains, empty */
		empty = ir_ruleset_new();
		if (!empty || ir_table_get(empty, ctx->family, cmd->table, &et)) {
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
			goto out;
		}
		t = et;
	}
	ret = show_table(ctx, rs, t, cmd, out, err);
out:
	ir_ruleset_free(empty);
	return ret;
}
