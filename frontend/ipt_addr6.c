// SPDX-License-Identifier: GPL-2.0
/* IPv6 addresses of -s and -d: numbers, prefixes, masks in address form, host names. */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "ipt_internal.h"

#define HOSTNAME_MAX	256	/* ip6tables' buffer for one name of a list */

int ipt_parse_uint_c(const char *s, unsigned long max, unsigned long *v)
{
	const char *p = s;
	char *end;

	/* strtoul takes a minus sign; xtables refuses it, after blanks */
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 0);
	if (end == s || *end || errno == ERANGE || *v > max)
		return -EINVAL;
	return 0;
}

/* A mask: an address, or a prefix length 0..128; -EINVAL if neither. */
static int parse_mask6(const char *s, struct in6_addr *mask)
{
	unsigned long bits;

	if (!s) {
		memset(mask, 0xff, sizeof(*mask));
		return 0;
	}
	if (inet_pton(AF_INET6, s, mask) == 1)
		return 0;
	if (ipt_parse_uint_c(s, 128, &bits))
		return -EINVAL;
	memset(mask, 0, sizeof(*mask));
	for (unsigned int i = 0; i < bits; i++)
		mask->s6_addr[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return 0;
}

/* The addresses @name stands for: a number, or every AAAA of a host name. */
static int resolve6(const char *name, struct in6_addr **out, unsigned int *n)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_RAW };
	struct addrinfo *res, *p;
	struct in6_addr one, *v;
	unsigned int k = 0;

	if (inet_pton(AF_INET6, name, &one) == 1) {
		v = malloc(sizeof(*v));
		if (!v)
			return -ENOMEM;
		*v = one;
		*out = v;
		*n = 1;
		return 0;
	}
	if (getaddrinfo(name, NULL, &hints, &res))
		return -ENOENT;
	for (p = res; p; p = p->ai_next)
		k++;
	v = calloc(k ? k : 1, sizeof(*v));
	if (!v) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	k = 0;
	for (p = res; p; p = p->ai_next)
		v[k++] = ((const struct sockaddr_in6 *)p->ai_addr)->sin6_addr;
	freeaddrinfo(res);
	*out = v;
	*n = k;
	return k ? 0 : -ENOENT;
}

/* Append @n addresses, all with @mask, to the list *@list of *@count. */
static int append(struct ir_addr **list, unsigned int *count, const struct in6_addr *addrs,
		  unsigned int n, const struct in6_addr *mask)
{
	struct ir_addr *v = realloc(*list, (*count + n) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	*list = v;
	for (unsigned int i = 0; i < n; i++) {
		struct ir_addr *a = &v[*count + i];

		memset(a, 0, sizeof(*a));
		a->mask.v6 = *mask;
		for (size_t b = 0; b < sizeof(a->addr.v6.s6_addr); b++)
			a->addr.v6.s6_addr[b] = addrs[i].s6_addr[b] & mask->s6_addr[b];
	}
	*count += n;
	return 0;
}

/* One "NAME[/MASK]" of a list, read as ip6tables reads it: the mask first. */
static int parse_one6(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
		      size_t len, struct ir_addr **list, unsigned int *count, struct bpfw_err *err)
{
	static const struct in6_addr zero;
	char buf[HOSTNAME_MAX], *slash;
	struct in6_addr mask, *addrs = NULL;
	unsigned int n = 0;
	int ret;

	while (len && isspace((unsigned char)*s))
		s++, len--;
	if (len > sizeof(buf) - 1)
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL, "Hostname too long");
	memcpy(buf, s, len);
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (parse_mask6(slash ? slash + 1 : NULL, &mask))
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, EINVAL, "invalid mask `%s' specified",
				slash + 1);
	/* with a zero mask the name does not matter, as in "any/0" */
	if (!memcmp(&mask, &zero, sizeof(mask)))
		strcpy(buf, "::");
	ret = resolve6(buf, &addrs, &n);
	if (ret == -ENOENT)
		return ipt_fail(ctx, w, err, IPT_FAIL_PARAM, ENOENT, "host/network `%s' not found",
				buf);
	if (!ret)
		ret = append(list, count, addrs, n, &mask);
	free(addrs);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	return 0;
}

int ipt_parse_addr6_list(const struct ipt_ctx *ctx, const struct ipt_where *w, const char *s,
			 struct ir_addr **out, unsigned int *n, struct bpfw_err *err)
{
	struct ir_addr *list = NULL;
	unsigned int count = 0;
	int ret = 0;

	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		ret = parse_one6(ctx, w, p, len, &list, &count, err);
		if (ret || !comma)
			break;
		p = comma + 1;
	}
	if (ret) {
		free(list);
		return ret;
	}
	*out = list;
	*n = count;
	return 0;
}
