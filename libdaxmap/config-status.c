// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What status shows of the configuration: where it is read from, the
 * files, why it does not load, a check per section against the host, and
 * the last apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "topology.h"

DAXMAP_EXPORT struct daxmap_config_status *
daxmap_config_status_free(struct daxmap_config_status *s)
{
	if (!s)
		return NULL;
	free(s->dir);
	daxmap_strv_free(s->files);
	free(s->error);
	daxmap_config_checks_free(s->checks);
	free(s);
	return NULL;
}

DAXMAP_EXPORT int daxmap_config_status_new(struct daxmap_ctx *ctx,
					   struct daxmap_topology *t,
					   struct daxmap_config_status **ret)
{
	_cleanup_(daxmap_config_unrefp) struct daxmap_config *cfg = NULL;
	struct daxmap_config_status *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dir = strdup(ctx->config_dir);
	if (!s->dir)
		goto oom;
	r = daxmap_config_load(ctx, &cfg, &s->error);
	if (r == -ENOMEM)
		goto oom;
	if (r < 0 && !s->error &&
	    asprintf(&s->error, "%s: %s", ctx->config_dir, strerror(-r)) < 0)
		goto oom;
	if (r < 0) {
		s->files = calloc(1, sizeof(*s->files));
	} else {
		s->files = daxmap_strv_copy(daxmap_config_get_files(cfg));
		if (s->files && daxmap_config_checks_new(cfg, t, &s->checks) < 0)
			goto oom;
	}
	if (!s->files)
		goto oom;
	s->has_last_apply = daxmap_last_apply_read(ctx, &s->last_apply) == 0;
	*ret = s;
	return 0;
oom:
	daxmap_config_status_free(s);
	return -ENOMEM;
}

DAXMAP_EXPORT const char *
daxmap_config_status_get_dir(struct daxmap_config_status *s)
{
	return s ? s->dir : NULL;
}

DAXMAP_EXPORT const char *
daxmap_config_status_get_file(struct daxmap_config_status *s, int i)
{
	return s ? daxmap_strv_at(s->files, i) : NULL;
}

DAXMAP_EXPORT const char *
daxmap_config_status_get_error(struct daxmap_config_status *s)
{
	return s ? s->error : NULL;
}

DAXMAP_EXPORT struct daxmap_config_check *
daxmap_config_status_get_checks(struct daxmap_config_status *s)
{
	return s ? s->checks : NULL;
}

DAXMAP_EXPORT int
daxmap_config_status_get_last_apply(struct daxmap_config_status *s,
				    struct daxmap_apply_summary *ret)
{
	if (!s || !s->has_last_apply)
		return -ENOENT;
	*ret = s->last_apply;
	return 0;
}
