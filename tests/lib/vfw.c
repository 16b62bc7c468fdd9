// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict tests' rule sets: iptables commands compiled and loaded with
 * bpfw's own compiler and loader, packets built by hand and run through
 * the programs with BPF_PROG_TEST_RUN.
 */
#include <arpa/inet.h>
#include <netinet/ip6.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "bpfw/ipt.h"
#include "cu.h"
#include "vfw.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };
static const struct ipt_ctx ctx6 = { .prog = "ip6tables", .family = IR_FAMILY_IPV6 };

int fw_apply(struct ir_ruleset *rs, const char *line)
{
	struct bpfw_err err = { 0 };
	struct ipt_cmd cmd = { 0 };
	const struct ipt_ctx *ctx = strncmp(line, "ip6 ", 4) ? &ctx4 : &ctx6;
	char *copy = strdup(ctx == &ctx6 ? line + 4 : line), *argv[64], *tok, *save = NULL;
	int argc = 0, ret;

	if (!copy)
		return -ENOMEM;
	argv[argc++] = (char *)ctx->prog;
	for (tok = strtok_r(copy, " ", &save); tok && argc < 63; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	ret = ipt_parse_argv(ctx, argc, argv, &cmd, &err);
	if (!ret)
		ret = ipt_cmd_apply(ctx, rs, &cmd, &err);
	if (ret)
		fprintf(stderr, "'%s': %s\n", line, err.msg);
	ipt_cmd_release(&cmd);
	bpfw_err_clear(&err);
	free(copy);
	return ret;
}

/* Give every rule and built-in policy of every table a counter slot, in order, nftables' last. */
static void assign_slots(struct ir_ruleset *rs, uint32_t next)
{
	for (unsigned int id = 0; id < IR_TABLE_MAX * IR_FAMILY_MAX + rs->n_nft; id++) {
		struct ir_table *t = id < IR_TABLE_MAX * IR_FAMILY_MAX ?
				     rs->tables[id / IR_TABLE_MAX][id % IR_TABLE_MAX] :
				     rs->nft[id - IR_TABLE_MAX * IR_FAMILY_MAX];

		for (unsigned int i = 0; t && i < t->n_chains; i++) {
			struct ir_chain *c = t->chains[i];

			if (ir_chain_is_builtin(c))
				c->policy_slot = next++;
			for (unsigned int j = 0; j < c->n_rules; j++)
				c->rules[j]->slot = next++;
		}
	}
}

int fw_load_opts(struct fw *fw, const char *cmds, const struct fw_opts *o)
{
	struct ld_create_opts opts = { .reuse_counters_fd = -1, .reuse_gen_fd = -1, .state = "",
				       .state_len = 0, .generation = o->generation };
	struct bpfw_err err = { 0 };
	char *copy = strdup(cmds), *line, *save = NULL;
	struct ir_table *t;
	struct cgen_opts copts;
	int ret = 0;

	memset(fw, 0, sizeof(*fw));
	fw->rs = ir_ruleset_new();
	if (!copy || !fw->rs || ir_table_get(fw->rs, IR_FAMILY_IPV4, IR_TABLE_FILTER, &t)) {
		free(copy);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < o->n_sets && !ret; i++)
		ret = ir_set_add(fw->rs, &o->sets[i]);
	for (line = strtok_r(copy, ";", &save); line && !ret; line = strtok_r(NULL, ";", &save)) {
		while (*line == ' ')
			line++;
		if (*line)
			ret = fw_apply(fw->rs, line);
	}
	free(copy);
	if (!ret && o->edit)
		ret = o->edit(fw->rs);
	if (ret)
		return ret;
	assign_slots(fw->rs, o->first_slot);
	cgen_opts_default(&copts);
	copts.generation = o->generation;
	copts.xdp_prev = o->xdp_prev;
	copts.xdp_prev6 = o->xdp_prev6;
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

int fw_load(struct fw *fw, const char *cmds)
{
	const struct fw_opts o = { 0 };

	return fw_load_opts(fw, cmds, &o);
}

void fw_free(struct fw *fw)
{
	ld_objects_close(&fw->objs);
	cgen_output_free(&fw->out);
	ir_ruleset_free(fw->rs);
}

static size_t ip_build(const struct pkt_spec *s, struct iphdr *ip);
static size_t ip6_build(const struct pkt_spec *s, struct ip6_hdr *ip);

/* The transport header of @s at @l4; returns its length (with a quoted packet). */
static size_t l4_build(const struct pkt_spec *s, uint8_t *l4)
{
	size_t l4len = 8;

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
	} else if (s->proto == IPPROTO_SCTP || s->proto == IPPROTO_DCCP ||
		   s->proto == IPPROTO_UDPLITE) {
		l4[0] = s->sport >> 8;
		l4[1] = s->sport & 0xff;
		l4[2] = s->dport >> 8;
		l4[3] = s->dport & 0xff;
	} else if (s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) {
		l4[0] = s->icmp_type;
		l4[1] = s->icmp_code;
		l4[4] = s->icmp_id >> 8;
		l4[5] = s->icmp_id & 0xff;
		if (s->inner && s->inner->v6) {
			ip6_build(s->inner, (struct ip6_hdr *)(l4 + 8));
			l4len = 8 + sizeof(struct ip6_hdr) + 8;
		} else if (s->inner) {
			ip_build(s->inner, (struct iphdr *)(l4 + 8));
			l4len = 8 + sizeof(struct iphdr) + 8;
		}
	}
	return l4len;
}

/* An IPv4 header and its transport header at @ip; returns the transport header's length. */
static size_t ip_build(const struct pkt_spec *s, struct iphdr *ip)
{
	size_t l4len;

	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = s->hop_limit ? s->hop_limit : 64;
	ip->protocol = s->proto;
	ip->frag_off = htons(s->frag_off);
	inet_pton(AF_INET, s->src, &ip->saddr);
	inet_pton(AF_INET, s->dst ? s->dst : "127.0.0.1", &ip->daddr);
	l4len = l4_build(s, (uint8_t *)(ip + 1));
	ip->tot_len = htons(sizeof(*ip) + l4len);
	return l4len;
}

/* An IPv6 header, @s's extension headers and the transport header; returns their length. */
static size_t ip6_build(const struct pkt_spec *s, struct ip6_hdr *ip)
{
	uint8_t *p = (uint8_t *)(ip + 1), *next = &ip->ip6_nxt;
	size_t len = 0;

	ip->ip6_flow = htonl(6u << 28);
	ip->ip6_hlim = s->hop_limit ? s->hop_limit : 64;
	inet_pton(AF_INET6, s->src, &ip->ip6_src);
	inet_pton(AF_INET6, s->dst ? s->dst : "::1", &ip->ip6_dst);
	for (int i = 0; i < 4 && s->ext[i]; i++) {
		uint8_t type = s->ext[i] == EXT_HOPOPTS ? IPPROTO_HOPOPTS : s->ext[i];

		*next = type;
		memset(p, 0, 8);
		if (type == IPPROTO_ROUTING) {
			p[1] = 2;	/* 24 octets: type 0 with one address */
			p[2] = s->rt_type;
			p[3] = s->rt_segs;
			memset(p + 8, 0, 16);
		} else if (type == IPPROTO_FRAGMENT) {
			p[2] = (uint8_t)(s->frag_off >> 5);
			p[3] = (uint8_t)(s->frag_off << 3);
		}
		next = p;
		len += (p[1] + 1) * 8u;
		p += (p[1] + 1) * 8u;
	}
	*next = s->proto;
	len += l4_build(s, p);
	ip->ip6_plen = htons(len);
	return len;
}

/* An Ethernet + IPv4 + transport frame; returns its length. */
static size_t pkt_build(const struct pkt_spec *s, uint8_t *buf)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	size_t l4len;

	memset(buf, 0, 256);
	if (s->v6) {
		eth->h_proto = htons(s->ethertype ? s->ethertype : ETH_P_IPV6);
		l4len = ip6_build(s, (struct ip6_hdr *)(eth + 1));
		return s->truncate ? s->truncate : sizeof(*eth) + sizeof(struct ip6_hdr) + l4len;
	}
	eth->h_proto = htons(s->ethertype ? s->ethertype : ETH_P_IP);
	l4len = ip_build(s, (struct iphdr *)(eth + 1));
	if (s->truncate)
		return s->truncate;
	return sizeof(*eth) + sizeof(struct iphdr) + l4len;
}

int fw_run(struct fw *fw, enum cgen_prog_kind kind, const struct pkt_spec *s)
{
	/* two bytes in, so that the IPv4 header after Ethernet is 4-byte aligned */
	uint32_t store[66];
	uint8_t *buf = (uint8_t *)store + 2;
	size_t len = pkt_build(s, buf);
	struct __sk_buff skb = { .ifindex = 1 };	/* lo */
	struct xdp_md xdp = { .ingress_ifindex = 1 };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len,
		    .ctx_in = &skb, .ctx_size_in = sizeof(skb), .repeat = 1);
	int ret;

	if (len < ETH_HLEN + sizeof(struct iphdr))
		opts.data_size_in = len < ETH_HLEN ? ETH_HLEN : len;
	if (kind == CGEN_PROG_XDP) {
		/* the frame's end, as the kernel checks it against the data given */
		xdp.data_end = opts.data_size_in;
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	}
	ret = bpf_prog_test_run_opts(fw->objs.prog_fds[kind], &opts);
	CU_ASSERT_EQUAL(ret, 0);
	if (ret)
		fprintf(stderr, "test run: %s\n", strerror(errno));
	if (kind != CGEN_PROG_XDP)
		return (int)opts.retval;
	return opts.retval == XDP_PASS ? PASS : opts.retval == XDP_DROP ? DROP :
	       1000 + (int)opts.retval;
}

struct ir_counter fw_counter6(struct fw *fw, const char *chain, unsigned int n)
{
	struct ir_table *t = fw->rs->tables[IR_FAMILY_IPV6][IR_TABLE_FILTER];
	struct ir_chain *c = t ? ir_chain_find(t, chain) : NULL;
	struct ir_counter cnt = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(ld_counter_read(fw->objs.counters_fd,
					n ? c->rules[n - 1]->slot : c->policy_slot, &cnt), 0);
	return cnt;
}

struct ir_counter fw_counter(struct fw *fw, const char *chain, unsigned int n)
{
	struct ir_table *t = fw->rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER];
	struct ir_chain *c = ir_chain_find(t, chain);
	struct ir_counter cnt = { 0 };
	uint32_t slot;

	t = fw->rs->tables[IR_FAMILY_IPV4][IR_TABLE_RAW];
	if (!c && t)
		c = ir_chain_find(t, chain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	slot = n ? c->rules[n - 1]->slot : c->policy_slot;
	CU_ASSERT_EQUAL(ld_counter_read(fw->objs.counters_fd, slot, &cnt), 0);
	return cnt;
}

void fw_set_generation(struct fw *fw, uint32_t gen)
{
	uint32_t key = 0;

	CU_ASSERT_EQUAL(bpf_map_update_elem(fw->objs.gen_fd, &key, &gen, BPF_ANY), 0);
}

int fw_private_netns(void)
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

int fw_main(const char *suite, const struct cu_test *tests)
{
	if (fw_private_netns()) {
		fprintf(stderr, "cannot make a private network namespace (root needed)\n");
		return 1;
	}
	libbpf_set_print(NULL);
	return cu_run(suite, tests);
}
