// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Printing sizes for daxmapctl (the library parses them).
 */
#include <inttypes.h>
#include <stdio.h>

#include "size.h"

const char *size_format(uint64_t bytes, char buf[static SIZE_BUF])
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;
	double v;

	if (bytes < 1024) {
		snprintf(buf, SIZE_BUF, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       bytes >= (UINT64_C(1) << (10 * (u + 1))))
		u++;
	v = (double)bytes / (double)(UINT64_C(1) << (10 * u));
	/* 1023.7 MiB would print as "1024 MiB": say "1.00 GiB" instead. */
	if (v >= 1023.5 && u + 1 < sizeof(units) / sizeof(units[0])) {
		u++;
		v /= 1024;
	}
	/* Three significant digits, judged after rounding. */
	if (v < 9.995)
		snprintf(buf, SIZE_BUF, "%.2f %s", v, units[u]);
	else if (v < 99.95)
		snprintf(buf, SIZE_BUF, "%.1f %s", v, units[u]);
	else
		snprintf(buf, SIZE_BUF, "%.0f %s", v, units[u]);
	return buf;
}

const char *size_format_exact(uint64_t bytes, char buf[static SIZE_BUF])
{
	static const char suffixes[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		unsigned int shift = 10 * (unsigned int)(i + 1);
		uint64_t unit = UINT64_C(1) << shift;

		if (bytes && bytes % unit == 0) {
			snprintf(buf, SIZE_BUF, "%" PRIu64 "%c", bytes >> shift,
				 suffixes[i]);
			return buf;
		}
	}
	snprintf(buf, SIZE_BUF, "%" PRIu64, bytes);
	return buf;
}
