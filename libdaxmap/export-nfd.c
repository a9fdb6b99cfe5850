// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A node-feature-discovery local feature file: nfd-worker reads every
 * file of its features.d directory, one "name=value" a line, "#" lines
 * comments, and makes each a node label. Names carry the vendor prefix
 * daxmap.io/ (NFD leaves prefixed names as they are); the part after it
 * and every value are valid Kubernetes label names and values (at most 63
 * characters of [A-Za-z0-9._-], alphanumeric at both ends), so the API
 * server takes them.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "daxmap.h"
#include "export.h"
#include "private.h"

#define NFD_PREFIX "daxmap.io/"

/* One capacity label: the devices of one mode at one align. */
struct capacity {
	char mode[24];
	uint64_t align;
	uint64_t bytes;
};

#define MAX_CAPACITIES 16

static bool label_safe(const char *s)
{
	size_t len = strlen(s), i;

	if (!len || len > 40)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return false;
	return s[0] != '-' && s[len - 1] != '-';
}

int export_nfd(json *doc, FILE *f)
{
	struct capacity caps[MAX_CAPACITIES];
	json *k = export_get(doc, "kernel"), *p, *d;
	const char *dedup = export_str(k, "vmemmap_dedup");
	size_t n_caps = 0, i, c;

	fputs("# Written by daxmapd from its status; see daxmapd(8).\n", f);
	if (dedup && (!strcmp(dedup, "yes") || !strcmp(dedup, "no")))
		fprintf(f, NFD_PREFIX "vmemmap-dedup=%s\n",
			strcmp(dedup, "yes") ? "false" : "true");
	export_foreach(k, "patches", i, p) {
		const char *name = json_object_get_string(p);

		if (json_object_is_type(p, json_type_string) && label_safe(name))
			fprintf(f, NFD_PREFIX "kernel-patch.%s=true\n", name);
	}

	/* The capacity per mode and align, in bytes: rules compare numbers
	 * (Gt, Lt) on label values. */
	export_foreach(doc, "devices", i, d) {
		const char *mode = export_str(d, "mode");
		uint64_t align, size;

		if (!mode || !label_safe(mode) || strlen(mode) >= sizeof(caps[0].mode) ||
		    !export_u64(d, "align", &align) ||
		    !export_u64(d, "size", &size))
			continue;
		for (c = 0; c < n_caps; c++)
			if (!strcmp(caps[c].mode, mode) && caps[c].align == align)
				break;
		if (c == n_caps) {
			if (n_caps == MAX_CAPACITIES)
				continue;
			strcpy(caps[c].mode, mode);
			caps[c].align = align;
			caps[c].bytes = 0;
			n_caps++;
		}
		caps[c].bytes += size;
	}
	for (c = 0; c < n_caps; c++) {
		char align[DAXMAP_SIZE_BUF];

		daxmap_format_size_exact(caps[c].align, align, sizeof(align));
		fprintf(f, NFD_PREFIX "%s-%s-bytes=%" PRIu64 "\n", caps[c].mode,
			align, caps[c].bytes);
	}
	return ferror(f) ? -ENOMEM : 0;
}
