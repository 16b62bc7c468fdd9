// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw conntrack: bpfw's connection table, as the conntrack tool shows and
 * flushes the kernel's: -C counts the connections, -F forgets them all (the
 * next packet of each is NEW again).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "bpfw/cgen.h"
#include "bpfw/compat.h"
#include "bpfw/txn.h"

/*
 * Count (or, @flush, delete) the entries of the connection table @fd: the
 * keys are read first, then deleted, so that the walk is not cut short.
 */
static long walk(int fd, bool flush)
{
	size_t n = 0, cap = 256;
	struct cgen_ct_key *keys = malloc(cap * sizeof(*keys)), *more;
	long ret;

	if (!keys)
		return -ENOMEM;
	while (!bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n])) {
		if (++n < cap)
			continue;
		cap *= 2;
		more = realloc(keys, cap * sizeof(*keys));
		if (!more) {
			free(keys);
			return -ENOMEM;
		}
		keys = more;
	}
	for (size_t i = 0; flush && i < n; i++)
		bpf_map_delete_elem(fd, &keys[i]);
	ret = (long)n;
	free(keys);
	return ret;
}

int compat_conntrack_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct bpfw_err err = { 0 };
	struct txn t = { .verbose = false };
	const char *cmd = argc == 2 ? argv[1] : "";
	long n;
	int ret, fd;

	if (strcmp(cmd, "-C") && strcmp(cmd, "-F")) {
		fprintf(strcmp(cmd, "-h") ? stderr : stdout,
			"Usage: bpfw conntrack -C|-F\n"
			"bpfw's connection table: -C counts the connections, -F forgets them.\n");
		return strcmp(cmd, "-h") ? BPFW_EXIT_PARAMETER : 0;
	}
	ret = compat_require_root(ctx->prog, &err);
	if (!ret)
		ret = txn_begin(&t, &err);
	if (ret)
		goto out;
	fd = t.live.kept_fds[LD_KEPT_CT];
	n = fd < 0 ? 0 : walk(fd, cmd[1] == 'F');
	if (n < 0)
		ret = bpfw_errf(&err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	else if (cmd[1] == 'C')
		printf("%ld\n", n);
	else
		fprintf(stderr, "bpfw conntrack: %ld flow entries have been deleted.\n", n);
out:
	txn_end(&t);
	return compat_report(&err, false);
}
