/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The objects below /org/daxmap1: one per region, dax region, namespace and
 * dax device
 * of the last scan, each a snapshot of plain values that its vtable reads
 * by offset. Comparing the snapshots of two scans says which objects
 * appeared, which went away and which properties changed; the vtables
 * themselves say what to compare, so a property cannot be served without
 * being watched.
 *
 * Object paths: the kernel's device name below a prefix per kind, with
 * '.' written as '_' (/org/daxmap1/namespace/namespace0_0). The kernel
 * names these devices with [a-z0-9.]; the rule takes [A-Za-z0-9.], and
 * for dax regions '_' too (a CXL one is dax_regionN), and a name with any
 * other character gets no object. Clients read the exact
 * name from the DeviceName property rather than decoding paths.
 */
#ifndef DAXMAPD_OBJECTS_H
#define DAXMAPD_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <systemd/sd-bus.h>

#include <daxmap.h>

#define DAXMAP_BUS_NAME "org.daxmap1"
#define DAXMAP_MANAGER_PATH "/org/daxmap1"
#define DAXMAP_MANAGER_INTERFACE "org.daxmap1.Manager"

enum object_kind {
	OBJECT_REGION,
	OBJECT_DAX_REGION,
	OBJECT_NAMESPACE,
	OBJECT_DEVICE,
	_OBJECT_KIND_MAX,
};

/* An "at" property. */
struct u64_array {
	uint64_t *v;
	size_t n;
};

/*
 * Strings are never NULL: "" stands for "does not apply" or "not known",
 * "/" for an object reference to nothing. Sizes that do not apply are 0,
 * NUMA nodes that do not apply -1. Booleans are int, as sd-bus reads them.
 */
struct region_props {
	char *bus;
	char *type;
	uint64_t size;
	uint64_t available_size;
	uint64_t max_available_extent;
	int32_t numa_node;
	uint64_t align;
	struct u64_array supported_alignments;
};

/* Named after the sysfs device that holds it (dax0.1, hmem.0, dax_region0). */
struct dax_region_props {
	int32_t id;
	char *sysfs_path;
	char *provider;
	int dynamic;
	uint64_t size;
	uint64_t available_size;
	uint64_t align;
	int32_t numa_node;
	int32_t target_node;
	char *namespace;	/* object path */
	char *cxl_region;
};

struct namespace_props {
	char *region;		/* object path */
	char *mode;
	uint64_t size;
	uint64_t raw_size;
	char *uuid;
	char *name;		/* the label's name */
	char *map;
	uint64_t align;
	uint32_t sector_size;
	int enabled;
	int managed;
	char *blockdev;
};

struct memmap_props {
	char *location;		/* "ram", "device", "" when no figure */
	char *source;		/* "model", "kernel", "measured", "" */
	uint64_t baseline_bytes;
	uint64_t actual_bytes;
	uint64_t saved_bytes;
	uint64_t pagetable_bytes;
	uint64_t ram_bytes;
	uint64_t device_bytes;
};

struct device_props {
	char *chardev;
	char *namespace;	/* object path */
	uint64_t size;
	uint64_t align;
	char *mode;
	char *map;
	int32_t numa_node;
	int32_t target_node;
	int enabled;
	char *dax_region;	/* object path */
	int memmap_on_memory;
	struct memmap_props memmap;
};

struct object {
	enum object_kind kind;
	char *path;
	char *device_name;
	union {
		struct region_props region;
		struct dax_region_props dax_region;
		struct namespace_props ns;
		struct device_props device;
	};
};

/* Owns its objects; sorted by path once object_set_finish() ran. */
struct object_set {
	struct object **objects;
	size_t n;
	size_t allocated;
};

/* The Manager's properties that come from a scan. */
struct manager_props {
	char *kernel_release;
	char *vmemmap_dedup;
	char *vmemmap_dedup_reason;
	char *memmap_counting;
	uint32_t regions;
	uint32_t dax_regions;
	uint32_t namespaces;
	uint32_t devices;
	uint64_t devdax_bytes;
	uint64_t system_ram_bytes;
	uint64_t memmap_baseline_bytes;
	uint64_t memmap_actual_bytes;
	uint64_t memmap_saved_bytes;
	uint64_t memmap_pagetable_bytes;
	uint64_t memmap_ram_bytes;
	uint64_t memmap_device_bytes;
};

const char *object_kind_interface(enum object_kind kind);
const char *object_kind_prefix(enum object_kind kind);
const sd_bus_vtable *object_kind_vtable(enum object_kind kind);

/* -EINVAL for a name the path rule cannot spell (see above). */
int object_path_for(enum object_kind kind, const char *name, char **ret);

/* A zeroed object of @kind, every string "" (or "/"). */
int object_new(enum object_kind kind, const char *name, struct object **ret);
void object_free(struct object *o);

/* Takes @o over, whatever happens. */
int object_set_add(struct object_set *s, struct object *o);
/* Sorts by path and drops objects whose path is already taken. */
void object_set_finish(struct object_set *s);
struct object *object_set_find(const struct object_set *s, const char *path);
void object_set_clear(struct object_set *s);
/* Moves @from into @to (cleared first); @from is left empty. */
void object_set_move(struct object_set *to, struct object_set *from);

/* The objects of a scan; @t may be NULL for none. */
int object_set_from_topology(struct daxmap_topology *t,
			     struct object_set *ret);

int manager_props_from_scan(struct daxmap_kernel *k,
			    struct daxmap_topology *t,
			    struct manager_props *ret);
void manager_props_clear(struct manager_props *p);

/*
 * The names of the properties of @vtable (EMITS_CHANGE ones) whose values
 * differ between the snapshots @old and @new, read at the vtable's offset
 * minus @base. Fills at most @max names (NULL-terminated, so @names holds
 * @max + 1) and returns how many differ.
 */
size_t properties_changed(const sd_bus_vtable *vtable, size_t base,
			  const void *old, const void *new,
			  const char **names, size_t max);

/*
 * -EINVAL when a property of @vtable could change unseen: one that is
 * neither CONST nor EMITS_CHANGE, or of a type properties_changed() cannot
 * compare. The daemon checks its vtables at start; so do the tests.
 */
int vtable_check(const sd_bus_vtable *vtable);

/*
 * Walks two finished sets in path order: @removed for every object only
 * in @old, @added for every one only in @new, @changed with the names of
 * the properties that differ for every one in both whose values differ.
 * Any callback may be NULL.
 */
struct object_diff_ops {
	void (*removed)(struct object *old, void *userdata);
	void (*added)(struct object *new, void *userdata);
	void (*changed)(struct object *new, const char **names,
			void *userdata);
};

void object_set_diff(const struct object_set *old,
		     const struct object_set *new,
		     const struct object_diff_ops *ops, void *userdata);

/*
 * Registers the Region, Namespace and Device vtables, found in and
 * enumerated from *@live, which must outlive @bus's use of them.
 */
int objects_register(sd_bus *bus, struct object_set *live);

#endif /* DAXMAPD_OBJECTS_H */
