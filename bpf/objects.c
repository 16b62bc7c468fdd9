// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel objects from a compiler output: maps created and filled, map
 * references patched into file descriptors, programs loaded (the verifier
 * runs here) and every map bound to every program, so that the maps live
 * exactly as long as a program using them, with no pin and no daemon.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_internal.h"
#include "bpfw/ld.h"

#define LOG_SIZE	(16u << 20)	/* the verifier log of a large program */
#define SLOW_VERIFY_S	2.0		/* seconds of verification that mean its step limit */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void objects_init(struct ld_objects *objs)
{
	memset(objs, 0, sizeof(*objs));
	for (int i = 0; i < CGEN_PROG_MAX; i++)
		objs->prog_fds[i] = -1;
	objs->counters_fd = -1;
	objs->state_fd = -1;
	objs->gen_fd = -1;
}

void ld_objects_close(struct ld_objects *objs)
{
	for (unsigned int i = 0; i < objs->n_maps; i++)
		if (objs->map_fds[i] >= 0)
			close(objs->map_fds[i]);
	free(objs->map_fds);
	for (int i = 0; i < CGEN_PROG_MAX; i++)
		if (objs->prog_fds[i] >= 0)
			close(objs->prog_fds[i]);
	if (objs->counters_fd >= 0)
		close(objs->counters_fd);
	if (objs->state_fd >= 0)
		close(objs->state_fd);
	if (objs->gen_fd >= 0)
		close(objs->gen_fd);
	objects_init(objs);
}

/* Max entries of an existing map, or 0. */
uint32_t ld_map_max_entries(int fd)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.max_entries;
}

static int map_fill(int fd, const struct cgen_map *m)
{
	const char *k = m->keys, *v = m->values;
	uint32_t n = m->n_entries;

	if (!n)
		return 0;
	/* one syscall for the whole run where the map type has batches */
	if (!bpf_map_update_batch(fd, m->keys, m->values, &n, NULL))
		return 0;
	for (uint32_t i = 0; i < m->n_entries; i++)
		if (bpf_map_update_elem(fd, k + (size_t)i * m->key_size,
					v + (size_t)i * m->value_size, BPF_ANY))
			return -errno;
	return 0;
}

/* Every interface of this namespace, by index, for -i/-o name matches. */
static int ifnames_fill(int fd)
{
	struct if_nameindex *ifs = if_nameindex(), *p;
	int ret = 0;

	if (!ifs)
		return -errno;
	for (p = ifs; p->if_index && !ret; p++) {
		char name[IFNAMSIZ] = { 0 };
		uint32_t idx = p->if_index;

		strncpy(name, p->if_name, sizeof(name) - 1);
		if (bpf_map_update_elem(fd, &idx, name, BPF_ANY))
			ret = -errno;
	}
	if_freenameindex(ifs);
	return ret;
}

static int map_create(const struct cgen_map *m, const struct ld_create_opts *opts, int *out,
		      struct bpfw_err *err)
{
	LIBBPF_OPTS(bpf_map_create_opts, mopts, .map_flags = m->flags);
	int fd, ret;

	if (m->role == CGEN_MAP_GEN && opts->reuse_gen_fd >= 0) {
		/* one switch for all generations: the running programs watch it */
		fd = dup(opts->reuse_gen_fd);
		if (fd < 0)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Cannot reuse the generation map: %m");
		*out = fd;
		return 0;
	}
	for (int k = 0; k < LD_KEPT_MAX && opts->reuse_kept; k++) {
		enum cgen_map_role role;
		const char *name;
		int kfd = opts->reuse_kept[k];

		ld_kept_map(k, &role, &name);
		if (m->role != role || kfd < 0 || ld_map_max_entries(kfd) != m->max_entries)
			continue;
		/* its contents (connections, unread log lines) live on across updates */
		fd = dup(kfd);
		if (fd < 0)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot reuse map %s: %m",
					 name);
		*out = fd;
		return 0;
	}
	if (m->role == CGEN_MAP_SET && opts->reuse_sets_prog) {
		/* a set's elements live on: ipset add and del write its map directly */
		fd = ld_set_map_find(opts->reuse_sets_prog, m);
		if (fd >= 0) {
			*out = fd;
			return 0;
		}
	}
	if (m->role == CGEN_MAP_COUNTERS && opts->reuse_counters_fd >= 0 &&
	    ld_map_max_entries(opts->reuse_counters_fd) >= m->max_entries) {
		fd = dup(opts->reuse_counters_fd);
		if (fd < 0)
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Cannot reuse the counter map: %m");
		*out = fd;
		return 0;
	}
	fd = bpf_map_create(m->type, m->name, m->key_size, m->value_size, m->max_entries, &mopts);
	if (fd < 0)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				 "Cannot create BPF map %s (%u entries): %s", m->name,
				 m->max_entries, strerror(errno));
	ret = m->role == CGEN_MAP_IFNAMES ? ifnames_fill(fd) :
	      m->role == CGEN_MAP_ADDRTYPES ? ld_addrtypes_fill(fd) : map_fill(fd, m);
	if (ret) {
		close(fd);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ret, "Cannot fill BPF map %s: %s",
				 m->name, strerror(-ret));
	}
	*out = fd;
	return 0;
}

/* Copy of @p's instructions with every map index turned into that map's fd. */
static int prog_patch(const struct cgen_prog *p, const struct ld_objects *objs,
		      struct bpf_insn **out, struct bpfw_err *err)
{
	struct bpf_insn *insns;

	insns = malloc(p->n_insns * sizeof(*insns));
	if (!insns)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	memcpy(insns, p->insns, p->n_insns * sizeof(*insns));
	for (uint32_t i = 0; i < p->n_insns; i++) {
		struct bpf_insn *in = &insns[i];

		if (in->code != (BPF_LD | BPF_DW | BPF_IMM))
			continue;
		if (in->src_reg == BPF_PSEUDO_MAP_FD || in->src_reg == BPF_PSEUDO_MAP_VALUE) {
			if (in->imm < 0 || (unsigned int)in->imm >= objs->n_maps) {
				int idx = in->imm;

				free(insns);
				return bpfw_errf(err, BPFW_EXIT_OTHER, EINVAL,
						 "Program %s refers to map %d, which does not "
						 "exist", p->name, idx);
			}
			in->imm = objs->map_fds[in->imm];
		}
		i++;	/* the second half of the wide instruction */
	}
	*out = insns;
	return 0;
}

/*
 * The verifier's reason in @log: the last line before its "processed N insns"
 * summary, into @buf (empty if none).
 */
static void log_reason(const char *log, char *buf, size_t size)
{
	const char *end = log ? strstr(log, "\nprocessed ") : NULL, *start;
	size_t n;

	buf[0] = '\0';
	if (!end)
		return;
	for (start = end; start > log && start[-1] != '\n'; start--)
		;
	n = end - start;
	while (n && (start[n - 1] == '.' || start[n - 1] == ' '))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

/*
 * Load one program.  The first load has no log: logging every instruction
 * slows the verifier down and a full log would fail a large program.  Only
 * when the verifier refuses the program is it loaded again, with the log,
 * to tell why (the kernel keeps the log's end when it does not fit).
 */
static int prog_load(const struct cgen_prog *p, const struct ld_objects *objs, bool verbose,
		     int *out, struct bpfw_err *err)
{
	LIBBPF_OPTS(bpf_prog_load_opts, popts);
	struct bpf_insn *insns = NULL;
	char *log = NULL, reason[160];
	double t0;
	int fd, e, ret;

	ret = prog_patch(p, objs, &insns, err);
	if (ret)
		return ret;
	t0 = now_s();
	fd = bpf_prog_load(p->type, p->name, "GPL", insns, p->n_insns, &popts);
	if (fd >= 0) {
		*out = fd;
		goto out;
	}
	e = errno;
	/*
	 * A refusal after a long verification is the verifier's step limit; a
	 * second pass to log it would take as long again and say only that.
	 */
	if (e == E2BIG && now_s() - t0 > SLOW_VERIFY_S) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, e,
				"Could not load the BPF program %s (%u instructions): the verifier "
				"gives up after 1000000 steps; fewer rules that do not fold into "
				"lookups would fit", p->name, p->n_insns);
		goto out;
	}
	log = calloc(1, LOG_SIZE);
	if (log) {
		popts.log_buf = log;
		popts.log_size = LOG_SIZE;
		popts.log_level = verbose ? 2 : 1;
		fd = bpf_prog_load(p->type, p->name, "GPL", insns, p->n_insns, &popts);
		if (fd >= 0) {	/* a passing shortage (memory): the retry is as good */
			*out = fd;
			goto out;
		}
	}
	log_reason(log, reason, sizeof(reason));
	ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, e,
			"Could not load the BPF program %s (%u instructions): %s%s%s "
			"(the verifier log is shown with -v)", p->name, p->n_insns, strerror(e),
			reason[0] ? ": " : "", reason);
	bpfw_err_set_detail(err, log);
	log = NULL;
out:
	free(log);
	free(insns);
	return ret;
}

int ld_objects_create(const struct cgen_output *out, const struct ld_create_opts *opts,
		      struct ld_objects *objs, struct bpfw_err *err)
{
	int ret = 0, kept_ct = -1;

	objects_init(objs);
	objs->generation = opts->generation;
	objs->xdp_retire = out->xdp_retire;
	if (opts->reuse_kept && cgen_output_find_map(out, CGEN_MAP_CT) < 0)
		kept_ct = opts->reuse_kept[LD_KEPT_CT];
	objs->map_fds = calloc(out->n_maps ? out->n_maps : 1, sizeof(int));
	if (!objs->map_fds)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	for (unsigned int i = 0; i < out->n_maps; i++)
		objs->map_fds[i] = -1;
	objs->n_maps = out->n_maps;
	for (unsigned int i = 0; i < out->n_maps && !ret; i++) {
		ret = map_create(&out->maps[i], opts, &objs->map_fds[i], err);
		if (!ret && out->maps[i].role == CGEN_MAP_COUNTERS) {
			objs->counters_fd = dup(objs->map_fds[i]);
			if (objs->counters_fd < 0)
				ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "dup: %m");
		}
		if (!ret && out->maps[i].role == CGEN_MAP_GEN) {
			objs->gen_fd = dup(objs->map_fds[i]);
			if (objs->gen_fd < 0)
				ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "dup: %m");
		}
	}
	if (!ret)
		ret = ld_state_create(opts->state, opts->state_len, &objs->state_fd, err);
	for (int k = 0; k < CGEN_PROG_MAX && !ret; k++) {
		if (!out->progs[k].present)
			continue;
		ret = prog_load(&out->progs[k], objs, opts->verbose, &objs->prog_fds[k], err);
		for (unsigned int i = 0; i < objs->n_maps && !ret; i++)
			if (bpf_prog_bind_map(objs->prog_fds[k], objs->map_fds[i], NULL))
				ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
						"Cannot bind map to program: %m");
		if (!ret && bpf_prog_bind_map(objs->prog_fds[k], objs->state_fd, NULL))
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					"Cannot bind the state map to program: %m");
		/*
		 * The connection table outlives rule sets that do not look at
		 * it, as netfilter's does: held by the programs, found again by
		 * the next generation that matches on states.
		 */
		if (!ret && kept_ct >= 0 && bpf_prog_bind_map(objs->prog_fds[k], kept_ct, NULL))
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					"Cannot keep the connection table: %m");
	}
	if (ret)
		ld_objects_close(objs);
	return ret;
}
