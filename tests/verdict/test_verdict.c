// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests: rule sets typed as iptables commands are compiled and
 * loaded, then crafted packets run through the programs with
 * BPF_PROG_TEST_RUN; the tests assert the TC action and the per-rule
 * counters.  Everything happens in a private network namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "bpfw/cgen.h"
#include "bpfw/ipt.h"
#include "bpfw/ld.h"
#include "cu.h"

#define PASS	TC_ACT_UNSPEC
#define DROP	TC_ACT_SHOT

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

/* A compiled and loaded rule set. */
struct fw {
	struct ir_ruleset *rs;
	struct cgen_output out;
	struct ld_objects objs;
};

/* Apply one iptables command line (without the program name) to @rs. */
static int apply(struct ir_ruleset *rs, const char *line)
{
	struct bpfw_err err = { 0 };
	struct ipt_cmd cmd = { 0 };
	char *copy = strdup(line), *argv[64], *tok, *save = NULL;
	int argc = 0, ret;

	argv[argc++] = "iptables";
	for (tok = strtok_r(copy, " ", &save); tok && argc < 63; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	ret = ipt_parse_argv(&ctx4, argc, argv, &cmd, &err);
	if (!ret)
		ret = ipt_cmd_apply(&ctx4, rs, &cmd, &err);
	if (ret)
		fprintf(stderr, "'%s': %s\n", line, err.msg);
	ipt_cmd_release(&cmd);
	bpfw_err_clear(&err);
	free(copy);
	return ret;
}

/* Give every rule and built-in policy a counter slot, in order. */
static void assign_slots(struct ir_ruleset *rs)
{
	struct ir_table *t = rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER];
	uint32_t next = 0;

	for (unsigned int i = 0; t && i < t->n_chains; i++) {
		struct ir_chain *c = t->chains[i];

		if (ir_chain_is_builtin(c))
			c->policy_slot = next++;
		for (unsigned int j = 0; j < c->n_rules; j++)
			c->rules[j]->slot = next++;
	}
}

/* Build, compile and load a rule set from commands separated by ';'. */
static int fw_load(struct fw *fw, const char *cmds)
{
	struct ld_create_opts opts = { .reuse_counters_fd = -1, .reuse_gen_fd = -1, .state = "",
				       .state_len = 0 };
	struct bpfw_err err = { 0 };
	char *copy = strdup(cmds), *line, *save = NULL;
	struct ir_table *t;
	struct cgen_opts copts;
	int ret = 0;

	memset(fw, 0, sizeof(*fw));
	fw->rs = ir_ruleset_new();
	ir_table_get(fw->rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t);
	for (line = strtok_r(copy, ";", &save); line && !ret; line = strtok_r(NULL, ";", &save)) {
		while (*line == ' ')
			line++;
		if (*line)
			ret = apply(fw->rs, line);
	}
	free(copy);
	if (ret)
		return ret;
	assign_slots(fw->rs);
	cgen_opts_default(&copts);
	ret = cgen_compile(fw->rs, &copts, &fw->out, &err);
	if (!ret)
		ret = ld_objects_create(&fw->out, &opts, &fw->objs, &err);
	if (ret) {
		fprintf(stderr, "%s\n%s\n", err.msg, err.detail ? err.detail : "");
		for (int k = 0; k < CGEN_PROG_MAX; k++)
			fw->objs.prog_fds[k] = -1;
	}
	bpfw_err_clear(&err);
	return ret;
}

static void fw_free(struct fw *fw)
{
	ld_objects_close(&fw->objs);
	cgen_output_free(&fw->out);
	ir_ruleset_free(fw->rs);
}

struct pkt_spec {
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	uint8_t tcpflags;
	uint8_t icmp_type, icmp_code;
	uint16_t frag_off;	/* host order, in 8-byte units */
	size_t truncate;	/* cut the frame to this length, if not 0 */
};

/* An Ethernet + IPv4 + transport frame; returns its length. */
static size_t pkt_build(const struct pkt_spec *s, uint8_t *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);
	uint8_t *l4 = (uint8_t *)(ip + 1);
	size_t l4len = 8;

	memset(buf, 0, 128);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = s->proto;
	ip->frag_off = htons(s->frag_off);
	inet_pton(AF_INET, s->src, &ip->saddr);
	inet_pton(AF_INET, s->dst ? s->dst : "127.0.0.1", &ip->daddr);
	if (s->proto == IPPROTO_TCP) {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->source = htons(s->sport);
		th->dest = htons(s->dport);
		th->doff = 5;
		l4[13] = s->tcpflags;
		l4len = sizeof(*th);
	} else if (s->proto == IPPROTO_UDP) {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->source = htons(s->sport);
		uh->dest = htons(s->dport);
		uh->len = htons(8);
	} else if (s->proto == IPPROTO_ICMP) {
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
	}
	ip->tot_len = htons(sizeof(*ip) + l4len);
	if (s->truncate)
		return s->truncate;
	return sizeof(*eth) + sizeof(*ip) + l4len;
}

/* Run one packet through program @kind; returns the TC action. */
static int run(struct fw *fw, enum cgen_prog_kind kind, const struct pkt_spec *s)
{
	/* two bytes in, so that the IPv4 header after Ethernet is 4-byte aligned */
	uint32_t store[33];
	uint8_t *buf = (uint8_t *)store + 2;
	size_t len = pkt_build(s, buf);
	struct __sk_buff skb = { .ifindex = 1 };	/* lo */
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);
	int ret;

	if (len < ETH_HLEN + sizeof(struct iphdr))
		opts.data_size_in = len < ETH_HLEN ? ETH_HLEN : len;
	ret = bpf_prog_test_run_opts(fw->objs.prog_fds[kind], &opts);
	CU_ASSERT_EQUAL(ret, 0);
	if (ret)
		fprintf(stderr, "test run: %s\n", strerror(errno));
	return (int)opts.retval;
}

static int in(struct fw *fw, const struct pkt_spec *s)
{
	return run(fw, CGEN_PROG_TC_INGRESS, s);
}

static struct ir_counter counter_of(struct fw *fw, const char *chain, unsigned int n)
{
	struct ir_table *t = fw->rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER];
	struct ir_chain *c = ir_chain_find(t, chain);
	struct ir_counter cnt = { 0 };
	uint32_t slot = n ? c->rules[n - 1]->slot : c->policy_slot;

	CU_ASSERT_EQUAL(ld_counter_read(fw->objs.counters_fd, slot, &cnt), 0);
	return cnt;
}

#define TCP(s, dp)	((struct pkt_spec){ .src = (s), .proto = IPPROTO_TCP, .sport = 40000, \
					    .dport = (dp), .tcpflags = 0x02 })
#define UDP(s, dp)	((struct pkt_spec){ .src = (s), .proto = IPPROTO_UDP, .sport = 40000, \
					    .dport = (dp) })

static void test_addresses(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -s 10.0.0.0/8 -j DROP;"
					   "-A INPUT ! -s 192.168.0.0/255.255.0.0 -d 127.0.0.2 -j DROP"),
			      0);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.2.3", 9)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("11.1.2.3", 9)), PASS);
	struct pkt_spec p = UDP("11.1.2.3", 9);

	p.dst = "127.0.0.2";
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	p.src = "192.168.7.7";
	CU_ASSERT_EQUAL(in(&fw, &p), PASS);
	fw_free(&fw);
}

static void test_ports_and_protocols(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p tcp --dport 22 -j DROP;"
					   "-A INPUT -p udp --dport 1000:2000 -j DROP;"
					   "-A INPUT -p udp ! --sport 40000 -j DROP;"
					   "-A INPUT ! -p tcp -s 10.9.9.9 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, &TCP("1.1.1.1", 22)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("1.1.1.1", 23)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 22)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 999)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 1000)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 2000)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 2001)), PASS);
	struct pkt_spec p = UDP("1.1.1.1", 9);

	p.sport = 40001;
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.9.9.9", 9)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.9.9.9", 9)), PASS);
	fw_free(&fw);
}

static void test_tcp_flags_and_icmp(void)
{
	struct fw fw;
	struct pkt_spec p = TCP("1.1.1.1", 80);
	struct pkt_spec icmp = { .src = "1.1.1.1", .proto = IPPROTO_ICMP, .icmp_type = 8 };

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p tcp --syn -j DROP;"
					   "-A INPUT -p icmp --icmp-type echo-request -j DROP;"
					   "-A INPUT -p icmp --icmp-type 3/1 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	p.tcpflags = 0x12;	/* SYN+ACK */
	CU_ASSERT_EQUAL(in(&fw, &p), PASS);
	CU_ASSERT_EQUAL(in(&fw, &icmp), DROP);
	icmp.icmp_type = 0;
	CU_ASSERT_EQUAL(in(&fw, &icmp), PASS);
	icmp.icmp_type = 3;
	icmp.icmp_code = 1;
	CU_ASSERT_EQUAL(in(&fw, &icmp), DROP);
	icmp.icmp_code = 3;
	CU_ASSERT_EQUAL(in(&fw, &icmp), PASS);
	fw_free(&fw);
}

static void test_user_chains(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-N A; -N B; -N C;"
					   "-A A -s 10.0.0.1 -j RETURN;"
					   "-A A -s 10.0.0.2 -g C;"
					   "-A A -j B;"
					   "-A A -j DROP;"
					   "-A B -s 10.0.0.3 -j ACCEPT;"
					   "-A C -s 10.0.0.2 -j RETURN;"
					   "-A INPUT -p udp -j A;"
					   "-A INPUT -s 10.0.0.2 -j DROP;"
					   "-P INPUT ACCEPT"), 0);
	/* RETURN from A: on in INPUT, policy ACCEPT */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.0.0.1", 9)), PASS);
	/* goto C, RETURN from C returns from A too; then INPUT's DROP */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.0.0.2", 9)), DROP);
	/* B accepts: the whole verdict */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.0.0.3", 9)), PASS);
	/* B returns, A drops */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.0.0.4", 9)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.0.0.4", 9)), PASS);
	CU_ASSERT_EQUAL(counter_of(&fw, "A", 4).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 1).packets, 4);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 1);
	fw_free(&fw);
}

static void test_counters_and_policy(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-P INPUT DROP; -A INPUT -p udp --dport 53 -j ACCEPT;"
					   "-A INPUT -s 10.0.0.0/8"), 0);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 53)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 54)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("1.1.1.1", 54)), DROP);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 1).packets, 3);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 1).bytes, 3 * 28);	/* IP bytes */
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 1);	/* no target: counts */
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 0).packets, 2);	/* the policy */
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 0).bytes, 28 + 40);
	fw_free(&fw);
}

static void test_fragments_and_truncation(void)
{
	struct fw fw;
	struct pkt_spec p = UDP("1.1.1.1", 22);

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -p udp --dport 22 -j DROP;"
					   "-A INPUT -p udp ! --dport 22 -j DROP;"
					   "-A INPUT -f -s 2.2.2.2 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	p.frag_off = 100;	/* a later fragment: no ports to match, either way */
	CU_ASSERT_EQUAL(in(&fw, &p), PASS);
	p.src = "2.2.2.2";
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	/* (the test run itself refuses a frame with half an IP header) */
	p = UDP("1.1.1.1", 22);
	p.truncate = ETH_HLEN + 20 + 2;	/* no room for the ports */
	CU_ASSERT_EQUAL(in(&fw, &p), PASS);
	fw_free(&fw);
}

static void test_interfaces(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -i eth+ -j DROP;"
					   "-A INPUT -i lo -p tcp -j DROP;"
					   "-A INPUT ! -i l+ -p udp -j DROP;"
					   "-A INPUT -i lo0 -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, &TCP("1.1.1.1", 1)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 1)), PASS);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 1).packets, 0);
	fw_free(&fw);
}

static void test_egress_output(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A OUTPUT -p udp --dport 53 -o lo -j DROP;"
					   "-A INPUT -j DROP"), 0);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_TC_EGRESS, &UDP("127.0.0.1", 53)), DROP);
	CU_ASSERT_EQUAL(run(&fw, CGEN_PROG_TC_EGRESS, &UDP("127.0.0.1", 54)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &UDP("127.0.0.1", 54)), DROP);
	fw_free(&fw);
}

static void test_many_rules(void)
{
	size_t cap = 2100 * 48, len = 0;
	char *cmds = malloc(cap);
	struct fw fw;

	for (int i = 0; i < 2000; i++)
		len += snprintf(cmds + len, cap - len, "-A INPUT -s 10.%d.%d.1 -j DROP;",
				i / 256, i % 256);
	snprintf(cmds + len, cap - len, "-A INPUT -p udp --dport 7 -j DROP");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.7.207.1", 9)), DROP);	/* rule 2000 */
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 7)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("1.1.1.1", 8)), PASS);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2000).packets, 1);
	fw_free(&fw);
	free(cmds);
}

/*
 * Append @n rules to @chain that do not fold (their shapes alternate): odd
 * i drops TCP from 10.i/256.i%256.0/24 to port 1000 + i, even i accepts UDP
 * to port 2000 + i; rule @ret_at (1-based, 0 for none) is a RETURN from
 * 10.9.9.9 instead.
 */
static size_t unfoldable(char *cmds, size_t cap, size_t len, const char *chain, int n,
			 int ret_at)
{
	for (int i = 1; i <= n; i++) {
		if (i == ret_at)
			len += snprintf(cmds + len, cap - len, "-A %s -s 10.9.9.9 -j RETURN;",
					chain);
		else if (i % 2)
			len += snprintf(cmds + len, cap - len,
					"-A %s -p tcp -s 10.%d.%d.0/24 --dport %d -j DROP;", chain,
					i / 256, i % 256, 1000 + i);
		else
			len += snprintf(cmds + len, cap - len,
					"-A %s -p udp --dport %d -j ACCEPT;", chain, 2000 + i);
	}
	return len;
}

/* Long chains that do not fold are cut into chunk subprograms: same verdicts. */
static void test_chunks(void)
{
	size_t cap = 1000 * 64, len = 0;
	char *cmds = malloc(cap);
	struct fw fw;

	/* a built-in chain of 700 rules (11 chunks), RETURN at 400: the policy */
	len = snprintf(cmds, cap, "-P INPUT DROP;");
	len = unfoldable(cmds, cap, len, "INPUT", 700, 400);
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.0.201.5", 1201)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2100)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2698)), PASS);		/* the last chunk */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.9.9.9", 2698)), DROP);		/* RETURN: policy */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2401)), DROP);		/* no rule: policy */
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 201).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 100).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 698).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 400).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 0).packets, 2);
	fw_free(&fw);

	/* a user chain of 300 rules with RETURN at 100, between two INPUT rules */
	len = snprintf(cmds, cap, "-N long;-A INPUT -p udp -j long;");
	len = unfoldable(cmds, cap, len, "long", 300, 100);
	snprintf(cmds + len, cap - len, "-A INPUT -s 10.9.9.9 -j DROP");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2298)), PASS);		/* long 298 */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.9.9.9", 2298)), DROP);		/* RETURN, INPUT 2 */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2301)), PASS);		/* the policy */
	CU_ASSERT_EQUAL(counter_of(&fw, "long", 298).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "long", 100).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 1).packets, 3);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 1);
	fw_free(&fw);
	free(cmds);
}

/* A random rule for the classification test, and the same rule for the reference. */
struct ref_rule {
	uint32_t saddr, smask, daddr, dmask;	/* host order */
	bool sinv, dinv, pinv, spinv, dpinv;
	int proto;				/* 0 any */
	bool ports;				/* a tcp/udp match module */
	int slo, shi, dlo, dhi;			/* -1: no condition */
	bool drop;
};

static uint32_t rnd(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Maybe a prefix of 10.0.0.0/16 for option @opt, as text and as numbers. */
static size_t random_prefix(uint32_t *seed, uint32_t *addr, uint32_t *mask, bool *inv,
			    const char *opt, char *buf, size_t cap)
{
	int plen;

	if (!(rnd(seed) % 3))
		return 0;
	plen = 16 + rnd(seed) % 17;
	*mask = ~0u << (32 - plen);
	*addr = (0x0a000000u | (rnd(seed) & 0xffff)) & *mask;
	*inv = rnd(seed) % 8 == 0;
	return snprintf(buf, cap, "%s %s 10.0.%u.%u/%d", *inv ? " !" : "", opt,
			(*addr >> 8) & 0xff, *addr & 0xff, plen);
}

/* Addresses 10.0.X.Y, ports 1..64: small spaces, so that packets hit rules. */
static size_t random_rule(uint32_t *seed, struct ref_rule *r, char *buf, size_t cap)
{
	size_t len = snprintf(buf, cap, "-A INPUT");

	memset(r, 0, sizeof(*r));
	r->slo = r->dlo = -1;
	len += random_prefix(seed, &r->saddr, &r->smask, &r->sinv, "-s", buf + len, cap - len);
	len += random_prefix(seed, &r->daddr, &r->dmask, &r->dinv, "-d", buf + len, cap - len);
	switch (rnd(seed) % 5) {
	case 0:
		break;
	case 1:
		r->proto = IPPROTO_ICMP;
		r->pinv = rnd(seed) % 4 == 0;
		len += snprintf(buf + len, cap - len, "%s -p icmp", r->pinv ? " !" : "");
		break;
	default:
		r->proto = rnd(seed) % 2 ? IPPROTO_TCP : IPPROTO_UDP;
		r->ports = true;
		len += snprintf(buf + len, cap - len, " -p %s -m %s",
				r->proto == IPPROTO_TCP ? "tcp" : "udp",
				r->proto == IPPROTO_TCP ? "tcp" : "udp");
		if (rnd(seed) % 2) {
			r->slo = 1 + rnd(seed) % 64;
			r->shi = r->slo + rnd(seed) % 8;
			r->spinv = rnd(seed) % 6 == 0;
			len += snprintf(buf + len, cap - len, "%s --sport %d:%d",
					r->spinv ? " !" : "", r->slo, r->shi);
		}
		if (rnd(seed) % 2) {
			r->dlo = 1 + rnd(seed) % 64;
			r->dhi = r->dlo + rnd(seed) % 8;
			r->dpinv = rnd(seed) % 6 == 0;
			len += snprintf(buf + len, cap - len, "%s --dport %d:%d",
					r->dpinv ? " !" : "", r->dlo, r->dhi);
		}
	}
	r->drop = rnd(seed) % 2;
	len += snprintf(buf + len, cap - len, " -j %s;", r->drop ? "DROP" : "ACCEPT");
	return len;
}

static bool ref_match(const struct ref_rule *r, uint32_t src, uint32_t dst, int proto, int sport,
		      int dport, bool frag)
{
	if (r->smask && ((src & r->smask) == r->saddr) == r->sinv)
		return false;
	if (r->dmask && ((dst & r->dmask) == r->daddr) == r->dinv)
		return false;
	if (r->proto && (proto == r->proto) == r->pinv)
		return false;
	if (r->ports && frag)
		return false;
	if (r->slo >= 0 && (sport >= r->slo && sport <= r->shi) == r->spinv)
		return false;
	if (r->dlo >= 0 && (dport >= r->dlo && dport <= r->dhi) == r->dpinv)
		return false;
	return true;
}

/*
 * Random mixed rule sets decided by classification: every packet gets the
 * verdict of the first rule a plain walk finds, and exactly that rule counts.
 */
/*
 * In chain @chain (INPUT, or a user chain INPUT jumps to), with @n_never
 * rules that never match (an interface no packet has) in the middle.
 */
static void check_classified(const char *chain, int n_rules, int n_never, int n_packets,
			     uint32_t seed)
{
	size_t cap = (size_t)(n_rules + n_never) * 120 + 128, len = 0;
	char *cmds = malloc(cap), *at;
	struct ref_rule *rules = calloc(n_rules + n_never, sizeof(*rules));
	unsigned int *hits = calloc(n_rules + n_never + 1, sizeof(*hits));
	int bad_verdicts = 0, bad_counters = 0, n_all = n_rules + n_never;
	bool user = strcmp(chain, "INPUT");
	struct fw fw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	if (user)
		len = snprintf(cmds, cap, "-N %s;-A INPUT -j %s;", chain, chain);
	for (int i = 0; i < n_all; i++) {
		if (i >= n_rules / 2 && i < n_rules / 2 + n_never) {
			rules[i].slo = rules[i].dlo = -1;
			rules[i].proto = -1;	/* no packet has it: never matches */
			len += snprintf(cmds + len, cap - len,
					"-A %s -i nonexist -p tcp --dport %d -j DROP;", chain, i);
			continue;
		}
		at = cmds + len;
		len += random_rule(&seed, &rules[i], at, cap - len);
		if (user) {	/* "-A INPUT" -> "-A <chain>" */
			memmove(at + 3 + strlen(chain), at + 8, strlen(at + 8) + 1);
			memcpy(at + 3, chain, strlen(chain));
			len = strlen(cmds);
		}
	}
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	for (int p = 0; p < n_packets; p++) {
		uint32_t src = 0x0a000000u | (rnd(&seed) & 0xffff);
		uint32_t dst = 0x0a000000u | (rnd(&seed) & 0xffff);
		int pick = rnd(&seed) % 4, first = -1, want;
		int proto = pick == 0 ? IPPROTO_ICMP : pick == 1 ? IPPROTO_UDP : IPPROTO_TCP;
		int sport = 1 + rnd(&seed) % 72, dport = 1 + rnd(&seed) % 72;
		bool frag = rnd(&seed) % 16 == 0;
		char s[16], d[16];
		struct pkt_spec ps = { .src = s, .dst = d, .proto = (uint8_t)proto,
				       .sport = (uint16_t)sport, .dport = (uint16_t)dport,
				       .frag_off = frag ? 100 : 0 };

		if (proto == IPPROTO_ICMP)
			sport = dport = 0;
		snprintf(s, sizeof(s), "10.0.%u.%u", (src >> 8) & 0xff, src & 0xff);
		snprintf(d, sizeof(d), "10.0.%u.%u", (dst >> 8) & 0xff, dst & 0xff);
		for (int i = 0; i < n_all && first < 0; i++)
			if (ref_match(&rules[i], src, dst, proto, frag ? 0 : sport, frag ? 0 : dport,
				      frag || proto == IPPROTO_ICMP))
				first = i;
		want = first >= 0 && rules[first].drop ? DROP : PASS;
		hits[first >= 0 ? first + 1 : 0]++;
		bad_verdicts += in(&fw, &ps) != want;
	}
	for (int i = 1; i <= n_all; i++)
		bad_counters += counter_of(&fw, chain, (unsigned int)i).packets != hits[i];
	/* the policy takes what no rule took (the jump counts every packet) */
	bad_counters += counter_of(&fw, "INPUT", 0).packets != hits[0];
	CU_ASSERT_EQUAL(bad_verdicts, 0);
	CU_ASSERT_EQUAL(bad_counters, 0);
	if (bad_verdicts || bad_counters)
		fprintf(stderr, "classification, %d rules: %d wrong verdicts, %d wrong counters\n",
			n_rules, bad_verdicts, bad_counters);
	fw_free(&fw);
	free(cmds);
	free(rules);
	free(hits);
}

static void test_classification(void)
{
	check_classified("INPUT", 40, 0, 400, 1);	/* one run, one word */
	check_classified("INPUT", 300, 0, 1500, 2);	/* five words */
	check_classified("INPUT", 5000, 0, 1500, 3);	/* two runs */
	check_classified("acl", 300, 0, 1500, 4);	/* in a user chain's frame */
	check_classified("acl", 100, 70, 1500, 5);	/* in chunks of a user chain */
}

/* Append @n rules "-A CHAIN -s 10.X.Y.1 -j DROP" to @cmds. */
static size_t blocklist(char *cmds, size_t cap, size_t len, int n)
{
	for (int i = 0; i < n; i++)
		len += snprintf(cmds + len, cap - len, "-A INPUT -s 10.%d.%d.1 -j DROP;",
				i / 256, i % 256);
	return len;
}

static void test_fold_overlapping_prefixes(void)
{
	char cmds[4096];
	size_t len = 0;
	struct fw fw;

	/* one LPM run: first match must win over longest match */
	len += snprintf(cmds + len, sizeof(cmds) - len,
			"-A INPUT -s 10.1.0.0/16 -j DROP;"	/* 1 */
			"-A INPUT -s 10.1.2.0/24 -j ACCEPT;"	/* 2: shadowed by 1 */
			"-A INPUT -s 10.2.3.0/24 -j ACCEPT;"	/* 3 */
			"-A INPUT -s 10.2.0.0/16 -j DROP;"	/* 4 */
			"-A INPUT -s 10.2.3.4/32 -j DROP;"	/* 5: shadowed by 3 */
			"-A INPUT -s 10.3.0.0/16 -j ACCEPT;"	/* 6 */
			"-A INPUT -s 10.3.0.0/16 -j DROP;"	/* 7: duplicate of 6 */
			"-A INPUT -s 10.0.0.0/8 -j DROP;"	/* 8 */
			"-A INPUT -s 10.4.0.0/16 -j ACCEPT;"	/* 9: shadowed by 8 */
			"-A INPUT -p udp -j ACCEPT");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	CU_ASSERT(cgen_output_find_map(&fw.out, CGEN_MAP_LOOKUP) >= 0);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.1.2.3", 1)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.2.3.4", 1)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.2.4.4", 1)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.3.9.9", 1)), PASS);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.4.0.1", 1)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &TCP("11.0.0.1", 1)), PASS);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 0);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 3).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 4).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 5).packets, 0);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 6).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 7).packets, 0);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 8).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 9).packets, 0);
	fw_free(&fw);
}

static void test_fold_exact_runs(void)
{
	size_t cap = 64 * 1024, len = 0;
	char *cmds = malloc(cap);
	struct fw fw;
	struct pkt_spec frag = UDP("1.1.1.1", 10001);

	/* a run of udp port pairs, a rule between runs, then a blocklist run */
	len += snprintf(cmds + len, cap - len, "-A INPUT -p udp --sport 1024 --dport 10000 -j ACCEPT;");
	for (int i = 1; i < 100; i++)
		len += snprintf(cmds + len, cap - len,
				"-A INPUT -p udp --sport 1024 --dport %d -j DROP;", 10000 + i);
	len += snprintf(cmds + len, cap - len,
			"-A INPUT -p udp --sport 1024 --dport 10001 -j ACCEPT;"); /* duplicate */
	len += snprintf(cmds + len, cap - len, "-A INPUT -p tcp --dport 22 -j ACCEPT;");
	len = blocklist(cmds, cap, len, 50);
	snprintf(cmds + len, cap - len, "-A INPUT -s 10.0.49.1");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	struct pkt_spec p = UDP("1.1.1.1", 10001);

	p.sport = 1024;
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 101).packets, 0);
	p.dport = 10000;
	CU_ASSERT_EQUAL(in(&fw, &p), PASS);
	p.sport = 1025;
	CU_ASSERT_EQUAL(in(&fw, &p), PASS);	/* no rule: policy */
	frag.sport = 1024;
	frag.frag_off = 10;			/* later fragment: no ports */
	CU_ASSERT_EQUAL(in(&fw, &frag), PASS);
	CU_ASSERT_EQUAL(in(&fw, &TCP("10.0.7.1", 22)), PASS);	/* the rule between runs */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.0.7.1", 9)), DROP);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.0.49.1", 9)), DROP);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 152).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 153).packets, 0);
	fw_free(&fw);
	free(cmds);
}

static void test_fold_in_user_chain(void)
{
	size_t cap = 16 * 1024, len = 0;
	char *cmds = malloc(cap);
	struct fw fw;

	len += snprintf(cmds + len, cap - len, "-N bl; -A INPUT -p udp -j bl;");
	for (int i = 0; i < 20; i++)
		len += snprintf(cmds + len, cap - len, "-A bl -d 127.0.%d.1 -j DROP;", i);
	snprintf(cmds + len, cap - len, "-A INPUT -j DROP");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	struct pkt_spec p = UDP("1.1.1.1", 9);

	p.dst = "127.0.5.1";
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);
	CU_ASSERT_EQUAL(counter_of(&fw, "bl", 6).packets, 1);
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 0);
	p.dst = "127.0.99.1";
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);	/* returns from bl, then INPUT drops */
	CU_ASSERT_EQUAL(counter_of(&fw, "INPUT", 2).packets, 1);
	fw_free(&fw);
	free(cmds);
}

static void test_depth_limit(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	struct cgen_output out = { 0 };
	struct cgen_opts opts;
	char line[64];

	for (int i = 0; i < 8; i++) {
		snprintf(line, sizeof(line), "-N C%d", i);
		apply(rs, line);
	}
	apply(rs, "-A INPUT -j C0");
	for (int i = 0; i < 7; i++) {
		snprintf(line, sizeof(line), "-A C%d -j C%d", i, i + 1);
		apply(rs, line);
	}
	assign_slots(rs);
	cgen_opts_default(&opts);
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -E2BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "deeper"));
	ir_ruleset_free(rs);
}

/* A private network namespace with lo up, so nothing here touches the host. */
static int private_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, ret;

	if (unshare(CLONE_NEWNET))
		return -errno;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -errno;
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!ret)
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return ret ? -errno : 0;
}

static const struct cu_test tests[] = {
	{ "addresses, masks, inversion", test_addresses },
	{ "protocols, ports, ranges", test_ports_and_protocols },
	{ "tcp flags and icmp types", test_tcp_flags_and_icmp },
	{ "user chains, RETURN, goto", test_user_chains },
	{ "rule and policy counters", test_counters_and_policy },
	{ "fragments and truncated packets", test_fragments_and_truncation },
	{ "interface names and wildcards", test_interfaces },
	{ "OUTPUT at egress", test_egress_output },
	{ "2000 rules", test_many_rules },
	{ "long chains that do not fold, cut into chunks", test_chunks },
	{ "mixed rules by classification: first match and counters", test_classification },
	{ "folded LPM run: first match, counters", test_fold_overlapping_prefixes },
	{ "folded exact runs: ports, blocklist", test_fold_exact_runs },
	{ "folded run in a user chain", test_fold_in_user_chain },
	{ "chain depth limit", test_depth_limit },
	{ NULL, NULL },
};

int main(void)
{
	if (private_netns()) {
		fprintf(stderr, "cannot make a private network namespace (root needed)\n");
		return 1;
	}
	libbpf_set_print(NULL);
	return cu_run("verdict", tests);
}
