// SPDX-License-Identifier: GPL-2.0
/* One nft rule's transport tests: tcp and udp ports (sets: -m multiport), tcp flags, icmp. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "nft_stmt.h"

#define ANY_OF_FLAGS	"tcp flags testing for any of several flags"

static int ports_match(struct nft_rp *p, uint8_t proto, struct ir_match **out)
{
	enum ir_match_kind kind = proto == IPPROTO_TCP ? IR_MATCH_TCP : IR_MATCH_UDP;
	int ret = nft_set_proto(p, proto, false);

	if (ret)
		return ret;
	*out = ir_rule_find_match(p->r, kind);
	if (!*out && ir_rule_add_match(p->r, kind, out))
		return nft_nomem(p->err);
	return 0;
}

/* { 22, 80, 1000-2000 } of ports into -m multiport. */
static int port_set(struct nft_rp *p, uint8_t proto, bool dst, bool inv)
{
	struct ir_match *m;
	unsigned int used = 0;
	int ret = nft_set_proto(p, proto, false);

	if (ret)
		return ret;
	if (ir_rule_add_match(p->r, IR_MATCH_MULTIPORT, &m))
		return nft_nomem(p->err);
	m->mport.which = dst ? IR_MULTIPORT_DST : IR_MULTIPORT_SRC;
	m->mport.invert = inv;
	while (!nft_accept(p->t, "}")) {
		const struct nft_tok *k = nft_peek(p->t);
		struct ir_port_range pr;
		unsigned int need;

		if (k->kind == NFT_TOK_EOL || nft_accept(p->t, ",")) {
			if (k->kind == NFT_TOK_EOL)
				p->t->pos++;
			continue;
		}
		if (k->kind != NFT_TOK_WORD || nft_port_range_parse(k->text, &pr.lo, &pr.hi))
			return nft_perr(p->t, p->err, "Could not resolve service %s", k->text);
		need = pr.lo == pr.hi ? 1 : 2;
		if (used + need > IR_MULTIPORT_MAX)
			return -E2BIG;	/* more than -m multiport holds: a lookup */
		used += need;
		m->mport.ports[m->mport.n++] = pr;
		p->t->pos++;
	}
	if (!m->mport.n)
		return nft_perr(p->t, p->err, "syntax error, empty set");
	return 0;
}

/* TCP flag names or numbers joined by @seps ("," or "|"), in parentheses if @paren. */
static int flag_list(struct nft_rp *p, const char *seps, uint8_t *v)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ecn",
					     "cwr" };
	bool paren = nft_accept(p->t, "(");

	*v = 0;
	if (nft_at(p->t, "{"))
		return nft_unsupported(p, "an anonymous set of tcp flags");
	for (;;) {
		const struct nft_tok *k = nft_peek(p->t);
		size_t i;
		char *end;
		unsigned long n;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(k->text, names[i]))
				break;
		n = strtoul(k->text, &end, 0);
		if (i < sizeof(names) / sizeof(names[0]))
			*v |= 1 << i;
		else if (k->kind == NFT_TOK_WORD && !*end && n <= 0xff)
			*v |= n;
		else
			return nft_perr(p->t, p->err, "Could not resolve tcp flag %s", k->text);
		p->t->pos++;
		if ((strchr(seps, ',') && nft_accept(p->t, ",")) ||
		    (strchr(seps, '|') && nft_accept(p->t, "|")))
			continue;
		break;
	}
	if (paren && !nft_accept(p->t, ")"))
		return nft_perr(p->t, p->err, "syntax error, expecting )");
	return 0;
}

/*
 * tcp flags: "& MASK == VALUE", "VALUE / MASK", "== VALUE", "! FLAGS" (none
 * of them) and one flag alone: all (flags & mask) == value, as --tcp-flags.
 */
static int tcp_flags(struct nft_rp *p, struct ir_match *m)
{
	uint8_t mask, cmp;
	bool inv = false;
	int ret;

	if (nft_at(p->t, "{"))
		return nft_unsupported(p, "an anonymous set of tcp flags");
	if (nft_at(p->t, "set"))
		return nft_unsupported(p, "a statement that changes the packet (set)");
	if (nft_accept(p->t, "&")) {
		p->r->nft |= IR_NFT_FLAGS_MASKED;
		ret = flag_list(p, "|", &mask);
		if (ret)
			return ret;
		if (nft_at(p->t, "!"))
			return nft_perr(p->t, p->err, "syntax error, unexpected !");
		if (nft_accept(p->t, "!="))
			inv = true;
		else
			nft_accept(p->t, "==");
		ret = flag_list(p, "|", &cmp);
		if (ret)
			return ret;
		if (cmp == 0 && inv) {
			/* "!= 0": any of the mask's flags */
			if (__builtin_popcount(mask) != 1)
				return nft_unsupported(p, ANY_OF_FLAGS);
			cmp = mask;
			inv = false;
			p->r->nft &= ~IR_NFT_FLAGS_MASKED;	/* nft lists it as "tcp flags syn" */
		}
	} else if (nft_accept(p->t, "!")) {
		ret = flag_list(p, ",", &mask);
		if (ret)
			return ret;
		cmp = 0;
	} else {
		bool rel = nft_at(p->t, "==") || nft_at(p->t, "!=");

		inv = nft_accept(p->t, "!=");
		if (!inv)
			nft_accept(p->t, "==");
		ret = flag_list(p, ",|", &cmp);
		if (ret)
			return ret;
		if (nft_accept(p->t, "/")) {
			ret = flag_list(p, ",", &mask);
			if (ret)
				return ret;
		} else if (rel) {
			mask = 0xff;
		} else if (__builtin_popcount(cmp) == 1) {
			mask = cmp;
		} else {
			return nft_unsupported(p, ANY_OF_FLAGS);
		}
	}
	if (cmp & ~mask)
		return nft_perr(p->t, p->err, "tcp flags %#x are outside the mask %#x", cmp, mask);
	m->ports.flags_mask = mask;
	m->ports.flags_cmp = cmp;
	if (inv)
		m->ports.invflags |= IR_TCP_INV_FLAGS;
	return 0;
}

int nft_l4_stmt(struct nft_rp *p, uint8_t proto)
{
	bool dst, inv;
	struct ir_match *m;
	const char *s = NULL;
	struct ir_port_range *pr;
	int ret;

	if (proto == IPPROTO_TCP && nft_accept(p->t, "flags")) {
		ret = ports_match(p, proto, &m);
		return ret ? ret : tcp_flags(p, m);
	}
	if (nft_accept(p->t, "dport"))
		dst = true;
	else if (nft_accept(p->t, "sport"))
		dst = false;
	else
		return nft_perr(p->t, p->err, "%s %s is not supported by bpfw",
				proto == IPPROTO_TCP ? "tcp" : "udp", nft_peek(p->t)->text);
	ret = nft_relation_lookup(p, &inv);
	if (ret)
		return ret;
	if (nft_at(p->t, "{")) {
		unsigned int at = p->t->pos;

		p->t->pos++;
		ret = port_set(p, proto, dst, inv);
		if (ret != -E2BIG)
			return ret;
		/* more ports than multiport holds: one lookup instead */
		ir_rule_free_last_match(p->r);
		p->t->pos = at;
	}
	if (nft_at_lookup(p)) {
		ret = nft_set_proto(p, proto, false);
		return ret ? ret : nft_key_stmt(p, dst ? IR_KEY_DPORT : IR_KEY_SPORT, inv, 0);
	}
	if (nft_at(p->t, "@"))
		return nft_unsupported(p, "a named set of ports");
	ret = nft_value(p, "port", &s);
	if (!ret)
		ret = ports_match(p, proto, &m);
	if (ret)
		return ret;
	pr = dst ? &m->ports.dport : &m->ports.sport;
	if (pr->lo != 0 || pr->hi != UINT16_MAX)
		return nft_unsupported(p, "a second test of one port in one rule");
	if (nft_port_range_parse(s, &pr->lo, &pr->hi))
		return nft_perr(p->t, p->err, "Could not resolve service %s", s);
	if (inv)
		m->ports.invflags |= dst ? IR_PORT_INV_DST : IR_PORT_INV_SRC;
	return 0;
}

int nft_icmp_stmt(struct nft_rp *p, bool v6)
{
	struct ir_match *m;
	const char *s = NULL;
	bool inv;
	int ret;

	if (!nft_accept(p->t, "type"))
		return nft_perr(p->t, p->err, "%s %s is not supported by bpfw",
				v6 ? "icmpv6" : "icmp", nft_peek(p->t)->text);
	ret = nft_set_proto(p, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, false);
	if (!ret && p->inet)
		ret = nft_want_family(p, v6);
	if (!ret)
		ret = nft_relation_lookup(p, &inv);
	if (!ret && nft_at_lookup(p))
		return nft_key_stmt(p, IR_KEY_ICMP_TYPE, inv, 0);
	if (!ret)
		ret = nft_value(p, "icmp type", &s);
	if (ret)
		return ret;
	if (ir_rule_add_match(p->r, v6 ? IR_MATCH_ICMP6 : IR_MATCH_ICMP, &m))
		return nft_nomem(p->err);
	if (nft_icmp_type_parse(s, v6, &m->icmp.type))
		return nft_perr(p->t, p->err, "Could not resolve %s type %s",
				v6 ? "icmpv6" : "icmp", s);
	m->icmp.code_lo = 0;
	m->icmp.code_hi = 0xff;
	m->icmp.invert = inv;
	return 0;
}
