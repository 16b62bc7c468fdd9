// SPDX-License-Identifier: GPL-2.0
/* Splitting a line typed at bpfw shell's prompt into words, as a shell does. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"

/* Append word @w (taken over) to @words. */
static int push(char ***words, int *n, char *w)
{
	char **nw = realloc(*words, (*n + 2) * sizeof(*nw));

	if (!nw) {
		free(w);
		return -ENOMEM;
	}
	nw[(*n)++] = w;
	nw[*n] = NULL;
	*words = nw;
	return 0;
}

int shell_split(const char *line, bool partial, char ***words)
{
	size_t cap = strlen(line) + 1;
	char *cur = NULL;
	int n = 0, ret = 0;
	const char *p = line;

	*words = NULL;
	while (*p) {
		size_t len = 0;
		char quote = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		cur = malloc(cap);
		if (!cur) {
			ret = -ENOMEM;
			goto fail;
		}
		for (; *p; p++) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' &&
					 (p[1] == '"' || p[1] == '\\'))
					cur[len++] = *++p;
				else
					cur[len++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '\\' && p[1]) {
				cur[len++] = *++p;
			} else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
				break;
			} else {
				cur[len++] = *p;
			}
		}
		cur[len] = 0;
		if (quote && !partial) {
			free(cur);
			ret = -EINVAL;
			goto fail;
		}
		ret = push(words, &n, cur);
		if (ret)
			goto fail;
	}
	if (!*words) {
		*words = calloc(1, sizeof(**words));
		if (!*words)
			return -ENOMEM;
	}
	return n;
fail:
	shell_words_free(*words, n);
	*words = NULL;
	return ret;
}

void shell_words_free(char **words, int n)
{
	for (int i = 0; words && i < n; i++)
		free(words[i]);
	free(words);
}
