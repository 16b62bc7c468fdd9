// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: an iptables argument vector (words separated by NUL or
 * blanks in the input), parsed and applied to a scratch rule set, then
 * listed the ways iptables lists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ipt.h"

#define MAX_WORDS 64

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpfw_err err = { 0 };
	struct ipt_cmd cmd = { 0 };
	char *argv[MAX_WORDS + 2], *text, *p;
	struct ir_ruleset *rs;
	int argc = 0;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv[argc++] = "iptables";
	for (p = text; p < text + size && argc <= MAX_WORDS;) {
		while (p < text + size && (*p == '\0' || *p == ' ' || *p == '\n'))
			*p++ = '\0';
		if (p >= text + size)
			break;
		argv[argc++] = p;
		while (p < text + size && *p && *p != ' ' && *p != '\n')
			p++;
	}
	argv[argc] = NULL;
	rs = ir_ruleset_new();
	if (rs && !ipt_parse_argv(&ctx4, argc, argv, &cmd, &err)) {
		FILE *null = fopen("/dev/null", "w");

		if (ipt_cmd_modifies(&cmd))
			ipt_cmd_apply(&ctx4, rs, &cmd, &err);
		else if (null && cmd.op != IPT_OP_VERSION && cmd.op != IPT_OP_HELP)
			ipt_cmd_show(&ctx4, rs, &cmd, null, &err);
		if (null) {
			ipt_save(&ctx4, null, rs, NULL, IPT_SAVE_SLOTS, false);
			fclose(null);
		}
	}
	ipt_cmd_release(&cmd);
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
	free(text);
	return 0;
}
