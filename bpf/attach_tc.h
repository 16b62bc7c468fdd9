/* SPDX-License-Identifier: GPL-2.0 */
/* bpfw's cls_bpf filters on one interface (bpf/attach_tc.c). */
#ifndef BPFW_BPF_ATTACH_TC_H
#define BPFW_BPF_ATTACH_TC_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfw/ld.h"

/* Program id of bpfw's filter for @kind at @prio on @ifindex; -ENOENT/-EINVAL if none. */
int ld_tc_query(int ifindex, enum cgen_prog_kind kind, uint32_t prio, uint32_t *prog_id);

/* Attach or replace (in one step) bpfw's filter for @kind at @prio on @ifindex. */
int ld_tc_attach(int ifindex, enum cgen_prog_kind kind, uint32_t prio, int prog_fd);

/* Remove bpfw's filter for @kind at @prio on @ifindex. */
int ld_tc_detach(int ifindex, enum cgen_prog_kind kind, uint32_t prio);

/* Whether packets on @ifname carry an Ethernet header (Ethernet, loopback). */
bool ld_tc_link_has_ether(const char *ifname);

#endif /* BPFW_BPF_ATTACH_TC_H */
