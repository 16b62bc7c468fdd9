// SPDX-License-Identifier: GPL-2.0
/* iptables-save text, and the rule text that -S shares with it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipt_fmt.h"

static void put_iface(FILE *out, const char *opt, const char *name, bool inv)
{
	if (name[0])
		fprintf(out, "%s %s %s", inv ? " !" : "", opt, name);
}

static void put_addr(FILE *out, const char *opt, const struct ir_addr *a, bool inv,
		     enum ir_family family)
{
	char buf[IPT_FMT_BUFLEN];

	if (ipt_fmt_addr_any(a, family) && !inv)
		return;
	/* plain stdio calls: a large rule set prints many of these */
	fputs(inv ? " ! " : " ", out);
	fputs(opt, out);
	fputc(' ', out);
	fputs(ipt_fmt_addr_save(a, family, buf, sizeof(buf)), out);
}

static void put_range(FILE *out, const char *opt, const struct ir_port_range *r, bool inv)
{
	if (ipt_fmt_range_full(r) && !inv)
		return;
	fprintf(out, "%s %s ", inv ? " !" : "", opt);
	if (r->lo == r->hi)
		fprintf(out, "%u", r->lo);
	else
		fprintf(out, "%u:%u", r->lo, r->hi);
}

static void put_ports(FILE *out, const char *name, const struct ir_match_ports *p, bool tcp)
{
	fprintf(out, " -m %s", name);
	put_range(out, "--sport", &p->sport, p->invflags & IR_PORT_INV_SRC);
	put_range(out, "--dport", &p->dport, p->invflags & IR_PORT_INV_DST);
	if (!tcp || (!p->flags_mask && !(p->invflags & IR_TCP_INV_FLAGS)))
		return;
	fprintf(out, "%s --tcp-flags ", p->invflags & IR_TCP_INV_FLAGS ? " !" : "");
	ipt_fmt_tcp_flags(out, p->flags_mask);
	fputc(' ', out);
	ipt_fmt_tcp_flags(out, p->flags_cmp);
}

/* iptables 1.8.9 prints a code range by its first code; @exact keeps the range. */
static void put_icmp(FILE *out, const struct ir_match_icmp *icmp, bool exact)
{
	fprintf(out, " -m icmp%s --icmp-type ", icmp->invert ? " !" : "");
	if (ipt_fmt_icmp_any(icmp))
		fputs("any", out);
	else if (icmp->code_lo == 0 && icmp->code_hi == 0xff)
		fprintf(out, "%u", icmp->type);
	else if (exact && icmp->code_lo != icmp->code_hi)
		fprintf(out, "%u/%u:%u", icmp->type, icmp->code_lo, icmp->code_hi);
	else
		fprintf(out, "%u/%u", icmp->type, icmp->code_lo);
}

static void put_match(FILE *out, const struct ir_match *m, bool exact, enum ir_family family)
{
	switch (m->kind) {
	case IR_MATCH_TCP:
		put_ports(out, "tcp", &m->ports, true);
		break;
	case IR_MATCH_UDP:
		put_ports(out, "udp", &m->ports, false);
		break;
	case IR_MATCH_ICMP:
		put_icmp(out, &m->icmp, exact);
		break;
	case IR_MATCH_COMMENT:
		fputs(" -m comment --comment ", out);
		ipt_fmt_quoted(out, m->comment ? m->comment : "");
		break;
	case IR_MATCH_IPRANGE:
	case IR_MATCH_LENGTH:
	case IR_MATCH_TTL:
		ipt_fmt_field_save(out, m, family);
		break;
	case IR_MATCH_RECENT:
		ipt_fmt_recent(out, m->recent, true, family);
		break;
	case IR_MATCH_ICMP6:
	case IR_MATCH_HL:
	case IR_MATCH_RT:
		ipt_fmt_ip6_save(out, m, exact);
		break;
	case IR_MATCH_SET:
		ipt_fmt_set(out, &m->set, true);
		break;
	case IR_MATCH_MAC:
	case IR_MATCH_MARK:
	case IR_MATCH_PKTTYPE:
	case IR_MATCH_OWNER:
		ipt_fmt_meta_save(out, m);
		break;
	case IR_MATCH_ADDRTYPE:
		fputs(" -m addrtype", out);
		if (m->addrtype.src) {
			fprintf(out, "%s --src-type ", m->addrtype.inv_src ? " !" : "");
			ipt_fmt_addrtypes(out, m->addrtype.src);
		}
		if (m->addrtype.dst) {
			fprintf(out, "%s --dst-type ", m->addrtype.inv_dst ? " !" : "");
			ipt_fmt_addrtypes(out, m->addrtype.dst);
		}
		break;
	case IR_MATCH_LIMIT:
		fputs(" -m limit --limit ", out);
		ipt_fmt_rate(out, m->limit.avg);
		if (m->limit.burst != IR_LIMIT_BURST)
			fprintf(out, " --limit-burst %u", m->limit.burst);
		break;
	case IR_MATCH_MULTIPORT:
		fprintf(out, " -m multiport%s --%s ", m->mport.invert ? " !" : "",
			ipt_fmt_multiport_opt(m->mport.which));
		ipt_fmt_multiport(out, &m->mport, NULL, true);
		break;
	case IR_MATCH_CONNTRACK:
	case IR_MATCH_STATE:
		fprintf(out, m->kind == IR_MATCH_STATE ? " -m state%s --state " :
			" -m conntrack%s --ctstate ", m->ct.invert ? " !" : "");
		ipt_fmt_ctstates(out, m->ct.states);
		break;
	default:
		break;
	}
}

/* -j LOG's options, as libxt_LOG saves them. */
static void put_log(FILE *out, const struct ir_target_log *log)
{
	static const struct { uint8_t flag; const char *opt; } flags[] = {
		{ IR_LOG_TCPSEQ, "tcp-sequence" }, { IR_LOG_TCPOPT, "tcp-options" },
		{ IR_LOG_IPOPT, "ip-options" },	   { IR_LOG_UID, "uid" },
		{ IR_LOG_MACDECODE, "macdecode" },
	};

	if (log->prefix[0]) {
		fputs(" --log-prefix ", out);
		ipt_fmt_quoted(out, log->prefix);
	}
	if (log->level != IR_LOG_LEVEL)
		fprintf(out, " --log-level %u", log->level);
	for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (log->flags & flags[i].flag)
			fprintf(out, " --log-%s", flags[i].opt);
}

void ipt_fmt_rule_words(FILE *out, const struct ir_rule *r, enum ir_family family,
			const struct ir_counter *counter, bool exact)
{
	const struct ir_ipspec *ip = &r->ip;
	char buf[IPT_FMT_BUFLEN];

	put_addr(out, "-s", &ip->src, ip->invflags & IR_INV_SRC, family);
	put_addr(out, "-d", &ip->dst, ip->invflags & IR_INV_DST, family);
	put_iface(out, "-i", ip->iif, ip->invflags & IR_INV_IIF);
	put_iface(out, "-o", ip->oif, ip->invflags & IR_INV_OIF);
	if (ip->proto || (ip->invflags & IR_INV_PROTO))
		fprintf(out, "%s -p %s", ip->invflags & IR_INV_PROTO ? " !" : "",
			ipt_fmt_proto(ip->proto, buf, sizeof(buf)));
	if (ip->frag)
		fprintf(out, "%s -f", ip->invflags & IR_INV_FRAG ? " !" : "");
	for (unsigned int i = 0; i < r->n_matches; i++)
		put_match(out, &r->matches[i], exact, family);
	if (counter)
		fprintf(out, " -c %llu %llu", (unsigned long long)counter->packets,
			(unsigned long long)counter->bytes);
	if (r->target.kind == IR_TARGET_GOTO)
		fprintf(out, " -g %s", r->target.chain);
	else if (r->target.kind != IR_TARGET_NONE)
		fprintf(out, " -j %s", ipt_fmt_target(&r->target));
	if (r->target.kind == IR_TARGET_LOG)
		put_log(out, &r->target.log);
	if (r->target.kind == IR_TARGET_REJECT)
		fprintf(out, " --reject-with %s", ir_reject_name(r->target.reject, false));
}

void ipt_format_rule(FILE *out, const struct ir_rule *r, enum ir_family family)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	ipt_fmt_rule_words(f, r, family, NULL, false);
	if (fclose(f) == 0 && len > 0)
		fputs(text + 1, out);	/* the words after the first's leading space */
	free(text);
}

static void put_bracket(FILE *out, enum ipt_save_counters mode, uint32_t slot,
			const struct ir_counter *c)
{
	if (mode == IPT_SAVE_SLOTS && slot == IR_SLOT_NONE) {
		fputs("[-]", out);
	} else if (mode == IPT_SAVE_SLOTS) {
		char num[16], *p = num + sizeof(num);

		*--p = '\0';
		do
			*--p = (char)('0' + slot % 10);
		while (slot /= 10);
		fputc('[', out);
		fputs(p, out);
		fputc(']', out);
	}
	else if (c)	/* policy counters show even without -c, as iptables-nft does */
		fprintf(out, "[%llu:%llu]", (unsigned long long)c->packets,
			(unsigned long long)c->bytes);
	else
		fputs("[0:0]", out);
}

static void save_rules(FILE *out, const struct ir_chain *c, enum ir_family family,
		       enum ipt_save_counters mode)
{
	for (unsigned int i = 0; i < c->n_rules; i++) {
		const struct ir_rule *r = c->rules[i];

		if (mode != IPT_SAVE_NO_COUNTERS) {
			put_bracket(out, mode, r->slot, &r->counter);
			fputc(' ', out);
		}
		fprintf(out, "-A %s", c->name);
		ipt_fmt_rule_words(out, r, family, NULL, mode == IPT_SAVE_SLOTS);
		fputc('\n', out);
	}
}

static int save_table(FILE *out, const struct ir_table *t, enum ipt_save_counters mode)
{
	struct ir_chain **user = NULL;
	unsigned int n_user, i;
	int ret;

	ret = ipt_fmt_user_chains(t, &user, &n_user);
	if (ret)
		return ret;
	fprintf(out, "*%s\n", ir_table_name(t->id));
	for (i = 0; i < t->n_chains; i++) {
		const struct ir_chain *c = t->chains[i];

		if (!ir_chain_is_builtin(c))
			continue;
		fprintf(out, ":%s %s ", c->name, c->policy == IR_VERDICT_DROP ? "DROP" : "ACCEPT");
		put_bracket(out, mode, c->policy_slot, &c->counter);
		fputc('\n', out);
	}
	for (i = 0; i < n_user; i++) {
		fprintf(out, ":%s - ", user[i]->name);
		put_bracket(out, mode, IR_SLOT_NONE, NULL);
		fputc('\n', out);
	}
	for (i = 0; i < t->n_chains; i++)
		if (ir_chain_is_builtin(t->chains[i]))
			save_rules(out, t->chains[i], t->family, mode);
	for (i = 0; i < n_user; i++)
		save_rules(out, user[i], t->family, mode);
	fputs("COMMIT\n", out);
	free(user);
	return 0;
}

/* iptables-save's date: ctime() without its newline. */
static void put_date(FILE *out, const char *what, const char *prog)
{
	time_t now = time(NULL);
	char buf[64];
	struct tm tm;

	if (!localtime_r(&now, &tm) || !strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm))
		buf[0] = '\0';
	if (prog)
		fprintf(out, "# %s by %s-save v%s (%s) on %s\n", what, prog, IPT_VERSION,
			IPT_VARIANT, buf);
	else
		fprintf(out, "# %s on %s\n", what, buf);
}

/* iptables-save prints its tables in this order. */
static const enum ir_table_id save_order[] = { IR_TABLE_RAW, IR_TABLE_FILTER };

int ipt_save(const struct ipt_ctx *ctx, FILE *out, const struct ir_ruleset *rs,
	     const char *table, enum ipt_save_counters counters, bool header)
{
	bool heading = header && counters != IPT_SAVE_SLOTS;

	for (size_t i = 0; i < sizeof(save_order) / sizeof(save_order[0]); i++) {
		const struct ir_table *t = rs->tables[ctx->family][save_order[i]];
		int ret;

		if (!t || (table && strcmp(table, ir_table_name(t->id))))
			continue;
		if (heading)
			put_date(out, "Generated", ctx->prog);
		ret = save_table(out, t, counters);
		if (ret)
			return ret;
		if (heading)
			put_date(out, "Completed", NULL);
	}
	/* what iptables cannot show, said the way iptables-nft says it of its tables */
	for (unsigned int i = 0; heading && !table && i < rs->n_nft; i++) {
		static const char *const fams[IR_NFT_FAMILY_MAX] = { "ip", "ip6", "inet" };
		const struct ir_table *t = rs->nft[i];

		if (ir_nft_table_has_family(t, ctx->family))
			fprintf(out, "# Table `%s %s' is not an iptables table, use 'bpfw nft' "
				"to list it.\n", fams[t->nft_family], t->name);
	}
	return ferror(out) ? -EIO : 0;
}
