// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw recent: what /proc/net/xt_recent/NAME is to xt_recent.
 *
 *   bpfw recent                the lists the running rules use
 *   bpfw recent NAME           its addresses, one line each, as xt_recent prints them
 *   bpfw recent NAME +ADDR     add ADDR (or record it again)
 *   bpfw recent NAME -ADDR     remove ADDR
 *   bpfw recent NAME /         empty the list
 *
 * Times are milliseconds of CLOCK_MONOTONIC, where xt_recent prints jiffies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "bpfw/compat.h"
#include "bpfw/txn.h"

/* The list names print_names() has printed so far. */
struct names {
	const char **seen;
	unsigned int n;
};

/* Print the names of @r's recent matches that are not printed yet; -ENOMEM. */
static int print_new_names(const struct ir_rule *r, void *arg)
{
	struct names *nm = arg;

	for (unsigned int k = 0; k < r->n_matches; k++) {
		const char *name, **more;
		unsigned int i = 0;

		if (r->matches[k].kind != IR_MATCH_RECENT)
			continue;
		name = r->matches[k].recent->name;
		while (i < nm->n && strcmp(nm->seen[i], name))
			i++;
		if (i < nm->n)
			continue;
		more = realloc(nm->seen, (nm->n + 1) * sizeof(*more));
		if (!more)
			return -ENOMEM;
		nm->seen = more;
		nm->seen[nm->n++] = name;
		printf("%s\n", name);
	}
	return 0;
}

/* Print every list name the running rules use, once. */
static int print_names(const struct ir_ruleset *rs)
{
	struct names nm = { NULL, 0 };
	int ret = ir_ruleset_for_each_rule(rs, IR_FAMILY_IPV4, print_new_names, &nm);

	if (!ret)
		ret = ir_ruleset_for_each_rule(rs, IR_FAMILY_IPV6, print_new_names, &nm);

	free(nm.seen);
	return ret;
}

/* An address of a list as text: IPv4 ones are kept in their IPv6-mapped form. */
static void addr_text(const struct cgen_recent_key *k, char *buf, size_t len)
{
	struct in6_addr a;

	memcpy(&a, k->addr, sizeof(a));
	if (IN6_IS_ADDR_V4MAPPED(&a))
		inet_ntop(AF_INET, &k->addr[3], buf, len);
	else
		inet_ntop(AF_INET6, &a, buf, len);
}

/* The key of @text in list @hash; -EINVAL if it is not an address. */
static int addr_key(const char *text, uint32_t hash, struct cgen_recent_key *k)
{
	memset(k, 0, sizeof(*k));
	k->name = hash;
	if (inet_pton(AF_INET, text, &k->addr[3]) == 1) {
		k->addr[2] = htonl(0xffff);
		return 0;
	}
	return inet_pton(AF_INET6, text, k->addr) == 1 ? 0 : -EINVAL;
}

static void print_entry(const struct cgen_recent_key *k, const struct cgen_recent_entry *e)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned int n = e->nstamps < CGEN_RECENT_STAMPS ? e->nstamps : CGEN_RECENT_STAMPS;
	unsigned int last = (e->index + CGEN_RECENT_STAMPS - 1) % CGEN_RECENT_STAMPS;

	addr_text(k, buf, sizeof(buf));
	printf("src=%s ttl: %u last_seen: %llu oldest_pkt: %u", buf, e->ttl,
	       (unsigned long long)(e->stamps[last] / 1000000), e->index % CGEN_RECENT_STAMPS);
	for (unsigned int i = 0; i < n; i++)
		printf("%s %llu", i ? "," : "", (unsigned long long)(e->stamps[i] / 1000000));
	putchar('\n');
}

/* List (@op 0), flush ('/'), add ('+') or remove ('-') in list @hash. */
static int walk(int fd, uint32_t hash, char op, struct bpfw_err *err)
{
	struct cgen_recent_key k, next;
	struct cgen_recent_entry e;
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : &k, &next)) {
		first = false;
		k = next;
		if (next.name != hash || bpf_map_lookup_elem(fd, &next, &e))
			continue;
		if (op == '/')
			bpf_map_delete_elem(fd, &next);
		else
			print_entry(&next, &e);
	}
	return 0;
}

int compat_recent_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	struct bpfw_err err = { 0 };
	struct txn t = { .verbose = false };
	const char *cmd = argc > 2 ? argv[2] : NULL;
	int ret, fd;

	if (argc > 3 || (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))) {
		fprintf(argc > 3 ? stderr : stdout,
			"Usage: bpfw recent [NAME [+ADDR|-ADDR|/]]\n"
			"The lists of -m recent, as /proc/net/xt_recent/NAME shows and changes them.\n");
		return argc > 3 ? BPFW_EXIT_PARAMETER : 0;
	}
	ret = compat_require_root(ctx->prog, &err);
	if (!ret)
		ret = txn_begin(&t, &err);
	fd = t.live.kept_fds[LD_KEPT_RECENT];
	if (!ret && argc < 2) {
		if (print_names(t.rs))
			ret = bpfw_errf(&err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		goto out;
	}
	if (!ret && fd < 0)
		ret = bpfw_errf(&err, BPFW_EXIT_OTHER, ENOENT,
				"bpfw recent: no rule of the running rule set uses -m recent");
	if (ret)
		goto out;
	if (!cmd || !strcmp(cmd, "/")) {
		walk(fd, cgen_recent_name_hash(argv[1]), cmd ? '/' : 0, &err);
	} else if (cmd[0] == '+' || cmd[0] == '-') {
		struct cgen_recent_key k;
		struct cgen_recent_entry e = { .nstamps = 1, .index = 1 };
		struct timespec ts;

		if (addr_key(cmd + 1, cgen_recent_name_hash(argv[1]), &k)) {
			ret = bpfw_errf(&err, BPFW_EXIT_PARAMETER, EINVAL,
					"bpfw recent: not an address: %s", cmd + 1);
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		e.stamps[0] = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		if (cmd[0] == '+' ? bpf_map_update_elem(fd, &k, &e, BPF_ANY) :
				    bpf_map_delete_elem(fd, &k) && errno != ENOENT)
			ret = bpfw_errf(&err, BPFW_EXIT_RESOURCE, errno, "bpfw recent: %m");
	} else {
		ret = bpfw_errf(&err, BPFW_EXIT_PARAMETER, EINVAL,
				"bpfw recent: unknown command `%s' (+ADDR, -ADDR or /)", cmd);
	}
out:
	txn_end(&t);
	return compat_report(&err, false);
}
