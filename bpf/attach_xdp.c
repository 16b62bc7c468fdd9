// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw's XDP program on an interface, attached through netlink, so it stays
 * without a pin.  A program is bpfw's when it carries bpfw's XDP program
 * name; anyone else's program is never replaced or removed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "attach_xdp.h"
#include "bpfw/cgen.h"

/* Whether program @id is bpfw's XDP program. */
static bool prog_is_ours(uint32_t id)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);
	bool ours;

	if (fd < 0)
		return false;
	ours = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	       !strcmp(info.name, CGEN_PROG_NAME_XDP);
	close(fd);
	return ours;
}

/* The attached program's id and the mode flag it was attached with. */
static int query(int ifindex, uint32_t *id, uint32_t *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ret = bpf_xdp_query(ifindex, 0, &q);

	if (ret)
		return ret;
	*id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	*mode = q.drv_prog_id ? XDP_FLAGS_DRV_MODE :
		q.skb_prog_id ? XDP_FLAGS_SKB_MODE : q.hw_prog_id ? XDP_FLAGS_HW_MODE : 0;
	return 0;
}

int ld_xdp_query(int ifindex, uint32_t *prog_id, bool *ours)
{
	uint32_t mode;
	int ret = query(ifindex, prog_id, &mode);

	if (ret)
		return ret;
	*ours = *prog_id && prog_is_ours(*prog_id);
	return 0;
}

int ld_xdp_attach(int ifindex, int prog_fd)
{
	uint32_t id = 0, mode = 0;
	int ret = query(ifindex, &id, &mode);

	if (ret)
		return ret;
	if (id && !prog_is_ours(id))
		return -EBUSY;
	if (mode)	/* replace ours in the mode it runs in */
		return bpf_xdp_attach(ifindex, prog_fd, mode, NULL);
	ret = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		ret = bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_SKB_MODE, NULL);
	return ret;
}

int ld_xdp_detach(int ifindex)
{
	uint32_t id = 0, mode = 0;
	int ret = query(ifindex, &id, &mode);

	if (ret || !id)
		return ret;
	if (!prog_is_ours(id))
		return 0;
	return bpf_xdp_detach(ifindex, mode, NULL);
}
