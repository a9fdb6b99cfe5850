// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dax regions: what dax devices are carved from, NVDIMM-backed or dynamic
 * (Soft Reserved memory under dax_hmem, CXL regions under dax_cxl). The
 * scan in topology.c makes one per daxctl region it meets; this file says
 * what each one is, and holds their getters.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxl/libcxl.h>
#include <daxctl/libdaxctl.h>

#include "private.h"
#include "topology.h"

void daxmap_dax_region_free(struct daxmap_dax_region *r)
{
	free(r->path);
	free(r->provider);
	free(r->namespace);
	free(r->cxl_region);
	daxmap_strv_free(r->cxl_memdevs);
	free(r);
}

DAXMAP_EXPORT const char *daxmap_dax_provider_name(const char *subsystem,
						   const char *driver)
{
	/* The bus of the device that holds dax_region/, and its driver. */
	if (subsystem && strcmp(subsystem, "nd") == 0)
		return "nvdimm";
	if (subsystem && strcmp(subsystem, "cxl") == 0)
		return "cxl";
	if (driver && strcmp(driver, "hmem") == 0)
		return "hmem";
	return subsystem && *subsystem ? subsystem : "unknown";
}

/* The last component of where the symlink @dir/@name points, or NULL. */
static char *link_name(struct daxmap_ctx *ctx, const char *dir,
		       const char *name)
{
	_cleanup_free_ char *path = NULL, *real = NULL;
	char target[PATH_MAX];
	const char *slash;
	ssize_t n;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	if (daxmap_path(ctx, path, &real) < 0)
		return NULL;
	n = readlink(real, target, sizeof(target) - 1);
	if (n <= 0)
		return NULL;
	target[n] = '\0';
	slash = strrchr(target, '/');
	return strdup(slash ? slash + 1 : target);
}

static int read_int_attr(struct daxmap_ctx *ctx, const char *dir,
			 const char *name)
{
	_cleanup_free_ char *path = NULL, *value = NULL;
	char *end;
	long v;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return -1;
	if (daxmap_read_file(ctx, path, &value) < 0)
		return -1;
	errno = 0;
	v = strtol(value, &end, 10);
	if (errno || end == value || v < -1 || v > INT_MAX)
		return -1;
	return (int)v;
}

/*
 * The nd region's start, from its resource attribute (hex), or 0.
 */
static unsigned long long nd_region_start(struct daxmap_ctx *ctx,
					  const char *dir)
{
	_cleanup_free_ char *path = NULL, *value = NULL;
	unsigned long long v;
	char *end;

	if (asprintf(&path, "%s/resource", dir) < 0)
		return 0;
	if (daxmap_read_file(ctx, path, &value) < 0)
		return 0;
	errno = 0;
	v = strtoull(value, &end, 16);
	if (errno || end == value)
		return 0;
	return v;
}

/*
 * The CXL region behind a dax region, and its memdevs, as libcxl shows
 * them. Provider cxl (dax_cxl, a ram region): the dax region's device
 * (dax_regionN) sits below the CXL region's, which names it. Provider
 * nvdimm on a CXL pmem region: cxl_pmem puts the nd region on the nvdimm
 * bridge, away from the CXL region in sysfs and without a link to it, so
 * it is the CXL region that starts where the nd region does. A host
 * without CXL, or a libcxl that cannot open, leaves both unset: they are
 * details, not the dax region.
 */
static int find_cxl(struct daxmap_ctx *ctx, struct daxmap_dax_region *r,
		    bool by_start)
{
	_cleanup_free_ char *parent = strdup(r->path);
	unsigned long long start = 0;
	struct cxl_ctx *cctx = NULL;
	const char *want;
	struct cxl_bus *bus;
	char *slash;
	int ret = 0;

	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	slash = strrchr(parent, '/');
	want = slash ? slash + 1 : parent;
	if (by_start) {
		start = nd_region_start(ctx, parent);
		if (!start)
			return 0;
	}

	if (cxl_new(&cctx) < 0) {
		dbg(ctx, "cannot open libcxl: no CXL details\n");
		return 0;
	}
	cxl_bus_foreach(cctx, bus) {
		struct cxl_port *port = cxl_bus_get_port(bus);
		struct cxl_decoder *decoder;

		cxl_decoder_foreach(port, decoder) {
			struct cxl_region *region;

			cxl_region_foreach(decoder, region) {
				struct cxl_memdev_mapping *mapping;
				int n = 0;

				if (by_start ?
				    cxl_region_get_resource(region) != start :
				    strcmp(cxl_region_get_devname(region),
					   want) != 0)
					continue;
				r->cxl_region =
					strdup(cxl_region_get_devname(region));
				if (!r->cxl_region) {
					ret = -ENOMEM;
					goto out;
				}
				cxl_mapping_foreach(region, mapping)
					n++;
				r->cxl_memdevs = calloc((size_t)n + 1,
							sizeof(char *));
				if (!r->cxl_memdevs) {
					ret = -ENOMEM;
					goto out;
				}
				n = 0;
				cxl_mapping_foreach(region, mapping) {
					struct cxl_decoder *d =
						cxl_mapping_get_decoder(mapping);
					struct cxl_memdev *m =
						d ? cxl_decoder_get_memdev(d) :
						    NULL;

					if (!m)
						continue;
					r->cxl_memdevs[n] = strdup(
						cxl_memdev_get_devname(m));
					if (!r->cxl_memdevs[n++]) {
						ret = -ENOMEM;
						goto out;
					}
				}
				goto out;
			}
		}
	}
out:
	cxl_unref(cctx);
	return ret;
}

int daxmap_dax_region_scan(struct daxmap_ctx *ctx,
			   struct daxctl_region *dregion,
			   const char *namespace,
			   struct daxmap_dax_region **ret)
{
	struct daxmap_dax_region *r;
	_cleanup_free_ char *subsystem = NULL, *driver = NULL;
	struct daxctl_dev *dev;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->id = daxctl_region_get_id(dregion);
	r->path = strdup(daxctl_region_get_path(dregion));
	if (!r->path)
		goto oom;
	subsystem = link_name(ctx, r->path, "subsystem");
	driver = link_name(ctx, r->path, "driver");
	r->provider = strdup(daxmap_dax_provider_name(subsystem, driver));
	if (!r->provider)
		goto oom;
	if (namespace) {
		r->namespace = strdup(namespace);
		if (!r->namespace)
			goto oom;
	}
	r->size = daxctl_region_get_size(dregion);
	if (r->size == ULLONG_MAX)
		r->size = 0;
	r->available_size = daxctl_region_get_available_size(dregion);
	r->align = daxctl_region_get_align(dregion);
	if (r->align == ULONG_MAX)
		r->align = 0;
	r->numa_node = read_int_attr(ctx, r->path, "numa_node");
	/*
	 * The node the memory joins when onlined: a property of the range,
	 * published on each device; the seed has it too.
	 */
	r->target_node = -1;
	daxctl_dev_foreach(dregion, dev) {
		r->target_node = daxctl_dev_get_target_node(dev);
		if (r->target_node >= 0)
			break;
	}
	if (r->numa_node < 0)
		r->numa_node = r->target_node;
	if (strcmp(r->provider, "cxl") == 0 ||
	    (strcmp(r->provider, "nvdimm") == 0 &&
	     strstr(r->path, "/nvdimm-bridge"))) {
		err = find_cxl(ctx, r, strcmp(r->provider, "nvdimm") == 0);
		if (err < 0) {
			daxmap_dax_region_free(r);
			return err;
		}
	}
	*ret = r;
	return 0;
oom:
	daxmap_dax_region_free(r);
	return -ENOMEM;
}

/* ----------------------------------------------------------------- getters */

DAXMAP_EXPORT struct daxmap_dax_region *
daxmap_dax_region_get_first(struct daxmap_topology *t)
{
	return t ? t->dax_regions : NULL;
}

DAXMAP_EXPORT struct daxmap_dax_region *
daxmap_dax_region_get_next(struct daxmap_dax_region *r)
{
	return r ? r->next : NULL;
}

DAXMAP_EXPORT int daxmap_dax_region_get_id(struct daxmap_dax_region *r)
{
	return r ? r->id : -1;
}

DAXMAP_EXPORT const char *
daxmap_dax_region_get_path(struct daxmap_dax_region *r)
{
	return r ? r->path : NULL;
}

DAXMAP_EXPORT const char *
daxmap_dax_region_get_provider(struct daxmap_dax_region *r)
{
	return r ? r->provider : NULL;
}

DAXMAP_EXPORT uint64_t daxmap_dax_region_get_size(struct daxmap_dax_region *r)
{
	return r ? r->size : 0;
}

DAXMAP_EXPORT uint64_t
daxmap_dax_region_get_available_size(struct daxmap_dax_region *r)
{
	return r ? r->available_size : 0;
}

DAXMAP_EXPORT uint64_t daxmap_dax_region_get_align(struct daxmap_dax_region *r)
{
	return r ? r->align : 0;
}

DAXMAP_EXPORT int daxmap_dax_region_get_numa_node(struct daxmap_dax_region *r)
{
	return r ? r->numa_node : -1;
}

DAXMAP_EXPORT int
daxmap_dax_region_get_target_node(struct daxmap_dax_region *r)
{
	return r ? r->target_node : -1;
}

DAXMAP_EXPORT const char *
daxmap_dax_region_get_namespace(struct daxmap_dax_region *r)
{
	return r ? r->namespace : NULL;
}

DAXMAP_EXPORT const char *
daxmap_dax_region_get_cxl_region(struct daxmap_dax_region *r)
{
	return r ? r->cxl_region : NULL;
}

DAXMAP_EXPORT const char *
daxmap_dax_region_get_cxl_memdev(struct daxmap_dax_region *r, int i)
{
	return r ? daxmap_strv_at(r->cxl_memdevs, i) : NULL;
}

DAXMAP_EXPORT bool daxmap_dax_region_is_dynamic(struct daxmap_dax_region *r)
{
	/*
	 * A region behind a namespace is sized by the namespace: its
	 * devices are the namespace's. Every other region lets devices be
	 * created, resized and destroyed in it.
	 */
	return r && !r->namespace;
}

DAXMAP_EXPORT struct daxmap_dax_region *
daxmap_device_get_dax_region(struct daxmap_device *d)
{
	return d ? d->dax_region : NULL;
}

DAXMAP_EXPORT bool daxmap_device_has_memmap_on_memory(struct daxmap_device *d)
{
	return d && d->memmap_on_memory;
}
