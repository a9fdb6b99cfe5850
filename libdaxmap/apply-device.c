// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A [device NAME] section applied to the host, after drift.c held it
 * against it. The contract is the namespaces': what is missing is made;
 * what drifted is reported and left as it is unless the section says
 * recreate = yes and daxmap made the device (a device of that name is
 * always daxmap's: the name lives in its records); nothing the
 * configuration does not need is touched.
 *
 * The rules, and why:
 * - A missing device is made on the dynamic dax region its match keys
 *   (region, provider, numa_node) allow that has the most free space;
 *   percent is of that region's size, rounded down to the align.
 * - mode = system-ram: the device is made in devdax mode, then handed to
 *   kmem and onlined movable (daxmap_reconfigure_device()). If that fails
 *   the new device is destroyed again: a half-made section is not left.
 * - A region whose capacity a device the kernel made holds (ndctl #256:
 *   dax_hmem's dax0.0, which kmem onlines as system-ram at boot on 6.12,
 *   and leaves as unmapped devdax on 6.1), and the section needs that
 *   capacity: when that device is the only one on the region, it is
 *   removed and the section's device made in its place. A kernel's
 *   system-ram device holds no data of its own once its memory is offlined
 *   (the kernel migrates the pages, or the offline fails and nothing is
 *   changed), so no key is needed; a kernel's devdax device may hold
 *   data, so only with replace = yes, and never while a process maps it.
 *   If the section's device cannot be made after that, the kernel's is
 *   put back as it was (size, align, mode, onlined again) and both are
 *   said in the check's message. Any other layout of the region is
 *   reported, never changed.
 * - A drift with recreate = yes: a drift of mode or memmap_on_memory
 *   alone is corrected by reconfiguring the device in place (system-ram
 *   to devdax offlines it; devdax to system-ram loses what the devdax
 *   device held, which is why it waits for recreate = yes, and is refused
 *   while a process maps it); a drift of size, align or region destroys
 *   the device (refused while mapped) and makes it again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include <daxctl/libdaxctl.h>

#include "change.h"
#include "checks.h"
#include "topology.h"

#ifdef DAXMAP_TEST_HOOKS
/*
 * DAXMAP_TEST_FAIL_AT=@step makes that step of an apply fail as if the
 * kernel had refused it, for the tests of what apply puts back. Only in
 * a build with -Dtest-hooks=true.
 */
static bool test_fails(const char *step)
{
	const char *at = secure_getenv("DAXMAP_TEST_FAIL_AT");

	return at && strcmp(at, step) == 0;
}
#else
static inline bool test_fails(const char *step)
{
	(void)step;
	return false;
}
#endif

static int failed(struct daxmap_config_check *c,
		  struct daxmap_config_device *cd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A failure, said at the section's place as namespace failures are. */
static int failed(struct daxmap_config_check *c,
		  struct daxmap_config_device *cd, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list args;
	int r;

	va_start(args, fmt);
	r = vasprintf(&what, fmt, args);
	va_end(args);
	if (r < 0) {
		what = NULL;
		return -ENOMEM;
	}
	c->outcome = DAXMAP_APPLY_FAILED;
	return daxmap_config_check_say(c, "%s:%d: %s",
				       cd->file, cd->line, what);
}

static const char *size_words(uint64_t bytes, char buf[static DAXMAP_SIZE_BUF])
{
	return daxmap_format_size_exact(bytes, buf, DAXMAP_SIZE_BUF);
}

static bool wants_ram(struct daxmap_config_device *cd)
{
	return cd->mode == DAXMAP_MODE_SYSTEM_RAM;
}

/* The size the section asks of @r: its size, or percent of @r's size. */
static uint64_t wanted_size(struct daxmap_config_device *cd,
			    struct daxmap_dax_region *r, uint64_t align)
{
	if (cd->size)
		return cd->size;
	/* In two parts, so that neither loses bytes nor overflows. */
	uint64_t bytes = r->size / 100 * cd->percent +
			 r->size % 100 * cd->percent / 100;

	return bytes / align * align;
}

/*
 * Makes the section's device on @region: daxmap_create_device(), then
 * system-ram when the section says so. On failure nothing of it is left,
 * and @ret_message says why.
 */
static int make(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		struct daxmap_config_device *cd, const char *region,
		uint64_t size, uint64_t align, char **ret_devname,
		char **ret_message)
{
	const struct daxmap_device_request req = {
		.region = region, .size = size, .align = align,
		.name = cd->name,
	};
	const struct daxmap_reconfigure_request to_ram = {
		.mode = DAXMAP_MODE_SYSTEM_RAM,
		.memmap_on_memory = cd->memmap_on_memory > 0,
	};
	_cleanup_free_ char *devname = NULL, *message = NULL, *gone = NULL,
			    *undo = NULL;
	int r;

	if (test_fails("device-create"))
		return daxmap_set_message(ret_message, -EIO,
					  "making the device on %s failed: %s (DAXMAP_TEST_FAIL_AT)",
					  region, strerror(EIO));
	r = daxmap_create_device(ctx, k, &req, &devname, NULL, &message);
	if (r < 0)
		return daxmap_set_message(ret_message, r, "%s",
					  message ? message : strerror(-r));
	if (wants_ram(cd)) {
		r = daxmap_reconfigure_device(ctx, devname, &to_ram, NULL,
					      &message);
		if (r < 0) {
			int r2 = daxmap_destroy_device(ctx, devname, 0, &gone,
						       NULL, &undo);

			return daxmap_set_message(ret_message, r,
						  "%s was made, but not taken as system-ram: %s; %s%s",
						  devname,
						  message ? message : strerror(-r),
						  r2 < 0 ? "destroying it again failed too: " :
							   "it was destroyed again",
						  r2 < 0 ? (undo ? undo : strerror(-r2)) : "");
		}
	}
	*ret_devname = TAKE_PTR(devname);
	return 0;
}

/* The devices on @r that have capacity; the first in *@ret_first. */
static int devices_on(struct daxmap_topology *t, struct daxmap_dax_region *r,
		      struct daxmap_device **ret_first)
{
	struct daxmap_device *d;
	int n = 0;

	*ret_first = NULL;
	daxmap_device_foreach(t, d)
		if (d->dax_region == r && d->size) {
			if (!n++)
				*ret_first = d;
		}
	return n;
}

/*
 * The record daxmap_create_device() wrote for @devname when it put a
 * kernel's device back: removed, so that the device is again one daxmap
 * did not make (destroy without --force refuses it, recreate never
 * applies to it), as it was.
 */
static void forget(struct daxmap_ctx *ctx, const char *devname)
{
	char **uuids = NULL, **u;

	if (daxmap_record_list(ctx, DAXMAP_RECORD_DEVICE, &uuids) < 0)
		return;
	for (u = uuids; *u; u++) {
		struct daxmap_record rec;

		if (daxmap_record_read(ctx, DAXMAP_RECORD_DEVICE, *u, &rec) < 0)
			continue;
		if (rec.device && !rec.name && strcmp(rec.device, devname) == 0)
			daxmap_record_remove(ctx, DAXMAP_RECORD_DEVICE, *u);
		daxmap_record_clear(&rec);
	}
	daxmap_strv_free(uuids);
}

/* What the kernel's device was, to put it back. */
struct kernel_dev {
	char devname[32];
	uint64_t size;
	uint64_t align;
	bool ram;
	bool memmap_on_memory;
};

/*
 * Puts the kernel's device @kd back on @region as it was. Returns 0, or
 * -errno with @ret_message saying what an operator does instead.
 */
static int put_back(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		    const char *region, const struct kernel_dev *kd,
		    char **ret_devname, char **ret_message)
{
	const struct daxmap_device_request req = {
		.region = region, .size = kd->size, .align = kd->align,
	};
	const struct daxmap_reconfigure_request to_ram = {
		.mode = DAXMAP_MODE_SYSTEM_RAM,
		.memmap_on_memory = kd->memmap_on_memory,
	};
	_cleanup_free_ char *devname = NULL, *message = NULL;
	char s[DAXMAP_SIZE_BUF], a[DAXMAP_SIZE_BUF];
	int r;

	r = daxmap_create_device(ctx, k, &req, &devname, NULL, &message);
	if (r >= 0) {
		forget(ctx, devname);
		if (kd->ram)
			r = daxmap_reconfigure_device(ctx, devname, &to_ram,
						      NULL, &message);
	}
	if (r < 0)
		return daxmap_set_message(ret_message, r,
					  "%s; 'daxctl create-device -r %s -s %s -a %s'%s makes it again",
					  message ? message : strerror(-r),
					  region, size_words(kd->size, s),
					  size_words(kd->align, a),
					  kd->ram ? " and 'daxctl reconfigure-device -m system-ram'" :
						    "");
	*ret_devname = TAKE_PTR(devname);
	return 0;
}

/*
 * The replacing record of @kd: written before the kernel's device is
 * removed and removed once the section's device or the kernel's again
 * holds the region, so that a crash between the two finds it
 * (daxmap_replace_recover()).
 */
static int note_replacing(struct daxmap_ctx *ctx, const char *section,
			  const char *region, const struct kernel_dev *kd,
			  char uuid[static 37])
{
	struct daxmap_record rec = {
		.name = (char *)section, .region = (char *)region,
		.mode = (char *)(kd->ram ? "system-ram" : "devdax"),
		.size = kd->size, .align = kd->align,
		.map = DAXMAP_MAP_MEM, .device = (char *)kd->devname,
		.memmap_on_memory = kd->memmap_on_memory,
	};
	uuid_t uu;

	uuid_generate(uu);
	uuid_unparse(uu, rec.uuid);
	daxmap_boot_id(rec.boot);
	daxmap_record_set_owner(&rec);
	memcpy(uuid, rec.uuid, 37);
	return daxmap_record_write(ctx, DAXMAP_RECORD_REPLACING, &rec);
}

/*
 * ndctl #256: the region's capacity is held by @d, a device the kernel
 * made; removed, the section's device made, or the kernel's put back.
 */
static int replace(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		   struct daxmap_config_device *cd, struct daxmap_dax_region *dr,
		   struct daxmap_device *d, uint64_t size, uint64_t align,
		   bool dry_run, struct daxmap_config_check *c)
{
	_cleanup_free_ char *message = NULL, *gone = NULL, *devname = NULL,
			    *again = NULL, *region = NULL;
	char s[DAXMAP_SIZE_BUF], a[DAXMAP_SIZE_BUF], ks[DAXMAP_SIZE_BUF];
	char uuid[37];
	struct kernel_dev kd = {
		.size = d->size, .align = d->align,
		.ram = strcmp(d->mode, "system-ram") == 0,
		.memmap_on_memory = d->memmap_on_memory,
	};
	int r;

	snprintf(kd.devname, sizeof(kd.devname), "%s", d->devname);
	region = strdup(daxmap_dax_region_name(dr));
	if (!region)
		return -ENOMEM;
	size_words(size, s);
	size_words(align, a);
	size_words(kd.size, ks);
	if (!kd.ram && !cd->replace)
		return failed(c, cd, "%s's capacity is held by %s, a devdax device the kernel made (%s), which may hold data: replace = yes in [device %s] lets apply remove it (never while a process maps it) and make the %s device in its place",
			      region, kd.devname, ks, cd->name, s);
	if (dry_run) {
		c->outcome = DAXMAP_APPLY_WOULD_CREATE;
		return daxmap_config_check_say(c, "would remove the kernel's %s (%s, %s%s) and make a %s device, align %s, on %s in its place",
					       kd.devname,
					       kd.ram ? "system-ram" : "devdax",
					       ks,
					       kd.ram ? ", its memory offlined first" : "",
					       s, a, region);
	}

	r = note_replacing(ctx, cd->name, region, &kd, uuid);
	if (r < 0)
		return failed(c, cd, "cannot record that %s replaces the kernel's %s in %s: %s; nothing was changed",
			      cd->name, kd.devname, ctx->state_dir,
			      strerror(-r));
	r = daxmap_destroy_device(ctx, kd.devname, DAXMAP_DESTROY_FORCE, &gone,
				  NULL, &message);
	if (r < 0) {
		daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, uuid);
		/*
		 * A system-ram device is offlined and taken back as devdax
		 * before it is destroyed: if that much was done, online it
		 * again rather than leave the host with less memory.
		 */
		if (kd.ram) {
			const struct daxmap_reconfigure_request to_ram = {
				.mode = DAXMAP_MODE_SYSTEM_RAM,
				.memmap_on_memory = kd.memmap_on_memory,
			};

			daxmap_reconfigure_device(ctx, kd.devname, &to_ram,
						  NULL, NULL);
		}
		return failed(c, cd, "%s's capacity is held by the kernel's %s, which could not be removed: %s; nothing was made",
			      region, kd.devname,
			      message ? message : strerror(-r));
	}
	info(ctx, "apply: %s: removed the kernel's %s (%s, %s) from %s\n",
	     cd->name, kd.devname, kd.ram ? "system-ram" : "devdax", ks,
	     region);
	/* The crash that replacing records are for. */
	daxmap_test_point("replace-removed");

	free(message);
	message = NULL;
	r = make(ctx, k, cd, region, size, align, &devname, &message);
	/* Out of memory: the record is left for recovery to put it back. */
	if (r == -ENOMEM)
		return r;
	if (r >= 0) {
		daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, uuid);
		c->outcome = DAXMAP_APPLY_CREATED;
		c->managed = true;
		free(c->device);
		c->device = TAKE_PTR(devname);
		return daxmap_config_check_say(c, "%s on %s, in place of the kernel's %s (%s, %s)",
					       c->device, region, kd.devname,
					       kd.ram ? "system-ram" : "devdax",
					       ks);
	}

	/* Nothing lost: the kernel's device goes back as it was. */
	{
		_cleanup_free_ char *why = NULL;
		int r2 = put_back(ctx, k, region, &kd, &again, &why);

		/* Put back or not, what an operator does is said here. */
		daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, uuid);

		if (r2 < 0)
			return failed(c, cd, "%s; the kernel's %s (%s, %s, align %s) was removed for it, and putting it back failed too: %s",
				      message ? message : "", kd.devname,
				      kd.ram ? "system-ram" : "devdax", ks,
				      size_words(kd.align, a),
				      why ? why : strerror(-r2));
		return failed(c, cd, "%s; the kernel's %s was put back as it was: %s, %s, %s, align %s%s",
			      message ? message : "", kd.devname, again,
			      kd.ram ? "system-ram, onlined again" : "devdax",
			      ks, size_words(kd.align, a),
			      strcmp(again, kd.devname) ? " (under a new name)" :
							  "");
	}
}

/* A missing device: made, on free space or in place of the kernel's. */
static int create(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		  struct daxmap_topology *t, struct daxmap_config_device *cd,
		  bool dry_run, struct daxmap_config_check *c)
{
	_cleanup_free_ char *devname = NULL, *message = NULL;
	char s[DAXMAP_SIZE_BUF], a[DAXMAP_SIZE_BUF], f[DAXMAP_SIZE_BUF];
	uint64_t align = cd->align ?: SZ_2M, size;
	struct daxmap_dax_region *r = daxmap_config_device_region(cd, t);
	struct daxmap_device *d;
	const char *region;
	int n, err;

	if (!r) {
		char want[128];

		snprintf(want, sizeof(want), "%s%s%s%s%s",
			 cd->region ? "region " : "",
			 cd->region ? cd->region : "",
			 cd->provider ? " provider " : "",
			 cd->provider ? cd->provider : "",
			 cd->numa_node >= 0 ? " numa_node " : "");
		if (cd->numa_node >= 0)
			snprintf(want + strlen(want),
				 sizeof(want) - strlen(want), "%d",
				 cd->numa_node);
		return failed(c, cd, "no dynamic dax region %s%s (soft-reserved or CXL memory, with dax_hmem or dax_cxl loaded; daxmapctl status lists the dax regions)",
			      want[0] ? "matches " : "on this host",
			      want[0] ? want + (want[0] == ' ') : "");
	}
	region = daxmap_dax_region_name(r);
	size = wanted_size(cd, r, align);
	size_words(size, s);
	size_words(align, a);
	if (!size)
		return failed(c, cd, "percent = %u of %s's %s is less than one align (%s)",
			      cd->percent, region, size_words(r->size, f), a);
	if (size > r->size)
		return failed(c, cd, "size %s is more than %s holds: %s",
			      s, region, size_words(r->size, f));

	if (r->available_size < size) {
		n = devices_on(t, r, &d);
		if (n == 1 && !d->managed &&
		    r->available_size + d->size >= size)
			return replace(ctx, k, cd, r, d, size, align, dry_run,
				       c);
		return failed(c, cd, "%s has %s free, less than the %s asked: %s",
			      region, size_words(r->available_size, f), s,
			      n == 1 && !d->managed ?
				      "the kernel's device there holds the rest, and removing it would not make room enough" :
			      n ? "the devices there hold the rest, and apply removes only a region's one device the kernel made" :
				  "smaller, or percent");
	}
	if (dry_run) {
		c->outcome = DAXMAP_APPLY_WOULD_CREATE;
		return daxmap_config_check_say(c, "a %s device, align %s, %s, on %s",
					       s, a,
					       daxmap_mode_name(cd->mode ?: DAXMAP_MODE_DEVDAX),
					       region);
	}
	err = make(ctx, k, cd, region, size, align, &devname, &message);
	if (err == -ENOMEM)
		return err;
	if (err < 0)
		return failed(c, cd, "%s", message ? message : strerror(-err));
	c->outcome = DAXMAP_APPLY_CREATED;
	c->managed = true;
	free(c->device);
	c->device = TAKE_PTR(devname);
	return daxmap_config_check_say(c, "%s on %s",
				       c->device, region);
}

/* Whether every drift of @c is about the mode: corrected in place. */
static bool mode_only(const struct daxmap_config_check *c)
{
	int i;

	for (i = 0; i < c->ndrifts; i++)
		if (strcmp(c->drifts[i].key, "mode") != 0 &&
		    strcmp(c->drifts[i].key, "memmap_on_memory") != 0)
			return false;
	return true;
}

/* A drift of mode or memmap_on_memory alone, on a device of daxmap's. */
static int reconfigure(struct daxmap_ctx *ctx, struct daxmap_config_device *cd,
		       const char *drift, bool dry_run,
		       struct daxmap_config_check *c)
{
	const struct daxmap_reconfigure_request to_devdax = {
		.mode = DAXMAP_MODE_DEVDAX,
	};
	const struct daxmap_reconfigure_request to_ram = {
		.mode = DAXMAP_MODE_SYSTEM_RAM,
		.memmap_on_memory = cd->memmap_on_memory > 0,
	};
	_cleanup_free_ char *message = NULL;
	bool have_ram = false;
	int i, r = 0;

	for (i = 0; i < c->ndrifts; i++)
		if (strcmp(c->drifts[i].key, "mode") == 0)
			have_ram = strcmp(c->drifts[i].have, "system-ram") == 0;
	/* A memmap_on_memory drift alone: the device is system-ram. */
	if (c->ndrifts == 1 && strcmp(c->drifts[0].key, "mode") != 0)
		have_ram = true;
	if (dry_run) {
		c->outcome = DAXMAP_APPLY_WOULD_RECREATE;
		return daxmap_config_check_say(c, "%s; %s would be reconfigured in place%s",
					       drift, c->device,
					       wants_ram(cd) && !have_ram ?
						       " (what it holds as devdax is lost)" :
						       " (its memory offlined first)");
	}
	if (have_ram)
		r = daxmap_reconfigure_device(ctx, c->device, &to_devdax, NULL,
					      &message);
	if (r >= 0 && wants_ram(cd))
		r = daxmap_reconfigure_device(ctx, c->device, &to_ram, NULL,
					      &message);
	if (r < 0)
		return failed(c, cd, "%s; not reconfigured: %s", drift,
			      message ? message : strerror(-r));
	c->outcome = DAXMAP_APPLY_RECREATED;
	return daxmap_config_check_say(c, "%s; %s reconfigured in place to %s",
				       drift, c->device,
				       daxmap_mode_name(cd->mode ?: DAXMAP_MODE_DEVDAX));
}

int daxmap_apply_device_section(struct daxmap_ctx *ctx,
				struct daxmap_kernel *k,
				struct daxmap_topology **t,
				struct daxmap_config_device *cd, bool dry_run,
				struct daxmap_config_check *c)
{
	_cleanup_free_ char *drift = NULL, *message = NULL, *gone = NULL;
	int r;

	switch (c->state) {
	case DAXMAP_CONFIG_OK:
		c->outcome = DAXMAP_APPLY_UNCHANGED;
		return 0;
	case DAXMAP_CONFIG_MISSING:
		return create(ctx, k, *t, cd, dry_run, c);
	default:
		break;
	}

	r = daxmap_config_check_drift_sentence(c, &drift);
	if (r < 0)
		return r;
	if (!c->recreate) {
		c->outcome = DAXMAP_APPLY_LEFT_DRIFTED;
		return daxmap_config_check_say(c, "%s; left as it is (recreate = yes in its section would reconfigure or destroy and recreate it, and lose its data)",
					       drift);
	}
	if (!c->managed) {
		c->outcome = DAXMAP_APPLY_LEFT_DRIFTED;
		return daxmap_config_check_say(c, "%s; left as it is: daxmap did not make %s, so recreate = yes does not apply",
					       drift, c->device);
	}
	if (mode_only(c))
		return reconfigure(ctx, cd, drift, dry_run, c);
	if (dry_run) {
		c->outcome = DAXMAP_APPLY_WOULD_RECREATE;
		return daxmap_config_check_say(c, "%s; would be destroyed and made again",
					       drift);
	}
	r = daxmap_destroy_device(ctx, c->device, 0, &gone, NULL, &message);
	if (r < 0)
		return failed(c, cd, "%s; not recreated: %s", drift,
			      message ? message : strerror(-r));
	/* Its capacity is free again: make it on what the host has now. */
	*t = daxmap_topology_unref(*t);
	r = daxmap_topology_scan(ctx, k, t);
	if (r < 0)
		return r;
	free(c->device);
	c->device = NULL;
	r = create(ctx, k, *t, cd, false, c);
	if (r < 0)
		return r;
	if (c->outcome == DAXMAP_APPLY_CREATED) {
		c->outcome = DAXMAP_APPLY_RECREATED;
		return daxmap_config_check_say(c, "%s; recreated as %s",
					       drift, c->device);
	}
	return 0;
}

/*
 * An apply that was replacing the kernel's @rec->device with the device
 * of [device @rec->name] stopped part way. A dynamic region's devices do
 * not outlive a boot: in a later one the kernel has made its own again.
 * In this one: the section's device there means the replace was done;
 * the kernel's device still there means it was not removed (onlined
 * again if it was system-ram and had been offlined); neither means the
 * stop came between the two, and the kernel's device is put back as it
 * was.
 */
int daxmap_replace_recover(struct daxmap_ctx *ctx, struct daxmap_record *rec,
			   char **report)
{
	struct kernel_dev kd = {
		.size = rec->size, .align = rec->align,
		.ram = rec->mode && strcmp(rec->mode, "system-ram") == 0,
		.memmap_on_memory = rec->memmap_on_memory,
	};
	const char *section = rec->name ? rec->name : "?";
	_cleanup_free_ char *again = NULL, *why = NULL;
	char ks[DAXMAP_SIZE_BUF];
	struct daxctl_ctx *dctx = NULL;
	struct daxctl_dev *dev;
	int r;

	snprintf(kd.devname, sizeof(kd.devname), "%s",
		 rec->device ? rec->device : "");
	size_words(kd.size, ks);
	if (!daxmap_record_same_boot(rec)) {
		daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, rec->uuid);
		return daxmap_append_line(report,
					  "an apply replacing the kernel's %s with [device %s] stopped in an earlier boot; the kernel made its devices again at boot; its record is removed",
					  kd.devname, section);
	}
	if (rec->name && daxmap_device_named_there(ctx, rec->name)) {
		daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, rec->uuid);
		return daxmap_append_line(report,
					  "an interrupted apply had made [device %s] in place of the kernel's %s; its record is removed",
					  section, kd.devname);
	}
	r = daxctl_new(&dctx);
	if (r < 0)
		return r;
	dev = daxmap_find_dax_dev(dctx, kd.devname);
	if (dev && daxctl_dev_get_size(dev) == kd.size) {
		const struct daxmap_reconfigure_request to_ram = {
			.mode = DAXMAP_MODE_SYSTEM_RAM,
			.memmap_on_memory = kd.memmap_on_memory,
		};
		bool offlined = kd.ram && !daxctl_dev_get_memory(dev);

		daxctl_unref(dctx);
		if (offlined)
			r = daxmap_reconfigure_device(ctx, kd.devname, &to_ram,
						      NULL, &why);
		if (r < 0)
			return daxmap_append_line(report,
						  "the kernel's %s, which an interrupted apply of [device %s] had offlined, could not be onlined again: %s; its record is kept",
						  kd.devname, section,
						  why ? why : strerror(-r));
		daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, rec->uuid);
		return daxmap_append_line(report,
					  "an interrupted apply of [device %s] had not removed the kernel's %s (%s)%s; its record is removed",
					  section, kd.devname, ks,
					  offlined ? ", which is onlined again" : "");
	}
	daxctl_unref(dctx);

	r = put_back(ctx, NULL, rec->region, &kd, &again, &why);
	if (r == -ENOMEM)
		return r;
	daxmap_record_remove(ctx, DAXMAP_RECORD_REPLACING, rec->uuid);
	if (r < 0)
		return daxmap_append_line(report,
					  "an interrupted apply of [device %s] had removed the kernel's %s (%s, %s) from %s, and putting it back failed: %s",
					  section, kd.devname,
					  kd.ram ? "system-ram" : "devdax", ks,
					  rec->region ? rec->region : "?", why);
	return daxmap_append_line(report,
				  "an interrupted apply of [device %s] had removed the kernel's %s (%s, %s) from %s; it is put back as %s",
				  section, kd.devname,
				  kd.ram ? "system-ram" : "devdax", ks,
				  rec->region ? rec->region : "?", again);
}
