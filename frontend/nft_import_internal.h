/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the files that translate one nf_tables rule into the rule
 * model: the registers' contents as the expressions are walked, and the
 * rule being built.
 */
#ifndef BPFW_NFT_IMPORT_INTERNAL_H
#define BPFW_NFT_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfw/ir.h"
#include "bpfw/nft_import.h"

struct nftnl_expr;

#define NX_REGS		24	/* NFT_REG_1..4 and NFT_REG32_00..15 */
#define NX_MAX_ALT	4096	/* rules one set may expand into */

enum nx_reg_kind {
	NX_REG_NONE,
	NX_REG_META,
	NX_REG_PAYLOAD,
	NX_REG_CT,
};

/* What a register holds: a meta or ct key, or packet bytes, maybe masked. */
struct nx_reg {
	enum nx_reg_kind kind;
	uint32_t key;			/* NFT_META_*, NFT_CT_* */
	uint32_t base, offset, len;	/* NFT_PAYLOAD_*_HEADER */
	uint8_t mask[16];
	bool masked;
};

/* Alternatives a set expands into: one rule per entry. */
enum nx_alt_kind {
	NX_ALT_NONE,
	NX_ALT_SRC,
	NX_ALT_DST,
	NX_ALT_PROTO,
	NX_ALT_PORTS,			/* multiport matches of at most 15 slots each */
	NX_ALT_ICMP,			/* icmp or icmpv6 types (in @proto) */
	NX_ALT_CTSTATE,			/* connection tracking states (in @ctstates) */
};

struct nx_alt {
	struct ir_addr addr;
	uint8_t proto;
	struct ir_match_multiport mport;
	uint8_t ctstates;		/* IR_CT_* */
	struct ir_target target;	/* a verdict map's element: its verdict */
	bool skip;			/* a verdict map's "continue": no rule */
};

/* One set's expansion: the rule once per alternative. */
struct nx_dim {
	enum nx_alt_kind kind;
	int match;
	struct nx_alt *alts;
	unsigned int n;
	bool verdicts;			/* a verdict map: each alternative's target is the rule's */
};

/* One rule's translation under way. */
struct nx {
	const struct nft_dump *d;
	const struct nftnl_rule *rule;
	enum ir_family family;		/* the IR family the rules are for */
	uint32_t nfproto;		/* the table's NFPROTO_* */
	bool family_known;		/* a table of one family, or a meta nfproto test */
	bool other_family;		/* the rule is for the other family only */
	struct ir_rule *r;
	struct nx_reg regs[NX_REGS];
	bool verdict;			/* a verdict or terminal target was seen */
	bool stateful;			/* limit or recent: a later test changes its counts */
	bool log_stmt;			/* a log statement: split from a verdict */
	struct ir_target_log log;
	enum nx_alt_kind alt_kind;	/* the set being expanded */
	int alt_match;			/* NX_ALT_PORTS, _ICMP: index of its match */
	struct nx_alt *alts;
	unsigned int n_alts;
	struct nx_dim dims[2];		/* the sets expanded: one rule per combination */
	unsigned int n_dims;
	const struct nft_xlate_ops *ops;
	char *why;
	size_t why_len;
};

/* Refuse the rule: the reason into nx->why; returns -EOPNOTSUPP. */
int nx_refuse(struct nx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The register @attr of @e names, or NULL if unset or out of range. */
struct nx_reg *nx_reg_of(struct nx *x, const struct nftnl_expr *e, uint16_t attr);

/* A test may come here: not after the verdict, a stateful match or a log statement. */
int nx_test_start(struct nx *x, const char *what);

/*
 * nf_tables verdict @verdict (to chain @nft_chain for a jump or goto) as
 * target @t, *@cont for continue; refusals begin with @what.
 */
int nx_verdict(struct nx *x, int verdict, const char *nft_chain, const char *what,
	       struct ir_target *t, bool *cont);

/* A cmp expression: what it compares, as the part of the rule it tests (nft_import_cmp.c). */
int nx_cmp(struct nx *x, const struct nftnl_expr *e);

/* A range expression: a port range (nft_import_cmp.c). */
int nx_range(struct nx *x, const struct nftnl_expr *e);

/* The protocol tested (tcp for a set of tcp and udp, whose ports tests are the same), or 0. */
uint8_t nx_l4proto(const struct nx *x);

/* The rule's tcp or udp match (added with every port if absent); NULL: -ENOMEM. */
struct ir_match *nx_ports_match(struct nx *x);

/* An xtables match expression (iptables-nft's compat "match"): into x->r. */
int nx_xt_match(struct nx *x, const char *name, uint32_t rev, const void *info, uint32_t len);

/* An xtables target expression (iptables-nft's compat "target"): into x->r's target. */
int nx_xt_target(struct nx *x, const char *name, uint32_t rev, const void *info, uint32_t len);

/* Connection tracking state bits of xt_state / nft ct state as IR_CT_* bits. */
uint8_t nx_ct_states(uint32_t bits);

/* A lookup of a set's elements against what @reg holds, into x->r or x->alts. */
int nx_lookup(struct nx *x, const struct nx_reg *reg, const char *set_name, bool invert);

/*
 * A lookup in verdict map @set_name of what @reg holds: the rule once per
 * element (elements never overlap), each with the element's verdict.
 */
int nx_vmap(struct nx *x, const struct nx_reg *reg, const char *set_name);

/* Named set @s's elements as ipset words them (prefixes of @family), malloc'd; -E2BIG, -ENOMEM. */
int nx_set_words(struct nftnl_set *s, enum ir_family family, char ***out, unsigned int *n);

/*
 * Named set @s of table @table (family @nfproto) as one of bpfw's sets: its
 * ipset name into @name; its definition added to @rs and its elements to
 * @rep the first time.  -EOPNOTSUPP with the reason in @why.
 */
int nx_named_set(struct nft_import_report *rep, struct ir_ruleset *rs, uint32_t nfproto,
		 const char *table, struct nftnl_set *s, enum ir_family family, char *name,
		 char *why, size_t why_len);

#endif /* BPFW_NFT_IMPORT_INTERNAL_H */
