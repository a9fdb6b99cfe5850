// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A snapshot of the persistent-memory topology: regions, namespaces and dax
 * devices, read once through libndctl and libdaxctl and copied into our own
 * objects. libndctl/libdaxctl never refresh a context, so each scan opens
 * fresh ones and closes them before returning.
 *
 * Over 700 lines and one concern: the scan and the getters of the three
 * kinds of objects it makes; the getters are one line each, and the
 * model and the mappers it attaches to a device are in their own files.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include "private.h"
#include "topology.h"

struct scan {
	struct daxmap_ctx *ctx;
	struct daxmap_model model;
	struct daxmap_topology *t;
	struct daxmap_region **region_tail;
	struct daxmap_dax_region **dax_region_tail;
	struct daxmap_namespace **namespace_tail;
	struct daxmap_device **device_tail;
	struct daxmap_dax_region *dax_region;	/* of the devices being read */
};

struct daxmap_topology *daxmap_topology_new(void)
{
	struct daxmap_topology *t = calloc(1, sizeof(*t));

	if (t)
		t->refcount = 1;
	return t;
}

void daxmap_region_free(struct daxmap_region *r)
{
	free(r->devname);
	free(r->bus);
	free(r->type);
	free(r);
}

void daxmap_namespace_free(struct daxmap_namespace *n)
{
	free(n->devname);
	free(n->region);
	free(n->mode_text);
	free(n->uuid);
	free(n->name);
	free(n->blockdev);
	free(n->badblocks);
	free(n);
}

void daxmap_device_free(struct daxmap_device *d)
{
	free(d->devname);
	free(d->chardev);
	free(d->mode_text);
	free(d->namespace);
	free(d->name);
	daxmap_mappers_free(d->mappers);
	free(d->badblocks);
	free(d);
}

void daxmap_topology_free(struct daxmap_topology *t)
{
	while (t->regions) {
		struct daxmap_region *next = t->regions->next;

		daxmap_region_free(t->regions);
		t->regions = next;
	}
	while (t->dax_regions) {
		struct daxmap_dax_region *next = t->dax_regions->next;

		daxmap_dax_region_free(t->dax_regions);
		t->dax_regions = next;
	}
	while (t->namespaces) {
		struct daxmap_namespace *next = t->namespaces->next;

		daxmap_namespace_free(t->namespaces);
		t->namespaces = next;
	}
	while (t->devices) {
		struct daxmap_device *next = t->devices->next;

		daxmap_device_free(t->devices);
		t->devices = next;
	}
	free(t);
}

static int scan_region(struct scan *s, struct ndctl_bus *bus,
		       struct ndctl_region *region)
{
	struct daxmap_region *r;
	struct ndctl_dax *seed;
	int i, n;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	list_append(s->region_tail, r);

	r->devname = strdup(ndctl_region_get_devname(region));
	r->bus = daxmap_strdup_or_null(ndctl_bus_get_provider(bus));
	r->type = daxmap_strdup_or_null(ndctl_region_get_type_name(region));
	if (!r->devname)
		return -ENOMEM;
	r->size = ndctl_region_get_size(region);
	r->available_size = ndctl_region_get_available_size(region);
	r->max_available_extent = ndctl_region_get_max_available_extent(region);
	r->numa_node = ndctl_region_get_numa_node(region);
	r->align = ndctl_region_get_align(region);
	if (r->align == ULONG_MAX)
		r->align = 0;

	/*
	 * The alignments a device-DAX namespace may take are published on
	 * the region's dax seed (the pfn seed has the same list).
	 */
	seed = ndctl_region_get_dax_seed(region);
	n = seed ? ndctl_dax_get_num_alignments(seed) : 0;
	for (i = 0; i < n && r->num_alignments < MAX_ALIGNMENTS; i++)
		r->alignments[r->num_alignments++] =
			ndctl_dax_get_supported_alignment(seed, i);
	return 0;
}

static const char *mode_name(enum ndctl_namespace_mode mode)
{
	switch (mode) {
	case NDCTL_NS_MODE_FSDAX:
		return daxmap_mode_name(DAXMAP_MODE_FSDAX);
	case NDCTL_NS_MODE_SECTOR:
		return daxmap_mode_name(DAXMAP_MODE_SECTOR);
	case NDCTL_NS_MODE_RAW:
		return daxmap_mode_name(DAXMAP_MODE_RAW);
	case NDCTL_NS_MODE_DEVDAX:
		return daxmap_mode_name(DAXMAP_MODE_DEVDAX);
	default:
		return "unknown";
	}
}

static enum daxmap_map map_from_location(enum ndctl_pfn_loc loc)
{
	switch (loc) {
	case NDCTL_PFN_LOC_RAM:
		return DAXMAP_MAP_MEM;
	case NDCTL_PFN_LOC_PMEM:
		return DAXMAP_MAP_DEV;
	default:
		return DAXMAP_MAP_UNKNOWN;
	}
}

static int set_blockdev(struct daxmap_namespace *n, const char *name)
{
	if (!name || !*name)
		return 0;
	if (asprintf(&n->blockdev, "/dev/%s", name) < 0) {
		n->blockdev = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* daxmap's record of the namespace, if daxmap created it. */
static bool read_record(struct daxmap_ctx *ctx, struct ndctl_namespace *ndns,
			struct daxmap_record *ret)
{
	char uuid[UUID_STR_LEN];
	uuid_t uu;

	ndctl_namespace_get_uuid(ndns, uu);
	if (uuid_is_null(uu))
		return false;
	uuid_unparse(uu, uuid);
	return daxmap_record_read(ctx, DAXMAP_RECORD_MANAGED, uuid, ret) == 0;
}

/* libndctl's bad blocks of @ndns (sectors from its start), in bytes. */
static int read_badblocks(struct daxmap_namespace *n,
			  struct ndctl_namespace *ndns)
{
	struct badblock *bb;

	n->resource = ndctl_namespace_get_resource(ndns);
	if (n->resource == ULLONG_MAX)
		n->resource = 0;
	ndctl_namespace_badblock_foreach(ndns, bb) {
		struct daxmap_badblock *grown;

		grown = realloc(n->badblocks,
				sizeof(*grown) * (size_t)(n->nbadblocks + 1));
		if (!grown)
			return -ENOMEM;
		n->badblocks = grown;
		grown[n->nbadblocks].offset = bb->offset << 9;
		grown[n->nbadblocks].length = (uint64_t)bb->len << 9;
		n->nbadblocks++;
	}
	return 0;
}

static int scan_namespace(struct scan *s, struct ndctl_region *region,
			  struct ndctl_namespace *ndns, bool managed)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);
	struct ndctl_btt *btt = ndctl_namespace_get_btt(ndns);
	struct daxmap_namespace *n;
	uuid_t uu;
	int r = 0;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	list_append(s->namespace_tail, n);

	n->devname = strdup(ndctl_namespace_get_devname(ndns));
	n->region = strdup(ndctl_region_get_devname(region));
	if (!n->devname || !n->region)
		return -ENOMEM;
	n->mode = mode_name(ndctl_namespace_get_mode(ndns));
	n->raw_size = ndctl_namespace_get_size(ndns);
	n->size = n->raw_size;
	n->sector_size = ndctl_namespace_get_sector_size(ndns);
	n->enabled = ndctl_namespace_is_active(ndns);
	n->managed = managed;
	n->name = daxmap_strdup_or_null(ndctl_namespace_get_alt_name(ndns));

	/*
	 * Like ndctl, report the size the personality (dax, pfn, btt) makes
	 * usable, which is what a user can map or store.
	 */
	if (dax) {
		n->size = ndctl_dax_get_size(dax);
		n->align = ndctl_dax_get_align(dax);
		n->map = map_from_location(ndctl_dax_get_location(dax));
		ndctl_dax_get_uuid(dax, uu);
	} else if (pfn) {
		n->size = ndctl_pfn_get_size(pfn);
		n->align = ndctl_pfn_get_align(pfn);
		n->map = map_from_location(ndctl_pfn_get_location(pfn));
		r = set_blockdev(n, ndctl_pfn_get_block_device(pfn));
		ndctl_namespace_get_uuid(ndns, uu);
	} else if (btt) {
		n->size = ndctl_btt_get_size(btt);
		n->sector_size = ndctl_btt_get_sector_size(btt);
		r = set_blockdev(n, ndctl_btt_get_block_device(btt));
		ndctl_namespace_get_uuid(ndns, uu);
	} else {
		r = set_blockdev(n, ndctl_namespace_get_block_device(ndns));
		ndctl_namespace_get_uuid(ndns, uu);
	}
	if (r < 0)
		return r;

	r = read_badblocks(n, ndns);
	if (r < 0)
		return r;

	/* A label-less namespace has no uuid: say none, not zeros. */
	if (!uuid_is_null(uu)) {
		n->uuid = malloc(UUID_STR_LEN);
		if (!n->uuid)
			return -ENOMEM;
		uuid_unparse(uu, n->uuid);
	}
	return 0;
}

static bool device_known(struct daxmap_topology *t, const char *devname)
{
	struct daxmap_device *d;

	for (d = t->devices; d; d = d->next)
		if (strcmp(d->devname, devname) == 0)
			return true;
	return false;
}

static int read_numa_node(struct daxmap_ctx *ctx, const char *devname)
{
	_cleanup_free_ char *path = NULL, *value = NULL;

	if (asprintf(&path, "/sys/bus/dax/devices/%s/numa_node", devname) < 0)
		return -1;
	if (daxmap_read_file(ctx, path, &value) < 0)
		return -1;
	return atoi(value);
}

/*
 * A figure from outside the model: @ram_bytes of RAM as measured or as the
 * kernel counts, around the model's figure for what the RAM cannot tell
 * (the baseline, what lives on the device, the page-table part).
 */
static void set_observed(struct daxmap_device *d, enum daxmap_source source,
			 int64_t ram_bytes)
{
	const struct daxmap_memmap *model = &d->memmap[DAXMAP_SOURCE_MODEL];
	uint64_t pagetable_bytes = model->pagetable_bytes;

	/*
	 * No stock kernel counter counts the page tables of a deduplicated
	 * vmemmap: whatever it says is struct pages, and showing the
	 * model's page tables as part of it would credit the counter with
	 * what it misses.
	 */
	if (source == DAXMAP_SOURCE_KERNEL)
		pagetable_bytes = 0;
	daxmap_memmap_observed(model, source,
			       ram_bytes > 0 ? (uint64_t)ram_bytes : 0,
			       pagetable_bytes, model->device_bytes,
			       &d->memmap[source]);
	d->have_memmap[source] = true;
}

/*
 * The kernel's own account of the device's memmap, from the dax-memmap
 * patch: read now, and every part of it counted by the kernel (page
 * tables and what is on the device included), so it replaces the counter
 * delta recorded when daxmap enabled the device. A device not bound to
 * device_dax (system-ram mode, disabled) reads 0, which is no figure.
 */
static bool set_dax_memmap(struct daxmap_ctx *ctx, struct daxmap_device *d)
{
	struct daxmap_dax_memmap dm;

	if (!d->enabled || strcmp(d->mode, "devdax") != 0 ||
	    daxmap_read_dax_memmap(ctx, d->devname, &dm) < 0)
		return false;
	daxmap_memmap_observed(&d->memmap[DAXMAP_SOURCE_MODEL],
			       DAXMAP_SOURCE_KERNEL, dm.ram_bytes,
			       dm.pagetable_bytes, dm.device_bytes,
			       &d->memmap[DAXMAP_SOURCE_KERNEL]);
	d->have_memmap[DAXMAP_SOURCE_KERNEL] = true;
	return true;
}

/* The bad blocks of @d's namespace that fall in @d (at @resource). */
static int device_badblocks(struct daxmap_topology *t, struct daxmap_device *d,
			    uint64_t resource)
{
	struct daxmap_namespace *n;

	if (!d->namespace || !resource || resource == ULLONG_MAX)
		return 0;
	for (n = t->namespaces; n; n = n->next)
		if (!strcmp(n->devname, d->namespace) && n->resource &&
		    n->nbadblocks)
			return daxmap_badblocks_translate(n->badblocks,
							  n->nbadblocks,
							  n->resource, resource,
							  d->size,
							  &d->badblocks,
							  &d->nbadblocks);
	return 0;
}

/*
 * Whether kmem put @d's memmap on the memory it onlined: the device asked
 * for it (daxX.Y/memmap_on_memory, 6.8 and later) and memory hotplug
 * allows it (the memory_hotplug.memmap_on_memory parameter, read-only
 * once booted). Without either, it is in RAM.
 */
static bool system_ram_memmap_on_memory(struct daxmap_ctx *ctx,
					struct daxmap_device *d)
{
	_cleanup_free_ char *path = NULL, *param = NULL;
	uint64_t asked;

	if (asprintf(&path, "/sys/bus/dax/devices/%s/memmap_on_memory",
		     d->devname) < 0)
		return false;
	if (daxmap_read_u64(ctx, path, &asked) < 0 || !asked)
		return false;
	if (daxmap_read_file(ctx,
			     "/sys/module/memory_hotplug/parameters/memmap_on_memory",
			     &param) < 0)
		return false;
	/* Y, or "force" where the kernel has that setting. */
	return param[0] == 'Y' || param[0] == 'y' || param[0] == '1' ||
	       strcmp(param, "force") == 0;
}

static int scan_device(struct scan *s, struct daxmap_ctx *ctx,
		       struct daxctl_dev *dev, const char *namespace,
		       enum daxmap_map map, const struct daxmap_record *rec)
{
	struct daxmap_record devrec = { 0 };
	struct daxmap_device *d;
	uint64_t align;
	int r;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	list_append(s->device_tail, d);

	d->devname = strdup(daxctl_dev_get_devname(dev));
	if (!d->devname || asprintf(&d->chardev, "/dev/%s", d->devname) < 0) {
		d->chardev = NULL;
		return -ENOMEM;
	}
	if (namespace) {
		d->namespace = strdup(namespace);
		if (!d->namespace)
			return -ENOMEM;
	}
	d->size = daxctl_dev_get_size(dev);
	d->align = daxctl_dev_get_align(dev);
	d->mode = daxctl_dev_get_memory(dev) ? "system-ram" : "devdax";
	d->map = map;
	d->enabled = daxctl_dev_is_enabled(dev) > 0;
	d->numa_node = read_numa_node(ctx, d->devname);
	d->target_node = daxctl_dev_get_target_node(dev);
	d->dax_region = s->dax_region;
	/* A device daxmap made on a dynamic region: its name, its figures. */
	if (!namespace && !rec &&
	    daxmap_device_record_find(ctx, d->devname,
				      daxctl_dev_get_resource(dev), &devrec)) {
		rec = &devrec;
		d->managed = true;
		d->name = devrec.name ? strdup(devrec.name) : NULL;
	}

	/* Kernels before 5.10 have no per-device align: it is the base page. */
	align = d->align ? d->align : s->model.page_size;
	if (d->enabled && strcmp(d->mode, "system-ram") == 0) {
		d->memmap_on_memory = system_ram_memmap_on_memory(ctx, d);
		d->map = d->memmap_on_memory ? DAXMAP_MAP_DEV : DAXMAP_MAP_MEM;
		r = daxmap_model_system_ram_memmap(&s->model, d->size,
						   d->memmap_on_memory,
						   &d->memmap[DAXMAP_SOURCE_MODEL]);
	} else
		r = daxmap_model_memmap(&s->model, d->size, align,
					map == DAXMAP_MAP_DEV ? DAXMAP_MAP_DEV :
								DAXMAP_MAP_MEM,
					&d->memmap[DAXMAP_SOURCE_MODEL]);
	if (r == 0) {
		d->have_memmap[DAXMAP_SOURCE_MODEL] = true;
		/*
		 * What daxmap observed when it enabled the device, which
		 * says nothing of the memmap kmem gave it since.
		 */
		if (d->memmap_on_memory || strcmp(d->mode, "system-ram") == 0)
			rec = NULL;
		if (rec && rec->has_measured)
			set_observed(d, DAXMAP_SOURCE_MEASURED,
				     rec->measured_ram_bytes);
		/* The kernel's own figure, read now, before a recorded one. */
		if (!set_dax_memmap(ctx, d) && rec && rec->has_kernel)
			set_observed(d, DAXMAP_SOURCE_KERNEL,
				     rec->kernel_bytes);
	} else
		dbg(ctx, "%s: no model for size %" PRIu64 " align %" PRIu64
		    "\n", d->devname, d->size, align);

	/* Its mappers come with every device's, in one pass over /proc. */
	r = device_badblocks(s->t, d, daxctl_dev_get_resource(dev));
	if (r < 0) {
		daxmap_record_clear(&devrec);
		return r;
	}
	/* A verify of the device as it is now: same align. */
	if (daxmap_verify_record_read(ctx, daxmap_device_verify_key(s->t, d),
				      &d->verify) == 0 &&
	    d->verify.align == d->align)
		d->has_verify = true;
	daxmap_record_clear(&devrec);
	return 0;
}

const char *daxmap_device_verify_key(struct daxmap_topology *t,
				     struct daxmap_device *d)
{
	struct daxmap_namespace *n;

	if (d->namespace)
		for (n = t->namespaces; n; n = n->next)
			if (!strcmp(n->devname, d->namespace) && n->uuid)
				return n->uuid;
	return d->devname;
}

/*
 * Dax regions are told apart by their path: region ids repeat, since
 * every namespace of nvdimm region N makes a dax region of id N.
 */
static struct daxmap_dax_region *dax_region_find(struct daxmap_topology *t,
						 const char *path)
{
	struct daxmap_dax_region *r;

	for (r = t->dax_regions; r; r = r->next)
		if (strcmp(r->path, path) == 0)
			return r;
	return NULL;
}

static int scan_dax_region(struct scan *s, struct daxctl_region *dregion,
			   const char *namespace, enum daxmap_map map,
			   const struct daxmap_record *rec)
{
	struct daxctl_dev *dev;
	int r;

	s->dax_region = dax_region_find(s->t, daxctl_region_get_path(dregion));
	if (!s->dax_region) {
		r = daxmap_dax_region_scan(s->ctx, dregion, namespace,
					   &s->dax_region);
		if (r < 0)
			return r;
		list_append(s->dax_region_tail, s->dax_region);
	}
	daxctl_dev_foreach(dregion, dev) {
		/* The seed device (size 0) is a template, not a device. */
		if (!daxctl_dev_get_size(dev) ||
		    device_known(s->t, daxctl_dev_get_devname(dev)))
			continue;
		r = scan_device(s, s->ctx, dev, namespace, map, rec);
		if (r < 0)
			return r;
	}
	return 0;
}

static int scan_nvdimm(struct scan *s)
{
	struct ndctl_ctx *nctx = NULL;
	struct ndctl_region *region;
	struct ndctl_bus *bus;
	int r;

	r = ndctl_new(&nctx);
	if (r < 0) {
		err(s->ctx, "cannot open libndctl: %s\n", strerror(-r));
		return r;
	}

	ndctl_bus_foreach(nctx, bus) {
		ndctl_region_foreach(bus, region) {
			struct ndctl_namespace *ndns;

			r = scan_region(s, bus, region);
			if (r < 0)
				goto out;
			ndctl_namespace_foreach(region, ndns) {
				struct daxmap_record rec;
				struct ndctl_dax *dax;
				bool managed;

				/* An unconfigured seed: nothing to report. */
				if (!ndctl_namespace_get_size(ndns))
					continue;
				managed = read_record(s->ctx, ndns, &rec);
				r = scan_namespace(s, region, ndns, managed);
				dax = ndctl_namespace_get_dax(ndns);
				if (r >= 0 && dax)
					r = scan_dax_region(
						s,
						ndctl_dax_get_daxctl_region(dax),
						ndctl_namespace_get_devname(ndns),
						map_from_location(
							ndctl_dax_get_location(dax)),
						managed ? &rec : NULL);
				if (managed)
					daxmap_record_clear(&rec);
				if (r < 0)
					goto out;
			}
		}
	}
	r = 0;
out:
	ndctl_unref(nctx);
	return r;
}

/* Dax devices no namespace stands behind: soft-reserved memory, CXL. */
static int scan_other_dax(struct scan *s)
{
	struct daxctl_region *dregion;
	struct daxctl_ctx *dctx;
	int r;

	r = daxctl_new(&dctx);
	if (r < 0) {
		err(s->ctx, "cannot open libdaxctl: %s\n", strerror(-r));
		return r;
	}
	r = 0;
	daxctl_region_foreach(dctx, dregion) {
		/* Their memmap is always allocated from RAM. */
		r = scan_dax_region(s, dregion, NULL, DAXMAP_MAP_MEM, NULL);
		if (r < 0)
			break;
	}
	daxctl_unref(dctx);
	return r;
}

DAXMAP_EXPORT int daxmap_topology_scan(struct daxmap_ctx *ctx,
				       struct daxmap_kernel *k,
				       struct daxmap_topology **ret)
{
	struct scan s = { .ctx = ctx };
	int r;

	if (!daxmap_ctx_is_real_root(ctx)) {
		err(ctx, "libndctl reads the real /sys: no topology under %s\n",
		    daxmap_get_root(ctx));
		return -EOPNOTSUPP;
	}

	s.t = daxmap_topology_new();
	if (!s.t)
		return -ENOMEM;
	s.region_tail = &s.t->regions;
	s.dax_region_tail = &s.t->dax_regions;
	s.namespace_tail = &s.t->namespaces;
	s.device_tail = &s.t->devices;
	if (k)
		daxmap_kernel_get_model(k, &s.model);
	else
		daxmap_model_init(&s.model);

	r = scan_nvdimm(&s);
	if (r >= 0)
		r = scan_other_dax(&s);
	if (r < 0) {
		daxmap_topology_free(s.t);
		return r;
	}
	/* Who maps a device is seen as well as it can be, or not at all. */
	r = daxmap_mappers_scan_topology(ctx, s.t, &s.model);
	if (r < 0)
		dbg(ctx, "cannot scan mappers: %s\n", strerror(-r));
	*ret = s.t;
	return 0;
}

DAXMAP_EXPORT struct daxmap_topology *
daxmap_topology_ref(struct daxmap_topology *t)
{
	if (t)
		t->refcount++;
	return t;
}

DAXMAP_EXPORT struct daxmap_topology *
daxmap_topology_unref(struct daxmap_topology *t)
{
	if (t && --t->refcount == 0)
		daxmap_topology_free(t);
	return NULL;
}

/* ----------------------------------------------------------------- regions */

DAXMAP_EXPORT struct daxmap_region *
daxmap_region_get_first(struct daxmap_topology *t)
{
	return t ? t->regions : NULL;
}

DAXMAP_EXPORT struct daxmap_region *
daxmap_region_get_next(struct daxmap_region *r)
{
	return r->next;
}

DAXMAP_EXPORT const char *daxmap_region_get_devname(struct daxmap_region *r)
{
	return r->devname;
}

DAXMAP_EXPORT const char *daxmap_region_get_bus(struct daxmap_region *r)
{
	return r->bus;
}

DAXMAP_EXPORT const char *daxmap_region_get_type(struct daxmap_region *r)
{
	return r->type;
}

DAXMAP_EXPORT uint64_t daxmap_region_get_size(struct daxmap_region *r)
{
	return r->size;
}

DAXMAP_EXPORT uint64_t
daxmap_region_get_available_size(struct daxmap_region *r)
{
	return r->available_size;
}

DAXMAP_EXPORT uint64_t
daxmap_region_get_max_available_extent(struct daxmap_region *r)
{
	return r->max_available_extent;
}

DAXMAP_EXPORT int daxmap_region_get_numa_node(struct daxmap_region *r)
{
	return r->numa_node;
}

DAXMAP_EXPORT uint64_t daxmap_region_get_align(struct daxmap_region *r)
{
	return r->align;
}

DAXMAP_EXPORT int daxmap_region_get_num_alignments(struct daxmap_region *r)
{
	return r->num_alignments;
}

DAXMAP_EXPORT uint64_t
daxmap_region_get_supported_alignment(struct daxmap_region *r, int i)
{
	return i >= 0 && i < r->num_alignments ? r->alignments[i] : 0;
}

DAXMAP_EXPORT bool daxmap_region_supports_alignment(struct daxmap_region *r,
						    uint64_t align)
{
	int i;

	for (i = 0; i < r->num_alignments; i++)
		if (r->alignments[i] == align)
			return true;
	return false;
}

/* -------------------------------------------------------------- namespaces */

DAXMAP_EXPORT struct daxmap_namespace *
daxmap_namespace_get_first(struct daxmap_topology *t)
{
	return t ? t->namespaces : NULL;
}

DAXMAP_EXPORT struct daxmap_namespace *
daxmap_namespace_get_next(struct daxmap_namespace *n)
{
	return n->next;
}

DAXMAP_EXPORT const char *
daxmap_namespace_get_devname(struct daxmap_namespace *n)
{
	return n->devname;
}

DAXMAP_EXPORT const char *
daxmap_namespace_get_region(struct daxmap_namespace *n)
{
	return n->region;
}

DAXMAP_EXPORT const char *daxmap_namespace_get_mode(struct daxmap_namespace *n)
{
	return n->mode;
}

DAXMAP_EXPORT uint64_t daxmap_namespace_get_size(struct daxmap_namespace *n)
{
	return n->size;
}

DAXMAP_EXPORT uint64_t
daxmap_namespace_get_raw_size(struct daxmap_namespace *n)
{
	return n->raw_size;
}

DAXMAP_EXPORT const char *daxmap_namespace_get_uuid(struct daxmap_namespace *n)
{
	return n->uuid;
}

DAXMAP_EXPORT const char *daxmap_namespace_get_name(struct daxmap_namespace *n)
{
	return n->name;
}

DAXMAP_EXPORT enum daxmap_map
daxmap_namespace_get_map(struct daxmap_namespace *n)
{
	return n->map;
}

DAXMAP_EXPORT uint64_t daxmap_namespace_get_align(struct daxmap_namespace *n)
{
	return n->align;
}

DAXMAP_EXPORT unsigned int
daxmap_namespace_get_sector_size(struct daxmap_namespace *n)
{
	return n->sector_size;
}

DAXMAP_EXPORT bool daxmap_namespace_is_enabled(struct daxmap_namespace *n)
{
	return n->enabled;
}

DAXMAP_EXPORT bool daxmap_namespace_is_managed(struct daxmap_namespace *n)
{
	return n->managed;
}

DAXMAP_EXPORT const char *
daxmap_namespace_get_blockdev(struct daxmap_namespace *n)
{
	return n->blockdev;
}

/* ----------------------------------------------------------------- devices */

DAXMAP_EXPORT struct daxmap_device *
daxmap_device_get_first(struct daxmap_topology *t)
{
	return t ? t->devices : NULL;
}

DAXMAP_EXPORT struct daxmap_device *
daxmap_device_get_next(struct daxmap_device *d)
{
	return d->next;
}

DAXMAP_EXPORT const char *daxmap_device_get_devname(struct daxmap_device *d)
{
	return d->devname;
}

DAXMAP_EXPORT const char *daxmap_device_get_chardev(struct daxmap_device *d)
{
	return d->chardev;
}

DAXMAP_EXPORT uint64_t daxmap_device_get_size(struct daxmap_device *d)
{
	return d->size;
}

DAXMAP_EXPORT uint64_t daxmap_device_get_align(struct daxmap_device *d)
{
	return d->align;
}

DAXMAP_EXPORT const char *daxmap_device_get_mode(struct daxmap_device *d)
{
	return d->mode;
}

DAXMAP_EXPORT enum daxmap_map daxmap_device_get_map(struct daxmap_device *d)
{
	return d->map;
}

DAXMAP_EXPORT int daxmap_device_get_numa_node(struct daxmap_device *d)
{
	return d->numa_node;
}

DAXMAP_EXPORT int daxmap_device_get_target_node(struct daxmap_device *d)
{
	return d->target_node;
}

DAXMAP_EXPORT bool daxmap_device_is_enabled(struct daxmap_device *d)
{
	return d->enabled;
}

DAXMAP_EXPORT const char *daxmap_device_get_namespace(struct daxmap_device *d)
{
	return d->namespace;
}

DAXMAP_EXPORT const char *daxmap_device_get_name(struct daxmap_device *d)
{
	return d->name;
}

DAXMAP_EXPORT bool daxmap_device_is_managed(struct daxmap_device *d)
{
	return d->managed;
}

DAXMAP_EXPORT const struct daxmap_memmap *
daxmap_device_get_memmap_source(struct daxmap_device *d,
				enum daxmap_source source)
{
	if ((int)source < 0 || (int)source >= (int)ARRAY_SIZE(d->memmap) ||
	    !d->have_memmap[source])
		return NULL;
	return &d->memmap[source];
}

DAXMAP_EXPORT const struct daxmap_memmap *
daxmap_device_get_memmap(struct daxmap_device *d)
{
	static const enum daxmap_source best_first[] = {
		DAXMAP_SOURCE_MEASURED,
		DAXMAP_SOURCE_KERNEL,
		DAXMAP_SOURCE_MODEL,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(best_first); i++)
		if (d->have_memmap[best_first[i]])
			return &d->memmap[best_first[i]];
	return NULL;
}

DAXMAP_EXPORT struct daxmap_mapper *
daxmap_mapper_get_first(struct daxmap_device *d)
{
	return d->mappers;
}

DAXMAP_EXPORT struct daxmap_mapper *
daxmap_mapper_get_next(struct daxmap_mapper *m)
{
	return m->next;
}

DAXMAP_EXPORT int daxmap_mapper_get_pid(struct daxmap_mapper *m)
{
	return m->pid;
}

DAXMAP_EXPORT const char *daxmap_mapper_get_comm(struct daxmap_mapper *m)
{
	return m->comm;
}

DAXMAP_EXPORT uint64_t
daxmap_mapper_get_mapped_bytes(struct daxmap_mapper *m)
{
	return m->mapped_bytes;
}

DAXMAP_EXPORT uint64_t
daxmap_mapper_get_pagetable_bytes(struct daxmap_mapper *m)
{
	return m->pagetable_bytes;
}

DAXMAP_EXPORT int daxmap_device_get_verify(struct daxmap_device *d,
					   struct daxmap_verify_summary *ret)
{
	if (!d || !d->has_verify)
		return -ENOENT;
	*ret = d->verify;
	return 0;
}

DAXMAP_EXPORT int
daxmap_namespace_get_num_badblocks(struct daxmap_namespace *n)
{
	return n ? n->nbadblocks : 0;
}

DAXMAP_EXPORT int daxmap_namespace_get_badblock(struct daxmap_namespace *n,
						int i, uint64_t *ret_offset,
						uint64_t *ret_length)
{
	if (!n || i < 0 || i >= n->nbadblocks)
		return -ENOENT;
	*ret_offset = n->badblocks[i].offset;
	*ret_length = n->badblocks[i].length;
	return 0;
}

DAXMAP_EXPORT int daxmap_device_get_num_badblocks(struct daxmap_device *d)
{
	return d ? d->nbadblocks : 0;
}

DAXMAP_EXPORT int daxmap_device_get_badblock(struct daxmap_device *d, int i,
					     uint64_t *ret_offset,
					     uint64_t *ret_length)
{
	if (!d || i < 0 || i >= d->nbadblocks)
		return -ENOENT;
	*ret_offset = d->badblocks[i].offset;
	*ret_length = d->badblocks[i].length;
	return 0;
}
