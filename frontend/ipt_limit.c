// SPDX-License-Identifier: GPL-2.0
/* -m limit: --limit RATE[/second|/minute|/hour|/day] and --limit-burst N, as libxt_limit reads them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipt_internal.h"

enum { LIM_RATE, LIM_BURST };

const struct ipt_mopt ipt_limit_opts[] = {
	{ "limit", LIM_RATE, true },
	{ "limit-burst", LIM_BURST, true },
	{ NULL, 0, false },
};

void ipt_limit_defaults(struct ir_match *m)
{
	m->limit.avg = IR_LIMIT_SCALE * 3600 / 3;	/* 3/hour */
	m->limit.burst = IR_LIMIT_BURST;
}

/* libxt_limit's parse_rate(): 1 and the scaled interval, 0 if @rate is not one. */
static int parse_rate(struct ipt_pstate *ps, const char *rate, uint32_t *avg)
{
	static const struct { const char *name; uint32_t mult; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
	};
	const char *slash = strchr(rate, '/');
	uint32_t mult = 1, r;

	if (slash) {
		size_t len = strlen(slash + 1);
		unsigned int i;

		if (!len)
			return 0;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (!strncasecmp(slash + 1, units[i].name, len))
				break;
		if (i == sizeof(units) / sizeof(units[0]))
			return 0;
		mult = units[i].mult;
	}
	r = (uint32_t)atoi(rate);	/* as libxt_limit: "-3" is a very fast rate */
	if (!r)
		return 0;
	*avg = (uint32_t)((uint64_t)IR_LIMIT_SCALE * mult / r);
	if (!*avg)
		return ipt_perr(ps, "Rate too fast \"%s\"", rate);
	return 1;
}

int ipt_parse_limit(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		    const struct ipt_mopt *o, const char *arg)
{
	int ret;

	if (ps->invert)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"limit: option \"--%s\" cannot be inverted.\n", o->name);
	*seen |= 1u << o->id;
	if (o->id == LIM_RATE) {
		ret = parse_rate(ps, arg, &m->limit.avg);
		if (ret < 0)
			return ret;
		if (!ret)
			return ipt_perr(ps, "bad rate \"%s\"'", arg);
		return 0;
	}
	{
		char *end;
		unsigned long v = strtoul(arg, &end, 0);

		if (!*arg || *end || arg[0] == '-' || v > 10000)
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, ERANGE,
					"limit: bad value for option \"--limit-burst\", or out of "
					"range (0-10000).\n");
		/* a burst of 0 is the default, as iptables-nft saves it */
		m->limit.burst = v ? (uint32_t)v : IR_LIMIT_BURST;
	}
	return 0;
}
