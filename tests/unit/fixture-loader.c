// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The unit tests' fixture loader: schema 1 documents (captured status
 * documents, plans, apply reports) read back into the library's handles,
 * so that the tests can hold the model, the JSON writer and the
 * configuration checks against captures of real hosts, and check that
 * rendering the handles again gives the document back. Not part of
 * libdaxmap: the front ends print from the documents themselves.
 *
 * Over 700 lines and one concern: it mirrors json.c key by key.
 *
 * Strict about what the shape promises (every key there, of its type, a
 * device's memmap sources named for what they are), lenient about what it
 * does not: keys added by later versions and the *_human strings are
 * skipped, a mode this version does not know is kept as the document
 * says it, a patch it does not know is left out, and a map or counting
 * rule it does not know is "unknown": an older client shows what a newer
 * daemon says rather than refusing all of it. A document that breaks the shape is -EBADMSG, with the first
 * offending key logged.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "private.h"
#include "checks.h"
#include "fixture-loader.h"
#include "topology.h"

#define DAXMAP_SCHEMA 1

typedef struct json_object json;

struct reader {
	struct daxmap_ctx *ctx;
	struct daxmap_topology *t;	/* the one being read */
	/* Where in the document, for the message: "devices[2].memmap". */
	const char *where;
	int index;
};

static int bad(struct reader *rd, const char *key, const char *what)
{
	if (rd->index >= 0)
		err(rd->ctx, "status document: %s[%d].%s: %s\n", rd->where,
		    rd->index, key, what);
	else
		err(rd->ctx, "status document: %s.%s: %s\n", rd->where, key,
		    what);
	return -EBADMSG;
}

static int get_member(struct reader *rd, json *o, const char *key,
		      enum json_type type, bool nullable, json **ret)
{
	json *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return bad(rd, key, "missing");
	if (!v) {
		if (!nullable)
			return bad(rd, key, "null where a value is needed");
		*ret = NULL;
		return 0;
	}
	if (!json_object_is_type(v, type))
		return bad(rd, key, "of the wrong type");
	*ret = v;
	return 0;
}

/* A string, borrowed from the document; NULL for null when @nullable. */
static int get_str(struct reader *rd, json *o, const char *key,
		   bool nullable, const char **ret)
{
	json *v = NULL;
	int r;

	r = get_member(rd, o, key, json_type_string, nullable, &v);
	if (r < 0)
		return r;
	*ret = v ? json_object_get_string(v) : NULL;
	return 0;
}

/* A copy of a string member, for the objects to own. */
static int dup_str(struct reader *rd, json *o, const char *key,
		   bool nullable, char **ret)
{
	const char *s;
	int r;

	r = get_str(rd, o, key, nullable, &s);
	if (r < 0)
		return r;
	*ret = NULL;
	if (s) {
		*ret = strdup(s);
		if (!*ret)
			return -ENOMEM;
	}
	return 0;
}

static int to_u64(struct reader *rd, const char *key, json *v, uint64_t *ret)
{
	/* json-c keeps numbers past INT64_MAX unsigned; negatives are not. */
	if (json_object_get_int64(v) < 0)
		return bad(rd, key, "negative");
	*ret = json_object_get_uint64(v);
	return 0;
}

/* An unsigned integer; 0 for null when @nullable (sizes that do not apply). */
static int get_u64(struct reader *rd, json *o, const char *key,
		   bool nullable, uint64_t *ret)
{
	json *v = NULL;
	int r;

	r = get_member(rd, o, key, json_type_int, nullable, &v);
	if (r < 0)
		return r;
	*ret = 0;
	return v ? to_u64(rd, key, v, ret) : 0;
}

/* A NUMA node: -1 for null, as the getters say "none". */
static int get_node(struct reader *rd, json *o, const char *key, int *ret)
{
	uint64_t v = 0;
	json *j = NULL;
	int r;

	r = get_member(rd, o, key, json_type_int, true, &j);
	if (r < 0)
		return r;
	*ret = -1;
	if (!j)
		return 0;
	r = to_u64(rd, key, j, &v);
	if (r < 0)
		return r;
	if (v > INT32_MAX)
		return bad(rd, key, "out of range");
	*ret = (int)v;
	return 0;
}

static int get_bool(struct reader *rd, json *o, const char *key, bool *ret)
{
	json *v = NULL;
	int r;

	r = get_member(rd, o, key, json_type_boolean, false, &v);
	if (r < 0)
		return r;
	*ret = json_object_get_boolean(v);
	return 0;
}

/*
 * Finds @s in @names and returns the library's own copy of it; one a
 * later version added is copied into *@ret_owned and returned as it is.
 */
static int intern(struct reader *rd, const char *key, const char *s,
		  const char *const *names, const char **ret,
		  char **ret_owned)
{
	for (; *names; names++)
		if (strcmp(*names, s) == 0) {
			*ret = *names;
			return 0;
		}
	if (!ret_owned)
		return bad(rd, key, "not a known value");
	dbg(rd->ctx, "status document: %s '%s' is not one this version knows\n",
	    key, s);
	*ret_owned = strdup(s);
	if (!*ret_owned)
		return -ENOMEM;
	*ret = *ret_owned;
	return 0;
}

static int tristate_from_name(struct reader *rd, const char *key,
			      const char *s, enum daxmap_tristate *ret)
{
	static const enum daxmap_tristate all[] = {
		DAXMAP_UNKNOWN, DAXMAP_NO, DAXMAP_YES,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (strcmp(daxmap_tristate_name(all[i]), s) == 0) {
			*ret = all[i];
			return 0;
		}
	return bad(rd, key, "not yes, no or unknown");
}

static int counter_from_name(struct reader *rd, const char *s,
			     enum daxmap_counter *ret)
{
	static const enum daxmap_counter all[] = {
		DAXMAP_COUNTER_NONE, DAXMAP_COUNTER_NOMINAL,
		DAXMAP_COUNTER_DEDUP_DATA, DAXMAP_COUNTER_UNKNOWN,
		DAXMAP_COUNTER_EXACT,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(all); i++)
		if (strcmp(daxmap_counter_name(all[i]), s) == 0) {
			*ret = all[i];
			return 0;
		}
	/* A rule a later version knows: present, but not known here. */
	*ret = DAXMAP_COUNTER_UNKNOWN;
	return 0;
}

/* The kernel's "patches": known names, each once, into DAXMAP_PATCH_* bits. */
static int read_patches(struct reader *rd, json *o, unsigned int *ret)
{
	static const enum daxmap_kernel_patch all[] = {
		DAXMAP_PATCH_MEMMAP_EXACT, DAXMAP_PATCH_DAX_MEMMAP,
		DAXMAP_PATCH_HEAD_REUSE, DAXMAP_PATCH_PTE_SHARE,
	};
	unsigned int patches = 0;
	json *array;
	size_t i, j, n;
	int r;

	r = get_member(rd, o, "patches", json_type_array, false, &array);
	if (r < 0)
		return r;
	n = json_object_array_length(array);
	for (i = 0; i < n; i++) {
		json *v = json_object_array_get_idx(array, i);

		if (!json_object_is_type(v, json_type_string))
			return bad(rd, "patches",
				   "holds something that is not a string");
		for (j = 0; j < ARRAY_SIZE(all); j++)
			if (strcmp(daxmap_kernel_patch_name(all[j]),
				   json_object_get_string(v)) == 0)
				break;
		/* One a later version knows: nothing this one can use. */
		if (j == ARRAY_SIZE(all))
			continue;
		if (patches & all[j])
			return bad(rd, "patches", "names a patch twice");
		patches |= all[j];
	}
	*ret = patches;
	return 0;
}

/* "mem", "dev", or "unknown" (null where @nullable) as in the documents. */
static int map_from_doc(struct reader *rd, json *o, const char *key,
			bool nullable, enum daxmap_map *ret)
{
	const char *s;
	int r;

	r = get_str(rd, o, key, nullable, &s);
	if (r < 0)
		return r;
	*ret = DAXMAP_MAP_UNKNOWN;
	if (!s || strcmp(s, "unknown") == 0)
		return 0;
	if (strcmp(s, "mem") == 0)
		*ret = DAXMAP_MAP_MEM;
	else if (strcmp(s, "dev") == 0)
		*ret = DAXMAP_MAP_DEV;
	/* Anything else is a map a later version knows: unknown here. */
	return 0;
}

/* ------------------------------------------------------------------ kernel */

static int read_kernel(struct reader *rd, json *o, struct daxmap_kernel **ret)
{
	struct daxmap_kernel_snapshot s = { 0 };
	const char *version, *sparse, *dedup, *counting;
	json *counter, *pages;
	uint64_t page_size;
	int r;

	rd->where = "kernel";
	rd->index = -1;
	if ((r = get_str(rd, o, "release", false, &s.release)) < 0 ||
	    (r = get_str(rd, o, "version", true, &version)) < 0 ||
	    (r = get_str(rd, o, "machine", false, &s.machine)) < 0 ||
	    (r = get_u64(rd, o, "page_size", false, &page_size)) < 0 ||
	    (r = get_str(rd, o, "sparsemem_vmemmap", false, &sparse)) < 0 ||
	    (r = get_str(rd, o, "vmemmap_dedup", false, &dedup)) < 0 ||
	    (r = get_str(rd, o, "vmemmap_dedup_reason", false,
			 &s.dedup_reason)) < 0 ||
	    (r = get_str(rd, o, "config", true, &s.config_path)) < 0 ||
	    (r = get_member(rd, o, "memmap_counter", json_type_object, false,
			    &counter)) < 0 ||
	    (r = read_patches(rd, o, &s.patches)) < 0)
		return r;
	if ((r = tristate_from_name(rd, "sparsemem_vmemmap", sparse,
				    &s.sparsemem_vmemmap)) < 0 ||
	    (r = tristate_from_name(rd, "vmemmap_dedup", dedup,
				    &s.vmemmap_dedup)) < 0)
		return r;
	s.page_size = (unsigned long)page_size;
	if (version) {
		s.version_code = daxmap_parse_version_code(version, NULL);
		if (!s.version_code)
			return bad(rd, "version", "not a kernel version");
	}

	rd->where = "kernel.memmap_counter";
	if ((r = get_bool(rd, counter, "present", &s.memmap_counter)) < 0 ||
	    (r = get_str(rd, counter, "counting", false, &counting)) < 0 ||
	    (r = get_member(rd, counter, "pages", json_type_int, true,
			    &pages)) < 0)
		return r;
	r = counter_from_name(rd, counting, &s.memmap_counting);
	if (r < 0)
		return r;
	if (pages) {
		r = to_u64(rd, "pages", pages, &s.counter_pages);
		if (r < 0)
			return r;
		s.has_counter_pages = true;
	}
	return daxmap_kernel_from_snapshot(rd->ctx, &s, ret);
}

/* ----------------------------------------------------------------- regions */

static int read_region(struct reader *rd, json *o, struct daxmap_region *r)
{
	json *aligns;
	size_t i, n;
	int e;

	if ((e = dup_str(rd, o, "dev", false, &r->devname)) < 0 ||
	    (e = dup_str(rd, o, "bus", true, &r->bus)) < 0 ||
	    (e = dup_str(rd, o, "type", true, &r->type)) < 0 ||
	    (e = get_u64(rd, o, "size", false, &r->size)) < 0 ||
	    (e = get_u64(rd, o, "available_size", false,
			 &r->available_size)) < 0 ||
	    (e = get_u64(rd, o, "max_available_extent", false,
			 &r->max_available_extent)) < 0 ||
	    (e = get_node(rd, o, "numa_node", &r->numa_node)) < 0 ||
	    (e = get_u64(rd, o, "align", true, &r->align)) < 0 ||
	    (e = get_member(rd, o, "supported_alignments", json_type_array,
			    false, &aligns)) < 0)
		return e;
	n = json_object_array_length(aligns);
	if (n > MAX_ALIGNMENTS)
		return bad(rd, "supported_alignments", "too many");
	for (i = 0; i < n; i++) {
		json *v = json_object_array_get_idx(aligns, i);

		if (!json_object_is_type(v, json_type_int))
			return bad(rd, "supported_alignments",
				   "holds something that is not a size");
		e = to_u64(rd, "supported_alignments", v,
			   &r->alignments[r->num_alignments++]);
		if (e < 0)
			return e;
	}
	return 0;
}

/* ------------------------------------------------------------- dax regions */

static int read_dax_region(struct reader *rd, json *o,
			   struct daxmap_dax_region *r)
{
	json *cxl, *memdevs;
	uint64_t id;
	bool dynamic;
	size_t i, n;
	int e;

	if ((e = get_u64(rd, o, "id", false, &id)) < 0 ||
	    (e = dup_str(rd, o, "path", false, &r->path)) < 0 ||
	    (e = dup_str(rd, o, "provider", false, &r->provider)) < 0 ||
	    (e = get_bool(rd, o, "dynamic", &dynamic)) < 0 ||
	    (e = get_u64(rd, o, "size", false, &r->size)) < 0 ||
	    (e = get_u64(rd, o, "available_size", false,
			 &r->available_size)) < 0 ||
	    (e = get_u64(rd, o, "align", true, &r->align)) < 0 ||
	    (e = get_node(rd, o, "numa_node", &r->numa_node)) < 0 ||
	    (e = get_node(rd, o, "target_node", &r->target_node)) < 0 ||
	    (e = dup_str(rd, o, "namespace", true, &r->namespace)) < 0 ||
	    (e = get_member(rd, o, "cxl", json_type_object, true, &cxl)) < 0)
		return e;
	if (id > INT32_MAX)
		return bad(rd, "id", "out of range");
	r->id = (int)id;
	/* What "dynamic" says follows from the namespace: it must agree. */
	if (dynamic != !r->namespace)
		return bad(rd, "dynamic", "disagrees with namespace");
	if (!cxl)
		return 0;
	if ((e = dup_str(rd, cxl, "region", false, &r->cxl_region)) < 0 ||
	    (e = get_member(rd, cxl, "memdevs", json_type_array, false,
			    &memdevs)) < 0)
		return e;
	n = json_object_array_length(memdevs);
	r->cxl_memdevs = calloc(n + 1, sizeof(char *));
	if (!r->cxl_memdevs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		json *v = json_object_array_get_idx(memdevs, i);

		if (!json_object_is_type(v, json_type_string))
			return bad(rd, "memdevs", "holds something that is not a name");
		r->cxl_memdevs[i] = strdup(json_object_get_string(v));
		if (!r->cxl_memdevs[i])
			return -ENOMEM;
	}
	return 0;
}

/*
 * The dax region of id @id that is @namespace (NULL: a dynamic one): ids
 * repeat, since each namespace of nvdimm region N is a dax region N.
 */
static struct daxmap_dax_region *find_dax_region(struct daxmap_topology *t,
						 int id, const char *namespace)
{
	struct daxmap_dax_region *r;

	for (r = t ? t->dax_regions : NULL; r; r = r->next)
		if (r->id == id && !r->namespace == !namespace &&
		    (!namespace || strcmp(r->namespace, namespace) == 0))
			return r;
	return NULL;
}

/* -------------------------------------------------------------- namespaces */

static int read_badblocks(struct reader *rd, json *o,
			  struct daxmap_badblock **ret, int *ret_n);

static int read_namespace(struct reader *rd, json *o,
			  struct daxmap_namespace *n)
{
	static const char *const modes[] = {
		"fsdax", "sector", "raw", "devdax", "unknown", NULL,
	};
	const char *mode;
	uint64_t sector;
	int r;

	if ((r = dup_str(rd, o, "dev", false, &n->devname)) < 0 ||
	    (r = dup_str(rd, o, "region", false, &n->region)) < 0 ||
	    (r = get_str(rd, o, "mode", false, &mode)) < 0 ||
	    (r = intern(rd, "mode", mode, modes, &n->mode, &n->mode_text)) < 0 ||
	    (r = get_u64(rd, o, "size", false, &n->size)) < 0 ||
	    (r = get_u64(rd, o, "raw_size", false, &n->raw_size)) < 0 ||
	    (r = dup_str(rd, o, "uuid", true, &n->uuid)) < 0 ||
	    (r = dup_str(rd, o, "name", true, &n->name)) < 0 ||
	    (r = map_from_doc(rd, o, "map", true, &n->map)) < 0 ||
	    (r = get_u64(rd, o, "align", true, &n->align)) < 0 ||
	    (r = get_u64(rd, o, "sector_size", false, &sector)) < 0 ||
	    (r = get_bool(rd, o, "enabled", &n->enabled)) < 0 ||
	    (r = get_bool(rd, o, "managed", &n->managed)) < 0 ||
	    (r = dup_str(rd, o, "blockdev", true, &n->blockdev)) < 0)
		return r;
	if (sector > UINT32_MAX)
		return bad(rd, "sector_size", "out of range");
	n->sector_size = (unsigned int)sector;
	return read_badblocks(rd, o, &n->badblocks, &n->nbadblocks);
}

/* ----------------------------------------------------------------- devices */

static int read_memmap(struct reader *rd, json *o, enum daxmap_source source,
		       struct daxmap_memmap *c)
{
	const char *location, *name;
	int r;

	if ((r = get_str(rd, o, "location", false, &location)) < 0 ||
	    (r = get_u64(rd, o, "baseline_bytes", false,
			 &c->baseline_bytes)) < 0 ||
	    (r = get_u64(rd, o, "actual_bytes", false, &c->actual_bytes)) < 0 ||
	    (r = get_u64(rd, o, "saved_bytes", false, &c->saved_bytes)) < 0 ||
	    (r = get_u64(rd, o, "pagetable_bytes", false,
			 &c->pagetable_bytes)) < 0 ||
	    (r = get_u64(rd, o, "ram_bytes", false, &c->ram_bytes)) < 0 ||
	    (r = get_u64(rd, o, "device_bytes", false, &c->device_bytes)) < 0 ||
	    (r = get_str(rd, o, "source", false, &name)) < 0)
		return r;
	if (strcmp(location, "ram") == 0)
		c->location = DAXMAP_MAP_MEM;
	else if (strcmp(location, "device") == 0)
		c->location = DAXMAP_MAP_DEV;
	else
		return bad(rd, "location", "not ram or device");
	if (strcmp(name, daxmap_source_name(source)) != 0)
		return bad(rd, "source", "not the source it is filed under");
	c->source = source;
	return 0;
}

static int read_mappers(struct reader *rd, json *list,
			struct daxmap_mapper **ret)
{
	struct daxmap_mapper **tail = ret;
	size_t i, n = json_object_array_length(list);
	int r;

	for (i = 0; i < n; i++) {
		json *o = json_object_array_get_idx(list, i);
		struct daxmap_mapper *m;
		uint64_t pid;

		if (!json_object_is_type(o, json_type_object))
			return bad(rd, "mappers", "holds something that is not an object");
		m = calloc(1, sizeof(*m));
		if (!m)
			return -ENOMEM;
		list_append(tail, m);
		if ((r = get_u64(rd, o, "pid", false, &pid)) < 0 ||
		    (r = dup_str(rd, o, "comm", true, &m->comm)) < 0 ||
		    (r = get_u64(rd, o, "mapped_bytes", false,
				 &m->mapped_bytes)) < 0 ||
		    (r = get_u64(rd, o, "pagetable_bytes", false,
				 &m->pagetable_bytes)) < 0)
			return r;
		if (pid > INT32_MAX)
			return bad(rd, "pid", "out of range");
		m->pid = (int)pid;
	}
	return 0;
}

/* Bad blocks, {"offset", "length"} each; absent in an older document. */
static int read_badblocks(struct reader *rd, json *o,
			  struct daxmap_badblock **ret, int *ret_n)
{
	json *list = NULL, *b;
	size_t i, n;
	int r;

	if (!json_object_object_get_ex(o, "badblocks", &list))
		return 0;
	r = get_member(rd, o, "badblocks", json_type_array, false, &list);
	if (r < 0)
		return r;
	n = json_object_array_length(list);
	if (!n)
		return 0;
	*ret = calloc(n, sizeof(**ret));
	if (!*ret)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		b = json_object_array_get_idx(list, i);
		if (!json_object_is_type(b, json_type_object))
			return bad(rd, "badblocks", "holds something that is not an object");
		if ((r = get_u64(rd, b, "offset", false, &(*ret)[i].offset)) < 0 ||
		    (r = get_u64(rd, b, "length", false, &(*ret)[i].length)) < 0)
			return r;
		(*ret_n)++;
	}
	return 0;
}

/* The device's last verify: null, or absent in an older document. */
static int read_verify(struct reader *rd, json *o, struct daxmap_device *d)
{
	struct daxmap_verify_summary *s = &d->verify;
	json *v = NULL, *pt;
	const char *time;
	int r;

	if (!json_object_object_get_ex(o, "verify", &v) || !v)
		return 0;
	if ((r = get_member(rd, o, "verify", json_type_object, true, &v)) < 0 ||
	    (r = get_str(rd, v, "time", false, &time)) < 0 ||
	    (r = get_bool(rd, v, "passed", &s->passed)) < 0 ||
	    (r = get_u64(rd, v, "kernel_page_size", true,
			 &s->kernel_page_size)) < 0 ||
	    (r = get_member(rd, v, "pagetables", json_type_object, false,
			    &pt)) < 0 ||
	    (r = get_u64(rd, pt, "mapped_bytes", false, &s->mapped_bytes)) < 0 ||
	    (r = get_u64(rd, pt, "measured_bytes", false,
			 &s->pagetable_bytes)) < 0 ||
	    (r = get_u64(rd, pt, "model_bytes", false,
			 &s->model_pagetable_bytes)) < 0)
		return r;
	snprintf(s->time, sizeof(s->time), "%s", time);
	s->align = d->align;
	d->has_verify = true;
	return 0;
}

static int read_device(struct reader *rd, json *o, struct daxmap_device *d)
{
	static const char *const modes[] = { "devdax", "system-ram", NULL };
	static const enum daxmap_source sources[] = {
		DAXMAP_SOURCE_MODEL, DAXMAP_SOURCE_MEASURED,
		DAXMAP_SOURCE_KERNEL,
	};
	json *all, *mappers;
	const char *mode;
	int dax_region;
	size_t i;
	int r;

	if ((r = dup_str(rd, o, "dev", false, &d->devname)) < 0 ||
	    (r = dup_str(rd, o, "chardev", false, &d->chardev)) < 0 ||
	    (r = get_u64(rd, o, "size", false, &d->size)) < 0 ||
	    (r = get_u64(rd, o, "align", true, &d->align)) < 0 ||
	    (r = get_str(rd, o, "mode", false, &mode)) < 0 ||
	    (r = intern(rd, "mode", mode, modes, &d->mode, &d->mode_text)) < 0 ||
	    (r = map_from_doc(rd, o, "map", false, &d->map)) < 0 ||
	    (r = get_node(rd, o, "numa_node", &d->numa_node)) < 0 ||
	    (r = get_node(rd, o, "target_node", &d->target_node)) < 0 ||
	    (r = get_bool(rd, o, "enabled", &d->enabled)) < 0 ||
	    (r = dup_str(rd, o, "namespace", true, &d->namespace)) < 0 ||
	    (r = get_node(rd, o, "dax_region", &dax_region)) < 0 ||
	    (r = get_bool(rd, o, "memmap_on_memory",
			  &d->memmap_on_memory)) < 0 ||
	    (r = dup_str(rd, o, "name", true, &d->name)) < 0 ||
	    (r = get_bool(rd, o, "managed", &d->managed)) < 0 ||
	    (r = get_member(rd, o, "memmap_sources", json_type_object, false,
			    &all)) < 0 ||
	    (r = get_member(rd, o, "mappers", json_type_array, false,
			    &mappers)) < 0)
		return r;

	d->dax_region = find_dax_region(rd->t, dax_region, d->namespace);
	/* "memmap" is the best of these, which the getter picks again. */
	for (i = 0; i < ARRAY_SIZE(sources); i++) {
		const char *name = daxmap_source_name(sources[i]);
		json *c;

		r = get_member(rd, all, name, json_type_object, true, &c);
		if (r < 0)
			return r;
		if (!c)
			continue;
		r = read_memmap(rd, c, sources[i], &d->memmap[sources[i]]);
		if (r < 0)
			return r;
		d->have_memmap[sources[i]] = true;
	}
	r = read_verify(rd, o, d);
	if (r < 0)
		return r;
	r = read_badblocks(rd, o, &d->badblocks, &d->nbadblocks);
	if (r < 0)
		return r;
	return read_mappers(rd, mappers, &d->mappers);
}

/* ---------------------------------------------------------- configuration */

static int read_strv(struct reader *rd, json *o, const char *key,
		     char ***ret)
{
	json *array;
	size_t i, n;
	char **strv;
	int r;

	r = get_member(rd, o, key, json_type_array, false, &array);
	if (r < 0)
		return r;
	n = json_object_array_length(array);
	strv = calloc(n + 1, sizeof(*strv));
	if (!strv)
		return -ENOMEM;
	*ret = strv;
	for (i = 0; i < n; i++) {
		json *v = json_object_array_get_idx(array, i);

		if (!json_object_is_type(v, json_type_string))
			return bad(rd, key, "holds something that is not a string");
		strv[i] = strdup(json_object_get_string(v));
		if (!strv[i])
			return -ENOMEM;
	}
	return 0;
}

static int read_unsigned(struct reader *rd, json *o, const char *key,
			 unsigned int *ret)
{
	uint64_t v;
	int r;

	r = get_u64(rd, o, key, false, &v);
	if (r < 0)
		return r;
	if (v > UINT32_MAX)
		return bad(rd, key, "out of range");
	*ret = (unsigned int)v;
	return 0;
}

static int read_summary(struct reader *rd, json *o,
			struct daxmap_apply_summary *s)
{
	const char *time;
	int r;

	if ((r = get_str(rd, o, "time", false, &time)) < 0 ||
	    (r = get_bool(rd, o, "dry_run", &s->dry_run)) < 0 ||
	    (r = read_unsigned(rd, o, "unchanged", &s->unchanged)) < 0 ||
	    (r = read_unsigned(rd, o, "created", &s->created)) < 0 ||
	    (r = read_unsigned(rd, o, "recreated", &s->recreated)) < 0 ||
	    (r = read_unsigned(rd, o, "drifted", &s->drifted)) < 0 ||
	    (r = read_unsigned(rd, o, "failed", &s->failed)) < 0)
		return r;
	if (strlen(time) >= sizeof(s->time))
		return bad(rd, "time", "too long");
	strcpy(s->time, time);
	return 0;
}

static int enum_from_name(struct reader *rd, const char *key, const char *s,
			  const char *(*name)(int), int max, int *ret)
{
	int i;

	for (i = 0; i <= max; i++)
		if (strcmp(name(i), s) == 0) {
			*ret = i;
			return 0;
		}
	return bad(rd, key, "not a known value");
}

static const char *state_name(int i)
{
	return daxmap_config_state_name((enum daxmap_config_state)i);
}

static const char *kind_name(int i)
{
	return daxmap_config_kind_name((enum daxmap_config_kind)i);
}

static const char *outcome_name(int i)
{
	return daxmap_apply_outcome_name((enum daxmap_apply_outcome)i);
}

static int read_drift(struct reader *rd, json *o, struct daxmap_drift *d)
{
	const char *key, *want, *have;
	int r;

	if ((r = get_str(rd, o, "key", false, &key)) < 0 ||
	    (r = get_str(rd, o, "want", false, &want)) < 0 ||
	    (r = get_str(rd, o, "have", false, &have)) < 0)
		return r;
	d->key = daxmap_drift_key(key);
	if (!d->key)
		return bad(rd, "key", "not a key a drift is about");
	if (strlen(want) >= sizeof(d->want) || strlen(have) >= sizeof(d->have))
		return bad(rd, "want", "too long");
	strcpy(d->want, want);
	strcpy(d->have, have);
	return 0;
}

static int read_check(struct reader *rd, json *o, struct daxmap_config_check *c)
{
	const char *state, *outcome, *kind = NULL;
	json *drifts, *member;
	int r, v = 0;
	size_t i, n;

	/* Documents of before [device] sections have no kind: namespaces. */
	if (json_object_object_get_ex(o, "kind", &member) &&
	    (r = get_str(rd, o, "kind", false, &kind)) < 0)
		return r;
	if (kind) {
		if ((r = enum_from_name(rd, "kind", kind, kind_name,
					DAXMAP_CONFIG_KIND_DEVICE, &v)) < 0)
			return r;
		c->kind = (enum daxmap_config_kind)v;
	}
	if (json_object_object_get_ex(o, "device", &member) &&
	    (r = dup_str(rd, o, "device", true, &c->device)) < 0)
		return r;
	if ((r = dup_str(rd, o, "name", false, &c->name)) < 0 ||
	    (r = get_str(rd, o, "state", false, &state)) < 0 ||
	    (r = dup_str(rd, o, "namespace", true, &c->namespace)) < 0 ||
	    (r = get_bool(rd, o, "managed", &c->managed)) < 0 ||
	    (r = get_bool(rd, o, "recreate", &c->recreate)) < 0 ||
	    (r = get_member(rd, o, "drift", json_type_array, false,
			    &drifts)) < 0 ||
	    (r = get_str(rd, o, "outcome", false, &outcome)) < 0 ||
	    (r = dup_str(rd, o, "message", true, &c->message)) < 0)
		return r;
	if ((r = enum_from_name(rd, "state", state, state_name,
				DAXMAP_CONFIG_DRIFT, &v)) < 0)
		return r;
	c->state = (enum daxmap_config_state)v;
	if ((r = enum_from_name(rd, "outcome", outcome, outcome_name,
				DAXMAP_APPLY_FAILED, &v)) < 0)
		return r;
	c->outcome = (enum daxmap_apply_outcome)v;
	n = json_object_array_length(drifts);
	if (n > DAXMAP_MAX_DRIFTS)
		return bad(rd, "drift", "too many");
	for (i = 0; i < n; i++) {
		json *d = json_object_array_get_idx(drifts, i);

		if (!json_object_is_type(d, json_type_object))
			return bad(rd, "drift", "holds something that is not an object");
		r = read_drift(rd, d, &c->drifts[c->ndrifts++]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_checks(struct reader *rd, json *o,
		       struct daxmap_config_check **ret)
{
	struct daxmap_config_check **tail = ret;
	const char *where = rd->where;
	json *array;
	size_t i, n;
	int r;

	r = get_member(rd, o, "namespaces", json_type_array, false, &array);
	if (r < 0)
		return r;
	n = json_object_array_length(array);
	rd->where = "namespaces";
	for (i = 0; i < n; i++) {
		json *c = json_object_array_get_idx(array, i);

		rd->index = (int)i;
		if (!json_object_is_type(c, json_type_object))
			return bad(rd, "", "not an object");
		*tail = calloc(1, sizeof(**tail));
		if (!*tail)
			return -ENOMEM;
		r = read_check(rd, c, *tail);
		if (r < 0)
			return r;
		tail = &(*tail)->next;
	}
	rd->where = where;
	rd->index = -1;
	return 0;
}

static int read_config_status(struct reader *rd, json *root,
			      struct daxmap_config_status **ret)
{
	struct daxmap_config_status *s;
	json *o, *last;
	int r;

	rd->where = "";
	rd->index = -1;
	r = get_member(rd, root, "config", json_type_object, false, &o);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*ret = s;
	rd->where = "config";
	if ((r = dup_str(rd, o, "dir", true, &s->dir)) < 0 ||
	    (r = read_strv(rd, o, "files", &s->files)) < 0 ||
	    (r = dup_str(rd, o, "error", true, &s->error)) < 0 ||
	    (r = read_checks(rd, o, &s->checks)) < 0 ||
	    (r = get_member(rd, o, "last_apply", json_type_object, true,
			    &last)) < 0)
		return r;
	if (last) {
		rd->where = "config.last_apply";
		r = read_summary(rd, last, &s->last_apply);
		if (r < 0)
			return r;
		s->has_last_apply = true;
	}
	/* A status of no configuration at all is what a NULL one renders. */
	if (!s->dir && !s->files[0] && !s->error && !s->checks && !last) {
		daxmap_config_status_free(s);
		*ret = NULL;
	}
	return 0;
}

/* ---------------------------------------------------------------- document */

/*
 * read_regions(), read_namespaces(), read_devices(): the array @key of the
 * document, each object read into a new item appended to the topology's
 * list, in the document's order.
 */
#define DEFINE_LIST_READER(name, key, type, list, read_item)                   \
	static int name(struct reader *rd, json *root,                         \
			struct daxmap_topology *t)                             \
	{                                                                      \
		type **tail = &t->list;                                        \
		json *array;                                                   \
		size_t i, n;                                                   \
		int r;                                                         \
                                                                               \
		rd->where = "";                                                \
		rd->index = -1;                                                \
		r = get_member(rd, root, key, json_type_array, false, &array); \
		if (r < 0)                                                     \
			return r;                                              \
		rd->where = key;                                               \
		n = json_object_array_length(array);                           \
		for (i = 0; i < n; i++) {                                      \
			json *o = json_object_array_get_idx(array, i);         \
			type *item;                                            \
                                                                               \
			rd->index = (int)i;                                    \
			if (!json_object_is_type(o, json_type_object))         \
				return bad(rd, "", "not an object");           \
			item = calloc(1, sizeof(*item));                       \
			if (!item)                                             \
				return -ENOMEM;                                \
			list_append(tail, item);                               \
			r = read_item(rd, o, item);                            \
			if (r < 0)                                             \
				return r;                                      \
		}                                                              \
		return 0;                                                      \
	}

DEFINE_LIST_READER(read_regions, "regions", struct daxmap_region, regions,
		   read_region)
DEFINE_LIST_READER(read_dax_regions, "dax_regions", struct daxmap_dax_region,
		   dax_regions, read_dax_region)
DEFINE_LIST_READER(read_namespaces, "namespaces", struct daxmap_namespace,
		   namespaces, read_namespace)
DEFINE_LIST_READER(read_devices, "devices", struct daxmap_device, devices,
		   read_device)

/*
 * Parses @document, a schema 1 object: *@ret_root, which the caller puts,
 * or -EBADMSG (not JSON, not an object), -EPROTONOSUPPORT (another
 * schema). @what names the document in the log.
 */
static int open_document(struct reader *rd, const char *what,
			 const char *document, json **ret_root)
{
	enum json_tokener_error jerr;
	uint64_t schema;
	json *root;
	int r;

	root = json_tokener_parse_verbose(document, &jerr);
	if (!root) {
		err(rd->ctx, "%s document: not JSON: %s\n", what,
		    json_tokener_error_desc(jerr));
		return -EBADMSG;
	}
	if (!json_object_is_type(root, json_type_object))
		r = bad(rd, "", "not an object");
	else
		r = get_u64(rd, root, "schema", false, &schema);
	if (r >= 0 && schema != DAXMAP_SCHEMA) {
		err(rd->ctx, "%s document: schema %" PRIu64 ", this libdaxmap reads schema %d\n",
		    what, schema, DAXMAP_SCHEMA);
		r = -EPROTONOSUPPORT;
	}
	if (r < 0) {
		json_object_put(root);
		return r;
	}
	*ret_root = root;
	return 0;
}

int daxmap_status_from_json(struct daxmap_ctx *ctx,
					  const char *document,
					  struct daxmap_kernel **ret_kernel,
					  struct daxmap_topology **ret_topology,
					  struct daxmap_config_status **ret_config)
{
	struct daxmap_config_status *cs = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	struct reader rd = { .ctx = ctx, .where = "", .index = -1 };
	json *root, *kernel;
	int r;

	r = open_document(&rd, "status", document, &root);
	if (r < 0)
		return r;
	t = daxmap_topology_new();
	if (!t) {
		r = -ENOMEM;
		goto out;
	}
	rd.t = t;
	r = read_regions(&rd, root, t);
	if (r >= 0)
		r = read_dax_regions(&rd, root, t);
	if (r >= 0)
		r = read_namespaces(&rd, root, t);
	if (r >= 0)
		r = read_devices(&rd, root, t);
	if (r >= 0)
		r = read_config_status(&rd, root, &cs);
	if (r < 0)
		goto out;

	rd.where = "";
	rd.index = -1;
	r = get_member(&rd, root, "kernel", json_type_object, false, &kernel);
	if (r >= 0)
		r = read_kernel(&rd, kernel, &k);
	if (r < 0)
		goto out;

	*ret_kernel = k;
	*ret_topology = TAKE_PTR(t);
	if (ret_config)
		*ret_config = TAKE_PTR(cs);
	r = 0;
out:
	daxmap_config_status_free(cs);
	daxmap_topology_unref(t);
	json_object_put(root);
	return r;
}

int daxmap_create_plan_from_json(struct daxmap_ctx *ctx,
					       const char *document,
					       struct daxmap_create_plan **ret)
{
	static const char *const modes[] = { "devdax", "fsdax", NULL };
	struct reader rd = { .ctx = ctx, .where = "", .index = -1 };
	struct daxmap_create_plan *p = NULL;
	json *root, *o, *memmap, *notes;
	const char *mode;
	size_t i, n;
	int r;

	r = open_document(&rd, "plan", document, &root);
	if (r < 0)
		return r;
	p = calloc(1, sizeof(*p));
	if (!p) {
		r = -ENOMEM;
		goto out;
	}
	r = get_member(&rd, root, "plan", json_type_object, false, &o);
	if (r < 0)
		goto out;
	rd.where = "plan";
	if ((r = dup_str(&rd, o, "region", false, &p->region)) < 0 ||
	    (r = get_u64(&rd, o, "size", false, &p->size)) < 0 ||
	    (r = get_u64(&rd, o, "device_size", false, &p->device_size)) < 0 ||
	    (r = get_u64(&rd, o, "align", false, &p->align)) < 0 ||
	    (r = get_str(&rd, o, "mode", false, &mode)) < 0 ||
	    (r = intern(&rd, "mode", mode, modes, &p->mode, &p->mode_text)) < 0 ||
	    (r = map_from_doc(&rd, o, "map", false, &p->map)) < 0 ||
	    (r = dup_str(&rd, o, "name", true, &p->name)) < 0 ||
	    (r = get_member(&rd, o, "memmap", json_type_object, false,
			    &memmap)) < 0 ||
	    (r = get_member(&rd, o, "notes", json_type_array, false,
			    &notes)) < 0)
		goto out;
	rd.where = "plan.memmap";
	r = read_memmap(&rd, memmap, DAXMAP_SOURCE_MODEL, &p->memmap);
	if (r < 0)
		goto out;
	n = json_object_array_length(notes);
	rd.where = "plan";
	if (n > DAXMAP_PLAN_MAX_NOTES) {
		r = bad(&rd, "notes", "too many");
		goto out;
	}
	for (i = 0; i < n; i++) {
		json *v = json_object_array_get_idx(notes, i);

		if (!json_object_is_type(v, json_type_string)) {
			r = bad(&rd, "notes", "holds something that is not a string");
			goto out;
		}
		p->notes[p->nnotes] = strdup(json_object_get_string(v));
		if (!p->notes[p->nnotes]) {
			r = -ENOMEM;
			goto out;
		}
		p->nnotes++;
	}
	*ret = TAKE_PTR(p);
	r = 0;
out:
	daxmap_create_plan_free(p);
	json_object_put(root);
	return r;
}

int daxmap_apply_report_from_json(struct daxmap_ctx *ctx,
						const char *document,
						struct daxmap_apply_report **ret)
{
	struct reader rd = { .ctx = ctx, .where = "", .index = -1 };
	struct daxmap_apply_report *report = NULL;
	json *root, *o, *summary;
	const char *time;
	int r;

	r = open_document(&rd, "apply", document, &root);
	if (r < 0)
		return r;
	report = calloc(1, sizeof(*report));
	if (!report) {
		r = -ENOMEM;
		goto out;
	}
	r = get_member(&rd, root, "apply", json_type_object, false, &o);
	if (r < 0)
		goto out;
	rd.where = "apply";
	if ((r = get_str(&rd, o, "time", false, &time)) < 0 ||
	    (r = get_bool(&rd, o, "dry_run", &report->dry_run)) < 0 ||
	    (r = read_strv(&rd, o, "files", &report->files)) < 0 ||
	    /* The counts are the checks': read them for the shape only. */
	    (r = get_member(&rd, o, "summary", json_type_object, false,
			    &summary)) < 0 ||
	    (r = read_checks(&rd, o, &report->checks)) < 0)
		goto out;
	if (strlen(time) >= sizeof(report->time)) {
		r = bad(&rd, "time", "too long");
		goto out;
	}
	strcpy(report->time, time);
	*ret = TAKE_PTR(report);
	r = 0;
out:
	daxmap_apply_report_free(report);
	json_object_put(root);
	return r;
}
