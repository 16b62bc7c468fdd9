/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of one nft rule's parse share (frontend/nft_stmt*.c). */
#ifndef BPFW_NFT_STMT_H
#define BPFW_NFT_STMT_H

#include "nft_syntax.h"

/* What a rule's parse carries along. */
struct nft_rp {
	struct nft_toks *t;
	const struct nft_rule_where *w;
	struct ir_rule *r;
	struct bpfw_err *err;
	bool inet;			/* the table is inet: ip/ip6 tests set nfproto */
	enum ir_family family;		/* the table's family (inet: none fixed) */
	bool verdict;			/* a verdict was given: nothing may follow */
};

/* "X is not supported by bpfw" at the current token; -EINVAL. */
int nft_unsupported(struct nft_rp *p, const char *what);

/* The rule tests an ip (@v6 false) or ip6 header: its nfproto in an inet table, else a check. */
int nft_want_family(struct nft_rp *p, bool v6);

/* "!=" or "==" (or nothing) before a value into @inv; what bpfw cannot compare is refused. */
int nft_relation(struct nft_rp *p, bool *inv);

/* nft_relation() where the value may also be "{ ... }" or "vmap { ... }" (nft_lookup_stmt()). */
int nft_relation_lookup(struct nft_rp *p, bool *inv);

/* Whether the cursor is at an anonymous set or a verdict map. */
bool nft_at_lookup(const struct nft_rp *p);

/*
 * The anonymous set ("{ ... }") or verdict map ("vmap { ... }") at the
 * cursor, of the @n_keys fields @keys (IR_LOOKUP_* @flags): an
 * IR_MATCH_LOOKUP; a verdict map is the rule's verdict.
 */
int nft_lookup_stmt(struct nft_rp *p, const enum ir_key *keys, unsigned int n_keys, bool inv,
		    uint8_t flags);

/* After key @key: its set or verdict map, or (at ".") a concatenation's. */
int nft_key_stmt(struct nft_rp *p, enum ir_key key, bool inv, uint8_t flags);

/*
 * After key @first (IR_LOOKUP_* @flags) at ". KEY": the rest of a
 * concatenation ("ip saddr . tcp dport"), then its set or verdict map.
 */
int nft_concat_stmt(struct nft_rp *p, enum ir_key first, uint8_t flags);

/* The value word at the cursor, taken; an error naming @what if there is none. */
int nft_value(struct nft_rp *p, const char *what, const char **out);

/* The rule's protocol (the fixed part's); a second, different one is refused. */
int nft_set_proto(struct nft_rp *p, uint8_t proto, bool inv);

/* tcp/udp sport, dport, tcp flags after the protocol's word. */
int nft_l4_stmt(struct nft_rp *p, uint8_t proto);

/* th sport / th dport after "th": the port of whatever transport the packet has. */
int nft_th_stmt(struct nft_rp *p);

/* icmp type / icmpv6 type after its word. */
int nft_icmp_stmt(struct nft_rp *p, bool v6);

/* limit rate N/unit [burst N packets] after "limit". */
int nft_limit_stmt(struct nft_rp *p);

/* counter [packets N bytes M] after "counter". */
int nft_counter_stmt(struct nft_rp *p);

/* log [prefix S] [level L] [flags ...] after "log". */
int nft_log_stmt(struct nft_rp *p);

/* reject's "with ..." after "reject". */
int nft_reject_stmt(struct nft_rp *p);

/* The chain name a jump or goto names, at the cursor, taken, into @out. */
int nft_chain_word(struct nft_rp *p, char out[IR_CHAIN_MAXNAMELEN]);

/* A verdict of @kind (and a jump's or goto's chain); nothing may follow but a comment. */
int nft_verdict(struct nft_rp *p, enum ir_target_kind kind);

/* comment "text" after "comment". */
int nft_comment_stmt(struct nft_rp *p);

#endif /* BPFW_NFT_STMT_H */
