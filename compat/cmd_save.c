// SPDX-License-Identifier: GPL-2.0
/* iptables-save / ip6tables-save: print the running rule set. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bpfw/compat.h"
#include "bpfw/txn.h"

static const struct option save_opts[] = {
	{ "counters", no_argument, NULL, 'c' },
	{ "table", required_argument, NULL, 't' },
	{ "modprobe", required_argument, NULL, 'M' },
	{ "file", required_argument, NULL, 'f' },
	{ "version", no_argument, NULL, 'V' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ NULL, 0, NULL, 0 },
};

int compat_save_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	enum ipt_save_counters counters = IPT_SAVE_NO_COUNTERS;
	struct bpfw_err err = { 0 };
	const char *table = NULL, *file = NULL;
	struct txn t = { 0 };
	enum ir_table_id id;
	FILE *out = stdout;
	int c, ret, status, lock = -1;

	opterr = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "ct:M:f:V46", save_opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			counters = IPT_SAVE_COUNTERS;
			break;
		case 't':
			table = optarg;
			break;
		case 'f':
			file = optarg;
			break;
		case 'M':
		case '4':
		case '6':
			break;
		case 'V':
			printf("%s-save v%s (%s)\n", ctx->prog, IPT_VERSION, IPT_VARIANT);
			return 0;
		default:
			fprintf(stderr, "Look at manual page `%s-save.8' for more information.\n",
				ctx->prog);
			return BPFW_EXIT_OTHER;
		}
	}
	if (table && ir_table_id_parse(table, &id)) {
		fprintf(stderr, "Table `%s' does not exist\n", table);
		return BPFW_EXIT_OTHER;
	}
	ret = compat_require_root(ctx->prog, &err);
	if (ret)
		goto out;
	if (file) {
		out = fopen(file, "w");
		if (!out) {
			ret = bpfw_errf(&err, BPFW_EXIT_OTHER, errno, "Failed to open file, error: %s",
					strerror(errno));
			goto out;
		}
	}
	/* shared: never in the middle of a swap, never in a writer's way for long */
	lock = compat_lock_shared(&err);
	ret = lock < 0 ? lock : txn_begin(&t, &err);
	if (!ret)
		ret = txn_read_counters(&t, &err);
	if (!ret && table) {
		struct ir_table *tb;

		/* naming a table shows it even before it holds anything */
		ret = ir_table_get(t.rs, ctx->family, id, &tb);
	}
	if (!ret)
		ret = ipt_save(ctx, out, t.rs, table, counters, true);
out:
	if (ret && !err.exit_code)
		bpfw_errf(&err, BPFW_EXIT_OTHER, ret, "%s-save: %s", ctx->prog, strerror(-ret));
	if (out != stdout && out)
		fclose(out);
	fflush(stdout);
	txn_end(&t);
	compat_unlock(lock);
	status = compat_report(&err, false);
	bpfw_err_clear(&err);
	return status;
}
