// SPDX-License-Identifier: GPL-2.0
/*
 * Counter slots.  Every rule and built-in chain policy owns one slot of the
 * per-CPU counter map.  A rule that survives an update keeps its slot, so
 * the new program goes on counting where the old one stopped.  A new rule
 * gets a slot the running program does not use, so nothing the old program
 * still counts can leak into it before the swap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ld.h"
#include "txn_internal.h"

/* One counted thing: a rule, or a built-in chain's policy. */
struct slot_ref {
	uint32_t *slot;
	struct ir_counter *counter;
	bool given;
};

typedef int (*slot_fn)(struct slot_ref *ref, void *arg);

/* Call @fn for every slot holder of one chain. */
static int chain_for_each(struct ir_chain *c, slot_fn fn, void *arg)
{
	int ret;

	if (ir_chain_is_builtin(c)) {
		struct slot_ref ref = { &c->policy_slot, &c->counter, c->counter_given };

		ret = fn(&ref, arg);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < c->n_rules; i++) {
		struct ir_rule *r = c->rules[i];
		struct slot_ref ref = { &r->slot, &r->counter, r->counter_given };

		ret = fn(&ref, arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* Call @fn for every slot holder of the ruleset, nftables tables last. */
static int for_each(struct ir_ruleset *rs, slot_fn fn, void *arg)
{
	const unsigned int n_ipt = IR_FAMILY_MAX * IR_TABLE_MAX;

	for (unsigned int n = 0; n < n_ipt + rs->n_nft; n++) {
		struct ir_table *t = n < n_ipt ? rs->tables[n / IR_TABLE_MAX][n % IR_TABLE_MAX]
					       : rs->nft[n - n_ipt];

		for (unsigned int c = 0; t && c < t->n_chains; c++) {
			int ret = chain_for_each(t->chains[c], fn, arg);

			if (ret)
				return ret;
		}
	}
	return 0;
}

struct bitmap {
	uint8_t *bits;
	uint32_t n;		/* bits allocated */
};

static bool bit_test(const struct bitmap *b, uint32_t i)
{
	return i < b->n && (b->bits[i / 8] >> (i % 8)) & 1;
}

static int bit_set(struct bitmap *b, uint32_t i)
{
	if (i >= b->n) {
		uint32_t n = b->n ? b->n : 1024;
		uint8_t *p;

		while (n <= i)
			n *= 2;
		p = realloc(b->bits, n / 8);
		if (!p)
			return -ENOMEM;
		memset(p + b->n / 8, 0, (n - b->n) / 8);
		b->bits = p;
		b->n = n;
	}
	b->bits[i / 8] |= 1 << (i % 8);
	return 0;
}

static int mark_used(struct slot_ref *ref, void *arg)
{
	if (*ref->slot == IR_SLOT_NONE)
		return 0;
	return bit_set(arg, *ref->slot);
}

int txn_slots_snapshot(struct txn *t, struct bpfw_err *err)
{
	struct bitmap b = { 0 };

	if (for_each(t->rs, mark_used, &b)) {
		free(b.bits);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	free(t->old_slots);
	t->old_slots = b.bits;
	t->n_old_slots = b.n;
	return 0;
}

struct assign {
	struct bitmap taken;	/* used by the old program or kept by the new one */
	uint32_t next;		/* no free slot below this */
};

static int take_fresh(struct slot_ref *ref, void *arg)
{
	struct assign *a = arg;

	if (*ref->slot != IR_SLOT_NONE)
		return 0;
	while (bit_test(&a->taken, a->next))
		a->next++;
	*ref->slot = a->next;
	return bit_set(&a->taken, a->next);
}

int txn_slots_assign(struct txn *t, struct bpfw_err *err)
{
	struct assign a = { 0 };
	int ret;

	for (uint32_t i = 0; i < t->n_old_slots; i++) {
		if ((t->old_slots[i / 8] >> (i % 8)) & 1 && bit_set(&a.taken, i))
			goto nomem;
	}
	ret = for_each(t->rs, mark_used, &a.taken);
	if (!ret)
		ret = for_each(t->rs, take_fresh, &a);
	free(a.taken.bits);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	return 0;
nomem:
	free(a.taken.bits);
	return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
}

struct prepare {
	const struct txn *t;
	int new_fd;
};

static bool was_running(const struct txn *t, uint32_t slot)
{
	return slot < t->n_old_slots && (t->old_slots[slot / 8] >> (slot % 8)) & 1;
}

static int prepare_one(struct slot_ref *ref, void *arg)
{
	struct prepare *p = arg;
	struct ir_counter c = { 0 };
	uint32_t slot = *ref->slot;

	if (ref->given) {
		c = *ref->counter;
	} else if (was_running(p->t, slot)) {
		/* kept: the same map counts on, or a grown map takes the value over */
		if (p->t->counters_reused)
			return 0;
		if (ld_counter_read(p->t->live.counters_fd, slot, &c))
			return -EIO;
	}
	return ld_counter_write(p->new_fd, slot, &c);
}

int txn_slots_prepare(struct txn *t, int counters_fd, struct bpfw_err *err)
{
	struct prepare p = { t, counters_fd };
	int ret;

	if (t->dry_run || counters_fd < 0)
		return 0;
	ret = for_each(t->rs, prepare_one, &p);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret, "Cannot set up the rule counters: %s",
				 strerror(-ret));
	return 0;
}

static int read_one(struct slot_ref *ref, void *arg)
{
	const struct txn *t = arg;

	memset(ref->counter, 0, sizeof(*ref->counter));
	if (*ref->slot == IR_SLOT_NONE || t->live.counters_fd < 0)
		return 0;
	return ld_counter_read(t->live.counters_fd, *ref->slot, ref->counter);
}

int txn_slots_read(struct txn *t, struct bpfw_err *err)
{
	int ret = for_each(t->rs, read_one, t);

	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret, "Cannot read the rule counters: %s",
				 strerror(-ret));
	return 0;
}

static int zero_one(struct slot_ref *ref, void *arg)
{
	const struct txn *t = arg;
	const struct ir_counter zero = { 0 };

	memset(ref->counter, 0, sizeof(*ref->counter));
	if (*ref->slot == IR_SLOT_NONE || t->live.counters_fd < 0)
		return 0;
	return ld_counter_write(t->live.counters_fd, *ref->slot, &zero);
}

int txn_slots_zero(struct txn *t, enum ir_family family, enum ir_table_id table,
		   const char *chain, struct bpfw_err *err)
{
	struct ir_table *tb = t->rs->tables[family][table];
	int ret = 0;

	if (!tb)
		return 0;
	for (unsigned int i = 0; i < tb->n_chains && !ret; i++) {
		if (chain && chain[0] && strcmp(tb->chains[i]->name, chain))
			continue;
		ret = chain_for_each(tb->chains[i], zero_one, t);
	}
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret, "Cannot zero the rule counters: %s",
				 strerror(-ret));
	return 0;
}
