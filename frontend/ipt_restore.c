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

#define MAX_PARAM	1024	/* iptables-restore's longest word, with its NUL */

/*
 * Split @s into words in place, with "..." quoting; inside quotes a
 * backslash escapes the next character, as iptables-restore reads it.  A
 * quote still open at the end keeps the line's newline in the word.  Returns
 * the number of words, -E2BIG for too many, -ENAMETOOLONG for a word of
 * MAX_PARAM bytes or more.
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
		if (quoted)
			*out++ = '\n';		/* room: the quote itself was not copied */
		*out = '\0';
		if (out - words[n - 1] >= MAX_PARAM)
			return -ENAMETOOLONG;
	}
	return n;
}

/* Whether @s reads as a number to sscanf's "%llu". */
static bool scans_as_number(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '+' || *s == '-')
		s++;
	return *s >= '0' && *s <= '9';
}

/*
 * A rule's "[a:b]" or, in slots mode, "[S]"; moves *@p past it.  Read as
 * iptables-restore reads it: everything up to the first ':' is the packet
 * count, up to the next ']' the byte count, and with -c both must be
 * numbers.
 */
static int counters(struct rstate *st, char **p, struct ir_counter *c, uint32_t *slot)
{
	const struct ipt_where w = { .restore = true, .line = st->line };
	char *end = strchr(*p, ']'), *colon, *pk, *by, *copy, *save = NULL;
	int ret = 0;

	if (!end)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"Bad line %d: need ]", st->line);
	if (st->opts->slots) {
		*end = '\0';
		if (!strcmp(*p + 1, "-"))
			*slot = IR_SLOT_NONE;
		else
			*slot = strtoul(*p + 1, &colon, 10);
		*p = end + 1;
		return 0;
	}
	/* iptables-restore's own reading: strtok ":" then "]" after the '[' */
	copy = strdup(*p + 1);
	if (!copy)
		return bpfw_errf(st->err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	pk = strtok_r(copy, ":", &save);
	by = pk ? strtok_r(NULL, "]", &save) : NULL;
	if (!pk || !by)
		ret = ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
			       pk ? "Bad line %d: need ]" : "Bad line %d: need :", st->line);
	else if (st->opts->counters && !scans_as_number(pk))
		ret = ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
			       "-c packet counter not numeric");
	else if (st->opts->counters && !scans_as_number(by))
		ret = ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
			       "-c byte counter not numeric");
	if (!ret) {
		c->packets = strtoull(pk, NULL, 10);
		c->bytes = strtoull(by, NULL, 10);
	}
	free(copy);
	if (ret)
		return ret;
	*p = end + 1;
	return 0;
}

/* ":CHAIN POLICY [p:b]", read word by word as iptables-restore reads it. */
static int chain_line(struct rstate *st, char *s)
{
	const struct ipt_where w = { .restore = true, .line = st->line };
	struct ir_counter cnt = { 0 };
	uint32_t slot = IR_SLOT_NONE;
	char *save = NULL, *name, *policy, *ctrs;
	struct ir_chain *c;
	int ret;

	name = strtok_r(s + 1, " \t", &save);
	if (!name)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"%s-restore: line %d chain name invalid", st->ctx->prog, st->line);
	if (strlen(name) >= IR_CHAIN_MAXNAMELEN)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"chain name `%s' too long (must be under %u chars)", name,
				IR_CHAIN_MAXNAMELEN);
	policy = strtok_r(NULL, " \t", &save);
	if (!policy)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"%s-restore: line %d policy invalid", st->ctx->prog, st->line);
	ctrs = strtok_r(NULL, " \t", &save);
	c = ir_chain_find(st->t, name);
	if (c && ir_chain_is_builtin(c)) {
		if (st->opts->slots && ctrs && ctrs[0] == '[') {
			ret = counters(st, &ctrs, &cnt, &slot);
			if (ret)
				return ret;
		} else if (st->opts->counters) {
			unsigned long long pk, by;

			if (!ctrs || sscanf(ctrs, "[%llu:%llu]", &pk, &by) != 2)
				return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
						"invalid policy counters for chain '%s'", name);
			cnt.packets = pk;
			cnt.bytes = by;
		}
		if (strcmp(policy, "ACCEPT") && strcmp(policy, "DROP"))
			return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_OTHER, EINVAL,
					"Bad policy name.");
		c->policy = strcmp(policy, "DROP") ? IR_VERDICT_ACCEPT : IR_VERDICT_DROP;
		/*
		 * A slot names where the running count is, not a count to set;
		 * a policy line starts its chain's count again (at 0 without
		 * -c, with -n too), as iptables does.
		 */
		if (!st->opts->slots) {
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
	if (name[0] == '-')
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"chain name not allowed to start with `-'");
	if (ipt_is_target_name(name))
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"chain name may not clash with target name");
	ret = ir_chain_add(st->t, name, NULL);
	if (ret)
		return bpfw_errf(st->err, BPFW_EXIT_RESOURCE, ret, "Cannot allocate memory");
	return 0;
}

static int rule_line(struct rstate *st, char *s)
{
	const struct ipt_where w = { .restore = true, .line = st->line, .quiet = st->opts->slots };
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
	if (n == -ENAMETOOLONG)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, E2BIG, "Parameter too long!");
	if (n < 0)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, E2BIG, "too many arguments");
	ret = ipt_parse_words(st->ctx, &w, n + 1, words, &cmd, st->err);
	if (ret)
		return ret;
	cmd.table = st->t->id;
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

static int table_line(struct rstate *st, char *s)
{
	const struct ipt_where w = { .restore = true, .line = st->line };
	char *save = NULL, *name = strtok_r(s, " \t", &save);
	enum ir_table_id id;
	int ret;

	if (!name)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, EINVAL,
				"%s-restore: line %d table name invalid", st->ctx->prog, st->line);
	if (ir_table_id_parse(name, &id))
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, ENOENT,
				"%s-restore: line %d table name '%s' invalid", st->ctx->prog,
				st->line, name);
	st->skip = st->opts->table && strcmp(st->opts->table, name);
	ret = ir_table_get(st->rs, st->ctx->family, id, &st->t);
	if (ret)
		return bpfw_errf(st->err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (!st->skip && !st->opts->noflush)
		ir_table_flush(st->t);
	return 0;
}

static int commit(struct rstate *st)
{
	const struct ipt_where w = { .restore = true, .line = st->line };
	const char *dangling = st->skip ? NULL : ipt_dangling_jump(st->t);

	st->t = NULL;
	if (dangling)
		return ipt_fail(st->ctx, &w, st->err, IPT_FAIL_PARAM, ENOENT,
				"Chain '%s' does not exist", dangling);
	return 0;
}

static int one_line(struct rstate *st, char *s)
{
	if (s[0] == '#')
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
		size_t n = nl ? (size_t)(nl - buf - pos) : len - pos, l;
		char *line = strndup(buf + pos, n);

		if (!line)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		/* a NUL byte ends the line, as for iptables-restore */
		st.line++;
		l = strlen(line);
		if (l && line[l - 1] == '\r')
			line[l - 1] = '\0';
		ret = n ? one_line(&st, line) : 0;	/* only a truly empty line is nothing */
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
