// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Small helpers the library's files share: NULL-terminated string arrays,
 * and files written so that a crash leaves the old content or the new,
 * never half of one (the records of state.c, the last apply).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"

void daxmap_strv_free(char **strv)
{
	char **s;

	for (s = strv; s && *s; s++)
		free(*s);
	free(strv);
}

const char *daxmap_strv_at(char *const *strv, int i)
{
	int n;

	if (!strv || i < 0)
		return NULL;
	for (n = 0; n < i; n++)
		if (!strv[n])
			return NULL;
	return strv[i];
}

char **daxmap_strv_copy(char *const *strv)
{
	size_t n = 0, i;
	char **copy;

	while (strv && strv[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return NULL;
	for (i = 0; i < n; i++) {
		copy[i] = strdup(strv[i]);
		if (!copy[i]) {
			daxmap_strv_free(copy);
			return NULL;
		}
	}
	return copy;
}

/* Makes a rename in the directory of @path survive a power cut. */
static int fsync_parent(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	int fd, r = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int daxmap_write_file_atomic(const char *path, const char *content,
			     size_t len)
{
	_cleanup_free_ char *tmp = NULL;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	return daxmap_write_file_atomic_as(path, tmp, content, len, 0);
}

int daxmap_write_file_atomic_as(const char *path, const char *tmp,
				const char *content, size_t len, mode_t mode)
{
	ssize_t n;
	size_t done = 0;
	int fd, r;

	/*
	 * A temporary file of a crash is stale: gone first. Then only a file
	 * this call makes, never one a link points to.
	 */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	/* A mode of the caller's, whatever the umask says. */
	if (mode && fchmod(fd, mode) < 0)
		goto fail;
	while (done < len) {
		n = write(fd, content + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		done += (size_t)n;
	}
	/* The content reaches the disk before the name points at it. */
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	return fsync_parent(path);

fail:
	r = -errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int daxmap_mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *copy = strdup(path);
	char *p;

	if (!copy)
		return -ENOMEM;
	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

void daxmap_boot_id(char buf[static 37])
{
	_cleanup_fclose_ FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");

	buf[0] = '\0';
	if (!f || !fgets(buf, 37, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

int daxmap_read_key_values(const char *path,
			   int (*fn)(const char *key, const char *value,
				     void *userdata),
			   void *userdata)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	int r;

	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		char *value = strchr(line, '=');

		line[strcspn(line, "\n")] = '\0';
		if (!value)
			continue;
		*value++ = '\0';
		r = fn(line, value, userdata);
		if (r < 0)
			return r;
	}
	return 0;
}
