/* SPDX-License-Identifier: GPL-2.0 */
/* What the fuzz targets share: counter slots, as the transaction assigns them. */
#ifndef BPFW_FUZZ_SLOTS_H
#define BPFW_FUZZ_SLOTS_H

#include <stdint.h>

#include "bpfw/ir.h"

/* Number every rule and policy of the IPv4 filter table in order; how many. */
static inline uint32_t fuzz_assign_slots(struct ir_ruleset *rs)
{
	struct ir_table *t = rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER];
	uint32_t n = 0;

	for (unsigned int i = 0; t && i < t->n_chains; i++) {
		if (ir_chain_is_builtin(t->chains[i]))
			t->chains[i]->policy_slot = n++;
		for (unsigned int j = 0; j < t->chains[i]->n_rules; j++)
			t->chains[i]->rules[j]->slot = n++;
	}
	return n;
}

#endif /* BPFW_FUZZ_SLOTS_H */
