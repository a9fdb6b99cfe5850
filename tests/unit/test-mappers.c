// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding the processes that map a dax device in a fixture /proc, and the
 * page tables each pays at the device's align.
 */
#include <sys/stat.h>

#include "private.h"
#include "test.h"

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

	daxmap_unref(ctx);
	return test_summary("mappers");
}
