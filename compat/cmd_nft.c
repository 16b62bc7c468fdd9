// SPDX-License-Identifier: GPL-2.0
/*
 * nft (or "bpfw nft"): nft's command line for the filter subset.  The
 * commands change the rule set in one transaction, committed once at the
 * end; element changes of named sets are then written to the sets' maps
 * without a new program (doc/nft.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpfw/cgen.h"
#include "bpfw/compat.h"
#include "bpfw/ipset.h"
#include "bpfw/ld.h"
#include "bpfw/nft.h"
#include "bpfw/txn.h"
#include "ipset_run.h"

#define KEY_BUF		64	/* longer than any set's key */

struct opts {
	unsigned int flags;		/* NFT_F_HANDLES, NFT_F_STATELESS, NFT_F_CHECK */
	const char *file;		/* -f */
	char *line;			/* the words of the command, joined */
};

static void usage(FILE *f)
{
	fputs("Usage: nft [ options ] [ cmds... ]\n\n"
	      "Options:\n"
	      "  -h, --help                    Show this help\n"
	      "  -v, --version                 Show version information\n"
	      "  -c, --check                   Check commands validity without actually "
	      "applying the changes.\n"
	      "  -f, --file <filename>         Read input from <filename>\n"
	      "  -a, --handle                  Output rule handle.\n"
	      "  -s, --stateless               Omit stateful information of ruleset.\n", f);
}

int nft_elems_list(void *arg, const struct ir_set *s, FILE *f)
{
	const struct txn *t = arg;
	uint8_t key[KEY_BUF] = { 0 }, next[KEY_BUF];
	struct ipset_elem *v = NULL, *more;
	size_t n = 0;
	bool first = true;
	int fd;

	if (!t->live.present)
		return 0;
	fd = ld_set_map_open(t->live.prog_ids[CGEN_PROG_TC_INGRESS], s);
	if (fd < 0)
		return 0;
	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, sizeof(key));
		more = realloc(v, (n + 1) * sizeof(*v));
		if (!more)
			break;
		v = more;
		ipset_elem_from_key(s, next, &v[n++]);
	}
	close(fd);
	/* in address order, as nft lists an interval set */
	for (size_t i = 1; i < n; i++) {
		for (size_t j = i; j > 0 && memcmp(v[j - 1].addr, v[j].addr, 16) > 0; j--) {
			struct ipset_elem tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	}
	for (size_t i = 0; i < n; i++) {
		char buf[INET6_ADDRSTRLEN];
		bool v6 = s->family == IR_FAMILY_IPV6;

		inet_ntop(v6 ? AF_INET6 : AF_INET, v[i].addr, buf, sizeof(buf));
		fprintf(f, "%s%s", i ? ", " : "", buf);
		if (v[i].cidr != (v6 ? 128 : 32))
			fprintf(f, "/%u", v[i].cidr);
	}
	free(v);
	return 0;
}

int nft_elems_write(const struct nft_ctx *ctx, struct ir_ruleset *rs, uint32_t prog_id,
		    struct bpfw_err *err)
{
	struct ipset_run run = { .light = true };
	int ret = 0;

	if (prog_id)
		ipset_run_borrow(&run, rs, prog_id);

	for (unsigned int i = 0; i < ctx->n_elems && !ret; i++) {
		char *words[2] = { (char *)ctx->elems[i].set, ctx->elems[i].elem };

		if (ctx->elems[i].op == 'f')
			ret = ipset_flush(&run, ctx->elems[i].set, err);
		else
			ret = ipset_elem_cmd(&run, ctx->elems[i].op, words, 2, err);
		if (ret && err->exit_code) {
			char msg[BPFW_ERR_MSG_MAX];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			err->exit_code = 0;
			bpfw_errf(err, BPFW_EXIT_OTHER, -ret, "Error: Could not process rule: "
				  "%s\n%s element %s", msg, ctx->elems[i].op == 'a' ? "add" :
				  ctx->elems[i].op == 'd' ? "delete" : "flush",
				  ctx->elems[i].elem ? ctx->elems[i].elem : ctx->elems[i].set);
		}
	}
	ipset_run_end(&run);
	return ret;
}

int nft_elems_before_switch(struct txn *t, uint32_t prog_id, void *arg, struct bpfw_err *err)
{
	return nft_elems_write(arg, t->rs, prog_id, err);
}

static int parse_args(int argc, char **argv, struct opts *o, struct bpfw_err *err)
{
	size_t len = 0;
	FILE *m;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-a") || !strcmp(a, "--handle")) {
			o->flags |= NFT_F_HANDLES;
		} else if (!strcmp(a, "-s") || !strcmp(a, "--stateless")) {
			o->flags |= NFT_F_STATELESS;
		} else if (!strcmp(a, "-c") || !strcmp(a, "--check")) {
			o->flags |= NFT_F_CHECK;
		} else if (!strcmp(a, "-n") || !strcmp(a, "-nn") || !strcmp(a, "-nnn") ||
			   !strcmp(a, "-N")) {
			/* numeric output: bpfw prints numbers where nft resolves nothing */
		} else if (!strcmp(a, "-f") || !strcmp(a, "--file")) {
			if (++i >= argc)
				return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
						 "nft: option requires an argument -- 'f'");
			o->file = argv[i];
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(a, "-v") || !strcmp(a, "--version")) {
			printf("nftables v1.0.6 (bpfw)\n");
			return 1;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else {
			return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
					 "nft: unrecognized option '%s'", a);
		}
	}
	if (o->file && i < argc)
		return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
				 "Error: -f and a command cannot be given together");
	if (o->file)
		return 0;
	if (i >= argc) {
		usage(stderr);
		return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL, "Error: no command given");
	}
	m = open_memstream(&o->line, &len);
	if (!m)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	for (; i < argc; i++)
		fprintf(m, "%s%s", argv[i], i + 1 < argc ? " " : "");
	if (fclose(m))
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
	return 0;
}

/* Whether the command only reads (list, or -c: check only): a shared lock is enough. */
static bool reads_only(const struct opts *o)
{
	return (o->flags & NFT_F_CHECK) || (o->line && !strncmp(o->line, "list", 4));
}

static int run(const struct opts *o, struct bpfw_err *err)
{
	struct txn t = { 0 };
	struct nft_ctx ctx = { .out = stdout };
	int lock, ret;

	ret = compat_require_root("nft", err);
	if (ret)
		return ret;
	lock = reads_only(o) ? compat_lock_shared(err) : compat_lock(0, err);
	if (lock < 0)
		return lock;
	ret = txn_begin(&t, err);
	if (!ret && !(o->flags & NFT_F_STATELESS))
		ret = txn_read_counters(&t, err);
	if (ret)
		goto out;
	ctx.flags = o->flags;
	ctx.fmt.flags = o->flags;
	ctx.fmt.elems = nft_elems_list;
	ctx.fmt.elems_arg = &t;
	if (o->file)
		ret = nft_run_file(&ctx, t.rs, o->file, err);
	else
		ret = nft_run_line(&ctx, t.rs, o->line, err);
	fflush(stdout);
	if (ret || !ctx.changed) {
		if (!ret && ctx.n_elems && !(o->flags & NFT_F_CHECK))
			ret = nft_elems_write(&ctx, NULL, 0, err);
		goto out;
	}
	if (o->flags & NFT_F_CHECK) {
		ret = txn_check(&t, err);
		goto out;
	}
	if (ctx.n_elems) {
		t.before_switch = nft_elems_before_switch;
		t.before_switch_arg = &ctx;
	}
	ret = txn_commit(&t, err);
out:
	nft_ctx_release(&ctx);
	txn_end(&t);
	compat_unlock(lock);
	return ret;
}

int compat_nft_main(const struct ipt_ctx *ictx, int argc, char **argv)
{
	struct bpfw_err err = { 0 };
	struct opts o = { 0 };
	int ret, status;

	ret = parse_args(argc, argv, &o, &err);
	if (ret > 0) {
		free(o.line);
		return 0;
	}
	if (!ret)
		ret = run(&o, &err);
	if (ret && !err.exit_code)
		bpfw_errf(&err, BPFW_EXIT_OTHER, ret, "Error: %s", strerror(-ret));
	fflush(stdout);
	/* nft exits 1 whatever failed */
	status = ret ? (compat_report(&err, false), 1) : 0;
	free(o.line);
	bpfw_err_clear(&err);
	(void)ictx;
	return status;
}
