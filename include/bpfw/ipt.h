/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iptables front end: command-line and restore-file parsing into the
 * IR (frontend/), and the iptables text formats out of it (compat/).
 *
 * Error contract: on failure a function fills err->msg with the complete
 * text iptables would print on stderr (without the final newline; it may
 * hold several lines, e.g. the "Try `iptables -h' ..." hint) and
 * err->exit_code with iptables' exit status.  The entry point prints
 * err->msg verbatim.
 */
#ifndef BPFW_IPT_H
#define BPFW_IPT_H

#include <stdbool.h>
#include <stdio.h>

#include "bpfw/err.h"
#include "bpfw/ir.h"

#define IPT_VERSION		"1.8.9"
#define IPT_VARIANT		"bpfw"

/* Who is speaking: the program name iptables would print and its family. */
struct ipt_ctx {
	const char *prog;		/* "iptables" or "ip6tables" */
	enum ir_family family;
};

enum ipt_op {
	IPT_OP_NONE,
	IPT_OP_APPEND,		/* -A */
	IPT_OP_INSERT,		/* -I */
	IPT_OP_DELETE,		/* -D rule-spec */
	IPT_OP_DELETE_NUM,	/* -D CHAIN N */
	IPT_OP_REPLACE,		/* -R */
	IPT_OP_CHECK,		/* -C */
	IPT_OP_LIST,		/* -L (may carry IPT_F_ZERO) */
	IPT_OP_LIST_RULES,	/* -S (may carry IPT_F_ZERO) */
	IPT_OP_FLUSH,		/* -F */
	IPT_OP_ZERO,		/* -Z */
	IPT_OP_NEW_CHAIN,	/* -N */
	IPT_OP_DELETE_CHAIN,	/* -X */
	IPT_OP_POLICY,		/* -P */
	IPT_OP_RENAME_CHAIN,	/* -E */
	IPT_OP_VERSION,		/* -V */
	IPT_OP_HELP,		/* -h */
};

enum {
	IPT_F_NUMERIC = 1 << 0,		/* -n */
	IPT_F_VERBOSE = 1 << 1,		/* -v */
	IPT_F_EXACT = 1 << 2,		/* -x */
	IPT_F_LINE_NUMBERS = 1 << 3,	/* --line-numbers */
	IPT_F_ZERO = 1 << 4,		/* -Z together with -L / -S */
	IPT_F_HOOK_XDP = 1 << 5,	/* -N with --hook xdp: a raw chain PREROUTING jumps to first */
};

/* One parsed iptables command line (or one line of a restore file). */
struct ipt_cmd {
	enum ipt_op op;
	enum ir_table_id table;
	char chain[IR_CHAIN_MAXNAMELEN];	/* "" = every chain */
	char newname[IR_CHAIN_MAXNAMELEN];	/* -E */
	struct ir_rule *rule;			/* -A -I -D -R -C; owned */
	struct ir_addr *srcs, *dsts;		/* -s/-d lists: the rule once per pair; owned */
	unsigned int n_srcs, n_dsts;		/* 0 when the address is the rule's own */
	unsigned int rulenum;			/* 1-based, 0 = not given */
	enum ir_verdict policy;			/* -P */
	struct ir_counter policy_counter;	/* -P ... with -c */
	bool policy_counter_given;
	unsigned int flags;			/* IPT_F_* */
	int wait_secs;				/* -w: -1 not given, 0 forever */
};

/* Parse an iptables argument vector (argv[0] is the program name). */
int ipt_parse_argv(const struct ipt_ctx *ctx, int argc, char **argv, struct ipt_cmd *cmd,
		   struct bpfw_err *err);

/* Free what a parsed command owns; the struct itself is the caller's. */
void ipt_cmd_release(struct ipt_cmd *cmd);

/*
 * Whether the command changes the ruleset (and so needs a commit).  -Z and
 * the zeroing of -L -Z / -S -Z are not changes of the ruleset: the entry
 * point zeroes kernel counters itself (txn_zero_counters).
 */
bool ipt_cmd_modifies(const struct ipt_cmd *cmd);

/* Apply a modifying command to @rs; nothing is changed if it fails. */
int ipt_cmd_apply(const struct ipt_ctx *ctx, struct ir_ruleset *rs, struct ipt_cmd *cmd,
		  struct bpfw_err *err);

/* Run a read-only command (-L, -S, -C) against @rs, printing to @out. */
int ipt_cmd_show(const struct ipt_ctx *ctx, const struct ir_ruleset *rs,
		 const struct ipt_cmd *cmd, FILE *out, struct bpfw_err *err);

/* Print iptables' -h text. */
void ipt_print_help(const struct ipt_ctx *ctx, FILE *out);

/* Print the -h text of the target and matches @r names (-m tcp -h), after ipt_print_help(). */
void ipt_print_ext_help(const struct ipt_ctx *ctx, const struct ir_rule *r, FILE *out);

/* Print iptables' -V text ("iptables v1.8.9 (bpfw)"). */
void ipt_print_version(const struct ipt_ctx *ctx, FILE *out);

/* What a restore run does; see iptables-restore(8). */
struct ipt_restore_opts {
	bool noflush;		/* -n: keep what the input does not name */
	bool counters;		/* -c: take [p:b] counters from the input */
	const char *table;	/* -T: only this table, or NULL */
	bool slots;		/* internal state text: "[S]" is a counter slot */
};

/*
 * Apply a restore file (whole text in @buf) to @rs.  On error @rs may be
 * half changed: callers pass a clone.  err->line names the failing line.
 */
int ipt_restore_apply(const struct ipt_ctx *ctx, const char *buf, size_t len,
		      const struct ipt_restore_opts *opts, struct ir_ruleset *rs,
		      struct bpfw_err *err);

enum ipt_save_counters {
	IPT_SAVE_NO_COUNTERS,	/* "[0:0]" on chains, nothing on rules */
	IPT_SAVE_COUNTERS,	/* -c: "[p:b]" from ->counter */
	IPT_SAVE_SLOTS,		/* internal state text: "[S]" slots */
};

/* iptables-save text of every table of @family in @rs (or only @table). */
int ipt_save(const struct ipt_ctx *ctx, FILE *out, const struct ir_ruleset *rs,
	     const char *table, enum ipt_save_counters counters, bool header);

/* -L output of @table (one chain if @chain is not "", one rule if @rulenum). */
int ipt_list_table(const struct ipt_ctx *ctx, FILE *out, const struct ir_table *t,
		   const char *chain, unsigned int rulenum, unsigned int flags,
		   struct bpfw_err *err);

/* -S output of @table (one chain if @chain is not "", one rule if @rulenum). */
int ipt_list_rules(const struct ipt_ctx *ctx, FILE *out, const struct ir_table *t,
		   const char *chain, unsigned int rulenum, unsigned int flags,
		   struct bpfw_err *err);

/* The rule text after "-A CHAIN " as -S and iptables-save print it. */
void ipt_format_rule(FILE *out, const struct ir_rule *r, enum ir_family family);

#endif /* BPFW_IPT_H */
