/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpfw shell: iptables (and ip6tables, ipset, nft) commands typed at a
 * prompt change a staged copy of the rule set; "commit" swaps the whole
 * staged set in as one transaction.  The staged copy is the running rule
 * set as read when staging began with the journal of staged commands
 * applied, so that a commit after someone else's change applies the same
 * commands again to the new running set.
 */
#ifndef BPFW_SHELL_H
#define BPFW_SHELL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bpfw/err.h"
#include "bpfw/ipt.h"
#include "bpfw/ir.h"

enum shell_entry_kind {
	SHELL_E_IPT,		/* one iptables / ip6tables command */
	SHELL_E_RESTORE,	/* a restore file: "load" */
	SHELL_E_NFT,		/* one nft command line */
};

/* One staged command, kept to be applied again if the running set changes. */
struct shell_entry {
	enum shell_entry_kind kind;
	enum ir_family family;
	char **words;		/* SHELL_E_IPT: the command's words, without the program */
	int n_words;
	char *text;		/* SHELL_E_RESTORE: the file's text; SHELL_E_NFT: the line */
	size_t len;
	bool noflush;		/* SHELL_E_RESTORE: load -n */
};

struct shell {
	struct ir_ruleset *base;	/* the running rule set when staging began */
	struct ir_ruleset *staged;	/* @base with the journal applied */
	bool base_present;		/* a rule set ran then */
	uint32_t base_gen;		/* its generation */
	unsigned int sets_prog;		/* a running program's id, to read set maps, or 0 */
	struct shell_entry *journal;
	unsigned int n_journal;
	bool interactive;		/* reading a terminal */
	bool keep_going;		/* -k: a failed command does not end a script */
	bool verbose;			/* -v: the verifier log on failure */
	bool quit;			/* "quit" was asked */
	bool warned_quit;		/* quit with staged changes was warned about once */
};

/* Read the running rule set into @sh->base and stage the journal on a copy of it. */
int shell_refresh(struct shell *sh, struct bpfw_err *err);

/* Release everything @sh holds. */
void shell_release(struct shell *sh);

/* Stage (or, -L -S -C, show) one iptables command of @ctx's family; @words without the program. */
int shell_iptables(struct shell *sh, const struct ipt_ctx *ctx, int n_words, char **words,
		   struct bpfw_err *err);

/* Stage the rules of restore file @path (-n: @noflush). */
int shell_load(struct shell *sh, const struct ipt_ctx *ctx, const char *path, bool noflush,
	       struct bpfw_err *err);

/* Stage (or run, for list commands) one nft command line. */
int shell_nft(struct shell *sh, const char *line, struct bpfw_err *err);

/* Swap the staged rule set in as one transaction, then stage afresh from it. */
int shell_commit(struct shell *sh, struct bpfw_err *err);

/* Drop every staged change. */
int shell_abort(struct shell *sh, struct bpfw_err *err);

/* Print the staged changes as iptables-save lines with "-" and "+" (compat/shell_diff.c). */
int shell_diff(const struct shell *sh, FILE *out, struct bpfw_err *err);

/* Run one line typed at the prompt or read from the script (compat/shell_cmds.c). */
int shell_run_line(struct shell *sh, const char *line, struct bpfw_err *err);

/* Print the help of @topic (NULL: the overview) (compat/shell_help.c). */
void shell_help(const char *topic, FILE *out);

/* The help topics, NULL-ended, for completion. */
const char *const *shell_help_topics(void);

/* Install the tab completion of the prompt, reading names from @sh (compat/shell_complete.c). */
void shell_complete_init(const struct shell *sh);

/*
 * Split @line into words as a shell does (quotes, backslashes, "#" comments).
 * With @partial an open quote ends the last word instead of failing.
 * Returns the number of words, or -EINVAL (open quote), -ENOMEM.
 */
int shell_split(const char *line, bool partial, char ***words);

/* Free words from shell_split(). */
void shell_words_free(char **words, int n);

#endif /* BPFW_SHELL_H */
