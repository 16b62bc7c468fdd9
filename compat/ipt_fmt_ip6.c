// SPDX-License-Identifier: GPL-2.0
/* ip6tables' own matches, -m icmp6, -m hl and -m rt, as ip6tables-save and ip6tables -L print them. */
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <stdio.h>

#include "ipt_fmt.h"

#define ALL_CODES	0, 0xff

/* libip6t_icmp6's names, in its order: the first of a type and codes is printed. */
static const struct {
	uint8_t type, code_lo, code_hi;
	const char *name;
} icmp6_names[] = {
	{ ICMP6_DST_UNREACH, ALL_CODES, "destination-unreachable" },
	{ ICMP6_DST_UNREACH, 0, 0, "no-route" },
	{ ICMP6_DST_UNREACH, 1, 1, "communication-prohibited" },
	{ ICMP6_DST_UNREACH, 2, 2, "beyond-scope" },
	{ ICMP6_DST_UNREACH, 3, 3, "address-unreachable" },
	{ ICMP6_DST_UNREACH, 4, 4, "port-unreachable" },
	{ ICMP6_DST_UNREACH, 5, 5, "failed-policy" },
	{ ICMP6_DST_UNREACH, 6, 6, "reject-route" },
	{ ICMP6_PACKET_TOO_BIG, ALL_CODES, "packet-too-big" },
	{ ICMP6_TIME_EXCEEDED, ALL_CODES, "time-exceeded" },
	{ ICMP6_TIME_EXCEEDED, 0, 0, "ttl-zero-during-transit" },
	{ ICMP6_TIME_EXCEEDED, 1, 1, "ttl-zero-during-reassembly" },
	{ ICMP6_PARAM_PROB, ALL_CODES, "parameter-problem" },
	{ ICMP6_PARAM_PROB, 0, 0, "bad-header" },
	{ ICMP6_PARAM_PROB, 1, 1, "unknown-header-type" },
	{ ICMP6_PARAM_PROB, 2, 2, "unknown-option" },
	{ ICMP6_ECHO_REQUEST, ALL_CODES, "echo-request" },
	{ ICMP6_ECHO_REPLY, ALL_CODES, "echo-reply" },
	{ ND_ROUTER_SOLICIT, ALL_CODES, "router-solicitation" },
	{ ND_ROUTER_ADVERT, ALL_CODES, "router-advertisement" },
	{ ND_NEIGHBOR_SOLICIT, ALL_CODES, "neighbour-solicitation" },
	{ ND_NEIGHBOR_ADVERT, ALL_CODES, "neighbour-advertisement" },
	{ ND_REDIRECT, ALL_CODES, "redirect" },
};

static const char *icmp6_name(const struct ir_match_icmp *icmp)
{
	for (size_t i = 0; i < sizeof(icmp6_names) / sizeof(icmp6_names[0]); i++)
		if (icmp6_names[i].type == icmp->type && icmp6_names[i].code_lo == icmp->code_lo &&
		    icmp6_names[i].code_hi == icmp->code_hi)
			return icmp6_names[i].name;
	return NULL;
}

static void icmp6_save(FILE *out, const struct ir_match_icmp *icmp, bool exact)
{
	fprintf(out, " -m icmp6%s --icmpv6-type %u", icmp->invert ? " !" : "", icmp->type);
	if (icmp->code_lo == 0 && icmp->code_hi == 0xff)
		return;
	/* ip6tables prints a range of codes by its first; the state text keeps it */
	if (exact && icmp->code_lo != icmp->code_hi)
		fprintf(out, "/%u:%u", icmp->code_lo, icmp->code_hi);
	else
		fprintf(out, "/%u", icmp->code_lo);
}

static void icmp6_list(FILE *out, const struct ir_match_icmp *icmp, bool numeric)
{
	const char *name = numeric ? NULL : icmp6_name(icmp);

	fputs(" ipv6-icmp", out);
	if (name) {
		fprintf(out, " %s%s", icmp->invert ? "!" : "", name);
		return;
	}
	/* libip6t_icmp6 prints no space before "type" */
	fprintf(out, "%stype %u", icmp->invert ? " !" : "", icmp->type);
	if (icmp->code_lo == icmp->code_hi)
		fprintf(out, " code %u", icmp->code_lo);
	else if (icmp->code_lo != 0 || icmp->code_hi != 0xff)
		fprintf(out, " codes %u-%u", icmp->code_lo, icmp->code_hi);
}

static void rt_addrs(FILE *out, const struct ir_match_rt *rt)
{
	char buf[INET6_ADDRSTRLEN];

	for (unsigned int i = 0; i < rt->n_addrs; i++)
		fprintf(out, "%c%s", i ? ',' : ' ',
			inet_ntop(AF_INET6, &rt->addrs[i], buf, sizeof(buf)));
}

/* @exact: the state text keeps an inverted whole range, which ip6tables-save leaves out */
static void rt_save(FILE *out, const struct ir_match_rt *rt, bool exact)
{
	bool inv_segs = rt->invflags & IR_RT_SEGS;

	fputs(" -m rt", out);
	if (rt->flags & IR_RT_TYPE)
		fprintf(out, "%s --rt-type %u", rt->invflags & IR_RT_TYPE ? " !" : "", rt->type);
	if (rt->segs_lo != 0 || rt->segs_hi != UINT32_MAX || (exact && inv_segs)) {
		fprintf(out, "%s --rt-segsleft ", inv_segs ? " !" : "");
		if (rt->segs_lo != rt->segs_hi)
			fprintf(out, "%u:%u", rt->segs_lo, rt->segs_hi);
		else
			fprintf(out, "%u", rt->segs_lo);
	}
	if (rt->flags & IR_RT_LEN)
		fprintf(out, "%s --rt-len %u", rt->invflags & IR_RT_LEN ? " !" : "", rt->len);
	if (rt->flags & IR_RT_RES)
		fputs(" --rt-0-res", out);
	if (rt->flags & IR_RT_FST)
		fputs(" --rt-0-addrs", out);
	rt_addrs(out, rt);
	if (rt->flags & IR_RT_FST_NSTRICT)
		fputs(" --rt-0-not-strict", out);
}

static void rt_list(FILE *out, const struct ir_match_rt *rt)
{
	bool inv_segs = rt->invflags & IR_RT_SEGS;

	fputs(" rt", out);
	if (rt->flags & IR_RT_TYPE)
		fprintf(out, " type:%s%d", rt->invflags & IR_RT_TYPE ? "!" : "", (int)rt->type);
	if (rt->segs_lo != 0 || rt->segs_hi != UINT32_MAX || inv_segs) {
		if (rt->segs_lo == rt->segs_hi)
			fprintf(out, " segsleft:%s%u", inv_segs ? "!" : "", rt->segs_lo);
		else
			fprintf(out, " segslefts:%s%u:%u", inv_segs ? "!" : "", rt->segs_lo,
				rt->segs_hi);
	}
	if (rt->flags & IR_RT_LEN)
		fprintf(out, " length:%s%u", rt->invflags & IR_RT_LEN ? "!" : "", rt->len);
	if (rt->flags & IR_RT_RES)
		fputs(" reserved", out);
	if (rt->flags & IR_RT_FST)
		fputs(" 0-addrs", out);
	rt_addrs(out, rt);
	if (rt->flags & IR_RT_FST_NSTRICT)
		fputs(" 0-not-strict", out);
}

void ipt_fmt_ip6_save(FILE *out, const struct ir_match *m, bool exact)
{
	static const char *const hl_opt[] = { "--hl-eq", "! --hl-eq", "--hl-lt", "--hl-gt" };

	switch (m->kind) {
	case IR_MATCH_ICMP6:
		icmp6_save(out, &m->icmp, exact);
		return;
	case IR_MATCH_HL:
		fprintf(out, " -m hl %s %u", hl_opt[m->ttl.mode], m->ttl.value);
		return;
	default:
		rt_save(out, &m->rt, exact);
		return;
	}
}

void ipt_fmt_ip6_list(FILE *out, const struct ir_match *m, bool numeric)
{
	static const char *const hl_op[] = { "==", "!=", "<", ">" };

	switch (m->kind) {
	case IR_MATCH_ICMP6:
		icmp6_list(out, &m->icmp, numeric);
		return;
	case IR_MATCH_HL:
		fprintf(out, " HL match HL %s %u", hl_op[m->ttl.mode], m->ttl.value);
		return;
	default:
		rt_list(out, &m->rt);
		return;
	}
}
