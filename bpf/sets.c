// SPDX-License-Identifier: GPL-2.0
/*
 * Set maps of the running rule set.  Each set has its own map, named for
 * the set's id and bound to every program; a new generation reuses the
 * running map of each set it keeps, and ipset's element commands open it
 * to write it directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf_internal.h"
#include "bpfw/ld.h"

/* Whether map @fd has @m's name and shape. */
static bool same_map(int fd, const struct cgen_map *m)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return false;
	return !strcmp(info.name, m->name) && info.type == m->type &&
	       info.key_size == m->key_size && info.value_size == m->value_size &&
	       info.max_entries == m->max_entries && info.map_flags == m->flags;
}

int ld_set_map_find(uint32_t prog_id, const struct cgen_map *m)
{
	uint32_t *ids = NULL, n = 0;
	int pfd, ret = -ENOENT;

	pfd = bpf_prog_get_fd_by_id(prog_id);
	if (pfd < 0)
		return -errno;
	if (ld_prog_map_ids(pfd, &ids, &n))
		goto out;
	for (uint32_t i = 0; i < n && ret < 0; i++) {
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd >= 0 && same_map(fd, m))
			ret = fd;
		else if (fd >= 0)
			close(fd);
	}
out:
	free(ids);
	close(pfd);
	return ret;
}

int ld_set_map_open(uint32_t prog_id, const struct ir_set *s)
{
	struct cgen_map m;

	cgen_set_map(s, &m);
	return ld_set_map_find(prog_id, &m);
}

int ld_prog_id(int prog_fd, uint32_t *id)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}
