// SPDX-License-Identifier: GPL-2.0
/* iptables' wording of errors, on the command line and in restore files. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "ipt_internal.h"

static const int fail_exit[] = {
	[IPT_FAIL_PARAM] = BPFW_EXIT_PARAMETER,
	[IPT_FAIL_BARE] = BPFW_EXIT_PARAMETER,
	[IPT_FAIL_OTHER] = BPFW_EXIT_OTHER,
	[IPT_FAIL_KERNEL] = BPFW_EXIT_RESOURCE,
	[IPT_FAIL_PLAIN] = BPFW_EXIT_VERSION,
};

static int fail_cmdline(const struct ipt_ctx *ctx, struct bpfw_err *err, enum ipt_fail_kind kind,
			int errnum, const char *msg)
{
	const char *p = ctx->prog;
	int code = fail_exit[kind];

	switch (kind) {
	case IPT_FAIL_PARAM:
		return bpfw_errf(err, code, errnum,
				 "%s v%s (%s): %s\nTry `%s -h' or '%s --help' for more information.",
				 p, IPT_VERSION, IPT_VARIANT, msg, p, p);
	case IPT_FAIL_BARE:
		return bpfw_errf(err, code, errnum,
				 "%s\nTry `%s -h' or '%s --help' for more information.", msg, p, p);
	case IPT_FAIL_OTHER:
		return bpfw_errf(err, code, errnum, "%s: %s", p, msg);
	case IPT_FAIL_KERNEL:
		return bpfw_errf(err, code, errnum, "%s v%s (%s):  %s", p, IPT_VERSION,
				 IPT_VARIANT, msg);
	default:
		return bpfw_errf(err, code, errnum, "%s v%s (%s): %s", p, IPT_VERSION, IPT_VARIANT,
				 msg);
	}
}

static int fail_restore(const struct ipt_ctx *ctx, int line, struct bpfw_err *err,
			enum ipt_fail_kind kind, int errnum, const char *msg)
{
	const char *p = ctx->prog;
	int code = fail_exit[kind];
	int ret;

	switch (kind) {
	case IPT_FAIL_PARAM:
	case IPT_FAIL_PLAIN:
		ret = bpfw_errf(err, BPFW_EXIT_PARAMETER, errnum,
				"%s-restore v%s (%s): %s\nError occurred at line: %d\n"
				"Try `%s-restore -h' or '%s-restore --help' for more information.",
				p, IPT_VERSION, IPT_VARIANT, msg, line, p, p);
		break;
	case IPT_FAIL_BARE:
		ret = bpfw_errf(err, code, errnum,
				"%s\nError occurred at line: %d\n"
				"Try `%s-restore -h' or '%s-restore --help' for more information.",
				msg, line, p, p);
		break;
	case IPT_FAIL_OTHER:
		ret = bpfw_errf(err, code, errnum, "%s-restore: line %d failed: %s", p, line, msg);
		break;
	default:
		ret = bpfw_errf(err, code, errnum, "%s-restore v%s (%s): \nline %d: %s", p,
				IPT_VERSION, IPT_VARIANT, line, msg);
		break;
	}
	if (err && !err->line)
		err->line = line;
	return ret;
}

int ipt_fail(const struct ipt_ctx *ctx, const struct ipt_where *w, struct bpfw_err *err,
	     enum ipt_fail_kind kind, int errnum, const char *fmt, ...)
{
	char msg[BPFW_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w && w->restore)
		return fail_restore(ctx, w->line, err, kind, errnum, msg);
	return fail_cmdline(ctx, err, kind, errnum, msg);
}

int ipt_perr(struct ipt_pstate *ps, const char *fmt, ...)
{
	char msg[BPFW_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL, "%s", msg);
}
