// SPDX-License-Identifier: GPL-2.0
/*
 * The swap: bpfw's filter on every interface and direction gets the new
 * program in one netlink request each (cls_bpf replaces the program under
 * RCU, so a packet sees the old or the new one, never none).  If any
 * interface fails, those already switched get the old program back.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "tc.h"

static const enum cgen_prog_kind tc_kinds[] = { CGEN_PROG_TC_INGRESS, CGEN_PROG_TC_EGRESS };

#define N_TC_KINDS (sizeof(tc_kinds) / sizeof(tc_kinds[0]))

/* Put interface @ifindex back as it was before this commit. */
static void restore_iface(const struct ld_live *old, int ifindex, unsigned int n_done)
{
	for (unsigned int k = 0; k < n_done; k++) {
		enum cgen_prog_kind kind = tc_kinds[k];

		if (old->present && old->prog_fds[kind] >= 0)
			ld_tc_attach(ifindex, kind, old->prog_fds[kind]);
		else
			ld_tc_detach(ifindex, kind);
	}
}

int ld_commit(const struct ld_live *old, const struct ld_objects *objs, struct bpfw_err *err)
{
	struct if_nameindex *ifs, *p, *q;
	int ret = 0;

	ifs = if_nameindex();
	if (!ifs)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot list the interfaces: %m");
	for (p = ifs; p->if_index; p++) {
		unsigned int k;

		if (!ld_tc_link_has_ether(p->if_name))
			continue;
		for (k = 0; k < N_TC_KINDS; k++) {
			int fd = objs->prog_fds[tc_kinds[k]];

			if (fd < 0)
				continue;
			ret = ld_tc_attach(p->if_index, tc_kinds[k], fd);
			if (ret)
				break;
		}
		if (!ret)
			continue;
		bpfw_errf(err, BPFW_EXIT_RESOURCE, ret,
			  "Cannot attach the rule set to interface %s: %s; the previous rule set "
			  "stays in place", p->if_name, strerror(-ret));
		restore_iface(old, p->if_index, k);
		for (q = ifs; q != p; q++)
			if (ld_tc_link_has_ether(q->if_name))
				restore_iface(old, q->if_index, N_TC_KINDS);
		break;
	}
	if_freenameindex(ifs);
	return ret;
}
