// SPDX-License-Identifier: GPL-2.0
/* A whole input into memory, through a memory stream. */
#include <errno.h>
#include <stdlib.h>

#include "bpfw/read.h"

int bpfw_read_all(FILE *in, char **buf, size_t *len)
{
	char chunk[65536];
	FILE *mem = open_memstream(buf, len);
	size_t n;
	int ret = 0;

	if (!mem)
		return -ENOMEM;
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (fwrite(chunk, 1, n, mem) != n)
			ret = -ENOMEM;
	if (fclose(mem))
		ret = -ENOMEM;
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	return ret;
}
