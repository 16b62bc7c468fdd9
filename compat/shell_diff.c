// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw shell's "diff": the staged rule set against the running one, table
 * by table, as the lines iptables-save prints (without counters), those
 * only in the running set with "-", those only in the staged set with "+".
 * Lines are matched by their longest common subsequence; past a size where
 * that costs too much, the differing middles are shown whole.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/ipset.h"
#include "bpfw/nft.h"
#include "shell.h"

#define LCS_MAX_CELLS	(4u << 20)	/* one comparison's table: 4 Mi cells of 2 bytes */

struct lines {
	char *buf;
	size_t len;
	char **line;
	unsigned int n;
};

static void lines_free(struct lines *l)
{
	free(l->buf);
	free(l->line);
}

/* Split @l->buf into lines, leaving out a table's "*name" and "COMMIT" lines. */
static int lines_split(struct lines *l)
{
	char *save = NULL, *s;

	l->line = calloc(l->len / 2 + 2, sizeof(*l->line));
	if (!l->line)
		return -ENOMEM;
	for (s = strtok_r(l->buf, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		if (s[0] != '*' && strcmp(s, "COMMIT"))
			l->line[l->n++] = s;
	return 0;
}

/* Print the changed lines of @a -> @b under @head (once, if anything changed). */
static int diff_lines(const struct lines *a, const struct lines *b, const char *head,
		      FILE *out, bool *any)
{
	unsigned int pre = 0, suf = 0, na, nb, i, j;
	uint16_t *t;

	while (pre < a->n && pre < b->n && !strcmp(a->line[pre], b->line[pre]))
		pre++;
	while (suf < a->n - pre && suf < b->n - pre &&
	       !strcmp(a->line[a->n - 1 - suf], b->line[b->n - 1 - suf]))
		suf++;
	na = a->n - pre - suf;
	nb = b->n - pre - suf;
	if (!na && !nb)
		return 0;
	*any = true;
	fprintf(out, "%s\n", head);
	if ((size_t)(na + 1) * (nb + 1) > LCS_MAX_CELLS || na >= UINT16_MAX || nb >= UINT16_MAX) {
		for (i = 0; i < na; i++)
			fprintf(out, "-%s\n", a->line[pre + i]);
		for (j = 0; j < nb; j++)
			fprintf(out, "+%s\n", b->line[pre + j]);
		return 0;
	}
	/* t[i][j]: the longest common subsequence of a[i..] and b[j..] */
	t = calloc((size_t)(na + 1) * (nb + 1), sizeof(*t));
	if (!t)
		return -ENOMEM;
#define T(x, y)	t[(size_t)(x) * (nb + 1) + (y)]
	for (i = na; i-- > 0;)
		for (j = nb; j-- > 0;)
			T(i, j) = !strcmp(a->line[pre + i], b->line[pre + j]) ?
				  T(i + 1, j + 1) + 1 :
				  T(i + 1, j) > T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
	for (i = 0, j = 0; i < na || j < nb;) {
		if (i < na && j < nb && !strcmp(a->line[pre + i], b->line[pre + j])) {
			i++;
			j++;
		} else if (i < na && (j == nb || T(i + 1, j) >= T(i, j + 1))) {
			fprintf(out, "-%s\n", a->line[pre + i++]);
		} else {
			fprintf(out, "+%s\n", b->line[pre + j++]);
		}
	}
#undef T
	free(t);
	return 0;
}

enum part {
	PART_IPSET,
	PART_IPT,
	PART_NFT,
};

/* The text of one part of @rs: a family's table, the sets or the nftables tables. */
static int part_text(const struct ir_ruleset *rs, enum part part, enum ir_family fam,
		     const char *table, struct lines *l)
{
	static const struct ipt_ctx ctx[IR_FAMILY_MAX] = {
		[IR_FAMILY_IPV4] = { .prog = "iptables", .family = IR_FAMILY_IPV4 },
		[IR_FAMILY_IPV6] = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 },
	};
	const struct nft_fmt_opts fo = { .flags = NFT_F_STATELESS };
	FILE *f = open_memstream(&l->buf, &l->len);
	int ret = 0;

	if (!f)
		return -ENOMEM;
	if (part == PART_IPSET)
		ipset_state_write(f, rs);
	else if (part == PART_IPT)
		ret = ipt_save(&ctx[fam], f, rs, table, IPT_SAVE_NO_COUNTERS, false);
	for (unsigned int i = 0; part == PART_NFT && i < rs->n_nft && !ret; i++)
		ret = nft_fmt_table(f, rs, rs->nft[i], &fo);
	if (fclose(f) && !ret)
		ret = -ENOMEM;
	if (!ret)
		ret = lines_split(l);
	return ret;
}

static int diff_part(const struct shell *sh, enum part part, enum ir_family fam,
		     const char *table, const char *head, FILE *out, bool *any)
{
	const struct ir_ruleset *base = sh->base;
	struct ir_ruleset *dflt = NULL;
	struct lines a = { 0 }, b = { 0 };
	enum ir_table_id id;
	struct ir_table *t;
	int ret;

	/* a table not in use yet is its built-in chains, empty, with ACCEPT policies */
	if (part == PART_IPT && !ir_table_id_parse(table, &id) && !base->tables[fam][id] &&
	    sh->staged->tables[fam][id]) {
		dflt = ir_ruleset_new();
		if (!dflt || ir_table_get(dflt, fam, id, &t)) {
			ir_ruleset_free(dflt);
			return -ENOMEM;
		}
		base = dflt;
	}
	ret = part_text(base, part, fam, table, &a);
	if (!ret)
		ret = part_text(sh->staged, part, fam, table, &b);
	if (!ret)
		ret = diff_lines(&a, &b, head, out, any);
	lines_free(&a);
	lines_free(&b);
	ir_ruleset_free(dflt);
	return ret;
}

int shell_diff(const struct shell *sh, FILE *out, struct bpfw_err *err)
{
	static const char *const tables[] = { "raw", "filter" };
	bool any = false;
	char head[64];
	int ret;

	ret = diff_part(sh, PART_IPSET, IR_FAMILY_IPV4, NULL, "# ipset", out, &any);
	for (int fam = 0; fam < IR_FAMILY_MAX && !ret; fam++) {
		for (unsigned int i = 0; i < 2 && !ret; i++) {
			snprintf(head, sizeof(head), "*%s%s", tables[i],
				 fam == IR_FAMILY_IPV6 ? " (ip6tables)" : "");
			ret = diff_part(sh, PART_IPT, fam, tables[i], head, out, &any);
		}
	}
	if (!ret)
		ret = diff_part(sh, PART_NFT, IR_FAMILY_IPV4, NULL, "# nftables", out, &any);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret, "Cannot format the rule sets");
	if (!any)
		fprintf(out, "No staged changes.\n");
	return 0;
}
