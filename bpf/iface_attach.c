// SPDX-License-Identifier: GPL-2.0
/*
 * One interface that came after the commit gets the running rule set's
 * programs, as the commit would have attached them: the TC programs at the
 * running generation's priority, the XDP program (when the rule set has
 * one) in native mode where the driver has it.  The running programs are
 * found through the kernel every time (ld_live_open()), never remembered,
 * so an interface that comes after a later commit gets that commit's
 * programs.  The running XDP program is the one attached somewhere that was
 * loaded with the running TC programs: it shares their state map.  A bpfw
 * XDP program of another rule set on the interface (the kernel moves XDP
 * programs along with an interface that changes namespace) is replaced.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "attach_tc.h"
#include "attach_xdp.h"
#include "bpf_internal.h"
#include "bpfw/ld.h"
#include "bpfw/monitor.h"

static const enum cgen_prog_kind tc_kinds[] = { CGEN_PROG_TC_INGRESS, CGEN_PROG_TC_EGRESS };

#define N_TC_KINDS (sizeof(tc_kinds) / sizeof(tc_kinds[0]))

/* The map named @name among program @prog_fd's: its fd and id, or -1 if it has none. */
static int map_open(int prog_fd, const char *name, uint32_t *id)
{
	uint32_t *ids = NULL, n = 0;
	int found = -1;

	*id = 0;
	if (ld_prog_map_ids(prog_fd, &ids, &n))
		return -1;
	for (uint32_t i = 0; i < n && found < 0; i++) {
		char mname[BPF_OBJ_NAME_LEN];
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (!ld_map_name(fd, mname, NULL) && !strcmp(mname, name)) {
			*id = ids[i];
			found = fd;
		} else {
			close(fd);
		}
	}
	free(ids);
	return found;
}

/* The id of program @prog_fd's state map, 0 if none. */
static uint32_t state_map_id(int prog_fd)
{
	uint32_t id;
	int fd = map_open(prog_fd, CGEN_MAP_NAME_STATE, &id);

	if (fd >= 0)
		close(fd);
	return id;
}

/*
 * The fd of the XDP program on @ifindex if it is bpfw's and its state map
 * has id @state_id, else -1; @id: the id of bpfw's program there, 0 if none.
 */
static int xdp_of_state(int ifindex, uint32_t state_id, uint32_t *id)
{
	bool ours = false;
	int fd;

	if (ld_xdp_query(ifindex, id, &ours) || !ours) {
		*id = 0;
		return -1;
	}
	fd = bpf_prog_get_fd_by_id(*id);
	if (fd >= 0 && state_map_id(fd) != state_id) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/*
 * The fd and @running_id of the XDP program loaded with the running
 * programs (the one whose state map has id @state_id); -1 if the running
 * rule set has none.  A commit attaches it to lo first, so lo answers but
 * when a killed command left another generation's there.
 */
static int running_xdp(uint32_t state_id, uint32_t *running_id)
{
	struct if_nameindex *ifs, *p;
	int lo = if_nametoindex("lo"), fd;
	uint32_t lo_id = 0;

	if (!state_id)
		return -1;
	fd = lo ? xdp_of_state(lo, state_id, &lo_id) : -1;
	if (fd >= 0 || (lo && !lo_id)) {
		*running_id = lo_id;
		return fd;
	}
	ifs = if_nameindex();
	if (!ifs)
		return -1;
	for (p = ifs; p->if_index && fd < 0; p++) {
		uint32_t id = 0;

		if ((int)p->if_index != lo)
			fd = xdp_of_state(p->if_index, state_id, &id);
		if (fd >= 0)
			*running_id = id;
	}
	if_freenameindex(ifs);
	return fd;
}

/* The kernel's name of program @fd into @name. */
static void prog_name(int fd, char name[LD_PROG_NAME_MAX])
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	name[0] = '\0';
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(name, LD_PROG_NAME_MAX, "%s", info.name);
}

/* Set or remove @ifindex's entry in the interface table of program @prog_fd, if it has one. */
static int name_set(int prog_fd, int ifindex, const char *name)
{
	uint32_t key = ifindex, id;
	int fd = map_open(prog_fd, CGEN_MAP_NAME_IFNAMES, &id), ret = 0;

	if (fd < 0)
		return 0;	/* no rule names an interface */
	if (name) {
		char val[IFNAMSIZ] = { 0 };

		strncpy(val, name, sizeof(val) - 1);
		if (bpf_map_update_elem(fd, &key, val, BPF_ANY))
			ret = -errno;
	} else if (bpf_map_delete_elem(fd, &key) && errno != ENOENT) {
		ret = -errno;
	}
	close(fd);
	return ret;
}

/* Take back what attach() attached on @ifindex. */
static void undo(int ifindex, uint32_t prio, unsigned int attached)
{
	for (unsigned int k = 0; k < N_TC_KINDS; k++)
		if (attached & (1u << tc_kinds[k]))
			ld_tc_detach(ifindex, tc_kinds[k], prio);
	if (attached & (1u << CGEN_PROG_XDP))
		ld_xdp_detach(ifindex);
}

/* Attach what @ifindex lacks of @live's programs and XDP program @xdp_id; 0 or -errno. */
static int attach(int ifindex, const struct ld_live *live, int xdp_fd, uint32_t xdp_id,
		  struct ld_iface_report *rep)
{
	uint32_t prio = ld_gen_prio(live->generation), id;
	int ret = 0;

	for (unsigned int k = 0; k < N_TC_KINDS && !ret; k++) {
		enum cgen_prog_kind kind = tc_kinds[k];
		int fd = live->prog_fds[kind];

		if (fd < 0 || !ld_tc_query(ifindex, kind, prio, &id))
			continue;
		ret = ld_tc_attach(ifindex, kind, prio, fd);
		if (!ret) {
			rep->attached |= 1u << kind;
			prog_name(fd, rep->prog_names[kind]);
		}
	}
	if (!ret && xdp_fd >= 0) {
		bool ours = false;

		ret = ld_xdp_query(ifindex, &id, &ours);
		/* bpfw's XDP program of another rule set (moved in along with the interface) goes */
		if (!ret && (!ours || id != xdp_id)) {
			ret = ld_xdp_attach(ifindex, xdp_fd);
			if (!ret) {
				rep->attached |= 1u << CGEN_PROG_XDP;
				prog_name(xdp_fd, rep->prog_names[CGEN_PROG_XDP]);
			} else if (ret == -EBUSY) {	/* someone attached theirs since we looked */
				rep->foreign_xdp_id = id;
			}
		}
	}
	if (ret)
		undo(ifindex, prio, rep->attached);
	return ret;
}

int ld_iface_attach(int ifindex, struct ld_iface_report *rep, struct bpfw_err *err)
{
	struct ld_live live;
	uint32_t state_id = 0, xdp_id = 0, have_id = 0;
	bool xdp_ours = false;
	int xdp_fd = -1, ret;

	memset(rep, 0, sizeof(*rep));
	if (!if_indextoname(ifindex, rep->ifname)) {
		snprintf(rep->ifname, sizeof(rep->ifname), "#%d", ifindex);
		rep->result = LD_IFACE_GONE;
		return 0;
	}
	if (!ld_tc_link_has_ether(rep->ifname)) {
		rep->result = if_nametoindex(rep->ifname) ? LD_IFACE_NOT_ETHER : LD_IFACE_GONE;
		return 0;
	}
	ret = ld_live_open(&live, err);
	if (ret)
		goto out;
	rep->generation = live.generation;
	if (!live.present) {
		rep->result = LD_IFACE_NO_RULES;
		goto out;
	}
	state_id = state_map_id(live.prog_fds[CGEN_PROG_TC_INGRESS]);
	xdp_fd = running_xdp(state_id, &xdp_id);
	if (xdp_fd >= 0 && !ld_xdp_query(ifindex, &have_id, &xdp_ours) && have_id && !xdp_ours) {
		rep->result = LD_IFACE_FOREIGN_XDP;
		rep->foreign_xdp_id = have_id;
		goto out;
	}
	/* named before it is attached, so that its first packet meets -i/-o rules */
	ret = name_set(live.prog_fds[CGEN_PROG_TC_INGRESS], ifindex, rep->ifname);
	if (ret) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret,
				"Cannot name interface %s in the running rule set: %s",
				rep->ifname, strerror(-ret));
		goto out;
	}
	ret = attach(ifindex, &live, xdp_fd, xdp_id, rep);
	if (ret == -ENODEV) {
		rep->result = LD_IFACE_GONE;
		ret = 0;
	} else if (ret == -EBUSY && rep->foreign_xdp_id) {
		rep->result = LD_IFACE_FOREIGN_XDP;
		ret = 0;
	} else if (ret) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret,
				"Cannot attach the rule set to interface %s: %s", rep->ifname,
				strerror(-ret));
	} else {
		rep->result = rep->attached ? LD_IFACE_ATTACHED : LD_IFACE_PRESENT;
	}
out:
	if (xdp_fd >= 0)
		close(xdp_fd);
	ld_live_close(&live);
	return ret;
}

int ld_iface_name_set(int ifindex, const char *name, struct bpfw_err *err)
{
	struct ld_live live;
	int ret;

	ret = ld_live_open(&live, err);
	if (!ret && live.present)
		ret = name_set(live.prog_fds[CGEN_PROG_TC_INGRESS], ifindex, name);
	if (ret < 0 && !err->exit_code)
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret,
				"Cannot change the running rule set's interface names: %s",
				strerror(-ret));
	ld_live_close(&live);
	return ret;
}
