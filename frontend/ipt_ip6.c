// SPDX-License-Identifier: GPL-2.0
/* ip6tables' own matches: -m hl and -m rt, as libip6t_hl and libip6t_rt read them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ipt_internal.h"

/* xtables' option ids: an alias shares the id of the option it stands for */
enum { HL_EQ, HL_LT, HL_GT };
enum { RT_TYPE, RT_SEGS, RT_LEN, RT_RES, RT_ADDRS, RT_NSTRICT };

const struct ipt_mopt ipt_hl_opts[] = {
	{ "hl-lt", HL_LT, true }, { "hl-gt", HL_GT, true }, { "hl-eq", HL_EQ, true },
	{ "hl", HL_EQ, true },
	{ NULL, 0, false },
};

const struct ipt_mopt ipt_rt_opts[] = {
	{ "rt-type", RT_TYPE, true },	  { "rt-segsleft", RT_SEGS, true },
	{ "rt-len", RT_LEN, true },	  { "rt-0-res", RT_RES, false },
	{ "rt-0-addrs", RT_ADDRS, true }, { "rt-0-not-strict", RT_NSTRICT, false },
	{ NULL, 0, false },
};

/* The name xtables reports for option @id: the first of its table with that id. */
static const char *opt_name(const struct ipt_mopt *opts, int id)
{
	for (; opts->name; opts++)
		if (opts->id == id)
			return opts->name;
	return "";
}

static int bad_value(struct ipt_pstate *ps, const char *match, const char *opt,
		     unsigned long max)
{
	return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, ERANGE,
			"%s: bad value for option \"--%s\", or out of range (0-%lu).\n", match,
			opt, max);
}

static int parse_hl(struct ipt_pstate *ps, struct ir_match *m, const struct ipt_mopt *o,
		    const char *arg)
{
	unsigned long v;

	if (ps->invert && o->id != HL_EQ)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"hl: option \"--%s\" cannot be inverted.\n", o->name);
	if (ipt_parse_uint_c(arg, UINT8_MAX, &v))
		return bad_value(ps, "hl", opt_name(ipt_hl_opts, o->id), UINT8_MAX);
	m->ttl.value = (uint8_t)v;
	m->ttl.mode = o->id == HL_LT ? IR_TTL_LT : o->id == HL_GT ? IR_TTL_GT :
		      ps->invert ? IR_TTL_NE : IR_TTL_EQ;
	return 0;
}

/* --rt-segsleft N[:M], either side left out for 0 or the maximum, as xtables' ranges. */
static int parse_segs(struct ipt_pstate *ps, struct ir_match_rt *rt, const char *arg)
{
	uint32_t v[2] = { 0, UINT32_MAX };
	unsigned int n = 0;
	const char *p = arg;

	for (;; p++) {
		const char *end = p;
		unsigned long val;

		if (n == 2)
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
					"rt: Too many components for option \"--rt-segsleft\" "
					"(max: 2)\n");
		if (*p && *p != ':') {
			char *e;

			errno = 0;
			val = strtoul(p, &e, 0);
			if (e == p || p[strspn(p, " \t\n\v\f\r")] == '-' || errno == ERANGE ||
			    val > UINT32_MAX)
				return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
						"rt: bad value for option \"--rt-segsleft\" near "
						"\"%s\", or out of range (0-%u).\n", p, UINT32_MAX);
			if (*e && *e != ':')
				return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
						"rt: Argument to \"--rt-segsleft\" has unexpected "
						"characters near \"%s\".\n", e);
			end = e;
			v[n] = (uint32_t)val;
		} else {
			v[n] = n == 1 ? UINT32_MAX : 0;
		}
		n++;
		p = end;
		if (!*p)
			break;
	}
	rt->segs_lo = v[0];
	rt->segs_hi = n == 1 ? v[0] : v[1];
	return 0;
}

/* --rt-0-addrs A,B,...: up to IR_RT_ADDRS numeric addresses. */
static int parse_rt_addrs(struct ipt_pstate *ps, struct ir_match_rt *rt, const char *arg)
{
	struct in6_addr a[IR_RT_ADDRS];
	const char *p = arg;
	unsigned int n = 0;

	while (p) {
		const char *comma = strchr(p, ',');
		char buf[INET6_ADDRSTRLEN + 64];

		if (n == IR_RT_ADDRS)
			return ipt_perr(ps, "too many addresses specified");
		snprintf(buf, sizeof(buf), "%.*s", comma ? (int)(comma - p) : (int)strlen(p), p);
		if (inet_pton(AF_INET6, buf, &a[n]) != 1)
			return ipt_perr(ps, "bad address: %s", buf);
		n++;
		p = comma ? comma + 1 : NULL;
	}
	free(rt->addrs);
	rt->addrs = malloc(n * sizeof(*rt->addrs));
	if (!rt->addrs) {
		rt->n_addrs = 0;
		return bpfw_errf(ps->err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	memcpy(rt->addrs, a, n * sizeof(*rt->addrs));
	rt->n_addrs = (uint8_t)n;
	return 0;
}

static int parse_rt(struct ipt_pstate *ps, struct ir_match *m, unsigned int seen,
		    const struct ipt_mopt *o, const char *arg)
{
	static const uint8_t inv_bit[] = { [RT_TYPE] = IR_RT_TYPE, [RT_SEGS] = IR_RT_SEGS,
					   [RT_LEN] = IR_RT_LEN };
	struct ir_match_rt *rt = &m->rt;
	bool type0 = (seen & (1u << RT_TYPE)) && rt->type == 0 && !(rt->invflags & IR_RT_TYPE);
	unsigned long v;
	int ret = 0;

	if (ps->invert && o->id > RT_LEN)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"rt: option \"--%s\" cannot be inverted.\n", o->name);
	switch (o->id) {
	case RT_TYPE:
	case RT_LEN:
		if (ipt_parse_uint_c(arg, UINT32_MAX, &v))
			return bad_value(ps, "rt", o->name, UINT32_MAX);
		if (o->id == RT_TYPE) {
			rt->type = (uint32_t)v;
			rt->flags |= IR_RT_TYPE;
		} else {
			rt->len = (uint32_t)v;
			rt->flags |= IR_RT_LEN;
		}
		break;
	case RT_SEGS:
		ret = parse_segs(ps, rt, arg);
		/* the whole range tests nothing, unless inverted */
		if (!ret && (rt->segs_lo || rt->segs_hi != UINT32_MAX || ps->invert))
			rt->flags |= IR_RT_SEGS;
		break;
	case RT_RES:
		if (!type0)
			return ipt_perr(ps, "`--rt-type 0' required before `--rt-0-res'");
		rt->flags |= IR_RT_RES;
		return 0;
	case RT_ADDRS:
		if (!type0)
			return ipt_perr(ps, "`--rt-type 0' required before `--rt-0-addrs'");
		rt->flags |= IR_RT_FST;
		return parse_rt_addrs(ps, rt, arg);
	default:
		if (!(seen & (1u << RT_ADDRS)))
			return ipt_perr(ps, "`--rt-0-addr ...' required before `--rt-0-not-strict'");
		rt->flags |= IR_RT_FST_NSTRICT;
		return 0;
	}
	if (!ret && ps->invert)
		rt->invflags |= inv_bit[o->id];
	return ret;
}

int ipt_parse_ip6_match(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
			const struct ipt_mopt *o, const char *arg)
{
	const struct ipt_mopt *opts = m->kind == IR_MATCH_HL ? ipt_hl_opts : ipt_rt_opts;
	unsigned int before = *seen;

	if (before & (1u << o->id))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"%s: option \"--%s\" can only be used once.\n",
				m->kind == IR_MATCH_HL ? "hl" : "rt", opt_name(opts, o->id));
	*seen |= 1u << o->id;
	if (m->kind == IR_MATCH_HL)
		return parse_hl(ps, m, o, arg);
	return parse_rt(ps, m, before, o, arg);
}

int ipt_ip6_match_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen)
{
	if (m->kind != IR_MATCH_HL)
		return 0;
	if (!seen)
		return ipt_perr(ps, "HL match: You must specify one of `--hl-eq', `--hl-lt', "
				"`--hl-gt'");
	/* the three exclude each other; reported in the table's order, as xtables does */
	for (const struct ipt_mopt *o = ipt_hl_opts; o->name; o++) {
		unsigned int others = seen & ~(1u << o->id);

		if ((seen & (1u << o->id)) && others)
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
					"hl: option \"--%s\" cannot be used together with "
					"\"--%s\".\n", o->name,
					opt_name(ipt_hl_opts, __builtin_ctz(others)));
	}
	return 0;
}
