// SPDX-License-Identifier: GPL-2.0
/*
 * The address-type map of -m addrtype: this namespace's own addresses
 * (LOCAL) and their IPv4 broadcast addresses.  A new program's map is
 * filled when it is created; bpfw monitor brings the running one up to
 * date when addresses come and go, new entries first, then the stale ones
 * out, so that an address that stays is never missing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "bpf_internal.h"
#include "bpfw/ld.h"
#include "bpfw/monitor.h"

/* The entries the map should hold now. */
struct addrtypes {
	struct cgen_addrtype_key *keys;
	uint32_t *types;	/* IR_ADDRTYPE_* */
	size_t n, cap;
};

/* The address-type map's key of IPv4 or IPv6 socket address @sa. */
static struct cgen_addrtype_key addrtype_key(const struct sockaddr *sa)
{
	struct cgen_addrtype_key k = { .family = sa->sa_family == AF_INET6 ? 6 : 4 };

	if (sa->sa_family == AF_INET6)
		memcpy(k.addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	else
		memcpy(k.addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	return k;
}

/* Index of @k in @a, or -1. */
static long find(const struct addrtypes *a, const struct cgen_addrtype_key *k)
{
	for (size_t i = 0; i < a->n; i++)
		if (!memcmp(&a->keys[i], k, sizeof(*k)))
			return (long)i;
	return -1;
}

/* Add @k of @type unless it is there (a LOCAL address wins over a broadcast one). */
static int add(struct addrtypes *a, const struct cgen_addrtype_key *k, uint32_t type)
{
	if (find(a, k) >= 0)
		return 0;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 32;
		struct cgen_addrtype_key *keys = reallocarray(a->keys, cap, sizeof(*keys));
		uint32_t *types;

		if (!keys)
			return -ENOMEM;
		a->keys = keys;
		types = reallocarray(a->types, cap, sizeof(*types));
		if (!types)
			return -ENOMEM;
		a->types = types;
		a->cap = cap;
	}
	a->keys[a->n] = *k;
	a->types[a->n++] = type;
	return 0;
}

/* This namespace's addresses and broadcast addresses into @a. */
static int collect(struct addrtypes *a)
{
	struct ifaddrs *ifs, *p;
	int ret = 0;

	if (getifaddrs(&ifs))
		return -errno;
	/* every own address first: LOCAL wins where one is also another's broadcast */
	for (p = ifs; p && !ret; p = p->ifa_next) {
		struct cgen_addrtype_key k;

		if (!p->ifa_addr ||
		    (p->ifa_addr->sa_family != AF_INET && p->ifa_addr->sa_family != AF_INET6))
			continue;
		k = addrtype_key(p->ifa_addr);
		ret = add(a, &k, IR_ADDRTYPE_LOCAL);
	}
	for (p = ifs; p && !ret; p = p->ifa_next) {
		struct cgen_addrtype_key k;

		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET)
			continue;
		/* (a point-to-point link's "broadcast" address is its peer) */
		if (!(p->ifa_flags & IFF_POINTOPOINT) && p->ifa_broadaddr) {
			k = addrtype_key(p->ifa_broadaddr);
			ret = add(a, &k, IR_ADDRTYPE_BROADCAST);
		}
		/* and the subnet's last address, which the kernel makes a broadcast route
		 * for any prefix shorter than 31 bits, brd given or not */
		if (!ret && p->ifa_netmask) {
			uint32_t mask = ntohl(((struct sockaddr_in *)p->ifa_netmask)->sin_addr.s_addr);
			uint32_t addr = ntohl(((struct sockaddr_in *)p->ifa_addr)->sin_addr.s_addr);

			if (mask && (~mask) > 1) {
				uint32_t b = htonl(addr | ~mask);

				k = (struct cgen_addrtype_key){ .family = 4 };
				memcpy(k.addr, &b, sizeof(b));
				ret = add(a, &k, IR_ADDRTYPE_BROADCAST);
			}
		}
	}
	freeifaddrs(ifs);
	return ret;
}

static void release(struct addrtypes *a)
{
	free(a->keys);
	free(a->types);
}

/* The namespace's addresses into @a, and each into map @fd. */
static int collect_write(int fd, struct addrtypes *a)
{
	int ret = collect(a);

	for (size_t i = 0; i < a->n && !ret; i++)
		if (bpf_map_update_elem(fd, &a->keys[i], &a->types[i], BPF_ANY))
			ret = -errno;
	return ret;
}

int ld_addrtypes_fill(int fd)
{
	struct addrtypes a = { 0 };
	int ret = collect_write(fd, &a);

	release(&a);
	return ret;
}

/* Fill map @fd, then delete what is not an address or broadcast address any more. */
static int refresh(int fd)
{
	struct cgen_addrtype_key key, next, *gone = NULL;
	struct addrtypes a = { 0 };
	size_t n_gone = 0;
	bool first = true;
	int ret = collect_write(fd, &a);
	/* the stale keys first, then their deletion: a walk restarts when its key goes */
	while (!ret && !bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		first = false;
		key = next;
		if (find(&a, &key) >= 0)
			continue;
		struct cgen_addrtype_key *more = reallocarray(gone, n_gone + 1, sizeof(*more));

		if (!more) {
			ret = -ENOMEM;
			break;
		}
		gone = more;
		gone[n_gone++] = key;
	}
	for (size_t i = 0; i < n_gone && !ret; i++)
		if (bpf_map_delete_elem(fd, &gone[i]) && errno != ENOENT)
			ret = -errno;
	free(gone);
	release(&a);
	return ret;
}

int ld_addrtypes_refresh(bool *updated, struct bpfw_err *err)
{
	const struct cgen_map m = {
		.name = CGEN_MAP_NAME_ADDRTYPES, .type = BPF_MAP_TYPE_HASH,
		.key_size = sizeof(struct cgen_addrtype_key), .value_size = sizeof(uint32_t),
		.max_entries = 4096,
	};
	struct ld_live live;
	int fd = -1, ret;

	*updated = false;
	ret = ld_live_open(&live, err);
	if (!ret && live.present)
		fd = ld_set_map_find(live.prog_ids[CGEN_PROG_TC_INGRESS], &m);
	if (fd >= 0) {
		ret = refresh(fd);
		*updated = !ret;
		close(fd);
	}
	if (ret < 0 && !err->exit_code)
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, -ret,
				"Cannot update the running rule set's address types: %s",
				strerror(-ret));
	ld_live_close(&live);
	return ret;
}
