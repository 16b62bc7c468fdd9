// SPDX-License-Identifier: GPL-2.0
/* -m set --match-set NAME src|dst[,...], as libxt_set (revision 4) reads it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ipt_internal.h"

#define SET_DIM_MAX	6	/* IPSET_DIM_MAX */

enum { ST_MATCH_SET, ST_SET, ST_OTHER };

const struct ipt_mopt ipt_set_opts[] = {
	{ "match-set", ST_MATCH_SET, true },	  { "set", ST_SET, true },
	{ "return-nomatch", ST_OTHER, false },	  { "update-counters", ST_OTHER, false },
	{ "update-subcounters", ST_OTHER, false }, { "packets-eq", ST_OTHER, true },
	{ "packets-lt", ST_OTHER, true },	  { "packets-gt", ST_OTHER, true },
	{ "bytes-eq", ST_OTHER, true },		  { "bytes-lt", ST_OTHER, true },
	{ "bytes-gt", ST_OTHER, true },
	{ NULL, 0, false },
};

/* "src,dst,...": dimension i is the source where bit i of ->src is set. */
static int parse_dirs(struct ipt_pstate *ps, const char *arg, struct ir_match_set *ms)
{
	const char *p = arg;

	while (ms->dim < SET_DIM_MAX && p) {
		const char *comma = strchr(p, ',');

		if (!strncmp(p, "src", 3))
			ms->src |= (uint8_t)(1u << ms->dim);
		else if (strncmp(p, "dst", 3))
			return ipt_perr(ps, "You must spefify (the comma separated list of) "
					"'src' or 'dst'.");
		ms->dim++;
		p = comma ? comma + 1 : NULL;
	}
	if (p)
		return ipt_perr(ps, "Can't be more src/dst options than %d.", SET_DIM_MAX);
	return 0;
}

int ipt_parse_set(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		  const struct ipt_mopt *o, const char *arg)
{
	struct ir_match_set *ms = &m->set;
	const char *dirs;

	if (o->id == ST_OTHER)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EOPNOTSUPP,
				"set: option \"--%s\" is not supported by bpfw\n", o->name);
	if (o->id == ST_SET && !ps->w->quiet)
		fprintf(stderr, "--set option deprecated, please use --match-set\n");
	if (*seen)
		return ipt_perr(ps, "--match-set can be specified only once");
	ms->invert = ps->invert;
	dirs = ps->ind < ps->argc ? ps->argv[ps->ind] : NULL;
	if (!dirs || dirs[0] == '-' || dirs[0] == '!')
		return ipt_perr(ps, "--match-set requires two args.");
	if (strlen(arg) > IR_SET_MAXNAMELEN - 1)
		return ipt_perr(ps, "setname `%s' too long, max %d characters.", arg,
				IR_SET_MAXNAMELEN - 1);
	strcpy(ms->name, arg);
	ps->ind++;
	*seen = 1;
	return parse_dirs(ps, dirs, ms);
}

int ipt_set_final(struct ipt_pstate *ps, unsigned int seen)
{
	if (!seen)
		return ipt_perr(ps, "You must specify `--match-set' with proper arguments");
	return 0;
}

int ipt_set_check_exists(const struct ipt_ctx *ctx, const struct ipt_where *w,
			 const struct ir_ruleset *rs, const struct ir_rule *r, struct bpfw_err *err)
{
	for (unsigned int i = 0; r && i < r->n_matches; i++) {
		const char *name = r->matches[i].set.name;
		const struct ir_set *s;

		if (r->matches[i].kind != IR_MATCH_SET)
			continue;
		s = ir_set_find(rs, name);
		if (!s)
			return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, ENOENT,
					"Set %s doesn't exist.\n", name);
		if (s->family != ctx->family)
			return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
					"The protocol family of set %s is %s, which is not "
					"applicable.\n", name,
					s->family == IR_FAMILY_IPV6 ? "IPv6" : "IPv4");
	}
	return 0;
}
