// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The records daxmap keeps below its state directory: one file per
 * namespace it created (namespaces/UUID), per dax device it made on a
 * dynamic region (devices/UUID), per create under way (pending/UUID) and
 * per kernel's device an apply is replacing (replacing/UUID), so that a
 * crash part way is found by the next run and a namespace or device
 * daxmap did not create is never mistaken for one it did.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

static const char *kind_dir(enum daxmap_record_kind kind)
{
	switch (kind) {
	case DAXMAP_RECORD_PENDING:
		return "pending";
	case DAXMAP_RECORD_DEVICE:
		return "devices";
	case DAXMAP_RECORD_REPLACING:
		return "replacing";
	default:
		return "namespaces";
	}
}

void daxmap_record_clear(struct daxmap_record *rec)
{
	free(rec->name);
	free(rec->region);
	free(rec->mode);
	free(rec->device);
	memset(rec, 0, sizeof(*rec));
}

/* A uuid as libuuid prints it: nothing else may name a record file. */
static bool uuid_valid(const char *uuid)
{
	size_t i;

	if (strlen(uuid) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? uuid[i] != '-' :
			   !strchr("0123456789abcdef", uuid[i]))
			return false;
	}
	return true;
}

static int record_path(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
		       const char *uuid, char **ret)
{
	if (uuid && !uuid_valid(uuid))
		return -EINVAL;
	if (asprintf(ret, "%s/%s%s%s", ctx->state_dir, kind_dir(kind),
		     uuid ? "/" : "", uuid ? uuid : "") < 0)
		return -ENOMEM;
	return 0;
}

int daxmap_record_write(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
			const struct daxmap_record *rec)
{
	_cleanup_free_ char *dir = NULL, *path = NULL, *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	r = record_path(ctx, kind, NULL, &dir);
	if (r < 0)
		return r;
	r = record_path(ctx, kind, rec->uuid, &path);
	if (r < 0)
		return r;
	r = daxmap_mkdir_p(dir, 0755);
	if (r < 0)
		return r;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "uuid=%s\n", rec->uuid);
	fprintf(f, "name=%s\n", rec->name ? rec->name : "");
	fprintf(f, "region=%s\n", rec->region ? rec->region : "");
	fprintf(f, "mode=%s\n", rec->mode ? rec->mode : "");
	fprintf(f, "size=%" PRIu64 "\n", rec->size);
	fprintf(f, "align=%" PRIu64 "\n", rec->align);
	fprintf(f, "map=%s\n", daxmap_map_name(rec->map));
	if (rec->has_measured)
		fprintf(f, "measured_ram_bytes=%" PRId64 "\n",
			rec->measured_ram_bytes);
	if (rec->has_kernel)
		fprintf(f, "kernel_bytes=%" PRId64 "\n", rec->kernel_bytes);
	/* A dax device on a dynamic region: its name and where it lies. */
	if (rec->device)
		fprintf(f, "device=%s\nresource=%" PRIu64 "\nboot=%s\n",
			rec->device, rec->resource, rec->boot);
	if (rec->memmap_on_memory)
		fprintf(f, "memmap_on_memory=1\n");
	if (rec->owner_pid > 0)
		fprintf(f, "owner_pid=%d\nowner_boot=%s\n", rec->owner_pid,
			rec->owner_boot);

	if (fclose(f) != 0)
		return -ENOMEM;
	/* The record must survive the crash it exists to recover from. */
	return daxmap_write_file_atomic(path, buf, len);
}

static int set_string(char **field, const char *value)
{
	free(*field);
	*field = *value ? strdup(value) : NULL;
	return *value && !*field ? -ENOMEM : 0;
}

static int record_key(const char *key, const char *value, void *userdata)
{
	struct daxmap_record *rec = userdata;

	if (strcmp(key, "name") == 0)
		return set_string(&rec->name, value);
	if (strcmp(key, "region") == 0)
		return set_string(&rec->region, value);
	if (strcmp(key, "mode") == 0)
		return set_string(&rec->mode, value);
	if (strcmp(key, "device") == 0)
		return set_string(&rec->device, value);
	if (strcmp(key, "boot") == 0) {
		snprintf(rec->boot, sizeof(rec->boot), "%s", value);
		return 0;
	}
	if (strcmp(key, "memmap_on_memory") == 0) {
		rec->memmap_on_memory = strcmp(value, "1") == 0;
		return 0;
	}
	if (strcmp(key, "resource") == 0) {
		rec->resource = strtoull(value, NULL, 10);
		return 0;
	}
	if (strcmp(key, "size") == 0) {
		rec->size = strtoull(value, NULL, 10);
	} else if (strcmp(key, "align") == 0) {
		rec->align = strtoull(value, NULL, 10);
	} else if (strcmp(key, "map") == 0) {
		daxmap_map_from_name(value, &rec->map);
	} else if (strcmp(key, "measured_ram_bytes") == 0) {
		rec->has_measured = true;
		rec->measured_ram_bytes = strtoll(value, NULL, 10);
	} else if (strcmp(key, "kernel_bytes") == 0) {
		rec->has_kernel = true;
		rec->kernel_bytes = strtoll(value, NULL, 10);
	} else if (strcmp(key, "owner_pid") == 0) {
		long pid = strtol(value, NULL, 10);

		rec->owner_pid = pid > 0 && pid <= INT_MAX ? (int)pid : 0;
	} else if (strcmp(key, "owner_boot") == 0) {
		snprintf(rec->owner_boot, sizeof(rec->owner_boot), "%s", value);
	}
	return 0;
}

int daxmap_record_read(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
		       const char *uuid, struct daxmap_record *ret)
{
	_cleanup_free_ char *path = NULL;
	struct daxmap_record rec = { 0 };
	int r;

	r = record_path(ctx, kind, uuid, &path);
	if (r < 0)
		return r;
	snprintf(rec.uuid, sizeof(rec.uuid), "%s", uuid);
	r = daxmap_read_key_values(path, record_key, &rec);
	if (r < 0) {
		daxmap_record_clear(&rec);
		return r;
	}
	*ret = rec;
	return 0;
}

int daxmap_record_remove(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
			 const char *uuid)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = record_path(ctx, kind, uuid, &path);
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int daxmap_record_list(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
		       char ***ret_uuids)
{
	_cleanup_closedir_ DIR *dir = NULL;
	_cleanup_free_ char *path = NULL;
	char **list = NULL;
	size_t n = 0;
	struct dirent *de;
	int r;

	r = record_path(ctx, kind, NULL, &path);
	if (r < 0)
		return r;
	dir = opendir(path);
	if (!dir) {
		if (errno != ENOENT)
			return -errno;
	} else {
		while ((de = readdir(dir))) {
			char **grown;

			if (!uuid_valid(de->d_name))
				continue;
			grown = realloc(list, (n + 2) * sizeof(*list));
			if (!grown)
				goto oom;
			list = grown;
			list[n] = strdup(de->d_name);
			if (!list[n])
				goto oom;
			list[++n] = NULL;
		}
	}
	if (!list) {
		list = calloc(1, sizeof(*list));
		if (!list)
			return -ENOMEM;
	}
	*ret_uuids = list;
	return 0;
oom:
	if (list)
		list[n] = NULL;
	daxmap_strv_free(list);
	return -ENOMEM;
}

void daxmap_record_set_owner(struct daxmap_record *rec)
{
	rec->owner_pid = (int)getpid();
	daxmap_boot_id(rec->owner_boot);
}

bool daxmap_record_owner_runs(const struct daxmap_record *rec)
{
	char boot[37];

	if (rec->owner_pid <= 0 || rec->owner_pid == (int)getpid())
		return false;
	daxmap_boot_id(boot);
	if (!boot[0] || strcmp(boot, rec->owner_boot) != 0)
		return false;
	/* EPERM: it runs, as another user. */
	return kill(rec->owner_pid, 0) == 0 || errno == EPERM;
}

bool daxmap_record_same_boot(const struct daxmap_record *rec)
{
	char boot[37];

	daxmap_boot_id(boot);
	return boot[0] && strcmp(boot, rec->boot) == 0;
}
