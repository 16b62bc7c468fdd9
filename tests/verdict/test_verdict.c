// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests: rule sets typed as iptables commands are compiled and
 * loaded, then crafted packets run through the programs with
 * BPF_PROG_TEST_RUN; the tests assert the TC action and the per-rule
 * counters.  Everything happens in a private network namespace.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/if_ether.h>

#include <bpf/libbpf.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

static int in(struct fw *fw, const struct pkt_spec *s)
{
	return fw_run(fw, CGEN_PROG_TC_INGRESS, s);
}

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
	CU_ASSERT_EQUAL(fw_counter(&fw, "A", 4).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 4);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 3);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).bytes, 3 * 28);	/* IP bytes */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);	/* no target: counts */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 0).packets, 2);	/* the policy */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 0).bytes, 28 + 40);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 0);
	fw_free(&fw);
}

static void test_egress_output(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A OUTPUT -p udp --dport 53 -o lo -j DROP;"
					   "-A INPUT -j DROP"), 0);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_TC_EGRESS, &UDP("127.0.0.1", 53)), DROP);
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_TC_EGRESS, &UDP("127.0.0.1", 54)), PASS);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2000).packets, 1);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 201).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 100).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 698).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 400).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 0).packets, 2);
	fw_free(&fw);

	/* a user chain of 300 rules with RETURN at 100, between two INPUT rules */
	len = snprintf(cmds, cap, "-N long;-A INPUT -p udp -j long;");
	len = unfoldable(cmds, cap, len, "long", 300, 100);
	snprintf(cmds + len, cap - len, "-A INPUT -s 10.9.9.9 -j DROP");
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, cmds), 0);
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2298)), PASS);		/* long 298 */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.9.9.9", 2298)), DROP);		/* RETURN, INPUT 2 */
	CU_ASSERT_EQUAL(in(&fw, &UDP("10.1.1.1", 2301)), PASS);		/* the policy */
	CU_ASSERT_EQUAL(fw_counter(&fw, "long", 298).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "long", 100).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 3);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
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
 * In chain @chain (INPUT, or a user chain INPUT jumps to; with @xdp, raw
 * PREROUTING or a user chain of raw), with @n_never rules that never match
 * (an interface no packet has) in the middle.
 */
static void check_classified(bool xdp, const char *chain, int n_rules, int n_never,
			     int n_packets, uint32_t seed)
{
	size_t cap = (size_t)(n_rules + n_never) * 140 + 128, len = 0;
	char *cmds = malloc(cap), *at;
	struct ref_rule *rules = calloc(n_rules + n_never, sizeof(*rules));
	unsigned int *hits = calloc(n_rules + n_never + 1, sizeof(*hits));
	int bad_verdicts = 0, bad_counters = 0, n_all = n_rules + n_never;
	const char *hook = xdp ? "PREROUTING" : "INPUT", *table = xdp ? "-t raw " : "";
	enum cgen_prog_kind kind = xdp ? CGEN_PROG_XDP : CGEN_PROG_TC_INGRESS;
	bool user = strcmp(chain, hook);
	char head[64];
	struct fw fw;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cmds);
	if (user)
		len = snprintf(cmds, cap, "%s-N %s;%s-A %s -j %s;", table, chain, table, hook, chain);
	snprintf(head, sizeof(head), "%s-A %s", table, chain);
	for (int i = 0; i < n_all; i++) {
		if (i >= n_rules / 2 && i < n_rules / 2 + n_never) {
			rules[i].slo = rules[i].dlo = -1;
			rules[i].proto = -1;	/* no packet has it: never matches */
			len += snprintf(cmds + len, cap - len,
					"%s -i nonexist -p tcp --dport %d -j DROP;", head, i);
			continue;
		}
		at = cmds + len;
		len += random_rule(&seed, &rules[i], at, cap - len);
		/* "-A INPUT" -> "[-t raw ]-A <chain>" */
		memmove(at + strlen(head), at + 8, strlen(at + 8) + 1);
		memcpy(at, head, strlen(head));
		len = strlen(cmds);
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
		bad_verdicts += fw_run(&fw, kind, &ps) != want;
	}
	for (int i = 1; i <= n_all; i++)
		bad_counters += fw_counter(&fw, chain, (unsigned int)i).packets != hits[i];
	/* the policy takes what no rule took (the jump counts every packet) */
	bad_counters += fw_counter(&fw, hook, 0).packets != hits[0];
	CU_ASSERT_EQUAL(bad_verdicts, 0);
	CU_ASSERT_EQUAL(bad_counters, 0);
	if (bad_verdicts || bad_counters)
		fprintf(stderr, "classification, %s, %d rules: %d wrong verdicts, %d wrong "
			"counters\n", chain, n_rules, bad_verdicts, bad_counters);
	fw_free(&fw);
	free(cmds);
	free(rules);
	free(hits);
}

static void test_classification(void)
{
	check_classified(false, "INPUT", 40, 0, 400, 1);	/* one run, one word */
	check_classified(false, "INPUT", 300, 0, 1500, 2);	/* five words */
	check_classified(false, "INPUT", 5000, 0, 1500, 3);	/* two runs */
	check_classified(false, "acl", 300, 0, 1500, 4);	/* in a user chain's frame */
	check_classified(false, "acl", 100, 70, 1500, 5);	/* in chunks of a user chain */
	/* the same at XDP, in raw PREROUTING */
	check_classified(true, "PREROUTING", 300, 0, 1500, 6);
	check_classified(true, "PREROUTING", 100, 70, 1500, 7);	/* and in chunks */
	check_classified(true, "ddos", 300, 0, 1500, 8);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 4).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 5).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 6).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 7).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 8).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 9).packets, 0);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 101).packets, 0);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 152).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 153).packets, 0);
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
	CU_ASSERT_EQUAL(fw_counter(&fw, "bl", 6).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 0);
	p.dst = "127.0.99.1";
	CU_ASSERT_EQUAL(in(&fw, &p), DROP);	/* returns from bl, then INPUT drops */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
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
		fw_apply(rs, line);
	}
	fw_apply(rs, "-A INPUT -j C0");
	for (int i = 0; i < 7; i++) {
		snprintf(line, sizeof(line), "-A C%d -j C%d", i, i + 1);
		fw_apply(rs, line);
	}
	cgen_opts_default(&opts);
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -E2BIG);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "deeper"));
	ir_ruleset_free(rs);
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
	return fw_main("verdict", tests);
}
