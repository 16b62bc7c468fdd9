// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw's cls_bpf filters: per interface and direction, in the clsact qdisc,
 * at bpfw's handle and one of its two priorities (one per generation
 * parity).  Filters of anyone else are never touched.
 */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "attach_tc.h"

static enum bpf_tc_attach_point point_of(enum cgen_prog_kind kind)
{
	return kind == CGEN_PROG_TC_EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

int ld_tc_query(int ifindex, enum cgen_prog_kind kind, uint32_t prio, uint32_t *prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = point_of(kind));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = LD_TC_HANDLE, .priority = prio);
	int ret;

	ret = bpf_tc_query(&hook, &opts);
	if (ret)
		return ret;
	*prog_id = opts.prog_id;
	return 0;
}

int ld_tc_attach(int ifindex, enum cgen_prog_kind kind, uint32_t prio, int prog_fd)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = LD_TC_HANDLE, .priority = prio,
			    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int ret;

	/* the clsact qdisc: ours or someone's, either is fine */
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return ret;
	hook.attach_point = point_of(kind);
	return bpf_tc_attach(&hook, &opts);
}

int ld_tc_detach(int ifindex, enum cgen_prog_kind kind, uint32_t prio)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = point_of(kind));
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = LD_TC_HANDLE, .priority = prio);

	return bpf_tc_detach(&hook, &opts);
}

bool ld_tc_link_has_ether(const char *ifname)
{
	struct ifreq ifr = { 0 };
	bool ok = false;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		ok = ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER ||
		     ifr.ifr_hwaddr.sa_family == ARPHRD_LOOPBACK;
	close(fd);
	return ok;
}
