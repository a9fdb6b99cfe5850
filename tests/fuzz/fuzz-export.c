// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exports: any status document (daxmapctl renders the daemon's reply,
 * whatever daemon sent it) in all three formats. A document that is a
 * JSON object always renders; the Prometheus text never has a line
 * break inside a label value, and every line is a comment or a sample.
 */
#include <errno.h>
#include <string.h>

#include "daxmap.h"
#include "fuzz.h"

static void check_prometheus(const char *text)
{
	const char *line = text;

	while (*line) {
		const char *end = strchr(line, '\n');

		/* Every line ends; none is empty, none a stray continuation. */
		if (!end || end == line)
			abort();
		if (line[0] != '#' && strncmp(line, "daxmap_", 7) != 0)
			abort();
		line = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	int f, r;

	for (f = DAXMAP_EXPORT_PROMETHEUS; f <= DAXMAP_EXPORT_CDI; f++) {
		char *text = NULL;

		r = daxmap_export_render(f, s, &text);
		if (r < 0 && r != -EBADMSG)
			abort();
		if (r == 0 && f == DAXMAP_EXPORT_PROMETHEUS)
			check_prometheus(text);
		free(text);
	}
	free(s);
	return 0;
}
