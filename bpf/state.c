// SPDX-License-Identifier: GPL-2.0
/*
 * The state map: the running rule set's description (state text), kept in
 * the kernel next to the programs it describes.  An array of fixed-size
 * chunks; element 0 begins with the text's length.  Frozen after filling:
 * a generation's state never changes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf_internal.h"
#include "bpfw/cgen.h"

#define STATE_CHUNK	(64u << 10)
#define STATE_HDR	sizeof(uint64_t)

int ld_state_create(const char *state, size_t len, int *fd, struct bpfw_err *err)
{
	size_t total = STATE_HDR + len;
	uint32_t n = (total + STATE_CHUNK - 1) / STATE_CHUNK;
	char *chunk;
	int mfd, ret = 0;

	chunk = malloc(STATE_CHUNK);
	if (!chunk)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	mfd = bpf_map_create(BPF_MAP_TYPE_ARRAY, CGEN_MAP_NAME_STATE, sizeof(uint32_t), STATE_CHUNK,
			     n, NULL);
	if (mfd < 0) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				"Cannot create the state map (%zu bytes): %m", len);
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t off = (size_t)i * STATE_CHUNK, fill;

		memset(chunk, 0, STATE_CHUNK);
		if (i == 0) {
			uint64_t l = len;

			memcpy(chunk, &l, sizeof(l));
			fill = len < STATE_CHUNK - STATE_HDR ? len : STATE_CHUNK - STATE_HDR;
			memcpy(chunk + STATE_HDR, state, fill);
		} else {
			size_t from = off - STATE_HDR;

			fill = len - from < STATE_CHUNK ? len - from : STATE_CHUNK;
			memcpy(chunk, state + from, fill);
		}
		if (bpf_map_update_elem(mfd, &i, chunk, BPF_ANY)) {
			ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					"Cannot write the state map: %m");
			goto out;
		}
	}
	if (bpf_map_freeze(mfd)) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "Cannot freeze the state map: %m");
		goto out;
	}
	*fd = mfd;
	mfd = -1;
out:
	if (mfd >= 0)
		close(mfd);
	free(chunk);
	return ret;
}

int ld_state_read(int fd, char **state, size_t *len)
{
	char *chunk = malloc(STATE_CHUNK), *buf = NULL;
	uint64_t l;
	uint32_t key = 0;
	int ret = 0;

	if (!chunk)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, chunk)) {
		ret = -errno;
		goto out;
	}
	memcpy(&l, chunk, sizeof(l));
	if (l > (uint64_t)ld_map_max_entries(fd) * STATE_CHUNK) {
		ret = -EINVAL;
		goto out;
	}
	buf = malloc(l + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t done = 0; done < l;) {
		size_t off = done + STATE_HDR, in = off % STATE_CHUNK;
		size_t take = STATE_CHUNK - in;

		key = off / STATE_CHUNK;
		if (key && bpf_map_lookup_elem(fd, &key, chunk)) {
			ret = -errno;
			goto out;
		}
		if (take > l - done)
			take = l - done;
		memcpy(buf + done, chunk + in, take);
		done += take;
	}
	buf[l] = '\0';
	*state = buf;
	*len = l;
	buf = NULL;
out:
	free(buf);
	free(chunk);
	return ret;
}
