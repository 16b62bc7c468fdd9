// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of ipset's text (frontend/ipset_parse.c, compat/ipset_fmt.c):
 * create options, elements and their map keys, the list and save forms,
 * the state text's sets; and -m set's parsing and printing
 * (frontend/ipt_set.c, compat/ipt_fmt_set.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpfw/cgen.h"
#include "bpfw/ipset.h"
#include "bpfw/ipt.h"
#include "cu.h"

static const struct ipt_ctx ctx4 = { .prog = "iptables", .family = IR_FAMILY_IPV4 };

/* Split @line into words (a static copy) and parse it as "create"'s words after the name. */
static int create(const char *line, struct ir_set *s, struct bpfw_err *err)
{
	static char buf[256];
	char *words[32];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && n < 32; t = strtok(NULL, " "))
		words[n++] = t;
	memset(s, 0, sizeof(*s));
	bpfw_err_clear(err);
	return ipset_parse_create(words, n, false, s, err);
}

static int elem(const struct ir_set *s, const char *line, struct ipset_elem *e,
		struct bpfw_err *err)
{
	static char buf[256];
	char *words[8];
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok(buf, " "); t && n < 8; t = strtok(NULL, " "))
		words[n++] = t;
	bpfw_err_clear(err);
	return ipset_parse_elem(s, words, n, true, e, err);
}

/* The text @fn writes to a FILE, in a static buffer. */
#define CAPTURE(buf, call)                                          \
	do {                                                        \
		FILE *f_ = fmemopen((buf), sizeof(buf), "w");       \
		CU_ASSERT_PTR_NOT_NULL_FATAL(f_);                   \
		call;                                               \
		fclose(f_);                                         \
	} while (0)

static void test_create(void)
{
	struct bpfw_err err = { 0 };
	struct ir_set s;

	CU_ASSERT_EQUAL(create("hash:ip", &s, &err), 0);
	CU_ASSERT_EQUAL(s.type, IR_SET_HASH_IP);
	CU_ASSERT_EQUAL(s.family, IR_FAMILY_IPV4);
	CU_ASSERT_EQUAL(s.hashsize, 1024);
	CU_ASSERT_EQUAL(s.maxelem, 65536);
	CU_ASSERT_FALSE(s.with_timeout);
	CU_ASSERT_EQUAL(create("hash:net family inet6 hashsize 100 maxelem 7 timeout 0", &s, &err),
			0);
	CU_ASSERT_EQUAL(s.type, IR_SET_HASH_NET);
	CU_ASSERT_EQUAL(s.family, IR_FAMILY_IPV6);
	CU_ASSERT_EQUAL(s.hashsize, 128);	/* a power of two, as the kernel's table */
	CU_ASSERT_EQUAL(s.maxelem, 7);
	CU_ASSERT_TRUE(s.with_timeout);
	CU_ASSERT_EQUAL(create("hash:ip,port hashsize 0 bucketsize 12 initval 0x1234", &s, &err),
			0);
	CU_ASSERT_EQUAL(s.hashsize, 64);
	CU_ASSERT_EQUAL(s.initval, 0x1234);

	CU_ASSERT_NOT_EQUAL(create("hash:foo", &s, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: typename 'hash:foo' is unknown");
	CU_ASSERT_EQUAL(err.exit_code, 1);
	CU_ASSERT_NOT_EQUAL(create("hash:ip family inet7", &s, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: unknown inet family inet7");
	CU_ASSERT_NOT_EQUAL(create("hash:ip timeout 2147484", &s, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: '2147484' is out of range 0-2147483");
	CU_ASSERT_NOT_EQUAL(create("hash:ip timeout x", &s, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: 'x' is invalid as number");
	CU_ASSERT_NOT_EQUAL(create("hash:ip bogus 1", &s, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Unknown argument: `bogus'");
	CU_ASSERT_EQUAL(err.exit_code, 2);
	CU_ASSERT_NOT_EQUAL(create("hash:ip counters", &s, &err), 0);
	CU_ASSERT_EQUAL(err.exit_code, 1);
	bpfw_err_clear(&err);
	CU_ASSERT_NOT_EQUAL(ipset_check_name("0123456789012345678901234567890123", &err), 0);
	CU_ASSERT_EQUAL(ipset_check_name("0123456789012345678901234567890", NULL), 0);
}

static void test_same_def(void)
{
	struct bpfw_err err = { 0 };
	struct ir_set a, b;

	create("hash:ip", &a, &err);
	create("hash:ip hashsize 4096", &b, &err);
	CU_ASSERT_TRUE(ipset_same_def(&a, &b));	/* hashsize is not compared, as the kernel */
	create("hash:ip maxelem 10", &b, &err);
	CU_ASSERT_FALSE(ipset_same_def(&a, &b));
	create("hash:net", &b, &err);
	CU_ASSERT_FALSE(ipset_same_def(&a, &b));
	create("hash:ip timeout 5", &b, &err);
	CU_ASSERT_FALSE(ipset_same_def(&a, &b));
}

static void test_elems(void)
{
	struct bpfw_err err = { 0 };
	struct ir_set ip, net, port, tmo;
	struct ipset_elem e;

	create("hash:ip", &ip, &err);
	create("hash:net", &net, &err);
	create("hash:ip,port", &port, &err);
	create("hash:ip timeout 10", &tmo, &err);
	CU_ASSERT_EQUAL(elem(&ip, "10.0.0.1", &e, &err), 0);
	CU_ASSERT_EQUAL(e.cidr, 32);
	CU_ASSERT_EQUAL(elem(&ip, "10.0.0.7/30", &e, &err), 0);
	CU_ASSERT_EQUAL(e.cidr, 30);
	CU_ASSERT_EQUAL(e.addr[3], 4);	/* masked */
	CU_ASSERT_EQUAL(e.lo4, 0x0a000004);
	CU_ASSERT_EQUAL(e.hi4, 0x0a000007);
	CU_ASSERT_EQUAL(elem(&ip, "10.0.0.9-10.0.0.5", &e, &err), 0);
	CU_ASSERT_TRUE(e.range);
	CU_ASSERT_EQUAL(e.lo4, 0x0a000005);
	CU_ASSERT_EQUAL(e.hi4, 0x0a000009);
	CU_ASSERT_EQUAL(elem(&net, "10.0.0.0/24 nomatch", &e, &err), 0);
	CU_ASSERT_TRUE(e.nomatch);
	CU_ASSERT_NOT_EQUAL(elem(&ip, "10.0.0.1 nomatch", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Unknown argument: `nomatch'");
	CU_ASSERT_EQUAL(elem(&net, "10.1.2.3/16", &e, &err), 0);
	CU_ASSERT_EQUAL(e.cidr, 16);
	CU_ASSERT_EQUAL(e.addr[2], 0);
	CU_ASSERT_NOT_EQUAL(elem(&net, "10.1.2.3/0", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg,
			       "The value of the CIDR parameter of the IP address is invalid");
	CU_ASSERT_NOT_EQUAL(elem(&net, "10.1.2.3/33", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: '33' is out of range 0-32");
	CU_ASSERT_NOT_EQUAL(elem(&ip, "300.1.1.1", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: cannot parse 300.1.1.1: resolving to IPv4 "
			       "address failed");
	CU_ASSERT_NOT_EQUAL(elem(&ip, "1.2.3.4,80", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: Elem separator in 1.2.3.4,80, but settype "
			       "hash:ip supports none.");
	CU_ASSERT_EQUAL(elem(&port, "1.2.3.4,80", &e, &err), 0);
	CU_ASSERT_EQUAL(e.proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(e.port_lo, 80);
	CU_ASSERT_EQUAL(elem(&port, "1.2.3.4,udp:53-55", &e, &err), 0);
	CU_ASSERT_EQUAL(e.proto, IPPROTO_UDP);
	CU_ASSERT_EQUAL(e.port_lo, 53);
	CU_ASSERT_EQUAL(e.port_hi, 55);
	CU_ASSERT_EQUAL(elem(&port, "1.2.3.4,icmp:ping", &e, &err), 0);
	CU_ASSERT_EQUAL(e.port_lo, 8 << 8);
	CU_ASSERT_EQUAL(elem(&port, "1.2.3.4,icmp:3/1", &e, &err), 0);
	CU_ASSERT_EQUAL(e.port_lo, 3 << 8 | 1);
	CU_ASSERT_NOT_EQUAL(elem(&port, "1.2.3.4", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: Second element is missing from 1.2.3.4.");
	CU_ASSERT_NOT_EQUAL(elem(&port, "1.2.3.4,foo:1", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: cannot parse 'foo' as a protocol");
	CU_ASSERT_NOT_EQUAL(elem(&ip, "10.0.0.1 timeout 5", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg,
			       "Timeout cannot be used: set was created without timeout support");
	CU_ASSERT_EQUAL(elem(&tmo, "10.0.0.1 timeout 5", &e, &err), 0);
	CU_ASSERT_TRUE(e.timeout_given);
	CU_ASSERT_EQUAL(e.timeout, 5);
	CU_ASSERT_NOT_EQUAL(elem(&tmo, "10.0.0.1 bogus", &e, &err), 0);
	CU_ASSERT_STRING_EQUAL(err.msg, "Unknown argument: `bogus'");
}

static void test_keys_and_format(void)
{
	struct bpfw_err err = { 0 };
	struct ir_set net, port, six;
	struct ipset_elem e, back;
	struct cgen_map m;
	uint8_t key[32];
	char buf[256];

	create("hash:net", &net, &err);
	create("hash:ip,port", &port, &err);
	create("hash:net family inet6", &six, &err);
	elem(&net, "10.1.0.0/16", &e, &err);
	cgen_set_map(&net, &m);
	CU_ASSERT_EQUAL(m.type, BPF_MAP_TYPE_LPM_TRIE);
	CU_ASSERT_EQUAL(ipset_elem_key(&net, &e, key), m.key_size);
	CU_ASSERT_EQUAL(m.key_size, 8);
	ipset_elem_from_key(&net, key, &back);
	CAPTURE(buf, ipset_fmt_elem(f_, &net, &back));
	CU_ASSERT_STRING_EQUAL(buf, "10.1.0.0/16");
	elem(&net, "10.9.9.9", &e, &err);
	ipset_elem_key(&net, &e, key);
	ipset_elem_from_key(&net, key, &back);
	CAPTURE(buf, ipset_fmt_elem(f_, &net, &back));
	CU_ASSERT_STRING_EQUAL(buf, "10.9.9.9");	/* a host prints without /32 */

	elem(&port, "1.2.3.4,53", &e, &err);
	cgen_set_map(&port, &m);
	CU_ASSERT_EQUAL(ipset_elem_key(&port, &e, key), m.key_size);
	CU_ASSERT_EQUAL(key[4], IPPROTO_TCP);
	CU_ASSERT_EQUAL(key[6], 0);	/* the port in network order */
	CU_ASSERT_EQUAL(key[7], 53);
	ipset_elem_from_key(&port, key, &back);
	CAPTURE(buf, ipset_fmt_elem(f_, &port, &back));
	CU_ASSERT_STRING_EQUAL(buf, "1.2.3.4,tcp:53");
	elem(&port, "1.2.3.4,icmp:3/1", &e, &err);
	ipset_elem_key(&port, &e, key);
	ipset_elem_from_key(&port, key, &back);
	CAPTURE(buf, ipset_fmt_elem(f_, &port, &back));
	CU_ASSERT_STRING_EQUAL(buf, "1.2.3.4,icmp:host-unreachable");

	{
		struct ir_set p6;

		create("hash:ip,port family inet6", &p6, &err);
		CU_ASSERT_EQUAL(elem(&p6, "::1,icmpv6:ping", &e, &err), 0);
		CU_ASSERT_EQUAL(e.proto, IPPROTO_ICMPV6);
		CU_ASSERT_EQUAL(e.port_lo, 128 << 8);
		ipset_elem_key(&p6, &e, key);
		ipset_elem_from_key(&p6, key, &back);
		CAPTURE(buf, ipset_fmt_elem(f_, &p6, &back));
		CU_ASSERT_STRING_EQUAL(buf, "::1,ipv6-icmp:echo-request");
		CU_ASSERT_NOT_EQUAL(elem(&p6, "::1,icmp:8/0", &e, &err), 0);
		CU_ASSERT_STRING_EQUAL(err.msg, "Syntax error: Protocol ICMP can be used with "
				       "family inet only");
	}
	elem(&six, "2001:db8::/32", &e, &err);
	cgen_set_map(&six, &m);
	CU_ASSERT_EQUAL(ipset_elem_key(&six, &e, key), m.key_size);
	CU_ASSERT_EQUAL(m.key_size, 20);
	ipset_elem_from_key(&six, key, &back);
	CAPTURE(buf, ipset_fmt_elem(f_, &six, &back));
	CU_ASSERT_STRING_EQUAL(buf, "2001:db8::/32");
}

static void test_header_and_state(void)
{
	struct bpfw_err err = { 0 };
	struct ir_ruleset *rs = ir_ruleset_new(), *back = ir_ruleset_new();
	struct ir_set s;
	char buf[1024];

	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	create("hash:ip timeout 100", &s, &err);
	snprintf(s.name, sizeof(s.name), "foo");
	s.initval = 0xae3f89b8;
	s.id = 4;
	CAPTURE(buf, ipset_fmt_header(f_, &s, 3, 2));
	CU_ASSERT_STRING_EQUAL(buf, "Name: foo\nType: hash:ip\nRevision: 6\nHeader: family inet "
			       "hashsize 1024 maxelem 65536 timeout 100 bucketsize 12 initval "
			       "0xae3f89b8\nSize in memory: 408\nReferences: 2\n"
			       "Number of entries: 3\n");
	CU_ASSERT_EQUAL(ir_set_add(rs, &s), 0);
	rs->set_seq = 9;
	CAPTURE(buf, ipset_state_write(f_, rs));
	CU_ASSERT_STRING_EQUAL(buf, "%ipset\nseq 9\ncreate foo hash:ip family inet hashsize 1024 "
			       "maxelem 65536 timeout 100 bucketsize 12 initval 0xae3f89b8 id 4\n");
	CU_ASSERT_EQUAL(ipset_state_parse(buf + strlen(IPSET_STATE_TAG),
					  strlen(buf) - strlen(IPSET_STATE_TAG), back, &err), 0);
	CU_ASSERT_EQUAL_FATAL(back->n_sets, 1);
	CU_ASSERT_EQUAL(back->set_seq, 9);
	CU_ASSERT_EQUAL(memcmp(&back->sets[0], &rs->sets[0], sizeof(s)), 0);
	CU_ASSERT_NOT_EQUAL(ipset_state_parse("create x", 8, back, &err), 0);
	ir_ruleset_free(rs);
	ir_ruleset_free(back);
}

/* iptables -A INPUT ARGS applied to @rs; 0 or the error's exit status. */
static int ipt(struct ir_ruleset *rs, const char *args, struct bpfw_err *err)
{
	char buf[512], *argv[32];
	struct ipt_cmd cmd = { 0 };
	int argc = 0, ret;

	snprintf(buf, sizeof(buf), "%s", args);
	argv[argc++] = "iptables";
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	bpfw_err_clear(err);
	ret = ipt_parse_argv(&ctx4, argc, argv, &cmd, err);
	if (!ret)
		ret = ipt_cmd_apply(&ctx4, rs, &cmd, err);
	ipt_cmd_release(&cmd);
	return ret ? err->exit_code : 0;
}

static void test_match_set(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	struct ir_set s = { .name = "foo", .type = IR_SET_HASH_IP_PORT };
	const struct ir_match_set *ms;
	struct ir_table *t;
	char buf[1024];

	CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set --match-set foo src -j DROP", &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Set foo doesn't exist."));
	CU_ASSERT_EQUAL(ir_set_add(rs, &s), 0);
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set ! --match-set foo src,dst -j DROP", &err), 0);
	t = rs->tables[IR_FAMILY_IPV4][IR_TABLE_FILTER];
	ms = &ir_chain_find(t, "INPUT")->rules[0]->matches[0].set;
	CU_ASSERT_STRING_EQUAL(ms->name, "foo");
	CU_ASSERT_EQUAL(ms->dim, 2);
	CU_ASSERT_EQUAL(ms->src, 1);
	CU_ASSERT_TRUE(ms->invert);
	CU_ASSERT_EQUAL(ir_set_refcount(rs, "foo"), 1);
	CAPTURE(buf, ipt_save(&ctx4, f_, rs, NULL, 0, false));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "-A INPUT -m set ! --match-set foo src,dst -j DROP\n"));
	CAPTURE(buf, ipt_list_table(&ctx4, f_, t, "INPUT", 0, IPT_F_NUMERIC, &err));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "0.0.0.0/0            ! match-set foo src,dst\n"));

	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set --match-set foo", &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "--match-set requires two args."));
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set --match-set foo bogus", &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "You must spefify (the comma separated list of) "
				      "'src' or 'dst'."));
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set --match-set foo src,src,src,src,src,src,src",
			    &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Can't be more src/dst options than 6."));
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set --match-set foo src --match-set foo dst", &err),
			2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "--match-set can be specified only once"));
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set", &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "You must specify `--match-set' with proper "
				      "arguments"));
	CU_ASSERT_EQUAL(ipt(rs, "-A INPUT -m set --match-set foo src --return-nomatch", &err), 2);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "create: types, options, ipset's messages", test_create },
	{ "create -exist: what makes the same set", test_same_def },
	{ "elements: addresses, prefixes, ports, ICMP, timeouts, messages", test_elems },
	{ "map keys and the list form of elements", test_keys_and_format },
	{ "list's header, and the sets in the state text", test_header_and_state },
	{ "-m set: parsing, messages, save and -L text", test_match_set },
	{ NULL, NULL },
};

int main(void)
{
	return cu_run("ipset", tests);
}
