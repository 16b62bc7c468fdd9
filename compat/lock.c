// SPDX-License-Identifier: GPL-2.0
/*
 * The command lock.  Like the xtables lock it is one flock()ed file for the
 * whole machine; it lives in /run, which `ip netns exec` leaves alone, so
 * commands in every namespace are serialised the same way.  flock() locks
 * die with their process: a killed command never leaves a stale lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpfw/compat.h"

#define LOCK_POLL_NS	(50 * 1000 * 1000)

static long long elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000LL + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static const char *lock_path(void)
{
	const char *p = getenv(COMPAT_LOCK_ENV);

	return p && *p ? p : COMPAT_LOCK_PATH;
}

int compat_lock(int wait_secs, struct bpfw_err *err)
{
	const struct timespec poll = { 0, LOCK_POLL_NS };
	struct timespec start, now;
	int fd;

	fd = open(lock_path(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
	if (fd < 0)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				 "Fatal: can't open lock file %s: %m", lock_path());
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			close(fd);
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Fatal: can't lock %s: %m", lock_path());
		}
		if (wait_secs < 0) {
			close(fd);
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, EWOULDBLOCK,
					 "Another app is currently holding the xtables lock. "
					 "Perhaps you want to use the -w option?");
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wait_secs > 0 && elapsed_ms(&start, &now) >= wait_secs * 1000LL) {
			close(fd);
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, EWOULDBLOCK,
					 "Another app is currently holding the xtables lock. "
					 "Stopped waiting after %ds.", wait_secs);
		}
		nanosleep(&poll, NULL);
	}
	return fd;
}

int compat_lock_shared(struct bpfw_err *err)
{
	int fd;

	fd = open(lock_path(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
	if (fd < 0)
		return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
				 "Fatal: can't open lock file %s: %m", lock_path());
	while (flock(fd, LOCK_SH)) {
		if (errno != EINTR) {
			close(fd);
			return bpfw_errf(err, BPFW_EXIT_RESOURCE, errno,
					 "Fatal: can't lock %s: %m", lock_path());
		}
	}
	return fd;
}

void compat_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
