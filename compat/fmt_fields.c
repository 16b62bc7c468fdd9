// SPDX-License-Identifier: GPL-2.0
/* -m iprange, -m length and -m ttl, as iptables-save and iptables -L print them. */
#include <arpa/inet.h>
#include <stdio.h>

#include "ipt_fmt.h"

static void put_range(FILE *out, uint32_t lo, uint32_t hi)
{
	struct in_addr a = { htonl(lo) }, b = { htonl(hi) };
	char sa[INET_ADDRSTRLEN], sb[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, sa, sizeof(sa));
	inet_ntop(AF_INET, &b, sb, sizeof(sb));
	fprintf(out, "%s-%s", sa, sb);
}

static void put_length(FILE *out, const struct ir_match_length *l)
{
	if (l->lo == l->hi)
		fprintf(out, "%u", l->lo);
	else
		fprintf(out, "%u:%u", l->lo, l->hi);
}

void ipt_fmt_field_save(FILE *out, const struct ir_match *m)
{
	static const char *const ttl_opt[] = { "eq", "eq", "lt", "gt" };
	const struct ir_match_iprange *r = &m->iprange;

	switch (m->kind) {
	case IR_MATCH_IPRANGE:
		fputs(" -m iprange", out);
		if (r->src) {
			fprintf(out, "%s --src-range ", r->inv_src ? " !" : "");
			put_range(out, r->src_lo, r->src_hi);
		}
		if (r->dst) {
			fprintf(out, "%s --dst-range ", r->inv_dst ? " !" : "");
			put_range(out, r->dst_lo, r->dst_hi);
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

void ipt_fmt_field_list(FILE *out, const struct ir_match *m)
{
	static const char *const ttl_op[] = { "==", "!=", "<", ">" };
	const struct ir_match_iprange *r = &m->iprange;

	switch (m->kind) {
	case IR_MATCH_IPRANGE:
		if (r->src) {
			fprintf(out, " source IP range %s", r->inv_src ? "! " : "");
			put_range(out, r->src_lo, r->src_hi);
		}
		if (r->dst) {
			fprintf(out, " destination IP range %s", r->inv_dst ? "! " : "");
			put_range(out, r->dst_lo, r->dst_hi);
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
