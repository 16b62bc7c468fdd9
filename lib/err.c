// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bpfw/err.h"

int bpfw_errf(struct bpfw_err *err, int exit_code, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (errnum < 0)
		errnum = -errnum;
	if (!err || err->exit_code)
		return -errnum;
	err->exit_code = exit_code ? exit_code : BPFW_EXIT_OTHER;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -errnum;
}

void bpfw_err_set_detail(struct bpfw_err *err, char *detail)
{
	free(err->detail);
	err->detail = detail;
}

void bpfw_err_clear(struct bpfw_err *err)
{
	free(err->detail);
	err->detail = NULL;
	err->exit_code = 0;
	err->line = 0;
	err->msg[0] = '\0';
}
