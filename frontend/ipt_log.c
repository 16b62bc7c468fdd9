// SPDX-License-Identifier: GPL-2.0
/* Target options: -j LOG's (--log-prefix, --log-level, the flags) and -j REJECT's --reject-with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipt_internal.h"

enum { LOG_O_LEVEL, LOG_O_PREFIX, LOG_O_TCPSEQ, LOG_O_TCPOPT, LOG_O_IPOPT, LOG_O_UID, LOG_O_MAC };

const struct ipt_mopt ipt_log_opts[] = {
	{ "log-level", LOG_O_LEVEL, true },	      { "log-prefix", LOG_O_PREFIX, true },
	{ "log-tcp-sequence", LOG_O_TCPSEQ, false }, { "log-tcp-options", LOG_O_TCPOPT, false },
	{ "log-ip-options", LOG_O_IPOPT, false },    { "log-uid", LOG_O_UID, false },
	{ "log-macdecode", LOG_O_MAC, false },
	{ NULL, 0, false },
};

static const struct { const char *name; uint8_t level; } levels[] = {
	{ "alert", 1 }, { "crit", 2 },	 { "debug", 7 }, { "emerg", 0 },   { "error", 3 },
	{ "info", 6 },	{ "notice", 5 }, { "panic", 0 }, { "warning", 4 },
};

static const uint8_t flag_of[] = {
	[LOG_O_TCPSEQ] = IR_LOG_TCPSEQ, [LOG_O_TCPOPT] = IR_LOG_TCPOPT,
	[LOG_O_IPOPT] = IR_LOG_IPOPT,	[LOG_O_UID] = IR_LOG_UID,
	[LOG_O_MAC] = IR_LOG_MACDECODE,
};

int ipt_parse_log(struct ipt_pstate *ps, const struct ipt_mopt *o, const char *arg)
{
	struct ir_target_log *log = &ps->cmd->rule->target.log;

	if (ps->tseen & (1u << o->id))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"LOG: option \"--%s\" can only be used once.\n", o->name);
	if (ps->invert)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"LOG: option \"--%s\" cannot be inverted.\n", o->name);
	ps->tseen |= 1u << o->id;
	switch (o->id) {
	case LOG_O_LEVEL:
		for (unsigned int i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
			if (!strcmp(arg, levels[i].name)) {
				log->level = levels[i].level;
				return 0;
			}
		}
		if (arg[0] >= '0' && arg[0] <= '7' && !arg[1]) {
			log->level = (uint8_t)(arg[0] - '0');
			return 0;
		}
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"log level \"%s\" unknown\n", arg);
	case LOG_O_PREFIX:
		if (!arg[0])
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
					"Argument must have a minimum length of 1 characters\n");
		/* a line break would end the rule's line in iptables-save output */
		if (strpbrk(arg, "\n\r"))
			return ipt_perr(ps, "Newlines not allowed in --log-prefix");
		snprintf(log->prefix, sizeof(log->prefix), "%s", arg);
		return 0;
	default:
		log->flags |= flag_of[o->id];
		return 0;
	}
}

const struct ipt_mopt ipt_reject_opts[] = {
	{ "reject-with", 0, true },
	{ NULL, 0, false },
};

int ipt_parse_reject(struct ipt_pstate *ps, const struct ipt_mopt *o, const char *arg)
{
	if (ps->tseen)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"REJECT: option \"--reject-with\" can only be used once.\n");
	if (ps->invert)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"REJECT: option \"--reject-with\" cannot be inverted.\n");
	ps->tseen = 1;
	for (int w = 0; w < IR_REJECT_MAX; w++) {
		if (!strcmp(arg, ir_reject_name(w, false)) || !strcmp(arg, ir_reject_name(w, true))) {
			ps->cmd->rule->target.reject = w;
			return 0;
		}
	}
	return ipt_perr(ps, "unknown reject type \"%s\"", arg);
}
