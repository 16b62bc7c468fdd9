// SPDX-License-Identifier: GPL-2.0
/* -m recent, as libxt_recent reads it. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "ipt_internal.h"

enum { RC_SET, RC_RCHECK, RC_UPDATE, RC_REMOVE, RC_SECONDS, RC_REAP, RC_HITCOUNT, RC_RTTL,
       RC_NAME, RC_RSOURCE, RC_RDEST, RC_MASK };

const struct ipt_mopt ipt_recent_opts[] = {
	{ "set", RC_SET, false },	     { "rcheck", RC_RCHECK, false },
	{ "update", RC_UPDATE, false },	     { "remove", RC_REMOVE, false },
	{ "seconds", RC_SECONDS, true },     { "reap", RC_REAP, false },
	{ "hitcount", RC_HITCOUNT, true },   { "rttl", RC_RTTL, false },
	{ "name", RC_NAME, true },	     { "rsource", RC_RSOURCE, false },
	{ "rdest", RC_RDEST, false },	     { "mask", RC_MASK, true },
	{ NULL, 0, false },
};

static const uint8_t command_bit[] = {
	[RC_SET] = IR_RECENT_SET, [RC_RCHECK] = IR_RECENT_CHECK, [RC_UPDATE] = IR_RECENT_UPDATE,
	[RC_REMOVE] = IR_RECENT_REMOVE,
};

#define COMMANDS	((1u << RC_SET) | (1u << RC_RCHECK) | (1u << RC_UPDATE) | (1u << RC_REMOVE))

/* Options each option excludes, as libxt_recent declares them. */
static const unsigned int excl[] = {
	[RC_SET] = COMMANDS & ~(1u << RC_SET), [RC_RCHECK] = COMMANDS & ~(1u << RC_RCHECK),
	[RC_UPDATE] = COMMANDS & ~(1u << RC_UPDATE), [RC_REMOVE] = COMMANDS & ~(1u << RC_REMOVE),
	[RC_RTTL] = (1u << RC_SET) | (1u << RC_REMOVE),
};

/* A number of at most 32 bits, or -1. */
static long long u32_arg(const char *s)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 0);
	return *end || v > UINT32_MAX ? -1 : (long long)v;
}

/* ip6tables' --mask: what getaddrinfo makes of it, one address only, as xtables' host type. */
static int mask6(struct ipt_pstate *ps, struct ir_match_recent *rc, const char *arg)
{
	struct addrinfo hints = { .ai_family = AF_INET6 }, *res, *p;
	int ret = getaddrinfo(arg, NULL, &hints, &res);

	if (ret)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"getaddrinfo: %s\n", gai_strerror(ret));
	rc->mask6 = ((const struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
	for (p = res->ai_next; p; p = p->ai_next) {
		if (memcmp(&rc->mask6, &((const struct sockaddr_in6 *)p->ai_addr)->sin6_addr,
			   sizeof(rc->mask6))) {
			freeaddrinfo(res);
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
					"%s resolves to more than one address\n", arg);
		}
	}
	freeaddrinfo(res);
	return 0;
}

int ipt_parse_recent(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		     const struct ipt_mopt *o, const char *arg)
{
	struct ir_match_recent *rc = m->recent;
	long long v;

	if (ps->invert && !((1u << o->id) & COMMANDS))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"recent: option \"--%s\" cannot be inverted.\n", o->name);
	*seen |= 1u << o->id;
	switch (o->id) {
	case RC_SET:
	case RC_RCHECK:
	case RC_UPDATE:
	case RC_REMOVE:
		rc->check_set |= command_bit[o->id];
		rc->invert = ps->invert;
		return 0;
	case RC_SECONDS:
	case RC_HITCOUNT:
		v = u32_arg(arg);
		if (v < 1)
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, ERANGE,
					"recent: bad value for option \"--%s\", or out of range "
					"(1-4294967295).\n", o->name);
		*(o->id == RC_SECONDS ? &rc->seconds : &rc->hitcount) = (uint32_t)v;
		return 0;
	case RC_REAP:
		rc->check_set |= IR_RECENT_REAP;
		return 0;
	case RC_RTTL:
		rc->check_set |= IR_RECENT_TTL;
		return 0;
	case RC_NAME:
		if (strlen(arg) >= IR_RECENT_NAMELEN || !*arg)
			return ipt_perr(ps, "recent: bad value for option \"--name\"");
		strcpy(rc->name, arg);
		return 0;
	case RC_RSOURCE:
	case RC_RDEST:
		rc->dest = o->id == RC_RDEST;
		return 0;
	default:
		if (ps->ctx->family == IR_FAMILY_IPV6)
			return mask6(ps, rc, arg);
		if (inet_pton(AF_INET, arg, &rc->mask) != 1)
			return ipt_perr(ps, "recent: bad value for option \"--mask\": \"%s\"", arg);
		return 0;
	}
}

int ipt_recent_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen)
{
	/* conflicts in the options' order, as xtables_options_fcheck() reports them */
	for (unsigned int i = 0; i < sizeof(excl) / sizeof(excl[0]); i++)
		if ((seen & (1u << i)) && (excl[i] & seen))
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
					"recent: option \"--%s\" cannot be used together with "
					"\"--%s\".\n", ipt_recent_opts[i].name,
					ipt_recent_opts[__builtin_ctz(excl[i] & seen)].name);
	if (!(seen & COMMANDS))
		return ipt_perr(ps, "recent: you must specify one of `--set', `--rcheck' `--update' "
				"or `--remove'");
	if ((seen & (1u << RC_REAP)) && !(seen & (1u << RC_SECONDS)))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"recent: option \"--reap\" also requires \"--seconds\".\n");
	return 0;
}
