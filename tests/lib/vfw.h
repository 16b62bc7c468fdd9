/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the verdict tests share: a rule set typed as iptables commands,
 * compiled and loaded; crafted packets run through its programs with
 * BPF_PROG_TEST_RUN; its counters read back.
 */
#ifndef BPFW_TESTS_VFW_H
#define BPFW_TESTS_VFW_H

#include <stddef.h>
#include <stdint.h>
#include <linux/pkt_cls.h>

#include "bpfw/cgen.h"
#include "bpfw/ld.h"
#include "cu.h"

/* Verdicts as run() reports them, for TC and XDP programs alike. */
#define PASS	TC_ACT_UNSPEC
#define DROP	TC_ACT_SHOT

/* A compiled and loaded rule set. */
struct fw {
	struct ir_ruleset *rs;
	struct cgen_output out;
	struct ld_objects objs;
};

/* How fw_load_opts() compiles. */
struct fw_opts {
	uint32_t generation;		/* the programs' generation */
	uint32_t first_slot;		/* counter slots are given in order from here */
	const struct ir_table *xdp_prev;	/* the running raw rules XDP hands over from */
	const struct ir_table *xdp_prev6;	/* and the running IPv6 ones */
	const struct ir_set *sets;	/* ipset's sets, defined before the rules */
	unsigned int n_sets;
	int (*edit)(struct ir_ruleset *rs);	/* changes the commands cannot make, or NULL */
};

struct pkt_spec {
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint8_t tcpflags;
	uint8_t icmp_type, icmp_code;
	uint16_t frag_off;	/* host order, in 8-byte units */
	size_t truncate;	/* cut the frame to this length, if not 0 */
	uint16_t ethertype;	/* ETH_P_IP if 0 */
	uint16_t icmp_id;	/* ICMP echo and the like */
	const struct pkt_spec *inner;	/* ICMP errors: the packet quoted (its IP header and 8 bytes) */
	bool v6;		/* an IPv6 packet: src and dst are IPv6 addresses */
	uint8_t hop_limit;	/* IPv6, or the IPv4 TTL; 64 if 0 */
	uint8_t ext[4];		/* IPv6 extension headers before the transport one, 0-ended list
				 * of IPPROTO_HOPOPTS/_ROUTING/_FRAGMENT/_DSTOPTS (hop-by-hop: 255) */
	uint8_t rt_type, rt_segs;	/* the routing header's */
};

#define EXT_HOPOPTS	255	/* pkt_spec.ext's name for a hop-by-hop header (0 ends the list) */

#define TCP(s, dp)	((struct pkt_spec){ .src = (s), .proto = IPPROTO_TCP, .sport = 40000, \
					    .dport = (dp), .tcpflags = 0x02 })
#define UDP(s, dp)	((struct pkt_spec){ .src = (s), .proto = IPPROTO_UDP, .sport = 40000, \
					    .dport = (dp) })

#define TCP6(s, dp)	((struct pkt_spec){ .v6 = true, .src = (s), .dst = "::1", \
					    .proto = IPPROTO_TCP, .sport = 40000, .dport = (dp), \
					    .tcpflags = 0x02 })

/* Apply one iptables command line (without the program name; "ip6 " first: ip6tables) to @rs. */
int fw_apply(struct ir_ruleset *rs, const char *line);

/* Build, compile and load a rule set from commands separated by ';'. */
int fw_load(struct fw *fw, const char *cmds);

/* fw_load() with a generation, a first counter slot and XDP's running raw rules. */
int fw_load_opts(struct fw *fw, const char *cmds, const struct fw_opts *opts);

/* Release a loaded rule set. */
void fw_free(struct fw *fw);

/* Run one packet through program @kind: PASS, DROP, or 1000 + an unexpected code. */
int fw_run(struct fw *fw, enum cgen_prog_kind kind, const struct pkt_spec *s);

/* Counter of rule @n (1-based) of @chain, in the filter or the raw table; 0: the policy. */
struct ir_counter fw_counter(struct fw *fw, const char *chain, unsigned int n);

/* The counter of rule @n (1-based; 0: the policy) of IPv6 filter chain @chain. */
struct ir_counter fw_counter6(struct fw *fw, const char *chain, unsigned int n);

/* Set the generation map of @fw to @gen. */
void fw_set_generation(struct fw *fw, uint32_t gen);

/* A private network namespace with lo up, so nothing here touches the host. */
int fw_private_netns(void);

/* main() of a verdict test: a private namespace, then the tests of suite @suite. */
int fw_main(const char *suite, const struct cu_test *tests);

#endif /* BPFW_TESTS_VFW_H */
