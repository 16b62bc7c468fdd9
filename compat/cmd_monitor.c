// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw monitor [-q] [--once]: give interfaces that appear after a commit
 * (the veths of new containers, interfaces moved into the namespace) the
 * programs of the rule set running when they appear, as the commit would
 * have.  It looks at every interface when it starts, then follows the
 * kernel's link changes until SIGINT or SIGTERM; --once stops after the
 * first look.  Each interface is handled under the shared lock, so that it
 * never meets a commit half way: a commit either came first (and its
 * programs are the ones found) or comes after (and attaches to it too).
 * When addresses come and go, the running rule set's address types
 * (-m addrtype LOCAL, BROADCAST) follow them.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "bpfw/compat.h"
#include "bpfw/monitor.h"

/* An interface this run has seen, by index, with the name it had. */
struct seen_if {
	int ifindex;
	char name[IF_NAMESIZE];
};

struct monitor {
	bool quiet;
	struct seen_if *seen;
	size_t n_seen, cap_seen;
	int status;		/* the exit status of the last failure, 0 if none */
};

static struct seen_if *seen_find(struct monitor *m, int ifindex)
{
	for (size_t i = 0; i < m->n_seen; i++)
		if (m->seen[i].ifindex == ifindex)
			return &m->seen[i];
	return NULL;
}

static int seen_add(struct monitor *m, int ifindex, const char *name)
{
	struct seen_if *s;

	if (m->n_seen == m->cap_seen) {
		size_t cap = m->cap_seen ? 2 * m->cap_seen : 64;

		s = reallocarray(m->seen, cap, sizeof(*s));
		if (!s)
			return -ENOMEM;
		m->seen = s;
		m->cap_seen = cap;
	}
	s = &m->seen[m->n_seen++];
	s->ifindex = ifindex;
	snprintf(s->name, sizeof(s->name), "%s", name);
	return 0;
}

static void seen_del(struct monitor *m, struct seen_if *s)
{
	*s = m->seen[--m->n_seen];
}

/* Print @err's sentence and remember its exit status. */
static void failed(struct monitor *m, struct bpfw_err *err)
{
	m->status = compat_report(err, false);
	bpfw_err_clear(err);
}

/* One line on what happened to an interface; @quiet_present: nothing if it had the programs. */
static void report(const struct monitor *m, const struct ld_iface_report *rep,
		   bool quiet_present)
{
	const char *sep = "";

	switch (rep->result) {
	case LD_IFACE_FOREIGN_XDP:
		fprintf(stderr, "%s: skipped: it has an XDP program that is not bpfw's (id %u)\n",
			rep->ifname, rep->foreign_xdp_id);
		return;
	case LD_IFACE_PRESENT:
		if (quiet_present || m->quiet)
			return;
		printf("%s: has bpfw's programs already\n", rep->ifname);
		break;
	case LD_IFACE_ATTACHED:
		if (m->quiet)
			return;
		printf("%s: attached ", rep->ifname);
		for (int k = 0; k < CGEN_PROG_MAX; k++) {
			if (!(rep->attached & (1u << k)))
				continue;
			printf("%s%s", sep, rep->prog_names[k]);
			sep = ", ";
		}
		printf("\n");
		break;
	case LD_IFACE_NO_RULES:
		if (quiet_present || m->quiet)
			return;
		printf("%s: no rule set is loaded, nothing to attach\n", rep->ifname);
		break;
	case LD_IFACE_NOT_ETHER:
		if (quiet_present || m->quiet)
			return;
		printf("%s: skipped: no Ethernet header (a commit leaves it out too)\n",
		       rep->ifname);
		break;
	case LD_IFACE_GONE:
		if (m->quiet)
			return;
		printf("%s: gone before it could be attached\n", rep->ifname);
		break;
	}
	fflush(stdout);
}

/*
 * Give @ifindex (called @name when last seen) the running programs, under
 * the shared lock, and say what happened.
 */
static void handle(struct monitor *m, int ifindex, const char *name, bool quiet_present)
{
	struct ld_iface_report rep;
	struct bpfw_err err = { 0 };
	int lock = compat_lock_shared(&err);

	if (lock < 0) {
		failed(m, &err);
		return;
	}
	if (ld_iface_attach(ifindex, &rep, &err)) {
		failed(m, &err);
	} else {
		if (rep.result == LD_IFACE_GONE && name[0])
			snprintf(rep.ifname, sizeof(rep.ifname), "%s", name);
		report(m, &rep, quiet_present);
	}
	compat_unlock(lock);
}

/* Name (or with @name NULL, forget) @ifindex in the running rule set, under the shared lock. */
static void rename_if(struct monitor *m, int ifindex, const char *name)
{
	struct bpfw_err err = { 0 };
	int lock = compat_lock_shared(&err);

	if (lock < 0) {
		failed(m, &err);
		return;
	}
	if (ld_iface_name_set(ifindex, name, &err))
		failed(m, &err);
	compat_unlock(lock);
}

/*
 * Handle every interface not seen yet and forget those that are gone: at
 * the start (@first, quiet about interfaces that have the programs
 * already), and after the kernel dropped link changes.
 */
static int scan(struct monitor *m, bool first, struct bpfw_err *err)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	int ret = 0;

	if (!ifs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot list the interfaces: %m");
	for (size_t i = 0; i < m->n_seen;) {
		bool here = false;

		for (p = ifs; p->if_index && !here; p++)
			here = (int)p->if_index == m->seen[i].ifindex &&
			       !strcmp(p->if_name, m->seen[i].name);
		if (here) {
			i++;
			continue;
		}
		rename_if(m, m->seen[i].ifindex, NULL);
		seen_del(m, &m->seen[i]);
	}
	for (p = ifs; p->if_index && !ret; p++) {
		if (seen_find(m, p->if_index))
			continue;
		ret = seen_add(m, p->if_index, p->if_name);
		if (!ret)
			handle(m, p->if_index, p->if_name, first);
	}
	if_freenameindex(ifs);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret, "Cannot allocate memory");
	return 0;
}

/*
 * Addresses came or went (or, @quiet, may have since the commit): the
 * running rule set's address types follow, under the shared lock.
 */
static void addresses_changed(struct monitor *m, bool quiet)
{
	struct bpfw_err err = { 0 };
	int lock = compat_lock_shared(&err);
	bool updated = false;

	if (lock < 0) {
		failed(m, &err);
		return;
	}
	if (ld_addrtypes_refresh(&updated, &err))
		failed(m, &err);
	else if (updated && !m->quiet && !quiet)
		printf("addresses changed: the address types of -m addrtype updated\n");
	fflush(stdout);
	compat_unlock(lock);
}

static int on_link(const struct ld_link_event *ev, void *arg)
{
	struct monitor *m = arg;
	struct seen_if *s = seen_find(m, ev->ifindex);

	if (ev->addr) {
		addresses_changed(m, false);
		return 0;
	}

	if (ev->removed) {
		if (s) {
			rename_if(m, ev->ifindex, NULL);
			seen_del(m, s);
		}
		return 0;
	}
	if (s) {	/* a change of a known interface: only a new name matters */
		if (ev->ifname[0] && strcmp(ev->ifname, s->name)) {
			snprintf(s->name, sizeof(s->name), "%s", ev->ifname);
			rename_if(m, ev->ifindex, ev->ifname);
		}
		return 0;
	}
	if (seen_add(m, ev->ifindex, ev->ifname))
		return -ENOMEM;
	handle(m, ev->ifindex, ev->ifname, false);
	return 0;
}

/* Follow the link changes until SIGINT or SIGTERM. */
static int follow(struct monitor *m, struct ld_link_watch *w, struct bpfw_err *err)
{
	struct pollfd pfd[2] = { { .events = POLLIN }, { .events = POLLIN } };
	sigset_t mask;
	int ret = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	pfd[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (pfd[0].fd < 0)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "bpfw monitor: %m");
	pfd[1].fd = ld_link_watch_fd(w);
	while (!ret) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "bpfw monitor: %m");
			break;
		}
		if (pfd[0].revents)
			break;
		ret = ld_link_watch_read(w, on_link, m, err);
		if (ret == -ENOBUFS)	/* changes were lost: look at every interface */
			ret = scan(m, false, err);
		else if (ret == -ENOMEM && !err->exit_code)
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	}
	close(pfd[0].fd);
	return ret;
}

static int usage(FILE *f, int status)
{
	fprintf(f, "Usage: bpfw monitor [-q|--quiet] [--once]\n"
		   "Attach the running rule set to interfaces created after it was loaded,\n"
		   "as they appear, until interrupted; --once: those present now, then exit.\n");
	return status;
}

int compat_monitor_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct monitor m = { .quiet = false };
	struct ld_link_watch *w = NULL;
	struct bpfw_err err = { 0 };
	bool once = false;
	sigset_t mask;
	int c, ret;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (c == 'q')
			m.quiet = true;
		else if (c == 'o')
			once = true;
		else
			return usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : BPFW_EXIT_PARAMETER);
	}
	if (optind < argc) {
		fprintf(stderr, "bpfw monitor: unexpected argument '%s'\n", argv[optind]);
		return usage(stderr, BPFW_EXIT_PARAMETER);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bpfw monitor: Permission denied (you must be root)\n");
		return BPFW_EXIT_RESOURCE;
	}
	/* blocked from the start, so that a signal during the first look is not lost */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* subscribed before the first look, so that nothing falls between the two */
	ret = once ? 0 : ld_link_watch_open(&w, &err);
	if (!ret)
		ret = scan(&m, true, &err);
	if (!ret)
		addresses_changed(&m, true);
	if (!ret && !once)
		ret = follow(&m, w, &err);
	ld_link_watch_close(w);
	free(m.seen);
	if (ret)
		return compat_report(&err, false);
	/* a failure on one interface is the answer of --once; following ends well on a signal */
	return once ? m.status : 0;
}
