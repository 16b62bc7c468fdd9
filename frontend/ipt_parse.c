// SPDX-License-Identifier: GPL-2.0
/*
 * The iptables command line: words to one struct ipt_cmd, with iptables'
 * own error sentences and exit statuses.  Options may come in any order,
 * also after the target; long options may be shortened while unambiguous.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "ipt_internal.h"

static const char cmd_chars[C_MAX + 1] = "IDDRALFZNXPESZC";

static const char opt_chars[O_MAX + 1] = "nsdpjvxio0cf";
static const char opt_invertible[O_MAX + 1] = "011100011001";

/* Which options each command refuses ('x'). */
static const char *const cmd_opts[C_MAX] = {
	[C_INSERT] = "x     x  x  ",
	[C_DELETE] = "x     x  xx ",
	[C_DELETE_NUM] = "xxxxx xxxxxx",
	[C_REPLACE] = "x     x  x  ",
	[C_APPEND] = "x     x  x  ",
	[C_LIST] = " xxxx  xx xx",
	[C_FLUSH] = "xxxxx xxxxxx",
	[C_ZERO] = "xxxxx xxxxxx",
	[C_NEW_CHAIN] = "xxxxx xxxxxx",
	[C_DELETE_CHAIN] = "xxxxx xxxxxx",
	[C_POLICY] = "xxxxx xxxx x",
	[C_RENAME] = "xxxxx xxxxxx",
	[C_LIST_RULES] = "xxxxx xxxxxx",
	[C_ZERO_NUM] = "xxxxx xxxxxx",
	[C_CHECK] = "x     x  xx ",
};

enum { ARG_NONE, ARG_REQ, ARG_OPT };

struct gopt {
	const char *name;
	char val;
	int has_arg;
};

static const struct gopt gopts[] = {
	{ "append", 'A', ARG_REQ },	   { "delete", 'D', ARG_REQ },
	{ "check", 'C', ARG_REQ },	   { "insert", 'I', ARG_REQ },
	{ "replace", 'R', ARG_REQ },	   { "list", 'L', ARG_OPT },
	{ "list-rules", 'S', ARG_OPT },    { "flush", 'F', ARG_OPT },
	{ "zero", 'Z', ARG_OPT },	   { "new-chain", 'N', ARG_REQ },
	{ "delete-chain", 'X', ARG_OPT },  { "rename-chain", 'E', ARG_REQ },
	{ "policy", 'P', ARG_REQ },	   { "source", 's', ARG_REQ },
	{ "destination", 'd', ARG_REQ },   { "src", 's', ARG_REQ },
	{ "dst", 'd', ARG_REQ },	   { "protocol", 'p', ARG_REQ },
	{ "in-interface", 'i', ARG_REQ },  { "jump", 'j', ARG_REQ },
	{ "table", 't', ARG_REQ },	   { "match", 'm', ARG_REQ },
	{ "numeric", 'n', ARG_NONE },	   { "out-interface", 'o', ARG_REQ },
	{ "verbose", 'v', ARG_NONE },	   { "wait", 'w', ARG_OPT },
	{ "wait-interval", 'W', ARG_OPT }, { "exact", 'x', ARG_NONE },
	{ "fragment", 'f', ARG_NONE },	   { "version", 'V', ARG_NONE },
	{ "help", 'h', ARG_OPT },	   { "line-numbers", '0', ARG_NONE },
	{ "modprobe", 'M', ARG_REQ },	   { "set-counters", 'c', ARG_REQ },
	{ "goto", 'g', ARG_REQ },	   { "ipv4", '4', ARG_NONE },
	{ "ipv6", '6', ARG_NONE },	   { "new", 'N', ARG_REQ },
	{ "hook", 'K', ARG_REQ },	/* bpfw's own: -N CHAIN --hook xdp */
	{ NULL, 0, 0 },
};

static const char short_req[] = "ACDRINEPMopsdjitmcg";
static const char short_opt[] = "LSFZXwWh";
static const char short_none[] = "nvxfV46";

/* One option as found: generic (@g) or of match @midx (@m). */
struct found {
	const struct gopt *g;
	const struct ipt_mopt *m;
	int midx;		/* -1: generic; -2: of the protocol's match, not loaded yet; -3: the target's */
	enum ir_match_kind implied;
};

/* Whether the next word is an argument, not an option (iptables' xs_has_arg). */
bool ipt_has_arg(const struct ipt_pstate *ps)
{
	return ps->ind < ps->argc && ps->argv[ps->ind][0] != '-' && ps->argv[ps->ind][0] != '!';
}

/* The match a protocol loads for its options (-p tcp --dport): icmp for iptables, icmp6 for ip6tables. */
static bool proto_implies(const struct ir_rule *r, enum ir_family family,
			  enum ir_match_kind *kind)
{
	/* also after "! -p": the kernel refuses what needs the protocol then */
	switch (r->ip.proto) {
	case IPPROTO_TCP:
		*kind = IR_MATCH_TCP;
		return true;
	case IPPROTO_UDP:
		*kind = IR_MATCH_UDP;
		return true;
	case IPPROTO_ICMP:
		*kind = IR_MATCH_ICMP;
		return family == IR_FAMILY_IPV4;
	case IPPROTO_ICMPV6:
		*kind = IR_MATCH_ICMP6;
		return family == IR_FAMILY_IPV6;
	default:
		return false;
	}
}

/* Look up a long option among the generic ones and those of loaded matches. */
static int find_long(const struct ipt_pstate *ps, const char *name, size_t len, struct found *f)
{
	const struct ir_rule *r = ps->cmd->rule;
	struct found cand = { 0 };
	enum ir_match_kind pk;
	int n = 0;

	for (int pass = 0; pass < 2; pass++) {
		bool exact = pass == 0;

		for (const struct gopt *g = gopts; g->name; g++) {
			if (strncmp(g->name, name, len) || (exact && g->name[len]))
				continue;
			if (exact || !n || !cand.g || cand.g->val != g->val)
				n++;
			cand = (struct found){ .g = g, .midx = -1 };
			if (exact)
				goto out;
		}
		/* the last match loaded takes an option first, as xtables merges them */
		for (unsigned int k = 0; k < r->n_matches; k++) {
			unsigned int i = exact ? r->n_matches - 1 - k : k;
			const struct ipt_mopt *o = ipt_match_opts(r->matches[i].kind);

			for (; o && o->name; o++) {
				if (strncmp(o->name, name, len) || (exact && o->name[len]))
					continue;
				if (exact)
					goto take;
				if (!n || !cand.m || cand.midx != (int)i || cand.m->id != o->id)
					n++;
take:
				cand = (struct found){ .m = o, .midx = (int)i };
				if (exact) {
					n = 1;
					goto out;
				}
			}
		}
		/* the target's own options, once it is named */
		for (const struct ipt_mopt *o = r->target.kind == IR_TARGET_LOG ? ipt_log_opts :
						r->target.kind == IR_TARGET_REJECT ? ipt_reject_opts : NULL;
		     o && o->name; o++) {
			if (strncmp(o->name, name, len) || (exact && o->name[len]))
				continue;
			if (exact || !n || !cand.m || cand.midx != -3 || cand.m->id != o->id)
				n++;
			cand = (struct found){ .m = o, .midx = -3 };
			if (exact) {
				n = 1;
				goto out;
			}
		}
		if (n)
			break;
	}
	if (!n && proto_implies(r, ps->ctx->family, &pk) && !ir_rule_find_match(r, pk)) {
		for (int pass = 0; pass < 2 && !n; pass++) {
			for (const struct ipt_mopt *o = ipt_match_opts(pk); o->name; o++) {
				if (strncmp(o->name, name, len) || (!pass && o->name[len]))
					continue;
				if (!n || cand.m->id != o->id)
					n++;
				cand = (struct found){ .m = o, .midx = -2, .implied = pk };
			}
		}
	}
out:
	if (n != 1)
		return -ENOENT;
	*f = cand;
	return 0;
}

int ipt_set_opt(struct ipt_pstate *ps, int opt)
{
	if (ps->opts & (1u << opt))
		return ipt_perr(ps, "multiple -%c flags not allowed", opt_chars[opt]);
	if (ps->invert && opt_invertible[opt] == '0')
		return ipt_perr(ps, "cannot have ! before -%c", opt_chars[opt]);
	ps->opts |= 1u << opt;
	return 0;
}

static int highest_bit(unsigned int v)
{
	int i = 0;

	while (v > 1) {
		v >>= 1;
		i++;
	}
	return i;
}

static int add_cmd(struct ipt_pstate *ps, int c, unsigned int others)
{
	unsigned int clash = ps->cmds & ~others;

	if (ps->invert)
		return ipt_perr(ps, "unexpected '!' flag");
	if (clash)
		return ipt_perr(ps, "Cannot use -%c with -%c", cmd_chars[c],
			    cmd_chars[highest_bit(clash)]);
	ps->cmds |= 1u << c;
	return 0;
}

/* One generic option @c with argument @arg (NULL if none). */
static int generic(struct ipt_pstate *ps, char c, const char *arg)
{
	struct ipt_cmd *cmd = ps->cmd;
	struct ir_ipspec *ip = &cmd->rule->ip;
	unsigned int list_others = (1u << C_ZERO) | (1u << C_ZERO_NUM);
	int ret;

	switch (c) {
	case 'A':
	case 'C':
		ret = add_cmd(ps, c == 'A' ? C_APPEND : C_CHECK, 0);
		return ret ?: ipt_arg_chain(ps, arg);
	case 'D':
		ret = add_cmd(ps, C_DELETE, 0) ?: ipt_arg_chain(ps, arg);
		if (!ret && ipt_has_arg(ps)) {
			ps->cmds = 1u << C_DELETE_NUM;
			ret = ipt_arg_rulenum(ps, ps->argv[ps->ind++]);
		}
		return ret;
	case 'R':
		ret = add_cmd(ps, C_REPLACE, 0) ?: ipt_arg_chain(ps, arg);
		if (ret)
			return ret;
		if (!ipt_has_arg(ps))
			return ipt_perr(ps, "-R requires a rule number");
		return ipt_arg_rulenum(ps, ps->argv[ps->ind++]);
	case 'I':
		ret = add_cmd(ps, C_INSERT, 0) ?: ipt_arg_chain(ps, arg);
		if (!ret && ipt_has_arg(ps))
			ret = ipt_arg_rulenum(ps, ps->argv[ps->ind++]);
		return ret;
	case 'L':
		return add_cmd(ps, C_LIST, list_others) ?: ipt_arg_opt_chain(ps, arg, true);
	case 'S':
		return add_cmd(ps, C_LIST_RULES, list_others) ?: ipt_arg_opt_chain(ps, arg, true);
	case 'F':
		return add_cmd(ps, C_FLUSH, 0) ?: ipt_arg_opt_chain(ps, arg, false);
	case 'Z':
		ret = add_cmd(ps, C_ZERO, (1u << C_LIST) | (1u << C_LIST_RULES)) ?:
		      ipt_arg_opt_chain(ps, arg, true);
		if (!ret && cmd->rulenum)
			ps->cmds = (ps->cmds & ~(1u << C_ZERO)) | (1u << C_ZERO_NUM);
		return ret;
	case 'N':
		return add_cmd(ps, C_NEW_CHAIN, 0) ?: ipt_arg_new_chain(ps, arg) ?:
		       ipt_arg_chain(ps, arg);
	case 'X':
		return add_cmd(ps, C_DELETE_CHAIN, 0) ?: ipt_arg_opt_chain(ps, arg, false);
	case 'E':
		ret = add_cmd(ps, C_RENAME, 0) ?: ipt_arg_chain(ps, arg);
		if (ret)
			return ret;
		if (!ipt_has_arg(ps))
			return ipt_perr(ps, "-E requires old-chain-name and new-chain-name");
		arg = ps->argv[ps->ind++];
		ret = ipt_arg_new_chain(ps, arg);
		if (!ret)
			snprintf(cmd->newname, sizeof(cmd->newname), "%s", arg);
		return ret;
	case 'P':
		ret = add_cmd(ps, C_POLICY, 0) ?: ipt_arg_chain(ps, arg);
		if (ret)
			return ret;
		if (!ipt_has_arg(ps))
			return ipt_perr(ps, "-P requires a chain and a policy");
		arg = ps->argv[ps->ind++];
		/* a bad policy is refused once the line is read, as the kernel would */
		ps->policy = arg;
		cmd->policy = strcmp(arg, "DROP") ? IR_VERDICT_ACCEPT : IR_VERDICT_DROP;
		return 0;
	case 's':
	case 'd':
		ret = ipt_set_opt(ps, c == 's' ? O_SOURCE : O_DEST);
		if (ret)
			return ret;
		if (c == 's')
			ps->src = arg;
		else
			ps->dst = arg;
		if (ps->invert)
			ip->invflags |= c == 's' ? IR_INV_SRC : IR_INV_DST;
		return 0;
	case 'p':
		return ipt_arg_proto(ps, arg);
	case 'i':
	case 'o':
		return ipt_arg_iface(ps, arg, c == 'i');
	case 'f':
		if (ps->ctx->family == IR_FAMILY_IPV6)
			return ipt_perr(ps, "`-f' is not supported in IPv6, use -m frag instead");
		ret = ipt_set_opt(ps, O_FRAG);
		ip->frag = true;
		if (ps->invert)
			ip->invflags |= IR_INV_FRAG;
		return ret;
	case 'j':
	case 'g':
		if (ps->invert)
			return ipt_perr(ps, "cannot have ! before -j");
		return ipt_arg_target(ps, arg, c == 'g');
	case 'm':
		if (ps->invert)
			return ipt_perr(ps, "unexpected ! flag before --match");
		return ipt_match_load(ps, arg);
	case 't':
		if (ps->invert)
			return ipt_perr(ps, "unexpected ! flag before --table");
		if (ps->w->restore)
			return ipt_perr(ps, "The -t option cannot be used in %s-restore.\n",
				    ps->ctx->prog);
		/* checked once the line is read */
		ps->table = arg;
		return 0;
	case 'n':
		cmd->flags |= IPT_F_NUMERIC;
		return ipt_set_opt(ps, O_NUMERIC);
	case 'v':
		if (ps->invert)
			return ipt_perr(ps, "cannot have ! before -v");
		cmd->flags |= IPT_F_VERBOSE;
		ps->opts |= 1u << O_VERBOSE;
		return 0;
	case 'x':
		cmd->flags |= IPT_F_EXACT;
		return ipt_set_opt(ps, O_EXACT);
	case '0':
		cmd->flags |= IPT_F_LINE_NUMBERS;
		return ipt_set_opt(ps, O_LINENUM);
	case 'c':
		return ipt_arg_counters(ps, arg);
	case 'w':
	case 'W':
		return ipt_arg_wait(ps, arg, c == 'W');
	case 'K':
		if (strcmp(arg, "xdp"))
			return ipt_perr(ps, "--hook: unknown hook `%s' (a chain can be hooked at xdp)",
					arg);
		cmd->flags |= IPT_F_HOOK_XDP;
		return 0;
	case 'M':
		return 0;
	case '4':
	case '6':
		/* the other family's option: only the hint, as iptables */
		if ((c == '6') == (ps->ctx->family == IR_FAMILY_IPV6))
			return 0;
		/* a restore file's line for the other family is passed over, as iptables does */
		if (ps->w->restore) {
			ps->skip = true;
			return 1;
		}
		return bpfw_errf(ps->err, BPFW_EXIT_PARAMETER, EINVAL,
				 "Try `%s -h' or '%s --help' for more information.",
				 ps->ctx->prog, ps->ctx->prog);
	default:
		return ipt_perr(ps, "unknown option \"-%c\"", c);
	}
}

/* A word starting with "--": a generic or match option, maybe "--name=value". */
static int long_opt(struct ipt_pstate *ps, const char *word)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *arg = eq ? eq + 1 : NULL;
	bool needs, optional;
	struct found f;
	unsigned int idx;
	int ret;

	if (!len || find_long(ps, name, len, &f))
		return ipt_perr(ps, "unknown option \"%.*s\"", (int)(len + 2), word);
	needs = f.g ? f.g->has_arg == ARG_REQ : f.m->has_arg;
	optional = f.g && f.g->has_arg == ARG_OPT;
	if (needs && !arg) {
		if (ps->ind >= ps->argc)
			return ipt_perr(ps, "option \"%.*s\" requires an argument", (int)(len + 2),
				    word);
		arg = ps->argv[ps->ind++];
	} else if (!needs && !optional && arg) {
		return ipt_perr(ps, "unknown option \"%s\"", word);
	}
	if (f.g && (f.g->val == 'V' || f.g->val == 'h')) {
		ps->cmd->op = f.g->val == 'V' ? IPT_OP_VERSION : IPT_OP_HELP;
		return 1;
	}
	if (f.g)
		return generic(ps, f.g->val, arg);
	if (f.midx == -3 && ps->cmd->rule->target.kind == IR_TARGET_REJECT)
		return ipt_parse_reject(ps, f.m, arg);
	if (f.midx == -3)
		return ipt_parse_log(ps, f.m, arg);
	idx = (unsigned int)f.midx;
	if (f.midx == -2) {
		ret = ipt_match_add(ps, f.implied, &idx);
		if (ret)
			return ret;
	}
	return ipt_match_parse(ps, idx, f.m, arg);
}

/* A word "-abc": short options, possibly grouped, or with the argument glued on. */
static int short_opts(struct ipt_pstate *ps, const char *word)
{
	for (const char *p = word + 1; *p; p++) {
		const char *arg = NULL;
		int ret;

		if (*p == '!' || *p == ':' || *p == '-' ||
		    !(strchr(short_req, *p) || strchr(short_opt, *p) || strchr(short_none, *p)))
			return ipt_perr(ps, "unknown option \"-%c\"", *p);
		if (strchr(short_req, *p)) {
			if (p[1])
				arg = p + 1;
			else if (ps->ind < ps->argc)
				arg = ps->argv[ps->ind++];
			else
				return ipt_perr(ps, "option \"-%c\" requires an argument", *p);
		} else if (strchr(short_opt, *p) && p[1]) {
			arg = p + 1;
		}
		if (*p == 'V' || *p == 'h') {
			ps->cmd->op = *p == 'V' ? IPT_OP_VERSION : IPT_OP_HELP;
			return 1;
		}
		ret = generic(ps, *p, arg);
		ps->invert = false;
		if (ret || arg)
			return ret;
	}
	return 0;
}

static int read_words(struct ipt_pstate *ps)
{
	while (ps->ind < ps->argc) {
		const char *word = ps->argv[ps->ind++];
		int ret;

		if (!strcmp(word, "!")) {
			if (ps->invert)
				return ipt_perr(ps, "multiple consecutive ! not allowed");
			ps->invert = true;
			continue;
		}
		if (!strcmp(word, "--")) {
			/* the end of the options; words after it are not iptables' */
			if (ps->ind < ps->argc)
				return ipt_perr(ps, "unknown arguments found on commandline");
			break;
		}
		if (word[0] != '-' || !word[1])
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_BARE, EINVAL,
					"Bad argument `%s'", word);
		if (word[1] == '-') {
			ret = long_opt(ps, word);
			ps->invert = false;
		} else {
			ret = short_opts(ps, word);
		}
		if (ret)
			return ret < 0 ? ret : 0;
	}
	return 0;
}

static const enum ipt_op cmd_ops[C_MAX] = {
	[C_INSERT] = IPT_OP_INSERT,	      [C_DELETE] = IPT_OP_DELETE,
	[C_DELETE_NUM] = IPT_OP_DELETE_NUM, [C_REPLACE] = IPT_OP_REPLACE,
	[C_APPEND] = IPT_OP_APPEND,	      [C_LIST] = IPT_OP_LIST,
	[C_FLUSH] = IPT_OP_FLUSH,	      [C_ZERO] = IPT_OP_ZERO,
	[C_NEW_CHAIN] = IPT_OP_NEW_CHAIN,   [C_DELETE_CHAIN] = IPT_OP_DELETE_CHAIN,
	[C_POLICY] = IPT_OP_POLICY,	      [C_RENAME] = IPT_OP_RENAME_CHAIN,
	[C_LIST_RULES] = IPT_OP_LIST_RULES, [C_ZERO_NUM] = IPT_OP_ZERO,
	[C_CHECK] = IPT_OP_CHECK,
};

static int check_opts(struct ipt_pstate *ps)
{
	for (int o = 0; o < O_MAX; o++) {
		int legal = 0;

		if (!(ps->opts & (1u << o)))
			continue;
		for (int c = 0; c < C_MAX; c++) {
			if (!(ps->cmds & (1u << c)))
				continue;
			if (cmd_opts[c][o] != 'x')
				legal = 1;
			else if (!legal)
				legal = -1;
		}
		if (legal < 0)
			return ipt_perr(ps, "Illegal option `-%c' with this command", opt_chars[o]);
	}
	return 0;
}

static bool is_rule_cmd(unsigned int cmds)
{
	return cmds & ((1u << C_APPEND) | (1u << C_INSERT) | (1u << C_DELETE) |
		       (1u << C_REPLACE) | (1u << C_CHECK));
}

/* Checks iptables makes once every word is read, in its order. */
static int finish(struct ipt_pstate *ps)
{
	struct ipt_cmd *cmd = ps->cmd;
	struct ir_ipspec *ip = &cmd->rule->ip;
	const char *ch = cmd->chain;
	int ret;

	ret = ipt_match_final(ps);
	if (ret)
		return ret;
	if (!ps->cmds)
		return ipt_perr(ps, "no command specified");
	if (ps->invert)
		return ipt_perr(ps, "nothing appropriate following !");
	if (is_rule_cmd(ps->cmds)) {
		ret = ipt_arg_addrs(ps, ip);
		if (ret)
			return ret;
	}
	ret = check_opts(ps);
	if (ret)
		return ret;
	if (is_rule_cmd(ps->cmds)) {
		if ((!strcmp(ch, "PREROUTING") || !strcmp(ch, "INPUT")) &&
		    (ps->opts & (1u << O_OIF)))
			return ipt_perr(ps, "Can't use -o with %s\n", ch);
		if ((!strcmp(ch, "POSTROUTING") || !strcmp(ch, "OUTPUT")) &&
		    (ps->opts & (1u << O_IIF)))
			return ipt_perr(ps, "Can't use -i with %s\n", ch);
	}
	if (ps->wait_interval) {
		if (!ps->w->restore)
			fprintf(stderr, "Ignoring deprecated --wait-interval option.\n");
		if (cmd->wait_secs < 0)
			return ipt_perr(ps, "--wait-interval only makes sense with --wait\n");
	}
	if (ps->table && ir_table_id_parse(ps->table, &cmd->table))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PLAIN, ENOENT,
				"table '%s' does not exist\n"
				"Perhaps %s or your kernel needs to be upgraded.", ps->table,
				ps->ctx->prog);
	cmd->op = cmd_ops[highest_bit(ps->cmds & ~((1u << C_ZERO) | (1u << C_ZERO_NUM))) ?:
			  highest_bit(ps->cmds)];
	if (cmd->flags & IPT_F_HOOK_XDP) {
		/* sugar for a raw chain that PREROUTING jumps to first, run at XDP */
		if (cmd->op != IPT_OP_NEW_CHAIN)
			return ipt_perr(ps, "--hook is only for -N (a new chain)");
		if (ps->table && cmd->table != IR_TABLE_RAW)
			return ipt_perr(ps, "--hook xdp: a chain run at XDP belongs to the raw table");
		cmd->table = IR_TABLE_RAW;
	}
	if ((ps->cmds & ((1u << C_LIST) | (1u << C_LIST_RULES))) &&
	    (ps->cmds & ((1u << C_ZERO) | (1u << C_ZERO_NUM))))
		cmd->flags |= IPT_F_ZERO;
	if (cmd->op != IPT_OP_APPEND && cmd->op != IPT_OP_INSERT && cmd->op != IPT_OP_REPLACE)
		cmd->rule->counter_given = false;
	if (cmd->op == IPT_OP_INSERT && !cmd->rulenum)
		cmd->rulenum = 1;
	return 0;
}

/*
 * "-p NAME -h" with no match named: the match called NAME, if there is
 * one, so that its help is printed too, as iptables loads it by the name.
 */
static void help_match(struct ipt_pstate *ps)
{
	struct bpfw_err *err = ps->err, quiet = { 0 };

	if (ps->cmd->rule->n_matches || !ps->proto_name[0])
		return;
	ps->err = &quiet;
	ipt_match_load(ps, ps->proto_name);
	bpfw_err_clear(&quiet);
	ps->err = err;
}

int ipt_parse_words(const struct ipt_ctx *ctx, const struct ipt_where *w, int argc, char **argv,
		    struct ipt_cmd *cmd, struct bpfw_err *err)
{
	struct ipt_pstate ps = {
		.ctx = ctx, .w = w, .err = err, .cmd = cmd, .argc = argc, .argv = argv, .ind = 1,
	};
	int ret;

	memset(cmd, 0, sizeof(*cmd));
	cmd->table = IR_TABLE_FILTER;
	cmd->wait_secs = -1;
	cmd->rule = ir_rule_new();
	if (!cmd->rule)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = read_words(&ps);
	if (!ret && cmd->op == IPT_OP_HELP)
		help_match(&ps);
	if (ret || cmd->op == IPT_OP_VERSION || cmd->op == IPT_OP_HELP)
		goto out;
	if (ps.skip) {
		cmd->op = IPT_OP_NONE;
		goto out;
	}
	ret = finish(&ps);
	/* a user chain is refused by ipt_cmd_apply first, for any policy */
	if (!ret && ps.policy && strcmp(ps.policy, "ACCEPT") && strcmp(ps.policy, "DROP") &&
	    ir_chain_name_is_hook(cmd->table, cmd->chain))
		ret = ipt_fail(ctx, w, err, IPT_FAIL_OTHER, EINVAL, "Bad policy name.%s",
			       w->restore ? "" : " Run `dmesg' for more information.");
out:
	free(ps.mseen);
	if (ret)
		ipt_cmd_release(cmd);
	return ret;
}

int ipt_parse_argv(const struct ipt_ctx *ctx, int argc, char **argv, struct ipt_cmd *cmd,
		   struct bpfw_err *err)
{
	const struct ipt_where w = { .restore = false };

	return ipt_parse_words(ctx, &w, argc, argv, cmd, err);
}

void ipt_cmd_release(struct ipt_cmd *cmd)
{
	ir_rule_free(cmd->rule);
	cmd->rule = NULL;
	free(cmd->srcs);
	free(cmd->dsts);
	cmd->srcs = cmd->dsts = NULL;
	cmd->n_srcs = cmd->n_dsts = 0;
}
