// SPDX-License-Identifier: GPL-2.0
/*
 * ipset's output: elements as list and save write them, a set's header,
 * and the sets' section of the state text.  Also the element's map key,
 * the one layout the compiler's lookups build (compiler/set.c).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <string.h>
#include <netinet/in.h>

#include "bpfw/cgen.h"
#include "bpfw/ipset.h"

#define IPSET_BUCKETSIZE	12

/* The kernel's figures for ipset list's "Size in memory": an empty set, and one element more. */
static const struct {
	uint8_t revision;
	uint32_t base[IR_FAMILY_MAX];
	uint32_t per_elem[IR_FAMILY_MAX][2];	/* without, with timeout */
} type_info[IR_SET_TYPE_MAX] = {
	[IR_SET_HASH_IP] = { 6, { 216, 224 }, { { 40, 64 }, { 64, 80 } } },
	[IR_SET_HASH_NET] = { 7, { 456, 1240 }, { { 48, 64 }, { 72, 96 } } },
	[IR_SET_HASH_IP_PORT] = { 7, { 216, 232 }, { { 48, 64 }, { 72, 96 } } },
};

static uint32_t addr_len(enum ir_family fam)
{
	return fam == IR_FAMILY_IPV6 ? 16 : 4;
}

uint32_t ipset_elem_key(const struct ir_set *s, const struct ipset_elem *e, void *key)
{
	uint32_t alen = addr_len(s->family);
	uint8_t *k = key;

	if (s->type == IR_SET_HASH_NET) {
		struct cgen_set_net_key nk = { .prefixlen = e->cidr };

		memcpy(nk.addr, e->addr, alen);
		memcpy(k, &nk, offsetof(struct cgen_set_net_key, addr) + alen);
		return offsetof(struct cgen_set_net_key, addr) + alen;
	}
	memcpy(k, e->addr, alen);
	if (s->type == IR_SET_HASH_IP)
		return alen;
	{
		struct cgen_set_port_key pk = { .proto = e->proto, .port = htons(e->port_lo) };

		memcpy(k + alen, &pk, sizeof(pk));
	}
	return alen + sizeof(struct cgen_set_port_key);
}

void ipset_elem_from_key(const struct ir_set *s, const void *key, struct ipset_elem *e)
{
	uint32_t alen = addr_len(s->family);
	const uint8_t *k = key;

	memset(e, 0, sizeof(*e));
	e->family = s->family;
	e->cidr = (uint8_t)(8 * alen);
	if (s->type == IR_SET_HASH_NET) {
		struct cgen_set_net_key nk;

		memcpy(&nk, k, offsetof(struct cgen_set_net_key, addr) + alen);
		e->cidr = (uint8_t)nk.prefixlen;
		memcpy(e->addr, nk.addr, alen);
		return;
	}
	memcpy(e->addr, k, alen);
	if (s->type == IR_SET_HASH_IP_PORT) {
		struct cgen_set_port_key pk;

		memcpy(&pk, k + alen, sizeof(pk));
		e->proto = pk.proto;
		e->port_lo = e->port_hi = ntohs(pk.port);
	}
}

/* The protocol's name as ipset prints it. */
static void fmt_proto(FILE *f, uint8_t proto)
{
	const struct protoent *pe;

	switch (proto) {
	case IPPROTO_TCP:
		fputs("tcp", f);
		return;
	case IPPROTO_UDP:
		fputs("udp", f);
		return;
	case IPPROTO_SCTP:
		fputs("sctp", f);
		return;
	case IPPROTO_UDPLITE:
		fputs("udplite", f);
		return;
	case IPPROTO_ICMP:
		fputs("icmp", f);
		return;
	case IPPROTO_ICMPV6:
		fputs("ipv6-icmp", f);
		return;
	default:
		pe = getprotobynumber(proto);
		if (pe)
			fputs(pe->p_name, f);
		else
			fprintf(f, "%u", proto);
	}
}

void ipset_fmt_elem(FILE *f, const struct ir_set *s, const struct ipset_elem *e)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(s->family == IR_FAMILY_IPV6 ? AF_INET6 : AF_INET, e->addr, buf, sizeof(buf));
	fputs(buf, f);
	if (s->type == IR_SET_HASH_NET && e->cidr != 8 * addr_len(s->family))
		fprintf(f, "/%u", e->cidr);
	if (s->type != IR_SET_HASH_IP_PORT)
		return;
	fputc(',', f);
	fmt_proto(f, e->proto);
	if (e->proto == IPPROTO_ICMP || e->proto == IPPROTO_ICMPV6) {
		const char *name = ipset_icmp_name(e->port_lo, e->proto == IPPROTO_ICMPV6);

		if (name)
			fprintf(f, ":%s", name);
		else
			fprintf(f, ":%u/%u", (unsigned int)e->port_lo >> 8,
				(unsigned int)e->port_lo & 0xff);
		return;
	}
	fprintf(f, ":%u", e->port_lo);
}

void ipset_fmt_options(FILE *f, const struct ir_set *s)
{
	fprintf(f, "family %s hashsize %u maxelem %u",
		s->family == IR_FAMILY_IPV6 ? "inet6" : "inet", s->hashsize, s->maxelem);
	if (s->with_timeout)
		fprintf(f, " timeout %u", s->timeout);
	fprintf(f, " bucketsize %u initval 0x%08x", (unsigned int)IPSET_BUCKETSIZE, s->initval);
}

void ipset_fmt_header(FILE *f, const struct ir_set *s, unsigned int n, unsigned int refs)
{
	uint32_t size = type_info[s->type].base[s->family] +
			n * type_info[s->type].per_elem[s->family][s->with_timeout];

	fprintf(f, "Name: %s\nType: %s\nRevision: %u\nHeader: ", s->name, ipset_type_name(s->type),
		type_info[s->type].revision);
	ipset_fmt_options(f, s);
	fprintf(f, "\nSize in memory: %u\nReferences: %u\nNumber of entries: %u\n", size, refs, n);
}

void ipset_state_write(FILE *f, const struct ir_ruleset *rs)
{
	if (!rs->n_sets && !rs->set_seq)
		return;
	fputs(IPSET_STATE_TAG, f);
	fprintf(f, "seq %u\n", rs->set_seq);
	for (unsigned int i = 0; i < rs->n_sets; i++) {
		const struct ir_set *s = &rs->sets[i];

		fprintf(f, "create %s %s ", s->name, ipset_type_name(s->type));
		ipset_fmt_options(f, s);
		fprintf(f, " id %u\n", s->id);
	}
}
