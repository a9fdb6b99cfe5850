// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A verify result as schema 1: {"schema": 1, "verify": {...}}, what
 * daxmapctl verify prints and renders its text from. Every key is always
 * there; what was not done (no pattern, bad blocks that could not be read)
 * is null.
 */
#include <inttypes.h>

#include "json-build.h"
#include "verify.h"

static json *check_to_json(const char *name, bool passed, uint64_t want,
			   uint64_t have, unsigned int flags, bool *ok)
{
	json *o = new_object(ok);

	if (!o)
		return NULL;
	add_str(o, "check", name, ok);
	add_bool(o, "passed", passed, ok);
	add_size_or_null(o, "want", want, flags, ok);
	add_size_or_null(o, "have", have, flags, ok);
	return o;
}

static json *checks_to_json(const struct daxmap_verify *v, unsigned int flags,
			    bool *ok)
{
	json *a = new_array(ok);

	append(a, check_to_json("alignment", v->source_alignment == v->align,
				v->align, v->source_alignment, flags, ok),
	       ok);
	append(a, check_to_json("page_size", v->kernel_page_size == v->align,
				v->align, v->kernel_page_size, flags, ok),
	       ok);
	if (v->pattern)
		/* What was written and what read back: the "pattern" key. */
		append(a, check_to_json("pattern", !v->mismatch, 0, 0, flags,
					ok),
		       ok);
	return a;
}



static json *pattern_to_json(const struct daxmap_verify *v, unsigned int flags,
			     bool *ok)
{
	json *o, *m = NULL;

	if (!v->pattern)
		return NULL;
	o = new_object(ok);
	if (!o)
		return NULL;
	add_int(o, "ranges", v->nranges, ok);
	add_size(o, "written_bytes", v->written_bytes, flags, ok);
	add_size(o, "restored_bytes", v->restored_bytes, flags, ok);
	add_size(o, "write_bytes_per_sec", v->write_bytes_per_sec, flags, ok);
	add_size(o, "read_bytes_per_sec", v->read_bytes_per_sec, flags, ok);
	if (v->mismatch) {
		char word[24];

		m = new_object(ok);
		if (m) {
			add_size(m, "offset", v->mismatch_offset, flags, ok);
			snprintf(word, sizeof(word), "0x%016" PRIx64,
				 v->mismatch_expected);
			add_str(m, "expected", word, ok);
			snprintf(word, sizeof(word), "0x%016" PRIx64,
				 v->mismatch_found);
			add_str(m, "found", word, ok);
		}
	}
	add(o, "mismatch", m, ok);
	return o;
}

static json *badblocks_to_json(const struct daxmap_verify *v,
			       unsigned int flags, bool *ok)
{
	json *a;
	int i;

	if (!v->badblocks_known)
		return NULL;
	a = new_array(ok);
	for (i = 0; i < v->nbadblocks; i++) {
		json *b = new_object(ok);

		if (b) {
			add_size(b, "offset", v->badblocks[i].offset, flags, ok);
			add_size(b, "length", v->badblocks[i].length, flags, ok);
		}
		append(a, b, ok);
	}
	return a;
}

DAXMAP_EXPORT int daxmap_verify_to_json(struct daxmap_verify *v,
					unsigned int flags, char **ret_json)
{
	_cleanup_json_ json *root = NULL;
	json *o, *mapping;
	bool ok = true;

	if (!v || !ret_json)
		return -EINVAL;
	root = new_object(&ok);
	o = new_object(&ok);
	mapping = new_object(&ok);
	if (!ok) {
		json_object_put(o);
		json_object_put(mapping);
		return -ENOMEM;
	}
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);
	add(root, "verify", o, &ok);
	add_str(o, "device", v->devname, &ok);
	add_str(o, "chardev", v->chardev, &ok);
	add_str(o, "namespace", v->namespace, &ok);
	add_size(o, "size", v->size, flags, &ok);
	add_size(o, "align", v->align, flags, &ok);
	add_bool(o, "passed", v->passed, &ok);
	add(o, "checks", checks_to_json(v, flags, &ok), &ok);
	add_size(mapping, "mapped_bytes", v->mapped_bytes, flags, &ok);
	add_size_or_null(mapping, "source_alignment", v->source_alignment,
			 flags, &ok);
	add_size_or_null(mapping, "kernel_page_size", v->kernel_page_size,
			 flags, &ok);
	add(o, "mapping", mapping, &ok);
	add(o, "pagetables",
	    pagetables_to_json(v->touched_bytes, v->pagetable_bytes,
			       v->model_pagetable_bytes, flags, &ok),
	    &ok);
	add(o, "pattern", pattern_to_json(v, flags, &ok), &ok);
	add(o, "badblocks", badblocks_to_json(v, flags, &ok), &ok);
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}
