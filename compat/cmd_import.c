// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw import: load the nf_tables rule set of this network namespace into
 * bpfw as one transaction (replacing bpfw's rule set; ipset sets are kept),
 * or print it (--dry-run).  Whatever cannot be translated is listed with its
 * reason; nothing is loaded unless everything translates, or --partial.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/table.h>

#include "bpfw/compat.h"
#include "bpfw/nft.h"
#include "bpfw/nft_import.h"
#include "bpfw/txn.h"
#include "ipset_run.h"

struct import_args {
	bool dry_run;
	bool partial;
	bool flush_source;
	bool verbose;
	const char *format;
	int wait_secs;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: bpfw import [--dry-run [--format iptables|nft]] [--partial] "
		   "[--flush-source] [-w [SECONDS]] [-v]\n"
		   "  Read the nf_tables rule set of this network namespace and load it into bpfw\n"
		   "  (or print it with --dry-run).  What cannot be translated is listed; nothing\n"
		   "  is loaded then, unless --partial.  --flush-source deletes the nf_tables\n"
		   "  tables read once bpfw runs their rules.\n");
}

/* Returns 0 to go on, 1 when done (help), or an exit status + 1 < 0. */
static int parse_args(int argc, char **argv, struct import_args *a)
{
	a->wait_secs = -1;
	a->format = "iptables";
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--dry-run") || !strcmp(s, "-n")) {
			a->dry_run = true;
		} else if (!strcmp(s, "--partial")) {
			a->partial = true;
		} else if (!strcmp(s, "--flush-source")) {
			a->flush_source = true;
		} else if (!strcmp(s, "-v") || !strcmp(s, "--verbose")) {
			a->verbose = true;
		} else if (!strcmp(s, "--format") && i + 1 < argc) {
			a->format = argv[++i];
		} else if (!strncmp(s, "--format=", 9)) {
			a->format = s + 9;
		} else if (!strcmp(s, "-w") || !strcmp(s, "--wait")) {
			a->wait_secs = 0;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				a->wait_secs = atoi(argv[++i]);
		} else if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			usage(stdout);
			return 1;
		} else {
			fprintf(stderr, "bpfw import: unknown argument '%s'\n", s);
			usage(stderr);
			return -BPFW_EXIT_PARAMETER - 1;
		}
	}
	if (strcmp(a->format, "iptables") && strcmp(a->format, "nft")) {
		fprintf(stderr, "bpfw import: unknown format '%s' (iptables or nft)\n", a->format);
		return -BPFW_EXIT_PARAMETER - 1;
	}
	if (a->flush_source && a->dry_run) {
		fprintf(stderr, "bpfw import: --flush-source with --dry-run would delete rules "
				"that are not loaded\n");
		return -BPFW_EXIT_PARAMETER - 1;
	}
	return 0;
}

static const struct ipt_ctx family_ctx[IR_FAMILY_MAX] = {
	[IR_FAMILY_IPV4] = { "iptables", IR_FAMILY_IPV4 },
	[IR_FAMILY_IPV6] = { "ip6tables", IR_FAMILY_IPV6 },
};

static bool family_in_use(const struct ir_ruleset *rs, int f)
{
	for (int i = 0; i < IR_TABLE_MAX; i++)
		if (rs->tables[f][i])
			return true;
	return false;
}

/* The named sets the rules use, as ipset save writes them (for ipset restore). */
static void print_sets(const struct nft_import_report *rep)
{
	if (rep->n_sets)
		printf("# ipset (ipset restore)\n");
	for (unsigned int i = 0; i < rep->n_sets; i++) {
		const struct nft_import_set *s = &rep->sets[i];

		printf("create %s %s family %s hashsize %u maxelem %u", s->def.name,
		       s->def.type == IR_SET_HASH_NET ? "hash:net" : "hash:ip",
		       s->def.family == IR_FAMILY_IPV4 ? "inet" : "inet6", s->def.hashsize,
		       s->def.maxelem);
		if (s->def.with_timeout)
			printf(" timeout %u", s->def.timeout);
		printf("\n");
		for (unsigned int j = 0; j < s->n_elems; j++)
			printf("add %s %s\n", s->def.name, s->elems[j]);
	}
}

/* iptables-save text of both families' tables of @rs. */
static int print_iptables(const struct ir_ruleset *rs)
{
	int ret = 0;

	for (int f = 0; f < IR_FAMILY_MAX && !ret; f++) {
		if (!family_in_use(rs, f))
			continue;
		printf("# %s\n", f == IR_FAMILY_IPV4 ? "IPv4 (iptables-restore)" :
		       "IPv6 (ip6tables-restore)");
		ret = ipt_save(&family_ctx[f], stdout, rs, NULL, IPT_SAVE_NO_COUNTERS, false);
	}
	return ret;
}

/*
 * The translated rules as iptables-restore reads them back: bpfw keeps its
 * rule set as that text, so rules that would not read back are refused
 * here rather than stored.
 */
static int read_back(const struct ir_ruleset *rs, struct bpfw_err *err)
{
	const struct ipt_restore_opts opts = { 0 };
	struct ir_ruleset *back = ir_ruleset_new();
	char *text = NULL;
	size_t len = 0;
	int ret = 0;

	if (!back)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	for (unsigned int i = 0; i < rs->n_sets && !ret; i++)
		ret = ir_set_add(back, &rs->sets[i]);
	if (ret) {
		ir_ruleset_free(back);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	for (int f = 0; f < IR_FAMILY_MAX && !ret; f++) {
		FILE *out;

		if (!family_in_use(rs, f))
			continue;
		out = open_memstream(&text, &len);
		if (!out) {
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
			break;
		}
		ret = ipt_save(&family_ctx[f], out, rs, NULL, IPT_SAVE_NO_COUNTERS, false);
		if (fclose(out) && !ret)
			ret = -ENOMEM;
		if (!ret)
			ret = ipt_restore_apply(&family_ctx[f], text, len, &opts, back, err);
		if (ret && err->exit_code) {
			char msg[BPFW_ERR_MSG_MAX];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			bpfw_err_clear(err);
			ret = bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL, "bpfw import: the translated "
					"%s rules do not read back (%s); nothing was loaded",
					f == IR_FAMILY_IPV4 ? "IPv4" : "IPv6", msg);
		}
		free(text);
		text = NULL;
	}
	ir_ruleset_free(back);
	return ret;
}

/* Add @rs's sets to @to under new ids; -EEXIST names a set bpfw has already. */
static int add_sets(struct ir_ruleset *to, const struct ir_ruleset *rs, struct bpfw_err *err)
{
	for (unsigned int i = 0; i < to->n_sets; i++)
		if (to->sets[i].id >= to->set_seq)
			to->set_seq = to->sets[i].id + 1;
	for (unsigned int i = 0; i < rs->n_sets; i++) {
		struct ir_set s = rs->sets[i];

		if (ir_set_find(to, s.name))
			return bpfw_errf(err, BPFW_EXIT_OTHER, EEXIST,
					 "bpfw import: bpfw has a set named %s already (ipset "
					 "destroy it first); nothing was loaded", s.name);
		if (getrandom(&s.initval, sizeof(s.initval), 0) != sizeof(s.initval))
			s.initval = 0x2f8c4a1bu;
		s.id = to->set_seq++;
		if (ir_set_add(to, &s))
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	return 0;
}

/* txn.before_switch: the named sets' elements into the new program's maps. */
static int write_elems(struct txn *t, uint32_t prog_id, void *arg, struct bpfw_err *err)
{
	const struct nft_import_report *rep = arg;
	struct ipset_run run = { .light = true };
	int ret = 0;

	ipset_run_borrow(&run, t->rs, prog_id);
	for (unsigned int i = 0; i < rep->n_sets && !ret; i++) {
		for (unsigned int j = 0; j < rep->sets[i].n_elems && !ret; j++) {
			char *words[2] = { (char *)rep->sets[i].def.name, rep->sets[i].elems[j] };

			ret = ipset_elem_cmd(&run, 'a', words, 2, err);
		}
	}
	ipset_run_end(&run);
	return ret;
}

/*
 * Replace the running rule set's tables by @rs's and commit, the elements
 * of @rep's sets in their maps before the switch; other sets are kept.
 */
static int load(const struct import_args *a, struct ir_ruleset *rs,
		const struct nft_import_report *rep, struct bpfw_err *err)
{
	struct txn t = { 0 };
	int lock, ret;

	lock = compat_lock(a->wait_secs, err);
	if (lock < 0)
		return lock;
	t.verbose = a->verbose;
	ret = txn_begin(&t, err);
	if (ret)
		goto out;
	for (int f = 0; f < IR_FAMILY_MAX; f++) {
		for (int i = 0; i < IR_TABLE_MAX; i++) {
			ir_table_free(t.rs->tables[f][i]);
			t.rs->tables[f][i] = rs->tables[f][i];
			rs->tables[f][i] = NULL;
		}
	}
	while (t.rs->n_nft)
		ir_nft_table_del(t.rs, t.rs->nft[0]);
	ret = add_sets(t.rs, rs, err);
	t.before_switch = write_elems;
	t.before_switch_arg = (void *)rep;
	if (!ret)
		ret = txn_commit(&t, err);
out:
	txn_end(&t);
	compat_unlock(lock);
	return ret;
}

static int run(const struct import_args *a, bool *left_out, struct bpfw_err *err)
{
	struct nft_import_report rep = { 0 };
	struct nft_dump d = { 0 };
	struct ir_ruleset *rs;
	int ret;

	ret = compat_require_root("bpfw import", err);
	if (ret)
		return ret;
	rs = ir_ruleset_new();
	if (!rs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = nft_dump_read(&d, err);
	if (ret)
		goto out;
	if (nftnl_table_list_is_empty(d.tables)) {
		ret = bpfw_errf(err, BPFW_EXIT_OTHER, ENOENT, "bpfw import: the nf_tables rule set "
				"of this namespace is empty; nothing to import");
		goto out;
	}
	ret = nft_import(&d, rs, &rep, err);
	if (ret)
		goto out;
	for (unsigned int i = 0; i < rep.n_lines; i++)
		fprintf(stderr, "bpfw import: left out: %s\n", rep.lines[i]);
	*left_out = rep.n_lines > 0;
	if (rep.n_lines && !a->partial) {
		ret = bpfw_errf(err, BPFW_EXIT_OTHER, EOPNOTSUPP,
				"bpfw import: %u part%s of the rule set cannot be translated; "
				"nothing was %s (--partial %s the rest)", rep.n_lines,
				rep.n_lines == 1 ? "" : "s", a->dry_run ? "printed" : "loaded",
				a->dry_run ? "prints" : "loads");
		goto out;
	}
	ret = read_back(rs, err);
	if (ret)
		goto out;
	if (a->dry_run) {
		if (!strcmp(a->format, "nft")) {
			const struct nft_fmt_opts fmt = { .flags = NFT_F_STATELESS };

			ret = nft_fmt_ruleset(stdout, rs, &fmt);
		} else {
			print_sets(&rep);
			ret = print_iptables(rs);
		}
		if (ret)
			ret = bpfw_errf(err, BPFW_EXIT_OTHER, -ret, "bpfw import: %s",
					strerror(-ret));
		goto out;
	}
	ret = load(a, rs, &rep, err);
	if (ret)
		goto out;
	fprintf(stderr, "bpfw import: %u rules in %u chains loaded%s\n", rep.n_rules,
		rep.n_chains, rep.n_lines ? ", some left out (listed above)" : "");
	if (a->flush_source)
		ret = nft_dump_delete_tables(&d, err);
out:
	nft_report_free(&rep);
	nft_dump_free(&d);
	ir_ruleset_free(rs);
	return ret;
}

int compat_import_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct import_args a = { 0 };
	struct bpfw_err err = { 0 };
	bool left_out = false;
	int ret, status;

	ret = parse_args(argc, argv, &a);
	if (ret > 0)
		return 0;
	if (ret < 0)
		return -ret - 1;
	ret = run(&a, &left_out, &err);
	if (ret && !err.exit_code)
		bpfw_errf(&err, BPFW_EXIT_OTHER, -ret, "bpfw import: %s", strerror(-ret));
	status = compat_report(&err, a.verbose);
	bpfw_err_clear(&err);
	if (!status && left_out)
		status = BPFW_EXIT_OTHER;
	return status;
}
