// SPDX-License-Identifier: GPL-2.0
/*
 * A packet described in words, as tcpdump prints one:
 *
 *   [in|out [IFACE]] PROTO SRC[:PORT] > DST[:PORT] [flags S|SA|SYN,ACK]
 *   [type N|NAME [code N]] [id N] [ttl N] [len N]
 *
 * IPv6 addresses with a port are written in brackets: [2001:db8::1]:22.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bpfw/pkt.h"

struct pkt_name {
	const char *name;
	uint8_t value;
};

static const struct pkt_name protos[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmp", IPPROTO_ICMP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "ipv6-icmp", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP }, { "dccp", IPPROTO_DCCP }, { "udplite", IPPROTO_UDPLITE },
	{ "esp", IPPROTO_ESP }, { "ah", IPPROTO_AH }, { "gre", IPPROTO_GRE },
	{ NULL, 0 }
};

/* TCP flags by iptables' names; tcpdump's letters below. */
static const struct pkt_name flag_names[] = {
	{ "FIN", 0x01 }, { "SYN", 0x02 }, { "RST", 0x04 }, { "PSH", 0x08 },
	{ "ACK", 0x10 }, { "URG", 0x20 }, { "ECE", 0x40 }, { "CWR", 0x80 },
	{ NULL, 0 }
};

static const char flag_letters[] = "FSRPAUEW";

static const struct pkt_name icmp_names[] = {
	{ "echo-reply", 0 }, { "destination-unreachable", 3 }, { "echo-request", 8 },
	{ "time-exceeded", 11 }, { NULL, 0 }
};

static const struct pkt_name icmp6_names[] = {
	{ "destination-unreachable", 1 }, { "time-exceeded", 3 }, { "echo-request", 128 },
	{ "echo-reply", 129 }, { "neighbour-solicitation", 135 },
	{ "neighbour-advertisement", 136 }, { NULL, 0 }
};

static const char *const start_words[] = {
	"in", "out", "tcp", "udp", "icmp", "icmpv6", "sctp", "udplite", "dccp", NULL
};
static const char *const proto_words[] = {
	"tcp", "udp", "icmp", "icmpv6", "sctp", "udplite", "dccp", NULL
};
static const char *const tail_words[] = { "flags", "type", "code", "id", "ttl", "len", NULL };
static const char *const flag_words[] = { "S", "SA", "A", "PA", "FA", "R", "RA", NULL };
static const char *const type_words[] = {
	"echo-request", "echo-reply", "destination-unreachable", "time-exceeded", NULL
};
static const char *const no_words[] = { NULL };

const char *const *pkt_desc_words(const char *prev)
{
	if (!prev || !*prev || !strcmp(prev, "--live"))
		return start_words;
	if (!strcmp(prev, "in") || !strcmp(prev, "out"))
		return proto_words;
	if (!strcmp(prev, "flags"))
		return flag_words;
	if (!strcmp(prev, "type"))
		return type_words;
	if (!strcmp(prev, "code") || !strcmp(prev, "id") || !strcmp(prev, "ttl") ||
	    !strcmp(prev, "len") || !strcmp(prev, ">"))
		return no_words;
	return tail_words;
}

static int bad(struct bpfw_err *err, const char *what, const char *word)
{
	return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL, "trace: %s \"%s\"", what, word);
}

static int number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s)
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

static int lookup(const struct pkt_name *names, const char *s, uint8_t *out)
{
	for (; names->name; names++) {
		if (!strcasecmp(s, names->name)) {
			*out = names->value;
			return 0;
		}
	}
	return -ENOENT;
}

/* "S", "SA", "S." (tcpdump's letters, '.' for ACK), "SYN,ACK" or "none" */
static int parse_flags(const char *s, uint8_t *out)
{
	char copy[64], *tok, *save = NULL;
	uint8_t bit;

	*out = 0;
	if (!strcasecmp(s, "none"))
		return 0;
	if (strlen(s) >= sizeof(copy))
		return -EINVAL;
	strcpy(copy, s);
	if (strchr(s, ',') || !lookup(flag_names, s, &bit)) {
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if (lookup(flag_names, tok, &bit))
				return -EINVAL;
			*out |= bit;
		}
		return 0;
	}
	for (; *s; s++) {
		const char *l = *s == '.' ? strchr(flag_letters, 'A') :
			       strchr(flag_letters, *s == 'C' ? 'W' : *s);

		if (!*s || !l)
			return -EINVAL;
		*out |= 1u << (l - flag_letters);
	}
	return 0;
}

/* "10.0.0.1", "10.0.0.1:22", "2001:db8::1", "[2001:db8::1]:22" */
static int parse_addr(const char *s, struct pkt_desc *p, bool second, struct bpfw_err *err)
{
	char host[INET6_ADDRSTRLEN + 2];
	uint16_t *port = second ? &p->dport : &p->sport;
	uint8_t *addr = second ? p->dst : p->src;
	const char *colon = NULL;
	unsigned long n;
	bool v6;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (size_t)(close - s - 1) >= sizeof(host))
			return bad(err, "bad address", s);
		memcpy(host, s + 1, close - s - 1);
		host[close - s - 1] = 0;
		if (close[1] == ':')
			colon = close + 1;
		else if (close[1])
			return bad(err, "bad address", s);
		v6 = true;
	} else {
		colon = strchr(s, ':');
		v6 = colon && strchr(colon + 1, ':');
		if (v6)
			colon = NULL;
		if (strlen(s) >= sizeof(host))
			return bad(err, "bad address", s);
		strcpy(host, s);
		if (colon)
			host[colon - s] = 0;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, addr) != 1)
		return bad(err, "bad address", s);
	if (colon) {
		if (number(colon + 1, 65535, &n))
			return bad(err, "bad port in", s);
		*port = (uint16_t)n;
	}
	if (second && p->v6 != v6)
		return bad(err, "addresses of two families in", s);
	p->v6 = v6;
	return 0;
}

/* A word with a value after it: "type 8", "ttl 1". */
static int parse_tail(const char *key, const char *val, struct pkt_desc *p, struct bpfw_err *err)
{
	unsigned long n;
	uint8_t v;

	if (!val)
		return bad(err, "a value is missing after", key);
	if (!strcmp(key, "flags")) {
		if (parse_flags(val, &p->tcpflags))
			return bad(err, "bad TCP flags", val);
		return 0;
	}
	if (!strcmp(key, "type")) {
		if (!lookup(p->v6 || p->proto == IPPROTO_ICMPV6 ? icmp6_names : icmp_names, val,
			    &v)) {
			p->icmp_type = v;
			return 0;
		}
		if (number(val, 255, &n))
			return bad(err, "bad ICMP type", val);
		p->icmp_type = (uint8_t)n;
		return 0;
	}
	if (!strcmp(key, "code") && !number(val, 255, &n)) {
		p->icmp_code = (uint8_t)n;
		return 0;
	}
	if (!strcmp(key, "id") && !number(val, 65535, &n)) {
		p->icmp_id = (uint16_t)n;
		return 0;
	}
	if (!strcmp(key, "ttl") && !number(val, 255, &n)) {
		p->ttl = (uint8_t)n;
		return 0;
	}
	if (!strcmp(key, "len") && !number(val, PKT_FRAME_MAX - 14 - 40 - 20, &n)) {
		p->payload = (uint16_t)n;
		return 0;
	}
	if (!strcmp(key, "code") || !strcmp(key, "id") || !strcmp(key, "ttl") ||
	    !strcmp(key, "len"))
		return bad(err, "bad number", val);
	return bad(err, "unknown word", key);
}

int pkt_desc_parse(int argc, char **argv, struct pkt_desc *p, struct bpfw_err *err)
{
	bool have_proto = false, flags_given = false;
	int n_addrs = 0, i = 0, ret;
	unsigned long num;

	memset(p, 0, sizeof(*p));
	p->ttl = 64;
	p->sport = 40000;
	if (i < argc && (!strcmp(argv[i], "in") || !strcmp(argv[i], "out"))) {
		p->out = argv[i][0] == 'o';
		i++;
		if (i < argc && lookup(protos, argv[i], &p->proto) && strcmp(argv[i], "proto")) {
			if (strlen(argv[i]) >= IFNAMSIZ)
				return bad(err, "interface name too long", argv[i]);
			strcpy(p->ifname, argv[i]);
			i++;
		}
	}
	for (; i < argc; i++) {
		const char *w = argv[i];

		if (!have_proto && !lookup(protos, w, &p->proto)) {
			have_proto = true;
		} else if (!have_proto && !strcmp(w, "proto") && i + 1 < argc &&
			   !number(argv[i + 1], 255, &num)) {
			p->proto = (uint8_t)num;
			have_proto = true;
			i++;
		} else if (!strcmp(w, ">") || !strcmp(w, "->")) {
			if (n_addrs != 1)
				return bad(err, "\">\" goes between two addresses:", w);
		} else if (strchr(w, '.') || strchr(w, ':')) {
			if (n_addrs == 2)
				return bad(err, "a third address", w);
			ret = parse_addr(w, p, n_addrs == 1, err);
			if (ret)
				return ret;
			n_addrs++;
		} else {
			ret = parse_tail(w, i + 1 < argc ? argv[i + 1] : NULL, p, err);
			if (ret)
				return ret;
			flags_given |= !strcmp(w, "flags");
			i++;
		}
	}
	if (!have_proto)
		return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL,
				 "trace: the packet needs a protocol (tcp, udp, icmp, ...)");
	if (n_addrs != 2)
		return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL,
				 "trace: the packet needs two addresses: SRC[:PORT] > DST[:PORT]");
	if (p->proto == IPPROTO_ICMP && p->v6)
		p->proto = IPPROTO_ICMPV6;
	if (p->proto == IPPROTO_TCP && !flags_given)
		p->tcpflags = 0x02;	/* SYN: a new connection */
	return 0;
}

void pkt_desc_print(const struct pkt_desc *p, FILE *out)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int af = p->v6 ? AF_INET6 : AF_INET;
	bool ports = p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP ||
		     p->proto == IPPROTO_SCTP || p->proto == IPPROTO_DCCP ||
		     p->proto == IPPROTO_UDPLITE;
	const char *name = NULL;

	inet_ntop(af, p->src, src, sizeof(src));
	inet_ntop(af, p->dst, dst, sizeof(dst));
	for (const struct pkt_name *n = protos; n->name && !name; n++)
		if (n->value == p->proto)
			name = n->name;
	fprintf(out, "%s%s%s ", p->out ? "out" : "in", p->ifname[0] ? " " : "", p->ifname);
	if (name)
		fprintf(out, "%s ", name);
	else
		fprintf(out, "proto %u ", p->proto);
	if (ports)
		fprintf(out, p->v6 ? "[%s]:%u > [%s]:%u" : "%s:%u > %s:%u", src, p->sport, dst,
			p->dport);
	else
		fprintf(out, "%s > %s", src, dst);
	if (p->proto == IPPROTO_TCP) {
		fputs(" flags ", out);
		if (!p->tcpflags)
			fputs("none", out);
		for (int b = 0; b < 8; b++)
			if (p->tcpflags & (1u << b))
				fputc(flag_letters[b], out);
	}
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6)
		fprintf(out, " type %u code %u", p->icmp_type, p->icmp_code);
}
