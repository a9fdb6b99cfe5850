// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Planning a namespace: every value of a create request decided and
 * validated against the topology before anything is written
 * (daxmap_create_prepare), with a note for each default taken and why,
 * and the plan's getters. provision.c carries a plan out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The info block at the start of a dax or pfn namespace. */
#define INFO_BLOCK_SIZE (UINT64_C(8) << 10)
/* The kernel reserves memmap space for pages of at most this size. */
#define MAX_STRUCT_PAGE_SIZE 64
/* memremap_compat_align(): the data never starts below a subsection. */
#define SUBSECTION_SIZE SZ_2M

static uint64_t round_up(uint64_t n, uint64_t align)
{
	return daxmap_div_round_up(n, align) * align;
}

/* Shorthand for the sizes in messages: up to four per message. */
struct sizes {
	char s[4][32];
};

/* A size people read: "3.98 GiB". */
static const char *sz(struct sizes *b, int i, uint64_t bytes)
{
	daxmap_format_size(bytes, b->s[i], sizeof(b->s[i]));
	return b->s[i];
}

/* A size as typed, where the user must type it back: "1536M". */
static const char *sz_exact(struct sizes *b, int i, uint64_t bytes)
{
	daxmap_format_size_exact(bytes, b->s[i], sizeof(b->s[i]));
	return b->s[i];
}

static int add_note(struct daxmap_create_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int add_note(struct daxmap_create_plan *p, const char *fmt, ...)
{
	va_list args;
	int r;

	if (p->nnotes >= DAXMAP_PLAN_MAX_NOTES)
		return 0;
	va_start(args, fmt);
	r = vasprintf(&p->notes[p->nnotes], fmt, args);
	va_end(args);
	if (r < 0) {
		p->notes[p->nnotes] = NULL;
		return -ENOMEM;
	}
	p->nnotes++;
	return 0;
}

DAXMAP_EXPORT struct daxmap_create_plan *
daxmap_create_plan_free(struct daxmap_create_plan *p)
{
	int i;

	if (!p)
		return NULL;
	for (i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->region);
	free(p->mode_text);
	free(p->name);
	free(p);
	return NULL;
}

static inline void plan_freep(struct daxmap_create_plan **p)
{
	daxmap_create_plan_free(*p);
}

/*
 * Where the kernel puts the data of a dax/pfn namespace: after the info
 * block, and for map=dev after the memmap too, aligned up to the align.
 */
static uint64_t data_offset(uint64_t size, uint64_t align, enum daxmap_map map)
{
	uint64_t reserve = INFO_BLOCK_SIZE;

	if (map == DAXMAP_MAP_DEV)
		reserve += (size - INFO_BLOCK_SIZE) / SZ_4K *
			   MAX_STRUCT_PAGE_SIZE;
	return round_up(reserve, align > SUBSECTION_SIZE ? align :
							   SUBSECTION_SIZE);
}

static int list_alignments(struct daxmap_region *r, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < daxmap_region_get_num_alignments(r); i++) {
		char one[32];

		daxmap_format_size_exact(daxmap_region_get_supported_alignment(r, i),
				    one, sizeof(one));
		used += snprintf(buf + used, len > used ? len - used : 0,
				 "%s%s", i ? ", " : "", one);
	}
	return 0;
}

static int choose_region(struct daxmap_topology *t,
			 const struct daxmap_create_request *req,
			 uint64_t align, struct daxmap_create_plan *p,
			 struct daxmap_region **ret,
			 enum daxmap_reason *ret_reason, char **ret_message)
{
	struct daxmap_region *r, *best = NULL;
	int candidates = 0;
	struct sizes b;
	char names[256] = "";
	size_t used = 0;

	daxmap_region_foreach(t, r)
		used += snprintf(names + used,
				 sizeof(names) > used ? sizeof(names) - used :
							0,
				 "%s%s", used ? ", " : "",
				 daxmap_region_get_devname(r));

	if (req->region) {
		daxmap_region_foreach(t, r)
			if (strcmp(daxmap_region_get_devname(r),
				   req->region) == 0) {
				*ret = r;
				return 0;
			}
		if (!used)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
					     "no region '%s': this host has no persistent-memory regions",
					     req->region);
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
				     "no region '%s': the regions are %s",
				     req->region, names);
	}

	daxmap_region_foreach(t, r) {
		if (req->numa_node >= 0 &&
		    daxmap_region_get_numa_node(r) != req->numa_node)
			continue;
		if (!daxmap_region_supports_alignment(r, align))
			continue;
		candidates++;
		if (!best || daxmap_region_get_max_available_extent(r) >
				     daxmap_region_get_max_available_extent(best))
			best = r;
	}
	if (!best) {
		if (!used)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
					     "this host has no persistent-memory regions");
		if (req->numa_node >= 0)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
					     "no region on NUMA node %d supports align %s (regions: %s)",
					     req->numa_node, sz_exact(&b, 0, align),
					     names);
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
				     "no region supports align %s (regions: %s)",
				     sz_exact(&b, 0, align), names);
	}
	*ret = best;
	return add_note(p, "region %s: the largest free extent (%s)%s%s",
			daxmap_region_get_devname(best),
			sz(&b, 0, daxmap_region_get_max_available_extent(best)),
			candidates > 1 ? " of the regions that support the align" : "",
			req->numa_node >= 0 ? " on the requested NUMA node" :
					      "");
}

static int decide_size(const struct daxmap_create_request *req,
		       struct daxmap_region *r, uint64_t granule,
		       struct daxmap_create_plan *p,
		       enum daxmap_reason *ret_reason, char **ret_message)
{
	uint64_t extent = daxmap_region_get_max_available_extent(r);
	const char *region = daxmap_region_get_devname(r);
	struct sizes b;

	if (req->percent) {
		/* Of the free extent, the most one namespace can take. */
		p->size = extent / 100 * req->percent / granule * granule;
		if (!p->size)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_NO_SPACE, -ENOSPC,
					     "%u%% of %s's largest free extent (%s) is less than one %s granule",
					     req->percent, region,
					     sz(&b, 0, extent),
					     sz_exact(&b, 1, granule));
		return add_note(p, "size %s: %u%% of %s's largest free extent (%s), rounded down to a multiple of %s",
				sz(&b, 0, p->size), req->percent, region,
				sz(&b, 1, extent), sz_exact(&b, 2, granule));
	}
	if (req->size % granule) {
		uint64_t below = req->size / granule * granule;

		if (!below)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_INVALID_SIZE, -EINVAL,
					     "size %s is not a multiple of %s (the region's alignment and the align): the smallest is %s",
					     sz_exact(&b, 0, req->size),
					     sz_exact(&b, 1, granule),
					     sz_exact(&b, 2, granule));
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_SIZE, -EINVAL,
				     "size %s is not a multiple of %s (the region's alignment and the align): use %s or %s",
				     sz_exact(&b, 0, req->size), sz_exact(&b, 1, granule),
				     sz_exact(&b, 2, below),
				     sz_exact(&b, 3, below + granule));
	}
	p->size = req->size;
	return 0;
}

static int decide_map(const struct daxmap_create_request *req,
		      const struct daxmap_model *m, struct daxmap_create_plan *p)
{
	struct daxmap_memmap mem, dev;
	struct sizes b;
	int r;

	p->map = req->map;
	if (p->map != DAXMAP_MAP_UNKNOWN)
		return 0;
	r = daxmap_model_memmap(m, p->device_size, p->align, DAXMAP_MAP_MEM,
				&mem);
	if (r < 0)
		return r;
	r = daxmap_model_memmap(m, p->device_size, p->align, DAXMAP_MAP_DEV,
				&dev);
	if (r < 0)
		return r;
	if (mem.saved_bytes) {
		p->map = DAXMAP_MAP_MEM;
		return add_note(p, "map mem: this kernel deduplicates the memmap at this align, so it costs %s of RAM instead of %s of the device",
				sz(&b, 0, mem.ram_bytes),
				sz(&b, 1, dev.device_bytes));
	}
	p->map = DAXMAP_MAP_DEV;
	return add_note(p, "map dev: without dedup the memmap costs %s either way; on the device it leaves RAM free",
			sz(&b, 0, dev.device_bytes));
}

DAXMAP_EXPORT int daxmap_create_prepare(struct daxmap_ctx *ctx,
					struct daxmap_kernel *k,
					struct daxmap_topology *t,
					const struct daxmap_create_request *req,
					struct daxmap_create_plan **ret,
					enum daxmap_reason *ret_reason,
					char **ret_message)
{
	_cleanup_(plan_freep) struct daxmap_create_plan *p = NULL;
	struct daxmap_region *region = NULL;
	struct daxmap_model m;
	char aligns[128];
	uint64_t granule, offset;
	struct sizes b;
	int r;

	r = daxmap_create_request_check(req, ret_reason, ret_message);
	if (r < 0)
		return daxmap_refused(ret_reason, r);
	p = calloc(1, sizeof(*p));
	if (!p)
		return daxmap_refused(ret_reason, -ENOMEM);
	if (k)
		daxmap_kernel_get_model(k, &m);
	else
		daxmap_model_init(&m);

	p->mode = daxmap_mode_name(req->mode ?: DAXMAP_MODE_DEVDAX);
	if (req->name && req->name[0]) {
		struct daxmap_namespace *n;

		daxmap_namespace_foreach(t, n) {
			const char *name = daxmap_namespace_get_name(n);

			if (name && strcmp(name, req->name) == 0)
				return daxmap_refuse(ret_reason, ret_message,
					DAXMAP_REASON_INVALID_NAME, -EEXIST,
					"name '%s' is taken by %s: names tell namespaces apart, choose another",
					req->name, daxmap_namespace_get_devname(n));
		}
	}
	if (req->name && req->name[0]) {
		p->name = strdup(req->name);
		if (!p->name)
			return daxmap_refused(ret_reason, -ENOMEM);
	}

	p->align = req->align;
	if (!p->align) {
		p->align = SZ_2M;
		r = add_note(p, "align 2M: the default for %s, the smallest align whose memmap the kernel deduplicates",
			     p->mode);
		if (r < 0)
			return daxmap_refused(ret_reason, r);
	}
	if (p->align & (p->align - 1) || p->align < m.page_size)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_UNSUPPORTED_ALIGN, -EINVAL,
				     "align %s is not a power of two of at least the page size",
				     sz_exact(&b, 0, p->align));

	r = choose_region(t, req, p->align, p, &region, ret_reason,
			  ret_message);
	if (r < 0)
		return daxmap_refused(ret_reason, r);
	p->region = strdup(daxmap_region_get_devname(region));
	if (!p->region)
		return daxmap_refused(ret_reason, -ENOMEM);
	if (!daxmap_region_get_type(region) ||
	    strcmp(daxmap_region_get_type(region), "pmem") != 0)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				     "%s is a %s region: only pmem regions hold dax namespaces",
				     p->region,
				     daxmap_region_get_type(region) ?: "unknown");
	{
		struct daxmap_namespace *n;

		/* Without labels the region is one namespace, rewritten whole. */
		daxmap_namespace_foreach(t, n)
			if (!daxmap_namespace_get_uuid(n) &&
			    strcmp(daxmap_namespace_get_region(n), p->region) == 0)
				return daxmap_refuse(ret_reason, ret_message,
						     DAXMAP_REASON_NOT_SUPPORTED,
						     -EOPNOTSUPP,
						     "%s has no namespace labels: its one namespace %s spans it and cannot be divided; 'daxmapctl reconfigure namespace %s --mode %s --align %s --force' rewrites it (its data is lost)",
						     p->region,
						     daxmap_namespace_get_devname(n),
						     daxmap_namespace_get_devname(n),
						     p->mode, sz_exact(&b, 0, p->align));
	}
	if (!daxmap_region_supports_alignment(region, p->align)) {
		list_alignments(region, aligns, sizeof(aligns));
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_UNSUPPORTED_ALIGN, -EOPNOTSUPP,
				     "align %s is not supported by %s: it supports %s",
				     sz_exact(&b, 0, p->align), p->region,
				     aligns[0] ? aligns : "none (no dax seed)");
	}

	/* Namespaces are carved in multiples of the region's alignment. */
	granule = p->align;
	if (daxmap_region_get_align(region) > granule)
		granule = daxmap_region_get_align(region);
	r = decide_size(req, region, granule, p, ret_reason, ret_message);
	if (r < 0)
		return daxmap_refused(ret_reason, r);
	if (p->size > daxmap_region_get_max_available_extent(region))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NO_SPACE, -ENOSPC,
				     "size %s is more than %s's largest free extent, %s (%s free in all)",
				     sz_exact(&b, 0, p->size), p->region,
				     sz(&b, 1, daxmap_region_get_max_available_extent(region)),
				     sz(&b, 2, daxmap_region_get_available_size(region)));

	/*
	 * The map decides the data offset and the offset the device size,
	 * which the map's default is weighed on: take mem's offset first,
	 * which is also dev's lower bound.
	 */
	offset = data_offset(p->size, p->align,
			     req->map == DAXMAP_MAP_DEV ? DAXMAP_MAP_DEV :
							  DAXMAP_MAP_MEM);
	if (offset >= p->size)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_SIZE, -ERANGE,
				     "size %s leaves no device: at align %s the info block%s takes the first %s; the size must be at least %s",
				     sz_exact(&b, 0, p->size), sz_exact(&b, 1, p->align),
				     req->map == DAXMAP_MAP_DEV ? " and the memmap" : "",
				     sz(&b, 2, offset),
				     sz_exact(&b, 3, round_up(offset + granule, granule)));
	p->device_size = p->size - offset;
	r = decide_map(req, &m, p);
	if (r < 0)
		return daxmap_refused(ret_reason, r);
	if (p->map == DAXMAP_MAP_DEV && req->map != DAXMAP_MAP_DEV) {
		offset = data_offset(p->size, p->align, DAXMAP_MAP_DEV);
		if (offset >= p->size)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_INVALID_SIZE, -ERANGE,
					     "size %s leaves no device with the memmap on it: the size must be at least %s",
					     sz_exact(&b, 0, p->size),
					     sz_exact(&b, 1, round_up(offset + granule, granule)));
		p->device_size = p->size - offset;
	}
	r = daxmap_model_memmap(&m, p->device_size, p->align, p->map,
				&p->memmap);
	if (r < 0)
		return daxmap_refused(ret_reason, r);
	if (offset > SUBSECTION_SIZE) {
		r = add_note(p, "device %s: the info block%s takes %s at align %s",
			     sz(&b, 0, p->device_size),
			     p->map == DAXMAP_MAP_DEV ? " and the memmap" : "",
			     sz(&b, 1, offset), sz_exact(&b, 2, p->align));
		if (r < 0)
			return daxmap_refused(ret_reason, r);
	}
	*ret = TAKE_PTR(p);
	return 0;
}

DAXMAP_EXPORT const char *
daxmap_create_plan_get_region(struct daxmap_create_plan *p)
{
	return p->region;
}

DAXMAP_EXPORT uint64_t daxmap_create_plan_get_size(struct daxmap_create_plan *p)
{
	return p->size;
}

DAXMAP_EXPORT uint64_t
daxmap_create_plan_get_device_size(struct daxmap_create_plan *p)
{
	return p->device_size;
}

DAXMAP_EXPORT uint64_t
daxmap_create_plan_get_align(struct daxmap_create_plan *p)
{
	return p->align;
}

DAXMAP_EXPORT enum daxmap_map
daxmap_create_plan_get_map(struct daxmap_create_plan *p)
{
	return p->map;
}

DAXMAP_EXPORT const char *
daxmap_create_plan_get_mode(struct daxmap_create_plan *p)
{
	return p->mode;
}

DAXMAP_EXPORT const char *
daxmap_create_plan_get_name(struct daxmap_create_plan *p)
{
	return p->name;
}

DAXMAP_EXPORT const struct daxmap_memmap *
daxmap_create_plan_get_memmap(struct daxmap_create_plan *p)
{
	return &p->memmap;
}

DAXMAP_EXPORT const char *
daxmap_create_plan_get_note(struct daxmap_create_plan *p, int i)
{
	return i >= 0 && i < p->nnotes ? p->notes[i] : NULL;
}

