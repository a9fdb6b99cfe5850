// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Creating namespaces as a plan (create-plan.c) says: written in steps
 * that roll back on failure and leave a record that the next run acts on
 * after a crash (daxmap_create_commit, daxmap_recover): the steps, their
 * rollback and the recovery that finishes or undoes them share the
 * helpers that find and unwind a namespace.
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

#include "change.h"
#include "private.h"

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

/*
 * The one place that decides whether a create measures: the caller's
 * choice, else the configuration's [daxmap] measure, else not. A
 * configuration that does not load measures nothing: apply and status
 * say why it does not.
 */
bool daxmap_measure_wanted(struct daxmap_ctx *ctx)
{
	struct daxmap_config *cfg = NULL;
	bool on;

	if (ctx->measure != DAXMAP_MEASURE_CONFIG)
		return ctx->measure == DAXMAP_MEASURE_ON;
	if (daxmap_config_load(ctx, &cfg, NULL) < 0)
		return false;
	on = daxmap_config_get_measure(cfg) > 0;
	daxmap_config_unref(cfg);
	return on;
}

void daxmap_snapshot_take(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			  bool measure, struct snapshot *s)
{
	unsigned long page_size = k ? daxmap_kernel_get_page_size(k) : SZ_4K;

	memset(s, 0, sizeof(*s));
	/* Dropping caches is root's, and only means something on this host. */
	if (measure && geteuid() == 0 && daxmap_ctx_is_real_root(ctx))
		s->has_free = daxmap_measure_free_ram(ctx, page_size,
						      &s->free_bytes) == 0;
	if (k)
		s->has_counter = daxmap_kernel_read_memmap_pages(
					 k, &s->counter_pages) == 0;
}

void daxmap_snapshot_deltas(struct daxmap_kernel *k, const struct snapshot *a,
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
int daxmap_configure_personality(struct ndctl_region *region,
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
 * or a power cut would leave it; DAXMAP_TEST_PAUSE_AT holds it there for
 * 10 s, or, when DAXMAP_TEST_PAUSE_WHILE names a file, for as long as that
 * file exists (10 min at most): a test that releases the hold itself does
 * not depend on how fast a loaded machine answers it. Only in a build with
 * -Dtest-hooks=true: the library users install has no such switch.
 */
void daxmap_test_point(const char *step)
{
	const char *at = secure_getenv("DAXMAP_TEST_CRASH_AT");
	const char *hold;
	int i;

	if (at && strcmp(at, step) == 0)
		raise(SIGKILL);
	/* The lock tests hold a create there while another process runs;
	 * the daemon's, a change while its loop answers. */
	at = secure_getenv("DAXMAP_TEST_PAUSE_AT");
	if (!at || strcmp(at, step) != 0)
		return;
	hold = secure_getenv("DAXMAP_TEST_PAUSE_WHILE");
	if (!hold) {
		sleep(10);
		return;
	}
	for (i = 0; i < 10 * 60 * 20 && access(hold, F_OK) == 0; i++)
		usleep(50000);
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
	bool measure;
	const char *step = "allocating the namespace";
	_cleanup_change_ struct daxmap_change ch = DAXMAP_CHANGE_INIT;
	uuid_t ns_uu, dev_uu;
	char *devname;
	int r;

	/* The plan was checked when it was prepared. */
	daxmap_refusal_init(ret_reason, ret_message);
	r = daxmap_change_begin(ctx, 0, "create", DAXMAP_CHANGE_NDCTL, &ch,
				ret_reason, ret_message);
	if (r < 0)
		return r;
	measure = daxmap_measure_wanted(ctx);

	region = find_region(ch.nctx, p->region);
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
	daxmap_record_set_owner(&rec);
	r = daxmap_record_write(ctx, DAXMAP_RECORD_PENDING, &rec);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message,
				  DAXMAP_REASON_FAILED, r,
				  "cannot record the create in %s: %s",
				  ctx->state_dir, strerror(-r));
		goto out;
	}

	daxmap_test_point("recorded");

	if ((r = ndctl_namespace_set_uuid(seed, ns_uu)) < 0 ||
	    (r = ndctl_namespace_set_alt_name(seed, p->name ? p->name : "")) <
		    0)
		goto fail;
	daxmap_test_point("labelled");
	if ((r = ndctl_namespace_set_size(seed, p->size)) < 0)
		goto fail;
	r = check_placement(region, seed, ret_reason, ret_message);
	if (r < 0)
		goto rollback;
	ndctl_namespace_set_enforce_mode(seed, strcmp(p->mode, "devdax") == 0 ?
						       NDCTL_NS_MODE_DEVDAX :
						       NDCTL_NS_MODE_FSDAX);
	daxmap_test_point("sized");

	step = "configuring the personality";
	r = daxmap_configure_personality(region, seed, p, dev_uu, &dax, &pfn);
	if (r < 0)
		goto fail;
	daxmap_test_point("configured");

	/* Enabling is where the kernel allocates the memmap: measure it. */
	step = dax ? "enabling the dax device" : "enabling the fsdax namespace";
	daxmap_snapshot_take(ctx, k, measure, &before);
	r = dax ? ndctl_dax_enable(dax) : ndctl_pfn_enable(pfn);
	if (r < 0)
		goto fail;
	daxmap_snapshot_take(ctx, k, measure, &after);
	daxmap_snapshot_deltas(k, &before, &after, &rec);
	daxmap_test_point("enabled");

	/*
	 * The pending record goes only once the managed one is written: it
	 * is the namespace's only record until then, and recovery keeps a
	 * namespace that got this far.
	 */
	r = daxmap_record_write(ctx, DAXMAP_RECORD_MANAGED, &rec);
	if (r < 0)
		err(ctx, "%s: created, but not recorded as daxmap's yet: %s; the next recovery records it\n",
		    ndctl_namespace_get_devname(seed), strerror(-r));
	daxmap_test_point("managed");
	if (r == 0)
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

int daxmap_append_line(char **report, const char *fmt, ...)
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

static bool has_records(struct daxmap_ctx *ctx, enum daxmap_record_kind kind)
{
	char **uuids = NULL;
	bool any;

	if (daxmap_record_list(ctx, kind, &uuids) < 0)
		return false;
	any = uuids[0] != NULL;
	daxmap_strv_free(uuids);
	return any;
}

/* The replacing records an apply that stopped part way left. */
static int recover_replacing(struct daxmap_ctx *ctx, char **report)
{
	char **uuids = NULL, **u;
	int r;

	r = daxmap_record_list(ctx, DAXMAP_RECORD_REPLACING, &uuids);
	if (r < 0)
		return r;
	for (u = uuids; *u && r >= 0; u++) {
		struct daxmap_record rec;

		r = daxmap_record_read(ctx, DAXMAP_RECORD_REPLACING, *u, &rec);
		if (r < 0)
			break;
		if (daxmap_record_owner_runs(&rec))
			r = daxmap_append_line(report,
					"an unfinished apply of [device %s] is left to pid %d, which runs it",
					rec.name ? rec.name : "?", rec.owner_pid);
		else
			r = daxmap_replace_recover(ctx, &rec, report);
		daxmap_record_clear(&rec);
	}
	daxmap_strv_free(uuids);
	return r;
}

DAXMAP_EXPORT int daxmap_recover(struct daxmap_ctx *ctx, char **ret_report)
{
	_cleanup_unlock_ struct daxmap_ctx *locked = NULL;
	struct ndctl_ctx *nctx = NULL;
	char **uuids = NULL, **u;
	char *report = NULL;
	int r;

	*ret_report = NULL;
	/* Nothing to look at costs no lock (a user without a state dir). */
	if (!has_records(ctx, DAXMAP_RECORD_PENDING) &&
	    !has_records(ctx, DAXMAP_RECORD_REPLACING))
		return 0;
	/* Holding the lock, no create is under way: a pending record is one
	 * that a crash left, unless its owner still runs (see below). */
	r = daxmap_lock(ctx, NULL, NULL);
	if (r < 0)
		goto out;
	locked = ctx;
	r = daxmap_record_list(ctx, DAXMAP_RECORD_PENDING, &uuids);
	if (r < 0)
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
		if (rec.device && !daxmap_record_owner_runs(&rec)) {
			/* A dax device on a dynamic region, not a namespace. */
			r = daxmap_device_recover(ctx, &rec, &report);
			daxmap_record_clear(&rec);
			if (r < 0)
				goto out;
			continue;
		}
		if (daxmap_record_owner_runs(&rec)) {
			/* Not a crash: its owner failed to finish it and
			 * still runs; it recovers it itself. */
			r = daxmap_append_line(&report,
					"an unfinished create of %s is left to pid %d, which made it and still runs",
					what, rec.owner_pid);
			daxmap_record_clear(&rec);
			if (r < 0)
				goto out;
			continue;
		}
		ndns = find_by_uuid(nctx, *u);
		if (!ndns) {
			r = daxmap_append_line(&report,
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
				r = daxmap_append_line(&report,
						"%s (%s): an interrupted create had finished; it is kept and recorded as daxmap's",
						ndctl_namespace_get_devname(ndns),
						what);
			}
		} else {
			/* A copy: the rollback's delete frees libndctl's. */
			_cleanup_free_ char *dev =
				strdup(ndctl_namespace_get_devname(ndns));

			if (!dev) {
				daxmap_record_clear(&rec);
				r = -ENOMEM;
				goto out;
			}
			r = rollback_namespace(ctx, ndns);
			if (r == 0) {
				daxmap_record_remove(ctx, DAXMAP_RECORD_PENDING,
						     *u);
				r = daxmap_append_line(&report,
						"%s (%s): an interrupted create was rolled back",
						dev, what);
			} else {
				daxmap_append_line(&report,
					    "%s (%s): an interrupted create could not be rolled back: %s",
					    dev, what, strerror(-r));
			}
		}
		daxmap_record_clear(&rec);
		if (r < 0)
			goto out;
	}
	/* After the creates: a section's half-made device is gone by now. */
	r = recover_replacing(ctx, &report);
out:
	ndctl_unref(nctx);
	daxmap_strv_free(uuids);
	*ret_report = report;
	return r;
}
