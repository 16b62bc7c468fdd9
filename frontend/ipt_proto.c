// SPDX-License-Identifier: GPL-2.0
/* Protocols, ports and TCP flags by name or number. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
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
	{ "mobility-header", IPPROTO_MH }, { "ipv6-mh", IPPROTO_MH },    { "mh", IPPROTO_MH },	    { "all", 0 },
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
