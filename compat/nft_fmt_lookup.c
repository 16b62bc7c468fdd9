// SPDX-License-Identifier: GPL-2.0
/*
 * An anonymous set or a verdict map as nft lists it: "ip saddr {
 * 10.0.0.1, 10.1.0.0/16 }", "tcp dport vmap { 22 : accept, 80 : jump web }".
 * Each element is written back from its range of key bytes: a value, a
 * prefix where the range is one, else "lo-hi".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include "bpfw/nft.h"

/* The big-endian @len-byte number at @b. */
static uint32_t get_be(const uint8_t *b, unsigned int len)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < len; i++)
		v = v << 8 | b[i];
	return v;
}

/* The prefix length if lo..hi (@len bytes) is exactly one prefix, else -1. */
static int range_prefix(const uint8_t *lo, const uint8_t *hi, unsigned int len)
{
	unsigned int bits = len * 8, n = 0;

	while (n < bits && !((lo[n / 8] ^ hi[n / 8]) & (0x80 >> (n % 8))))
		n++;
	for (unsigned int i = n; i < bits; i++) {
		uint8_t m = 0x80 >> (i % 8);

		if ((lo[i / 8] & m) || !(hi[i / 8] & m))
			return -1;
	}
	return (int)n;
}

static void put_addr(FILE *f, const uint8_t *a, bool v6)
{
	char s[INET6_ADDRSTRLEN];

	fputs(inet_ntop(v6 ? AF_INET6 : AF_INET, a, s, sizeof(s)) ?: "?", f);
}

static void put_ifname(FILE *f, const struct ir_elem *e)
{
	size_t n = strnlen((const char *)e->lo, IFNAMSIZ);

	/* "eth*": every name from "eth" and zeros to "eth" and 0xff bytes */
	if (n < IFNAMSIZ && e->hi[n] == 0xff)
		fprintf(f, "\"%.*s*\"", (int)n, (const char *)e->lo);
	else
		fprintf(f, "\"%.*s\"", (int)n, (const char *)e->lo);
}

static void put_ctstate(FILE *f, uint32_t bit)
{
	const char *name = bit <= 0xff ? nft_ct_state_name((uint8_t)bit) : NULL;

	if (name)
		fputs(name, f);
	else
		fprintf(f, "%u", bit);
}

/* One field of @key, its range at the start of @e. */
static void put_field(FILE *f, enum ir_key key, const struct ir_elem *e, bool v6)
{
	unsigned int len = ir_key_len(key, v6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4);
	uint32_t lo = len <= 4 ? get_be(e->lo, len) : 0, hi = len <= 4 ? get_be(e->hi, len) : 0;
	bool one = !memcmp(e->lo, e->hi, len);
	int plen;

	switch (key) {
	case IR_KEY_SADDR:
	case IR_KEY_DADDR:
		put_addr(f, e->lo, v6);
		plen = range_prefix(e->lo, e->hi, len);
		if (one)
			break;
		if (plen >= 0) {
			fprintf(f, "/%d", plen);
			break;
		}
		fputc('-', f);
		put_addr(f, e->hi, v6);
		break;
	case IR_KEY_IIFNAME:
	case IR_KEY_OIFNAME:
		put_ifname(f, e);
		break;
	case IR_KEY_CTSTATE:
		put_ctstate(f, lo);
		break;
	case IR_KEY_ICMP_TYPE: {
		const char *name = nft_icmp_type_name((uint8_t)lo, v6);

		if (name && one)
			fputs(name, f);
		else
			fprintf(f, one ? "%u" : "%u-%u", lo, hi);
		break;
	}
	case IR_KEY_MARK:
		fprintf(f, one ? "0x%08x" : "0x%08x-0x%08x", lo, hi);
		break;
	default:
		fprintf(f, one ? "%u" : "%u-%u", lo, hi);
		break;
	}
}

/* An element: its fields, " . " between them. */
static void put_elem(FILE *f, const struct ir_match_lookup *l, const struct ir_elem *e,
		     bool v6)
{
	for (unsigned int i = 0; i < l->n_keys; i++) {
		struct ir_elem field = { 0 };
		unsigned int off, len;

		ir_lookup_field(l, i, v6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4, &off, &len);
		memcpy(field.lo, e->lo + off, len);
		memcpy(field.hi, e->hi + off, len);
		if (i)
			fputs(" . ", f);
		put_field(f, l->keys[i], &field, v6);
	}
}

static void put_key_name(FILE *f, const struct ir_rule *r, const struct ir_match_lookup *l,
			 enum ir_key key, bool v6)
{
	const char *l3 = v6 ? "ip6" : "ip";
	const char *l4 = l->flags & IR_LOOKUP_TH ? "th" : r->ip.proto == IPPROTO_UDP ? "udp" : "tcp";

	switch (key) {
	case IR_KEY_SADDR:
		fprintf(f, "%s saddr ", l3);
		break;
	case IR_KEY_DADDR:
		fprintf(f, "%s daddr ", l3);
		break;
	case IR_KEY_SPORT:
		fprintf(f, "%s sport ", l4);
		break;
	case IR_KEY_DPORT:
		fprintf(f, "%s dport ", l4);
		break;
	case IR_KEY_L4PROTO:
		fputs(l->flags & IR_LOOKUP_META ? "meta l4proto " :
		      v6 ? "ip6 nexthdr " : "ip protocol ", f);
		break;
	case IR_KEY_IIFNAME:
		fputs("iifname ", f);
		break;
	case IR_KEY_OIFNAME:
		fputs("oifname ", f);
		break;
	case IR_KEY_MARK:
		fputs("meta mark ", f);
		break;
	case IR_KEY_CTSTATE:
		fputs("ct state ", f);
		break;
	case IR_KEY_ICMP_TYPE:
		fputs(v6 ? "icmpv6 type " : "icmp type ", f);
		break;
	default:
		break;
	}
}

void nft_fmt_verdict(FILE *f, enum ir_target_kind kind, const char *chain)
{
	static const char *const names[IR_TARGET_KIND_MAX] = {
		[IR_TARGET_NONE] = "continue", [IR_TARGET_ACCEPT] = "accept",
		[IR_TARGET_DROP] = "drop", [IR_TARGET_RETURN] = "return",
		[IR_TARGET_JUMP] = "jump", [IR_TARGET_GOTO] = "goto",
	};

	fputs(kind < IR_TARGET_KIND_MAX && names[kind] ? names[kind] : "?", f);
	if (kind == IR_TARGET_JUMP || kind == IR_TARGET_GOTO)
		fprintf(f, " %s", chain);
}

/* The key: its fields' names, " . " between them, and a space. */
static void put_key(FILE *f, const struct ir_rule *r, const struct ir_match_lookup *l, bool v6)
{
	for (unsigned int i = 0; i < l->n_keys; i++) {
		if (i)
			fputs(". ", f);
		put_key_name(f, r, l, l->keys[i], v6);
	}
}

void nft_fmt_lookup(FILE *f, const struct ir_rule *r, const struct ir_match_lookup *l,
		    bool v6)
{
	put_key(f, r, l, v6);
	if (l->invert)
		fputs("!= ", f);
	if ((l->flags & IR_LOOKUP_PLAIN) && l->n_elems == 1 && !l->n_verdicts) {
		put_elem(f, l, &l->elems[0], v6);
		fputc(' ', f);
		return;
	}
	fputs(l->n_verdicts ? "vmap { " : "{ ", f);
	for (uint32_t i = 0; i < l->n_elems; i++) {
		if (i)
			fputs(", ", f);
		put_elem(f, l, &l->elems[i], v6);
		if (l->n_verdicts && l->elems[i].verdict < l->n_verdicts) {
			fputs(" : ", f);
			nft_fmt_verdict(f, l->verdicts[l->elems[i].verdict].kind,
					l->verdicts[l->elems[i].verdict].chain);
		}
	}
	fputs(" } ", f);
}
