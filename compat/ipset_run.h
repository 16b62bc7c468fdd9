/* SPDX-License-Identifier: GPL-2.0 */
/* What the ipset command's files share (compat/cmd_ipset.c, ipset_defs.c, ipset_elems.c). */
#ifndef BPFW_COMPAT_IPSET_RUN_H
#define BPFW_COMPAT_IPSET_RUN_H

#include <stdbool.h>

#include "bpfw/ipset.h"
#include "bpfw/txn.h"

/* How list writes a set. */
enum ipset_list_mode {
	IPSET_LIST_FULL,
	IPSET_LIST_NAMES,	/* -n */
	IPSET_LIST_TERSE,	/* -t: the header only */
	IPSET_LIST_SAVE,	/* save, or list -o save */
};

/* One run of the ipset command: its transaction, and the options given. */
struct ipset_run {
	struct txn t;			/* begun: the running rule set and its sets */
	bool begun;
	bool exist;			/* -exist: no error for what is already so */
	bool quiet;			/* -q */
	enum ipset_list_mode mode;
	bool pending;			/* definitions changed in t.rs, not committed yet */
	bool light;			/* begin with the sets only, not the rules (elements) */
	bool borrowed;			/* t is ipset_run_borrow()'s: nothing to end */
	bool sorted;			/* -s: list and save elements in order */
	const char *file;		/* -f: where restore reads and list and save write */
};

/*
 * Begin the transaction if it is not (again, after a commit); with
 * run->light, read only the sets' section of the state, not the rules.
 */
int ipset_run_begin(struct ipset_run *run, struct bpfw_err *err);

/*
 * A run on the sets of @rs and the maps of program @prog_id (a new one,
 * before its switch) instead of the running rule set: no transaction of
 * its own, only element commands; end it with ipset_run_end().
 */
void ipset_run_borrow(struct ipset_run *run, struct ir_ruleset *rs, uint32_t prog_id);

/* Commit pending definition changes (a new generation), and end the transaction. */
int ipset_run_commit(struct ipset_run *run, struct bpfw_err *err);

/* End the transaction, committing nothing. */
void ipset_run_end(struct ipset_run *run);

/* The set named @name, or ipset's "does not exist" error. */
int ipset_run_find(struct ipset_run *run, const char *name, struct ir_set **out,
		   struct bpfw_err *err);

/* create, destroy, rename, swap: the definitions in run->t.rs (ipset_defs.c). */
int ipset_create(struct ipset_run *run, char *const *words, int n, struct bpfw_err *err);
int ipset_destroy(struct ipset_run *run, const char *name, struct bpfw_err *err);
int ipset_rename(struct ipset_run *run, const char *from, const char *to, struct bpfw_err *err);
int ipset_swap(struct ipset_run *run, const char *a, const char *b, struct bpfw_err *err);

/* add, del, test: set @name's map, written directly (ipset_elems.c); @cmd is 'a', 'd' or 't'. */
int ipset_elem_cmd(struct ipset_run *run, char cmd, char *const *words, int n,
		   struct bpfw_err *err);

/* flush: every element of set @name, or of every set if NULL. */
int ipset_flush(struct ipset_run *run, const char *name, struct bpfw_err *err);

/* list and save: set @name, or every set if NULL, to @f in run->mode. */
int ipset_list(struct ipset_run *run, const char *name, FILE *f, struct bpfw_err *err);

#endif /* BPFW_COMPAT_IPSET_RUN_H */
