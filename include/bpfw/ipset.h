/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipset's text: set definitions (create), elements (add, del, test), their
 * list and save forms, and the sets' part of the state text.  Definitions
 * are struct ir_set in the rule set; elements live only in each set's BPF
 * map (struct cgen_set_* keys), so the element form here is the one both
 * sides share.  See doc/sets.md.
 */
#ifndef BPFW_IPSET_H
#define BPFW_IPSET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bpfw/err.h"
#include "bpfw/ir.h"

#define IPSET_VERSION		"7.17"
#define IPSET_PROTOCOL		7
#define IPSET_HASHSIZE		1024	/* ipset's defaults */
#define IPSET_MAXELEM		65536
#define IPSET_TIMEOUT_MAX	2147483	/* seconds: UINT_MAX / MSEC_PER_SEC / 2 */
#define IPSET_STATE_TAG		"%ipset\n"	/* the sets' section of the state text */

/* Failures worded as ipset words them. */
enum {
	IPSET_EXIT_OTHER = 1,		/* "ipset v7.17: msg" */
	IPSET_EXIT_PARAMETER = 2,	/* the same, then "Try `ipset help' ..." */
};

/* An element of a set, as add, del and test name it, and as its map stores it. */
struct ipset_elem {
	enum ir_family family;
	uint8_t addr[16];	/* network order; family inet: the first 4 bytes */
	uint8_t cidr;		/* hash:net: the prefix; hash:ip: addresses to expand (32: one) */
	uint8_t proto;		/* hash:ip,port */
	uint16_t port_lo;	/* host order; ICMP: type << 8 | code */
	uint16_t port_hi;	/* a range "tcp:1-3" adds each port */
	uint32_t lo4, hi4;	/* family inet: the addresses named (a prefix or "A-B"), host order */
	bool range;		/* given as "A-B" */
	bool nomatch;		/* hash:net (add, test): an exception to the prefixes around it */
	uint32_t timeout;	/* seconds, with @timeout_given */
	bool timeout_given;
};

/* "TYPE/CODE" or an ICMP (@v6: ICMPv6) name ("echo-request") into type << 8 | code. */
int ipset_icmp_parse(const char *s, bool v6, uint16_t *typecode);

/* ipset's name of ICMP (@v6: ICMPv6) type << 8 | code, or NULL (it prints "TYPE/CODE"). */
const char *ipset_icmp_name(uint16_t typecode, bool v6);

/* The name of a set type ("hash:ip"), or NULL. */
const char *ipset_type_name(enum ir_set_type type);

/*
 * The words of "create NAME TYPE [OPTIONS]" after the command into @s (ids
 * and initval untouched); @state accepts the state text's "id N" too.
 * ipset's messages in @err.
 */
int ipset_parse_create(char *const *words, int n, bool state, struct ir_set *s,
		       struct bpfw_err *err);

/*
 * One element of set @s ("10.0.0.1", "10.0.0.0/8", "10.0.0.1-10.0.0.9",
 * "1.2.3.4,udp:53") and its "timeout N", and "nomatch" where @nomatch_ok.
 */
int ipset_parse_elem(const struct ir_set *s, char *const *words, int n, bool nomatch_ok,
		     struct ipset_elem *e, struct bpfw_err *err);

/* A set name given to a command: at most 31 characters. */
int ipset_check_name(const char *name, struct bpfw_err *err);

/* Whether two definitions are the same set for "create -exist" (maxelem, timeout, ...). */
bool ipset_same_def(const struct ir_set *a, const struct ir_set *b);

/* The sets' section of the state text (after IPSET_STATE_TAG) into @rs. */
int ipset_state_parse(const char *text, size_t len, struct ir_ruleset *rs, struct bpfw_err *err);

/* Write @rs's sets as the state text's section (IPSET_STATE_TAG first), if any. */
void ipset_state_write(FILE *f, const struct ir_ruleset *rs);

/* The map key of element @e of set @s into @key (cgen_set_map()'s key size); its size. */
uint32_t ipset_elem_key(const struct ir_set *s, const struct ipset_elem *e, void *key);

/* An element back from map key @key of set @s. */
void ipset_elem_from_key(const struct ir_set *s, const void *key, struct ipset_elem *e);

/* Write element @e of set @s as ipset lists it ("1.2.3.4,tcp:80"), no newline. */
void ipset_fmt_elem(FILE *f, const struct ir_set *s, const struct ipset_elem *e);

/* The options of @s as "ipset save" writes them after "create NAME TYPE". */
void ipset_fmt_options(FILE *f, const struct ir_set *s);

/* ipset list's "Header:" and the lines to "Number of entries:", for @n elements, @refs users. */
void ipset_fmt_header(FILE *f, const struct ir_set *s, unsigned int n, unsigned int refs);

#endif /* BPFW_IPSET_H */
