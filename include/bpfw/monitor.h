/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces that appear after a commit: the loader's side of
 * `bpfw monitor`.  The link watch reports interfaces as they come and go
 * (rtnetlink, RTNLGRP_LINK); ld_iface_attach() gives one interface the
 * programs of the rule set running at that moment, found again in the
 * kernel each time exactly as a commit finds it.
 */
#ifndef BPFW_MONITOR_H
#define BPFW_MONITOR_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "bpfw/cgen.h"
#include "bpfw/err.h"

/* What ld_iface_attach() found or did on one interface. */
enum ld_iface_result {
	LD_IFACE_ATTACHED,	/* the programs it lacked are attached now */
	LD_IFACE_PRESENT,	/* it had bpfw's programs already: left alone */
	LD_IFACE_NO_RULES,	/* no rule set runs in this namespace */
	LD_IFACE_NOT_ETHER,	/* no Ethernet header: a commit leaves it out too */
	LD_IFACE_FOREIGN_XDP,	/* the rule set runs at XDP and another XDP program is there */
	LD_IFACE_GONE,		/* deleted (or moved away) before it could be handled */
};

#define LD_PROG_NAME_MAX	16	/* BPF_OBJ_NAME_LEN */

struct ld_iface_report {
	enum ld_iface_result result;
	char ifname[IF_NAMESIZE];
	uint32_t generation;			/* the running generation, 0 if none */
	unsigned int attached;			/* bit (1 << cgen_prog_kind) per program attached */
	char prog_names[CGEN_PROG_MAX][LD_PROG_NAME_MAX];	/* names of those programs */
	uint32_t foreign_xdp_id;		/* LD_IFACE_FOREIGN_XDP: that program's id */
};

/*
 * Attach the running rule set's TC programs (and its XDP program, if it has
 * one) to interface @ifindex at the running generation's priority, where
 * bpfw's are missing, and name the interface in the rule set's interface
 * table.  Nothing already there is replaced or removed, except a bpfw XDP
 * program of another rule set (moved in with the interface); an attach
 * that fails takes back what this call attached.  The outcome is in @rep.
 */
int ld_iface_attach(int ifindex, struct ld_iface_report *rep, struct bpfw_err *err);

/* Set (or with @name NULL, remove) @ifindex's entry in the running rule set's interface table. */
int ld_iface_name_set(int ifindex, const char *name, struct bpfw_err *err);

/*
 * Bring the running rule set's address-type map (-m addrtype) up to date
 * with this namespace's addresses; *@updated: it has one and it was.
 */
int ld_addrtypes_refresh(bool *updated, struct bpfw_err *err);

/* One change the link watch saw: an interface's, or (@addr) an address's. */
struct ld_link_event {
	int ifindex;
	bool removed;			/* deleted or moved to another namespace */
	bool addr;			/* an address was added or removed on @ifindex */
	char ifname[IF_NAMESIZE];	/* "" if the message had none */
};

/* Called for each change; a nonzero return stops ld_link_watch_read() with it. */
typedef int (*ld_link_event_fn)(const struct ld_link_event *ev, void *arg);

struct ld_link_watch;

/* Subscribe to this namespace's link and address changes (rtnetlink). */
int ld_link_watch_open(struct ld_link_watch **out, struct bpfw_err *err);

/* The socket to poll for changes. */
int ld_link_watch_fd(const struct ld_link_watch *w);

/*
 * Read what is queued (without blocking) and call @fn for each change;
 * -ENOBUFS when the kernel dropped changes because the socket was full
 * (the caller must look at every interface again).
 */
int ld_link_watch_read(struct ld_link_watch *w, ld_link_event_fn fn, void *arg,
		       struct bpfw_err *err);

/* Close the watch. */
void ld_link_watch_close(struct ld_link_watch *w);

#endif /* BPFW_MONITOR_H */
