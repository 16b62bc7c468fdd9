// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-nft's compat expressions: an xtables match or target by name
 * and revision with its kernel info struct, as iptables-nft writes the
 * extensions nf_tables has no native form for (conntrack, multiport,
 * comment, LOG, REJECT, recent, iprange, addrtype...), into the rule model.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_import_internal.h"

#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_recent.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv4/ipt_ttl.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_hl.h>

/* xt_state's and xt_conntrack's state bits share nft's layout up to UNTRACKED. */
static uint8_t conntrack_states(uint32_t mask)
{
	uint8_t s = nx_ct_states(mask & ~(uint32_t)XT_STATE_UNTRACKED);

	if (mask & XT_CONNTRACK_STATE_UNTRACKED)
		s |= IR_CT_UNTRACKED;
	if (mask & XT_CONNTRACK_STATE_SNAT)
		s |= IR_CT_SNAT;
	if (mask & XT_CONNTRACK_STATE_DNAT)
		s |= IR_CT_DNAT;
	return s;
}

static int mt_conntrack(struct nx *x, const struct xt_conntrack_mtinfo3 *ct)
{
	struct ir_match *m;
	bool alias = ct->match_flags & XT_CONNTRACK_STATE_ALIAS;

	if ((ct->match_flags & ~(XT_CONNTRACK_STATE | XT_CONNTRACK_STATE_ALIAS)) ||
	    !(ct->match_flags & XT_CONNTRACK_STATE))
		return nx_refuse(x, "match conntrack with tests other than --ctstate");
	if (ir_rule_add_match(x->r, alias ? IR_MATCH_STATE : IR_MATCH_CONNTRACK, &m))
		return -ENOMEM;
	m->ct.states = conntrack_states(ct->state_mask);
	m->ct.invert = ct->invert_flags & XT_CONNTRACK_STATE;
	return 0;
}

static int mt_multiport(struct nx *x, const struct xt_multiport_v1 *mp)
{
	struct ir_match *m;

	if (mp->count > IR_MULTIPORT_MAX || mp->flags > XT_MULTIPORT_EITHER)
		return nx_refuse(x, "match multiport of %u ports", mp->count);
	if (ir_rule_add_match(x->r, IR_MATCH_MULTIPORT, &m))
		return -ENOMEM;
	m->mport.which = mp->flags == XT_MULTIPORT_SOURCE ? IR_MULTIPORT_SRC :
			 mp->flags == XT_MULTIPORT_DESTINATION ? IR_MULTIPORT_DST :
			 IR_MULTIPORT_EITHER;
	m->mport.invert = mp->invert;
	for (unsigned int i = 0; i < mp->count; i++) {
		struct ir_port_range *p = &m->mport.ports[m->mport.n++];

		p->lo = p->hi = mp->ports[i];
		if (mp->pflags[i] && i + 1 < mp->count)
			p->hi = mp->ports[++i];
	}
	return 0;
}

static int mt_icmp(struct nx *x, bool v6, uint8_t type, const uint8_t code[2], bool invert)
{
	struct ir_match *m;

	if (ir_rule_add_match(x->r, v6 ? IR_MATCH_ICMP6 : IR_MATCH_ICMP, &m))
		return -ENOMEM;
	m->icmp.type = type;
	m->icmp.code_lo = code[0];
	m->icmp.code_hi = code[1];
	m->icmp.invert = invert;
	return 0;
}

static int mt_tcpudp(struct nx *x, bool tcp, const void *info)
{
	const struct xt_tcp *t = info;
	const struct xt_udp *u = info;
	struct ir_match *m;

	if (tcp && t->option)
		return nx_refuse(x, "match tcp --tcp-option");
	if (ir_rule_add_match(x->r, tcp ? IR_MATCH_TCP : IR_MATCH_UDP, &m))
		return -ENOMEM;
	m->ports.sport.lo = tcp ? t->spts[0] : u->spts[0];
	m->ports.sport.hi = tcp ? t->spts[1] : u->spts[1];
	m->ports.dport.lo = tcp ? t->dpts[0] : u->dpts[0];
	m->ports.dport.hi = tcp ? t->dpts[1] : u->dpts[1];
	if (tcp) {
		m->ports.flags_mask = t->flg_mask;
		m->ports.flags_cmp = t->flg_cmp;
	}
	m->ports.invflags = ((tcp ? t->invflags : u->invflags) & XT_TCP_INV_SRCPT ?
			     IR_PORT_INV_SRC : 0) |
			    ((tcp ? t->invflags : u->invflags) & XT_TCP_INV_DSTPT ?
			     IR_PORT_INV_DST : 0) |
			    (tcp && (t->invflags & XT_TCP_INV_FLAGS) ? IR_TCP_INV_FLAGS : 0);
	return 0;
}

static int mt_recent(struct nx *x, const struct xt_recent_mtinfo_v1 *rc, bool v1)
{
	struct ir_match *m;

	if (strnlen(rc->name, sizeof(rc->name)) >= IR_RECENT_NAMELEN)
		return nx_refuse(x, "match recent with a name too long");
	if (ir_rule_add_match(x->r, IR_MATCH_RECENT, &m))
		return -ENOMEM;
	strcpy(m->recent->name, rc->name);
	m->recent->check_set = rc->check_set;
	m->recent->invert = rc->invert;
	m->recent->dest = rc->side == XT_RECENT_DEST;
	m->recent->seconds = rc->seconds;
	m->recent->hitcount = rc->hit_count;
	if (v1) {
		m->recent->mask = rc->mask.in;
		m->recent->mask6 = rc->mask.in6;
	}
	x->stateful |= rc->check_set & (XT_RECENT_SET | XT_RECENT_UPDATE | XT_RECENT_REMOVE);
	return 0;
}

static int mt_iprange(struct nx *x, const struct xt_iprange_mtinfo *ir)
{
	struct ir_match *m;

	if (ir_rule_add_match(x->r, IR_MATCH_IPRANGE, &m))
		return -ENOMEM;
	m->iprange.src = ir->flags & IPRANGE_SRC;
	m->iprange.dst = ir->flags & IPRANGE_DST;
	m->iprange.inv_src = ir->flags & IPRANGE_SRC_INV;
	m->iprange.inv_dst = ir->flags & IPRANGE_DST_INV;
	if (x->family == IR_FAMILY_IPV4) {
		m->iprange.src_lo = ntohl(ir->src_min.ip);
		m->iprange.src_hi = ntohl(ir->src_max.ip);
		m->iprange.dst_lo = ntohl(ir->dst_min.ip);
		m->iprange.dst_hi = ntohl(ir->dst_max.ip);
	} else {
		m->iprange.src6_lo = ir->src_min.in6;
		m->iprange.src6_hi = ir->src_max.in6;
		m->iprange.dst6_lo = ir->dst_min.in6;
		m->iprange.dst6_hi = ir->dst_max.in6;
	}
	return 0;
}

/* Whether @len bytes hold a @need-byte info struct. */
#define INFO_OK(len, type)	((len) >= sizeof(type))

int nx_xt_match(struct nx *x, const char *name, uint32_t rev, const void *info, uint32_t len)
{
	struct ir_match *m;

	if (!name || !info)
		return nx_refuse(x, "match without its info");
	if (!strcmp(name, "conntrack") && rev == 3 && INFO_OK(len, struct xt_conntrack_mtinfo3))
		return mt_conntrack(x, info);
	if (!strcmp(name, "state") && rev == 0 && INFO_OK(len, struct xt_state_info)) {
		if (ir_rule_add_match(x->r, IR_MATCH_STATE, &m))
			return -ENOMEM;
		m->ct.states = nx_ct_states(((const struct xt_state_info *)info)->statemask);
		return 0;
	}
	if (!strcmp(name, "comment") && INFO_OK(len, struct xt_comment_info)) {
		const struct xt_comment_info *c = info;

		if (ir_rule_add_match(x->r, IR_MATCH_COMMENT, &m))
			return -ENOMEM;
		m->comment = strndup(c->comment, sizeof(c->comment) - 1);
		return m->comment ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "multiport") && rev == 1 && INFO_OK(len, struct xt_multiport_v1))
		return mt_multiport(x, info);
	if (!strcmp(name, "icmp") && rev == 0 && INFO_OK(len, struct ipt_icmp)) {
		const struct ipt_icmp *ic = info;

		return mt_icmp(x, false, ic->type, ic->code, ic->invflags & IPT_ICMP_INV);
	}
	if (!strcmp(name, "icmp6") && rev == 0 && INFO_OK(len, struct ip6t_icmp)) {
		const struct ip6t_icmp *ic = info;

		return mt_icmp(x, true, ic->type, ic->code, ic->invflags & IP6T_ICMP_INV);
	}
	if ((!strcmp(name, "tcp") && INFO_OK(len, struct xt_tcp)) ||
	    (!strcmp(name, "udp") && INFO_OK(len, struct xt_udp)))
		return mt_tcpudp(x, name[0] == 't', info);
	if (!strcmp(name, "limit") && rev == 0 && INFO_OK(len, struct xt_rateinfo)) {
		const struct xt_rateinfo *ri = info;

		if (ir_rule_add_match(x->r, IR_MATCH_LIMIT, &m))
			return -ENOMEM;
		m->limit.avg = ri->avg;
		m->limit.burst = ri->burst;
		x->stateful = true;
		return 0;
	}
	if (!strcmp(name, "addrtype") && rev == 1 && INFO_OK(len, struct xt_addrtype_info_v1)) {
		const struct xt_addrtype_info_v1 *at = info;

		if (at->flags & (XT_ADDRTYPE_LIMIT_IFACE_IN | XT_ADDRTYPE_LIMIT_IFACE_OUT))
			return nx_refuse(x, "match addrtype --limit-iface-in/out");
		if (ir_rule_add_match(x->r, IR_MATCH_ADDRTYPE, &m))
			return -ENOMEM;
		m->addrtype.src = at->source;
		m->addrtype.dst = at->dest;
		m->addrtype.inv_src = at->flags & XT_ADDRTYPE_INVERT_SOURCE;
		m->addrtype.inv_dst = at->flags & XT_ADDRTYPE_INVERT_DEST;
		return 0;
	}
	if (!strcmp(name, "recent") && rev <= 1 &&
	    INFO_OK(len, struct xt_recent_mtinfo))
		return rev == 1 && !INFO_OK(len, struct xt_recent_mtinfo_v1) ?
		       nx_refuse(x, "match recent of a short info") : mt_recent(x, info, rev == 1);
	if (!strcmp(name, "iprange") && rev == 1 && INFO_OK(len, struct xt_iprange_mtinfo))
		return mt_iprange(x, info);
	if (!strcmp(name, "mark") && rev == 1 && INFO_OK(len, struct xt_mark_mtinfo1)) {
		const struct xt_mark_mtinfo1 *mk = info;

		if (ir_rule_add_match(x->r, IR_MATCH_MARK, &m))
			return -ENOMEM;
		m->mark.mark = mk->mark;
		m->mark.mask = mk->mask;
		m->mark.invert = mk->invert;
		return 0;
	}
	if (!strcmp(name, "pkttype") && rev == 0 && INFO_OK(len, struct xt_pkttype_info)) {
		const struct xt_pkttype_info *pt = info;

		if (ir_rule_add_match(x->r, IR_MATCH_PKTTYPE, &m))
			return -ENOMEM;
		m->pkttype.type = pt->pkttype;
		m->pkttype.invert = pt->invert;
		return 0;
	}
	if (!strcmp(name, "mac") && rev == 0 && INFO_OK(len, struct xt_mac_info)) {
		const struct xt_mac_info *mi = info;

		if (ir_rule_add_match(x->r, IR_MATCH_MAC, &m))
			return -ENOMEM;
		memcpy(m->mac.addr, mi->srcaddr, sizeof(m->mac.addr));
		m->mac.invert = mi->invert;
		return 0;
	}
	if (!strcmp(name, "length") && rev == 0 && INFO_OK(len, struct xt_length_info)) {
		const struct xt_length_info *li = info;

		if (ir_rule_add_match(x->r, IR_MATCH_LENGTH, &m))
			return -ENOMEM;
		m->length.lo = li->min;
		m->length.hi = li->max;
		m->length.invert = li->invert;
		return 0;
	}
	if (!strcmp(name, "ttl") && rev == 0 && INFO_OK(len, struct ipt_ttl_info)) {
		const struct ipt_ttl_info *ti = info;

		if (ti->mode > IPT_TTL_GT || ir_rule_add_match(x->r, IR_MATCH_TTL, &m))
			return ti->mode > IPT_TTL_GT ? nx_refuse(x, "match ttl mode %u", ti->mode) :
			       -ENOMEM;
		m->ttl.mode = ti->mode;		/* IPT_TTL_EQ, _NE, _LT, _GT: as the IR */
		m->ttl.value = ti->ttl;
		return 0;
	}
	if (!strcmp(name, "hl") && rev == 0 && INFO_OK(len, struct ip6t_hl_info)) {
		const struct ip6t_hl_info *hi = info;

		if (hi->mode > IP6T_HL_GT || ir_rule_add_match(x->r, IR_MATCH_HL, &m))
			return hi->mode > IP6T_HL_GT ? nx_refuse(x, "match hl mode %u", hi->mode) :
			       -ENOMEM;
		m->ttl.mode = hi->mode;
		m->ttl.value = hi->hop_limit;
		return 0;
	}
	return nx_refuse(x, "match %s revision %u (bpfw has no such match)", name, rev);
}

static int tg_reject(struct nx *x, const void *info, uint32_t len)
{
	static const int v4[] = {
		[IPT_ICMP_NET_UNREACHABLE] = IR_REJECT_NET_UNREACH,
		[IPT_ICMP_HOST_UNREACHABLE] = IR_REJECT_HOST_UNREACH,
		[IPT_ICMP_PROT_UNREACHABLE] = IR_REJECT_PROTO_UNREACH,
		[IPT_ICMP_PORT_UNREACHABLE] = IR_REJECT_PORT_UNREACH,
		[IPT_ICMP_ECHOREPLY] = -1,
		[IPT_ICMP_NET_PROHIBITED] = IR_REJECT_NET_PROHIB,
		[IPT_ICMP_HOST_PROHIBITED] = IR_REJECT_HOST_PROHIB,
		[IPT_TCP_RESET] = IR_REJECT_TCP_RESET,
		[IPT_ICMP_ADMIN_PROHIBITED] = IR_REJECT_ADMIN_PROHIB,
	};
	static const int v6[] = {
		[IP6T_ICMP6_NO_ROUTE] = IR_REJECT6_NO_ROUTE,
		[IP6T_ICMP6_ADM_PROHIBITED] = IR_REJECT6_ADM_PROHIBITED,
		[IP6T_ICMP6_NOT_NEIGHBOUR] = -1,
		[IP6T_ICMP6_ADDR_UNREACH] = IR_REJECT6_ADDR_UNREACH,
		[IP6T_ICMP6_PORT_UNREACH] = IR_REJECT6_PORT_UNREACH,
		[IP6T_ICMP6_ECHOREPLY] = -1,
		[IP6T_TCP_RESET] = IR_REJECT_TCP_RESET,
		[IP6T_ICMP6_POLICY_FAIL] = IR_REJECT6_POLICY_FAIL,
		[IP6T_ICMP6_REJECT_ROUTE] = IR_REJECT6_REJECT_ROUTE,
	};
	uint32_t with;
	int r;

	if (len < sizeof(uint32_t))
		return nx_refuse(x, "target REJECT without its info");
	memcpy(&with, info, sizeof(with));
	if (x->family == IR_FAMILY_IPV4)
		r = with < sizeof(v4) / sizeof(v4[0]) ? v4[with] : -1;
	else
		r = with < sizeof(v6) / sizeof(v6[0]) ? v6[with] : -1;
	if (r < 0)
		return nx_refuse(x, "target REJECT --reject-with %u", with);
	x->r->target.kind = IR_TARGET_REJECT;
	x->r->target.reject = r;
	x->verdict = true;
	return 0;
}

int nx_xt_target(struct nx *x, const char *name, uint32_t rev, const void *info, uint32_t len)
{
	struct ir_target *t = &x->r->target;

	if (!name || !info)
		return nx_refuse(x, "target without its info");
	if (!strcmp(name, "REJECT") && rev == 0)
		return tg_reject(x, info, len);
	if (!strcmp(name, "LOG") && rev == 0 && INFO_OK(len, struct xt_log_info)) {
		const struct xt_log_info *li = info;

		if (li->level > 7)
			return nx_refuse(x, "target LOG --log-level %u", li->level);
		t->kind = IR_TARGET_LOG;
		t->log.level = li->level;
		t->log.flags = li->logflags;
		snprintf(t->log.prefix, sizeof(t->log.prefix), "%.*s",
			 (int)sizeof(li->prefix), li->prefix);
		return 0;
	}
	return nx_refuse(x, "target %s revision %u (bpfw has no such target)", name, rev);
}
