// SPDX-License-Identifier: GPL-2.0
/* Names, addresses, counters and quoting shared by the iptables output formats. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#include "ipt_fmt.h"

#define ICMP_TYPE_ANY	0xff
#define CODES_ALL	0, 0xff

/* Names iptables knows when /etc/protocols does not. */
static const struct {
	uint8_t num;
	const char *name;
} proto_names[] = {
	{ IPPROTO_TCP, "tcp" },	  { IPPROTO_SCTP, "sctp" }, { IPPROTO_UDP, "udp" },
	{ IPPROTO_UDPLITE, "udplite" }, { IPPROTO_ICMP, "icmp" }, { IPPROTO_ICMPV6, "ipv6-icmp" },
	{ IPPROTO_ESP, "esp" },	  { IPPROTO_AH, "ah" },	    { IPPROTO_MH, "ipv6-mh" },
};

const char *ipt_fmt_proto(uint8_t proto, char *buf, size_t len)
{
	struct protoent pe, *res = NULL;
	char tmp[1024];

	if (proto == 0)
		return "all";
	if (!getprotobynumber_r(proto, &pe, tmp, sizeof(tmp), &res) && res) {
		snprintf(buf, len, "%s", res->p_name);
		return buf;
	}
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].num == proto)
			return proto_names[i].name;
	snprintf(buf, len, "%u", proto);
	return buf;
}

static const uint8_t *mask_bytes(const struct ir_addr *a, enum ir_family family, size_t *n)
{
	if (family == IR_FAMILY_IPV6) {
		*n = sizeof(a->mask.v6);
		return a->mask.v6.s6_addr;
	}
	*n = sizeof(a->mask.v4);
	return (const uint8_t *)&a->mask.v4;
}

int ipt_fmt_prefix_len(const struct ir_addr *a, enum ir_family family)
{
	size_t n;
	const uint8_t *m = mask_bytes(a, family, &n);
	int bits = 0;
	bool ended = false;

	for (size_t i = 0; i < n; i++) {
		for (int b = 7; b >= 0; b--) {
			bool set = m[i] & (1u << b);

			if (set && ended)
				return -1;
			if (set)
				bits++;
			else
				ended = true;
		}
	}
	return bits;
}

bool ipt_fmt_addr_any(const struct ir_addr *a, enum ir_family family)
{
	size_t n;
	const uint8_t *m = mask_bytes(a, family, &n);

	for (size_t i = 0; i < n; i++)
		if (m[i])
			return false;
	return true;
}

/* The network part of @a, as text. */
/* "a.b.c.d" of @ip (host order) into @buf of at least INET_ADDRSTRLEN bytes. */
static void format_v4(char *buf, size_t len, uint32_t ip)
{
	char *p = buf;

	if (len < INET_ADDRSTRLEN) {
		snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff,
			 ip & 0xff);
		return;
	}
	for (int shift = 24; shift >= 0; shift -= 8) {
		unsigned int o = (ip >> shift) & 0xff;

		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		if (shift)
			*p++ = '.';
	}
	*p = '\0';
}

static void net_text(const struct ir_addr *a, enum ir_family family, char *buf, size_t len)
{
	if (family == IR_FAMILY_IPV6) {
		struct in6_addr net;

		for (size_t i = 0; i < sizeof(net.s6_addr); i++)
			net.s6_addr[i] = a->addr.v6.s6_addr[i] & a->mask.v6.s6_addr[i];
		inet_ntop(AF_INET6, &net, buf, len);
	} else {
		uint32_t net = ntohl(a->addr.v4.s_addr & a->mask.v4.s_addr);

		/* dotted quad by hand: the state text of a large set is mostly these */
		format_v4(buf, len, net);
	}
}

/* "/LEN" or "/MASK" after an address; "" for a host when @host_bare. */
static void mask_text(const struct ir_addr *a, enum ir_family family, bool host_bare, char *buf,
		      size_t len)
{
	int plen = ipt_fmt_prefix_len(a, family);
	int full = family == IR_FAMILY_IPV6 ? 128 : 32;
	char m[INET6_ADDRSTRLEN];

	if (plen == full && host_bare) {
		buf[0] = '\0';
	} else if (plen >= 0 && len > 4) {
		char *p = buf;

		*p++ = '/';
		if (plen >= 100)
			*p++ = (char)('0' + plen / 100);
		if (plen >= 10)
			*p++ = (char)('0' + plen / 10 % 10);
		*p++ = (char)('0' + plen % 10);
		*p = '\0';
	} else {
		inet_ntop(family == IR_FAMILY_IPV6 ? AF_INET6 : AF_INET,
			  family == IR_FAMILY_IPV6 ? (const void *)&a->mask.v6 : &a->mask.v4, m,
			  sizeof(m));
		snprintf(buf, len, "/%s", m);
	}
}

const char *ipt_fmt_addr_save(const struct ir_addr *a, enum ir_family family, char *buf,
			      size_t len)
{
	char net[INET6_ADDRSTRLEN], mask[INET6_ADDRSTRLEN + 1];
	size_t n, m;

	net_text(a, family, net, sizeof(net));
	mask_text(a, family, false, mask, sizeof(mask));
	n = strlen(net);
	m = strlen(mask);
	if (n + m >= len)
		n = m = 0;
	memcpy(buf, net, n);
	memcpy(buf + n, mask, m);
	buf[n + m] = '\0';
	return buf;
}

/* A host name, or a network name, for the network part of @a; false if none. */
static bool addr_name(const struct ir_addr *a, enum ir_family family, char *buf, size_t len)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	struct netent *ne;

	if (family == IR_FAMILY_IPV6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		for (size_t i = 0; i < sizeof(s6->sin6_addr.s6_addr); i++)
			s6->sin6_addr.s6_addr[i] = a->addr.v6.s6_addr[i] & a->mask.v6.s6_addr[i];
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = a->addr.v4.s_addr & a->mask.v4.s_addr;
		sl = sizeof(*s4);
	}
	if (!getnameinfo((struct sockaddr *)&ss, sl, buf, len, NULL, 0, NI_NAMEREQD))
		return true;
	if (family == IR_FAMILY_IPV6)
		return false;
	ne = getnetbyaddr(ntohl(((struct sockaddr_in *)&ss)->sin_addr.s_addr), AF_INET);
	if (!ne)
		return false;
	snprintf(buf, len, "%s", ne->n_name);
	return true;
}

const char *ipt_fmt_addr_list(const struct ir_addr *a, enum ir_family family, bool numeric,
			      char *buf, size_t len)
{
	char host[NI_MAXHOST], mask[INET6_ADDRSTRLEN + 1];

	if (ipt_fmt_addr_any(a, family)) {
		if (!numeric)
			return "anywhere";
		return family == IR_FAMILY_IPV6 ? "::/0" : "0.0.0.0/0";
	}
	/* ip6tables says "anywhere" for the address ::, whatever its mask */
	if (family == IR_FAMILY_IPV6 && !numeric && IN6_IS_ADDR_UNSPECIFIED(&a->addr.v6))
		return "anywhere";
	if (numeric || !addr_name(a, family, host, sizeof(host)))
		net_text(a, family, host, sizeof(host));
	mask_text(a, family, true, mask, sizeof(mask));
	snprintf(buf, len, "%s%s", host, mask);
	return buf;
}

const char *ipt_fmt_port(uint16_t port, const char *proto, bool numeric, char *buf, size_t len)
{
	struct servent se, *res = NULL;
	char tmp[1024];

	if (!numeric && !getservbyport_r(htons(port), proto, &se, tmp, sizeof(tmp), &res) &&
	    res) {
		snprintf(buf, len, "%s", res->s_name);
		return buf;
	}
	snprintf(buf, len, "%u", port);
	return buf;
}

void ipt_fmt_num(FILE *out, uint64_t n, bool exact, bool table)
{
	static const char units[] = "KMGT";
	unsigned int u = 0;

	if (exact) {
		fprintf(out, table ? "%8llu " : "%llu ", (unsigned long long)n);
		return;
	}
	if (n <= 99999) {
		fprintf(out, table ? "%5llu " : "%llu ", (unsigned long long)n);
		return;
	}
	/* iptables rounds, and its rounding wraps around near UINT64_MAX */
	n = (n + 500) / 1000;
	while (n > 99999 && u + 1 < sizeof(units) - 1) {
		n = (n + 500) / 1000;
		u++;
	}
	fprintf(out, table ? "%4llu%c " : "%llu%c ", (unsigned long long)n, units[u]);
}

static const struct {
	uint8_t type, code_lo, code_hi;
	const char *name;
} icmp_names[] = {
	{ ICMP_TYPE_ANY, CODES_ALL, "any" },
	{ ICMP_ECHOREPLY, CODES_ALL, "echo-reply" },
	{ ICMP_DEST_UNREACH, CODES_ALL, "destination-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_NET_UNREACH, ICMP_NET_UNREACH, "network-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, ICMP_HOST_UNREACH, "host-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, ICMP_PROT_UNREACH, "protocol-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ICMP_PORT_UNREACH, "port-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_FRAG_NEEDED, "fragmentation-needed" },
	{ ICMP_DEST_UNREACH, ICMP_SR_FAILED, ICMP_SR_FAILED, "source-route-failed" },
	{ ICMP_DEST_UNREACH, ICMP_NET_UNKNOWN, ICMP_NET_UNKNOWN, "network-unknown" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNKNOWN, ICMP_HOST_UNKNOWN, "host-unknown" },
	{ ICMP_DEST_UNREACH, ICMP_NET_ANO, ICMP_NET_ANO, "network-prohibited" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_ANO, ICMP_HOST_ANO, "host-prohibited" },
	{ ICMP_DEST_UNREACH, ICMP_NET_UNR_TOS, ICMP_NET_UNR_TOS, "TOS-network-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_HOST_UNR_TOS, ICMP_HOST_UNR_TOS, "TOS-host-unreachable" },
	{ ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, ICMP_PKT_FILTERED, "communication-prohibited" },
	{ ICMP_DEST_UNREACH, ICMP_PREC_VIOLATION, ICMP_PREC_VIOLATION,
	  "host-precedence-violation" },
	{ ICMP_DEST_UNREACH, ICMP_PREC_CUTOFF, ICMP_PREC_CUTOFF, "precedence-cutoff" },
	{ ICMP_SOURCE_QUENCH, CODES_ALL, "source-quench" },
	{ ICMP_REDIRECT, CODES_ALL, "redirect" },
	{ ICMP_REDIRECT, ICMP_REDIR_NET, ICMP_REDIR_NET, "network-redirect" },
	{ ICMP_REDIRECT, ICMP_REDIR_HOST, ICMP_REDIR_HOST, "host-redirect" },
	{ ICMP_REDIRECT, ICMP_REDIR_NETTOS, ICMP_REDIR_NETTOS, "TOS-network-redirect" },
	{ ICMP_REDIRECT, ICMP_REDIR_HOSTTOS, ICMP_REDIR_HOSTTOS, "TOS-host-redirect" },
	{ ICMP_ECHO, CODES_ALL, "echo-request" },
	{ ICMP_ROUTERADVERT, CODES_ALL, "router-advertisement" },
	{ ICMP_ROUTERSOLICIT, CODES_ALL, "router-solicitation" },
	{ ICMP_TIME_EXCEEDED, CODES_ALL, "time-exceeded" },
	{ ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, ICMP_EXC_TTL, "ttl-zero-during-transit" },
	{ ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, ICMP_EXC_FRAGTIME, "ttl-zero-during-reassembly" },
	{ ICMP_PARAMETERPROB, CODES_ALL, "parameter-problem" },
	{ ICMP_PARAMETERPROB, 0, 0, "ip-header-bad" },
	{ ICMP_PARAMETERPROB, 1, 1, "required-option-missing" },
	{ ICMP_TIMESTAMP, CODES_ALL, "timestamp-request" },
	{ ICMP_TIMESTAMPREPLY, CODES_ALL, "timestamp-reply" },
	{ ICMP_ADDRESS, CODES_ALL, "address-mask-request" },
	{ ICMP_ADDRESSREPLY, CODES_ALL, "address-mask-reply" },
};

const char *ipt_fmt_icmp_name(uint8_t type, uint8_t code_lo, uint8_t code_hi)
{
	for (size_t i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++)
		if (icmp_names[i].type == type && icmp_names[i].code_lo == code_lo &&
		    icmp_names[i].code_hi == code_hi)
			return icmp_names[i].name;
	return NULL;
}

bool ipt_fmt_icmp_any(const struct ir_match_icmp *icmp)
{
	return icmp->type == ICMP_TYPE_ANY && icmp->code_lo == 0 && icmp->code_hi == 0xff;
}

void ipt_fmt_tcp_flags(FILE *out, uint8_t flags)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG",
					     "ECE", "CWR" };
	bool first = true;

	if (!flags) {
		fputs("NONE", out);
		return;
	}
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & (1u << i)))
			continue;
		fprintf(out, "%s%s", first ? "" : ",", names[i]);
		first = false;
	}
}

void ipt_fmt_addrtypes(FILE *out, uint16_t bits)
{
	bool first = true;

	for (unsigned int t = 0; t < IR_ADDRTYPE_N; t++) {
		if (!(bits & (1u << t)))
			continue;
		fprintf(out, "%s%s", first ? "" : ",", ir_addrtype_name(t));
		first = false;
	}
}

void ipt_fmt_rate(FILE *out, uint32_t avg)
{
	static const struct { const char *name; uint32_t mult; } rates[] = {
		{ "day", IR_LIMIT_SCALE * 86400u }, { "hour", IR_LIMIT_SCALE * 3600u },
		{ "min", IR_LIMIT_SCALE * 60u }, { "sec", IR_LIMIT_SCALE },
	};
	unsigned int i;

	if (!avg) {
		fputs("inf", out);
		return;
	}
	/* the largest unit that says it exactly, as libxt_limit's print_rate() */
	for (i = 1; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (avg > rates[i].mult || rates[i].mult / avg < rates[i].mult % avg)
			break;
	fprintf(out, "%u/%s", rates[i - 1].mult / avg, rates[i - 1].name);
}

const char *ipt_fmt_multiport_opt(enum ir_multiport_which which)
{
	return which == IR_MULTIPORT_SRC ? "sports" : which == IR_MULTIPORT_DST ? "dports" : "ports";
}

void ipt_fmt_multiport(FILE *out, const struct ir_match_multiport *mp, const char *proto,
		       bool numeric)
{
	char a[IPT_FMT_BUFLEN], b[IPT_FMT_BUFLEN];

	for (unsigned int i = 0; i < mp->n; i++) {
		const struct ir_port_range *r = &mp->ports[i];

		fprintf(out, "%s%s", i ? "," : "", ipt_fmt_port(r->lo, proto, numeric, a, sizeof(a)));
		if (r->lo != r->hi)
			fprintf(out, ":%s", ipt_fmt_port(r->hi, proto, numeric, b, sizeof(b)));
	}
}

void ipt_fmt_ctstates(FILE *out, uint8_t states)
{
	bool first = true;

	for (unsigned int bit = 0; ir_ct_state_name(bit); bit++) {
		if (!(states & (1u << bit)))
			continue;
		fprintf(out, "%s%s", first ? "" : ",", ir_ct_state_name(bit));
		first = false;
	}
}

void ipt_fmt_quoted(FILE *out, const char *s)
{
	bool plain = *s != '\0';

	for (const char *p = s; *p && plain; p++)
		plain = (isascii((unsigned char)*p) && isalnum((unsigned char)*p)) || *p == '-' ||
			*p == '_';
	if (plain) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\'' || *p == '\\')
			fputc('\\', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

const char *ipt_fmt_target(const struct ir_target *t)
{
	switch (t->kind) {
	case IR_TARGET_ACCEPT:
		return "ACCEPT";
	case IR_TARGET_DROP:
		return "DROP";
	case IR_TARGET_RETURN:
		return "RETURN";
	case IR_TARGET_LOG:
		return "LOG";
	case IR_TARGET_REJECT:
		return "REJECT";
	case IR_TARGET_JUMP:
	case IR_TARGET_GOTO:
		return t->chain;
	default:
		return "";
	}
}

bool ipt_fmt_range_full(const struct ir_port_range *r)
{
	return r->lo == 0 && r->hi == UINT16_MAX;
}

static int chain_cmp(const void *a, const void *b)
{
	const struct ir_chain *ca = *(struct ir_chain *const *)a;
	const struct ir_chain *cb = *(struct ir_chain *const *)b;

	return strcmp(ca->name, cb->name);
}

int ipt_fmt_user_chains(const struct ir_table *t, struct ir_chain ***out, unsigned int *n)
{
	struct ir_chain **v = calloc(t->n_chains + 1, sizeof(*v));
	unsigned int k = 0;

	if (!v)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->n_chains; i++)
		if (!ir_chain_is_builtin(t->chains[i]))
			v[k++] = t->chains[i];
	qsort(v, k, sizeof(*v), chain_cmp);
	*out = v;
	*n = k;
	return 0;
}
