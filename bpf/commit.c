// SPDX-License-Identifier: GPL-2.0
/*
 * The swap.  The new generation's programs are attached on every interface
 * and direction at the other tc priority, beside the running ones, and stay
 * idle: each program first checks that the generation map holds its own
 * number.  Then one map write switches every interface and direction at
 * once, and the old programs are removed.  A command killed at any point
 * leaves either the old rule set acting everywhere or the new one: idle
 * leftovers only pass packets on, and the next command replaces them.
 *
 * XDP has one program per interface: the new XDP program replaces the
 * running one but applies the running raw rules until the same map write
 * (compiler/xdp.c); when the new rule set has no raw rules, it is removed
 * after the switch.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <bpf/bpf.h>

#include "attach_tc.h"
#include "attach_xdp.h"

static const enum cgen_prog_kind tc_kinds[] = { CGEN_PROG_TC_INGRESS, CGEN_PROG_TC_EGRESS };

#define N_TC_KINDS (sizeof(tc_kinds) / sizeof(tc_kinds[0]))

/* Remove bpfw's filters at @prio from every interface up to @end (NULL: all). */
static void detach_all(struct if_nameindex *ifs, const struct if_nameindex *end, uint32_t prio)
{
	for (struct if_nameindex *p = ifs; p->if_index && p != end; p++)
		for (unsigned int k = 0; k < N_TC_KINDS; k++)
			ld_tc_detach(p->if_index, tc_kinds[k], prio);
}

/* Attach @objs' programs, idle, at @prio on every interface with an Ethernet header. */
static int attach_all(struct if_nameindex *ifs, const struct ld_objects *objs, uint32_t prio,
		      struct bpfw_err *err)
{
	for (struct if_nameindex *p = ifs; p->if_index; p++) {
		if (!ld_tc_link_has_ether(p->if_name))
			continue;
		for (unsigned int k = 0; k < N_TC_KINDS; k++) {
			int fd = objs->prog_fds[tc_kinds[k]], ret;

			if (fd < 0)
				continue;
			ret = ld_tc_attach(p->if_index, tc_kinds[k], prio, fd);
			if (ret == -ENODEV)	/* deleted since it was listed */
				break;
			if (ret) {
				detach_all(ifs, p + 1, prio);
				return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret,
						 "Cannot attach the rule set to interface %s: %s; "
						 "the previous rule set stays in place",
						 p->if_name, strerror(-ret));
			}
		}
	}
	return 0;
}

/* Put @objs' XDP program on every interface where the TC programs go. */
static int attach_xdp_all(struct if_nameindex *ifs, const struct ld_objects *objs,
			  struct bpfw_err *err)
{
	for (struct if_nameindex *p = ifs; p->if_index; p++) {
		int ret;

		if (!ld_tc_link_has_ether(p->if_name))
			continue;
		ret = ld_xdp_attach(p->if_index, objs->prog_fds[CGEN_PROG_XDP]);
		if (ret == -ENODEV)
			continue;
		if (ret == -EBUSY)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, EBUSY,
					 "Cannot attach the raw table to interface %s: it has an "
					 "XDP program that is not bpfw's; the previous rule set "
					 "stays in place", p->if_name);
		if (ret)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret,
					 "Cannot attach the raw table to interface %s: %s; the "
					 "previous rule set stays in place", p->if_name,
					 strerror(-ret));
	}
	return 0;
}

/* Remove bpfw's XDP program from every interface. */
static void detach_xdp_all(struct if_nameindex *ifs)
{
	for (struct if_nameindex *p = ifs; p->if_index; p++)
		ld_xdp_detach(p->if_index);
}

/*
 * Whether a bpfw XDP program is attached anywhere: programs go on in
 * interface order, so a command killed half-way left one on the first.
 */
static bool xdp_attached(struct if_nameindex *ifs)
{
	for (struct if_nameindex *p = ifs; p->if_index; p++) {
		uint32_t id = 0;
		bool ours = false;

		if (!ld_tc_link_has_ether(p->if_name))
			continue;
		return !ld_xdp_query(p->if_index, &id, &ours) && ours;
	}
	return false;
}

int ld_commit(const struct ld_live *old, const struct ld_objects *objs, struct bpfw_err *err)
{
	uint32_t prio = ld_gen_prio(objs->generation), key = 0;
	struct if_nameindex *ifs;
	int ret;

	if (old->present && ld_gen_prio(old->generation) == prio)
		return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
				 "Internal error: the new generation has the running one's "
				 "priority");
	ifs = if_nameindex();
	if (!ifs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot list the interfaces: %m");
	ret = attach_all(ifs, objs, prio, err);
	if (ret)
		goto out;
	/*
	 * Replaced XDP programs act as the running ones until the switch; a
	 * leftover of a killed command, with no raw rules running, passes all
	 * and would wake up with this generation's number, so it goes now.
	 */
	if (objs->prog_fds[CGEN_PROG_XDP] >= 0)
		ret = attach_xdp_all(ifs, objs, err);
	else if (xdp_attached(ifs))
		detach_xdp_all(ifs);
	if (ret) {
		detach_all(ifs, NULL, prio);
		goto out;
	}
	/* the switch: from this write on, every packet meets the new rule set */
	if (bpf_map_update_elem(objs->gen_fd, &key, &objs->generation, BPF_ANY)) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				"Cannot switch to the new rule set: %m; the previous one stays");
		detach_all(ifs, NULL, prio);
		goto out;
	}
	detach_all(ifs, NULL, ld_gen_prio(objs->generation + 1));
	if (objs->xdp_retire)
		detach_xdp_all(ifs);
out:
	if_freenameindex(ifs);
	return ret;
}
