// SPDX-License-Identifier: GPL-2.0
/*
 * ipset (or "bpfw ipset"): ipset 7.17's command line, messages and exit
 * statuses for the sets bpfw keeps in BPF maps (doc/sets.md).  Commands
 * that change definitions (create, destroy, rename, swap) commit a new
 * generation; add, del, test, flush, list and save work on the running
 * sets' maps.  restore runs a file of such commands, committing definition
 * changes before the first element command that needs them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfw/compat.h"
#include "bpfw/ld.h"
#include "ipset_run.h"

#define MAX_WORDS	64

static const struct {
	const char *name, *alias;
} commands[] = {
	{ "create", "-N" }, { "add", "-A" },	 { "del", "-D" },     { "test", "-T" },
	{ "destroy", "-X" }, { "list", "-L" },	 { "save", "-S" },    { "restore", "-R" },
	{ "flush", "-F" },   { "rename", "-E" }, { "swap", "-W" },    { "help", "-H" },
	{ "version", "-V" },
};

#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "ipset v%s (bpfw)\n\nUsage: ipset [options] COMMAND\n\nCommands:\n"
		"create SETNAME TYPENAME [type-specific-options]\n\tCreate a new set\n"
		"add SETNAME ENTRY\n\tAdd entry to the named set\n"
		"del SETNAME ENTRY\n\tDelete entry from the named set\n"
		"test SETNAME ENTRY\n\tTest entry in the named set\n"
		"destroy [SETNAME]\n\tDestroy a named set or all sets\n"
		"list [SETNAME]\n\tList the entries of a named set or all sets\n"
		"save [SETNAME]\n\tSave the named set or all sets to stdout\n"
		"restore \n\tRestore a saved state\n"
		"flush [SETNAME]\n\tFlush a named set or all sets\n"
		"rename FROM-SETNAME TO-SETNAME\n\tRename two sets\n"
		"swap FROM-SETNAME TO-SETNAME\n\tSwap the contect of two existing sets\n"
		"help [TYPENAME]\n\tPrint help, and settype specific help\n"
		"version \n\tPrint version information\n\n"
		"Types: hash:ip hash:net hash:ip,port (family inet|inet6, hashsize, maxelem, "
		"timeout)\n", IPSET_VERSION);
}

/*
 * The running sets without the rules: add, del, test and flush cost one
 * map update and the reading of the sets' section (written first), however
 * many rules there are.
 */
static int begin_light(struct txn *t, struct bpfw_err *err)
{
	const char *p, *end;
	int ret;

	memset(t, 0, sizeof(*t));
	t->rs = ir_ruleset_new();
	if (!t->rs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	ret = ld_live_open(&t->live, err);
	if (ret || !t->live.present || !t->live.state)
		return ret;
	p = strchr(t->live.state, '\n');
	if (!p || strncmp(p + 1, IPSET_STATE_TAG, strlen(IPSET_STATE_TAG)))
		return 0;
	p += 1 + strlen(IPSET_STATE_TAG);
	end = strstr(p, "\n%");
	end = end ? end + 1 : p + strlen(p);
	return ipset_state_parse(p, end - p, t->rs, err);
}

int ipset_run_begin(struct ipset_run *run, struct bpfw_err *err)
{
	if (run->begun)
		return 0;
	memset(&run->t, 0, sizeof(run->t));
	run->begun = true;
	return run->light ? begin_light(&run->t, err) : txn_begin(&run->t, err);
}

int ipset_run_commit(struct ipset_run *run, struct bpfw_err *err)
{
	int ret;

	if (!run->pending)
		return 0;
	run->pending = false;
	ret = txn_commit(&run->t, err);
	ipset_run_end(run);
	return ret;
}

void ipset_run_borrow(struct ipset_run *run, struct ir_ruleset *rs, uint32_t prog_id)
{
	memset(&run->t, 0, sizeof(run->t));
	run->t.rs = rs;
	run->t.live.present = true;
	run->t.live.prog_ids[CGEN_PROG_TC_INGRESS] = prog_id;
	run->begun = true;
	run->borrowed = true;
}

void ipset_run_end(struct ipset_run *run)
{
	if (run->begun && !run->borrowed)
		txn_end(&run->t);
	run->begun = false;
	run->borrowed = false;
}

/* A command's optional last name (list, save, destroy, flush): ipset's error for more. */
static int opt_name(char *const *words, int n, const char **name, struct bpfw_err *err)
{
	if (n > 1)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL, "Unknown argument %s",
				 words[1]);
	*name = n ? words[0] : NULL;
	return 0;
}

/* rename and swap: exactly two names. */
static int two_names(const char *cmd, int n, struct bpfw_err *err)
{
	if (n < 1)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing mandatory argument to command %s", cmd);
	if (n < 2)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing second mandatory argument to command %s", cmd);
	return 0;
}

static int run_restore(struct ipset_run *run, FILE *in, struct bpfw_err *err);

/* Take ipset's global options out of @words (they may come anywhere); their new count. */
static int take_options(struct ipset_run *run, char **words, int n, struct bpfw_err *err)
{
	int out = 0;

	for (int i = 0; i < n; i++) {
		const char *w = words[i];

		if (!strcmp(w, "-exist") || !strcmp(w, "-!"))
			run->exist = true;
		else if (!strcmp(w, "-q") || !strcmp(w, "-quiet"))
			run->quiet = true;
		else if (!strcmp(w, "-n") || !strcmp(w, "-name"))
			run->mode = IPSET_LIST_NAMES;
		else if (!strcmp(w, "-t") || !strcmp(w, "-terse"))
			run->mode = run->mode == IPSET_LIST_NAMES ? run->mode : IPSET_LIST_TERSE;
		else if (!strcmp(w, "-s") || !strcmp(w, "-sorted"))
			run->sorted = true;
		else if (!strcmp(w, "-r") || !strcmp(w, "-resolve"))
			continue;
		else if (!strcmp(w, "-f") || !strcmp(w, "-file")) {
			if (i + 1 >= n)
				return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
						 "Missing mandatory argument to option %s", w);
			run->file = words[++i];
		} else if (!strcmp(w, "-o") || !strcmp(w, "-output")) {
			if (i + 1 >= n || (strcmp(words[i + 1], "plain") &&
					   strcmp(words[i + 1], "save")))
				return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
						 "Syntax error: Unknown output mode '%s'",
						 i + 1 < n ? words[i + 1] : "");
			if (!strcmp(words[++i], "save"))
				run->mode = IPSET_LIST_SAVE;
		} else {
			words[out++] = words[i];
		}
	}
	return out;
}

/* One command: @words[0] is its name, the rest its arguments (options taken out). */
static int run_command(struct ipset_run *run, char **words, int n, FILE *in, bool restoring,
		       struct bpfw_err *err)
{
	const char *name = NULL, *cmd;
	unsigned int c;
	int ret;

	n = take_options(run, words, n, err);
	if (n < 0)
		return n;
	if (n == 0)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL, "No command specified.");
	if (!strcmp(words[0], "-v") || !strcmp(words[0], "--version"))
		words[0] = "version";
	if (!strcmp(words[0], "-h") || !strcmp(words[0], "--help"))
		words[0] = "help";
	for (c = 0; c < N_COMMANDS; c++)
		if (!strcmp(words[0], commands[c].name) || !strcmp(words[0], commands[c].alias))
			break;
	if (c == N_COMMANDS)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "No command specified: unknown argument %s", words[0]);
	cmd = commands[c].name;
	words++;
	n--;
	if (!strcmp(cmd, "version")) {
		printf("ipset v%s, protocol version: %d\n", IPSET_VERSION, IPSET_PROTOCOL);
		return 0;
	}
	if (!strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "restore")) {
		if (restoring)
			return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
					 "Restore command is not supported in restore mode");
		ret = opt_name(words, n, &name, err);
		if (ret)
			return ret;
		if (run->file) {
			/* ipset gives up silently on a file it cannot open */
			in = fopen(run->file, "r");
			if (!in)
				return bpfw_errf(err, 255, errno, "%s", "");
			ret = run_restore(run, in, err);
			fclose(in);
			return ret;
		}
		return run_restore(run, in, err);
	}
	/* the element commands of one command line need the sets only */
	run->light = !restoring && (!strcmp(cmd, "add") || !strcmp(cmd, "del") ||
				    !strcmp(cmd, "test") || !strcmp(cmd, "flush"));
	ret = ipset_run_begin(run, err);
	if (ret)
		return ret;
	if (!strcmp(cmd, "create"))
		return ipset_create(run, words, n, err);
	if (!strcmp(cmd, "add") || !strcmp(cmd, "del") || !strcmp(cmd, "test"))
		return ipset_elem_cmd(run, cmd[0] == 'a' ? 'a' : cmd[0] == 'd' ? 'd' : 't', words,
				      n, err);
	if (!strcmp(cmd, "rename") || !strcmp(cmd, "swap")) {
		ret = two_names(cmd, n, err);
		if (!ret && n > 2)
			ret = bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL, "Unknown argument %s",
					words[2]);
		if (ret)
			return ret;
		return cmd[1] == 'e' ? ipset_rename(run, words[0], words[1], err) :
				       ipset_swap(run, words[0], words[1], err);
	}
	ret = opt_name(words, n, &name, err);
	if (ret)
		return ret;
	if (!strcmp(cmd, "destroy"))
		return ipset_destroy(run, name, err);
	if (!strcmp(cmd, "flush"))
		return ipset_flush(run, name, err);
	if (!strcmp(cmd, "save") && run->mode != IPSET_LIST_NAMES)
		run->mode = IPSET_LIST_SAVE;
	if (run->file) {
		FILE *out = fopen(run->file, "w");

		if (!out)
			return bpfw_errf(err, IPSET_EXIT_OTHER, errno,
					 "Cannot open %s for writing: %m", run->file);
		ret = ipset_list(run, name, out, err);
		if (fclose(out) && !ret)
			ret = bpfw_errf(err, IPSET_EXIT_OTHER, errno, "Cannot write %s: %m",
					run->file);
		return ret;
	}
	return ipset_list(run, name, stdout, err);
}

/* Split @line (changed in place) into words; their number, or -E2BIG. */
static int split(char *line, char **words)
{
	int n = 0;

	for (char *tok = strtok(line, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
		if (n == MAX_WORDS)
			return -E2BIG;
		words[n++] = tok;
	}
	return n;
}

static int run_restore(struct ipset_run *run, FILE *in, struct bpfw_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, ret = 0;
	bool exist = run->exist;

	while (!ret && getline(&line, &cap, in) >= 0) {
		char *words[MAX_WORDS];
		int n;

		lineno++;
		n = split(line, words);
		if (n == 0 || words[0][0] == '#' || (n == 1 && !strcmp(words[0], "COMMIT")))
			continue;
		if (n < 0) {
			ret = bpfw_errf(err, IPSET_EXIT_OTHER, E2BIG, "Line is too long");
		} else {
			run->exist = exist;
			ret = run_command(run, words, n, in, true, err);
		}
		/* ipset's own syntax errors name no line */
		if (ret && err->exit_code == IPSET_EXIT_OTHER)
			err->line = lineno;
	}
	free(line);
	/* as ipset, the lines before a failing one stay done */
	if (ret) {
		struct bpfw_err later = { 0 };

		ipset_run_commit(run, &later);
		bpfw_err_clear(&later);
		return ret;
	}
	return ipset_run_commit(run, err);
}

/* ipset's way of printing an error: the version, the line in a restore, the hint. */
static int report(const struct bpfw_err *err)
{
	if (!err->exit_code || !err->msg[0])
		return err->exit_code;
	if (strstr(err->msg, " is NOT in set ")) {
		fprintf(stderr, "%s\n", err->msg);
		return err->exit_code;
	}
	fprintf(stderr, "ipset v%s: ", IPSET_VERSION);
	if (err->line)
		fprintf(stderr, "Error in line %d: ", err->line);
	fprintf(stderr, "%s\n", err->msg);
	if (err->exit_code == IPSET_EXIT_PARAMETER)
		fputs("Try `ipset help' for more information.\n", stderr);
	return err->exit_code;
}

/* What ipset says when the kernel refuses someone who is not root. */
static int need_root(struct bpfw_err *err)
{
	if (geteuid() == 0)
		return 0;
	return bpfw_errf(err, IPSET_EXIT_OTHER, EPERM,
			 "Kernel error received: Operation not permitted");
}

/* Whether the command (the first word that is not an option) only reads definitions. */
static bool is_reader(int argc, char **argv)
{
	static const char *const readers[] = { "add", "del", "test", "list", "save", "flush",
					       "-A", "-D", "-T", "-L", "-S", "-F" };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "-output")) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && strlen(argv[i]) > 2)
			continue;	/* -exist, -quiet, -name, ... */
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "-n") || !strcmp(argv[i], "-t") ||
		    !strcmp(argv[i], "-s") || !strcmp(argv[i], "-r") || !strcmp(argv[i], "-!"))
			continue;
		for (unsigned int k = 0; k < sizeof(readers) / sizeof(readers[0]); k++)
			if (!strcmp(argv[i], readers[k]))
				return true;
		return false;
	}
	return false;
}

int compat_ipset_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct ipset_run run = { .mode = IPSET_LIST_FULL };
	struct bpfw_err err = { 0 };
	int lock = -1, ret, status;
	bool reads;

	(void)ctx;
	ret = argc > 1 ? 0 : bpfw_errf(&err, IPSET_EXIT_PARAMETER, EINVAL, "No command specified.");
	if (ret)
		goto out;
	/* only version and help run without the rule set */
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		bool version = !strcmp(w, "version") || !strcmp(w, "-V") || !strcmp(w, "-v") ||
			       !strcmp(w, "--version");

		if (version || !strcmp(w, "help") || !strcmp(w, "-h") || !strcmp(w, "-H") ||
		    !strcmp(w, "--help")) {
			ret = run_command(&run, argv + 1, argc - 1, stdin, false, &err);
			/* ipset asks the kernel for its protocol after printing its own */
			if (!ret && version)
				ret = need_root(&err);
			goto out;
		}
	}
	ret = need_root(&err);
	if (ret)
		goto out;
	/* element commands and listings write no definition: they share the lock */
	reads = is_reader(argc, argv);
	lock = reads ? compat_lock_shared(&err) : compat_lock(0, &err);
	if (lock < 0) {
		ret = lock;
		goto out;
	}
	ret = run_command(&run, argv + 1, argc - 1, stdin, false, &err);
	if (!ret)
		ret = ipset_run_commit(&run, &err);
out:
	ipset_run_end(&run);
	if (lock >= 0)
		compat_unlock(lock);
	/* stdout as ipset's: flushed at exit, after a message on stderr when it is a pipe */
	status = report(&err);
	bpfw_err_clear(&err);
	return status;
}
