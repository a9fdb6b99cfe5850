// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The record reader: what daxmap wrote about a namespace it created, read
 * back at every scan and by recovery after a crash. A torn or foreign file
 * must not crash it.
 */
#include "private.h"
#include "fuzz.h"

#define UUID "5d80cc5c-00db-42b8-843c-3ab09897228d"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fuzz_scratch();
	struct daxmap_ctx *ctx = NULL;
	struct daxmap_record rec;
	enum daxmap_record_kind kind;

	fuzz_write(dir, "namespaces/" UUID, data, size);
	fuzz_write(dir, "pending/" UUID, data, size);
	if (daxmap_new(&ctx) < 0 || daxmap_set_state_dir(ctx, dir) < 0)
		abort();
	daxmap_set_log_priority(ctx, 0);
	for (kind = DAXMAP_RECORD_MANAGED; kind <= DAXMAP_RECORD_PENDING;
	     kind++) {
		memset(&rec, 0, sizeof(rec));
		if (daxmap_record_read(ctx, kind, UUID, &rec) == 0)
			daxmap_record_clear(&rec);
	}
	daxmap_unref(ctx);
	return 0;
}
