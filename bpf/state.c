// SPDX-License-Identifier: GPL-2.0
/*
 * The state map: the running rule set's description (state text), kept in
 * the kernel next to the programs it describes.  An array of fixed-size
 * chunks; element 0 begins with the stored length.  Frozen after filling:
 * a generation's state never changes.
 *
 * A large state is stored deflated (zlib, fastest level): the text of
 * 100,000 rules is 4.5 MiB of kernel memory plain and a tenth of that
 * deflated.  Small states stay plain, where deflating would only cost time
 * on every update.  The length word's top bit marks a deflated state, whose
 * first eight bytes are then the plain length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <zlib.h>

#include "bpf_internal.h"
#include "bpfw/cgen.h"

#define STATE_CHUNK		(64u << 10)
#define STATE_HDR		sizeof(uint64_t)
#define STATE_DEFLATED		(1ull << 63)
#define STATE_DEFLATE_MIN	(1u << 20)	/* plain below this many bytes */

/* Write @len bytes of @data, after the length word @hdr, into a new frozen map. */
static int blob_write(const char *data, size_t len, uint64_t hdr, int *fd, struct bpfw_err *err)
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
			memcpy(chunk, &hdr, sizeof(hdr));
			fill = len < STATE_CHUNK - STATE_HDR ? len : STATE_CHUNK - STATE_HDR;
			memcpy(chunk + STATE_HDR, data, fill);
		} else {
			size_t from = off - STATE_HDR;

			fill = len - from < STATE_CHUNK ? len - from : STATE_CHUNK;
			memcpy(chunk, data + from, fill);
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

int ld_state_create(const char *state, size_t len, int *fd, struct bpfw_err *err)
{
	uLongf zlen = compressBound(len);
	uint64_t raw = len;
	char *z;
	int ret;

	if (len < STATE_DEFLATE_MIN)
		return blob_write(state, len, len, fd, err);
	z = malloc(STATE_HDR + zlen);
	if (!z)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot allocate memory");
	memcpy(z, &raw, sizeof(raw));
	if (compress2((Bytef *)z + STATE_HDR, &zlen, (const Bytef *)state, len, Z_BEST_SPEED) !=
	    Z_OK) {
		free(z);
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, ENOMEM, "Cannot deflate the state");
	}
	ret = blob_write(z, STATE_HDR + zlen, (STATE_HDR + zlen) | STATE_DEFLATED, fd, err);
	free(z);
	return ret;
}

/* The bytes after the length word, malloc'd with a NUL after them, and the word. */
static int blob_read(int fd, char **out, uint64_t *hdr)
{
	char *chunk = malloc(STATE_CHUNK), *buf = NULL;
	uint32_t key = 0;
	uint64_t l;
	int ret = 0;

	if (!chunk)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, chunk)) {
		ret = -errno;
		goto out;
	}
	memcpy(hdr, chunk, sizeof(*hdr));
	l = *hdr & ~STATE_DEFLATED;
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
	*out = buf;
	buf = NULL;
out:
	free(buf);
	free(chunk);
	return ret;
}

int ld_state_read(int fd, char **state, size_t *len)
{
	char *blob = NULL, *text;
	uint64_t hdr = 0, raw;
	uLongf got;
	int ret;

	ret = blob_read(fd, &blob, &hdr);
	if (ret)
		return ret;
	if (!(hdr & STATE_DEFLATED)) {
		*state = blob;
		*len = hdr;
		return 0;
	}
	ret = -EINVAL;
	if ((hdr & ~STATE_DEFLATED) < STATE_HDR)
		goto out;
	memcpy(&raw, blob, sizeof(raw));
	text = raw < SIZE_MAX ? malloc(raw + 1) : NULL;
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	got = raw;
	if (uncompress((Bytef *)text, &got, (const Bytef *)blob + STATE_HDR,
		       (hdr & ~STATE_DEFLATED) - STATE_HDR) != Z_OK || got != raw) {
		free(text);
		goto out;
	}
	text[raw] = '\0';
	*state = text;
	*len = raw;
	ret = 0;
out:
	free(blob);
	return ret;
}
