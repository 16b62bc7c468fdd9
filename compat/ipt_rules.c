// SPDX-License-Identifier: GPL-2.0
/* iptables -S: the rules as commands ("-P", "-N", "-A" lines). */
#include <errno.h>
#include <stdlib.h>

#include "ipt_fmt.h"

static void put_head(FILE *out, const struct ir_chain *c, bool verbose)
{
	if (!ir_chain_is_builtin(c)) {
		fprintf(out, "-N %s\n", c->name);
		return;
	}
	fprintf(out, "-P %s %s", c->name, c->policy == IR_VERDICT_DROP ? "DROP" : "ACCEPT");
	if (verbose)
		fprintf(out, " -c %llu %llu", (unsigned long long)c->counter.packets,
			(unsigned long long)c->counter.bytes);
	fputc('\n', out);
}

static void put_rule(FILE *out, const struct ir_chain *c, const struct ir_rule *r,
		     enum ir_family family, bool verbose)
{
	fprintf(out, "-A %s", c->name);
	ipt_fmt_rule_words(out, r, family, verbose ? &r->counter : NULL, false);
	fputc('\n', out);
}

static void put_rules(FILE *out, const struct ir_chain *c, enum ir_family family, bool verbose)
{
	for (unsigned int i = 0; i < c->n_rules; i++)
		put_rule(out, c, c->rules[i], family, verbose);
}

/* Every chain: the policies, the user chains, then every rule. */
static int list_all(FILE *out, const struct ir_table *t, bool verbose)
{
	struct ir_chain **user = NULL;
	unsigned int n_user, i;
	int ret;

	ret = ipt_fmt_user_chains(t, &user, &n_user);
	if (ret)
		return ret;
	for (i = 0; i < t->n_chains; i++)
		if (ir_chain_is_builtin(t->chains[i]))
			put_head(out, t->chains[i], verbose);
	for (i = 0; i < n_user; i++)
		put_head(out, user[i], verbose);
	for (i = 0; i < t->n_chains; i++)
		if (ir_chain_is_builtin(t->chains[i]))
			put_rules(out, t->chains[i], t->family, verbose);
	for (i = 0; i < n_user; i++)
		put_rules(out, user[i], t->family, verbose);
	free(user);
	return 0;
}

int ipt_list_rules(const struct ipt_ctx *ctx, FILE *out, const struct ir_table *t,
		   const char *chain, unsigned int rulenum, unsigned int flags,
		   struct bpfw_err *err)
{
	bool verbose = flags & IPT_F_VERBOSE;
	const struct ir_chain *c;
	int ret;

	if (!chain || !chain[0]) {
		ret = list_all(out, t, verbose);
		if (ret)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "%s: %s", ctx->prog,
					 "Cannot allocate memory");
		return 0;
	}
	c = ir_chain_find(t, chain);
	if (!c)
		return bpfw_errf(err, BPFW_EXIT_OTHER, ENOENT,
				 "%s: No chain/target/match by that name.", ctx->prog);
	if (rulenum) {
		/* iptables prints nothing for a rule number past the end */
		if (rulenum <= c->n_rules)
			put_rule(out, c, c->rules[rulenum - 1], t->family, verbose);
		return 0;
	}
	put_head(out, c, verbose);
	put_rules(out, c, t->family, verbose);
	return 0;
}
