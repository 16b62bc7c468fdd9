// SPDX-License-Identifier: GPL-2.0
/* -m addrtype: --src-type and --dst-type, as libxt_addrtype (revision 1) reads them. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "ipt_internal.h"

enum { AT_SRC, AT_DST, AT_LIMIT_IN, AT_LIMIT_OUT };

const struct ipt_mopt ipt_addrtype_opts[] = {
	{ "src-type", AT_SRC, true },		  { "dst-type", AT_DST, true },
	{ "limit-iface-in", AT_LIMIT_IN, false }, { "limit-iface-out", AT_LIMIT_OUT, false },
	{ NULL, 0, false },
};

/* "LOCAL,BROADCAST" (any case) into type bits. */
static int parse_types(struct ipt_pstate *ps, const char *arg, uint16_t *bits)
{
	const char *p = arg;

	*bits = 0;
	do {
		size_t len = strcspn(p, ",");
		unsigned int t;

		for (t = 0; t < IR_ADDRTYPE_N; t++)
			if (strlen(ir_addrtype_name(t)) == len &&
			    !strncasecmp(p, ir_addrtype_name(t), len))
				break;
		if (t == IR_ADDRTYPE_N)
			return ipt_perr(ps, "addrtype: bad type \"%s\"", p);
		*bits |= (uint16_t)(1u << t);
		p += len;
	} while (*p++ == ',');
	return 0;
}

int ipt_parse_addrtype(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		       const struct ipt_mopt *o, const char *arg)
{
	struct ir_match_addrtype *at = &m->addrtype;

	*seen |= 1u << o->id;
	switch (o->id) {
	case AT_SRC:
		at->inv_src = ps->invert;
		return parse_types(ps, arg, &at->src);
	case AT_DST:
		at->inv_dst = ps->invert;
		return parse_types(ps, arg, &at->dst);
	default:
		/* needs the route lookup restricted to one interface */
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EOPNOTSUPP,
				"addrtype: option \"--%s\" is not supported by bpfw\n", o->name);
	}
}

int ipt_addrtype_final(struct ipt_pstate *ps, unsigned int seen)
{
	if (!(seen & ((1u << AT_SRC) | (1u << AT_DST))))
		return ipt_perr(ps, "addrtype: you must specify --src-type or --dst-type");
	return 0;
}
