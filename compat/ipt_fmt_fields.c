// SPDX-License-Identifier: GPL-2.0
/* -m iprange, -m length, -m ttl and -m recent, as iptables-save and iptables -L print them. */
#include <arpa/inet.h>
#include <stdio.h>

#include "ipt_fmt.h"

static void put_range6(FILE *out, const struct in6_addr *lo, const struct in6_addr *hi)
{
	char sa[INET6_ADDRSTRLEN], sb[INET6_ADDRSTRLEN];

	fprintf(out, "%s-%s", inet_ntop(AF_INET6, lo, sa, sizeof(sa)),
		inet_ntop(AF_INET6, hi, sb, sizeof(sb)));
}

static void put_range(FILE *out, uint32_t lo, uint32_t hi)
{
	struct in_addr a = { htonl(lo) }, b = { htonl(hi) };
	char sa[INET_ADDRSTRLEN], sb[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, sa, sizeof(sa));
	inet_ntop(AF_INET, &b, sb, sizeof(sb));
	fprintf(out, "%s-%s", sa, sb);
}

/* The source (@src) or destination range of @r, for @family. */
static void put_iprange(FILE *out, const struct ir_match_iprange *r, bool src,
			enum ir_family family)
{
	if (family == IR_FAMILY_IPV6)
		put_range6(out, src ? &r->src6_lo : &r->dst6_lo, src ? &r->src6_hi : &r->dst6_hi);
	else if (src)
		put_range(out, r->src_lo, r->src_hi);
	else
		put_range(out, r->dst_lo, r->dst_hi);
}

static void put_length(FILE *out, const struct ir_match_length *l)
{
	if (l->lo == l->hi)
		fprintf(out, "%u", l->lo);
	else
		fprintf(out, "%u:%u", l->lo, l->hi);
}

void ipt_fmt_field_save(FILE *out, const struct ir_match *m, enum ir_family family)
{
	static const char *const ttl_opt[] = { "eq", "eq", "lt", "gt" };
	const struct ir_match_iprange *r = &m->iprange;

	switch (m->kind) {
	case IR_MATCH_IPRANGE:
		fputs(" -m iprange", out);
		if (r->src) {
			fprintf(out, "%s --src-range ", r->inv_src ? " !" : "");
			put_iprange(out, r, true, family);
		}
		if (r->dst) {
			fprintf(out, "%s --dst-range ", r->inv_dst ? " !" : "");
			put_iprange(out, r, false, family);
		}
		return;
	case IR_MATCH_LENGTH:
		fprintf(out, " -m length%s --length ", m->length.invert ? " !" : "");
		put_length(out, &m->length);
		return;
	default:
		fprintf(out, " -m ttl%s --ttl-%s %u", m->ttl.mode == IR_TTL_NE ? " !" : "",
			ttl_opt[m->ttl.mode], m->ttl.value);
		return;
	}
}

void ipt_fmt_field_list(FILE *out, const struct ir_match *m, enum ir_family family)
{
	static const char *const ttl_op[] = { "==", "!=", "<", ">" };
	const struct ir_match_iprange *r = &m->iprange;

	switch (m->kind) {
	case IR_MATCH_IPRANGE:
		if (r->src) {
			fprintf(out, " source IP range %s", r->inv_src ? "! " : "");
			put_iprange(out, r, true, family);
		}
		if (r->dst) {
			fprintf(out, " destination IP range %s", r->inv_dst ? "! " : "");
			put_iprange(out, r, false, family);
		}
		return;
	case IR_MATCH_LENGTH:
		fprintf(out, " length %s", m->length.invert ? "!" : "");
		put_length(out, &m->length);
		return;
	default:
		fprintf(out, " TTL match TTL %s %u", ttl_op[m->ttl.mode], m->ttl.value);
		return;
	}
}

void ipt_fmt_recent(FILE *out, const struct ir_match_recent *rc, bool save,
		    enum ir_family family)
{
	static const struct { uint8_t bit; const char *opt, *word; } cmds[] = {
		{ IR_RECENT_SET, "set", "SET" }, { IR_RECENT_CHECK, "rcheck", "CHECK" },
		{ IR_RECENT_UPDATE, "update", "UPDATE" }, { IR_RECENT_REMOVE, "remove", "REMOVE" },
	};
	char mask[INET6_ADDRSTRLEN];

	if (family == IR_FAMILY_IPV6)
		inet_ntop(AF_INET6, &rc->mask6, mask, sizeof(mask));
	else
		inet_ntop(AF_INET, &rc->mask, mask, sizeof(mask));
	fputs(save ? " -m recent" : rc->invert ? " ! recent:" : " recent:", out);
	for (unsigned int i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!(rc->check_set & cmds[i].bit))
			continue;
		if (save)
			fprintf(out, "%s --%s", rc->invert ? " !" : "", cmds[i].opt);
		else
			fprintf(out, " %s", cmds[i].word);
	}
	if (rc->seconds)
		fprintf(out, save ? " --seconds %u" : " seconds: %u", rc->seconds);
	if (rc->check_set & IR_RECENT_REAP)
		fputs(save ? " --reap" : " reap", out);
	if (rc->hitcount)
		fprintf(out, save ? " --hitcount %u" : " hit_count: %u", rc->hitcount);
	if (rc->check_set & IR_RECENT_TTL)
		fputs(save ? " --rttl" : " TTL-Match", out);
	if (save)
		fprintf(out, " --name %s --mask %s --%s", rc->name, mask,
			rc->dest ? "rdest" : "rsource");
	else
		fprintf(out, " name: %s side: %s mask: %s", rc->name, rc->dest ? "dest" : "source",
			mask);
}
