// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous sets and verdict maps of one key: "ip saddr { 10.0.0.1,
 * 10.1.0.0/16, 10.2.0.1-10.2.0.9 }", "tcp dport vmap { 22 : accept, 80 :
 * jump web }" into an IR_MATCH_LOOKUP.  Every element becomes a range of
 * big-endian key bytes; the compiler turns them into one map lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>

#include "nft_stmt.h"

#define LOOKUP_MAX_ELEMS	65536	/* elements of one anonymous set or verdict map */

/* The family of the rule's addresses: the table's, or in an inet table the rule's nfproto. */
static enum ir_family rule_family(const struct nft_rp *p)
{
	if (p->inet)
		return p->r->nfproto == 6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	return p->family;
}

/* A big-endian @len-byte number @v into @out. */
static void put_be(uint8_t *out, unsigned int len, uint32_t v)
{
	for (unsigned int i = 0; i < len; i++)
		out[len - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* "A" or "A-B" of unsigned numbers up to @max (0 base: 0x.. hex), or a name by @byname. */
static int number_range(const char *s, unsigned long max, uint32_t *lo, uint32_t *hi,
			int (*byname)(const char *s, uint32_t *v))
{
	char buf[64], *dash, *end;
	unsigned long a, b;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (byname && !byname(buf, lo)) {
		*hi = *lo;
		return 0;
	}
	dash = strchr(buf + 1, '-');
	if (dash)
		*dash++ = '\0';
	a = strtoul(buf, &end, 0);
	if (!*buf || *end || a > max)
		return -EINVAL;
	b = a;
	if (dash) {
		b = strtoul(dash, &end, 0);
		if (!*dash || *end || b > max)
			return -EINVAL;
	}
	if (b < a)
		return -ERANGE;
	*lo = a;
	*hi = b;
	return 0;
}

static int proto_by_name(const char *s, uint32_t *v)
{
	uint8_t proto;
	int ret = nft_proto_parse(s, &proto);

	*v = proto;
	return ret;
}

static int ctstate_by_name(const char *s, uint32_t *v)
{
	static const char *const names[] = { "invalid", "new", "related", "established",
					     "untracked" };

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			*v = 1u << i;	/* IR_CT_INVALID ... IR_CT_UNTRACKED */
			return 0;
		}
	}
	return -ENOENT;
}

/* An address, a prefix or a range of addresses of @fam. */
static int addr_elem(const char *s, enum ir_family fam, struct ir_elem *e)
{
	unsigned int len = fam == IR_FAMILY_IPV6 ? 16 : 4;
	char buf[2 * INET6_ADDRSTRLEN + 8], *dash = NULL;
	struct ir_addr lo, hi;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	if (!strchr(buf, '/'))
		dash = strchr(buf, '-');
	if (dash)
		*dash++ = '\0';
	if (nft_addr_parse(buf, fam, &lo) || (dash && nft_addr_parse(dash, fam, &hi)))
		return -EINVAL;
	for (unsigned int i = 0; i < len; i++) {
		const uint8_t *a = (const uint8_t *)&lo.addr, *m = (const uint8_t *)&lo.mask;

		e->lo[i] = a[i] & m[i];
		e->hi[i] = dash ? ((const uint8_t *)&hi.addr)[i] : (uint8_t)(a[i] | ~m[i]);
	}
	return memcmp(e->lo, e->hi, len) > 0 ? -ERANGE : 0;
}

/* An interface name, "eth*" for every name that starts with "eth". */
static int ifname_elem(const char *s, struct ir_elem *e)
{
	size_t n = strlen(s);

	if (!n || n >= IFNAMSIZ || (strchr(s, '*') && strchr(s, '*') != s + n - 1))
		return -EINVAL;
	memcpy(e->lo, s, n);
	memcpy(e->hi, s, n);
	if (s[n - 1] == '*') {
		e->lo[n - 1] = 0;
		memset(e->hi + n - 1, 0xff, IFNAMSIZ - n + 1);
	}
	return 0;
}

/* One element's key text into @e. */
static int elem_parse(struct nft_rp *p, const struct ir_match_lookup *l, const char *s,
		      struct ir_elem *e)
{
	uint32_t lo, hi;
	uint16_t plo, phi;
	int ret;

	memset(e, 0, sizeof(*e));
	switch (l->key) {
	case IR_KEY_SADDR:
	case IR_KEY_DADDR:
		return addr_elem(s, rule_family(p), e);
	case IR_KEY_SPORT:
	case IR_KEY_DPORT:
		ret = nft_port_range_parse(s, &plo, &phi);
		lo = plo;
		hi = phi;
		break;
	case IR_KEY_L4PROTO:
		ret = number_range(s, 255, &lo, &hi, proto_by_name);
		break;
	case IR_KEY_IIFNAME:
	case IR_KEY_OIFNAME:
		return ifname_elem(s, e);
	case IR_KEY_MARK:
		ret = number_range(s, UINT32_MAX, &lo, &hi, NULL);
		break;
	case IR_KEY_CTSTATE:
		ret = ctstate_by_name(s, &lo);
		hi = lo;
		break;
	case IR_KEY_ICMP_TYPE: {
		uint8_t t;

		ret = nft_icmp_type_parse(s, rule_family(p) == IR_FAMILY_IPV6, &t);
		lo = hi = t;
		break;
	}
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	put_be(e->lo, ir_key_len(l->key, IR_FAMILY_IPV4), lo);
	put_be(e->hi, ir_key_len(l->key, IR_FAMILY_IPV4), hi);
	return 0;
}

/* What nft calls a key's values in its "Could not resolve" message. */
static const char *key_what(enum ir_key key)
{
	static const char *const what[IR_KEY_MAX] = {
		[IR_KEY_SADDR] = "hostname", [IR_KEY_DADDR] = "hostname",
		[IR_KEY_SPORT] = "service", [IR_KEY_DPORT] = "service",
		[IR_KEY_L4PROTO] = "protocol", [IR_KEY_IIFNAME] = "interface name",
		[IR_KEY_OIFNAME] = "interface name", [IR_KEY_MARK] = "mark",
		[IR_KEY_CTSTATE] = "ct state", [IR_KEY_ICMP_TYPE] = "icmp type",
	};

	return what[key];
}

static const struct {
	const char *name;
	enum ir_target_kind kind;
} verdict_kinds[] = {
	{ "accept", IR_TARGET_ACCEPT }, { "drop", IR_TARGET_DROP },
	{ "continue", IR_TARGET_NONE }, { "return", IR_TARGET_RETURN },
	{ "jump", IR_TARGET_JUMP }, { "goto", IR_TARGET_GOTO },
};

#define N_VERDICT_KINDS	(sizeof(verdict_kinds) / sizeof(verdict_kinds[0]))

/* Whether @s names a verdict. */
static bool is_verdict_word(const char *s)
{
	for (size_t i = 0; i < N_VERDICT_KINDS; i++)
		if (!strcmp(s, verdict_kinds[i].name))
			return true;
	return false;
}

/* A verdict map's verdict at the cursor (after the ':'): its index in @l's verdicts. */
static int verdict_parse(struct nft_rp *p, struct ir_match_lookup *l, const char *word,
			 uint32_t *idx)
{
	struct ir_vmap_verdict v = { 0 };
	struct ir_vmap_verdict *more;
	size_t i;

	for (i = 0; i < N_VERDICT_KINDS; i++)
		if (!strcmp(word, verdict_kinds[i].name))
			break;
	if (i == N_VERDICT_KINDS)
		return nft_perr(p->t, p->err, "syntax error, unexpected %s, expecting a verdict",
				word);
	v.kind = verdict_kinds[i].kind;
	if (v.kind == IR_TARGET_JUMP || v.kind == IR_TARGET_GOTO) {
		const char *chain = NULL;
		int ret = nft_value(p, "chain", &chain);

		if (ret)
			return ret;
		if (strlen(chain) >= IR_CHAIN_MAXNAMELEN)
			return nft_perr(p->t, p->err, "chain name %s is too long", chain);
		strcpy(v.chain, chain);
	}
	for (i = 0; i < l->n_verdicts; i++)
		if (!memcmp(&l->verdicts[i], &v, sizeof(v)))
			break;
	if (i == l->n_verdicts) {
		more = realloc(l->verdicts, (l->n_verdicts + 1) * sizeof(*more));
		if (!more)
			return nft_nomem(p->err);
		l->verdicts = more;
		l->verdicts[l->n_verdicts++] = v;
	}
	*idx = (uint32_t)i;
	return 0;
}

/* Whether two elements' ranges share a key. */
static bool overlap(const struct ir_elem *a, const struct ir_elem *b, unsigned int len)
{
	return memcmp(a->lo, b->hi, len) <= 0 && memcmp(b->lo, a->hi, len) <= 0;
}

/*
 * The elements between "{" and "}" (the cursor after "{"); with @vmap each
 * is "KEY : VERDICT" ("22:accept" is one word).
 */
static int elements(struct nft_rp *p, struct ir_match_lookup *l, bool vmap)
{
	unsigned int len = ir_key_len(l->key, rule_family(p));

	unsigned int depth = 1;

	while (depth) {
		const struct nft_tok *k = nft_peek(p->t);
		char word[128], *colon = NULL;
		struct ir_elem e, *more;
		size_t n;
		int ret;

		/* a set inside the set: its elements are the set's */
		if (nft_accept(p->t, "{") || nft_accept(p->t, "}")) {
			depth += k->text[0] == '{' ? 1 : -1;
			continue;
		}
		if (k->kind == NFT_TOK_EOL || nft_accept(p->t, ",")) {
			if (k->kind == NFT_TOK_EOL)
				p->t->pos++;
			continue;
		}
		if (k->kind == NFT_TOK_END)
			return nft_perr(p->t, p->err, "syntax error, unexpected end of file");
		if ((k->kind != NFT_TOK_WORD && k->kind != NFT_TOK_STRING) ||
		    strlen(k->text) >= sizeof(word))
			return nft_perr(p->t, p->err, "syntax error, unexpected %s", k->text);
		if (!strcmp(k->text, "*"))
			return nft_unsupported(p, "the catch-all element *");
		strcpy(word, k->text);
		/* "25:accept": the verdict glued to the key */
		colon = vmap && k->kind == NFT_TOK_WORD ? strrchr(word, ':') : NULL;
		if (colon && colon != word && is_verdict_word(colon + 1))
			*colon++ = '\0';
		else
			colon = NULL;
		/* "::dddd: drop": the colon glued to the key */
		n = strlen(word);
		if (vmap && !colon && n > 1 && word[n - 1] == ':' && word[n - 2] != ':' &&
		    p->t->pos + 1 < p->t->n && is_verdict_word(p->t->v[p->t->pos + 1].text)) {
			word[n - 1] = '\0';
			colon = (char *)"";
		}
		ret = elem_parse(p, l, word, &e);
		if (ret == -ERANGE)
			return nft_perr(p->t, p->err, "Range has zero or negative size");
		if (ret)
			return nft_perr(p->t, p->err, "Could not resolve %s %s", key_what(l->key),
					word);
		p->t->pos++;
		if (vmap) {
			const char *vword = colon && *colon ? colon : NULL;

			if (!colon && !nft_accept(p->t, ":"))
				return nft_perr(p->t, p->err, "syntax error, expecting : and a "
						"verdict after %s", word);
			if (!vword) {
				ret = nft_value(p, "verdict", &vword);
				if (ret)
					return ret;
			}
			ret = verdict_parse(p, l, vword, &e.verdict);
			if (ret)
				return ret;
			for (uint32_t i = 0; i < l->n_elems; i++)
				if (overlap(&l->elems[i], &e, len))
					return nft_perr(p->t, p->err,
							"conflicting intervals specified");
		}
		if (l->n_elems >= LOOKUP_MAX_ELEMS)
			return nft_unsupported(p, "a set of more than 65536 elements");
		more = realloc(l->elems, (l->n_elems + 1) * sizeof(*more));
		if (!more)
			return nft_nomem(p->err);
		l->elems = more;
		l->elems[l->n_elems++] = e;
	}
	if (!l->n_elems)
		return nft_perr(p->t, p->err, "syntax error, empty set");
	return 0;
}

int nft_lookup_stmt(struct nft_rp *p, enum ir_key key, bool inv, uint8_t flags)
{
	bool vmap = nft_accept(p->t, "vmap");
	struct ir_match *m;
	int ret;

	if (!nft_accept(p->t, "{"))
		return nft_perr(p->t, p->err, "syntax error, expecting {");
	if (vmap && inv)
		return nft_perr(p->t, p->err, "syntax error, a verdict map cannot be negated");
	if (vmap && (p->verdict || p->r->target.kind != IR_TARGET_NONE))
		return nft_perr(p->t, p->err, "syntax error, a verdict must end the rule");
	if (ir_rule_add_match(p->r, IR_MATCH_LOOKUP, &m))
		return nft_nomem(p->err);
	m->lookup.key = key;
	m->lookup.flags = flags;
	m->lookup.invert = inv;
	ret = elements(p, &m->lookup, vmap);
	if (ret)
		return ret;
	if (vmap) {
		p->r->target.kind = IR_TARGET_VMAP;
		p->verdict = true;
	}
	return 0;
}
