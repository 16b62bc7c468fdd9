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

/* Whether @fn holds for a -m set match of any rule of @t; the first such match in *@out. */
static bool find_set_match(const struct ir_table *t, const struct ir_match **out)
{
	for (unsigned int i = 0; t && i < t->n_chains; i++)
		for (unsigned int j = 0; j < t->chains[i]->n_rules; j++) {
			const struct ir_match *m = ir_rule_find_match(t->chains[i]->rules[j],
								      IR_MATCH_SET);

			if (m) {
				*out = m;
				return true;
			}
		}
	return false;
}

/* Every set named by an IPv4 rule exists and is of family inet; no IPv6 rule names one. */
static int check_rules(const struct ir_ruleset *rs, struct bpfw_err *err)
{
	for (int i = 0; i < IR_TABLE_MAX; i++) {
		const struct ir_table *t4 = rs->tables[IR_FAMILY_IPV4][i];
		const struct ir_match *m;

		if (find_set_match(rs->tables[IR_FAMILY_IPV6][i], &m))
			return bpfw_errf(err, BPFW_EXIT_OTHER, EOPNOTSUPP,
					 "ip6tables -m set (set %s) cannot be compiled yet: bpfw "
					 "matches sets in IPv4 rules only", m->set.name);
		for (unsigned int k = 0; t4 && k < t4->n_chains; k++)
			for (unsigned int j = 0; j < t4->chains[k]->n_rules; j++) {
				const struct ir_rule *r = t4->chains[k]->rules[j];

				for (unsigned int n = 0; n < r->n_matches; n++) {
					const struct ir_set *s;

					if (r->matches[n].kind != IR_MATCH_SET)
						continue;
					s = ir_set_find(rs, r->matches[n].set.name);
					if (!s)
						return bpfw_errf(err, BPFW_EXIT_PARAMETER, ENOENT,
								 "Set %s doesn't exist.",
								 r->matches[n].set.name);
					if (s->family != IR_FAMILY_IPV4)
						return bpfw_errf(err, BPFW_EXIT_OTHER, EOPNOTSUPP,
								 "Set %s is of family inet6: bpfw "
								 "matches IPv6 sets in rules only "
								 "once it compiles IPv6", s->name);
				}
			}
	}
	return 0;
}

int cg_sets_plan(struct cg *c, const struct ir_ruleset *rs, struct bpfw_err *err)
{
	int ret = check_rules(rs, err);

	c->sets = rs->sets;
	c->n_sets = rs->n_sets;
	c->set_map = -1;
	if (ret)
		return ret;
	for (unsigned int i = 0; i < rs->n_sets; i++) {
		struct cgen_map m;
		int idx;

		cgen_set_map(&rs->sets[i], &m);
		idx = cg_add_map(c->out, &m);
		if (idx < 0)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		if (!i)
			c->set_map = idx;
	}
	return 0;
}

/* The IPv4 key of @s for the packet at c->match_key2: address, and protocol and port. */
static void emit_key4(struct cg *c, const struct ir_set *s, const struct ir_match_set *ms,
		      uint32_t absent)
{
	struct emit *e = &c->e;
	int16_t key = c->match_key2, at = key;
	uint32_t icmp = emit_label(e), port_done = emit_label(e);

	if (s->type == IR_SET_HASH_NET) {
		emit(e, ST(BPF_W, R_FP, key, 32));
		at = key + (int16_t)offsetof(struct cgen_set_net_key, addr);
	}
	emit(e, LDX(BPF_W, R1, R_PKT, (ms->src & 1) ? PI(saddr) : PI(daddr)));
	emit(e, STX(BPF_W, R_FP, R1, at));
	if (s->type != IR_SET_HASH_IP_PORT)
		return;
	/* as ipset: a later fragment has no port and matches no element */
	emit(e, LDX(BPF_B, R1, R_PKT, PI(frag)));
	emit_jmp_imm(e, BPF_JNE, false, R1, 0, absent);
	emit(e, LDX(BPF_B, R2, R_PKT, PI(proto)));
	emit(e, STX(BPF_H, R_FP, R2, key + 4));		/* proto and the pad byte */
	emit_jmp_imm(e, BPF_JEQ, false, R2, IPPROTO_ICMP, icmp);
	emit(e, LDX(BPF_H, R3, R_PKT, (ms->src & 2) ? PI(sport) : PI(dport)));
	emit_ja(e, port_done);
	emit_bind(e, icmp);
	emit(e, LDX(BPF_B, R3, R_PKT, PI(icmp_type)));
	emit(e, ALU64_IMM(BPF_LSH, R3, 8));
	emit(e, LDX(BPF_B, R4, R_PKT, PI(icmp_code)));
	emit(e, ALU64_REG(BPF_OR, R3, R4));
	emit_bind(e, port_done);
	emit(e, ENDIAN_BE(R3, 16));
	emit(e, STX(BPF_H, R_FP, R3, key + 6));
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
	if (!s || c->set_map < 0 || c->fam != IR_FAMILY_IPV4 || s->family != IR_FAMILY_IPV4) {
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
	emit_key4(c, s, ms, absent);
	cg_emit_lookup(c, c->set_map + (int)(i - 1), c->match_key2);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, absent);
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
