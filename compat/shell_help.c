// SPDX-License-Identifier: GPL-2.0
/* bpfw shell's "help" texts. */
#include <string.h>

#include "shell.h"

struct help_topic {
	const char *name;
	const char *text;
};

static const struct help_topic topics[] = {
	{ "iptables",
	  "-A CHAIN RULE, -I, -D, -R, -N, -X, -E, -P, -F  (with -t TABLE)\n"
	  "    Change the staged rule set, as iptables would change the running one.\n"
	  "    \"iptables ...\" and \"ip6tables ...\" are accepted too; ip6tables is IPv6.\n"
	  "-S, -L [-v] [-n], -C\n"
	  "    Show or check the staged rules (-v: with the running counters).\n"
	  "-Z\n"
	  "    Zero the running counters at once (counters are not staged).\n" },
	{ "diff",
	  "diff\n"
	  "    The staged changes against the running rule set, as iptables-save lines:\n"
	  "    \"-\" only in the running set, \"+\" only in the staged one.\n" },
	{ "commit",
	  "commit\n"
	  "    Apply every staged change as one atomic swap.  If someone changed the\n"
	  "    running rule set meanwhile, the staged commands are applied again to it.\n"
	  "    If the new rule set does not compile or load, nothing changes and the\n"
	  "    changes stay staged.\n" },
	{ "abort",
	  "abort\n"
	  "    Drop every staged change and stage afresh from the running rule set.\n" },
	{ "show",
	  "show [-6] [-t TABLE] [CHAIN]\n"
	  "    The staged rules as -S prints them; without arguments every table of both\n"
	  "    families, as lines the shell reads back.\n" },
	{ "list",
	  "list [-6] [-v] [-x] [--line-numbers] [-t TABLE] [CHAIN]\n"
	  "    The staged rules as -L -n prints them.\n" },
	{ "counters",
	  "counters\n"
	  "    The running rule set with its counters (-L -n -v -x of every table).\n" },
	{ "save",
	  "save [-6] FILE\n"
	  "    Write the staged rule set in iptables-save format (-6: ip6tables-save) to\n"
	  "    FILE (\"-\": the terminal).\n" },
	{ "load",
	  "load [-6] [-n] FILE\n"
	  "    Stage an iptables-restore file (-6: ip6tables-restore; -n: --noflush).\n" },
	{ "trace",
	  "trace [--live] [in|out [IFACE]] PROTO SRC[:PORT] > DST[:PORT] [flags S|SA|..]\n"
	  "      [type N [code N]] [id N] [ttl N] [len N]\n"
	  "    Run the packet through the staged rule set (--live: the running one),\n"
	  "    compiled and loaded apart, never attached, and print the rules it\n"
	  "    matched and the rule or policy that decided.  IPv6 addresses with a port\n"
	  "    are written [2001:db8::1]:22.  The connection table is empty: every packet\n"
	  "    is the first of its connection.\n"
	  "    e.g.  trace in eth0 tcp 10.0.0.5:41000 > 10.0.0.1:22 flags S\n"
	  "          trace out udp 10.0.0.1:5353 > 224.0.0.251:5353\n"
	  "          trace in icmp 10.0.0.5 > 10.0.0.1 type 8\n" },
	{ "ipset",
	  "ipset COMMAND ...\n"
	  "    Runs at once on the running sets (sets are not staged); the staged rules\n"
	  "    then see the new sets.\n" },
	{ "nft",
	  "add|insert|replace|delete|flush|list|table|chain ...  (or nft ...)\n"
	  "    An nft command line, staged like the iptables ones; \"list ...\" shows the\n"
	  "    staged set.  Set element changes are staged too, and written at the\n"
	  "    commit, before the new rules take over.\n" },
	{ "quit",
	  "quit, exit, Ctrl-D\n"
	  "    Leave the shell.  Staged changes are dropped (asked once at a terminal).\n" },
	{ NULL, NULL }
};

static const char *const topic_names[] = {
	"iptables", "diff", "commit", "abort", "show", "list", "counters", "save", "load",
	"trace", "ipset", "nft", "quit", NULL
};

const char *const *shell_help_topics(void)
{
	return topic_names;
}

void shell_help(const char *topic, FILE *out)
{
	if (topic) {
		for (const struct help_topic *t = topics; t->name; t++) {
			if (!strcmp(t->name, topic)) {
				fputs(t->text, out);
				return;
			}
		}
		fprintf(out, "No help on \"%s\".  ", topic);
	}
	fputs("bpfw shell: iptables commands change a staged copy of the rule set;\n"
	      "\"commit\" applies them all as one atomic swap.  Commands:\n"
	      "  -A/-I/-D/-R/-N/-X/-E/-P/-F ...  stage a change (also \"iptables ...\",\n"
	      "                                 \"ip6tables ...\")\n"
	      "  -S, -L, -C                     the staged rules\n"
	      "  diff                           staged changes against the running rules\n"
	      "  commit, abort                  apply or drop the staged changes\n"
	      "  show, list                     the staged rules (-S or -L style)\n"
	      "  counters                       the running rules with their counters\n"
	      "  save FILE, load FILE           iptables-save / -restore files\n"
	      "  trace PACKET                   which rule decides a packet\n"
	      "  ipset ...                      sets, at once\n"
	      "  add/insert/delete/list ...     nft command lines\n"
	      "  help [TOPIC], quit\n"
	      "Topics:", out);
	for (const char *const *n = topic_names; *n; n++)
		fprintf(out, " %s", *n);
	fputc('\n', out);
}
