// SPDX-License-Identifier: GPL-2.0
/*
 * Matches on what the packet carries besides its headers: -m mac, -m mark,
 * -m pkttype and -m owner, as libxt_mac, libxt_mark, libxt_pkttype and
 * libxt_owner read them.  The same for both families.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/if_packet.h>

#include "ipt_internal.h"

enum { MT_MAC_SOURCE, MT_MARK, MT_PKTTYPE, MT_UID, MT_GID, MT_SOCKET, MT_SUPPL };

const struct ipt_mopt ipt_mac_opts[] = {
	{ "mac-source", MT_MAC_SOURCE, true },
	{ NULL, 0, false },
};

const struct ipt_mopt ipt_mark_opts[] = {
	{ "mark", MT_MARK, true },
	{ NULL, 0, false },
};

const struct ipt_mopt ipt_pkttype_opts[] = {
	{ "pkt-type", MT_PKTTYPE, true },
	{ NULL, 0, false },
};

const struct ipt_mopt ipt_owner_opts[] = {
	{ "uid-owner", MT_UID, true },	       { "gid-owner", MT_GID, true },
	{ "socket-exists", MT_SOCKET, false }, { "suppl-groups", MT_SUPPL, false },
	{ NULL, 0, false },
};

/* libxt_pkttype's names, aliases after the names it prints */
static const struct { const char *name; uint8_t type; } pkttypes[] = {
	{ "unicast", PACKET_HOST },	    { "broadcast", PACKET_BROADCAST },
	{ "multicast", PACKET_MULTICAST }, { "otherhost", PACKET_OTHERHOST },
	{ "bcast", PACKET_BROADCAST },	    { "mcast", PACKET_MULTICAST },
	{ "host", PACKET_HOST },
};

const char *ipt_pkttype_name(uint8_t type)
{
	for (unsigned int i = 0; i < sizeof(pkttypes) / sizeof(pkttypes[0]); i++)
		if (pkttypes[i].type == type)
			return pkttypes[i].name;
	return NULL;
}

/* Six hexadecimal bytes split by ':', each read as strtoul() does, at most two characters. */
static int parse_mac(const char *arg, uint8_t addr[6])
{
	char *end;

	for (int i = 0; i < 6; i++) {
		unsigned long v = strtoul(arg, &end, 16);

		if (*end != (i < 5 ? ':' : '\0') || end - arg > 2)
			return -EINVAL;
		addr[i] = (uint8_t)v;
		arg = end + 1;
	}
	return 0;
}

/* xtables_strtoui(): a number in any base, no sign, up to @max; where it ends in *@end. */
static bool strtou32(const char *s, char **end, uint32_t *v, uint32_t max)
{
	const char *p = s;
	uintmax_t n;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '-')
		return false;
	errno = 0;
	n = strtoumax(s, end, 0);
	if (*end == s || errno == ERANGE || n > max)
		return false;
	*v = (uint32_t)n;
	return true;
}

static int parse_mark(struct ipt_pstate *ps, struct ir_match_mark *mk, const char *arg)
{
	char *end;

	mk->mask = UINT32_MAX;
	if (!strtou32(arg, &end, &mk->mark, UINT32_MAX) ||
	    (*end == '/' && !strtou32(end + 1, &end, &mk->mask, UINT32_MAX)))
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"mark: bad integer value for option \"--mark\", or out of range.\n");
	if (*end)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
				"mark: trailing garbage after value for option \"--mark\".\n");
	mk->invert = ps->invert;
	return 0;
}

static int parse_pkttype(struct ipt_pstate *ps, struct ir_match_pkttype *pt, const char *arg)
{
	for (unsigned int i = 0; i < sizeof(pkttypes) / sizeof(pkttypes[0]); i++) {
		if (!strcasecmp(arg, pkttypes[i].name)) {
			pt->type = pkttypes[i].type;
			pt->invert = ps->invert;
			return 0;
		}
	}
	return ipt_perr(ps, "Bad packet type '%s'", arg);
}

/* A user or group name, else "N", "N-M" or "N:M" (the largest id, -1, is not one). */
static int parse_id_range(struct ipt_pstate *ps, const struct ipt_mopt *o, const char *arg,
			  uint32_t *lo, uint32_t *hi)
{
	const struct passwd *pw = o->id == MT_UID ? getpwnam(arg) : NULL;
	const struct group *gr = o->id == MT_GID ? getgrnam(arg) : NULL;
	char *end;

	if (pw || gr) {
		*lo = *hi = pw ? pw->pw_uid : gr->gr_gid;
		return 0;
	}
	if (!strtou32(arg, &end, lo, UINT32_MAX - 1))
		goto bad;
	*hi = *lo;
	if ((*end == '-' || *end == ':') && !strtou32(end + 1, &end, hi, UINT32_MAX - 1))
		goto bad;
	if (!*end)
		return 0;
bad:
	return ipt_perr(ps, "owner: Bad value for \"--%s\" option: \"%s\"", o->name, arg);
}

static int parse_owner(struct ipt_pstate *ps, struct ir_match_owner *ow, const struct ipt_mopt *o,
		       const char *arg)
{
	uint8_t bit = o->id == MT_UID ? IR_OWNER_UID : o->id == MT_GID ? IR_OWNER_GID :
		      o->id == MT_SOCKET ? IR_OWNER_SOCKET : IR_OWNER_SUPPL_GROUPS;
	int ret = 0;

	if (o->id == MT_SUPPL) {
		if (ps->invert)
			return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
					"owner: option \"--suppl-groups\" cannot be inverted.\n");
		if (!(ow->match & IR_OWNER_GID))
			return ipt_perr(ps, "owner: Bad value for \"--suppl-groups\" option: "
					"\"you need to use --gid-owner first\"");
	} else if (o->id == MT_UID) {
		ret = parse_id_range(ps, o, arg, &ow->uid_lo, &ow->uid_hi);
	} else if (o->id == MT_GID) {
		ret = parse_id_range(ps, o, arg, &ow->gid_lo, &ow->gid_hi);
	}
	if (ret)
		return ret;
	/* no BPF helper gives the group of a packet's socket */
	if (o->id == MT_GID || o->id == MT_SUPPL)
		return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EOPNOTSUPP,
				"owner: option \"--%s\" is not supported by bpfw (no BPF helper "
				"gives the group of a packet's socket)\n", o->name);
	ow->match |= bit;
	if (ps->invert)
		ow->invert |= bit;
	return 0;
}

int ipt_parse_meta(struct ipt_pstate *ps, struct ir_match *m, unsigned int *seen,
		   const struct ipt_mopt *o, const char *arg)
{
	*seen |= 1u << o->id;
	switch (m->kind) {
	case IR_MATCH_MAC:
		if (parse_mac(arg, m->mac.addr))
			return ipt_perr(ps, "Invalid MAC address specified.");
		m->mac.invert = ps->invert;
		return 0;
	case IR_MATCH_MARK:
		return parse_mark(ps, &m->mark, arg);
	case IR_MATCH_PKTTYPE:
		return parse_pkttype(ps, &m->pkttype, arg);
	default:
		return parse_owner(ps, &m->owner, o, arg);
	}
}

int ipt_meta_final(struct ipt_pstate *ps, const struct ir_match *m, unsigned int seen)
{
	if (seen)
		return 0;
	if (m->kind == IR_MATCH_OWNER)
		return ipt_perr(ps, "owner: At least one of --uid-owner, --gid-owner or "
				"--socket-exists is required");
	return ipt_fail(ps->ctx, ps->w, ps->err, IPT_FAIL_PARAM, EINVAL,
			"%s: option \"--%s\" must be specified\n",
			m->kind == IR_MATCH_MAC ? "mac" : m->kind == IR_MATCH_MARK ? "mark" :
			"pkttype", ipt_match_opts(m->kind)[0].name);
}
