// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The /proc/PID/maps parser that finds who maps a dax device, on a maps
 * file of any content below a fixture root.
 */
#include "private.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct daxmap_mapper *list = NULL, *m;
	struct daxmap_ctx *ctx = NULL;
	struct daxmap_model model;
	static bool comm;

	if (!comm) {
		fuzz_write(dir, "proc/4242/comm", (const uint8_t *)"fuzz\n", 5);
		comm = true;
	}
	fuzz_write(dir, "proc/4242/maps", data, size);
	daxmap_model_init(&model);
	if (daxmap_new(&ctx) < 0 || daxmap_set_root(ctx, dir) < 0)
		abort();
	daxmap_set_log_priority(ctx, 0);
	if (daxmap_mappers_scan(ctx, "/dev/dax0.0", SZ_2M, &model, &list) == 0)
		for (m = list; m; m = m->next)
			if (m->pid != 4242)
				abort();
	daxmap_mappers_free(list);
	daxmap_unref(ctx);
	return 0;
}
