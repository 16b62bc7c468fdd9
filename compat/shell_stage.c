// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw shell's staged rule set: a copy of the running one with the staged
 * commands (the journal) applied.  Every command is tried on a copy of the
 * staged set and kept only if it succeeds, so a failed command changes
 * nothing.  A commit is one transaction: the staged set if the running one
 * is still the one staging began from, else the journal applied again to
 * the new running set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/cgen.h"
#include "bpfw/compat.h"
#include "bpfw/nft.h"
#include "bpfw/read.h"
#include "bpfw/txn.h"
#include "shell.h"

#define SHELL_LOCK_WAIT	10	/* seconds a commit waits for another command's lock */

static const struct ipt_ctx family_ctx[IR_FAMILY_MAX] = {
	[IR_FAMILY_IPV4] = { .prog = "iptables", .family = IR_FAMILY_IPV4 },
	[IR_FAMILY_IPV6] = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 },
};

static void entry_free(struct shell_entry *e)
{
	shell_words_free(e->words, e->n_words);
	free(e->text);
}

static void journal_clear(struct shell *sh)
{
	for (unsigned int i = 0; i < sh->n_journal; i++)
		entry_free(&sh->journal[i]);
	free(sh->journal);
	sh->journal = NULL;
	sh->n_journal = 0;
}

/* Parse and apply one iptables command to @rs (modifying commands only). */
static int apply_ipt(const struct ipt_ctx *ctx, struct ir_ruleset *rs, int n, char **words,
		     struct ipt_cmd *cmd, bool parse_only, struct bpfw_err *err)
{
	char **argv = calloc(n + 2, sizeof(*argv));
	int ret;

	if (!argv)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	argv[0] = (char *)ctx->prog;
	memcpy(argv + 1, words, n * sizeof(*argv));
	ret = ipt_parse_argv(ctx, n + 1, argv, cmd, err);
	if (!ret && !parse_only)
		ret = ipt_cmd_apply(ctx, rs, cmd, err);
	free(argv);
	return ret;
}

static int apply_restore(const struct ipt_ctx *ctx, struct ir_ruleset *rs, const char *text,
			 size_t len, bool noflush, struct bpfw_err *err)
{
	const struct ipt_restore_opts opts = { .noflush = noflush };

	return ipt_restore_apply(ctx, text, len, &opts, rs, err);
}

/*
 * Apply nft command @line to @rs; *@changed: the rule set or a set's
 * elements change.  Element changes are queued in @elems (across calls),
 * or dropped if it is NULL: they are written at the commit.
 */
static int apply_nft(struct ir_ruleset *rs, const char *line, FILE *out, bool *changed,
		     struct nft_ctx *elems, struct bpfw_err *err)
{
	struct nft_ctx own = { .out = out };
	struct nft_ctx *nctx = elems ? elems : &own;
	unsigned int before = nctx->n_elems;
	int ret;

	nctx->changed = false;
	ret = nft_run_line(nctx, rs, line, err);
	if (changed)
		*changed = nctx->changed || nctx->n_elems > before;
	nft_ctx_release(&own);
	return ret;
}

/* Apply journal entry @e to @rs; nft element changes queued in @elems (NULL: dropped). */
static int replay_one(const struct shell_entry *e, struct ir_ruleset *rs, struct nft_ctx *elems,
		      struct bpfw_err *err)
{
	const struct ipt_ctx *ctx = &family_ctx[e->family];
	struct ipt_cmd cmd = { 0 };
	int ret;

	switch (e->kind) {
	case SHELL_E_IPT:
		ret = apply_ipt(ctx, rs, e->n_words, e->words, &cmd, false, err);
		ipt_cmd_release(&cmd);
		return ret;
	case SHELL_E_RESTORE:
		return apply_restore(ctx, rs, e->text, e->len, e->noflush, err);
	case SHELL_E_NFT:
		return apply_nft(rs, e->text, NULL, NULL, elems, err);
	}
	return -EINVAL;
}

/* A copy of @base with the whole journal applied, in *@out; element changes into @elems. */
static int replay(const struct shell *sh, const struct ir_ruleset *base, struct ir_ruleset **out,
		  struct nft_ctx *elems, struct bpfw_err *err)
{
	struct ir_ruleset *rs = ir_ruleset_clone(base);
	int ret = 0;

	if (!rs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	for (unsigned int i = 0; i < sh->n_journal && !ret; i++)
		ret = replay_one(&sh->journal[i], rs, elems, err);
	if (ret) {
		ir_ruleset_free(rs);
		return ret;
	}
	*out = rs;
	return 0;
}

int shell_refresh(struct shell *sh, struct bpfw_err *err)
{
	struct ir_ruleset *staged = NULL, *base = NULL;
	struct txn t = { 0 };
	int lock, ret;

	lock = compat_lock_shared(err);
	if (lock < 0)
		return lock;
	ret = txn_begin(&t, err);
	compat_unlock(lock);
	if (!ret)
		ret = replay(sh, t.rs, &staged, NULL, err);
	if (!ret) {
		base = ir_ruleset_clone(t.rs);
		if (!base)
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	if (!ret) {
		ir_ruleset_free(sh->base);
		ir_ruleset_free(sh->staged);
		sh->base = base;
		sh->staged = staged;
		staged = NULL;
		sh->base_present = t.live.present;
		sh->base_gen = t.live.generation;
		sh->sets_prog = t.live.prog_ids[CGEN_PROG_TC_INGRESS];
	}
	ir_ruleset_free(staged);
	txn_end(&t);
	return ret;
}

void shell_release(struct shell *sh)
{
	journal_clear(sh);
	ir_ruleset_free(sh->base);
	ir_ruleset_free(sh->staged);
	sh->base = NULL;
	sh->staged = NULL;
}

static int journal_add(struct shell *sh, const struct shell_entry *e, struct bpfw_err *err)
{
	struct shell_entry *j = realloc(sh->journal, (sh->n_journal + 1) * sizeof(*j));

	if (!j)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	sh->journal = j;
	j[sh->n_journal++] = *e;
	return 0;
}

/* Keep @next as the staged set (taken over) and @e in the journal (taken over). */
static int stage(struct shell *sh, struct ir_ruleset *next, struct shell_entry *e,
		 struct bpfw_err *err)
{
	int ret = journal_add(sh, e, err);

	if (ret) {
		entry_free(e);
		ir_ruleset_free(next);
		return ret;
	}
	ir_ruleset_free(sh->staged);
	sh->staged = next;
	return 0;
}

static char **words_copy(int n, char **words)
{
	char **c = calloc(n + 1, sizeof(*c));

	for (int i = 0; c && i < n; i++) {
		c[i] = strdup(words[i]);
		if (!c[i]) {
			shell_words_free(c, i);
			return NULL;
		}
	}
	return c;
}

/* -L -v, -S -v: the live counters of the staged rules that run already. */
static int show_with_counters(struct shell *sh, const struct ipt_ctx *ctx,
			      const struct ipt_cmd *cmd, struct bpfw_err *err)
{
	struct ir_ruleset *view = ir_ruleset_clone(sh->staged), *own;
	struct txn t = { 0 };
	int lock, ret;

	if (!view)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	lock = compat_lock_shared(err);
	if (lock < 0) {
		ir_ruleset_free(view);
		return lock;
	}
	ret = txn_begin(&t, err);
	compat_unlock(lock);
	if (!ret && t.live.present == sh->base_present && t.live.generation == sh->base_gen) {
		own = t.rs;
		t.rs = view;
		ret = txn_read_counters(&t, err);
		t.rs = own;
	}
	if (!ret)
		ret = ipt_cmd_show(ctx, view, cmd, stdout, err);
	txn_end(&t);
	ir_ruleset_free(view);
	return ret;
}

/* -Z: the running counters, at once (counters are not staged). */
static int zero_live(const struct ipt_ctx *ctx, const struct ipt_cmd *cmd, struct bpfw_err *err)
{
	struct txn t = { 0 };
	int lock, ret;

	lock = compat_lock(SHELL_LOCK_WAIT, err);
	if (lock < 0)
		return lock;
	ret = txn_begin(&t, err);
	if (!ret)
		ret = txn_zero_counters(&t, ctx->family, cmd->table, cmd->chain, err);
	txn_end(&t);
	compat_unlock(lock);
	return ret;
}

int shell_iptables(struct shell *sh, const struct ipt_ctx *ctx, int n_words, char **words,
		   struct bpfw_err *err)
{
	struct shell_entry e = { .kind = SHELL_E_IPT, .family = ctx->family };
	struct ir_ruleset *next = NULL;
	struct ipt_cmd cmd = { 0 };
	int ret;

	ret = apply_ipt(ctx, NULL, n_words, words, &cmd, true, err);
	if (ret)
		goto out;
	if (cmd.op == IPT_OP_VERSION) {
		ipt_print_version(ctx, stdout);
	} else if (cmd.op == IPT_OP_HELP) {
		ipt_print_help(ctx, stdout);
		ipt_print_ext_help(ctx, cmd.rule, stdout);
	} else if (ipt_cmd_modifies(&cmd)) {
		next = ir_ruleset_clone(sh->staged);
		if (!next) {
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
			goto out;
		}
		ret = ipt_cmd_apply(ctx, next, &cmd, err);
		if (ret)
			goto out;
		e.words = words_copy(n_words, words);
		e.n_words = n_words;
		if (!e.words) {
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
			goto out;
		}
		ret = stage(sh, next, &e, err);
		next = NULL;
	} else if (cmd.op == IPT_OP_ZERO) {
		ret = zero_live(ctx, &cmd, err);
	} else if ((cmd.op == IPT_OP_LIST || cmd.op == IPT_OP_LIST_RULES) &&
		   (cmd.flags & IPT_F_VERBOSE)) {
		ret = show_with_counters(sh, ctx, &cmd, err);
	} else {
		ret = ipt_cmd_show(ctx, sh->staged, &cmd, stdout, err);
	}
out:
	ir_ruleset_free(next);
	ipt_cmd_release(&cmd);
	return ret;
}

int shell_load(struct shell *sh, const struct ipt_ctx *ctx, const char *path, bool noflush,
	       struct bpfw_err *err)
{
	struct shell_entry e = { .kind = SHELL_E_RESTORE, .family = ctx->family,
				 .noflush = noflush };
	struct ir_ruleset *next;
	FILE *in = fopen(path, "r");
	int ret;

	if (!in)
		return bpfw_errf(err, BPFW_EXIT_OTHER, errno, "Can't open %s: %s", path,
				 strerror(errno));
	ret = bpfw_read_all(in, &e.text, &e.len);
	fclose(in);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	next = ir_ruleset_clone(sh->staged);
	if (!next) {
		free(e.text);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	ret = apply_restore(ctx, next, e.text, e.len, noflush, err);
	if (ret) {
		if (err->line)
			snprintf(err->msg + strlen(err->msg), sizeof(err->msg) - strlen(err->msg),
				 " (%s line %d)", path, err->line);
		free(e.text);
		ir_ruleset_free(next);
		return ret;
	}
	return stage(sh, next, &e, err);
}

int shell_nft(struct shell *sh, const char *line, struct bpfw_err *err)
{
	struct shell_entry e = { .kind = SHELL_E_NFT };
	struct ir_ruleset *next = ir_ruleset_clone(sh->staged);
	bool changed = false;
	int ret;

	if (!next)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = apply_nft(next, line, stdout, &changed, NULL, err);
	if (ret || !changed) {
		ir_ruleset_free(next);
		return ret;
	}
	e.text = strdup(line);
	if (!e.text) {
		ir_ruleset_free(next);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	e.len = strlen(line);
	return stage(sh, next, &e, err);
}

int shell_commit(struct shell *sh, struct bpfw_err *err)
{
	struct nft_ctx elems = { 0 };
	struct ir_ruleset *next = NULL;
	struct txn t = { 0 };
	int lock, ret;

	if (!sh->n_journal) {
		printf("Nothing to commit.\n");
		return 0;
	}
	lock = compat_lock(SHELL_LOCK_WAIT, err);
	if (lock < 0)
		return lock;
	t.verbose = sh->verbose;
	ret = txn_begin(&t, err);
	if (ret)
		goto out;
	if (t.live.present != sh->base_present || t.live.generation != sh->base_gen)
		printf("The running rule set changed since staging began: the %u staged "
		       "command(s) are applied to it again.\n", sh->n_journal);
	/* the journal once more, on what runs now: the rules, and the elements to write */
	ret = replay(sh, t.rs, &next, &elems, err);
	if (ret)
		goto out;
	ir_ruleset_free(t.rs);
	t.rs = next;
	if (elems.n_elems) {
		t.before_switch = nft_elems_before_switch;
		t.before_switch_arg = &elems;
	}
	ret = txn_commit(&t, err);
out:
	nft_ctx_release(&elems);
	txn_end(&t);
	compat_unlock(lock);
	if (ret)
		return ret;
	printf("Committed %u change(s).\n", sh->n_journal);
	journal_clear(sh);
	return shell_refresh(sh, err);
}

int shell_abort(struct shell *sh, struct bpfw_err *err)
{
	unsigned int n = sh->n_journal;
	struct ir_ruleset *base;

	journal_clear(sh);
	/* the base as it was, should the running set not be readable now */
	base = ir_ruleset_clone(sh->base);
	if (!base)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ir_ruleset_free(sh->staged);
	sh->staged = base;
	printf("Dropped %u staged change(s).\n", n);
	return shell_refresh(sh, err);
}
