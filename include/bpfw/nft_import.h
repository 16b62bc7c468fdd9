/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfw import: the nf_tables rule set of this network namespace, read
 * through netlink, translated into the rule model.  What cannot be
 * translated is listed with its reason (table, chain, rule handle and the
 * expression), never silently dropped.
 */
#ifndef BPFW_NFT_IMPORT_H
#define BPFW_NFT_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfw/err.h"
#include "bpfw/ir.h"

struct nftnl_table_list;
struct nftnl_chain_list;
struct nftnl_rule_list;
struct nftnl_set_list;
struct nftnl_rule;
struct nftnl_set;

/* The kernel's nf_tables objects, as libnftnl holds them; sets with their elements. */
struct nft_dump {
	struct nftnl_table_list *tables;
	struct nftnl_chain_list *chains;
	struct nftnl_rule_list *rules;
	struct nftnl_set_list *sets;
};

/* A named set a rule looks up, as one of bpfw's ipset sets. */
struct nft_import_set {
	struct ir_set def;		/* name, type, family, timeout; the loader gives the id */
	char **elems;			/* as ipset words them ("10.0.0.0/8") */
	unsigned int n_elems;
	uint32_t nfproto;		/* where it comes from */
	char *table, *nft_name;
};

/* What was left out: one line per rule or chain, with the reason; the sets used. */
struct nft_import_report {
	char **lines;
	unsigned int n_lines;
	unsigned int n_rules;		/* rules translated */
	unsigned int n_chains;		/* chains translated */
	struct nft_import_set *sets;	/* named sets the translated rules match */
	unsigned int n_sets;
};

/* How a rule's names are mapped: chains it jumps to, named sets it looks up. */
struct nft_xlate_ops {
	/* the IR name of chain @nft_chain of the rule's table, or NULL if not imported */
	const char *(*chain_name)(const char *nft_chain, void *arg);
	/* the ipset name of named set @s for @family's rules: 0, or -EOPNOTSUPP with @why */
	int (*set_name)(struct nftnl_set *s, enum ir_family family, char *name, char *why,
			size_t why_len, void *arg);
	void *arg;
};

/* Dump tables, chains, rules and sets (with elements) of this namespace into @d. */
int nft_dump_read(struct nft_dump *d, struct bpfw_err *err);

/* Free what nft_dump_read() filled; a zeroed @d is fine. */
void nft_dump_free(struct nft_dump *d);

/* Delete, in one netlink batch, every table of @d (the source of an import). */
int nft_dump_delete_tables(const struct nft_dump *d, struct bpfw_err *err);

/* The set @name of table @table, family @family in @d, or NULL. */
struct nftnl_set *nft_dump_find_set(const struct nft_dump *d, uint32_t family, const char *table,
				    const char *name);

/*
 * Translate @d into the filter and raw tables of @rs (which should be
 * empty), listing what cannot be translated in @rep.  Returns 0 even when
 * something was left out; a negative errno on allocation failure.
 */
int nft_import(const struct nft_dump *d, struct ir_ruleset *rs, struct nft_import_report *rep,
	       struct bpfw_err *err);

/* Add a line to @rep (printf format); -ENOMEM. */
int nft_report_add(struct nft_import_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Free the lines of @rep. */
void nft_report_free(struct nft_import_report *rep);

/*
 * Translate one rule of a table of nftables family @nfproto (NFPROTO_*)
 * for the rules of IR family @family: appends zero or more IR rules (a
 * set of addresses or protocols expands into several) to @out.  Chain
 * and set names go through @ops.  -EOPNOTSUPP with the reason in
 * @why (which expression) if it cannot be expressed.
 */
int nft_rule_translate(const struct nft_dump *d, const struct nftnl_rule *rule,
		       enum ir_family family, const struct nft_xlate_ops *ops,
		       struct ir_rule ***out, unsigned int *n_out, char *why, size_t why_len);

#endif /* BPFW_NFT_IMPORT_H */
