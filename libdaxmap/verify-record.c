// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the last verify of each device measured, kept below the state
 * directory (verify/KEY, one "key=value" a line) so that status can show
 * the measured page tables of a mapping beside the model's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* A uuid or a device name: nothing that could leave the directory. */
static int record_path(struct daxmap_ctx *ctx, const char *key, char **ret)
{
	if (!*key || key[0] == '.' ||
	    strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(key))
		return -EINVAL;
	if (asprintf(ret, "%s/verify/%s", daxmap_get_state_dir(ctx), key) < 0)
		return -ENOMEM;
	return 0;
}

int daxmap_verify_record_write(struct daxmap_ctx *ctx, const char *key,
			       const struct daxmap_verify_summary *s)
{
	_cleanup_free_ char *path = NULL, *dir = NULL, *text = NULL;
	int r, len;

	r = record_path(ctx, key, &path);
	if (r < 0)
		return r;
	if (asprintf(&dir, "%s/verify", daxmap_get_state_dir(ctx)) < 0)
		return -ENOMEM;
	r = daxmap_mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	len = asprintf(&text,
		       "time=%s\npassed=%d\nalign=%" PRIu64
		       "\nkernel_page_size=%" PRIu64 "\nmapped_bytes=%" PRIu64
		       "\npagetable_bytes=%" PRIu64
		       "\nmodel_pagetable_bytes=%" PRIu64 "\n",
		       s->time, s->passed, s->align, s->kernel_page_size,
		       s->mapped_bytes, s->pagetable_bytes,
		       s->model_pagetable_bytes);
	if (len < 0) {
		text = NULL;
		return -ENOMEM;
	}
	return daxmap_write_file_atomic(path, text, (size_t)len);
}

static int summary_key(const char *key, const char *value, void *userdata)
{
	struct daxmap_verify_summary *s = userdata;

	if (!strcmp(key, "time"))
		snprintf(s->time, sizeof(s->time), "%s", value);
	else if (!strcmp(key, "passed"))
		s->passed = !strcmp(value, "1");
	else if (!strcmp(key, "align"))
		s->align = strtoull(value, NULL, 10);
	else if (!strcmp(key, "kernel_page_size"))
		s->kernel_page_size = strtoull(value, NULL, 10);
	else if (!strcmp(key, "mapped_bytes"))
		s->mapped_bytes = strtoull(value, NULL, 10);
	else if (!strcmp(key, "pagetable_bytes"))
		s->pagetable_bytes = strtoull(value, NULL, 10);
	else if (!strcmp(key, "model_pagetable_bytes"))
		s->model_pagetable_bytes = strtoull(value, NULL, 10);
	return 0;
}

int daxmap_verify_record_read(struct daxmap_ctx *ctx, const char *key,
			      struct daxmap_verify_summary *ret)
{
	_cleanup_free_ char *path = NULL;
	struct daxmap_verify_summary s = { 0 };
	int r;

	r = record_path(ctx, key, &path);
	if (r < 0)
		return r;
	r = daxmap_read_key_values(path, summary_key, &s);
	if (r < 0)
		return r;
	if (!s.align || !s.mapped_bytes)
		return -EBADMSG;
	*ret = s;
	return 0;
}
