// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding the processes that map a dax device in a fixture /proc, and the
 * page tables each pays at the device's align.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "private.h"
#include "topology.h"
#include "test.h"

static struct daxmap_device *device(const char *chardev)
{
	struct daxmap_device *d = calloc(1, sizeof(*d));

	CHECK(d != NULL);
	d->devname = strdup(chardev + strlen("/dev/"));
	d->chardev = strdup(chardev);
	d->align = SZ_2M;
	return d;
}

static int count(struct daxmap_device *d)
{
	struct daxmap_mapper *m;
	int n = 0;

	daxmap_mapper_foreach(d, m)
		n++;
	return n;
}

/* The pass apart from its topology, as daxmapd runs it off its loop. */
static void pass_apart(struct daxmap_ctx *ctx)
{
	struct daxmap_topology *t = calloc(1, sizeof(*t));
	struct daxmap_mapper_pass *p = NULL;
	struct daxmap_device *d0, *d1;

	CHECK(t != NULL);
	t->refcount = 1;
	t->devices = d0 = device("/dev/dax0.0");
	d0->next = d1 = device("/dev/dax1.0");

	CHECK(daxmap_mapper_pass_new(NULL, t, &p) == 0);
	/* Nothing on the topology until the pass is taken. */
	CHECK(daxmap_mapper_pass_run(ctx, p) == 0);
	CHECK(count(d0) == 0 && count(d1) == 0);
	CHECK(daxmap_topology_take_mappers(t, p) == 1);
	/* 4242 and 5000 map dax0.0, pid 1 dax1.0. */
	CHECK(count(d0) == 2);
	CHECK(count(d1) == 1);
	CHECK(daxmap_mapper_get_pid(daxmap_mapper_get_first(d1)) == 1);
	daxmap_mapper_pass_free(p);

	/* The same again: taken, and said to be no change. */
	CHECK(daxmap_mapper_pass_new(NULL, t, &p) == 0);
	CHECK(daxmap_mapper_pass_run(ctx, p) == 0);
	CHECK(daxmap_topology_take_mappers(t, p) == 0);
	CHECK(count(d0) == 2 && count(d1) == 1);
	daxmap_mapper_pass_free(p);

	/* A pass made before dax1.0 went: the rest still taken. */
	CHECK(daxmap_mapper_pass_new(NULL, t, &p) == 0);
	CHECK(daxmap_mapper_pass_run(ctx, p) == 0);
	d0->next = NULL;
	CHECK(daxmap_topology_take_mappers(t, p) == 0);
	CHECK(count(d0) == 2);
	daxmap_mapper_pass_free(p);
	d0->next = d1;
	daxmap_topology_unref(t);
}

int main(void)
{
	struct daxmap_mapper *list = NULL, *m;
	struct daxmap_model model;
	struct daxmap_ctx *ctx;
	struct stat st;
	int n = 0;

	daxmap_model_init(&model);
	CHECK(daxmap_new(&ctx) == 0);
	CHECK(daxmap_set_root(ctx, FIXTURE_DIR "/mappers") == 0);

	CHECK(daxmap_mappers_scan(ctx, "/dev/dax0.0", SZ_2M, &model, &list) ==
	      0);
	for (m = list; m; m = m->next)
		n++;
	/* pid 1 maps only dax1.0; 4242 maps dax0.0 twice; 77 has no maps. */
	CHECK(n == 2);
	/* Who may see whom: the owner of /proc/PID, as the files are owned. */
	CHECK(stat(FIXTURE_DIR "/mappers/proc/4242", &st) == 0);
	for (m = list; m; m = m->next) {
		CHECK(daxmap_mapper_get_uid(m) == st.st_uid);
		CHECK(daxmap_mapper_visible_to(m, 0));
		CHECK(daxmap_mapper_visible_to(m, st.st_uid));
		CHECK(!daxmap_mapper_visible_to(m, st.st_uid + 1));
		CHECK(!daxmap_mapper_visible_to(m, (uid_t)-1));
	}
	for (m = list; m; m = m->next) {
		if (m->pid == 4242) {
			CHECK_STR(m->comm, "qemu-system-x86");
			CHECK_U64(m->mapped_bytes, UINT64_C(3) << 30);
			/* One PMD page per GiB mapped at 2 MiB. */
			CHECK_U64(m->pagetable_bytes, 3 * SZ_4K);
		} else {
			CHECK(m->pid == 5000);
			CHECK_STR(m->comm, "redis-server");
			CHECK_U64(m->mapped_bytes, SZ_2M);
			CHECK_U64(m->pagetable_bytes, SZ_4K);
		}
	}
	daxmap_mappers_free(list);

	/* A device nobody maps: an empty list, not an error. */
	list = (struct daxmap_mapper *)1;
	CHECK(daxmap_mappers_scan(ctx, "/dev/dax9.9", SZ_2M, &model, &list) ==
	      0);
	CHECK(list == NULL);

	pass_apart(ctx);
	daxmap_unref(ctx);
	return test_summary("mappers");
}
