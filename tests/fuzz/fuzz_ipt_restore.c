// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: restore text, in every parsing mode, applied to a
 * scratch rule set that already holds a few chains and rules; the result
 * is then formatted back and compiled, so the whole text -> IR -> save ->
 * program path runs on every input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/cgen.h"
#include "bpfw/ipt.h"
#include "fuzz_slots.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

static const char base[] = "*filter\n:INPUT DROP [1:2]\n:u - [0:0]\n"
			   "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -j u\n"
			   "-A u -s 10.0.0.0/8 -m comment --comment \"x y\" -j RETURN\nCOMMIT\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipt_restore_opts opts = { 0 };
	struct bpfw_err err = { 0 };
	struct ir_ruleset *rs;
	char *text;

	if (!size)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	/* the first byte picks the mode, the rest is the file */
	opts.noflush = data[0] & 1;
	opts.counters = data[0] & 2;
	opts.slots = data[0] & 4;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	rs = ir_ruleset_new();
	if (rs && !ipt_restore_apply(&ctx4, base, strlen(base), &(struct ipt_restore_opts){ 0 },
				     rs, &err)) {
		bpfw_err_clear(&err);
		if (!ipt_restore_apply(&ctx4, text, size - 1, &opts, rs, &err)) {
			struct cgen_output out;
			struct cgen_opts copts;
			FILE *null = fopen("/dev/null", "w");

			if (null) {
				ipt_save(&ctx4, null, rs, NULL, IPT_SAVE_COUNTERS, true);
				ipt_save(&ctx4, null, rs, NULL, IPT_SAVE_SLOTS, false);
				fclose(null);
			}
			fuzz_assign_slots(rs);
			cgen_opts_default(&copts);
			if (!cgen_compile(rs, &copts, &out, &err))
				cgen_output_free(&out);
		}
	}
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
	free(text);
	return 0;
}
