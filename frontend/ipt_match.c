// SPDX-License-Identifier: GPL-2.0
/* Match modules of the iptables command line: -m tcp, udp, icmp, comment, conntrack, state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "ipt_internal.h"

enum { MO_SPORT, MO_DPORT, MO_SYN, MO_FLAGS, MO_ICMP_TYPE, MO_COMMENT, MO_CTSTATE, MO_CTOTHER };

static const struct ipt_mopt tcp_opts[] = {
	{ "source-port", MO_SPORT, true },     { "sport", MO_SPORT, true },
	{ "destination-port", MO_DPORT, true }, { "dport", MO_DPORT, true },
	{ "syn", MO_SYN, false },		{ "tcp-flags", MO_FLAGS, true },
	{ NULL, 0, false },
};

static const struct ipt_mopt udp_opts[] = {
	{ "source-port", MO_SPORT, true },     { "sport", MO_SPORT, true },
	{ "destination-port", MO_DPORT, true }, { "dport", MO_DPORT, true },
	{ NULL, 0, false },
};

static const struct ipt_mopt icmp_opts[] = {
	{ "icmp-type", MO_ICMP_TYPE, true },
	{ NULL, 0, false },
};

static const struct ipt_mopt icmp6_opts[] = {
	{ "icmpv6-type", MO_ICMP_TYPE, true },
	{ NULL, 0, false },
};

static const struct ipt_mopt comment_opts[] = {
	{ "comment", MO_COMMENT, true },
	{ NULL, 0, false },
};

/* conntrack's options beyond --ctstate are known, so that they are refused by name */
static const struct ipt_mopt conntrack_opts[] = {
	{ "ctstate", MO_CTSTATE, true },	 { "ctproto", MO_CTOTHER, true },
	{ "ctorigsrc", MO_CTOTHER, true },	 { "ctorigdst", MO_CTOTHER, true },
	{ "ctreplsrc", MO_CTOTHER, true },	 { "ctrepldst", MO_CTOTHER, true },
	{ "ctorigsrcport", MO_CTOTHER, true },	 { "ctorigdstport", MO_CTOTHER, true },
	{ "ctreplsrcport", MO_CTOTHER, true },	 { "ctrepldstport", MO_CTOTHER, true },
	{ "ctstatus", MO_CTOTHER, true },	 { "ctexpire", MO_CTOTHER, true },
	{ "ctdir", MO_CTOTHER, true },
	{ NULL, 0, false },
};

static const struct ipt_mopt state_opts[] = {
	{ "state", MO_CTSTATE, true },
	{ NULL, 0, false },
};

static const char *const match_names[IR_MATCH_KIND_MAX] = {
	[IR_MATCH_TCP] = "tcp",
	[IR_MATCH_UDP] = "udp",
	[IR_MATCH_ICMP] = "icmp",
	[IR_MATCH_COMMENT] = "comment",
	[IR_MATCH_CONNTRACK] = "conntrack",
	[IR_MATCH_STATE] = "state",
	[IR_MATCH_MULTIPORT] = "multiport",
	[IR_MATCH_LIMIT] = "limit",
	[IR_MATCH_ADDRTYPE] = "addrtype",
	[IR_MATCH_IPRANGE] = "iprange",
	[IR_MATCH_LENGTH] = "length",
	[IR_MATCH_TTL] = "ttl",
	[IR_MATCH_RECENT] = "recent",
	[IR_MATCH_ICMP6] = "icmp6",
	[IR_MATCH_HL] = "hl",
	[IR_MATCH_RT] = "rt",
	[IR_MATCH_SET] = "set",
	[IR_MATCH_MAC] = "mac",
	[IR_MATCH_MARK] = "mark",
	[IR_MATCH_PKTTYPE] = "pkttype",
	[IR_MATCH_OWNER] = "owner",
};

const struct ipt_mopt *ipt_match_opts(enum ir_match_kind kind)
{
	switch (kind) {
	case IR_MATCH_TCP:
		return tcp_opts;
	case IR_MATCH_UDP:
		return udp_opts;
	case IR_MATCH_ICMP:
		return icmp_opts;
	case IR_MATCH_COMMENT:
		return comment_opts;
	case IR_MATCH_CONNTRACK:
		return conntrack_opts;
	case IR_MATCH_STATE:
		return state_opts;
	case IR_MATCH_MULTIPORT:
		return ipt_multiport_opts;
	case IR_MATCH_LIMIT:
		return ipt_limit_opts;
	case IR_MATCH_ADDRTYPE:
		return ipt_addrtype_opts;
	case IR_MATCH_IPRANGE:
		return ipt_iprange_opts;
	case IR_MATCH_LENGTH:
		return ipt_length_opts;
	case IR_MATCH_TTL:
		return ipt_ttl_opts;
	case IR_MATCH_RECENT:
		return ipt_recent_opts;
	case IR_MATCH_ICMP6:
		return icmp6_opts;
	case IR_MATCH_HL:
		return ipt_hl_opts;
	case IR_MATCH_RT:
		return ipt_rt_opts;
	case IR_MATCH_SET:
		return ipt_set_opts;
	case IR_MATCH_MAC:
		return ipt_mac_opts;
	case IR_MATCH_MARK:
		return ipt_mark_opts;
	case IR_MATCH_PKTTYPE:
		return ipt_pkttype_opts;
	case IR_MATCH_OWNER:
		return ipt_owner_opts;
	default:
		return NULL;
	}
}

int ipt_match_add(struct ipt_pstate *ps, enum ir_match_kind kind, unsigned int *idx)
{
	struct ir_rule *r = ps->cmd->rule;
	int ret;

	if (r->n_matches + 1 > ps->mseen_cap) {
		unsigned int ncap = ps->mseen_cap ? ps->mseen_cap * 2 : 4;
		unsigned int *n = realloc(ps->mseen, ncap * sizeof(*n));

		if (!n)
			return bpfw_errf(ps->err, BPFW_EXIT_RESOURCE, ENOMEM,
					 "Cannot allocate memory");
		ps->mseen = n;
		ps->mseen_cap = ncap;
	}
	ret = ir_rule_add_match(r, kind, NULL);
	if (ret)
		return bpfw_errf(ps->err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	*idx = r->n_matches - 1;
	ps->mseen[*idx] = 0;
	return 0;
}

/* Whether ip6tables (@v6) or iptables has match @kind: icmp and ttl, icmp6, hl, rt are one's. */
static bool in_family(enum ir_match_kind kind, bool v6)
{
	switch (kind) {
	case IR_MATCH_ICMP:
	case IR_MATCH_TTL:
		return !v6;
	case IR_MATCH_ICMP6:
	case IR_MATCH_HL:
	case IR_MATCH_RT:
		return v6;
	default:
		return true;
	}
}

int ipt_match_load(struct ipt_pstate *ps, const char *name)
{
	bool v6 = ps->ctx->family == IR_FAMILY_IPV6;
	unsigned int idx;

	/* xtables loads icmp6 by its protocol's names too */
	if (!strcmp(name, "icmpv6") || !strcmp(name, "ipv6-icmp"))
		name = "icmp6";
	for (int k = 0; k < IR_MATCH_KIND_MAX; k++) {
		int ret;

		if (!match_names[k] || strcmp(name, match_names[k]) || !in_family(k, v6))
			continue;
		ret = ipt_match_add(ps, k, &idx);
		if (!ret && k == IR_MATCH_LIMIT)
			ipt_limit_defaults(&ps->cmd->rule->matches[idx]);
		if (!ret && k == IR_MATCH_RT)
			ps->cmd->rule->matches[idx].rt.segs_hi = UINT32_MAX;	/* any, as rt_init() */
		return ret;
	}
	return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, ENOENT,
			"Couldn't load match `%s':No such file or directory\n", name);
}

/* "A", "A:B", ":B", "A:", ":" as iptables' tcp match reads them. */
static int tcp_range(struct ipt_pstate *ps, const char *s, struct ir_port_range *pr)
{
	const char *colon = strchr(s, ':');
	char lo[64];

	if (!colon) {
		if (ipt_parse_port(s, "tcp", &pr->lo))
			return ipt_perr(ps, "invalid port/service `%s' specified", s);
		pr->hi = pr->lo;
		return 0;
	}
	snprintf(lo, sizeof(lo), "%.*s", (int)(colon - s), s);
	pr->lo = 0;
	pr->hi = UINT16_MAX;
	if (lo[0] && ipt_parse_port(lo, "tcp", &pr->lo))
		return ipt_perr(ps, "invalid port/service `%s' specified", lo);
	if (colon[1] && ipt_parse_port(colon + 1, "tcp", &pr->hi))
		return ipt_perr(ps, "invalid port/service `%s' specified", colon + 1);
	if (pr->lo > pr->hi)
		return ipt_perr(ps, "invalid portrange (min > max)");
	return 0;
}

/* The udp match's reading: the same forms, with its own wording. */
static int udp_range(struct ipt_pstate *ps, const char *s, const char *optname,
		     struct ir_port_range *pr)
{
	const char *colon = strchr(s, ':');
	char lo[64];

	if (colon && strchr(colon + 1, ':'))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"udp: Too many components for option \"--%s\" (max: 2)\n",
				optname);
	if (!colon) {
		if (ipt_parse_port(s, "udp", &pr->lo))
			return ipt_perr(ps, "Port \"%s\" does not resolve to anything.\n", s);
		pr->hi = pr->lo;
		return 0;
	}
	snprintf(lo, sizeof(lo), "%.*s", (int)(colon - s), s);
	pr->lo = 0;
	pr->hi = UINT16_MAX;
	if (lo[0] && ipt_parse_port(lo, "udp", &pr->lo))
		return ipt_perr(ps, "Port \"%s\" does not resolve to anything.\n", lo);
	if (colon[1] && ipt_parse_port(colon + 1, "udp", &pr->hi))
		return ipt_perr(ps, "Port \"%s\" does not resolve to anything.\n", colon + 1);
	if (pr->lo > pr->hi)
		return ipt_perr(ps, "invalid portrange (min > max)");
	return 0;
}

static int parse_tcp(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		     const struct ipt_mopt *o, const char *arg)
{
	struct ir_match_ports *p = &m->ports;
	char bad[64];
	int ret;

	switch (o->id) {
	case MO_SPORT:
	case MO_DPORT:
		if (*seen & (1u << o->id))
			return ipt_perr(ps, "Only one `--%s' allowed",
				    o->id == MO_SPORT ? "source-port" : "destination-port");
		*seen |= 1u << o->id;
		ret = tcp_range(ps, arg, o->id == MO_SPORT ? &p->sport : &p->dport);
		if (!ret && ps->invert)
			p->invflags |= o->id == MO_SPORT ? IR_PORT_INV_SRC : IR_PORT_INV_DST;
		return ret;
	default:
		if (*seen & (1u << MO_FLAGS))
			return ipt_perr(ps, "Only one of `--syn' or `--tcp-flags'  allowed");
		*seen |= 1u << MO_FLAGS;
		if (ps->invert)
			p->invflags |= IR_TCP_INV_FLAGS;
		if (o->id == MO_SYN) {
			p->flags_mask = TH_FIN | TH_SYN | TH_RST | TH_ACK;
			p->flags_cmp = TH_SYN;
			return 0;
		}
		if (ps->ind >= ps->argc || ps->argv[ps->ind][0] == '-' ||
		    ps->argv[ps->ind][0] == '!')
			return ipt_perr(ps, "--tcp-flags requires two args.");
		if (ipt_parse_tcp_flags(arg, &p->flags_mask, bad, sizeof(bad)) ||
		    ipt_parse_tcp_flags(ps->argv[ps->ind], &p->flags_cmp, bad, sizeof(bad)))
			return ipt_perr(ps, "Unknown TCP flag `%s'", bad);
		ps->ind++;
		return 0;
	}
}

/* Bit of the state named by @len bytes of @s (any case), or -1; SNAT, DNAT for conntrack only. */
static int ctstate_bit(const char *s, size_t len, bool ct)
{
	for (unsigned int bit = 0; bit < (ct ? 7u : 5u); bit++)
		if (len && strlen(ir_ct_state_name(bit)) == len &&
		    !strncasecmp(s, ir_ct_state_name(bit), len))
			return (int)bit;
	return -1;
}

/* "NEW,ESTABLISHED" into IR_CT_* bits, with libxt_state's and libxt_conntrack's errors. */
static int parse_ctstates(struct ipt_pstate *ps, struct ir_match *m, const char *arg)
{
	bool ct = m->kind == IR_MATCH_CONNTRACK;
	const char *what = ct ? "ctstate" : "state", *comma;
	uint8_t states = 0;
	int bit;

	for (; (comma = strchr(arg, ',')); arg = comma + 1) {
		bit = ctstate_bit(arg, comma - arg, ct);
		if (bit < 0)
			return ipt_perr(ps, "Bad %s \"%s\"", what, arg);
		states |= 1u << bit;
	}
	if (!ct && !*arg)
		return ipt_perr(ps, "\"--state\" requires a list of states with no spaces, "
				"e.g. ESTABLISHED,RELATED");
	bit = ctstate_bit(arg, strlen(arg), ct);
	if (bit < 0)
		return ipt_perr(ps, "Bad %s \"%s\"", what, arg);
	m->ct.states = states | (uint8_t)(1u << bit);
	m->ct.invert = ps->invert;
	return 0;
}

int ipt_match_parse(struct ipt_pstate *ps, unsigned int idx, const struct ipt_mopt *o,
		    const char *arg)
{
	struct ir_match *m = &ps->cmd->rule->matches[idx];
	unsigned int *seen = &ps->mseen[idx];
	const char *name = match_names[m->kind];
	const char *full = o->name;
	struct ipt_icmp_why why = { 0 };
	int ret;

	if (m->kind == IR_MATCH_TCP)
		return parse_tcp(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_MULTIPORT)
		return ipt_parse_multiport(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_HL || m->kind == IR_MATCH_RT)
		return ipt_parse_ip6_match(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_SET)
		return ipt_parse_set(ps, m, seen, o, arg);
	/* the long name iptables reports for an alias */
	if (m->kind == IR_MATCH_UDP && o->id == MO_SPORT)
		full = "source-port";
	else if (m->kind == IR_MATCH_UDP && o->id == MO_DPORT)
		full = "destination-port";
	if (*seen & (1u << o->id))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"%s: option \"--%s\" can only be used once.\n", name, full);
	if (m->kind == IR_MATCH_LIMIT)
		return ipt_parse_limit(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_ADDRTYPE)
		return ipt_parse_addrtype(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_IPRANGE || m->kind == IR_MATCH_LENGTH || m->kind == IR_MATCH_TTL)
		return ipt_parse_field(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_RECENT)
		return ipt_parse_recent(ps, m, seen, o, arg);
	if (m->kind == IR_MATCH_MAC || m->kind == IR_MATCH_MARK || m->kind == IR_MATCH_PKTTYPE ||
	    m->kind == IR_MATCH_OWNER)
		return ipt_parse_meta(ps, m, seen, o, arg);
	if (o->id == MO_CTOTHER)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EOPNOTSUPP,
				"conntrack: option \"--%s\" is not supported by bpfw (only "
				"--ctstate)\n", full);
	if (ps->invert && m->kind == IR_MATCH_COMMENT)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"%s: option \"--%s\" cannot be inverted.\n", name, full);
	*seen |= 1u << o->id;
	switch (m->kind) {
	case IR_MATCH_UDP:
		ret = udp_range(ps, arg, full, o->id == MO_SPORT ? &m->ports.sport :
				&m->ports.dport);
		if (!ret && ps->invert)
			m->ports.invflags |= o->id == MO_SPORT ? IR_PORT_INV_SRC :
					     IR_PORT_INV_DST;
		return ret;
	case IR_MATCH_CONNTRACK:
	case IR_MATCH_STATE:
		return parse_ctstates(ps, m, arg);
	case IR_MATCH_ICMP:
	case IR_MATCH_ICMP6:
		ret = ipt_parse_icmp_type(ps->ctx->family, arg, &m->icmp, &why);
		name = m->kind == IR_MATCH_ICMP6 ? "ICMPv6" : "ICMP";
		if (ret == -ENOENT)
			return ipt_perr(ps, "Unknown %s type `%s'", name, arg);
		if (ret == -EEXIST)
			return ipt_perr(ps, "Ambiguous %s type `%s': `%s' or `%s'?", name, arg,
					why.first, why.second);
		if (ret == -EINVAL)
			return ipt_perr(ps, "unknown character %c", why.bad);
		if (ret == -EDOM)
			return ipt_perr(ps, "%s type range not supported", name);
		if (ret)
			return ipt_perr(ps, "Unknown %s code `%s'", name, arg);
		m->icmp.invert = ps->invert;
		return 0;
	default:
		/* a line break would end the rule's line in iptables-save output */
		if (strpbrk(arg, "\n\r"))
			return ipt_perr(ps, "comment may not contain a line break");
		/* xt_comment keeps 255 characters */
		m->comment = strndup(arg, IR_COMMENT_MAXLEN - 1);
		if (!m->comment)
			return bpfw_errf(ps->err, BPFW_EXIT_RESOURCE, ENOMEM,
					 "Cannot allocate memory");
		return 0;
	}
}

int ipt_match_final(struct ipt_pstate *ps)
{
	const struct ir_rule *r = ps->cmd->rule;
	bool proto_inv = r->ip.invflags & IR_INV_PROTO;
	int ret;

	for (unsigned int i = 0; i < r->n_matches; i++) {
		const struct ir_match *m = &r->matches[i];

		switch (m->kind) {
		case IR_MATCH_TCP:
			if (ps->mseen[i] && r->ip.proto != IPPROTO_TCP && !proto_inv)
				return ipt_perr(ps, "TCP match requires '-p tcp'");
			break;
		case IR_MATCH_UDP:
			if (ps->mseen[i] && r->ip.proto != IPPROTO_UDP && !proto_inv)
				return ipt_perr(ps, "UDP match requires '-p udp'");
			break;
		case IR_MATCH_CONNTRACK:
			if (!ps->mseen[i])
				return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
						"conntrack: At least one option is required");
			break;
		case IR_MATCH_MULTIPORT:
			if (!ps->mseen[i])
				return ipt_perr(ps, "multiport expection an option");
			break;
		case IR_MATCH_ADDRTYPE:
			ret = ipt_addrtype_final(ps, ps->mseen[i]);
			if (ret)
				return ret;
			break;
		case IR_MATCH_IPRANGE:
		case IR_MATCH_LENGTH:
		case IR_MATCH_TTL:
			ret = ipt_field_final(ps, m, ps->mseen[i]);
			if (ret)
				return ret;
			break;
		case IR_MATCH_RECENT:
			ret = ipt_recent_final(ps, m, ps->mseen[i]);
			if (ret)
				return ret;
			break;
		case IR_MATCH_SET:
			ret = ipt_set_final(ps, ps->mseen[i]);
			if (ret)
				return ret;
			break;
		case IR_MATCH_MAC:
		case IR_MATCH_MARK:
		case IR_MATCH_PKTTYPE:
		case IR_MATCH_OWNER:
			ret = ipt_meta_final(ps, m, ps->mseen[i]);
			if (ret)
				return ret;
			break;
		case IR_MATCH_HL:
		case IR_MATCH_RT:
			ret = ipt_ip6_match_final(ps, m, ps->mseen[i]);
			if (ret)
				return ret;
			break;
		case IR_MATCH_ICMP:
		case IR_MATCH_ICMP6:
		case IR_MATCH_COMMENT:
		case IR_MATCH_STATE:
			if (!ps->mseen[i])
				return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
						"%s: option \"--%s\" must be specified\n",
						match_names[m->kind],
						ipt_match_opts(m->kind)[0].name);
			break;
		default:
			break;
		}
	}
	return 0;
}
