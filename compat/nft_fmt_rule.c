// SPDX-License-Identifier: GPL-2.0
/*
 * One rule in nft's list syntax: interfaces, addresses, the protocol, the
 * matches in their order, counter, log, verdict, comment; iptables' rules
 * as iptables-nft lists them (every rule of iptables' tables counts).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "bpfw/nft.h"

/* How the rule is read: its table's family and whether iptables made the table. */
struct fr {
	FILE *f;
	const struct ir_table *t;
	const struct ir_rule *r;
	bool ipt;		/* one of iptables' own tables */
	bool v6;		/* the rule's headers are IPv6 */
	const struct nft_fmt_opts *o;
};

static const char *l3(const struct fr *x)
{
	return x->v6 ? "ip6" : "ip";
}

static void put_iface(struct fr *x, const char *key, const char *name, bool inv)
{
	size_t n = strlen(name);

	fprintf(x->f, "%s %s\"%.*s%s\" ", key, inv ? "!= " : "",
		(int)(n && name[n - 1] == '+' ? n - 1 : n), name,
		n && name[n - 1] == '+' ? "*" : "");
}

static unsigned int prefix_len(const struct ir_addr *a, bool v6, bool *contiguous)
{
	const uint8_t *m = (const uint8_t *)&a->mask;
	unsigned int n = 0, bytes = v6 ? 16 : 4;
	bool zero = false;

	*contiguous = true;
	for (unsigned int i = 0; i < bytes * 8; i++) {
		bool bit = m[i / 8] & (0x80 >> (i % 8));

		if (bit && zero)
			*contiguous = false;
		if (bit)
			n++;
		else
			zero = true;
	}
	return n;
}

static void put_addr(struct fr *x, const char *field, const struct ir_addr *a, bool inv)
{
	char buf[INET6_ADDRSTRLEN], mbuf[INET6_ADDRSTRLEN];
	int af = x->v6 ? AF_INET6 : AF_INET;
	bool contiguous;
	unsigned int plen = prefix_len(a, x->v6, &contiguous);

	inet_ntop(af, &a->addr, buf, sizeof(buf));
	if (!contiguous) {
		inet_ntop(af, &a->mask, mbuf, sizeof(mbuf));
		fprintf(x->f, "%s %s & %s %s %s ", l3(x), field, mbuf, inv ? "!=" : "==", buf);
		return;
	}
	fprintf(x->f, "%s %s %s%s", l3(x), field, inv ? "!= " : "", buf);
	if (plen != (x->v6 ? 128u : 32u))
		fprintf(x->f, "/%u", plen);
	fputc(' ', x->f);
}

static void put_proto_name(FILE *f, uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		fputs("tcp", f);
		break;
	case IPPROTO_UDP:
		fputs("udp", f);
		break;
	case IPPROTO_ICMP:
		fputs("icmp", f);
		break;
	case IPPROTO_ICMPV6:
		fputs("ipv6-icmp", f);
		break;
	default:
		fprintf(f, "%u", proto);
	}
}

static const char *proto_word(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : NULL;
}

static void put_range(FILE *f, const struct ir_port_range *pr)
{
	if (pr->lo == pr->hi)
		fprintf(f, "%u", pr->lo);
	else
		fprintf(f, "%u-%u", pr->lo, pr->hi);
}

/* TCP flags by name, joined by @sep ("," or " | "); 0xff as a number, as nft lists it. */
static void put_tcp_flags(FILE *f, uint8_t v, const char *sep)
{
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ecn",
					     "cwr" };
	bool first = true;

	if (v == 0xff || !v) {
		fprintf(f, v ? "0xff" : "0");
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (!(v & (1 << i)))
			continue;
		fprintf(f, "%s%s", first ? "" : sep, names[i]);
		first = false;
	}
}

/* tcp flags: the shortest spelling, unless @masked ("& MASK == VALUE" as written). */
static void put_tcp_flag_test(FILE *f, uint8_t mask, uint8_t cmp, bool inv, bool masked)
{
	fputs("tcp flags ", f);
	if (mask == 0xff) {
		fputs(inv ? "!= " : "== ", f);
		put_tcp_flags(f, cmp, " | ");
	} else if (!cmp && !inv) {
		fputs("! ", f);
		put_tcp_flags(f, mask, ",");
	} else if (mask == cmp && __builtin_popcount(mask) == 1 && !inv && !masked) {
		put_tcp_flags(f, mask, ",");
	} else {
		bool several = __builtin_popcount(mask) > 1;

		fprintf(f, "& %s", several ? "(" : "");
		put_tcp_flags(f, mask, " | ");
		fprintf(f, "%s %s ", several ? ")" : "", inv ? "!=" : "==");
		put_tcp_flags(f, cmp, " | ");
	}
	fputc(' ', f);
}

static void put_ports(struct fr *x, const struct ir_match *m)
{
	const char *p = m->kind == IR_MATCH_TCP ? "tcp" : "udp";
	const struct ir_match_ports *pt = &m->ports;

	if (pt->sport.lo != 0 || pt->sport.hi != UINT16_MAX) {
		fprintf(x->f, "%s sport %s", p, pt->invflags & IR_PORT_INV_SRC ? "!= " : "");
		put_range(x->f, &pt->sport);
		fputc(' ', x->f);
	}
	if (pt->dport.lo != 0 || pt->dport.hi != UINT16_MAX) {
		fprintf(x->f, "%s dport %s", p, pt->invflags & IR_PORT_INV_DST ? "!= " : "");
		put_range(x->f, &pt->dport);
		fputc(' ', x->f);
	}
	if (m->kind == IR_MATCH_TCP && pt->flags_mask)
		put_tcp_flag_test(x->f, pt->flags_mask, pt->flags_cmp,
				  pt->invflags & IR_TCP_INV_FLAGS, x->r->nft & IR_NFT_FLAGS_MASKED);
}

static void put_multiport(struct fr *x, const struct ir_match_multiport *mp)
{
	const char *p = proto_word(x->r->ip.proto);

	if (!p || mp->which == IR_MULTIPORT_EITHER) {
		fputs("xt match \"multiport\" ", x->f);
		return;
	}
	fprintf(x->f, "%s %s %s{ ", p, mp->which == IR_MULTIPORT_SRC ? "sport" : "dport",
		mp->invert ? "!= " : "");
	for (unsigned int i = 0; i < mp->n; i++) {
		if (i)
			fputs(", ", x->f);
		put_range(x->f, &mp->ports[i]);
	}
	fputs(" } ", x->f);
}

static void put_icmp(struct fr *x, const struct ir_match *m)
{
	bool v6 = m->kind == IR_MATCH_ICMP6;
	const char *w = v6 ? "icmpv6" : "icmp";
	const char *name = nft_icmp_type_name(m->icmp.type, v6);

	if (!v6 && m->icmp.type == 0xff)
		return;
	fprintf(x->f, "%s type %s", w, m->icmp.invert ? "!= " : "");
	if (name)
		fprintf(x->f, "%s ", name);
	else
		fprintf(x->f, "%u ", m->icmp.type);
	if (m->icmp.code_lo == m->icmp.code_hi)
		fprintf(x->f, "%s code %u ", w, m->icmp.code_lo);
	else if (m->icmp.code_lo != 0 || m->icmp.code_hi != 0xff)
		fprintf(x->f, "%s code %u-%u ", w, m->icmp.code_lo, m->icmp.code_hi);
}

static void put_ct(struct fr *x, const struct ir_match_ctstate *ct)
{
	/* nft's order: its own numbering of the states */
	static const uint8_t order[] = { IR_CT_INVALID, IR_CT_ESTABLISHED, IR_CT_RELATED,
					 IR_CT_NEW, IR_CT_UNTRACKED };
	bool first = true;

	fprintf(x->f, "ct state %s", ct->invert ? "!= " : "");
	for (unsigned int i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(ct->states & order[i]))
			continue;
		fprintf(x->f, "%s%s", first ? "" : ",", nft_ct_state_name(order[i]));
		first = false;
	}
	fputc(' ', x->f);
}

static void put_limit(struct fr *x, const struct ir_match_limit *l)
{
	static const struct {
		const char *name;
		uint32_t secs;
	} units[] = { { "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
		      { "week", 604800 } };
	unsigned int i;

	for (i = 0; l->rate && i < sizeof(units) / sizeof(units[0]); i++) {
		if (units[i].secs == l->per) {
			fprintf(x->f, "limit rate %s%u/%s burst %u packets ", l->over ? "over " : "",
				l->rate, units[i].name, l->burst);
			return;
		}
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]) - 1; i++)
		if (!(((uint64_t)units[i].secs * IR_LIMIT_SCALE) % l->avg))
			break;
	fprintf(x->f, "limit rate %s%llu/%s ", l->over ? "over " : "",
		(unsigned long long)((uint64_t)units[i].secs * IR_LIMIT_SCALE / l->avg),
		units[i].name);
	fprintf(x->f, "burst %u packets ", l->burst);
}

static void put_iprange(struct fr *x, const struct ir_match_iprange *ir)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];

	for (int d = 0; d < 2; d++) {
		bool given = d ? ir->dst : ir->src, inv = d ? ir->inv_dst : ir->inv_src;

		if (!given)
			continue;
		if (x->v6) {
			inet_ntop(AF_INET6, d ? &ir->dst6_lo : &ir->src6_lo, lo, sizeof(lo));
			inet_ntop(AF_INET6, d ? &ir->dst6_hi : &ir->src6_hi, hi, sizeof(hi));
		} else {
			struct in_addr a = { htonl(d ? ir->dst_lo : ir->src_lo) };
			struct in_addr b = { htonl(d ? ir->dst_hi : ir->src_hi) };

			inet_ntop(AF_INET, &a, lo, sizeof(lo));
			inet_ntop(AF_INET, &b, hi, sizeof(hi));
		}
		fprintf(x->f, "%s %s %s%s-%s ", l3(x), d ? "daddr" : "saddr", inv ? "!= " : "",
			lo, hi);
	}
}

static void put_set(struct fr *x, const struct ir_match_set *s)
{
	static const char *const fams[IR_NFT_FAMILY_MAX] = { "ip", "ip6", "inet" };
	char prefix[IR_NFT_NAMELEN + 16];
	const char *name = s->name;

	if (s->dim != 1) {
		fprintf(x->f, "xt match \"set\" ");
		return;
	}
	if (x->t->name[0]) {
		snprintf(prefix, sizeof(prefix), "%s:%s:", fams[x->t->nft_family], x->t->name);
		if (!strncmp(name, prefix, strlen(prefix)))
			name += strlen(prefix);
	} else {
		snprintf(prefix, sizeof(prefix), "%s:%s:", x->v6 ? "ip6" : "ip",
			 ir_table_name(x->t->id));
		if (!strncmp(name, prefix, strlen(prefix)))
			name += strlen(prefix);
	}
	fprintf(x->f, "%s %s %s@%s ", l3(x), s->src & 1 ? "saddr" : "daddr",
		s->invert ? "!= " : "", name);
}

static void put_match(struct fr *x, const struct ir_match *m)
{
	switch (m->kind) {
	case IR_MATCH_TCP:
	case IR_MATCH_UDP:
		put_ports(x, m);
		break;
	case IR_MATCH_ICMP:
	case IR_MATCH_ICMP6:
		put_icmp(x, m);
		break;
	case IR_MATCH_CONNTRACK:
	case IR_MATCH_STATE:
		put_ct(x, &m->ct);
		break;
	case IR_MATCH_MULTIPORT:
		put_multiport(x, &m->mport);
		break;
	case IR_MATCH_LIMIT:
		put_limit(x, &m->limit);
		break;
	case IR_MATCH_IPRANGE:
		put_iprange(x, &m->iprange);
		break;
	case IR_MATCH_COMMENT:
		break;	/* last */
	case IR_MATCH_MARK:
		fprintf(x->f, "meta mark ");
		if (m->mark.mask != UINT32_MAX)
			fprintf(x->f, "& 0x%08x %s ", m->mark.mask, m->mark.invert ? "!=" : "==");
		else if (m->mark.invert)
			fputs("!= ", x->f);
		fprintf(x->f, "0x%08x ", m->mark.mark);
		break;
	case IR_MATCH_LENGTH:
		fprintf(x->f, "%s length %s", x->r->nft & IR_NFT_IP_LENGTH ? "ip" : "meta",
			m->length.invert ? "!= " : "");
		if (m->length.lo == m->length.hi)
			fprintf(x->f, "%u ", m->length.lo);
		else
			fprintf(x->f, "%u-%u ", m->length.lo, m->length.hi);
		break;
	case IR_MATCH_TTL:
	case IR_MATCH_HL: {
		static const char *const ops[] = { "", "!= ", "< ", "> " };

		fprintf(x->f, "%s %s%u ", m->kind == IR_MATCH_TTL ? "ip ttl" : "ip6 hoplimit",
			ops[m->ttl.mode], m->ttl.value);
		break;
	}
	case IR_MATCH_PKTTYPE:
		fprintf(x->f, "meta pkttype %s%s ", m->pkttype.invert ? "!= " : "",
			m->pkttype.type == 0 ? "host" : m->pkttype.type == 1 ? "broadcast" :
			"multicast");
		break;
	case IR_MATCH_MAC: {
		const uint8_t *a = m->mac.addr;

		fprintf(x->f, "ether saddr %s%02x:%02x:%02x:%02x:%02x:%02x ",
			m->mac.invert ? "!= " : "", a[0], a[1], a[2], a[3], a[4], a[5]);
		break;
	}
	case IR_MATCH_SET:
		put_set(x, &m->set);
		break;
	case IR_MATCH_LOOKUP:
		if (!m->lookup.n_verdicts)	/* a verdict map is the verdict */
			nft_fmt_lookup(x->f, x->r, &m->lookup, x->v6);
		break;
	case IR_MATCH_ADDRTYPE:
		fputs("xt match \"addrtype\" ", x->f);
		break;
	case IR_MATCH_RECENT:
		fputs("xt match \"recent\" ", x->f);
		break;
	case IR_MATCH_OWNER:
		fputs("xt match \"owner\" ", x->f);
		break;
	case IR_MATCH_RT:
		fputs("xt match \"rt\" ", x->f);
		break;
	default:
		break;
	}
}

/* Whether lookup @l's key says ip or ip6 ("ip saddr", "ip protocol", "icmp type"). */
static bool lookup_names_family(const struct ir_match_lookup *l)
{
	return ir_lookup_has_key(l, IR_KEY_SADDR) || ir_lookup_has_key(l, IR_KEY_DADDR) ||
	       ir_lookup_has_key(l, IR_KEY_ICMP_TYPE) ||
	       (ir_lookup_has_key(l, IR_KEY_L4PROTO) && !(l->flags & IR_LOOKUP_META));
}

/* Whether a match or the fixed part already names the rule's family in an inet table. */
static bool family_shown(const struct ir_rule *r)
{
	static const struct ir_addr zero;

	if (memcmp(&r->ip.src.mask, &zero.mask, sizeof(zero.mask)) ||
	    memcmp(&r->ip.dst.mask, &zero.mask, sizeof(zero.mask)) ||
	    (r->ip.proto && (r->nft & IR_NFT_PROTO_L3)) || (r->nft & IR_NFT_IP_LENGTH))
		return true;
	for (unsigned int i = 0; i < r->n_matches; i++) {
		enum ir_match_kind k = r->matches[i].kind;

		if (k == IR_MATCH_ICMP || k == IR_MATCH_ICMP6 || k == IR_MATCH_IPRANGE ||
		    k == IR_MATCH_SET || k == IR_MATCH_TTL || k == IR_MATCH_HL)
			return true;
		if (k == IR_MATCH_LOOKUP && lookup_names_family(&r->matches[i].lookup))
			return true;
	}
	return r->target.kind == IR_TARGET_REJECT && r->target.reject != IR_REJECT_TCP_RESET &&
	       !(r->nft & IR_NFT_REJECT_ICMPX);
}

/* The protocol test of an nftables table's rule, as it was spelt, unless a match implies it. */
static bool put_nft_proto(struct fr *x, bool implied)
{
	const struct ir_rule *r = x->r;
	bool inv = r->ip.invflags & IR_INV_PROTO;
	const char *kw = "meta l4proto";

	bool inet = x->t->nft_family == IR_NFT_INET;

	/* nft drops a dependency that a later test implies, unless it tells the family */
	if ((r->nft & IR_NFT_PROTO_L3) && (inet || !implied || inv))
		kw = x->v6 ? "ip6 nexthdr" : "ip protocol";
	else if (implied && !inv)
		return false;
	else if (!(r->nft & (IR_NFT_PROTO_L3 | IR_NFT_PROTO_META)) && !inv && !inet &&
		 r->target.kind == IR_TARGET_REJECT && r->target.reject == IR_REJECT_TCP_RESET)
		return false;	/* "reject with tcp reset" implies it (inet lists it) */
	fprintf(x->f, "%s %s%u ", kw, inv ? "!= " : "", r->ip.proto);
	return true;
}

/* The protocol test unless a match implies it (tcp dport, icmp type). */
static bool put_proto(struct fr *x)
{
	const struct ir_rule *r = x->r;
	bool implied = false, l4 = false;

	if (!r->ip.proto)
		return false;
	for (unsigned int i = 0; i < r->n_matches; i++) {
		enum ir_match_kind k = r->matches[i].kind;

		if (k == IR_MATCH_TCP || k == IR_MATCH_UDP)
			implied = true;
		if (k == IR_MATCH_MULTIPORT || k == IR_MATCH_ICMP || k == IR_MATCH_ICMP6)
			l4 = true;
		if (k == IR_MATCH_LOOKUP &&
		    (ir_lookup_has_key(&r->matches[i].lookup, IR_KEY_SPORT) ||
		     ir_lookup_has_key(&r->matches[i].lookup, IR_KEY_DPORT) ||
		     ir_lookup_has_key(&r->matches[i].lookup, IR_KEY_ICMP_TYPE)))
			l4 = true;
	}
	if (!x->ipt)
		return put_nft_proto(x, implied || l4);
	if (implied && !(r->ip.invflags & IR_INV_PROTO))
		return false;
	if (l4 && !(r->ip.invflags & IR_INV_PROTO))
		fputs("meta l4proto ", x->f);
	else if (x->v6)
		fputs("meta l4proto ", x->f);
	else
		fputs("ip protocol ", x->f);
	if (r->ip.invflags & IR_INV_PROTO)
		fputs("!= ", x->f);
	put_proto_name(x->f, r->ip.proto);
	fputc(' ', x->f);
	return true;
}

static void put_addrs(struct fr *x)
{
	const struct ir_rule *r = x->r;

	if (r->ip.src.mask.v6.s6_addr32[0] || r->ip.src.mask.v6.s6_addr32[1] ||
	    r->ip.src.mask.v6.s6_addr32[2] || r->ip.src.mask.v6.s6_addr32[3])
		put_addr(x, "saddr", &r->ip.src, r->ip.invflags & IR_INV_SRC);
	if (r->ip.dst.mask.v6.s6_addr32[0] || r->ip.dst.mask.v6.s6_addr32[1] ||
	    r->ip.dst.mask.v6.s6_addr32[2] || r->ip.dst.mask.v6.s6_addr32[3])
		put_addr(x, "daddr", &r->ip.dst, r->ip.invflags & IR_INV_DST);
}

static void put_log(struct fr *x, const struct ir_target_log *log)
{
	static const char *const levels[] = { "emerg", "alert", "crit", "err", "warn", "notice",
					      "info", "debug" };

	fputs("log ", x->f);
	if (log->prefix[0])
		fprintf(x->f, "prefix \"%s\" ", log->prefix);
	if (log->level != IR_LOG_LEVEL && log->level < 8)
		fprintf(x->f, "level %s ", levels[log->level]);
	if ((log->flags & 0x2f) == 0x2f) {
		fputs("flags all ", x->f);
		return;
	}
	if (log->flags & (IR_LOG_TCPSEQ | IR_LOG_TCPOPT))
		fprintf(x->f, "flags tcp %s ", (log->flags & (IR_LOG_TCPSEQ | IR_LOG_TCPOPT)) ==
			(IR_LOG_TCPSEQ | IR_LOG_TCPOPT) ? "sequence,options" :
			log->flags & IR_LOG_TCPSEQ ? "sequence" : "options");
	if (log->flags & IR_LOG_IPOPT)
		fputs("flags ip options ", x->f);
	if (log->flags & IR_LOG_UID)
		fputs("flags skuid ", x->f);
	if (log->flags & IR_LOG_MACDECODE)
		fputs("flags ether ", x->f);
}

static void put_reject(struct fr *x, enum ir_reject_with with)
{
	static const char *const v4[] = {
		[IR_REJECT_NET_UNREACH] = "net-unreachable",
		[IR_REJECT_HOST_UNREACH] = "host-unreachable",
		[IR_REJECT_PORT_UNREACH] = "port-unreachable",
		[IR_REJECT_PROTO_UNREACH] = "prot-unreachable",
		[IR_REJECT_NET_PROHIB] = "net-prohibited",
		[IR_REJECT_HOST_PROHIB] = "host-prohibited",
		[IR_REJECT_ADMIN_PROHIB] = "admin-prohibited",
		[IR_REJECT6_NO_ROUTE] = "no-route",
		[IR_REJECT6_ADM_PROHIBITED] = "admin-prohibited",
		[IR_REJECT6_ADDR_UNREACH] = "addr-unreachable",
		[IR_REJECT6_PORT_UNREACH] = "port-unreachable",
		[IR_REJECT6_POLICY_FAIL] = "policy-fail",
		[IR_REJECT6_REJECT_ROUTE] = "reject-route",
	};
	bool inet = x->t->name[0] && x->t->nft_family == IR_NFT_INET;

	if (with == IR_REJECT_TCP_RESET) {
		fputs("reject with tcp reset ", x->f);
		return;
	}
	if (inet && x->r->nfproto && (x->r->nft & IR_NFT_REJECT_ICMPX)) {
		/* written as icmpx, kept as the family's code */
		static const struct {
			enum ir_reject_with with;
			const char *name;
		} back[] = {
			{ IR_REJECT_PORT_UNREACH, "port-unreachable" },
			{ IR_REJECT_NET_UNREACH, "no-route" },
			{ IR_REJECT_HOST_UNREACH, "host-unreachable" },
			{ IR_REJECT_ADMIN_PROHIB, "admin-prohibited" },
			{ IR_REJECT6_PORT_UNREACH, "port-unreachable" },
			{ IR_REJECT6_NO_ROUTE, "no-route" },
			{ IR_REJECT6_ADDR_UNREACH, "host-unreachable" },
			{ IR_REJECT6_ADM_PROHIBITED, "admin-prohibited" },
		};

		for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
			if (back[i].with == with) {
				fprintf(x->f, "reject with icmpx %s ", back[i].name);
				return;
			}
		}
	}
	if (with >= IR_REJECT6_NO_ROUTE) {
		if (with == IR_REJECT6_PORT_UNREACH && !inet)
			fputs("reject ", x->f);
		else
			fprintf(x->f, "reject with icmpv6 %s ", v4[with]);
		return;
	}
	if (inet && !x->r->nfproto) {
		if (with == IR_REJECT_PORT_UNREACH)
			fputs("reject ", x->f);
		else
			fprintf(x->f, "reject with icmpx %s ", with == IR_REJECT_NET_UNREACH ?
				"no-route" : v4[with]);
		return;
	}
	if (with == IR_REJECT_PORT_UNREACH && !inet)
		fputs("reject ", x->f);
	else
		fprintf(x->f, "reject with icmp %s ", v4[with]);
}

static void put_verdict(struct fr *x)
{
	const struct ir_target *tg = &x->r->target;

	switch (tg->kind) {
	case IR_TARGET_ACCEPT:
	case IR_TARGET_DROP:
	case IR_TARGET_RETURN:
	case IR_TARGET_JUMP:
	case IR_TARGET_GOTO:
		nft_fmt_verdict(x->f, tg->kind, tg->chain);
		fputc(' ', x->f);
		break;
	case IR_TARGET_REJECT:
		put_reject(x, tg->reject);
		break;
	case IR_TARGET_VMAP:
		if (ir_rule_vmap(x->r))
			nft_fmt_lookup(x->f, x->r, ir_rule_vmap(x->r), x->v6);
		break;
	default:
		break;
	}
}

void nft_fmt_rule(FILE *f, const struct ir_table *t, const struct ir_rule *r,
		  const struct nft_fmt_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct fr x = { .f = m, .t = t, .r = r, .ipt = !t->name[0], .o = o };
	bool inet = t->name[0] && t->nft_family == IR_NFT_INET;
	const struct ir_match *comment = ir_rule_find_match(r, IR_MATCH_COMMENT);
	unsigned int flags = o ? o->flags : 0;

	if (!m)
		return;
	x.v6 = inet ? r->nfproto == 6 : t->family == IR_FAMILY_IPV6;
	if (r->ip.iif[0])
		put_iface(&x, r->nft & IR_NFT_IIF ? "iif" : "iifname", r->ip.iif,
			  r->ip.invflags & IR_INV_IIF);
	if (r->ip.oif[0])
		put_iface(&x, r->nft & IR_NFT_OIF ? "oif" : "oifname", r->ip.oif,
			  r->ip.invflags & IR_INV_OIF);
	if (x.ipt) {
		put_addrs(&x);
		put_proto(&x);
	} else {
		if (inet && r->nfproto && !family_shown(r))
			fprintf(m, "meta nfproto %s ", r->nfproto == 6 ? "ipv6" : "ipv4");
		put_proto(&x);
		put_addrs(&x);
	}
	if (r->ip.frag)
		fprintf(m, "ip frag-off & 0x1fff %s0 ", r->ip.invflags & IR_INV_FRAG ? "" : "!= ");
	for (unsigned int i = 0; i < r->n_matches; i++)
		put_match(&x, &r->matches[i]);
	if (x.ipt || (r->nft & IR_NFT_COUNTER)) {
		if (flags & (NFT_F_STATE | NFT_F_STATELESS))
			fputs("counter ", m);
		else
			fprintf(m, "counter packets %llu bytes %llu ",
				(unsigned long long)r->counter.packets,
				(unsigned long long)r->counter.bytes);
	}
	if (r->target.kind == IR_TARGET_LOG || (r->nft & IR_NFT_LOG))
		put_log(&x, &r->target.log);
	put_verdict(&x);
	if (comment)
		fprintf(m, "comment \"%s\" ", comment->comment);
	if (fclose(m)) {
		free(buf);
		return;
	}
	while (len && buf[len - 1] == ' ')
		buf[--len] = '\0';
	fputs(buf, f);
	if ((flags & (NFT_F_HANDLES | NFT_F_STATE)) && r->slot != IR_SLOT_NONE)
		fprintf(f, " # handle %u", r->slot + 1);
	free(buf);
}
