// SPDX-License-Identifier: GPL-2.0
/*
 * -m recent: lists of addresses with the times they were seen, in one LRU
 * hash kept across updates (struct cgen_recent_key: the list's name hashed
 * and the masked address), and the same decisions as xt_recent's
 * recent_mt(): --set adds or refreshes the address and matches, --remove
 * deletes it and matches if it was there, --rcheck and --update match if it
 * is there (with --seconds and --hitcount: seen that often that recently),
 * and --update then records this packet too.  A new entry is built in the
 * per-CPU scratch map, not on the stack.
 */
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

#define EN(f)		((int16_t)offsetof(struct cgen_recent_entry, f))
#define R_NOW		R7

uint32_t cgen_recent_name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h;
}

/* Record this packet in the entry at R0 (R_NOW: the time). */
static void record(struct cg *c)
{
	struct emit *e = &c->e;
	uint32_t in_range = emit_label(e), counted = emit_label(e);

	emit(e, LDX(BPF_W, R1, R0, EN(index)));
	emit_jmp_imm(e, BPF_JLT, false, R1, CGEN_RECENT_STAMPS, in_range);
	emit(e, MOV64_IMM(R1, 0));
	emit_bind(e, in_range);
	emit(e, MOV64_REG(R2, R1));
	emit(e, ALU64_IMM(BPF_LSH, R2, 3));
	emit(e, MOV64_REG(R3, R0));
	emit(e, ALU64_REG(BPF_ADD, R3, R2));
	emit(e, STX(BPF_DW, R3, R_NOW, EN(stamps)));
	emit(e, ALU64_IMM(BPF_ADD, R1, 1));
	emit(e, STX(BPF_W, R0, R1, EN(index)));
	emit(e, LDX(BPF_W, R2, R0, EN(nstamps)));
	emit_jmp_reg(e, BPF_JGE, R2, R1, counted);
	emit(e, STX(BPF_W, R0, R1, EN(nstamps)));
	emit_bind(e, counted);
	emit(e, LDX(BPF_B, R1, R_PKT, PI(ttl)));
	emit(e, STX(BPF_W, R0, R1, EN(ttl)));
}

/* A new entry for the key at match_key2, seen now; the scratch value builds it. */
static void create(struct cg *c, uint32_t done)
{
	struct emit *e = &c->e;
	int16_t zero = c->match_key2 + (int16_t)sizeof(struct cgen_recent_key);

	emit(e, ST(BPF_W, R_FP, zero, 0));
	cg_emit_lookup(c, c->scratch_map, zero);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, done);
	emit(e, MOV64_IMM(R1, 0));
	for (int16_t off = 0; off < (int16_t)sizeof(struct cgen_recent_entry); off += 8)
		emit(e, STX(BPF_DW, R0, R1, off));
	emit(e, STX(BPF_DW, R0, R_NOW, EN(stamps)));
	emit(e, ST(BPF_W, R0, EN(nstamps), 1));
	emit(e, ST(BPF_W, R0, EN(index), 1));
	emit(e, LDX(BPF_B, R1, R_PKT, PI(ttl)));
	emit(e, STX(BPF_W, R0, R1, EN(ttl)));
	emit_ld_map(e, R1, (uint32_t)c->recent_map);
	emit(e, MOV64_REG(R2, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R2, c->match_key2));
	emit(e, MOV64_REG(R3, R0));
	emit(e, MOV64_IMM(R4, BPF_ANY));
	emit(e, CALL_HELPER(BPF_FUNC_map_update_elem));
}

/*
 * The packet's key at match_key2 (24 bytes with match_key): the list and the
 * masked address, an IPv4 one in its IPv6-mapped form.
 */
static void emit_key(struct cg *c, const struct ir_match_recent *rc)
{
	struct emit *e = &c->e;
	int16_t key = c->match_key2 + (int16_t)offsetof(struct cgen_recent_key, addr);

	emit(e, ST(BPF_W, R_FP, c->match_key2, (int32_t)cgen_recent_name_hash(rc->name)));
	if (c->fam == IR_FAMILY_IPV6) {
		int16_t field = rc->dest ? PI(daddr6) : PI(saddr6);
		uint32_t mask[4];

		memcpy(mask, &rc->mask6, sizeof(mask));
		for (int16_t w = 0; w < 4; w++) {
			emit(e, LDX(BPF_W, R1, R_PKT, field + 4 * w));
			emit(e, ALU32_IMM(BPF_AND, R1, (int32_t)mask[w]));
			emit(e, STX(BPF_W, R_FP, R1, key + 4 * w));
		}
		return;
	}
	emit(e, ST(BPF_W, R_FP, key, 0));
	emit(e, ST(BPF_W, R_FP, key + 4, 0));
	emit(e, ST(BPF_W, R_FP, key + 8, (int32_t)htonl(0xffff)));
	emit(e, LDX(BPF_W, R1, R_PKT, rc->dest ? PI(daddr) : PI(saddr)));
	emit(e, ALU32_IMM(BPF_AND, R1, (int32_t)rc->mask.s_addr));
	emit(e, STX(BPF_W, R_FP, R1, key + 12));
}

/* To @yes if the entry at R0 was seen --hitcount times in the last --seconds, else @no. */
static void recent_enough(struct cg *c, const struct ir_match_recent *rc, uint32_t yes, uint32_t no)
{
	struct emit *e = &c->e;

	emit(e, MOV64_REG(R2, R_NOW));
	if (rc->seconds) {
		emit_ld_imm64(e, R3, (uint64_t)rc->seconds * 1000000000ull);
		emit(e, ALU64_REG(BPF_SUB, R2, R3));
	}
	emit(e, MOV64_IMM(R3, 0));				/* hits */
	emit(e, LDX(BPF_W, R4, R0, EN(nstamps)));
	for (int i = 0; i < CGEN_RECENT_STAMPS; i++) {
		uint32_t next = emit_label(e);

		emit_jmp_imm(e, BPF_JLE, false, R4, i, no);
		if (rc->seconds) {
			emit(e, LDX(BPF_DW, R5, R0, EN(stamps) + 8 * i));
			emit_jmp_reg(e, BPF_JLT, R5, R2, next);	/* older than the window */
		}
		emit(e, ALU64_IMM(BPF_ADD, R3, 1));
		emit_jmp_imm(e, BPF_JGE, false, R3, (int32_t)(rc->hitcount ? rc->hitcount : 1),
			     yes);
		emit_bind(e, next);
	}
	emit_ja(e, no);
}

void cg_emit_recent(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	const struct ir_match_recent *rc = m->recent;
	struct emit *e = &c->e;
	uint32_t skip = emit_label(e), found = emit_label(e), missing = emit_label(e);
	uint32_t yes = emit_label(e), no = emit_label(e), matched = emit_label(e);
	uint32_t failed = emit_label(e);
	bool set = rc->check_set & IR_RECENT_SET, update = rc->check_set & IR_RECENT_UPDATE;

	/* only when the rule's earlier matches matched */
	emit_jmp_imm(e, BPF_JNE, false, miss, 0, skip);
	emit(e, CALL_HELPER(BPF_FUNC_ktime_get_ns));
	emit(e, MOV64_REG(R_NOW, R0));
	emit_key(c, rc);
	cg_emit_lookup(c, c->recent_map, c->match_key2);
	emit_jmp_imm(e, BPF_JNE, false, R0, 0, found);
	emit_bind(e, missing);
	if (set) {
		create(c, rc->invert ? failed : matched);
		emit_ja(e, rc->invert ? failed : matched);
	} else {
		emit_ja(e, rc->invert ? matched : failed);
	}

	emit_bind(e, found);
	if (rc->check_set & IR_RECENT_TTL) {
		uint32_t same = emit_label(e);

		/* as xt_recent: a TTL of 0, the packet's or the entry's, is any TTL */
		emit(e, LDX(BPF_W, R1, R0, EN(ttl)));
		emit(e, LDX(BPF_B, R2, R_PKT, PI(ttl)));
		emit_jmp_imm(e, BPF_JEQ, false, R1, 0, same);
		emit_jmp_imm(e, BPF_JEQ, false, R2, 0, same);
		emit_jmp_reg(e, BPF_JNE, R1, R2, missing);
		emit_bind(e, same);
	}
	if (rc->check_set & IR_RECENT_REMOVE) {
		emit_ld_map(e, R1, (uint32_t)c->recent_map);
		emit(e, MOV64_REG(R2, R_FP));
		emit(e, ALU64_IMM(BPF_ADD, R2, c->match_key2));
		emit(e, CALL_HELPER(BPF_FUNC_map_delete_elem));
		emit_ja(e, rc->invert ? failed : matched);
	} else if (!set && (rc->seconds || rc->hitcount)) {
		recent_enough(c, rc, yes, no);
	} else {
		emit_ja(e, yes);
	}
	/* found, and recent enough: ret = !invert; --set and a matching --update record it */
	emit_bind(e, yes);
	if (set || (update && !rc->invert))
		record(c);
	emit_ja(e, rc->invert ? failed : matched);
	emit_bind(e, no);
	if (update && rc->invert)
		record(c);
	emit_ja(e, rc->invert ? matched : failed);

	emit_bind(e, failed);
	emit(e, MOV64_IMM(R1, 1));
	emit(e, ALU64_REG(BPF_OR, miss, R1));
	emit_bind(e, matched);
	emit_bind(e, skip);
}
