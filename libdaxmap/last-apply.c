// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The record of the last apply that changed the host, STATE/last-apply:
 * written atomically by an apply, read by status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"

/* The record of the last apply that changed the host, in the state dir. */
#define LAST_APPLY_FILE "last-apply"

static int last_apply_path(struct daxmap_ctx *ctx, char **ret)
{
	return asprintf(ret, "%s/" LAST_APPLY_FILE, ctx->state_dir) < 0 ?
		       -ENOMEM : 0;
}

int daxmap_last_apply_write(struct daxmap_ctx *ctx,
			    const struct daxmap_apply_summary *s)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	int r, len;

	r = last_apply_path(ctx, &path);
	if (r < 0)
		return r;
	len = asprintf(&buf, "time=%s\nunchanged=%u\ncreated=%u\nrecreated=%u\n"
		       "drifted=%u\nfailed=%u\n", s->time, s->unchanged,
		       s->created, s->recreated, s->drifted, s->failed);
	if (len < 0) {
		buf = NULL;
		return -ENOMEM;
	}
	return daxmap_write_file_atomic(path, buf, (size_t)len);
}

static int summary_key(const char *key, const char *value, void *userdata)
{
	struct daxmap_apply_summary *s = userdata;
	unsigned int *count = NULL;

	if (strcmp(key, "time") == 0)
		snprintf(s->time, sizeof(s->time), "%s", value);
	else if (strcmp(key, "unchanged") == 0)
		count = &s->unchanged;
	else if (strcmp(key, "created") == 0)
		count = &s->created;
	else if (strcmp(key, "recreated") == 0)
		count = &s->recreated;
	else if (strcmp(key, "drifted") == 0)
		count = &s->drifted;
	else if (strcmp(key, "failed") == 0)
		count = &s->failed;
	if (count)
		*count = (unsigned int)strtoul(value, NULL, 10);
	return 0;
}

int daxmap_last_apply_read(struct daxmap_ctx *ctx,
			   struct daxmap_apply_summary *ret)
{
	_cleanup_free_ char *path = NULL;
	struct daxmap_apply_summary s = { 0 };
	int r;

	r = last_apply_path(ctx, &path);
	if (r < 0)
		return r;
	r = daxmap_read_key_values(path, summary_key, &s);
	if (r < 0)
		return r;
	if (!s.time[0])
		return -EBADMSG;
	*ret = s;
	return 0;
}
