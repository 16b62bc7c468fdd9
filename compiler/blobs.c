// SPDX-License-Identifier: GPL-2.0
/*
 * Per-match data in the kernel: every match of one kind gets a fixed-size
 * blob (a port bitmap, a rate limiter's state), and the blobs of a rule set
 * lie one after another in the single value of one array map, which the
 * programs address directly (BPF_PSEUDO_MAP_VALUE): no lookup call.  The
 * kernel allocates array values up to 4 MiB.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgen_internal.h"

#define MAX_VALUE	(4u << 20)

/* Call @fn on every match of @kind in @t, with its running number. */
static void for_each_match(const struct ir_table *t, enum ir_match_kind kind,
			   void (*fn)(struct cg_blobs *b, const struct ir_match *m), struct cg_blobs *b)
{
	for (unsigned int i = 0; t && i < t->n_chains; i++)
		for (unsigned int j = 0; j < t->chains[i]->n_rules; j++) {
			const struct ir_rule *r = t->chains[i]->rules[j];

			for (unsigned int k = 0; k < r->n_matches; k++)
				if (r->matches[k].kind == kind)
					fn(b, &r->matches[k]);
		}
}

static void count_one(struct cg_blobs *b, const struct ir_match *m)
{
	b->n++;
}

static void fill_one(struct cg_blobs *b, const struct ir_match *m)
{
	if (b->fill)
		b->fill(m, (uint8_t *)b->values + (size_t)b->n * b->size);
	b->of[b->n++] = m;
}

int cg_blobs_plan(struct cg *c, struct cg_blobs *b, enum ir_match_kind kind, const char *name,
		  const struct ir_table *const *tables, unsigned int n, struct bpfw_err *err)
{
	struct cgen_map map = { .role = CGEN_MAP_BLOBS, .type = BPF_MAP_TYPE_ARRAY,
				.key_size = sizeof(uint32_t), .max_entries = 1, .n_entries = 1 };
	unsigned int max = MAX_VALUE / b->size, total;
	int idx;

	b->map = -1;
	b->n = 0;
	for (unsigned int i = 0; i < n; i++)
		for_each_match(tables[i], kind, count_one, b);
	total = b->n;
	if (!total)
		return 0;
	if (total > max)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, E2BIG,
				 "The rule set is too large: it has %u %s matches, bpfw compiles at "
				 "most %u", total, name, max);
	snprintf(map.name, sizeof(map.name), "bpfw_%s", name);
	map.value_size = total * b->size;
	map.keys = calloc(1, sizeof(uint32_t));
	map.values = calloc(total, b->size);
	b->of = calloc(total, sizeof(*b->of));
	idx = map.keys && map.values && b->of ? cg_add_map(c->out, &map) : -ENOMEM;
	if (idx < 0) {
		free(map.keys);
		free(map.values);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	b->map = idx;
	b->values = map.values;
	b->n = 0;
	for (unsigned int i = 0; i < n; i++)
		for_each_match(tables[i], kind, fill_one, b);
	return 0;
}

int cg_blobs_offset(const struct cg_blobs *b, const struct ir_match *m, uint32_t *off)
{
	for (unsigned int i = 0; i < b->n; i++) {
		if (b->of[i] == m) {
			*off = i * b->size;
			return 0;
		}
	}
	return -EINVAL;
}

void cg_blobs_free(struct cg_blobs *b)
{
	free(b->of);
	b->of = NULL;
}
