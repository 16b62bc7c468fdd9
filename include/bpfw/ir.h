/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule model: one IR for every front end (iptables command line,
 * iptables-restore files, nft syntax, the shell) and every back end (the
 * BPF compiler, the save/list formatters).
 *
 * A ruleset holds one table per (family, table id).  A table holds chains,
 * built-in ones first in hook order, then user chains in creation order.  A
 * chain holds an ordered array of rules.  A rule is iptables' shape: a fixed
 * "ip" part (addresses, interfaces, protocol) followed by an ordered list of
 * match modules, as the user wrote them, and one target.  Jumps name their
 * chain by name; the compiler resolves names.
 *
 * Counters live in the kernel: every rule and every built-in chain policy
 * owns a counter slot in the running program's per-CPU counter map.  A slot
 * survives updates for as long as its rule does, so counters of unchanged
 * rules are never copied and never lost.
 */
#ifndef BPFW_IR_H
#define BPFW_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include <net/if.h>

#include "bpfw/err.h"

#define IR_CHAIN_MAXNAMELEN	29	/* XT_EXTENSION_MAXNAMELEN: 28 chars + NUL */
#define IR_COMMENT_MAXLEN	256	/* XT_MAX_COMMENT_LEN, including NUL */
#define IR_SLOT_NONE		UINT32_MAX

enum ir_family {
	IR_FAMILY_IPV4,
	IR_FAMILY_IPV6,
	IR_FAMILY_MAX,
};

enum ir_table_id {
	IR_TABLE_FILTER,
	IR_TABLE_RAW,		/* PREROUTING only, compiled to XDP */
	IR_TABLE_MAX,
};

enum ir_hook {
	IR_HOOK_PREROUTING,
	IR_HOOK_INPUT,
	IR_HOOK_FORWARD,
	IR_HOOK_OUTPUT,
	IR_HOOK_POSTROUTING,
	IR_HOOK_MAX,
	IR_HOOK_NONE = -1,	/* user-defined chain */
};

enum ir_verdict {
	IR_VERDICT_ACCEPT,
	IR_VERDICT_DROP,
};

/* A packet and byte count pair, as shown by -v and -c. */
struct ir_counter {
	uint64_t packets;
	uint64_t bytes;
};

/* An address with its mask, for either family; an all-zero mask is "any". */
struct ir_addr {
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} addr, mask;
};

/* Inversion flags of the fixed part (iptables' IPT_INV_*). */
enum {
	IR_INV_IIF = 1 << 0,
	IR_INV_OIF = 1 << 1,
	IR_INV_SRC = 1 << 2,
	IR_INV_DST = 1 << 3,
	IR_INV_PROTO = 1 << 4,
	IR_INV_FRAG = 1 << 5,
};

/* The fixed part of every rule: iptables' struct ipt_ip. */
struct ir_ipspec {
	struct ir_addr src, dst;
	char iif[IFNAMSIZ];	/* "" = any; "eth+" is a prefix match */
	char oif[IFNAMSIZ];
	uint8_t proto;		/* 0 = all */
	bool frag;		/* -f: non-first fragments only */
	uint32_t invflags;	/* IR_INV_* */
};

/* Match modules.  Issue-specific kinds are appended, never renumbered. */
enum ir_match_kind {
	IR_MATCH_TCP,
	IR_MATCH_UDP,
	IR_MATCH_ICMP,
	IR_MATCH_COMMENT,
	IR_MATCH_CONNTRACK,	/* -m conntrack --ctstate */
	IR_MATCH_STATE,		/* -m state --state: the same test, its own spelling */
	IR_MATCH_MULTIPORT,	/* -m multiport --sports/--dports/--ports */
	IR_MATCH_LIMIT,		/* -m limit --limit --limit-burst */
	IR_MATCH_ADDRTYPE,	/* -m addrtype --src-type --dst-type */
	IR_MATCH_IPRANGE,	/* -m iprange --src-range --dst-range */
	IR_MATCH_LENGTH,	/* -m length --length */
	IR_MATCH_TTL,		/* -m ttl --ttl-eq/--ttl-lt/--ttl-gt */
	IR_MATCH_RECENT,	/* -m recent */
	IR_MATCH_ICMP6,		/* -m icmp6 --icmpv6-type: struct ir_match_icmp */
	IR_MATCH_HL,		/* -m hl --hl-eq/--hl-lt/--hl-gt: struct ir_match_ttl */
	IR_MATCH_RT,		/* -m rt: the IPv6 routing header */
	IR_MATCH_MAC,		/* -m mac --mac-source */
	IR_MATCH_MARK,		/* -m mark --mark */
	IR_MATCH_PKTTYPE,	/* -m pkttype --pkt-type */
	IR_MATCH_OWNER,		/* -m owner, OUTPUT only */
	IR_MATCH_SET,		/* -m set --match-set */
	IR_MATCH_LOOKUP,	/* nftables: an anonymous set or a verdict map ("{ ... }") */
	IR_MATCH_KIND_MAX,
};

/* -m rt's options given, as ip6t_rt numbers them (IP6T_RT_*) */
enum {
	IR_RT_TYPE = 1 << 0,
	IR_RT_SEGS = 1 << 1,
	IR_RT_LEN = 1 << 2,
	IR_RT_RES = 1 << 3,
	IR_RT_FST = 1 << 4,		/* --rt-0-addrs */
	IR_RT_FST_NSTRICT = 1 << 5,	/* --rt-0-not-strict */
};

#define IR_RT_ADDRS	16	/* IP6T_RT_HOPS */

/* -m rt: a routing header of @type, @segs_lo..@segs_hi segments left, @len */
struct ir_match_rt {
	uint8_t flags;		/* IR_RT_* given */
	uint8_t invflags;	/* IR_RT_TYPE, IR_RT_SEGS, IR_RT_LEN inverted */
	uint32_t type;		/* as ip6tables takes it: above 255 it never matches the 8-bit field */
	uint32_t segs_lo, segs_hi;
	uint32_t len;
	uint8_t n_addrs;	/* --rt-0-addrs, type 0 only */
	struct in6_addr *addrs;	/* malloc'd, @n_addrs of them */
};

/* -m mac --mac-source */
struct ir_match_mac {
	uint8_t addr[6];
	bool invert;
};

/* -m mark --mark VALUE[/MASK]: (skb mark & @mask) == @mark */
struct ir_match_mark {
	uint32_t mark, mask;
	bool invert;
};

/* -m pkttype --pkt-type: PACKET_HOST (unicast), _BROADCAST or _MULTICAST */
struct ir_match_pkttype {
	uint8_t type;
	bool invert;
};

/* -m owner's tests, as xt_owner numbers them (XT_OWNER_*) */
enum {
	IR_OWNER_UID = 1 << 0,
	IR_OWNER_GID = 1 << 1,
	IR_OWNER_SOCKET = 1 << 2,
	IR_OWNER_SUPPL_GROUPS = 1 << 3,
};

/* -m owner --uid-owner --gid-owner --socket-exists (OUTPUT only) */
struct ir_match_owner {
	uint32_t uid_lo, uid_hi, gid_lo, gid_hi;
	uint8_t match;		/* IR_OWNER_* tested */
	uint8_t invert;		/* IR_OWNER_* inverted */
};

#define IR_SET_MAXNAMELEN	32	/* IPSET_MAXNAMELEN, including NUL */
#define IR_SET_MAXDIM		3	/* IPSET_DIM_MAX used by bpfw's set types */

/* -m set --match-set NAME FLAGS: dimension i is the source if bit i of @src */
struct ir_match_set {
	char name[IR_SET_MAXNAMELEN];
	uint8_t dim;		/* dimensions given in FLAGS (src,dst,...) */
	uint8_t src;		/* bit i: dimension i is "src", else "dst" */
	bool invert;
};

/* ipset's set types bpfw keeps in BPF maps (doc/sets.md). */
enum ir_set_type {
	IR_SET_HASH_IP,		/* hash:ip: addresses */
	IR_SET_HASH_NET,	/* hash:net: prefixes, longest match */
	IR_SET_HASH_IP_PORT,	/* hash:ip,port: an address, a protocol and a port */
	IR_SET_TYPE_MAX,
};

/* A set's definition (ipset create); its elements live only in its BPF map. */
struct ir_set {
	char name[IR_SET_MAXNAMELEN];
	enum ir_set_type type;
	enum ir_family family;
	uint32_t hashsize, maxelem;
	uint32_t timeout;	/* default timeout of an element, seconds */
	bool with_timeout;	/* created with "timeout": elements may expire */
	uint32_t initval;	/* shown as ipset shows its hash seed */
	uint32_t id;		/* names the set's BPF map; kept across renames, swapped by swap */
};

/* What an anonymous set or a verdict map looks the packet up by. */
enum ir_key {
	IR_KEY_SADDR,		/* the rule's family's source address: 4 or 16 bytes */
	IR_KEY_DADDR,
	IR_KEY_SPORT,		/* of the rule's protocol (tcp or udp): 2 bytes */
	IR_KEY_DPORT,
	IR_KEY_L4PROTO,		/* 1 byte */
	IR_KEY_IIFNAME,		/* 16 bytes, NUL-padded */
	IR_KEY_OIFNAME,
	IR_KEY_MARK,		/* 4 bytes */
	IR_KEY_CTSTATE,		/* one IR_CT_* bit: 1 byte */
	IR_KEY_ICMP_TYPE,	/* of the rule's protocol (icmp or icmpv6): 1 byte */
	IR_KEY_MAX,
};

#define IR_KEY_MAXLEN	16	/* bytes of the longest field: an IPv6 address, a name */
#define IR_LOOKUP_MAXKEYS	4	/* fields of a concatenation */
#define IR_LOOKUP_MAXLEN	20	/* bytes of a whole key (a range's: IR_KEY_MAXLEN) */

/* One element: the keys @lo .. @hi (big-endian bytes, compared as numbers). */
struct ir_elem {
	uint8_t lo[IR_LOOKUP_MAXLEN], hi[IR_LOOKUP_MAXLEN];
	uint32_t verdict;	/* a verdict map's: index into its verdicts */
};

/* A verdict map's verdict: accept, drop, return, jump, goto or (IR_TARGET_NONE) continue. */
struct ir_vmap_verdict {
	uint8_t kind;				/* enum ir_target_kind */
	char chain[IR_CHAIN_MAXNAMELEN];	/* JUMP, GOTO */
};

/* How a lookup's key was written, for listing it back (IR_KEY_L4PROTO). */
enum {
	IR_LOOKUP_META = 1 << 0,	/* "meta l4proto" (else "ip protocol", "ip6 nexthdr") */
	IR_LOOKUP_TH = 1 << 1,		/* ports as "th sport/dport", of any protocol */
	IR_LOOKUP_PLAIN = 1 << 2,	/* one value written without braces ("th dport 53") */
};

/*
 * nftables' "KEY { e1, e2 }" and "KEY vmap { e1 : v1, e2 : v2 }": the
 * packet's @key among @elems (ranges, prefixes as ranges), in one map
 * lookup.  A verdict map (@n_verdicts > 0) is its rule's last match and
 * the rule's target is IR_TARGET_VMAP: the element found gives the verdict,
 * no element found goes on to the next rule.
 */
struct ir_match_lookup {
	enum ir_key keys[IR_LOOKUP_MAXKEYS];	/* one, or a concatenation ("ip saddr . tcp dport") */
	uint8_t n_keys;
	uint8_t flags;		/* IR_LOOKUP_* */
	bool invert;		/* "!= { ... }": not a set */
	uint32_t n_elems;
	struct ir_elem *elems;	/* malloc'd, in the order written */
	uint32_t n_verdicts;
	struct ir_vmap_verdict *verdicts;	/* malloc'd */
};

/* A key of up to 16 bytes as a number (lib/ir_range.c). */
typedef unsigned __int128 ir_u128;

/* The big-endian @len-byte number at @b. */
ir_u128 ir_be_value(const uint8_t *b, unsigned int len);

/*
 * The length of the longest prefix of @bits-bit numbers that starts at @lo
 * and ends at or before @hi (@lo <= @hi): cut lo..hi into prefixes from its
 * start, each this long, the next starting after it.
 */
unsigned int ir_range_prefix(ir_u128 lo, ir_u128 hi, unsigned int bits);

/* Bytes of @key's value for addresses of @family. */
unsigned int ir_key_len(enum ir_key key, enum ir_family family);

/*
 * Where field @i of @l's key is, for addresses of @family: its offset into
 * *@off and its length into *@len; returns the key's whole length.  A
 * concatenation's fields follow each other, packed.
 */
unsigned int ir_lookup_field(const struct ir_match_lookup *l, unsigned int i,
			     enum ir_family family, unsigned int *off, unsigned int *len);

/* Whether @l's key has a field of @key. */
bool ir_lookup_has_key(const struct ir_match_lookup *l, enum ir_key key);

#define IR_RECENT_NAMELEN	200	/* XT_RECENT_NAME_LEN */

/* -m recent's command, as xt_recent numbers them (XT_RECENT_*), and its flags */
enum {
	IR_RECENT_CHECK = 1 << 0,
	IR_RECENT_SET = 1 << 1,
	IR_RECENT_UPDATE = 1 << 2,
	IR_RECENT_REMOVE = 1 << 3,
	IR_RECENT_TTL = 1 << 4,
	IR_RECENT_REAP = 1 << 5,
};

/* -m recent */
struct ir_match_recent {
	char name[IR_RECENT_NAMELEN];
	uint8_t check_set;	/* IR_RECENT_* */
	bool invert;
	bool dest;		/* --rdest (else --rsource) */
	uint32_t seconds;
	uint32_t hitcount;
	struct in_addr mask;	/* network order */
	struct in6_addr mask6;	/* ip6tables: --mask for IPv6 addresses */
};

/* -m iprange: address ranges, host order, lo..hi inclusive (a reversed range never matches) */
struct ir_match_iprange {
	uint32_t src_lo, src_hi, dst_lo, dst_hi;
	bool src, dst;		/* which are given */
	bool inv_src, inv_dst;
	struct in6_addr src6_lo, src6_hi, dst6_lo, dst6_hi;	/* ip6tables' ranges, network order */
};

/* -m length: the IP total length in lo..hi */
struct ir_match_length {
	uint16_t lo, hi;
	bool invert;
};

enum ir_ttl_mode { IR_TTL_EQ, IR_TTL_NE, IR_TTL_LT, IR_TTL_GT };	/* XT_TTL_* order */

/* -m ttl */
struct ir_match_ttl {
	enum ir_ttl_mode mode;
	uint8_t value;
};

/* Address types, as the kernel's route types (RTN_*) numbers them: bit 1 << RTN_x. */
enum {
	IR_ADDRTYPE_UNSPEC,
	IR_ADDRTYPE_UNICAST,
	IR_ADDRTYPE_LOCAL,
	IR_ADDRTYPE_BROADCAST,
	IR_ADDRTYPE_ANYCAST,
	IR_ADDRTYPE_MULTICAST,
	IR_ADDRTYPE_N = 12,	/* through XRESOLVE */
};

/* -m addrtype: the source's and the destination's type among the bits given */
struct ir_match_addrtype {
	uint16_t src, dst;	/* 1 << IR_ADDRTYPE_*; 0: not tested */
	bool inv_src, inv_dst;
};

#define IR_LIMIT_SCALE		10000	/* XT_LIMIT_SCALE: @avg is seconds times this per packet */
#define IR_LIMIT_BURST		5

/* -m limit: on average one packet every @avg / IR_LIMIT_SCALE seconds, @burst at once */
struct ir_match_limit {
	uint32_t avg;
	uint32_t burst;
	uint32_t rate, per;	/* nftables: @rate packets per @per seconds as written (0: none) */
	bool over;		/* nftables' "limit rate over": the packets beyond the rate */
};

/* Connection tracking states, as xt_conntrack numbers them (XT_CONNTRACK_STATE_*). */
enum {
	IR_CT_INVALID = 1 << 0,
	IR_CT_NEW = 1 << 1,
	IR_CT_RELATED = 1 << 2,
	IR_CT_ESTABLISHED = 1 << 3,
	IR_CT_UNTRACKED = 1 << 4,
	IR_CT_SNAT = 1 << 5,	/* conntrack only: never with bpfw, which has no NAT */
	IR_CT_DNAT = 1 << 6,
};

/* -m conntrack --ctstate / -m state --state */
struct ir_match_ctstate {
	uint8_t states;		/* IR_CT_* */
	bool invert;
};

struct ir_port_range {
	uint16_t lo, hi;	/* 0:65535 when the option was not given */
};

#define IR_MULTIPORT_MAX	15	/* XT_MULTI_PORTS: a range takes two */

enum ir_multiport_which {
	IR_MULTIPORT_SRC,
	IR_MULTIPORT_DST,
	IR_MULTIPORT_EITHER,	/* --ports: the source or the destination port */
};

/* -m multiport: up to 15 ports, a range counting as two, in the order given */
struct ir_match_multiport {
	enum ir_multiport_which which;
	bool invert;
	uint8_t n;		/* entries of @ports; a single port has lo == hi */
	struct ir_port_range ports[IR_MULTIPORT_MAX];
};

enum {
	IR_PORT_INV_SRC = 1 << 0,
	IR_PORT_INV_DST = 1 << 1,
	IR_TCP_INV_FLAGS = 1 << 2,
};

/* -m tcp / -m udp */
struct ir_match_ports {
	struct ir_port_range sport, dport;
	uint8_t flags_mask;	/* tcp only: --tcp-flags MASK COMP */
	uint8_t flags_cmp;
	uint32_t invflags;	/* IR_PORT_INV_*, IR_TCP_INV_FLAGS */
};

/* -m icmp --icmp-type: type 0xff with codes 0:255 means "any" */
struct ir_match_icmp {
	uint8_t type;
	uint8_t code_lo, code_hi;
	bool invert;
};

struct ir_match {
	enum ir_match_kind kind;
	union {
		struct ir_match_ports ports;	/* TCP, UDP */
		struct ir_match_icmp icmp;	/* ICMP, ICMP6 */
		struct ir_match_ctstate ct;	/* CONNTRACK, STATE */
		struct ir_match_multiport mport;	/* MULTIPORT */
		struct ir_match_limit limit;		/* LIMIT */
		struct ir_match_addrtype addrtype;	/* ADDRTYPE */
		struct ir_match_iprange iprange;	/* IPRANGE */
		struct ir_match_length length;		/* LENGTH */
		struct ir_match_ttl ttl;		/* TTL, HL */
		struct ir_match_recent *recent;		/* RECENT: malloc'd */
		struct ir_match_rt rt;			/* RT */
		struct ir_match_mac mac;		/* MAC */
		struct ir_match_mark mark;		/* MARK */
		struct ir_match_pkttype pkttype;	/* PKTTYPE */
		struct ir_match_owner owner;		/* OWNER */
		struct ir_match_set set;		/* SET */
		struct ir_match_lookup lookup;		/* LOOKUP: its arrays malloc'd */
		char *comment;			/* COMMENT: malloc'd, < IR_COMMENT_MAXLEN */
	};
};

enum ir_target_kind {
	IR_TARGET_NONE,		/* no -j: the rule only counts */
	IR_TARGET_ACCEPT,
	IR_TARGET_DROP,
	IR_TARGET_RETURN,
	IR_TARGET_JUMP,		/* -j CHAIN */
	IR_TARGET_GOTO,		/* -g CHAIN */
	IR_TARGET_LOG,		/* -j LOG: log the packet, go on with the next rule */
	IR_TARGET_REJECT,	/* -j REJECT: answer with an error, drop the packet */
	IR_TARGET_VMAP,		/* nftables: the verdict of the rule's verdict map (last match) */
	IR_TARGET_KIND_MAX,
};

/*
 * -j REJECT --reject-with: an ICMP destination-unreachable code, or a TCP
 * reset (both families); the IR_REJECT6_* are ip6tables' only.
 */
enum ir_reject_with {
	IR_REJECT_NET_UNREACH,		/* ICMP codes 0, 1, 3, 2, 9, 10, 13, in libipt_REJECT's order */
	IR_REJECT_HOST_UNREACH,
	IR_REJECT_PORT_UNREACH,
	IR_REJECT_PROTO_UNREACH,
	IR_REJECT_NET_PROHIB,
	IR_REJECT_HOST_PROHIB,
	IR_REJECT_TCP_RESET,
	IR_REJECT_ADMIN_PROHIB,
	/* ip6tables: ICMPv6 destination-unreachable codes 0, 1, 3, 4, 5, 6 */
	IR_REJECT6_NO_ROUTE,
	IR_REJECT6_ADM_PROHIBITED,
	IR_REJECT6_ADDR_UNREACH,
	IR_REJECT6_PORT_UNREACH,
	IR_REJECT6_POLICY_FAIL,
	IR_REJECT6_REJECT_ROUTE,
	IR_REJECT_MAX,
};

#define IR_LOG_PREFIX_LEN	30	/* 29 characters and the NUL, as xt_LOG */
#define IR_LOG_LEVEL		4	/* warning */

/* -j LOG's flags, as xt_LOG numbers them (XT_LOG_*). */
enum {
	IR_LOG_TCPSEQ = 0x01,
	IR_LOG_TCPOPT = 0x02,
	IR_LOG_IPOPT = 0x04,
	IR_LOG_UID = 0x08,
	IR_LOG_MACDECODE = 0x20,
};

struct ir_target_log {
	char prefix[IR_LOG_PREFIX_LEN];
	uint8_t level;		/* syslog level, 0-7 */
	uint8_t flags;		/* IR_LOG_* */
};

struct ir_target {
	enum ir_target_kind kind;
	char chain[IR_CHAIN_MAXNAMELEN];	/* JUMP, GOTO */
	struct ir_target_log log;		/* LOG */
	enum ir_reject_with reject;		/* REJECT */
};

/* What an nftables rule has beyond iptables' shape (struct ir_rule's @nft). */
enum {
	IR_NFT_COUNTER = 1 << 0,	/* a "counter" statement: listed with its counts */
	IR_NFT_LOG = 1 << 1,		/* a "log" statement (target.log) before the verdict */
	IR_NFT_PROTO_META = 1 << 2,	/* listing only: ip.proto was given as "meta l4proto" */
	IR_NFT_PROTO_L3 = 1 << 3,	/* listing only: as "ip protocol" or "ip6 nexthdr" */
	IR_NFT_FLAGS_MASKED = 1 << 4,	/* listing only: tcp flags as "& MASK == VALUE" */
	IR_NFT_REJECT_ICMPX = 1 << 5,	/* listing only: "reject with icmpx" in a one-family rule */
	IR_NFT_IIF = 1 << 6,		/* listing only: ip.iif as "iif" (else "iifname") */
	IR_NFT_OIF = 1 << 7,		/* listing only: ip.oif as "oif" */
	IR_NFT_IP_LENGTH = 1 << 8,	/* listing only: -m length as "ip length" (else "meta length") */
};

struct ir_rule {
	struct ir_ipspec ip;
	struct ir_match *matches;	/* in the order given */
	unsigned int n_matches;
	struct ir_target target;
	uint32_t slot;			/* counter slot, IR_SLOT_NONE until assigned */
	struct ir_counter counter;	/* read from the kernel for listing, or given by -c */
	bool counter_given;		/* -c / [p:b]: write @counter into the slot */
	uint8_t nfproto;		/* nftables inet tables: 4 or 6 for one family only, else 0 */
	uint16_t nft;			/* IR_NFT_* */
};

#define IR_NFT_NAMELEN		64	/* an nftables table's name, including NUL */
#define IR_PRIO_FILTER		0	/* NF_IP_PRI_FILTER: where iptables' filter table runs */

struct ir_chain {
	char name[IR_CHAIN_MAXNAMELEN];
	enum ir_hook hook;		/* IR_HOOK_NONE for user chains */
	int32_t priority;		/* nftables base chains: the hook priority */
	enum ir_verdict policy;		/* built-in chains only */
	uint32_t policy_slot;		/* counter slot of the policy, IR_SLOT_NONE if none */
	struct ir_counter counter;	/* policy counter: read, or given by the user */
	bool counter_given;
	struct ir_rule **rules;
	unsigned int n_rules;
	unsigned int cap_rules;
};

/* nftables' families of the tables bpfw runs (NFPROTO_IPV4, _IPV6, _INET). */
enum ir_nft_family {
	IR_NFT_IP,
	IR_NFT_IP6,
	IR_NFT_INET,
	IR_NFT_FAMILY_MAX,
};

struct ir_table {
	enum ir_family family;		/* nftables inet tables: IR_FAMILY_IPV4, see @nft_family */
	enum ir_table_id id;
	struct ir_chain **chains;	/* built-in chains first, in hook order */
	unsigned int n_chains;
	unsigned int cap_chains;
	/*
	 * An nftables table of its own (in ir_ruleset.nft): its name and
	 * family; its base chains have a hook (and a priority and policy),
	 * its other chains IR_HOOK_NONE, in creation order.
	 */
	char name[IR_NFT_NAMELEN];
	enum ir_nft_family nft_family;
};

struct ir_ruleset {
	struct ir_table *tables[IR_FAMILY_MAX][IR_TABLE_MAX];	/* NULL: not in use */
	struct ir_set *sets;		/* ipset's sets, in creation order */
	unsigned int n_sets;
	uint32_t set_seq;		/* the next set's id: ids are never reused */
	/*
	 * nftables tables other than iptables' own (ip filter, ip6 filter and
	 * ip raw are tables[][] above), in creation order.
	 */
	struct ir_table **nft;
	unsigned int n_nft;
};

/* Name of a table as iptables spells it ("filter"), or NULL. */
const char *ir_table_name(enum ir_table_id id);

/* Look a table up by name; -ENOENT if bpfw does not know it. */
int ir_table_id_parse(const char *name, enum ir_table_id *id);

/* --reject-with's name of @with ("icmp-port-unreachable") and its short alias, or NULL. */
const char *ir_reject_name(enum ir_reject_with with, bool alias);

/* Whether @with is one of @family's --reject-with types. */
bool ir_reject_in_family(enum ir_reject_with with, enum ir_family family);

/* Name of address type @type ("LOCAL"), or NULL. */
const char *ir_addrtype_name(unsigned int type);

/* Name of connection tracking state bit @bit (IR_CT_NEW is bit 1: "NEW"), or NULL. */
const char *ir_ct_state_name(unsigned int bit);

/* Whether @name is a built-in chain of table @id ("PREROUTING" of raw). */
bool ir_chain_name_is_hook(enum ir_table_id id, const char *name);

/* Name of a built-in hook as a chain name ("INPUT"). */
const char *ir_hook_name(enum ir_hook hook);

/* Allocate an empty ruleset. */
struct ir_ruleset *ir_ruleset_new(void);

/* Free a ruleset and everything in it; NULL is fine. */
void ir_ruleset_free(struct ir_ruleset *rs);

/* Deep copy of @rs (slots included); NULL on allocation failure. */
struct ir_ruleset *ir_ruleset_clone(const struct ir_ruleset *rs);

/* Deep copy of one table (slots included); NULL on allocation failure. */
struct ir_table *ir_table_clone(const struct ir_table *t);

/* Free a table and everything in it; NULL is fine. */
void ir_table_free(struct ir_table *t);

/* The table, created with its built-in chains (policy ACCEPT) if absent. */
int ir_table_get(struct ir_ruleset *rs, enum ir_family family, enum ir_table_id id,
		 struct ir_table **out);

/* Remove every rule and user chain of @t; policies are kept. */
void ir_table_flush(struct ir_table *t);

/* Find a chain by name, or NULL. */
struct ir_chain *ir_chain_find(const struct ir_table *t, const char *name);

/* Create a user chain; -EEXIST if the name is taken, -EINVAL if it is not valid. */
int ir_chain_add(struct ir_table *t, const char *name, struct ir_chain **out);

/* Delete a user chain (must be empty and unreferenced: -ENOTEMPTY, -EMLINK). */
int ir_chain_del(struct ir_table *t, struct ir_chain *c);

/* Rename a user chain and every jump to it. */
int ir_chain_rename(struct ir_table *t, struct ir_chain *c, const char *name);

/* Number of rules in @t that jump or go to @name. */
unsigned int ir_chain_refcount(const struct ir_table *t, const char *name);

/* Insert @r (taken over) at 0-based @pos (== n_rules appends). */
int ir_chain_insert(struct ir_chain *c, unsigned int pos, struct ir_rule *r);

/* Remove and free the rule at 0-based @pos. */
void ir_chain_remove(struct ir_chain *c, unsigned int pos);

/* Replace the rule at @pos by @r (taken over); like iptables -R, @r keeps its own slot. */
void ir_chain_replace(struct ir_chain *c, unsigned int pos, struct ir_rule *r);

/* Remove and free every rule of @c. */
void ir_chain_flush(struct ir_chain *c);

/* Index of the first rule equal to @r (ir_rule_equal), or -1. */
int ir_chain_find_rule(const struct ir_chain *c, const struct ir_rule *r);

/* A new empty rule: any address, no match, no target, no slot. */
struct ir_rule *ir_rule_new(void);

/* Free a rule and its matches; NULL is fine. */
void ir_rule_free(struct ir_rule *r);

/* Deep copy of a rule, slot included; NULL on allocation failure. */
struct ir_rule *ir_rule_clone(const struct ir_rule *r);

/* Append a match of @kind with zeroed options; returns it through @out. */
int ir_rule_add_match(struct ir_rule *r, enum ir_match_kind kind, struct ir_match **out);

/* Remove and free @r's last match (one just added and given up). */
void ir_rule_free_last_match(struct ir_rule *r);

/* Find the first match of @kind in @r, or NULL. */
struct ir_match *ir_rule_find_match(const struct ir_rule *r, enum ir_match_kind kind);

/* The rule's verdict map (its last match, with target IR_TARGET_VMAP), or NULL. */
const struct ir_match_lookup *ir_rule_vmap(const struct ir_rule *r);

/* The @i-th chain @r jumps or goes to (its target's, then its verdict map's), or NULL. */
const char *ir_rule_jump_at(const struct ir_rule *r, unsigned int i);

/* Same rule for -C/-D: fixed part, matches in order, target; not counters. */
bool ir_rule_equal(const struct ir_rule *a, const struct ir_rule *b);

/*
 * Call @fn on every rule of @family in @rs, table by table (nftables tables
 * of that family or inet last), chain by chain, in order, until it returns
 * non-zero; that value, or 0.
 */
int ir_ruleset_for_each_rule(const struct ir_ruleset *rs, enum ir_family family,
			     int (*fn)(const struct ir_rule *r, void *arg), void *arg);

/* Find a set by name, or NULL. */
struct ir_set *ir_set_find(const struct ir_ruleset *rs, const char *name);

/* Append a copy of @s, id included (a new set takes rs->set_seq++); -ENOMEM. */
int ir_set_add(struct ir_ruleset *rs, const struct ir_set *s);

/* Remove set @s (a pointer into rs->sets). */
void ir_set_del(struct ir_ruleset *rs, struct ir_set *s);

/* Number of -m set matches of any family that name set @name. */
unsigned int ir_set_refcount(const struct ir_ruleset *rs, const char *name);

/* The nftables table @name of @family in rs->nft, or NULL. */
struct ir_table *ir_nft_table_find(const struct ir_ruleset *rs, enum ir_nft_family family,
				   const char *name);

/* Add an empty nftables table (no chains); -EEXIST if it exists, -EINVAL for a bad name. */
int ir_nft_table_add(struct ir_ruleset *rs, enum ir_nft_family family, const char *name,
		     struct ir_table **out);

/* Remove and free nftables table @t of rs->nft. */
void ir_nft_table_del(struct ir_ruleset *rs, struct ir_table *t);

/* Add base chain @name to nftables table @t at @hook with @priority and @policy. */
int ir_nft_base_chain_add(struct ir_table *t, const char *name, enum ir_hook hook,
			  int32_t priority, enum ir_verdict policy, struct ir_chain **out);

/* Whether nftables table @t's rules apply to packets of @family. */
bool ir_nft_table_has_family(const struct ir_table *t, enum ir_family family);

/* Whether a chain name is a built-in hook name of @t. */
bool ir_chain_is_builtin(const struct ir_chain *c);

/*
 * Loops and depth: -ELOOP if a jump path returns to a chain, -E2BIG if a
 * path from a built-in chain is deeper than @max_depth user chains.  Names
 * the offending chain in @err.
 */
int ir_table_check_jumps(const struct ir_table *t, unsigned int max_depth, struct bpfw_err *err);

#endif /* BPFW_IR_H */
