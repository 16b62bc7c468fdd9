// SPDX-License-Identifier: GPL-2.0
/* nft's values: families, addresses, ports, ICMP types, chain priorities, set names. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

#include "nft_syntax.h"

int nft_family_parse(const char *s, enum ir_nft_family *fam)
{
	static const char *const names[IR_NFT_FAMILY_MAX] = { "ip", "ip6", "inet" };

	for (int i = 0; i < IR_NFT_FAMILY_MAX; i++) {
		if (!strcmp(s, names[i])) {
			*fam = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int prefix_mask(enum ir_family family, unsigned long plen, struct ir_addr *a)
{
	uint8_t *m = (uint8_t *)&a->mask;
	unsigned int bytes = family == IR_FAMILY_IPV6 ? 16 : 4;

	if (plen > bytes * 8)
		return -EINVAL;
	memset(&a->mask, 0, sizeof(a->mask));
	for (unsigned int i = 0; i < plen; i++)
		m[i / 8] |= 0x80 >> (i % 8);
	for (unsigned int i = 0; i < bytes; i++)
		((uint8_t *)&a->addr)[i] &= m[i];
	return 0;
}

int nft_addr_parse(const char *s, enum ir_family family, struct ir_addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long plen = family == IR_FAMILY_IPV6 ? 128 : 32;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	memset(a, 0, sizeof(*a));
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		plen = strtoul(slash, &end, 10);
		if (!*slash || *end)
			return -EINVAL;
	}
	if (inet_pton(family == IR_FAMILY_IPV6 ? AF_INET6 : AF_INET, buf, &a->addr) != 1)
		return -EINVAL;
	return prefix_mask(family, plen, a);
}

static int port_parse(const char *s, uint16_t *port)
{
	struct servent *se;
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*s && !*end) {
		if (v > 65535)
			return -ERANGE;
		*port = v;
		return 0;
	}
	se = getservbyname(s, NULL);
	if (!se)
		return -EINVAL;
	*port = ntohs(se->s_port);
	return 0;
}

int nft_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[64], *dash;
	int ret;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	dash = strchr(buf + 1, '-');
	if (dash)
		*dash++ = '\0';
	ret = port_parse(buf, lo);
	if (ret)
		return ret;
	*hi = *lo;
	if (dash) {
		ret = port_parse(dash, hi);
		if (!ret && *hi < *lo)
			ret = -ERANGE;
	}
	return ret;
}

struct icmp_type_name {
	const char *name;
	uint8_t type;
};

static const struct icmp_type_name icmp_types[] = {
	{ "echo-reply", ICMP_ECHOREPLY },
	{ "destination-unreachable", ICMP_DEST_UNREACH },
	{ "source-quench", ICMP_SOURCE_QUENCH },
	{ "redirect", ICMP_REDIRECT },
	{ "echo-request", ICMP_ECHO },
	{ "router-advertisement", ICMP_ROUTERADVERT },
	{ "router-solicitation", ICMP_ROUTERSOLICIT },
	{ "time-exceeded", ICMP_TIME_EXCEEDED },
	{ "parameter-problem", ICMP_PARAMETERPROB },
	{ "timestamp-request", ICMP_TIMESTAMP },
	{ "timestamp-reply", ICMP_TIMESTAMPREPLY },
	{ "info-request", ICMP_INFO_REQUEST },
	{ "info-reply", ICMP_INFO_REPLY },
	{ "address-mask-request", ICMP_ADDRESS },
	{ "address-mask-reply", ICMP_ADDRESSREPLY },
};

static const struct icmp_type_name icmp6_types[] = {
	{ "destination-unreachable", ICMP6_DST_UNREACH },
	{ "packet-too-big", ICMP6_PACKET_TOO_BIG },
	{ "time-exceeded", ICMP6_TIME_EXCEEDED },
	{ "parameter-problem", ICMP6_PARAM_PROB },
	{ "echo-request", ICMP6_ECHO_REQUEST },
	{ "echo-reply", ICMP6_ECHO_REPLY },
	{ "mld-listener-query", MLD_LISTENER_QUERY },
	{ "mld-listener-report", MLD_LISTENER_REPORT },
	{ "mld-listener-done", MLD_LISTENER_REDUCTION },
	{ "mld-listener-reduction", MLD_LISTENER_REDUCTION },
	{ "nd-router-solicit", ND_ROUTER_SOLICIT },
	{ "nd-router-advert", ND_ROUTER_ADVERT },
	{ "nd-neighbor-solicit", ND_NEIGHBOR_SOLICIT },
	{ "nd-neighbor-advert", ND_NEIGHBOR_ADVERT },
	{ "nd-redirect", ND_REDIRECT },
	{ "router-renumbering", ICMP6_ROUTER_RENUMBERING },
	{ "ind-neighbor-solicit", 141 },	/* RFC 3122: no name in the headers */
	{ "ind-neighbor-advert", 142 },
	{ "mld2-listener-report", 143 },
};

#define N_ICMP	(sizeof(icmp_types) / sizeof(icmp_types[0]))
#define N_ICMP6	(sizeof(icmp6_types) / sizeof(icmp6_types[0]))

int nft_icmp_type_parse(const char *s, bool v6, uint8_t *type)
{
	const struct icmp_type_name *v = v6 ? icmp6_types : icmp_types;
	size_t n = v6 ? N_ICMP6 : N_ICMP;
	char *end;
	unsigned long num = strtoul(s, &end, 0);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(s, v[i].name)) {
			*type = v[i].type;
			return 0;
		}
	}
	if (!*s || *end || num > 255)
		return -EINVAL;
	*type = num;
	return 0;
}

const char *nft_icmp_type_name(uint8_t type, bool v6)
{
	const struct icmp_type_name *v = v6 ? icmp6_types : icmp_types;
	size_t n = v6 ? N_ICMP6 : N_ICMP;

	for (size_t i = 0; i < n; i++)
		if (v[i].type == type)
			return v[i].name;
	return NULL;
}

static const struct {
	const char *name;
	int32_t prio;
} prio_names[] = {
	{ "raw", -300 }, { "mangle", -150 }, { "dstnat", -100 },
	{ "filter", 0 }, { "security", 50 }, { "srcnat", 100 },
};

int nft_priority_parse(struct nft_toks *t, int32_t *prio)
{
	const struct nft_tok *k = nft_peek(t);
	char *end;
	long v;
	bool neg;
	size_t i;

	if (k->kind != NFT_TOK_WORD && !nft_at(t, "-"))
		return -EINVAL;
	if (nft_accept(t, "-")) {
		k = nft_peek(t);
		v = -strtol(k->text, &end, 10);
	} else {
		v = strtol(k->text, &end, 10);
	}
	if (!*end && k->kind == NFT_TOK_WORD && k->text[0]) {
		t->pos++;
		*prio = v;
		return 0;
	}
	for (i = 0; i < sizeof(prio_names) / sizeof(prio_names[0]); i++)
		if (!strcmp(k->text, prio_names[i].name))
			break;
	if (i == sizeof(prio_names) / sizeof(prio_names[0]))
		return -EINVAL;
	t->pos++;
	*prio = prio_names[i].prio;
	neg = nft_at(t, "-");
	if (!neg && !nft_at(t, "+"))
		return 0;
	t->pos++;
	k = nft_peek(t);
	v = strtol(k->text, &end, 10);
	if (k->kind != NFT_TOK_WORD || *end || !k->text[0])
		return -EINVAL;
	t->pos++;
	*prio += neg ? -v : v;
	return 0;
}

/* nft's name of standard priority @prio and the offset from it, for listing. */
const char *nft_priority_name(int32_t prio, int32_t *offset)
{
	const char *best = NULL;
	int32_t off = 0;

	for (size_t i = 0; i < sizeof(prio_names) / sizeof(prio_names[0]); i++) {
		int32_t d = prio - prio_names[i].prio;

		if (!best || abs(d) < abs(off)) {
			best = prio_names[i].name;
			off = d;
		}
	}
	*offset = off;
	return best;
}

int nft_set_ir_name(const struct ir_table *t, const char *set, char *out, size_t len)
{
	static const char *const fams[IR_NFT_FAMILY_MAX] = { "ip", "ip6", "inet" };
	const char *tname = t->name[0] ? t->name : ir_table_name(t->id);
	enum ir_nft_family f = t->name[0] ? t->nft_family :
			       t->family == IR_FAMILY_IPV6 ? IR_NFT_IP6 : IR_NFT_IP;
	int n = snprintf(out, len, "%s:%s:%s", fams[f], tname, set);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int nft_proto_parse(const char *s, uint8_t *proto)
{
	/* nft's own names, where the system's protocol list may lack them */
	static const struct {
		const char *name;
		uint8_t proto;
	} own[] = {
		{ "icmpv6", IPPROTO_ICMPV6 }, { "comp", 108 }, { "udplite", IPPROTO_UDPLITE },
		{ "dccp", IPPROTO_DCCP }, { "sctp", IPPROTO_SCTP }, { "esp", IPPROTO_ESP },
		{ "ah", IPPROTO_AH },
	};
	struct protoent pe, *res = NULL;
	char buf[1024];

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (!strcmp(s, own[i].name)) {
			*proto = own[i].proto;
			return 0;
		}
	}
	if (getprotobyname_r(s, &pe, buf, sizeof(buf), &res) || !res)
		return -ENOENT;
	*proto = (uint8_t)res->p_proto;
	return 0;
}

int nft_port_range_number(const char *s, uint16_t *lo, uint16_t *hi)
{
	char *end, *end2;
	unsigned long a = strtoul(s, &end, 10), b;

	if (end == s || a > UINT16_MAX)
		return -EINVAL;
	b = a;
	if (*end == '-') {
		b = strtoul(end + 1, &end2, 10);
		if (end2 == end + 1 || b > UINT16_MAX || b < a)
			return -EINVAL;
		end = end2;
	}
	if (*end)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

/* nft's names of the connection tracking states, by IR_CT_* bit (IR_CT_INVALID is bit 0). */
static const char *const ct_state_names[] = { "invalid", "new", "related", "established",
					      "untracked" };

const char *nft_ct_state_name(uint8_t bit)
{
	for (unsigned int i = 0; i < sizeof(ct_state_names) / sizeof(ct_state_names[0]); i++)
		if (bit == 1u << i)
			return ct_state_names[i];
	return NULL;
}

int nft_ct_state_parse(const char *s, uint8_t *bit)
{
	for (unsigned int i = 0; i < sizeof(ct_state_names) / sizeof(ct_state_names[0]); i++) {
		if (!strcmp(s, ct_state_names[i])) {
			*bit = (uint8_t)(1u << i);
			return 0;
		}
	}
	return -ENOENT;
}
