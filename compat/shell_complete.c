// SPDX-License-Identifier: GPL-2.0
/*
 * Tab completion at bpfw shell's prompt: the shell's commands, iptables'
 * options, tables, the chains of the staged rule set, match names (-m)
 * and the options of the matches and target a line names, targets,
 * interface names, set names, help topics and trace's words.
 *
 * Readline's completion callbacks take no argument, so the shell being
 * completed for and the candidates of the word under completion are kept
 * in this file's one static struct, set by shell_complete_init().
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include <readline/readline.h>

#include "../frontend/ipt_internal.h"
#include "bpfw/pkt.h"
#include "shell.h"

struct candidates {
	char **word;
	unsigned int n, cap;
};

static struct {
	const struct shell *sh;
	struct candidates c;
	unsigned int next;
} comp;

static const char *const shell_cmds[] = {
	"iptables", "ip6tables", "ipset", "diff", "commit", "abort", "show", "list",
	"counters", "save", "load", "trace", "help", "quit", "exit",
	"-A", "-I", "-D", "-R", "-N", "-X", "-E", "-P", "-F", "-L", "-S", "-Z", "-C", "-t",
	NULL
};

static const char *const ipt_opts[] = {
	"-A", "-I", "-D", "-R", "-N", "-X", "-E", "-P", "-F", "-L", "-S", "-Z", "-C", "-t",
	"-p", "-s", "-d", "-i", "-o", "-j", "-g", "-m", "-f", "-v", "-n", "-x", "-c",
	"--line-numbers", "--protocol", "--source", "--destination", "--in-interface",
	"--out-interface", "--jump", "--goto", "--match", "--table", NULL
};

static const char *const chain_opts[] = {
	"-A", "--append", "-I", "--insert", "-D", "--delete", "-R", "--replace", "-F", "--flush",
	"-L", "--list", "-S", "--list-rules", "-X", "--delete-chain", "-Z", "--zero", "-C",
	"--check", "-E", "--rename-chain", "-P", "--policy", NULL
};

static const char *const tables[] = { "filter", "raw", NULL };
static const char *const verdicts[] = { "ACCEPT", "DROP", NULL };
static const char *const targets[] = { "ACCEPT", "DROP", "REJECT", "RETURN", "LOG", NULL };
static const char *const protos4[] = {
	"tcp", "udp", "icmp", "sctp", "udplite", "dccp", "esp", "ah", "gre", "all", NULL
};
static const char *const protos6[] = {
	"tcp", "udp", "icmpv6", "sctp", "udplite", "dccp", "esp", "ah", "gre", "all", NULL
};
static const char *const matches4[] = {
	"tcp", "udp", "icmp", "comment", "conntrack", "state", "multiport", "limit", "addrtype",
	"iprange", "length", "ttl", "recent", "set", "mac", "mark", "pkttype", "owner", NULL
};
static const char *const matches6[] = {
	"tcp", "udp", "icmp6", "comment", "conntrack", "state", "multiport", "limit",
	"addrtype", "iprange", "length", "hl", "rt", "recent", "set", "mac", "mark", "pkttype",
	"owner", NULL
};
static const char *const ipset_cmds[] = {
	"create", "add", "del", "test", "destroy", "list", "save", "restore", "flush", "rename",
	"swap", "help", "version", NULL
};

/* Match names as -m takes them, with their kinds (for their options). */
static const struct {
	const char *name;
	enum ir_match_kind kind;
} match_kinds[] = {
	{ "tcp", IR_MATCH_TCP }, { "udp", IR_MATCH_UDP }, { "icmp", IR_MATCH_ICMP },
	{ "icmp6", IR_MATCH_ICMP6 }, { "comment", IR_MATCH_COMMENT },
	{ "conntrack", IR_MATCH_CONNTRACK }, { "state", IR_MATCH_STATE },
	{ "multiport", IR_MATCH_MULTIPORT }, { "limit", IR_MATCH_LIMIT },
	{ "addrtype", IR_MATCH_ADDRTYPE }, { "iprange", IR_MATCH_IPRANGE },
	{ "length", IR_MATCH_LENGTH }, { "ttl", IR_MATCH_TTL }, { "hl", IR_MATCH_HL },
	{ "rt", IR_MATCH_RT }, { "recent", IR_MATCH_RECENT }, { "set", IR_MATCH_SET },
	{ "mac", IR_MATCH_MAC }, { "mark", IR_MATCH_MARK }, { "pkttype", IR_MATCH_PKTTYPE },
	{ "owner", IR_MATCH_OWNER }, { NULL, 0 }
};

static bool is(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

static void add(const char *w)
{
	struct candidates *c = &comp.c;
	char *d;

	for (unsigned int i = 0; i < c->n; i++)
		if (!strcmp(c->word[i], w))
			return;
	if (c->n == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 64;
		char **nw = realloc(c->word, cap * sizeof(*nw));

		if (!nw)
			return;
		c->word = nw;
		c->cap = cap;
	}
	d = strdup(w);
	if (d)
		c->word[c->n++] = d;
}

static void add_list(const char *const *list)
{
	for (; *list; list++)
		add(*list);
}

static void clear(void)
{
	for (unsigned int i = 0; i < comp.c.n; i++)
		free(comp.c.word[i]);
	comp.c.n = 0;
	comp.next = 0;
}

static void add_chains(enum ir_family fam, enum ir_table_id id, bool user_only)
{
	const struct ir_table *t = comp.sh->staged ? comp.sh->staged->tables[fam][id] : NULL;

	if (!t) {
		/* a table not in use yet: its built-in chains */
		if (user_only)
			return;
		if (id == IR_TABLE_RAW) {
			add("PREROUTING");
		} else {
			add("INPUT");
			add("FORWARD");
			add("OUTPUT");
		}
		return;
	}
	for (unsigned int i = 0; i < t->n_chains; i++)
		if (!user_only || !ir_chain_is_builtin(t->chains[i]))
			add(t->chains[i]->name);
}

static void add_ifaces(void)
{
	struct if_nameindex *ifs = if_nameindex();

	for (struct if_nameindex *p = ifs; p && p->if_index; p++)
		add(p->if_name);
	if (ifs)
		if_freenameindex(ifs);
}

static void add_sets(void)
{
	const struct ir_ruleset *rs = comp.sh->staged;

	for (unsigned int i = 0; rs && i < rs->n_sets; i++)
		add(rs->sets[i].name);
}

static void add_mopts(const struct ipt_mopt *o)
{
	char buf[64];

	for (; o && o->name; o++) {
		snprintf(buf, sizeof(buf), "--%s", o->name);
		add(buf);
	}
}

static void add_match_opts(const char *name)
{
	for (unsigned int i = 0; match_kinds[i].name; i++)
		if (!strcmp(match_kinds[i].name, name))
			add_mopts(ipt_match_opts(match_kinds[i].kind));
}

/* The options a line of iptables words allows next: generic, its matches' and target's. */
static void add_options(int n, char **w, bool v6)
{
	add_list(ipt_opts);
	for (int i = 0; i + 1 < n; i++) {
		if (!strcmp(w[i], "-m") || !strcmp(w[i], "--match"))
			add_match_opts(w[i + 1]);
		if (!strcmp(w[i], "-p") || !strcmp(w[i], "--protocol")) {
			bool icmp6 = !strcmp(w[i + 1], "icmpv6") || !strcmp(w[i + 1], "ipv6-icmp");

			add_match_opts(icmp6 ? "icmp6" : w[i + 1]);
		}
		if ((!strcmp(w[i], "-j") || !strcmp(w[i], "--jump")) && !strcmp(w[i + 1], "LOG"))
			add_mopts(ipt_log_opts);
		if ((!strcmp(w[i], "-j") || !strcmp(w[i], "--jump")) && !strcmp(w[i + 1], "REJECT"))
			add_mopts(ipt_reject_opts);
	}
}

/* Candidates after the iptables words @w[0..@n) (the program's name left out). */
static void iptables_words(int n, char **w, bool v6)
{
	enum ir_family fam = v6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	enum ir_table_id id = IR_TABLE_FILTER;
	const char *prev = n ? w[n - 1] : "";

	for (int i = 0; i + 1 < n; i++)
		if (!strcmp(w[i], "-t") || !strcmp(w[i], "--table"))
			ir_table_id_parse(w[i + 1], &id);
	if (n >= 2 && (!strcmp(w[n - 2], "-P") || !strcmp(w[n - 2], "--policy")))
		add_list(verdicts);
	else if (!strcmp(prev, "-t") || !strcmp(prev, "--table"))
		add_list(tables);
	else if (is(prev, chain_opts))
		add_chains(fam, id, false);
	else if (!strcmp(prev, "-j") || !strcmp(prev, "--jump")) {
		add_list(targets);
		add_chains(fam, id, true);
	} else if (!strcmp(prev, "-g") || !strcmp(prev, "--goto"))
		add_chains(fam, id, true);
	else if (!strcmp(prev, "-m") || !strcmp(prev, "--match"))
		add_list(v6 ? matches6 : matches4);
	else if (!strcmp(prev, "-p") || !strcmp(prev, "--protocol"))
		add_list(v6 ? protos6 : protos4);
	else if (!strcmp(prev, "-i") || !strcmp(prev, "-o") || !strcmp(prev, "--in-interface") ||
		 !strcmp(prev, "--out-interface"))
		add_ifaces();
	else if (!strcmp(prev, "--match-set"))
		add_sets();
	else
		add_options(n, w, v6);
}

/* Fill the candidates for the word after @w[0..@n); false: complete file names instead. */
static bool collect(int n, char **w)
{
	const char *first = n ? w[0] : "";

	if (!n) {
		add_list(shell_cmds);
		return true;
	}
	if (!strcmp(first, "help")) {
		if (n == 1)
			add_list(shell_help_topics());
		return true;
	}
	if (!strcmp(first, "load") || !strcmp(first, "save"))
		return false;
	if (!strcmp(first, "trace")) {
		const char *prev = w[n - 1];

		if (!strcmp(prev, "in") || !strcmp(prev, "out"))
			add_ifaces();
		add_list(pkt_desc_words(n == 1 ? "" : prev));
		return true;
	}
	if (!strcmp(first, "ipset")) {
		if (n == 1)
			add_list(ipset_cmds);
		else if (n == 2)
			add_sets();
		return true;
	}
	if (!strcmp(first, "iptables") || !strcmp(first, "ip6tables")) {
		iptables_words(n - 1, w + 1, first[2] == '6');
		return true;
	}
	if (!strcmp(first, "show") || !strcmp(first, "list") || first[0] == '-')
		iptables_words(n, w, false);
	return true;
}

static char *generate(const char *text, int state)
{
	size_t len = strlen(text);

	while (comp.next < comp.c.n) {
		const char *w = comp.c.word[comp.next++];

		if (!strncmp(w, text, len))
			return strdup(w);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	char *before = strndup(rl_line_buffer, start);
	char **w = NULL, **matches = NULL;
	int n;

	rl_attempted_completion_over = 1;
	if (!before)
		return NULL;
	n = shell_split(before, true, &w);
	free(before);
	if (n < 0)
		return NULL;
	clear();
	if (collect(n, w))
		matches = rl_completion_matches(text, generate);
	else
		rl_attempted_completion_over = 0;
	shell_words_free(w, n);
	return matches;
}

void shell_complete_init(const struct shell *sh)
{
	comp.sh = sh;
	rl_readline_name = "bpfw";
	rl_attempted_completion_function = complete;
	rl_basic_word_break_characters = " \t\n\"'";
}
