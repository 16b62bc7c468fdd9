// SPDX-License-Identifier: GPL-2.0
/* ICMP and ICMPv6 types and codes by ipset's names, for hash:ip,port's "icmp:NAME". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bpfw/ipset.h"

static const struct {
	const char *name;
	uint8_t type, code;
} icmp_names[] = {
	{ "echo-reply", 0, 0 },			{ "pong", 0, 0 },
	{ "network-unreachable", 3, 0 },	{ "host-unreachable", 3, 1 },
	{ "protocol-unreachable", 3, 2 },	{ "port-unreachable", 3, 3 },
	{ "fragmentation-needed", 3, 4 },	{ "source-route-failed", 3, 5 },
	{ "network-unknown", 3, 6 },		{ "host-unknown", 3, 7 },
	{ "network-prohibited", 3, 9 },		{ "host-prohibited", 3, 10 },
	{ "TOS-network-unreachable", 3, 11 },	{ "TOS-host-unreachable", 3, 12 },
	{ "communication-prohibited", 3, 13 },	{ "host-precedence-violation", 3, 14 },
	{ "precedence-cutoff", 3, 15 },		{ "source-quench", 4, 0 },
	{ "network-redirect", 5, 0 },		{ "host-redirect", 5, 1 },
	{ "TOS-network-redirect", 5, 2 },	{ "TOS-host-redirect", 5, 3 },
	{ "echo-request", 8, 0 },		{ "ping", 8, 0 },
	{ "router-advertisement", 9, 0 },	{ "router-solicitation", 10, 0 },
	{ "ttl-zero-during-transit", 11, 0 },	{ "ttl-zero-during-reassembly", 11, 1 },
	{ "ip-header-bad", 12, 0 },		{ "required-option-missing", 12, 1 },
	{ "timestamp-request", 13, 0 },		{ "timestamp-reply", 14, 0 },
	{ "address-mask-request", 17, 0 },	{ "address-mask-reply", 18, 0 },
};

static const struct {
	const char *name;
	uint8_t type, code;
} icmp6_names[] = {
	{ "no-route", 1, 0 },			{ "communication-prohibited", 1, 1 },
	{ "address-unreachable", 1, 3 },	{ "port-unreachable", 1, 4 },
	{ "packet-too-big", 2, 0 },		{ "ttl-zero-during-transit", 3, 0 },
	{ "ttl-zero-during-reassembly", 3, 1 },	{ "bad-header", 4, 0 },
	{ "unknown-header-type", 4, 1 },	{ "unknown-option", 4, 2 },
	{ "echo-request", 128, 0 },		{ "ping", 128, 0 },
	{ "echo-reply", 129, 0 },		{ "pong", 129, 0 },
	{ "router-solicitation", 133, 0 },	{ "router-advertisement", 134, 0 },
	{ "neighbour-solicitation", 135, 0 },	{ "neigbour-solicitation", 135, 0 },
	{ "neighbour-advertisement", 136, 0 },	{ "neigbour-advertisement", 136, 0 },
	{ "redirect", 137, 0 },
};

#define N_ICMP_NAMES (sizeof(icmp_names) / sizeof(icmp_names[0]))
#define N_ICMP6_NAMES (sizeof(icmp6_names) / sizeof(icmp6_names[0]))

int ipset_icmp_parse(const char *s, bool v6, uint16_t *typecode)
{
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long type, code;

	for (unsigned int i = 0; !v6 && i < N_ICMP_NAMES; i++)
		if (!strcasecmp(s, icmp_names[i].name)) {
			*typecode = (uint16_t)(icmp_names[i].type << 8 | icmp_names[i].code);
			return 0;
		}
	for (unsigned int i = 0; v6 && i < N_ICMP6_NAMES; i++)
		if (!strcasecmp(s, icmp6_names[i].name)) {
			*typecode = (uint16_t)(icmp6_names[i].type << 8 | icmp6_names[i].code);
			return 0;
		}
	if (!slash || slash == s)
		return -1;
	type = strtoul(s, &end, 10);
	if (end != slash || type > 255)
		return -1;
	code = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || code > 255)
		return -1;
	*typecode = (uint16_t)(type << 8 | code);
	return 0;
}

const char *ipset_icmp_name(uint16_t typecode, bool v6)
{
	for (unsigned int i = 0; !v6 && i < N_ICMP_NAMES; i++)
		if ((icmp_names[i].type << 8 | icmp_names[i].code) == typecode)
			return icmp_names[i].name;
	for (unsigned int i = 0; v6 && i < N_ICMP6_NAMES; i++)
		if ((icmp6_names[i].type << 8 | icmp6_names[i].code) == typecode)
			return icmp6_names[i].name;
	return NULL;
}
