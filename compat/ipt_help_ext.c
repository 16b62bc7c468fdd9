// SPDX-License-Identifier: GPL-2.0
/*
 * The help of the matches and the target a command names (iptables -m tcp
 * -h, ip6tables -p icmpv6 -h), printed after the general help as
 * iptables 1.8.9 prints its extensions' help: the target first, then each
 * match in the order given.
 */
#include <stdio.h>
#include <string.h>

#include "bpfw/ipt.h"

enum { FAM_V4 = 1 << IR_FAMILY_IPV4, FAM_V6 = 1 << IR_FAMILY_IPV6, FAM_BOTH = FAM_V4 | FAM_V6 };

struct ext_help {
	const char *name;
	unsigned int families;	/* FAM_*: which tool has the extension */
	const char *text;
};

static const struct ext_help helps[] = {
	{ "tcp", FAM_BOTH,
	  "tcp match options:\n"
	  "[!] --tcp-flags mask comp\tmatch when TCP flags & mask == comp\n"
	  "\t\t\t\t(Flags: SYN ACK FIN RST URG PSH ALL NONE)\n"
	  "[!] --syn\t\t\tmatch when only SYN flag set\n"
	  "\t\t\t\t(equivalent to --tcp-flags SYN,RST,ACK,FIN SYN)\n"
	  "[!] --source-port port[:port]\n"
	  " --sport ...\n"
	  "\t\t\t\tmatch source port(s)\n"
	  "[!] --destination-port port[:port]\n"
	  " --dport ...\n"
	  "\t\t\t\tmatch destination port(s)\n"
	  "[!] --tcp-option number        match if TCP option set\n" },
	{ "udp", FAM_BOTH,
	  "udp match options:\n"
	  "[!] --source-port port[:port]\n"
	  " --sport ...\n"
	  "\t\t\t\tmatch source port(s)\n"
	  "[!] --destination-port port[:port]\n"
	  " --dport ...\n"
	  "\t\t\t\tmatch destination port(s)\n" },
	{ "icmp", FAM_V4,
	  "icmp match options:\n"
	  "[!] --icmp-type typename\tmatch icmp type\n"
	  "[!] --icmp-type type[/code]\t(or numeric type or type/code)\n"
	  "Valid ICMP Types:\n"
	  "any\n"
	  "echo-reply (pong)\n"
	  "destination-unreachable\n"
	  "   network-unreachable\n"
	  "   host-unreachable\n"
	  "   protocol-unreachable\n"
	  "   port-unreachable\n"
	  "   fragmentation-needed\n"
	  "   source-route-failed\n"
	  "   network-unknown\n"
	  "   host-unknown\n"
	  "   network-prohibited\n"
	  "   host-prohibited\n"
	  "   TOS-network-unreachable\n"
	  "   TOS-host-unreachable\n"
	  "   communication-prohibited\n"
	  "   host-precedence-violation\n"
	  "   precedence-cutoff\n"
	  "source-quench\n"
	  "redirect\n"
	  "   network-redirect\n"
	  "   host-redirect\n"
	  "   TOS-network-redirect\n"
	  "   TOS-host-redirect\n"
	  "echo-request (ping)\n"
	  "router-advertisement\n"
	  "router-solicitation\n"
	  "time-exceeded (ttl-exceeded)\n"
	  "   ttl-zero-during-transit\n"
	  "   ttl-zero-during-reassembly\n"
	  "parameter-problem\n"
	  "   ip-header-bad\n"
	  "   required-option-missing\n"
	  "timestamp-request\n"
	  "timestamp-reply\n"
	  "address-mask-request\n"
	  "address-mask-reply\n" },
	{ "icmp6", FAM_V6,
	  "icmpv6 match options:\n"
	  "[!] --icmpv6-type typename\tmatch icmpv6 type\n"
	  "\t\t\t\t(or numeric type or type/code)\n"
	  "Valid ICMPv6 Types:\n"
	  "destination-unreachable\n"
	  "   no-route\n"
	  "   communication-prohibited\n"
	  "   beyond-scope\n"
	  "   address-unreachable\n"
	  "   port-unreachable\n"
	  "   failed-policy\n"
	  "   reject-route\n"
	  "packet-too-big\n"
	  "time-exceeded (ttl-exceeded)\n"
	  "   ttl-zero-during-transit\n"
	  "   ttl-zero-during-reassembly\n"
	  "parameter-problem\n"
	  "   bad-header\n"
	  "   unknown-header-type\n"
	  "   unknown-option\n"
	  "echo-request (ping)\n"
	  "echo-reply (pong)\n"
	  "router-solicitation\n"
	  "router-advertisement\n"
	  "neighbour-solicitation (neighbor-solicitation)\n"
	  "neighbour-advertisement (neighbor-advertisement)\n"
	  "redirect\n" },
	{ "comment", FAM_BOTH,
	  "comment match options:\n"
	  "--comment COMMENT             Attach a comment to a rule\n" },
	{ "conntrack", FAM_BOTH,
	  "conntrack match options:\n"
	  "[!] --ctstate {INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED|SNAT|DNAT}[,...]\n"
	  "                               State(s) to match\n"
	  "[!] --ctproto proto            Protocol to match; by number or name, e.g. \"tcp\"\n"
	  "[!] --ctorigsrc address[/mask]\n"
	  "[!] --ctorigdst address[/mask]\n"
	  "[!] --ctreplsrc address[/mask]\n"
	  "[!] --ctrepldst address[/mask]\n"
	  "                               Original/Reply source/destination address\n"
	  "[!] --ctorigsrcport port\n"
	  "[!] --ctorigdstport port\n"
	  "[!] --ctreplsrcport port\n"
	  "[!] --ctrepldstport port\n"
	  "                               TCP/UDP/SCTP orig./reply source/destination port\n"
	  "[!] --ctstatus {NONE|EXPECTED|SEEN_REPLY|ASSURED|CONFIRMED}[,...]\n"
	  "                               Status(es) to match\n"
	  "[!] --ctexpire time[:time]     Match remaining lifetime in seconds against\n"
	  "                               value or range of values (inclusive)\n"
	  "    --ctdir {ORIGINAL|REPLY}   Flow direction of packet\n" },
	{ "state", FAM_BOTH,
	  "state match options:\n"
	  " [!] --state [INVALID|ESTABLISHED|NEW|RELATED|UNTRACKED][,...]\n"
	  "\t\t\t\tState(s) to match\n" },
	{ "multiport", FAM_BOTH,
	  "multiport match options:\n"
	  "[!] --source-ports port[,port:port,port...]\n"
	  " --sports ...\n"
	  "\t\t\t\tmatch source port(s)\n"
	  "[!] --destination-ports port[,port:port,port...]\n"
	  " --dports ...\n"
	  "\t\t\t\tmatch destination port(s)\n"
	  "[!] --ports port[,port:port,port]\n"
	  "\t\t\t\tmatch both source and destination port(s)\n" },
	{ "limit", FAM_BOTH,
	  "limit match options:\n"
	  "--limit avg\t\t\tmax average match rate: default 3/hour\n"
	  "                                [Packets per second unless followed by \n"
	  "                                /sec /minute /hour /day postfixes]\n"
	  "--limit-burst number\t\tnumber to match in a burst, default 5\n" },
	{ "addrtype", FAM_BOTH,
	  "Address type match options:\n"
	  " [!] --src-type type[,...]      Match source address type\n"
	  " [!] --dst-type type[,...]      Match destination address type\n"
	  "     --limit-iface-in           Match only on the packet's incoming device\n"
	  "     --limit-iface-out          Match only on the packet's outgoing device\n"
	  "\n"
	  "Valid types:           \n"
	  "                                UNSPEC\n"
	  "                                UNICAST\n"
	  "                                LOCAL\n"
	  "                                BROADCAST\n"
	  "                                ANYCAST\n"
	  "                                MULTICAST\n"
	  "                                BLACKHOLE\n"
	  "                                UNREACHABLE\n"
	  "                                PROHIBIT\n"
	  "                                THROW\n"
	  "                                NAT\n"
	  "                                XRESOLVE\n" },
	{ "iprange", FAM_BOTH,
	  "iprange match options:\n"
	  "[!] --src-range ip[-ip]    Match source IP in the specified range\n"
	  "[!] --dst-range ip[-ip]    Match destination IP in the specified range\n" },
	{ "length", FAM_BOTH,
	  "length match options:\n"
	  "[!] --length length[:length]    Match packet length against value or range\n"
	  "                                of values (inclusive)\n" },
	{ "ttl", FAM_V4,
	  "ttl match options:\n"
	  "[!] --ttl-eq value\tMatch time to live value\n"
	  "  --ttl-lt value\tMatch TTL < value\n"
	  "  --ttl-gt value\tMatch TTL > value\n" },
	{ "hl", FAM_V6,
	  "hl match options:\n"
	  "[!] --hl-eq value\tMatch hop limit value\n"
	  "  --hl-lt value\tMatch HL < value\n"
	  "  --hl-gt value\tMatch HL > value\n" },
	{ "rt", FAM_V6,
	  "rt match options:\n"
	  "[!] --rt-type type             match the type\n"
	  "[!] --rt-segsleft num[:num]    match the Segments Left field (range)\n"
	  "[!] --rt-len length            total length of this header\n"
	  " --rt-0-res                    check the reserved field too (type 0)\n"
	  " --rt-0-addrs ADDR[,ADDR...]   Type=0 addresses (list, max: 16)\n"
	  " --rt-0-not-strict             List of Type=0 addresses not a strict list\n" },
	{ "recent", FAM_BOTH,
	  "recent match options:\n"
	  "[!] --set                       Add source address to list, always matches.\n"
	  "[!] --rcheck                    Match if source address in list.\n"
	  "[!] --update                    Match if source address in list, also update las"
	  "t-seen time.\n"
	  "[!] --remove                    Match if source address in list, also removes th"
	  "at address from list.\n"
	  "    --seconds seconds           For check and update commands above.\n"
	  "                                Specifies that the match will only occur if sour"
	  "ce address last seen within\n"
	  "                                the last 'seconds' seconds.\n"
	  "    --reap                      Purge entries older then 'seconds'.\n"
	  "                                Can only be used in conjunction with the seconds"
	  " option.\n"
	  "    --hitcount hits             For check and update commands above.\n"
	  "                                Specifies that the match will only occur if sour"
	  "ce address seen hits times.\n"
	  "                                May be used in conjunction with the seconds opti"
	  "on.\n"
	  "    --rttl                      For check and update commands above.\n"
	  "                                Specifies that the match will only occur if the "
	  "source address and the TTL\n"
	  "                                match between this packet and the one which was "
	  "set.\n"
	  "                                Useful if you have problems with people spoofing"
	  " their source address in order\n"
	  "                                to DoS you via this module.\n"
	  "    --name name                 Name of the recent list to be used.  DEFAULT use"
	  "d if none given.\n"
	  "    --rsource                   Match/Save the source address of each packet in "
	  "the recent list table (default).\n"
	  "    --rdest                     Match/Save the destination address of each packe"
	  "t in the recent list table.\n"
	  "    --mask netmask              Netmask that will be applied to this recent list.\n"
	  "xt_recent by: Stephen Frost <sfrost@snowman.net>.\n" },
	{ "mac", FAM_BOTH,
	  "mac match options:\n"
	  "[!] --mac-source XX:XX:XX:XX:XX:XX\n"
	  "\t\t\t\tMatch source MAC address\n" },
	{ "mark", FAM_BOTH,
	  "mark match options:\n"
	  "[!] --mark value[/mask]    Match nfmark value with optional mask\n" },
	{ "pkttype", FAM_BOTH,
	  "pkttype match options:\n"
	  "[!] --pkt-type packettype    match packet type\n"
	  "Valid packet types:\n"
	  "\tunicast       \t\tto us\n"
	  "\tbroadcast     \t\tto all\n"
	  "\tmulticast     \t\tto group\n"
	  "\totherhost     \t\tto someone else\n"
	  "\n" },
	{ "owner", FAM_BOTH,
	  "owner match options:\n"
	  "[!] --uid-owner userid[-userid]      Match local UID\n"
	  "[!] --gid-owner groupid[-groupid]    Match local GID\n"
	  "[!] --socket-exists                  Match if socket exists\n"
	  "    --suppl-groups                   Also match supplementary groups set with --"
	  "gid-owner\n" },
	{ "set", FAM_BOTH,
	  "set match options:\n"
	  " [!] --match-set name flags [--return-nomatch]\n"
	  "   [! --update-counters] [! --update-subcounters]\n"
	  "   [[!] --packets-eq value | --packets-lt value | --packets-gt value\n"
	  "   [[!] --bytes-eq value | --bytes-lt value | --bytes-gt value\n"
	  "\t\t 'name' is the set name from to match,\n"
	  "\t\t 'flags' are the comma separated list of\n"
	  "\t\t 'src' and 'dst' specifications.\n" },
	{ "standard", FAM_BOTH,
	  "standard match options:\n"
	  "(If target is DROP, ACCEPT, RETURN or nothing)\n" },
	{ "LOG", FAM_BOTH,
	  "LOG target options:\n"
	  " --log-level level\t\tLevel of logging (numeric or see syslog.conf)\n"
	  " --log-prefix prefix\t\tPrefix log messages with this prefix.\n"
	  " --log-tcp-sequence\t\tLog TCP sequence numbers.\n"
	  " --log-tcp-options\t\tLog TCP options.\n"
	  " --log-ip-options\t\tLog IP options.\n"
	  " --log-uid\t\t\tLog UID owning the local socket.\n"
	  " --log-macdecode\t\tDecode MAC addresses and protocol.\n" },
	{ "REJECT", FAM_V4,
	  "REJECT target options:\n"
	  "--reject-with type              drop input packet and send back\n"
	  "                                a reply packet according to type:\n"
	  "Valid reject types:\n"
	  "    icmp-net-unreachable     \tICMP network unreachable\n"
	  "    net-unreach              \talias\n"
	  "    icmp-host-unreachable    \tICMP host unreachable\n"
	  "    host-unreach             \talias\n"
	  "    icmp-proto-unreachable   \tICMP protocol unreachable\n"
	  "    proto-unreach            \talias\n"
	  "    icmp-port-unreachable    \tICMP port unreachable (default)\n"
	  "    port-unreach             \talias\n"
	  "    icmp-net-prohibited      \tICMP network prohibited\n"
	  "    net-prohib               \talias\n"
	  "    icmp-host-prohibited     \tICMP host prohibited\n"
	  "    host-prohib              \talias\n"
	  "    tcp-reset                \tTCP RST packet\n"
	  "    tcp-rst                  \talias\n"
	  "    icmp-admin-prohibited    \tICMP administratively prohibited (*)\n"
	  "    admin-prohib             \talias\n"
	  "\n"
	  "(*) See man page or read the INCOMPATIBILITES file for compatibility issues.\n" },
	{ "REJECT", FAM_V6,
	  "REJECT target options:\n"
	  "--reject-with type              drop input packet and send back\n"
	  "                                a reply packet according to type:\n"
	  "Valid reject types:\n"
	  "    icmp6-no-route           \tICMPv6 no route\n"
	  "    no-route                 \talias\n"
	  "    icmp6-adm-prohibited     \tICMPv6 administratively prohibited\n"
	  "    adm-prohibited           \talias\n"
	  "    icmp6-addr-unreachable   \tICMPv6 address unreachable\n"
	  "    addr-unreach             \talias\n"
	  "    icmp6-port-unreachable   \tICMPv6 port unreachable\n"
	  "    port-unreach             \talias\n"
	  "    tcp-reset                \tTCP RST packet\n"
	  "    tcp-reset                \talias\n"
	  "    icmp6-policy-fail        \tICMPv6 policy fail\n"
	  "    policy-fail              \talias\n"
	  "    icmp6-reject-route       \tICMPv6 reject route\n"
	  "    reject-route             \talias\n"
	  "\n" },
};

/* The help of extension @name for @family, or NULL if that tool has none. */
static const char *help_of(const char *name, enum ir_family family)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, name) && (helps[i].families & (1u << family)))
			return helps[i].text;
	return NULL;
}

static const char *match_name(enum ir_match_kind kind)
{
	static const char *const names[IR_MATCH_KIND_MAX] = {
		[IR_MATCH_TCP] = "tcp",		[IR_MATCH_UDP] = "udp",
		[IR_MATCH_ICMP] = "icmp",	[IR_MATCH_COMMENT] = "comment",
		[IR_MATCH_CONNTRACK] = "conntrack", [IR_MATCH_STATE] = "state",
		[IR_MATCH_MULTIPORT] = "multiport", [IR_MATCH_LIMIT] = "limit",
		[IR_MATCH_ADDRTYPE] = "addrtype", [IR_MATCH_IPRANGE] = "iprange",
		[IR_MATCH_LENGTH] = "length",	[IR_MATCH_TTL] = "ttl",
		[IR_MATCH_RECENT] = "recent",	[IR_MATCH_ICMP6] = "icmp6",
		[IR_MATCH_HL] = "hl",		[IR_MATCH_RT] = "rt",
		[IR_MATCH_MAC] = "mac",		[IR_MATCH_MARK] = "mark",
		[IR_MATCH_PKTTYPE] = "pkttype",	[IR_MATCH_OWNER] = "owner",
		[IR_MATCH_SET] = "set",
	};

	return kind < IR_MATCH_KIND_MAX && names[kind] ? names[kind] : "";
}

static void put(FILE *out, const char *text)
{
	if (text)
		fprintf(out, "\n%s", text);
}

void ipt_print_ext_help(const struct ipt_ctx *ctx, const struct ir_rule *r, FILE *out)
{
	if (!r)
		return;
	switch (r->target.kind) {
	case IR_TARGET_ACCEPT:
	case IR_TARGET_DROP:
	case IR_TARGET_RETURN:
		put(out, help_of("standard", ctx->family));
		break;
	case IR_TARGET_LOG:
		put(out, help_of("LOG", ctx->family));
		break;
	case IR_TARGET_REJECT:
		put(out, help_of("REJECT", ctx->family));
		break;
	default:
		break;
	}
	for (unsigned int i = 0; i < r->n_matches; i++)
		put(out, help_of(match_name(r->matches[i].kind), ctx->family));
}
