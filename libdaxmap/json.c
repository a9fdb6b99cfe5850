// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * JSON schema 1: the product both front ends expose. One *_to_json() per
 * object; the shape never depends on flags or on a terminal: every key is
 * always present (null when it does not apply), every list is an array,
 * sizes are integers in bytes, and DAXMAP_JSON_HUMAN only adds *_human
 * strings beside them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-build.h"
#include "topology.h"

/* A namespace's or device's getter of bad block @i. */
typedef int (*badblock_fn)(void *obj, int i, uint64_t *ret_offset,
			   uint64_t *ret_length);

static int namespace_badblock(void *n, int i, uint64_t *ret_offset,
			      uint64_t *ret_length)
{
	return daxmap_namespace_get_badblock(n, i, ret_offset, ret_length);
}

static int device_badblock(void *d, int i, uint64_t *ret_offset,
			   uint64_t *ret_length)
{
	return daxmap_device_get_badblock(d, i, ret_offset, ret_length);
}

static json *badblocks_to_json(int n, badblock_fn get, void *obj,
			       unsigned int flags, bool *ok)
{
	json *a = new_array(ok);
	uint64_t offset, length;
	int i;

	for (i = 0; a && i < n; i++) {
		json *b;

		if (get(obj, i, &offset, &length) < 0)
			continue;
		b = new_object(ok);
		if (b) {
			add_size(b, "offset", offset, flags, ok);
			add_size(b, "length", length, flags, ok);
		}
		append(a, b, ok);
	}
	return a;
}

/* The device's last verify, as status shows it; null when none. */
static json *verify_to_json(struct daxmap_device *d, unsigned int flags,
			    bool *ok)
{
	struct daxmap_verify_summary s;
	json *o;

	if (daxmap_device_get_verify(d, &s) < 0)
		return NULL;
	o = new_object(ok);
	if (!o)
		return NULL;
	add_str(o, "time", s.time, ok);
	add_bool(o, "passed", s.passed, ok);
	add_size_or_null(o, "kernel_page_size", s.kernel_page_size, flags, ok);
	add(o, "pagetables",
	    pagetables_to_json(s.mapped_bytes, s.pagetable_bytes,
			       s.model_pagetable_bytes, flags, ok),
	    ok);
	return o;
}

static json *memmap_to_json(const struct daxmap_memmap *c, unsigned int flags,
			    bool *ok)
{
	json *o;

	if (!c)
		return NULL;
	o = new_object(ok);
	if (!o)
		return NULL;
	add_str(o, "location", c->location == DAXMAP_MAP_DEV ? "device" : "ram",
		ok);
	add_size(o, "baseline_bytes", c->baseline_bytes, flags, ok);
	add_size(o, "actual_bytes", c->actual_bytes, flags, ok);
	add_size(o, "saved_bytes", c->saved_bytes, flags, ok);
	add_size(o, "pagetable_bytes", c->pagetable_bytes, flags, ok);
	add_size(o, "ram_bytes", c->ram_bytes, flags, ok);
	add_size(o, "device_bytes", c->device_bytes, flags, ok);
	add_str(o, "source", daxmap_source_name(c->source), ok);
	return o;
}

/* The names of the DAXMAP_PATCH_* bits set in @patches, lowest first. */
static json *patches_to_json(unsigned int patches, bool *ok)
{
	json *a = new_array(ok);
	unsigned int bit;

	for (bit = 1; a && bit && bit <= patches; bit <<= 1) {
		const char *name = daxmap_kernel_patch_name(bit);

		if ((patches & bit) && name)
			append(a, json_object_new_string(name), ok);
	}
	return a;
}

static json *kernel_to_json(struct daxmap_kernel *k, unsigned int flags,
			    bool *ok)
{
	unsigned int code = daxmap_kernel_get_version_code(k);
	json *o, *counter;
	uint64_t pages;
	char version[32];

	o = new_object(ok);
	if (!o)
		return NULL;
	add_str(o, "release", daxmap_kernel_get_release(k), ok);
	snprintf(version, sizeof(version), "%u.%u.%u", code >> 16,
		 (code >> 8) & 0xff, code & 0xff);
	add_str(o, "version", code ? version : NULL, ok);
	add_str(o, "machine", daxmap_kernel_get_machine(k), ok);
	add_size(o, "page_size", daxmap_kernel_get_page_size(k), flags, ok);
	add_str(o, "sparsemem_vmemmap",
		daxmap_tristate_name(daxmap_kernel_get_sparsemem_vmemmap(k)),
		ok);
	add_str(o, "vmemmap_dedup",
		daxmap_tristate_name(daxmap_kernel_get_vmemmap_dedup(k)), ok);
	add_str(o, "vmemmap_dedup_reason",
		daxmap_kernel_get_vmemmap_dedup_reason(k), ok);
	add_str(o, "config", daxmap_kernel_get_config_path(k), ok);

	counter = new_object(ok);
	add(o, "memmap_counter", counter, ok);
	if (counter) {
		bool present = daxmap_kernel_has_memmap_counter(k);

		add_bool(counter, "present", present, ok);
		add_str(counter, "counting",
			daxmap_counter_name(daxmap_kernel_get_memmap_counting(k)),
			ok);
		if (present && daxmap_kernel_read_memmap_pages(k, &pages) == 0) {
			add_int(counter, "pages", (int64_t)pages, ok);
			add_size(counter, "bytes",
				 pages * daxmap_kernel_get_page_size(k), flags,
				 ok);
		} else {
			add(counter, "pages", NULL, ok);
			add(counter, "bytes", NULL, ok);
		}
	}
	add(o, "patches", patches_to_json(daxmap_kernel_get_patches(k), ok),
	    ok);
	return o;
}

static json *region_to_json(struct daxmap_region *r, unsigned int flags,
			    bool *ok)
{
	json *o, *aligns;
	int i;

	o = new_object(ok);
	if (!o)
		return NULL;
	add_str(o, "dev", daxmap_region_get_devname(r), ok);
	add_str(o, "bus", daxmap_region_get_bus(r), ok);
	add_str(o, "type", daxmap_region_get_type(r), ok);
	add_size(o, "size", daxmap_region_get_size(r), flags, ok);
	add_size(o, "available_size", daxmap_region_get_available_size(r),
		 flags, ok);
	add_size(o, "max_available_extent",
		 daxmap_region_get_max_available_extent(r), flags, ok);
	add_int_or_null(o, "numa_node", daxmap_region_get_numa_node(r), ok);
	add_size_or_null(o, "align", daxmap_region_get_align(r), flags, ok);

	aligns = new_array(ok);
	add(o, "supported_alignments", aligns, ok);
	for (i = 0; aligns && i < daxmap_region_get_num_alignments(r); i++) {
		json *v = json_object_new_uint64(
			daxmap_region_get_supported_alignment(r, i));

		append(aligns, v, ok);
	}
	return o;
}

static json *dax_region_to_json(struct daxmap_topology *t,
				struct daxmap_dax_region *r, unsigned int flags,
				bool *ok)
{
	struct daxmap_device *d;
	json *o, *devices, *cxl = NULL;
	const char *memdev;
	int i;

	o = new_object(ok);
	if (!o)
		return NULL;
	add_int(o, "id", daxmap_dax_region_get_id(r), ok);
	add_str(o, "path", daxmap_dax_region_get_path(r), ok);
	add_str(o, "provider", daxmap_dax_region_get_provider(r), ok);
	add_bool(o, "dynamic", daxmap_dax_region_is_dynamic(r), ok);
	add_size(o, "size", daxmap_dax_region_get_size(r), flags, ok);
	add_size(o, "available_size", daxmap_dax_region_get_available_size(r),
		 flags, ok);
	add_size_or_null(o, "align", daxmap_dax_region_get_align(r), flags,
			 ok);
	add_int_or_null(o, "numa_node", daxmap_dax_region_get_numa_node(r),
			ok);
	add_int_or_null(o, "target_node",
			daxmap_dax_region_get_target_node(r), ok);
	add_str(o, "namespace", daxmap_dax_region_get_namespace(r), ok);
	if (daxmap_dax_region_get_cxl_region(r)) {
		json *memdevs;

		cxl = new_object(ok);
		add_str(cxl, "region", daxmap_dax_region_get_cxl_region(r), ok);
		memdevs = new_array(ok);
		add(cxl, "memdevs", memdevs, ok);
		for (i = 0; memdevs &&
			    (memdev = daxmap_dax_region_get_cxl_memdev(r, i));
		     i++)
			append(memdevs, json_object_new_string(memdev), ok);
	}
	add(o, "cxl", cxl, ok);

	devices = new_array(ok);
	add(o, "devices", devices, ok);
	daxmap_device_foreach(t, d)
		if (devices && daxmap_device_get_dax_region(d) == r)
			append(devices,
			       json_object_new_string(
				       daxmap_device_get_devname(d)),
			       ok);
	return o;
}

static json *namespace_to_json(struct daxmap_namespace *n, unsigned int flags,
			       bool *ok)
{
	enum daxmap_map map = daxmap_namespace_get_map(n);
	json *o;

	o = new_object(ok);
	if (!o)
		return NULL;
	add_str(o, "dev", daxmap_namespace_get_devname(n), ok);
	add_str(o, "region", daxmap_namespace_get_region(n), ok);
	add_str(o, "mode", daxmap_namespace_get_mode(n), ok);
	add_size(o, "size", daxmap_namespace_get_size(n), flags, ok);
	add_size(o, "raw_size", daxmap_namespace_get_raw_size(n), flags, ok);
	add_str(o, "uuid", daxmap_namespace_get_uuid(n), ok);
	add_str(o, "name", daxmap_namespace_get_name(n), ok);
	add_str(o, "map", map == DAXMAP_MAP_UNKNOWN ? NULL :
			  daxmap_map_name(map), ok);
	add_size_or_null(o, "align", daxmap_namespace_get_align(n), flags, ok);
	add_int(o, "sector_size", daxmap_namespace_get_sector_size(n), ok);
	add_bool(o, "enabled", daxmap_namespace_is_enabled(n), ok);
	add_bool(o, "managed", daxmap_namespace_is_managed(n), ok);
	add_str(o, "blockdev", daxmap_namespace_get_blockdev(n), ok);
	add(o, "badblocks",
	    badblocks_to_json(daxmap_namespace_get_num_badblocks(n),
			      namespace_badblock, n, flags, ok),
	    ok);
	return o;
}

static json *device_to_json(struct daxmap_device *d, unsigned int flags,
			    uid_t viewer, bool *ok)
{
	static const enum daxmap_source sources[] = {
		DAXMAP_SOURCE_MODEL,
		DAXMAP_SOURCE_MEASURED,
		DAXMAP_SOURCE_KERNEL,
	};
	struct daxmap_mapper *m;
	json *o, *all, *mappers;
	size_t i;

	o = new_object(ok);
	if (!o)
		return NULL;
	add_str(o, "dev", daxmap_device_get_devname(d), ok);
	add_str(o, "chardev", daxmap_device_get_chardev(d), ok);
	add_size(o, "size", daxmap_device_get_size(d), flags, ok);
	add_size_or_null(o, "align", daxmap_device_get_align(d), flags, ok);
	add_str(o, "mode", daxmap_device_get_mode(d), ok);
	add_str(o, "map", daxmap_map_name(daxmap_device_get_map(d)), ok);
	add_int_or_null(o, "numa_node", daxmap_device_get_numa_node(d), ok);
	add_int_or_null(o, "target_node", daxmap_device_get_target_node(d), ok);
	add_bool(o, "enabled", daxmap_device_is_enabled(d), ok);
	add_str(o, "namespace", daxmap_device_get_namespace(d), ok);
	/* The id daxctl's --region takes; the region's "devices" say which. */
	add_int_or_null(o, "dax_region",
			daxmap_dax_region_get_id(daxmap_device_get_dax_region(d)),
			ok);
	add_bool(o, "memmap_on_memory", daxmap_device_has_memmap_on_memory(d),
		 ok);
	add_str(o, "name", daxmap_device_get_name(d), ok);
	add_bool(o, "managed", daxmap_device_is_managed(d), ok);
	add(o, "memmap", memmap_to_json(daxmap_device_get_memmap(d), flags, ok),
	    ok);

	all = new_object(ok);
	add(o, "memmap_sources", all, ok);
	for (i = 0; all && i < ARRAY_SIZE(sources); i++)
		add(all, daxmap_source_name(sources[i]),
		    memmap_to_json(daxmap_device_get_memmap_source(d,
								  sources[i]),
				   flags, ok),
		    ok);

	mappers = new_array(ok);
	add(o, "mappers", mappers, ok);
	daxmap_mapper_foreach(d, m) {
		json *mo = new_object(ok);

		if (!mo)
			break;
		/* Another user's process: that it maps, and what, not who. */
		if (daxmap_mapper_visible_to(m, viewer)) {
			add_int(mo, "pid", daxmap_mapper_get_pid(m), ok);
			add_str(mo, "comm", daxmap_mapper_get_comm(m), ok);
		} else {
			add(mo, "pid", NULL, ok);
			add(mo, "comm", NULL, ok);
		}
		add_size(mo, "mapped_bytes", daxmap_mapper_get_mapped_bytes(m),
			 flags, ok);
		add_size(mo, "pagetable_bytes",
			 daxmap_mapper_get_pagetable_bytes(m), flags, ok);
		/* A mapper's own are modelled; verify measures a mapping. */
		add_str(mo, "pagetable_source",
			daxmap_source_name(DAXMAP_SOURCE_MODEL), ok);
		append(mappers, mo, ok);
	}
	add(o, "badblocks",
	    badblocks_to_json(daxmap_device_get_num_badblocks(d),
			      device_badblock, d, flags, ok),
	    ok);
	add(o, "verify", verify_to_json(d, flags, ok), ok);
	return o;
}

/*
 * Totals over what is enabled: a disabled device has no memmap to pay for,
 * and a device in system-ram mode is memory, not devdax capacity.
 */
static json *totals_to_json(struct daxmap_topology *t, unsigned int flags,
			    bool *ok)
{
	struct daxmap_totals tot;
	json *o, *mm;

	daxmap_topology_get_totals(t, &tot);
	o = new_object(ok);
	if (!o)
		return NULL;
	add_int(o, "regions", tot.regions, ok);
	add_int(o, "dax_regions", tot.dax_regions, ok);
	add_int(o, "namespaces", tot.namespaces, ok);
	add_int(o, "devices", tot.devices, ok);
	add_size(o, "devdax_bytes", tot.devdax_bytes, flags, ok);
	add_size(o, "system_ram_bytes", tot.system_ram_bytes, flags, ok);
	mm = new_object(ok);
	add(o, "memmap", mm, ok);
	if (mm) {
		add_size(mm, "baseline_bytes", tot.memmap.baseline_bytes, flags,
			 ok);
		add_size(mm, "actual_bytes", tot.memmap.actual_bytes, flags, ok);
		add_size(mm, "saved_bytes", tot.memmap.saved_bytes, flags, ok);
		add_size(mm, "pagetable_bytes", tot.memmap.pagetable_bytes,
			 flags, ok);
		add_size(mm, "ram_bytes", tot.memmap.ram_bytes, flags, ok);
		add_size(mm, "device_bytes", tot.memmap.device_bytes, flags, ok);
	}
	add_size(o, "mappers_pagetable_bytes", tot.mapper_pagetable_bytes,
		 flags, ok);
	return o;
}

static json *config_status_to_json(const struct daxmap_config_status *s,
				   bool *ok);

DAXMAP_EXPORT int daxmap_status_to_json(struct daxmap_kernel *k,
					struct daxmap_topology *t,
					struct daxmap_config_status *cs,
					unsigned int flags, char **ret_json)
{
	return daxmap_status_to_json_for(k, t, cs, flags, 0, ret_json);
}

DAXMAP_EXPORT int daxmap_status_to_json_for(struct daxmap_kernel *k,
					    struct daxmap_topology *t,
					    struct daxmap_config_status *cs,
					    unsigned int flags, uid_t viewer,
					    char **ret_json)
{
	_cleanup_json_ json *root = NULL;
	struct daxmap_namespace *n;
	struct daxmap_dax_region *dr;
	struct daxmap_region *r;
	struct daxmap_device *d;
	json *regions, *dax_regions, *namespaces, *devices;
	bool ok = true;

	if (!k)
		return -EINVAL;
	root = new_object(&ok);
	if (!root)
		return -ENOMEM;
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);
	add(root, "kernel", kernel_to_json(k, flags, &ok), &ok);

	regions = new_array(&ok);
	add(root, "regions", regions, &ok);
	daxmap_region_foreach(t, r)
		append(regions, region_to_json(r, flags, &ok), &ok);

	dax_regions = new_array(&ok);
	add(root, "dax_regions", dax_regions, &ok);
	daxmap_dax_region_foreach(t, dr)
		append(dax_regions, dax_region_to_json(t, dr, flags, &ok),
		       &ok);

	namespaces = new_array(&ok);
	add(root, "namespaces", namespaces, &ok);
	daxmap_namespace_foreach(t, n)
		append(namespaces, namespace_to_json(n, flags, &ok), &ok);

	devices = new_array(&ok);
	add(root, "devices", devices, &ok);
	daxmap_device_foreach(t, d)
		append(devices, device_to_json(d, flags, viewer, &ok), &ok);

	add(root, "totals", totals_to_json(t, flags, &ok), &ok);
	add(root, "config", config_status_to_json(cs, &ok), &ok);
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}

DAXMAP_EXPORT int daxmap_kernel_to_json(struct daxmap_kernel *k,
					unsigned int flags, char **ret_json)
{
	_cleanup_json_ json *root = NULL;
	bool ok = true;

	if (!k)
		return -EINVAL;
	root = new_object(&ok);
	if (!root)
		return -ENOMEM;
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);
	add(root, "kernel", kernel_to_json(k, flags, &ok), &ok);
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}

static json *plan_entry_to_json(const struct daxmap_model *m, uint64_t size,
				uint64_t align, enum daxmap_map map,
				unsigned int flags, bool *ok)
{
	struct daxmap_memmap c;
	json *o;

	if (daxmap_model_memmap(m, size, align, map, &c) < 0)
		return NULL;
	o = new_object(ok);
	if (!o)
		return NULL;
	add_size(o, "size", size, flags, ok);
	add_size(o, "align", align, flags, ok);
	add_str(o, "map", daxmap_map_name(map), ok);
	add(o, "memmap", memmap_to_json(&c, flags, ok), ok);
	return o;
}

DAXMAP_EXPORT int daxmap_plan_to_json(const struct daxmap_model *m,
				      uint64_t size, uint64_t align,
				      enum daxmap_map map, unsigned int flags,
				      char **ret_json)
{
	static const enum daxmap_map maps[] = { DAXMAP_MAP_MEM,
						DAXMAP_MAP_DEV };
	_cleanup_json_ json *root = NULL;
	json *model, *request, *alternatives, *system_ram;
	struct daxmap_memmap probe;
	bool ok = true;
	size_t i, j;
	int r;

	/* Refuse what cannot be modelled before building anything. */
	r = daxmap_model_memmap(m, size, align, map, &probe);
	if (r < 0)
		return r;

	root = new_object(&ok);
	if (!root)
		return -ENOMEM;
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);

	model = new_object(&ok);
	add(root, "model", model, &ok);
	if (model) {
		add_size(model, "page_size", m->page_size, flags, &ok);
		add_int(model, "struct_page_size", (int64_t)m->struct_page_size,
			&ok);
		add_bool(model, "dedup", m->dedup, &ok);
		add_int(model, "dedup_kept_pages", (int64_t)m->dedup_kept_pages,
			&ok);
	}

	request = plan_entry_to_json(m, size, align, map, flags, &ok);
	add(root, "request", request, &ok);

	/* Only the combinations the size allows: a list, possibly short. */
	alternatives = new_array(&ok);
	add(root, "alternatives", alternatives, &ok);
	for (i = 0; alternatives && daxmap_align_get(i); i++) {
		uint64_t a = daxmap_align_get(i);

		if (size % a || a % m->page_size)
			continue;
		for (j = 0; j < ARRAY_SIZE(maps); j++)
			append(alternatives,
			       plan_entry_to_json(m, size, a, maps[j], flags,
						  &ok),
			       &ok);
	}

	/* The same memory onlined by kmem, memmap in RAM or on the memory. */
	system_ram = new_array(&ok);
	add(root, "system_ram", system_ram, &ok);
	for (j = 0; system_ram && j < 2; j++) {
		struct daxmap_memmap c;
		json *o;

		if (daxmap_model_system_ram_memmap(m, size, j, &c) < 0)
			continue;
		o = new_object(&ok);
		if (!o)
			break;
		add_size(o, "size", size, flags, &ok);
		add_bool(o, "memmap_on_memory", j, &ok);
		add(o, "memmap", memmap_to_json(&c, flags, &ok), &ok);
		append(system_ram, o, &ok);
	}
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}

DAXMAP_EXPORT int daxmap_namespace_to_json(struct daxmap_topology *t,
					   const char *devname,
					   unsigned int flags, char **ret_json)
{
	_cleanup_json_ json *root = NULL;
	struct daxmap_namespace *n;
	struct daxmap_device *d;
	json *devices;
	bool ok = true;

	daxmap_namespace_foreach(t, n)
		if (strcmp(daxmap_namespace_get_devname(n), devname) == 0)
			break;
	if (!n)
		return -ENOENT;

	root = new_object(&ok);
	if (!root)
		return -ENOMEM;
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);
	add(root, "namespace", namespace_to_json(n, flags, &ok), &ok);
	devices = new_array(&ok);
	add(root, "devices", devices, &ok);
	daxmap_device_foreach(t, d) {
		const char *ns = daxmap_device_get_namespace(d);

		if (ns && strcmp(ns, devname) == 0)
			append(devices, device_to_json(d, flags, 0, &ok), &ok);
	}
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}

DAXMAP_EXPORT int daxmap_create_plan_to_json(struct daxmap_create_plan *p,
					     unsigned int flags,
					     char **ret_json)
{
	_cleanup_json_ json *root = NULL;
	json *o, *notes;
	bool ok = true;
	int i;

	root = new_object(&ok);
	if (!root)
		return -ENOMEM;
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);
	o = new_object(&ok);
	add(root, "plan", o, &ok);
	if (!o)
		return -ENOMEM;
	add_str(o, "region", p->region, &ok);
	add_size(o, "size", p->size, flags, &ok);
	add_size(o, "device_size", p->device_size, flags, &ok);
	add_size(o, "align", p->align, flags, &ok);
	add_str(o, "mode", p->mode, &ok);
	add_str(o, "map", daxmap_map_name(p->map), &ok);
	add_str(o, "name", p->name, &ok);
	add(o, "memmap", memmap_to_json(&p->memmap, flags, &ok), &ok);
	notes = new_array(&ok);
	add(o, "notes", notes, &ok);
	for (i = 0; notes && i < p->nnotes; i++)
		append(notes, json_object_new_string(p->notes[i]), &ok);
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}

/* ------------------------------------------------------- configuration */

static json *strv_to_json(char *const *strv, bool *ok)
{
	json *a = new_array(ok);

	for (; a && strv && *strv; strv++)
		append(a, json_object_new_string(*strv), ok);
	return a;
}

static json *check_to_json(const struct daxmap_config_check *c, bool *ok)
{
	json *o = new_object(ok), *drifts;
	int i;

	if (!o)
		return NULL;
	add_str(o, "name", c->name, ok);
	add_str(o, "kind", daxmap_config_kind_name(c->kind), ok);
	add_str(o, "state", daxmap_config_state_name(c->state), ok);
	add_str(o, "namespace", c->namespace, ok);
	/* One shape for both kinds: each names its own, the other null. */
	add_str(o, "device", c->device, ok);
	add_bool(o, "managed", c->managed, ok);
	add_bool(o, "recreate", c->recreate, ok);
	drifts = new_array(ok);
	add(o, "drift", drifts, ok);
	for (i = 0; drifts && i < c->ndrifts; i++) {
		json *d = new_object(ok);

		if (!d)
			break;
		add_str(d, "key", c->drifts[i].key, ok);
		add_str(d, "want", c->drifts[i].want, ok);
		add_str(d, "have", c->drifts[i].have, ok);
		append(drifts, d, ok);
	}
	add_str(o, "outcome", daxmap_apply_outcome_name(c->outcome), ok);
	add_str(o, "message", c->message, ok);
	return o;
}

static json *checks_to_json(const struct daxmap_config_check *c, bool *ok)
{
	json *a = new_array(ok);

	for (; a && c; c = c->next)
		append(a, check_to_json(c, ok), ok);
	return a;
}

static json *summary_to_json(const struct daxmap_apply_summary *s, bool *ok)
{
	json *o = new_object(ok);

	if (!o)
		return NULL;
	add_str(o, "time", s->time, ok);
	add_bool(o, "dry_run", s->dry_run, ok);
	add_int(o, "unchanged", s->unchanged, ok);
	add_int(o, "created", s->created, ok);
	add_int(o, "recreated", s->recreated, ok);
	add_int(o, "drifted", s->drifted, ok);
	add_int(o, "failed", s->failed, ok);
	return o;
}

/* The "config" of a status: always an object, the same shape. */
static json *config_status_to_json(const struct daxmap_config_status *s,
				   bool *ok)
{
	json *o = new_object(ok);

	if (!o)
		return NULL;
	add_str(o, "dir", s ? s->dir : NULL, ok);
	add(o, "files", strv_to_json(s ? s->files : NULL, ok), ok);
	add_str(o, "error", s ? s->error : NULL, ok);
	add(o, "namespaces", checks_to_json(s ? s->checks : NULL, ok), ok);
	add(o, "last_apply", s && s->has_last_apply ?
			     summary_to_json(&s->last_apply, ok) : NULL, ok);
	return o;
}

DAXMAP_EXPORT int daxmap_apply_report_to_json(struct daxmap_apply_report *r,
					      unsigned int flags,
					      char **ret_json)
{
	_cleanup_json_ json *root = NULL;
	struct daxmap_apply_summary sum;
	bool ok = true;
	json *o;

	root = new_object(&ok);
	if (!root)
		return -ENOMEM;
	add_int(root, "schema", DAXMAP_SCHEMA, &ok);
	o = new_object(&ok);
	add(root, "apply", o, &ok);
	if (!o)
		return -ENOMEM;
	daxmap_apply_report_get_summary(r, &sum);
	add_str(o, "time", r->time, &ok);
	add_bool(o, "dry_run", r->dry_run, &ok);
	add(o, "files", strv_to_json(r->files, &ok), &ok);
	add(o, "summary", summary_to_json(&sum, &ok), &ok);
	add(o, "namespaces", checks_to_json(r->checks, &ok), &ok);
	if (!ok)
		return -ENOMEM;
	return to_string(root, flags, ret_json);
}
