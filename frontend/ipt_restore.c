// SPDX-License-Identifier: GPL-2.0
/* iptables-restore input: tables, chain lines, commands, COMMIT. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipt_internal.h"

#define MAX_WORDS	256

struct rstate {
	const struct ipt_ctx *ctx;
	const struct ipt_restore_opts *opts;
	struct ir_ruleset *rs;
	struct bpfw_err *err;
	struct ir_table *t;		/* table being restored, NULL outside */
	bool skip;			/* a table other than -T's */
	int line;
};

/*
 * Split @s into words in place, with "..." quoting; inside quotes a
 * backslash escapes the next character, as iptables-restore reads it.
 */
static int split(char *s, char **words, int max)
{
	int n = 0;

	while (*s) {
		char *out;
		bool quoted = false;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -E2BIG;
		words[n++] = out = s;
		for (; *s; s++) {
			if (quoted && *s == '\\' && s[1]) {
				*out++ = *++s;
			} else if (*s == '"') {
				quoted = !quoted;
			} else if (!quoted && (*s == ' ' || *s == '\t')) {
				s++;
				break;
			} else {
				*out++ = *s;
			}
		}
		*out = '\0';
	}
	return n;
}

/* "[a:b]" or, in slots mode, "[S]"; 0 or the wording of a bad line. */
static int counters(struct rstate *st, char **p, struct ir_counter *c, uint32_t *slot)
{
	char *end = strchr(*p, ']');
	char *colon;

	if (!end)
		goto bad;
	*end = '\0';
	if (st->opts->slots) {
		if (!strcmp(*p + 1, "-"))
			*slot = IR_SLOT_NONE;
		else
			*slot = strtoul(*p + 1, &colon, 10);
	} else {
		colon = strchr(*p, ':');
		if (!colon)
			goto bad;
		c->packets = strtoull(*p + 1, NULL, 10);
		c->bytes = strtoull(colon + 1, NULL, 10);
	}
	*p = end + 1;
	return 0;
bad:
	return ipt_fail(st->ctx, &(struct ipt_where){ true, st->line }, st->err, IPT_FAIL_PARAM,
			EINVAL, "Bad line %d: need ]", st->line);
}

static int chain_line(struct rstate *st, char *s)
{
	const struct ipt_where w = { true, st->line };
	char *words[4] = { 0 };
	struct ir_counter cnt = { 0 };
	uint32_t slot = IR_SLOT_NONE;
	struct ir_chain *c;
	int n = split(s + 1, words, 4), ret;

	if (n < 2)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"%s-restore: line %d policy invalid", st->ctx->prog, st->line);
	if (strlen(words[0]) >= IR_CHAIN_MAXNAMELEN)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"chain name `%s' too long (must be under %u chars)", words[0],
				IR_CHAIN_MAXNAMELEN);
	for (int i = 2; i < n; i++) {
		char *p = words[i];

		if (p[0] == '[' && (ret = counters(st, &p, &cnt, &slot)))
			return ret;
	}
	c = ir_chain_find(st->t, words[0]);
	if (c && ir_chain_is_builtin(c)) {
		if (strcmp(words[1], "ACCEPT") && strcmp(words[1], "DROP"))
			return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_OTHER, EINVAL,
					"Bad policy name.");
		c->policy = strcmp(words[1], "DROP") ? IR_VERDICT_ACCEPT : IR_VERDICT_DROP;
		/* a slot names where the running count is, not a count to set */
		if (st->opts->counters && !st->opts->slots) {
			c->counter = cnt;
			c->counter_given = true;
		}
		if (st->opts->slots)
			c->policy_slot = slot;
		return 0;
	}
	if (c) {
		/* declared again (or kept by -n): emptied, jumps to it stay */
		ir_chain_flush(c);
		return 0;
	}
	ret = ir_chain_add(st->t, words[0], NULL);
	if (ret)
		return bpfw_errf(st->err, BPFW_EXIT_RESOURCE, ret, "Cannot allocate memory");
	return 0;
}

static int rule_line(struct rstate *st, char *s)
{
	const struct ipt_where w = { true, st->line };
	char *words[MAX_WORDS + 1];
	struct ir_counter cnt = { 0 };
	uint32_t slot = IR_SLOT_NONE;
	struct ipt_cmd cmd;
	bool given = false;
	int n, ret;

	if (s[0] == '[') {
		ret = counters(st, &s, &cnt, &slot);
		if (ret)
			return ret;
		given = true;
	}
	words[0] = (char *)st->ctx->prog;
	n = split(s, words + 1, MAX_WORDS);
	if (n < 0)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, E2BIG, "too many arguments");
	ret = ipt_parse_words(st->ctx, &w, n + 1, words, &cmd, st->err);
	if (ret)
		return ret;
	if (given && st->opts->counters && !st->opts->slots) {
		cmd.rule->counter = cnt;
		cmd.rule->counter_given = true;
	}
	if (st->opts->slots)
		cmd.rule->slot = slot;
	ret = ipt_cmd_apply_at(st->ctx, &w, st->rs, &cmd, true, st->err);
	ipt_cmd_release(&cmd);
	return ret;
}

static int table_line(struct rstate *st, const char *name)
{
	const struct ipt_where w = { true, st->line };
	int ret;

	if (strcmp(name, "filter"))
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, ENOENT,
				"%s-restore: line %d table name '%s' invalid", st->ctx->prog,
				st->line, name);
	st->skip = st->opts->table && strcmp(st->opts->table, name);
	ret = ir_table_get(st->rs, st->ctx->family, IR_TABLE_FILTER, &st->t);
	if (ret)
		return bpfw_errf(st->err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (!st->skip && !st->opts->noflush)
		ir_table_flush(st->t);
	return 0;
}

static int commit(struct rstate *st)
{
	const struct ipt_where w = { true, st->line };
	const char *dangling = st->skip ? NULL : ipt_dangling_jump(st->t);

	st->t = NULL;
	if (dangling)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, ENOENT,
				"Chain '%s' does not exist", dangling);
	return 0;
}

static int one_line(struct rstate *st, char *s)
{
	if (!s[0] || s[0] == '#')
		return 0;
	if (!st->t) {
		if (s[0] == '*')
			return table_line(st, s + 1);
		return bpfw_errf(st->err, BPFW_EXIT_OTHER, EINVAL, "%s-restore: line %d failed",
				 st->ctx->prog, st->line);
	}
	if (!strcmp(s, "COMMIT"))
		return commit(st);
	if (st->skip)
		return 0;
	if (s[0] == ':')
		return chain_line(st, s);
	return rule_line(st, s);
}

int ipt_restore_apply(const struct ipt_ctx *ctx, const char *buf, size_t len,
		      const struct ipt_restore_opts *opts, struct ir_ruleset *rs,
		      struct bpfw_err *err)
{
	struct rstate st = { .ctx = ctx, .opts = opts, .rs = rs, .err = err };
	size_t pos = 0;
	int ret = 0;

	while (pos < len && !ret) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - buf - pos) : len - pos;
		char *line = strndup(buf + pos, n);

		if (!line)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		n = strlen(line);	/* a NUL byte ends the line, as for iptables-restore */
		st.line++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		ret = one_line(&st, line);
		free(line);
		pos = nl ? (size_t)(nl - buf) + 1 : len;
	}
	if (!ret && st.t)
		ret = bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL, "%s-restore: COMMIT expected at line %d",
				ctx->prog, st.line + 1);
	if (ret && !err->line)
		err->line = st.line;
	return ret;
}
