// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Measuring the RAM a memmap takes: the drop in free memory around the
 * enable of a device. MemFree alone misses the pages that sit on per-cpu
 * free lists and is off by megabytes, so those are added from
 * /proc/zoneinfo after the per-cpu counters are folded (stat_refresh) and
 * the caches that would otherwise shrink or grow meanwhile are dropped.
 *
 * Some frees land only after an RCU grace period: the inodes and dentries
 * that drop_caches let go, the page tables of a process that just exited.
 * A single reading taken halfway through them made the free RAM rise by
 * hundreds of pages during an enable, so a reading counts only once the
 * next one, a moment later, agrees with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

static int write_proc(struct daxmap_ctx *ctx, const char *path,
		      const char *value)
{
	_cleanup_free_ char *full = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	r = daxmap_path(ctx, path, &full);
	if (r < 0)
		return r;
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		return -errno;
	return 0;
}

/* The pages on every per-cpu list: the "count:" lines of zoneinfo. */
static int pcp_pages(struct daxmap_ctx *ctx, uint64_t *ret)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	uint64_t total = 0;
	size_t size = 0;

	f = daxmap_fopen(ctx, "/proc/zoneinfo");
	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		const char *p = line + strspn(line, " \t");

		if (strncmp(p, "count:", 6) == 0)
			total += strtoull(p + 6, NULL, 10);
	}
	*ret = total;
	return 0;
}

/* Readings this close are the same: a few pages of slab come and go. */
#define SETTLED_PAGES 8
#define SETTLE_TRIES 40
#define SETTLE_INTERVAL_US 25000

static int read_free_ram(struct daxmap_ctx *ctx, uint64_t page_size,
			 uint64_t *ret_bytes)
{
	uint64_t memfree_kb, pcp = 0;
	int r;

	r = write_proc(ctx, "/proc/sys/vm/drop_caches", "3");
	if (r < 0)
		return r;
	/* stat_refresh answers EINVAL when a counter was negative: harmless. */
	r = write_proc(ctx, "/proc/sys/vm/stat_refresh", "1");
	if (r < 0 && r != -EINVAL)
		return r;
	r = daxmap_read_keyed_u64(ctx, "/proc/meminfo", "MemFree", &memfree_kb);
	if (r < 0)
		return r;
	r = pcp_pages(ctx, &pcp);
	if (r < 0)
		return r;
	*ret_bytes = memfree_kb * 1024 + pcp * page_size;
	return 0;
}

int daxmap_measure_free_ram(struct daxmap_ctx *ctx, uint64_t page_size,
			    uint64_t *ret_bytes)
{
	uint64_t prev, cur;
	int i, r;

	r = read_free_ram(ctx, page_size, &prev);
	if (r < 0)
		return r;
	for (i = 0; i < SETTLE_TRIES; i++) {
		usleep(SETTLE_INTERVAL_US);
		r = read_free_ram(ctx, page_size, &cur);
		if (r < 0)
			return r;
		if (cur <= prev + SETTLED_PAGES * page_size &&
		    prev <= cur + SETTLED_PAGES * page_size) {
			*ret_bytes = cur;
			return 0;
		}
		dbg(ctx, "free RAM still moving: %" PRIu64 " -> %" PRIu64
			 " bytes\n", prev, cur);
		prev = cur;
	}
	/* A busy host never settles; the figure is then as good as it gets. */
	warn(ctx, "free RAM did not settle in %d readings; the measured figure may be off\n",
	     SETTLE_TRIES);
	*ret_bytes = cur;
	return 0;
}
