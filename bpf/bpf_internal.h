/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the loader's files. */
#ifndef BPFW_BPF_INTERNAL_H
#define BPFW_BPF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bpfw/cgen.h"
#include "bpfw/err.h"

/* Max entries of an existing map, or 0 if it cannot be asked. */
uint32_t ld_map_max_entries(int fd);

/* A frozen array map holding @state (any size), named CGEN_MAP_NAME_STATE. */
int ld_state_create(const char *state, size_t len, int *fd, struct bpfw_err *err);

/* Read the text of a state map back, NUL-terminated and malloc'd. */
int ld_state_read(int fd, char **state, size_t *len);

/* Ids of the maps program @prog_fd uses, malloc'd into @ids; 0 or -errno. */
int ld_prog_map_ids(int prog_fd, uint32_t **ids, uint32_t *n);

/* The map of program @prog_id named and shaped as @m: its fd, or a negative errno (sets.c). */
int ld_set_map_find(uint32_t prog_id, const struct cgen_map *m);

/* Fill address-type map @fd with this namespace's addresses (bpf/addrtypes.c). */
int ld_addrtypes_fill(int fd);

/* Name of a map by fd into @name (BPF_OBJ_NAME_LEN bytes); 0 or -errno. */
int ld_map_name(int fd, char *name, uint32_t *max_entries);

#endif /* BPFW_BPF_INTERNAL_H */
