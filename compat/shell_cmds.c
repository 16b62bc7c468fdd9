// SPDX-License-Identifier: GPL-2.0
/*
 * What one line at bpfw shell's prompt does: an iptables command (with or
 * without "iptables"/"ip6tables" before it) is staged, an nft command
 * line is staged, "ipset ..." runs at once, and the shell's own commands
 * (diff, commit, abort, show, list, counters, save, load, trace, help,
 * quit) act on the staged or the running rule set.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/compat.h"
#include "bpfw/txn.h"
#include "shell.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };
static const struct ipt_ctx ctx6 = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 };

/* The first words of nft's commands, handed to the nft front end. */
static const char *const nft_words[] = {
	"add", "create", "delete", "destroy", "flush", "insert", "replace", "rename", "reset",
	"table", "chain", "define", NULL
};

/* "list" followed by one of these is nft's; "list" alone or with options is the shell's. */
static const char *const nft_list_words[] = {
	"ruleset", "table", "tables", "chain", "chains", "set", "sets", NULL
};

static bool in_list(const char *const *list, const char *w)
{
	for (; *list; list++)
		if (!strcmp(*list, w))
			return true;
	return false;
}

static int usage_err(struct bpfw_err *err, const char *cmd)
{
	return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL, "Usage: %s (see \"help %s\")", cmd,
			 cmd);
}

/* -4 / -6 and -n options before a file name: "save -6 FILE", "load -n FILE". */
static int file_args(int n, char **w, const struct ipt_ctx **ctx, bool *noflush,
		     const char **path)
{
	*ctx = &ctx4;
	*path = NULL;
	for (int i = 1; i < n; i++) {
		if (!strcmp(w[i], "-6"))
			*ctx = &ctx6;
		else if (!strcmp(w[i], "-4"))
			*ctx = &ctx4;
		else if (noflush && (!strcmp(w[i], "-n") || !strcmp(w[i], "--noflush")))
			*noflush = true;
		else if (!*path)
			*path = w[i];
		else
			return -EINVAL;
	}
	return *path ? 0 : -EINVAL;
}

static int cmd_save(struct shell *sh, int n, char **w, struct bpfw_err *err)
{
	const struct ipt_ctx *ctx;
	const char *path;
	FILE *f;
	int ret;

	if (file_args(n, w, &ctx, NULL, &path))
		return usage_err(err, "save");
	f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!f)
		return bpfw_errf(err, BPFW_EXIT_OTHER, errno, "Can't open %s: %s", path,
				 strerror(errno));
	ret = ipt_save(ctx, f, sh->staged, NULL, IPT_SAVE_NO_COUNTERS, true);
	if (f != stdout && fclose(f) && !ret)
		ret = -errno;
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_OTHER, -ret, "Cannot write %s: %s", path,
				 strerror(-ret));
	return 0;
}

static int cmd_load(struct shell *sh, int n, char **w, struct bpfw_err *err)
{
	const struct ipt_ctx *ctx;
	bool noflush = false;
	const char *path;

	if (file_args(n, w, &ctx, &noflush, &path))
		return usage_err(err, "load");
	return shell_load(sh, ctx, path, noflush, err);
}

/* Every table of @rs in use, as -S lines that can be typed at the prompt again. */
static int show_all(const struct ir_ruleset *rs, FILE *out, struct bpfw_err *err)
{
	for (int fam = 0; fam < IR_FAMILY_MAX; fam++) {
		const struct ipt_ctx *ctx = fam == IR_FAMILY_IPV6 ? &ctx6 : &ctx4;

		for (int id = IR_TABLE_MAX; id-- > 0;) {
			const struct ir_table *t = rs->tables[fam][id];
			char *buf = NULL, *line, *save = NULL;
			size_t len = 0;
			FILE *f;
			int ret;

			if (!t)
				continue;
			f = open_memstream(&buf, &len);
			if (!f)
				return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM,
						 "Cannot allocate memory");
			ret = ipt_list_rules(ctx, f, t, "", 0, 0, err);
			fclose(f);
			for (line = strtok_r(buf, "\n", &save); !ret && line;
			     line = strtok_r(NULL, "\n", &save))
				fprintf(out, "%s%s%s%s%s\n",
					fam == IR_FAMILY_IPV6 ? "ip6tables " : "",
					id == IR_TABLE_FILTER ? "" : "-t ",
					id == IR_TABLE_FILTER ? "" : ir_table_name(id),
					id == IR_TABLE_FILTER ? "" : " ", line);
			free(buf);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* "show ARGS" is "-S ARGS" and "list ARGS" is "-L -n ARGS", on the staged set. */
static int show_or_list(struct shell *sh, bool list, int n, char **w, struct bpfw_err *err)
{
	const struct ipt_ctx *ctx = &ctx4;
	char **args = calloc(n + 3, sizeof(*args));
	int k = 0, ret;

	if (!args)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	args[k++] = list ? "-L" : "-S";
	if (list)
		args[k++] = "-n";
	for (int i = 1; i < n; i++) {
		if (!strcmp(w[i], "-6"))
			ctx = &ctx6;
		else if (strcmp(w[i], "-4"))
			args[k++] = w[i];
	}
	ret = shell_iptables(sh, ctx, k, args, err);
	free(args);
	return ret;
}

/* "counters": every table of the running set with its counters, as -L -n -v -x prints it. */
static int cmd_counters(struct shell *sh, struct bpfw_err *err)
{
	struct txn t = { 0 };
	int lock, ret;

	lock = compat_lock_shared(err);
	if (lock < 0)
		return lock;
	ret = txn_begin(&t, err);
	if (!ret)
		ret = txn_read_counters(&t, err);
	compat_unlock(lock);
	for (int fam = 0; fam < IR_FAMILY_MAX && !ret; fam++) {
		for (int id = IR_TABLE_MAX; id-- > 0 && !ret;) {
			const struct ir_table *tb = t.rs->tables[fam][id];

			if (!tb)
				continue;
			printf("# %s -t %s\n", fam == IR_FAMILY_IPV6 ? "ip6tables" : "iptables",
			       ir_table_name(id));
			ret = ipt_list_table(fam == IR_FAMILY_IPV6 ? &ctx6 : &ctx4, stdout, tb, "",
					     0, IPT_F_NUMERIC | IPT_F_VERBOSE | IPT_F_EXACT, err);
		}
	}
	txn_end(&t);
	return ret;
}

static int cmd_trace(struct shell *sh, int n, char **w, struct bpfw_err *err)
{
	struct txn t = { 0 };
	int lock, ret;

	if (n < 2 || strcmp(w[1], "--live"))
		return compat_trace_packet(sh->staged, sh->sets_prog, sh->verbose, n - 1, w + 1,
					   stdout, err);
	lock = compat_lock_shared(err);
	if (lock < 0)
		return lock;
	ret = txn_begin(&t, err);
	compat_unlock(lock);
	if (!ret)
		ret = compat_trace_packet(t.rs, t.live.prog_ids[CGEN_PROG_TC_INGRESS],
					  sh->verbose, n - 2, w + 2, stdout, err);
	txn_end(&t);
	return ret;
}

/* ipset runs at once (sets are not staged); the staged rules then see the new sets. */
static int cmd_ipset(struct shell *sh, int n, char **w, struct bpfw_err *err)
{
	int status;

	fflush(stdout);
	status = compat_ipset_main(&ctx4, n, w);
	fflush(stdout);
	if (status)
		return bpfw_errf(err, status, EINVAL, "%s", "");
	return shell_refresh(sh, err);
}

static int cmd_quit(struct shell *sh)
{
	if (sh->n_journal && sh->interactive && !sh->warned_quit) {
		printf("%u staged change(s) not committed: \"commit\" them, \"abort\" them, or "
		       "quit again to drop them.\n", sh->n_journal);
		sh->warned_quit = true;
		return 0;
	}
	sh->quit = true;
	return 0;
}

static int run_words(struct shell *sh, const char *line, int n, char **w, struct bpfw_err *err)
{
	const char *c = w[0];

	if (c[0] == '-')
		return shell_iptables(sh, &ctx4, n, w, err);
	if (!strcmp(c, "iptables") || !strcmp(c, "ip6tables"))
		return shell_iptables(sh, c[2] == '6' ? &ctx6 : &ctx4, n - 1, w + 1, err);
	if (!strcmp(c, "ipset"))
		return cmd_ipset(sh, n, w, err);
	if (!strcmp(c, "nft"))
		return shell_nft(sh, strstr(line, "nft") + 3, err);
	if (in_list(nft_words, c) || (!strcmp(c, "list") && n > 1 && in_list(nft_list_words, w[1])))
		return shell_nft(sh, line, err);
	if (!strcmp(c, "diff"))
		return shell_diff(sh, stdout, err);
	if (!strcmp(c, "commit"))
		return shell_commit(sh, err);
	if (!strcmp(c, "abort"))
		return shell_abort(sh, err);
	if (!strcmp(c, "show") && n == 1)
		return show_all(sh->staged, stdout, err);
	if (!strcmp(c, "show") || !strcmp(c, "list"))
		return show_or_list(sh, c[0] == 'l', n, w, err);
	if (!strcmp(c, "counters"))
		return cmd_counters(sh, err);
	if (!strcmp(c, "save"))
		return cmd_save(sh, n, w, err);
	if (!strcmp(c, "load"))
		return cmd_load(sh, n, w, err);
	if (!strcmp(c, "trace"))
		return cmd_trace(sh, n, w, err);
	if (!strcmp(c, "help") || !strcmp(c, "?")) {
		shell_help(n > 1 ? w[1] : NULL, stdout);
		return 0;
	}
	if (!strcmp(c, "quit") || !strcmp(c, "exit"))
		return cmd_quit(sh);
	return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL,
			 "Unknown command \"%s\": type \"help\" for the commands", c);
}

int shell_run_line(struct shell *sh, const char *line, struct bpfw_err *err)
{
	char **w;
	int n, ret;

	n = shell_split(line, false, &w);
	if (n == -EINVAL)
		return bpfw_errf(err, BPFW_EXIT_PARAMETER, EINVAL, "Unterminated quote");
	if (n < 0)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = n ? run_words(sh, line, n, w, err) : 0;
	if (strcmp(n ? w[0] : "", "quit") && strcmp(n ? w[0] : "", "exit"))
		sh->warned_quit = false;
	shell_words_free(w, n);
	return ret;
}
