// SPDX-License-Identifier: LGPL-2.1-or-later
/* The size parser: what --size and the configuration's size = take. */
#include <errno.h>

#include "daxmap.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	const char *why = NULL;
	uint64_t bytes = 0;
	int r;

	r = daxmap_parse_size(s, &bytes, &why);
	/* A refusal says why; an answer is never zero. */
	if (r < 0 ? !why || (r != -EINVAL && r != -ERANGE) : bytes == 0)
		abort();
	free(s);
	return 0;
}
