// SPDX-License-Identifier: GPL-2.0
/*
 * bpfw log [-f] [--syslog]: the lines of -j LOG rules, in the kernel LOG
 * target's format, from the log ring of the rule set running here.  Each
 * event names its rule by counter slot; the rule's prefix, level and
 * flags come from the running rule set (read again when a rule is not
 * found, as after an update).  -f follows until interrupted; --syslog
 * sends the lines to the system log at the rule's level instead of stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpfw/compat.h"
#include "bpfw/txn.h"
#include "ipt_fmt.h"

struct reader {
	struct txn txn;		/* the running rule set: slots to rules */
	bool to_syslog;
	bool reread;		/* a slot was not found: read the rule set again */
};

/* What find_log() looks for, and finds. */
struct log_query {
	uint32_t slot;
	const struct ir_target_log *log;
};

static int log_of_slot(const struct ir_rule *r, void *arg)
{
	struct log_query *q = arg;

	if (r->slot != q->slot || (r->target.kind != IR_TARGET_LOG && !(r->nft & IR_NFT_LOG)))
		return 0;
	q->log = &r->target.log;
	return 1;
}

/* The LOG rule (or nftables rule with a log statement) with counter slot @slot, or NULL. */
static const struct ir_target_log *find_log(const struct ir_ruleset *rs, uint32_t slot)
{
	struct log_query q = { .slot = slot };

	if (!ir_ruleset_for_each_rule(rs, IR_FAMILY_IPV4, log_of_slot, &q))
		ir_ruleset_for_each_rule(rs, IR_FAMILY_IPV6, log_of_slot, &q);
	return q.log;
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct reader *rd = ctx;
	const struct cgen_log_event *ev = data;
	const struct ir_target_log *log;
	struct bpfw_err err = { 0 };
	char *line = NULL;
	size_t n = 0;
	FILE *f;

	if (len < sizeof(*ev))
		return 0;
	log = find_log(rd->txn.rs, ev->slot);
	if (!log) {	/* the rule set changed since it was read */
		txn_end(&rd->txn);
		if (txn_begin(&rd->txn, &err))
			return -EIO;
		log = find_log(rd->txn.rs, ev->slot);
		if (!log)
			return 0;	/* its rule is gone */
	}
	f = open_memstream(&line, &n);
	if (!f)
		return -ENOMEM;
	ipt_log_line(f, ev, log);
	if (fclose(f)) {
		free(line);
		return -ENOMEM;
	}
	if (rd->to_syslog)
		syslog(log->level, "%s", line);
	else
		fputs(line, stdout);
	fflush(stdout);
	free(line);
	return 0;
}

/* Read the ring until SIGINT or SIGTERM. */
static int follow(struct ring_buffer *rb, struct bpfw_err *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t mask;
	int ep, sfd, ret = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0) {
		ret = bpfw_errf(err, BPFW_EXIT_RESOURCE, errno, "bpfw log: %m");
		goto out;
	}
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = ring_buffer__epoll_fd(rb);
	epoll_ctl(ep, EPOLL_CTL_ADD, ev.data.fd, &ev);
	for (;;) {
		int n = epoll_wait(ep, &ev, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || ev.data.fd == sfd)
			break;
		if (ring_buffer__consume(rb) < 0) {
			ret = bpfw_errf(err, BPFW_EXIT_OTHER, EIO, "bpfw log: cannot read the ring");
			break;
		}
	}
out:
	if (sfd >= 0)
		close(sfd);
	if (ep >= 0)
		close(ep);
	return ret;
}

int compat_log_main(const struct ipt_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "follow", no_argument, NULL, 'f' }, { "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },   { NULL, 0, NULL, 0 },
	};
	struct reader rd = { .to_syslog = false };
	struct bpfw_err err = { 0 };
	struct ring_buffer *rb = NULL;
	bool follow_on = false;
	int c, ret, fd;

	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		if (c == 'f') {
			follow_on = true;
		} else if (c == 's') {
			rd.to_syslog = true;
		} else {
			fprintf(c == 'h' ? stdout : stderr,
				"Usage: bpfw log [-f|--follow] [--syslog]\n"
				"The lines of -j LOG rules, as the kernel's LOG target writes them.\n");
			return c == 'h' ? 0 : BPFW_EXIT_PARAMETER;
		}
	}
	ret = compat_require_root(ctx->prog, &err);
	if (!ret)
		ret = txn_begin(&rd.txn, &err);
	fd = rd.txn.live.kept_fds[LD_KEPT_LOG];
	if (!ret && fd < 0)
		ret = bpfw_errf(&err, BPFW_EXIT_OTHER, ENOENT,
				"bpfw log: no rule of the running rule set logs (-j LOG)");
	if (!ret) {
		rb = ring_buffer__new(fd, on_event, &rd, NULL);
		if (!rb)
			ret = bpfw_errf(&err, BPFW_EXIT_RESOURCE, errno,
					"bpfw log: cannot open the log ring: %m");
	}
	if (!ret && rd.to_syslog)
		openlog("bpfw", LOG_NDELAY, LOG_USER);
	if (!ret && ring_buffer__consume(rb) < 0)
		ret = bpfw_errf(&err, BPFW_EXIT_OTHER, EIO, "bpfw log: cannot read the ring");
	if (!ret && follow_on)
		ret = follow(rb, &err);
	ring_buffer__free(rb);
	txn_end(&rd.txn);
	return compat_report(&err, false);
}
