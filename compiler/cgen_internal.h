/* SPDX-License-Identifier: GPL-2.0 */
/* What the compiler's files share: registers, verdict codes, per-program state. */
#ifndef BPFW_CGEN_INTERNAL_H
#define BPFW_CGEN_INTERNAL_H

#include "bpfw/cgen.h"
#include "emit.h"
#include "pktinfo.h"

/* Register convention of every emitted program. */
enum {
	R0, R1, R2, R3, R4, R5,
	R_CTX = 6,	/* the skb, or the XDP frame */
	R7, R8,
	R_PKT = 9,	/* pointer to the packet-info block */
	R_FP = 10,
};

/* What a user chain (a subprogram) returns. */
enum cg_code {
	CG_CONTINUE,	/* RETURN or the end of the chain: go on in the caller */
	CG_ACCEPT,
	CG_DROP,
	CG_RETURN,	/* from a chunk: the chain it is part of returns */
};

#define CG_MAX_INSNS	1000000	/* BPF_COMPLEXITY_LIMIT_INSNS: a program's length, and the verifier's steps */
#define CG_MAX_MAPS	64	/* maps one program may use (the loader binds all to each) */
#define CG_CLS_MAPS	5	/* maps of one classified run */
#define CG_MAX_FRAMES	8	/* BPF call frames: the program and its nested calls */
#define CG_MAX_SUBPROGS	250	/* of the kernel's 256, with room for the main program */
#define CG_CHUNK_RULES	64	/* linear rules in one chunk subprogram, at least (chunk.c) */

/* What the connection table knows of a packet (pktinfo.ctdir). */
enum cg_ctdir {
	CG_CTDIR_NONE,		/* no connection: one is added if the packet is accepted */
	CG_CTDIR_ORIGINAL,	/* the direction of the connection's first packet */
	CG_CTDIR_REPLY,
	CG_CTDIR_UNTRACKED,	/* RELATED, INVALID, or ICMP that is not tracked: nothing to do */
};

/* Fixed-size data of every match of one kind, in one array map (blobs.c). */
struct cg_blobs {
	uint32_t size;			/* bytes per match */
	void (*fill)(const struct ir_match *m, uint8_t *blob);	/* initial contents, or NULL */
	int map;			/* map index, -1 if no match has a blob */
	const struct ir_match **of;	/* the match of each blob */
	unsigned int n;
	void *values;			/* the map's initial value (owned by the output) */
};

/*
 * One table's rules in a program that carries several: the IPv4 and the
 * IPv6 filter table in each TC program, the running and the new raw table
 * in the XDP program.  Each has its own user chains and chunks.
 */
struct cg_half {
	const struct ir_table *t;	/* NULL: the half enforces nothing */
	enum ir_family fam;
	uint32_t *chain_label;		/* per chain of @t: its subprogram, UINT32_MAX if unused */
	bool *chunked;			/* per chain of @t: emitted as chunks (chunk.c) */
	unsigned int chunk_rules;
};

/* Rules @start .. @end - 1 of @ch, emitted as one subprogram at @label. */
struct cg_chunk {
	const struct cg_half *half;	/* whose chain it is */
	const struct ir_chain *ch;
	unsigned int start, end;
	uint32_t label;
};

/* An anonymous set or verdict map of the rule set: its number and the map it is in. */
struct cg_lookup {
	const struct ir_match *m;
	uint32_t id;
	bool trie;		/* in the LPM trie (it has ranges), else in the hash map */
};

/* The state of one program being compiled. */
struct cg {
	struct emit e;
	const struct cg_half *half;	/* the half being emitted; its fields are copied below */
	enum ir_family fam;
	const struct ir_table *t;
	const struct cgen_opts *opts;
	enum cgen_prog_kind kind;
	int counters_map;		/* map index */
	int ifnames_map;		/* map index, -1 if no rule names an interface */
	int gen_map;			/* map index of the generation switch */
	int ct_map;			/* map index of the connection table, -1 if no rule asks */
	int log_map;			/* map index of the log ring, -1 if no rule logs */
	int addrtype_map;		/* map index of the local addresses' types, -1 if unused */
	int scratch_map;		/* map index of REJECT's per-CPU scratch, -1 if unused */
	int recent_map;			/* map index of -m recent's lists, -1 if unused */
	int set_map;			/* map index of the first set's map (the others follow), -1 */
	const struct ir_set *sets;	/* the rule set's sets, in the order of their maps */
	unsigned int n_sets;
	unsigned int bound_only;	/* set maps no rule refers to: bound, not in the 64 */
	int16_t match_key;		/* the stack slot a match may use for a lookup key (8 bytes) */
	int16_t match_key2;		/* and a second one */
	struct cg_lookup *lookups;	/* every lookup match, by address (lookup.c) */
	unsigned int n_lookups;
	int lookup_map[2];		/* map index of the lookups' hash map and trie, or -1 */
	struct cg_blobs ports;		/* the multiport bitmaps (ports.c) */
	struct cg_blobs limits;		/* the rate limiters' states (limit.c) */
	uint32_t ct_accept;		/* the main function's accept-and-track block, or UINT32_MAX */
	uint32_t accept_next;		/* ACCEPT in the main function jumps here, if not UINT32_MAX */
	uint32_t *chain_label;		/* per chain of @t: its subprogram, UINT32_MAX if unused */
	uint32_t count_exit;		/* this function's count-and-return block, or UINT32_MAX */
	bool *chunked;			/* per chain of @t: emitted as chunks (chunk.c) */
	bool in_chunk;			/* emitting a chunk's body: RETURN is CG_RETURN */
	struct cg_chunk *chunks;	/* every chunk called so far, emitted or not */
	unsigned int n_chunks, cap_chunks, chunks_done;
	unsigned int chunk_rules;	/* linear rules per chunk */
	struct cgen_output *out;	/* where folded runs add their maps */
};

/*
 * Length of the run of rules from @start that bit-vector classification
 * decides (addresses, protocol, ports, ACCEPT or DROP; at least 32); 0 if none.
 */
unsigned int cg_classify_run(const struct ir_chain *ch, unsigned int start);

/*
 * Emit the classification of rules @start .. @start + @n - 1 of @ch, in the
 * main program or (@sub) a subprogram of a chain that calls no other.
 */
void cg_emit_classify(struct cg *c, const struct ir_chain *ch, unsigned int start,
		      unsigned int n, bool sub);

/* Whether @ch jumps to no other chain (so its frames are the last of a call path). */
bool cg_chain_is_leaf(const struct ir_chain *ch);

/* Decide which chains of c->t are emitted as chunks; 0 or -ENOMEM. */
int cg_chunk_plan(struct cg *c);

/* Whether chain @ch is emitted as chunks. */
bool cg_chain_chunked(const struct cg *c, const struct ir_chain *ch);

/* Queue a chunk of rules @start .. @end - 1 of @ch; the label to call it at. */
uint32_t cg_chunk_add(struct cg *c, const struct ir_chain *ch, unsigned int start,
		      unsigned int end);

/* Where the chunk of @ch that starts at rule @start ends. */
unsigned int cg_chunk_end(const struct cg *c, const struct ir_chain *ch, unsigned int start);

/* Index of chain @name in @t, or -1. */
int cg_chain_index(const struct ir_table *t, const char *name);

/*
 * The base chains of @hook in the @n halves (one family's), by priority:
 * each one's rules and policy, an ACCEPT going on to the next; none accepts.
 */
void cg_emit_hook(struct cg *c, const struct cg_half *halves, unsigned int n, enum ir_hook hook);

/* The ingress program: INPUT for this host, FORWARD for routed packets, per family half. */
void cg_emit_ingress(struct cg *c, const struct cg_half *halves, unsigned int n);

/* The egress program: OUTPUT, for what this host sends (not what it forwards). */
void cg_emit_egress(struct cg *c, const struct cg_half *halves, unsigned int n);

/*
 * Read the packet of the current family (c->fam) into the packet-info
 * block, after cg_emit_generation_read(): to @other if it is not of that
 * family, to @accept if it is malformed.  TC and XDP alike.
 */
void cg_emit_prologue(struct cg *c, uint32_t other, uint32_t accept);

/* The IPv6 header and extension headers, with R2 = data, R3 = data_end checked for 40 bytes. */
void cg_emit_parse_ip6(struct cg *c, uint32_t accept, uint32_t l4_done);

/* The transport header at R4 + l2 (R3: data_end): ports, flags, ICMP type and code. */
void cg_emit_parse_l4(struct cg *c, uint32_t done);

/*
 * Set the byte at @field of the block to @value as a value the verifier
 * does not know (the opaque zero plus @value), using register @tmp.
 */
void cg_emit_set_flag(struct cg *c, int16_t field, uint8_t value, uint8_t tmp);

/* if (@base + @off > data_end (R3)) goto @fail; clobbers R5. */
void cg_emit_need(struct cg *c, uint8_t base, int32_t off, uint32_t fail);

/*
 * The XDP program: per family, the running raw PREROUTING (c->opts'
 * xdp_prev, xdp_prev6) while the generation map holds less than this
 * program's generation, @rs's raw tables' from then on.
 */
void cg_emit_xdp(struct cg *c, const struct ir_ruleset *rs);

/* The function's shared count-and-return block (emit_count_return()), if used. */
void cg_emit_count_exit(struct cg *c, bool sub);

/* Set up @h for table @t (NULL: nothing) of @fam: labels and chunk plan; 0 or -ENOMEM. */
int cg_half_init(struct cg *c, struct cg_half *h, const struct ir_table *t, enum ir_family fam);

/* Make @h the half the emitters work on. */
void cg_half_enter(struct cg *c, const struct cg_half *h);

/* Free what cg_half_init() allocated. */
void cg_half_release(struct cg_half *h);

/*
 * Every user chain the program's @n halves call, each once, and their
 * chunks, until no new one is reached.
 */
void cg_emit_subprograms(struct cg *c, const struct cg_half *halves, unsigned int n);

/* A blob for every match of @kind in @tables, in map "bpfw_@name"; @b's size and fill set. */
int cg_blobs_plan(struct cg *c, struct cg_blobs *b, enum ir_match_kind kind, const char *name,
		  const struct ir_table *const *tables, unsigned int n, struct bpfw_err *err);

/* Byte offset of @m's blob in the map's value; -EINVAL if it has none. */
int cg_blobs_offset(const struct cg_blobs *b, const struct ir_match *m, uint32_t *off);

/* Free what planning allocated (not the map, which the output owns). */
void cg_blobs_free(struct cg_blobs *b);

/* Bitmaps for the multiport matches of @tables (ports.c). */
int cg_ports_plan(struct cg *c, const struct ir_table *const *tables, unsigned int n,
		  struct bpfw_err *err);

/* Token buckets for the limit matches of @tables (limit.c). */
int cg_limit_plan(struct cg *c, const struct ir_table *const *tables, unsigned int n,
		  struct bpfw_err *err);

/* Emit the test of limit match @m: OR a mismatch into register @miss. */
void cg_emit_limit(struct cg *c, const struct ir_match *m, uint8_t miss);

/* Emit the test of multiport match @m: OR a mismatch into register @miss. */
void cg_emit_multiport(struct cg *c, const struct ir_match *m, uint8_t miss);

/* Emit the test of addrtype match @m: OR a mismatch into register @miss. */
void cg_emit_addrtype(struct cg *c, const struct ir_match *m, uint8_t miss);

/* Emit the test of a mac, mark, pkttype or owner match @m: OR a mismatch into @miss (R0..R5). */
void cg_emit_meta(struct cg *c, const struct ir_match *m, uint8_t miss);

/* Refuse what mac, mark, pkttype and owner cannot do: skb matches at XDP, --gid-owner. */
int cg_meta_check(const struct ir_ruleset *rs, struct bpfw_err *err);

/* Emit the test of recent match @m: OR a mismatch into register @miss (uses R0..R5, R7). */
void cg_emit_recent(struct cg *c, const struct ir_match *m, uint8_t miss);

/* A map for every set of @rs; refuses -m set naming a missing set or one of another family. */
int cg_sets_plan(struct cg *c, const struct ir_ruleset *rs, struct bpfw_err *err);

/* Emit the test of set match @m: OR a mismatch into register @miss (uses R0..R5, R7). */
void cg_emit_set(struct cg *c, const struct ir_match *m, uint8_t miss);

/* Number every anonymous set and verdict map of @rs and fill the two maps that hold them. */
int cg_lookups_plan(struct cg *c, const struct ir_ruleset *rs, struct bpfw_err *err);

/* Free what cg_lookups_plan() allocated (not the maps, which the output owns). */
void cg_lookups_free(struct cg *c);

/* Emit the test of anonymous set @m: OR a mismatch into register @miss (uses R0..R5). */
void cg_emit_lookup_match(struct cg *c, const struct ir_match *m, uint8_t miss);

/* Look verdict map rule @r's key up: its verdict's index into @reg, to @absent if none. */
void cg_emit_vmap_find(struct cg *c, const struct ir_rule *r, uint8_t reg, uint32_t absent);

/* Whether @r has an anonymous set or verdict map keyed by @key. */
bool cg_rule_uses_lookup_key(const struct ir_rule *r, enum ir_key key);

/* Answer the packet for -j REJECT rule @r (uses R0..R5, R7, R8; @key: a stack slot). */
void cg_emit_reject(struct cg *c, const struct ir_rule *r, int16_t key);

/* Send the packet to the log ring for -j LOG rule @r (uses R1..R5, R7). */
void cg_emit_log(struct cg *c, const struct ir_rule *r);

/* Whether a rule matches on connection tracking state. */
bool cg_rule_uses_ct(const struct ir_rule *r);

/* Look the packet up in the connection table: pktinfo.ctstate and .ctdir (TC only). */
void cg_emit_ct_state(struct cg *c);

/* The block accepted packets end in when states are tracked: it updates the table. */
void cg_emit_ct_accept(struct cg *c);

/* Return "let it pass" from a hook without a verdict of the rules (not tracked). */
void cg_emit_pass(struct cg *c);

/* Append a map description to @out; its index, or -ENOMEM. */
int cg_add_map(struct cgen_output *out, const struct cgen_map *m);

/* R0 = lookup of the key at r10 + @key in map @map (NULL if absent); clobbers R1..R5. */
void cg_emit_lookup(struct cg *c, int map, int16_t key);

/* Count one packet in the counter slot held in register @reg (R1..R5 are clobbered). */
void cg_emit_count_reg(struct cg *c, uint8_t reg, int16_t key);

/* What a folded or classified run's last lookup answers: the rule that matched. */
struct cg_rule_value {
	uint32_t slot;		/* its counter slot */
	uint32_t verdict;	/* enum cg_code: CG_ACCEPT or CG_DROP */
};

/* The value that names rule @r (ACCEPT or DROP) in a run's map. */
struct cg_rule_value cg_rule_value_of(const struct ir_rule *r);

/* R0 points at a struct cg_rule_value: count its slot and return its verdict. */
void cg_emit_rule_value(struct cg *c, bool sub);

/* Return a verdict: a TC action from a hook, a cg_code from a user chain. */
void cg_emit_return(struct cg *c, bool sub, enum cg_code code);

/*
 * Length of the run of rules from @start that one map lookup can decide
 * (same shape, exact values or one prefix, ACCEPT or DROP; addresses of
 * @fam); 0 if none.
 */
unsigned int cg_fold_run(const struct ir_chain *ch, unsigned int start, enum ir_family fam);

/* Emit one lookup deciding rules @start .. @start + @n - 1 of @ch. */
void cg_emit_fold(struct cg *c, const struct ir_chain *ch, unsigned int start, unsigned int n,
		  bool sub);

/* Emit the tests of @r; control goes to @fail when the packet does not match. */
void cg_emit_matches(struct cg *c, const struct ir_rule *r, uint32_t fail);

/* Whether a rule names an input or output interface. */
bool cg_rule_uses_ifnames(const struct ir_rule *r);

/*
 * Keep the context in R_CTX, the generation map's value at STK_GEN and an
 * opaque zero at STK_ZERO; to @none if the map has no entry.
 */
void cg_emit_generation_read(struct cg *c, uint32_t none);

/* Copy the name of the interface whose index is in @reg into the block at @field. */
void cg_emit_ifname(struct cg *c, uint8_t reg, int16_t field);

#endif /* BPFW_CGEN_INTERNAL_H */
