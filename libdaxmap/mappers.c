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
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "private.h"
#include "topology.h"

void daxmap_mappers_free(struct daxmap_mapper *list)
{
	while (list) {
		struct daxmap_mapper *next = list->next;

		free(list->comm);
		free(list);
		list = next;
	}
}

/* A device the pass looks for, and the mappers it finds of it. */
struct target {
	const char *chardev;
	uint64_t align;
	uint64_t bytes;			/* of the process being read */
	struct daxmap_mapper **tail;
};

/*
 * Adds to each target's bytes what @pid's address space maps of it, in
 * one read of its maps; -errno if unreadable.
 */
static int mapped_bytes(struct daxmap_ctx *ctx, const char *pid,
			struct target *targets, size_t n)
{
	_cleanup_free_ char *path = NULL, *line = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	size_t size = 0, i;
	ssize_t len;

	if (asprintf(&path, "/proc/%s/maps", pid) < 0)
		return -ENOMEM;
	f = daxmap_fopen(ctx, path);
	if (!f)
		return -errno;
	while ((len = getline(&line, &size, f)) > 0) {
		uint64_t start, end;
		int name_at = 0;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		/* Most lines are not a device's: skip them before sscanf. */
		if (!strstr(line, " /dev/"))
			continue;
		/* start-end perms offset dev inode pathname */
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %*s %*s %*s %n",
			   &start, &end, &name_at) < 2 || !name_at ||
		    end <= start)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(line + name_at, targets[i].chardev) == 0) {
				targets[i].bytes += end - start;
				break;
			}
	}
	return 0;
}

/* The process's command, or "?" when it is gone or hidden; NULL on ENOMEM. */
static char *read_comm(struct daxmap_ctx *ctx, const char *pid)
{
	_cleanup_free_ char *comm_path = NULL;
	char *comm = NULL;

	if (asprintf(&comm_path, "/proc/%s/comm", pid) < 0)
		return NULL;
	if (daxmap_read_file(ctx, comm_path, &comm) < 0)
		comm = strdup("?");
	return comm;
}

static uid_t owner_of(struct daxmap_ctx *ctx, const char *proc,
		      const char *pid);

/*
 * One pass over /proc for all @targets: each process's maps are read
 * once, whatever the number of devices (a host with 64 dax devices and a
 * thousand processes read 64 000 maps files per status before).
 */
static int scan_targets(struct daxmap_ctx *ctx, struct target *targets,
			size_t n, const struct daxmap_model *m)
{
	_cleanup_closedir_ DIR *dir = NULL;
	_cleanup_free_ char *proc = NULL;
	struct dirent *de;
	size_t i;
	int r;

	r = daxmap_path(ctx, "/proc", &proc);
	if (r < 0)
		return r;
	dir = opendir(proc);
	if (!dir)
		return -errno;

	while ((de = readdir(dir))) {
		_cleanup_free_ char *comm = NULL;
		bool any = false;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		for (i = 0; i < n; i++)
			targets[i].bytes = 0;
		/* Processes come and go, and others' maps need privilege. */
		r = mapped_bytes(ctx, de->d_name, targets, n);
		if (r < 0) {
			dbg(ctx, "skipping pid %s: %s\n", de->d_name,
			    strerror(-r));
			continue;
		}
		for (i = 0; i < n; i++)
			any |= targets[i].bytes > 0;
		if (!any)
			continue;

		comm = read_comm(ctx, de->d_name);
		if (!comm)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			struct daxmap_mapper *mapper;

			if (!targets[i].bytes)
				continue;
			mapper = calloc(1, sizeof(*mapper));
			if (!mapper)
				return -ENOMEM;
			mapper->comm = strdup(comm);
			if (!mapper->comm) {
				free(mapper);
				return -ENOMEM;
			}
			mapper->pid = atoi(de->d_name);
			mapper->uid = owner_of(ctx, proc, de->d_name);
			mapper->mapped_bytes = targets[i].bytes;
			mapper->pagetable_bytes = daxmap_model_mapping_pagetables(
				m, targets[i].bytes, targets[i].align);
			*targets[i].tail = mapper;
			targets[i].tail = &mapper->next;
		}
	}
	return 0;
}

int daxmap_mappers_scan(struct daxmap_ctx *ctx, const char *chardev,
			uint64_t align, const struct daxmap_model *m,
			struct daxmap_mapper **ret_list)
{
	struct daxmap_mapper *list = NULL;
	struct target target = {
		.chardev = chardev,
		.align = align,
		.tail = &list,
	};
	int r;

	r = scan_targets(ctx, &target, 1, m);
	if (r < 0) {
		daxmap_mappers_free(list);
		return r;
	}
	*ret_list = list;
	return 0;
}

DAXMAP_EXPORT int daxmap_topology_rescan_mappers(struct daxmap_ctx *ctx,
						 struct daxmap_kernel *k,
						 struct daxmap_topology *t)
{
	struct daxmap_model model;
	struct daxmap_device *d;

	if (!t)
		return -EINVAL;
	if (k)
		daxmap_kernel_get_model(k, &model);
	else
		daxmap_model_init(&model);
	for (d = t->devices; d; d = d->next) {
		daxmap_mappers_free(d->mappers);
		d->mappers = NULL;
	}
	return daxmap_mappers_scan_topology(ctx, t, &model);
}

/*
 * A pass over /proc kept apart from the topology it is for: the devices'
 * names and aligns copied where the topology lives, the pass run on any
 * thread (it touches nothing else), its mappers put on the topology back
 * where it lives. A daemon answers from its topology meanwhile.
 */
struct mapper_pass_device {
	char *chardev;
	uint64_t align;
	struct daxmap_mapper *mappers;
};

struct daxmap_mapper_pass {
	struct daxmap_model model;
	size_t n;
	struct mapper_pass_device *devices;
};

DAXMAP_EXPORT void daxmap_mapper_pass_free(struct daxmap_mapper_pass *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->devices[i].chardev);
		daxmap_mappers_free(p->devices[i].mappers);
	}
	free(p->devices);
	free(p);
}

DAXMAP_EXPORT int daxmap_mapper_pass_new(struct daxmap_kernel *k,
					 struct daxmap_topology *t,
					 struct daxmap_mapper_pass **ret)
{
	struct daxmap_mapper_pass *p;
	struct daxmap_device *d;
	size_t n = 0;

	if (!t || !ret)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (k)
		daxmap_kernel_get_model(k, &p->model);
	else
		daxmap_model_init(&p->model);
	for (d = t->devices; d; d = d->next)
		n += d->chardev != NULL;
	p->devices = calloc(n ? n : 1, sizeof(*p->devices));
	if (!p->devices) {
		free(p);
		return -ENOMEM;
	}
	for (d = t->devices; d; d = d->next) {
		struct mapper_pass_device *pd = &p->devices[p->n];

		if (!d->chardev)
			continue;
		pd->chardev = strdup(d->chardev);
		if (!pd->chardev) {
			daxmap_mapper_pass_free(p);
			return -ENOMEM;
		}
		/* Kernels before 5.10 have no per-device align: the base page. */
		pd->align = d->align ? d->align : p->model.page_size;
		p->n++;
	}
	*ret = p;
	return 0;
}

DAXMAP_EXPORT int daxmap_mapper_pass_run(struct daxmap_ctx *ctx,
					 struct daxmap_mapper_pass *p)
{
	_cleanup_free_ struct target *targets = NULL;
	size_t i;
	int r;

	if (!p)
		return -EINVAL;
	for (i = 0; i < p->n; i++) {
		daxmap_mappers_free(p->devices[i].mappers);
		p->devices[i].mappers = NULL;
	}
	if (!p->n)
		return 0;
	targets = calloc(p->n, sizeof(*targets));
	if (!targets)
		return -ENOMEM;
	for (i = 0; i < p->n; i++) {
		targets[i].chardev = p->devices[i].chardev;
		targets[i].align = p->devices[i].align;
		targets[i].tail = &p->devices[i].mappers;
	}
	r = scan_targets(ctx, targets, p->n, &p->model);
	if (r < 0)
		for (i = 0; i < p->n; i++) {
			daxmap_mappers_free(p->devices[i].mappers);
			p->devices[i].mappers = NULL;
		}
	return r;
}

static bool mappers_equal(const struct daxmap_mapper *a,
			  const struct daxmap_mapper *b)
{
	for (; a && b; a = a->next, b = b->next)
		if (a->pid != b->pid || a->uid != b->uid ||
		    a->mapped_bytes != b->mapped_bytes ||
		    a->pagetable_bytes != b->pagetable_bytes ||
		    strcmp(a->comm, b->comm) != 0)
			return false;
	return !a && !b;
}

DAXMAP_EXPORT int daxmap_topology_take_mappers(struct daxmap_topology *t,
					       struct daxmap_mapper_pass *p)
{
	struct daxmap_device *d;
	bool changed = false;
	size_t i;

	if (!t || !p)
		return -EINVAL;
	for (d = t->devices; d; d = d->next) {
		struct daxmap_mapper *found = NULL;

		/* In the topology's order, as the pass copied it. */
		for (i = 0; d->chardev && i < p->n; i++)
			if (p->devices[i].chardev &&
			    strcmp(p->devices[i].chardev, d->chardev) == 0) {
				found = p->devices[i].mappers;
				p->devices[i].mappers = NULL;
				break;
			}
		changed |= !mappers_equal(d->mappers, found);
		daxmap_mappers_free(d->mappers);
		d->mappers = found;
	}
	return changed;
}

int daxmap_mappers_scan_topology(struct daxmap_ctx *ctx,
				 struct daxmap_topology *t,
				 const struct daxmap_model *m)
{
	_cleanup_free_ struct target *targets = NULL;
	struct daxmap_device *d;
	size_t n = 0;
	int r;

	for (d = t->devices; d; d = d->next)
		n++;
	if (!n)
		return 0;
	targets = calloc(n, sizeof(*targets));
	if (!targets)
		return -ENOMEM;
	n = 0;
	for (d = t->devices; d; d = d->next) {
		if (!d->chardev)
			continue;
		targets[n].chardev = d->chardev;
		/* Kernels before 5.10 have no per-device align: the base page. */
		targets[n].align = d->align ? d->align : m->page_size;
		targets[n].tail = &d->mappers;
		n++;
	}
	r = scan_targets(ctx, targets, n, m);
	if (r < 0)
		for (d = t->devices; d; d = d->next) {
			daxmap_mappers_free(d->mappers);
			d->mappers = NULL;
		}
	return r;
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
