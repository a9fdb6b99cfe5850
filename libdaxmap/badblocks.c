// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Bad blocks as each object sees them. The kernel keeps them per region;
 * libndctl gives them per namespace, in sectors from its start; status
 * shows them in bytes for the namespace and for its dax device, whose
 * data starts past the namespace's info block.
 */
#include <errno.h>
#include <stdlib.h>

#include "private.h"

int daxmap_badblocks_translate(const struct daxmap_badblock *in, int n,
			       uint64_t from, uint64_t to, uint64_t to_size,
			       struct daxmap_badblock **ret, int *ret_n)
{
	struct daxmap_badblock *out = NULL;
	int i, m = 0;

	*ret = NULL;
	*ret_n = 0;
	for (i = 0; i < n; i++) {
		uint64_t start, end, lo = to, hi;
		struct daxmap_badblock *grown;

		if (__builtin_add_overflow(from, in[i].offset, &start) ||
		    __builtin_add_overflow(start, in[i].length, &end) ||
		    __builtin_add_overflow(to, to_size, &hi))
			continue;
		if (end <= lo || start >= hi)
			continue;
		if (start < lo)
			start = lo;
		if (end > hi)
			end = hi;
		grown = realloc(out, sizeof(*out) * (size_t)(m + 1));
		if (!grown) {
			free(out);
			return -ENOMEM;
		}
		out = grown;
		out[m].offset = start - to;
		out[m].length = end - start;
		m++;
	}
	*ret = out;
	*ret_n = m;
	return 0;
}
