// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The exports' front: which format goes into which file, read from the
 * status document and written whole or not at all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxmap.h"
#include "export.h"
#include "private.h"

json *export_get(json *o, const char *key)
{
	json *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *export_str(json *o, const char *key)
{
	json *v = export_get(o, key);

	return json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) : NULL;
}

bool export_u64(json *o, const char *key, uint64_t *ret)
{
	json *v = export_get(o, key);

	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return false;
	*ret = json_object_get_uint64(v);
	return true;
}

json *export_at(json *o, const char *key, size_t i)
{
	json *a = export_get(o, key);

	if (!json_object_is_type(a, json_type_array) ||
	    i >= json_object_array_length(a))
		return NULL;
	return json_object_array_get_idx(a, i);
}

const char *export_device_name(json *doc, json *dev)
{
	const char *ns = export_str(dev, "namespace");
	json *n;
	size_t i;

	/* A name of the device's own (dynamic regions) comes first. */
	if (export_str(dev, "name"))
		return export_str(dev, "name");
	if (!ns)
		return NULL;
	export_foreach(doc, "namespaces", i, n) {
		const char *dev_name = export_str(n, "dev");

		if (dev_name && !strcmp(dev_name, ns))
			return export_str(n, "name");
	}
	return NULL;
}

/*
 * The names the tools read: node_exporter's textfile collector takes
 * *.prom; NFD every file but dot files; CDI *.json, by convention named
 * after vendor and class. The temporaries are names each tool skips.
 */
static const struct {
	const char *file;
	const char *tmp;
	int (*render)(json *doc, FILE *f);
} formats[] = {
	[DAXMAP_EXPORT_PROMETHEUS] = { "daxmap.prom", "daxmap.prom.tmp",
				       export_prometheus },
	[DAXMAP_EXPORT_NFD] = { "daxmap", ".daxmap.tmp", export_nfd },
	[DAXMAP_EXPORT_CDI] = { "daxmap.io-dax.json", "daxmap.io-dax.json.tmp",
				export_cdi },
};

static bool format_valid(enum daxmap_export_format format)
{
	return (unsigned int)format < ARRAY_SIZE(formats) &&
	       formats[format].file;
}

DAXMAP_EXPORT const char *
daxmap_export_file_name(enum daxmap_export_format format)
{
	return format_valid(format) ? formats[format].file : NULL;
}

DAXMAP_EXPORT int daxmap_export_render(enum daxmap_export_format format,
				       const char *status_json,
				       char **ret_text)
{
	json *doc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!format_valid(format) || !status_json || !ret_text)
		return -EINVAL;
	doc = json_tokener_parse(status_json);
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		return -EBADMSG;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		json_object_put(doc);
		return -ENOMEM;
	}
	r = formats[format].render(doc, f);
	if (fclose(f) != 0 && r >= 0)
		r = -ENOMEM;
	json_object_put(doc);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_text = buf;
	return 0;
}

DAXMAP_EXPORT int daxmap_export_write(enum daxmap_export_format format,
				      const char *dir, const char *text)
{
	_cleanup_free_ char *path = NULL, *tmp = NULL;

	if (!format_valid(format) || !dir || !*dir || !text)
		return -EINVAL;
	if (asprintf(&path, "%s/%s", dir, formats[format].file) < 0 ||
	    asprintf(&tmp, "%s/%s", dir, formats[format].tmp) < 0)
		return -ENOMEM;
	/* Nothing to say (no devdax device for CDI): no file at all. */
	if (!*text) {
		if (unlink(path) < 0 && errno != ENOENT)
			return -errno;
		return 0;
	}
	/* Read by the tools' own users (prometheus, a container runtime):
	 * world-readable whatever the daemon's umask. */
	return daxmap_write_file_atomic_as(path, tmp, text, strlen(text),
					   0644);
}
