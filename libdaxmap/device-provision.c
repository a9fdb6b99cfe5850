// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dax devices on dynamic dax regions (soft-reserved memory behind
 * dax_hmem, CXL memory behind dax_cxl), through libdaxctl: created,
 * resized and destroyed with the rules namespaces follow. Everything is
 * validated before a write, including where the kernel's first-fit
 * allocator will put the ranges; a pending record names the device before
 * it is sized, so that a crash is found by daxmap_recover(); a failure is
 * rolled back. A dax device carries no name and does not outlive a boot,
 * so its record (devices/UUID) holds the name, its place and the boot.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include <daxctl/libdaxctl.h>

#include "change.h"
#include "private.h"

#define THP_DIR "/sys/kernel/mm/transparent_hugepage"
#define MAX_RANGES 64

struct range {
	uint64_t start, end;	/* inclusive, as /proc/iomem says them */
};

/* An NVDIMM's dax region sits below the nd bus: its devices are fixed. */
static bool region_is_dynamic(struct daxctl_region *region)
{
	const char *path = daxctl_region_get_path(region);

	return path && !strstr(path, "/ndbus");
}

/*
 * The device that provides @region ("hmem.0"), named as /proc/iomem names
 * its resource: the parent of its dax_region directory.
 */
static void region_provider(struct daxctl_region *region, char *buf,
			    size_t len)
{
	const char *path = daxctl_region_get_path(region), *end, *start;

	snprintf(buf, len, "%s", daxctl_region_get_devname(region));
	if (!path)
		return;
	end = path + strlen(path);
	if (end - path > 11 && strcmp(end - 11, "/dax_region") == 0)
		end -= 11;
	for (start = end; start > path && start[-1] != '/'; start--)
		;
	if (end > start)
		snprintf(buf, len, "%.*s", (int)(end - start), start);
}

static bool region_matches(struct daxctl_region *region, const char *name)
{
	char provider[64], id[16];

	region_provider(region, provider, sizeof(provider));
	snprintf(id, sizeof(id), "%d", daxctl_region_get_id(region));
	return strcmp(name, provider) == 0 || strcmp(name, id) == 0 ||
	       strcmp(name, daxctl_region_get_devname(region)) == 0;
}

static int find_region(struct daxctl_ctx *dctx,
		       const struct daxmap_device_request *req,
		       struct daxctl_region **ret,
		       enum daxmap_reason *ret_reason, char **ret_message)
{
	struct daxctl_region *region, *best = NULL;
	char names[256] = "", provider[64];
	size_t used = 0;

	daxctl_region_foreach(dctx, region) {
		if (!region_is_dynamic(region))
			continue;
		region_provider(region, provider, sizeof(provider));
		used += snprintf(names + used,
				 used < sizeof(names) ? sizeof(names) - used : 0,
				 "%s%s", used ? ", " : "", provider);
		if (req->region) {
			if (region_matches(region, req->region)) {
				*ret = region;
				return 0;
			}
		} else if (!best || daxctl_region_get_available_size(region) >
					    daxctl_region_get_available_size(best)) {
			best = region;
		}
	}
	if (best) {
		*ret = best;
		return 0;
	}
	if (req->region) {
		daxctl_region_foreach(dctx, region)
			if (region_matches(region, req->region))
				return daxmap_refuse(ret_reason, ret_message,
						     DAXMAP_REASON_NOT_SUPPORTED,
						     -EOPNOTSUPP,
						     "dax region %s is an NVDIMM namespace's: its device is fixed by the namespace; use 'daxmapctl create namespace'",
						     req->region);
	}
	if (!used)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
				     "this host has no dynamic dax region (soft-reserved or CXL memory, with dax_hmem or dax_cxl loaded)");
	return daxmap_refuse(ret_reason, ret_message,
			     DAXMAP_REASON_NO_SUCH_REGION, -ENODEV,
			     "no dynamic dax region '%s': the regions are %s",
			     req->region, names);
}

/* The aligns the kernel's dax_align_valid() takes here. */
static bool align_supported(struct daxmap_ctx *ctx, uint64_t align)
{
	_cleanup_free_ char *thp = NULL;

	if (align == SZ_4K)
		return true;
	if (align == SZ_2M)
		return daxmap_path(ctx, THP_DIR, &thp) == 0 &&
		       access(thp, F_OK) == 0;
	/* x86_64 has transparent PUD pages whenever it has THP at all. */
	return align == SZ_1G && align_supported(ctx, SZ_2M);
}

/*
 * The region's range and its allocations (the dax devices' ranges) from
 * /proc/iomem, where the region's resource is named after its provider.
 * Returns the number of allocations, or -ENOENT when the region is not
 * there or its addresses are hidden (not root).
 */
static int region_ranges(struct daxmap_ctx *ctx, struct daxctl_region *region,
			 struct range *whole, struct range *busy, int max)
{
	_cleanup_free_ char *text = NULL;
	char provider[64], *line, *save = NULL;
	int depth = -1, n = 0;

	region_provider(region, provider, sizeof(provider));
	if (daxmap_read_file(ctx, "/proc/iomem", &text) < 0)
		return -ENOENT;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		int indent = (int)strspn(line, " ");
		unsigned long long s, e;
		char name[64];

		if (sscanf(line + indent, "%llx-%llx : %63[^\n]", &s, &e,
			   name) != 3)
			continue;
		if (depth < 0) {
			if (strcmp(name, provider) == 0) {
				depth = indent;
				whole->start = s;
				whole->end = e;
			}
			continue;
		}
		if (indent <= depth)
			break;
		if (indent == depth + 2 && n < max)
			busy[n++] = (struct range){ s, e };
	}
	if (depth < 0 || (!whole->start && !whole->end))
		return -ENOENT;
	return n;
}

/*
 * Where the kernel's dev_dax_resize() puts @size more bytes: first fit,
 * a gap at a time, split over gaps. Says the first piece that would not
 * start and end on @align, and fails with -ENOSPC (or -ENOENT when the
 * ranges cannot be read: then the kernel's own check at the align write
 * decides).
 */
static int check_placement(struct daxmap_ctx *ctx, struct daxctl_region *region,
			   uint64_t size, uint64_t align, uint64_t *ret_start)
{
	struct range whole, busy[MAX_RANGES];
	uint64_t cursor, left = size;
	int n, i;

	n = region_ranges(ctx, region, &whole, busy, MAX_RANGES);
	if (n < 0)
		return n;
	cursor = whole.start;
	for (i = 0; i <= n && left; i++) {
		uint64_t gap_end = i < n ? busy[i].start : whole.end + 1;

		if (gap_end > cursor) {
			uint64_t take = gap_end - cursor < left ?
						gap_end - cursor : left;

			if (cursor % align || take % align) {
				*ret_start = cursor;
				return -ENOSPC;
			}
			left -= take;
		}
		if (i < n)
			cursor = busy[i].end + 1;
	}
	return 0;
}

/*
 * The checks of an align and a size for a device of @region, which has
 * @have bytes already (0 for a new one): the kernel's aligns, a multiple,
 * the room, and the ranges on the align's boundary.
 */
static int check_fit(struct daxmap_ctx *ctx, struct daxctl_region *region,
		     uint64_t have, uint64_t size, uint64_t align,
		     enum daxmap_reason *ret_reason, char **ret_message)
{
	char provider[64], a[DAXMAP_SIZE_BUF], s[DAXMAP_SIZE_BUF],
		f[DAXMAP_SIZE_BUF];
	uint64_t avail = daxctl_region_get_available_size(region), start;
	int r;

	region_provider(region, provider, sizeof(provider));
	daxmap_format_size_exact(align, a, sizeof(a));
	daxmap_format_size_exact(size, s, sizeof(s));
	if (!align_supported(ctx, align))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_UNSUPPORTED_ALIGN, -EOPNOTSUPP,
				     "align %s is not supported on %s: this kernel has no transparent huge pages, so only 4K is",
				     a, provider);
	if (size % align)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_SIZE, -EINVAL,
				     "size %s is not a multiple of align %s", s,
				     a);
	if (size > have && size - have > avail)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NO_SPACE, -ENOSPC,
				     "size %s is more than %s has free: %s%s",
				     s, provider,
				     daxmap_format_size(avail, f, sizeof(f)),
				     have ? " beside what the device has" : "");
	if (size <= have || align <= SZ_4K)
		return 0;
	r = check_placement(ctx, region, size - have, align, &start);
	if (r == -ENOSPC)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NO_SPACE, -ENOSPC,
				     "%s's free space is not on %s boundaries where the kernel would allocate it (from %#" PRIx64 "): a smaller align, or destroy the devices before it",
				     provider, a, start);
	return 0;
}

/* -------------------------------------------------------------- records */

/*
 * Walks the device records of this boot: @fn returns true to stop, with
 * the record kept in *@ret (else cleared).
 */
static bool find_record(struct daxmap_ctx *ctx,
			bool (*fn)(const struct daxmap_record *, const void *),
			const void *arg, struct daxmap_record *ret)
{
	char **uuids = NULL, **u;
	bool found = false;

	if (daxmap_record_list(ctx, DAXMAP_RECORD_DEVICE, &uuids) < 0)
		return false;
	for (u = uuids; *u && !found; u++) {
		struct daxmap_record rec;

		if (daxmap_record_read(ctx, DAXMAP_RECORD_DEVICE, *u, &rec) < 0)
			continue;
		if (rec.device && daxmap_record_same_boot(&rec) && fn(&rec, arg)) {
			*ret = rec;
			found = true;
		} else {
			daxmap_record_clear(&rec);
		}
	}
	daxmap_strv_free(uuids);
	return found;
}

struct place {
	const char *devname;
	uint64_t resource;
};

static bool at_place(const struct daxmap_record *rec, const void *arg)
{
	const struct place *p = arg;

	return strcmp(rec->device, p->devname) == 0 &&
	       rec->resource == p->resource;
}

static bool named(const struct daxmap_record *rec, const void *arg)
{
	return rec->name && strcmp(rec->name, arg) == 0;
}

bool daxmap_device_record_find(struct daxmap_ctx *ctx, const char *devname,
			       uint64_t resource, struct daxmap_record *ret)
{
	const struct place p = { devname, resource };

	return find_record(ctx, at_place, &p, ret);
}

/* A record's device, if it is still the one recorded. */
static struct daxctl_dev *recorded_dev(struct daxctl_ctx *dctx,
				       const struct daxmap_record *rec)
{
	struct daxctl_dev *dev = daxmap_find_dax_dev(dctx, rec->device);

	if (!dev || !daxctl_dev_get_size(dev) ||
	    daxctl_dev_get_resource(dev) != rec->resource)
		return NULL;
	return dev;
}

/* Whether daxmap made a device named @name in this boot that is there. */
bool daxmap_device_named_there(struct daxmap_ctx *ctx, const char *name)
{
	struct daxctl_ctx *dctx = NULL;
	struct daxmap_record rec;
	bool there;

	if (!find_record(ctx, named, name, &rec))
		return false;
	there = daxctl_new(&dctx) == 0 && recorded_dev(dctx, &rec);
	daxctl_unref(dctx);
	daxmap_record_clear(&rec);
	return there;
}

void daxmap_device_record_update(struct daxmap_ctx *ctx, struct daxctl_dev *dev)
{
	struct daxmap_record rec;
	uint64_t resource = daxctl_dev_get_resource(dev);

	/* The resource is read before the change: libdaxctl keeps it. */
	if (!daxmap_device_record_find(ctx, daxctl_dev_get_devname(dev),
				       resource, &rec))
		return;
	rec.size = daxctl_dev_get_size(dev);
	rec.align = daxctl_dev_get_align(dev);
	if (daxmap_record_write(ctx, DAXMAP_RECORD_DEVICE, &rec) < 0)
		err(ctx, "%s: cannot update its record\n", rec.device);
	daxmap_record_clear(&rec);
}

/*
 * Where @dev starts, read now: libdaxctl read it when it listed the
 * device, which for a seed was before it had any range.
 */
static uint64_t dev_resource(struct daxmap_ctx *ctx, struct daxctl_dev *dev)
{
	_cleanup_free_ char *path = NULL, *text = NULL;

	if (asprintf(&path, "/sys/bus/dax/devices/%s/resource",
		     daxctl_dev_get_devname(dev)) < 0 ||
	    daxmap_read_file(ctx, path, &text) < 0)
		return daxctl_dev_get_resource(dev);
	return strtoull(text, NULL, 0);
}

/* ---------------------------------------------------------------- create */

/* Gives a device's capacity back and leaves it as a seed. */
static int rollback_dev(struct daxctl_dev *dev)
{
	if (daxctl_dev_is_enabled(dev) > 0)
		daxctl_dev_disable(dev);
	return daxctl_dev_set_size(dev, 0);
}

/*
 * Sizes and aligns @dev in the order the kernel takes: it checks a size
 * against the align the device has, and an align against the ranges.
 */
static int size_and_align(struct daxctl_dev *dev, uint64_t size,
			  uint64_t align, const char **ret_step)
{
	int r;

	if (align < daxctl_dev_get_align(dev)) {
		*ret_step = "setting the align";
		if ((r = daxctl_dev_set_align(dev, align)) < 0)
			return r;
		*ret_step = "sizing the device";
		r = daxctl_dev_set_size(dev, size);
		daxmap_test_point("sized");
		return r;
	}
	*ret_step = "sizing the device";
	if ((r = daxctl_dev_set_size(dev, size)) < 0)
		return r;
	daxmap_test_point("sized");
	*ret_step = "setting the align";
	return align == daxctl_dev_get_align(dev) ?
		       0 : daxctl_dev_set_align(dev, align);
}

/* A seed (a device of size 0) of @region, made when there is none. */
static int get_seed(struct daxctl_ctx **dctx, const char *provider,
		    struct daxctl_region **region, struct daxctl_dev **ret)
{
	const struct daxmap_device_request again = { .region = provider };
	struct daxctl_dev *seed = daxctl_region_get_dev_seed(*region);
	int r;

	if (seed && !daxctl_dev_get_size(seed)) {
		*ret = seed;
		return 0;
	}
	r = daxctl_region_create_dev(*region);
	if (r < 0)
		return r;
	/* libdaxctl lists a region's devices once: read them again. */
	daxctl_unref(*dctx);
	*dctx = NULL;
	r = daxctl_new(dctx);
	if (r < 0)
		return r;
	if (find_region(*dctx, &again, region, NULL, NULL) < 0)
		return -ENODEV;
	seed = daxctl_region_get_dev_seed(*region);
	if (!seed || daxctl_dev_get_size(seed))
		return -EBUSY;
	*ret = seed;
	return 0;
}

DAXMAP_EXPORT int daxmap_create_device(struct daxmap_ctx *ctx,
				       struct daxmap_kernel *k,
				       const struct daxmap_device_request *req,
				       char **ret_devname,
				       enum daxmap_reason *ret_reason,
				       char **ret_message)
{
	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
	struct daxmap_record rec = { .mode = (char *)"devdax",
				     .map = DAXMAP_MAP_MEM };
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	struct snapshot before, after;
	bool measure = daxmap_measure_wanted(ctx);
	const char *step = "making a seed device";
	char provider[64];
	uint64_t align = req->align ?: SZ_2M;
	uuid_t uu;
	int r;

	r = daxmap_change_begin(ctx,
				daxmap_device_request_check(req, ret_reason,
							    ret_message),
				"create", DAXMAP_CHANGE_DAXCTL, &ch,
				ret_reason, ret_message);
	if (r < 0)
		return r;
	r = find_region(ch.dctx, req, &region, ret_reason, ret_message);
	if (r < 0)
		goto out;
	region_provider(region, provider, sizeof(provider));
	if (req->name && *req->name) {
		struct daxmap_record other;

		if (find_record(ctx, named, req->name, &other)) {
			bool there = recorded_dev(ch.dctx, &other) != NULL;

			r = there ? daxmap_refuse(ret_reason, ret_message,
						  DAXMAP_REASON_INVALID_NAME,
						  -EEXIST,
						  "name '%s' is taken by %s: choose another",
						  req->name, other.device) :
				    0;
			daxmap_record_clear(&other);
			if (r < 0)
				goto out;
		}
	}
	r = check_fit(ctx, region, 0, req->size, align, ret_reason,
		      ret_message);
	if (r < 0)
		goto out;

	r = get_seed(&ch.dctx, provider, &region, &dev);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message,
				  r == -EBUSY ? DAXMAP_REASON_BUSY :
						DAXMAP_REASON_FAILED,
				  r, "%s has no free seed device: %s%s",
				  provider, strerror(-r),
				  r == -EBUSY ? " (someone else is configuring one)" :
						"");
		goto out;
	}

	uuid_generate(uu);
	uuid_unparse(uu, rec.uuid);
	rec.name = (char *)(req->name && *req->name ? req->name : NULL);
	rec.region = provider;
	rec.size = req->size;
	rec.align = align;
	rec.device = (char *)daxctl_dev_get_devname(dev);
	daxmap_boot_id(rec.boot);
	daxmap_record_set_owner(&rec);
	/* From here on a crash leaves this record for daxmap_recover(). */
	r = daxmap_record_write(ctx, DAXMAP_RECORD_PENDING, &rec);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_FAILED,
				  r, "cannot record the create in %s: %s",
				  ctx->state_dir, strerror(-r));
		goto out;
	}
	daxmap_test_point("recorded");

	r = size_and_align(dev, req->size, align, &step);
	if (r < 0)
		goto fail;
	daxmap_test_point("configured");

	/* Enabling is where the kernel allocates the memmap: measure it. */
	step = "enabling the device";
	daxmap_snapshot_take(ctx, k, measure, &before);
	r = daxctl_dev_enable_devdax(dev);
	if (r < 0)
		goto fail;
	daxmap_snapshot_take(ctx, k, measure, &after);
	daxmap_snapshot_deltas(k, &before, &after, &rec);
	daxmap_test_point("enabled");

	rec.size = daxctl_dev_get_size(dev);
	rec.resource = dev_resource(ctx, dev);
	r = daxmap_record_write(ctx, DAXMAP_RECORD_DEVICE, &rec);
	if (r < 0)
		err(ctx, "%s: created, but not recorded as daxmap's yet: %s; the next recovery records it\n",
		    rec.device, strerror(-r));
	daxmap_test_point("managed");
	if (r == 0)
		daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, rec.uuid);
	*ret_devname = strdup(rec.device);
	r = *ret_devname ? 0 : -ENOMEM;
	goto out;

fail:
	daxmap_refuse(ret_reason, ret_message,
		      r == -ENOSPC ? DAXMAP_REASON_NO_SPACE :
		      r == -EINVAL ? DAXMAP_REASON_UNSUPPORTED_ALIGN :
				     daxmap_errno_reason(r),
		      r, "%s %s on %s failed: %s%s; rolled back", step,
		      rec.device, provider, strerror(-r),
		      r == -EINVAL ? " (the kernel refused the size or align: see dmesg)" :
				     "");
	if (rollback_dev(dev) == 0)
		daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, rec.uuid);
out:
	return daxmap_refused(ret_reason, r);
}

/* -------------------------------------------------------------- recovery */

int daxmap_device_recover(struct daxmap_ctx *ctx, struct daxmap_record *rec,
			  char **report)
{
	const char *what = rec->name ? rec->name : rec->uuid;
	struct daxctl_ctx *dctx = NULL;
	struct daxctl_dev *dev;
	int r;

	if (!daxmap_record_same_boot(rec)) {
		/* Dynamic devices end with the boot: nothing is left. */
		daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, rec->uuid);
		return daxmap_append_line(report,
					  "an interrupted create of %s in an earlier boot left nothing behind; its record is removed",
					  what);
	}
	r = daxctl_new(&dctx);
	if (r < 0)
		return r;
	dev = daxmap_find_dax_dev(dctx, rec->device);
	if (!dev || !daxctl_dev_get_size(dev)) {
		daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING, rec->uuid);
		r = daxmap_append_line(report,
				       "an interrupted create of %s (%s on %s) left nothing behind; its record is removed",
				       what, rec->device, rec->region ?: "?");
	} else if (daxctl_dev_is_enabled(dev) > 0 &&
		   daxctl_dev_get_size(dev) == rec->size &&
		   daxctl_dev_get_align(dev) == rec->align) {
		/* It got as far as working: keep it, as daxmap's. */
		rec->resource = dev_resource(ctx, dev);
		r = daxmap_record_write(ctx, DAXMAP_RECORD_DEVICE, rec);
		if (r == 0) {
			daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING,
					     rec->uuid);
			r = daxmap_append_line(report,
					       "%s (%s): an interrupted create had finished; it is kept and recorded as daxmap's",
					       rec->device, what);
		}
	} else {
		r = rollback_dev(dev);
		if (r == 0) {
			daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING,
					     rec->uuid);
			r = daxmap_append_line(report,
					       "%s (%s): an interrupted create was rolled back",
					       rec->device, what);
		} else {
			daxmap_append_line(report,
					   "%s (%s): an interrupted create could not be rolled back: %s",
					   rec->device, what, strerror(-r));
		}
	}
	daxctl_unref(dctx);
	return r;
}

/* ---------------------------------------------------------------- resize */

int daxmap_device_check_resize(struct daxmap_ctx *ctx, struct daxctl_dev *dev,
			       uint64_t size, uint64_t align,
			       enum daxmap_reason *ret_reason,
			       char **ret_message)
{
	struct daxctl_region *region = daxctl_dev_get_region(dev);
	struct daxctl_mapping *m;
	uint64_t have = daxctl_dev_get_size(dev);
	char a[DAXMAP_SIZE_BUF];

	if (!size)
		size = have;
	if (!align)
		align = daxctl_dev_get_align(dev) ?: SZ_4K;
	/* What the device holds already must lie on the new boundary. */
	daxctl_mapping_foreach(dev, m)
		if (daxctl_mapping_get_start(m) % align ||
		    daxctl_mapping_get_size(m) % align)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_UNSUPPORTED_ALIGN,
					     -EINVAL,
					     "%s has a range at %#llx that is not on a %s boundary",
					     daxctl_dev_get_devname(dev),
					     daxctl_mapping_get_start(m),
					     daxmap_format_size_exact(align, a,
								      sizeof(a)));
	return check_fit(ctx, region, have, size, align, ret_reason,
			 ret_message);
}

/* --------------------------------------------------------------- destroy */

static bool is_system_ram(struct daxctl_dev *dev)
{
	return daxctl_dev_get_memory(dev) != NULL;
}

DAXMAP_EXPORT int daxmap_destroy_device(struct daxmap_ctx *ctx,
					const char *which, unsigned int flags,
					char **ret_devname,
					enum daxmap_reason *ret_reason,
					char **ret_message)
{
	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
	_cleanup_free_ char *devname = NULL, *chardev = NULL;
	struct daxmap_record rec = { 0 };
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	bool managed;
	int r;

	r = daxmap_change_begin(ctx,
				daxmap_destroy_request_check(which, ret_reason,
							     ret_message),
				"destroy", DAXMAP_CHANGE_DAXCTL, &ch,
				ret_reason, ret_message);
	if (r < 0)
		return r;
	dev = daxmap_find_dax_dev(ch.dctx, which);
	managed = false;
	if (!dev && find_record(ctx, named, which, &rec)) {
		dev = recorded_dev(ch.dctx, &rec);
		managed = dev != NULL;
	} else if (dev) {
		managed = daxmap_device_record_find(ctx,
						    daxctl_dev_get_devname(dev),
						    daxctl_dev_get_resource(dev),
						    &rec);
	}
	if (!dev || !daxctl_dev_get_size(dev)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_FOUND, -ENODEV,
				  "no dax device or device name '%s'", which);
		goto out;
	}
	devname = strdup(daxctl_dev_get_devname(dev));
	if (!devname || asprintf(&chardev, "/dev/%s", devname) < 0) {
		chardev = NULL;
		r = -ENOMEM;
		goto out;
	}
	region = daxctl_dev_get_region(dev);
	if (!region_is_dynamic(region)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				  "%s belongs to an NVDIMM namespace: 'daxmapctl destroy namespace %s' destroys both",
				  devname, devname);
		goto out;
	}
	if (!managed && !(flags & DAXMAP_DESTROY_FORCE)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_MANAGED, -EPERM,
				  "%s was not created by daxmap (no record in %s/devices): --force destroys it anyway",
				  devname, ctx->state_dir);
		goto out;
	}
	if (is_system_ram(dev)) {
		/* Offlined under the reconfigure rules: movable, migrated. */
		const struct daxmap_reconfigure_request to_devdax = {
			.mode = DAXMAP_MODE_DEVDAX,
		};

		r = daxmap_reconfigure_device(ctx, devname, &to_devdax,
					      ret_reason, ret_message);
		if (r < 0)
			goto out;
		/* Its memory blocks are gone: read the device afresh. */
		daxctl_unref(ch.dctx);
		ch.dctx = NULL;
		r = daxctl_new(&ch.dctx);
		if (r < 0)
			goto out;
		dev = daxmap_find_dax_dev(ch.dctx, devname);
		if (!dev) {
			r = -ENODEV;
			goto out;
		}
		/* The old context's region went with it. */
		region = daxctl_dev_get_region(dev);
	}
	r = daxmap_check_users(ctx, devname, chardev,
			       flags & DAXMAP_DESTROY_FORCE, ret_reason,
			       ret_message);
	if (r < 0)
		goto out;
	if (daxctl_dev_is_enabled(dev) > 0) {
		r = daxctl_dev_disable(dev);
		if (r < 0) {
			r = daxmap_refuse(ret_reason, ret_message,
					  daxmap_errno_reason(r), r,
					  "cannot disable %s: %s", devname,
					  strerror(-r));
			goto out;
		}
	}
	r = daxctl_dev_set_size(dev, 0);
	if (r < 0) {
		daxctl_dev_enable_devdax(dev);
		r = daxmap_refuse(ret_reason, ret_message,
				  daxmap_errno_reason(r), r,
				  "cannot give %s's capacity back: %s", devname,
				  strerror(-r));
		goto out;
	}
	/* A device of size 0 is a seed; the region keeps one seed. */
	r = daxctl_region_destroy_dev(region, dev);
	if (r < 0)
		dbg(ctx, "%s: stays as the region's seed: %s\n", devname,
		    strerror(-r));
	if (managed)
		daxmap_record_remove(ctx, DAXMAP_RECORD_DEVICE, rec.uuid);
	*ret_devname = TAKE_PTR(devname);
	r = 0;
out:
	daxmap_record_clear(&rec);
	return daxmap_refused(ret_reason, r);
}
