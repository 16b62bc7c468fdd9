// SPDX-License-Identifier: GPL-2.0
/*
 * A transaction on this namespace's rule set.  The running rule set is read
 * back from the kernel (its state text, kept in a frozen map bound to the
 * programs), changed in memory, then compiled, loaded and swapped in as a
 * whole.  Counter slots of rules that survive keep their numbers, so their
 * counters continue in the same map without a copy.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfw/cgen.h"
#include "bpfw/ipset.h"
#include "bpfw/ipt.h"
#include "bpfw/ld.h"
#include "bpfw/nft.h"
#include "bpfw/txn.h"
#include "txn_internal.h"

#define STATE_MAGIC	"# bpfw state 1\n"
#define MIN_COUNTER_CAP	256

static const struct ipt_ctx family_ctx[IR_FAMILY_MAX] = {
	[IR_FAMILY_IPV4] = { .prog = "iptables", .family = IR_FAMILY_IPV4 },
	[IR_FAMILY_IPV6] = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 },
};

static const char *const family_tags[IR_FAMILY_MAX] = {
	[IR_FAMILY_IPV4] = "%ipv4\n",
	[IR_FAMILY_IPV6] = "%ipv6\n",
};

/* Parse the state text of the running rule set into @rs. */
static int state_parse(const char *state, struct ir_ruleset *rs, struct bpfw_err *err)
{
	const struct ipt_restore_opts opts = { .counters = true, .slots = true };
	const char *p;

	if (strncmp(state, STATE_MAGIC, strlen(STATE_MAGIC)))
		return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
				 "The running rule set has a state format this bpfw does not know");
	p = state + strlen(STATE_MAGIC);
	while (*p) {
		const char *end;
		int fam = -1, ret;

		for (int f = 0; f < IR_FAMILY_MAX; f++)
			if (!strncmp(p, family_tags[f], strlen(family_tags[f])))
				fam = f;
		if (fam < 0 && !strncmp(p, IPSET_STATE_TAG, strlen(IPSET_STATE_TAG))) {
			p += strlen(IPSET_STATE_TAG);
			end = strstr(p, "\n%");
			end = end ? end + 1 : p + strlen(p);
			ret = ipset_state_parse(p, end - p, rs, err);
			if (ret)
				return ret;
			p = end;
			continue;
		}
		if (fam < 0 && !strncmp(p, NFT_STATE_TAG, strlen(NFT_STATE_TAG))) {
			p += strlen(NFT_STATE_TAG);
			end = strstr(p, "\n%");
			end = end ? end + 1 : p + strlen(p);
			ret = nft_state_parse(p, end - p, rs, err);
			if (ret)
				return ret;
			p = end;
			continue;
		}
		if (fam < 0)
			return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
					 "The running rule set's state text is damaged");
		p += strlen(family_tags[fam]);
		end = strstr(p, "\n%");
		end = end ? end + 1 : p + strlen(p);
		ret = ipt_restore_apply(&family_ctx[fam], p, end - p, &opts, rs, err);
		if (ret)
			return ret;
		p = end;
	}
	return 0;
}

/* The state text of @rs: every family's tables in the slots form. */
static int state_format(const struct ir_ruleset *rs, char **out, size_t *len,
			struct bpfw_err *err)
{
	FILE *f = open_memstream(out, len);
	int ret = 0;

	if (!f)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	fputs(STATE_MAGIC, f);
	/* the sets first: the rules that name them are checked against them */
	ipset_state_write(f, rs);
	for (int fam = 0; fam < IR_FAMILY_MAX && !ret; fam++) {
		bool any = false;

		for (int i = 0; i < IR_TABLE_MAX; i++)
			any |= rs->tables[fam][i] != NULL;
		if (!any)
			continue;
		fputs(family_tags[fam], f);
		ret = ipt_save(&family_ctx[fam], f, rs, NULL, IPT_SAVE_SLOTS, false);
	}
	/* nftables tables last: their rules may name sets and nothing names them */
	if (!ret)
		ret = nft_state_write(f, rs);

	if (fclose(f) || ret) {
		free(*out);
		*out = NULL;
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret ? ret : ENOMEM,
				 "Cannot format the rule set state");
	}
	return 0;
}

int txn_begin(struct txn *t, struct bpfw_err *err)
{
	const struct ir_table *raw;
	int ret;

	memset(&t->live, 0, sizeof(t->live));
	t->live.counters_fd = -1;
	t->live.gen_fd = -1;
	for (int k = 0; k < LD_KEPT_MAX; k++)
		t->live.kept_fds[k] = -1;
	t->old_slots = NULL;
	t->live_raw = NULL;
	t->live_raw6 = NULL;
	t->rs = ir_ruleset_new();
	if (!t->rs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = ld_live_open(&t->live, err);
	if (ret)
		return ret;
	if (!t->live.present || !t->live.state)
		return 0;
	ret = state_parse(t->live.state, t->rs, err);
	if (ret)
		return ret;
	raw = t->rs->tables[IR_FAMILY_IPV4][IR_TABLE_RAW];
	if (cgen_table_needs_xdp(raw)) {
		t->live_raw = ir_table_clone(raw);
		if (!t->live_raw)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	raw = t->rs->tables[IR_FAMILY_IPV6][IR_TABLE_RAW];
	if (cgen_table_needs_xdp(raw)) {
		t->live_raw6 = ir_table_clone(raw);
		if (!t->live_raw6)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	return txn_slots_snapshot(t, err);
}

int txn_read_counters(struct txn *t, struct bpfw_err *err)
{
	return txn_slots_read(t, err);
}

int txn_zero_counters(struct txn *t, enum ir_family family, enum ir_table_id table,
		      const char *chain, struct bpfw_err *err)
{
	return txn_slots_zero(t, family, table, chain, err);
}

/* Compile and load @t->rs into @objs; nothing is attached. */
static int build(struct txn *t, struct cgen_output *out, struct ld_objects *objs,
		 struct bpfw_err *err)
{
	struct ld_create_opts opts = { .reuse_counters_fd = t->live.counters_fd,
				       .reuse_gen_fd = t->live.gen_fd,
				       .reuse_kept = t->live.kept_fds,
				       .reuse_sets_prog = t->live.prog_ids[CGEN_PROG_TC_INGRESS],
				       .verbose = t->verbose };
	struct cgen_opts copts;
	char *state = NULL;
	size_t len = 0;
	int ret, mi;

	ret = txn_slots_assign(t, err);
	if (ret)
		return ret;
	ret = state_format(t->rs, &state, &len, err);
	if (ret)
		return ret;
	cgen_opts_default(&copts);
	copts.generation = t->live.present ? t->live.generation + 1 : 1;
	copts.xdp_prev = t->live_raw;
	copts.xdp_prev6 = t->live_raw6;
	opts.generation = copts.generation;
	ret = cgen_compile(t->rs, &copts, out, err);
	if (ret)
		goto out;
	/* Room to grow, so that later updates can keep using the same counter map. */
	mi = cgen_output_find_map(out, CGEN_MAP_COUNTERS);
	if (mi >= 0) {
		uint32_t cap = MIN_COUNTER_CAP;

		while (cap < out->n_slots)
			cap *= 2;
		t->counters_reused = t->live.counters_fd >= 0 &&
				     t->live.counters_cap >= out->n_slots;
		if (t->counters_reused)
			cap = t->live.counters_cap;
		out->maps[mi].max_entries = cap;
	}
	opts.state = state;
	opts.state_len = len;
	ret = ld_objects_create(out, &opts, objs, err);
	if (ret)
		goto out;
	ret = txn_slots_prepare(t, objs->counters_fd, err);
out:
	free(state);
	return ret;
}

int txn_check(struct txn *t, struct bpfw_err *err)
{
	struct cgen_output out = { 0 };
	struct ld_objects objs = { .counters_fd = -1, .state_fd = -1, .gen_fd = -1,
				   .prog_fds = { -1, -1, -1 } };
	int ret;

	t->dry_run = true;
	ret = build(t, &out, &objs, err);
	ld_objects_close(&objs);
	cgen_output_free(&out);
	return ret;
}

int txn_commit(struct txn *t, struct bpfw_err *err)
{
	struct cgen_output out = { 0 };
	struct ld_objects objs = { .counters_fd = -1, .state_fd = -1, .gen_fd = -1,
				   .prog_fds = { -1, -1, -1 } };
	uint32_t id = 0;
	int ret;

	ret = build(t, &out, &objs, err);
	if (!ret && t->before_switch) {
		ret = ld_prog_id(objs.prog_fds[CGEN_PROG_TC_INGRESS], &id);
		if (ret)
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret,
					"Cannot read the new program's id: %s", strerror(-ret));
		else
			ret = t->before_switch(t, id, t->before_switch_arg, err);
	}
	if (!ret)
		ret = ld_commit(&t->live, &objs, err);
	ld_objects_close(&objs);
	cgen_output_free(&out);
	return ret;
}

void txn_end(struct txn *t)
{
	if (!t->rs)
		return;		/* never begun */
	ld_live_close(&t->live);
	ir_ruleset_free(t->rs);
	t->rs = NULL;
	free(t->old_slots);
	t->old_slots = NULL;
	ir_table_free(t->live_raw);
	t->live_raw = NULL;
	ir_table_free(t->live_raw6);
	t->live_raw6 = NULL;
}
