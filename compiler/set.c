// SPDX-License-Identifier: GPL-2.0
/*
 * -m set --match-set: one lookup in the set's own map.  Every set of the
 * rule set has a map (used by a rule or not), kept across updates like the
 * connection table, named for the set's id so that the loader finds the
 * running one; `ipset add` and `ipset del` write it directly.  hash:ip is a
 * hash keyed by the address, hash:net an LPM trie, hash:ip,port a hash of
 * the address, the protocol and the port.  An element's value is its
 * expiry time; one past it counts as absent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/bpf.h>

#include "cgen_internal.h"

#define R_EXPIRES	R7

/* Bytes of an address of @fam. */
static uint32_t addr_len(enum ir_family fam)
{
	return fam == IR_FAMILY_IPV6 ? 16 : 4;
}

void cgen_set_map(const struct ir_set *s, struct cgen_map *m)
{
	uint32_t alen = addr_len(s->family);

	memset(m, 0, sizeof(*m));
	m->role = CGEN_MAP_SET;
	snprintf(m->name, sizeof(m->name), "%s%u", CGEN_MAP_NAME_SET, s->id);
	m->value_size = sizeof(struct cgen_set_val);
	m->max_entries = s->maxelem ? s->maxelem : 1;
	m->flags = BPF_F_NO_PREALLOC;	/* memory as elements come, as ipset's hashes */
	switch (s->type) {
	case IR_SET_HASH_NET:
		m->type = BPF_MAP_TYPE_LPM_TRIE;
		m->key_size = offsetof(struct cgen_set_net_key, addr) + alen;
		break;
	case IR_SET_HASH_IP_PORT:
		m->type = BPF_MAP_TYPE_HASH;
		m->key_size = alen + sizeof(struct cgen_set_port_key);
		break;
	case IR_SET_HASH_IP:
	default:
		m->type = BPF_MAP_TYPE_HASH;
		m->key_size = alen;
		break;
	}
}

/* Dimensions of a set type: how many of --match-set's flags it reads. */
static unsigned int set_dim(enum ir_set_type type)
{
	return type == IR_SET_HASH_IP_PORT ? 2 : 1;
}

struct check {
	const struct ir_ruleset *rs;
	enum ir_family fam;
	struct bpfw_err *err;
	bool *used;		/* per set: a rule refers to it */
};

/* Every set @r names exists and is of the rule's family; -ENOENT or -EINVAL. */
static int check_rule(const struct ir_rule *r, void *arg)
{
	const struct check *ck = arg;

	/* an inet table's rule for the other family is never compiled here */
	if (r->nfproto && r->nfproto != (ck->fam == IR_FAMILY_IPV6 ? 6 : 4))
		return 0;
	for (unsigned int n = 0; n < r->n_matches; n++) {
		const char *name = r->matches[n].set.name;
		const struct ir_set *s;

		if (r->matches[n].kind != IR_MATCH_SET)
			continue;
		s = ir_set_find(ck->rs, name);
		if (!s)
			return bpfw_errf(ck->err, BPFW_EXIT_PARAMETER, ENOENT,
					 "Set %s doesn't exist.", name);
		if (s->family != ck->fam)
			return bpfw_errf(ck->err, BPFW_EXIT_PARAMETER, EINVAL,
					 "The protocol family of set %s is %s, which is not "
					 "applicable.", name,
					 s->family == IR_FAMILY_IPV6 ? "IPv6" : "IPv4");
		ck->used[s - ck->rs->sets] = true;
	}
	return 0;
}

/*
 * What the frontend refuses, refused again (a state text does not pass
 * through it); which sets the rules refer to, in @used.
 */
static int check_rules(const struct ir_ruleset *rs, bool *used, struct bpfw_err *err)
{
	int ret = 0;

	for (int f = 0; f < IR_FAMILY_MAX && !ret; f++) {
		struct check ck = { rs, f, err, used };

		ret = ir_ruleset_for_each_rule(rs, f, check_rule, &ck);
	}
	return ret;
}

int cg_sets_plan(struct cg *c, const struct ir_ruleset *rs, struct bpfw_err *err)
{
	bool *used = calloc(rs->n_sets ? rs->n_sets : 1, sizeof(*used));
	int ret;

	c->sets = rs->sets;
	c->n_sets = rs->n_sets;
	c->set_map = -1;
	c->bound_only = 0;
	if (!used)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = check_rules(rs, used, err);
	for (unsigned int i = 0; i < rs->n_sets && !ret; i++) {
		struct cgen_map m;
		int idx;

		cgen_set_map(&rs->sets[i], &m);
		idx = cg_add_map(c->out, &m);
		if (idx < 0)
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		if (!i)
			c->set_map = idx;
		/* the verifier's 64 maps are those the code refers to; binding has no limit */
		c->bound_only += !used[i];
	}
	free(used);
	return ret;
}

/*
 * The key of @s for the packet at c->match_key2 (up to 20 bytes: the key
 * slot and the one after it): the address of the first direction, and
 * hash:ip,port's protocol and port (ICMP: type and code) of the second.
 */
static void emit_key(struct cg *c, const struct ir_set *s, const struct ir_match_set *ms,
		     uint32_t absent)
{
	struct emit *e = &c->e;
	bool v6 = c->fam == IR_FAMILY_IPV6;
	int16_t key = c->match_key2, at = key, alen = v6 ? 16 : 4;
	uint32_t icmp = emit_label(e), port_done = emit_label(e);

	if (s->type == IR_SET_HASH_NET) {
		emit(e, ST(BPF_W, R_FP, key, v6 ? 128 : 32));
		at = key + (int16_t)offsetof(struct cgen_set_net_key, addr);
	}
	if (v6) {
		int16_t field = (ms->src & 1) ? PI(saddr6) : PI(daddr6);

		for (int16_t w = 0; w < 4; w++) {
			emit(e, LDX(BPF_W, R1, R_PKT, field + 4 * w));
			emit(e, STX(BPF_W, R_FP, R1, at + 4 * w));
		}
	} else {
		emit(e, LDX(BPF_W, R1, R_PKT, (ms->src & 1) ? PI(saddr) : PI(daddr)));
		emit(e, STX(BPF_W, R_FP, R1, at));
	}
	if (s->type != IR_SET_HASH_IP_PORT)
		return;
	/* as ipset: a later fragment has no port and matches no element */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(frag)));
	emit_jmp_imm(e, BPF_JNE, false, R1, 0, absent);
	emit(e, LDX(BPF_B, R2, R_PKT, PI(proto)));
	emit(e, STX(BPF_H, R_FP, R2, key + alen));	/* proto and the pad byte */
	emit_jmp_imm(e, BPF_JEQ, false, R2, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, icmp);
	emit(e, LDX(BPF_H, R3, R_PKT, (ms->src & 2) ? PI(sport) : PI(dport)));
	emit_ja(e, port_done);
	emit_bind(e, icmp);
	emit(e, LDX(BPF_B, R3, R_PKT, PI(icmp_type)));
	emit(e, ALU64_IMM(BPF_LSH, R3, 8));
	emit(e, LDX(BPF_B, R4, R_PKT, PI(icmp_code)));
	emit(e, ALU64_REG(BPF_OR, R3, R4));
	emit_bind(e, port_done);
	emit(e, ENDIAN_BE(R3, 16));
	emit(e, STX(BPF_H, R_FP, R3,
		    key + alen + (int16_t)offsetof(struct cgen_set_port_key, port)));
}

void cg_emit_set(struct cg *c, const struct ir_match *m, uint8_t miss)
{
	const struct ir_match_set *ms = &m->set;
	const struct ir_set *s = NULL;
	struct emit *e = &c->e;
	uint32_t skip = emit_label(e), absent = emit_label(e), found = emit_label(e);
	unsigned int i;

	for (i = 0; i < c->n_sets && !s; i++)
		if (!strcmp(c->sets[i].name, ms->name))
			s = &c->sets[i];
	if (!s || c->set_map < 0 || s->family != c->fam) {
		e->err = e->err ?: -EINVAL;	/* cg_sets_plan() refused it */
		return;
	}
	/* fewer directions than the set has dimensions: never an element (ip_set_test()) */
	if (ms->dim < set_dim(s->type)) {
		if (!ms->invert) {
			emit(e, MOV64_IMM(R1, 1));
			emit(e, ALU64_REG(BPF_OR, miss, R1));
		}
		return;
	}
	emit_jmp_imm(e, BPF_JNE, false, miss, 0, skip);
	emit_key(c, s, ms, absent);
	cg_emit_lookup(c, c->set_map + (int)(i - 1), c->match_key2);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, absent);
	if (s->type == IR_SET_HASH_NET) {
		/* the longest prefix is an exception: not a member, as ipset's nomatch */
		emit(e, LDX(BPF_W, R1, R0, offsetof(struct cgen_set_val, flags)));
		emit_jmp_imm(e, BPF_JSET, false, R1, CGEN_SET_NOMATCH, absent);
	}
	if (s->with_timeout) {
		emit(e, LDX(BPF_DW, R_EXPIRES, R0, offsetof(struct cgen_set_val, expires)));
		emit_jmp_imm(e, BPF_JEQ, false, R_EXPIRES, 0, found);
		emit(e, CALL_HELPER(BPF_FUNC_ktime_get_ns));
		emit_jmp_reg(e, BPF_JGE, R0, R_EXPIRES, absent);
	}
	emit_bind(e, found);
	if (ms->invert) {
		emit(e, MOV64_IMM(R1, 1));
		emit(e, ALU64_REG(BPF_OR, miss, R1));
	}
	emit_ja(e, skip);
	emit_bind(e, absent);
	if (!ms->invert) {
		emit(e, MOV64_IMM(R1, 1));
		emit(e, ALU64_REG(BPF_OR, miss, R1));
	}
	emit_bind(e, skip);
}
