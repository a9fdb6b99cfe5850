// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * export-render FORMAT FILE: FILE, a status document, read back into
 * handles (the fixture loader) and rendered again by the library as the
 * status JSON ("status") or one of the exports ("prometheus", "nfd",
 * "cdi"), as daxmapctl and daxmapd render them. With --raw, FILE goes to
 * the exporter as it is: documents no scan makes (odd label values).
 * For check-exports.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <daxmap.h>

#include "fixture-loader.h"

static char *slurp(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	static const char *const formats[] = {
		[DAXMAP_EXPORT_PROMETHEUS] = "prometheus",
		[DAXMAP_EXPORT_NFD] = "nfd",
		[DAXMAP_EXPORT_CDI] = "cdi",
	};
	struct daxmap_config_status *cs = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	struct daxmap_ctx *ctx = NULL;
	char *doc, *status = NULL, *out = NULL;
	int raw = argc == 4 && !strcmp(argv[1], "--raw");
	int i, r, format = -1;

	if (argc != 3 + raw) {
		fprintf(stderr, "usage: export-render [--raw] status|prometheus|nfd|cdi FILE\n");
		return 2;
	}
	for (i = 0; i < 3; i++)
		if (!strcmp(argv[1 + raw], formats[i]))
			format = i;
	doc = slurp(argv[2 + raw]);
	if (!doc) {
		fprintf(stderr, "cannot read %s\n", argv[2 + raw]);
		return 1;
	}
	if (raw) {
		status = doc;
	} else {
		if (daxmap_new(&ctx) < 0 ||
		    daxmap_status_from_json(ctx, doc, &k, &t, &cs) < 0 ||
		    daxmap_status_to_json(k, t, cs, 0, &status) < 0) {
			fprintf(stderr, "cannot read %s back\n", argv[2]);
			return 1;
		}
		free(doc);
	}
	if (format < 0) {
		fputs(status, stdout);
	} else {
		r = daxmap_export_render(format, status, &out);
		if (r < 0) {
			fprintf(stderr, "cannot render: %s\n", strerror(-r));
			return 1;
		}
		fputs(out, stdout);
	}
	free(out);
	free(status);
	daxmap_config_status_free(cs);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
	daxmap_unref(ctx);
	return 0;
}
