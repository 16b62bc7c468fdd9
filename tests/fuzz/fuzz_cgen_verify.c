// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the compiler against the kernel's verifier.  A restore
 * file is parsed; if it is a valid rule set, it is compiled and every
 * program is loaded into the kernel with its maps (nothing is attached).
 * The compiler must never emit a program the verifier refuses: a refusal
 * of a rule set the compiler accepted aborts, and libFuzzer keeps the
 * input.  Needs root (CAP_BPF).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/cgen.h"
#include "bpfw/ipt.h"
#include "bpfw/ld.h"
#include "fuzz_slots.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

static void verify(const struct cgen_output *out)
{
	struct ld_create_opts opts = { .reuse_counters_fd = -1, .reuse_gen_fd = -1,
				       .generation = 1, .state = "", .state_len = 1 };
	struct bpfw_err err = { 0 };
	struct ld_objects objs;
	int ret = ld_objects_create(out, &opts, &objs, &err);

	if (ret) {
		/* memory pressure is the machine's; anything else is the compiler's */
		if (ret != -ENOMEM && ret != -EAGAIN) {
			fprintf(stderr, "the verifier refused a compiled rule set: %s\n%s\n",
				err.msg, err.detail ? err.detail : "");
			abort();
		}
		bpfw_err_clear(&err);
		return;
	}
	ld_objects_close(&objs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipt_restore_opts opts = { 0 };
	struct bpfw_err err = { 0 };
	struct ir_ruleset *rs = ir_ruleset_new();
	struct cgen_output out;
	struct cgen_opts copts;

	if (!rs)
		return 0;
	if (!ipt_restore_apply(&ctx4, (const char *)data, size, &opts, rs, &err)) {
		uint32_t n = fuzz_assign_slots(rs);
		int mi;

		cgen_opts_default(&copts);
		copts.generation = 1;
		if (!cgen_compile(rs, &copts, &out, &err)) {
			mi = cgen_output_find_map(&out, CGEN_MAP_COUNTERS);
			if (mi >= 0 && out.maps[mi].max_entries < n)
				out.maps[mi].max_entries = n;
			verify(&out);
			cgen_output_free(&out);
		}
	}
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
	return 0;
}
