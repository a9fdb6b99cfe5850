// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The start of every change of the host (change.h): one place that says
 * a fixture cannot be changed, takes the lock and opens the kernel's
 * libraries, so that every create, destroy and reconfigure does it the
 * same way and in the same order.
 */
#include <errno.h>
#include <string.h>

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include "change.h"

struct daxctl_dev *daxmap_find_dax_dev(struct daxctl_ctx *dctx,
				       const char *name)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	if (strncmp(name, "/dev/", 5) == 0)
		name += 5;
	daxctl_region_foreach(dctx, region)
		daxctl_dev_foreach(region, dev)
			if (strcmp(daxctl_dev_get_devname(dev), name) == 0)
				return dev;
	return NULL;
}

void daxmap_change_end(struct daxmap_change *ch)
{
	daxctl_unref(ch->dctx);
	ch->dctx = NULL;
	ndctl_unref(ch->nctx);
	ch->nctx = NULL;
	if (ch->locked)
		daxmap_unlock(ch->locked);
	ch->locked = NULL;
}

int daxmap_change_begin(struct daxmap_ctx *ctx, int checked,
			const char *verb, unsigned int flags,
			struct daxmap_change *ch,
			enum daxmap_reason *ret_reason, char **ret_message)
{
	const char *library = NULL;
	int r;

	*ch = (struct daxmap_change)DAXMAP_CHANGE_INIT;
	/* The request's own check, its refusal set already. */
	if (checked < 0)
		return checked;
	if (!daxmap_ctx_is_real_root(ctx))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				     "cannot %s under the fixture root %s", verb,
				     daxmap_get_root(ctx));
	r = daxmap_lock(ctx, ret_reason, ret_message);
	if (r < 0)
		return r;
	ch->locked = ctx;
	/* They leave the context NULL when they fail. */
	if (flags & DAXMAP_CHANGE_NDCTL) {
		library = "libndctl";
		r = ndctl_new(&ch->nctx);
	}
	if (r >= 0 && (flags & DAXMAP_CHANGE_DAXCTL)) {
		library = "libdaxctl";
		r = daxctl_new(&ch->dctx);
	}
	if (r < 0) {
		daxmap_change_end(ch);
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot open %s: %s", library,
				     strerror(-r));
	}
	return 0;
}
