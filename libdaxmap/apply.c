// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration held against the host, and applied to it.
 *
 * A section names a namespace by its label name. Held against a topology
 * it is ok (a namespace of that name is there as said), missing, or
 * drifted (there, but with another size, align, mode, map or region). An
 * apply creates what is missing and leaves what drifted as it is, unless
 * the section says recreate = yes and daxmap created the namespace: then
 * it is destroyed (which the library refuses while a process uses it)
 * and created again. Nothing the configuration does not name is touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"
#include "topology.h"

/* The record of the last apply that changed the host, in the state dir. */
#define LAST_APPLY_FILE "last-apply"

/* ------------------------------------------------------------ the checks */

void daxmap_config_checks_free(struct daxmap_config_check *list)
{
	while (list) {
		struct daxmap_config_check *next = list->next;

		free(list->name);
		free(list->namespace);
		free(list->message);
		free(list);
		list = next;
	}
}

void daxmap_config_status_free(struct daxmap_config_status *s)
{
	if (!s)
		return;
	free(s->dir);
	daxmap_strv_free(s->files);
	free(s->error);
	daxmap_config_checks_free(s->checks);
	free(s);
}

const char *daxmap_strv_at(char *const *strv, int i)
{
	int n;

	for (n = 0; strv && strv[n]; n++)
		if (n == i)
			return strv[n];
	return NULL;
}

char **daxmap_strv_copy(char *const *strv)
{
	size_t n = 0, i;
	char **copy;

	while (strv && strv[n])
		n++;
	copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return NULL;
	for (i = 0; i < n; i++) {
		copy[i] = strdup(strv[i]);
		if (!copy[i]) {
			daxmap_strv_free(copy);
			return NULL;
		}
	}
	return copy;
}

const char *daxmap_drift_key(const char *key)
{
	static const char *const keys[] = {
		"size", "align", "mode", "map", "region", NULL,
	};
	const char *const *k;

	for (k = keys; *k; k++)
		if (strcmp(*k, key) == 0)
			return *k;
	return NULL;
}

static void add_drift(struct daxmap_config_check *c, const char *key,
		      const char *want, const char *have)
{
	struct daxmap_drift *d;

	if (c->ndrifts >= DAXMAP_MAX_DRIFTS)
		return;
	d = &c->drifts[c->ndrifts++];
	d->key = daxmap_drift_key(key);
	snprintf(d->want, sizeof(d->want), "%s", want);
	snprintf(d->have, sizeof(d->have), "%s", have ? have : "none");
}

static void add_size_drift(struct daxmap_config_check *c, const char *key,
			   uint64_t want, uint64_t have)
{
	char w[32], h[32];

	daxmap_format_size_exact(want, w, sizeof(w));
	daxmap_format_size_exact(have, h, sizeof(h));
	add_drift(c, key, w, h);
}

static struct daxmap_namespace *namespace_named(struct daxmap_topology *t,
						const char *name)
{
	struct daxmap_namespace *n;

	daxmap_namespace_foreach(t, n)
		if (n->name && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

/*
 * Holds section @cn against @t. Pure: reads only the two, so that the
 * unit tests run it against imported status documents.
 */
int daxmap_config_check_new(struct daxmap_config_namespace *cn,
			    struct daxmap_topology *t,
			    struct daxmap_config_check **ret)
{
	struct daxmap_create_request req;
	struct daxmap_config_check *c;
	struct daxmap_namespace *n;
	const char *mode;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	daxmap_config_namespace_get_request(cn, &req);
	c->name = strdup(req.name);
	c->recreate = daxmap_config_namespace_get_recreate(cn);
	n = t ? namespace_named(t, req.name) : NULL;
	if (!c->name || (n && !(c->namespace = strdup(n->devname)))) {
		daxmap_config_checks_free(c);
		return -ENOMEM;
	}
	if (!n) {
		c->state = DAXMAP_CONFIG_MISSING;
		*ret = c;
		return 0;
	}
	c->managed = n->managed;

	/* Only what the section says: a percentage was of a free space that
	 * has changed since, so only an explicit size is held. */
	if (req.size && n->raw_size != req.size)
		add_size_drift(c, "size", req.size, n->raw_size);
	if (req.align && n->align != req.align)
		add_size_drift(c, "align", req.align, n->align);
	mode = daxmap_mode_name(req.mode ?: DAXMAP_MODE_DEVDAX);
	if (strcmp(n->mode, mode) != 0)
		add_drift(c, "mode", mode, n->mode);
	if (req.map != DAXMAP_MAP_UNKNOWN && n->map != req.map)
		add_drift(c, "map", daxmap_map_name(req.map),
			  n->map == DAXMAP_MAP_UNKNOWN ? NULL :
			  daxmap_map_name(n->map));
	if (req.region && strcmp(n->region, req.region) != 0)
		add_drift(c, "region", req.region, n->region);
	c->state = c->ndrifts ? DAXMAP_CONFIG_DRIFT : DAXMAP_CONFIG_OK;
	*ret = c;
	return 0;
}

/* Checks every section of @cfg against @t, in the configuration's order. */
static int check_all(struct daxmap_config *cfg, struct daxmap_topology *t,
		     struct daxmap_config_check **ret)
{
	struct daxmap_config_check *list = NULL, **tail = &list;
	struct daxmap_config_namespace *cn;
	int r;

	daxmap_config_namespace_foreach(cfg, cn) {
		r = daxmap_config_check_new(cn, t, tail);
		if (r < 0) {
			daxmap_config_checks_free(list);
			return r;
		}
		tail = &(*tail)->next;
	}
	*ret = list;
	return 0;
}

void daxmap_apply_count(const struct daxmap_config_check *c,
			struct daxmap_apply_summary *ret)
{
	ret->unchanged = ret->created = ret->recreated = ret->drifted =
		ret->failed = 0;
	for (; c; c = c->next)
		switch (c->outcome) {
		case DAXMAP_APPLY_UNCHANGED:
			ret->unchanged++;
			break;
		case DAXMAP_APPLY_CREATED:
		case DAXMAP_APPLY_WOULD_CREATE:
			ret->created++;
			break;
		case DAXMAP_APPLY_RECREATED:
		case DAXMAP_APPLY_WOULD_RECREATE:
			ret->recreated++;
			break;
		case DAXMAP_APPLY_LEFT_DRIFTED:
			ret->drifted++;
			break;
		case DAXMAP_APPLY_FAILED:
			ret->failed++;
			break;
		default:
			break;
		}
}

/* ------------------------------------------------------ the last apply */

static int last_apply_path(struct daxmap_ctx *ctx, char **ret)
{
	return asprintf(ret, "%s/" LAST_APPLY_FILE, ctx->state_dir) < 0 ?
		       -ENOMEM : 0;
}

static int write_last_apply(struct daxmap_ctx *ctx,
			    const struct daxmap_apply_summary *s)
{
	_cleanup_free_ char *path = NULL, *tmp = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	int r;

	r = last_apply_path(ctx, &path);
	if (r < 0)
		return r;
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -ENOMEM;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "time=%s\nunchanged=%u\ncreated=%u\nrecreated=%u\n"
		"drifted=%u\nfailed=%u\n", s->time, s->unchanged, s->created,
		s->recreated, s->drifted, s->failed);
	if (fflush(f) != 0 || rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return r;
	}
	return 0;
}

static int read_last_apply(struct daxmap_ctx *ctx,
			   struct daxmap_apply_summary *ret)
{
	_cleanup_free_ char *path = NULL, *line = NULL;
	_cleanup_fclose_ FILE *f = NULL;
	struct daxmap_apply_summary s = { 0 };
	size_t size = 0;
	int r;

	r = last_apply_path(ctx, &path);
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		char *value = strchr(line, '=');
		unsigned int *count = NULL;

		line[strcspn(line, "\n")] = '\0';
		if (!value)
			continue;
		*value++ = '\0';
		if (strcmp(line, "time") == 0)
			snprintf(s.time, sizeof(s.time), "%s", value);
		else if (strcmp(line, "unchanged") == 0)
			count = &s.unchanged;
		else if (strcmp(line, "created") == 0)
			count = &s.created;
		else if (strcmp(line, "recreated") == 0)
			count = &s.recreated;
		else if (strcmp(line, "drifted") == 0)
			count = &s.drifted;
		else if (strcmp(line, "failed") == 0)
			count = &s.failed;
		if (count)
			*count = (unsigned int)strtoul(value, NULL, 10);
	}
	if (!s.time[0])
		return -EBADMSG;
	*ret = s;
	return 0;
}

/* --------------------------------------------------- status and getters */

int daxmap_config_status_new(struct daxmap_ctx *ctx, struct daxmap_topology *t,
			     struct daxmap_config_status **ret)
{
	_cleanup_(daxmap_config_unrefp) struct daxmap_config *cfg = NULL;
	struct daxmap_config_status *s;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dir = strdup(ctx->config_dir);
	if (!s->dir)
		goto oom;
	r = daxmap_config_load(ctx, &cfg, &s->error);
	if (r == -ENOMEM)
		goto oom;
	if (r < 0 && !s->error &&
	    asprintf(&s->error, "%s: %s", ctx->config_dir, strerror(-r)) < 0)
		goto oom;
	if (r < 0) {
		s->files = calloc(1, sizeof(*s->files));
	} else {
		s->files = daxmap_strv_copy(daxmap_config_get_files(cfg));
		if (s->files && check_all(cfg, t, &s->checks) < 0)
			goto oom;
	}
	if (!s->files)
		goto oom;
	s->has_last_apply = read_last_apply(ctx, &s->last_apply) == 0;
	*ret = s;
	return 0;
oom:
	daxmap_config_status_free(s);
	return -ENOMEM;
}

DAXMAP_EXPORT const char *
daxmap_topology_get_config_dir(struct daxmap_topology *t)
{
	return t->config ? t->config->dir : NULL;
}

DAXMAP_EXPORT const char *
daxmap_topology_get_config_file(struct daxmap_topology *t, int i)
{
	return t->config ? daxmap_strv_at(t->config->files, i) : NULL;
}

DAXMAP_EXPORT const char *
daxmap_topology_get_config_error(struct daxmap_topology *t)
{
	return t->config ? t->config->error : NULL;
}

DAXMAP_EXPORT struct daxmap_config_check *
daxmap_topology_get_config_checks(struct daxmap_topology *t)
{
	return t->config ? t->config->checks : NULL;
}

DAXMAP_EXPORT int daxmap_topology_get_last_apply(struct daxmap_topology *t,
						 struct daxmap_apply_summary *ret)
{
	if (!t->config || !t->config->has_last_apply)
		return -ENOENT;
	*ret = t->config->last_apply;
	return 0;
}

DAXMAP_EXPORT const char *daxmap_config_state_name(enum daxmap_config_state s)
{
	switch (s) {
	case DAXMAP_CONFIG_OK:
		return "ok";
	case DAXMAP_CONFIG_MISSING:
		return "missing";
	case DAXMAP_CONFIG_DRIFT:
		return "drift";
	default:
		return "unknown";
	}
}

DAXMAP_EXPORT const char *
daxmap_apply_outcome_name(enum daxmap_apply_outcome o)
{
	static const char *const names[] = {
		[DAXMAP_APPLY_NOTHING] = "none",
		[DAXMAP_APPLY_UNCHANGED] = "unchanged",
		[DAXMAP_APPLY_CREATED] = "created",
		[DAXMAP_APPLY_RECREATED] = "recreated",
		[DAXMAP_APPLY_WOULD_CREATE] = "would-create",
		[DAXMAP_APPLY_WOULD_RECREATE] = "would-recreate",
		[DAXMAP_APPLY_LEFT_DRIFTED] = "left-drifted",
		[DAXMAP_APPLY_FAILED] = "failed",
	};

	return (unsigned int)o < ARRAY_SIZE(names) ? names[o] : "unknown";
}

DAXMAP_EXPORT struct daxmap_config_check *
daxmap_config_check_get_next(struct daxmap_config_check *c)
{
	return c->next;
}

DAXMAP_EXPORT const char *
daxmap_config_check_get_name(struct daxmap_config_check *c)
{
	return c->name;
}

DAXMAP_EXPORT enum daxmap_config_state
daxmap_config_check_get_state(struct daxmap_config_check *c)
{
	return c->state;
}

DAXMAP_EXPORT const char *
daxmap_config_check_get_namespace(struct daxmap_config_check *c)
{
	return c->namespace;
}

DAXMAP_EXPORT int
daxmap_config_check_get_num_drifts(struct daxmap_config_check *c)
{
	return c->ndrifts;
}

DAXMAP_EXPORT int daxmap_config_check_get_drift(struct daxmap_config_check *c,
						int i, const char **ret_key,
						const char **ret_want,
						const char **ret_have)
{
	if (i < 0 || i >= c->ndrifts)
		return -ENOENT;
	*ret_key = c->drifts[i].key;
	*ret_want = c->drifts[i].want;
	*ret_have = c->drifts[i].have;
	return 0;
}

DAXMAP_EXPORT enum daxmap_apply_outcome
daxmap_config_check_get_outcome(struct daxmap_config_check *c)
{
	return c->outcome;
}

DAXMAP_EXPORT const char *
daxmap_config_check_get_message(struct daxmap_config_check *c)
{
	return c->message;
}

/* ---------------------------------------------------------------- apply */

static int set_message(struct daxmap_config_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int set_message(struct daxmap_config_check *c, const char *fmt, ...)
{
	va_list args;
	int r;

	free(c->message);
	va_start(args, fmt);
	r = vasprintf(&c->message, fmt, args);
	va_end(args);
	if (r < 0) {
		c->message = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* "size is 2G, the configuration says 4G; align is 2M, ... says 1G" */
static int drift_sentence(struct daxmap_config_check *c, char **ret)
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
		r = set_message(c, "%s:%d: %s",
				daxmap_config_namespace_get_file(cn),
				daxmap_config_namespace_get_line(cn),
				message ? message : strerror(-r));
	} else if (dry_run) {
		r = set_message(c, "a %s namespace on %s", 
				daxmap_create_plan_get_mode(plan),
				daxmap_create_plan_get_region(plan));
	} else {
		free(c->namespace);
		c->namespace = TAKE_PTR(devname);
		c->managed = true;
		r = set_message(c, "%s on %s", c->namespace,
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

	r = drift_sentence(c, &drift);
	if (r < 0)
		return r;
	if (!c->recreate) {
		c->outcome = DAXMAP_APPLY_LEFT_DRIFTED;
		return set_message(c, "%s; left as it is (recreate = yes in its section would destroy and recreate it, and its data)",
				   drift);
	}
	if (!c->managed) {
		c->outcome = DAXMAP_APPLY_LEFT_DRIFTED;
		return set_message(c, "%s; left as it is: daxmap did not create %s, so recreate = yes does not apply",
				   drift, c->namespace);
	}
	if (dry_run) {
		c->outcome = DAXMAP_APPLY_WOULD_RECREATE;
		return set_message(c, "%s; would be destroyed and created again",
				   drift);
	}
	r = daxmap_destroy_namespace(ctx, c->namespace, 0, &gone, NULL,
				     &message);
	if (r < 0) {
		c->outcome = DAXMAP_APPLY_FAILED;
		return set_message(c, "%s; not recreated: %s", drift,
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
	struct daxmap_config_check **tail, *c;
	struct daxmap_config_namespace *cn;
	struct daxmap_apply_report *report;
	struct daxmap_topology *t = NULL;
	struct daxmap_apply_summary sum;
	int r;

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
				r = set_message(c, "recreated as %s",
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
	daxmap_topology_unref(t);

	if (!dry_run) {
		daxmap_apply_count(report->checks, &sum);
		memcpy(sum.time, report->time, sizeof(sum.time));
		sum.dry_run = false;
		r = write_last_apply(ctx, &sum);
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
