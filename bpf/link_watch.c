// SPDX-License-Identifier: GPL-2.0
/*
 * The interfaces of this namespace as they come and go: an rtnetlink socket
 * subscribed to RTNLGRP_LINK (and to the address groups, whose
 * RTM_NEWADDR and RTM_DELADDR are reported as address changes).  The kernel sends RTM_NEWLINK when an
 * interface is created or moved in (and again on every later change of
 * it), RTM_DELLINK when it is deleted or moved out.  Bridge port messages
 * (family AF_BRIDGE) describe no new interface and are left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "bpfw/monitor.h"

#define WATCH_RCVBUF	(1 << 20)	/* room for a burst of containers starting */
#define WATCH_BUF	8192		/* one read: what libmnl advises for a netlink message batch */

struct ld_link_watch {
	struct mnl_socket *nl;
	char buf[WATCH_BUF];
};

/* What one message's callback needs. */
struct watch_call {
	ld_link_event_fn fn;
	void *arg;
	int ret;		/* the first nonzero return of @fn */
};

int ld_link_watch_open(struct ld_link_watch **out, struct bpfw_err *err)
{
	struct ld_link_watch *w = calloc(1, sizeof(*w));
	int size = WATCH_RCVBUF, fd, ret;

	if (!w)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!w->nl) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				"Cannot open a netlink socket: %m");
		goto fail;
	}
	fd = mnl_socket_get_fd(w->nl);
	/* a larger queue if allowed; a full one is noticed (ENOBUFS) and recovered from */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (mnl_socket_bind(w->nl, 1u << (RTNLGRP_LINK - 1) | 1u << (RTNLGRP_IPV4_IFADDR - 1) |
			    1u << (RTNLGRP_IPV6_IFADDR - 1), MNL_SOCKET_AUTOPID) < 0) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				"Cannot watch the interfaces (netlink): %m");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	if (w->nl)
		mnl_socket_close(w->nl);
	free(w);
	return ret;
}

int ld_link_watch_fd(const struct ld_link_watch *w)
{
	return mnl_socket_get_fd(w->nl);
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;	/* newer than these headers */
	if (type == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { NULL };
	struct watch_call *call = data;
	const struct ifinfomsg *ifi;
	struct ld_link_event ev = { 0 };

	if (nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) {
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

		if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
			return MNL_CB_OK;
		ev.ifindex = (int)ifa->ifa_index;
		ev.addr = true;
		ev.removed = nlh->nlmsg_type == RTM_DELADDR;
		call->ret = call->fn(&ev, call->arg);
		return call->ret ? MNL_CB_STOP : MNL_CB_OK;
	}
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_family != AF_UNSPEC || ifi->ifi_index <= 0)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifi), attr_cb, tb) < 0)
		return MNL_CB_OK;	/* a damaged message: the interface is looked at again later */
	ev.ifindex = ifi->ifi_index;
	ev.removed = nlh->nlmsg_type == RTM_DELLINK;
	if (tb[IFLA_IFNAME])
		snprintf(ev.ifname, sizeof(ev.ifname), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	call->ret = call->fn(&ev, call->arg);
	return call->ret ? MNL_CB_STOP : MNL_CB_OK;
}

int ld_link_watch_read(struct ld_link_watch *w, ld_link_event_fn fn, void *arg,
		       struct bpfw_err *err)
{
	struct watch_call call = { .fn = fn, .arg = arg };

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(w->nl, w->buf, sizeof(w->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == ENOBUFS)
			return -ENOBUFS;	/* changes were lost: not an error to report */
		if (n < 0)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Cannot read the interfaces' changes (netlink): %m");
		if (mnl_cb_run(w->buf, n, 0, 0, msg_cb, &call) < 0 && !call.ret)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Cannot read the interfaces' changes (netlink): %m");
		if (call.ret)
			return call.ret;
	}
}

void ld_link_watch_close(struct ld_link_watch *w)
{
	if (!w)
		return;
	mnl_socket_close(w->nl);
	free(w);
}
