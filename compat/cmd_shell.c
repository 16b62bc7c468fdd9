// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw shell: a prompt (GNU readline, with completion and a history kept
 * in ~/.bpfw_history or $BPFW_HISTORY) where iptables commands change a
 * staged rule set that "commit" swaps in whole.  Read from a file or a
 * pipe, it runs the lines as a script: it stops at the first command that
 * fails (unless -k) and exits with that command's status.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "bpfw/compat.h"
#include "shell.h"

#define HISTORY_ENV	"BPFW_HISTORY"
#define HISTORY_FILE	".bpfw_history"
#define HISTORY_MAX	1000

struct shell_args {
	bool keep_going;
	bool verbose;
	const char *file;
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: bpfw shell [-k] [-v] [FILE]\n"
		   "  Stage iptables commands and commit them as one atomic swap; \"help\" at the\n"
		   "  prompt lists the commands.  Without a terminal (or with FILE) the lines are\n"
		   "  run as a script: the first failing command ends it with its exit status.\n"
		   "  -k  go on after a failed command (exit with the first failure's status)\n"
		   "  -v  print the verifier's log when a rule set does not load\n");
}

/* Returns 0 to go on, 1 when done (help), or -(exit status). */
static int parse_args(int argc, char **argv, struct shell_args *a)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(argv[i], "-k") || !strcmp(argv[i], "--keep-going")) {
			a->keep_going = true;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			a->verbose = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "bpfw shell: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return -BPFW_EXIT_PARAMETER;
		} else if (!a->file) {
			a->file = argv[i];
		} else {
			usage(stderr);
			return -BPFW_EXIT_PARAMETER;
		}
	}
	return 0;
}

/* The history file: $BPFW_HISTORY, else ~/.bpfw_history; NULL if there is no home. */
static char *history_path(void)
{
	const char *env = getenv(HISTORY_ENV), *home = getenv("HOME");
	char *path = NULL;

	if (env && *env)
		return strdup(env);
	if (!home || !*home)
		return NULL;
	if (asprintf(&path, "%s/%s", home, HISTORY_FILE) < 0)
		return NULL;
	return path;
}

/* Ctrl-C at the prompt drops the line being typed, not the shell. */
static void on_sigint(int sig)
{
	(void)sig;
	rl_crlf();
	rl_on_new_line();
	rl_replace_line("", 0);
	rl_redisplay();
}

static int interactive(struct shell *sh)
{
	char *hist = history_path(), *line;
	struct sigaction sa = { .sa_handler = on_sigint };
	char prompt[64];

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	shell_complete_init(sh);
	using_history();
	stifle_history(HISTORY_MAX);
	/* append_history() needs the file: a first run makes it */
	if (hist && read_history(hist))
		write_history(hist);
	printf("bpfw shell: iptables commands are staged until \"commit\"; \"help\" lists the "
	       "commands.\n");
	while (!sh->quit) {
		struct bpfw_err err = { 0 };

		if (sh->n_journal)
			snprintf(prompt, sizeof(prompt), "bpfw (%u staged)> ", sh->n_journal);
		else
			snprintf(prompt, sizeof(prompt), "bpfw> ");
		line = readline(prompt);
		if (!line) {
			putchar('\n');
			if (sh->n_journal)
				printf("%u staged change(s) dropped.\n", sh->n_journal);
			break;
		}
		if (line[strspn(line, " \t")]) {
			add_history(line);
			if (hist)
				append_history(1, hist);
		}
		shell_run_line(sh, line, &err);
		fflush(stdout);
		compat_report(&err, sh->verbose);
		bpfw_err_clear(&err);
		free(line);
	}
	if (hist)
		history_truncate_file(hist, HISTORY_MAX);
	free(hist);
	return 0;
}

static int script(struct shell *sh, FILE *in, const char *name)
{
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	int status = 0;

	while (!sh->quit && getline(&line, &cap, in) >= 0) {
		struct bpfw_err err = { 0 };
		int ret;

		lineno++;
		ret = shell_run_line(sh, line, &err);
		fflush(stdout);
		if (ret) {
			if (!err.exit_code)
				bpfw_errf(&err, BPFW_EXIT_OTHER, -ret, "%s", strerror(-ret));
			if (err.msg[0])
				fprintf(stderr, "bpfw shell: %s line %u: ", name, lineno);
			if (!status)
				status = compat_report(&err, sh->verbose);
			else
				compat_report(&err, sh->verbose);
		}
		bpfw_err_clear(&err);
		if (ret && !sh->keep_going)
			break;
	}
	free(line);
	if (sh->n_journal) {
		fprintf(stderr, "bpfw shell: %u staged change(s) not committed, dropped\n",
			sh->n_journal);
		if (!status)
			status = BPFW_EXIT_OTHER;
	}
	return status;
}

int compat_shell_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct shell_args a = { 0 };
	struct bpfw_err err = { 0 };
	struct shell sh = { 0 };
	FILE *in = stdin;
	int ret, status;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret > 0 ? 0 : -ret;
	ret = compat_require_root("bpfw shell", &err);
	if (!ret && a.file && strcmp(a.file, "-")) {
		in = fopen(a.file, "r");
		if (!in)
			ret = bpfw_errf(&err, BPFW_EXIT_OTHER, errno, "Can't open %s: %s", a.file,
					strerror(errno));
	}
	if (!ret)
		ret = shell_refresh(&sh, &err);
	if (ret) {
		status = compat_report(&err, a.verbose);
		goto out;
	}
	sh.keep_going = a.keep_going;
	sh.verbose = a.verbose;
	sh.interactive = !a.file && isatty(STDIN_FILENO);
	if (sh.interactive)
		status = interactive(&sh);
	else
		status = script(&sh, in, a.file ? a.file : "stdin");
out:
	if (in && in != stdin)
		fclose(in);
	shell_release(&sh);
	bpfw_err_clear(&err);
	return status;
}
