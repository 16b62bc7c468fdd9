// SPDX-License-Identifier: GPL-2.0
/*
 * Loader tests: hand-made compiler outputs are loaded, attached to every
 * interface of a private network namespace, found again, swapped for a new
 * generation and refused by the verifier.  Each test runs in a namespace of
 * its own (unshare), with lo (down), a bridge, a veth pair and a tun.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "bpfw/cgen.h"
#include "bpfw/ld.h"
#include "cu.h"

/* Instructions, spelled out: the compiler's helpers are its own. */
#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_IMM(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV_REG(d, s)	INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_IMM(d, i)	INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ADD_REG(d, s)	INSN(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define LDX(sz, d, s, o) INSN(BPF_LDX | BPF_MEM | (sz), d, s, o, 0)
#define STX(sz, d, s, o) INSN(BPF_STX | BPF_MEM | (sz), d, s, o, 0)
#define ST(sz, d, o, i)	INSN(BPF_ST | BPF_MEM | (sz), d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define CALL(f)		INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP(d, idx)	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, idx), \
			INSN(0, 0, 0, 0, 0)

enum { MAP_COUNTERS, MAP_GEN, MAP_IFNAMES, MAP_HASH, MAP_LPM, N_MAPS };

#define SLOT		3	/* the counter slot the test program counts in */
#define PKT_LEN		64
#define PROG_MAX	32	/* room for the test program's instructions */

struct lpm_key {
	uint32_t prefixlen;
	uint32_t addr;
};

/*
 * The program of generation @gen: idle (TC_ACT_UNSPEC) unless the generation
 * map holds @gen, else count the packet in SLOT and return @verdict.
 */
static uint32_t prog_insns(uint32_t gen, int verdict, struct bpf_insn *p)
{
	const struct bpf_insn insns[] = {
		MOV_REG(BPF_REG_6, BPF_REG_1),
		ST(BPF_W, BPF_REG_10, -4, 0),
		MOV_REG(BPF_REG_2, BPF_REG_10),
		ADD_IMM(BPF_REG_2, -4),
		LD_MAP(BPF_REG_1, MAP_GEN),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 18),			/* -> idle */
		LDX(BPF_W, BPF_REG_1, BPF_REG_0, 0),
		JNE_IMM(BPF_REG_1, (int32_t)gen, 16),		/* -> idle */
		ST(BPF_W, BPF_REG_10, -4, SLOT),
		MOV_REG(BPF_REG_2, BPF_REG_10),
		ADD_IMM(BPF_REG_2, -4),
		LD_MAP(BPF_REG_1, MAP_COUNTERS),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 7),			/* -> verdict */
		LDX(BPF_DW, BPF_REG_1, BPF_REG_0, 0),
		ADD_IMM(BPF_REG_1, 1),
		STX(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		LDX(BPF_W, BPF_REG_1, BPF_REG_6, offsetof(struct __sk_buff, len)),
		LDX(BPF_DW, BPF_REG_2, BPF_REG_0, 8),
		ADD_REG(BPF_REG_2, BPF_REG_1),
		STX(BPF_DW, BPF_REG_0, BPF_REG_2, 8),
		MOV_IMM(BPF_REG_0, verdict),			/* verdict */
		EXIT(),
		MOV_IMM(BPF_REG_0, TC_ACT_UNSPEC),		/* idle */
		EXIT(),
	};

	memcpy(p, insns, sizeof(insns));
	return sizeof(insns) / sizeof(insns[0]);
}

/* A program the verifier refuses: it reads a register never written. */
static const struct bpf_insn bad_insns[] = {
	LDX(BPF_DW, BPF_REG_0, BPF_REG_2, 0),
	EXIT(),
};

/* An XDP program, which cls_bpf refuses to attach. */
static const struct bpf_insn xdp_insns[] = {
	MOV_IMM(BPF_REG_0, 2),
	EXIT(),
};

static void set_prog(struct cgen_prog *p, enum bpf_prog_type type, const char *name,
		     const struct bpf_insn *insns, uint32_t n)
{
	p->present = true;
	p->type = type;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->insns = malloc(n * sizeof(*insns));
	memcpy(p->insns, insns, n * sizeof(*insns));
	p->n_insns = p->cap_insns = n;
}

static void set_map(struct cgen_map *m, enum cgen_map_role role, const char *name,
		    enum bpf_map_type type, uint32_t ksz, uint32_t vsz, uint32_t max)
{
	memset(m, 0, sizeof(*m));
	m->role = role;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->type = type;
	m->key_size = ksz;
	m->value_size = vsz;
	m->max_entries = max;
}

/* A compiler output of generation @gen with @n_slots counters; @egress_type picks the egress. */
static void build_out(struct cgen_output *o, uint32_t gen, int verdict, uint32_t n_slots,
		      enum bpf_prog_type egress_type, bool refused)
{
	struct lpm_key lk[] = { { 24, 0x0002000a }, { 16, 0x0000a8c0 } };
	uint32_t hk[] = { 1, 2, 3 }, hv[] = { 10, 20, 30 }, lv[] = { 7, 8 }, n;
	struct bpf_insn insns[PROG_MAX];
	struct cgen_map *m;

	n = prog_insns(gen, verdict, insns);
	memset(o, 0, sizeof(*o));
	o->maps = calloc(N_MAPS, sizeof(*o->maps));
	o->n_maps = N_MAPS;
	o->n_slots = n_slots;
	m = o->maps;
	set_map(&m[MAP_COUNTERS], CGEN_MAP_COUNTERS, CGEN_MAP_NAME_COUNTERS,
		BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct cgen_counter), n_slots);
	set_map(&m[MAP_GEN], CGEN_MAP_GEN, CGEN_MAP_NAME_GEN, BPF_MAP_TYPE_ARRAY, 4, 4, 1);
	set_map(&m[MAP_IFNAMES], CGEN_MAP_IFNAMES, CGEN_MAP_NAME_IFNAMES, BPF_MAP_TYPE_HASH,
		4, IFNAMSIZ, 64);
	set_map(&m[MAP_HASH], CGEN_MAP_LOOKUP, "bpfw_l0", BPF_MAP_TYPE_HASH, 4, 4, 8);
	m[MAP_HASH].keys = malloc(sizeof(hk));
	m[MAP_HASH].values = malloc(sizeof(hv));
	memcpy(m[MAP_HASH].keys, hk, sizeof(hk));
	memcpy(m[MAP_HASH].values, hv, sizeof(hv));
	m[MAP_HASH].n_entries = 3;
	set_map(&m[MAP_LPM], CGEN_MAP_LOOKUP, "bpfw_l1", BPF_MAP_TYPE_LPM_TRIE,
		sizeof(struct lpm_key), 4, 8);
	m[MAP_LPM].flags = BPF_F_NO_PREALLOC;
	m[MAP_LPM].keys = malloc(sizeof(lk));
	m[MAP_LPM].values = malloc(sizeof(lv));
	memcpy(m[MAP_LPM].keys, lk, sizeof(lk));
	memcpy(m[MAP_LPM].values, lv, sizeof(lv));
	m[MAP_LPM].n_entries = 2;
	if (refused)
		set_prog(&o->progs[CGEN_PROG_TC_INGRESS], BPF_PROG_TYPE_SCHED_CLS, "bpfw_ingress",
			 bad_insns, 2);
	else
		set_prog(&o->progs[CGEN_PROG_TC_INGRESS], BPF_PROG_TYPE_SCHED_CLS, "bpfw_ingress",
			 insns, n);
	if (egress_type == BPF_PROG_TYPE_XDP)
		set_prog(&o->progs[CGEN_PROG_TC_EGRESS], BPF_PROG_TYPE_XDP, "bpfw_egress",
			 xdp_insns, 2);
	else
		set_prog(&o->progs[CGEN_PROG_TC_EGRESS], BPF_PROG_TYPE_SCHED_CLS, "bpfw_egress",
			 insns, n);
}

/* Load generation @gen (reusing @live's maps) into @objs; the ld_objects_create result. */
static int load_gen(const struct ld_live *live, uint32_t gen, int verdict, uint32_t n_slots,
		    const char *state, size_t len, struct ld_objects *objs, struct bpfw_err *err)
{
	struct ld_create_opts opts = {
		.reuse_counters_fd = live ? live->counters_fd : -1,
		.reuse_gen_fd = live ? live->gen_fd : -1,
		.reuse_kept = live ? live->kept_fds : NULL,
		.generation = gen, .state = state, .state_len = len,
	};
	struct cgen_output out;
	int ret;

	build_out(&out, gen, verdict, n_slots, BPF_PROG_TYPE_SCHED_CLS, false);
	ret = ld_objects_create(&out, &opts, objs, err);
	cgen_output_free(&out);
	return ret;
}

/* Find the running set, load generation @gen and commit it; 0 or the failing result. */
static int commit_gen(uint32_t gen, int verdict, uint32_t n_slots, const char *state)
{
	struct bpfw_err err = { 0 };
	struct ld_objects objs;
	struct ld_live live;
	int ret;

	ret = ld_live_open(&live, &err);
	if (!ret)
		ret = load_gen(&live, gen, verdict, n_slots, state, strlen(state), &objs, &err);
	if (!ret) {
		ret = ld_commit(&live, &objs, &err);
		ld_objects_close(&objs);
	}
	if (ret)
		fprintf(stderr, "generation %u: %s\n", gen, err.msg);
	ld_live_close(&live);
	bpfw_err_clear(&err);
	return ret;
}

/* Program id of the filter at bpfw's handle and @prio, 0 if none. */
static uint32_t filter_id(const char *ifname, enum bpf_tc_attach_point point, uint32_t prio)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = if_nametoindex(ifname),
			    .attach_point = point);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = LD_TC_HANDLE, .priority = prio);

	if (!hook.ifindex || bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id;
}

static uint32_t map_id(int fd)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.id;
}

/* TC action of program @fd for a zeroed packet. */
static int run(int fd)
{
	char pkt[PKT_LEN] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = sizeof(pkt));

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return (int)opts.retval;
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * A namespace of this process's own with lo (down) and a bridge b0, with
 * @more also a veth pair v0/v1 and a tun t0 (no link header, if tun exists).
 */
static int fresh_ns(bool more)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	if (sh("ip link add b0 type bridge"))
		return -1;
	if (more && sh("ip link add v0 type veth peer name v1"))
		return -1;
	if (more)
		sh("ip tuntap add t0 mode tun 2>/dev/null");
	return 0;
}

static const char *const ifaces[] = { "lo", "b0", "v0", "v1" };

#define N_IFACES (sizeof(ifaces) / sizeof(ifaces[0]))

/* Whether every interface carries @ing/@egr at @prio (0: none at all). */
static bool all_filters(uint32_t prio, uint32_t ing, uint32_t egr)
{
	for (unsigned int i = 0; i < N_IFACES; i++)
		if (filter_id(ifaces[i], BPF_TC_INGRESS, prio) != ing ||
		    filter_id(ifaces[i], BPF_TC_EGRESS, prio) != egr)
			return false;
	return true;
}

/* Wait until no program has @id any more; whether it went. */
/* Open file descriptors of this process: a map left open would be one more. */
static unsigned int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static bool prog_gone(uint32_t id)
{
	for (int i = 0; i < 300; i++) {
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0 && errno == ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		usleep(10000);
	}
	return false;
}

static void test_empty_namespace(void)
{
	struct bpfw_err err = { 0 };
	struct ld_live live;

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_EQUAL(ld_live_open(&live, &err), 0);
	CU_ASSERT_FALSE(live.present);
	CU_ASSERT_PTR_NULL(live.state);
	CU_ASSERT_EQUAL(live.counters_fd, -1);
	CU_ASSERT_EQUAL(live.gen_fd, -1);
	ld_live_close(&live);
}

static void test_objects(void)
{
	struct bpfw_err err = { 0 };
	struct ld_objects objs;
	struct lpm_key lk = { 32, 0x0502000a };
	uint32_t key = 2, val = 0, lo = if_nametoindex("lo");
	char name[IFNAMSIZ] = "";

	CU_ASSERT_FATAL(fresh_ns(false) == 0);
	CU_ASSERT_FATAL(load_gen(NULL, 1, TC_ACT_SHOT, 8, "s", 1, &objs, &err) == 0);
	CU_ASSERT_EQUAL(objs.n_maps, N_MAPS);
	CU_ASSERT(objs.counters_fd >= 0 && objs.state_fd >= 0 && objs.gen_fd >= 0);
	CU_ASSERT(objs.prog_fds[CGEN_PROG_TC_INGRESS] >= 0);
	CU_ASSERT(objs.prog_fds[CGEN_PROG_TC_EGRESS] >= 0);
	CU_ASSERT_EQUAL(objs.prog_fds[CGEN_PROG_XDP], -1);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(objs.map_fds[MAP_HASH], &key, &val), 0);
	CU_ASSERT_EQUAL(val, 20);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(objs.map_fds[MAP_LPM], &lk, &val), 0);
	CU_ASSERT_EQUAL(val, 7);
	CU_ASSERT_EQUAL(bpf_map_lookup_elem(objs.map_fds[MAP_IFNAMES], &lo, name), 0);
	CU_ASSERT_STRING_EQUAL(name, "lo");
	/* the state map is frozen */
	key = 0;
	CU_ASSERT_NOT_EQUAL(bpf_map_update_elem(objs.state_fd, &key, name, BPF_ANY), 0);
	/* idle until the generation map holds 1 */
	CU_ASSERT_EQUAL(run(objs.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_UNSPEC);
	val = 1;
	CU_ASSERT_EQUAL(bpf_map_update_elem(objs.gen_fd, &key, &val, BPF_ANY), 0);
	CU_ASSERT_EQUAL(run(objs.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_SHOT);
	ld_objects_close(&objs);
	CU_ASSERT_EQUAL(objs.counters_fd, -1);
	bpfw_err_clear(&err);
}

static void test_counters(void)
{
	struct ir_counter c = { .packets = 10, .bytes = 1000 }, got;
	struct bpfw_err err = { 0 };
	struct ld_objects objs;
	uint32_t key = 0, gen = 1;

	CU_ASSERT_FATAL(load_gen(NULL, 1, TC_ACT_SHOT, 8, "s", 1, &objs, &err) == 0);
	CU_ASSERT_EQUAL(ld_counter_write(objs.counters_fd, SLOT, &c), 0);
	CU_ASSERT_EQUAL(ld_counter_read(objs.counters_fd, SLOT, &got), 0);
	CU_ASSERT_EQUAL(got.packets, 10);
	CU_ASSERT_EQUAL(got.bytes, 1000);
	CU_ASSERT_EQUAL(bpf_map_update_elem(objs.gen_fd, &key, &gen, BPF_ANY), 0);
	CU_ASSERT_EQUAL(run(objs.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_SHOT);
	CU_ASSERT_EQUAL(ld_counter_read(objs.counters_fd, SLOT, &got), 0);
	CU_ASSERT_EQUAL(got.packets, 11);
	CU_ASSERT_EQUAL(got.bytes, 1000 + PKT_LEN);
	CU_ASSERT_NOT_EQUAL(ld_counter_read(objs.counters_fd, 8, &got), 0);
	ld_objects_close(&objs);
}

static void test_commit_and_find(void)
{
	struct bpfw_err err = { 0 };
	struct ld_live live;
	uint32_t prio = ld_gen_prio(1);

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, "first state") == 0);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_TRUE(live.present);
	CU_ASSERT_EQUAL(live.generation, 1);
	CU_ASSERT_STRING_EQUAL(live.state, "first state");
	CU_ASSERT_EQUAL(live.state_len, strlen("first state"));
	CU_ASSERT(live.counters_fd >= 0 && live.gen_fd >= 0);
	CU_ASSERT_EQUAL(live.counters_cap, 8);
	/* the same programs on every interface and direction, lo down or not */
	CU_ASSERT_TRUE(all_filters(prio, live.prog_ids[CGEN_PROG_TC_INGRESS],
				   live.prog_ids[CGEN_PROG_TC_EGRESS]));
	CU_ASSERT_TRUE(all_filters(ld_gen_prio(2), 0, 0));
	CU_ASSERT_NOT_EQUAL(live.prog_ids[CGEN_PROG_TC_INGRESS], 0);
	/* a tun device has no Ethernet header: skipped */
	CU_ASSERT_EQUAL(filter_id("t0", BPF_TC_INGRESS, prio), 0);
	CU_ASSERT_EQUAL(filter_id("t0", BPF_TC_EGRESS, prio), 0);
	CU_ASSERT_EQUAL(run(live.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_SHOT);
	ld_live_close(&live);
	bpfw_err_clear(&err);
}

static void test_second_generation(void)
{
	struct ir_counter c = { .packets = 5, .bytes = 500 }, got;
	struct bpfw_err err = { 0 };
	struct ld_live one, two;
	uint32_t old_in, old_eg, old_cnt;

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, "one") == 0);
	CU_ASSERT_FATAL(ld_live_open(&one, &err) == 0);
	old_in = one.prog_ids[CGEN_PROG_TC_INGRESS];
	old_eg = one.prog_ids[CGEN_PROG_TC_EGRESS];
	old_cnt = map_id(one.counters_fd);
	CU_ASSERT_EQUAL(ld_counter_write(one.counters_fd, SLOT, &c), 0);
	ld_live_close(&one);

	/* fewer slots than the map holds: the counters stay where they are */
	CU_ASSERT_FATAL(commit_gen(2, TC_ACT_UNSPEC, 6, "two") == 0);
	CU_ASSERT_FATAL(ld_live_open(&two, &err) == 0);
	CU_ASSERT_EQUAL(two.generation, 2);
	CU_ASSERT_STRING_EQUAL(two.state, "two");
	CU_ASSERT_NOT_EQUAL(two.prog_ids[CGEN_PROG_TC_INGRESS], old_in);
	CU_ASSERT_TRUE(all_filters(ld_gen_prio(2), two.prog_ids[CGEN_PROG_TC_INGRESS],
				   two.prog_ids[CGEN_PROG_TC_EGRESS]));
	CU_ASSERT_TRUE(all_filters(ld_gen_prio(1), 0, 0));
	CU_ASSERT_EQUAL(map_id(two.counters_fd), old_cnt);
	CU_ASSERT_EQUAL(two.counters_cap, 8);
	CU_ASSERT_EQUAL(ld_counter_read(two.counters_fd, SLOT, &got), 0);
	CU_ASSERT_EQUAL(got.packets, 5);
	CU_ASSERT_EQUAL(run(two.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_UNSPEC);
	ld_live_close(&two);
	CU_ASSERT_TRUE(prog_gone(old_in));
	CU_ASSERT_TRUE(prog_gone(old_eg));

	/* more slots than it holds: a new counter map */
	CU_ASSERT_FATAL(commit_gen(3, TC_ACT_SHOT, 64, "three") == 0);
	CU_ASSERT_FATAL(ld_live_open(&two, &err) == 0);
	CU_ASSERT_EQUAL(two.generation, 3);
	CU_ASSERT_NOT_EQUAL(map_id(two.counters_fd), old_cnt);
	CU_ASSERT_EQUAL(two.counters_cap, 64);
	CU_ASSERT_TRUE(all_filters(ld_gen_prio(3), two.prog_ids[CGEN_PROG_TC_INGRESS],
				   two.prog_ids[CGEN_PROG_TC_EGRESS]));
	CU_ASSERT_TRUE(all_filters(ld_gen_prio(2), 0, 0));
	ld_live_close(&two);
	bpfw_err_clear(&err);
}

/* A fresh namespace running generation 1 with state "kept"; its ingress program id. */
static uint32_t commit_kept(void)
{
	struct bpfw_err err = { 0 };
	struct ld_live live;
	uint32_t id;

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, "kept") == 0);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	id = live.prog_ids[CGEN_PROG_TC_INGRESS];
	ld_live_close(&live);
	return id;
}

/* Generation 1 of commit_kept() still runs, program @id and all. */
static void assert_kept(uint32_t id)
{
	struct bpfw_err err = { 0 };
	struct ld_live live;

	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_EQUAL(live.generation, 1);
	CU_ASSERT_EQUAL(live.prog_ids[CGEN_PROG_TC_INGRESS], id);
	CU_ASSERT_STRING_EQUAL(live.state, "kept");
	ld_live_close(&live);
}

static void test_verifier_refusal(void)
{
	struct ld_create_opts opts = { .reuse_counters_fd = -1, .reuse_gen_fd = -1,
				       .generation = 2, .state = "x", .state_len = 1 };
	struct bpfw_err err = { 0 };
	struct cgen_output out;
	struct ld_objects objs;
	uint32_t id;

	id = commit_kept();

	build_out(&out, 2, TC_ACT_SHOT, 8, BPF_PROG_TYPE_SCHED_CLS, true);
	CU_ASSERT(ld_objects_create(&out, &opts, &objs, &err) < 0);
	cgen_output_free(&out);
	CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_RESOURCE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Could not load the BPF program bpfw_ingress"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "R2 !read_ok"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(err.detail);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.detail, "R2 !read_ok"));
	CU_ASSERT_EQUAL(objs.counters_fd, -1);
	bpfw_err_clear(&err);

	assert_kept(id);
}

/* A map the kernel cannot allocate: nothing is created, the running set stays. */
static void test_map_create_failure(void)
{
	struct ld_create_opts opts = { .reuse_counters_fd = -1, .reuse_gen_fd = -1,
				       .generation = 2, .state = "x", .state_len = 1 };
	struct bpfw_err err = { 0 };
	struct cgen_output out;
	struct ld_objects objs;
	uint32_t id;
	unsigned int n_fds;

	id = commit_kept();
	n_fds = count_fds();

	/* 64 GiB of preallocated array, the last map created */
	build_out(&out, 2, TC_ACT_SHOT, 8, BPF_PROG_TYPE_SCHED_CLS, false);
	free(out.maps[MAP_LPM].keys);
	free(out.maps[MAP_LPM].values);
	set_map(&out.maps[MAP_LPM], CGEN_MAP_LOOKUP, "bpfw_l1", BPF_MAP_TYPE_ARRAY, 4,
		1u << 16, 1u << 20);
	CU_ASSERT(ld_objects_create(&out, &opts, &objs, &err) < 0);
	cgen_output_free(&out);
	CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_RESOURCE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Cannot create BPF map bpfw_l1 (1048576 entries)"));
	CU_ASSERT_EQUAL(objs.counters_fd, -1);
	CU_ASSERT_EQUAL(count_fds(), n_fds);
	bpfw_err_clear(&err);

	assert_kept(id);
}

static void test_attach_failure(void)
{
	struct bpfw_err err = { 0 };
	struct ld_create_opts opts = { .generation = 2, .state = "y", .state_len = 1 };
	struct cgen_output out;
	struct ld_objects objs;
	struct ld_live live;
	uint32_t in, eg;

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, "old") == 0);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	in = live.prog_ids[CGEN_PROG_TC_INGRESS];
	eg = live.prog_ids[CGEN_PROG_TC_EGRESS];
	opts.reuse_counters_fd = live.counters_fd;
	opts.reuse_gen_fd = live.gen_fd;
	/* lo's ingress takes the new program, its egress refuses an XDP one */
	build_out(&out, 2, TC_ACT_UNSPEC, 8, BPF_PROG_TYPE_XDP, false);
	CU_ASSERT_FATAL(ld_objects_create(&out, &opts, &objs, &err) == 0);
	cgen_output_free(&out);
	CU_ASSERT(ld_commit(&live, &objs, &err) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "interface lo"));
	CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_RESOURCE);
	ld_objects_close(&objs);
	ld_live_close(&live);
	bpfw_err_clear(&err);

	CU_ASSERT_TRUE(all_filters(ld_gen_prio(1), in, eg));
	CU_ASSERT_TRUE(all_filters(ld_gen_prio(2), 0, 0));
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_EQUAL(live.generation, 1);
	CU_ASSERT_STRING_EQUAL(live.state, "old");
	CU_ASSERT_EQUAL(run(live.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_SHOT);
	ld_live_close(&live);
}

static void test_foreign_filter_kept(void)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, topts, .handle = 7, .priority = LD_TC_PRIO);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = 7, .priority = LD_TC_PRIO);
	struct bpf_insn pass[] = { MOV_IMM(BPF_REG_0, TC_ACT_UNSPEC), EXIT() };
	int fd;

	CU_ASSERT_FATAL(fresh_ns(false) == 0);
	hook.ifindex = if_nametoindex("b0");
	CU_ASSERT_FATAL(bpf_tc_hook_create(&hook) == 0);
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "other", "GPL", pass, 2, NULL);
	CU_ASSERT_FATAL(fd >= 0);
	topts.prog_fd = fd;
	CU_ASSERT_FATAL(bpf_tc_attach(&hook, &topts) == 0);
	CU_ASSERT_EQUAL(commit_gen(1, TC_ACT_SHOT, 8, "a"), 0);
	CU_ASSERT_EQUAL(commit_gen(2, TC_ACT_SHOT, 8, "b"), 0);
	CU_ASSERT_EQUAL(commit_gen(3, TC_ACT_SHOT, 8, "c"), 0);
	CU_ASSERT_EQUAL(bpf_tc_query(&hook, &q), 0);
	CU_ASSERT_EQUAL(q.prog_id, prog_id(fd));
	close(fd);
}

static void test_large_state(void)
{
	size_t len = (5u << 20) + 12345;
	struct bpfw_err err = { 0 };
	struct ld_live live;
	char *state = malloc(len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(state);
	for (size_t i = 0; i < len; i++)
		state[i] = 'a' + (i * 7919 + i / 65536) % 26;
	state[len] = '\0';
	CU_ASSERT_FATAL(fresh_ns(false) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, state) == 0);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_EQUAL(live.state_len, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(live.state);
	CU_ASSERT_EQUAL(memcmp(live.state, state, len), 0);
	CU_ASSERT_EQUAL(live.state[len], '\0');
	ld_live_close(&live);
	free(state);
}

static void test_outlives_process(void)
{
	struct bpfw_err err = { 0 };
	struct ld_live live;
	int st = -1;
	pid_t pid;

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, "parent") == 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (!pid)
		_exit(commit_gen(2, TC_ACT_SHOT, 8, "child") ? 1 : 0);
	CU_ASSERT_EQUAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_EQUAL(live.generation, 2);
	CU_ASSERT_STRING_EQUAL(live.state, "child");
	CU_ASSERT_EQUAL(run(live.prog_fds[CGEN_PROG_TC_INGRESS]), TC_ACT_SHOT);
	ld_live_close(&live);
}

static void test_idle_leftovers(void)
{
	struct bpfw_err err = { 0 };
	struct ld_objects objs;
	struct ld_live live;
	uint32_t key = 0, zero = 0;

	CU_ASSERT_FATAL(fresh_ns(true) == 0);
	CU_ASSERT_FATAL(commit_gen(1, TC_ACT_SHOT, 8, "never acted") == 0);
	/* as if the first command had been killed before its switch */
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_EQUAL(bpf_map_update_elem(live.gen_fd, &key, &zero, BPF_ANY), 0);
	ld_live_close(&live);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_FALSE(live.present);
	CU_ASSERT_EQUAL(live.gen_fd, -1);
	CU_ASSERT_PTR_NULL(live.state);
	CU_ASSERT_FATAL(load_gen(&live, 1, TC_ACT_UNSPEC, 8, "fresh", 5, &objs, &err) == 0);
	CU_ASSERT_EQUAL(ld_commit(&live, &objs, &err), 0);
	ld_objects_close(&objs);
	ld_live_close(&live);
	CU_ASSERT_FATAL(ld_live_open(&live, &err) == 0);
	CU_ASSERT_TRUE(live.present);
	CU_ASSERT_STRING_EQUAL(live.state, "fresh");
	ld_live_close(&live);
	bpfw_err_clear(&err);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_commit_time(void)
{
	double t0, t1, t2;

	CU_ASSERT_FATAL(fresh_ns(false) == 0);	/* lo and b0 */
	t0 = now_ms();
	CU_ASSERT_EQUAL(commit_gen(1, TC_ACT_SHOT, 8, "t"), 0);
	t1 = now_ms();
	CU_ASSERT_EQUAL(commit_gen(2, TC_ACT_SHOT, 8, "t"), 0);
	t2 = now_ms();
	printf("\n    commit on 2 interfaces: first %.2f ms, replacing %.2f ms "
	       "(find, load, attach, switch) ", t1 - t0, t2 - t1);
}

static const struct cu_test tests[] = {
	{ "nothing attached: no rule set", test_empty_namespace },
	{ "maps created and filled, state frozen, idle until switched", test_objects },
	{ "counters: write, count, read, bounds", test_counters },
	{ "commit on every interface, lo down; found again", test_commit_and_find },
	{ "second generation replaces the first, counters reused", test_second_generation },
	{ "verifier refusal keeps the running set, log in detail", test_verifier_refusal },
	{ "failed map creation keeps the running set, nothing left over",
	  test_map_create_failure },
	{ "attach failure leaves the running set alone", test_attach_failure },
	{ "a filter of someone else is never touched", test_foreign_filter_kept },
	{ "a state of several MiB round-trips", test_large_state },
	{ "programs outlive the process that attached them", test_outlives_process },
	{ "idle leftovers of a killed first command", test_idle_leftovers },
	{ "time of a commit", test_commit_time },
	{ NULL, NULL },
};

int main(void)
{
	if (geteuid()) {
		fprintf(stderr, "test_ld: needs root (network namespaces, BPF)\n");
		return 77;
	}
	libbpf_set_print(NULL);
	return cu_run("loader", tests);
}
