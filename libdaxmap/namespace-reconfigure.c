// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reconfiguring a label-less namespace (legacy pmem, an NVDIMM without
 * labels): it spans its region and can be neither destroyed nor made,
 * only rewritten with another personality, as 'ndctl create-namespace -f
 * -e' does. Its data is lost: the request must say --force, and a
 * namespace in use is refused whatever it says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include "change.h"
#include "private.h"

/* The dax device of @ndns ("dax0.0"), or NULL. */
static struct daxctl_dev *dax_dev(struct ndctl_namespace *ndns)
{
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);
	struct daxctl_dev *dev;

	if (!dax)
		return NULL;
	daxctl_dev_foreach(ndctl_dax_get_daxctl_region(dax), dev)
		if (daxctl_dev_get_size(dev))
			return dev;
	return NULL;
}

static bool names(struct ndctl_namespace *ndns, const char *which)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct daxctl_dev *dev = dax_dev(ndns);
	const char *bdev = pfn ? ndctl_pfn_get_block_device(pfn) :
				 ndctl_namespace_get_block_device(ndns);

	if (strncmp(which, "/dev/", 5) == 0)
		which += 5;
	return strcmp(ndctl_namespace_get_devname(ndns), which) == 0 ||
	       (dev && strcmp(daxctl_dev_get_devname(dev), which) == 0) ||
	       (bdev && *bdev && strcmp(bdev, which) == 0);
}

static struct ndctl_namespace *find(struct ndctl_ctx *nctx, const char *which,
				    struct ndctl_region **ret_region)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;

	ndctl_bus_foreach(nctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns)
				if (ndctl_namespace_get_size(ndns) &&
				    names(ndns, which)) {
					*ret_region = region;
					return ndns;
				}
	return NULL;
}

/* Whether @region's seed of the mode takes @align, listing what it takes. */
static bool takes_align(struct ndctl_region *region, enum daxmap_mode mode,
			uint64_t align, char *list, size_t len)
{
	struct ndctl_dax *dax = ndctl_region_get_dax_seed(region);
	struct ndctl_pfn *pfn = ndctl_region_get_pfn_seed(region);
	int i, n = mode == DAXMAP_MODE_DEVDAX ?
			   (dax ? ndctl_dax_get_num_alignments(dax) : 0) :
			   (pfn ? ndctl_pfn_get_num_alignments(pfn) : 0);
	bool ok = false;
	size_t used = 0;

	list[0] = '\0';
	for (i = 0; i < n; i++) {
		uint64_t a = mode == DAXMAP_MODE_DEVDAX ?
				     ndctl_dax_get_supported_alignment(dax, i) :
				     ndctl_pfn_get_supported_alignment(pfn, i);
		char one[DAXMAP_SIZE_BUF];

		ok |= a == align;
		used += snprintf(list + used, used < len ? len - used : 0,
				 "%s%s", i ? ", " : "",
				 daxmap_format_size_exact(a, one, sizeof(one)));
	}
	return ok;
}

static enum daxmap_map choose_map(struct daxmap_kernel *k,
				  const struct daxmap_namespace_reconfigure *req,
				  uint64_t size, uint64_t align)
{
	struct daxmap_memmap mem;
	struct daxmap_model m;

	if (req->map != DAXMAP_MAP_UNKNOWN)
		return req->map;
	if (k)
		daxmap_kernel_get_model(k, &m);
	else
		daxmap_model_init(&m);
	/* As a create decides it: mem only where the kernel deduplicates. */
	if (req->mode == DAXMAP_MODE_DEVDAX &&
	    daxmap_model_memmap(&m, size / align * align, align,
				DAXMAP_MAP_MEM, &mem) == 0 &&
	    mem.saved_bytes)
		return DAXMAP_MAP_MEM;
	return DAXMAP_MAP_DEV;
}

DAXMAP_EXPORT int
daxmap_reconfigure_namespace(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			     const char *which,
			     const struct daxmap_namespace_reconfigure *req,
			     enum daxmap_reason *ret_reason, char **ret_message)
{
	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
	_cleanup_free_ char *devname = NULL, *chardev = NULL;
	struct daxmap_create_plan plan = { 0 };
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_dax *dax = NULL;
	struct ndctl_pfn *pfn = NULL;
	struct daxctl_dev *dev;
	const char *bdev;
	char list[128];
	uuid_t uu;
	int r;

	r = daxmap_change_begin(ctx,
				daxmap_namespace_reconfigure_check(which, req,
								   ret_reason,
								   ret_message),
				"reconfigure", DAXMAP_CHANGE_NDCTL, &ch,
				ret_reason, ret_message);
	if (r < 0)
		return r;
	ndns = find(ch.nctx, which, &region);
	if (!ndns) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_FOUND, -ENODEV,
				  "no namespace '%s'", which);
		goto out;
	}
	devname = strdup(ndctl_namespace_get_devname(ndns));
	if (!devname) {
		r = -ENOMEM;
		goto out;
	}
	if (ndctl_namespace_get_type(ndns) == ND_DEVICE_NAMESPACE_PMEM) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				  "%s has a label: 'daxmapctl destroy namespace %s', then 'daxmapctl create namespace' with what you want",
				  devname, devname);
		goto out;
	}

	plan.mode = daxmap_mode_name(req->mode);
	plan.align = req->align ?: SZ_2M;
	if (!takes_align(region, req->mode, plan.align, list, sizeof(list))) {
		char a[DAXMAP_SIZE_BUF];

		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_UNSUPPORTED_ALIGN, -EOPNOTSUPP,
				  "align %s is not supported by %s in %s mode: it supports %s",
				  daxmap_format_size_exact(plan.align, a, sizeof(a)),
				  ndctl_region_get_devname(region), plan.mode,
				  list[0] ? list : "none (no seed for that mode)");
		goto out;
	}
	plan.map = choose_map(k, req, ndctl_namespace_get_size(ndns),
			      plan.align);

	/* In use, the data is someone's now: refused even with the force. */
	dev = dax_dev(ndns);
	if (dev && daxctl_dev_get_memory(dev)) {
		r = daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_BUSY,
				  -EBUSY,
				  "%s's %s is system RAM now: 'daxmapctl reconfigure device %s --mode devdax' first",
				  devname, daxctl_dev_get_devname(dev),
				  daxctl_dev_get_devname(dev));
		goto out;
	}
	pfn = ndctl_namespace_get_pfn(ndns);
	bdev = pfn ? ndctl_pfn_get_block_device(pfn) :
		     ndctl_namespace_get_block_device(ndns);
	if (dev || (bdev && *bdev)) {
		if (asprintf(&chardev, "/dev/%s",
			     dev ? daxctl_dev_get_devname(dev) : bdev) < 0) {
			chardev = NULL;
			r = -ENOMEM;
			goto out;
		}
		r = daxmap_check_users(ctx, devname, chardev, false, ret_reason,
				       ret_message);
		if (r < 0)
			goto out;
	}
	r = ndctl_namespace_disable_safe(ndns);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_BUSY,
				  r, "cannot disable %s: %s (is it mounted?)",
				  devname, strerror(-r));
		goto out;
	}
	/* From here the old personality goes: a failure leaves it raw. */
	dax = ndctl_namespace_get_dax(ndns);
	pfn = ndctl_namespace_get_pfn(ndns);
	if (dax)
		ndctl_dax_set_namespace(dax, NULL);
	if (pfn)
		ndctl_pfn_set_namespace(pfn, NULL);
	ndctl_namespace_set_enforce_mode(ndns, NDCTL_NS_MODE_RAW);
	daxmap_zero_info_block(ctx, ndns);
	daxmap_test_point("reconfigure-zeroed");

	dax = NULL;
	pfn = NULL;
	uuid_generate(uu);
	r = daxmap_configure_personality(region, ndns, &plan, uu, &dax, &pfn);
	if (r == 0) {
		ndctl_namespace_set_enforce_mode(ndns,
			req->mode == DAXMAP_MODE_DEVDAX ? NDCTL_NS_MODE_DEVDAX :
							  NDCTL_NS_MODE_FSDAX);
		r = dax ? ndctl_dax_enable(dax) : ndctl_pfn_enable(pfn);
	}
	if (r < 0) {
		if (dax)
			ndctl_dax_set_namespace(dax, NULL);
		if (pfn)
			ndctl_pfn_set_namespace(pfn, NULL);
		ndctl_namespace_set_enforce_mode(ndns, NDCTL_NS_MODE_RAW);
		ndctl_namespace_enable(ndns);
		r = daxmap_refuse(ret_reason, ret_message,
				  daxmap_errno_reason(r), r,
				  "enabling %s as %s failed: %s; it is left raw (its data was already gone): try again, or 'ndctl create-namespace -f -e %s'",
				  devname, plan.mode, strerror(-r), devname);
		goto out;
	}
	info(ctx, "%s is %s now, align %lu, map %s\n", devname, plan.mode,
	     (unsigned long)plan.align, daxmap_map_name(plan.map));
	r = 0;
out:
	return daxmap_refused(ret_reason, r);
}
