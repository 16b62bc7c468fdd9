// SPDX-License-Identifier: GPL-2.0
/* Matches on one header field: -m iprange, -m length, -m ttl, as libxt_iprange, libxt_length and libipt_ttl read them. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipt_internal.h"

enum { F_SRC_RANGE, F_DST_RANGE, F_LENGTH, F_TTL_EQ, F_TTL_LT, F_TTL_GT };

const struct ipt_mopt ipt_iprange_opts[] = {
	{ "src-range", F_SRC_RANGE, true }, { "dst-range", F_DST_RANGE, true },
	{ NULL, 0, false },
};

const struct ipt_mopt ipt_length_opts[] = {
	{ "length", F_LENGTH, true },
	{ NULL, 0, false },
};

const struct ipt_mopt ipt_ttl_opts[] = {
	{ "ttl-eq", F_TTL_EQ, true }, { "ttl-lt", F_TTL_LT, true }, { "ttl-gt", F_TTL_GT, true },
	{ NULL, 0, false },
};

/* "A-B" or "A" (A-A) into host-order bounds; the part that is not an address in @bad. */
static int parse_range(const char *arg, uint32_t *lo, uint32_t *hi, char *bad, size_t len)
{
	char buf[64];
	const char *dash = strchr(arg, '-');
	struct in_addr a, b;

	snprintf(buf, sizeof(buf), "%.*s", dash ? (int)(dash - arg) : (int)strlen(arg), arg);
	if (inet_pton(AF_INET, buf, &a) != 1) {
		snprintf(bad, len, "%s", buf);
		return -EINVAL;
	}
	if (dash && inet_pton(AF_INET, dash + 1, &b) != 1) {
		snprintf(bad, len, "%s", dash + 1);
		return -EINVAL;
	}
	*lo = ntohl(a.s_addr);
	*hi = dash ? ntohl(b.s_addr) : *lo;
	return 0;
}

/* The same for IPv6 addresses, kept in network order. */
static int parse_range6(const char *arg, struct in6_addr *lo, struct in6_addr *hi, char *bad,
			size_t len)
{
	char buf[INET6_ADDRSTRLEN + 64];
	const char *dash = strchr(arg, '-');

	snprintf(buf, sizeof(buf), "%.*s", dash ? (int)(dash - arg) : (int)strlen(arg), arg);
	if (inet_pton(AF_INET6, buf, lo) != 1) {
		snprintf(bad, len, "%s", buf);
		return -EINVAL;
	}
	if (dash && inet_pton(AF_INET6, dash + 1, hi) != 1) {
		snprintf(bad, len, "%s", dash + 1);
		return -EINVAL;
	}
	if (!dash)
		*hi = *lo;
	return 0;
}

/* Whether the source (@src) or destination range of @r ends before it starts. */
static bool reversed(const struct ir_match_iprange *r, bool src, enum ir_family family)
{
	if (family == IR_FAMILY_IPV6)
		return memcmp(src ? &r->src6_lo : &r->dst6_lo, src ? &r->src6_hi : &r->dst6_hi,
			      sizeof(struct in6_addr)) > 0;
	return src ? r->src_lo > r->src_hi : r->dst_lo > r->dst_hi;
}

static int parse_iprange(struct ipt_pstate *ps, struct ir_match *m, const struct ipt_mopt *o,
			 const char *arg)
{
	struct ir_match_iprange *r = &m->iprange;
	bool src = o->id == F_SRC_RANGE;
	char bad[INET6_ADDRSTRLEN + 64];
	int ret;

	if (ps->ctx->family == IR_FAMILY_IPV6)
		ret = parse_range6(arg, src ? &r->src6_lo : &r->dst6_lo,
				   src ? &r->src6_hi : &r->dst6_hi, bad, sizeof(bad));
	else
		ret = parse_range(arg, src ? &r->src_lo : &r->dst_lo, src ? &r->src_hi : &r->dst_hi,
				  bad, sizeof(bad));
	if (ret)
		return ipt_perr(ps, "iprange: Bad value for \"--%s\" option: \"%s\"", o->name, bad);
	if (!ps->w->quiet && reversed(r, src, ps->ctx->family))
		fprintf(stderr, "xt_iprange: range %.*s-%s is reversed and will never match\n",
			(int)(strchr(arg, '-') - arg), arg, strchr(arg, '-') + 1);
	if (src) {
		r->src = true;
		r->inv_src = ps->invert;
	} else {
		r->dst = true;
		r->inv_dst = ps->invert;
	}
	return 0;
}

/* A number 0..@max, or -1. */
static long number(const char *s, long max)
{
	char *end;
	long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	v = strtol(s, &end, 10);
	return *end || v > max ? -1 : v;
}

static int parse_length(struct ipt_pstate *ps, struct ir_match *m, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char lo[32];
	long a = 0, b = UINT16_MAX;

	snprintf(lo, sizeof(lo), "%.*s", colon ? (int)(colon - arg) : (int)strlen(arg), arg);
	if (lo[0] || !colon)
		a = number(lo, UINT16_MAX);
	if (colon && colon[1])
		b = number(colon + 1, UINT16_MAX);
	else if (!colon)
		b = a;
	if (a < 0 || b < 0)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"length: bad value for option \"--length\" near \"%s\", or out of "
				"range (0-65535).\n", a < 0 ? lo : colon + 1);
	m->length.lo = (uint16_t)a;
	m->length.hi = (uint16_t)b;
	m->length.invert = ps->invert;
	return 0;
}

static int parse_ttl(struct ipt_pstate *ps, struct ir_match *m, unsigned int seen,
		     const struct ipt_mopt *o, const char *arg)
{
	long v;

	if (seen & ~(1u << o->id))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"ttl: option \"--%s\" cannot be used together with \"--%s\".\n",
				o->name, ipt_ttl_opts[__builtin_ctz(seen & ~(1u << o->id)) -
						      F_TTL_EQ].name);
	if (ps->invert && o->id != F_TTL_EQ)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"ttl: option \"--%s\" cannot be inverted.\n", o->name);
	v = number(arg, 255);
	if (v < 0)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, ERANGE,
				"ttl: bad value for option \"--%s\", or out of range (0-255).\n",
				o->name);
	m->ttl.value = (uint8_t)v;
	m->ttl.mode = o->id == F_TTL_LT ? IR_TTL_LT : o->id == F_TTL_GT ? IR_TTL_GT :
		      ps->invert ? IR_TTL_NE : IR_TTL_EQ;
	return 0;
}

int ipt_parse_field(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		    const struct ipt_mopt *o, const char *arg)
{
	unsigned int before = *seen;

	*seen |= 1u << o->id;
	switch (m->kind) {
	case IR_MATCH_IPRANGE:
		return parse_iprange(ps, m, o, arg);
	case IR_MATCH_LENGTH:
		return parse_length(ps, m, arg);
	default:
		return parse_ttl(ps, m, before | (1u << o->id), o, arg);
	}
}

int ipt_field_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen)
{
	if (seen)
		return 0;
	switch (m->kind) {
	case IR_MATCH_IPRANGE:
		return ipt_perr(ps, "iprange match: You must specify `--src-range' or "
				"`--dst-range'");
	case IR_MATCH_LENGTH:
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"length: option \"--length\" must be specified\n");
	default:
		return ipt_perr(ps, "TTL match: You must specify one of `--ttl-eq', `--ttl-lt', "
				"`--ttl-gt");
	}
}
