// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the nf_tables rule set of this network namespace over netlink
 * (libmnl), into libnftnl's objects: tables, chains, rules, and sets with
 * their elements.  Deleting the tables an import came from.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpfw/nft_import.h"

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#define DUMP_BUF	(1u << 16)

struct dump_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char *buf;
};

static int sock_open(struct dump_sock *s, struct bpfw_err *err)
{
	s->buf = malloc(DUMP_BUF);
	if (!s->buf)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	s->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!s->nl || mnl_socket_bind(s->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		if (s->nl)
			mnl_socket_close(s->nl);
		s->nl = NULL;
		free(s->buf);
		s->buf = NULL;
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, e,
				 "Cannot open a netfilter netlink socket: %s", strerror(e));
	}
	s->portid = mnl_socket_get_portid(s->nl);
	s->seq = time(NULL);
	return 0;
}

static void sock_close(struct dump_sock *s)
{
	if (s->nl)
		mnl_socket_close(s->nl);
	free(s->buf);
}

/* Send the request in s->buf and run @cb on every answer until the dump ends. */
static int talk(struct dump_sock *s, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	ssize_t n;
	int ret;

	if (mnl_socket_sendto(s->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(s->nl, s->buf, DUMP_BUF);
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(s->buf, n, s->seq, s->portid, cb, data);
		if (ret < 0)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) < 0) {
		nftnl_table_free(t);
		return MNL_CB_ERROR;
	}
	nftnl_table_list_add_tail(t, data);
	return MNL_CB_OK;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_ERROR;
	}
	nftnl_chain_list_add_tail(c, data);
	return MNL_CB_OK;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return MNL_CB_ERROR;
	}
	nftnl_rule_list_add_tail(r, data);
	return MNL_CB_OK;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	nftnl_set_list_add_tail(s, data);
	return MNL_CB_OK;
}

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	return nftnl_set_elems_nlmsg_parse(nlh, data) < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

/* A dump request of @type for every family. */
static int dump(struct dump_sock *s, uint16_t type, mnl_cb_t cb, void *list)
{
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(s->buf, type, NFPROTO_UNSPEC, NLM_F_DUMP,
						     ++s->seq);

	return talk(s, nlh, cb, list);
}

static int set_elems_cb(struct nftnl_set *set, void *data)
{
	struct dump_sock *s = data;
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(s->buf, NFT_MSG_GETSETELEM,
				    nftnl_set_get_u32(set, NFTNL_SET_FAMILY), NLM_F_DUMP, ++s->seq);
	nftnl_set_elems_nlmsg_build_payload(nlh, set);
	return talk(s, nlh, elem_cb, set);
}

int nft_dump_read(struct nft_dump *d, struct bpfw_err *err)
{
	struct dump_sock s = { 0 };
	int ret;

	memset(d, 0, sizeof(*d));
	d->tables = nftnl_table_list_alloc();
	d->chains = nftnl_chain_list_alloc();
	d->rules = nftnl_rule_list_alloc();
	d->sets = nftnl_set_list_alloc();
	if (!d->tables || !d->chains || !d->rules || !d->sets) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		goto out;
	}
	ret = sock_open(&s, err);
	if (ret)
		goto out;
	ret = dump(&s, NFT_MSG_GETTABLE, table_cb, d->tables);
	if (!ret)
		ret = dump(&s, NFT_MSG_GETCHAIN, chain_cb, d->chains);
	if (!ret)
		ret = dump(&s, NFT_MSG_GETSET, set_cb, d->sets);
	if (!ret)
		ret = nftnl_set_list_foreach(d->sets, set_elems_cb, &s);
	if (!ret)
		ret = dump(&s, NFT_MSG_GETRULE, rule_cb, d->rules);
	if (ret)
		ret = bpfw_errf(err, BPFW_EXIT_OTHER, -ret,
				"Cannot read the nf_tables rule set: %s", strerror(-ret));
out:
	sock_close(&s);
	if (ret)
		nft_dump_free(d);
	return ret;
}

void nft_dump_free(struct nft_dump *d)
{
	if (d->tables)
		nftnl_table_list_free(d->tables);
	if (d->chains)
		nftnl_chain_list_free(d->chains);
	if (d->rules)
		nftnl_rule_list_free(d->rules);
	if (d->sets)
		nftnl_set_list_free(d->sets);
	memset(d, 0, sizeof(*d));
}

struct set_query {
	uint32_t family;
	const char *table, *name;
	struct nftnl_set *found;
};

static int set_match_cb(struct nftnl_set *s, void *data)
{
	struct set_query *q = data;

	if (nftnl_set_get_u32(s, NFTNL_SET_FAMILY) == q->family &&
	    !strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE), q->table) &&
	    !strcmp(nftnl_set_get_str(s, NFTNL_SET_NAME), q->name)) {
		q->found = s;
		return 1;
	}
	return 0;
}

struct nftnl_set *nft_dump_find_set(const struct nft_dump *d, uint32_t family, const char *table,
				    const char *name)
{
	struct set_query q = { family, table, name, NULL };

	nftnl_set_list_foreach(d->sets, set_match_cb, &q);
	return q.found;
}

struct del_batch {
	struct mnl_nlmsg_batch *b;
	uint32_t seq;
	unsigned int n;		/* tables in the batch */
};

static int del_table_cb(struct nftnl_table *t, void *data)
{
	struct del_batch *db = data;
	struct nlmsghdr *nlh;

	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(db->b), NFT_MSG_DELTABLE,
				    nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), NLM_F_ACK,
				    db->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	db->n++;
	return mnl_nlmsg_batch_next(db->b) ? 0 : -ENOSPC;
}

/* Count the acks in @n bytes of @buf; the first error's errno in @error. */
static unsigned int count_acks(const char *buf, ssize_t n, int *error)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int len = n;
	unsigned int acks = 0;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct nlmsgerr *e;

		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;
		e = mnl_nlmsg_get_payload(nlh);
		if (e->error && !*error)
			*error = e->error;
		acks++;
	}
	return acks;
}

int nft_dump_delete_tables(const struct nft_dump *d, struct bpfw_err *err)
{
	struct dump_sock s = { 0 };
	struct del_batch db = { 0 };
	char *bbuf = NULL;
	unsigned int acks = 0;
	ssize_t n;
	int ret;

	ret = sock_open(&s, err);
	if (ret)
		return ret;
	bbuf = calloc(4, DUMP_BUF);	/* attribute padding is sent as it is */
	db.b = bbuf ? mnl_nlmsg_batch_start(bbuf, DUMP_BUF * 4) : NULL;
	if (!db.b) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
		goto out;
	}
	db.seq = ++s.seq;
	nftnl_batch_begin(mnl_nlmsg_batch_current(db.b), db.seq++);
	mnl_nlmsg_batch_next(db.b);
	ret = nftnl_table_list_foreach(d->tables, del_table_cb, &db);
	if (ret) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOSPC,
				"Too many tables to delete at once");
		goto out;
	}
	nftnl_batch_end(mnl_nlmsg_batch_current(db.b), db.seq++);
	mnl_nlmsg_batch_next(db.b);
	if (mnl_socket_sendto(s.nl, mnl_nlmsg_batch_head(db.b), mnl_nlmsg_batch_size(db.b)) < 0) {
		ret = -errno;
		goto fail;
	}
	/* one ack (or error) per table */
	while (acks < db.n) {
		n = mnl_socket_recvfrom(s.nl, s.buf, DUMP_BUF);
		if (n < 0) {
			ret = -errno;
			goto fail;
		}
		acks += count_acks(s.buf, n, &ret);
		if (ret)
			goto fail;
	}
	goto out;
fail:
	ret = bpfw_errf(err, BPFW_EXIT_OTHER, -ret,
			"Cannot delete the imported nf_tables tables: %s", strerror(-ret));
out:
	if (db.b)
		mnl_nlmsg_batch_stop(db.b);
	free(bbuf);
	sock_close(&s);
	return ret;
}
