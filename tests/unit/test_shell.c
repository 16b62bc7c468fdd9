// SPDX-License-Identifier: GPL-2.0
/* bpfw shell without a kernel: lines split into words, and the lines diff prints. */
#include <stdlib.h>
#include <string.h>

#include "../../compat/shell.h"
#include "vfw.h"

static void assert_words(const char *line, bool partial, int n, const char *const *want)
{
	char **w;
	int got = shell_split(line, partial, &w);

	CU_ASSERT_EQUAL_FATAL(got, n);
	for (int i = 0; i < n; i++)
		CU_ASSERT_STRING_EQUAL(w[i], want[i]);
	CU_ASSERT_PTR_NULL(w[n]);
	shell_words_free(w, got);
}

static void test_split(void)
{
	static const char *const plain[] = { "-A", "INPUT", "-j", "ACCEPT" };
	static const char *const quoted[] = { "-m", "comment", "--comment", "a b \"c\"", "x'y" };
	static const char *const escaped[] = { "a b", "c" };
	static const char *const open[] = { "--comment", "half open" };
	char **w;

	assert_words("  -A INPUT\t-j ACCEPT  \n", false, 4, plain);
	assert_words("-m comment --comment \"a b \\\"c\\\"\" \"x'y\"", false, 5, quoted);
	assert_words("a\\ b c # a comment", false, 2, escaped);
	assert_words("", false, 0, NULL);
	assert_words("# only a comment", false, 0, NULL);
	CU_ASSERT_EQUAL(shell_split("--comment \"half open", false, &w), -EINVAL);
	CU_ASSERT_PTR_NULL(w);
	/* completion reads a line being typed */
	assert_words("--comment \"half open", true, 2, open);
}

/* The diff of @base_cmds -> @staged_cmds, as printed. */
static char *diff_of(const char *base_cmds, const char *staged_cmds)
{
	struct shell sh = { 0 };
	struct bpfw_err err = { 0 };
	char *buf = NULL, *copy, *line, *save = NULL;
	size_t len = 0;
	FILE *f;

	sh.base = ir_ruleset_new();
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh.base);
	copy = strdup(base_cmds);
	for (line = strtok_r(copy, ";", &save); line; line = strtok_r(NULL, ";", &save))
		CU_ASSERT_EQUAL_FATAL(fw_apply(sh.base, line), 0);
	free(copy);
	sh.staged = ir_ruleset_clone(sh.base);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh.staged);
	copy = strdup(staged_cmds);
	save = NULL;
	for (line = strtok_r(copy, ";", &save); line; line = strtok_r(NULL, ";", &save))
		CU_ASSERT_EQUAL_FATAL(fw_apply(sh.staged, line), 0);
	free(copy);
	f = open_memstream(&buf, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(shell_diff(&sh, f, &err), 0);
	fclose(f);
	shell_release(&sh);
	return buf;
}

static void test_diff(void)
{
	char *d;

	d = diff_of("-A INPUT -p tcp --dport 22 -j ACCEPT", "");
	CU_ASSERT_STRING_EQUAL(d, "No staged changes.\n");
	free(d);

	/* a rule inserted in the middle, a policy changed, a rule deleted */
	d = diff_of("-A INPUT -s 10.0.0.1 -j DROP;-A INPUT -s 10.0.0.3 -j DROP;"
		    "-A OUTPUT -o eth0 -j ACCEPT",
		    "-I INPUT 2 -s 10.0.0.2 -j DROP;-P FORWARD DROP;-D OUTPUT 1");
	CU_ASSERT_STRING_EQUAL(d, "*filter\n"
				  "-:FORWARD ACCEPT [0:0]\n"
				  "+:FORWARD DROP [0:0]\n"
				  "+-A INPUT -s 10.0.0.2/32 -j DROP\n"
				  "--A OUTPUT -o eth0 -j ACCEPT\n");
	free(d);

	/* a table first used: only what differs from its empty built-in chains */
	d = diff_of("-A INPUT -j ACCEPT", "ip6 -N x;-t raw -A PREROUTING -s 10.0.0.9 -j DROP");
	CU_ASSERT_STRING_EQUAL(d, "*raw\n"
				  "+-A PREROUTING -s 10.0.0.9/32 -j DROP\n"
				  "*filter (ip6tables)\n"
				  "+:x - [0:0]\n");
	free(d);
}

static const struct cu_test tests[] = {
	{ "lines split into words: quotes, escapes, comments", test_split },
	{ "diff: changed, added and removed lines, new tables", test_diff },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("shell", tests);
}
