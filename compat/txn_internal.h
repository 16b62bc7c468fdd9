/* SPDX-License-Identifier: GPL-2.0 */
/* Counter slot bookkeeping of a transaction (compat/txn_slots.c). */
#ifndef BPFW_TXN_INTERNAL_H
#define BPFW_TXN_INTERNAL_H

#include "bpfw/txn.h"

/* Remember which slots the running program uses (after the state is parsed). */
int txn_slots_snapshot(struct txn *t, struct bpfw_err *err);

/* Give every rule and built-in chain without a slot one the running program does not use. */
int txn_slots_assign(struct txn *t, struct bpfw_err *err);

/* Make the new counter map right before the swap: fresh slots zero or as given, kept ones copied. */
int txn_slots_prepare(struct txn *t, int counters_fd, struct bpfw_err *err);

/* Fill ->counter of every rule and built-in chain from the running counter map. */
int txn_slots_read(struct txn *t, struct bpfw_err *err);

/* Zero the running counters of one chain, or of every chain of the table. */
int txn_slots_zero(struct txn *t, enum ir_family family, enum ir_table_id table,
		   const char *chain, struct bpfw_err *err);

#endif /* BPFW_TXN_INTERNAL_H */
