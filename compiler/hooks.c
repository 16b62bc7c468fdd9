// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks: what a TC program does before the rules.  Both programs first
 * check that their generation is the one that acts, then read the packet
 * and run the rules of its family (IPv4, or IPv6 when that table has rules);
 * ingress asks the kernel's route lookup whether the packet is for this
 * host (INPUT) or to be forwarded (FORWARD, with the route's interface as
 * -o), egress leaves forwarded packets alone and runs OUTPUT.
 */
#include <stddef.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_packet.h>

#include "cgen_internal.h"

#define FIB(f)	((int16_t)offsetof(struct bpf_fib_lookup, f))

void cg_emit_generation_read(struct cg *c, uint32_t none)
{
	struct emit *e = &c->e;

	emit(e, MOV64_REG(R_CTX, R1));
	emit(e, ST(BPF_W, R_FP, STK_KEY, 0));
	cg_emit_lookup(c, c->gen_map, STK_KEY);
	emit_jmp_imm(e, BPF_JEQ, false, R0, 0, none);
	emit(e, LDX(BPF_W, R1, R0, 0));
	emit(e, STX(BPF_W, R_FP, R1, STK_GEN));
	/* x ^ copy of x: zero, and unknown to the verifier (cg_emit_count_reg) */
	emit(e, MOV64_REG(R2, R1));
	emit(e, ALU64_REG(BPF_XOR, R1, R2));
	emit(e, STX(BPF_W, R_FP, R1, STK_ZERO));
}

/*
 * Every generation of programs is attached beside the previous one and acts
 * only while the generation map holds its number: one map write switches
 * every interface and direction at once.  An idle generation lets packets
 * on to the next tc filter.
 */
static void emit_generation_check(struct cg *c, uint32_t idle)
{
	struct emit *e = &c->e;

	cg_emit_generation_read(c, idle);
	emit(e, LDX(BPF_W, R1, R_FP, STK_GEN));
	emit_jmp_imm(e, BPF_JNE, true, R1, (int32_t)c->opts->generation, idle);
}

/* Copy the 16-byte address at @field of the block into the route lookup's @fib. */
static void fib_addr6(struct cg *c, int16_t field, int16_t fib)
{
	for (int16_t w = 0; w < 16; w += 4) {
		emit(&c->e, LDX(BPF_W, R1, R_PKT, field + w));
		emit(&c->e, STX(BPF_W, R_FP, R1, STK_FIB + fib + w));
	}
}

/* Ask the kernel's route lookup where the packet goes: to @input, @fwd or (unroutable) @accept. */
static void emit_route(struct cg *c, uint32_t input, uint32_t fwd, uint32_t accept)
{
	struct emit *e = &c->e;
	bool v6 = c->fam == IR_FAMILY_IPV6;

	emit(e, MOV64_IMM(R0, 0));
	for (int16_t off = 0; off < (int16_t)sizeof(struct bpf_fib_lookup); off += 8)
		emit(e, STX(BPF_DW, R_FP, R0, STK_FIB + off));
	emit(e, ST(BPF_B, R_FP, STK_FIB + FIB(family), v6 ? AF_INET6 : AF_INET));
	emit(e, LDX(BPF_B, R1, R_PKT, PI(proto)));
	emit(e, STX(BPF_B, R_FP, R1, STK_FIB + FIB(l4_protocol)));
	emit(e, LDX(BPF_H, R1, R_PKT, PI(sport)));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, STX(BPF_H, R_FP, R1, STK_FIB + FIB(sport)));
	emit(e, LDX(BPF_H, R1, R_PKT, PI(dport)));
	emit(e, ENDIAN_BE(R1, 16));
	emit(e, STX(BPF_H, R_FP, R1, STK_FIB + FIB(dport)));
	emit(e, LDX(BPF_W, R1, R_PKT, PI(len)));
	emit(e, STX(BPF_H, R_FP, R1, STK_FIB + FIB(tot_len)));
	emit(e, STX(BPF_W, R_FP, R7, STK_FIB + FIB(ifindex)));
	if (v6) {
		fib_addr6(c, PI(saddr6), FIB(ipv6_src));
		fib_addr6(c, PI(daddr6), FIB(ipv6_dst));
	} else {
		emit(e, LDX(BPF_W, R1, R_PKT, PI(saddr)));
		emit(e, STX(BPF_W, R_FP, R1, STK_FIB + FIB(ipv4_src)));
		emit(e, LDX(BPF_W, R1, R_PKT, PI(daddr)));
		emit(e, STX(BPF_W, R_FP, R1, STK_FIB + FIB(ipv4_dst)));
	}
	emit(e, MOV64_REG(R1, R_CTX));
	emit(e, MOV64_REG(R2, R_FP));
	emit(e, ALU64_IMM(BPF_ADD, R2, STK_FIB));
	emit(e, MOV64_IMM(R3, sizeof(struct bpf_fib_lookup)));
	emit(e, MOV64_IMM(R4, BPF_FIB_LOOKUP_SKIP_NEIGH));
	emit(e, CALL_HELPER(BPF_FUNC_fib_lookup));
	emit_jmp_imm(e, BPF_JEQ, false, R0, BPF_FIB_LKUP_RET_NOT_FWDED, input);
	emit_jmp_imm(e, BPF_JEQ, false, R0, BPF_FIB_LKUP_RET_FWD_DISABLED, input);
	emit_jmp_imm(e, BPF_JEQ, false, R0, BPF_FIB_LKUP_RET_SUCCESS, fwd);
	emit_jmp_imm(e, BPF_JEQ, false, R0, BPF_FIB_LKUP_RET_NO_NEIGH, fwd);
	emit_jmp_imm(e, BPF_JEQ, false, R0, BPF_FIB_LKUP_RET_FRAG_NEEDED, fwd);
	emit_ja(e, accept);	/* blackhole, unreachable...: the kernel drops it */
}

/* One family's INPUT and FORWARD in its @n halves, the packet read. */
static void ingress_family(struct cg *c, const struct cg_half *halves, unsigned int n,
			   uint32_t accept)
{
	struct emit *e = &c->e;
	uint32_t to_input = emit_label(e), to_fwd = emit_label(e);

	if (c->ct_map >= 0)
		cg_emit_ct_state(c);
	emit(e, LDX(BPF_W, R7, R_CTX, (int16_t)offsetof(struct __sk_buff, ifindex)));
	cg_emit_ifname(c, R7, PI(iif));
	emit_route(c, to_input, to_fwd, accept);

	emit_bind(e, to_fwd);
	emit(e, LDX(BPF_W, R7, R_FP, STK_FIB + FIB(ifindex)));
	cg_emit_ifname(c, R7, PI(oif));
	cg_emit_hook(c, halves, n, IR_HOOK_FORWARD);
	emit_bind(e, to_input);
	cg_emit_hook(c, halves, n, IR_HOOK_INPUT);
}

/* One family's OUTPUT in its @n halves, the packet read. */
static void egress_family(struct cg *c, const struct cg_half *halves, unsigned int n)
{
	struct emit *e = &c->e;

	if (c->ct_map >= 0)
		cg_emit_ct_state(c);
	emit(e, LDX(BPF_W, R7, R_CTX, (int16_t)offsetof(struct __sk_buff, ifindex)));
	cg_emit_ifname(c, R7, PI(oif));
	cg_emit_hook(c, halves, n, IR_HOOK_OUTPUT);
}

/*
 * A TC program: the generation check, then per family the packet's parsing
 * and that family's hooks (its halves are together in @halves, IPv4 first);
 * packets of no family with a half pass.
 */
static void emit_hooks(struct cg *c, const struct cg_half *halves, unsigned int n, bool ingress)
{
	struct emit *e = &c->e;
	uint32_t accept = emit_label(e), next = emit_label(e);
	unsigned int i = 0;

	emit_generation_check(c, accept);
	if (ingress) {
		/*
		 * The copy of a multicast or broadcast this host sent, looped
		 * back to it, has no link header: OUTPUT saw it as it went.
		 */
		emit(e, LDX(BPF_W, R1, R_CTX, (int16_t)offsetof(struct __sk_buff, pkt_type)));
		emit_jmp_imm(e, BPF_JEQ, false, R1, PACKET_LOOPBACK, accept);
	} else {
		/* forwarded packets were filtered at ingress */
		emit(e, LDX(BPF_W, R1, R_CTX,
			    (int16_t)offsetof(struct __sk_buff, ingress_ifindex)));
		emit_jmp_imm(e, BPF_JNE, false, R1, 0, accept);
	}
	emit_ja(e, next);
	emit_bind(e, accept);
	cg_emit_pass(c);
	while (i < n) {
		unsigned int k = i;
		uint32_t other;

		while (k < n && halves[k].fam == halves[i].fam)
			k++;
		other = k < n ? emit_label(e) : accept;
		emit_bind(e, next);
		cg_half_enter(c, &halves[i]);
		cg_emit_prologue(c, other, accept);
		if (ingress)
			ingress_family(c, halves + i, k - i, accept);
		else
			egress_family(c, halves + i, k - i);
		next = other;
		i = k;
	}
}

void cg_emit_ingress(struct cg *c, const struct cg_half *halves, unsigned int n)
{
	emit_hooks(c, halves, n, true);
}

void cg_emit_egress(struct cg *c, const struct cg_half *halves, unsigned int n)
{
	emit_hooks(c, halves, n, false);
}
