// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration applied to the host, each section held against it
 * first (drift.c). An apply creates what is missing and leaves what
 * drifted as it is, unless the section says recreate = yes and daxmap
 * created the namespace: then it is destroyed (which the library refuses
 * while a process uses it) and created again. Nothing the configuration
 * does not name is touched. The [namespace] sections go first, then the
 * [device] sections, whose rules are in apply-device.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks.h"
#include "topology.h"


/* "size is 2G, the configuration says 4G; align is 2M, ... says 1G" */
int daxmap_config_check_drift_sentence(struct daxmap_config_check *c,
				       char **ret)
{
	char *s = NULL, *joined;
	int i;

	for (i = 0; i < c->ndrifts; i++) {
		if (asprintf(&joined, "%s%s%s is %s, the configuration says %s",
			     s ? s : "", s ? "; " : "", c->drifts[i].key,
			     c->drifts[i].have, c->drifts[i].want) < 0) {
			free(s);
			return -ENOMEM;
		}
		free(s);
		s = joined;
	}
	*ret = s;
	return 0;
}

/* Creates what section @cn describes, on the host as @t shows it. */
static int create(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		  struct daxmap_topology *t, struct daxmap_config_namespace *cn,
		  bool dry_run, struct daxmap_config_check *c)
{
	_cleanup_free_ char *message = NULL, *devname = NULL;
	struct daxmap_create_request req;
	struct daxmap_create_plan *plan = NULL;
	int r;

	daxmap_config_namespace_get_request(cn, &req);
	r = daxmap_create_prepare(ctx, k, t, &req, &plan, NULL, &message);
	if (r >= 0 && !dry_run)
		r = daxmap_create_commit(ctx, k, plan, &devname, NULL,
					 &message);
	if (r == -ENOMEM) {
		daxmap_create_plan_free(plan);
		return r;
	}
	if (r < 0) {
		c->outcome = DAXMAP_APPLY_FAILED;
		r = daxmap_config_check_say(c, "%s:%d: %s",
					    daxmap_config_namespace_get_file(cn),
					    daxmap_config_namespace_get_line(cn),
					    message ? message : strerror(-r));
	} else if (dry_run) {
		r = daxmap_config_check_say(c, "a %s namespace on %s",
					    daxmap_create_plan_get_mode(plan),
					    daxmap_create_plan_get_region(plan));
	} else {
		free(c->namespace);
		c->namespace = TAKE_PTR(devname);
		c->managed = true;
		r = daxmap_config_check_say(c, "%s on %s",
					    c->namespace,
					    daxmap_create_plan_get_region(plan));
	}
	daxmap_create_plan_free(plan);
	return r;
}

/* Decides and does what section @cn needs; @c is its check against @t. */
static int apply_one(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		     struct daxmap_topology *t,
		     struct daxmap_config_namespace *cn, bool dry_run,
		     struct daxmap_config_check *c)
{
	_cleanup_free_ char *drift = NULL, *message = NULL, *gone = NULL;
	int r;

	switch (c->state) {
	case DAXMAP_CONFIG_OK:
		c->outcome = DAXMAP_APPLY_UNCHANGED;
		return 0;
	case DAXMAP_CONFIG_MISSING:
		c->outcome = dry_run ? DAXMAP_APPLY_WOULD_CREATE :
				       DAXMAP_APPLY_CREATED;
		return create(ctx, k, t, cn, dry_run, c);
	default:
		break;
	}

	r = daxmap_config_check_drift_sentence(c, &drift);
	if (r < 0)
		return r;
	if (!c->recreate) {
		c->outcome = DAXMAP_APPLY_LEFT_DRIFTED;
		return daxmap_config_check_say(c, "%s; left as it is (recreate = yes in its section would destroy and recreate it, and lose its data)",
					       drift);
	}
	if (!c->managed) {
		c->outcome = DAXMAP_APPLY_LEFT_DRIFTED;
		return daxmap_config_check_say(c, "%s; left as it is: daxmap did not create %s, so recreate = yes does not apply",
					       drift, c->namespace);
	}
	if (dry_run) {
		c->outcome = DAXMAP_APPLY_WOULD_RECREATE;
		return daxmap_config_check_say(c, "%s; would be destroyed and created again",
					       drift);
	}
	r = daxmap_destroy_namespace(ctx, c->namespace, 0, &gone, NULL,
				     &message);
	if (r < 0) {
		c->outcome = DAXMAP_APPLY_FAILED;
		return daxmap_config_check_say(c, "%s; not recreated: %s",
					       drift,
					       message ? message : strerror(-r));
	}
	/* Its capacity is free again: plan on what the host has now. */
	c->outcome = DAXMAP_APPLY_RECREATED;
	return 1;
}

static void stamp(char buf[static 32])
{
	time_t now = time(NULL);
	struct tm tm;

	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
}

DAXMAP_EXPORT int daxmap_apply(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			       struct daxmap_config *cfg, unsigned int flags,
			       struct daxmap_apply_report **ret)
{
	bool dry_run = flags & DAXMAP_APPLY_DRY_RUN;
	_cleanup_unlock_ struct daxmap_ctx *locked = NULL;
	struct daxmap_config_check **tail, *c;
	struct daxmap_config_namespace *cn;
	struct daxmap_config_device *cd;
	struct daxmap_apply_report *report;
	struct daxmap_topology *t = NULL;
	struct daxmap_apply_summary sum;
	int r;

	/* What each section decides must hold until it is done. */
	if (!dry_run && daxmap_ctx_is_real_root(ctx)) {
		r = daxmap_lock(ctx, NULL, NULL);
		if (r < 0)
			return r;
		locked = ctx;
	}
	/* The daemon's tests hold an apply here, dry run or not. */
	daxmap_test_point("apply");
	report = calloc(1, sizeof(*report));
	if (!report)
		return -ENOMEM;
	report->dry_run = dry_run;
	stamp(report->time);
	report->files = daxmap_strv_copy(daxmap_config_get_files(cfg));
	if (!report->files) {
		r = -ENOMEM;
		goto fail;
	}

	tail = &report->checks;
	daxmap_config_namespace_foreach(cfg, cn) {
		/* Every change moves free space: each section sees the host
		 * as the ones before it left it. */
		if (!t) {
			r = daxmap_topology_scan(ctx, k, &t);
			if (r < 0)
				goto fail;
		}
		r = daxmap_config_check_new(cn, t, tail);
		if (r < 0)
			goto fail;
		c = *tail;
		tail = &c->next;
		r = apply_one(ctx, k, t, cn, dry_run, c);
		if (r > 0) {
			/* Destroyed for a recreate: create on a new scan. */
			t = daxmap_topology_unref(t);
			r = daxmap_topology_scan(ctx, k, &t);
			if (r >= 0)
				r = create(ctx, k, t, cn, false, c);
			if (r >= 0 && c->outcome == DAXMAP_APPLY_RECREATED)
				r = daxmap_config_check_say(c, "recreated as %s",
							    c->namespace);
		}
		if (r < 0)
			goto fail;
		if (c->outcome == DAXMAP_APPLY_CREATED ||
		    c->outcome == DAXMAP_APPLY_RECREATED)
			t = daxmap_topology_unref(t);
		info(ctx, "apply: %s: %s%s%s\n", c->name,
		     daxmap_apply_outcome_name(c->outcome),
		     c->message ? ": " : "", c->message ? c->message : "");
	}
	daxmap_config_device_foreach(cfg, cd) {
		if (!t) {
			r = daxmap_topology_scan(ctx, k, &t);
			if (r < 0)
				goto fail;
		}
		r = daxmap_config_device_check_new(cd, t, tail);
		if (r < 0)
			goto fail;
		c = *tail;
		tail = &c->next;
		r = daxmap_apply_device_section(ctx, k, &t, cd, dry_run, c);
		if (r < 0)
			goto fail;
		/* A failure may have removed and put back a kernel's device. */
		if (!dry_run && c->outcome != DAXMAP_APPLY_UNCHANGED &&
		    c->outcome != DAXMAP_APPLY_LEFT_DRIFTED)
			t = daxmap_topology_unref(t);
		info(ctx, "apply: %s: %s%s%s\n", c->name,
		     daxmap_apply_outcome_name(c->outcome),
		     c->message ? ": " : "", c->message ? c->message : "");
	}
	daxmap_topology_unref(t);

	if (!dry_run) {
		daxmap_apply_count(report->checks, &sum);
		memcpy(sum.time, report->time, sizeof(sum.time));
		sum.dry_run = false;
		r = daxmap_last_apply_write(ctx, &sum);
		if (r < 0)
			warn(ctx, "cannot record the apply in %s: %s\n",
			     ctx->state_dir, strerror(-r));
	}
	*ret = report;
	return 0;
fail:
	daxmap_topology_unref(t);
	daxmap_apply_report_free(report);
	return r;
}

DAXMAP_EXPORT struct daxmap_apply_report *
daxmap_apply_report_free(struct daxmap_apply_report *r)
{
	if (!r)
		return NULL;
	daxmap_strv_free(r->files);
	daxmap_config_checks_free(r->checks);
	free(r);
	return NULL;
}

DAXMAP_EXPORT struct daxmap_config_check *
daxmap_apply_report_get_checks(struct daxmap_apply_report *r)
{
	return r->checks;
}

DAXMAP_EXPORT void
daxmap_apply_report_get_summary(struct daxmap_apply_report *r,
				struct daxmap_apply_summary *ret)
{
	daxmap_apply_count(r->checks, ret);
	memcpy(ret->time, r->time, sizeof(ret->time));
	ret->dry_run = r->dry_run;
}

DAXMAP_EXPORT const char *
daxmap_apply_report_get_file(struct daxmap_apply_report *r, int i)
{
	return daxmap_strv_at(r->files, i);
}
