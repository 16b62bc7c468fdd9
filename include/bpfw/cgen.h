/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compiler: IR -> BPF instructions and the maps they use.  It emits
 * instructions directly (no clang at run time) and never talks to the
 * kernel; the loader (ld.h) creates what it describes.
 *
 * Maps are referenced from instructions by index: a BPF_LD_IMM64 with
 * src_reg BPF_PSEUDO_MAP_FD and imm = index into cgen_output.maps.  The
 * loader replaces the index by the map's fd before loading.
 */
#ifndef BPFW_CGEN_H
#define BPFW_CGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "bpfw/err.h"
#include "bpfw/ir.h"

#define CGEN_NAME_LEN		16	/* BPF_OBJ_NAME_LEN */

/* Map names the loader looks for in a running program. */
#define CGEN_MAP_NAME_COUNTERS	"bpfw_counters"
#define CGEN_MAP_NAME_IFNAMES	"bpfw_ifnames"
#define CGEN_MAP_NAME_STATE	"bpfw_state"
#define CGEN_MAP_NAME_GEN	"bpfw_gen"
#define CGEN_MAP_NAME_CT	"bpfw_ct"
#define CGEN_MAP_NAME_LOG	"bpfw_log"
#define CGEN_MAP_NAME_ADDRTYPES	"bpfw_addrtype"
#define CGEN_MAP_NAME_RECENT	"bpfw_recent"
#define CGEN_PROG_NAME_XDP	"bpfw_xdp"	/* how the loader tells its XDP programs */

enum cgen_prog_kind {
	CGEN_PROG_TC_INGRESS,	/* INPUT and FORWARD */
	CGEN_PROG_TC_EGRESS,	/* OUTPUT */
	CGEN_PROG_XDP,		/* raw PREROUTING, before the stack */
	CGEN_PROG_MAX,
};

enum cgen_map_role {
	CGEN_MAP_COUNTERS,	/* per-CPU array: u32 slot -> struct cgen_counter */
	CGEN_MAP_IFNAMES,	/* hash: u32 ifindex -> char[IFNAMSIZ]; filled by the loader */
	CGEN_MAP_LOOKUP,	/* a folded run of rules (hash / LPM trie), filled from @keys */
	CGEN_MAP_GEN,		/* array, one u32: the generation allowed to act; kept by the loader */
	CGEN_MAP_CT,		/* LRU hash: cgen_ct_key -> cgen_ct_val, the connections; kept */
	CGEN_MAP_BLOBS,		/* array of one value: per-match data (port bitmaps, rate limits) */
	CGEN_MAP_LOG,		/* ring buffer of struct cgen_log_event, for -j LOG; kept */
	CGEN_MAP_ADDRTYPES,	/* hash: cgen_addrtype_key -> u32 RTN_ type; filled by the loader */
	CGEN_MAP_SCRATCH,	/* per-CPU array of one value: where REJECT builds its answer */
	CGEN_MAP_RECENT,	/* LRU hash: cgen_recent_key -> cgen_recent_entry, -m recent's lists; kept */
	CGEN_MAP_SET,		/* an ipset set: its elements -> struct cgen_set_val; kept (compiler/set.c) */
};

#define CGEN_CT_MAX	65536	/* connections tracked (the least recently seen go first) */

#define CGEN_RECENT_STAMPS	20	/* xt_recent's ip_pkt_list_tot */

/* The key of an address in a -m recent list: the list's name hashed (cgen_recent_name_hash()). */
struct cgen_recent_key {
	uint32_t name;
	uint32_t addr[4];	/* network order, masked; IPv4 ones IPv6-mapped (::ffff:a.b.c.d) */
};

/* An address in a -m recent list: when it was seen (bpf_ktime_get_ns()), as xt_recent's entries. */
struct cgen_recent_entry {
	uint64_t stamps[CGEN_RECENT_STAMPS];
	uint32_t nstamps;	/* stamps in use */
	uint32_t index;		/* where the next one goes (modulo CGEN_RECENT_STAMPS) */
	uint32_t ttl;		/* of the last packet */
	uint32_t pad;
};

#define CGEN_MAP_NAME_SET	"bpfw_set"	/* and the set's id: its map is found by that name */

enum {
	CGEN_SET_NOMATCH = 1 << 0,	/* hash:net: a prefix that is an exception, not a member */
};

/* An element of a set: when it expires (bpf_ktime_get_ns()), 0 if never. */
struct cgen_set_val {
	uint64_t expires;
	uint32_t flags;		/* CGEN_SET_* */
	uint32_t pad;
};

/* hash:net's key: an LPM trie key, the prefix length and the address (network order). */
struct cgen_set_net_key {
	uint32_t prefixlen;
	uint8_t addr[16];	/* 4 bytes for family inet */
};

/* hash:ip,port's key after the address (4 or 16 bytes): protocol and port. */
struct cgen_set_port_key {
	uint8_t proto;
	uint8_t pad;
	uint16_t port;		/* network order; ICMP: type << 8 | code */
};

/* The number standing for list @name in struct cgen_recent_key (FNV-1a). */
uint32_t cgen_recent_name_hash(const char *name);

#define CGEN_LOG_CAPLEN	128		/* bytes of a logged frame kept, from its link header */
#define CGEN_LOG_RING	(256u << 10)	/* bytes of the log ring */

/* What a -j LOG rule sends to the log ring for a packet. */
struct cgen_log_event {
	uint32_t slot;		/* the rule's counter slot: it names the rule in the state */
	uint32_t kind;		/* enum cgen_prog_kind: where the packet was seen */
	uint32_t caplen;	/* bytes of @data */
	uint32_t uid;		/* the sending socket's owner (OUTPUT, --log-uid), or UINT32_MAX */
	char iif[16], oif[16];	/* interface names, "" if none */
	uint8_t data[CGEN_LOG_CAPLEN];
};

/* The key of a local address in the address-type map (-m addrtype). */
struct cgen_addrtype_key {
	uint32_t family;	/* 4 or 6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes, the rest 0 */
};

/* A tracked connection, in the direction of its first packet. */
struct cgen_ct_key {
	uint32_t saddr[4], daddr[4];	/* network order; IPv4 in the first word, the rest 0 */
	uint16_t sport, dport;	/* host order; ICMP queries and answers: the identifier, the type */
	uint8_t proto;
	uint8_t family;		/* 4 or 6 */
	uint8_t pad[2];
};

enum {
	CGEN_CT_SEEN_REPLY = 1 << 0,	/* a packet went the other way: ESTABLISHED */
};

struct cgen_ct_val {
	uint64_t expires;	/* bpf_ktime_get_ns() from which the entry is gone */
	uint32_t flags;		/* CGEN_CT_* */
	uint32_t pad;
};

/* Value of one counter slot on one CPU. */
struct cgen_counter {
	uint64_t packets;
	uint64_t bytes;
};

struct cgen_map {
	enum cgen_map_role role;
	char name[CGEN_NAME_LEN];
	enum bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
	void *keys;		/* n_entries * key_size initial contents, or NULL */
	void *values;		/* n_entries * value_size */
	uint32_t n_entries;
};

struct cgen_prog {
	bool present;
	enum bpf_prog_type type;	/* BPF_PROG_TYPE_SCHED_CLS or _XDP */
	char name[CGEN_NAME_LEN];
	struct bpf_insn *insns;
	uint32_t n_insns;
	uint32_t cap_insns;
};

struct cgen_output {
	struct cgen_prog progs[CGEN_PROG_MAX];
	bool xdp_retire;	/* the XDP program only hands over: remove it after the switch */
	struct cgen_map *maps;
	unsigned int n_maps;
	uint32_t n_slots;	/* counter slots the programs use: 0 .. n_slots-1 */
};

struct cgen_opts {
	unsigned int l2_len;		/* link header before L3: ETH_HLEN */
	unsigned int max_chain_depth;	/* user-chain nesting the programs allow */
	uint32_t generation;		/* the programs act only while the generation map holds it */
	/*
	 * The raw table of the running generation, or NULL.  XDP has one
	 * program per interface, so the new XDP program carries the running
	 * raw rules too and applies them until the generation map switches.
	 */
	const struct ir_table *xdp_prev;
	const struct ir_table *xdp_prev6;	/* and the running IPv6 raw table */
};

/* Default options: Ethernet framing, the deepest nesting BPF calls allow. */
void cgen_opts_default(struct cgen_opts *opts);

/*
 * Compile every table of @rs into programs.  Every rule and built-in
 * chain must have a counter slot (ir slot fields) below out->n_slots.
 */
int cgen_compile(const struct ir_ruleset *rs, const struct cgen_opts *opts,
		 struct cgen_output *out, struct bpfw_err *err);

/* Whether @t has rules that need an XDP program (raw PREROUTING not empty, or DROP). */
bool cgen_table_needs_xdp(const struct ir_table *t);

/* Free everything a cgen_output holds and zero it. */
void cgen_output_free(struct cgen_output *out);

/* The map that holds set @s's elements (its name has the set's id). */
void cgen_set_map(const struct ir_set *s, struct cgen_map *m);

/* Index of the map with @role in @out, or -1. */
int cgen_output_find_map(const struct cgen_output *out, enum cgen_map_role role);

#endif /* BPFW_CGEN_H */
