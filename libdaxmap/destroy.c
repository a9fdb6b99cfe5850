// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Destroying namespaces, with the checks that keep data safe: never one a
 * process maps, never one a process holds open or that daxmap did not
 * create unless forced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include <daxctl/libdaxctl.h>
#include <ndctl/libndctl.h>

#include "change.h"
#include "private.h"

/* The dax device of a devdax namespace ("dax0.1"), or NULL. */
static const char *dax_devname(struct ndctl_namespace *ndns)
{
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);
	struct daxctl_region *dregion;
	struct daxctl_dev *dev;

	if (!dax)
		return NULL;
	dregion = ndctl_dax_get_daxctl_region(dax);
	daxctl_dev_foreach(dregion, dev)
		if (daxctl_dev_get_size(dev))
			return daxctl_dev_get_devname(dev);
	return NULL;
}

static bool dax_is_system_ram(struct ndctl_namespace *ndns)
{
	struct daxctl_region *dregion =
		ndctl_dax_get_daxctl_region(ndctl_namespace_get_dax(ndns));
	struct daxctl_dev *dev;

	daxctl_dev_foreach(dregion, dev)
		if (daxctl_dev_get_size(dev) && daxctl_dev_get_memory(dev))
			return true;
	return false;
}

/* @which as a device: namespaceX.Y, daxX.Y or /dev/daxX.Y. */
static bool is_device(struct ndctl_namespace *ndns, const char *which)
{
	const char *dax = dax_devname(ndns);

	if (strncmp(which, "/dev/", 5) == 0)
		which += 5;
	return strcmp(ndctl_namespace_get_devname(ndns), which) == 0 ||
	       (dax && strcmp(dax, which) == 0);
}

static bool is_named(struct ndctl_namespace *ndns, const char *which)
{
	const char *name = ndctl_namespace_get_alt_name(ndns);

	return name && *name && strcmp(name, which) == 0;
}

/*
 * The namespace @which names: a device name first, then a label name,
 * which must name one namespace only (-ENOTUNIQ: two labels can carry
 * one name when they were written by another tool).
 */
static int find_namespace(struct ndctl_ctx *nctx, const char *which,
			  struct ndctl_namespace **ret)
{
	struct ndctl_namespace *ndns, *named = NULL;
	struct ndctl_region *region;
	struct ndctl_bus *bus;
	int n = 0;

	ndctl_bus_foreach(nctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns) {
				if (!ndctl_namespace_get_size(ndns))
					continue;
				if (is_device(ndns, which)) {
					*ret = ndns;
					return 0;
				}
				if (is_named(ndns, which)) {
					named = ndns;
					n++;
				}
			}
	if (n > 1)
		return -ENOTUNIQ;
	*ret = named;
	return named ? 0 : -ENODEV;
}

/*
 * Zeroes the info block, as ndctl does, so that a namespace later made at
 * the same place does not find a stale personality there.
 */
void daxmap_zero_info_block(struct daxmap_ctx *ctx,
			    struct ndctl_namespace *ndns)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	void *buf = NULL;

	ndctl_namespace_set_raw_mode(ndns, 1);
	if (ndctl_namespace_enable(ndns) < 0)
		goto out;
	if (asprintf(&path, "/dev/%s", ndctl_namespace_get_block_device(ndns)) <
	    0) {
		path = NULL;
		goto out;
	}
	/*
	 * A failure leaves a stale info block that a later namespace at the
	 * same place might take for its own: say so (a sandbox without
	 * access to the pmem block devices, for one).
	 */
	fd = open(path, O_RDWR | O_DIRECT | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		err(ctx, "%s: cannot open it to zero the info block: %m\n", path);
		goto out;
	}
	if (posix_memalign(&buf, SZ_4K, SZ_4K) != 0) {
		buf = NULL;
		err(ctx, "%s: cannot zero the info block: out of memory\n", path);
		goto out;
	}
	memset(buf, 0, SZ_4K);
	if (pwrite(fd, buf, SZ_4K, SZ_4K) != (ssize_t)SZ_4K)
		err(ctx, "%s: cannot zero the info block: %m\n", path);
out:
	free(buf);
	ndctl_namespace_set_raw_mode(ndns, 0);
	ndctl_namespace_disable_invalidate(ndns);
}

DAXMAP_EXPORT int daxmap_destroy_namespace(struct daxmap_ctx *ctx,
					   const char *which,
					   unsigned int flags,
					   char **ret_namespace,
					   enum daxmap_reason *ret_reason,
					   char **ret_message)
{
	_cleanup_free_ char *devname = NULL, *chardev = NULL;
	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
	struct daxmap_record rec;
	struct ndctl_namespace *ndns;
	char uuid[UUID_STR_LEN];
	const char *dax, *bdev;
	uuid_t uu;
	int r;

	r = daxmap_change_begin(ctx,
				daxmap_destroy_request_check(which, ret_reason,
							     ret_message),
				"destroy", DAXMAP_CHANGE_NDCTL, &ch,
				ret_reason, ret_message);
	if (r < 0)
		return r;

	r = find_namespace(ch.nctx, which, &ndns);
	if (r == -ENOTUNIQ) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_INVALID_ARGUMENT, r,
				  "'%s' names more than one namespace: give the namespace (namespaceX.Y) or its dax device",
				  which);
		goto out;
	}
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_FOUND, -ENODEV,
				  "no namespace, label name or dax device '%s'",
				  which);
		goto out;
	}
	devname = strdup(ndctl_namespace_get_devname(ndns));
	if (!devname) {
		r = -ENOMEM;
		goto out;
	}
	if (ndctl_namespace_get_type(ndns) != ND_DEVICE_NAMESPACE_PMEM) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				  "%s is a label-less namespace: it spans its region and cannot be destroyed, only rewritten: 'daxmapctl reconfigure namespace %s --mode devdax|fsdax --force'",
				  devname, devname);
		goto out;
	}

	ndctl_namespace_get_uuid(ndns, uu);
	uuid_unparse(uu, uuid);
	if (daxmap_record_read(ctx, DAXMAP_RECORD_MANAGED, uuid, &rec) == 0) {
		daxmap_record_clear(&rec);
	} else if (!(flags & DAXMAP_DESTROY_FORCE)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_MANAGED, -EPERM,
				  "%s was not created by daxmap (no record in %s/namespaces): --force destroys it anyway",
				  devname, ctx->state_dir);
		goto out;
	}

	dax = dax_devname(ndns);
	if (dax && dax_is_system_ram(ndns)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_BUSY, -EBUSY,
				  "%s's %s is system RAM now: 'daxmapctl reconfigure device %s --mode devdax' first",
				  devname, dax, dax);
		goto out;
	}
	bdev = ndctl_namespace_get_pfn(ndns) ?
		       ndctl_pfn_get_block_device(ndctl_namespace_get_pfn(ndns)) :
		       ndctl_namespace_get_block_device(ndns);
	if (dax || (bdev && *bdev)) {
		if (asprintf(&chardev, "/dev/%s", dax ? dax : bdev) < 0) {
			chardev = NULL;
			r = -ENOMEM;
			goto out;
		}
		r = daxmap_check_users(ctx, devname, chardev,
				       flags & DAXMAP_DESTROY_FORCE, ret_reason,
				       ret_message);
		if (r < 0)
			goto out;
	}

	r = ndctl_namespace_disable_safe(ndns);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message,
				  daxmap_errno_reason(r), r,
				  "cannot disable %s: %s (is it mounted or in use?)",
				  devname, strerror(-r));
		goto out;
	}
	ndctl_namespace_set_enforce_mode(ndns, NDCTL_NS_MODE_RAW);
	daxmap_zero_info_block(ctx, ndns);
	r = ndctl_namespace_delete(ndns);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message,
				  daxmap_errno_reason(r), r,
				  "cannot give %s's capacity back: %s", devname,
				  strerror(-r));
		goto out;
	}
	daxmap_record_remove(ctx, DAXMAP_RECORD_MANAGED, uuid);
	*ret_namespace = TAKE_PTR(devname);
	r = 0;
out:
	return daxmap_refused(ret_reason, r);
}
