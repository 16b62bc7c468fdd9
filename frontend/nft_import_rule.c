// SPDX-License-Identifier: GPL-2.0
/*
 * One nf_tables rule into the rule model: its expressions walked in order,
 * loads into registers remembered, each comparison turned into the part of
 * an iptables rule it tests (address, interface, protocol, port, state...),
 * statements (counter, limit, log, reject) and the verdict into matches and
 * the target.  Anything without an exact equivalent refuses the whole rule
 * and says which expression.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_import_internal.h"

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

int nx_refuse(struct nx *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->why, x->why_len, fmt, ap);
	va_end(ap);
	return -EOPNOTSUPP;
}

uint8_t nx_ct_states(uint32_t bits)
{
	uint8_t s = 0;

	if (bits & NF_CT_STATE_INVALID_BIT)
		s |= IR_CT_INVALID;
	if (bits & NF_CT_STATE_BIT(IP_CT_ESTABLISHED))
		s |= IR_CT_ESTABLISHED;
	if (bits & NF_CT_STATE_BIT(IP_CT_RELATED))
		s |= IR_CT_RELATED;
	if (bits & NF_CT_STATE_BIT(IP_CT_NEW))
		s |= IR_CT_NEW;
	if (bits & NF_CT_STATE_UNTRACKED_BIT)
		s |= IR_CT_UNTRACKED;
	return s;
}

uint8_t nx_l4proto(const struct nx *x)
{
	if (x->r->ip.invflags & IR_INV_PROTO)
		return 0;
	if (x->r->ip.proto)
		return x->r->ip.proto;
	for (unsigned int d = 0; d < x->n_dims; d++) {
		bool tcpudp = x->dims[d].kind == NX_ALT_PROTO;

		for (unsigned int i = 0; tcpudp && i < x->dims[d].n; i++)
			tcpudp = x->dims[d].alts[i].proto == IPPROTO_TCP ||
				 x->dims[d].alts[i].proto == IPPROTO_UDP;
		if (tcpudp)
			return IPPROTO_TCP;
	}
	return 0;
}

struct ir_match *nx_ports_match(struct nx *x)
{
	enum ir_match_kind kind = nx_l4proto(x) == IPPROTO_TCP ? IR_MATCH_TCP : IR_MATCH_UDP;
	struct ir_match *m = ir_rule_find_match(x->r, kind);

	if (m)
		return m;
	if (ir_rule_add_match(x->r, kind, &m))
		return NULL;
	m->ports.sport.hi = UINT16_MAX;
	m->ports.dport.hi = UINT16_MAX;
	return m;
}

static struct nx_reg *reg_of(struct nx *x, const struct nftnl_expr *e, uint16_t attr)
{
	uint32_t i;

	if (!nftnl_expr_is_set(e, attr))
		return NULL;
	i = nftnl_expr_get_u32(e, attr);
	return i < NX_REGS ? &x->regs[i] : NULL;
}

static const char *cmp_op_name(uint32_t op)
{
	static const char *const names[] = { "==", "!=", "<", "<=", ">", ">=" };

	return op < 6 ? names[op] : "?";
}

/* nft's name of meta key @key, for the reasons given. */
static const char *meta_name(uint32_t key)
{
	static const char *const names[] = {
		[NFT_META_LEN] = "length", [NFT_META_PROTOCOL] = "protocol",
		[NFT_META_PRIORITY] = "priority", [NFT_META_MARK] = "mark",
		[NFT_META_IIF] = "iif", [NFT_META_OIF] = "oif", [NFT_META_IIFNAME] = "iifname",
		[NFT_META_OIFNAME] = "oifname", [NFT_META_IIFTYPE] = "iiftype",
		[NFT_META_OIFTYPE] = "oiftype", [NFT_META_SKUID] = "skuid",
		[NFT_META_SKGID] = "skgid", [NFT_META_NFTRACE] = "nftrace",
		[NFT_META_RTCLASSID] = "rtclassid", [NFT_META_SECMARK] = "secmark",
		[NFT_META_NFPROTO] = "nfproto", [NFT_META_L4PROTO] = "l4proto",
		[NFT_META_BRI_IIFNAME] = "ibrname", [NFT_META_BRI_OIFNAME] = "obrname",
		[NFT_META_PKTTYPE] = "pkttype", [NFT_META_CPU] = "cpu",
		[NFT_META_IIFGROUP] = "iifgroup", [NFT_META_OIFGROUP] = "oifgroup",
		[NFT_META_CGROUP] = "cgroup", [NFT_META_PRANDOM] = "random",
	};

	return key < sizeof(names) / sizeof(names[0]) && names[key] ? names[key] : "?";
}

/* nft's name of ct key @key, for the reasons given. */
static const char *ct_name(uint32_t key)
{
	static const char *const names[] = {
		[NFT_CT_STATE] = "state", [NFT_CT_DIRECTION] = "direction",
		[NFT_CT_STATUS] = "status", [NFT_CT_MARK] = "mark", [NFT_CT_SECMARK] = "secmark",
		[NFT_CT_EXPIRATION] = "expiration", [NFT_CT_HELPER] = "helper",
		[NFT_CT_L3PROTOCOL] = "l3proto", [NFT_CT_SRC] = "saddr", [NFT_CT_DST] = "daddr",
		[NFT_CT_PROTOCOL] = "protocol", [NFT_CT_PROTO_SRC] = "proto-src",
		[NFT_CT_PROTO_DST] = "proto-dst", [NFT_CT_LABELS] = "label",
		[NFT_CT_PKTS] = "packets", [NFT_CT_BYTES] = "bytes", [NFT_CT_ZONE] = "zone",
	};

	return key < sizeof(names) / sizeof(names[0]) && names[key] ? names[key] : "?";
}

/* The value of @len (up to 4) big-endian bytes. */
static uint32_t be_value(const uint8_t *p, uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len && i < 4; i++)
		v = v << 8 | p[i];
	return v;
}

/* An interface name test: exact when the data holds its NUL, else a prefix ("eth+"). */
static int cmp_ifname(struct nx *x, char *name, uint32_t inv, uint32_t op, const char *data,
		      uint32_t len)
{
	size_t n = strnlen(data, len);

	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nx_refuse(x, "interface name %s", cmp_op_name(op));
	if (name[0])
		return nx_refuse(x, "a second interface test");
	if (n + (n == len) >= IFNAMSIZ)
		return nx_refuse(x, "interface name too long");
	memcpy(name, data, n);
	name[n] = '\0';
	if (n == len)
		strcat(name, "+");
	if (op == NFT_CMP_NEQ)
		x->r->ip.invflags |= inv;
	return 0;
}

/* meta nfproto / meta protocol: which family the rule is for. */
static int cmp_family(struct nx *x, const struct nx_reg *g, uint32_t op, const uint8_t *data)
{
	uint32_t want = g->key == NFT_META_NFPROTO ? data[0] : be_value(data, 2);
	bool v4 = g->key == NFT_META_NFPROTO ? want == NFPROTO_IPV4 : want == ETH_P_IP;
	bool v6 = g->key == NFT_META_NFPROTO ? want == NFPROTO_IPV6 : want == ETH_P_IPV6;
	bool is = x->family == IR_FAMILY_IPV4 ? v4 : v6;

	if (!v4 && !v6)
		return nx_refuse(x, "meta %s %u", g->key == NFT_META_NFPROTO ? "nfproto" :
				 "protocol", want);
	if (is == (op == NFT_CMP_NEQ))
		x->other_family = true;
	x->family_known = true;
	return 0;
}

static int cmp_meta(struct nx *x, const struct nx_reg *g, uint32_t op, const uint8_t *data,
		    uint32_t len)
{
	struct ir_rule *r = x->r;
	struct ir_match *m;

	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nx_refuse(x, "meta %s %s", meta_name(g->key), cmp_op_name(op));
	switch (g->key) {
	case NFT_META_NFPROTO:
	case NFT_META_PROTOCOL:
		return cmp_family(x, g, op, data);
	case NFT_META_L4PROTO:
		if (r->ip.proto || (r->ip.invflags & IR_INV_PROTO))
			return nx_refuse(x, "a second protocol test");
		if (!data[0])
			return nx_refuse(x, "meta l4proto 0");
		r->ip.proto = data[0];
		if (op == NFT_CMP_NEQ)
			r->ip.invflags |= IR_INV_PROTO;
		return 0;
	case NFT_META_IIFNAME:
		return cmp_ifname(x, r->ip.iif, IR_INV_IIF, op, (const char *)data, len);
	case NFT_META_OIFNAME:
		return cmp_ifname(x, r->ip.oif, IR_INV_OIF, op, (const char *)data, len);
	case NFT_META_MARK:
		if (len != 4)
			return nx_refuse(x, "meta mark of %u bytes", len);
		if (ir_rule_add_match(r, IR_MATCH_MARK, &m))
			return -ENOMEM;
		memcpy(&m->mark.mark, data, 4);
		m->mark.mask = UINT32_MAX;
		if (g->masked)
			memcpy(&m->mark.mask, g->mask, 4);
		m->mark.invert = op == NFT_CMP_NEQ;
		return 0;
	case NFT_META_PKTTYPE:
		if (g->masked)
			return nx_refuse(x, "masked meta pkttype");
		if (ir_rule_add_match(r, IR_MATCH_PKTTYPE, &m))
			return -ENOMEM;
		m->pkttype.type = data[0];
		m->pkttype.invert = op == NFT_CMP_NEQ;
		return 0;
	default:
		return nx_refuse(x, "meta %s (bpfw has no such match)", meta_name(g->key));
	}
}

/* An address test of the register's bytes (maybe masked) at the source or destination. */
static int cmp_addr(struct nx *x, const struct nx_reg *g, uint32_t src_off, uint32_t op,
		    const uint8_t *data, uint32_t len)
{
	uint32_t alen = x->family == IR_FAMILY_IPV4 ? 4 : 16;
	bool src = g->offset == src_off;
	struct ir_addr *a = src ? &x->r->ip.src : &x->r->ip.dst;
	uint8_t *addr = (uint8_t *)&a->addr, *mask = (uint8_t *)&a->mask;

	if (op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		return nx_refuse(x, "address %s", cmp_op_name(op));
	if (!g->len || g->len > alen || len != g->len)
		return nx_refuse(x, "address load of %u bytes", g->len);
	for (uint32_t i = 0; i < alen; i++)
		if (mask[i])
			return nx_refuse(x, "a second %s address test",
					 src ? "source" : "destination");
	for (uint32_t i = 0; i < g->len; i++) {
		mask[i] = g->masked ? g->mask[i] : 0xff;
		addr[i] = data[i] & mask[i];
	}
	if (op == NFT_CMP_NEQ)
		x->r->ip.invflags |= src ? IR_INV_SRC : IR_INV_DST;
	return 0;
}

/* A port test (eq, neq, or one bound of a range) of sport (@offset 0) or dport. */
static int ports_set(struct nx *x, uint32_t offset, uint32_t op, uint16_t v)
{
	struct ir_match *m = nx_ports_match(x);
	struct ir_port_range *p;
	uint32_t inv;

	if (!m)
		return -ENOMEM;
	p = offset == 0 ? &m->ports.sport : &m->ports.dport;
	inv = offset == 0 ? IR_PORT_INV_SRC : IR_PORT_INV_DST;
	switch (op) {
	case NFT_CMP_EQ:
	case NFT_CMP_NEQ:
		if (p->lo || p->hi != UINT16_MAX)
			return nx_refuse(x, "a second port test");
		p->lo = p->hi = v;
		if (op == NFT_CMP_NEQ)
			m->ports.invflags |= inv;
		return 0;
	case NFT_CMP_GTE:
	case NFT_CMP_GT:
		if (op == NFT_CMP_GT && v == UINT16_MAX)
			return nx_refuse(x, "port > 65535");
		p->lo = op == NFT_CMP_GT ? v + 1 : v;
		break;
	default:
		if (op == NFT_CMP_LT && v == 0)
			return nx_refuse(x, "port < 0");
		p->hi = op == NFT_CMP_LT ? v - 1 : v;
		break;
	}
	if (m->ports.invflags & inv)
		return nx_refuse(x, "a port range and an inverted port test");
	return 0;
}

static int cmp_transport(struct nx *x, const struct nx_reg *g, uint32_t op, const uint8_t *data,
			 uint32_t len)
{
	uint8_t proto = nx_l4proto(x);
	bool eq = op == NFT_CMP_EQ || op == NFT_CMP_NEQ;
	struct ir_match *m;
	int ret;

	if (g->len != len)
		return nx_refuse(x, "transport header load of %u bytes", g->len);
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && !g->masked) {
		if ((g->offset == 0 || g->offset == 2) && len == 2)
			return ports_set(x, g->offset, op, be_value(data, 2));
		if (g->offset == 0 && len == 4 && op == NFT_CMP_EQ) {
			ret = ports_set(x, 0, op, be_value(data, 2));
			return ret ?: ports_set(x, 2, op, be_value(data + 2, 2));
		}
	}
	if (x->r->ip.proto == IPPROTO_TCP && proto == IPPROTO_TCP && g->offset == 13 && len == 1 &&
	    eq) {
		m = nx_ports_match(x);
		if (!m)
			return -ENOMEM;
		if (m->ports.flags_mask)
			return nx_refuse(x, "a second tcp flags test");
		m->ports.flags_mask = g->masked ? g->mask[0] : 0xff;
		m->ports.flags_cmp = data[0];
		if (op == NFT_CMP_NEQ)
			m->ports.invflags |= IR_TCP_INV_FLAGS;
		if (!m->ports.flags_mask)
			return nx_refuse(x, "tcp flags under an empty mask");
		return 0;
	}
	if ((proto == IPPROTO_ICMP) != (x->family == IR_FAMILY_IPV4) &&
	    (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6))
		return nx_refuse(x, "%s header test in an %s packet",
				 proto == IPPROTO_ICMP ? "icmp" : "icmpv6",
				 x->family == IR_FAMILY_IPV4 ? "IPv4" : "IPv6");
	if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && !g->masked && g->offset == 0 &&
	    (len == 1 || len == 2) && eq) {
		enum ir_match_kind kind = proto == IPPROTO_ICMP ? IR_MATCH_ICMP : IR_MATCH_ICMP6;

		if (ir_rule_find_match(x->r, kind))
			return nx_refuse(x, "a second icmp test");
		if (ir_rule_add_match(x->r, kind, &m))
			return -ENOMEM;
		m->icmp.type = data[0];
		m->icmp.code_lo = len == 2 ? data[1] : 0;
		m->icmp.code_hi = len == 2 ? data[1] : 0xff;
		m->icmp.invert = op == NFT_CMP_NEQ;
		return 0;
	}
	return nx_refuse(x, "payload @transport header + %u (%u bytes) %s for protocol %u",
			 g->offset, g->len, cmp_op_name(op), proto);
}

/* ip ttl / ip6 hoplimit: -m ttl / -m hl (==, !=, <, >; <= and >= one step off). */
static int cmp_ttl(struct nx *x, uint32_t op, uint8_t v)
{
	enum ir_match_kind kind = x->family == IR_FAMILY_IPV4 ? IR_MATCH_TTL : IR_MATCH_HL;
	struct ir_match *m;

	if (ir_rule_find_match(x->r, kind))
		return nx_refuse(x, "a second %s test", kind == IR_MATCH_TTL ? "ttl" : "hoplimit");
	if ((op == NFT_CMP_LTE && v == 0xff) || (op == NFT_CMP_GTE && v == 0))
		return nx_refuse(x, "a %s test that every packet passes",
				 kind == IR_MATCH_TTL ? "ttl" : "hoplimit");
	if (ir_rule_add_match(x->r, kind, &m))
		return -ENOMEM;
	m->ttl.value = v;
	switch (op) {
	case NFT_CMP_EQ:
		m->ttl.mode = IR_TTL_EQ;
		break;
	case NFT_CMP_NEQ:
		m->ttl.mode = IR_TTL_NE;
		break;
	case NFT_CMP_LT:
		m->ttl.mode = IR_TTL_LT;
		break;
	case NFT_CMP_GT:
		m->ttl.mode = IR_TTL_GT;
		break;
	case NFT_CMP_LTE:
		m->ttl.mode = IR_TTL_LT;
		m->ttl.value = v + 1;
		break;
	default:
		m->ttl.mode = IR_TTL_GT;
		m->ttl.value = v - 1;
		break;
	}
	return 0;
}

static int cmp_network(struct nx *x, const struct nx_reg *g, uint32_t op, const uint8_t *data,
		       uint32_t len)
{
	if (!x->family_known)
		return nx_refuse(x, "network header test without a family test in an inet table");
	if (g->offset == (x->family == IR_FAMILY_IPV4 ? 8u : 7u) && g->len == 1 && !g->masked)
		return cmp_ttl(x, op, data[0]);
	if (x->family == IR_FAMILY_IPV4) {
		if (g->offset == 12 || g->offset == 16)
			return cmp_addr(x, g, 12, op, data, len);
		if (g->offset == 9 && g->len == 1 && !g->masked) {
			struct nx_reg l4 = { .kind = NX_REG_META, .key = NFT_META_L4PROTO };

			return cmp_meta(x, &l4, op, data, len);
		}
	} else if (g->offset == 8 || g->offset == 24) {
		return cmp_addr(x, g, 8, op, data, len);
	}
	return nx_refuse(x, "payload @network header + %u (%u bytes)", g->offset, g->len);
}

static int cmp_ct(struct nx *x, const struct nx_reg *g, uint32_t op, const uint8_t *data,
		  uint32_t len)
{
	bool eq = op == NFT_CMP_EQ || op == NFT_CMP_NEQ;
	struct ir_match *m;
	uint32_t v, mask;

	if (g->key != NFT_CT_STATE || len != 4)
		return nx_refuse(x, "ct %s (bpfw tests the ct state only)", ct_name(g->key));
	memcpy(&v, data, 4);
	memcpy(&mask, g->mask, 4);
	if (!eq || (g->masked && v))
		return nx_refuse(x, "ct state test of this form");
	if (ir_rule_find_match(x->r, IR_MATCH_CONNTRACK))
		return nx_refuse(x, "a second ct state test");
	if (ir_rule_add_match(x->r, IR_MATCH_CONNTRACK, &m))
		return -ENOMEM;
	/* masked: "ct state a,b" is (state & mask) != 0; unmasked: one state */
	m->ct.states = nx_ct_states(g->masked ? mask : v);
	m->ct.invert = g->masked ? op == NFT_CMP_EQ : op == NFT_CMP_NEQ;
	if (!m->ct.states)
		return nx_refuse(x, "ct state with no state bpfw knows");
	return 0;
}

/* A test may come here: not after the verdict, nor after a stateful match. */
static int test_start(struct nx *x, const char *what)
{
	if (x->verdict)
		return nx_refuse(x, "%s after the verdict", what);
	if (x->stateful)
		return nx_refuse(x, "%s after limit or recent (its counts would change)", what);
	if (x->log_stmt)
		return nx_refuse(x, "%s after a log statement (it logs what the test rejects)",
				 what);
	return 0;
}

static int do_cmp(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *g = reg_of(x, e, NFTNL_EXPR_CMP_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
	const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	int ret = test_start(x, "cmp");

	if (ret)
		return ret;
	if (!g || !data || len > 16)
		return nx_refuse(x, "cmp on a register bpfw did not follow");
	switch (g->kind) {
	case NX_REG_META:
		return cmp_meta(x, g, op, data, len);
	case NX_REG_CT:
		return cmp_ct(x, g, op, data, len);
	case NX_REG_PAYLOAD:
		if (g->base == NFT_PAYLOAD_NETWORK_HEADER)
			return cmp_network(x, g, op, data, len);
		if (g->base == NFT_PAYLOAD_TRANSPORT_HEADER)
			return cmp_transport(x, g, op, data, len);
		return nx_refuse(x, "payload @%s header + %u",
				 g->base == NFT_PAYLOAD_LL_HEADER ? "link" : "inner", g->offset);
	default:
		return nx_refuse(x, "cmp on a register bpfw did not follow");
	}
}

static int do_range(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *g = reg_of(x, e, NFTNL_EXPR_RANGE_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP), flen = 0, tlen = 0;
	const uint8_t *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &flen);
	const uint8_t *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tlen);
	uint8_t proto = nx_l4proto(x);
	struct ir_port_range *p;
	struct ir_match *m;
	int ret = test_start(x, "range");

	if (ret)
		return ret;
	if (!g || g->kind != NX_REG_PAYLOAD || g->base != NFT_PAYLOAD_TRANSPORT_HEADER ||
	    g->masked || g->len != 2 || flen != 2 || tlen != 2 ||
	    (g->offset != 0 && g->offset != 2) || (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return nx_refuse(x, "range other than of tcp or udp ports");
	m = nx_ports_match(x);
	if (!m)
		return -ENOMEM;
	p = g->offset == 0 ? &m->ports.sport : &m->ports.dport;
	if (p->lo || p->hi != UINT16_MAX)
		return nx_refuse(x, "a second port test");
	p->lo = be_value(from, 2);
	p->hi = be_value(to, 2);
	if (op == NFT_RANGE_NEQ)
		m->ports.invflags |= g->offset == 0 ? IR_PORT_INV_SRC : IR_PORT_INV_DST;
	return 0;
}

static int do_bitwise(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *s = reg_of(x, e, NFTNL_EXPR_BITWISE_SREG);
	struct nx_reg *d = reg_of(x, e, NFTNL_EXPR_BITWISE_DREG);
	uint32_t mlen = 0, xlen = 0;
	const uint8_t *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
	const uint8_t *xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);

	if (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL)
		return nx_refuse(x, "bitwise shift");
	if (!s || !d || !mask || mlen > 16 || s->kind == NX_REG_NONE || s->masked)
		return nx_refuse(x, "bitwise on a register bpfw did not follow");
	for (uint32_t i = 0; xor && i < xlen; i++)
		if (xor[i])
			return nx_refuse(x, "bitwise with a xor");
	*d = *s;
	memset(d->mask, 0, sizeof(d->mask));
	memcpy(d->mask, mask, mlen);
	d->masked = true;
	return 0;
}

static int do_immediate(struct nx *x, const struct nftnl_expr *e)
{
	struct ir_target *t = &x->r->target;
	const char *chain;
	int verdict;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT))
		return nx_refuse(x, "immediate data into a register");
	verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	switch (verdict) {
	case NF_ACCEPT:
		t->kind = IR_TARGET_ACCEPT;
		break;
	case NF_DROP:
		t->kind = IR_TARGET_DROP;
		break;
	case NFT_RETURN:
		t->kind = IR_TARGET_RETURN;
		break;
	case NFT_CONTINUE:
		return 0;
	case NFT_JUMP:
	case NFT_GOTO:
		chain = x->ops->chain_name(nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN),
					   x->ops->arg);
		if (!chain)
			return nx_refuse(x, "jump to chain %s, which is not imported",
					 nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
		t->kind = verdict == NFT_JUMP ? IR_TARGET_JUMP : IR_TARGET_GOTO;
		snprintf(t->chain, sizeof(t->chain), "%s", chain);
		break;
	default:
		return nx_refuse(x, "verdict %d (queue or stolen)", verdict);
	}
	x->verdict = true;
	return 0;
}

static int do_limit(struct nx *x, const struct nftnl_expr *e)
{
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	uint64_t unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
	uint32_t burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);
	struct ir_match *m;
	uint64_t avg;
	int ret = test_start(x, "limit");

	if (ret)
		return ret;
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) != NFT_LIMIT_PKTS)
		return nx_refuse(x, "limit in bytes");
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) & NFT_LIMIT_F_INV)
		return nx_refuse(x, "limit rate over");
	if (!rate || !unit)
		return nx_refuse(x, "limit of rate 0");
	avg = unit * IR_LIMIT_SCALE / rate;
	if (!avg || avg > UINT32_MAX || unit * IR_LIMIT_SCALE % rate)
		return nx_refuse(x, "limit rate %llu/%llu s has no exact -m limit equivalent",
				 (unsigned long long)rate, (unsigned long long)unit);
	if (ir_rule_add_match(x->r, IR_MATCH_LIMIT, &m))
		return -ENOMEM;
	m->limit.avg = avg;
	m->limit.burst = burst ? burst : IR_LIMIT_BURST;
	x->stateful = true;
	return 0;
}

static int do_log(struct nx *x, const struct nftnl_expr *e)
{
	const char *prefix = "";
	uint32_t level = IR_LOG_LEVEL, flags = 0;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
		prefix = nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_LEVEL))
		level = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_LEVEL);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_FLAGS))
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_FLAGS);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP))
		return nx_refuse(x, "log group (nflog)");
	if (x->log_stmt || x->verdict)
		return nx_refuse(x, "log after another log or the verdict");
	if (level > 7)
		return nx_refuse(x, "log level %u", level);
	if (strlen(prefix) >= IR_LOG_PREFIX_LEN)
		return nx_refuse(x, "log prefix of more than %d characters", IR_LOG_PREFIX_LEN - 1);
	if (flags & ~(uint32_t)(IR_LOG_TCPSEQ | IR_LOG_TCPOPT | IR_LOG_IPOPT | IR_LOG_UID |
				IR_LOG_MACDECODE))
		return nx_refuse(x, "log flags 0x%x", flags);
	strcpy(x->log.prefix, prefix);
	x->log.level = level;
	x->log.flags = flags;
	x->log_stmt = true;
	return 0;
}

/* reject with icmp(v6) type destination-unreachable code @code. */
static int reject_icmp(struct nx *x, uint32_t code, enum ir_reject_with *with)
{
	static const struct { uint8_t code; enum ir_reject_with with; } v4[] = {
		{ ICMP_NET_UNREACH, IR_REJECT_NET_UNREACH },
		{ ICMP_HOST_UNREACH, IR_REJECT_HOST_UNREACH },
		{ ICMP_PROT_UNREACH, IR_REJECT_PROTO_UNREACH },
		{ ICMP_PORT_UNREACH, IR_REJECT_PORT_UNREACH },
		{ ICMP_NET_ANO, IR_REJECT_NET_PROHIB },
		{ ICMP_HOST_ANO, IR_REJECT_HOST_PROHIB },
		{ ICMP_PKT_FILTERED, IR_REJECT_ADMIN_PROHIB },
	}, v6[] = {
		{ ICMP6_DST_UNREACH_NOROUTE, IR_REJECT6_NO_ROUTE },
		{ ICMP6_DST_UNREACH_ADMIN, IR_REJECT6_ADM_PROHIBITED },
		{ ICMP6_DST_UNREACH_ADDR, IR_REJECT6_ADDR_UNREACH },
		{ ICMP6_DST_UNREACH_NOPORT, IR_REJECT6_PORT_UNREACH },
		{ 5, IR_REJECT6_POLICY_FAIL },		/* ICMPV6_POLICY_FAIL */
		{ 6, IR_REJECT6_REJECT_ROUTE },		/* ICMPV6_REJECT_ROUTE */
	};
	bool four = x->family == IR_FAMILY_IPV4;
	unsigned int n = four ? sizeof(v4) / sizeof(v4[0]) : sizeof(v6) / sizeof(v6[0]);

	for (unsigned int i = 0; i < n; i++) {
		if ((four ? v4[i].code : v6[i].code) == code) {
			*with = four ? v4[i].with : v6[i].with;
			return 0;
		}
	}
	return nx_refuse(x, "reject with icmp code %u", code);
}

static int do_reject(struct nx *x, const struct nftnl_expr *e)
{
	static const enum ir_reject_with x4[] = {
		[NFT_REJECT_ICMPX_NO_ROUTE] = IR_REJECT_NET_UNREACH,
		[NFT_REJECT_ICMPX_PORT_UNREACH] = IR_REJECT_PORT_UNREACH,
		[NFT_REJECT_ICMPX_HOST_UNREACH] = IR_REJECT_HOST_UNREACH,
		[NFT_REJECT_ICMPX_ADMIN_PROHIBITED] = IR_REJECT_ADMIN_PROHIB,
	}, x6[] = {
		[NFT_REJECT_ICMPX_NO_ROUTE] = IR_REJECT6_NO_ROUTE,
		[NFT_REJECT_ICMPX_PORT_UNREACH] = IR_REJECT6_PORT_UNREACH,
		[NFT_REJECT_ICMPX_HOST_UNREACH] = IR_REJECT6_ADDR_UNREACH,
		[NFT_REJECT_ICMPX_ADMIN_PROHIBITED] = IR_REJECT6_ADM_PROHIBITED,
	};
	uint32_t type = nftnl_expr_get_u32(e, NFTNL_EXPR_REJECT_TYPE);
	uint32_t code = nftnl_expr_get_u8(e, NFTNL_EXPR_REJECT_CODE);
	struct ir_target *t = &x->r->target;
	int ret;

	switch (type) {
	case NFT_REJECT_TCP_RST:
		t->reject = IR_REJECT_TCP_RESET;
		break;
	case NFT_REJECT_ICMP_UNREACH:
		ret = reject_icmp(x, code, &t->reject);
		if (ret)
			return ret;
		break;
	case NFT_REJECT_ICMPX_UNREACH:
		if (code > NFT_REJECT_ICMPX_ADMIN_PROHIBITED)
			return nx_refuse(x, "reject with icmpx code %u", code);
		t->reject = (x->family == IR_FAMILY_IPV4 ? x4 : x6)[code];
		break;
	default:
		return nx_refuse(x, "reject of type %u", type);
	}
	t->kind = IR_TARGET_REJECT;
	x->verdict = true;
	return 0;
}

static int do_lookup(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *g = reg_of(x, e, NFTNL_EXPR_LOOKUP_SREG);
	uint32_t flags = 0;
	int ret = test_start(x, "lookup");

	if (ret)
		return ret;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS))
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG))
		return nx_refuse(x, "map lookup");
	if (!g || g->kind == NX_REG_NONE)
		return nx_refuse(x, "lookup on a register bpfw did not follow");
	return nx_lookup(x, g, nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET),
			 flags & NFT_LOOKUP_F_INV);
}

/* A register load: meta, ct or payload. */
static int do_load(struct nx *x, const struct nftnl_expr *e, const char *name)
{
	bool meta = !strcmp(name, "meta"), ct = !strcmp(name, "ct");
	struct nx_reg *g = reg_of(x, e, meta ? NFTNL_EXPR_META_DREG :
				  ct ? NFTNL_EXPR_CT_DREG : NFTNL_EXPR_PAYLOAD_DREG);

	if (!g)
		return nx_refuse(x, "%s set", name);
	if (ct && nftnl_expr_is_set(e, NFTNL_EXPR_CT_DIR))
		return nx_refuse(x, "ct original/reply");
	memset(g, 0, sizeof(*g));
	if (meta || ct) {
		g->kind = meta ? NX_REG_META : NX_REG_CT;
		g->key = nftnl_expr_get_u32(e, meta ? NFTNL_EXPR_META_KEY : NFTNL_EXPR_CT_KEY);
		return 0;
	}
	g->kind = NX_REG_PAYLOAD;
	g->base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	g->offset = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	g->len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	return 0;
}

static int do_expr(struct nftnl_expr *e, void *data)
{
	struct nx *x = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	const void *info;
	uint32_t len = 0;
	int ret;

	if (x->other_family)
		return 0;
	if (!strcmp(name, "meta") || !strcmp(name, "ct") || !strcmp(name, "payload"))
		return do_load(x, e, name);
	if (!strcmp(name, "cmp"))
		return do_cmp(x, e);
	if (!strcmp(name, "range"))
		return do_range(x, e);
	if (!strcmp(name, "bitwise"))
		return do_bitwise(x, e);
	if (!strcmp(name, "lookup"))
		return do_lookup(x, e);
	if (!strcmp(name, "immediate"))
		return do_immediate(x, e);
	if (!strcmp(name, "counter"))
		return 0;
	if (!strcmp(name, "limit"))
		return do_limit(x, e);
	if (!strcmp(name, "log"))
		return do_log(x, e);
	if (!strcmp(name, "reject"))
		return do_reject(x, e);
	if (!strcmp(name, "match")) {
		ret = test_start(x, "match");
		if (ret)
			return ret;
		info = nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len);
		return nx_xt_match(x, nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME),
				   nftnl_expr_get_u32(e, NFTNL_EXPR_MT_REV), info, len);
	}
	if (!strcmp(name, "target")) {
		if (x->verdict)
			return nx_refuse(x, "target after the verdict");
		info = nftnl_expr_get(e, NFTNL_EXPR_TG_INFO, &len);
		return nx_xt_target(x, nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME),
				    nftnl_expr_get_u32(e, NFTNL_EXPR_TG_REV), info, len);
	}
	return nx_refuse(x, "expression '%s' (bpfw has no equivalent)", name);
}

static int udata_cb(const struct nftnl_udata *attr, void *data)
{
	const char **comment = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && nftnl_udata_len(attr) > 0)
		*comment = nftnl_udata_get(attr);
	return 0;
}

static int add_comment(struct nx *x)
{
	const char *comment = NULL, *ud;
	struct ir_match *m;
	uint32_t len = 0;

	if (!nftnl_rule_is_set(x->rule, NFTNL_RULE_USERDATA))
		return 0;
	ud = nftnl_rule_get_data(x->rule, NFTNL_RULE_USERDATA, &len);
	if (nftnl_udata_parse(ud, len, udata_cb, &comment) < 0 || !comment)
		return 0;
	if (ir_rule_find_match(x->r, IR_MATCH_COMMENT))
		return 0;
	if (strnlen(comment, IR_COMMENT_MAXLEN) >= IR_COMMENT_MAXLEN)
		return nx_refuse(x, "comment of more than %d characters", IR_COMMENT_MAXLEN - 1);
	if (ir_rule_add_match(x->r, IR_MATCH_COMMENT, &m))
		return -ENOMEM;
	m->comment = strdup(comment);
	return m->comment ? 0 : -ENOMEM;
}

static int out_add(struct ir_rule ***out, unsigned int *n, struct ir_rule *r)
{
	struct ir_rule **more;

	if (!r)
		return -ENOMEM;
	more = realloc(*out, (*n + 1) * sizeof(*more));
	if (!more) {
		ir_rule_free(r);
		return -ENOMEM;
	}
	*out = more;
	(*out)[(*n)++] = r;
	return 0;
}

/* Apply alternative @a of a set of @kind (its match at @match) to @r. */
static void alt_apply(struct ir_rule *r, enum nx_alt_kind kind, int match, const struct nx_alt *a)
{
	switch (kind) {
	case NX_ALT_SRC:
		r->ip.src = a->addr;
		break;
	case NX_ALT_DST:
		r->ip.dst = a->addr;
		break;
	case NX_ALT_PROTO:
		r->ip.proto = a->proto;
		/* ports tested under a set of tcp and udp: each its own match */
		for (unsigned int i = 0; i < r->n_matches; i++)
			if (r->matches[i].kind == IR_MATCH_TCP ||
			    r->matches[i].kind == IR_MATCH_UDP)
				r->matches[i].kind = a->proto == IPPROTO_TCP ? IR_MATCH_TCP :
						     IR_MATCH_UDP;
		break;
	case NX_ALT_PORTS:
		r->matches[match].mport = a->mport;
		break;
	case NX_ALT_ICMP:
		r->matches[match].icmp.type = a->proto;
		break;
	default:
		break;
	}
}

/* @base with combination @k of the expanded sets applied. */
static struct ir_rule *alt_rule(const struct nx *x, const struct ir_rule *base, unsigned int k)
{
	struct ir_rule *r = ir_rule_clone(base);

	if (!r)
		return NULL;
	for (unsigned int d = 0; d < x->n_dims; d++) {
		const struct nx_dim *dim = &x->dims[d];

		alt_apply(r, dim->kind, dim->match, &dim->alts[k % dim->n]);
		k /= dim->n;
	}
	return r;
}

/* The rule (once per combination of its sets' elements), split in a LOG rule and the verdict's. */
static int emit(struct nx *x, struct ir_rule ***out, unsigned int *n)
{
	bool split = x->log_stmt && x->r->target.kind != IR_TARGET_NONE;
	unsigned int n_alts = 1;
	int ret = 0;

	for (unsigned int d = 0; d < x->n_dims; d++)
		n_alts *= x->dims[d].n;
	if (n_alts > NX_MAX_ALT)
		return nx_refuse(x, "sets that expand into %u rules", n_alts);
	if (x->log_stmt && x->r->target.kind == IR_TARGET_LOG)
		return nx_refuse(x, "two log statements");
	if (split && x->stateful)
		return nx_refuse(x, "log and a verdict in a rule with limit or recent");
	if (n_alts > 1 && x->stateful)
		return nx_refuse(x, "a set expanded into %u rules with limit or recent", n_alts);
	for (unsigned int i = 0; i < n_alts && !ret; i++) {
		struct ir_rule *r;

		if (x->log_stmt) {
			r = alt_rule(x, x->r, i);
			if (r)
				r->target = (struct ir_target){ .kind = IR_TARGET_LOG,
								.log = x->log };
			ret = out_add(out, n, r);
			if (ret || !split)
				continue;
		}
		ret = out_add(out, n, alt_rule(x, x->r, i));
	}
	return ret;
}

int nft_rule_translate(const struct nft_dump *d, const struct nftnl_rule *rule,
		       enum ir_family family, const struct nft_xlate_ops *ops,
		       struct ir_rule ***out, unsigned int *n_out, char *why, size_t why_len)
{
	struct nx x = {
		.d = d, .rule = rule, .family = family,
		.nfproto = nftnl_rule_get_u32(rule, NFTNL_RULE_FAMILY),
		.ops = ops, .why = why, .why_len = why_len,
		.alt_match = -1,
	};
	int ret;

	why[0] = '\0';
	x.family_known = x.nfproto != NFPROTO_INET;
	x.r = ir_rule_new();
	if (!x.r)
		return -ENOMEM;
	ret = nftnl_expr_foreach((struct nftnl_rule *)rule, do_expr, &x);
	if (!ret && !x.other_family)
		ret = add_comment(&x);
	if (!ret && !x.other_family) {
		ret = emit(&x, out, n_out);
	}
	if (ret && ret != -ENOMEM && !why[0])
		nx_refuse(&x, "an expression bpfw could not read");
	ir_rule_free(x.r);
	free(x.alts);
	for (unsigned int i = 0; i < x.n_dims; i++)
		free(x.dims[i].alts);
	return ret;
}
