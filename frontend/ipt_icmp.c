// SPDX-License-Identifier: GPL-2.0
/* ICMP and ICMPv6 types by name or number, as libipt_icmp and libip6t_icmp6 read them. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>

#include "ipt_internal.h"

#define ICMP_ANY_TYPE	0xff
#define ALL_CODES	0, 0xff

struct icmp_name {
	const char *name;
	uint8_t type, code_lo, code_hi;
};

static const struct icmp_name icmp_names[] = {
	{ "any", ICMP_ANY_TYPE, ALL_CODES },
	{ "echo-reply", ICMP_ECHOREPLY, ALL_CODES },
	{ "pong", ICMP_ECHOREPLY, ALL_CODES },
	{ "destination-unreachable", ICMP_DEST_UNREACH, ALL_CODES },
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
	{ "source-quench", ICMP_SOURCE_QUENCH, ALL_CODES },
	{ "redirect", ICMP_REDIRECT, ALL_CODES },
	{ "network-redirect", ICMP_REDIRECT, ICMP_REDIR_NET, ICMP_REDIR_NET },
	{ "host-redirect", ICMP_REDIRECT, ICMP_REDIR_HOST, ICMP_REDIR_HOST },
	{ "TOS-network-redirect", ICMP_REDIRECT, ICMP_REDIR_NETTOS, ICMP_REDIR_NETTOS },
	{ "TOS-host-redirect", ICMP_REDIRECT, ICMP_REDIR_HOSTTOS, ICMP_REDIR_HOSTTOS },
	{ "echo-request", ICMP_ECHO, ALL_CODES },
	{ "ping", ICMP_ECHO, ALL_CODES },
	{ "router-advertisement", ICMP_ROUTERADVERT, ALL_CODES },
	{ "router-solicitation", ICMP_ROUTERSOLICIT, ALL_CODES },
	{ "time-exceeded", ICMP_TIME_EXCEEDED, ALL_CODES },
	{ "ttl-exceeded", ICMP_TIME_EXCEEDED, ALL_CODES },
	{ "ttl-zero-during-transit", ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, ICMP_EXC_TTL },
	{ "ttl-zero-during-reassembly", ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME,
	  ICMP_EXC_FRAGTIME },
	{ "parameter-problem", ICMP_PARAMETERPROB, ALL_CODES },
	{ "ip-header-bad", ICMP_PARAMETERPROB, 0, 0 },
	{ "required-option-missing", ICMP_PARAMETERPROB, 1, 1 },
	{ "timestamp-request", ICMP_TIMESTAMP, ALL_CODES },
	{ "timestamp-reply", ICMP_TIMESTAMPREPLY, ALL_CODES },
	{ "address-mask-request", ICMP_ADDRESS, ALL_CODES },
	{ "address-mask-reply", ICMP_ADDRESSREPLY, ALL_CODES },
};

/* libip6t_icmp6's names, aliases after the name they stand for. */
static const struct icmp_name icmp6_names[] = {
	{ "destination-unreachable", ICMP6_DST_UNREACH, ALL_CODES },
	{ "no-route", ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOROUTE, ICMP6_DST_UNREACH_NOROUTE },
	{ "communication-prohibited", ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADMIN,
	  ICMP6_DST_UNREACH_ADMIN },
	{ "beyond-scope", ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_BEYONDSCOPE,
	  ICMP6_DST_UNREACH_BEYONDSCOPE },
	{ "address-unreachable", ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_ADDR,
	  ICMP6_DST_UNREACH_ADDR },
	{ "port-unreachable", ICMP6_DST_UNREACH, ICMP6_DST_UNREACH_NOPORT,
	  ICMP6_DST_UNREACH_NOPORT },
	{ "failed-policy", ICMP6_DST_UNREACH, 5, 5 },
	{ "reject-route", ICMP6_DST_UNREACH, 6, 6 },
	{ "packet-too-big", ICMP6_PACKET_TOO_BIG, ALL_CODES },
	{ "time-exceeded", ICMP6_TIME_EXCEEDED, ALL_CODES },
	{ "ttl-exceeded", ICMP6_TIME_EXCEEDED, ALL_CODES },
	{ "ttl-zero-during-transit", ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_TRANSIT,
	  ICMP6_TIME_EXCEED_TRANSIT },
	{ "ttl-zero-during-reassembly", ICMP6_TIME_EXCEEDED, ICMP6_TIME_EXCEED_REASSEMBLY,
	  ICMP6_TIME_EXCEED_REASSEMBLY },
	{ "parameter-problem", ICMP6_PARAM_PROB, ALL_CODES },
	{ "bad-header", ICMP6_PARAM_PROB, ICMP6_PARAMPROB_HEADER, ICMP6_PARAMPROB_HEADER },
	{ "unknown-header-type", ICMP6_PARAM_PROB, ICMP6_PARAMPROB_NEXTHEADER,
	  ICMP6_PARAMPROB_NEXTHEADER },
	{ "unknown-option", ICMP6_PARAM_PROB, ICMP6_PARAMPROB_OPTION, ICMP6_PARAMPROB_OPTION },
	{ "echo-request", ICMP6_ECHO_REQUEST, ALL_CODES },
	{ "ping", ICMP6_ECHO_REQUEST, ALL_CODES },
	{ "echo-reply", ICMP6_ECHO_REPLY, ALL_CODES },
	{ "pong", ICMP6_ECHO_REPLY, ALL_CODES },
	{ "router-solicitation", ND_ROUTER_SOLICIT, ALL_CODES },
	{ "router-advertisement", ND_ROUTER_ADVERT, ALL_CODES },
	{ "neighbour-solicitation", ND_NEIGHBOR_SOLICIT, ALL_CODES },
	{ "neighbor-solicitation", ND_NEIGHBOR_SOLICIT, ALL_CODES },
	{ "neighbour-advertisement", ND_NEIGHBOR_ADVERT, ALL_CODES },
	{ "neighbor-advertisement", ND_NEIGHBOR_ADVERT, ALL_CODES },
	{ "redirect", ND_REDIRECT, ALL_CODES },
};

/* A number 0..255 in C notation, without sign; *@end is what follows it. */
static bool one_number(const char *s, unsigned int *v, const char **end)
{
	const char *p = s;
	unsigned long n;
	char *e;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	n = strtoul(s, &e, 0);
	if (e == s || errno == ERANGE || n > UINT8_MAX)
		return false;
	*v = (unsigned int)n;
	*end = e;
	return true;
}

/* "N" or "N:M", as libxt_icmp's parse_range(); what follows, or NULL if not a number. */
static const char *number_range(const char *s, unsigned int v[2])
{
	const char *end;

	if (!one_number(s, &v[0], &end))
		return NULL;
	v[1] = v[0];
	if (*end == ':' && !one_number(end + 1, &v[1], &end))
		return NULL;
	return end;
}

int ipt_parse_icmp_type(enum ir_family family, const char *s, struct ir_match_icmp *icmp,
			struct ipt_icmp_why *why)
{
	bool v6 = family == IR_FAMILY_IPV6;
	const struct icmp_name *names = v6 ? icmp6_names : icmp_names;
	size_t len = strlen(s), n = v6 ? sizeof(icmp6_names) / sizeof(icmp6_names[0]) :
					 sizeof(icmp_names) / sizeof(icmp_names[0]);
	size_t found = n;
	unsigned int type[2], code[2] = { ALL_CODES };
	const char *end;

	/* a name, or the start of exactly one name */
	for (size_t i = 0; i < n; i++) {
		if (strncasecmp(names[i].name, s, len))
			continue;
		if (found != n) {
			why->first = names[found].name;
			why->second = names[i].name;
			return -EEXIST;
		}
		found = i;
	}
	if (found != n) {
		icmp->type = names[found].type;
		icmp->code_lo = names[found].code_lo;
		icmp->code_hi = names[found].code_hi;
		return 0;
	}
	/* TYPE[:TYPE][/CODE[:CODE]]; a range of types is refused last */
	end = number_range(s, type);
	if (!end)
		return -ENOENT;
	if (*end == '/') {
		end = number_range(end + 1, code);
		if (!end)
			return -ERANGE;
	}
	if (*end) {
		why->bad = *end;
		return -EINVAL;
	}
	if (type[0] != type[1])
		return -EDOM;
	icmp->type = (uint8_t)type[0];
	icmp->code_lo = (uint8_t)code[0];
	icmp->code_hi = (uint8_t)code[1];
	return 0;
}
