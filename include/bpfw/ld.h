/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader: creates the maps and programs the compiler describes, finds
 * the rule set running in this network namespace, and swaps a new one in.
 *
 * Nothing here needs bpffs: programs are attached to TC with netlink
 * (cls_bpf, direct action) on every interface and stay there without pins.
 * A running rule set is found through the filter on "lo": its program's
 * maps hold the counters and, in a frozen array map, the state text that
 * describes the rules (opaque to the loader).
 */
#ifndef BPFW_LD_H
#define BPFW_LD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfw/cgen.h"
#include "bpfw/err.h"
#include "bpfw/ir.h"

#define LD_TC_HANDLE	0xb9f0	/* cls_bpf handle of bpfw's filters */
#define LD_TC_PRIO	1	/* even generations here, odd ones at LD_TC_PRIO + 1 */

/* The tc priority generation @gen is attached at. */
static inline uint32_t ld_gen_prio(uint32_t gen)
{
	return LD_TC_PRIO + (gen & 1);
}

/* Maps whose contents outlive a generation: the next one reuses the running one's. */
enum ld_kept {
	LD_KEPT_CT,		/* the connection table (CGEN_MAP_CT) */
	LD_KEPT_LOG,		/* the log ring (CGEN_MAP_LOG) */
	LD_KEPT_RECENT,		/* -m recent's lists (CGEN_MAP_RECENT) */
	LD_KEPT_MAX,
};

/* The map role and name of a kept map. */
void ld_kept_map(enum ld_kept k, enum cgen_map_role *role, const char **name);

/* The rule set that runs in this namespace, as found by ld_live_open(). */
struct ld_live {
	bool present;			/* false: no bpfw program attached yet */
	uint32_t generation;		/* the generation that acts now */
	int gen_fd;			/* the generation switch map, -1 if none */
	uint32_t prog_ids[CGEN_PROG_MAX];
	int prog_fds[CGEN_PROG_MAX];	/* held so a failed swap can put them back; -1 if none */
	int counters_fd;		/* -1 if none */
	int kept_fds[LD_KEPT_MAX];	/* maps that outlive generations, -1 where none */
	uint32_t counters_cap;		/* max_entries of the counter map */
	char *state;			/* state text, NUL-terminated, malloc'd */
	size_t state_len;
};

/* Kernel objects made from one cgen_output, not yet attached. */
struct ld_objects {
	int *map_fds;			/* one per cgen_output.maps[] */
	unsigned int n_maps;
	int prog_fds[CGEN_PROG_MAX];	/* -1 where the program is absent */
	int counters_fd;		/* the counter map used (maybe reused) */
	int state_fd;			/* the frozen state map */
	int gen_fd;			/* the generation switch (maybe reused) */
	uint32_t generation;		/* the generation these programs act in */
	bool xdp_retire;		/* remove the XDP program after the switch */
};

struct ld_create_opts {
	int reuse_counters_fd;		/* counter map to reuse if big enough, or -1 */
	int reuse_gen_fd;		/* the running generation switch, or -1 */
	const int *reuse_kept;		/* LD_KEPT_MAX fds of the running set (-1: none), or NULL */
	uint32_t reuse_sets_prog;	/* id of a running program whose set maps live on, or 0 */
	uint32_t generation;		/* the programs' generation (cgen_opts.generation) */
	const char *state;		/* state text to store with the programs */
	size_t state_len;
	bool verbose;			/* keep the verifier log even on success */
};

/*
 * The running map of set @s (the shape cgen_set_map() gives it) among the
 * maps of program @prog_id: its fd, -ENOENT if it has none (bpf/sets.c).
 */
int ld_set_map_open(uint32_t prog_id, const struct ir_set *s);

/* The id of the program loaded as @prog_fd, into @id; a negative errno. */
int ld_prog_id(int prog_fd, uint32_t *id);

/* Find the running rule set; live->present is false when there is none. */
int ld_live_open(struct ld_live *live, struct bpfw_err *err);

/* Release what ld_live_open() got. */
void ld_live_close(struct ld_live *live);

/* Create maps and load programs; the verifier log goes to err->detail. */
int ld_objects_create(const struct cgen_output *out, const struct ld_create_opts *opts,
		      struct ld_objects *objs, struct bpfw_err *err);

/* Close every fd of @objs. */
void ld_objects_close(struct ld_objects *objs);

/* Sum of one counter slot over all CPUs. */
int ld_counter_read(int map_fd, uint32_t slot, struct ir_counter *out);

/* Set one counter slot: @c on CPU 0, zero on the others. */
int ld_counter_write(int map_fd, uint32_t slot, const struct ir_counter *c);

/*
 * Attach @objs on every interface of this namespace beside the running
 * programs, idle, then switch every interface and direction to them at once
 * with one write of the generation map, then remove the old ones.  The XDP
 * program replaces the running one, which it imitates until that write.  If
 * any attach fails, the new programs are removed and the old ones never
 * stopped.
 */
int ld_commit(const struct ld_live *old, const struct ld_objects *objs, struct bpfw_err *err);

#endif /* BPFW_LD_H */
