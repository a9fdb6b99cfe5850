// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rules a request must keep before the host is looked at: the set of
 * aligns, the modes each operation takes, the options that exclude each
 * other, sizes that are multiples of the align, and --assume-dedup's
 * model. daxmapctl calls these before anything else, daxmapd before it
 * asks polkit, the configuration reader for every section, and the
 * operations themselves again; so each rule is written once, here, and
 * each refusal names its reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

/* A request's strings are quoted in messages, but not a megabyte of one. */
#define QUOTE_MAX 64

static const uint64_t aligns[] = { SZ_4K, SZ_2M, SZ_1G };

DAXMAP_EXPORT uint64_t daxmap_align_get(unsigned int i)
{
	return i < ARRAY_SIZE(aligns) ? aligns[i] : 0;
}

DAXMAP_EXPORT bool daxmap_align_is_valid(uint64_t align)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(aligns); i++)
		if (align == aligns[i])
			return true;
	return false;
}

DAXMAP_EXPORT const char *daxmap_align_list(void)
{
	/* aligns[] said the way people type them. */
	return "4K, 2M, 1G";
}

static const char *const mode_names[] = {
	[DAXMAP_MODE_DEVDAX] = "devdax",
	[DAXMAP_MODE_FSDAX] = "fsdax",
	[DAXMAP_MODE_SYSTEM_RAM] = "system-ram",
	[DAXMAP_MODE_RAW] = "raw",
	[DAXMAP_MODE_SECTOR] = "sector",
};

DAXMAP_EXPORT const char *daxmap_mode_name(enum daxmap_mode mode)
{
	return (size_t)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

DAXMAP_EXPORT int daxmap_mode_from_name(const char *name,
					enum daxmap_mode *ret_mode)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mode_names); i++)
		if (mode_names[i] && strcmp(name, mode_names[i]) == 0) {
			*ret_mode = (enum daxmap_mode)i;
			return 0;
		}
	return -EINVAL;
}

static const char *const reason_names[] = {
	[DAXMAP_REASON_NONE] = "none",
	[DAXMAP_REASON_FAILED] = "failed",
	[DAXMAP_REASON_INVALID_ARGUMENT] = "invalid-argument",
	[DAXMAP_REASON_INVALID_SIZE] = "invalid-size",
	[DAXMAP_REASON_UNSUPPORTED_ALIGN] = "unsupported-align",
	[DAXMAP_REASON_INVALID_MODE] = "invalid-mode",
	[DAXMAP_REASON_INVALID_MAP] = "invalid-map",
	[DAXMAP_REASON_INVALID_NAME] = "invalid-name",
	[DAXMAP_REASON_NO_SUCH_REGION] = "no-such-region",
	[DAXMAP_REASON_NOT_FOUND] = "not-found",
	[DAXMAP_REASON_NO_SPACE] = "no-space",
	[DAXMAP_REASON_BUSY] = "busy",
	[DAXMAP_REASON_NOT_MANAGED] = "not-managed",
	[DAXMAP_REASON_NOT_SUPPORTED] = "not-supported",
	[DAXMAP_REASON_INVALID_CONFIG] = "invalid-config",
	[DAXMAP_REASON_HOLDS_DATA] = "holds-data",
	[DAXMAP_REASON_BAD_BLOCK] = "bad-block",
};

DAXMAP_EXPORT const char *daxmap_reason_name(enum daxmap_reason reason)
{
	return (size_t)reason < ARRAY_SIZE(reason_names) ?
		       reason_names[reason] : NULL;
}

bool daxmap_mode_create_takes(enum daxmap_mode mode)
{
	return mode == DAXMAP_MODE_DEVDAX || mode == DAXMAP_MODE_FSDAX;
}

static bool device_takes(enum daxmap_mode mode)
{
	return mode == DAXMAP_MODE_DEVDAX || mode == DAXMAP_MODE_SYSTEM_RAM;
}

static int invalid_mode(const char *name, const char *valid,
			enum daxmap_reason *ret_reason, char **ret_message)
{
	size_t len = strnlen(name, QUOTE_MAX + 1);

	return daxmap_refuse(ret_reason, ret_message,
			     DAXMAP_REASON_INVALID_MODE, -EINVAL,
			     "invalid mode '%.*s%s': must be %s",
			     (int)(len > QUOTE_MAX ? QUOTE_MAX : len), name,
			     len > QUOTE_MAX ? "..." : "", valid);
}

/* @name as a mode @takes accepts, in *@ret; else said with @valid. */
static int parse_mode(const char *name, bool (*takes)(enum daxmap_mode),
		      const char *valid, enum daxmap_mode *ret,
		      enum daxmap_reason *ret_reason, char **ret_message)
{
	enum daxmap_mode mode;

	daxmap_refusal_init(ret_reason, ret_message);
	if (daxmap_mode_from_name(name, &mode) < 0 || !takes(mode))
		return invalid_mode(name, valid, ret_reason, ret_message);
	*ret = mode;
	return 0;
}

DAXMAP_EXPORT int
daxmap_create_request_set_mode(struct daxmap_create_request *req,
			       const char *name, enum daxmap_reason *ret_reason,
			       char **ret_message)
{
	return parse_mode(name, daxmap_mode_create_takes, DAXMAP_CREATE_MODES,
			  &req->mode, ret_reason, ret_message);
}

DAXMAP_EXPORT int
daxmap_reconfigure_request_set_mode(struct daxmap_reconfigure_request *req,
				    const char *name,
				    enum daxmap_reason *ret_reason,
				    char **ret_message)
{
	return parse_mode(name, device_takes, DAXMAP_DEVICE_MODES, &req->mode,
			  ret_reason, ret_message);
}

static int unsupported_align(uint64_t align, bool zero_ok,
			     enum daxmap_reason *ret_reason,
			     char **ret_message)
{
	char a[DAXMAP_SIZE_BUF];

	return daxmap_refuse(ret_reason, ret_message,
			     DAXMAP_REASON_UNSUPPORTED_ALIGN, -EINVAL,
			     "align %s is not supported: device-DAX aligns are %s%s",
			     daxmap_format_size_exact(align, a, sizeof(a)),
			     daxmap_align_list(), zero_ok ? ", or 0 for 2M" : "");
}

static int not_a_multiple(uint64_t size, uint64_t align,
			  enum daxmap_reason *ret_reason, char **ret_message);

/* "namespace0.1", "dax1.0", "region3", "pmem0", "nmem2": a kernel's name. */
static bool device_name_form(const char *name)
{
	static const char *const prefixes[] = {
		"region", "namespace", "dax", "pmem", "nmem", "ndbus", "btt",
		"pfn", "hmem", "mem", "cxl",
	};
	size_t i, len;
	const char *p;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		len = strlen(prefixes[i]);
		if (strncmp(name, prefixes[i], len) != 0)
			continue;
		p = name + len;
		if (*p < '0' || *p > '9')
			continue;
		p += strspn(p, "0123456789");
		if (*p == '.' && p[1] >= '0' && p[1] <= '9')
			p += 1 + strspn(p + 1, "0123456789");
		if (!*p)
			return true;
	}
	return false;
}

int daxmap_name_check(const char *name, enum daxmap_reason *ret_reason,
		      char **ret_message)
{
	const enum daxmap_reason reason = DAXMAP_REASON_INVALID_NAME;
	size_t len = strlen(name), ok;

	if (!len)
		return daxmap_refuse(ret_reason, ret_message, reason, -EINVAL,
				     "an empty name: give 1 to %d of A-Z, a-z, 0-9, '.', '_' and '-'",
				     DAXMAP_NAME_MAX);
	if (len > DAXMAP_NAME_MAX)
		return daxmap_refuse(ret_reason, ret_message, reason,
				     -ENAMETOOLONG,
				     "name '%.20s...' is %zu bytes long: a namespace label holds at most %d",
				     name, len, DAXMAP_NAME_MAX);
	ok = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789._-");
	if (ok < len)
		return daxmap_refuse(ret_reason, ret_message, reason, -EINVAL,
				     "name '%.*s...' has a character a name may not: use A-Z, a-z, 0-9, '.', '_' and '-'",
				     (int)ok, name);
	if (device_name_form(name))
		return daxmap_refuse(ret_reason, ret_message, reason, -EINVAL,
				     "name '%s' looks like a device's name, which lookups would take for the device: choose another",
				     name);
	return 0;
}

DAXMAP_EXPORT int
daxmap_create_request_check(const struct daxmap_create_request *req,
			    enum daxmap_reason *ret_reason, char **ret_message)
{
	const enum daxmap_reason size = DAXMAP_REASON_INVALID_SIZE;

	daxmap_refusal_init(ret_reason, ret_message);
	if (!req->size && !req->percent)
		return daxmap_refuse(ret_reason, ret_message, size, -EINVAL,
				     "give size or percent (of a region's largest free extent)");
	if (req->size && req->percent)
		return daxmap_refuse(ret_reason, ret_message, size, -EINVAL,
				     "size and percent exclude each other: give one, not both");
	if (req->percent > 100)
		return daxmap_refuse(ret_reason, ret_message, size, -EINVAL,
				     "percentage %u%% is more than 100%%",
				     req->percent);
	if (req->align && !daxmap_align_is_valid(req->align))
		return unsupported_align(req->align, true, ret_reason,
					 ret_message);
	if (req->mode != DAXMAP_MODE_UNKNOWN &&
	    !daxmap_mode_create_takes(req->mode))
		return invalid_mode(daxmap_mode_name(req->mode) ?: "?",
				    DAXMAP_CREATE_MODES, ret_reason, ret_message);
	if (req->map != DAXMAP_MAP_UNKNOWN && req->map != DAXMAP_MAP_MEM &&
	    req->map != DAXMAP_MAP_DEV)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_MAP, -EINVAL,
				     "invalid map: must be mem or dev");
	if (req->region && req->numa_node >= 0)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "region and numa_node exclude each other: give one, not both");
	if (req->numa_node > DAXMAP_NUMA_NODE_MAX)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "NUMA node %d does not exist: nodes go up to %d",
				     req->numa_node, DAXMAP_NUMA_NODE_MAX);
	/* Every align is a multiple of 4K: no other size can be valid. */
	if (req->size && req->size % (req->align ?: SZ_4K))
		return not_a_multiple(req->size, req->align ?: SZ_4K,
				      ret_reason, ret_message);
	if (req->name && *req->name)
		return daxmap_name_check(req->name, ret_reason, ret_message);
	return 0;
}

DAXMAP_EXPORT int daxmap_destroy_request_check(const char *which,
					       enum daxmap_reason *ret_reason,
					       char **ret_message)
{
	daxmap_refusal_init(ret_reason, ret_message);
	if (!which || !*which)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "which one? (namespaceX.Y, its name, or daxX.Y)");
	return 0;
}

DAXMAP_EXPORT int
daxmap_reconfigure_request_check(const char *which,
				 const struct daxmap_reconfigure_request *req,
				 enum daxmap_reason *ret_reason,
				 char **ret_message)
{
	daxmap_refusal_init(ret_reason, ret_message);
	if (!which || !*which)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "which one? (daxX.Y or /dev/daxX.Y)");
	if (req->mode != DAXMAP_MODE_UNKNOWN && !device_takes(req->mode))
		return invalid_mode(daxmap_mode_name(req->mode) ?: "?",
				    DAXMAP_DEVICE_MODES, ret_reason, ret_message);
	if (req->align && !daxmap_align_is_valid(req->align))
		return unsupported_align(req->align, false, ret_reason,
					 ret_message);
	if (req->mode == DAXMAP_MODE_UNKNOWN && !req->align && !req->size)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "nothing to change: give a mode, an align or a size");
	if (req->memmap_on_memory && req->mode != DAXMAP_MODE_SYSTEM_RAM)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "memmap on memory is where kmem puts the memmap of what it onlines: it goes with mode system-ram");
	return 0;
}

/* Says that @size is not a multiple of @align, naming the sizes that are. */
static int not_a_multiple(uint64_t size, uint64_t align,
			  enum daxmap_reason *ret_reason, char **ret_message)
{
	const enum daxmap_reason reason = DAXMAP_REASON_INVALID_SIZE;
	char a[DAXMAP_SIZE_BUF], below[DAXMAP_SIZE_BUF], above[DAXMAP_SIZE_BUF];
	uint64_t lo = size - size % align, hi;

	daxmap_format_size_exact(align, a, sizeof(a));
	daxmap_format_size_exact(lo, below, sizeof(below));
	if (__builtin_add_overflow(lo, align, &hi))
		return daxmap_refuse(ret_reason, ret_message, reason, -EINVAL,
				     "not a multiple of align %s; the nearest valid size is %s",
				     a, below);
	daxmap_format_size_exact(hi, above, sizeof(above));
	if (!lo)
		return daxmap_refuse(ret_reason, ret_message, reason, -EINVAL,
				     "not a multiple of align %s; the smallest valid size is %s",
				     a, above);
	return daxmap_refuse(ret_reason, ret_message, reason, -EINVAL,
			     "not a multiple of align %s; the nearest valid sizes are %s and %s",
			     a, below, above);
}

DAXMAP_EXPORT int daxmap_plan_request_check(struct daxmap_plan_request *req,
					    enum daxmap_reason *ret_reason,
					    char **ret_message)
{
	daxmap_refusal_init(ret_reason, ret_message);
	if (!req->align)
		req->align = SZ_2M;
	if (req->map == DAXMAP_MAP_UNKNOWN)
		req->map = DAXMAP_MAP_MEM;
	if (!daxmap_align_is_valid(req->align))
		return unsupported_align(req->align, true, ret_reason,
					 ret_message);
	if (req->map != DAXMAP_MAP_MEM && req->map != DAXMAP_MAP_DEV)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_MAP, -EINVAL,
				     "invalid map: must be mem or dev");
	if (!req->size)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_SIZE, -EINVAL,
				     "size 0 plans nothing: give the namespace's size in bytes, a multiple of the align");
	if (req->size % req->align)
		return not_a_multiple(req->size, req->align, ret_reason,
				      ret_message);
	return 0;
}

DAXMAP_EXPORT int daxmap_plan_model(struct daxmap_kernel *k,
				    const struct daxmap_plan_request *req,
				    struct daxmap_model *ret_model,
				    enum daxmap_reason *ret_reason,
				    char **ret_message)
{
	char a[DAXMAP_SIZE_BUF], p[DAXMAP_SIZE_BUF];
	struct daxmap_model upstream;

	daxmap_refusal_init(ret_reason, ret_message);
	daxmap_model_init(&upstream);
	if (k)
		daxmap_kernel_get_model(k, ret_model);
	else
		*ret_model = upstream;
	if (req->assume_dedup) {
		/* The kernel's sizes, upstream's dedup: planning another host. */
		ret_model->dedup = true;
		if (!ret_model->dedup_kept_pages)
			ret_model->dedup_kept_pages = upstream.dedup_kept_pages;
	}
	/* Only a page size above the align gets here: not x86_64. */
	if (req->align < ret_model->page_size)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_UNSUPPORTED_ALIGN, -EINVAL,
				     "align %s is smaller than the running kernel's page size %s",
				     daxmap_format_size_exact(req->align, a, sizeof(a)),
				     daxmap_format_size_exact(ret_model->page_size, p,
							      sizeof(p)));
	return 0;
}

DAXMAP_EXPORT int
daxmap_device_request_check(const struct daxmap_device_request *req,
			    enum daxmap_reason *ret_reason, char **ret_message)
{
	uint64_t align = req->align ?: SZ_2M;

	daxmap_refusal_init(ret_reason, ret_message);
	if (!req->size)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_SIZE, -EINVAL,
				     "give the device's size, a multiple of the align");
	if (req->align && !daxmap_align_is_valid(req->align))
		return unsupported_align(req->align, true, ret_reason,
					 ret_message);
	/* A dynamic region keeps no metadata: the size is the device's. */
	if (req->size % align)
		return not_a_multiple(req->size, align, ret_reason,
				      ret_message);
	if (req->name && *req->name)
		return daxmap_name_check(req->name, ret_reason, ret_message);
	return 0;
}

DAXMAP_EXPORT int
daxmap_namespace_reconfigure_check(const char *which,
				   const struct daxmap_namespace_reconfigure *req,
				   enum daxmap_reason *ret_reason,
				   char **ret_message)
{
	daxmap_refusal_init(ret_reason, ret_message);
	if (!which || !*which)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
				     "which one? (namespaceX.Y)");
	if (!daxmap_mode_create_takes(req->mode))
		return invalid_mode(daxmap_mode_name(req->mode) ?: "none",
				    DAXMAP_CREATE_MODES, ret_reason, ret_message);
	if (req->align && !daxmap_align_is_valid(req->align))
		return unsupported_align(req->align, true, ret_reason,
					 ret_message);
	if (req->map != DAXMAP_MAP_UNKNOWN && req->map != DAXMAP_MAP_MEM &&
	    req->map != DAXMAP_MAP_DEV)
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_INVALID_MAP, -EINVAL,
				     "invalid map: must be mem or dev");
	if (!(req->flags & DAXMAP_RECONFIGURE_FORCE))
		return daxmap_refuse(ret_reason, ret_message,
				     DAXMAP_REASON_HOLDS_DATA, -EPERM,
				     "reconfiguring %s rewrites it and loses its data: --force says that is meant",
				     which);
	return 0;
}
