// SPDX-License-Identifier: GPL-2.0
/* One nft rule's statements past its matches: limit, counter, log, reject, the verdict, comment. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "nft_stmt.h"

#define ICMPX_OUTSIDE	"reject with icmpx outside an inet table"

int nft_limit_stmt(struct nft_rp *p)
{
	static const struct {
		const char *name;
		uint32_t secs;
	} units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
		{ "week", 604800 },
	};
	struct ir_match *m;
	char buf[64], *slash, *end;
	unsigned long rate;
	bool over;
	size_t i;

	if (nft_at(p->t, "name"))
		return nft_unsupported(p, "a named limit object");
	if (!nft_accept(p->t, "rate"))
		return nft_perr(p->t, p->err, "syntax error, expecting rate");
	over = nft_accept(p->t, "over");
	if (over && !p->w->table->name[0])
		return nft_unsupported(p, "limit rate over in iptables' own table (iptables "
				       "cannot show it)");
	snprintf(buf, sizeof(buf), "%s", nft_peek(p->t)->text);
	slash = strchr(buf, '/');
	if (!slash)
		return nft_unsupported(p, "a limit not in packets per unit of time");
	*slash++ = '\0';
	rate = strtoul(buf, &end, 10);
	if (end != buf && strstr(end, "bytes"))
		return nft_unsupported(p, "a limit not in packets per unit of time");
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(slash, units[i].name))
			break;
	if (*end || !rate || i == sizeof(units) / sizeof(units[0]))
		return nft_perr(p->t, p->err, "Could not resolve rate %s", nft_peek(p->t)->text);
	p->t->pos++;
	if (ir_rule_add_match(p->r, IR_MATCH_LIMIT, &m))
		return nft_nomem(p->err);
	m->limit.avg = (uint64_t)IR_LIMIT_SCALE * units[i].secs / rate;
	/* iptables' own tables keep iptables' units: their state text has no other */
	if (rate <= UINT32_MAX && p->w->table->name[0]) {
		m->limit.rate = (uint32_t)rate;
		m->limit.per = units[i].secs;
	}
	if (!m->limit.avg)
		return nft_unsupported(p, "a rate this high");
	m->limit.burst = IR_LIMIT_BURST;
	m->limit.over = over;
	if (nft_accept(p->t, "burst")) {
		unsigned long b = strtoul(nft_peek(p->t)->text, &end, 10);

		if (*end || !b || b > UINT32_MAX)
			return nft_perr(p->t, p->err, "Could not resolve burst %s",
					nft_peek(p->t)->text);
		p->t->pos++;
		if (!nft_accept(p->t, "packets"))
			return nft_unsupported(p, "a burst in bytes");
		m->limit.burst = b;
	}
	return 0;
}

int nft_counter_stmt(struct nft_rp *p)
{
	p->r->nft |= IR_NFT_COUNTER;
	if (nft_accept(p->t, "packets")) {
		char *end;

		p->r->counter.packets = strtoull(nft_peek(p->t)->text, &end, 10);
		p->t->pos++;
		if (*end || !nft_accept(p->t, "bytes"))
			return nft_perr(p->t, p->err, "syntax error, expecting bytes");
		p->r->counter.bytes = strtoull(nft_peek(p->t)->text, &end, 10);
		p->t->pos++;
		if (*end)
			return nft_perr(p->t, p->err, "syntax error, expecting a number");
		p->r->counter_given = !p->w->state;
	}
	return 0;
}

/* "sequence", "options" or both, ","-separated, after "log flags tcp". */
static int log_tcp_flags(struct nft_rp *p, uint8_t *flags)
{
	for (;;) {
		const struct nft_tok *next;

		if (nft_accept(p->t, "sequence"))
			*flags |= IR_LOG_TCPSEQ;
		else if (nft_accept(p->t, "options"))
			*flags |= IR_LOG_TCPOPT;
		else
			return nft_perr(p->t, p->err, "syntax error, expecting sequence, options");
		/* a "," before another flag group ends this one */
		if (!nft_at(p->t, ",") || p->t->pos + 1 >= p->t->n)
			return 0;
		next = &p->t->v[p->t->pos + 1];
		if (strcmp(next->text, "sequence") && strcmp(next->text, "options"))
			return 0;
		p->t->pos++;
	}
}

int nft_log_stmt(struct nft_rp *p)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					      "info", "debug" };
	struct ir_target_log *log = &p->r->target.log;

	if (p->r->nft & IR_NFT_LOG)
		return nft_unsupported(p, "a second log statement in one rule");
	p->r->nft |= IR_NFT_LOG;
	log->level = IR_LOG_LEVEL;
	for (;;) {
		if (nft_accept(p->t, "prefix")) {
			const struct nft_tok *k = nft_peek(p->t);

			if (k->kind != NFT_TOK_STRING && k->kind != NFT_TOK_WORD)
				return nft_perr(p->t, p->err, "syntax error, expecting string");
			if (strlen(k->text) >= IR_LOG_PREFIX_LEN)
				return nft_unsupported(p, "a log prefix longer than 29 characters");
			strcpy(log->prefix, k->text);
			p->t->pos++;
		} else if (nft_accept(p->t, "level")) {
			size_t i;

			if (nft_at(p->t, "audit"))
				return nft_unsupported(p, "log level audit");
			for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
				if (nft_at(p->t, levels[i]))
					break;
			if (i == sizeof(levels) / sizeof(levels[0]))
				return nft_perr(p->t, p->err, "Could not resolve log level %s",
						nft_peek(p->t)->text);
			p->t->pos++;
			log->level = i;
		} else if (nft_accept(p->t, "flags")) {
			do {
				if (nft_accept(p->t, "tcp")) {
					int ret = log_tcp_flags(p, &log->flags);

					if (ret)
						return ret;
				} else if (nft_accept(p->t, "ip")) {
					if (!nft_accept(p->t, "options"))
						return nft_perr(p->t, p->err, "syntax error");
					log->flags |= IR_LOG_IPOPT;
				} else if (nft_accept(p->t, "skuid")) {
					log->flags |= IR_LOG_UID;
				} else if (nft_accept(p->t, "ether")) {
					log->flags |= IR_LOG_MACDECODE;
				} else if (nft_accept(p->t, "all")) {
					log->flags |= IR_LOG_TCPSEQ | IR_LOG_TCPOPT | IR_LOG_IPOPT |
						      IR_LOG_UID | IR_LOG_MACDECODE;
				} else {
					return nft_perr(p->t, p->err, "log flags %s is not "
							"supported by bpfw", nft_peek(p->t)->text);
				}
			} while (nft_accept(p->t, ","));
		} else if (nft_at(p->t, "group") || nft_at(p->t, "snaplen") ||
			   nft_at(p->t, "queue-threshold")) {
			return nft_unsupported(p, "log group (nflog)");
		} else {
			return 0;
		}
	}
}

int nft_reject_stmt(struct nft_rp *p)
{
	static const struct {
		const char *name;
		enum ir_reject_with with;
	} icmp[] = {
		{ "net-unreachable", IR_REJECT_NET_UNREACH },
		{ "host-unreachable", IR_REJECT_HOST_UNREACH },
		{ "port-unreachable", IR_REJECT_PORT_UNREACH },
		{ "prot-unreachable", IR_REJECT_PROTO_UNREACH },
		{ "net-prohibited", IR_REJECT_NET_PROHIB },
		{ "host-prohibited", IR_REJECT_HOST_PROHIB },
		{ "admin-prohibited", IR_REJECT_ADMIN_PROHIB },
	}, icmp6[] = {
		{ "no-route", IR_REJECT6_NO_ROUTE },
		{ "admin-prohibited", IR_REJECT6_ADM_PROHIBITED },
		{ "addr-unreachable", IR_REJECT6_ADDR_UNREACH },
		{ "port-unreachable", IR_REJECT6_PORT_UNREACH },
		{ "policy-fail", IR_REJECT6_POLICY_FAIL },
		{ "reject-route", IR_REJECT6_REJECT_ROUTE },
	}, icmpx[] = {
		{ "port-unreachable", IR_REJECT_PORT_UNREACH },
		{ "admin-prohibited", IR_REJECT_ADMIN_PROHIB },
		{ "no-route", IR_REJECT_NET_UNREACH },
		{ "host-unreachable", IR_REJECT_HOST_UNREACH },
	};
	struct ir_target *tg = &p->r->target;
	int kind;

	tg->kind = IR_TARGET_REJECT;
	tg->reject = p->family == IR_FAMILY_IPV6 && !p->inet ? IR_REJECT6_PORT_UNREACH :
		     IR_REJECT_PORT_UNREACH;
	if (!nft_accept(p->t, "with"))
		return 0;
	if (nft_accept(p->t, "tcp")) {
		if (!nft_accept(p->t, "reset"))
			return nft_perr(p->t, p->err, "syntax error, expecting reset");
		tg->reject = IR_REJECT_TCP_RESET;
		return nft_set_proto(p, IPPROTO_TCP, false);
	}
	if (nft_accept(p->t, "icmpx")) {
		kind = 2;
		p->r->nft |= IR_NFT_REJECT_ICMPX;
	} else if (nft_accept(p->t, "icmpv6"))
		kind = 1;
	else if (nft_accept(p->t, "icmp"))
		kind = 0;
	else
		return nft_perr(p->t, p->err, "syntax error, unexpected %s", nft_peek(p->t)->text);
	nft_accept(p->t, "type");
	if (kind != 2) {
		int ret = p->inet ? nft_want_family(p, kind == 1) :
			  (p->family == IR_FAMILY_IPV6) != (kind == 1) ?
			  nft_perr(p->t, p->err, "conflicting protocols specified: %s",
				   kind ? "icmpv6" : "icmp") : 0;

		if (ret)
			return ret;
	}
	{
		const char *s = nft_peek(p->t)->text;
		size_t n = kind == 0 ? sizeof(icmp) / sizeof(icmp[0]) :
			   kind == 1 ? sizeof(icmp6) / sizeof(icmp6[0]) :
				       sizeof(icmpx) / sizeof(icmpx[0]);

		for (size_t i = 0; i < n; i++) {
			const char *name = kind == 0 ? icmp[i].name :
					   kind == 1 ? icmp6[i].name : icmpx[i].name;

			if (strcmp(s, name))
				continue;
			tg->reject = kind == 0 ? icmp[i].with : kind == 1 ? icmp6[i].with :
				     icmpx[i].with;
			if (kind == 2 && !p->inet)
				return nft_unsupported(p, ICMPX_OUTSIDE);
			p->t->pos++;
			return 0;
		}
		{
			/* a code by number: ICMP's, ICMPv6's or nft's icmpx numbering */
			static const int8_t by_code[3][14] = {
				{ IR_REJECT_NET_UNREACH, IR_REJECT_HOST_UNREACH,
				  IR_REJECT_PROTO_UNREACH, IR_REJECT_PORT_UNREACH, -1, -1, -1, -1,
				  -1, IR_REJECT_NET_PROHIB, IR_REJECT_HOST_PROHIB, -1, -1,
				  IR_REJECT_ADMIN_PROHIB },
				{ IR_REJECT6_NO_ROUTE, IR_REJECT6_ADM_PROHIBITED, -1,
				  IR_REJECT6_ADDR_UNREACH, IR_REJECT6_PORT_UNREACH,
				  IR_REJECT6_POLICY_FAIL, IR_REJECT6_REJECT_ROUTE, -1, -1, -1, -1,
				  -1, -1, -1 },
				{ IR_REJECT_NET_UNREACH, IR_REJECT_PORT_UNREACH,
				  IR_REJECT_HOST_UNREACH, IR_REJECT_ADMIN_PROHIB, -1, -1, -1, -1,
				  -1, -1, -1, -1, -1, -1 },
			};
			char *end;
			unsigned long v = strtoul(s, &end, 0);

			if (*s && !*end && v < 14 && by_code[kind][v] >= 0) {
				if (kind == 2 && !p->inet)
					return nft_unsupported(p, ICMPX_OUTSIDE);
				tg->reject = by_code[kind][v];
				p->t->pos++;
				return 0;
			}
		}
		return nft_perr(p->t, p->err, "Could not resolve reject code %s", s);
	}
}

int nft_chain_word(struct nft_rp *p, char out[IR_CHAIN_MAXNAMELEN])
{
	const char *s = NULL;
	int ret = nft_value(p, "chain", &s);

	if (ret)
		return ret;
	if (strlen(s) >= IR_CHAIN_MAXNAMELEN)
		return nft_perr(p->t, p->err, "chain name %s is too long", s);
	/* the chain may come later in the same file: checked at its end */
	strcpy(out, s);
	return 0;
}

int nft_verdict(struct nft_rp *p, enum ir_target_kind kind)
{
	struct ir_target *tg = &p->r->target;

	if (tg->kind == IR_TARGET_REJECT || p->verdict)
		return nft_perr(p->t, p->err, "syntax error, a verdict must end the rule");
	tg->kind = kind;
	p->verdict = true;
	if (kind == IR_TARGET_JUMP || kind == IR_TARGET_GOTO)
		return nft_chain_word(p, tg->chain);
	return 0;
}

int nft_comment_stmt(struct nft_rp *p)
{
	const struct nft_tok *k = nft_peek(p->t);
	struct ir_match *m;

	if (k->kind != NFT_TOK_STRING && k->kind != NFT_TOK_WORD)
		return nft_perr(p->t, p->err, "syntax error, expecting string");
	if (strlen(k->text) >= IR_COMMENT_MAXLEN)
		return nft_perr(p->t, p->err, "comment too long");
	if (ir_rule_add_match(p->r, IR_MATCH_COMMENT, &m) || !(m->comment = strdup(k->text)))
		return nft_nomem(p->err);
	p->t->pos++;
	return 0;
}
