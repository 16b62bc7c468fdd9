/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nftables front end: nft's command language for the filter subset
 * (frontend/nft_*.c) and nft's list format (compat/nft_fmt*.c), both on
 * the IR.  iptables' own tables are "table ip filter", "table ip6 filter"
 * and "table ip raw" (rs->tables[][]); every other table is in rs->nft.
 *
 * Named sets are ir_sets named "FAMILY:TABLE:SET" (their elements live in
 * BPF maps): element changes are not changes of the rule set, so the
 * parser queues them in struct nft_ctx and the caller writes them after
 * committing (compat/cmd_nft.c).  See doc/nft.md.
 *
 * Error contract: on failure err->msg holds the whole text nft would print
 * ("Error: ..."), err->line the line of a file, exit status 1; the rule
 * set may then be half changed (as with ipt_restore_apply): callers throw
 * it away or pass a clone.
 */
#ifndef BPFW_NFT_H
#define BPFW_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bpfw/err.h"
#include "bpfw/ipt.h"
#include "bpfw/ir.h"

#define NFT_STATE_TAG	"%nft\n"	/* the nftables tables' section of the state text */

enum {
	NFT_F_HANDLES = 1 << 0,		/* -a: "# handle N" after each rule */
	NFT_F_STATE = 1 << 1,		/* the state text: handles are counter slots, read back */
	NFT_F_STATELESS = 1 << 2,	/* -s: no counter values */
	NFT_F_CHECK = 1 << 3,		/* -c: parse and check only */
};

/* An element change of a named set, written to its map after the commit. */
struct nft_elem_op {
	char op;			/* 'a' add, 'd' delete, 'f' flush (every element) */
	char set[IR_SET_MAXNAMELEN];	/* the ir_set's name */
	char *elem;			/* as ipset words it ("10.0.0.0/8"), malloc'd; 'f': NULL */
};

/*
 * Reads the elements of set @s for a listing: writes them as nft lists
 * them, ", "-separated, without braces; 0 or a negative errno.
 */
typedef int (*nft_elems_fn)(void *arg, const struct ir_set *s, FILE *f);

/* Formatter options. */
struct nft_fmt_opts {
	unsigned int flags;		/* NFT_F_HANDLES, NFT_F_STATE, NFT_F_STATELESS */
	nft_elems_fn elems;		/* NULL: sets are listed without elements */
	void *elems_arg;
};

/* One run of nft commands: where they print, what they changed, what is left to do. */
struct nft_ctx {
	FILE *out;			/* where list commands print; NULL refuses them */
	struct nft_fmt_opts fmt;	/* how list commands print */
	unsigned int flags;		/* NFT_F_* */
	bool changed;			/* the rule set changed: it needs a commit */
	struct nft_elem_op *elems;	/* element changes queued, in order */
	unsigned int n_elems;
	unsigned int depth;		/* include nesting */
	void *defines;			/* "define" variables (frontend private) */
};

/* Parse one nft command line ("add rule inet t c tcp dport 22 accept") and apply it to @rs. */
int nft_run_line(struct nft_ctx *ctx, struct ir_ruleset *rs, const char *line,
		 struct bpfw_err *err);

/* Parse a whole nft file (nft -f) held in @buf and apply it to @rs; @name for messages. */
int nft_run_buf(struct nft_ctx *ctx, struct ir_ruleset *rs, const char *buf, size_t len,
		const char *name, struct bpfw_err *err);

/* Read file @path (nft -f; "-" is stdin) and apply it to @rs. */
int nft_run_file(struct nft_ctx *ctx, struct ir_ruleset *rs, const char *path,
		 struct bpfw_err *err);

/* Free what @ctx holds (queued elements, variables); the struct is the caller's. */
void nft_ctx_release(struct nft_ctx *ctx);

/* nft list ruleset: every table of @rs (iptables' own ones first) in nft's list format. */
int nft_fmt_ruleset(FILE *f, const struct ir_ruleset *rs, const struct nft_fmt_opts *o);

/* One table (from rs->tables[][] or rs->nft) in nft's list format, its sets included. */
int nft_fmt_table(FILE *f, const struct ir_ruleset *rs, const struct ir_table *t,
		  const struct nft_fmt_opts *o);

/* One chain (its rules, a base chain's type line) as "list chain" prints it, in its table. */
int nft_fmt_chain(FILE *f, const struct ir_ruleset *rs, const struct ir_table *t,
		  const struct ir_chain *c, const struct nft_fmt_opts *o);

/* One named set as "list set" prints it, in its table. */
int nft_fmt_set(FILE *f, const struct ir_table *t, const struct ir_set *s,
		const struct nft_fmt_opts *o);

/* One rule's text as nft lists it inside its chain (no tabs, no newline). */
void nft_fmt_rule(FILE *f, const struct ir_table *t, const struct ir_rule *r,
		  const struct nft_fmt_opts *o);

/* Verdict @kind as nft writes it ("accept", "jump CHAIN"; IR_TARGET_NONE: "continue"). */
void nft_fmt_verdict(FILE *f, enum ir_target_kind kind, const char *chain);

/* Lookup @l (an anonymous set or a verdict map) of rule @r as nft lists it, a space after. */
void nft_fmt_lookup(FILE *f, const struct ir_rule *r, const struct ir_match_lookup *l,
		    bool v6);

/* The state text's nftables section (NFT_STATE_TAG first) for rs->nft, if any. */
int nft_state_write(FILE *f, const struct ir_ruleset *rs);

/* The nftables section of the state text (after NFT_STATE_TAG) into @rs. */
int nft_state_parse(const char *text, size_t len, struct ir_ruleset *rs, struct bpfw_err *err);

/* The name of set @set of table @t as an ir_set ("inet:t:blocked"), -ENAMETOOLONG if too long. */
int nft_set_ir_name(const struct ir_table *t, const char *set, char *out, size_t len);

/* nft's name of connection tracking state bit @bit (IR_CT_NEW: "new"), or NULL. */
const char *nft_ct_state_name(uint8_t bit);

/* nft's name of ICMP (@v6: ICMPv6) type @type, or NULL. */
const char *nft_icmp_type_name(uint8_t type, bool v6);

/* nft's standard priority name nearest @prio ("filter") and @prio's offset from it. */
const char *nft_priority_name(int32_t prio, int32_t *offset);

/*
 * An nft_elems_fn for listings: the elements of @s from the running map of
 * the transaction @arg (a begun struct txn *) (compat/cmd_nft.c).
 */
int nft_elems_list(void *arg, const struct ir_set *s, FILE *f);

/*
 * Write the element changes queued in @ctx to the sets' maps: with
 * @prog_id, those of that program (a new one, before its switch; its sets
 * as @rs defines them), else the running ones (nothing else changed, no new
 * program).  The caller holds bpfw's lock (compat/cmd_nft.c).
 */
int nft_elems_write(const struct nft_ctx *ctx, struct ir_ruleset *rs, uint32_t prog_id,
		    struct bpfw_err *err);

struct txn;

/*
 * A txn.before_switch: the element changes queued in nft_ctx @arg go into
 * the maps of the new program @prog_id, the sets as @t's rule set has them.
 */
int nft_elems_before_switch(struct txn *t, uint32_t prog_id, void *arg, struct bpfw_err *err);

/* nft: the command line's entry point; returns the exit status (compat/cmd_nft.c). */
int compat_nft_main(const struct ipt_ctx *ctx, int argc, char **argv);

#endif /* BPFW_NFT_H */
