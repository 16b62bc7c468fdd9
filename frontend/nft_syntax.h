/* SPDX-License-Identifier: GPL-2.0 */
/* What the nft command language's parser files share (frontend/nft_lex.c ... nft_file.c). */
#ifndef BPFW_NFT_SYNTAX_H
#define BPFW_NFT_SYNTAX_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfw/nft.h"

enum nft_tok_kind {
	NFT_TOK_WORD,		/* names, numbers, addresses, ranges: "10.0.0.0/8", "1-5" */
	NFT_TOK_STRING,		/* "quoted", quotes removed */
	NFT_TOK_PUNCT,		/* { } ; , ! = == != < > <= >= ( ) & | @ $ */
	NFT_TOK_EOL,		/* end of a line: ends a statement like ';' */
	NFT_TOK_END,
};

struct nft_tok {
	enum nft_tok_kind kind;
	char *text;		/* malloc'd */
	int line;
};

/* A token stream of one buffer. */
struct nft_toks {
	struct nft_tok *v;
	unsigned int n, cap;
	unsigned int pos;
	const char *name;	/* the file's name, for messages */
};

/* Split @buf into tokens (comments dropped; with @state, "# handle N" kept as two words). */
int nft_lex(const char *buf, size_t len, bool state, struct nft_toks *out, struct bpfw_err *err);

/* Free a token stream's tokens. */
void nft_toks_release(struct nft_toks *t);

/* The current token (NFT_TOK_END past the last). */
const struct nft_tok *nft_peek(const struct nft_toks *t);

/* Whether the current token is @text (a word or punctuation), and take it if so. */
bool nft_accept(struct nft_toks *t, const char *text);

/* Whether the current token is @text, without taking it. */
bool nft_at(const struct nft_toks *t, const char *text);

/* Whether the current token ends a statement (';', end of line, '}' or the end). */
bool nft_at_end(const struct nft_toks *t);

/* Set nft's error "Error: ..." at the current token's line; returns -EINVAL. */
int nft_perr(struct nft_toks *t, struct bpfw_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* nft's message for a failed allocation in @err; returns -ENOMEM. */
int nft_nomem(struct bpfw_err *err);

/* What one rule is being parsed into. */
struct nft_rule_where {
	struct ir_ruleset *rs;
	struct ir_table *table;
	bool state;		/* the state text: "handle N" is the counter slot + 1 */
};

/* Parse one rule's statements up to the end of the statement into a new rule. */
int nft_parse_rule(struct nft_toks *t, const struct nft_rule_where *w, struct ir_rule **out,
		   struct bpfw_err *err);

/*
 * Expand the statements of a file's tokens that are no rules: "include"
 * (its file's tokens spliced in), "define NAME = VALUE" (removed) and
 * "$NAME" (replaced by the value's tokens).
 */
int nft_preprocess(struct nft_ctx *ctx, struct nft_toks *t, struct bpfw_err *err);

/* "ip", "ip6", "inet" into @fam; -EINVAL for others. */
int nft_family_parse(const char *s, enum ir_nft_family *fam);

/* An IPv4 or IPv6 address with an optional /prefix into @a (mask from the prefix). */
int nft_addr_parse(const char *s, enum ir_family family, struct ir_addr *a);

/* "N" or "A-B" of 16-bit numbers (no names) into @lo, @hi. */
int nft_port_range_number(const char *s, uint16_t *lo, uint16_t *hi);

/* "N" or "A-B" of ports (numbers or service names) into @lo, @hi. */
int nft_port_range_parse(const char *s, uint16_t *lo, uint16_t *hi);

/* A protocol's name ("tcp", "comp") as nft knows it, into @proto; -ENOENT. */
int nft_proto_parse(const char *s, uint8_t *proto);

/* A connection tracking state's name ("established") as its IR_CT_* bit; -ENOENT. */
int nft_ct_state_parse(const char *s, uint8_t *bit);

/* An ICMP (@v6: ICMPv6) type name or number. */
int nft_icmp_type_parse(const char *s, bool v6, uint8_t *type);

/* A chain priority: a number or "filter", "raw", ... with an optional "+ N" / "- N". */
int nft_priority_parse(struct nft_toks *t, int32_t *prio);

/* The body of "table F T { ... }" after its brace, through the closing one. */
int nft_table_body(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		   struct ir_table *tb, struct bpfw_err *err);

/* One command statement at the current token (up to its end) applied to @rs. */
int nft_command(struct nft_toks *t, struct nft_ctx *ctx, struct ir_ruleset *rs,
		struct bpfw_err *err);

#endif /* BPFW_NFT_SYNTAX_H */
