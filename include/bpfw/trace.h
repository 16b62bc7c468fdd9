/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracing one packet through a rule set: compile it, load it without
 * attaching, run the packet through its programs with BPF_PROG_TEST_RUN
 * and read which counters moved.  Every counter of the fresh copy starts
 * at 0, so the rules whose counters moved are the rules the packet
 * matched; the last of them that ends the hook (or the hook's policy)
 * decided.  Nothing of the running rule set is touched.
 */
#ifndef BPFW_TRACE_H
#define BPFW_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "bpfw/err.h"
#include "bpfw/ir.h"
#include "bpfw/pkt.h"

/* A rule (or policy) the packet met. */
struct trace_hit {
	enum ir_family family;
	const struct ir_table *table;	/* in trace_result.rs */
	const struct ir_chain *chain;
	unsigned int rulenum;		/* 1-based; 0: the chain's policy */
	bool ends;			/* its target (or the policy) ends the hook */
};

struct trace_result {
	struct ir_ruleset *rs;		/* the copy that ran; hits point into it */
	struct trace_hit *hits;		/* in rule-set order: raw before filter */
	unsigned int n_hits;
	int decider;			/* index in @hits of the deciding one, -1: none */
	bool dropped;			/* the programs dropped the packet */
	bool xdp_dropped;		/* dropped at XDP, by the raw table */
	bool ran;			/* a program ran the packet through a hook */
};

struct trace_opts {
	unsigned int sets_prog;		/* a running program whose set maps to read, or 0 */
	bool verbose;			/* the verifier log on failure */
};

/* Run packet @p through a copy of @rs; @res is filled (trace_result_free() it). */
int trace_run(const struct ir_ruleset *rs, const struct pkt_desc *p, const struct trace_opts *o,
	      struct trace_result *res, struct bpfw_err *err);

/* Print @res: the rules met, then the verdict and what decided it. */
void trace_print(const struct trace_result *res, FILE *out);

/* Print one hit as "filter INPUT 2: -A INPUT ..." (or "... policy DROP"). */
void trace_print_hit(const struct trace_hit *h, FILE *out);

/* Free what @res holds. */
void trace_result_free(struct trace_result *res);

#endif /* BPFW_TRACE_H */
