// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-restore / ip6tables-restore.  The whole input is parsed,
 * compiled and verified before anything in the kernel changes; an error at
 * any line leaves the running rule set as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/compat.h"
#include "bpfw/read.h"
#include "bpfw/txn.h"

struct restore_args {
	struct ipt_restore_opts opts;
	bool test;
	bool verbose;
	int wait_secs;
	const char *file;
};

static void usage(const struct ipt_ctx *ctx, FILE *f)
{
	fprintf(f, "Usage: %s-restore [-c] [-v] [-V] [-t] [-h] [-n] [-T table] [-M command] "
		   "[-4] [-6] [file]\n"
		   "\t   [ --counters ]\n\t   [ --verbose ]\n\t   [ --version]\n\t   [ --test ]\n"
		   "\t   [ --help ]\n\t   [ --noflush ]\n\t   [ --table=<TABLE> ]\n"
		   "\t   [ --modprobe=<command> ]\n\t   [ --ipv4 ]\n\t   [ --ipv6 ]\n",
		ctx->prog);
}

static bool is_number(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Returns 0 to go on, 1 when done (help, version), or an exit status + 1 < 0. */
static int parse_args(const struct ipt_ctx *ctx, int argc, char **argv, struct restore_args *a)
{
	a->wait_secs = -1;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *val = NULL;

		if (!strcmp(s, "-c") || !strcmp(s, "--counters")) {
			a->opts.counters = true;
		} else if (!strcmp(s, "-n") || !strcmp(s, "--noflush")) {
			a->opts.noflush = true;
		} else if (!strcmp(s, "-t") || !strcmp(s, "--test")) {
			a->test = true;
		} else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
			a->verbose = true;
		} else if (!strcmp(s, "-4") || !strcmp(s, "--ipv4") || !strcmp(s, "-6") ||
			   !strcmp(s, "--ipv6")) {
			continue;
		} else if (!strcmp(s, "-V") || !strcmp(s, "--version")) {
			printf("%s-restore v%s (%s)\n", ctx->prog, IPT_VERSION, IPT_VARIANT);
			return 1;
		} else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			usage(ctx, stdout);
			return 1;
		} else if (!strcmp(s, "-w") || !strcmp(s, "--wait")) {
			a->wait_secs = 0;
			if (i + 1 < argc && is_number(argv[i + 1]))
				a->wait_secs = atoi(argv[++i]);
		} else if (!strncmp(s, "--wait=", 7) || (!strncmp(s, "-w", 2) && is_number(s + 2))) {
			a->wait_secs = atoi(s[1] == 'w' ? s + 2 : s + 7);
		} else if (!strcmp(s, "-W") || !strcmp(s, "--wait-interval") || !strcmp(s, "-M") ||
			   !strcmp(s, "--modprobe") || !strcmp(s, "-T") || !strcmp(s, "--table")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s-restore: option '%s' requires an argument\n"
						"Try `%s-restore -h' for more information.\n",
					ctx->prog, s, ctx->prog);
				return -BPFW_EXIT_PARAMETER - 1;
			}
			val = argv[++i];
			if (s[1] == 'T' || !strcmp(s, "--table"))
				a->opts.table = val;
		} else if (!strncmp(s, "--table=", 8)) {
			a->opts.table = s + 8;
		} else if (!strncmp(s, "--wait-interval=", 16) || !strncmp(s, "--modprobe=", 11)) {
			continue;
		} else if (s[0] == '-' && s[1]) {
			/* getopt's words, with the program as it was called */
			if (s[1] == '-')
				fprintf(stderr, "%s: unrecognized option '%s'\n", argv[0], s);
			else
				fprintf(stderr, "%s: invalid option -- '%c'\n", argv[0], s[1]);
			fprintf(stderr, "Try `%s-restore -h' for more information.\n", ctx->prog);
			return -BPFW_EXIT_OTHER - 1;
		} else if (!a->file) {
			a->file = s;
		}
	}
	return 0;
}

/* The whole input, NUL-terminated. */
static int read_input(const char *file, char **buf, size_t *len, struct bpfw_err *err)
{
	FILE *in = stdin;
	int ret = 0;

	if (file && strcmp(file, "-")) {
		in = fopen(file, "r");
		if (!in)
			return bpfw_errf(err, BPFW_EXIT_OTHER, errno, "Can't open %s: %s", file,
					 strerror(errno));
	}
	if (bpfw_read_all(in, buf, len))
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	else if (ferror(in))
		ret = bpfw_errf(err, BPFW_EXIT_OTHER, EIO, "Cannot read the input: %s",
				strerror(errno));
	if (in != stdin)
		fclose(in);
	return ret;
}

static int restore(const struct ipt_ctx *ctx, const struct restore_args *a, const char *buf,
		   size_t len, struct bpfw_err *err)
{
	struct ir_ruleset *next = NULL;
	struct txn t = { 0 };
	int lock, ret;

	ret = compat_require_root(ctx->prog, err);
	if (ret)
		return ret;
	lock = compat_lock(a->wait_secs, err);
	if (lock < 0)
		return lock;
	t.verbose = a->verbose;
	ret = txn_begin(&t, err);
	if (ret)
		goto out;
	next = ir_ruleset_clone(t.rs);
	if (!next) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		goto out;
	}
	ret = ipt_restore_apply(ctx, buf, len, &a->opts, next, err);
	if (ret)
		goto out;
	ir_ruleset_free(t.rs);
	t.rs = next;
	next = NULL;
	ret = a->test ? txn_check(&t, err) : txn_commit(&t, err);
out:
	ir_ruleset_free(next);
	txn_end(&t);
	compat_unlock(lock);
	return ret;
}

int compat_restore_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct restore_args a = { 0 };
	struct bpfw_err err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int ret, status;

	ret = parse_args(ctx, argc, argv, &a);
	if (ret > 0)
		return 0;
	if (ret < 0)
		return -ret - 1;
	ret = read_input(a.file, &buf, &len, &err);
	if (!ret)
		ret = restore(ctx, &a, buf, len, &err);
	if (ret && !err.exit_code)
		bpfw_errf(&err, BPFW_EXIT_OTHER, ret, "%s-restore: %s", ctx->prog, strerror(-ret));
	free(buf);
	status = compat_report(&err, a.verbose);
	bpfw_err_clear(&err);
	return status;
}
