// SPDX-License-Identifier: GPL-2.0
/*
 * nft's commands on the rule model: add, create, insert, replace, delete,
 * flush and list of tables, chains, rules, sets and elements, and the
 * block form "table inet t { chain c { ... } set s { ... } }".  iptables'
 * own tables (ip filter, ip6 filter, ip raw) are rs->tables[][]; the rest
 * are rs->nft.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "bpfw/ipset.h"
#include "nft_syntax.h"

enum obj { OBJ_TABLE, OBJ_CHAIN, OBJ_RULE, OBJ_SET, OBJ_ELEMENT, OBJ_RULESET };

static const char *const fam_names[IR_NFT_FAMILY_MAX] = { "ip", "ip6", "inet" };

/*
 * A name's token, taken; NULL if the statement ends here or the name is
 * not one bpfw keeps (letters, digits, "_", "-", "." and "/", as an
 * unquoted nft name: the state text holds it unquoted, and ":" joins a
 * set's table and name).
 */
static bool name_ok(const char *s)
{
	return s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			      "0123456789_-./") == strlen(s);
}

static const char *take_name(struct nft_toks *t)
{
	const struct nft_tok *k = nft_peek(t);

	if (k->kind != NFT_TOK_WORD && k->kind != NFT_TOK_STRING)
		return NULL;
	if (!name_ok(k->text))
		return NULL;
	t->pos++;
	return k->text;
}

/* "syntax error, expecting @what name", or why the name given is not one bpfw keeps. */
static int bad_name(struct nft_toks *t, const char *what, struct bpfw_err *err)
{
	const struct nft_tok *k = nft_peek(t);

	if ((k->kind == NFT_TOK_WORD || k->kind == NFT_TOK_STRING) && k->text[0])
		return nft_perr(t, err, "%s name \"%s\" is not supported by bpfw (a name of "
				"letters, digits, _ - . and /)", what, k->text);
	return nft_perr(t, err, "syntax error, expecting %s name", what);
}

/* The table id of one of iptables' own tables named @name in @fam, or -1. */
static int ipt_table_of(enum ir_nft_family fam, const char *name, enum ir_family *family)
{
	if (fam == IR_NFT_INET)
		return -1;
	*family = fam == IR_NFT_IP6 ? IR_FAMILY_IPV6 : IR_FAMILY_IPV4;
	if (!strcmp(name, "filter"))
		return IR_TABLE_FILTER;
	if (!strcmp(name, "raw"))
		return IR_TABLE_RAW;
	return -1;
}

/* [FAMILY] TABLE: the family (ip if not given) and the table name. */
static int table_ref(struct nft_toks *t, enum ir_nft_family *fam, const char **name,
		     struct bpfw_err *err)
{
	const struct nft_tok *k = nft_peek(t);

	*fam = IR_NFT_IP;
	if (k->kind == NFT_TOK_WORD && !nft_family_parse(k->text, fam))
		t->pos++;
	else if (k->kind == NFT_TOK_WORD && (!strcmp(k->text, "arp") ||
					     !strcmp(k->text, "bridge") ||
					     !strcmp(k->text, "netdev")))
		return nft_perr(t, err, "family %s is not supported by bpfw", k->text);
	*name = take_name(t);
	if (!*name)
		return bad_name(t, "table", err);
	return 0;
}

/* The table, or nft's "No such file or directory" error. */
static int table_find(struct nft_toks *t, struct ir_ruleset *rs, enum ir_nft_family fam,
		      const char *name, struct ir_table **out, struct bpfw_err *err)
{
	enum ir_family family;
	int id = ipt_table_of(fam, name, &family);

	/* iptables' own tables are always there, as iptables sees them */
	if (id >= 0 && ir_table_get(rs, family, id, out))
		return nft_nomem(err);
	if (id < 0)
		*out = ir_nft_table_find(rs, fam, name);
	if (!*out)
		return nft_perr(t, err, "Could not process rule: No such file or directory\n"
				"table %s %s does not exist", fam_names[fam], name);
	return 0;
}

/* Add table @name (no error if it exists: "add" is idempotent, "create" is not). */
static int table_add(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		     enum ir_nft_family fam, const char *name, bool create,
		     struct ir_table **out, struct bpfw_err *err)
{
	enum ir_family family;
	int id = ipt_table_of(fam, name, &family), ret;

	if (id >= 0) {
		if (create && rs->tables[family][id])
			return nft_perr(t, err, "Could not process rule: File exists");
		if (ir_table_get(rs, family, id, out))
			return nft_nomem(err);
		ctx->changed = true;
		return 0;
	}
	*out = ir_nft_table_find(rs, fam, name);
	if (*out) {
		if (create)
			return nft_perr(t, err, "Could not process rule: File exists");
		return 0;
	}
	ret = ir_nft_table_add(rs, fam, name, out);
	if (ret == -EINVAL)
		return nft_perr(t, err, "table name '%s' is not valid", name);
	if (ret)
		return nft_nomem(err);
	ctx->changed = true;
	return 0;
}

static int chain_find(struct nft_toks *t, struct ir_table *tb, const char *name,
		      struct ir_chain **out, struct bpfw_err *err)
{
	*out = ir_chain_find(tb, name);
	if (!*out)
		return nft_perr(t, err, "Could not process rule: No such file or directory\n"
				"chain %s does not exist", name);
	return 0;
}

static const char *const hook_names[IR_HOOK_MAX] = {
	"prerouting", "input", "forward", "output", "postrouting",
};

/* "type filter hook H priority P ;" and "policy V ;" of a chain's body, then "}". */
static int chain_body(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		      struct ir_table *tb, struct ir_chain **c, const char *name,
		      struct bpfw_err *err);

/* Where a base chain may go: iptables' tables take only their own chains. */
static int base_chain(struct nft_toks *t, struct ir_table *tb, const char *name, int hook,
		      int32_t prio, enum ir_verdict policy, bool has_policy, struct ir_chain **c,
		      struct bpfw_err *err)
{
	int ret;

	if (!tb->name[0]) {
		/* iptables' own table: its built-in chains are there already */
		if (!*c || (*c)->hook != (enum ir_hook)hook)
			return nft_perr(t, err, "chain %s of table %s cannot be a base chain of "
					"hook %s in bpfw", name, ir_table_name(tb->id),
					hook_names[hook]);
		if (has_policy)
			(*c)->policy = policy;
		return 0;
	}
	if (*c) {
		if ((*c)->hook != (enum ir_hook)hook || (*c)->priority != prio)
			return nft_perr(t, err, "Could not process rule: Device or resource busy\n"
					"chain %s exists with another hook", name);
		if (has_policy)
			(*c)->policy = policy;
		return 0;
	}
	ret = ir_nft_base_chain_add(tb, name, hook, prio, policy, c);
	if (ret == -EINVAL)
		return nft_perr(t, err, "chain name '%s' is not valid", name);
	return ret ? nft_perr(t, err, "Could not process rule: %s", strerror(-ret)) : 0;
}

static int chain_body(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		      struct ir_table *tb, struct ir_chain **c, const char *name,
		      struct bpfw_err *err)
{
	const struct nft_rule_where w = { rs, tb, ctx->flags & NFT_F_STATE };
	int hook = -1, ret;
	int32_t prio = 0;
	enum ir_verdict policy = IR_VERDICT_ACCEPT;
	bool has_policy = false;
	long handle = -1;

	while (!nft_accept(t, "}")) {
		const struct nft_tok *k = nft_peek(t);

		if (k->kind == NFT_TOK_END)
			return nft_perr(t, err, "syntax error, unexpected end of file");
		if (k->kind == NFT_TOK_EOL || nft_accept(t, ";")) {
			if (k->kind == NFT_TOK_EOL)
				t->pos++;
			continue;
		}
		if (nft_accept(t, "type")) {
			if (!nft_accept(t, "filter")) {
				return nft_perr(t, err, "chain type %s is not supported by bpfw",
						nft_peek(t)->text);
			}
			if (!nft_accept(t, "hook"))
				return nft_perr(t, err, "syntax error, expecting hook");
			for (int h = 0; h < IR_HOOK_MAX; h++)
				if (nft_at(t, hook_names[h]))
					hook = h;
			if (hook < 0 || hook == IR_HOOK_POSTROUTING)
				return nft_perr(t, err, "hook %s is not supported by bpfw",
						nft_peek(t)->text);
			t->pos++;
			if (nft_accept(t, "device"))
				return nft_perr(t, err, "device is not supported by bpfw");
			if (!nft_accept(t, "priority") || nft_priority_parse(t, &prio))
				return nft_perr(t, err, "syntax error, expecting priority");
			ret = base_chain(t, tb, name, hook, prio, policy, has_policy, c, err);
			if (ret)
				return ret;
			ctx->changed = true;
			continue;
		}
		if (nft_accept(t, "policy")) {
			if (nft_accept(t, "accept"))
				policy = IR_VERDICT_ACCEPT;
			else if (nft_accept(t, "drop"))
				policy = IR_VERDICT_DROP;
			else
				return nft_perr(t, err, "syntax error, expecting accept or drop");
			has_policy = true;
			if (*c && (*c)->hook != IR_HOOK_NONE)
				(*c)->policy = policy;
			continue;
		}
		if (w.state && nft_accept(t, "handle")) {
			handle = strtol(nft_peek(t)->text, NULL, 10);
			t->pos++;
			continue;
		}
		if (nft_at(t, "comment") || nft_at(t, "devices"))
			return nft_perr(t, err, "chain %s is not supported by bpfw",
					nft_peek(t)->text);
		/* a rule: the chain must exist by now */
		if (!*c) {
			ret = ir_chain_add(tb, name, c);
			if (ret)
				return nft_perr(t, err, "Could not process rule: %s",
						strerror(-ret));
			ctx->changed = true;
		}
		{
			struct ir_rule *r;

			ret = nft_parse_rule(t, &w, &r, err);
			if (ret)
				return ret;
			ret = ir_chain_insert(*c, (*c)->n_rules, r);
			if (ret) {
				ir_rule_free(r);
				return nft_nomem(err);
			}
			ctx->changed = true;
		}
	}
	if (hook < 0 && has_policy) {
		if (!*c || (*c)->hook == IR_HOOK_NONE)
			return nft_perr(t, err, "policy of a chain without a hook");
		(*c)->policy = policy;
	}
	if (!*c) {
		ret = ir_chain_add(tb, name, c);
		if (ret == -EEXIST)
			ret = 0;
		else if (ret)
			return nft_perr(t, err, "Could not process rule: %s", strerror(-ret));
	}
	if (handle > 0 && *c)
		(*c)->policy_slot = handle - 1;
	ctx->changed = true;
	return 0;
}

/* add/create chain: the chain, with its body if given. */
static int chain_add(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		     struct ir_table *tb, const char *name, bool create, struct bpfw_err *err)
{
	struct ir_chain *c = ir_chain_find(tb, name);

	if (c && create)
		return nft_perr(t, err, "Could not process rule: File exists");
	if (strlen(name) >= IR_CHAIN_MAXNAMELEN)
		return nft_perr(t, err, "chain name '%s' is longer than bpfw's %d characters",
				name, IR_CHAIN_MAXNAMELEN - 1);
	if (nft_accept(t, "{"))
		return chain_body(t, ctx, rs, tb, &c, name, err);
	if (!c) {
		int ret = ir_chain_add(tb, name, &c);

		if (ret)
			return nft_perr(t, err, "Could not process rule: %s", strerror(-ret));
		ctx->changed = true;
	}
	return 0;
}

/* "type T ; flags interval ; elements = { ... }" of a set's body, then "}". */
static int set_body(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		    struct ir_table *tb, const char *name, struct bpfw_err *err);

/* Queue element change @op of ir_set @set (@elem NULL: the whole set, for 'f'). */
static int queue_elem(struct nft_ctx *ctx, char op, const char *set, const char *elem,
		      struct bpfw_err *err)
{
	struct nft_elem_op *more = realloc(ctx->elems, (ctx->n_elems + 1) * sizeof(*more));

	if (!more)
		return nft_nomem(err);
	ctx->elems = more;
	more[ctx->n_elems].op = op;
	snprintf(more[ctx->n_elems].set, sizeof(more[ctx->n_elems].set), "%s", set);
	more[ctx->n_elems].elem = NULL;
	if (elem && !(more[ctx->n_elems].elem = strdup(elem)))
		return nft_nomem(err);
	ctx->n_elems++;
	return 0;
}

/* { e1, e2 }: queue an element change of set @s for each. */
static int elements(struct nft_toks *t, struct nft_ctx *ctx, const struct ir_set *s, char op,
		    struct bpfw_err *err)
{
	if (!nft_accept(t, "{"))
		return nft_perr(t, err, "syntax error, expecting {");
	while (!nft_accept(t, "}")) {
		const struct nft_tok *k = nft_peek(t);
		struct ipset_elem e;
		char *word;
		int ret;
		struct bpfw_err perr = { 0 };

		if (k->kind == NFT_TOK_EOL || nft_accept(t, ",")) {
			if (k->kind == NFT_TOK_EOL)
				t->pos++;
			continue;
		}
		if (k->kind != NFT_TOK_WORD)
			return nft_perr(t, err, "syntax error, unexpected %s", k->text);
		if (!strcmp(k->text, "*"))
			return nft_perr(t, err, "the catch-all element * is not supported by bpfw");
		if (t->pos + 1 < t->n && (!strcmp(t->v[t->pos + 1].text, "timeout") ||
					  !strcmp(t->v[t->pos + 1].text, "expires") ||
					  !strcmp(t->v[t->pos + 1].text, "counter") ||
					  !strcmp(t->v[t->pos + 1].text, "comment") ||
					  !strcmp(t->v[t->pos + 1].text, ":") ||
					  !strcmp(t->v[t->pos + 1].text, ".")))
			return nft_perr(t, err, "element %s %s is not supported by bpfw", k->text,
					t->v[t->pos + 1].text);
		word = k->text;
		if (ipset_parse_elem(s, &word, 1, false, &e, &perr) ||
		    (s->type == IR_SET_HASH_IP && (strchr(word, '/') || strchr(word, '-'))))
			return nft_perr(t, err, "Could not resolve element %s of a set of %s "
					"addresses%s", word, s->family == IR_FAMILY_IPV6 ?
					"IPv6" : "IPv4", s->type == IR_SET_HASH_IP ?
					" (a prefix or range needs flags interval)" : "");
		t->pos++;
		ret = queue_elem(ctx, op, s->name, word, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int set_body(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		    struct ir_table *tb, const char *name, struct bpfw_err *err)
{
	struct ir_set s = { 0 }, *old;
	bool typed = false, interval = false;
	unsigned int start = 0;
	bool have_elems = false;

	if (nft_set_ir_name(tb, name, s.name, sizeof(s.name)))
		return nft_perr(t, err, "set name %s is too long for bpfw (its table, family and "
				"name take at most %d characters)", name, IR_SET_MAXNAMELEN - 3);
	while (!nft_accept(t, "}")) {
		const struct nft_tok *k = nft_peek(t);

		if (k->kind == NFT_TOK_END)
			return nft_perr(t, err, "syntax error, unexpected end of file");
		if (k->kind == NFT_TOK_EOL || nft_accept(t, ";")) {
			if (k->kind == NFT_TOK_EOL)
				t->pos++;
			continue;
		}
		if (nft_accept(t, "type")) {
			if (nft_accept(t, "ipv4_addr")) {
				s.family = IR_FAMILY_IPV4;
			} else if (nft_accept(t, "ipv6_addr")) {
				s.family = IR_FAMILY_IPV6;
			} else {
				return nft_perr(t, err, "set type %s is not supported by bpfw "
						"(named sets hold ipv4_addr or ipv6_addr)",
						nft_peek(t)->text);
			}
			typed = true;
			continue;
		}
		if (nft_accept(t, "flags")) {
			do {
				if (nft_accept(t, "interval"))
					interval = true;
				else
					return nft_perr(t, err, "set flag %s is not supported by "
							"bpfw", nft_peek(t)->text);
			} while (nft_accept(t, ","));
			continue;
		}
		if (nft_accept(t, "elements")) {
			if (!nft_accept(t, "="))
				return nft_perr(t, err, "syntax error, expecting =");
			start = t->pos;
			have_elems = true;
			/* skip to the closing brace: read once the set is defined */
			while (!nft_at(t, "}") && nft_peek(t)->kind != NFT_TOK_END)
				t->pos++;
			t->pos++;
			continue;
		}
		return nft_perr(t, err, "set option %s is not supported by bpfw", k->text);
	}
	if (!typed)
		return nft_perr(t, err, "set definition does not specify key");
	s.type = interval ? IR_SET_HASH_NET : IR_SET_HASH_IP;
	s.hashsize = IPSET_HASHSIZE;
	s.maxelem = IPSET_MAXELEM;
	old = ir_set_find(rs, s.name);
	if (old && (old->type != s.type || old->family != s.family))
		return nft_perr(t, err, "Could not process rule: File exists\n"
				"set %s exists with another type", name);
	if (!old) {
		if (getrandom(&s.initval, sizeof(s.initval), 0) != sizeof(s.initval))
			s.initval = 0x2f8c4a1bu;
		for (unsigned int i = 0; i < rs->n_sets; i++)
			if (rs->sets[i].id >= rs->set_seq)
				rs->set_seq = rs->sets[i].id + 1;
		s.id = rs->set_seq++;
		if (ir_set_add(rs, &s))
			return nft_nomem(err);
		ctx->changed = true;
		old = ir_set_find(rs, s.name);
	}
	if (have_elems) {
		unsigned int end = t->pos;
		int ret;

		t->pos = start;
		ret = elements(t, ctx, old, 'a', err);
		t->pos = end;
		return ret;
	}
	return 0;
}

/* The ir_set of set @name of table @tb, or nft's error. */
static int set_find(struct nft_toks *t, struct ir_ruleset *rs, struct ir_table *tb,
		    const char *name, struct ir_set **out, struct bpfw_err *err)
{
	char full[IR_SET_MAXNAMELEN];

	*out = NULL;
	if (!nft_set_ir_name(tb, name, full, sizeof(full)))
		*out = ir_set_find(rs, full);
	if (!*out)
		return nft_perr(t, err, "Could not process rule: No such file or directory\n"
				"set %s does not exist", name);
	return 0;
}

/* delete or flush a table: rs->nft's goes, iptables' own is emptied. */
static void table_remove(struct ir_ruleset *rs, struct ir_table *tb, bool flush)
{
	if (flush || !tb->name[0]) {
		for (unsigned int i = 0; i < tb->n_chains; i++)
			ir_chain_flush(tb->chains[i]);
		if (!tb->name[0] && !flush)
			ir_table_flush(tb);
		return;
	}
	/* the table's sets go with it */
	for (unsigned int i = rs->n_sets; i-- > 0;) {
		char prefix[IR_SET_MAXNAMELEN + IR_NFT_NAMELEN];

		snprintf(prefix, sizeof(prefix), "%s:%s:", fam_names[tb->nft_family], tb->name);
		if (!strncmp(rs->sets[i].name, prefix, strlen(prefix)))
			ir_set_del(rs, &rs->sets[i]);
	}
	ir_nft_table_del(rs, tb);
}

/* The rule whose handle is @handle (its counter slot + 1) in @c, or -1. */
static int rule_by_handle(const struct ir_chain *c, long handle)
{
	for (unsigned int i = 0; i < c->n_rules; i++)
		if (c->rules[i]->slot != IR_SLOT_NONE && (long)c->rules[i]->slot + 1 == handle)
			return i;
	return -1;
}

static int parse_handle(struct nft_toks *t, const char *word, long *handle, struct bpfw_err *err)
{
	const struct nft_tok *k;
	char *end;

	if (!nft_accept(t, word))
		return nft_perr(t, err, "syntax error, expecting %s", word);
	k = nft_peek(t);
	*handle = strtol(k->text, &end, 10);
	if (k->kind != NFT_TOK_WORD || *end || *handle < 0)
		return nft_perr(t, err, "syntax error, expecting a number");
	t->pos++;
	return 0;
}

/* add/insert/replace/delete rule FAMILY TABLE CHAIN ... */
static int rule_cmd(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		    const char *verb, struct ir_table *tb, struct ir_chain *c,
		    struct bpfw_err *err)
{
	const struct nft_rule_where w = { rs, tb, false };
	bool insert = !strcmp(verb, "insert"), add = !strcmp(verb, "add");
	struct ir_rule *r;
	unsigned int pos = insert ? 0 : c->n_rules;
	long handle = -1;
	int at, ret;

	if (!strcmp(verb, "delete") || !strcmp(verb, "replace")) {
		ret = parse_handle(t, "handle", &handle, err);
		if (ret)
			return ret;
		at = rule_by_handle(c, handle);
		if (at < 0)
			return nft_perr(t, err, "Could not process rule: %s", strerror(ENOENT));
		if (!strcmp(verb, "delete")) {
			ir_chain_remove(c, at);
			ctx->changed = true;
			return 0;
		}
		ret = nft_parse_rule(t, &w, &r, err);
		if (ret)
			return ret;
		/* the rule keeps its handle (its slot), its counter starts again */
		r->slot = c->rules[at]->slot;
		memset(&r->counter, 0, sizeof(r->counter));
		r->counter_given = true;
		ir_chain_replace(c, at, r);
		ctx->changed = true;
		return 0;
	}
	if (nft_at(t, "position") || nft_at(t, "handle") || nft_at(t, "index")) {
		bool index = nft_at(t, "index");

		ret = parse_handle(t, nft_peek(t)->text, &handle, err);
		if (ret)
			return ret;
		at = index ? (handle < (long)c->n_rules ? handle : -1) : rule_by_handle(c, handle);
		if (at < 0)
			return nft_perr(t, err, "Could not process rule: %s", strerror(ENOENT));
		pos = add ? at + 1 : at;
	}
	ret = nft_parse_rule(t, &w, &r, err);
	if (ret)
		return ret;
	if (ir_chain_insert(c, pos, r)) {
		ir_rule_free(r);
		return nft_nomem(err);
	}
	ctx->changed = true;
	return 0;
}

/* list ruleset/table/chain/set: nft's list format to ctx->out. */
static int list_cmd(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		    enum obj what, struct ir_table *tb, const char *name, struct bpfw_err *err)
{
	if (!ctx->out)
		return nft_perr(t, err, "list is not available here");
	if (what == OBJ_RULESET)
		return nft_fmt_ruleset(ctx->out, rs, &ctx->fmt);
	if (what == OBJ_TABLE)
		return nft_fmt_table(ctx->out, rs, tb, &ctx->fmt);
	if (what == OBJ_CHAIN) {
		struct ir_chain *c;
		int ret = chain_find(t, tb, name, &c, err);

		return ret ? ret : nft_fmt_chain(ctx->out, rs, tb, c, &ctx->fmt);
	}
	{
		struct ir_set *s;
		int ret = set_find(t, rs, tb, name, &s, err);

		return ret ? ret : nft_fmt_set(ctx->out, tb, s, &ctx->fmt);
	}
}

/* One command after its verb ("add", "list", ...): its object and arguments. */
static int object_cmd(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		      const char *verb, struct bpfw_err *err)
{
	static const char *const objs[] = { "table", "chain", "rule", "set", "element",
					    "ruleset" };
	bool create = !strcmp(verb, "create"), list = !strcmp(verb, "list");
	bool del = !strcmp(verb, "delete") || !strcmp(verb, "destroy");
	bool flush = !strcmp(verb, "flush");
	enum ir_nft_family fam;
	const char *tname, *name = NULL;
	struct ir_table *tb = NULL;
	struct ir_chain *c;
	struct ir_set *s;
	int what = -1, ret;

	static const char *const others[] = { "counter", "quota", "limit", "ct", "synproxy",
					      "secmark", "map", "flowtable", "counters", "quotas",
					      "limits", "maps", "flowtables", "sets", "chains" };

	for (unsigned int i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (nft_at(t, others[i]))
			return nft_perr(t, err, "%s objects are not supported by bpfw", others[i]);
	for (unsigned int i = 0; i < sizeof(objs) / sizeof(objs[0]); i++)
		if (nft_at(t, objs[i]))
			what = i;
	if (what < 0 && (!strcmp(verb, "insert") || !strcmp(verb, "replace")))
		what = OBJ_RULE;
	else if (what < 0)
		return nft_perr(t, err, "syntax error, unexpected %s", nft_peek(t)->text);
	else
		t->pos++;
	if (what == OBJ_RULESET) {
		if (list)
			return list_cmd(t, ctx, rs, OBJ_RULESET, NULL, NULL, err);
		if (!flush)
			return nft_perr(t, err, "syntax error, unexpected ruleset");
		if (nft_at(t, "ip") || nft_at(t, "ip6") || nft_at(t, "inet"))
			return nft_perr(t, err, "flush ruleset of one family is not supported by "
					"bpfw");
		for (int f = 0; f < IR_FAMILY_MAX; f++) {
			for (int i = 0; i < IR_TABLE_MAX; i++) {
				ir_table_free(rs->tables[f][i]);
				rs->tables[f][i] = NULL;
			}
		}
		while (rs->n_nft)
			table_remove(rs, rs->nft[0], false);
		ctx->changed = true;
		return 0;
	}
	if (list && what == OBJ_TABLE && (nft_at_end(t) || !strcmp(verb, "tables")))
		return list_cmd(t, ctx, rs, OBJ_RULESET, NULL, NULL, err);
	ret = table_ref(t, &fam, &tname, err);
	if (ret)
		return ret;
	if (what == OBJ_TABLE) {
		if (!strcmp(verb, "add") || create) {
			ret = table_add(t, ctx, rs, fam, tname, create, &tb, err);
			if (ret)
				return ret;
			if (nft_accept(t, "{"))
				return nft_table_body(t, ctx, rs, tb, err);
			return 0;
		}
		ret = table_find(t, rs, fam, tname, &tb, err);
		if (ret && !strcmp(verb, "destroy")) {
			bpfw_err_clear(err);
			return 0;
		}
		if (ret)
			return ret;
		if (list)
			return list_cmd(t, ctx, rs, OBJ_TABLE, tb, NULL, err);
		if (!del && !flush)
			return nft_perr(t, err, "syntax error, unexpected %s", verb);
		table_remove(rs, tb, flush);
		ctx->changed = true;
		return 0;
	}
	ret = table_find(t, rs, fam, tname, &tb, err);
	if (ret)
		return ret;
	name = take_name(t);
	if (!name)
		return bad_name(t, objs[what], err);
	if (what == OBJ_CHAIN) {
		if (!strcmp(verb, "add") || create)
			return chain_add(t, ctx, rs, tb, name, create, err);
		ret = chain_find(t, tb, name, &c, err);
		if (ret)
			return ret;
		if (list)
			return list_cmd(t, ctx, rs, OBJ_CHAIN, tb, name, err);
		if (flush) {
			ir_chain_flush(c);
			ctx->changed = true;
			return 0;
		}
		if (!del)
			return nft_perr(t, err, "syntax error, unexpected %s", verb);
		if (!tb->name[0] && c->hook != IR_HOOK_NONE)
			return nft_perr(t, err, "Could not process rule: Device or resource busy\n"
					"chain %s is a built-in chain of iptables' table", name);
		ret = ir_chain_del(tb, c);
		if (ret == -ENOTEMPTY || ret == -EMLINK)
			return nft_perr(t, err, "Could not process rule: Device or resource busy");
		if (ret)
			return nft_perr(t, err, "Could not process rule: %s", strerror(-ret));
		ctx->changed = true;
		return 0;
	}
	if (what == OBJ_RULE) {
		ret = chain_find(t, tb, name, &c, err);
		return ret ? ret : rule_cmd(t, ctx, rs, verb, tb, c, err);
	}
	if (what == OBJ_SET && (!strcmp(verb, "add") || create)) {
		if (create && !set_find(t, rs, tb, name, &s, NULL))
			return nft_perr(t, err, "Could not process rule: File exists");
		if (!nft_accept(t, "{"))
			return nft_perr(t, err, "syntax error, expecting {");
		return set_body(t, ctx, rs, tb, name, err);
	}
	ret = set_find(t, rs, tb, name, &s, err);
	if (ret)
		return ret;
	if (what == OBJ_SET) {
		if (list)
			return list_cmd(t, ctx, rs, OBJ_SET, tb, name, err);
		if (flush)
			return queue_elem(ctx, 'f', s->name, NULL, err);
		if (!del)
			return nft_perr(t, err, "syntax error, unexpected %s", verb);
		if (ir_set_refcount(rs, s->name))
			return nft_perr(t, err, "Could not process rule: Device or resource busy");
		ir_set_del(rs, s);
		ctx->changed = true;
		return 0;
	}
	if (!strcmp(verb, "add") || create)
		return elements(t, ctx, s, 'a', err);
	if (del)
		return elements(t, ctx, s, 'd', err);
	return nft_perr(t, err, "syntax error, unexpected %s", verb);
}

int nft_table_body(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		   struct ir_table *tb, struct bpfw_err *err)
{
	while (!nft_accept(t, "}")) {
		const struct nft_tok *k = nft_peek(t);
		const char *name;
		int ret;

		if (k->kind == NFT_TOK_END)
			return nft_perr(t, err, "syntax error, unexpected end of file");
		if (k->kind == NFT_TOK_EOL || nft_accept(t, ";")) {
			if (k->kind == NFT_TOK_EOL)
				t->pos++;
			continue;
		}
		if (nft_accept(t, "chain")) {
			name = take_name(t);
			if (!name)
				return bad_name(t, "chain", err);
			if (!nft_at(t, "{"))
				return nft_perr(t, err, "syntax error, expecting {");
			ret = chain_add(t, ctx, rs, tb, name, false, err);
		} else if (nft_accept(t, "set")) {
			name = take_name(t);
			if (!name)
				return bad_name(t, "set", err);
			if (!nft_accept(t, "{"))
				return nft_perr(t, err, "syntax error, expecting {");
			ret = set_body(t, ctx, rs, tb, name, err);
		} else if (nft_at(t, "flags") || nft_at(t, "comment")) {
			return nft_perr(t, err, "table %s is not supported by bpfw", k->text);
		} else {
			return nft_perr(t, err, "%s in a table is not supported by bpfw", k->text);
		}
		if (ret)
			return ret;
	}
	return 0;
}

int nft_command(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		struct bpfw_err *err)
{
	static const char *const verbs[] = { "add", "create", "insert", "replace", "delete",
					     "destroy", "flush", "list" };
	const struct nft_tok *k = nft_peek(t);

	if (k->kind == NFT_TOK_WORD && (!strcmp(k->text, "table") ||
					!strcmp(k->text, "chain") || !strcmp(k->text, "set") ||
					!strcmp(k->text, "rule") || !strcmp(k->text, "element")))
		return object_cmd(t, ctx, rs, "add", err);
	for (unsigned int i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!nft_accept(t, verbs[i]))
			continue;
		if (!strcmp(verbs[i], "list") && nft_accept(t, "tables")) {
			for (int f = 0; f < IR_FAMILY_MAX; f++)
				for (int j = 0; j < IR_TABLE_MAX; j++)
					if (rs->tables[f][j] && ctx->out)
						fprintf(ctx->out, "table %s %s\n",
							f ? "ip6" : "ip", ir_table_name(j));
			for (unsigned int j = 0; j < rs->n_nft && ctx->out; j++)
				fprintf(ctx->out, "table %s %s\n",
					fam_names[rs->nft[j]->nft_family], rs->nft[j]->name);
			return 0;
		}
		return object_cmd(t, ctx, rs, verbs[i], err);
	}
	return nft_perr(t, err, "syntax error, unexpected %s", k->kind == NFT_TOK_END ?
			"end of file" : k->text);
}
