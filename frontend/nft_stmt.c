// SPDX-License-Identifier: GPL-2.0
/*
 * One nft rule's statements into one IR rule: header tests into the fixed
 * part and match modules, "counter" and "log" into the rule's nft flags,
 * the verdict into its target.  What the IR cannot say is refused, naming
 * the expression, rather than turned into something that filters
 * differently.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "nft_syntax.h"

/* What a rule's parse carries along. */
struct rp {
	struct nft_toks *t;
	const struct nft_rule_where *w;
	struct ir_rule *r;
	struct bpfw_err *err;
	bool inet;			/* the table is inet: ip/ip6 tests set nfproto */
	enum ir_family family;		/* the table's family (inet: none fixed) */
	bool verdict;			/* a verdict was given: nothing may follow */
};

static int unsupported(struct rp *p, const char *what)
{
	return nft_perr(p->t, p->err, "%s is not supported by bpfw", what);
}

/* The rule's family for an ip (@v6 false) or ip6 header test; refused in a table of the other. */
static int want_family(struct rp *p, bool v6)
{
	uint8_t nf = v6 ? 6 : 4;

	if (!p->inet) {
		if ((p->family == IR_FAMILY_IPV6) != v6)
			return nft_perr(p->t, p->err, "conflicting protocols specified: %s vs. %s",
					v6 ? "ip6" : "ip", v6 ? "ip" : "ip6");
		return 0;
	}
	if (p->r->nfproto && p->r->nfproto != nf)
		return nft_perr(p->t, p->err, "conflicting protocols specified: ip vs. ip6");
	p->r->nfproto = nf;
	return 0;
}

/* "!=" or "==" (or nothing) before a value: whether it is inverted. */
static int relation(struct rp *p, bool *inv)
{
	*inv = false;
	if (nft_accept(p->t, "!=") || nft_accept(p->t, "ne")) {
		*inv = true;
		return 0;
	}
	if (!nft_accept(p->t, "=="))
		nft_accept(p->t, "eq");
	if (nft_at(p->t, "<") || nft_at(p->t, ">") || nft_at(p->t, "<=") || nft_at(p->t, ">=") ||
	    nft_at(p->t, "lt") || nft_at(p->t, "gt") || nft_at(p->t, "le") || nft_at(p->t, "ge"))
		return unsupported(p, "a comparison with <, >, <= or >=");
	if (nft_at(p->t, "&") || nft_at(p->t, "and") || nft_at(p->t, "or") ||
	    nft_at(p->t, "xor") || nft_at(p->t, "|") || nft_at(p->t, "^") ||
	    nft_at(p->t, "<<") || nft_at(p->t, ">>"))
		return unsupported(p, "a bitwise operation on a field");
	if (nft_at(p->t, "set"))
		return unsupported(p, "a statement that changes the packet (set)");
	if (nft_at(p->t, ".") || (p->t->pos + 1 < p->t->n &&
				  !strcmp(p->t->v[p->t->pos + 1].text, ".")))
		return unsupported(p, "a concatenation (.)");
	if (nft_at(p->t, "vmap") || nft_at(p->t, "map"))
		return unsupported(p, "a map or vmap");
	return 0;
}

/* The value word at the cursor, taken; an error naming @what if there is none. */
static int value(struct rp *p, const char *what, const char **out)
{
	const struct nft_tok *k = nft_peek(p->t);

	if (k->kind != NFT_TOK_WORD && k->kind != NFT_TOK_STRING)
		return nft_perr(p->t, p->err, "syntax error, expecting a value for %s", what);
	p->t->pos++;
	*out = k->text;
	return 0;
}

static int set_proto(struct rp *p, uint8_t proto, bool inv)
{
	struct ir_ipspec *ip = &p->r->ip;

	if (ip->proto && (ip->proto != proto || !!(ip->invflags & IR_INV_PROTO) != inv))
		return unsupported(p, "a second protocol test in one rule");
	ip->proto = proto;
	if (inv)
		ip->invflags |= IR_INV_PROTO;
	return 0;
}

static int proto_value(struct rp *p, uint8_t spelt)
{
	const char *s = NULL;
	bool inv;
	int ret = relation(p, &inv);
	struct protoent *pe;
	char *end;
	unsigned long v;

	if (!ret && nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of protocols");
	if (!ret)
		ret = value(p, "protocol", &s);
	if (ret)
		return ret;
	p->r->nft |= spelt;
	v = strtoul(s, &end, 0);
	if (*end == '-' && end != s)
		return unsupported(p, "a range of protocols");
	if (*end) {
		pe = getprotobyname(!strcmp(s, "icmpv6") ? "ipv6-icmp" : s);
		if (!pe)
			return nft_perr(p->t, p->err, "Could not resolve protocol name %s", s);
		v = pe->p_proto;
	} else if (v > 255) {
		return nft_perr(p->t, p->err, "value %s exceeds valid range 0-255", s);
	}
	if (!v)
		return unsupported(p, "protocol 0");
	return set_proto(p, v, inv);
}

/* ip/ip6 saddr/daddr: a prefix into the fixed part, a range into -m iprange, a set by name. */
static int addr_test(struct rp *p, bool v6, bool dst)
{
	enum ir_family fam = v6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	struct ir_ipspec *ip = &p->r->ip;
	struct ir_addr *a = dst ? &ip->dst : &ip->src;
	uint32_t invbit = dst ? IR_INV_DST : IR_INV_SRC;
	const char *s = NULL;
	bool inv;
	int ret = want_family(p, v6);

	if (!ret)
		ret = relation(p, &inv);
	if (ret)
		return ret;
	if (nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of addresses ({ ... }); a named set");
	if (nft_accept(p->t, "@")) {
		struct ir_match *m;
		char name[IR_SET_MAXNAMELEN];
		struct ir_set *set;

		ret = value(p, "set", &s);
		if (ret)
			return ret;
		if (nft_set_ir_name(p->w->table, s, name, sizeof(name)) ||
		    !(set = ir_set_find(p->w->rs, name)))
			return nft_perr(p->t, p->err, "Could not process rule: No such file or "
					"directory\nset %s does not exist", s);
		if (set->family != fam)
			return nft_perr(p->t, p->err, "datatype mismatch, expected %s address, "
					"set has type %s", v6 ? "IPv6" : "IPv4",
					v6 ? "ipv4_addr" : "ipv6_addr");
		ret = ir_rule_add_match(p->r, IR_MATCH_SET, &m);
		if (ret)
			return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
		strcpy(m->set.name, name);
		m->set.dim = 1;
		m->set.src = dst ? 0 : 1;
		m->set.invert = inv;
		return 0;
	}
	ret = value(p, "address", &s);
	if (ret)
		return ret;
	if (strchr(s, '-') && !strchr(s, '/')) {
		struct ir_match *m = ir_rule_find_match(p->r, IR_MATCH_IPRANGE);
		struct ir_addr lo, hi;
		char buf[2 * INET6_ADDRSTRLEN], *dash;

		snprintf(buf, sizeof(buf), "%s", s);
		dash = strchr(buf, '-');
		*dash++ = '\0';
		if (nft_addr_parse(buf, fam, &lo) || nft_addr_parse(dash, fam, &hi))
			return nft_perr(p->t, p->err, "Could not resolve address range %s", s);
		if (memcmp(&lo.addr, &hi.addr, v6 ? 16 : 4) > 0)
			return nft_perr(p->t, p->err, "Range has zero or negative size");
		if (!m && ir_rule_add_match(p->r, IR_MATCH_IPRANGE, &m))
			return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
		if (dst ? m->iprange.dst : m->iprange.src)
			return unsupported(p, "a second address range test in one rule");
		if (dst) {
			m->iprange.dst = true;
			m->iprange.inv_dst = inv;
			m->iprange.dst_lo = ntohl(lo.addr.v4.s_addr);
			m->iprange.dst_hi = ntohl(hi.addr.v4.s_addr);
			m->iprange.dst6_lo = lo.addr.v6;
			m->iprange.dst6_hi = hi.addr.v6;
		} else {
			m->iprange.src = true;
			m->iprange.inv_src = inv;
			m->iprange.src_lo = ntohl(lo.addr.v4.s_addr);
			m->iprange.src_hi = ntohl(hi.addr.v4.s_addr);
			m->iprange.src6_lo = lo.addr.v6;
			m->iprange.src6_hi = hi.addr.v6;
		}
		if (!v6) {
			memset(&m->iprange.src6_lo, 0, sizeof(struct in6_addr) * 4);
		}
		return 0;
	}
	{
		static const struct ir_addr zero;
		struct ir_addr v;

		if (nft_addr_parse(s, fam, &v))
			return nft_perr(p->t, p->err, "Could not resolve hostname: %s", s);
		if (memcmp(a, &zero, sizeof(zero)))
			return unsupported(p, "a second address test of one field in one rule");
		*a = v;
		if (!memcmp(&v.mask, &zero.mask, sizeof(v.mask)))
			return unsupported(p, "a prefix of length 0");
		if (inv)
			ip->invflags |= invbit;
	}
	return 0;
}

static int ip_stmt(struct rp *p, bool v6)
{
	if (nft_accept(p->t, "saddr"))
		return addr_test(p, v6, false);
	if (nft_accept(p->t, "daddr"))
		return addr_test(p, v6, true);
	if (nft_accept(p->t, v6 ? "nexthdr" : "protocol")) {
		int ret = want_family(p, v6);

		return ret ? ret : proto_value(p, IR_NFT_PROTO_L3);
	}
	return nft_perr(p->t, p->err, "%s %s is not supported by bpfw", v6 ? "ip6" : "ip",
			nft_peek(p->t)->text);
}

static int ports_match(struct rp *p, uint8_t proto, struct ir_match **out)
{
	enum ir_match_kind kind = proto == IPPROTO_TCP ? IR_MATCH_TCP : IR_MATCH_UDP;
	int ret = set_proto(p, proto, false);

	if (ret)
		return ret;
	*out = ir_rule_find_match(p->r, kind);
	if (!*out && ir_rule_add_match(p->r, kind, out))
		return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	return 0;
}

/* { 22, 80, 1000-2000 } of ports into -m multiport. */
static int port_set(struct rp *p, uint8_t proto, bool dst, bool inv)
{
	struct ir_match *m;
	unsigned int used = 0;
	int ret = set_proto(p, proto, false);

	if (ret)
		return ret;
	if (ir_rule_add_match(p->r, IR_MATCH_MULTIPORT, &m))
		return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
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
			return unsupported(p, "a set of more than 15 ports (a range counts two)");
		used += need;
		m->mport.ports[m->mport.n++] = pr;
		p->t->pos++;
	}
	if (!m->mport.n)
		return nft_perr(p->t, p->err, "syntax error, empty set");
	return 0;
}

/* TCP flag names or numbers joined by @seps ("," or "|"), in parentheses if @paren. */
static int flag_list(struct rp *p, const char *seps, uint8_t *v)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ecn",
					     "cwr" };
	bool paren = nft_accept(p->t, "(");

	*v = 0;
	if (nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of tcp flags");
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
static int tcp_flags(struct rp *p, struct ir_match *m)
{
	uint8_t mask, cmp;
	bool inv = false;
	int ret;

	if (nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of tcp flags");
	if (nft_at(p->t, "set"))
		return unsupported(p, "a statement that changes the packet (set)");
	if (nft_accept(p->t, "&")) {
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
				return unsupported(p, "tcp flags testing for any of several flags");
			cmp = mask;
			inv = false;
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
			return unsupported(p, "tcp flags testing for any of several flags");
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

static int l4_stmt(struct rp *p, uint8_t proto)
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
	ret = relation(p, &inv);
	if (ret)
		return ret;
	if (nft_accept(p->t, "{"))
		return port_set(p, proto, dst, inv);
	if (nft_at(p->t, "@"))
		return unsupported(p, "a named set of ports");
	if (nft_accept(p->t, "vmap"))
		return unsupported(p, "vmap");
	ret = value(p, "port", &s);
	if (!ret)
		ret = ports_match(p, proto, &m);
	if (ret)
		return ret;
	pr = dst ? &m->ports.dport : &m->ports.sport;
	if (pr->lo != 0 || pr->hi != UINT16_MAX)
		return unsupported(p, "a second test of one port in one rule");
	if (nft_port_range_parse(s, &pr->lo, &pr->hi))
		return nft_perr(p->t, p->err, "Could not resolve service %s", s);
	if (inv)
		m->ports.invflags |= dst ? IR_PORT_INV_DST : IR_PORT_INV_SRC;
	return 0;
}

static int icmp_stmt(struct rp *p, bool v6)
{
	struct ir_match *m;
	const char *s = NULL;
	bool inv;
	int ret;

	if (!nft_accept(p->t, "type"))
		return nft_perr(p->t, p->err, "%s %s is not supported by bpfw",
				v6 ? "icmpv6" : "icmp", nft_peek(p->t)->text);
	ret = set_proto(p, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, false);
	if (!ret && p->inet)
		ret = want_family(p, v6);
	if (!ret)
		ret = relation(p, &inv);
	if (!ret && nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of icmp types");
	if (!ret)
		ret = value(p, "icmp type", &s);
	if (ret)
		return ret;
	if (ir_rule_add_match(p->r, v6 ? IR_MATCH_ICMP6 : IR_MATCH_ICMP, &m))
		return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	if (nft_icmp_type_parse(s, v6, &m->icmp.type))
		return nft_perr(p->t, p->err, "Could not resolve %s type %s",
				v6 ? "icmpv6" : "icmp", s);
	m->icmp.code_lo = 0;
	m->icmp.code_hi = 0xff;
	m->icmp.invert = inv;
	return 0;
}

static int iface(struct rp *p, bool in)
{
	char *dst = in ? p->r->ip.iif : p->r->ip.oif;
	const char *s = NULL;
	bool inv;
	size_t n;
	int ret = relation(p, &inv);

	if (!ret && nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of interfaces");
	if (!ret)
		ret = value(p, "interface", &s);
	if (ret)
		return ret;
	n = strlen(s);
	if (!n || n >= IFNAMSIZ)
		return nft_perr(p->t, p->err, "interface name %s is not valid", s);
	if (strchr(s, '*') && strchr(s, '*') != s + n - 1)
		return unsupported(p, "a wildcard not at the end of an interface name");
	strcpy(dst, s);
	if (s[n - 1] == '*')
		dst[n - 1] = '+';
	if (inv)
		p->r->ip.invflags |= in ? IR_INV_IIF : IR_INV_OIF;
	return 0;
}

static int meta_stmt(struct rp *p, const char *key)
{
	const char *s = NULL;
	bool inv;
	int ret;

	if (!strcmp(key, "iifname") || !strcmp(key, "oifname"))
		return iface(p, key[0] == 'i');
	if (!strcmp(key, "l4proto"))
		return proto_value(p, IR_NFT_PROTO_META);
	if (!strcmp(key, "nfproto")) {
		ret = relation(p, &inv);
		if (!ret && nft_at(p->t, "{"))
			return unsupported(p, "an anonymous set of nfproto");
		if (!ret)
			ret = value(p, "nfproto", &s);
		if (ret)
			return ret;
		if (inv)
			return unsupported(p, "meta nfproto !=");
		if (strcmp(s, "ipv4") && strcmp(s, "ipv6"))
			return nft_perr(p->t, p->err, "Could not resolve nfproto %s", s);
		if (!p->inet) {
			if ((p->family == IR_FAMILY_IPV6) != (s[3] == '6'))
				return unsupported(p, "meta nfproto of the other family");
			return 0;
		}
		return want_family(p, s[3] == '6');
	}
	if (!strcmp(key, "mark")) {
		struct ir_match *m;
		char *end;
		unsigned long v;

		ret = relation(p, &inv);
		if (!ret)
			ret = value(p, "mark", &s);
		if (ret)
			return ret;
		v = strtoul(s, &end, 0);
		if (*end || v > UINT32_MAX)
			return nft_perr(p->t, p->err, "Could not resolve mark %s", s);
		if (ir_rule_add_match(p->r, IR_MATCH_MARK, &m))
			return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM,
					 "Error: Cannot allocate memory");
		m->mark.mark = v;
		m->mark.mask = UINT32_MAX;
		m->mark.invert = inv;
		return 0;
	}
	return nft_perr(p->t, p->err, "meta %s is not supported by bpfw", key);
}

static int ct_stmt(struct rp *p)
{
	static const struct {
		const char *name;
		uint8_t bit;
	} states[] = {
		{ "invalid", IR_CT_INVALID }, { "new", IR_CT_NEW },
		{ "related", IR_CT_RELATED }, { "established", IR_CT_ESTABLISHED },
		{ "untracked", IR_CT_UNTRACKED },
	};
	struct ir_match *m;
	bool inv;
	int ret;

	if (!nft_accept(p->t, "state"))
		return nft_perr(p->t, p->err, "ct %s is not supported by bpfw",
				nft_peek(p->t)->text);
	ret = relation(p, &inv);
	if (ret)
		return ret;
	if (nft_at(p->t, "{"))
		return unsupported(p, "an anonymous set of ct states; write ct state a,b");
	if (ir_rule_add_match(p->r, IR_MATCH_CONNTRACK, &m))
		return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	m->ct.invert = inv;
	do {
		const char *s = nft_peek(p->t)->text;
		size_t i;

		for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
			if (!strcmp(s, states[i].name))
				break;
		if (i == sizeof(states) / sizeof(states[0])) {
			/* nf_conntrack's bits: invalid 1, established 2, related 4, new 8, untracked 64 */
			static const uint8_t bits[] = { IR_CT_INVALID, IR_CT_ESTABLISHED,
							IR_CT_RELATED, IR_CT_NEW, 0, 0,
							IR_CT_UNTRACKED };
			char *end;
			unsigned long v = strtoul(s, &end, 0);

			if (*end || !*s || !v || v > 0x4f || (v & 0x30))
				return nft_perr(p->t, p->err, "Could not resolve ct state %s", s);
			for (unsigned int b = 0; b < 7; b++)
				if (v & (1u << b))
					m->ct.states |= bits[b];
			p->t->pos++;
			continue;
		}
		m->ct.states |= states[i].bit;
		p->t->pos++;
	} while (nft_accept(p->t, ","));
	return 0;
}

static int limit_stmt(struct rp *p)
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
	size_t i;

	if (nft_at(p->t, "name"))
		return unsupported(p, "a named limit object");
	if (!nft_accept(p->t, "rate"))
		return nft_perr(p->t, p->err, "syntax error, expecting rate");
	if (nft_at(p->t, "over"))
		return unsupported(p, "limit rate over");
	snprintf(buf, sizeof(buf), "%s", nft_peek(p->t)->text);
	slash = strchr(buf, '/');
	if (!slash)
		return unsupported(p, "a limit not in packets per unit of time");
	*slash++ = '\0';
	rate = strtoul(buf, &end, 10);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(slash, units[i].name))
			break;
	if (*end || !rate || i == sizeof(units) / sizeof(units[0]))
		return nft_perr(p->t, p->err, "Could not resolve rate %s", nft_peek(p->t)->text);
	p->t->pos++;
	if (ir_rule_add_match(p->r, IR_MATCH_LIMIT, &m))
		return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	m->limit.avg = (uint64_t)IR_LIMIT_SCALE * units[i].secs / rate;
	if (!m->limit.avg)
		return unsupported(p, "a rate this high");
	m->limit.burst = IR_LIMIT_BURST;
	if (nft_accept(p->t, "burst")) {
		unsigned long b = strtoul(nft_peek(p->t)->text, &end, 10);

		if (*end || !b || b > UINT32_MAX)
			return nft_perr(p->t, p->err, "Could not resolve burst %s",
					nft_peek(p->t)->text);
		p->t->pos++;
		if (!nft_accept(p->t, "packets"))
			return unsupported(p, "a burst in bytes");
		m->limit.burst = b;
	}
	return 0;
}

static int counter_stmt(struct rp *p)
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

static int log_stmt(struct rp *p)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					      "info", "debug" };
	struct ir_target_log *log = &p->r->target.log;

	if (p->r->nft & IR_NFT_LOG)
		return unsupported(p, "a second log statement in one rule");
	p->r->nft |= IR_NFT_LOG;
	log->level = IR_LOG_LEVEL;
	for (;;) {
		if (nft_accept(p->t, "prefix")) {
			const struct nft_tok *k = nft_peek(p->t);

			if (k->kind != NFT_TOK_STRING && k->kind != NFT_TOK_WORD)
				return nft_perr(p->t, p->err, "syntax error, expecting string");
			if (strlen(k->text) >= IR_LOG_PREFIX_LEN)
				return unsupported(p, "a log prefix longer than 29 characters");
			strcpy(log->prefix, k->text);
			p->t->pos++;
		} else if (nft_accept(p->t, "level")) {
			size_t i;

			if (nft_at(p->t, "audit"))
				return unsupported(p, "log level audit");
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
					do {
						if (nft_accept(p->t, "sequence"))
							log->flags |= IR_LOG_TCPSEQ;
						else if (nft_accept(p->t, "options"))
							log->flags |= IR_LOG_TCPOPT;
						else
							return nft_perr(p->t, p->err, "syntax error");
					} while (nft_at(p->t, ",") &&
						 (p->t->pos + 1 < p->t->n) &&
						 (!strcmp(p->t->v[p->t->pos + 1].text, "sequence") ||
						  !strcmp(p->t->v[p->t->pos + 1].text, "options")) &&
						 nft_accept(p->t, ","));
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
			return unsupported(p, "log group (nflog)");
		} else {
			return 0;
		}
	}
}

static int reject_stmt(struct rp *p)
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
		return set_proto(p, IPPROTO_TCP, false);
	}
	if (nft_accept(p->t, "icmpx"))
		kind = 2;
	else if (nft_accept(p->t, "icmpv6"))
		kind = 1;
	else if (nft_accept(p->t, "icmp"))
		kind = 0;
	else
		return nft_perr(p->t, p->err, "syntax error, unexpected %s", nft_peek(p->t)->text);
	nft_accept(p->t, "type");
	if (kind != 2) {
		int ret = p->inet ? want_family(p, kind == 1) :
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
				return unsupported(p, "reject with icmpx outside an inet table");
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
					return unsupported(p, "reject with icmpx outside an inet table");
				tg->reject = by_code[kind][v];
				p->t->pos++;
				return 0;
			}
		}
		return nft_perr(p->t, p->err, "Could not resolve reject code %s", s);
	}
}

static int verdict(struct rp *p, enum ir_target_kind kind)
{
	struct ir_target *tg = &p->r->target;

	if (tg->kind == IR_TARGET_REJECT || p->verdict)
		return nft_perr(p->t, p->err, "syntax error, a verdict must end the rule");
	tg->kind = kind;
	p->verdict = true;
	if (kind == IR_TARGET_JUMP || kind == IR_TARGET_GOTO) {
		const char *s = NULL;
		int ret = value(p, "chain", &s);

		if (ret)
			return ret;
		if (strlen(s) >= IR_CHAIN_MAXNAMELEN)
			return nft_perr(p->t, p->err, "chain name %s is too long", s);
		/* the chain may come later in the same file: checked at its end */
		strcpy(tg->chain, s);
	}
	return 0;
}

static int comment_stmt(struct rp *p)
{
	const struct nft_tok *k = nft_peek(p->t);
	struct ir_match *m;

	if (k->kind != NFT_TOK_STRING && k->kind != NFT_TOK_WORD)
		return nft_perr(p->t, p->err, "syntax error, expecting string");
	if (strlen(k->text) >= IR_COMMENT_MAXLEN)
		return nft_perr(p->t, p->err, "comment too long");
	if (ir_rule_add_match(p->r, IR_MATCH_COMMENT, &m) || !(m->comment = strdup(k->text)))
		return bpfw_errf(p->err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	p->t->pos++;
	return 0;
}

static int statement(struct rp *p)
{
	const struct nft_tok *k = nft_peek(p->t);
	const char *w = k->text;

	if (nft_at(p->t, "@"))
		return unsupported(p, "a raw payload expression (@base,offset,length)");
	if (k->kind != NFT_TOK_WORD)
		return nft_perr(p->t, p->err, "syntax error, unexpected %s", w);
	if (p->verdict && strcmp(w, "comment") && strcmp(w, "handle"))
		return nft_perr(p->t, p->err, "syntax error, unexpected %s after the verdict", w);
	p->t->pos++;
	if (!strcmp(w, "ip") || !strcmp(w, "ip6"))
		return ip_stmt(p, w[2] == '6');
	if (!strcmp(w, "tcp"))
		return l4_stmt(p, IPPROTO_TCP);
	if (!strcmp(w, "udp"))
		return l4_stmt(p, IPPROTO_UDP);
	if (!strcmp(w, "icmp") || !strcmp(w, "icmpv6"))
		return icmp_stmt(p, w[4] == 'v');
	if (!strcmp(w, "meta")) {
		const char *key = NULL;
		int ret = value(p, "meta key", &key);

		return ret ? ret : meta_stmt(p, key);
	}
	if (!strcmp(w, "iifname") || !strcmp(w, "oifname") || !strcmp(w, "l4proto") ||
	    !strcmp(w, "nfproto") || !strcmp(w, "mark"))
		return meta_stmt(p, w);
	if (!strcmp(w, "ct"))
		return ct_stmt(p);
	if (!strcmp(w, "limit"))
		return limit_stmt(p);
	if (!strcmp(w, "counter"))
		return counter_stmt(p);
	if (!strcmp(w, "log"))
		return log_stmt(p);
	if (!strcmp(w, "reject")) {
		int ret = verdict(p, IR_TARGET_REJECT);

		return ret ? ret : reject_stmt(p);
	}
	if (!strcmp(w, "accept"))
		return verdict(p, IR_TARGET_ACCEPT);
	if (!strcmp(w, "drop"))
		return verdict(p, IR_TARGET_DROP);
	if (!strcmp(w, "return"))
		return verdict(p, IR_TARGET_RETURN);
	if (!strcmp(w, "jump"))
		return verdict(p, IR_TARGET_JUMP);
	if (!strcmp(w, "goto"))
		return verdict(p, IR_TARGET_GOTO);
	if (!strcmp(w, "comment"))
		return comment_stmt(p);
	if (!strcmp(w, "handle") && p->w->state) {
		char *end;
		unsigned long h = strtoul(nft_peek(p->t)->text, &end, 10);

		if (*end || !h)
			return nft_perr(p->t, p->err, "syntax error, expecting a number");
		p->t->pos++;
		p->r->slot = h - 1;
		return 0;
	}
	p->t->pos--;
	return nft_perr(p->t, p->err, "%s is not supported by bpfw", w);
}

int nft_parse_rule(struct nft_toks *t, const struct nft_rule_where *w, struct ir_rule **out,
		   struct bpfw_err *err)
{
	struct rp p = { .t = t, .w = w, .err = err };
	int ret = 0;

	p.r = ir_rule_new();
	if (!p.r)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	p.inet = w->table->name[0] && w->table->nft_family == IR_NFT_INET;
	p.family = w->table->family;
	if (nft_at_end(t))
		ret = nft_perr(t, err, "syntax error, unexpected end of rule");
	while (!ret && !nft_at_end(t))
		ret = statement(&p);
	if (!ret && (p.r->nft & IR_NFT_LOG)) {
		if (p.r->target.kind == IR_TARGET_NONE) {
			p.r->target.kind = IR_TARGET_LOG;
			p.r->nft &= ~IR_NFT_LOG;
		} else if (p.r->target.kind == IR_TARGET_JUMP ||
			   p.r->target.kind == IR_TARGET_GOTO ||
			   p.r->target.kind == IR_TARGET_RETURN) {
			ret = unsupported(&p, "log with a jump, goto or return");
		}
	}
	if (!ret && p.inet && p.r->nfproto == 6 && p.r->target.kind == IR_TARGET_REJECT &&
	    p.r->target.reject < IR_REJECT6_NO_ROUTE) {
		/* "meta nfproto ipv6 reject": ICMPv6's code for the icmpx one */
		switch (p.r->target.reject) {
		case IR_REJECT_PORT_UNREACH:
			p.r->target.reject = IR_REJECT6_PORT_UNREACH;
			break;
		case IR_REJECT_NET_UNREACH:
			p.r->target.reject = IR_REJECT6_NO_ROUTE;
			break;
		case IR_REJECT_HOST_UNREACH:
			p.r->target.reject = IR_REJECT6_ADDR_UNREACH;
			break;
		case IR_REJECT_ADMIN_PROHIB:
			p.r->target.reject = IR_REJECT6_ADM_PROHIBITED;
			break;
		case IR_REJECT_TCP_RESET:
			break;
		default:
			ret = nft_perr(t, err, "conflicting protocols specified: ip6 vs. icmp");
		}
	}
	if (!ret && !w->table->name[0] && (p.r->nft & IR_NFT_LOG))
		ret = unsupported(&p, "log with a verdict in iptables' own table (iptables "
				  "cannot show it; write a log rule, then the verdict)");
	if (ret) {
		ir_rule_free(p.r);
		return ret;
	}
	*out = p.r;
	return 0;
}

/* The rule's comment (nft "comment", kept in the rule's user data). */
