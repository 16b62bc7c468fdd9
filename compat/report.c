// SPDX-License-Identifier: GPL-2.0
/* Printing errors the way iptables does, and the root check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpfw/compat.h"

int compat_report(const struct bpfw_err *err, bool verbose)
{
	if (!err->exit_code)
		return BPFW_EXIT_OK;
	if (err->msg[0])
		fprintf(stderr, "%s\n", err->msg);
	if (verbose && err->detail)
		fprintf(stderr, "%s\n", err->detail);
	return err->exit_code;
}

int compat_require_root(const char *prog, struct bpfw_err *err)
{
	if (geteuid() == 0)
		return 0;
	return bpfw_errf(err, BPFW_EXIT_RESOURCE, EPERM,
			 "%s v%s (%s): Could not fetch rule set generation id: "
			 "Permission denied (you must be root)", prog, IPT_VERSION, IPT_VARIANT);
}
