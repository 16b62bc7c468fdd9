// SPDX-License-Identifier: GPL-2.0
/*
 * Verdict tests of the XDP program (the raw table's PREROUTING): folded
 * and chained rules, frames that are not IPv4, the hand-over from the
 * running raw rules to the new ones at the generation switch, and the
 * rules XDP cannot run.  Classified runs at XDP are in test_verdict.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/if_ether.h>

#include <bpf/libbpf.h>

#include "bpfw/cgen.h"
#include "cu.h"
#include "vfw.h"

static int xdp(struct fw *fw, const struct pkt_spec *s)
{
	return fw_run(fw, CGEN_PROG_XDP, s);
}

/* A blocklist with overlapping prefixes folds into one LPM lookup: first match wins. */
static void test_blocklist(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-t raw -A PREROUTING -s 10.1.2.0/24 -j ACCEPT;"
					   "-t raw -A PREROUTING -s 10.1.0.0/16 -j DROP;"
					   "-t raw -A PREROUTING -s 10.1.2.3 -j DROP;"
					   "-t raw -A PREROUTING -s 192.0.2.7 -j DROP;"
					   "-A INPUT -s 10.1.2.3 -j DROP"), 0);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("10.1.2.3", 9)), PASS);	/* rule 1, not 3 */
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("10.1.7.7", 9)), DROP);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("192.0.2.7", 9)), DROP);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("192.0.2.8", 9)), PASS);
	/* filter rules are not XDP's: they run at TC, after it */
	CU_ASSERT_EQUAL(fw_run(&fw, CGEN_PROG_TC_INGRESS, &UDP("10.1.2.3", 9)), DROP);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 1).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 3).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 4).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 0).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 4).bytes, 28);
	fw_free(&fw);
}

/* Frames that are not IPv4, or too short to read, go on to the stack uncounted. */
static void test_not_ipv4(void)
{
	struct pkt_spec arp = UDP("10.0.0.1", 9), cut = UDP("10.0.0.1", 9);
	struct fw fw;

	arp.ethertype = ETH_P_ARP;
	cut.truncate = ETH_HLEN + 10;
	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-t raw -P PREROUTING DROP"), 0);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("10.0.0.1", 9)), DROP);
	CU_ASSERT_EQUAL(xdp(&fw, &arp), PASS);
	CU_ASSERT_EQUAL(xdp(&fw, &cut), PASS);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 0).packets, 1);
	fw_free(&fw);
}

/* User chains of the raw table, RETURN, goto, the policy and interface names. */
static void test_chains(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-t raw -N ddos; -t raw -N ports;"
					   "-t raw -P PREROUTING DROP;"
					   "-t raw -A PREROUTING -i eth0 -j ACCEPT;"
					   "-t raw -A PREROUTING -p udp -j ddos;"
					   "-t raw -A PREROUTING -p tcp -g ports;"
					   "-t raw -A PREROUTING -i lo -p icmp -j ACCEPT;"
					   "-t raw -A ddos -s 10.6.6.6 -j DROP;"
					   "-t raw -A ddos -s 10.7.0.0/16 -j RETURN;"
					   "-t raw -A ddos -j ACCEPT;"
					   "-t raw -A ports -p tcp --dport 22 -j ACCEPT"), 0);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("10.6.6.6", 9)), DROP);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("10.5.5.5", 9)), PASS);
	CU_ASSERT_EQUAL(xdp(&fw, &UDP("10.7.1.1", 9)), DROP);	/* RETURN: the policy */
	CU_ASSERT_EQUAL(xdp(&fw, &TCP("10.5.5.5", 22)), PASS);
	CU_ASSERT_EQUAL(xdp(&fw, &TCP("10.5.5.5", 23)), DROP);	/* goto: the policy */
	struct pkt_spec ping = { .src = "10.5.5.5", .proto = IPPROTO_ICMP, .icmp_type = 8 };

	CU_ASSERT_EQUAL(xdp(&fw, &ping), PASS);			/* -i lo: the frame's */
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 1).packets, 0);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 4).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "ddos", 2).packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&fw, "PREROUTING", 0).packets, 2);
	fw_free(&fw);
}

/*
 * The XDP program of generation 5 applies the running raw rules while the
 * generation map holds 4, its own from 5 on; with no raw rules of its own
 * it passes everything from 5 on.
 */
static void test_hand_over(void)
{
	struct fw old, new, gone;
	struct ir_counter c = { 0 };
	struct fw_opts o = { .generation = 5, .first_slot = 100 };

	CU_ASSERT_EQUAL_FATAL(fw_load(&old, "-t raw -A PREROUTING -s 10.0.0.1 -j DROP"), 0);
	o.xdp_prev = old.rs->tables[IR_FAMILY_IPV4][IR_TABLE_RAW];
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&new, "-t raw -A PREROUTING -s 10.0.0.2 -j DROP", &o),
			      0);
	CU_ASSERT_FALSE(new.out.xdp_retire);
	fw_set_generation(&new, 4);
	CU_ASSERT_EQUAL(xdp(&new, &UDP("10.0.0.1", 9)), DROP);
	CU_ASSERT_EQUAL(xdp(&new, &UDP("10.0.0.2", 9)), PASS);
	fw_set_generation(&new, 5);
	CU_ASSERT_EQUAL(xdp(&new, &UDP("10.0.0.1", 9)), PASS);
	CU_ASSERT_EQUAL(xdp(&new, &UDP("10.0.0.2", 9)), DROP);
	fw_set_generation(&new, 6);
	CU_ASSERT_EQUAL(xdp(&new, &UDP("10.0.0.2", 9)), DROP);
	/* the running rule counted in its own slot, in the new program's map */
	CU_ASSERT_EQUAL(ld_counter_read(new.objs.counters_fd,
					o.xdp_prev->chains[0]->rules[0]->slot, &c), 0);
	CU_ASSERT_EQUAL(c.packets, 1);
	CU_ASSERT_EQUAL(fw_counter(&new, "PREROUTING", 1).packets, 2);

	/* the raw rules are gone: the program hands over, then is removed */
	CU_ASSERT_EQUAL_FATAL(fw_load_opts(&gone, "-A INPUT -s 10.0.0.3 -j DROP", &o), 0);
	CU_ASSERT_TRUE(gone.out.xdp_retire);
	CU_ASSERT_TRUE(gone.out.progs[CGEN_PROG_XDP].present);
	fw_set_generation(&gone, 4);
	CU_ASSERT_EQUAL(xdp(&gone, &UDP("10.0.0.1", 9)), DROP);
	fw_set_generation(&gone, 5);
	CU_ASSERT_EQUAL(xdp(&gone, &UDP("10.0.0.1", 9)), PASS);
	fw_free(&gone);
	fw_free(&new);
	fw_free(&old);
}

/* No raw rules, no XDP program. */
static void test_no_raw_no_xdp(void)
{
	struct fw fw;

	CU_ASSERT_EQUAL_FATAL(fw_load(&fw, "-A INPUT -s 10.0.0.1 -j DROP;-t raw -N unused"), 0);
	CU_ASSERT_FALSE(fw.out.progs[CGEN_PROG_XDP].present);
	fw_free(&fw);
}

/* What XDP cannot run is refused when compiling, with the reason. */
static void test_refusals(void)
{
	struct ir_ruleset *rs = ir_ruleset_new();
	struct bpfw_err err = { 0 };
	struct cgen_output out = { 0 };
	struct cgen_opts opts;

	cgen_opts_default(&opts);
	CU_ASSERT_EQUAL_FATAL(fw_apply(rs, "-t raw -N late"), 0);
	CU_ASSERT_EQUAL_FATAL(fw_apply(rs, "-t raw -A PREROUTING -j late"), 0);
	/* the command line refuses it already; the compiler too, for other front ends */
	CU_ASSERT_NOT_EQUAL(fw_apply(rs, "-t raw -A late -o eth0 -j DROP"), 0);
	CU_ASSERT_EQUAL_FATAL(fw_apply(rs, "-t raw -A late -j DROP"), 0);
	strcpy(ir_chain_find(rs->tables[IR_FAMILY_IPV4][IR_TABLE_RAW], "late")->rules[0]->ip.oif,
	       "eth0");
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -EINVAL);
	CU_ASSERT_EQUAL(err.exit_code, BPFW_EXIT_PARAMETER);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "Can't use -o in the raw table (chain late)"));
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);

	rs = ir_ruleset_new();
	CU_ASSERT_EQUAL_FATAL(fw_apply(rs, "-t raw -A OUTPUT -p udp -j DROP"), 0);
	CU_ASSERT_EQUAL(cgen_compile(rs, &opts, &out, &err), -EOPNOTSUPP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "raw table's OUTPUT chain"));
	bpfw_err_clear(&err);
	ir_ruleset_free(rs);
}

static const struct cu_test tests[] = {
	{ "blocklist folded at XDP: first match, counters", test_blocklist },
	{ "frames that are not IPv4", test_not_ipv4 },
	{ "raw user chains, RETURN, goto, policy, -i", test_chains },
	{ "hand-over from the running raw rules at the switch", test_hand_over },
	{ "no raw rules, no XDP program", test_no_raw_no_xdp },
	{ "what XDP cannot run is refused", test_refusals },
	{ NULL, NULL },
};

int main(void)
{
	return fw_main("xdp", tests);
}
