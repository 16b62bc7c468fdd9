/* SPDX-License-Identifier: GPL-2.0 */
/* bpfw's XDP program on one interface (bpf/attach_xdp.c). */
#ifndef BPFW_BPF_ATTACH_XDP_H
#define BPFW_BPF_ATTACH_XDP_H

#include <stdbool.h>
#include <stdint.h>

/* Id of the XDP program attached to @ifindex (0 if none) and whether it is bpfw's. */
int ld_xdp_query(int ifindex, uint32_t *prog_id, bool *ours);

/*
 * Attach @prog_fd to @ifindex, replacing bpfw's program in one step if one
 * is there: native mode where the driver has it, generic otherwise; -EBUSY
 * if another XDP program is attached.
 */
int ld_xdp_attach(int ifindex, int prog_fd);

/* Remove bpfw's XDP program from @ifindex; anyone else's stays. */
int ld_xdp_detach(int ifindex);

#endif /* BPFW_BPF_ATTACH_XDP_H */
