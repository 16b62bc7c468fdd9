// SPDX-License-Identifier: GPL-2.0
/*
 * The arguments of the iptables command line's generic options: chain names
 * and rule numbers, counters, targets, -w, protocols, interfaces, and the
 * address lists of -s and -d, each checked with iptables' own sentences.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "ipt_internal.h"

int ipt_arg_chain(struct ipt_pstate *ps, const char *name)
{
	snprintf(ps->cmd->chain, sizeof(ps->cmd->chain), "%s", name);
	if (strlen(name) >= IR_CHAIN_MAXNAMELEN)
		return ipt_perr(ps, "chain name `%s' too long (must be under %u chars)", name,
			    IR_CHAIN_MAXNAMELEN);
	return 0;
}

int ipt_arg_new_chain(struct ipt_pstate *ps, const char *name)
{
	if (strlen(name) >= IR_CHAIN_MAXNAMELEN)
		return ipt_perr(ps, "chain name `%s' too long (must be under %u chars)", name,
			    IR_CHAIN_MAXNAMELEN);
	if (name[0] == '-')
		return ipt_perr(ps, "chain name not allowed to start with `-'");
	if (name[0] == '!')
		return ipt_perr(ps, "chain name not allowed to start with `!'");
	for (const char *p = name; *p; p++)
		if (isspace((unsigned char)*p))
			return ipt_perr(ps, "Invalid chain name `%s'", name);
	if (!name[0] || ipt_is_target_name(name))	/* "" is the standard target */
		return ipt_perr(ps, "chain name may not clash with target name");
	return 0;
}

int ipt_arg_rulenum(struct ipt_pstate *ps, const char *s)
{
	if (!ipt_parse_rulenum(s, &ps->cmd->rulenum))
		return ipt_perr(ps, "Invalid rule number `%s'", s);
	return 0;
}

/* Optional chain then optional rule number (-L, -S, -Z) or chain only (-F, -X). */
int ipt_arg_opt_chain(struct ipt_pstate *ps, const char *arg, bool with_num)
{
	int ret = 0;

	if (!arg && ipt_has_arg(ps))
		arg = ps->argv[ps->ind++];
	if (arg)
		ret = ipt_arg_chain(ps, arg);
	if (!ret && arg && with_num && ipt_has_arg(ps))
		ret = ipt_arg_rulenum(ps, ps->argv[ps->ind++]);
	return ret;
}

int ipt_arg_counters(struct ipt_pstate *ps, const char *arg)
{
	struct ir_counter *c = &ps->cmd->rule->counter;
	const char *bytes = strchr(arg, ',');
	char pk[32], *end;

	if (ps->invert)
		return ipt_perr(ps, "cannot have ! before -c");
	if (bytes) {
		snprintf(pk, sizeof(pk), "%.*s", (int)(bytes - arg), arg);
		bytes++;
	} else {
		snprintf(pk, sizeof(pk), "%s", arg);
		if (ipt_has_arg(ps))
			bytes = ps->argv[ps->ind++];
	}
	if (!pk[0] || !bytes)
		return ipt_perr(ps, "-c requires packet and byte counter");
	c->packets = strtoull(pk, &end, 10);
	if (*end)
		return ipt_perr(ps, "-c packet counter not numeric");
	c->bytes = strtoull(bytes, &end, 10);
	if (*end || !*bytes)
		return ipt_perr(ps, "-c byte counter not numeric");
	ps->cmd->rule->counter_given = true;
	ps->cmd->policy_counter = *c;
	ps->cmd->policy_counter_given = true;
	return ipt_set_opt(ps, O_COUNTERS);
}

int ipt_arg_target(struct ipt_pstate *ps, const char *arg, bool go)
{
	struct ir_target *t = &ps->cmd->rule->target;
	int ret = ipt_set_opt(ps, O_JUMP);

	if (ret)
		return ret;
	if (!arg[0])
		return ipt_perr(ps, "Invalid target name (too short)");
	if (strlen(arg) >= IR_CHAIN_MAXNAMELEN)
		return ipt_perr(ps, "Invalid target name `%s' (%u chars max)", arg,
			    IR_CHAIN_MAXNAMELEN - 1);
	for (const char *p = arg; *p; p++)
		if (isspace((unsigned char)*p))
			return ipt_perr(ps, "Invalid target name `%s'", arg);
	if (go) {
		t->kind = IR_TARGET_GOTO;
	} else if (!strcmp(arg, "ACCEPT")) {
		t->kind = IR_TARGET_ACCEPT;
		return 0;
	} else if (!strcmp(arg, "DROP")) {
		t->kind = IR_TARGET_DROP;
		return 0;
	} else if (!strcmp(arg, "RETURN")) {
		t->kind = IR_TARGET_RETURN;
		return 0;
	} else if (!strcmp(arg, "REJECT")) {
		t->kind = IR_TARGET_REJECT;
		t->reject = ps->ctx->family == IR_FAMILY_IPV6 ? IR_REJECT6_PORT_UNREACH :
			    IR_REJECT_PORT_UNREACH;
		return 0;
	} else if (!strcmp(arg, "LOG")) {
		t->kind = IR_TARGET_LOG;
		t->log.level = IR_LOG_LEVEL;
		return 0;
	} else {
		/* anything else names a chain; a missing one is refused when applied */
		t->kind = IR_TARGET_JUMP;
	}
	snprintf(t->chain, sizeof(t->chain), "%s", arg);
	return 0;
}

int ipt_arg_wait(struct ipt_pstate *ps, const char *arg, bool interval)
{
	int v;

	if (!arg && ipt_has_arg(ps))
		arg = ps->argv[ps->ind++];
	if (interval) {
		if (!arg)
			return ipt_perr(ps, "wait interval value required");
		ps->wait_interval = true;
		return 0;
	}
	if (arg && sscanf(arg, "%i", &v) != 1)
		return ipt_perr(ps, "wait seconds not numeric");
	ps->cmd->wait_secs = arg ? (v > 0 ? v : 0) : 0;
	return 0;
}

int ipt_arg_proto(struct ipt_pstate *ps, const char *arg)
{
	struct ir_ipspec *ip = &ps->cmd->rule->ip;
	char low[64];
	size_t i;
	int ret = ipt_set_opt(ps, O_PROTO);

	if (ret)
		return ret;
	for (i = 0; i < sizeof(low) - 1 && arg[i]; i++)
		low[i] = (arg[i] >= 'A' && arg[i] <= 'Z') ? arg[i] - 'A' + 'a' : arg[i];
	low[i] = '\0';
	snprintf(ps->proto_name, sizeof(ps->proto_name), "%s", low);
	if (ipt_parse_proto(low, &ip->proto))
		return ipt_perr(ps, "unknown protocol \"%s\" specified", low);
	if (ps->invert)
		ip->invflags |= IR_INV_PROTO;
	if (!ip->proto && ps->invert)
		return ipt_perr(ps, "rule would never match protocol");
	/* extension headers come before the upper layer protocol ip6tables compares */
	if (ps->ctx->family == IR_FAMILY_IPV6 && !ps->invert && !ps->w->quiet &&
	    (ip->proto == IPPROTO_ROUTING || ip->proto == IPPROTO_FRAGMENT ||
	     ip->proto == IPPROTO_AH || ip->proto == IPPROTO_DSTOPTS))
		fprintf(stderr, "Warning: never matched protocol: %s. use extension match instead.\n",
			low);
	return 0;
}

int ipt_arg_iface(struct ipt_pstate *ps, const char *arg, bool in)
{
	struct ir_ipspec *ip = &ps->cmd->rule->ip;
	int ret = ipt_set_opt(ps, in ? O_IIF : O_OIF);

	if (ret)
		return ret;
	if (!arg[0])
		return ipt_perr(ps, "Empty interface is likely to be undesired");
	ret = ipt_parse_iface(ps->ctx, ps->w, arg, in ? ip->iif : ip->oif, ps->err);
	if (ret)
		return ret;
	if (ps->invert)
		ip->invflags |= in ? IR_INV_IIF : IR_INV_OIF;
	else if (!strcmp(arg, "+"))
		(in ? ip->iif : ip->oif)[0] = '\0';	/* "+" alone is any interface */
	return 0;
}

/*
 * -s and -d: one address each goes into the rule; lists of several stay in
 * the command, whose rule is then applied once per pair.
 */
int ipt_arg_addrs(struct ipt_pstate *ps, struct ir_ipspec *ip)
{
	struct ipt_cmd *cmd = ps->cmd;
	bool v6 = ps->ctx->family == IR_FAMILY_IPV6;
	const char *any = v6 ? "::0/0" : "0.0.0.0/0";
	int (*parse)(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
		     struct ir_addr **out, unsigned int *n, struct bpfw_err *err) =
		v6 ? ipt_parse_addr6_list : ipt_parse_addr4_list;
	int ret;

	ret = parse(ps->ctx, ps->w, ps->src ?: any, &cmd->srcs, &cmd->n_srcs, ps->err);
	if (!ret)
		ret = parse(ps->ctx, ps->w, ps->dst ?: any, &cmd->dsts, &cmd->n_dsts, ps->err);
	if (ret)
		return ret;
	if ((cmd->n_srcs > 1 || cmd->n_dsts > 1) && (ip->invflags & (IR_INV_SRC | IR_INV_DST)))
		return ipt_perr(ps, "! not allowed with multiple source or destination IP "
				"addresses");
	if ((cmd->n_srcs > 1 || cmd->n_dsts > 1) && (ps->cmds & (1u << C_REPLACE)))
		return ipt_perr(ps, "Replacement rule does not specify a unique address");
	ip->src = cmd->srcs[0];
	ip->dst = cmd->dsts[0];
	if (cmd->n_srcs == 1 && cmd->n_dsts == 1) {
		free(cmd->srcs);
		free(cmd->dsts);
		cmd->srcs = cmd->dsts = NULL;
		cmd->n_srcs = cmd->n_dsts = 0;
	}
	return 0;
}
