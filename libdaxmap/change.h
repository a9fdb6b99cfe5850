/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every change of the host starts with (change.c): a create,
 * destroy or reconfigure of a namespace or dax device refuses to run
 * under a fixture root (there is no kernel to change), takes the lock
 * (lock.c) and opens the libndctl or libdaxctl context it works with.
 * Private to the library.
 *
 *	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
 *
 *	r = daxmap_change_begin(ctx,
 *				daxmap_destroy_request_check(which, ret_reason,
 *							     ret_message),
 *				"destroy", DAXMAP_CHANGE_NDCTL, &ch,
 *				ret_reason, ret_message);
 *	if (r < 0)
 *		return r;
 *	... ch.nctx ...
 *
 * The request's own check is an argument, so that it runs first, before
 * anything is looked at or taken, and a refusal of it ends there.
 *
 * The contexts are released, then the lock, when @ch goes out of scope.
 */
#ifndef DAXMAP_CHANGE_H
#define DAXMAP_CHANGE_H

#include "private.h"

struct ndctl_ctx;
struct daxctl_ctx;
struct daxctl_dev;

enum daxmap_change_flags {
	DAXMAP_CHANGE_NDCTL = 1 << 0,	/* open ch->nctx */
	DAXMAP_CHANGE_DAXCTL = 1 << 1,	/* open ch->dctx */
};

struct daxmap_change {
	struct daxmap_ctx *locked;	/* holds its lock; NULL: none */
	struct ndctl_ctx *nctx;
	struct daxctl_ctx *dctx;
};

#define DAXMAP_CHANGE_INIT { NULL, NULL, NULL }

/*
 * Returns @checked, the result of the request's check (which set the
 * refusal), when < 0; else refuses NOT_SUPPORTED ("cannot @verb under
 * the fixture root ...") when @ctx looks at a fixture, takes the lock,
 * opens the contexts @flags name. On failure the refusal is set, nothing
 * is held, and -errno is returned.
 */
int daxmap_change_begin(struct daxmap_ctx *ctx, int checked,
			const char *verb, unsigned int flags,
			struct daxmap_change *ch,
			enum daxmap_reason *ret_reason, char **ret_message);

/* Releases what daxmap_change_begin() took; @ch may be DAXMAP_CHANGE_INIT. */
void daxmap_change_end(struct daxmap_change *ch);

#define _cleanup_change_ _cleanup_(daxmap_change_end)

/* The dax device daxX.Y (or /dev/daxX.Y) of @dctx, or NULL. */
struct daxctl_dev *daxmap_find_dax_dev(struct daxctl_ctx *dctx,
				       const char *name);

#endif /* DAXMAP_CHANGE_H */
