// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The lock of everything that changes the host. Before it, a root
 * `daxmapctl --direct status` run while daxmapd created a namespace took
 * the create's pending record for a crash and rolled the namespace back.
 * Now every create, destroy, reconfigure, verify with a pattern, apply
 * and recovery holds an flock on the state directory, whichever process
 * it runs in; recovery holding it knows that no create is under way.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "private.h"

/* How long another holder is waited for: a create under TCG takes ~20 s. */
#define LOCK_WAIT_MS 120000
#define LOCK_POLL_MS 50

int daxmap_lock(struct daxmap_ctx *ctx, enum daxmap_reason *ret_reason,
		char **ret_message)
{
	const struct timespec poll = { 0, LOCK_POLL_MS * 1000000L };
	int fd, r, waited;

	if (ctx->lock_depth) {
		ctx->lock_depth++;
		return 0;
	}
	r = daxmap_mkdir_p(ctx->state_dir, 0755);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_FAILED, r,
				     "cannot make the state directory %s: %s",
				     ctx->state_dir, strerror(-r));
	fd = open(ctx->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_FAILED, -errno,
				     "cannot open the state directory %s: %m",
				     ctx->state_dir);
	for (waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += LOCK_POLL_MS) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			r = -errno;
			close(fd);
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_FAILED, r,
					     "cannot lock the state directory %s: %s",
					     ctx->state_dir, strerror(-r));
		}
		if (waited == 0)
			info(ctx, "waiting for another daxmap to finish changing the host\n");
		if (waited >= LOCK_WAIT_MS) {
			close(fd);
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_BUSY, -EBUSY,
					     "another daxmap process has been changing the host for %d s (it holds the lock of %s): try again once it is done",
					     LOCK_WAIT_MS / 1000, ctx->state_dir);
		}
		nanosleep(&poll, NULL);
	}
	ctx->lock_fd = fd;
	ctx->lock_depth = 1;
	return 0;
}

void daxmap_unlock(struct daxmap_ctx *ctx)
{
	if (!ctx->lock_depth || --ctx->lock_depth)
		return;
	/* Closing the only descriptor of the open file releases the flock. */
	close(ctx->lock_fd);
	ctx->lock_fd = -1;
}
