// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading /sys and /proc below the context's root, so that the same readers
 * run on the live system and on fixture trees.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

int daxmap_path(struct daxmap_ctx *ctx, const char *path, char **ret_path)
{
	char *p;

	if (path[0] != '/')
		return -EINVAL;
	if (asprintf(&p, "%s%s", ctx->root, path) < 0)
		return -ENOMEM;
	*ret_path = p;
	return 0;
}

FILE *daxmap_fopen(struct daxmap_ctx *ctx, const char *path)
{
	_cleanup_free_ char *full = NULL;
	int r;

	r = daxmap_path(ctx, path, &full);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	return fopen(full, "re");
}

int daxmap_read_file(struct daxmap_ctx *ctx, const char *path, char **ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	ssize_t n;

	f = daxmap_fopen(ctx, path);
	if (!f)
		return -errno;
	/* Small files only: sysfs attributes and one-line proc entries. */
	n = getdelim(&buf, &size, '\0', f);
	if (n < 0)
		return ferror(f) ? -EIO : -ENODATA;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	*ret = TAKE_PTR(buf);
	return 0;
}

int daxmap_read_keyed_u64(struct daxmap_ctx *ctx, const char *path,
			  const char *key, uint64_t *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t keylen = strlen(key), size = 0;

	f = daxmap_fopen(ctx, path);
	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		const char *p = line;
		char *end;
		uint64_t v;

		if (strncmp(p, key, keylen) != 0)
			continue;
		p += keylen;
		if (*p == ':')
			p++;
		if (*p != ' ' && *p != '\t')
			continue;
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || end == p)
			return -EBADMSG;
		*ret = v;
		return 0;
	}
	return -ENOENT;
}

int daxmap_read_u64(struct daxmap_ctx *ctx, const char *path, uint64_t *ret)
{
	_cleanup_free_ char *value = NULL;
	char *end;
	uint64_t v;
	int r;

	r = daxmap_read_file(ctx, path, &value);
	if (r < 0)
		return r;
	/* strtoull() would take "-1" and " 1": a count has neither. */
	if (!isdigit((unsigned char)value[0]))
		return -EBADMSG;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno || *end)
		return -EBADMSG;
	*ret = v;
	return 0;
}
