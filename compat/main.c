// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw: one binary, many names.  Called as iptables, iptables-save,
 * iptables-restore (or through "bpfw NAME ..."), it behaves as that tool.
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bpfw/compat.h"
#include "bpfw/nft.h"

struct personality {
	const char *name;
	enum ir_family family;
	int (*main)(const struct ipt_ctx *ctx, int argc, char **argv);
};

static const struct personality personalities[] = {
	{ "iptables", IR_FAMILY_IPV4, compat_iptables_main },
	{ "iptables-save", IR_FAMILY_IPV4, compat_save_main },
	{ "iptables-restore", IR_FAMILY_IPV4, compat_restore_main },
	{ "ip6tables", IR_FAMILY_IPV6, compat_iptables_main },
	{ "ip6tables-save", IR_FAMILY_IPV6, compat_save_main },
	{ "ip6tables-restore", IR_FAMILY_IPV6, compat_restore_main },
	{ "conntrack", IR_FAMILY_IPV4, compat_conntrack_main },
	{ "import", IR_FAMILY_IPV4, compat_import_main },
	{ "log", IR_FAMILY_IPV4, compat_log_main },
	{ "monitor", IR_FAMILY_IPV4, compat_monitor_main },
	{ "recent", IR_FAMILY_IPV4, compat_recent_main },
	{ "ipset", IR_FAMILY_IPV4, compat_ipset_main },
	{ "nft", IR_FAMILY_IPV4, compat_nft_main },
	{ "shell", IR_FAMILY_IPV4, compat_shell_main },
	{ "trace", IR_FAMILY_IPV4, compat_trace_main },
};

#define N_PERSONALITIES (sizeof(personalities) / sizeof(personalities[0]))

static void usage(FILE *f)
{
	fprintf(f, "Usage: bpfw COMMAND [ARGS...]\n"
		   "Commands (also usable as the program's name through a link):\n");
	for (unsigned int i = 0; i < N_PERSONALITIES; i++)
		fprintf(f, "  %s\n", personalities[i].name);
}

static const struct personality *find(const char *name)
{
	for (unsigned int i = 0; i < N_PERSONALITIES; i++)
		if (!strcmp(name, personalities[i].name))
			return &personalities[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct personality *p;
	struct ipt_ctx ctx;
	char *name = basename(argv[0]);

	/* the loader reports its errors itself, in iptables' words */
	libbpf_set_print(NULL);
	p = find(name);
	if (!p && !strcmp(name, "bpfw")) {
		if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage(argc < 2 ? stderr : stdout);
			return argc < 2 ? 2 : 0;
		}
		if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
			printf("bpfw (iptables v%s compatible)\n", IPT_VERSION);
			return 0;
		}
		p = find(argv[1]);
		argc--;
		argv++;
	}
	if (!p) {
		fprintf(stderr, "bpfw: unknown command '%s'\n", argc > 0 ? argv[0] : "");
		usage(stderr);
		return 2;
	}
	ctx.prog = p->name[0] == 'i' && p->name[2] == '6' ? "ip6tables" : "iptables";
	ctx.family = p->family;
	return p->main(&ctx, argc, argv);
}
