/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A transaction on the rule set of this network namespace: read the running
 * rule set back from the kernel, change it, then compile, load and swap the
 * new one in.  Every front end (iptables, iptables-restore, nft, the shell)
 * goes through this; nothing in the kernel changes until the whole new rule
 * set is built and verified.
 */
#ifndef BPFW_TXN_H
#define BPFW_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfw/err.h"
#include "bpfw/ir.h"
#include "bpfw/ld.h"

struct txn {
	struct ld_live live;		/* what runs now */
	struct ir_ruleset *rs;		/* the rules, to read or change */
	bool verbose;			/* print the verifier log on failure */
	bool dry_run;			/* build and verify only: touch no kernel state */
	uint8_t *old_slots;		/* bitmap: counter slots the running program uses */
	uint32_t n_old_slots;		/* bits in @old_slots */
	bool counters_reused;		/* the new program counts into the running map */
	struct ir_table *live_raw;	/* the running raw rules, which XDP applies until the switch */
	struct ir_table *live_raw6;	/* and the running IPv6 raw rules */
	/*
	 * Called by txn_commit() once the new programs and maps exist, before
	 * the switch, with the new ingress program's id (its set maps are
	 * found through it): what must be in them before any packet meets
	 * the new rules.  NULL: nothing.
	 */
	int (*before_switch)(struct txn *t, uint32_t prog_id, void *arg, struct bpfw_err *err);
	void *before_switch_arg;
};

/* Read the running rule set (an empty one if none runs) into @t->rs. */
int txn_begin(struct txn *t, struct bpfw_err *err);

/* Fill every rule's and policy's ->counter from the kernel, for listing. */
int txn_read_counters(struct txn *t, struct bpfw_err *err);

/* Zero the counters of @chain of @table (all chains if @chain is NULL) in the kernel. */
int txn_zero_counters(struct txn *t, enum ir_family family, enum ir_table_id table,
		      const char *chain, struct bpfw_err *err);

/* Compile and verify @t->rs without changing the kernel (restore --test). */
int txn_check(struct txn *t, struct bpfw_err *err);

/* Compile, load and atomically swap in @t->rs. */
int txn_commit(struct txn *t, struct bpfw_err *err);

/* Release everything the transaction holds. */
void txn_end(struct txn *t);

#endif /* BPFW_TXN_H */
