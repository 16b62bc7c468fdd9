// SPDX-License-Identifier: GPL-2.0
/*
 * Port sets: every -m multiport match becomes a bitmap of the 65,536 ports
 * (8 KiB), and the test of a packet is one load of the bit of its port,
 * however many ports and ranges the list holds (bitmaps in blobs.c's map).
 */
#include <errno.h>

#include "cgen_internal.h"

#define BITMAP_BYTES	(65536 / 8)

static void fill_bitmap(const struct ir_match *m, uint8_t *bits)
{
	for (unsigned int i = 0; i < m->mport.n; i++)
		for (uint32_t p = m->mport.ports[i].lo; p <= m->mport.ports[i].hi; p++)
			bits[p >> 3] |= (uint8_t)(1u << (p & 7));
}

int cg_ports_plan(struct cg *c, const struct ir_table *const *tables, unsigned int n,
		  struct bpfw_err *err)
{
	c->ports.size = BITMAP_BYTES;
	c->ports.fill = fill_bitmap;
	return cg_blobs_plan(c, &c->ports, IR_MATCH_MULTIPORT, "multiport", tables, n, err);
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
	uint32_t off;

	if (cg_blobs_offset(&c->ports, m, &off)) {
		e->err = e->err ?: -EINVAL;
		return;
	}
	/* no transport header (a later fragment): no match, inverted or not */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(l4)));
	emit(e, ALU64_IMM(BPF_XOR, R1, 1));
	emit(e, ALU64_REG(BPF_OR, miss, R1));
	emit_ld_map_value(e, R2, (uint32_t)c->ports.map, off);
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
