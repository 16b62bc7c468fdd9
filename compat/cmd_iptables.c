// SPDX-License-Identifier: GPL-2.0
/* iptables / ip6tables: parse one command, run it in a transaction. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpfw/compat.h"
#include "bpfw/txn.h"

static bool is_listing(const struct ipt_cmd *cmd)
{
	return cmd->op == IPT_OP_LIST || cmd->op == IPT_OP_LIST_RULES;
}

static bool zeroes(const struct ipt_cmd *cmd)
{
	return cmd->op == IPT_OP_ZERO || (is_listing(cmd) && (cmd->flags & IPT_F_ZERO));
}

/* -Z CHAIN needs the chain to exist, like every other command naming one. */
static int check_zero_chain(const struct ipt_ctx *ctx, struct txn *t,
			    const struct ipt_cmd *cmd, struct bpfw_err *err)
{
	struct ir_table *tb;

	if (!cmd->chain[0])
		return 0;
	/* a table not in use yet has its built-in chains all the same */
	if (ir_table_get(t->rs, ctx->family, cmd->table, &tb))
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (ir_chain_find(tb, cmd->chain))
		return 0;
	return bpfw_errf(err, BPFW_EXIT_OTHER, ENOENT,
			 "%s: No chain/target/match by that name.", ctx->prog);
}

/* -Z: zero the kernel counters; with -v, say which chains, as iptables does. */
static int zero(const struct ipt_ctx *ctx, struct txn *t, const struct ipt_cmd *cmd,
		struct bpfw_err *err)
{
	const struct ir_table *tb = t->rs->tables[ctx->family][cmd->table];

	if (tb && (cmd->flags & IPT_F_VERBOSE)) {
		for (unsigned int i = 0; i < tb->n_chains; i++)
			if (!cmd->chain[0] || !strcmp(cmd->chain, tb->chains[i]->name))
				printf("Zeroing chain `%s'\n", tb->chains[i]->name);
	}
	return txn_zero_counters(t, ctx->family, cmd->table, cmd->chain, err);
}

static int run(const struct ipt_ctx *ctx, struct ipt_cmd *cmd, struct bpfw_err *err)
{
	struct txn t = { 0 };
	int lock, ret;

	ret = compat_require_root(ctx->prog, err);
	if (ret)
		return ret;
	/* a change (or zeroing) excludes everyone; -L, -S and -C only read */
	if (ipt_cmd_modifies(cmd) || zeroes(cmd))
		lock = compat_lock(cmd->wait_secs, err);
	else
		lock = compat_lock_shared(err);
	if (lock < 0)
		return lock;
	t.verbose = cmd->flags & IPT_F_VERBOSE;
	ret = txn_begin(&t, err);
	if (ret)
		goto out;
	if (ipt_cmd_modifies(cmd)) {
		ret = ipt_cmd_apply(ctx, t.rs, cmd, err);
		if (!ret)
			ret = txn_commit(&t, err);
		goto out;
	}
	if (zeroes(cmd)) {
		ret = check_zero_chain(ctx, &t, cmd, err);
		if (ret)
			goto out;
	}
	if (is_listing(cmd) || cmd->op == IPT_OP_CHECK) {
		if (is_listing(cmd))
			ret = txn_read_counters(&t, err);
		if (!ret)
			ret = ipt_cmd_show(ctx, t.rs, cmd, stdout, err);
	}
	if (!ret && zeroes(cmd))
		ret = zero(ctx, &t, cmd, err);
out:
	txn_end(&t);
	compat_unlock(lock);
	return ret;
}

int compat_iptables_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct bpfw_err err = { 0 };
	struct ipt_cmd cmd = { 0 };
	int ret, status;

	ret = ipt_parse_argv(ctx, argc, argv, &cmd, &err);
	if (ret)
		goto out;
	switch (cmd.op) {
	case IPT_OP_VERSION:
		ipt_print_version(ctx, stdout);
		break;
	case IPT_OP_HELP:
		ipt_print_help(ctx, stdout);
		ipt_print_ext_help(ctx, cmd.rule, stdout);
		break;
	default:
		ret = run(ctx, &cmd, &err);
		break;
	}
out:
	if (ret && !err.exit_code)
		bpfw_errf(&err, BPFW_EXIT_OTHER, ret, "%s: %s.", ctx->prog, strerror(-ret));
	fflush(stdout);
	status = compat_report(&err, cmd.flags & IPT_F_VERBOSE);
	ipt_cmd_release(&cmd);
	bpfw_err_clear(&err);
	return status;
}
