// SPDX-License-Identifier: GPL-2.0
/*
 * The comparisons of an nf_tables rule (cmp and range on what a register
 * holds) as the parts of an iptables rule they test: addresses, interfaces,
 * protocol, ports, tcp flags, icmp types, ttl, ct state, mark, packet type,
 * and the family a rule of an inet table is for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nft_import_internal.h"

#include <libnftnl/expr.h>
#include <linux/if_ether.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

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

int nx_cmp(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *g = nx_reg_of(x, e, NFTNL_EXPR_CMP_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len = 0;
	const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	int ret = nx_test_start(x, "cmp");

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

int nx_range(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *g = nx_reg_of(x, e, NFTNL_EXPR_RANGE_SREG);
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP), flen = 0, tlen = 0;
	const uint8_t *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &flen);
	const uint8_t *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tlen);
	uint8_t proto = nx_l4proto(x);
	struct ir_port_range *p;
	struct ir_match *m;
	int ret = nx_test_start(x, "range");

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
