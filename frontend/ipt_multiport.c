// SPDX-License-Identifier: GPL-2.0
/* -m multiport: --sports, --dports or --ports with up to 15 ports and ranges. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "ipt_internal.h"

enum { MP_SRC = IR_MULTIPORT_SRC, MP_DST = IR_MULTIPORT_DST, MP_EITHER = IR_MULTIPORT_EITHER };

const struct ipt_mopt ipt_multiport_opts[] = {
	{ "source-ports", MP_SRC, true },      { "sports", MP_SRC, true },
	{ "destination-ports", MP_DST, true }, { "dports", MP_DST, true },
	{ "ports", MP_EITHER, true },
	{ NULL, 0, false },
};

static const char *const full_names[] = { "source-ports", "destination-ports", "ports" };

/* The protocol the ports belong to, or NULL with libxt_multiport's complaint. */
static const char *port_proto(struct ipt_pstate *ps)
{
	const struct ir_ipspec *ip = &ps->cmd->rule->ip;

	if (!(ip->invflags & IR_INV_PROTO)) {
		switch (ip->proto) {
		case IPPROTO_TCP:
			return "tcp";
		case IPPROTO_UDP:
			return "udp";
		case IPPROTO_UDPLITE:
			return "udplite";
		case IPPROTO_SCTP:
			return "sctp";
		case IPPROTO_DCCP:
			return "dccp";
		case 0:
			ipt_perr(ps, "multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' "
				 "or `-p dccp'");
			return NULL;
		default:
			break;
		}
	}
	ipt_perr(ps, "multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP");
	return NULL;
}

/* One port or service name of @len bytes at @s. */
static int one_port(struct ipt_pstate *ps, const char *s, size_t len, const char *proto,
		    uint16_t *port)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, s);
	if (ipt_parse_port(buf, proto, port))
		return ipt_perr(ps, "invalid port/service `%s' specified", buf);
	return 0;
}

int ipt_parse_multiport(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
			const struct ipt_mopt *o, const char *arg)
{
	struct ir_match_multiport *mp = &m->mport;
	unsigned int slots = 0;
	const char *proto, *p = arg;
	int ret;

	if (*seen & (1u << o->id))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"multiport: option \"--%s\" can only be used once.\n",
				full_names[o->id]);
	if (*seen)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"multiport: option \"--%s\" cannot be used together with "
				"\"--%s\".\n", full_names[o->id],
				full_names[__builtin_ctz(*seen)]);
	*seen |= 1u << o->id;
	proto = port_proto(ps);
	if (!proto)
		return -EINVAL;
	mp->which = o->id;
	mp->invert = ps->invert;
	mp->n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *colon = memchr(p, ':', len);
		struct ir_port_range *r = &mp->ports[mp->n];

		if (slots + (colon ? 2 : 1) > IR_MULTIPORT_MAX)
			return ipt_perr(ps, "too many ports specified");
		ret = one_port(ps, p, colon ? (size_t)(colon - p) : len, proto, &r->lo);
		if (ret)
			return ret;
		r->hi = r->lo;
		if (colon) {
			ret = one_port(ps, colon + 1, len - (colon + 1 - p), proto, &r->hi);
			if (ret)
				return ret;
			if (r->lo >= r->hi)
				return ipt_perr(ps, "invalid portrange specified");
		}
		slots += colon ? 2 : 1;
		mp->n++;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}
