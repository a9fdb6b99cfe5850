// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Creating namespaces: every value decided and validated before anything
 * is written (daxmap_create_prepare), then written in steps that roll back
 * on failure and leave a record that the next run acts on after a crash
 * (daxmap_create_commit, daxmap_recover).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include <ndctl/libndctl.h>

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
	if (req->name && strlen(req->name) > DAXMAP_NAME_MAX)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_NAME, -ENAMETOOLONG,
				     "name '%.20s...' is %zu bytes long: a namespace label holds at most %d",
				     req->name, strlen(req->name),
				     DAXMAP_NAME_MAX);
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

/* ------------------------------------------------------------------ commit */

static struct ndctl_region *find_region(struct ndctl_ctx *nctx,
					const char *devname)
{
	struct ndctl_region *region;
	struct ndctl_bus *bus;

	ndctl_bus_foreach(nctx, bus)
		ndctl_region_foreach(bus, region)
			if (strcmp(ndctl_region_get_devname(region), devname) ==
			    0)
				return region;
	return NULL;
}

/* Free RAM and the kernel's memmap counter, where they can be read. */
struct snapshot {
	bool has_free;
	uint64_t free_bytes;
	bool has_counter;
	uint64_t counter_pages;
};

static void take_snapshot(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			  struct snapshot *s)
{
	unsigned long page_size = k ? daxmap_kernel_get_page_size(k) : SZ_4K;

	memset(s, 0, sizeof(*s));
	/* Dropping caches is root's, and only means something on this host. */
	if (geteuid() == 0 && daxmap_ctx_is_real_root(ctx))
		s->has_free = daxmap_measure_free_ram(ctx, page_size,
						      &s->free_bytes) == 0;
	if (k)
		s->has_counter = daxmap_kernel_read_memmap_pages(
					 k, &s->counter_pages) == 0;
}

static void record_deltas(struct daxmap_kernel *k, const struct snapshot *a,
			  const struct snapshot *b, struct daxmap_record *rec)
{
	if (a->has_free && b->has_free) {
		rec->has_measured = true;
		rec->measured_ram_bytes =
			(int64_t)a->free_bytes - (int64_t)b->free_bytes;
	}
	if (a->has_counter && b->has_counter) {
		rec->has_kernel = true;
		rec->kernel_bytes = ((int64_t)b->counter_pages -
				     (int64_t)a->counter_pages) *
				    (int64_t)daxmap_kernel_get_page_size(k);
	}
}

/*
 * Undoes a create from whatever step it reached: detach the personality,
 * give the capacity back. Used after a failure and by recovery.
 */
static int rollback_namespace(struct daxmap_ctx *ctx,
			      struct ndctl_namespace *ndns)
{
	struct ndctl_dax *dax;
	struct ndctl_pfn *pfn;
	int r;

	r = ndctl_namespace_disable_invalidate(ndns);
	if (r < 0)
		dbg(ctx, "%s: disable: %s\n", ndctl_namespace_get_devname(ndns),
		    strerror(-r));
	/* Only now: invalidating freed the region's dax and pfn objects. */
	dax = ndctl_namespace_get_dax(ndns);
	pfn = ndctl_namespace_get_pfn(ndns);
	/*
	 * Detach, not delete: a personality that never got enabled is still
	 * the region's seed, and libndctl's delete frees it under us.
	 */
	if (dax)
		ndctl_dax_set_namespace(dax, NULL);
	if (pfn)
		ndctl_pfn_set_namespace(pfn, NULL);
	ndctl_namespace_set_enforce_mode(ndns, NDCTL_NS_MODE_RAW);
	r = ndctl_namespace_delete(ndns);
	if (r < 0)
		err(ctx, "%s: cannot give its capacity back: %s\n",
		    ndctl_namespace_get_devname(ndns), strerror(-r));
	return r;
}

/*
 * Attaches a dax (devdax) or pfn (fsdax) personality to @ndns, from the
 * region's seed, without enabling it: *@ret_dax or *@ret_pfn is set.
 */
static int configure_personality(struct ndctl_region *region,
				 struct ndctl_namespace *ndns,
				 struct daxmap_create_plan *p, uuid_t uu,
				 struct ndctl_dax **ret_dax,
				 struct ndctl_pfn **ret_pfn)
{
	enum ndctl_pfn_loc loc = p->map == DAXMAP_MAP_DEV ? NDCTL_PFN_LOC_PMEM :
							    NDCTL_PFN_LOC_RAM;
	struct ndctl_dax *dax;
	struct ndctl_pfn *pfn;
	int r;

	if (strcmp(p->mode, "devdax") == 0) {
		dax = ndctl_region_get_dax_seed(region);
		if (!dax)
			return -ENXIO;
		if ((r = ndctl_dax_set_uuid(dax, uu)) < 0 ||
		    (r = ndctl_dax_set_location(dax, loc)) < 0 ||
		    (r = ndctl_dax_set_align(dax, p->align)) < 0 ||
		    (r = ndctl_dax_set_namespace(dax, ndns)) < 0)
			return r;
		*ret_dax = dax;
		return 0;
	}
	pfn = ndctl_region_get_pfn_seed(region);
	if (!pfn)
		return -ENXIO;
	if ((r = ndctl_pfn_set_uuid(pfn, uu)) < 0 ||
	    (r = ndctl_pfn_set_location(pfn, loc)) < 0 ||
	    (r = ndctl_pfn_set_align(pfn, p->align)) < 0 ||
	    (r = ndctl_pfn_set_namespace(pfn, ndns)) < 0)
		return r;
	*ret_pfn = pfn;
	return 0;
}

#ifdef DAXMAP_TEST_HOOKS
/*
 * The recovery tests kill a create at each of its steps: when
 * DAXMAP_TEST_CRASH_AT names @step, the process dies there as a SIGKILL
 * or a power cut would leave it. Only in a build with -Dtest-hooks=true:
 * the library users install has no such switch.
 */
static void crash_point(const char *step)
{
	const char *at = secure_getenv("DAXMAP_TEST_CRASH_AT");

	if (at && strcmp(at, step) == 0)
		raise(SIGKILL);
}
#else
static inline void crash_point(const char *step)
{
}
#endif

/*
 * The kernel enables a namespace only when its start is aligned to the
 * region's align (16M on x86_64), and where the capacity was allocated is
 * only known once it is sized. A platform whose region does not start on
 * that boundary gets there: say so, rather than the kernel's bare ENXIO
 * at enable.
 */
static int check_placement(struct ndctl_region *region,
			   struct ndctl_namespace *ndns,
			   enum daxmap_reason *ret_reason, char **ret_message)
{
	unsigned long long start = ndctl_namespace_get_resource(ndns);
	unsigned long align = ndctl_region_get_align(region);

	/* Unknown (not root, old kernel): the enable will tell. */
	if (start == ULLONG_MAX || align == ULONG_MAX || !align)
		return 0;
	if (start % align == 0)
		return 0;
	return daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_FAILED,
			     -EINVAL,
			   "%s would start at %#llx, which is not aligned to %s's %lu MiB alignment, so the kernel could not enable it; the region itself starts at %#llx (a platform or emulator that places it off that boundary); rolled back",
			   ndctl_namespace_get_devname(ndns), start,
			   ndctl_region_get_devname(region), align >> 20,
			   ndctl_region_get_resource(region));
}

static const char *errno_meaning(int r)
{
	switch (-r) {
	case EINVAL:
		return "the kernel refused the configuration";
	case ENXIO:
	case ENODEV:
		return "the device or its driver is missing (is the dax_pmem or nd_pmem module loaded?)";
	case EBUSY:
		return "the device is in use";
	case ENOSPC:
		return "the region has no room for it";
	case ENOMEM:
		return "the kernel could not allocate the memmap";
	case EACCES:
	case EPERM:
		return "this needs root";
	default:
		return "see the kernel log (dmesg)";
	}
}

/* What a step the kernel refused says about the request, if anything. */
static enum daxmap_reason kernel_reason(int r)
{
	switch (-r) {
	case ENODEV:
		return DAXMAP_REASON_NO_SUCH_REGION;
	case EOPNOTSUPP:
		return DAXMAP_REASON_NOT_SUPPORTED;
	case ENOSPC:
		return DAXMAP_REASON_NO_SPACE;
	case EBUSY:
		return DAXMAP_REASON_BUSY;
	default:
		return DAXMAP_REASON_FAILED;
	}
}

DAXMAP_EXPORT int daxmap_create_commit(struct daxmap_ctx *ctx,
				       struct daxmap_kernel *k,
				       struct daxmap_create_plan *p,
				       char **ret_namespace,
				       enum daxmap_reason *ret_reason,
				       char **ret_message)
{
	struct daxmap_record rec = {
		.size = p->size,
		.align = p->align,
		.map = p->map,
		.name = p->name,
		.region = p->region,
		.mode = (char *)p->mode,
	};
	struct ndctl_namespace *seed;
	struct ndctl_region *region = NULL;
	struct ndctl_dax *dax = NULL;
	struct ndctl_pfn *pfn = NULL;
	struct snapshot before, after;
	struct ndctl_ctx *nctx = NULL;
	const char *step = "allocating the namespace";
	uuid_t ns_uu, dev_uu;
	char *devname;
	int r;

	daxmap_refusal_init(ret_reason, ret_message);
	if (!daxmap_ctx_is_real_root(ctx))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				   "cannot create under the fixture root %s",
				   daxmap_get_root(ctx));
	r = ndctl_new(&nctx);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_FAILED, r,
				     "cannot open libndctl: %s", strerror(-r));

	region = find_region(nctx, p->region);
	if (!region) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
				"region %s has gone away", p->region);
		goto out;
	}
	seed = ndctl_region_get_namespace_seed(region);
	if (!seed || ndctl_namespace_get_type(seed) != ND_DEVICE_NAMESPACE_PMEM) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				"%s has no namespace labels, so it cannot be divided into namespaces: 'ndctl disable-region %s; ndctl init-labels -f all; ndctl enable-region %s' writes them (and erases the region's namespaces)",
				p->region, p->region, p->region);
		goto out;
	}
	if (ndctl_namespace_get_size(seed)) {
		r = daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_BUSY,
				  -EBUSY,
				"%s's namespace seed %s is already being configured by someone else",
				p->region, ndctl_namespace_get_devname(seed));
		goto out;
	}

	uuid_generate(ns_uu);
	uuid_generate(dev_uu);
	uuid_unparse(ns_uu, rec.uuid);
	/* From here on a crash leaves this record for daxmap_recover(). */
	r = daxmap_record_write(ctx, DAXMAP_RECORD_PENDING, &rec);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_FAILED, r,
				"cannot record the create in %s: %s",
				ctx->state_dir, strerror(-r));
		goto out;
	}

	crash_point("recorded");

	if ((r = ndctl_namespace_set_uuid(seed, ns_uu)) < 0 ||
	    (r = ndctl_namespace_set_alt_name(seed, p->name ? p->name : "")) <
		    0)
		goto fail;
	crash_point("labelled");
	if ((r = ndctl_namespace_set_size(seed, p->size)) < 0)
		goto fail;
	r = check_placement(region, seed, ret_reason, ret_message);
	if (r < 0)
		goto rollback;
	ndctl_namespace_set_enforce_mode(seed, strcmp(p->mode, "devdax") == 0 ?
						       NDCTL_NS_MODE_DEVDAX :
						       NDCTL_NS_MODE_FSDAX);
	crash_point("sized");

	step = "configuring the personality";
	r = configure_personality(region, seed, p, dev_uu, &dax, &pfn);
	if (r < 0)
		goto fail;
	crash_point("configured");

	/* Enabling is where the kernel allocates the memmap: measure it. */
	step = dax ? "enabling the dax device" : "enabling the fsdax namespace";
	take_snapshot(ctx, k, &before);
	r = dax ? ndctl_dax_enable(dax) : ndctl_pfn_enable(pfn);
	if (r < 0)
		goto fail;
	take_snapshot(ctx, k, &after);
	record_deltas(k, &before, &after, &rec);
	crash_point("enabled");

	r = daxmap_record_write(ctx, DAXMAP_RECORD_MANAGED, &rec);
	if (r < 0)
		warn(ctx, "%s: created, but not recorded as daxmap's: %s\n",
		     ndctl_namespace_get_devname(seed), strerror(-r));
	crash_point("managed");
	daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, rec.uuid);

	devname = strdup(ndctl_namespace_get_devname(seed));
	if (!devname) {
		r = -ENOMEM;
		goto out;
	}
	*ret_namespace = devname;
	r = 0;
	goto out;

fail:
	daxmap_refuse(ret_reason, ret_message, kernel_reason(r), r,
		      "%s on %s failed: %s (%s); rolled back",
		      step, p->region, strerror(-r), errno_meaning(r));
rollback:
	if (rollback_namespace(ctx, seed) == 0)
		daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, rec.uuid);
out:
	ndctl_unref(nctx);
	return daxmap_refused(ret_reason, r);
}

/* ---------------------------------------------------------------- recovery */

static struct ndctl_namespace *find_by_uuid(struct ndctl_ctx *nctx,
					    const char *uuid)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;
	uuid_t want, uu;

	if (uuid_parse(uuid, want) < 0)
		return NULL;
	ndctl_bus_foreach(nctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns) {
				ndctl_namespace_get_uuid(ndns, uu);
				if (uuid_compare(uu, want) == 0)
					return ndns;
			}
	return NULL;
}

static bool personality_enabled(struct ndctl_namespace *ndns)
{
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);

	return (dax && ndctl_dax_is_enabled(dax)) ||
	       (pfn && ndctl_pfn_is_enabled(pfn));
}

static int append_line(char **report, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int append_line(char **report, const char *fmt, ...)
{
	_cleanup_free_ char *line = NULL;
	va_list args;
	char *joined;
	int r;

	va_start(args, fmt);
	r = vasprintf(&line, fmt, args);
	va_end(args);
	if (r < 0) {
		line = NULL;
		return -ENOMEM;
	}
	if (asprintf(&joined, "%s%s%s", *report ? *report : "",
		     *report ? "\n" : "", line) < 0)
		return -ENOMEM;
	free(*report);
	*report = joined;
	return 0;
}

DAXMAP_EXPORT int daxmap_recover(struct daxmap_ctx *ctx, char **ret_report)
{
	struct ndctl_ctx *nctx = NULL;
	char **uuids = NULL, **u;
	char *report = NULL;
	int r;

	*ret_report = NULL;
	r = daxmap_record_list(ctx, DAXMAP_RECORD_PENDING, &uuids);
	if (r < 0 || !uuids[0])
		goto out;
	r = ndctl_new(&nctx);
	if (r < 0)
		goto out;

	for (u = uuids; *u; u++) {
		struct daxmap_record rec;
		struct ndctl_namespace *ndns;
		const char *what;

		r = daxmap_record_read(ctx, DAXMAP_RECORD_PENDING, *u, &rec);
		if (r < 0)
			goto out;
		what = rec.name ? rec.name : *u;
		ndns = find_by_uuid(nctx, *u);
		if (!ndns) {
			r = append_line(&report,
					"an interrupted create of %s on %s left nothing behind; its record is removed",
					what, rec.region ? rec.region : "?");
			daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, *u);
		} else if (ndctl_namespace_get_size(ndns) &&
			   personality_enabled(ndns)) {
			/* It got as far as working: keep it, as daxmap's. */
			r = daxmap_record_write(ctx, DAXMAP_RECORD_MANAGED, &rec);
			if (r == 0) {
				daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING,
						     *u);
				r = append_line(&report,
						"%s (%s): an interrupted create had finished; it is kept and recorded as daxmap's",
						ndctl_namespace_get_devname(ndns),
						what);
			}
		} else {
			const char *dev = ndctl_namespace_get_devname(ndns);

			r = rollback_namespace(ctx, ndns);
			if (r == 0) {
				daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING,
						     *u);
				r = append_line(&report,
						"%s (%s): an interrupted create was rolled back",
						dev, what);
			} else {
				append_line(&report,
					    "%s (%s): an interrupted create could not be rolled back: %s",
					    dev, what, strerror(-r));
			}
		}
		daxmap_record_clear(&rec);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	ndctl_unref(nctx);
	daxmap_strv_free(uuids);
	*ret_report = report;
	return r;
}
