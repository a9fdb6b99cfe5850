// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library context: reference count, logging and the root below which
 * /sys and /proc are read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

__attribute__((format(printf, 6, 0)))
static void log_stderr(struct daxmap_ctx *ctx, int priority, const char *file,
		       int line, const char *fn, const char *format,
		       va_list args)
{
	(void)ctx;
	(void)priority;
	(void)file;
	(void)line;
	fprintf(stderr, "libdaxmap: %s: ", fn);
	vfprintf(stderr, format, args);
}

/* Accepts a syslog number or a name, the way DAXMAP_LOG is documented. */
static int log_priority_from_string(const char *s)
{
	static const char *const names[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info",
		"debug",
	};
	char *end;
	long prio;
	size_t i;

	prio = strtol(s, &end, 10);
	if (end != s && *end == '\0' && prio >= LOG_EMERG && prio <= LOG_DEBUG)
		return (int)prio;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

DAXMAP_EXPORT int daxmap_new(struct daxmap_ctx **ret_ctx)
{
	struct daxmap_ctx *ctx;
	const char *env;
	int r;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->refcount = 1;
	ctx->lock_fd = -1;
	ctx->log_fn = log_stderr;
	ctx->log_priority = LOG_ERR;

	env = secure_getenv("DAXMAP_LOG");
	if (env) {
		r = log_priority_from_string(env);
		if (r >= 0)
			ctx->log_priority = r;
	}

	env = secure_getenv("DAXMAP_ROOT");
	r = daxmap_set_root(ctx, env ? env : "/");
	if (r >= 0) {
		env = secure_getenv("DAXMAP_STATE_DIR");
		r = daxmap_set_state_dir(ctx, env ? env : DAXMAP_STATE_DIR);
	}
	if (r >= 0) {
		env = secure_getenv("DAXMAP_CONFIG_DIR");
		r = daxmap_set_config_dir(ctx, env ? env : DAXMAP_CONFIG_DIR);
	}
	if (r < 0) {
		daxmap_unref(ctx);
		return r;
	}

	*ret_ctx = ctx;
	return 0;
}

DAXMAP_EXPORT struct daxmap_ctx *daxmap_ref(struct daxmap_ctx *ctx)
{
	if (ctx)
		ctx->refcount++;
	return ctx;
}

DAXMAP_EXPORT struct daxmap_ctx *daxmap_unref(struct daxmap_ctx *ctx)
{
	if (!ctx || --ctx->refcount > 0)
		return NULL;
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	free(ctx->root);
	free(ctx->state_dir);
	free(ctx->config_dir);
	free(ctx);
	return NULL;
}

DAXMAP_EXPORT void daxmap_set_log_fn(struct daxmap_ctx *ctx,
				     daxmap_log_fn log_fn)
{
	ctx->log_fn = log_fn ? log_fn : log_stderr;
}

DAXMAP_EXPORT void daxmap_set_log_priority(struct daxmap_ctx *ctx,
					   int priority)
{
	ctx->log_priority = priority;
}

DAXMAP_EXPORT int daxmap_get_log_priority(struct daxmap_ctx *ctx)
{
	return ctx->log_priority;
}

DAXMAP_EXPORT void daxmap_set_userdata(struct daxmap_ctx *ctx, void *userdata)
{
	ctx->userdata = userdata;
}

DAXMAP_EXPORT void *daxmap_get_userdata(struct daxmap_ctx *ctx)
{
	return ctx->userdata;
}

void daxmap_log(struct daxmap_ctx *ctx, int priority, const char *file,
		int line, const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	ctx->log_fn(ctx, priority, file, line, fn, format, args);
	va_end(args);
}

DAXMAP_EXPORT int daxmap_set_root(struct daxmap_ctx *ctx, const char *root)
{
	size_t len;
	char *copy;

	if (!root || root[0] != '/')
		return -EINVAL;
	len = strlen(root);
	while (len > 0 && root[len - 1] == '/')
		len--;
	copy = strndup(root, len);
	if (!copy)
		return -ENOMEM;
	free(ctx->root);
	ctx->root = copy;
	return 0;
}

DAXMAP_EXPORT const char *daxmap_get_root(struct daxmap_ctx *ctx)
{
	return ctx->root[0] ? ctx->root : "/";
}

/* Replaces *@field with a copy of the absolute path @dir. */
static int set_dir(char **field, const char *dir)
{
	char *copy;

	if (!dir || dir[0] != '/')
		return -EINVAL;
	copy = strdup(dir);
	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

DAXMAP_EXPORT int daxmap_set_state_dir(struct daxmap_ctx *ctx,
				       const char *dir)
{
	return set_dir(&ctx->state_dir, dir);
}

DAXMAP_EXPORT const char *daxmap_get_state_dir(struct daxmap_ctx *ctx)
{
	return ctx->state_dir;
}

DAXMAP_EXPORT int daxmap_set_measure(struct daxmap_ctx *ctx,
				     enum daxmap_measure measure)
{
	if (!ctx || (unsigned int)measure > DAXMAP_MEASURE_ON)
		return -EINVAL;
	ctx->measure = measure;
	return 0;
}

DAXMAP_EXPORT enum daxmap_measure daxmap_get_measure(struct daxmap_ctx *ctx)
{
	return ctx->measure;
}

DAXMAP_EXPORT int daxmap_set_config_dir(struct daxmap_ctx *ctx,
					const char *dir)
{
	return set_dir(&ctx->config_dir, dir);
}

DAXMAP_EXPORT const char *daxmap_get_config_dir(struct daxmap_ctx *ctx)
{
	return ctx->config_dir;
}

bool daxmap_ctx_is_real_root(struct daxmap_ctx *ctx)
{
	return ctx->root[0] == '\0';
}

DAXMAP_EXPORT const char *daxmap_version(void)
{
	return DAXMAP_VERSION_STRING;
}

DAXMAP_EXPORT const char *daxmap_map_name(enum daxmap_map map)
{
	switch (map) {
	case DAXMAP_MAP_MEM:
		return "mem";
	case DAXMAP_MAP_DEV:
		return "dev";
	default:
		return "unknown";
	}
}

DAXMAP_EXPORT int daxmap_map_from_name(const char *name,
				       enum daxmap_map *ret_map)
{
	/* ndctl spells these "mem" and "dev"; accept its long names too. */
	if (strcmp(name, "mem") == 0 || strcmp(name, "ram") == 0) {
		*ret_map = DAXMAP_MAP_MEM;
		return 0;
	}
	if (strcmp(name, "dev") == 0 || strcmp(name, "pmem") == 0) {
		*ret_map = DAXMAP_MAP_DEV;
		return 0;
	}
	return -EINVAL;
}

DAXMAP_EXPORT const char *daxmap_tristate_name(enum daxmap_tristate t)
{
	switch (t) {
	case DAXMAP_YES:
		return "yes";
	case DAXMAP_NO:
		return "no";
	default:
		return "unknown";
	}
}

DAXMAP_EXPORT const char *daxmap_counter_name(enum daxmap_counter c)
{
	switch (c) {
	case DAXMAP_COUNTER_NONE:
		return "none";
	case DAXMAP_COUNTER_NOMINAL:
		return "nominal";
	case DAXMAP_COUNTER_DEDUP_DATA:
		return "dedup-data-only";
	case DAXMAP_COUNTER_EXACT:
		return "exact";
	default:
		return "unknown";
	}
}

DAXMAP_EXPORT const char *daxmap_kernel_patch_name(enum daxmap_kernel_patch p)
{
	/* The names daxmap's kernel patch series gives them. */
	switch (p) {
	case DAXMAP_PATCH_MEMMAP_EXACT:
		return "memmap-exact";
	case DAXMAP_PATCH_DAX_MEMMAP:
		return "dax-memmap";
	case DAXMAP_PATCH_HEAD_REUSE:
		return "head-reuse";
	case DAXMAP_PATCH_PTE_SHARE:
		return "pte-share";
	default:
		return NULL;
	}
}

DAXMAP_EXPORT const char *daxmap_source_name(enum daxmap_source s)
{
	switch (s) {
	case DAXMAP_SOURCE_KERNEL:
		return "kernel";
	case DAXMAP_SOURCE_MEASURED:
		return "measured";
	default:
		return "model";
	}
}
