// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots of regions, namespaces and dax devices, their vtables, and the
 * comparison of two scans.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "objects.h"
#include "util.h"

/* Every string field of every kind, for defaults and freeing. */
#define REGION_STRINGS(o) &(o)->region.bus, &(o)->region.type
#define DAX_REGION_STRINGS(o)                                                  \
	&(o)->dax_region.sysfs_path, &(o)->dax_region.provider,                \
		&(o)->dax_region.cxl_region
#define NAMESPACE_STRINGS(o)                                                   \
	&(o)->ns.mode, &(o)->ns.uuid, &(o)->ns.name, &(o)->ns.map,             \
		&(o)->ns.blockdev
#define DEVICE_STRINGS(o)                                                      \
	&(o)->device.chardev, &(o)->device.mode, &(o)->device.map,             \
		&(o)->device.memmap.location, &(o)->device.memmap.source

static const struct {
	const char *interface;
	const char *prefix;
} kinds[_OBJECT_KIND_MAX] = {
	[OBJECT_REGION] = { "org.daxmap1.Region", "/org/daxmap1/region" },
	[OBJECT_DAX_REGION] = { "org.daxmap1.DaxRegion",
				"/org/daxmap1/dax_region" },
	[OBJECT_NAMESPACE] = { "org.daxmap1.Namespace",
			       "/org/daxmap1/namespace" },
	[OBJECT_DEVICE] = { "org.daxmap1.Device", "/org/daxmap1/device" },
};

const char *object_kind_interface(enum object_kind kind)
{
	return kinds[kind].interface;
}

const char *object_kind_prefix(enum object_kind kind)
{
	return kinds[kind].prefix;
}

/* ------------------------------------------------------------- vtables */

static int property_get_u64_array(sd_bus *bus, const char *path,
				  const char *interface, const char *property,
				  sd_bus_message *reply, void *userdata,
				  sd_bus_error *error)
{
	const struct u64_array *a = userdata;

	return sd_bus_message_append_array(reply, 't', a->v,
					   a->n * sizeof(uint64_t));
}

#define CHANGES SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE
#define OBJ(field) offsetof(struct object, field)

static const sd_bus_vtable region_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("DeviceName", "s", NULL, OBJ(device_name),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Bus", "s", NULL, OBJ(region.bus), CHANGES),
	SD_BUS_PROPERTY("Type", "s", NULL, OBJ(region.type), CHANGES),
	SD_BUS_PROPERTY("Size", "t", NULL, OBJ(region.size), CHANGES),
	SD_BUS_PROPERTY("AvailableSize", "t", NULL, OBJ(region.available_size),
			CHANGES),
	SD_BUS_PROPERTY("MaxAvailableExtent", "t", NULL,
			OBJ(region.max_available_extent), CHANGES),
	SD_BUS_PROPERTY("NumaNode", "i", NULL, OBJ(region.numa_node), CHANGES),
	SD_BUS_PROPERTY("Align", "t", NULL, OBJ(region.align), CHANGES),
	SD_BUS_PROPERTY("SupportedAlignments", "at", property_get_u64_array,
			OBJ(region.supported_alignments), CHANGES),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable dax_region_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("DeviceName", "s", NULL, OBJ(device_name),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Id", "i", NULL, OBJ(dax_region.id), CHANGES),
	SD_BUS_PROPERTY("SysfsPath", "s", NULL, OBJ(dax_region.sysfs_path),
			CHANGES),
	SD_BUS_PROPERTY("Provider", "s", NULL, OBJ(dax_region.provider),
			CHANGES),
	SD_BUS_PROPERTY("Dynamic", "b", NULL, OBJ(dax_region.dynamic), CHANGES),
	SD_BUS_PROPERTY("Size", "t", NULL, OBJ(dax_region.size), CHANGES),
	SD_BUS_PROPERTY("AvailableSize", "t", NULL,
			OBJ(dax_region.available_size), CHANGES),
	SD_BUS_PROPERTY("Align", "t", NULL, OBJ(dax_region.align), CHANGES),
	SD_BUS_PROPERTY("NumaNode", "i", NULL, OBJ(dax_region.numa_node),
			CHANGES),
	SD_BUS_PROPERTY("TargetNode", "i", NULL, OBJ(dax_region.target_node),
			CHANGES),
	SD_BUS_PROPERTY("Namespace", "o", NULL, OBJ(dax_region.namespace),
			CHANGES),
	SD_BUS_PROPERTY("CxlRegion", "s", NULL, OBJ(dax_region.cxl_region),
			CHANGES),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable namespace_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("DeviceName", "s", NULL, OBJ(device_name),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Region", "o", NULL, OBJ(ns.region), CHANGES),
	SD_BUS_PROPERTY("Mode", "s", NULL, OBJ(ns.mode), CHANGES),
	SD_BUS_PROPERTY("Size", "t", NULL, OBJ(ns.size), CHANGES),
	SD_BUS_PROPERTY("RawSize", "t", NULL, OBJ(ns.raw_size), CHANGES),
	SD_BUS_PROPERTY("UUID", "s", NULL, OBJ(ns.uuid), CHANGES),
	SD_BUS_PROPERTY("Name", "s", NULL, OBJ(ns.name), CHANGES),
	SD_BUS_PROPERTY("Map", "s", NULL, OBJ(ns.map), CHANGES),
	SD_BUS_PROPERTY("Align", "t", NULL, OBJ(ns.align), CHANGES),
	SD_BUS_PROPERTY("SectorSize", "u", NULL, OBJ(ns.sector_size), CHANGES),
	SD_BUS_PROPERTY("Enabled", "b", NULL, OBJ(ns.enabled), CHANGES),
	SD_BUS_PROPERTY("Managed", "b", NULL, OBJ(ns.managed), CHANGES),
	SD_BUS_PROPERTY("BlockDevice", "s", NULL, OBJ(ns.blockdev), CHANGES),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable device_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("DeviceName", "s", NULL, OBJ(device_name),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("CharDevice", "s", NULL, OBJ(device.chardev), CHANGES),
	SD_BUS_PROPERTY("Namespace", "o", NULL, OBJ(device.namespace), CHANGES),
	SD_BUS_PROPERTY("Size", "t", NULL, OBJ(device.size), CHANGES),
	SD_BUS_PROPERTY("Align", "t", NULL, OBJ(device.align), CHANGES),
	SD_BUS_PROPERTY("Mode", "s", NULL, OBJ(device.mode), CHANGES),
	SD_BUS_PROPERTY("Map", "s", NULL, OBJ(device.map), CHANGES),
	SD_BUS_PROPERTY("NumaNode", "i", NULL, OBJ(device.numa_node), CHANGES),
	SD_BUS_PROPERTY("TargetNode", "i", NULL, OBJ(device.target_node),
			CHANGES),
	SD_BUS_PROPERTY("Enabled", "b", NULL, OBJ(device.enabled), CHANGES),
	SD_BUS_PROPERTY("DaxRegion", "o", NULL, OBJ(device.dax_region),
			CHANGES),
	SD_BUS_PROPERTY("MemmapOnMemory", "b", NULL,
			OBJ(device.memmap_on_memory), CHANGES),
	SD_BUS_PROPERTY("MemmapLocation", "s", NULL,
			OBJ(device.memmap.location), CHANGES),
	SD_BUS_PROPERTY("MemmapSource", "s", NULL, OBJ(device.memmap.source),
			CHANGES),
	SD_BUS_PROPERTY("MemmapBaselineBytes", "t", NULL,
			OBJ(device.memmap.baseline_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapActualBytes", "t", NULL,
			OBJ(device.memmap.actual_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapSavedBytes", "t", NULL,
			OBJ(device.memmap.saved_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapPagetableBytes", "t", NULL,
			OBJ(device.memmap.pagetable_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapRamBytes", "t", NULL,
			OBJ(device.memmap.ram_bytes), CHANGES),
	SD_BUS_PROPERTY("MemmapDeviceBytes", "t", NULL,
			OBJ(device.memmap.device_bytes), CHANGES),
	SD_BUS_VTABLE_END
};

const sd_bus_vtable *object_kind_vtable(enum object_kind kind)
{
	static const sd_bus_vtable *const vtables[_OBJECT_KIND_MAX] = {
		[OBJECT_REGION] = region_vtable,
		[OBJECT_DAX_REGION] = dax_region_vtable,
		[OBJECT_NAMESPACE] = namespace_vtable,
		[OBJECT_DEVICE] = device_vtable,
	};

	return vtables[kind];
}

/* ----------------------------------------------------------- comparison */

static bool property_equal(const sd_bus_vtable *v, const void *a,
			   const void *b)
{
	if (v->x.property.get == property_get_u64_array) {
		const struct u64_array *x = a, *y = b;

		return x->n == y->n &&
		       (!x->n || !memcmp(x->v, y->v, x->n * sizeof(*x->v)));
	}
	switch (v->x.property.signature[0]) {
	case 's':
	case 'o': {
		/* NULL reads as "", as sd-bus serves it. */
		const char *x = *(char *const *)a, *y = *(char *const *)b;

		return streq(x ? x : "", y ? y : "");
	}
	case 't':
		return *(const uint64_t *)a == *(const uint64_t *)b;
	case 'i':
		return *(const int32_t *)a == *(const int32_t *)b;
	case 'u':
		return *(const uint32_t *)a == *(const uint32_t *)b;
	case 'b':
		return !*(const int *)a == !*(const int *)b;
	default:
		/* vtable_check() keeps anything else out of the vtables. */
		return false;
	}
}

int vtable_check(const sd_bus_vtable *vtable)
{
	const sd_bus_vtable *v;

	for (v = vtable; v->type != _SD_BUS_VTABLE_END; v++) {
		const char *sig;

		if (v->type != _SD_BUS_VTABLE_PROPERTY)
			continue;
		if (v->flags & SD_BUS_VTABLE_PROPERTY_CONST)
			continue;
		if (!(v->flags & SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE))
			return -EINVAL;
		sig = v->x.property.signature;
		if (v->x.property.get == property_get_u64_array &&
		    streq(sig, "at"))
			continue;
		if (v->x.property.get || strlen(sig) != 1 ||
		    !strchr("sotiub", sig[0]))
			return -EINVAL;
	}
	return 0;
}

size_t properties_changed(const sd_bus_vtable *vtable, size_t base,
			  const void *old, const void *new,
			  const char **names, size_t max)
{
	const sd_bus_vtable *v;
	size_t n = 0;

	for (v = vtable; v->type != _SD_BUS_VTABLE_END; v++) {
		size_t off;

		if (v->type != _SD_BUS_VTABLE_PROPERTY ||
		    !(v->flags & SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE))
			continue;
		off = v->x.property.offset - base;
		if (property_equal(v, (const char *)old + off,
				   (const char *)new + off))
			continue;
		if (n < max)
			names[n] = v->x.property.member;
		n++;
	}
	names[n < max ? n : max] = NULL;
	return n;
}

/* ------------------------------------------------------------- objects */

int object_path_for(enum object_kind kind, const char *name, char **ret)
{
	const char *p;
	char *path, *q;

	if (!name || !*name)
		return -EINVAL;
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' ||
		      /* CXL's dax_regionN; no other kind's names have '_' */
		      (*p == '_' && kind == OBJECT_DAX_REGION)))
			return -EINVAL;
	if (asprintf(&path, "%s/%s", kinds[kind].prefix, name) < 0)
		return -ENOMEM;
	for (q = path + strlen(kinds[kind].prefix) + 1; *q; q++)
		if (*q == '.')
			*q = '_';
	*ret = path;
	return 0;
}

/* Replaces *@field with a bus-safe copy of @value ("" for NULL). */
static void set_str(char **field, const char *value, bool *ok)
{
	char *copy = utf8_sanitize(value);

	if (!copy) {
		*ok = false;
		return;
	}
	free(*field);
	*field = copy;
}

static void for_each_string(struct object *o, void (*fn)(char **s, void *u),
			    void *u)
{
	char **region[] = { REGION_STRINGS(o) };
	char **dax_region[] = { DAX_REGION_STRINGS(o),
				&o->dax_region.namespace };
	char **ns[] = { NAMESPACE_STRINGS(o), &o->ns.region };
	char **device[] = { DEVICE_STRINGS(o), &o->device.namespace,
			    &o->device.dax_region };
	char ***list;
	size_t n, i;

	switch (o->kind) {
	case OBJECT_REGION:
		list = region;
		n = ARRAY_SIZE(region);
		break;
	case OBJECT_DAX_REGION:
		list = dax_region;
		n = ARRAY_SIZE(dax_region);
		break;
	case OBJECT_NAMESPACE:
		list = ns;
		n = ARRAY_SIZE(ns);
		break;
	default:
		list = device;
		n = ARRAY_SIZE(device);
		break;
	}
	for (i = 0; i < n; i++)
		fn(list[i], u);
}

static void free_string(char **s, void *u)
{
	(void)u;
	free(*s);
	*s = NULL;
}

void object_free(struct object *o)
{
	if (!o)
		return;
	for_each_string(o, free_string, NULL);
	if (o->kind == OBJECT_REGION)
		free(o->region.supported_alignments.v);
	free(o->path);
	free(o->device_name);
	free(o);
}

static inline void object_freep(struct object **o)
{
	object_free(*o);
}

static void default_string(char **s, void *u)
{
	set_str(s, "", u);
}

int object_new(enum object_kind kind, const char *name, struct object **ret)
{
	_cleanup_(object_freep) struct object *o = NULL;
	bool ok = true;
	int r;

	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->kind = kind;
	r = object_path_for(kind, name, &o->path);
	if (r < 0)
		return r;
	set_str(&o->device_name, name, &ok);
	for_each_string(o, default_string, &ok);
	if (kind == OBJECT_NAMESPACE)
		set_str(&o->ns.region, "/", &ok);
	if (kind == OBJECT_DEVICE) {
		set_str(&o->device.namespace, "/", &ok);
		set_str(&o->device.dax_region, "/", &ok);
	}
	if (kind == OBJECT_DAX_REGION)
		set_str(&o->dax_region.namespace, "/", &ok);
	if (!ok)
		return -ENOMEM;
	switch (kind) {
	case OBJECT_REGION:
		o->region.numa_node = -1;
		break;
	case OBJECT_DAX_REGION:
		o->dax_region.id = -1;
		o->dax_region.numa_node = -1;
		o->dax_region.target_node = -1;
		break;
	case OBJECT_DEVICE:
		o->device.numa_node = -1;
		o->device.target_node = -1;
		break;
	default:
		break;
	}
	*ret = TAKE_PTR(o);
	return 0;
}

int object_set_add(struct object_set *s, struct object *o)
{
	if (s->n == s->allocated) {
		size_t want = s->allocated ? s->allocated * 2 : 16;
		struct object **grown;

		grown = reallocarray(s->objects, want, sizeof(*grown));
		if (!grown) {
			object_free(o);
			return -ENOMEM;
		}
		s->objects = grown;
		s->allocated = want;
	}
	s->objects[s->n++] = o;
	return 0;
}

static int compare_paths(const void *a, const void *b)
{
	const struct object *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

void object_set_finish(struct object_set *s)
{
	size_t i, kept = 0;

	if (!s->n)
		return;
	qsort(s->objects, s->n, sizeof(*s->objects), compare_paths);
	for (i = 0; i < s->n; i++) {
		if (kept && streq(s->objects[kept - 1]->path,
				  s->objects[i]->path)) {
			object_free(s->objects[i]);
			continue;
		}
		s->objects[kept++] = s->objects[i];
	}
	s->n = kept;
}

struct object *object_set_find(const struct object_set *s, const char *path)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, s->objects[mid]->path);

		if (c == 0)
			return s->objects[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void object_set_clear(struct object_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		object_free(s->objects[i]);
	free(s->objects);
	*s = (struct object_set){ 0 };
}

void object_set_move(struct object_set *to, struct object_set *from)
{
	object_set_clear(to);
	*to = *from;
	*from = (struct object_set){ 0 };
}

void object_set_diff(const struct object_set *old,
		     const struct object_set *new,
		     const struct object_diff_ops *ops, void *userdata)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < new->n) {
		struct object *a = i < old->n ? old->objects[i] : NULL;
		struct object *b = j < new->n ? new->objects[j] : NULL;
		int c = !a ? 1 : !b ? -1 : strcmp(a->path, b->path);
		const char *names[32 + 1];

		if (c < 0) {
			if (ops->removed)
				ops->removed(a, userdata);
			i++;
		} else if (c > 0) {
			if (ops->added)
				ops->added(b, userdata);
			j++;
		} else {
			/* Same path, same kind: the prefix says which. */
			if (ops->changed &&
			    properties_changed(object_kind_vtable(b->kind), 0, a,
					       b, names, ARRAY_SIZE(names) - 1))
				ops->changed(b, names, userdata);
			i++;
			j++;
		}
	}
}

/* ------------------------------------------------------ from a topology */

static void memmap_props_set(struct memmap_props *p,
			     const struct daxmap_memmap *mm, bool *ok)
{
	if (!mm)
		return;
	set_str(&p->location, mm->location == DAXMAP_MAP_DEV ? "device" : "ram",
		ok);
	set_str(&p->source, daxmap_source_name(mm->source), ok);
	p->baseline_bytes = mm->baseline_bytes;
	p->actual_bytes = mm->actual_bytes;
	p->saved_bytes = mm->saved_bytes;
	p->pagetable_bytes = mm->pagetable_bytes;
	p->ram_bytes = mm->ram_bytes;
	p->device_bytes = mm->device_bytes;
}

static const char *map_or_empty(enum daxmap_map map)
{
	return map == DAXMAP_MAP_UNKNOWN ? "" : daxmap_map_name(map);
}

/* The path of the object @name of @kind, or "/" when it has none. */
static void set_ref(char **field, enum object_kind kind, const char *name,
		    bool *ok)
{
	_cleanup_free_ char *path = NULL;

	if (object_path_for(kind, name, &path) < 0)
		return;
	set_str(field, path, ok);
}

static int add_region(struct object_set *s, struct daxmap_region *r)
{
	struct object *o;
	int i, n, k;
	bool ok = true;

	k = object_new(OBJECT_REGION, daxmap_region_get_devname(r), &o);
	if (k < 0)
		return k;
	set_str(&o->region.bus, daxmap_region_get_bus(r), &ok);
	set_str(&o->region.type, daxmap_region_get_type(r), &ok);
	o->region.size = daxmap_region_get_size(r);
	o->region.available_size = daxmap_region_get_available_size(r);
	o->region.max_available_extent =
		daxmap_region_get_max_available_extent(r);
	o->region.numa_node = daxmap_region_get_numa_node(r);
	o->region.align = daxmap_region_get_align(r);
	n = daxmap_region_get_num_alignments(r);
	if (n > 0) {
		o->region.supported_alignments.v =
			calloc((size_t)n, sizeof(uint64_t));
		if (!o->region.supported_alignments.v)
			ok = false;
		for (i = 0; ok && i < n; i++)
			o->region.supported_alignments.v[i] =
				daxmap_region_get_supported_alignment(r, i);
		if (ok)
			o->region.supported_alignments.n = (size_t)n;
	}
	if (!ok) {
		object_free(o);
		return -ENOMEM;
	}
	return object_set_add(s, o);
}

/* The name of a dax region's object: its sysfs device's (hmem.0). */
static const char *dax_region_name(struct daxmap_dax_region *r)
{
	const char *path = daxmap_dax_region_get_path(r);
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

static int add_dax_region(struct object_set *s, struct daxmap_dax_region *r)
{
	struct object *o;
	bool ok = true;
	int k;

	k = object_new(OBJECT_DAX_REGION, dax_region_name(r), &o);
	if (k < 0)
		return k;
	o->dax_region.id = daxmap_dax_region_get_id(r);
	set_str(&o->dax_region.sysfs_path, daxmap_dax_region_get_path(r), &ok);
	set_str(&o->dax_region.provider, daxmap_dax_region_get_provider(r),
		&ok);
	o->dax_region.dynamic = daxmap_dax_region_is_dynamic(r);
	o->dax_region.size = daxmap_dax_region_get_size(r);
	o->dax_region.available_size = daxmap_dax_region_get_available_size(r);
	o->dax_region.align = daxmap_dax_region_get_align(r);
	o->dax_region.numa_node = daxmap_dax_region_get_numa_node(r);
	o->dax_region.target_node = daxmap_dax_region_get_target_node(r);
	set_ref(&o->dax_region.namespace, OBJECT_NAMESPACE,
		daxmap_dax_region_get_namespace(r), &ok);
	set_str(&o->dax_region.cxl_region,
		daxmap_dax_region_get_cxl_region(r), &ok);
	if (!ok) {
		object_free(o);
		return -ENOMEM;
	}
	return object_set_add(s, o);
}

static int add_namespace(struct object_set *s, struct daxmap_namespace *n)
{
	struct object *o;
	bool ok = true;
	int r;

	r = object_new(OBJECT_NAMESPACE, daxmap_namespace_get_devname(n), &o);
	if (r < 0)
		return r;
	set_ref(&o->ns.region, OBJECT_REGION, daxmap_namespace_get_region(n),
		&ok);
	set_str(&o->ns.mode, daxmap_namespace_get_mode(n), &ok);
	o->ns.size = daxmap_namespace_get_size(n);
	o->ns.raw_size = daxmap_namespace_get_raw_size(n);
	set_str(&o->ns.uuid, daxmap_namespace_get_uuid(n), &ok);
	set_str(&o->ns.name, daxmap_namespace_get_name(n), &ok);
	set_str(&o->ns.map, map_or_empty(daxmap_namespace_get_map(n)), &ok);
	o->ns.align = daxmap_namespace_get_align(n);
	o->ns.sector_size = daxmap_namespace_get_sector_size(n);
	o->ns.enabled = daxmap_namespace_is_enabled(n);
	o->ns.managed = daxmap_namespace_is_managed(n);
	set_str(&o->ns.blockdev, daxmap_namespace_get_blockdev(n), &ok);
	if (!ok) {
		object_free(o);
		return -ENOMEM;
	}
	return object_set_add(s, o);
}

static int add_device(struct object_set *s, struct daxmap_device *d)
{
	struct object *o;
	bool ok = true;
	int r;

	r = object_new(OBJECT_DEVICE, daxmap_device_get_devname(d), &o);
	if (r < 0)
		return r;
	set_str(&o->device.chardev, daxmap_device_get_chardev(d), &ok);
	set_ref(&o->device.namespace, OBJECT_NAMESPACE,
		daxmap_device_get_namespace(d), &ok);
	o->device.size = daxmap_device_get_size(d);
	o->device.align = daxmap_device_get_align(d);
	set_str(&o->device.mode, daxmap_device_get_mode(d), &ok);
	set_str(&o->device.map, map_or_empty(daxmap_device_get_map(d)), &ok);
	o->device.numa_node = daxmap_device_get_numa_node(d);
	o->device.target_node = daxmap_device_get_target_node(d);
	o->device.enabled = daxmap_device_is_enabled(d);
	if (daxmap_device_get_dax_region(d))
		set_ref(&o->device.dax_region, OBJECT_DAX_REGION,
			dax_region_name(daxmap_device_get_dax_region(d)), &ok);
	o->device.memmap_on_memory = daxmap_device_has_memmap_on_memory(d);
	memmap_props_set(&o->device.memmap, daxmap_device_get_memmap(d), &ok);
	if (!ok) {
		object_free(o);
		return -ENOMEM;
	}
	return object_set_add(s, o);
}

/* A reference to an object that did not make it into @s points nowhere. */
static void drop_dangling_refs(struct object_set *s)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct object *o = s->objects[i];
		char **refs[2] = {
			o->kind == OBJECT_NAMESPACE ? &o->ns.region :
			o->kind == OBJECT_DEVICE ? &o->device.namespace :
			o->kind == OBJECT_DAX_REGION ? &o->dax_region.namespace :
						       NULL,
			o->kind == OBJECT_DEVICE ? &o->device.dax_region : NULL,
		};

		/* On ENOMEM the reference stays: one to an object that does
		 * not exist is what clients must expect anyway, as objects
		 * come and go. */
		for (size_t j = 0; j < ARRAY_SIZE(refs); j++)
			if (refs[j] && !streq(*refs[j], "/") &&
			    !object_set_find(s, *refs[j]))
				set_str(refs[j], "/", &ok);
	}
}

int object_set_from_topology(struct daxmap_topology *t,
			     struct object_set *ret)
{
	struct object_set s = { 0 };
	struct daxmap_dax_region *dr;
	struct daxmap_namespace *n;
	struct daxmap_region *r;
	struct daxmap_device *d;
	int k = 0;

	/* Names the path rule cannot spell get no object (-EINVAL). */
	daxmap_region_foreach(t, r)
		if ((k = add_region(&s, r)) == -ENOMEM)
			goto fail;
	daxmap_dax_region_foreach(t, dr)
		if ((k = add_dax_region(&s, dr)) == -ENOMEM)
			goto fail;
	daxmap_namespace_foreach(t, n)
		if ((k = add_namespace(&s, n)) == -ENOMEM)
			goto fail;
	daxmap_device_foreach(t, d)
		if ((k = add_device(&s, d)) == -ENOMEM)
			goto fail;
	object_set_finish(&s);
	drop_dangling_refs(&s);
	*ret = s;
	return 0;
fail:
	object_set_clear(&s);
	return k;
}

/* ------------------------------------------------------------- manager */

void manager_props_clear(struct manager_props *p)
{
	free(p->kernel_release);
	free(p->vmemmap_dedup);
	free(p->vmemmap_dedup_reason);
	free(p->memmap_counting);
	*p = (struct manager_props){ 0 };
}

int manager_props_from_scan(struct daxmap_kernel *k,
			    struct daxmap_topology *t,
			    struct manager_props *ret)
{
	struct manager_props p = { 0 };
	struct daxmap_totals tot;
	bool ok = true;

	set_str(&p.kernel_release, k ? daxmap_kernel_get_release(k) : NULL,
		&ok);
	set_str(&p.vmemmap_dedup,
		daxmap_tristate_name(k ? daxmap_kernel_get_vmemmap_dedup(k) :
					 DAXMAP_UNKNOWN),
		&ok);
	set_str(&p.vmemmap_dedup_reason,
		k ? daxmap_kernel_get_vmemmap_dedup_reason(k) : NULL, &ok);
	set_str(&p.memmap_counting,
		daxmap_counter_name(k ? daxmap_kernel_get_memmap_counting(k) :
					DAXMAP_COUNTER_UNKNOWN),
		&ok);
	if (!ok) {
		manager_props_clear(&p);
		return -ENOMEM;
	}

	/* The totals of GetStatus, which the library sums. */
	daxmap_topology_get_totals(t, &tot);
	p.regions = tot.regions;
	p.dax_regions = tot.dax_regions;
	p.namespaces = tot.namespaces;
	p.devices = tot.devices;
	p.devdax_bytes = tot.devdax_bytes;
	p.system_ram_bytes = tot.system_ram_bytes;
	p.memmap_baseline_bytes = tot.memmap.baseline_bytes;
	p.memmap_actual_bytes = tot.memmap.actual_bytes;
	p.memmap_saved_bytes = tot.memmap.saved_bytes;
	p.memmap_pagetable_bytes = tot.memmap.pagetable_bytes;
	p.memmap_ram_bytes = tot.memmap.ram_bytes;
	p.memmap_device_bytes = tot.memmap.device_bytes;
	*ret = p;
	return 0;
}

/* ------------------------------------------------------------- the bus */

static int find_kind(const struct object_set *live, enum object_kind kind,
		     const char *path, void **found)
{
	struct object *o = object_set_find(live, path);

	if (!o || o->kind != kind)
		return 0;
	*found = o;
	return 1;
}

static int region_find(sd_bus *bus, const char *path, const char *interface,
		       void *userdata, void **found, sd_bus_error *error)
{
	return find_kind(userdata, OBJECT_REGION, path, found);
}

static int dax_region_find(sd_bus *bus, const char *path,
			   const char *interface, void *userdata, void **found,
			   sd_bus_error *error)
{
	return find_kind(userdata, OBJECT_DAX_REGION, path, found);
}

static int namespace_find(sd_bus *bus, const char *path,
			  const char *interface, void *userdata, void **found,
			  sd_bus_error *error)
{
	return find_kind(userdata, OBJECT_NAMESPACE, path, found);
}

static int device_find(sd_bus *bus, const char *path, const char *interface,
		       void *userdata, void **found, sd_bus_error *error)
{
	return find_kind(userdata, OBJECT_DEVICE, path, found);
}

static int enumerate_kind(const struct object_set *live, enum object_kind kind,
			  char ***nodes)
{
	char **list;
	size_t i, n = 0;

	list = calloc(live->n + 1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (i = 0; i < live->n; i++) {
		if (live->objects[i]->kind != kind)
			continue;
		list[n] = strdup(live->objects[i]->path);
		if (!list[n]) {
			while (n > 0)
				free(list[--n]);
			free(list);
			return -ENOMEM;
		}
		n++;
	}
	*nodes = list;
	return 0;
}

static int region_enumerate(sd_bus *bus, const char *prefix, void *userdata,
			    char ***nodes, sd_bus_error *error)
{
	return enumerate_kind(userdata, OBJECT_REGION, nodes);
}

static int dax_region_enumerate(sd_bus *bus, const char *prefix,
				void *userdata, char ***nodes,
				sd_bus_error *error)
{
	return enumerate_kind(userdata, OBJECT_DAX_REGION, nodes);
}

static int namespace_enumerate(sd_bus *bus, const char *prefix,
			       void *userdata, char ***nodes,
			       sd_bus_error *error)
{
	return enumerate_kind(userdata, OBJECT_NAMESPACE, nodes);
}

static int device_enumerate(sd_bus *bus, const char *prefix, void *userdata,
			    char ***nodes, sd_bus_error *error)
{
	return enumerate_kind(userdata, OBJECT_DEVICE, nodes);
}

int objects_register(sd_bus *bus, struct object_set *live)
{
	static const struct {
		sd_bus_object_find_t find;
		sd_bus_node_enumerator_t enumerate;
	} fns[_OBJECT_KIND_MAX] = {
		[OBJECT_REGION] = { region_find, region_enumerate },
		[OBJECT_DAX_REGION] = { dax_region_find,
					dax_region_enumerate },
		[OBJECT_NAMESPACE] = { namespace_find, namespace_enumerate },
		[OBJECT_DEVICE] = { device_find, device_enumerate },
	};
	int kind, r;

	for (kind = 0; kind < _OBJECT_KIND_MAX; kind++) {
		r = sd_bus_add_fallback_vtable(bus, NULL, kinds[kind].prefix,
					       kinds[kind].interface,
					       object_kind_vtable(kind),
					       fns[kind].find, live);
		if (r < 0)
			return r;
		r = sd_bus_add_node_enumerator(bus, NULL, kinds[kind].prefix,
					       fns[kind].enumerate, live);
		if (r < 0)
			return r;
	}
	return 0;
}
