// SPDX-License-Identifier: GPL-2.0
/* Protocols, ports, ICMP types and TCP flags by name or number. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/ip_icmp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "ipt_internal.h"

static bool parse_uint(const char *s, int base, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoul(s, &end, base);
	return !errno && !*end && *v <= max;
}

/* Names iptables knows without /etc/protocols. */
static const struct {
	const char *name;
	uint8_t num;
} proto_names[] = {
	{ "tcp", IPPROTO_TCP },	      { "sctp", IPPROTO_SCTP },	    { "udp", IPPROTO_UDP },
	{ "udplite", IPPROTO_UDPLITE }, { "icmp", IPPROTO_ICMP },	    { "icmpv6", IPPROTO_ICMPV6 },
	{ "ipv6-icmp", IPPROTO_ICMPV6 }, { "esp", IPPROTO_ESP },	    { "ah", IPPROTO_AH },
	{ "ipv6-mh", IPPROTO_MH },    { "mh", IPPROTO_MH },	    { "all", 0 },
};

int ipt_parse_proto(const char *s, uint8_t *proto)
{
	unsigned long v;
	struct protoent pe, *res = NULL;
	char buf[1024];

	if (parse_uint(s, 0, UINT8_MAX, &v)) {
		*proto = v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++) {
		if (!strcmp(s, proto_names[i].name)) {
			*proto = proto_names[i].num;
			return 0;
		}
	}
	if (!getprotobyname_r(s, &pe, buf, sizeof(buf), &res) && res) {
		*proto = res->p_proto;
		return 0;
	}
	return -ENOENT;
}

int ipt_parse_port(const char *s, const char *proto, uint16_t *port)
{
	struct servent se, *res = NULL;
	unsigned long v;
	char buf[1024];

	if (parse_uint(s, 10, UINT16_MAX, &v)) {
		*port = v;
		return 0;
	}
	if (*s && !getservbyname_r(s, proto, &se, buf, sizeof(buf), &res) && res) {
		*port = ntohs(res->s_port);
		return 0;
	}
	return -EINVAL;
}

#define ICMP_ANY_TYPE	0xff

static const struct {
	const char *name;
	uint8_t type, code_lo, code_hi;
} icmp_names[] = {
	{ "any", ICMP_ANY_TYPE, 0, 0xff },
	{ "echo-reply", ICMP_ECHOREPLY, 0, 0xff },
	{ "pong", ICMP_ECHOREPLY, 0, 0xff },
	{ "destination-unreachable", ICMP_DEST_UNREACH, 0, 0xff },
	{ "network-unreachable", ICMP_DEST_UNREACH, ICMP_NET_UNREACH, ICMP_NET_UNREACH },
	{ "host-unreachable", ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, ICMP_HOST_UNREACH },
	{ "protocol-unreachable", ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, ICMP_PROT_UNREACH },
	{ "port-unreachable", ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, ICMP_PORT_UNREACH },
	{ "fragmentation-needed", ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_FRAG_NEEDED },
	{ "source-route-failed", ICMP_DEST_UNREACH, ICMP_SR_FAILED, ICMP_SR_FAILED },
	{ "network-unknown", ICMP_DEST_UNREACH, ICMP_NET_UNKNOWN, ICMP_NET_UNKNOWN },
	{ "host-unknown", ICMP_DEST_UNREACH, ICMP_HOST_UNKNOWN, ICMP_HOST_UNKNOWN },
	{ "network-prohibited", ICMP_DEST_UNREACH, ICMP_NET_ANO, ICMP_NET_ANO },
	{ "host-prohibited", ICMP_DEST_UNREACH, ICMP_HOST_ANO, ICMP_HOST_ANO },
	{ "TOS-network-unreachable", ICMP_DEST_UNREACH, ICMP_NET_UNR_TOS, ICMP_NET_UNR_TOS },
	{ "TOS-host-unreachable", ICMP_DEST_UNREACH, ICMP_HOST_UNR_TOS, ICMP_HOST_UNR_TOS },
	{ "communication-prohibited", ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, ICMP_PKT_FILTERED },
	{ "host-precedence-violation", ICMP_DEST_UNREACH, ICMP_PREC_VIOLATION,
	  ICMP_PREC_VIOLATION },
	{ "precedence-cutoff", ICMP_DEST_UNREACH, ICMP_PREC_CUTOFF, ICMP_PREC_CUTOFF },
	{ "source-quench", ICMP_SOURCE_QUENCH, 0, 0xff },
	{ "redirect", ICMP_REDIRECT, 0, 0xff },
	{ "network-redirect", ICMP_REDIRECT, ICMP_REDIR_NET, ICMP_REDIR_NET },
	{ "host-redirect", ICMP_REDIRECT, ICMP_REDIR_HOST, ICMP_REDIR_HOST },
	{ "TOS-network-redirect", ICMP_REDIRECT, ICMP_REDIR_NETTOS, ICMP_REDIR_NETTOS },
	{ "TOS-host-redirect", ICMP_REDIRECT, ICMP_REDIR_HOSTTOS, ICMP_REDIR_HOSTTOS },
	{ "echo-request", ICMP_ECHO, 0, 0xff },
	{ "ping", ICMP_ECHO, 0, 0xff },
	{ "router-advertisement", ICMP_ROUTERADVERT, 0, 0xff },
	{ "router-solicitation", ICMP_ROUTERSOLICIT, 0, 0xff },
	{ "time-exceeded", ICMP_TIME_EXCEEDED, 0, 0xff },
	{ "ttl-exceeded", ICMP_TIME_EXCEEDED, 0, 0xff },
	{ "ttl-zero-during-transit", ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, ICMP_EXC_TTL },
	{ "ttl-zero-during-reassembly", ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME,
	  ICMP_EXC_FRAGTIME },
	{ "parameter-problem", ICMP_PARAMETERPROB, 0, 0xff },
	{ "ip-header-bad", ICMP_PARAMETERPROB, 0, 0 },
	{ "required-option-missing", ICMP_PARAMETERPROB, 1, 1 },
	{ "timestamp-request", ICMP_TIMESTAMP, 0, 0xff },
	{ "timestamp-reply", ICMP_TIMESTAMPREPLY, 0, 0xff },
	{ "address-mask-request", ICMP_ADDRESS, 0, 0xff },
	{ "address-mask-reply", ICMP_ADDRESSREPLY, 0, 0xff },
};

/* A number as strtoul reads it in C notation; false if there is none or it is over @max. */
static bool icmp_number(const char *s, unsigned long max, unsigned long *v, const char **end)
{
	char *e;

	errno = 0;
	*v = strtoul(s, &e, 0);
	*end = e;
	return e != s && !errno && *v <= max;
}

int ipt_parse_icmp_type(const char *s, struct ir_match_icmp *icmp, struct ipt_icmp_why *why)
{
	size_t len = strlen(s), n = sizeof(icmp_names) / sizeof(icmp_names[0]), found = n;
	unsigned long t, lo, hi;
	const char *end;

	/* a name, or the start of exactly one name */
	for (size_t i = 0; i < n; i++) {
		if (strncasecmp(icmp_names[i].name, s, len))
			continue;
		if (found != n) {
			why->first = icmp_names[found].name;
			why->second = icmp_names[i].name;
			return -EEXIST;
		}
		found = i;
	}
	if (found != n) {
		icmp->type = icmp_names[found].type;
		icmp->code_lo = icmp_names[found].code_lo;
		icmp->code_hi = icmp_names[found].code_hi;
		return 0;
	}
	/* TYPE[/CODE[:CODE]] */
	if (!icmp_number(s, UINT8_MAX, &t, &end))
		return -ENOENT;
	lo = 0;
	hi = 0xff;
	if (*end == '/') {
		if (!icmp_number(end + 1, UINT8_MAX, &lo, &end))
			return -ERANGE;
		hi = lo;
		if (*end == ':' && !icmp_number(end + 1, UINT8_MAX, &hi, &end))
			return -ERANGE;
	}
	if (*end) {
		why->bad = *end;
		return -EINVAL;
	}
	icmp->type = t;
	icmp->code_lo = lo;
	icmp->code_hi = hi;
	return 0;
}

static const struct {
	const char *name;
	uint8_t bits;
} tcp_flag_names[] = {
	{ "FIN", TH_FIN }, { "SYN", TH_SYN }, { "RST", TH_RST }, { "PSH", TH_PUSH },
	{ "ACK", TH_ACK }, { "URG", TH_URG },
	{ "ALL", TH_FIN | TH_SYN | TH_RST | TH_PUSH | TH_ACK | TH_URG }, { "NONE", 0 },
};

int ipt_parse_tcp_flags(const char *s, uint8_t *flags, char *bad, size_t badlen)
{
	const char *p = s;

	*flags = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		bool found = false;

		for (size_t i = 0; i < sizeof(tcp_flag_names) / sizeof(tcp_flag_names[0]); i++) {
			if (strlen(tcp_flag_names[i].name) == n &&
			    !strncasecmp(p, tcp_flag_names[i].name, n)) {
				*flags |= tcp_flag_names[i].bits;
				found = true;
				break;
			}
		}
		if (!found) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -EINVAL;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

bool ipt_parse_rulenum(const char *s, unsigned int *num)
{
	unsigned long v;

	if (!parse_uint(s, 0, INT_MAX, &v) || v < 1)
		return false;
	*num = v;
	return true;
}

/* Targets the system iptables ships; a chain may not take their names. */
static const char *const target_names[] = {
	"ACCEPT", "DROP", "RETURN", "QUEUE", "AUDIT", "CHECKSUM", "CLASSIFY", "CLUSTERIP",
	"CONNMARK", "CONNSECMARK", "CT", "DNAT", "DNPT", "DSCP", "ECN", "HL", "HMARK", "IDLETIMER",
	"LED", "LOG", "MARK", "MASQUERADE", "MIRROR", "NETMAP", "NFLOG", "NFQUEUE", "NOTRACK",
	"RATEEST", "REDIRECT", "REJECT", "SAME", "SECMARK", "SET", "SNAT", "SNPT", "SYNPROXY",
	"TCPMSS", "TCPOPTSTRIP", "TEE", "TOS", "TPROXY", "TRACE", "TTL", "ULOG", "standard",
};

bool ipt_is_target_name(const char *name)
{
	for (size_t i = 0; i < sizeof(target_names) / sizeof(target_names[0]); i++)
		if (!strcmp(name, target_names[i]))
			return true;
	return false;
}
