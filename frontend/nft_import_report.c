// SPDX-License-Identifier: GPL-2.0
/* The list of what an import left out, one line per rule or chain, and the sets it made. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/nft_import.h"

int nft_report_add(struct nft_import_report *rep, const char *fmt, ...)
{
	char **more, *line;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (rep->n_lines && !strcmp(rep->lines[rep->n_lines - 1], line)) {
		free(line);
		return 0;
	}
	more = realloc(rep->lines, (rep->n_lines + 1) * sizeof(*more));
	if (!more) {
		free(line);
		return -ENOMEM;
	}
	rep->lines = more;
	rep->lines[rep->n_lines++] = line;
	return 0;
}

void nft_report_free(struct nft_import_report *rep)
{
	for (unsigned int i = 0; i < rep->n_lines; i++)
		free(rep->lines[i]);
	free(rep->lines);
	for (unsigned int i = 0; i < rep->n_sets; i++) {
		struct nft_import_set *s = &rep->sets[i];

		for (unsigned int j = 0; j < s->n_elems; j++)
			free(s->elems[j]);
		free(s->elems);
		free(s->table);
		free(s->nft_name);
	}
	free(rep->sets);
	memset(rep, 0, sizeof(*rep));
}
