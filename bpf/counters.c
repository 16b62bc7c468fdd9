// SPDX-License-Identifier: GPL-2.0
/* Rule counters: one slot of a per-CPU array, summed over the CPUs. */
#include <errno.h>
#include <stdlib.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfw/ld.h"

/* Per-CPU values of one slot; the caller frees. */
static struct cgen_counter *values_new(int *ncpu)
{
	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu <= 0)
		return NULL;
	return calloc(*ncpu, sizeof(struct cgen_counter));
}

int ld_counter_read(int map_fd, uint32_t slot, struct ir_counter *out)
{
	struct cgen_counter *v;
	int ncpu, ret = 0;

	v = values_new(&ncpu);
	if (!v)
		return -ENOMEM;
	out->packets = 0;
	out->bytes = 0;
	if (bpf_map_lookup_elem(map_fd, &slot, v)) {
		ret = -errno;
		goto out;
	}
	for (int i = 0; i < ncpu; i++) {
		out->packets += v[i].packets;
		out->bytes += v[i].bytes;
	}
out:
	free(v);
	return ret;
}

int ld_counter_write(int map_fd, uint32_t slot, const struct ir_counter *c)
{
	struct cgen_counter *v;
	int ncpu, ret = 0;

	v = values_new(&ncpu);
	if (!v)
		return -ENOMEM;
	v[0].packets = c->packets;
	v[0].bytes = c->bytes;
	if (bpf_map_update_elem(map_fd, &slot, v, BPF_ANY))
		ret = -errno;
	free(v);
	return ret;
}
