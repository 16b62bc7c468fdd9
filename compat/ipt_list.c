// SPDX-License-Identifier: GPL-2.0
/* iptables -L: the rules as a table, with -n, -v, -x and --line-numbers. */
#include <errno.h>
#include <stdlib.h>

#include "ipt_fmt.h"

struct list_opts {
	bool numeric, verbose, exact, lines;
	enum ir_family family;
};

static void put_ports(FILE *out, const char *what, const struct ir_port_range *r, bool inv,
		      const char *proto, bool numeric)
{
	char a[IPT_FMT_BUFLEN], b[IPT_FMT_BUFLEN];

	if (ipt_fmt_range_full(r) && !inv)
		return;
	if (r->lo == r->hi) {
		fprintf(out, " %s:%s%s", what, inv ? "!" : "",
			ipt_fmt_port(r->lo, proto, numeric, a, sizeof(a)));
		return;
	}
	fprintf(out, " %ss:%s%s:%s", what, inv ? "!" : "",
		ipt_fmt_port(r->lo, proto, numeric, a, sizeof(a)),
		ipt_fmt_port(r->hi, proto, numeric, b, sizeof(b)));
}

static void put_match_ports(FILE *out, const char *proto, const struct ir_match_ports *p,
			    bool tcp, bool numeric)
{
	bool inv_flags = p->invflags & IR_TCP_INV_FLAGS;

	fputs(proto, out);
	put_ports(out, "spt", &p->sport, p->invflags & IR_PORT_INV_SRC, proto, numeric);
	put_ports(out, "dpt", &p->dport, p->invflags & IR_PORT_INV_DST, proto, numeric);
	if (!tcp || (!p->flags_mask && !inv_flags))
		return;
	fprintf(out, " flags:%s", inv_flags ? "!" : "");
	if (numeric) {
		fprintf(out, "0x%02X/0x%02X", p->flags_mask, p->flags_cmp);
		return;
	}
	ipt_fmt_tcp_flags(out, p->flags_mask);
	fputc('/', out);
	ipt_fmt_tcp_flags(out, p->flags_cmp);
}

static void put_match_icmp(FILE *out, const struct ir_match_icmp *icmp, bool numeric)
{
	const char *name = ipt_fmt_icmp_name(icmp->type, icmp->code_lo, icmp->code_hi);

	if (!numeric && name) {
		fprintf(out, "icmp %s%s", icmp->invert ? "!" : "", name);
		return;
	}
	fprintf(out, "icmp%stype %u", icmp->invert ? " !" : "", icmp->type);
	if (icmp->code_lo == icmp->code_hi)
		fprintf(out, " code %u", icmp->code_lo);
	else if (icmp->code_lo != 0 || icmp->code_hi != 0xff)
		fprintf(out, " codes %u-%u", icmp->code_lo, icmp->code_hi);
}

/* The option column text of one match, after its leading space; @proto names ports. */
static void put_match(FILE *out, const struct ir_match *m, const char *proto, bool numeric,
		      enum ir_family family)
{
	switch (m->kind) {
	case IR_MATCH_IPRANGE:
	case IR_MATCH_LENGTH:
	case IR_MATCH_TTL:
		ipt_fmt_field_list(out, m, family);
		break;
	case IR_MATCH_RECENT:
		ipt_fmt_recent(out, m->recent, false, family);
		break;
	case IR_MATCH_ICMP6:
	case IR_MATCH_HL:
	case IR_MATCH_RT:
		ipt_fmt_ip6_list(out, m, numeric);
		break;
	case IR_MATCH_SET:
		ipt_fmt_set(out, &m->set, false);
		break;
	case IR_MATCH_MAC:
	case IR_MATCH_MARK:
	case IR_MATCH_PKTTYPE:
	case IR_MATCH_OWNER:
		ipt_fmt_meta_list(out, m, numeric);
		break;
	case IR_MATCH_ADDRTYPE:
		fputs(" ADDRTYPE match", out);
		if (m->addrtype.src) {
			fprintf(out, " src-type %s", m->addrtype.inv_src ? "!" : "");
			ipt_fmt_addrtypes(out, m->addrtype.src);
		}
		if (m->addrtype.dst) {
			fprintf(out, " dst-type %s", m->addrtype.inv_dst ? "!" : "");
			ipt_fmt_addrtypes(out, m->addrtype.dst);
		}
		break;
	case IR_MATCH_LIMIT:
		fputs(" limit: avg ", out);
		ipt_fmt_rate(out, m->limit.avg);
		fprintf(out, " burst %u", m->limit.burst);
		break;
	case IR_MATCH_MULTIPORT:
		fprintf(out, " multiport %s %s", ipt_fmt_multiport_opt(m->mport.which),
			m->mport.invert ? " !" : "");
		ipt_fmt_multiport(out, &m->mport, proto, numeric);
		break;
	case IR_MATCH_TCP:
		fputc(' ', out);
		put_match_ports(out, "tcp", &m->ports, true, numeric);
		break;
	case IR_MATCH_UDP:
		fputc(' ', out);
		put_match_ports(out, "udp", &m->ports, false, numeric);
		break;
	case IR_MATCH_ICMP:
		fputc(' ', out);
		put_match_icmp(out, &m->icmp, numeric);
		break;
	case IR_MATCH_COMMENT:
		fprintf(out, " /* %s */", m->comment ? m->comment : "");
		break;
	case IR_MATCH_CONNTRACK:
	case IR_MATCH_STATE:
		fprintf(out, " %s%s ", m->ct.invert ? "! " : "",
			m->kind == IR_MATCH_STATE ? "state" : "ctstate");
		ipt_fmt_ctstates(out, m->ct.states);
		break;
	default:
		break;
	}
}

static void put_iface(FILE *out, bool lead, const char *name, bool inv, bool numeric)
{
	char buf[IFNAMSIZ + 4];

	snprintf(buf, sizeof(buf), "%s%s", inv ? "!" : "",
		 name[0] ? name : (numeric ? "*" : "any"));
	fprintf(out, "%s%-6s ", lead ? " " : "", buf);
}

/* -j LOG's options as libxt_LOG prints them: numbers with -n, names without. */
static void put_log(FILE *out, const struct ir_target_log *log, bool numeric)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err",
					      "warn", "notice", "info", "debug" };
	static const struct { uint8_t flag; const char *name; } flags[] = {
		{ IR_LOG_TCPSEQ, "tcp-sequence" }, { IR_LOG_TCPOPT, "tcp-options" },
		{ IR_LOG_IPOPT, "ip-options" },	   { IR_LOG_UID, "uid" },
		{ IR_LOG_MACDECODE, "macdecode" },
	};

	if (numeric) {
		fprintf(out, " LOG flags %u level %u", log->flags, log->level);
	} else {
		fprintf(out, " LOG level %s", levels[log->level & 7]);
		for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (log->flags & flags[i].flag)
				fprintf(out, " %s", flags[i].name);
	}
	if (log->prefix[0])
		fprintf(out, " prefix \"%s\"", log->prefix);
}

static void put_rule(FILE *out, const struct ir_rule *r, unsigned int num,
		     const struct list_opts *o)
{
	const struct ir_ipspec *ip = &r->ip;
	char buf[IPT_FMT_BUFLEN], pbuf[IPT_FMT_BUFLEN];
	const char *proto = ipt_fmt_proto(ip->proto, pbuf, sizeof(pbuf));

	if (o->lines)
		fprintf(out, "%-4u ", num);
	if (o->verbose) {
		ipt_fmt_num(out, r->counter.packets, o->exact, true);
		ipt_fmt_num(out, r->counter.bytes, o->exact, true);
	}
	fprintf(out, "%-9s ", ipt_fmt_target(&r->target));
	fputc(ip->invflags & IR_INV_PROTO ? '!' : ' ', out);
	if (o->numeric)
		snprintf(buf, sizeof(buf), "%u", ip->proto);
	fprintf(out, "%-4s ", o->numeric ? buf : ipt_fmt_proto(ip->proto, buf, sizeof(buf)));
	fprintf(out, "%c%c ", ip->invflags & IR_INV_FRAG ? '!' : '-', ip->frag ? 'f' : '-');
	if (o->verbose) {
		put_iface(out, true, ip->iif, ip->invflags & IR_INV_IIF, o->numeric);
		put_iface(out, false, ip->oif, ip->invflags & IR_INV_OIF, o->numeric);
	}
	fputc(ip->invflags & IR_INV_SRC ? '!' : ' ', out);
	fprintf(out, "%-19s ",
		ipt_fmt_addr_list(&ip->src, o->family, o->numeric, buf, sizeof(buf)));
	fputc(ip->invflags & IR_INV_DST ? '!' : ' ', out);
	fprintf(out, "%-19s ",
		ipt_fmt_addr_list(&ip->dst, o->family, o->numeric, buf, sizeof(buf)));
	if (r->target.kind == IR_TARGET_GOTO)
		fputs("[goto] ", out);
	for (unsigned int i = 0; i < r->n_matches; i++)
		put_match(out, &r->matches[i], proto, o->numeric, o->family);
	if (r->target.kind == IR_TARGET_REJECT)
		fprintf(out, " reject-with %s", ir_reject_name(r->target.reject, false));
	if (r->target.kind == IR_TARGET_LOG)
		put_log(out, &r->target.log, o->numeric);
	fputc('\n', out);
}

static void put_header(FILE *out, const struct ir_table *t, const struct ir_chain *c,
		       const struct list_opts *o)
{
	if (ir_chain_is_builtin(c)) {
		fprintf(out, "Chain %s (policy %s", c->name,
			c->policy == IR_VERDICT_DROP ? "DROP" : "ACCEPT");
		if (o->verbose) {
			fputc(' ', out);
			ipt_fmt_num(out, c->counter.packets, o->exact, false);
			fputs("packets, ", out);
			ipt_fmt_num(out, c->counter.bytes, o->exact, false);
			fputs("bytes", out);
		}
		fputs(")\n", out);
	} else {
		fprintf(out, "Chain %s (%u references)\n", c->name,
			ir_chain_refcount(t, c->name));
	}
	if (o->lines)
		fputs("num  ", out);
	if (o->verbose)
		fputs(o->exact ? "    pkts      bytes " : " pkts bytes ", out);
	fputs("target     prot opt ", out);
	if (o->verbose)
		fputs("in     out     ", out);
	fputs("source               destination         \n", out);
}

static void put_chain(FILE *out, const struct ir_table *t, const struct ir_chain *c,
		      const struct list_opts *o)
{
	put_header(out, t, c, o);
	for (unsigned int i = 0; i < c->n_rules; i++)
		put_rule(out, c->rules[i], i + 1, o);
}

static int list_all(FILE *out, const struct ir_table *t, const struct list_opts *o)
{
	struct ir_chain **user = NULL;
	unsigned int n_user, i;
	bool first = true;
	int ret;

	ret = ipt_fmt_user_chains(t, &user, &n_user);
	if (ret)
		return ret;
	for (i = 0; i < t->n_chains; i++) {
		if (!ir_chain_is_builtin(t->chains[i]))
			continue;
		if (!first)
			fputc('\n', out);
		put_chain(out, t, t->chains[i], o);
		first = false;
	}
	for (i = 0; i < n_user; i++) {
		if (!first)
			fputc('\n', out);
		put_chain(out, t, user[i], o);
		first = false;
	}
	free(user);
	return 0;
}

int ipt_list_table(const struct ipt_ctx *ctx, FILE *out, const struct ir_table *t,
		   const char *chain, unsigned int rulenum, unsigned int flags,
		   struct bpfw_err *err)
{
	const struct list_opts o = {
		.numeric = flags & IPT_F_NUMERIC,
		.verbose = flags & IPT_F_VERBOSE,
		.exact = flags & IPT_F_EXACT,
		.lines = flags & IPT_F_LINE_NUMBERS,
		.family = t->family,
	};
	const struct ir_chain *c;

	if (!chain || !chain[0]) {
		if (list_all(out, t, &o))
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "%s: %s", ctx->prog,
					 "Cannot allocate memory");
		return 0;
	}
	c = ir_chain_find(t, chain);
	if (!c)
		return bpfw_errf(err, BPFW_EXIT_OTHER, ENOENT,
				 "%s: No chain/target/match by that name.", ctx->prog);
	if (rulenum) {
		/* one rule: its line alone, nothing past the end */
		if (rulenum <= c->n_rules)
			put_rule(out, c->rules[rulenum - 1], rulenum, &o);
		return 0;
	}
	put_chain(out, t, c, &o);
	return 0;
}
