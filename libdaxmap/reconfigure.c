// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reconfiguring a dax device: devdax <-> system-ram, and the align or size
 * of a device whose region lets them change (soft-reserved or CXL memory;
 * an NVDIMM namespace fixes both when it is created).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <daxctl/libdaxctl.h>

#include "change.h"
#include "private.h"

/* An NVDIMM's dax region sits below the nd bus; its devices are fixed. */
static bool from_namespace(struct daxctl_dev *dev)
{
	const char *path = daxctl_region_get_path(daxctl_dev_get_region(dev));

	return path && strstr(path, "/ndbus");
}

#define AUTO_ONLINE "/sys/devices/system/memory/auto_online_blocks"

static int write_attr(struct daxmap_ctx *ctx, const char *path,
		      const char *value)
{
	_cleanup_free_ char *full = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	int r;

	r = daxmap_path(ctx, path, &full);
	if (r < 0)
		return r;
	f = fopen(full, "we");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0 || fflush(f) != 0)
		return -errno;
	return 0;
}

/*
 * Binds kmem to @dev with the kernel's auto-online policy held at
 * "offline": a policy of "online" would put the memory in ZONE_NORMAL,
 * where unmovable allocations land and keep it from ever being offlined
 * and given back as devdax. The policy is put back straight after.
 */
static int enable_ram_offline(struct daxmap_ctx *ctx, struct daxctl_dev *dev)
{
	_cleanup_free_ char *policy = NULL;
	int r, r2;

	if (!daxctl_dev_will_auto_online_memory(dev) ||
	    daxmap_read_file(ctx, AUTO_ONLINE, &policy) < 0)
		return daxctl_dev_enable_ram(dev);
	r = write_attr(ctx, AUTO_ONLINE, "offline");
	if (r < 0)
		return r;
	r = daxctl_dev_enable_ram(dev);
	r2 = write_attr(ctx, AUTO_ONLINE, policy);
	if (r2 < 0)
		err(ctx, "cannot restore %s to '%s': %s\n", AUTO_ONLINE, policy,
		    strerror(-r2));
	return r;
}

/* Takes @dev off its driver, saying why it could not be. */
static int disable(struct daxctl_dev *dev, const char *name,
		   enum daxmap_reason *ret_reason, char **ret_message)
{
	int r = daxctl_dev_disable(dev);

	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot disable %s: %s", name,
				     strerror(-r));
	return 0;
}

#define MHP_MEMMAP_ON_MEMORY \
	"/sys/module/memory_hotplug/parameters/memmap_on_memory"

/*
 * Where kmem is to put @name's memmap: on the memory it onlines when
 * @on_memory, else in RAM. The device says so in its memmap_on_memory
 * attribute (6.8 and later), which is only honoured when memory hotplug
 * itself allows it (a boot parameter, read-only once booted). Written
 * whenever the attribute exists, so an earlier setting does not linger.
 */
static int set_memmap_on_memory(struct daxmap_ctx *ctx, const char *name,
				bool on_memory, enum daxmap_reason *ret_reason,
				char **ret_message)
{
	_cleanup_free_ char *attr = NULL, *param = NULL;
	uint64_t ignored;
	int r;

	if (asprintf(&attr, "/sys/bus/dax/devices/%s/memmap_on_memory",
		     name) < 0)
		return -ENOMEM;
	if (daxmap_read_u64(ctx, attr, &ignored) < 0) {
		if (!on_memory)
			return 0;
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				     "this kernel cannot put %s's memmap on its memory (no %s; Linux 6.8 and later): leave out --memmap-on-memory, and it goes in RAM",
				     name, attr);
	}
	if (on_memory &&
	    (daxmap_read_file(ctx, MHP_MEMMAP_ON_MEMORY, &param) < 0 ||
	     !(param[0] == 'Y' || param[0] == 'y' || param[0] == '1' ||
	       strcmp(param, "force") == 0)))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				     "memory hotplug does not put memmaps on the memory it adds here (%s is %s): boot with memory_hotplug.memmap_on_memory=1",
				     MHP_MEMMAP_ON_MEMORY, param ? param : "absent");
	r = write_attr(ctx, attr, on_memory ? "1" : "0");
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot set %s: %s", attr, strerror(-r));
	return 0;
}

static int to_system_ram(struct daxmap_ctx *ctx, struct daxctl_dev *dev,
			 const char *name, bool memmap_on_memory,
			 enum daxmap_reason *ret_reason, char **ret_message)
{
	struct daxctl_memory *mem;
	int r;

	r = disable(dev, name, ret_reason, ret_message);
	if (r < 0)
		return r;
	/* The attribute is written with the device off its driver. */
	r = set_memmap_on_memory(ctx, name, memmap_on_memory, ret_reason,
				 ret_message);
	if (r < 0) {
		daxctl_dev_enable_devdax(dev);
		return r;
	}
	r = enable_ram_offline(ctx, dev);
	if (r < 0) {
		/* Give the device back as it was rather than leave it off. */
		daxctl_dev_enable_devdax(dev);
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot hand %s to the kmem driver: %s (is the kmem module available?)",
				     name, strerror(-r));
	}
	mem = daxctl_dev_get_memory(dev);
	if (!mem)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_FAILED, -ENXIO,
				     "%s is in system-ram mode but shows no memory blocks",
				     name);
	/* Movable, as daxctl does: the memory can be offlined again. */
	r = daxctl_memory_online(mem);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "%s: cannot online its memory: %s",
				     name, strerror(-r));
	info(ctx, "%s: %d memory blocks online\n", name, r);
	return 0;
}

static int to_devdax(struct daxctl_dev *dev, const char *name,
		     enum daxmap_reason *ret_reason,
		     char **ret_message)
{
	struct daxctl_memory *mem = daxctl_dev_get_memory(dev);
	int r;

	if (mem) {
		r = daxctl_memory_offline(mem);
		if (r < 0)
			return daxmap_refuse(ret_reason, ret_message,
					     DAXMAP_REASON_BUSY, -EBUSY,
					     "cannot offline %s's memory: %s (pages in it are in use and could not be migrated)",
					     name, strerror(-r));
	}
	r = disable(dev, name, ret_reason, ret_message);
	if (r < 0)
		return r;
	r = daxctl_dev_enable_devdax(dev);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot enable %s as devdax: %s",
				     name, strerror(-r));
	return 0;
}

static int resize(struct daxmap_ctx *ctx, struct daxctl_dev *dev,
		  const char *name,
		  const struct daxmap_reconfigure_request *req,
		  enum daxmap_reason *ret_reason,
		  char **ret_message)
{
	uint64_t old_align = daxctl_dev_get_align(dev);
	uint64_t old_size = daxctl_dev_get_size(dev);
	int r;

	if (from_namespace(dev))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_NOT_SUPPORTED, -EOPNOTSUPP,
				     "%s's %s is fixed by its NVDIMM namespace (read-only); create a new namespace with the %s you want",
				     name, req->align ? "align" : "size",
				     req->align ? "align" : "size");
	/* Validated before the device is taken off its driver. */
	r = daxmap_device_check_resize(ctx, dev, req->size, req->align,
				       ret_reason, ret_message);
	if (r < 0)
		return r;
	r = disable(dev, name, ret_reason, ret_message);
	if (r < 0)
		return r;
	/* The kernel checks a size against the align the device has. */
	if (req->size && req->align && req->align > old_align &&
	    (r = daxctl_dev_set_size(dev, req->size)) < 0) {
		daxctl_dev_enable_devdax(dev);
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "the kernel refused size %llu on %s: %s",
				     (unsigned long long)req->size, name,
				     strerror(-r));
	}
	if (req->align && (r = daxctl_dev_set_align(dev, req->align)) < 0) {
		daxctl_dev_set_size(dev, old_size);
		daxctl_dev_enable_devdax(dev);
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "the kernel refused align %lu on %s: %s",
				     (unsigned long)req->align, name,
				     strerror(-r));
	}
	if (req->size && daxctl_dev_get_size(dev) != req->size &&
	    (r = daxctl_dev_set_size(dev, req->size)) < 0) {
		daxctl_dev_set_align(dev, old_align);
		daxctl_dev_enable_devdax(dev);
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "the kernel refused size %llu on %s: %s (the region may lack free space)",
				     (unsigned long long)req->size, name,
				     strerror(-r));
	}
	r = daxctl_dev_enable_devdax(dev);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
				     daxmap_errno_reason(r), r,
				     "cannot enable %s again: %s", name,
				     strerror(-r));
	daxmap_device_record_update(ctx, dev);
	return 0;
}

DAXMAP_EXPORT int
daxmap_reconfigure_device(struct daxmap_ctx *ctx, const char *which,
			  const struct daxmap_reconfigure_request *req,
			  enum daxmap_reason *ret_reason,
			  char **ret_message)
{
	_cleanup_free_ char *name = NULL, *chardev = NULL;
	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
	struct daxctl_dev *dev;
	bool ram;
	int r;

	r = daxmap_change_begin(ctx,
				daxmap_reconfigure_request_check(which, req,
								 ret_reason,
								 ret_message),
				"reconfigure", DAXMAP_CHANGE_DAXCTL, &ch,
				ret_reason, ret_message);
	if (r < 0)
		return r;
	dev = daxmap_find_dax_dev(ch.dctx, which);
	if (!dev || !daxctl_dev_get_size(dev)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_FOUND, -ENODEV,
				  "no dax device '%s'", which);
		goto out;
	}
	name = strdup(daxctl_dev_get_devname(dev));
	if (!name || asprintf(&chardev, "/dev/%s", name) < 0) {
		chardev = NULL;
		r = -ENOMEM;
		goto out;
	}
	ram = daxctl_dev_get_memory(dev) != NULL;

	/* Taking a device from under a process loses what it is doing. */
	if (!ram) {
		r = daxmap_check_users(ctx, name, chardev, false, ret_reason,
				       ret_message);
		if (r < 0)
			goto out;
	}
	r = 0;
	if ((req->align || req->size) &&
	    (ram || req->mode == DAXMAP_MODE_SYSTEM_RAM)) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_NOT_SUPPORTED, -EINVAL,
				  "change the align or size of %s in devdax mode, then switch it to system-ram",
				  name);
		goto out;
	}
	if (req->align || req->size)
		r = resize(ctx, dev, name, req, ret_reason, ret_message);
	if (r == 0 && req->mode != DAXMAP_MODE_UNKNOWN) {
		bool want_ram = req->mode == DAXMAP_MODE_SYSTEM_RAM;

		if (want_ram && ram && req->memmap_on_memory)
			r = daxmap_refuse(ret_reason, ret_message,
					  DAXMAP_REASON_BUSY, -EBUSY,
					  "%s is in system-ram mode already, its memmap placed when it was onlined: take it back as devdax first",
					  name);
		else if (want_ram && !ram)
			r = to_system_ram(ctx, dev, name,
					  req->memmap_on_memory, ret_reason,
					  ret_message);
		else if (!want_ram && ram)
			r = to_devdax(dev, name, ret_reason, ret_message);
	}
out:
	return daxmap_refused(ret_reason, r);
}
