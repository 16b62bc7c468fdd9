/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the iptables front end shared by the command-line parser,
 * its helpers, the command semantics and the restore parser.
 */
#ifndef BPFW_IPT_INTERNAL_H
#define BPFW_IPT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfw/err.h"
#include "bpfw/ipt.h"
#include "bpfw/ir.h"

/* How a failure is worded, after iptables' own error paths. */
enum ipt_fail_kind {
	IPT_FAIL_PARAM,		/* "prog v1.8.9 (bpfw): msg" + "Try ..." hint, exit 2 */
	IPT_FAIL_BARE,		/* "msg" + hint, exit 2 (e.g. "Bad argument") */
	IPT_FAIL_OTHER,		/* "prog: msg", exit 1 */
	IPT_FAIL_KERNEL,	/* "prog v1.8.9 (bpfw):  msg", exit 4 */
	IPT_FAIL_PLAIN,		/* "prog v1.8.9 (bpfw): msg", exit 3 (no such table) */
};

/* Where the words come from: the command line or a line of a restore file. */
struct ipt_where {
	bool restore;
	int line;
	bool quiet;		/* the state text: no warnings */
};

/* Commands, in iptables' bit order (used for "Cannot use -X with -Y"). */
enum {
	C_INSERT, C_DELETE, C_DELETE_NUM, C_REPLACE, C_APPEND, C_LIST, C_FLUSH, C_ZERO,
	C_NEW_CHAIN, C_DELETE_CHAIN, C_POLICY, C_RENAME, C_LIST_RULES, C_ZERO_NUM, C_CHECK,
	C_MAX,
};
/* Generic options, in iptables' order (used for "Illegal option"). */
enum {
	O_NUMERIC, O_SOURCE, O_DEST, O_PROTO, O_JUMP, O_VERBOSE, O_EXACT, O_IIF, O_OIF,
	O_LINENUM, O_COUNTERS, O_FRAG, O_MAX,
};
/* Parser state of one command line. */
struct ipt_pstate {
	const struct ipt_ctx *ctx;
	const struct ipt_where *w;
	struct bpfw_err *err;
	struct ipt_cmd *cmd;
	int argc;
	char **argv;
	int ind;			/* next word */
	bool invert;			/* a "!" is pending */
	unsigned int cmds;		/* commands seen */
	unsigned int opts;		/* generic options seen */
	const char *src, *dst;
	const char *policy;		/* -P target as written */
	const char *table;		/* -t as written, NULL if not given */
	bool wait_interval;		/* -W given */
	unsigned int *mseen;		/* per match of cmd->rule: its options given */
	unsigned int tseen;		/* the target's options given */
	unsigned int mseen_cap;
	bool skip;			/* restore: -4 in ip6tables or -6 in iptables skips the line */
	char proto_name[64];		/* -p as written, lower-cased: -h loads its match */
};

/* Record generic option @opt (O_*); iptables' error if repeated or wrongly inverted. */
int ipt_set_opt(struct ipt_pstate *ps, int opt);

/* Whether the next word is an argument, not an option (iptables' xs_has_arg). */
bool ipt_has_arg(const struct ipt_pstate *ps);

/* The chain a command names (-A, -L, ...), checked for length. */
int ipt_arg_chain(struct ipt_pstate *ps, const char *name);

/* A name for a new chain (-N, -E): what iptables refuses, refused. */
int ipt_arg_new_chain(struct ipt_pstate *ps, const char *name);

/* A rule number. */
int ipt_arg_rulenum(struct ipt_pstate *ps, const char *s);

/* Optional chain then optional rule number (-L, -S, -Z) or chain only (-F, -X). */
int ipt_arg_opt_chain(struct ipt_pstate *ps, const char *arg, bool with_num);

/* -c PKTS BYTES (or PKTS,BYTES). */
int ipt_arg_counters(struct ipt_pstate *ps, const char *arg);

/* -j / -g TARGET (@go for -g). */
int ipt_arg_target(struct ipt_pstate *ps, const char *arg, bool go);

/* -w [SECONDS] and -W (@interval). */
int ipt_arg_wait(struct ipt_pstate *ps, const char *arg, bool interval);

/* -p PROTOCOL. */
int ipt_arg_proto(struct ipt_pstate *ps, const char *arg);

/* -i / -o NAME (@in for -i). */
int ipt_arg_iface(struct ipt_pstate *ps, const char *arg, bool in);

/* -s and -d once every word is read: the rule's addresses, or lists in the command. */
int ipt_arg_addrs(struct ipt_pstate *ps, struct ir_ipspec *ip);

/* An option of a match module: long name, id, whether it takes an argument. */
struct ipt_mopt {
	const char *name;
	int id;
	bool has_arg;
};

/* -m multiport's long options (frontend/ipt_multiport.c). */
extern const struct ipt_mopt ipt_multiport_opts[];

/* One -m multiport option: its port list, with libxt_multiport's messages. */
int ipt_parse_multiport(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
			const struct ipt_mopt *o, const char *arg);

/* -m limit's long options (frontend/ipt_limit.c). */
extern const struct ipt_mopt ipt_limit_opts[];

/* -m limit's values before any option: 3/hour, burst 5. */
void ipt_limit_defaults(struct ir_match *m);

/* One -m limit option (not given before: ipt_match_parse() checks), with libxt_limit's messages. */
int ipt_parse_limit(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		    const struct ipt_mopt *o, const char *arg);

/* The long options of -m iprange, -m length and -m ttl (frontend/ipt_fields.c). */
extern const struct ipt_mopt ipt_iprange_opts[];
extern const struct ipt_mopt ipt_length_opts[];
extern const struct ipt_mopt ipt_ttl_opts[];

/* One option of -m iprange, -m length or -m ttl (not given before), with their messages. */
int ipt_parse_field(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		    const struct ipt_mopt *o, const char *arg);

/* The end of an -m iprange, -m length or -m ttl: an option must be given. */
int ipt_field_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen);

/* -m recent's long options (frontend/ipt_recent.c). */
extern const struct ipt_mopt ipt_recent_opts[];

/* One -m recent option (not given before), with libxt_recent's messages. */
int ipt_parse_recent(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		     const struct ipt_mopt *o, const char *arg);

/* The end of an -m recent: a command must be given, --reap needs --seconds. */
int ipt_recent_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen);

/* -m set's long options (frontend/ipt_set.c). */
extern const struct ipt_mopt ipt_set_opts[];

/* One -m set option, with libxt_set's messages (the set's existence is checked on apply). */
int ipt_parse_set(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		  const struct ipt_mopt *o, const char *arg);

/* The end of an -m set: --match-set must be given. */
int ipt_set_final(struct ipt_pstate *ps, unsigned int seen);

/* iptables' refusal of a rule whose -m set names a set that does not exist in @rs. */
int ipt_set_check_exists(const struct ipt_ctx *ctx, const struct ipt_where *w,
			 const struct ir_ruleset *rs, const struct ir_rule *r, struct bpfw_err *err);

/* -m addrtype's long options (frontend/ipt_addrtype.c). */
extern const struct ipt_mopt ipt_addrtype_opts[];

/* One -m addrtype option (not given before), with libxt_addrtype's messages. */
int ipt_parse_addrtype(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		       const struct ipt_mopt *o, const char *arg);

/* The end of an -m addrtype: a type must be given. */
int ipt_addrtype_final(struct ipt_pstate *ps, unsigned int seen);

/* The long options of -m mac, -m mark, -m pkttype and -m owner (frontend/ipt_meta.c). */
extern const struct ipt_mopt ipt_mac_opts[];
extern const struct ipt_mopt ipt_mark_opts[];
extern const struct ipt_mopt ipt_pkttype_opts[];
extern const struct ipt_mopt ipt_owner_opts[];

/* One option of -m mac, mark, pkttype or owner (not given before), with their messages. */
int ipt_parse_meta(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		   const struct ipt_mopt *o, const char *arg);

/* The end of an -m mac, mark, pkttype or owner: an option must be given. */
int ipt_meta_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen);

/* libxt_pkttype's name of packet type @type (PACKET_*), or NULL. */
const char *ipt_pkttype_name(uint8_t type);

/*
 * The kernel's checks of table @t once rule @r is in it: mac reached only
 * from PREROUTING, INPUT and FORWARD, owner only from OUTPUT and
 * POSTROUTING, no reversed owner range (compat/ipt_hooks.c).  0 or -EINVAL.
 */
int ipt_meta_check(const struct ir_table *t, const struct ir_rule *r);

/* The name of a match of @r that needs an skb (mark, pkttype, owner): not at XDP; or NULL. */
const char *ipt_meta_raw_refused(const struct ir_rule *r);

/* -j REJECT's long option (frontend/ipt_log.c). */
extern const struct ipt_mopt ipt_reject_opts[];

/* -j REJECT --reject-with, with libipt_REJECT's messages. */
int ipt_parse_reject(struct ipt_pstate *ps, const struct ipt_mopt *o, const char *arg);

/* -j LOG's long options (frontend/ipt_log.c). */
extern const struct ipt_mopt ipt_log_opts[];

/* One -j LOG option, with libxt_LOG's messages. */
int ipt_parse_log(struct ipt_pstate *ps, const struct ipt_mopt *o, const char *arg);

/* The long options of a match kind, NULL-name terminated. */
const struct ipt_mopt *ipt_match_opts(enum ir_match_kind kind);

/* Load "-m NAME" into the rule; iptables' message if bpfw has no such match. */
int ipt_match_load(struct ipt_pstate *ps, const char *name);

/* Add a match of @kind to the rule (tracking its options); index in *@idx. */
int ipt_match_add(struct ipt_pstate *ps, enum ir_match_kind kind, unsigned int *idx);

/* Parse option @o of match @idx, with its argument @arg (or NULL). */
int ipt_match_parse(struct ipt_pstate *ps, unsigned int idx, const struct ipt_mopt *o,
		    const char *arg);

/* Checks of the matches once every word is read. */
int ipt_match_final(struct ipt_pstate *ps);

/* Fill @err with iptables' wording of @fmt for @kind; returns -@errnum. */
int ipt_fail(const struct ipt_ctx *ctx, const struct ipt_where *w, struct bpfw_err *err,
	     enum ipt_fail_kind kind, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A parameter problem of the command being parsed, worded by @fmt (exit 2). */
int ipt_perr(struct ipt_pstate *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse words of a command (argv[0] is the program name) from @w. */
int ipt_parse_words(const struct ipt_ctx *ctx, const struct ipt_where *w, int argc, char **argv,
		    struct ipt_cmd *cmd, struct bpfw_err *err);

/* Apply a modifying command; @w words the errors; jumps are checked unless @defer_jumps. */
int ipt_cmd_apply_at(const struct ipt_ctx *ctx, const struct ipt_where *w, struct ir_ruleset *rs,
		     struct ipt_cmd *cmd, bool defer_jumps, struct bpfw_err *err);

/* First jump of @t to a chain that does not exist, or NULL. */
const char *ipt_dangling_jump(const struct ir_table *t);

/*
 * The same list for ip6tables: numbers, prefixes or masks in address form,
 * and host names, one entry for each of their IPv6 addresses.
 */
int ipt_parse_addr6_list(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
			 struct ir_addr **out, unsigned int *n, struct bpfw_err *err);

/* A number as xtables reads one (C notation, no minus sign) up to @max; 0 or -EINVAL. */
int ipt_parse_uint_c(const char *s, unsigned long max, unsigned long *v);

/* -m hl's and -m rt's long options (frontend/ipt_ip6.c). */
extern const struct ipt_mopt ipt_hl_opts[];
extern const struct ipt_mopt ipt_rt_opts[];

/* One option of -m hl or -m rt, with libip6t_hl's and libip6t_rt's messages. */
int ipt_parse_ip6_match(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
			const struct ipt_mopt *o, const char *arg);

/* The end of an -m hl (one option, and only one) or an -m rt. */
int ipt_ip6_match_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen);

/*
 * A comma-separated list of "ADDR[/MASK]" (IPv4, numeric), as -s and -d
 * take it; *@out is malloc'd.  0, or -EINVAL with @err worded.
 */
int ipt_parse_addr4_list(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
			 struct ir_addr **out, unsigned int *n, struct bpfw_err *err);

/* Copy an interface name, checking its length. */
int ipt_parse_iface(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
		    char *out, struct bpfw_err *err);

/* Protocol by name (lower-cased), /etc/protocols name or number 0..255. */
int ipt_parse_proto(const char *s, uint8_t *proto);

/* A port or service name for @proto ("tcp"/"udp"); -EINVAL if none. */
int ipt_parse_port(const char *s, const char *proto, uint16_t *port);

/* Why an ICMP type did not parse: the ambiguous names, or the stray character. */
struct ipt_icmp_why {
	const char *first, *second;	/* -EEXIST: two names that start so */
	char bad;			/* -EINVAL: the character after the number */
};

/*
 * --icmp-type (--icmpv6-type for IPv6): a name or the start of one, or
 * TYPE[/CODE[:CODE]].  0, or -ENOENT (no such type), -ERANGE (bad code),
 * -EDOM (a range of types), -EEXIST (ambiguous name) or -EINVAL (a stray
 * character), with @why filled in for the last two.
 */
int ipt_parse_icmp_type(enum ir_family family, const char *s, struct ir_match_icmp *icmp,
			struct ipt_icmp_why *why);

/* Comma-separated TCP flag names; 0, or -EINVAL with the bad name in @bad. */
int ipt_parse_tcp_flags(const char *s, uint8_t *flags, char *bad, size_t badlen);

/* Whether @s is a decimal number accepted as a rule number (1..INT_MAX). */
bool ipt_parse_rulenum(const char *s, unsigned int *num);

/* Whether @name is a target iptables knows, which a chain may not be called. */
bool ipt_is_target_name(const char *name);

#endif /* BPFW_IPT_INTERNAL_H */
