// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the rule set that runs in this namespace: any of bpfw's filters
 * (on "lo" first) leads to the generation switch map; the generation it
 * holds names the priority of the programs that act, and their maps hold
 * the counters and the state text.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf_internal.h"
#include "attach_tc.h"

/* Ifindex carrying a bpfw ingress filter at @prio, or 0; lo first. */
static int find_attached(uint32_t prio, uint32_t *ingress_id)
{
	struct if_nameindex *ifs, *p;
	int lo = if_nametoindex("lo"), found = 0;

	if (lo && !ld_tc_query(lo, CGEN_PROG_TC_INGRESS, prio, ingress_id))
		return lo;
	ifs = if_nameindex();
	if (!ifs)
		return 0;
	for (p = ifs; p->if_index && !found; p++)
		if (!ld_tc_query(p->if_index, CGEN_PROG_TC_INGRESS, prio, ingress_id))
			found = p->if_index;
	if_freenameindex(ifs);
	return found;
}

int ld_prog_map_ids(int prog_fd, uint32_t **ids, uint32_t *n)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), cnt;
	uint32_t *buf;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	cnt = info.nr_map_ids;
	buf = calloc(cnt ? cnt : 1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = cnt;
	info.map_ids = (uint64_t)(uintptr_t)buf;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		free(buf);
		return -errno;
	}
	*ids = buf;
	*n = cnt < info.nr_map_ids ? cnt : info.nr_map_ids;
	return 0;
}

/* The generation switch among the maps of program @id: its fd, or -1. */
static int find_gen_map(uint32_t id)
{
	uint32_t *ids = NULL, n = 0;
	int pfd, gen_fd = -1;

	pfd = bpf_prog_get_fd_by_id(id);
	if (pfd < 0)
		return -1;
	if (ld_prog_map_ids(pfd, &ids, &n))
		goto out;
	for (uint32_t i = 0; i < n && gen_fd < 0; i++) {
		char name[BPF_OBJ_NAME_LEN];
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd >= 0 && !ld_map_name(fd, name, NULL) && !strcmp(name, CGEN_MAP_NAME_GEN))
			gen_fd = fd;
		else if (fd >= 0)
			close(fd);
	}
out:
	free(ids);
	close(pfd);
	return gen_fd;
}

int ld_map_name(int fd, char *name, uint32_t *max_entries)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	memcpy(name, info.name, sizeof(info.name));
	if (max_entries)
		*max_entries = info.max_entries;
	return 0;
}

void ld_kept_map(enum ld_kept k, enum cgen_map_role *role, const char **name)
{
	static const struct { enum cgen_map_role role; const char *name; } kept[LD_KEPT_MAX] = {
		[LD_KEPT_CT] = { CGEN_MAP_CT, CGEN_MAP_NAME_CT },
		[LD_KEPT_LOG] = { CGEN_MAP_LOG, CGEN_MAP_NAME_LOG },
		[LD_KEPT_RECENT] = { CGEN_MAP_RECENT, CGEN_MAP_NAME_RECENT },
	};

	*role = kept[k].role;
	*name = kept[k].name;
}

/* Keep @fd in @live if map @name is a kept one not seen yet; whether it was. */
static bool keep_kept(struct ld_live *live, const char *name, int fd)
{
	for (int k = 0; k < LD_KEPT_MAX; k++) {
		enum cgen_map_role role;
		const char *kname;

		ld_kept_map(k, &role, &kname);
		if (!strcmp(name, kname) && live->kept_fds[k] < 0) {
			live->kept_fds[k] = fd;
			return true;
		}
	}
	return false;
}

/* Pick the counter, kept and state maps out of @prog_fd's maps. */
static int scan_maps(struct ld_live *live, int prog_fd, struct bpfw_err *err)
{
	uint32_t n = 0, *ids = NULL;
	int ret;

	ret = ld_prog_map_ids(prog_fd, &ids, &n);
	if (ret)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret,
				 "Cannot inspect the running program: %s", strerror(-ret));
	for (uint32_t i = 0; i < n && !ret; i++) {
		char name[BPF_OBJ_NAME_LEN];
		uint32_t cap = 0;
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0 || ld_map_name(fd, name, &cap)) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		if (!strcmp(name, CGEN_MAP_NAME_COUNTERS) && live->counters_fd < 0) {
			live->counters_fd = fd;
			live->counters_cap = cap;
			continue;
		}
		if (keep_kept(live, name, fd))
			continue;
		if (!strcmp(name, CGEN_MAP_NAME_STATE) && !live->state) {
			ret = ld_state_read(fd, &live->state, &live->state_len);
			if (ret)
				ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, ret,
						"Cannot read the running rule set: %s",
						strerror(-ret));
		}
		close(fd);
	}
	free(ids);
	return ret;
}

int ld_live_open(struct ld_live *live, struct bpfw_err *err)
{
	uint32_t id = 0, key = 0, prio;
	int ifindex = 0;

	memset(live, 0, sizeof(*live));
	live->counters_fd = -1;
	for (int k = 0; k < LD_KEPT_MAX; k++)
		live->kept_fds[k] = -1;
	live->gen_fd = -1;
	for (int k = 0; k < CGEN_PROG_MAX; k++)
		live->prog_fds[k] = -1;
	/* any of bpfw's programs leads to the generation switch ... */
	for (prio = LD_TC_PRIO; prio <= LD_TC_PRIO + 1 && live->gen_fd < 0; prio++)
		if (find_attached(prio, &id))
			live->gen_fd = find_gen_map(id);
	if (live->gen_fd < 0)
		return 0;
	if (bpf_map_lookup_elem(live->gen_fd, &key, &live->generation))
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				 "Cannot read the running generation: %m");
	/* ... which names the programs that act */
	prio = ld_gen_prio(live->generation);
	ifindex = live->generation ? find_attached(prio, &id) : 0;
	if (!ifindex) {
		/*
		 * Only idle programs: leftovers of a first command killed
		 * before its switch (generations start at 1), or the acting
		 * filters were deleted by hand.  Nothing runs; the next commit
		 * starts afresh and replaces the leftovers.
		 */
		close(live->gen_fd);
		live->gen_fd = -1;
		live->generation = 0;
		return 0;
	}
	live->present = true;
	live->prog_ids[CGEN_PROG_TC_INGRESS] = id;
	if (!ld_tc_query(ifindex, CGEN_PROG_TC_EGRESS, prio, &id))
		live->prog_ids[CGEN_PROG_TC_EGRESS] = id;
	/* CGEN_PROG_XDP: the raw PREROUTING program, once attached, is found here */
	for (int k = 0; k < CGEN_PROG_MAX; k++) {
		if (!live->prog_ids[k])
			continue;
		live->prog_fds[k] = bpf_prog_get_fd_by_id(live->prog_ids[k]);
		if (live->prog_fds[k] < 0)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Cannot open the running program %u: %m",
					 live->prog_ids[k]);
	}
	return scan_maps(live, live->prog_fds[CGEN_PROG_TC_INGRESS], err);
}

void ld_live_close(struct ld_live *live)
{
	for (int k = 0; k < CGEN_PROG_MAX; k++)
		if (live->prog_fds[k] >= 0)
			close(live->prog_fds[k]);
	if (live->counters_fd >= 0)
		close(live->counters_fd);
	for (int k = 0; k < LD_KEPT_MAX; k++)
		if (live->kept_fds[k] >= 0)
			close(live->kept_fds[k]);
	if (live->gen_fd >= 0)
		close(live->gen_fd);
	free(live->state);
	memset(live, 0, sizeof(*live));
	live->counters_fd = -1;
	for (int k = 0; k < LD_KEPT_MAX; k++)
		live->kept_fds[k] = -1;
	live->gen_fd = -1;
	for (int k = 0; k < CGEN_PROG_MAX; k++)
		live->prog_fds[k] = -1;
}
