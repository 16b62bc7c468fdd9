// SPDX-License-Identifier: GPL-2.0
/*
 * Tracing a packet: a copy of the rule set with counter slots given in
 * order, compiled and loaded with fresh maps (counters all 0, an empty
 * connection table), never attached; the packet runs through the XDP
 * program (received packets, raw table) and the TC program of its
 * direction with BPF_PROG_TEST_RUN.  The slots that counted are the rules
 * it matched.
 *
 * The test run is made on "lo" with lo's name in the interface-name map
 * replaced by the packet's interface, so that -i and -o rules see that
 * name while an answer (REJECT) never leaves by a real interface.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#include "bpfw/cgen.h"
#include "bpfw/ipt.h"
#include "bpfw/ld.h"
#include "bpfw/nft.h"
#include "bpfw/trace.h"

#define TRACE_IFINDEX	1	/* lo: present in every namespace */

/* Table @i of @rs in trace order: iptables' own (raw before filter), then nftables'; or NULL. */
static struct ir_table *table_at(const struct ir_ruleset *rs, unsigned int i,
				 enum ir_family *fam)
{
	static const enum ir_table_id order[] = { IR_TABLE_RAW, IR_TABLE_FILTER };
	const unsigned int n_own = IR_FAMILY_MAX * 2;

	if (i < n_own) {
		*fam = (enum ir_family)(i / 2);
		return rs->tables[i / 2][order[i % 2]];
	}
	if (i - n_own < rs->n_nft) {
		*fam = rs->nft[i - n_own]->family;
		return rs->nft[i - n_own];
	}
	return NULL;
}

static unsigned int n_tables(const struct ir_ruleset *rs)
{
	return IR_FAMILY_MAX * 2 + rs->n_nft;
}

/* Every rule and policy of the copy gets a fresh slot, in order. */
static void assign_slots(struct ir_ruleset *rs)
{
	enum ir_family fam;
	uint32_t next = 0;

	for (unsigned int i = 0; i < n_tables(rs); i++) {
		struct ir_table *t = table_at(rs, i, &fam);

		for (unsigned int j = 0; t && j < t->n_chains; j++) {
			struct ir_chain *c = t->chains[j];

			c->policy_slot = ir_chain_is_builtin(c) ? next++ : IR_SLOT_NONE;
			c->counter_given = false;
			for (unsigned int k = 0; k < c->n_rules; k++) {
				c->rules[k]->slot = next++;
				c->rules[k]->counter_given = false;
			}
		}
	}
}

/* Give lo the packet's interface name in the interface-name map, if the programs have one. */
static int rename_lo(const struct cgen_output *out, const struct ld_objects *objs,
		     const char *ifname, struct bpfw_err *err)
{
	char name[IFNAMSIZ] = { 0 };
	uint32_t key = TRACE_IFINDEX;
	int mi = cgen_output_find_map(out, CGEN_MAP_IFNAMES);

	if (mi < 0 || !ifname[0])
		return 0;
	snprintf(name, sizeof(name), "%s", ifname);
	if (bpf_map_update_elem(objs->map_fds[mi], &key, name, BPF_ANY))
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				 "trace: cannot name the interface: %s", strerror(errno));
	return 0;
}

/* Run the frame through program @fd; *@code is its return value. */
static int test_run(int fd, bool at_xdp, const uint8_t *frame, size_t len, uint32_t *code,
		    struct bpfw_err *err)
{
	/* two bytes in, so that the IP header after Ethernet is 4-byte aligned */
	uint32_t store[PKT_FRAME_MAX / 4 + 2];
	uint8_t *buf = (uint8_t *)store + 2;
	struct __sk_buff skb = { .ifindex = TRACE_IFINDEX };
	struct xdp_md xmd = { .ingress_ifindex = TRACE_IFINDEX, .data_end = (uint32_t)len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = (uint32_t)len,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);

	memcpy(buf, frame, len);
	if (at_xdp) {
		opts.ctx_in = &xmd;
		opts.ctx_size_in = sizeof(xmd);
	}
	if (bpf_prog_test_run_opts(fd, &opts))
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				 "trace: the test run failed: %s", strerror(errno));
	*code = opts.retval;
	return 0;
}

static bool target_ends(const struct ir_rule *r)
{
	/* a verdict map may go on, but where it did the hits after it tell */
	return r->target.kind == IR_TARGET_ACCEPT || r->target.kind == IR_TARGET_DROP ||
	       r->target.kind == IR_TARGET_REJECT || r->target.kind == IR_TARGET_VMAP;
}

static int add_hit(struct trace_result *res, enum ir_family fam, const struct ir_table *t,
		   const struct ir_chain *c, unsigned int rulenum, bool ends)
{
	struct trace_hit *h = realloc(res->hits, (res->n_hits + 1) * sizeof(*h));

	if (!h)
		return -ENOMEM;
	res->hits = h;
	h[res->n_hits++] = (struct trace_hit){ .family = fam, .table = t, .chain = c,
					       .rulenum = rulenum, .ends = ends };
	return 0;
}

static bool moved(int fd, uint32_t slot)
{
	struct ir_counter cnt = { 0 };

	return slot != IR_SLOT_NONE && !ld_counter_read(fd, slot, &cnt) && cnt.packets;
}

/* The rules and policies whose counters moved, in rule-set order. */
static int collect(struct trace_result *res, int counters_fd)
{
	enum ir_family fam;

	for (unsigned int i = 0; i < n_tables(res->rs); i++) {
		const struct ir_table *t = table_at(res->rs, i, &fam);

		for (unsigned int j = 0; t && j < t->n_chains; j++) {
			const struct ir_chain *c = t->chains[j];

			for (unsigned int k = 0; k < c->n_rules; k++)
				if (moved(counters_fd, c->rules[k]->slot) &&
				    add_hit(res, fam, t, c, k + 1, target_ends(c->rules[k])))
					return -ENOMEM;
			if (moved(counters_fd, c->policy_slot) && add_hit(res, fam, t, c, 0, true))
				return -ENOMEM;
		}
	}
	return 0;
}

/* The last hit that ends its hook, at XDP (raw) if the packet died there, else after it. */
static void find_decider(struct trace_result *res)
{
	res->decider = -1;
	for (unsigned int i = 0; i < res->n_hits; i++) {
		const struct trace_hit *h = &res->hits[i];
		bool raw = h->table->id == IR_TABLE_RAW && !h->table->name[0];

		if (!h->ends || raw != res->xdp_dropped)
			continue;
		res->decider = (int)i;
	}
	if (res->decider < 0 && !res->xdp_dropped) {
		/* nothing after XDP ended the hook: a raw ACCEPT let it on */
		for (unsigned int i = 0; i < res->n_hits; i++)
			if (res->hits[i].ends)
				res->decider = (int)i;
	}
}

static int run_programs(struct trace_result *res, const struct pkt_desc *p,
			const struct cgen_output *out, const struct ld_objects *objs,
			struct bpfw_err *err)
{
	/* two bytes in, so that the IP header after Ethernet is 4-byte aligned */
	uint32_t store[PKT_FRAME_MAX / 4 + 1];
	uint8_t *frame = (uint8_t *)store + 2;
	size_t len = pkt_desc_build(p, frame);
	int tc = p->out ? CGEN_PROG_TC_EGRESS : CGEN_PROG_TC_INGRESS;
	uint32_t code;
	int ret;

	ret = rename_lo(out, objs, p->ifname, err);
	if (ret)
		return ret;
	if (!p->out && objs->prog_fds[CGEN_PROG_XDP] >= 0) {
		ret = test_run(objs->prog_fds[CGEN_PROG_XDP], true, frame, len, &code, err);
		if (ret)
			return ret;
		res->ran = true;
		if (code == XDP_DROP) {
			res->dropped = true;
			res->xdp_dropped = true;
			return 0;
		}
	}
	if (objs->prog_fds[tc] < 0)
		return 0;
	ret = test_run(objs->prog_fds[tc], false, frame, len, &code, err);
	if (ret)
		return ret;
	res->ran = true;
	res->dropped = code == TC_ACT_SHOT;
	return 0;
}

int trace_run(const struct ir_ruleset *rs, const struct pkt_desc *p, const struct trace_opts *o,
	      struct trace_result *res, struct bpfw_err *err)
{
	struct ld_create_opts lopts = { .reuse_counters_fd = -1, .reuse_gen_fd = -1,
					.reuse_sets_prog = o->sets_prog, .generation = 0,
					.state = "", .state_len = 0, .verbose = o->verbose };
	struct ld_objects objs = { .counters_fd = -1, .state_fd = -1, .gen_fd = -1,
				   .prog_fds = { -1, -1, -1 } };
	struct cgen_output out = { 0 };
	struct cgen_opts copts;
	int ret;

	memset(res, 0, sizeof(*res));
	res->decider = -1;
	res->rs = ir_ruleset_clone(rs);
	if (!res->rs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	assign_slots(res->rs);
	cgen_opts_default(&copts);
	copts.generation = 0;
	ret = cgen_compile(res->rs, &copts, &out, err);
	if (ret)
		goto out;
	ret = ld_objects_create(&out, &lopts, &objs, err);
	if (ret) {
		for (int k = 0; k < CGEN_PROG_MAX; k++)
			objs.prog_fds[k] = -1;
		goto out;
	}
	ret = run_programs(res, p, &out, &objs, err);
	if (!ret && objs.counters_fd >= 0 && collect(res, objs.counters_fd))
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	if (!ret)
		find_decider(res);
out:
	ld_objects_close(&objs);
	cgen_output_free(&out);
	return ret;
}

void trace_print_hit(const struct trace_hit *h, FILE *out)
{
	const char *tname = h->table->name[0] ? h->table->name : ir_table_name(h->table->id);
	const struct ir_rule *r;

	fprintf(out, "%s%s %s ", h->family == IR_FAMILY_IPV6 && !h->table->name[0] ? "ip6 " : "",
		tname, h->chain->name);
	if (!h->rulenum) {
		fprintf(out, "policy %s", h->chain->policy == IR_VERDICT_DROP ? "DROP" : "ACCEPT");
		return;
	}
	r = h->chain->rules[h->rulenum - 1];
	if (h->table->name[0]) {
		/* an nftables table's rule, as nft lists it */
		const struct nft_fmt_opts o = { .flags = NFT_F_STATELESS };

		fprintf(out, "rule %u: ", h->rulenum);
		nft_fmt_rule(out, h->table, r, &o);
		return;
	}
	fprintf(out, "rule %u: -A %s ", h->rulenum, h->chain->name);
	ipt_format_rule(out, r, h->family);
}

void trace_print(const struct trace_result *res, FILE *out)
{
	const struct trace_hit *d = res->decider >= 0 ? &res->hits[res->decider] : NULL;
	const char *verdict = res->dropped ? "DROP" : "ACCEPT";

	for (unsigned int i = 0; i < res->n_hits; i++) {
		if ((int)i == res->decider)
			continue;
		fputs("  matched ", out);
		trace_print_hit(&res->hits[i], out);
		fputc('\n', out);
	}
	if (d && d->rulenum && d->chain->rules[d->rulenum - 1]->target.kind == IR_TARGET_REJECT)
		verdict = "REJECT";
	if (!d) {
		fprintf(out, "%s: %s\n", verdict, res->ran ?
			"no rule or policy of this hook decided (the packet is not routed here, "
			"or no chain runs at this hook)" : "no program runs at this hook");
		return;
	}
	fprintf(out, "%s by ", verdict);
	trace_print_hit(d, out);
	fputc('\n', out);
}

void trace_result_free(struct trace_result *res)
{
	free(res->hits);
	res->hits = NULL;
	res->n_hits = 0;
	ir_ruleset_free(res->rs);
	res->rs = NULL;
}
