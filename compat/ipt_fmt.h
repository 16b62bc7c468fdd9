/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pieces of text shared by the iptables output formats (-S, -L,
 * iptables-save): names of protocols, ports, ICMP types and TCP flags,
 * addresses with their masks, counters, quoting.
 */
#ifndef BPFW_IPT_FMT_H
#define BPFW_IPT_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpfw/ipt.h"
#include "bpfw/cgen.h"
#include "bpfw/ir.h"

/* Room for any name or address this module prints. */
#define IPT_FMT_BUFLEN	128

/* Protocol name as -S and -L print it (/etc/protocols, then iptables' own), or its number. */
const char *ipt_fmt_proto(uint8_t proto, char *buf, size_t len);

/* Prefix length of a contiguous mask, or -1 if the mask has holes. */
int ipt_fmt_prefix_len(const struct ir_addr *a, enum ir_family family);

/* Whether @a matches every address (all-zero mask). */
bool ipt_fmt_addr_any(const struct ir_addr *a, enum ir_family family);

/* "ADDR/LEN" or "ADDR/MASK" of the network part, as -S and iptables-save print it. */
const char *ipt_fmt_addr_save(const struct ir_addr *a, enum ir_family family, char *buf,
			      size_t len);

/* -L form: "anywhere" or "0.0.0.0/0", a host or network name unless @numeric, "/LEN" if any. */
const char *ipt_fmt_addr_list(const struct ir_addr *a, enum ir_family family, bool numeric,
			      char *buf, size_t len);

/* A port as -L prints it: its service name for @proto unless @numeric. */
const char *ipt_fmt_port(uint16_t port, const char *proto, bool numeric, char *buf, size_t len);

/* A -v counter: exact, or iptables' rounded K/M/G/T form; @table pads to the column. */
void ipt_fmt_num(FILE *out, uint64_t n, bool exact, bool table);

/* The ICMP type name of exactly this type and code range, or NULL. */
const char *ipt_fmt_icmp_name(uint8_t type, uint8_t code_lo, uint8_t code_hi);

/* Whether an ICMP match is "any" (type 255, codes 0-255). */
bool ipt_fmt_icmp_any(const struct ir_match_icmp *icmp);

/* TCP flags as names ("FIN,SYN", "NONE"). */
void ipt_fmt_tcp_flags(FILE *out, uint8_t flags);

/* A comment as iptables quotes it on a command line. */
void ipt_fmt_quoted(FILE *out, const char *s);

/* The kernel LOG target's line for @ev, logged by a rule with options @log. */
void ipt_log_line(FILE *out, const struct cgen_log_event *ev, const struct ir_target_log *log);

/* -m set as iptables-save (@save) or iptables -L writes it (ipt_fmt_set.c). */
void ipt_fmt_set(FILE *out, const struct ir_match_set *ms, bool save);

/* -m recent as iptables-save (@save) or iptables -L writes it; the mask of @family. */
void ipt_fmt_recent(FILE *out, const struct ir_match_recent *rc, bool save,
		    enum ir_family family);

/* -m iprange, -m length or -m ttl as iptables-save writes them (ranges of @family). */
void ipt_fmt_field_save(FILE *out, const struct ir_match *m, enum ir_family family);

/* The same in iptables -L's option column. */
void ipt_fmt_field_list(FILE *out, const struct ir_match *m, enum ir_family family);

/* -m icmp6, -m hl or -m rt as ip6tables-save writes them; @exact keeps a range of codes. */
void ipt_fmt_ip6_save(FILE *out, const struct ir_match *m, bool exact);

/* The same in ip6tables -L's option column; ICMPv6 type names unless @numeric. */
void ipt_fmt_ip6_list(FILE *out, const struct ir_match *m, bool numeric);

/* -m mac, -m mark, -m pkttype or -m owner as iptables-save writes them. */
void ipt_fmt_meta_save(FILE *out, const struct ir_match *m);

/* The same in iptables -L's option column; user and group names unless @numeric. */
void ipt_fmt_meta_list(FILE *out, const struct ir_match *m, bool numeric);

/* Address types as iptables prints them: "BROADCAST,MULTICAST". */
void ipt_fmt_addrtypes(FILE *out, uint16_t bits);

/* A limit's rate, "3/min", from its scaled interval. */
void ipt_fmt_rate(FILE *out, uint32_t avg);

/* "sports", "dports" or "ports". */
const char *ipt_fmt_multiport_opt(enum ir_multiport_which which);

/* A multiport list, "22,80,1000:2000"; names of @proto's services unless @numeric. */
void ipt_fmt_multiport(FILE *out, const struct ir_match_multiport *mp, const char *proto,
		       bool numeric);

/* Connection tracking states as iptables prints them: "RELATED,ESTABLISHED". */
void ipt_fmt_ctstates(FILE *out, uint8_t states);

/* Name of the rule's target as -L shows it ("" without -j). */
const char *ipt_fmt_target(const struct ir_target *t);

/* Whether a port range is the full one, the same as not given. */
bool ipt_fmt_range_full(const struct ir_port_range *r);

/* User chains of @t sorted by name, as iptables lists them; the caller frees the array. */
int ipt_fmt_user_chains(const struct ir_table *t, struct ir_chain ***out, unsigned int *n);

/*
 * The rule text as -S prints it, each word with a leading space; with
 * @counter, "-c PKTS BYTES" goes before the target as in -S -v.  @exact
 * prints what iptables abbreviates (an ICMP code range), for the state text.
 */
void ipt_fmt_rule_words(FILE *out, const struct ir_rule *r, enum ir_family family,
			const struct ir_counter *counter, bool exact);

#endif /* BPFW_IPT_FMT_H */
