// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sizes and messages as text, for the library's messages and JSON's
 * *_human strings.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "private.h"

/* Binary units with three significant digits, as people read sizes. */
void daxmap_format_human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1024 && u < (int)ARRAY_SIZE(units) - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s",
		 v, units[u]);
}

void daxmap_format_exact(uint64_t bytes, char *buf, size_t len)
{
	static const char suffix[] = "KMGT";
	int i;

	/* The exact value in the largest unit that divides it, as typed. */
	for (i = 3; i >= 0; i--) {
		uint64_t unit = UINT64_C(1) << (10 * (i + 1));

		if (bytes && bytes % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit,
				 suffix[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, bytes);
}

int daxmap_set_message(char **ret_message, int r, const char *fmt, ...)
{
	va_list args;

	if (ret_message) {
		va_start(args, fmt);
		if (vasprintf(ret_message, fmt, args) < 0)
			*ret_message = NULL;
		va_end(args);
	}
	return r;
}
