/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The packet-info block: what the prologue reads from the packet once, on
 * the main program's stack.  Rules compare these fields; user chains get a
 * pointer to the block.
 */
#ifndef BPFW_CGEN_PKTINFO_H
#define BPFW_CGEN_PKTINFO_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfw/cgen.h"

struct cgen_pktinfo {
	uint32_t saddr;		/* IPv4, network order, as in the header */
	uint32_t daddr;
	uint32_t len;		/* IP total length (IPv6: with its header), host order */
	uint16_t sport;		/* host order */
	uint16_t dport;
	uint8_t proto;
	uint8_t l4;		/* 1: the transport header is present and read */
	uint8_t frag;		/* 1: a fragment other than the first */
	uint8_t tcpflags;
	uint8_t icmp_type;
	uint8_t icmp_code;
	uint16_t opaque_zero;	/* 0, but not a constant to the verifier: see cg_emit_count_reg() */
	uint64_t iif[IFNAMSIZ / 8];	/* interface names, NUL-padded */
	uint64_t oif[IFNAMSIZ / 8];
	uint16_t icmp_id;	/* host order: the identifier of an ICMP echo and the like */
	uint8_t ctstate;	/* IR_CT_* bit of the packet (conntrack.c) */
	uint8_t ctdir;		/* CG_CTDIR_*: what the connection table knows of it */
	uint8_t ttl;		/* IPv6: the hop limit */
	uint8_t pad[3];
	uint32_t saddr6[4];	/* IPv6, network order */
	uint32_t daddr6[4];
	uint16_t l4off;		/* the transport header's offset from the network header */
	uint8_t rt;		/* IPv6: 1 if a routing header was seen, with: */
	uint8_t rt_type;
	uint8_t rt_segs;	/* segments left */
	uint8_t rt_len;		/* its length field: 8-octet units after the first */
	uint8_t pad2[2];
};

#define PI(f)	((int16_t)offsetof(struct cgen_pktinfo, f))

/* Layout of the main program's stack (offsets from r10). */
#define STK_PKT		(-(int16_t)sizeof(struct cgen_pktinfo))
#define STK_FIB		(STK_PKT - 64)
#define STK_KEY		(STK_FIB - 8)
#define STK_FOLD	(STK_KEY - 16)		/* key of a folded run's lookup */
#define STK_ZERO	(STK_FOLD - 8)		/* opaque_zero, until the prologue moves it */
#define STK_GEN		(STK_ZERO + 4)		/* the generation the map held */
/* conntrack.c: the packet's connection key and the reversed key */
#define STK_CTKEY	(STK_ZERO - (int16_t)sizeof(struct cgen_ct_key))
#define STK_CTREV	(STK_CTKEY - (int16_t)sizeof(struct cgen_ct_key))
/* The route lookup's block is dead once the hooks run: classified runs keep
 * their five vector pointers there (classify.c). */
#define STK_CLS		STK_FIB
/* A user chain's own frame only needs the two keys. */
#define STK_SUB_KEY	(-8)
#define STK_SUB_FOLD	(STK_SUB_KEY - 16)
/* A classified run's five vector pointers, in frames of chains that call no other */
#define STK_SUB_CLS	(STK_SUB_FOLD - 40)

#endif /* BPFW_CGEN_PKTINFO_H */
