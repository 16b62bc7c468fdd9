// SPDX-License-Identifier: GPL-2.0
/*
 * nft -f: a file of commands and blocks, with "include", "define" and
 * "$variables", applied to the rule set statement by statement; and one
 * command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/read.h"
#include "nft_syntax.h"

#define INCLUDE_DEPTH	16

struct nft_define {
	char *name;
	struct nft_tok *v;	/* the value's tokens (texts malloc'd) */
	unsigned int n;
};

struct nft_defines {
	struct nft_define *v;
	unsigned int n;
};

static void defines_free(struct nft_defines *d)
{
	if (!d)
		return;
	for (unsigned int i = 0; i < d->n; i++) {
		for (unsigned int j = 0; j < d->v[i].n; j++)
			free(d->v[i].v[j].text);
		free(d->v[i].v);
		free(d->v[i].name);
	}
	free(d->v);
	free(d);
}

void nft_ctx_release(struct nft_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->n_elems; i++)
		free(ctx->elems[i].elem);
	free(ctx->elems);
	ctx->elems = NULL;
	ctx->n_elems = 0;
	defines_free(ctx->defines);
	ctx->defines = NULL;
}

static struct nft_define *define_find(struct nft_defines *d, const char *name)
{
	for (unsigned int i = 0; d && i < d->n; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

/* Replace tokens [@at, @at + @n) of @t by @m copies of @with (taken if @take). */
static int splice(struct nft_toks *t, unsigned int at, unsigned int n, const struct nft_tok *with,
		  unsigned int m, bool take)
{
	unsigned int need = t->n - n + m;

	if (need > t->cap) {
		struct nft_tok *more = realloc(t->v, need * sizeof(*more));

		if (!more)
			return -ENOMEM;
		t->v = more;
		t->cap = need;
	}
	for (unsigned int i = at; i < at + n; i++)
		free(t->v[i].text);
	memmove(&t->v[at + m], &t->v[at + n], (t->n - at - n) * sizeof(*t->v));
	t->n = need;
	for (unsigned int i = 0; i < m; i++) {
		t->v[at + i] = with[i];
		if (!take) {
			t->v[at + i].text = strdup(with[i].text);
			if (!t->v[at + i].text) {
				/* keep the stream freeable */
				for (unsigned int j = i; j < m; j++)
					t->v[at + j].text = NULL;
				return -ENOMEM;
			}
		}
	}
	return 0;
}

static bool stmt_start(const struct nft_toks *t, unsigned int i)
{
	return i == 0 || t->v[i - 1].kind == NFT_TOK_EOL ||
	       (t->v[i - 1].kind == NFT_TOK_PUNCT && (!strcmp(t->v[i - 1].text, ";") ||
						       !strcmp(t->v[i - 1].text, "{") ||
						       !strcmp(t->v[i - 1].text, "}")));
}

static int read_all(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int ret;

	if (!f)
		return -errno;
	ret = bpfw_read_all(f, buf, len);
	if (!ret && ferror(f))
		ret = -EIO;
	if (f != stdin)
		fclose(f);
	return ret;
}

/* include "FILE" at token @i: that file's tokens, preprocessed, in place of the statement. */
static int include(struct nft_ctx *ctx, struct nft_toks *t, unsigned int i, struct bpfw_err *err)
{
	struct nft_toks sub = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int ret;

	if (i + 1 >= t->n || t->v[i + 1].kind != NFT_TOK_STRING) {
		t->pos = i + 1;
		return nft_perr(t, err, "syntax error, expecting string after include");
	}
	if (ctx->depth >= INCLUDE_DEPTH) {
		t->pos = i;
		return nft_perr(t, err, "Include nested too deeply, max %d levels", INCLUDE_DEPTH);
	}
	ret = read_all(t->v[i + 1].text, &buf, &len);
	if (ret) {
		t->pos = i;
		free(buf);
		return nft_perr(t, err, "Could not process rule: %s\ninclude \"%s\"",
				strerror(-ret), t->v[i + 1].text);
	}
	sub.name = t->v[i + 1].text;
	ret = nft_lex(buf, len, false, &sub, err);
	free(buf);
	if (!ret) {
		ctx->depth++;
		ret = nft_preprocess(ctx, &sub, err);
		ctx->depth--;
	}
	if (!ret) {
		/* the included statements end before what follows the include */
		struct nft_tok eol = { NFT_TOK_EOL, NULL, t->v[i].line };

		ret = splice(&sub, sub.n, 0, &eol, 1, true);
		sub.v[sub.n - 1].text = strdup("\n");
		if (!ret && !sub.v[sub.n - 1].text)
			ret = -ENOMEM;
		if (!ret)
			ret = splice(t, i, 2, sub.v, sub.n, true);
		if (!ret) {
			free(sub.v);
			sub.v = NULL;
			sub.n = 0;
		}
		if (ret)
			ret = nft_nomem(err);
	}
	nft_toks_release(&sub);
	return ret;
}

/* define NAME = VALUE at token @i: remembered, and removed from the stream. */
static int define(struct nft_ctx *ctx, struct nft_toks *t, unsigned int i, struct bpfw_err *err)
{
	struct nft_defines *d = ctx->defines;
	struct nft_define *def, *more;
	unsigned int j = i + 3, depth = 0;

	if (i + 3 > t->n || t->v[i + 1].kind != NFT_TOK_WORD || strcmp(t->v[i + 2].text, "=")) {
		t->pos = i + 1;
		return nft_perr(t, err, "syntax error, expecting define NAME = VALUE");
	}
	while (j < t->n && (depth || (t->v[j].kind != NFT_TOK_EOL && strcmp(t->v[j].text, ";")))) {
		if (!strcmp(t->v[j].text, "{"))
			depth++;
		else if (!strcmp(t->v[j].text, "}") && depth)
			depth--;
		j++;
	}
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		ctx->defines = d;
	}
	def = define_find(d, t->v[i + 1].text);
	if (!def) {
		more = realloc(d->v, (d->n + 1) * sizeof(*more));
		if (!more)
			return -ENOMEM;
		d->v = more;
		def = &d->v[d->n++];
		*def = (struct nft_define){ .name = strdup(t->v[i + 1].text) };
		if (!def->name)
			return -ENOMEM;
	} else {
		for (unsigned int k = 0; k < def->n; k++)
			free(def->v[k].text);
		free(def->v);
		def->v = NULL;
		def->n = 0;
	}
	def->v = calloc(j - i - 3 + 1, sizeof(*def->v));
	if (!def->v)
		return -ENOMEM;
	for (unsigned int k = i + 3; k < j; k++) {
		/* line ends inside a braced value are separators only */
		if (t->v[k].kind == NFT_TOK_EOL)
			continue;
		def->v[def->n] = t->v[k];
		def->v[def->n].text = strdup(t->v[k].text);
		if (!def->v[def->n].text)
			return -ENOMEM;
		def->n++;
	}
	return splice(t, i, j - i, NULL, 0, true);
}

int nft_preprocess(struct nft_ctx *ctx, struct nft_toks *t, struct bpfw_err *err)
{
	unsigned int i = 0;
	int ret = 0;

	while (!ret && i < t->n) {
		struct nft_tok *k = &t->v[i];

		if (k->kind == NFT_TOK_WORD && !strcmp(k->text, "include") && stmt_start(t, i)) {
			ret = include(ctx, t, i, err);
			continue;
		}
		if (k->kind == NFT_TOK_WORD && !strcmp(k->text, "define") && stmt_start(t, i)) {
			ret = define(ctx, t, i, err);
			if (ret && !err->exit_code)
				ret = nft_nomem(err);
			continue;
		}
		if (k->kind == NFT_TOK_PUNCT && !strcmp(k->text, "$")) {
			struct nft_define *def = i + 1 < t->n ?
						 define_find(ctx->defines, t->v[i + 1].text) : NULL;

			if (!def) {
				t->pos = i + 1;
				return nft_perr(t, err, "unknown identifier '%s'",
						i + 1 < t->n ? t->v[i + 1].text : "");
			}
			ret = splice(t, i, 2, def->v, def->n, false);
			if (ret)
				return nft_nomem(err);
			i += def->n;
			continue;
		}
		i++;
	}
	return ret;
}

/* Run every statement of a preprocessed stream. */
static int run_toks(struct nft_ctx *ctx, struct ir_ruleset *rs, struct nft_toks *t,
		    struct bpfw_err *err)
{
	t->pos = 0;
	while (nft_peek(t)->kind != NFT_TOK_END) {
		int ret;

		if (nft_peek(t)->kind == NFT_TOK_EOL || nft_accept(t, ";")) {
			if (nft_peek(t)->kind == NFT_TOK_EOL)
				t->pos++;
			continue;
		}
		ret = nft_command(t, ctx, rs, err);
		if (ret)
			return ret;
		if (!nft_at_end(t) || nft_at(t, "}"))
			return nft_perr(t, err, "syntax error, unexpected %s", nft_peek(t)->text);
	}
	return 0;
}

/* A jump or goto to a chain that does not exist, once the whole input is read. */
static int check_jumps(struct nft_toks *t, const struct ir_ruleset *rs, struct bpfw_err *err)
{
	for (unsigned int i = 0; i < rs->n_nft + IR_FAMILY_MAX * IR_TABLE_MAX; i++) {
		const struct ir_table *tb = i < rs->n_nft ? rs->nft[i] :
			rs->tables[(i - rs->n_nft) / IR_TABLE_MAX][(i - rs->n_nft) % IR_TABLE_MAX];

		for (unsigned int c = 0; tb && c < tb->n_chains; c++) {
			for (unsigned int r = 0; r < tb->chains[c]->n_rules; r++) {
				const char *to;

				for (unsigned int k = 0;
				     (to = ir_rule_jump_at(tb->chains[c]->rules[r], k)); k++)
					if (!ir_chain_find(tb, to))
						return nft_perr(t, err, "Could not process rule: "
								"No such file or directory\n"
								"chain %s does not exist", to);
			}
		}
	}
	return 0;
}

int nft_run_buf(struct nft_ctx *ctx, struct ir_ruleset *rs, const char *buf, size_t len,
		const char *name, struct bpfw_err *err)
{
	struct nft_toks t = { .name = name };
	int ret = nft_lex(buf, len, ctx->flags & NFT_F_STATE, &t, err);

	if (!ret)
		ret = nft_preprocess(ctx, &t, err);
	if (!ret)
		ret = run_toks(ctx, rs, &t, err);
	if (!ret && ctx->changed)
		ret = check_jumps(&t, rs, err);
	nft_toks_release(&t);
	return ret;
}

int nft_run_line(struct nft_ctx *ctx, struct ir_ruleset *rs, const char *line,
		 struct bpfw_err *err)
{
	return nft_run_buf(ctx, rs, line, strlen(line), NULL, err);
}

int nft_run_file(struct nft_ctx *ctx, struct ir_ruleset *rs, const char *path,
		 struct bpfw_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	int ret = read_all(path, &buf, &len);

	if (ret) {
		free(buf);
		return bpfw_errf(err, BPFW_EXIT_OTHER, -ret,
				 "Error: Could not open file \"%s\": %s", path, strerror(-ret));
	}
	ret = nft_run_buf(ctx, rs, buf, len, strcmp(path, "-") ? path : "/dev/stdin", err);
	free(buf);
	return ret;
}

int nft_state_parse(const char *text, size_t len, struct ir_ruleset *rs, struct bpfw_err *err)
{
	struct nft_ctx ctx = { .flags = NFT_F_STATE };
	int ret = nft_run_buf(&ctx, rs, text, len, "state", err);

	nft_ctx_release(&ctx);
	return ret;
}
