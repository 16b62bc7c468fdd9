// SPDX-License-Identifier: GPL-2.0
/* Addresses, masks and interface names of the fixed part of a rule. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "ipt_internal.h"

/* Up to three decimal digits. */
static unsigned long dec3(const char *s)
{
	unsigned long n = 0;

	while (*s)
		n = n * 10 + (unsigned long)(*s++ - '0');
	return n;
}

/* One number of a dotted quad, in C notation like iptables (010 is 8). */
static bool quad_part(const char *s, unsigned int *v)
{
	unsigned long n;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	/* plain decimal, the usual case, without strtoul (state texts are long) */
	if (*s >= '1' && *s <= '9' && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 3) {
		n = dec3(s);
		if (n > 255)
			return false;
		*v = n;
		return true;
	}
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || n > 255)
		return false;
	*v = n;
	return true;
}

/* "a.b.c.d"; a network may leave out trailing parts ("10.1" is 10.1.0.0). */
static bool dotted(const char *s, bool is_mask, uint32_t *host_order)
{
	char buf[20], *p = buf, *dot;
	unsigned int v, parts = 0;
	uint32_t a = 0;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	for (;;) {
		dot = strchr(p, '.');
		if (dot)
			*dot = '\0';
		if (!quad_part(p, &v))
			return false;
		a |= v << (24 - 8 * parts++);
		if (!dot)
			break;
		if (parts == 4)
			return false;
		p = dot + 1;
	}
	if (is_mask && parts != 4)
		return false;
	*host_order = a;
	return true;
}

/*
 * One address of a list, read in iptables' order: leading blanks skipped,
 * the mask after the last '/' first, then the host part.
 */
static int parse_one(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
		     size_t len, struct ir_addr *out, struct bpfw_err *err)
{
	char buf[256], *slash;
	uint32_t addr, mask = UINT32_MAX;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (len >= sizeof(buf))
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL, "Hostname too long");
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (slash) {
		const char *m = slash + 1;
		unsigned long bits;
		char *end;

		*slash = '\0';
		if (strchr(m, '.')) {
			if (!dotted(m, true, &mask))
				return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
						"invalid mask `%s' specified", m);
		} else {
			errno = 0;
			bits = strtoul(m, &end, 0);
			if (!*m || *m == '-' || *m == '+' || errno || *end || bits > 32)
				return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
						"invalid mask `%s' specified", m);
			mask = bits ? UINT32_MAX << (32 - bits) : 0;
		}
	}
	if (!dotted(buf, false, &addr)) {
		struct in_addr a;

		/* names are not resolved; only what inet_pton reads too */
		if (inet_pton(AF_INET, buf, &a) != 1)
			return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
					"host/network `%s' not found", buf);
		addr = ntohl(a.s_addr);
	}
	memset(out, 0, sizeof(*out));
	/* any address with a zero mask is "any"; the stored address is masked */
	out->addr.v4.s_addr = htonl(addr & mask);
	out->mask.v4.s_addr = htonl(mask);
	return 0;
}

int ipt_parse_addr4_list(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
			 struct ir_addr **out, unsigned int *n, struct bpfw_err *err)
{
	unsigned int count = 1, i = 0;
	struct ir_addr *list;
	int ret = 0;

	for (const char *p = s; (p = strchr(p, ',')); p++)
		count++;
	list = calloc(count, sizeof(*list));
	if (!list)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	for (const char *p = s; i < count && !ret; i++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		ret = parse_one(ctx, w, p, len, &list[i], err);
		p += len + 1;
	}
	if (ret) {
		free(list);
		return ret;
	}
	*out = list;
	*n = count;
	return 0;
}

int ipt_parse_iface(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
		    char *out, struct bpfw_err *err)
{
	if (strlen(s) >= IFNAMSIZ)
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL,
				"interface name `%s' must be shorter than IFNAMSIZ (%i)", s,
				IFNAMSIZ - 1);
	strcpy(out, s);
	return 0;
}
