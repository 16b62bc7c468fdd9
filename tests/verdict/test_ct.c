// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of connection tracking: packets go out through the egress
 * program and come back through the ingress one, and the states the rules
 * see (NEW, ESTABLISHED, RELATED, INVALID) follow from what was accepted
 * before.  This host is 10.0.0.1.
 */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

#define ME	"10.0.0.1"
#define PEER	"10.0.0.2"

/* A host that opens connections out and lets in only what belongs to them, and SSH. */
#define CLIENT_RULES	"-P INPUT DROP;" \
			"-A INPUT -m conntrack --ctstate INVALID -j DROP;" \
			"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT;" \
			"-A INPUT -p tcp --dport 22 -m state --state NEW -j ACCEPT"

static struct pkt_spec tcp(const char *src, const char *dst, int sport, int dport, int flags)
{
	return (struct pkt_spec){ .src = src, .dst = dst, .proto = IPPROTO_TCP,
				  .sport = (uint16_t)sport, .dport = (uint16_t)dport,
				  .tcpflags = (uint8_t)flags };
}

static int in(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_INGRESS, &s);
}

static int out(struct fw *fw, struct pkt_spec s)
{
	return fw_run(fw, CGEN_PROG_TC_EGRESS, &s);
}

/* A TCP connection out: the answers get in, the same ports from elsewhere do not. */
static void test_tcp_out(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, CLIENT_RULES), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40000, TH_SYN | TH_ACK)), DROP);	/* INVALID */
	CU_ASSERT_EQUAL(out(&fw, tcp(ME, PEER, 40000, 80, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40000, TH_SYN | TH_ACK)), PASS);
	CU_ASSERT_EQUAL(out(&fw, tcp(ME, PEER, 40000, 80, TH_ACK)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40000, TH_ACK)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp("10.0.0.3", ME, 80, 40000, TH_ACK)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 81, 40000, TH_ACK)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40001, TH_ACK)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40000, TH_RST)), PASS);	/* it is known */
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 5, 6, TH_RST)), DROP);		/* INVALID */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 1).packets, 2);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 3);
	fw_free(&fw);
}

/* A connection in: NEW until this host answers, ESTABLISHED after; no entry for drops. */
static void test_tcp_in(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, CLIENT_RULES), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 41000, 23, TH_SYN)), DROP);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 41000, 23, TH_ACK)), DROP);	/* still nothing */
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 41000, 22, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 1);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 41000, 22, TH_ACK)), PASS);	/* NEW again */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 2);
	CU_ASSERT_EQUAL(out(&fw, tcp(ME, PEER, 22, 41000, TH_SYN | TH_ACK)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 41000, 22, TH_ACK)), PASS);	/* ESTABLISHED */
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 3).packets, 2);
	CU_ASSERT_EQUAL(fw_counter(&fw, "INPUT", 2).packets, 1);
	fw_free(&fw);
}

/* UDP and ping answers; an ICMP error about a connection is RELATED. */
static void test_udp_icmp(void)
{
	struct pkt_spec q = { .src = ME, .dst = PEER, .proto = IPPROTO_UDP, .sport = 5353,
			      .dport = 53 };
	struct pkt_spec a = { .src = PEER, .dst = ME, .proto = IPPROTO_UDP, .sport = 53,
			      .dport = 5353 };
	struct pkt_spec echo = { .src = ME, .dst = PEER, .proto = IPPROTO_ICMP, .icmp_type = 8,
				 .icmp_id = 77 };
	struct pkt_spec reply = { .src = PEER, .dst = ME, .proto = IPPROTO_ICMP, .icmp_type = 0,
				  .icmp_id = 77 };
	struct pkt_spec unreach = { .src = "10.9.9.9", .dst = ME, .proto = IPPROTO_ICMP,
				    .icmp_type = 3, .icmp_code = 3, .inner = &q };
	struct pkt_spec other = { .src = ME, .dst = PEER, .proto = IPPROTO_UDP, .sport = 5354,
				  .dport = 53 };
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, CLIENT_RULES), 0);
	CU_ASSERT_EQUAL(in(&fw, a), DROP);
	CU_ASSERT_EQUAL(in(&fw, unreach), DROP);	/* about nothing known: INVALID */
	CU_ASSERT_EQUAL(out(&fw, q), PASS);
	CU_ASSERT_EQUAL(in(&fw, a), PASS);
	CU_ASSERT_EQUAL(in(&fw, unreach), PASS);
	unreach.inner = &other;
	CU_ASSERT_EQUAL(in(&fw, unreach), DROP);
	CU_ASSERT_EQUAL(in(&fw, reply), DROP);
	CU_ASSERT_EQUAL(out(&fw, echo), PASS);
	CU_ASSERT_EQUAL(in(&fw, reply), PASS);
	reply.icmp_id = 78;
	CU_ASSERT_EQUAL(in(&fw, reply), DROP);
	fw_free(&fw);
}

/* An entry past its expiry time is gone; a dropped packet adds none. */
static void test_expiry(void)
{
	struct cgen_ct_key key = { 0 };
	struct cgen_ct_val val;
	int mi, fd;
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, CLIENT_RULES ";-P OUTPUT DROP;"
					   "-A OUTPUT -p tcp --dport 80 -j ACCEPT"), 0);
	mi = cgen_output_find_map(&fw.out, CGEN_MAP_CT);
	CU_ASSERT_FATAL(mi >= 0);
	fd = fw.objs.map_fds[mi];
	CU_ASSERT_EQUAL(out(&fw, tcp(ME, PEER, 40000, 81, TH_SYN)), DROP);
	CU_ASSERT_NOT_EQUAL(bpf_map_get_next_key(fd, NULL, &key), 0);	/* empty */
	CU_ASSERT_EQUAL(out(&fw, tcp(ME, PEER, 40000, 80, TH_SYN)), PASS);
	CU_ASSERT_EQUAL_FATAL(bpf_map_get_next_key(fd, NULL, &key), 0);
	CU_ASSERT_EQUAL(key.sport, 40000);
	CU_ASSERT_EQUAL(key.dport, 80);
	CU_ASSERT_EQUAL(key.proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL_FATAL(bpf_map_lookup_elem(fd, &key, &val), 0);
	CU_ASSERT_EQUAL(val.flags, 0);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40000, TH_SYN | TH_ACK)), PASS);
	CU_ASSERT_EQUAL_FATAL(bpf_map_lookup_elem(fd, &key, &val), 0);
	CU_ASSERT_EQUAL(val.flags, CGEN_CT_SEEN_REPLY);
	val.expires = 1;
	CU_ASSERT_EQUAL(bpf_map_update_elem(fd, &key, &val, BPF_EXIST), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 80, 40000, TH_ACK)), DROP);
	fw_free(&fw);
}

/* "!" and a state rule that never matches without tracking: the -m state spelling too. */
static void test_inverted(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -m conntrack ! --ctstate NEW -j DROP;"
					   "-A INPUT -m state --state NEW -p udp -j DROP"), 0);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 1, 2, TH_SYN)), PASS);
	CU_ASSERT_EQUAL(in(&fw, tcp(PEER, ME, 3, 4, TH_RST)), DROP);		/* INVALID */
	CU_ASSERT_EQUAL(in(&fw, UDP(PEER, 53)), DROP);
	fw_free(&fw);
}

static const struct cu_test tests[] = {
	{ "TCP out: answers in, nothing else", test_tcp_out },
	{ "TCP in: NEW until answered", test_tcp_in },
	{ "UDP, ping, ICMP errors RELATED", test_udp_icmp },
	{ "expiry; drops add nothing", test_expiry },
	{ "inverted states, -m state", test_inverted },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("conntrack", tests);
}
