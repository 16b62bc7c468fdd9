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
#include <net/if.h>
#include <netinet/in.h>

#include "nft_stmt.h"

int nft_unsupported(struct nft_rp *p, const char *what)
{
	return nft_perr(p->t, p->err, "%s is not supported by bpfw", what);
}

/* The rule's family for an ip (@v6 false) or ip6 header test; refused in a table of the other. */
int nft_want_family(struct nft_rp *p, bool v6)
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

/* "!=" or "==" (or nothing) before a value: whether it is inverted; @lookup: sets and maps too. */
static int relation(struct nft_rp *p, bool *inv, bool lookup)
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
		return nft_unsupported(p, "a comparison with <, >, <= or >=");
	if (nft_at(p->t, "&") || nft_at(p->t, "and") || nft_at(p->t, "or") ||
	    nft_at(p->t, "xor") || nft_at(p->t, "|") || nft_at(p->t, "^") ||
	    nft_at(p->t, "<<") || nft_at(p->t, ">>"))
		return nft_unsupported(p, "a bitwise operation on a field");
	if (nft_at(p->t, "set"))
		return nft_unsupported(p, "a statement that changes the packet (set)");
	if ((!lookup && nft_at(p->t, ".")) ||
	    (p->t->pos + 1 < p->t->n && !strcmp(p->t->v[p->t->pos + 1].text, ".")))
		return nft_unsupported(p, "a concatenation (.)");
	if (nft_at(p->t, "map") || (!lookup && nft_at(p->t, "vmap")))
		return nft_unsupported(p, "a map or vmap");
	return 0;
}

int nft_relation(struct nft_rp *p, bool *inv)
{
	return relation(p, inv, false);
}

int nft_relation_lookup(struct nft_rp *p, bool *inv)
{
	return relation(p, inv, true);
}

bool nft_at_lookup(const struct nft_rp *p)
{
	return nft_at(p->t, "{") || nft_at(p->t, "vmap") || nft_at(p->t, ".");
}

int nft_key_stmt(struct nft_rp *p, enum ir_key key, bool inv, uint8_t flags)
{
	if (nft_at(p->t, ".")) {
		if (inv)
			return nft_perr(p->t, p->err, "syntax error, unexpected .");
		return nft_concat_stmt(p, key, flags);
	}
	return nft_lookup_stmt(p, &key, 1, inv, flags);
}

/* The value word at the cursor, taken; an error naming @what if there is none. */
int nft_value(struct nft_rp *p, const char *what, const char **out)
{
	const struct nft_tok *k = nft_peek(p->t);

	if (k->kind != NFT_TOK_WORD && k->kind != NFT_TOK_STRING)
		return nft_perr(p->t, p->err, "syntax error, expecting a value for %s", what);
	p->t->pos++;
	*out = k->text;
	return 0;
}

int nft_set_proto(struct nft_rp *p, uint8_t proto, bool inv)
{
	struct ir_ipspec *ip = &p->r->ip;

	if (ip->proto && (ip->proto != proto || !!(ip->invflags & IR_INV_PROTO) != inv))
		return nft_unsupported(p, "a second protocol test in one rule");
	ip->proto = proto;
	if (inv)
		ip->invflags |= IR_INV_PROTO;
	return 0;
}

static int proto_value(struct nft_rp *p, uint8_t spelt)
{
	const char *s = NULL;
	bool inv;
	int ret = nft_relation_lookup(p, &inv);
	char *end;
	unsigned long v;

	if (!ret && nft_at_lookup(p))
		return nft_key_stmt(p, IR_KEY_L4PROTO, inv,
				       spelt == IR_NFT_PROTO_META ? IR_LOOKUP_META : 0);
	if (!ret)
		ret = nft_value(p, "protocol", &s);
	if (ret)
		return ret;
	p->r->nft |= spelt;
	v = strtoul(s, &end, 0);
	if (*end == '-' && end != s)
		return nft_unsupported(p, "a range of protocols");
	if (*end) {
		uint8_t proto;

		if (nft_proto_parse(s, &proto))
			return nft_perr(p->t, p->err, "Could not resolve protocol name %s", s);
		v = proto;
	} else if (v > 255) {
		return nft_perr(p->t, p->err, "value %s exceeds valid range 0-255", s);
	}
	if (!v)
		return nft_unsupported(p, "protocol 0");
	return nft_set_proto(p, v, inv);
}

/* ip/ip6 saddr/daddr: a prefix into the fixed part, a range into -m iprange, a set by name. */
static int addr_test(struct nft_rp *p, bool v6, bool dst)
{
	enum ir_family fam = v6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	struct ir_ipspec *ip = &p->r->ip;
	struct ir_addr *a = dst ? &ip->dst : &ip->src;
	uint32_t invbit = dst ? IR_INV_DST : IR_INV_SRC;
	const char *s = NULL;
	bool inv;
	int ret = nft_want_family(p, v6);

	if (!ret)
		ret = nft_relation_lookup(p, &inv);
	if (ret)
		return ret;
	if (nft_at_lookup(p))
		return nft_key_stmt(p, dst ? IR_KEY_DADDR : IR_KEY_SADDR, inv, 0);
	if (nft_accept(p->t, "@")) {
		struct ir_match *m;
		char name[IR_SET_MAXNAMELEN];
		struct ir_set *set;

		ret = nft_value(p, "set", &s);
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
			return nft_nomem(p->err);
		strcpy(m->set.name, name);
		m->set.dim = 1;
		m->set.src = dst ? 0 : 1;
		m->set.invert = inv;
		return 0;
	}
	ret = nft_value(p, "address", &s);
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
			return nft_nomem(p->err);
		if (dst ? m->iprange.dst : m->iprange.src)
			return nft_unsupported(p, "a second address range test in one rule");
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
			return nft_unsupported(p, "a second address test of one field in one rule");
		*a = v;
		if (!memcmp(&v.mask, &zero.mask, sizeof(v.mask)))
			return nft_unsupported(p, "a prefix of length 0");
		if (inv)
			ip->invflags |= invbit;
	}
	return 0;
}

/* meta pkttype host|broadcast|multicast: -m pkttype (PACKET_HOST, _BROADCAST, _MULTICAST). */
static int pkttype_stmt(struct nft_rp *p)
{
	static const char *const names[] = { "host", "broadcast", "multicast" };
	const char *s = NULL;
	struct ir_match *m;
	bool inv;
	int ret = nft_relation(p, &inv);

	if (!ret && nft_at(p->t, "{"))
		return nft_unsupported(p, "an anonymous set of packet types");
	if (!ret)
		ret = nft_value(p, "packet type", &s);
	if (ret)
		return ret;
	for (uint8_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]))
			continue;
		if (ir_rule_add_match(p->r, IR_MATCH_PKTTYPE, &m))
			return nft_nomem(p->err);
		m->pkttype.type = i;
		m->pkttype.invert = inv;
		return 0;
	}
	return nft_perr(p->t, p->err, "Could not resolve packet type %s", s);
}

/* meta length / ip length (@ip) N, N-M, !=: -m length on the IP packet's length. */
static int length_stmt(struct nft_rp *p, bool ip)
{
	const char *s = NULL;
	struct ir_match *m;
	uint16_t lo, hi;
	bool inv;
	int ret = nft_relation(p, &inv);

	if (!ret && nft_at(p->t, "{"))
		return nft_unsupported(p, "an anonymous set of lengths");
	if (!ret && ip)
		ret = nft_want_family(p, false);
	if (!ret)
		ret = nft_value(p, "length", &s);
	if (ret)
		return ret;
	if (nft_port_range_number(s, &lo, &hi))
		return nft_perr(p->t, p->err, "Could not resolve length %s", s);
	if (ir_rule_find_match(p->r, IR_MATCH_LENGTH))
		return nft_unsupported(p, "a second length test in one rule");
	if (ir_rule_add_match(p->r, IR_MATCH_LENGTH, &m))
		return nft_nomem(p->err);
	m->length.lo = lo;
	m->length.hi = hi;
	m->length.invert = inv;
	if (ip)
		p->r->nft |= IR_NFT_IP_LENGTH;
	return 0;
}

/* ip ttl / ip6 hoplimit (@v6) N or != N: -m ttl / -m hl. */
static int ttl_stmt(struct nft_rp *p, bool v6)
{
	const char *s = NULL;
	struct ir_match *m;
	unsigned long v;
	char *end;
	bool inv;
	int ret = nft_want_family(p, v6);

	if (!ret)
		ret = nft_relation(p, &inv);
	if (!ret && nft_at(p->t, "{"))
		return nft_unsupported(p, "an anonymous set of ttl values");
	if (!ret)
		ret = nft_value(p, v6 ? "hoplimit" : "ttl", &s);
	if (ret)
		return ret;
	v = strtoul(s, &end, 0);
	if (*end == '-' && end != s)
		return nft_unsupported(p, "a range of ttl values");
	if (!*s || *end || v > 255)
		return nft_perr(p->t, p->err, "Could not resolve %s %s", v6 ? "hoplimit" : "ttl", s);
	if (ir_rule_add_match(p->r, v6 ? IR_MATCH_HL : IR_MATCH_TTL, &m))
		return nft_nomem(p->err);
	m->ttl.mode = inv ? IR_TTL_NE : IR_TTL_EQ;
	m->ttl.value = (uint8_t)v;
	return 0;
}

static int ip_stmt(struct nft_rp *p, bool v6)
{
	if (nft_accept(p->t, "saddr"))
		return addr_test(p, v6, false);
	if (nft_accept(p->t, "daddr"))
		return addr_test(p, v6, true);
	if (nft_accept(p->t, v6 ? "hoplimit" : "ttl"))
		return ttl_stmt(p, v6);
	if (!v6 && nft_accept(p->t, "length"))
		return length_stmt(p, true);
	if (nft_accept(p->t, v6 ? "nexthdr" : "protocol")) {
		int ret = nft_want_family(p, v6);

		return ret ? ret : proto_value(p, IR_NFT_PROTO_L3);
	}
	return nft_perr(p->t, p->err, "%s %s is not supported by bpfw", v6 ? "ip6" : "ip",
			nft_peek(p->t)->text);
}

/* iifname/oifname (@index: iif/oif, an existing interface by name, exact). */
static int iface(struct nft_rp *p, bool in, bool index)
{
	char *dst = in ? p->r->ip.iif : p->r->ip.oif;
	const char *s = NULL;
	bool inv;
	size_t n;
	int ret = nft_relation_lookup(p, &inv);

	if (!ret && nft_at_lookup(p)) {
		if (index)
			return nft_unsupported(p, "a set of iif or oif (use iifname, oifname)");
		return nft_key_stmt(p, in ? IR_KEY_IIFNAME : IR_KEY_OIFNAME, inv, 0);
	}
	if (!ret)
		ret = nft_value(p, "interface", &s);
	if (ret)
		return ret;
	n = strlen(s);
	if (!n || n >= IFNAMSIZ)
		return nft_perr(p->t, p->err, "interface name %s is not valid", s);
	if (index) {
		/* nft takes the index now; bpfw keeps the name (an interface made again is the same) */
		if (strchr(s, '*'))
			return nft_perr(p->t, p->err, "Interface does not exist");
		if (!p->w->state && !if_nametoindex(s))
			return nft_perr(p->t, p->err, "Interface does not exist");
		p->r->nft |= in ? IR_NFT_IIF : IR_NFT_OIF;
	}
	if (strchr(s, '*') && strchr(s, '*') != s + n - 1)
		return nft_unsupported(p, "a wildcard not at the end of an interface name");
	strcpy(dst, s);
	if (s[n - 1] == '*')
		dst[n - 1] = '+';
	if (inv)
		p->r->ip.invflags |= in ? IR_INV_IIF : IR_INV_OIF;
	return 0;
}

static int meta_stmt(struct nft_rp *p, const char *key)
{
	const char *s = NULL;
	bool inv;
	int ret;

	if (!strcmp(key, "iifname") || !strcmp(key, "oifname"))
		return iface(p, key[0] == 'i', false);
	if (!strcmp(key, "iif") || !strcmp(key, "oif"))
		return iface(p, key[0] == 'i', true);
	if (!strcmp(key, "pkttype"))
		return pkttype_stmt(p);
	if (!strcmp(key, "length"))
		return length_stmt(p, false);
	if (!strcmp(key, "l4proto"))
		return proto_value(p, IR_NFT_PROTO_META);
	if (!strcmp(key, "nfproto")) {
		ret = nft_relation(p, &inv);
		if (!ret && nft_at(p->t, "{"))
			return nft_unsupported(p, "an anonymous set of nfproto");
		if (!ret)
			ret = nft_value(p, "nfproto", &s);
		if (ret)
			return ret;
		if (inv)
			return nft_unsupported(p, "meta nfproto !=");
		if (strcmp(s, "ipv4") && strcmp(s, "ipv6"))
			return nft_perr(p->t, p->err, "Could not resolve nfproto %s", s);
		if (!p->inet) {
			if ((p->family == IR_FAMILY_IPV6) != (s[3] == '6'))
				return nft_unsupported(p, "meta nfproto of the other family");
			return 0;
		}
		return nft_want_family(p, s[3] == '6');
	}
	if (!strcmp(key, "mark")) {
		struct ir_match *m;
		char *end;
		unsigned long v, plen;

		ret = nft_relation_lookup(p, &inv);
		if (!ret && nft_at_lookup(p))
			return nft_key_stmt(p, IR_KEY_MARK, inv, 0);
		if (!ret)
			ret = nft_value(p, "mark", &s);
		if (ret)
			return ret;
		v = strtoul(s, &end, 0);
		plen = 32;
		if (*end == '/' && end != s) {
			/* VALUE/N: the N high bits, "& MASK == VALUE" */
			char *pend;

			plen = strtoul(end + 1, &pend, 10);
			if (!end[1] || *pend || !plen || plen > 32)
				return nft_perr(p->t, p->err, "Could not resolve mark %s", s);
			end = pend;
		}
		if (*end || v > UINT32_MAX)
			return nft_perr(p->t, p->err, "Could not resolve mark %s", s);
		if (ir_rule_add_match(p->r, IR_MATCH_MARK, &m))
			return nft_nomem(p->err);
		m->mark.mask = (uint32_t)(UINT32_MAX << (32 - plen));
		m->mark.mark = (uint32_t)v & m->mark.mask;
		m->mark.invert = inv;
		return 0;
	}
	return nft_perr(p->t, p->err, "meta %s is not supported by bpfw", key);
}

static int ct_stmt(struct nft_rp *p)
{
	struct ir_match *m;
	bool inv;
	int ret;

	if (!nft_accept(p->t, "state"))
		return nft_perr(p->t, p->err, "ct %s is not supported by bpfw",
				nft_peek(p->t)->text);
	ret = nft_relation_lookup(p, &inv);
	if (ret)
		return ret;
	if (nft_at_lookup(p))
		return nft_key_stmt(p, IR_KEY_CTSTATE, inv, 0);
	if (ir_rule_add_match(p->r, IR_MATCH_CONNTRACK, &m))
		return nft_nomem(p->err);
	m->ct.invert = inv;
	do {
		const char *s = nft_peek(p->t)->text;
		uint8_t bit;

		if (nft_ct_state_parse(s, &bit)) {
			/* by number: invalid 1, established 2, related 4, new 8, untracked 64 */
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
		m->ct.states |= bit;
		p->t->pos++;
	} while (nft_accept(p->t, ","));
	return 0;
}

static int statement(struct nft_rp *p)
{
	const struct nft_tok *k = nft_peek(p->t);
	const char *w = k->text;

	if (nft_at(p->t, "@"))
		return nft_unsupported(p, "a raw payload expression (@base,offset,length)");
	if (k->kind != NFT_TOK_WORD)
		return nft_perr(p->t, p->err, "syntax error, unexpected %s", w);
	if (p->verdict && strcmp(w, "comment") && strcmp(w, "handle"))
		return nft_perr(p->t, p->err, "syntax error, unexpected %s after the verdict", w);
	p->t->pos++;
	if (!strcmp(w, "ip") || !strcmp(w, "ip6"))
		return ip_stmt(p, w[2] == '6');
	if (!strcmp(w, "th"))
		return nft_th_stmt(p);
	if (!strcmp(w, "tcp"))
		return nft_l4_stmt(p, IPPROTO_TCP);
	if (!strcmp(w, "udp"))
		return nft_l4_stmt(p, IPPROTO_UDP);
	if (!strcmp(w, "icmp") || !strcmp(w, "icmpv6"))
		return nft_icmp_stmt(p, w[4] == 'v');
	if (!strcmp(w, "meta")) {
		const char *key = NULL;
		int ret = nft_value(p, "meta key", &key);

		return ret ? ret : meta_stmt(p, key);
	}
	if (!strcmp(w, "iifname") || !strcmp(w, "oifname") || !strcmp(w, "l4proto") ||
	    !strcmp(w, "nfproto") || !strcmp(w, "mark") || !strcmp(w, "iif") ||
	    !strcmp(w, "oif") || !strcmp(w, "pkttype"))
		return meta_stmt(p, w);
	if (!strcmp(w, "ct"))
		return ct_stmt(p);
	if (!strcmp(w, "limit"))
		return nft_limit_stmt(p);
	if (!strcmp(w, "counter"))
		return nft_counter_stmt(p);
	if (!strcmp(w, "log"))
		return nft_log_stmt(p);
	if (!strcmp(w, "reject")) {
		int ret = nft_verdict(p, IR_TARGET_REJECT);

		return ret ? ret : nft_reject_stmt(p);
	}
	if (!strcmp(w, "accept"))
		return nft_verdict(p, IR_TARGET_ACCEPT);
	if (!strcmp(w, "drop"))
		return nft_verdict(p, IR_TARGET_DROP);
	if (!strcmp(w, "return"))
		return nft_verdict(p, IR_TARGET_RETURN);
	if (!strcmp(w, "jump"))
		return nft_verdict(p, IR_TARGET_JUMP);
	if (!strcmp(w, "goto"))
		return nft_verdict(p, IR_TARGET_GOTO);
	if (!strcmp(w, "comment"))
		return nft_comment_stmt(p);
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
	struct nft_rp p = { .t = t, .w = w, .err = err };
	int ret = 0;

	p.r = ir_rule_new();
	if (!p.r)
		return nft_nomem(err);
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
			ret = nft_unsupported(&p, "log with a jump, goto or return");
		} else if (p.r->target.kind == IR_TARGET_VMAP) {
			ret = nft_unsupported(&p, "log with a verdict map");
		}
	}
	if (!ret && !w->table->name[0] && ir_rule_find_match(p.r, IR_MATCH_LOOKUP))
		ret = nft_unsupported(&p, "an anonymous set or a verdict map in iptables' own "
				      "table (iptables cannot show it; use a table of your own)");
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
		ret = nft_unsupported(&p, "log with a verdict in iptables' own table (iptables "
				  "cannot show it; write a log rule, then the verdict)");
	if (ret) {
		ir_rule_free(p.r);
		return ret;
	}
	*out = p.r;
	return 0;
}

/* The rule's comment (nft "comment", kept in the rule's user data). */
