// SPDX-License-Identifier: GPL-2.0
/*
 * ipset's words: a set's definition (create), an element (add, del, test),
 * and the sets' section of the state text, with ipset 7.17's messages.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>

#include "bpfw/ipset.h"

static const char *const type_names[IR_SET_TYPE_MAX] = {
	[IR_SET_HASH_IP] = "hash:ip",
	[IR_SET_HASH_NET] = "hash:net",
	[IR_SET_HASH_IP_PORT] = "hash:ip,port",
};

const char *ipset_type_name(enum ir_set_type type)
{
	return type < IR_SET_TYPE_MAX ? type_names[type] : NULL;
}

__attribute__((format(printf, 2, 3)))
static int syntax(struct bpfw_err *err, const char *fmt, ...)
{
	char msg[BPFW_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL, "Syntax error: %s", msg);
}

/* A number in @lo..@hi as ipset's string_to_number() reads it. */
static int number(const char *s, unsigned long long lo, unsigned long long hi,
		  unsigned long long *v, struct bpfw_err *err)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (!*s || *end || errno == EINVAL)
		return syntax(err, "'%s' is invalid as number", s);
	if (errno == ERANGE || *v < lo || *v > hi || (*s == '-' && *v)) {
		char msg[160];

		snprintf(msg, sizeof(msg), "'%s' is out of range %llu-%llu", s, lo, hi);
		return bpfw_errf(err, IPSET_EXIT_OTHER, ERANGE, "Syntax error: %s", msg);
	}
	return 0;
}

int ipset_check_name(const char *name, struct bpfw_err *err)
{
	if (strlen(name) > IR_SET_MAXNAMELEN - 1)
		return syntax(err, "setname '%s' is longer than 31 characters", name);
	return 0;
}

static int unknown_arg(struct bpfw_err *err, const char *word)
{
	return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL, "Unknown argument: `%s'", word);
}

/* A create option with a number in @lo..@hi into *@v; the option's value must follow. */
static int option_number(char *const *words, int n, int *i, unsigned long long hi,
			 unsigned long long *v, struct bpfw_err *err)
{
	if (*i + 1 >= n)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing mandatory argument of option `%s'", words[*i]);
	(*i)++;
	return number(words[*i], 0, hi, v, err);
}

int ipset_parse_create(char *const *words, int n, bool state, struct ir_set *s,
		       struct bpfw_err *err)
{
	unsigned long long v;
	int ret, t;

	for (t = 0; t < IR_SET_TYPE_MAX; t++)
		if (!strcmp(words[0], type_names[t]))
			break;
	if (t == IR_SET_TYPE_MAX)
		return syntax(err, "typename '%s' is unknown", words[0]);
	s->type = t;
	s->family = IR_FAMILY_IPV4;
	s->hashsize = IPSET_HASHSIZE;
	s->maxelem = IPSET_MAXELEM;
	s->timeout = 0;
	s->with_timeout = false;
	for (int i = 1; i < n; i++) {
		const char *w = words[i];

		if (!strcmp(w, "family")) {
			if (i + 1 >= n)
				return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
						 "Missing mandatory argument of option `family'");
			w = words[++i];
			if (!strcmp(w, "inet") || !strcmp(w, "ipv4"))
				s->family = IR_FAMILY_IPV4;
			else if (!strcmp(w, "inet6") || !strcmp(w, "ipv6"))
				s->family = IR_FAMILY_IPV6;
			else
				return syntax(err, "unknown inet family %s", w);
			continue;
		}
		if (!strcmp(w, "-4") || !strcmp(w, "-6")) {
			s->family = w[1] == '4' ? IR_FAMILY_IPV4 : IR_FAMILY_IPV6;
			continue;
		}
		if (!strcmp(w, "hashsize") || !strcmp(w, "maxelem") || !strcmp(w, "timeout") ||
		    !strcmp(w, "bucketsize") || !strcmp(w, "initval") ||
		    (state && !strcmp(w, "id"))) {
			bool timeout = !strcmp(w, "timeout");

			ret = option_number(words, n, &i, timeout ? IPSET_TIMEOUT_MAX : UINT32_MAX,
					    &v, err);
			if (ret)
				return ret;
			if (!strcmp(w, "hashsize"))
				s->hashsize = (uint32_t)v;
			else if (!strcmp(w, "maxelem"))
				s->maxelem = (uint32_t)v;
			else if (timeout)
				s->timeout = (uint32_t)v;
			else if (!strcmp(w, "initval"))
				s->initval = (uint32_t)v;
			else if (!strcmp(w, "id"))
				s->id = (uint32_t)v;
			s->with_timeout |= timeout;
			continue;
		}
		if (!strcmp(w, "counters") || !strcmp(w, "comment") || !strcmp(w, "skbinfo") ||
		    !strcmp(w, "forceadd") || !strcmp(w, "netmask") || !strcmp(w, "markmask"))
			return bpfw_errf(err, IPSET_EXIT_OTHER, EOPNOTSUPP,
					 "Syntax error: option `%s' is not supported by bpfw", w);
		return unknown_arg(err, w);
	}
	/* the kernel's table: at least 64 buckets, a power of two */
	if (s->hashsize < 64)
		s->hashsize = 64;
	for (v = 64; v < s->hashsize && v < (1ull << 31); v *= 2)
		;
	s->hashsize = (uint32_t)v;
	return 0;
}

bool ipset_same_def(const struct ir_set *a, const struct ir_set *b)
{
	return a->type == b->type && a->family == b->family && a->maxelem == b->maxelem &&
	       a->with_timeout == b->with_timeout && a->timeout == b->timeout;
}

/* An address of @fam, with an optional "/CIDR" when @cidr is not NULL. */
static int parse_addr(enum ir_family fam, const char *word, uint8_t *addr, uint8_t *cidr,
		      struct bpfw_err *err)
{
	unsigned int max = fam == IR_FAMILY_IPV6 ? 128 : 32;
	const char *slash = strchr(word, '/');
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned long long v = max;
	int ret;

	if (slash && !cidr)
		return syntax(err, "cannot parse %s: resolving to IPv4 address failed", word);
	snprintf(buf, sizeof(buf), "%.*s", (int)(slash ? slash - word : (int)strlen(word)), word);
	if (inet_pton(fam == IR_FAMILY_IPV6 ? AF_INET6 : AF_INET, buf, addr) != 1) {
		char msg[BPFW_ERR_MSG_MAX];

		snprintf(msg, sizeof(msg), "cannot parse %s: resolving to IPv%c address failed",
			 buf, fam == IR_FAMILY_IPV6 ? '6' : '4');
		return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL, "Syntax error: %s", msg);
	}
	if (slash) {
		ret = number(slash + 1, 0, max, &v, err);
		if (ret)
			return ret;
	}
	if (cidr)
		*cidr = (uint8_t)v;
	return 0;
}

/* Keep the first @cidr bits of @addr (@len bytes). */
static void mask_addr(uint8_t *addr, unsigned int len, unsigned int cidr)
{
	for (unsigned int b = 0; b < len; b++) {
		unsigned int keep = cidr > 8 * b ? cidr - 8 * b : 0;

		if (keep < 8)
			addr[b] &= (uint8_t)(0xff00u >> keep);
	}
}

/* "[PROTO:]PORT[-PORT]" or "icmp:TYPE/CODE|NAME" of hash:ip,port. */
static int parse_port(const struct ir_set *s, const char *word, struct ipset_elem *e,
		      struct bpfw_err *err)
{
	const char *colon = strchr(word, ':'), *port = colon ? colon + 1 : word, *dash;
	char proto[32], lo[64];
	unsigned long long v;
	int ret;

	snprintf(proto, sizeof(proto), "%.*s", colon ? (int)(colon - word) : 3,
		 colon ? word : "tcp");
	if (!strcmp(proto, "icmp") || !strcmp(proto, "icmpv6")) {
		if ((s->family == IR_FAMILY_IPV6) != (proto[4] == 'v'))
			return syntax(err, "Protocol %s can be used with family %s only",
				      proto[4] == 'v' ? "ICMPv6" : "ICMP",
				      proto[4] == 'v' ? "inet6" : "inet");
		e->proto = proto[4] == 'v' ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
		if (ipset_icmp_parse(port, proto[4] == 'v', &e->port_lo))
			return syntax(err, "cannot parse '%s' as a ICMP type/code", port);
		e->port_hi = e->port_lo;
		return 0;
	}
	if (!strcmp(proto, "tcp") || !strcmp(proto, "udp") || !strcmp(proto, "sctp") ||
	    !strcmp(proto, "udplite")) {
		e->proto = proto[0] == 't' ? IPPROTO_TCP : proto[0] == 's' ? IPPROTO_SCTP :
			   proto[3] ? IPPROTO_UDPLITE : IPPROTO_UDP;
		dash = strchr(port, '-');
		snprintf(lo, sizeof(lo), "%.*s", dash ? (int)(dash - port) : (int)strlen(port),
			 port);
		for (int k = 0; k < (dash ? 2 : 1); k++) {
			const char *p = k ? dash + 1 : lo;
			const struct servent *se = getservbyname(p, proto);

			if (se) {
				v = ntohs((uint16_t)se->s_port);
			} else {
				ret = number(p, 0, UINT16_MAX, &v, err);
				if (ret) {
					size_t l = strlen(err->msg);

					snprintf(err->msg + l, sizeof(err->msg) - l,
						 "\nSyntax error: '%.31s' is invalid as number"
						 "\ncannot parse '%.63s' as a %.31s port", proto, p,
						 proto);
					return ret;
				}
			}
			*(k ? &e->port_hi : &e->port_lo) = (uint16_t)v;
		}
		if (!dash)
			e->port_hi = e->port_lo;
		if (e->port_lo > e->port_hi) {
			uint16_t t = e->port_lo;

			e->port_lo = e->port_hi;
			e->port_hi = t;
		}
		return 0;
	}
	{
		const struct protoent *pe = getprotobyname(proto);

		if (!pe && (number(proto, 0, UINT8_MAX, &v, NULL) || !v))
			return syntax(err, "cannot parse '%s' as a protocol", proto);
		e->proto = pe ? (uint8_t)pe->p_proto : (uint8_t)v;
	}
	ret = number(port, 0, 0, &v, NULL);
	if (ret)
		return syntax(err, "Only port 0 can be used with protocol %s", proto);
	e->port_lo = e->port_hi = 0;
	return 0;
}

/* "A-B" of family inet: the addresses from A to B (in either order). */
static int parse_range(const char *word, struct ipset_elem *e, struct bpfw_err *err)
{
	const char *dash = strchr(word, '-');
	char lo[INET_ADDRSTRLEN + 8];
	uint32_t a, b;
	int ret;

	snprintf(lo, sizeof(lo), "%.*s", (int)(dash - word), word);
	ret = parse_addr(IR_FAMILY_IPV4, lo, (uint8_t *)&a, NULL, err);
	if (!ret)
		ret = parse_addr(IR_FAMILY_IPV4, dash + 1, (uint8_t *)&b, NULL, err);
	if (ret)
		return ret;
	a = ntohl(a);
	b = ntohl(b);
	e->lo4 = a < b ? a : b;
	e->hi4 = a < b ? b : a;
	e->range = true;
	e->cidr = 32;
	a = htonl(e->lo4);
	memcpy(e->addr, &a, 4);
	return 0;
}

int ipset_parse_elem(const struct ir_set *s, char *const *words, int n, bool nomatch_ok,
		     struct ipset_elem *e, struct bpfw_err *err)
{
	unsigned int alen = s->family == IR_FAMILY_IPV6 ? 16 : 4, max = 8 * alen;
	char addr[INET6_ADDRSTRLEN + 8];
	const char *comma = strchr(words[0], ',');
	uint8_t *cidr;
	unsigned long long v;
	int ret;

	memset(e, 0, sizeof(*e));
	e->family = s->family;
	if (comma && s->type != IR_SET_HASH_IP_PORT)
		return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL,
				 "Syntax error: Elem separator in %s, but settype %s supports "
				 "none.",
				 words[0], type_names[s->type]);
	if (!comma && s->type == IR_SET_HASH_IP_PORT)
		return syntax(err, "Second element is missing from %s.", words[0]);
	snprintf(addr, sizeof(addr), "%.*s",
		 comma ? (int)(comma - words[0]) : (int)strlen(words[0]), words[0]);
	if (s->family == IR_FAMILY_IPV4 && strchr(addr, '-'))
		return parse_range(addr, e, err);
	cidr = s->type == IR_SET_HASH_NET || s->family == IR_FAMILY_IPV4 ? &e->cidr : NULL;
	ret = parse_addr(s->family, addr, e->addr, cidr, err);
	if (ret)
		return ret;
	if (!strchr(addr, '/'))
		e->cidr = (uint8_t)max;
	if (s->type == IR_SET_HASH_NET && !e->cidr)
		return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL,
				 "The value of the CIDR parameter of the IP address is invalid");
	mask_addr(e->addr, alen, e->cidr);
	if (s->family == IR_FAMILY_IPV4) {
		uint32_t a;

		memcpy(&a, e->addr, 4);
		e->lo4 = ntohl(a);
		e->hi4 = e->cidr ? e->lo4 | (uint32_t)(0xffffffffull >> e->cidr) : UINT32_MAX;
	}
	if (comma) {
		ret = parse_port(s, comma + 1, e, err);
		if (ret)
			return ret;
	}
	for (int i = 1; i < n; i++) {
		if (!strcmp(words[i], "nomatch") && s->type == IR_SET_HASH_NET && nomatch_ok) {
			e->nomatch = true;
			continue;
		}
		if (strcmp(words[i], "timeout"))
			return unknown_arg(err, words[i]);
		if (i + 1 >= n)
			return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
					 "Missing mandatory argument of option `timeout'");
		ret = number(words[++i], 0, IPSET_TIMEOUT_MAX, &v, err);
		if (ret)
			return ret;
		if (!s->with_timeout)
			return bpfw_errf(err, IPSET_EXIT_OTHER, EINVAL, "Timeout cannot be used: "
					 "set was created without timeout support");
		e->timeout = (uint32_t)v;
		e->timeout_given = true;
	}
	return 0;
}

/* Split @line (changed in place) into at most @max words; their number. */
static int split(char *line, char **words, int max)
{
	int n = 0;

	for (char *tok = strtok(line, " \t"); tok && n < max; tok = strtok(NULL, " \t"))
		words[n++] = tok;
	return n;
}

int ipset_state_parse(const char *text, size_t len, struct ir_ruleset *rs, struct bpfw_err *err)
{
	char *copy = strndup(text, len), *line, *save = NULL;
	int ret = 0;

	if (!copy)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	for (line = strtok_r(copy, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save)) {
		struct ir_set s = { 0 };
		char *words[32];
		int n = split(line, words, 32);

		if (n == 2 && !strcmp(words[0], "seq")) {
			rs->set_seq = (uint32_t)strtoul(words[1], NULL, 10);
			continue;
		}
		if (n < 3 || strcmp(words[0], "create") || strlen(words[1]) >= IR_SET_MAXNAMELEN) {
			ret = -EINVAL;
			break;
		}
		snprintf(s.name, sizeof(s.name), "%s", words[1]);
		ret = ipset_parse_create(words + 2, n - 2, true, &s, err);
		if (!ret && ir_set_add(rs, &s))
			ret = -ENOMEM;
	}
	free(copy);
	if (ret && !err->exit_code)
		bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
			  "The running rule set's state text is damaged");
	return ret;
}
