// SPDX-License-Identifier: GPL-2.0
/*
 * -m set: rules naming ipset's sets, their elements written into the sets'
 * maps as ipset add does, packets run with BPF_PROG_TEST_RUN.  hash:ip by
 * source and destination, hash:net's longest prefix, hash:ip,port's
 * protocol and port (ICMP by type and code), !, too few directions,
 * expired elements, IPv6 sets in ip6tables rules, and the refusals (a set
 * that is not there, a set of the other family).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfw/ipset.h"
#include "vfw.h"

#define IN	CGEN_PROG_TC_INGRESS

static struct ir_set def(const char *name, enum ir_set_type type, uint32_t id)
{
	struct ir_set s = { .type = type, .family = IR_FAMILY_IPV4, .hashsize = 1024,
			    .maxelem = 1024, .id = id };

	snprintf(s.name, sizeof(s.name), "%s", name);
	return s;
}

/* The fd of set @s's map in @fw. */
static int set_fd(struct fw *fw, const struct ir_set *s)
{
	struct cgen_map m;

	cgen_set_map(s, &m);
	for (unsigned int i = 0; i < fw->out.n_maps; i++)
		if (fw->out.maps[i].role == CGEN_MAP_SET && !strcmp(fw->out.maps[i].name, m.name))
			return fw->objs.map_fds[i];
	return -1;
}

/* ipset add @s @elem (as the ipset command parses it), expiring at @expires (0: never). */
static int add_flags(struct fw *fw, const struct ir_set *s, const char *elem, uint64_t expires,
		     uint32_t flags)
{
	struct bpfw_err err = { 0 };
	struct cgen_set_val v = { .expires = expires, .flags = flags };
	char *words[] = { (char *)elem };
	struct ipset_elem e;
	uint8_t key[32];
	int ret = ipset_parse_elem(s, words, 1, false, &e, &err);

	if (ret) {
		fprintf(stderr, "%s: %s\n", elem, err.msg);
		return ret;
	}
	ipset_elem_key(s, &e, key);
	return bpf_map_update_elem(set_fd(fw, s), key, &v, BPF_ANY) ? -errno : 0;
}

static int add(struct fw *fw, const struct ir_set *s, const char *elem, uint64_t expires)
{
	return add_flags(fw, s, elem, expires, 0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void test_hash_ip(void)
{
	struct ir_set sets[] = { def("bans", IR_SET_HASH_IP, 1), def("dsts", IR_SET_HASH_IP, 2) };
	const struct fw_opts o = { .sets = sets, .n_sets = 2 };
	struct pkt_spec to_dst = TCP("10.0.0.9", 80);
	struct fw fw;

	to_dst.dst = "10.1.1.1";
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw,
					   "-A INPUT -m set --match-set bans src -j DROP;"
					   "-A INPUT -m set --match-set dsts dst -j DROP", &o), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 80)), PASS);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.1", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.2", 80)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &to_dst), PASS);
	CU_ASSERT_EQUAL(add(&fw, &sets[1], "10.1.1.1", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &to_dst), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
	/* an address added as a prefix is its addresses, one by one, in the command */
	fw_free(&fw);
}

static void test_invert_and_dims(void)
{
	struct ir_set sets[] = { def("ok", IR_SET_HASH_IP, 1), def("svc", IR_SET_HASH_IP_PORT, 2) };
	const struct fw_opts o = { .sets = sets, .n_sets = 2 };
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw,
					   "-A INPUT -p tcp --dport 22 "
					   "-m set ! --match-set ok src -j DROP;"
					   "-A INPUT -m set --match-set svc src -j DROP;"
					   "-A INPUT -m set ! --match-set svc src -j ACCEPT;"
					   "-P INPUT DROP", &o), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.1", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 22)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.2", 22)), DROP);
	/* hash:ip,port with one direction given: never an element, so ! always matches */
	CU_ASSERT_EQUAL(add(&fw, &sets[1], "10.0.0.2,tcp:80", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.2", 80)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 2);	/* the first packet too */
	fw_free(&fw);
}

static void test_hash_net(void)
{
	struct ir_set sets[] = { def("nets", IR_SET_HASH_NET, 7) };
	const struct fw_opts o = { .sets = sets, .n_sets = 1 };
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "-A INPUT -m set --match-set nets src -j DROP",
					   &o), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.0/8", 0), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "192.168.1.7", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.200.3.4", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("11.0.0.1", 80)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("192.168.1.7", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("192.168.1.8", 80)), PASS);
	/* nomatch: the longest prefix is an exception to the shorter ones */
	CU_ASSERT_EQUAL(add_flags(&fw, &sets[0], "10.9.0.0/16", 0, CGEN_SET_NOMATCH), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.9.9.0/24", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.9.1.1", 80)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.9.9.1", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.8.1.1", 80)), DROP);
	fw_free(&fw);
}

static void test_hash_ip_port(void)
{
	struct ir_set sets[] = { def("svc", IR_SET_HASH_IP_PORT, 3) };
	const struct fw_opts o = { .sets = sets, .n_sets = 1 };
	struct pkt_spec udp = UDP("10.0.0.1", 53), ping = { .src = "10.0.0.1",
							   .proto = IPPROTO_ICMP,
							   .icmp_type = 8 };
	struct pkt_spec frag = UDP("10.0.0.1", 53);
	struct fw fw;

	frag.frag_off = 10;
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "-A INPUT -m set --match-set svc src,dst -j DROP",
					   &o), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.1,udp:53", 0), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.1,tcp:22", 0), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.1,icmp:ping", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &udp), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 22)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 53)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)UDP("10.0.0.1", 22)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)UDP("10.0.0.2", 53)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &ping), DROP);
	ping.icmp_type = 0;
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &ping), PASS);
	/* a later fragment has no port: no element, as ipset */
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &frag), PASS);
	fw_free(&fw);
}

static void test_timeout(void)
{
	struct ir_set sets[] = { def("tmo", IR_SET_HASH_IP, 4) };
	const struct fw_opts o = { .sets = sets, .n_sets = 1 };
	struct fw fw;

	sets[0].with_timeout = true;
	sets[0].timeout = 60;
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "-A INPUT -m set --match-set tmo src -j DROP",
					   &o), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.1", now_ns() + 60000000000ull), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.2", now_ns() - 1), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.0.0.3", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.2", 80)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.3", 80)), DROP);
	fw_free(&fw);
}

static void test_refusals(void)
{
	struct ir_set six = def("six", IR_SET_HASH_IP, 5);
	struct bpfw_err err = { 0 };
	struct cgen_output out = { 0 };
	struct cgen_opts copts;
	struct ir_ruleset *rs = ir_ruleset_new();
	struct ir_table *t;
	struct fw fw;

	/* a set that does not exist: iptables' refusal, before anything is compiled */
	CU_ASSERT_NOT_EQUAL(fw_load(&fw, "-A INPUT -m set --match-set nosuch src -j DROP"), 0);
	ir_ruleset_free(fw.rs);
	/* a set of the other family: iptables refuses it; so does the compiler, for a state */
	CU_ASSERT_FATAL(rs != NULL);
	six.family = IR_FAMILY_IPV6;
	CU_ASSERT_EQUAL(ir_set_add(rs, &six), 0);
	CU_ASSERT_NOT_EQUAL(fw_apply(rs, "-A INPUT -m set --match-set six src -j DROP"), 0);
	rs->sets[0].family = IR_FAMILY_IPV4;
	CU_ASSERT_EQUAL(ir_table_get(rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t), 0);
	CU_ASSERT_EQUAL(fw_apply(rs, "-A INPUT -m set --match-set six src -j DROP"), 0);
	rs->sets[0].family = IR_FAMILY_IPV6;
	ir_chain_find(t, "INPUT")->rules[0]->slot = 3;
	for (unsigned int i = 0; i < t->n_chains; i++)
		t->chains[i]->policy_slot = i;
	cgen_opts_default(&copts);
	CU_ASSERT_EQUAL(cgen_compile(rs, &copts, &out, &err), -EINVAL);
	CU_ASSERT_STRING_EQUAL(err.msg, "The protocol family of set six is IPv6, which is not "
			       "applicable.");
	cgen_output_free(&out);
	ir_ruleset_free(rs);
}

static void test_ipv6(void)
{
	struct ir_set sets[] = { def("ips6", IR_SET_HASH_IP, 1), def("nets6", IR_SET_HASH_NET, 2),
				 def("svc6", IR_SET_HASH_IP_PORT, 3),
				 def("ips4", IR_SET_HASH_IP, 4) };
	const struct fw_opts o = { .sets = sets, .n_sets = 4 };
	struct pkt_spec ping = { .v6 = true, .src = "2001:db8::7", .dst = "::1",
				 .proto = IPPROTO_ICMPV6, .icmp_type = 128 };
	struct fw fw;

	for (int i = 0; i < 3; i++)
		sets[i].family = IR_FAMILY_IPV6;
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw,
					   "ip6 -A INPUT -m set --match-set ips6 src -j DROP;"
					   "ip6 -A INPUT -m set --match-set nets6 src -j DROP;"
					   "ip6 -A INPUT -m set --match-set svc6 src,dst -j DROP;"
					   "-A INPUT -m set --match-set ips4 src -j DROP", &o), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8::1", 80)), PASS);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "2001:db8::1", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8::1", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8::2", 80)), PASS);
	CU_ASSERT_EQUAL(fw_counter6(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(add(&fw, &sets[1], "2001:db8:1::/48", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8:1:2::3", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8:2::3", 80)), PASS);
	CU_ASSERT_EQUAL(add(&fw, &sets[2], "2001:db8::7,tcp:443", 0), 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[2], "2001:db8::7,icmpv6:ping", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8::7", 443)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP6("2001:db8::7", 444)), PASS);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &ping), DROP);
	ping.icmp_type = 129;
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &ping), PASS);
	/* the IPv4 rules have their own set */
	CU_ASSERT_EQUAL(add(&fw, &sets[3], "10.0.0.1", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 80)), DROP);
	fw_free(&fw);
}

static void test_xdp(void)
{
	struct ir_set sets[] = { def("xbans", IR_SET_HASH_NET, 9) };
	const struct fw_opts o = { .generation = 1, .sets = sets, .n_sets = 1 };
	struct fw fw;

	/* a blocklist at XDP, before the stack: the map the filter rules use too */
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "-t raw -A PREROUTING -m set --match-set xbans src "
					       "-j DROP", &o), 0);
	fw_set_generation(&fw, 1);
	CU_ASSERT_TRUE(fw.out.progs[CGEN_PROG_XDP].present);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &(struct pkt_spec)TCP("10.5.0.1", 80)), PASS);
	CU_ASSERT_EQUAL(add(&fw, &sets[0], "10.5.0.0/16", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &(struct pkt_spec)TCP("10.5.0.1", 80)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_XDP, &(struct pkt_spec)TCP("10.6.0.1", 80)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 1).packets, 1);
	fw_free(&fw);
}

static void test_no_rules(void)
{
	struct ir_set sets[] = { def("a", IR_SET_HASH_IP, 1), def("b", IR_SET_HASH_NET, 2) };
	const struct fw_opts o = { .sets = sets, .n_sets = 2 };
	struct fw fw;

	/* every set has its map, bound to the programs, even with no rule naming it */
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&fw, "", &o), 0);
	CU_ASSERT(set_fd(&fw, &sets[0]) >= 0);
	CU_ASSERT(set_fd(&fw, &sets[1]) >= 0);
	CU_ASSERT_EQUAL(add(&fw, &sets[1], "10.0.0.0/8", 0), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, IN, &(struct pkt_spec)TCP("10.0.0.1", 80)), PASS);
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "hash:ip by source and destination", test_hash_ip },
	{ "! and fewer directions than dimensions", test_invert_and_dims },
	{ "hash:net: longest prefix, nomatch", test_hash_net },
	{ "hash:ip,port: protocol, port, ICMP type, fragments", test_hash_ip_port },
	{ "timeouts: an expired element is absent", test_timeout },
	{ "refused: a set that is not there, a set of the other family", test_refusals },
	{ "IPv6: hash:ip, hash:net, hash:ip,port with ICMPv6", test_ipv6 },
	{ "a set at XDP (raw PREROUTING)", test_xdp },
	{ "sets no rule uses have their maps", test_no_rules },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("set", tests);
}
