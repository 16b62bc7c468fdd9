// SPDX-License-Identifier: GPL-2.0
/* Target options: -j LOG's (--log-prefix, --log-level, the flags) and -j REJECT's --reject-with. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* --reject-with's types in libipt_REJECT's and libip6t_REJECT's table order. */
static const enum ir_reject_with reject_order4[] = {
	IR_REJECT_NET_UNREACH, IR_REJECT_HOST_UNREACH, IR_REJECT_PORT_UNREACH,
	IR_REJECT_PROTO_UNREACH, IR_REJECT_NET_PROHIB, IR_REJECT_HOST_PROHIB,
	IR_REJECT_TCP_RESET, IR_REJECT_ADMIN_PROHIB,
};

static const enum ir_reject_with reject_order6[] = {
	IR_REJECT6_NO_ROUTE, IR_REJECT6_ADM_PROHIBITED, IR_REJECT6_ADDR_UNREACH,
	IR_REJECT6_PORT_UNREACH, IR_REJECT_TCP_RESET, IR_REJECT6_POLICY_FAIL,
	IR_REJECT6_REJECT_ROUTE,
};

/* Whether @arg starts @name, in any case (an empty @arg starts every name). */
static bool starts(const char *name, const char *arg)
{
	return !strncasecmp(name, arg, strlen(arg));
}

int ipt_parse_reject(struct ipt_pstate *ps, const struct ipt_mopt *o, const char *arg)
{
	bool v6 = ps->ctx->family == IR_FAMILY_IPV6;
	const enum ir_reject_with *order = v6 ? reject_order6 : reject_order4;
	size_t n = v6 ? sizeof(reject_order6) / sizeof(reject_order6[0]) :
			sizeof(reject_order4) / sizeof(reject_order4[0]);

	if (ps->tseen)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"REJECT: option \"--reject-with\" can only be used once.\n");
	if (ps->invert)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"REJECT: option \"--reject-with\" cannot be inverted.\n");
	ps->tseen = 1;
	/* the first type whose name or alias @arg starts, as libipt_REJECT reads it */
	for (size_t i = 0; i < n; i++) {
		enum ir_reject_with w = order[i];
		/* ip6tables' alias of tcp-reset is its name */
		bool alias = v6 && w == IR_REJECT_TCP_RESET ? false : true;

		if (starts(ir_reject_name(w, false), arg) || starts(ir_reject_name(w, alias), arg)) {
			ps->cmd->rule->target.reject = w;
			return 0;
		}
	}
	if (!v6 && !ps->w->quiet && (starts("echo-reply", arg) || starts("echoreply", arg)))
		fprintf(stderr, "--reject-with echo-reply no longer supported\n");
	return ipt_perr(ps, "unknown reject type \"%s\"", arg);
}
