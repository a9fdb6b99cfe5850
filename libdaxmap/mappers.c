// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The processes that map a dax device, and the page tables each pays for
 * it, found in /proc/PID/maps below the context's root.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "private.h"

void daxmap_mappers_free(struct daxmap_mapper *list)
{
	while (list) {
		struct daxmap_mapper *next = list->next;

		free(list->comm);
		free(list);
		list = next;
	}
}

/* Bytes of @pid's address space that map @chardev; -errno if unreadable. */
static int mapped_bytes(struct daxmap_ctx *ctx, const char *pid,
			const char *chardev, uint64_t *ret)
{
	_cleanup_free_ char *path = NULL, *line = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	uint64_t total = 0;
	size_t size = 0;
	ssize_t n;

	if (asprintf(&path, "/proc/%s/maps", pid) < 0)
		return -ENOMEM;
	f = daxmap_fopen(ctx, path);
	if (!f)
		return -errno;
	while ((n = getline(&line, &size, f)) > 0) {
		uint64_t start, end;
		int name_at = 0;

		if (line[n - 1] == '\n')
			line[--n] = '\0';
		/* start-end perms offset dev inode pathname */
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %*s %*s %*s %n",
			   &start, &end, &name_at) < 2 || !name_at)
			continue;
		if (strcmp(line + name_at, chardev) == 0 && end > start)
			total += end - start;
	}
	*ret = total;
	return 0;
}

/*
 * Who a process belongs to, for who may see it: the owner of /proc/PID,
 * its effective uid, or root's when it is not dumpable (a setuid program
 * a user started is not that user's to look into).
 */
static uid_t owner_of(struct daxmap_ctx *ctx, const char *proc,
		      const char *pid)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (asprintf(&path, "%s/%s", proc, pid) < 0 || stat(path, &st) < 0)
		return (uid_t)-1;
	return st.st_uid;
}

/* The rule of who sees which process: root all, a user their own. */
DAXMAP_EXPORT bool daxmap_mapper_visible_to(struct daxmap_mapper *m,
					    uid_t viewer)
{
	return viewer == 0 || (m->uid != (uid_t)-1 && m->uid == viewer);
}

DAXMAP_EXPORT uid_t daxmap_mapper_get_uid(struct daxmap_mapper *m)
{
	return m->uid;
}

int daxmap_mappers_scan(struct daxmap_ctx *ctx, const char *chardev,
			uint64_t align, const struct daxmap_model *m,
			struct daxmap_mapper **ret_list)
{
	struct daxmap_mapper *list = NULL, **tail = &list;
	_cleanup_closedir_ DIR *dir = NULL;
	_cleanup_free_ char *proc = NULL;
	struct dirent *de;
	int r;

	r = daxmap_path(ctx, "/proc", &proc);
	if (r < 0)
		return r;
	dir = opendir(proc);
	if (!dir)
		return -errno;

	while ((de = readdir(dir))) {
		_cleanup_free_ char *comm_path = NULL, *comm = NULL;
		struct daxmap_mapper *mapper;
		uint64_t bytes = 0;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		/* Processes come and go, and others' maps need privilege. */
		r = mapped_bytes(ctx, de->d_name, chardev, &bytes);
		if (r < 0) {
			dbg(ctx, "skipping pid %s: %s\n", de->d_name,
			    strerror(-r));
			continue;
		}
		if (!bytes)
			continue;

		if (asprintf(&comm_path, "/proc/%s/comm", de->d_name) < 0)
			goto oom;
		if (daxmap_read_file(ctx, comm_path, &comm) < 0) {
			comm = strdup("?");
			if (!comm)
				goto oom;
		}
		mapper = calloc(1, sizeof(*mapper));
		if (!mapper)
			goto oom;
		mapper->pid = atoi(de->d_name);
		mapper->uid = owner_of(ctx, proc, de->d_name);
		mapper->comm = TAKE_PTR(comm);
		mapper->mapped_bytes = bytes;
		mapper->pagetable_bytes =
			daxmap_model_mapping_pagetables(m, bytes, align);
		*tail = mapper;
		tail = &mapper->next;
	}
	*ret_list = list;
	return 0;

oom:
	daxmap_mappers_free(list);
	return -ENOMEM;
}
