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
	uint8_t bit;
	int ret = nft_ct_state_parse(s, &bit);

	*v = bit;
	return ret;
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

/* One field's value text (of @key) into @e, at its start. */
static int field_parse(struct nft_rp *p, enum ir_key key, const char *s, struct ir_elem *e)
{
	uint32_t lo, hi;
	uint16_t plo, phi;
	int ret;

	memset(e, 0, sizeof(*e));
	switch (key) {
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
	put_be(e->lo, ir_key_len(key, IR_FAMILY_IPV4), lo);
	put_be(e->hi, ir_key_len(key, IR_FAMILY_IPV4), hi);
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
		int ret = nft_chain_word(p, v.chain);

		if (ret)
			return ret;
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

/*
 * Field @i of an element, its value text @word, into its place in @e; a
 * field before a concatenation's last must be one value.
 */
static int field_into(struct nft_rp *p, const struct ir_match_lookup *l, unsigned int i,
		      const char *word, struct ir_elem *e)
{
	unsigned int off, len;
	struct ir_elem f;
	int ret = field_parse(p, l->keys[i], word, &f);

	if (ret == -ERANGE)
		return nft_perr(p->t, p->err, "Range has zero or negative size");
	if (ret)
		return nft_perr(p->t, p->err, "Could not resolve %s %s", key_what(l->keys[i]),
				word);
	ir_lookup_field(l, i, rule_family(p), &off, &len);
	if (i + 1 < l->n_keys && memcmp(f.lo, f.hi, len))
		return nft_unsupported(p, "a range or prefix in a concatenation's field before "
				       "its last");
	if (memcmp(f.lo, f.hi, len) && off + len > IR_KEY_MAXLEN)
		return nft_unsupported(p, "a range or prefix in a key longer than 16 bytes");
	memcpy(e->lo + off, f.lo, len);
	memcpy(e->hi + off, f.hi, len);
	return 0;
}

/* Field @i (not the last) of an element at the cursor, taken, into @e. */
static int elem_field(struct nft_rp *p, const struct ir_match_lookup *l, unsigned int i,
		      struct ir_elem *e)
{
	const struct nft_tok *k = nft_peek(p->t);
	int ret;

	if (k->kind != NFT_TOK_WORD && k->kind != NFT_TOK_STRING)
		return nft_perr(p->t, p->err, "syntax error, unexpected %s", k->text);
	ret = field_into(p, l, i, k->text, e);
	if (!ret)
		p->t->pos++;
	return ret;
}

static int by_lo(const void *a, const void *b)
{
	return memcmp(((const struct ir_elem *)a)->lo, ((const struct ir_elem *)b)->lo,
		      IR_LOOKUP_MAXLEN);
}

/*
 * Whether two of the @n elements @e (@len-byte keys) share a key: sorted by
 * their start, each must end before the next starts.  A copy is sorted: the
 * elements stay in the order written, for the listing.
 */
static int any_overlap(const struct ir_elem *e, uint32_t n, unsigned int len, bool *out)
{
	struct ir_elem *s = malloc((size_t)n * sizeof(*s));

	if (!s)
		return -ENOMEM;
	memcpy(s, e, (size_t)n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_lo);	/* the bytes after @len are zero in all */
	*out = false;
	for (uint32_t i = 1; i < n && !*out; i++)
		*out = memcmp(s[i].lo, s[i - 1].hi, len) <= 0;
	free(s);
	return 0;
}

/*
 * The elements between "{" and "}" (the cursor after "{"); with @vmap each
 * is "KEY : VERDICT" ("22:accept" is one word).
 */
static int elements(struct nft_rp *p, struct ir_match_lookup *l, bool vmap)
{
	unsigned int off, flen, len = ir_lookup_field(l, 0, rule_family(p), &off, &flen);
	unsigned int depth = 1;
	uint32_t cap = 0;

	while (depth) {
		const struct nft_tok *k = nft_peek(p->t);
		char word[128], *colon = NULL;
		struct ir_elem e = { 0 }, *more;
		unsigned int field = 0;
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
		/* a concatenation's fields before the last: "1.2.3.4 . 22" */
		for (; field + 1 < l->n_keys; field++) {
			ret = elem_field(p, l, field, &e);
			if (ret)
				return ret;
			if (!nft_accept(p->t, "."))
				return nft_perr(p->t, p->err, "syntax error, expecting . and the "
						"next field of the concatenation");
			k = nft_peek(p->t);
			if ((k->kind != NFT_TOK_WORD && k->kind != NFT_TOK_STRING) ||
			    strlen(k->text) >= sizeof(word))
				return nft_perr(p->t, p->err, "syntax error, unexpected %s",
						k->text);
		}
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
		ret = field_into(p, l, field, word, &e);
		if (ret)
			return ret;
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
		}
		if (l->n_elems >= LOOKUP_MAX_ELEMS)
			return nft_unsupported(p, "a set of more than 65536 elements");
		if (l->n_elems == cap) {
			cap = cap ? 2 * cap : 16;
			more = realloc(l->elems, cap * sizeof(*more));
			if (!more)
				return nft_nomem(p->err);
			l->elems = more;
		}
		l->elems[l->n_elems++] = e;
	}
	if (!l->n_elems)
		return nft_perr(p->t, p->err, "syntax error, empty set");
	if (vmap) {
		bool clash;

		if (any_overlap(l->elems, l->n_elems, len, &clash))
			return nft_nomem(p->err);
		if (clash)
			return nft_perr(p->t, p->err, "conflicting intervals specified");
	}
	return 0;
}

int nft_lookup_stmt(struct nft_rp *p, const enum ir_key *keys, unsigned int n_keys, bool inv,
		    uint8_t flags)
{
	bool vmap = nft_accept(p->t, "vmap");
	struct ir_match_lookup l = { .n_keys = (uint8_t)n_keys };
	unsigned int off, len;
	struct ir_match *m;
	int ret;

	memcpy(l.keys, keys, n_keys * sizeof(*keys));
	if (ir_lookup_field(&l, 0, rule_family(p), &off, &len) > IR_LOOKUP_MAXLEN)
		return nft_unsupported(p, "a concatenation longer than 20 bytes");

	if (!nft_accept(p->t, "{"))
		return nft_perr(p->t, p->err, "syntax error, expecting {");
	if (vmap && inv)
		return nft_perr(p->t, p->err, "syntax error, a verdict map cannot be negated");
	if (vmap && (p->verdict || p->r->target.kind != IR_TARGET_NONE))
		return nft_perr(p->t, p->err, "syntax error, a verdict must end the rule");
	if (ir_rule_add_match(p->r, IR_MATCH_LOOKUP, &m))
		return nft_nomem(p->err);
	memcpy(m->lookup.keys, keys, n_keys * sizeof(*keys));
	m->lookup.n_keys = (uint8_t)n_keys;
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

/* A concatenation's next key ("tcp dport", "meta mark"...) at the cursor, taken. */
static int concat_key(struct nft_rp *p, enum ir_key *key, uint8_t *flags)
{
	const char *w = nft_peek(p->t)->text;
	bool meta;
	int ret = 0;

	if (!strcmp(w, "ip") || !strcmp(w, "ip6")) {
		bool v6 = w[2] == '6';

		p->t->pos++;
		ret = nft_want_family(p, v6);
		if (ret)
			return ret;
		if (nft_accept(p->t, "saddr")) {
			*key = IR_KEY_SADDR;
		} else if (nft_accept(p->t, "daddr")) {
			*key = IR_KEY_DADDR;
		} else if (nft_accept(p->t, v6 ? "nexthdr" : "protocol")) {
			*key = IR_KEY_L4PROTO;
		} else {
			return nft_unsupported(p, "this field in a concatenation");
		}
		return 0;
	}
	if (!strcmp(w, "th")) {
		p->t->pos++;
		*flags |= IR_LOOKUP_TH;
		if (nft_accept(p->t, "sport"))
			*key = IR_KEY_SPORT;
		else if (nft_accept(p->t, "dport"))
			*key = IR_KEY_DPORT;
		else
			ret = nft_unsupported(p, "this field in a concatenation");
		return ret;
	}
	if (!strcmp(w, "tcp") || !strcmp(w, "udp")) {
		p->t->pos++;
		ret = nft_set_proto(p, w[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP, false);
		if (!ret && nft_accept(p->t, "sport"))
			*key = IR_KEY_SPORT;
		else if (!ret && nft_accept(p->t, "dport"))
			*key = IR_KEY_DPORT;
		else if (!ret)
			ret = nft_unsupported(p, "this field in a concatenation");
		return ret;
	}
	if (!strcmp(w, "icmp") || !strcmp(w, "icmpv6")) {
		bool v6 = w[4] == 'v';

		p->t->pos++;
		if (!nft_accept(p->t, "type"))
			return nft_unsupported(p, "this field in a concatenation");
		ret = nft_set_proto(p, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, false);
		if (!ret && p->inet)
			ret = nft_want_family(p, v6);
		*key = IR_KEY_ICMP_TYPE;
		return ret;
	}
	if (!strcmp(w, "ct")) {
		p->t->pos++;
		if (!nft_accept(p->t, "state"))
			return nft_unsupported(p, "this field in a concatenation");
		*key = IR_KEY_CTSTATE;
		return 0;
	}
	meta = !strcmp(w, "meta");
	if (meta)
		p->t->pos++;
	w = nft_peek(p->t)->text;
	if (!strcmp(w, "l4proto")) {
		*key = IR_KEY_L4PROTO;
		*flags |= IR_LOOKUP_META;
	} else if (!strcmp(w, "mark")) {
		*key = IR_KEY_MARK;
	} else if (!strcmp(w, "iifname")) {
		*key = IR_KEY_IIFNAME;
	} else if (!strcmp(w, "oifname")) {
		*key = IR_KEY_OIFNAME;
	} else {
		return nft_unsupported(p, "this field in a concatenation");
	}
	p->t->pos++;
	return 0;
}

int nft_concat_stmt(struct nft_rp *p, enum ir_key first, uint8_t flags)
{
	enum ir_key keys[IR_LOOKUP_MAXKEYS] = { first };
	unsigned int n = 1;
	bool inv = false;
	int ret = 0;

	while (!ret && nft_accept(p->t, ".")) {
		if (n == IR_LOOKUP_MAXKEYS)
			return nft_unsupported(p, "a concatenation of more than 4 fields");
		ret = concat_key(p, &keys[n++], &flags);
	}
	if (!ret)
		ret = nft_relation_lookup(p, &inv);
	if (!ret && !nft_at(p->t, "{") && !nft_at(p->t, "vmap"))
		ret = nft_unsupported(p, "a concatenation other than a set's or a verdict map's key");
	return ret ? ret : nft_lookup_stmt(p, keys, n, inv, flags);
}

int nft_th_stmt(struct nft_rp *p)
{
	enum ir_key key;
	bool inv;
	int ret;

	if (nft_accept(p->t, "sport"))
		key = IR_KEY_SPORT;
	else if (nft_accept(p->t, "dport"))
		key = IR_KEY_DPORT;
	else
		return nft_perr(p->t, p->err, "th %s is not supported by bpfw",
				nft_peek(p->t)->text);
	ret = nft_relation_lookup(p, &inv);
	if (ret)
		return ret;
	if (nft_at_lookup(p))
		return nft_key_stmt(p, key, inv, IR_LOOKUP_TH);
	/* one port or range: a set of one, listed as written */
	{
		struct ir_match *m;
		struct ir_elem e = { 0 };
		struct ir_match_lookup one = { .keys = { key }, .n_keys = 1 };
		const struct nft_tok *k = nft_peek(p->t);

		if (k->kind != NFT_TOK_WORD)
			return nft_perr(p->t, p->err, "syntax error, expecting a port");
		ret = field_into(p, &one, 0, k->text, &e);
		if (ret)
			return ret;
		p->t->pos++;
		if (ir_rule_add_match(p->r, IR_MATCH_LOOKUP, &m))
			return nft_nomem(p->err);
		m->lookup = one;
		m->lookup.flags = IR_LOOKUP_TH | IR_LOOKUP_PLAIN;
		m->lookup.invert = inv;
		m->lookup.elems = malloc(sizeof(e));
		if (!m->lookup.elems)
			return nft_nomem(p->err);
		m->lookup.elems[0] = e;
		m->lookup.n_elems = 1;
	}
	return 0;
}
