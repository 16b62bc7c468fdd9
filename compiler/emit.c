// SPDX-License-Identifier: GPL-2.0
/* Instruction buffer, labels and fix-ups. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

void emit_init(struct emit *e, struct cgen_prog *prog)
{
	memset(e, 0, sizeof(*e));
	e->prog = prog;
}

void emit_release(struct emit *e)
{
	free(e->labels);
	free(e->label_refs);
	free(e->fixups);
	e->labels = NULL;
	e->label_refs = NULL;
	e->fixups = NULL;
}

/* Make room for one more element of size @sz in *@arr. */
static int reserve(struct emit *e, void *arrp, uint32_t n, uint32_t *cap, size_t sz)
{
	void **arr = arrp;
	uint32_t ncap;
	void *p;

	if (e->err)
		return e->err;
	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 256;
	p = realloc(*arr, (size_t)ncap * sz);
	if (!p)
		return e->err = -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

uint32_t emit_label(struct emit *e)
{
	uint32_t cap = e->cap_labels;

	if (reserve(e, &e->labels, e->n_labels, &e->cap_labels, sizeof(*e->labels)))
		return 0;
	if (cap != e->cap_labels) {
		uint32_t *p = realloc(e->label_refs, e->cap_labels * sizeof(*p));

		if (!p) {
			e->err = -ENOMEM;
			return 0;
		}
		e->label_refs = p;
	}
	e->labels[e->n_labels] = UINT32_MAX;
	e->label_refs[e->n_labels] = 0;
	return e->n_labels++;
}

void emit_bind(struct emit *e, uint32_t label)
{
	if (e->err || label >= e->n_labels)
		return;
	e->labels[label] = e->prog->n_insns;
	if (e->label_refs[label])
		e->dead = false;
}

static bool ends_flow(const struct bpf_insn *in)
{
	return in->code == (BPF_JMP | BPF_EXIT) || in->code == (BPF_JMP | BPF_JA) ||
	       in->code == (BPF_JMP32 | BPF_JA);
}

void emit(struct emit *e, struct bpf_insn insn)
{
	struct cgen_prog *p = e->prog;

	if (e->dead || reserve(e, &p->insns, p->n_insns, &p->cap_insns, sizeof(insn)))
		return;
	p->insns[p->n_insns++] = insn;
	e->dead = ends_flow(&insn);
}

static void fixup(struct emit *e, uint32_t label, bool call)
{
	if (e->dead || reserve(e, &e->fixups, e->n_fixups, &e->cap_fixups, sizeof(*e->fixups)))
		return;
	if (label < e->n_labels)
		e->label_refs[label]++;
	e->fixups[e->n_fixups++] = (struct emit_fixup){ e->prog->n_insns, label, call };
}

void emit_jmp_imm(struct emit *e, uint8_t op, bool w32, uint8_t reg, int32_t imm, uint32_t label)
{
	fixup(e, label, false);
	emit(e, INSN((w32 ? BPF_JMP32 : BPF_JMP) | op | BPF_K, reg, 0, 0, imm));
}

void emit_jmp_reg(struct emit *e, uint8_t op, uint8_t dst, uint8_t src, uint32_t label)
{
	fixup(e, label, false);
	emit(e, INSN(BPF_JMP | op | BPF_X, dst, src, 0, 0));
}

void emit_ja(struct emit *e, uint32_t label)
{
	fixup(e, label, false);
	emit(e, INSN(BPF_JMP | BPF_JA, 0, 0, 0, 0));
}

void emit_call(struct emit *e, uint32_t label)
{
	fixup(e, label, true);
	emit(e, INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
}

void emit_ld_imm64(struct emit *e, uint8_t reg, uint64_t v)
{
	emit(e, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, 0, 0, (uint32_t)v));
	emit(e, INSN(0, 0, 0, 0, (uint32_t)(v >> 32)));
}

void emit_ld_map(struct emit *e, uint8_t reg, uint32_t map)
{
	emit(e, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_FD, 0, (int32_t)map));
	emit(e, INSN(0, 0, 0, 0, 0));
}

void emit_ld_map_value(struct emit *e, uint8_t reg, uint32_t map, uint32_t off)
{
	emit(e, INSN(BPF_LD | BPF_DW | BPF_IMM, reg, BPF_PSEUDO_MAP_VALUE, 0, (int32_t)map));
	emit(e, INSN(0, 0, 0, 0, (int32_t)off));
}

int emit_finish(struct emit *e)
{
	if (e->err)
		return e->err;
	for (uint32_t i = 0; i < e->n_fixups; i++) {
		const struct emit_fixup *f = &e->fixups[i];
		struct bpf_insn *in = &e->prog->insns[f->insn];
		int64_t off;

		if (f->label >= e->n_labels || e->labels[f->label] == UINT32_MAX)
			return -EINVAL;
		off = (int64_t)e->labels[f->label] - (int64_t)f->insn - 1;
		if (f->call) {
			in->imm = (int32_t)off;
			continue;
		}
		if ((off < INT16_MIN || off > INT16_MAX) && in->code == (BPF_JMP | BPF_JA)) {
			/* too far for a 16-bit offset: the 32-bit "gotol" form */
			in->code = BPF_JMP32 | BPF_JA;
			in->imm = (int32_t)off;
			continue;
		}
		if (off < INT16_MIN || off > INT16_MAX)
			return -ERANGE;
		in->off = (int16_t)off;
	}
	return 0;
}
