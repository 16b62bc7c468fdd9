// SPDX-License-Identifier: GPL-2.0
/* -m mac, -m mark, -m pkttype and -m owner, as iptables-save and iptables -L print them. */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>

#include "ipt_fmt.h"
#include "../frontend/ipt_internal.h"

static void put_mac(FILE *out, const uint8_t *a)
{
	fprintf(out, " %02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void put_mark(FILE *out, const struct ir_match_mark *mk)
{
	if (mk->mask != UINT32_MAX)
		fprintf(out, " 0x%x/0x%x", mk->mark, mk->mask);
	else
		fprintf(out, " 0x%x", mk->mark);
}

static void put_pkttype(FILE *out, uint8_t type)
{
	const char *name = ipt_pkttype_name(type);

	if (name)
		fputs(name, out);
	else
		fprintf(out, "%u", type);
}

/* An id range; a single id by its user or group name unless @numeric. */
static void put_ids(FILE *out, uint32_t lo, uint32_t hi, bool gid, bool numeric)
{
	const struct passwd *pw;
	const struct group *gr;

	if (lo != hi) {
		fprintf(out, " %u-%u", lo, hi);
		return;
	}
	if (!numeric && !gid) {
		pw = getpwuid(lo);
		if (pw && pw->pw_name) {
			fprintf(out, " %s", pw->pw_name);
			return;
		}
	} else if (!numeric) {
		gr = getgrgid(lo);
		if (gr && gr->gr_name) {
			fprintf(out, " %s", gr->gr_name);
			return;
		}
	}
	fprintf(out, " %u", lo);
}

/* libxt_owner's items in its order, worded by @words (save or list). */
static void put_owner(FILE *out, const struct ir_match_owner *ow, const char *const words[4],
		      bool numeric)
{
	static const uint8_t bits[] = { IR_OWNER_SOCKET, IR_OWNER_UID, IR_OWNER_GID,
					IR_OWNER_SUPPL_GROUPS };

	for (unsigned int i = 0; i < sizeof(bits); i++) {
		if (!(ow->match & bits[i]))
			continue;
		fprintf(out, "%s %s", ow->invert & bits[i] ? " !" : "", words[i]);
		if (bits[i] == IR_OWNER_UID)
			put_ids(out, ow->uid_lo, ow->uid_hi, false, numeric);
		else if (bits[i] == IR_OWNER_GID)
			put_ids(out, ow->gid_lo, ow->gid_hi, true, numeric);
	}
}

void ipt_fmt_meta_save(FILE *out, const struct ir_match *m)
{
	static const char *const words[4] = { "--socket-exists", "--uid-owner", "--gid-owner",
					      "--suppl-groups" };

	switch (m->kind) {
	case IR_MATCH_MAC:
		fprintf(out, " -m mac%s --mac-source", m->mac.invert ? " !" : "");
		put_mac(out, m->mac.addr);
		return;
	case IR_MATCH_MARK:
		fprintf(out, " -m mark%s --mark", m->mark.invert ? " !" : "");
		put_mark(out, &m->mark);
		return;
	case IR_MATCH_PKTTYPE:
		fprintf(out, " -m pkttype%s --pkt-type ", m->pkttype.invert ? " !" : "");
		put_pkttype(out, m->pkttype.type);
		return;
	default:
		fputs(" -m owner", out);
		put_owner(out, &m->owner, words, true);
		return;
	}
}

void ipt_fmt_meta_list(FILE *out, const struct ir_match *m, bool numeric)
{
	static const char *const words[4] = { "owner socket exists", "owner UID match",
					      "owner GID match", "incl. suppl. groups" };

	switch (m->kind) {
	case IR_MATCH_MAC:
		fprintf(out, " MAC%s", m->mac.invert ? " !" : "");
		put_mac(out, m->mac.addr);
		return;
	case IR_MATCH_MARK:
		fprintf(out, " mark match%s", m->mark.invert ? " !" : "");
		put_mark(out, &m->mark);
		return;
	case IR_MATCH_PKTTYPE:
		fprintf(out, " PKTTYPE %s= ", m->pkttype.invert ? "!" : "");
		put_pkttype(out, m->pkttype.type);
		return;
	default:
		put_owner(out, &m->owner, words, numeric);
		return;
	}
}
