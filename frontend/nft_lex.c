// SPDX-License-Identifier: GPL-2.0
/* nft's text into tokens: words, quoted strings, punctuation and line ends. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft_syntax.h"

static int push(struct nft_toks *t, enum nft_tok_kind kind, const char *s, size_t n, int line)
{
	char *text;

	if (t->n == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 64;
		struct nft_tok *more = realloc(t->v, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		t->v = more;
		t->cap = cap;
	}
	text = strndup(s, n);
	if (!text)
		return -ENOMEM;
	t->v[t->n++] = (struct nft_tok){ .kind = kind, .text = text, .line = line };
	return 0;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || strchr("._:/-*+", c);
}

/* "# handle N" of the state text: the two words; any other comment: nothing. */
static int comment(struct nft_toks *t, const char *p, const char *end, bool state, int line)
{
	const char *nl = memchr(p, '\n', end - p);
	size_t n = (nl ? nl : end) - p;
	int ret = 0;

	if (state && n > 9 && !strncmp(p, "# handle ", 9)) {
		ret = push(t, NFT_TOK_WORD, "handle", 6, line);
		if (!ret)
			ret = push(t, NFT_TOK_WORD, p + 9, n - 9, line);
	}
	return ret;
}

int nft_lex(const char *buf, size_t len, bool state, struct nft_toks *out, struct bpfw_err *err)
{
	const char *p = buf, *end = buf + len;
	int line = 1, ret = 0;

	while (p < end && !ret) {
		const char *s = p;

		if (*p == '\n') {
			ret = push(out, NFT_TOK_EOL, "\n", 1, line++);
			p++;
		} else if (*p == '\\' && p + 1 < end && p[1] == '\n') {
			p += 2;
			line++;
		} else if (isspace((unsigned char)*p)) {
			p++;
		} else if (*p == '#') {
			ret = comment(out, p, end, state, line);
			while (p < end && *p != '\n')
				p++;
		} else if (*p == '"') {
			s = ++p;
			while (p < end && *p != '"' && *p != '\n')
				p++;
			if (p >= end || *p != '"')
				return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
						 "Error: unterminated string on line %d", line);
			ret = push(out, NFT_TOK_STRING, s, p - s, line);
			p++;
		} else if (word_char(*p) && !(*p == '-' && p + 1 < end && isspace(p[1]))) {
			while (p < end && word_char(*p))
				p++;
			ret = push(out, NFT_TOK_WORD, s, p - s, line);
		} else if (p + 1 < end && strchr("!=<>", *p) && p[1] == '=') {
			ret = push(out, NFT_TOK_PUNCT, s, 2, line);
			p += 2;
		} else if (strchr("{};,!=<>()&|@$-[]^", *p)) {
			ret = push(out, NFT_TOK_PUNCT, s, 1, line);
			p++;
		} else {
			return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL, "Error: syntax error, "
					 "unexpected '%c' on line %d", *p, line);
		}
	}
	return ret ? nft_nomem(err) : 0;
}

void nft_toks_release(struct nft_toks *t)
{
	for (unsigned int i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = t->pos = 0;
}

const struct nft_tok *nft_peek(const struct nft_toks *t)
{
	static const struct nft_tok end = { .kind = NFT_TOK_END, .text = "" };

	return t->pos < t->n ? &t->v[t->pos] : &end;
}

bool nft_at(const struct nft_toks *t, const char *text)
{
	const struct nft_tok *k = nft_peek(t);

	return (k->kind == NFT_TOK_WORD || k->kind == NFT_TOK_PUNCT) && !strcmp(k->text, text);
}

bool nft_accept(struct nft_toks *t, const char *text)
{
	if (!nft_at(t, text))
		return false;
	t->pos++;
	return true;
}

bool nft_at_end(const struct nft_toks *t)
{
	const struct nft_tok *k = nft_peek(t);

	return k->kind == NFT_TOK_END || k->kind == NFT_TOK_EOL || nft_at(t, ";") ||
	       nft_at(t, "}");
}

int nft_perr(struct nft_toks *t, struct bpfw_err *err, const char *fmt, ...)
{
	const struct nft_tok *k = nft_peek(t);
	char msg[BPFW_ERR_MSG_MAX - 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err && !err->exit_code)
		err->line = k->line ? k->line : (t->n ? t->v[t->n - 1].line : 0);
	if (t->name)
		return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL, "%s:%d: Error: %s", t->name,
				 k->line ? k->line : (t->n ? t->v[t->n - 1].line : 1), msg);
	return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL, "Error: %s", msg);
}

int nft_nomem(struct bpfw_err *err)
{
	return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Error: Cannot allocate memory");
}
