/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The iptables entry points: what iptables, iptables-save and
 * iptables-restore (and the ip6 forms) do from argv to exit status.
 */
#ifndef BPFW_COMPAT_H
#define BPFW_COMPAT_H

#include "bpfw/err.h"
#include "bpfw/ipt.h"

#define COMPAT_LOCK_PATH	"/run/bpfw.lock"
#define COMPAT_LOCK_ENV		"BPFW_LOCK"	/* overrides the lock file's path */

/* iptables / ip6tables: one command; returns the exit status. */
int compat_iptables_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* iptables-save / ip6tables-save; returns the exit status. */
int compat_save_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* iptables-restore / ip6tables-restore; returns the exit status. */
int compat_restore_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* bpfw conntrack -C|-F: count or forget the connections of bpfw's table. */
int compat_conntrack_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* bpfw recent: list and change -m recent's lists, as /proc/net/xt_recent/NAME. */
int compat_recent_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* ipset: ipset 7.17's commands on the sets bpfw keeps in BPF maps (compat/cmd_ipset.c). */
int compat_ipset_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* bpfw import: load the nf_tables rule set of this namespace (compat/cmd_import.c). */
int compat_import_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* bpfw log: the lines of -j LOG rules, once or following (-f), to stdout or syslog. */
int compat_log_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* bpfw monitor: attach the running rule set to interfaces as they appear (compat/cmd_monitor.c). */
int compat_monitor_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* bpfw trace: which rule decides a packet described in words (compat/cmd_trace.c). */
int compat_trace_main(const struct ipt_ctx *ctx, int argc, char **argv);

/* Trace the packet of words @argv through @rs and print the rules it meets to @out. */
int compat_trace_packet(const struct ir_ruleset *rs, unsigned int sets_prog, bool verbose,
			int argc, char **argv, FILE *out, struct bpfw_err *err);

/* bpfw shell: iptables commands staged and committed as one swap (compat/cmd_shell.c). */
int compat_shell_main(const struct ipt_ctx *ctx, int argc, char **argv);

/*
 * Take the lock that serialises bpfw's changes: wait up to @wait_secs (0:
 * forever, -1: not at all).  Returns the lock fd or a negative errno, with
 * iptables' "Another app is currently holding the xtables lock" message.
 */
int compat_lock(int wait_secs, struct bpfw_err *err);

/*
 * Take the lock shared, for a command that only reads the rule set: readers
 * run side by side and never fail on the lock; they wait for a change under
 * way, so that they never look at a rule set in the middle of its swap.
 */
int compat_lock_shared(struct bpfw_err *err);

/* Release a lock taken with compat_lock(). */
void compat_unlock(int fd);

/* Refuse to go on without root, with iptables' message; 0 if root. */
int compat_require_root(const char *prog, struct bpfw_err *err);

/* Print @err as iptables does (message, verifier log when @verbose); returns its exit status. */
int compat_report(const struct bpfw_err *err, bool verbose);

#endif /* BPFW_COMPAT_H */
