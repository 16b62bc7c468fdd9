/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting shared by every module: a function that fails returns a
 * negative errno and fills one struct bpfw_err with the sentence to show and
 * the exit status iptables would use.  The message is made once, where the
 * reason is known, and printed once, by the entry point.
 */
#ifndef BPFW_ERR_H
#define BPFW_ERR_H

#include <stddef.h>

/* iptables' exit statuses */
enum bpfw_exit {
	BPFW_EXIT_OK = 0,
	BPFW_EXIT_OTHER = 1,		/* OTHER_PROBLEM */
	BPFW_EXIT_PARAMETER = 2,	/* PARAMETER_PROBLEM */
	BPFW_EXIT_VERSION = 3,		/* VERSION_PROBLEM */
	BPFW_EXIT_RESOURCE = 4,		/* RESOURCE_PROBLEM */
};

#define BPFW_ERR_MSG_MAX 1024

struct bpfw_err {
	int exit_code;			/* enum bpfw_exit; 0 while no error is set */
	int line;			/* restore input line the error is about, 0 if none */
	char msg[BPFW_ERR_MSG_MAX];	/* the sentence, without program name or newline */
	char *detail;			/* optional long text (verifier log), malloc'd */
};

/* Set @err (unless already set) and return -@errnum. */
int bpfw_errf(struct bpfw_err *err, int exit_code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Attach a malloc'd long text (taken over) to @err, e.g. the verifier log. */
void bpfw_err_set_detail(struct bpfw_err *err, char *detail);

/* Forget the error held in @err, freeing its detail. */
void bpfw_err_clear(struct bpfw_err *err);

#endif /* BPFW_ERR_H */
