// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A Container Device Interface spec for the devdax devices: kind
 * daxmap.io/dax, one CDI device per dax device named by its devname
 * (dax0.1) and one more by its daxmap name (db0) where it has one, each
 * adding the character device to the container. podman, containerd and
 * CRI-O read /run/cdi; `podman run --device daxmap.io/dax=db0`.
 *
 * cdiVersion 0.5.0: what Debian 12's podman 4.3 (container-device-interface
 * 0.5) reads, and what later versions still take for plain device nodes.
 * Device names follow CDI's rule: letters, digits, '_', '-', '.', ':',
 * starting and ending alphanumeric; a name that breaks it, or that a
 * device already has, is left out, since CDI refuses a spec with either.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "daxmap.h"
#include "export.h"
#include "json-build.h"

#define CDI_VERSION "0.5.0"
#define CDI_KIND "daxmap.io/dax"

static bool cdi_name_valid(const char *s)
{
	size_t len = s ? strlen(s) : 0, i;

	if (!len || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.:", s[i]))
			return false;
	return true;
}

static bool name_taken(json *devices, const char *name)
{
	size_t i, n = json_object_array_length(devices);

	for (i = 0; i < n; i++) {
		json *d = json_object_array_get_idx(devices, i);

		if (!strcmp(export_str(d, "name"), name))
			return true;
	}
	return false;
}

static void add_device(json *devices, const char *name, const char *chardev,
		       bool *ok)
{
	json *d, *edits, *nodes, *node;

	if (!cdi_name_valid(name) || name_taken(devices, name))
		return;
	d = new_object(ok);
	edits = new_object(ok);
	nodes = new_array(ok);
	node = new_object(ok);
	if (!d || !edits || !nodes || !node) {
		json_object_put(d);
		json_object_put(edits);
		json_object_put(nodes);
		json_object_put(node);
		return;
	}
	add_str(node, "path", chardev, ok);
	append(nodes, node, ok);
	add(edits, "deviceNodes", nodes, ok);
	add_str(d, "name", name, ok);
	add(d, "containerEdits", edits, ok);
	append(devices, d, ok);
}

int export_cdi(json *doc, FILE *f)
{
	_cleanup_json_ json *spec = NULL;
	json *devices, *d;
	bool ok = true;
	size_t i;

	spec = new_object(&ok);
	devices = new_array(&ok);
	if (!spec || !devices) {
		json_object_put(devices);
		return -ENOMEM;
	}
	add_str(spec, "cdiVersion", CDI_VERSION, &ok);
	add_str(spec, "kind", CDI_KIND, &ok);
	add(spec, "devices", devices, &ok);

	/* Devnames first: a daxmap name that is some device's devname
	 * would shadow it otherwise. */
	export_foreach(doc, "devices", i, d) {
		const char *mode = export_str(d, "mode");
		const char *chardev = export_str(d, "chardev");

		if (mode && !strcmp(mode, "devdax") && chardev)
			add_device(devices, export_str(d, "dev"), chardev, &ok);
	}
	export_foreach(doc, "devices", i, d) {
		const char *mode = export_str(d, "mode");
		const char *chardev = export_str(d, "chardev");

		if (mode && !strcmp(mode, "devdax") && chardev)
			add_device(devices, export_device_name(doc, d), chardev,
				   &ok);
	}
	if (!ok)
		return -ENOMEM;
	/* CDI has no use for a spec without devices. */
	if (!json_object_array_length(devices))
		return 0;
	fprintf(f, "%s\n",
		json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_SPACED |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
	return ferror(f) ? -ENOMEM : 0;
}
