// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration parser: daxmap.conf as a user writes it. Loaded or
 * refused, never both; a refusal names its file and line.
 */
#include "daxmap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct daxmap_config *cfg = NULL;
	struct daxmap_ctx *ctx = NULL;
	char *message = NULL;
	int r;

	fuzz_write(dir, "daxmap.conf", data, size);
	if (daxmap_new(&ctx) < 0 || daxmap_set_config_dir(ctx, dir) < 0)
		abort();
	daxmap_set_log_priority(ctx, 0);
	r = daxmap_config_load(ctx, &cfg, &message);
	if (r < 0 ? cfg != NULL || !message || !strstr(message, "daxmap.conf") :
		    cfg == NULL)
		abort();
	free(message);
	daxmap_config_unref(cfg);
	daxmap_unref(ctx);
	return 0;
}
