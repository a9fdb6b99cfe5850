// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verify's readers of /proc/self/status (VmPTE) and /proc/self/smaps
 * (KernelPageSize), on any text; they read only the bytes they are given.
 */
#include "private.h"
#include "verify.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v, start = 0;
	size_t i;

	(void)daxmap_parse_vmpte((const char *)data, size, &v);
	/* A start taken from the input, so that some VMA header matches. */
	for (i = 0; i < size && i < 12; i++) {
		char c = (char)data[i];

		if (c >= '0' && c <= '9')
			start = start * 16 + (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			start = start * 16 + (uint64_t)(c - 'a' + 10);
		else
			break;
	}
	(void)daxmap_parse_smaps_page_size((const char *)data, size, start, &v);
	return 0;
}
