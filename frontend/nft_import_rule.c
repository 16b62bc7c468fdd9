// SPDX-License-Identifier: GPL-2.0
/*
 * One nf_tables rule into the rule model: its expressions walked in order,
 * loads into registers remembered, comparisons handed to nft_import_cmp.c,
 * statements (counter, limit, log, reject) and the verdict turned into
 * matches and the target, a set's elements into one rule each where needed.
 * Anything without an exact equivalent refuses the whole rule and says
 * which expression.
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

struct nx_reg *nx_reg_of(struct nx *x, const struct nftnl_expr *e, uint16_t attr)
{
	uint32_t i;

	if (!nftnl_expr_is_set(e, attr))
		return NULL;
	i = nftnl_expr_get_u32(e, attr);
	return i < NX_REGS ? &x->regs[i] : NULL;
}

int nx_test_start(struct nx *x, const char *what)
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

static int do_bitwise(struct nx *x, const struct nftnl_expr *e)
{
	struct nx_reg *s = nx_reg_of(x, e, NFTNL_EXPR_BITWISE_SREG);
	struct nx_reg *d = nx_reg_of(x, e, NFTNL_EXPR_BITWISE_DREG);
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

int nx_verdict(struct nx *x, int verdict, const char *nft_chain, const char *what,
	       struct ir_target *t, bool *cont)
{
	const char *chain;

	*cont = false;
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
		*cont = true;
		break;
	case NFT_JUMP:
	case NFT_GOTO:
		chain = x->ops->chain_name(nft_chain, x->ops->arg);
		if (!chain)
			return nx_refuse(x, "%sjump to chain %s, which is not imported", what,
					 nft_chain);
		t->kind = verdict == NFT_JUMP ? IR_TARGET_JUMP : IR_TARGET_GOTO;
		snprintf(t->chain, sizeof(t->chain), "%s", chain);
		break;
	default:
		return nx_refuse(x, "%sverdict %d (queue or stolen)", what, verdict);
	}
	return 0;
}

static int do_immediate(struct nx *x, const struct nftnl_expr *e)
{
	bool cont;
	int ret;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT))
		return nx_refuse(x, "immediate data into a register");
	ret = nx_verdict(x, (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT),
			 nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN), "", &x->r->target, &cont);
	if (!ret && !cont)
		x->verdict = true;
	return ret;
}

static int do_limit(struct nx *x, const struct nftnl_expr *e)
{
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	uint64_t unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
	uint32_t burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);
	struct ir_match *m;
	uint64_t avg;
	int ret = nx_test_start(x, "limit");

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
	struct nx_reg *g = nx_reg_of(x, e, NFTNL_EXPR_LOOKUP_SREG);
	uint32_t flags = 0;
	int ret = nx_test_start(x, "lookup");

	if (ret)
		return ret;
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_FLAGS))
		flags = nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_FLAGS);
	if (!g || g->kind == NX_REG_NONE)
		return nx_refuse(x, "lookup on a register bpfw did not follow");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOOKUP_DREG)) {
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_LOOKUP_DREG) != NFT_REG_VERDICT ||
		    (flags & NFT_LOOKUP_F_INV))
			return nx_refuse(x, "map lookup");
		return nx_vmap(x, g, nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET));
	}
	return nx_lookup(x, g, nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET),
			 flags & NFT_LOOKUP_F_INV);
}

/* A register load: meta, ct or payload. */
static int do_load(struct nx *x, const struct nftnl_expr *e, const char *name)
{
	bool meta = !strcmp(name, "meta"), ct = !strcmp(name, "ct");
	struct nx_reg *g = nx_reg_of(x, e, meta ? NFTNL_EXPR_META_DREG :
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
		return nx_cmp(x, e);
	if (!strcmp(name, "range"))
		return nx_range(x, e);
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
		ret = nx_test_start(x, "match");
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
	case NX_ALT_CTSTATE:
		r->matches[match].ct.states = a->ctstates;
		break;
	default:
		break;
	}
}

/* Whether combination @k takes a verdict map's "continue": it makes no rule. */
static bool alt_skipped(const struct nx *x, unsigned int k)
{
	for (unsigned int d = 0; d < x->n_dims; d++) {
		const struct nx_dim *dim = &x->dims[d];

		if (dim->verdicts && dim->alts[k % dim->n].skip)
			return true;
		k /= dim->n;
	}
	return false;
}

/* @base with combination @k of the expanded sets applied (a verdict map's: its verdict). */
static struct ir_rule *alt_rule(const struct nx *x, const struct ir_rule *base, unsigned int k)
{
	struct ir_rule *r = ir_rule_clone(base);

	if (!r)
		return NULL;
	for (unsigned int d = 0; d < x->n_dims; d++) {
		const struct nx_dim *dim = &x->dims[d];

		alt_apply(r, dim->kind, dim->match, &dim->alts[k % dim->n]);
		if (dim->verdicts)
			r->target = dim->alts[k % dim->n].target;
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

		if (alt_skipped(x, i))
			continue;
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
