// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw trace: which rule decides a packet, in the running rule set or in
 * an iptables-restore file (-r), without changing anything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/compat.h"
#include "bpfw/read.h"
#include "bpfw/trace.h"
#include "bpfw/txn.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: bpfw trace [-v] [-r FILE] [-6 -r FILE] PACKET\n"
		   "  PACKET: [in|out [IFACE]] PROTO SRC[:PORT] > DST[:PORT] [flags S|SA|...]\n"
		   "          [type N [code N]] [id N] [ttl N] [len N]\n"
		   "  -r FILE  trace through the rules of an iptables-restore file (-6: "
		   "ip6tables-restore)\n"
		   "  -v       print the verifier's log if the rule set does not load\n"
		   "e.g. bpfw trace in eth0 tcp 10.0.0.5:41000 '>' 10.0.0.1:22 flags S\n");
}

int compat_trace_packet(const struct ir_ruleset *rs, unsigned int sets_prog, bool verbose,
			int argc, char **argv, FILE *out, struct bpfw_err *err)
{
	const struct trace_opts o = { .sets_prog = sets_prog, .verbose = verbose };
	struct trace_result res;
	struct pkt_desc p;
	int ret;

	ret = pkt_desc_parse(argc, argv, &p, err);
	if (ret)
		return ret;
	ret = trace_run(rs, &p, &o, &res, err);
	if (!ret) {
		fputs("packet: ", out);
		pkt_desc_print(&p, out);
		fputc('\n', out);
		trace_print(&res, out);
	}
	trace_result_free(&res);
	return ret;
}

/* The rules of restore file @path, for family @ctx, into @rs. */
static int read_rules(const struct ipt_ctx *ctx, const char *path, struct ir_ruleset *rs,
		      struct bpfw_err *err)
{
	const struct ipt_restore_opts ropts = { .noflush = true };
	char *buf = NULL;
	size_t len = 0;
	FILE *in = fopen(path, "r");
	int ret;

	if (!in)
		return bpfw_errf(err, BPFW_EXIT_OTHER, errno, "Can't open %s: %s", path,
				 strerror(errno));
	ret = bpfw_read_all(in, &buf, &len);
	fclose(in);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = ipt_restore_apply(ctx, buf, len, &ropts, rs, err);
	free(buf);
	return ret;
}

static int trace_live(const struct ipt_ctx *ctx, bool verbose, int argc, char **argv,
		      struct bpfw_err *err)
{
	struct txn t = { 0 };
	int lock, ret;

	ret = compat_require_root("bpfw trace", err);
	if (ret)
		return ret;
	lock = compat_lock_shared(err);
	if (lock < 0)
		return lock;
	ret = txn_begin(&t, err);
	compat_unlock(lock);
	if (!ret)
		ret = compat_trace_packet(t.rs, t.live.prog_ids[CGEN_PROG_TC_INGRESS], verbose,
					  argc, argv, stdout, err);
	txn_end(&t);
	return ret;
}

int compat_trace_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	static const struct ipt_ctx ctx6 = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 };
	struct bpfw_err err = { 0 };
	struct ir_ruleset *rs = NULL;
	bool verbose = false, v6 = false;
	int i, ret = 0, status;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] && ret == 0; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			goto out;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else if (!strcmp(argv[i], "-6")) {
			v6 = true;
		} else if ((!strcmp(argv[i], "-r") || !strcmp(argv[i], "--rules")) &&
			   i + 1 < argc) {
			if (!rs)
				rs = ir_ruleset_new();
			if (!rs)
				ret = bpfw_errf(&err, BPFW_EXIT_RESOURCE, ENOMEM,
						"Cannot allocate memory");
			else
				ret = read_rules(v6 ? &ctx6 : ctx, argv[++i], rs, &err);
		} else if (!strcmp(argv[i], "--live")) {
			continue;
		} else {
			usage(stderr);
			ret = bpfw_errf(&err, BPFW_EXIT_PARAMETER, EINVAL,
					"bpfw trace: unknown option '%s'", argv[i]);
		}
	}
	if (ret)
		goto out;
	if (i == argc) {
		usage(stderr);
		ret = bpfw_errf(&err, BPFW_EXIT_PARAMETER, EINVAL, "bpfw trace: no packet given");
	} else if (rs) {
		ret = compat_trace_packet(rs, 0, verbose, argc - i, argv + i, stdout, &err);
	} else {
		ret = trace_live(ctx, verbose, argc - i, argv + i, &err);
	}
out:
	ir_ruleset_free(rs);
	fflush(stdout);
	status = compat_report(&err, verbose);
	bpfw_err_clear(&err);
	return status;
}
