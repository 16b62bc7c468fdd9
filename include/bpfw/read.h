/* SPDX-License-Identifier: GPL-2.0 */
/* Reading a whole input (a rule file, stdin) into memory, for the parsers. */
#ifndef BPFW_READ_H
#define BPFW_READ_H

#include <stddef.h>
#include <stdio.h>

/*
 * What is left of @in into a malloc'd, NUL-terminated buffer *@buf of
 * *@len bytes; 0 or -ENOMEM.  A read error is the caller's to see with
 * ferror(@in); @in is not closed.
 */
int bpfw_read_all(FILE *in, char **buf, size_t *len);

#endif /* BPFW_READ_H */
