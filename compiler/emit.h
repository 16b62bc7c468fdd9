/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The instruction buffer of one program, with labels: jumps and calls to
 * code not emitted yet name a label and are fixed up at the end.  Code that
 * no path reaches (after an exit or a goto, up to a label something jumps
 * to) is dropped as it is emitted, since the verifier refuses dead code.
 */
#ifndef BPFW_CGEN_EMIT_H
#define BPFW_CGEN_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfw/cgen.h"
#include "insn.h"

struct emit_fixup {
	uint32_t insn;		/* the jump or call instruction */
	uint32_t label;
	bool call;		/* BPF_PSEUDO_CALL: target goes into imm */
};

struct emit {
	struct cgen_prog *prog;
	int err;			/* first failure (sticky), 0 if none */
	bool dead;			/* no path reaches the next instruction: drop it */
	uint32_t *labels;		/* label -> instruction index, UINT32_MAX unbound */
	uint32_t *label_refs;		/* label -> jumps and calls to it so far */
	uint32_t n_labels, cap_labels;
	struct emit_fixup *fixups;
	uint32_t n_fixups, cap_fixups;
};

/* Start emitting into @prog. */
void emit_init(struct emit *e, struct cgen_prog *prog);

/* Free the labels and fix-ups (not the program). */
void emit_release(struct emit *e);

/* A new, unbound label. */
uint32_t emit_label(struct emit *e);

/* Bind @label to the next instruction. */
void emit_bind(struct emit *e, uint32_t label);

/* Append one instruction. */
void emit(struct emit *e, struct bpf_insn insn);

/* if (@reg OP @imm) goto @label; 32-bit compare when @w32. */
void emit_jmp_imm(struct emit *e, uint8_t op, bool w32, uint8_t reg, int32_t imm, uint32_t label);

/* if (@dst OP @src) goto @label (64-bit compare). */
void emit_jmp_reg(struct emit *e, uint8_t op, uint8_t dst, uint8_t src, uint32_t label);

/* goto @label */
void emit_ja(struct emit *e, uint32_t label);

/* Call the subprogram starting at @label. */
void emit_call(struct emit *e, uint32_t label);

/* @reg = 64-bit constant. */
void emit_ld_imm64(struct emit *e, uint8_t reg, uint64_t v);

/* @reg = the map at index @map of the compiler output (patched by the loader). */
void emit_ld_map(struct emit *e, uint8_t reg, uint32_t map);

/* @reg = the address of byte @off of the one value of array map @map (by index). */
void emit_ld_map_value(struct emit *e, uint8_t reg, uint32_t map, uint32_t off);

/* Resolve every fix-up; -ERANGE if a jump does not fit, -EINVAL if a label is unbound. */
int emit_finish(struct emit *e);

#endif /* BPFW_CGEN_EMIT_H */
