// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Who uses a device: the processes that map it (found in their maps) and
 * those that hold it open (found among their file descriptors). A device
 * in use is not destroyed or reconfigured under them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

/* The first process with @path open, as "pid N (comm)"; 0 when none. */
static int find_opener(struct daxmap_ctx *ctx, const char *path, char *buf,
		       size_t len)
{
	_cleanup_closedir_ DIR *proc = NULL;
	_cleanup_free_ char *procdir = NULL;
	struct dirent *de;
	int r;

	r = daxmap_path(ctx, "/proc", &procdir);
	if (r < 0)
		return r;
	proc = opendir(procdir);
	if (!proc)
		return -errno;
	while ((de = readdir(proc))) {
		_cleanup_closedir_ DIR *fds = NULL;
		_cleanup_free_ char *fddir = NULL;
		struct dirent *fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		if (asprintf(&fddir, "%s/%s/fd", procdir, de->d_name) < 0)
			return -ENOMEM;
		fds = opendir(fddir);
		if (!fds)
			continue;
		while ((fd = readdir(fds))) {
			char link[4096], target[4096];
			ssize_t n;

			snprintf(link, sizeof(link), "%s/%s", fddir,
				 fd->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, path) == 0) {
				_cleanup_free_ char *comm_path = NULL,
						    *comm = NULL;

				if (asprintf(&comm_path, "/proc/%s/comm",
					     de->d_name) < 0)
					return -ENOMEM;
				daxmap_read_file(ctx, comm_path, &comm);
				snprintf(buf, len, "pid %s (%s)", de->d_name,
					 comm ? comm : "?");
				return 1;
			}
		}
	}
	return 0;
}

int daxmap_check_users(struct daxmap_ctx *ctx, const char *devname,
		       const char *chardev, bool allow_open,
		       enum daxmap_reason *ret_reason, char **ret_message)
{
	struct daxmap_mapper *mappers = NULL;
	struct daxmap_model m;
	char who[300];
	int r;

	daxmap_model_init(&m);
	r = daxmap_mappers_scan(ctx, chardev, m.page_size, &m, &mappers);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot tell whether %s is mapped: %s",
				     chardev, strerror(-r));
	if (mappers) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_BUSY, -EBUSY,
				  "%s is mapped by pid %d (%s): stop it first; --force does not override this",
				  devname, mappers->pid, mappers->comm);
		daxmap_mappers_free(mappers);
		return r;
	}
	r = find_opener(ctx, chardev, who, sizeof(who));
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot tell whether %s is open: %s",
				     chardev, strerror(-r));
	if (r > 0 && !allow_open)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_BUSY, -EBUSY,
				     "%s is held open by %s: close it, or --force",
				     devname, who);
	return 0;
}
