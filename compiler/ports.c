// SPDX-License-Identifier: GPL-2.0
/*
 * Port sets: every -m multiport match becomes a bitmap of the 65,536 ports
 * (8 KiB), and the test of a packet is one load of the bit of its port,
 * however many ports and ranges the list holds.  The bitmaps of a rule set
 * lie one after another in the single value of one array map, which the
 * programs address directly (BPF_PSEUDO_MAP_VALUE): no lookup call.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgen_internal.h"

#define BITMAP_BYTES	(65536 / 8)
#define MAX_BITMAPS	512	/* the largest array value the kernel allocates: 4 MiB */

/* Call @fn on every multiport match of @t. */
static int for_each_multiport(const struct ir_table *t, struct cg *c,
			      int (*fn)(struct cg *c, const struct ir_match *m))
{
	int ret = 0;

	for (unsigned int i = 0; t && i < t->n_chains && !ret; i++)
		for (unsigned int j = 0; j < t->chains[i]->n_rules && !ret; j++) {
			const struct ir_rule *r = t->chains[i]->rules[j];

			for (unsigned int k = 0; k < r->n_matches && !ret; k++)
				if (r->matches[k].kind == IR_MATCH_MULTIPORT)
					ret = fn(c, &r->matches[k]);
		}
	return ret;
}

static int count_one(struct cg *c, const struct ir_match *m)
{
	c->n_portsets++;
	return 0;
}

/* Set the bits of @m's ports in the next bitmap and remember it for @m. */
static int fill_one(struct cg *c, const struct ir_match *m)
{
	struct cgen_map *map = &c->out->maps[c->ports_map];
	uint8_t *bits = (uint8_t *)map->values + (size_t)c->n_portsets * BITMAP_BYTES;

	for (unsigned int i = 0; i < m->mport.n; i++)
		for (uint32_t p = m->mport.ports[i].lo; p <= m->mport.ports[i].hi; p++)
			bits[p >> 3] |= (uint8_t)(1u << (p & 7));
	c->portsets[c->n_portsets++] = m;
	return 0;
}

int cg_ports_plan(struct cg *c, const struct ir_table *const *tables, unsigned int n,
		  struct bpfw_err *err)
{
	struct cgen_map map = { .role = CGEN_MAP_PORTS, .name = CGEN_MAP_NAME_PORTS,
				.type = BPF_MAP_TYPE_ARRAY, .key_size = sizeof(uint32_t),
				.max_entries = 1, .n_entries = 1 };
	unsigned int total;
	int idx;

	c->ports_map = -1;
	c->n_portsets = 0;
	for (unsigned int i = 0; i < n; i++)
		for_each_multiport(tables[i], c, count_one);
	total = c->n_portsets;
	if (!total)
		return 0;
	if (total > MAX_BITMAPS)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, E2BIG,
				 "The rule set is too large: it has %u multiport matches, bpfw "
				 "compiles at most %u", total, MAX_BITMAPS);
	map.value_size = total * BITMAP_BYTES;
	map.keys = calloc(1, sizeof(uint32_t));
	map.values = calloc(total, BITMAP_BYTES);
	c->portsets = calloc(total, sizeof(*c->portsets));
	idx = map.keys && map.values && c->portsets ? cg_add_map(c->out, &map) : -ENOMEM;
	if (idx < 0) {
		free(map.keys);
		free(map.values);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	c->ports_map = idx;
	c->n_portsets = 0;
	for (unsigned int i = 0; i < n; i++)
		for_each_multiport(tables[i], c, fill_one);
	return 0;
}

/* R4 = the bit of the port at @field in the bitmap at R2 (uses R3, R5). */
static void port_bit(struct cg *c, int16_t field)
{
	struct emit *e = &c->e;

	emit(e, LDX(BPF_H, R3, R_PKT, field));
	emit(e, MOV64_REG(R5, R3));
	emit(e, ALU64_IMM(BPF_RSH, R5, 3));
	emit(e, MOV64_REG(R4, R2));
	emit(e, ALU64_REG(BPF_ADD, R4, R5));
	emit(e, LDX(BPF_B, R4, R4, 0));
	emit(e, ALU64_IMM(BPF_AND, R3, 7));
	emit(e, ALU64_REG(BPF_RSH, R4, R3));
	emit(e, ALU64_IMM(BPF_AND, R4, 1));
}

void cg_emit_multiport(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	struct emit *e = &c->e;
	unsigned int i = 0;

	while (i < c->n_portsets && c->portsets[i] != m)
		i++;
	if (i == c->n_portsets) {
		e->err = e->err ?: -EINVAL;
		return;
	}
	/* no transport header (a later fragment): no match, inverted or not */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
	emit(e, ALU64_IMM(BPF_XOR, R1, 1));
	emit(e, ALU64_REG(BPF_OR, miss, R1));
	emit_ld_map_value(e, R2, (uint32_t)c->ports_map, i * BITMAP_BYTES);
	if (m->mport.which == IR_MULTIPORT_DST) {
		port_bit(c, PI(dport));
	} else {
		port_bit(c, PI(sport));
		if (m->mport.which == IR_MULTIPORT_EITHER) {
			emit(e, MOV64_REG(R1, R4));
			port_bit(c, PI(dport));
			emit(e, ALU64_REG(BPF_OR, R4, R1));
		}
	}
	if (!m->mport.invert)
		emit(e, ALU64_IMM(BPF_XOR, R4, 1));
	emit(e, ALU64_REG(BPF_OR, miss, R4));
}
