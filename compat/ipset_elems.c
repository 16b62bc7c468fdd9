// SPDX-License-Identifier: GPL-2.0
/*
 * ipset add, del, test, flush, list and save: the elements, read and
 * written directly in each set's BPF map of the running rule set.  No
 * program is compiled or swapped; the programs see a change at once.  An
 * element past its expiry counts as absent everywhere (and add replaces it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpfw/cgen.h"
#include "bpfw/ld.h"
#include "ipset_run.h"

#define NS_PER_SEC	1000000000ull
#define KEY_MAX		sizeof(struct cgen_set_net_key)	/* the longest key of any set */
#define EXPAND_MAX	(1u << 20)	/* addresses or ports one add or del may name */

/* bpf_ktime_get_ns()'s clock. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static bool expired(const struct cgen_set_val *v, uint64_t now)
{
	return v->expires && v->expires <= now;
}

/* Whether the value @v found for a packet or a test makes it a member. */
static bool member(const struct cgen_set_val *v, uint64_t now)
{
	return !expired(v, now) && !(v->flags & CGEN_SET_NOMATCH);
}

/* The running map of @s; ipset's error if there is none (the set is not committed). */
static int open_map(struct ipset_run *run, const struct ir_set *s, struct bpfw_err *err)
{
	int fd = run->t.live.present ? ld_set_map_open(run->t.live.prog_ids[CGEN_PROG_TC_INGRESS],
							s) : -ENOENT;

	if (fd < 0)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, -fd,
				 "Cannot open the map of set %s: %s", s->name, strerror(-fd));
	return fd;
}

/*
 * Remove the expired elements of the map @fd: to make room, and so that an
 * expired prefix of hash:net no longer hides the shorter ones around it.
 * The keys are collected first: a walk restarts when its key is deleted.
 */
static void sweep(int fd, uint32_t key_size)
{
	uint8_t key[KEY_MAX] = { 0 }, next[KEY_MAX], *gone = NULL;
	size_t n = 0, cap = 0;
	uint64_t now = now_ns();
	bool first = true;

	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		struct cgen_set_val v;

		first = false;
		memcpy(key, next, key_size);
		if (bpf_map_lookup_elem(fd, next, &v) || !expired(&v, now))
			continue;
		if (n == cap) {
			uint8_t *more = realloc(gone, (cap ? cap * 2 : 64) * key_size);

			if (!more)
				break;
			gone = more;
			cap = cap ? cap * 2 : 64;
		}
		memcpy(gone + n++ * key_size, next, key_size);
	}
	for (size_t i = 0; i < n; i++)
		bpf_map_delete_elem(fd, gone + i * key_size);
	free(gone);
}

/* ipset add of one key. */
static int add_key(struct ipset_run *run, int fd, const struct ir_set *s, const void *key,
		   uint32_t key_size, const struct cgen_set_val *val, struct bpfw_err *err)
{
	struct cgen_set_val old;

	if (!bpf_map_update_elem(fd, key, val, BPF_NOEXIST))
		return 0;
	if (errno == EEXIST) {
		if (!bpf_map_lookup_elem(fd, key, &old) && !expired(&old, now_ns()) && !run->exist)
			return bpfw_errf(err, IPSET_EXIT_OTHER, EEXIST, "Element cannot be added "
					 "to the set: it's already added");
		if (!bpf_map_update_elem(fd, key, val, BPF_ANY))
			return 0;
	}
	if (errno == E2BIG) {
		sweep(fd, key_size);
		if (!bpf_map_update_elem(fd, key, val, BPF_NOEXIST))
			return 0;
		if (errno == E2BIG || errno == ENOMEM)
			return bpfw_errf(err, IPSET_EXIT_OTHER, E2BIG,
					 "Hash is full, cannot add more elements");
	}
	return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot add to set %s: %m", s->name);
}

/* ipset del of one key. */
static int del_key(struct ipset_run *run, int fd, const void *key, struct bpfw_err *err)
{
	struct cgen_set_val old;
	bool gone = !bpf_map_lookup_elem(fd, key, &old) && expired(&old, now_ns());

	if (!bpf_map_delete_elem(fd, key) && !gone)
		return 0;
	if (gone || errno == ENOENT)
		return run->exist ? 0 : bpfw_errf(err, IPSET_EXIT_OTHER, ENOENT,
						  "Element cannot be deleted from the set: "
						  "it's not added");
	return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot delete from the set: %m");
}

/* Whether @key is in @s's map: hash:net's exact prefix, or longest match for an address. */
static bool test_key(int fd, const struct ir_set *s, const struct ipset_elem *e, const void *key,
		     uint32_t key_size)
{
	uint8_t cur[KEY_MAX] = { 0 }, next[KEY_MAX];
	struct cgen_set_val v;
	bool first = true;

	if (s->type != IR_SET_HASH_NET || e->cidr == (s->family == IR_FAMILY_IPV6 ? 128 : 32))
		return !bpf_map_lookup_elem(fd, key, &v) && member(&v, now_ns());
	while (!bpf_map_get_next_key(fd, first ? NULL : cur, next)) {
		first = false;
		memcpy(cur, next, key_size);
		if (!memcmp(next, key, key_size))
			return !bpf_map_lookup_elem(fd, next, &v) && member(&v, now_ns());
	}
	return false;
}

/* The test's answer as ipset words it, on stderr; exit 0 or 1. */
static int test_answer(struct ipset_run *run, const struct ir_set *s,
		       const struct ipset_elem *e, bool in, struct bpfw_err *err)
{
	char buf[128] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	if (f) {
		ipset_fmt_elem(f, s, e);
		fclose(f);
	}
	if (in) {
		if (!run->quiet)
			fprintf(stderr, "Warning: %s is in set %s.\n", buf, s->name);
		return 0;
	}
	return bpfw_errf(err, IPSET_EXIT_OTHER, ENOENT, "%s is NOT in set %s.", buf, s->name);
}

/* Where the expansion of an element into single ones is. */
struct expansion {
	uint64_t addr;		/* family inet: the next address, host order */
	uint32_t port;		/* the next port */
	bool done;
};

/*
 * The next single element @e names, into @one: each address of a prefix or
 * range of hash:ip and hash:ip,port, each port of a range, the prefixes
 * that cover a range of hash:net (as ipset splits it); false when done.
 */
static bool expand_next(const struct ir_set *s, const struct ipset_elem *e, struct expansion *x,
			struct ipset_elem *one)
{
	uint32_t a = (uint32_t)x->addr, cidr = 32;

	if (x->done)
		return false;
	*one = *e;
	one->range = false;
	if (s->family == IR_FAMILY_IPV6 || (s->type == IR_SET_HASH_NET && !e->range)) {
		one->port_lo = one->port_hi = (uint16_t)x->port;
		x->done = x->port++ >= e->port_hi;
		return true;
	}
	if (s->type == IR_SET_HASH_NET) {
		/* the largest aligned block from @a that stays in the range */
		while (cidr > 1 && !(a & ((1ull << (33 - cidr)) - 1)) &&
		       a + (1ull << (33 - cidr)) - 1 <= e->hi4)
			cidr--;
		x->addr += 1ull << (32 - cidr);
	} else {
		one->port_lo = one->port_hi = (uint16_t)x->port;
		if (x->port++ >= e->port_hi) {
			x->port = e->port_lo;
			x->addr++;
		}
	}
	x->done = x->addr > e->hi4;
	a = htonl(a);
	memcpy(one->addr, &a, 4);
	one->cidr = (uint8_t)cidr;
	return true;
}

int ipset_elem_cmd(struct ipset_run *run, char cmd, char *const *words, int n,
		   struct bpfw_err *err)
{
	const char *what = cmd == 'a' ? "add" : cmd == 'd' ? "del" : "test";
	struct cgen_set_val val = { 0 };
	struct ipset_elem e, one;
	struct expansion x;
	struct ir_set *s;
	uint8_t key[KEY_MAX];
	uint64_t count;
	uint32_t key_size;
	int fd, ret;

	if (n < 1)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing mandatory argument to command %s", what);
	if (n < 2)
		return bpfw_errf(err, IPSET_EXIT_PARAMETER, EINVAL,
				 "Missing second mandatory argument to command %s", what);
	ret = ipset_run_commit(run, err);
	if (!ret)
		ret = ipset_run_begin(run, err);
	if (!ret)
		ret = ipset_run_find(run, words[0], &s, err);
	if (!ret)
		ret = ipset_parse_elem(s, words + 1, n - 1, cmd != 'd', &e, err);
	if (ret)
		return ret;
	count = (uint64_t)(e.port_hi - e.port_lo) + 1;
	if (s->family == IR_FAMILY_IPV4 && s->type != IR_SET_HASH_NET)
		count *= (uint64_t)(e.hi4 - e.lo4) + 1;
	if (count > EXPAND_MAX)
		return bpfw_errf(err, IPSET_EXIT_OTHER, E2BIG, "Hash is full, cannot add more "
				 "elements");
	val.flags = e.nomatch ? CGEN_SET_NOMATCH : 0;
	if (e.timeout_given ? e.timeout : s->with_timeout ? s->timeout : 0)
		val.expires = now_ns() + (uint64_t)(e.timeout_given ? e.timeout : s->timeout) *
					 NS_PER_SEC;
	fd = open_map(run, s, err);
	if (fd < 0)
		return fd;
	if (cmd == 't') {
		key_size = ipset_elem_key(s, &e, key);
		ret = test_answer(run, s, &e, test_key(fd, s, &e, key, key_size), err);
		close(fd);
		return ret;
	}
	x = (struct expansion){ .addr = e.lo4, .port = e.port_lo };
	while (!ret && expand_next(s, &e, &x, &one)) {
		key_size = ipset_elem_key(s, &one, key);
		if (cmd == 'a')
			ret = add_key(run, fd, s, key, key_size, &val, err);
		else
			ret = del_key(run, fd, key, err);
	}
	close(fd);
	return ret;
}

/* Delete every element of @s's map. */
static int flush_set(struct ipset_run *run, const struct ir_set *s, struct bpfw_err *err)
{
	uint8_t key[KEY_MAX];
	int fd = open_map(run, s, err);

	if (fd < 0)
		return fd;
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			break;
	close(fd);
	return 0;
}

int ipset_flush(struct ipset_run *run, const char *name, struct bpfw_err *err)
{
	struct ir_set *s;
	int ret;

	ret = ipset_run_commit(run, err);
	if (!ret)
		ret = ipset_run_begin(run, err);
	if (ret || !name) {
		for (unsigned int i = 0; !ret && i < run->t.rs->n_sets; i++)
			ret = flush_set(run, &run->t.rs->sets[i], err);
		return ret;
	}
	ret = ipset_run_find(run, name, &s, err);
	return ret ? ret : flush_set(run, s, err);
}

/* A live element and its expiry, as list and save write them. */
struct live_elem {
	struct ipset_elem e;
	uint64_t expires;
	uint32_t flags;
};

/* -sorted's order: the address, then the protocol and port, then longer prefixes first. */
static int elem_cmp(const void *pa, const void *pb)
{
	const struct ipset_elem *a = &((const struct live_elem *)pa)->e;
	const struct ipset_elem *b = &((const struct live_elem *)pb)->e;
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	if (c)
		return c;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port_lo != b->port_lo)
		return a->port_lo < b->port_lo ? -1 : 1;
	return a->cidr > b->cidr ? -1 : a->cidr < b->cidr;
}

/* The live elements of @s's map into a malloc'd array, and their number. */
static int read_elems(struct ipset_run *run, const struct ir_set *s, struct live_elem **out,
		      unsigned int *n, struct bpfw_err *err)
{
	uint8_t key[KEY_MAX] = { 0 }, next[KEY_MAX];
	struct live_elem *v = NULL;
	unsigned int cap = 0;
	struct cgen_map m;
	uint64_t now = now_ns();
	bool first = true, stale = false;
	int fd = open_map(run, s, err), ret = 0;

	if (fd < 0)
		return fd;
	cgen_set_map(s, &m);
	*n = 0;
	while (!bpf_map_get_next_key(fd, first ? NULL : key, next)) {
		struct cgen_set_val val;

		first = false;
		memcpy(key, next, m.key_size);
		if (bpf_map_lookup_elem(fd, next, &val))
			continue;
		if (expired(&val, now)) {
			stale = true;
			continue;
		}
		if (*n == cap) {
			struct live_elem *more = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

			if (!more) {
				ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM,
						"Cannot allocate memory");
				break;
			}
			v = more;
			cap = cap ? cap * 2 : 64;
		}
		ipset_elem_from_key(s, next, &v[*n].e);
		v[*n].flags = val.flags;
		v[(*n)++].expires = val.expires;
	}
	/* a listing is as good a time as any to drop what expired */
	if (stale && !ret)
		sweep(fd, m.key_size);
	close(fd);
	if (ret) {
		free(v);
		return ret;
	}
	if (run->sorted && *n)
		qsort(v, *n, sizeof(*v), elem_cmp);
	*out = v;
	return 0;
}

/* The live elements of @s as list (or save: "add NAME ...") writes them, and their number. */
static int write_elems(struct ipset_run *run, const struct ir_set *s, FILE *f, unsigned int *n,
		       struct bpfw_err *err)
{
	struct live_elem *v = NULL;
	uint64_t now = now_ns();
	int ret = read_elems(run, s, &v, n, err);

	for (unsigned int i = 0; !ret && f && i < *n; i++) {
		if (run->mode == IPSET_LIST_SAVE)
			fprintf(f, "add %s ", s->name);
		ipset_fmt_elem(f, s, &v[i].e);
		if (s->with_timeout)
			fprintf(f, " timeout %llu", v[i].expires > now ?
				(unsigned long long)((v[i].expires - now) / NS_PER_SEC) : 0ull);
		if (v[i].flags & CGEN_SET_NOMATCH)
			fputs(" nomatch", f);
		fputc('\n', f);
	}
	free(v);
	return ret;
}

/* One set as list (in run->mode) or save writes it. */
static int list_set(struct ipset_run *run, const struct ir_set *s, FILE *f, struct bpfw_err *err)
{
	unsigned int n = 0;
	int ret;

	if (run->mode == IPSET_LIST_NAMES) {
		fprintf(f, "%s\n", s->name);
		return 0;
	}
	if (run->mode == IPSET_LIST_SAVE) {
		fprintf(f, "create %s %s ", s->name, ipset_type_name(s->type));
		ipset_fmt_options(f, s);
		fputc('\n', f);
		return write_elems(run, s, f, &n, err);
	}
	ret = write_elems(run, s, NULL, &n, err);
	if (ret)
		return ret;
	ipset_fmt_header(f, s, n, ir_set_refcount(run->t.rs, s->name));
	if (run->mode == IPSET_LIST_TERSE)
		return 0;
	fputs("Members:\n", f);
	return write_elems(run, s, f, &n, err);
}

int ipset_list(struct ipset_run *run, const char *name, FILE *f, struct bpfw_err *err)
{
	struct ir_set *s;
	int ret;

	ret = ipset_run_commit(run, err);
	if (!ret)
		ret = ipset_run_begin(run, err);
	if (ret)
		return ret;
	if (name) {
		ret = ipset_run_find(run, name, &s, err);
		return ret ? ret : list_set(run, s, f, err);
	}
	for (unsigned int i = 0; !ret && i < run->t.rs->n_sets; i++) {
		if (i && (run->mode == IPSET_LIST_FULL || run->mode == IPSET_LIST_TERSE))
			fputc('\n', f);
		ret = list_set(run, &run->t.rs->sets[i], f, err);
	}
	return ret;
}
