// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration held against the host, pure: a section names a
 * namespace by its label name, and held against a topology it is ok (a
 * namespace of that name is there as said), missing, or drifted (there,
 * but with another size, align, mode or map). A [device NAME] section
 * names a dax device on a dynamic dax region by the name daxmap recorded
 * when it made it (a dax device carries none): ok, missing, or drifted in
 * size, align, mode, region or memmap_on_memory. One check per section,
 * the namespaces' first, with the drifts found, and the getters of a
 * check.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks.h"
#include "topology.h"

void daxmap_config_checks_free(struct daxmap_config_check *list)
{
	while (list) {
		struct daxmap_config_check *next = list->next;

		free(list->name);
		free(list->namespace);
		free(list->device);
		free(list->message);
		free(list);
		list = next;
	}
}

int daxmap_config_check_say(struct daxmap_config_check *c, const char *fmt, ...)
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

const char *daxmap_drift_key(const char *key)
{
	static const char *const keys[] = {
		"size", "align", "mode", "map", "region", "memmap_on_memory",
		NULL,
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

/* ------------------------------------------------------ device sections */

const char *daxmap_dax_region_name(struct daxmap_dax_region *r)
{
	const char *slash = r->path ? strrchr(r->path, '/') : NULL;

	return slash ? slash + 1 : r->path ? r->path : "";
}

/* Whether @want names @r: as daxmapctl status does (hmem.0), by daxctl's
 * id (0) or daxctl's device name (region0), as daxmap_create_device()
 * takes them. */
static bool region_is(struct daxmap_dax_region *r, const char *want)
{
	char id[24];

	if (strcmp(daxmap_dax_region_name(r), want) == 0)
		return true;
	snprintf(id, sizeof(id), "%d", r->id);
	if (strcmp(id, want) == 0)
		return true;
	snprintf(id, sizeof(id), "region%d", r->id);
	return strcmp(id, want) == 0;
}

/* Whether @r is one section @cd may have its device on: each key said
 * holds. An NVDIMM's region never is: a namespace fixes its device. */
static bool region_fits(struct daxmap_config_device *cd,
			struct daxmap_dax_region *r)
{
	return daxmap_dax_region_is_dynamic(r) &&
	       (!cd->region || region_is(r, cd->region)) &&
	       (!cd->provider ||
		(r->provider && strcmp(r->provider, cd->provider) == 0)) &&
	       (cd->numa_node < 0 || r->numa_node == cd->numa_node);
}

struct daxmap_dax_region *
daxmap_config_device_region(struct daxmap_config_device *cd,
			    struct daxmap_topology *t)
{
	struct daxmap_dax_region *r, *best = NULL;

	if (!t)
		return NULL;
	daxmap_dax_region_foreach(t, r)
		if (region_fits(cd, r) &&
		    (!best || r->available_size > best->available_size))
			best = r;
	return best;
}

static struct daxmap_device *device_named(struct daxmap_topology *t,
					  const char *name)
{
	struct daxmap_device *d;

	daxmap_device_foreach(t, d)
		if (daxmap_device_get_name(d) &&
		    strcmp(daxmap_device_get_name(d), name) == 0)
			return d;
	return NULL;
}

/* What a section's match keys say, for a region drift: "hmem.0",
 * "provider cxl, numa_node 1". */
static void match_words(struct daxmap_config_device *cd, char *buf,
			size_t len)
{
	if (cd->region) {
		snprintf(buf, len, "%s", cd->region);
		return;
	}
	snprintf(buf, len, "%s%s%s", cd->provider ? "provider " : "",
		 cd->provider ? cd->provider : "",
		 cd->provider && cd->numa_node >= 0 ? ", " : "");
	if (cd->numa_node >= 0)
		snprintf(buf + strlen(buf), len - strlen(buf), "numa_node %d",
			 cd->numa_node);
}

/*
 * Holds device section @cd against @t. As for namespaces, only what the
 * section says is held: a percentage, align or match key not given is
 * not a drift. movable is not held: the kernel shows it per memory block
 * only, and daxmap onlines movable whatever it makes.
 */
int daxmap_config_device_check_new(struct daxmap_config_device *cd,
				   struct daxmap_topology *t,
				   struct daxmap_config_check **ret)
{
	enum daxmap_mode want_mode = cd->mode ?: DAXMAP_MODE_DEVDAX;
	struct daxmap_config_check *c;
	struct daxmap_device *d;
	bool ram;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->kind = DAXMAP_CONFIG_KIND_DEVICE;
	c->name = strdup(cd->name);
	c->recreate = cd->recreate;
	d = t ? device_named(t, cd->name) : NULL;
	if (!c->name || (d && !(c->device = strdup(d->devname)))) {
		daxmap_config_checks_free(c);
		return -ENOMEM;
	}
	if (!d) {
		c->state = DAXMAP_CONFIG_MISSING;
		*ret = c;
		return 0;
	}
	c->managed = daxmap_device_is_managed(d);

	if (cd->size && d->size != cd->size)
		add_size_drift(c, "size", cd->size, d->size);
	if (cd->align && d->align != cd->align)
		add_size_drift(c, "align", cd->align, d->align);
	if (strcmp(d->mode, daxmap_mode_name(want_mode)) != 0)
		add_drift(c, "mode", daxmap_mode_name(want_mode), d->mode);
	if ((cd->region || cd->provider || cd->numa_node >= 0) &&
	    (!d->dax_region || !region_fits(cd, d->dax_region))) {
		char want[32];

		match_words(cd, want, sizeof(want));
		add_drift(c, "region", want,
			  d->dax_region ? daxmap_dax_region_name(d->dax_region) :
					  NULL);
	}
	/* Where the memmap went is decided when memory is onlined: only a
	 * device in system-ram mode shows it. */
	ram = strcmp(d->mode, "system-ram") == 0;
	if (cd->memmap_on_memory >= 0 && ram &&
	    want_mode == DAXMAP_MODE_SYSTEM_RAM &&
	    d->memmap_on_memory != (bool)cd->memmap_on_memory)
		add_drift(c, "memmap_on_memory",
			  cd->memmap_on_memory ? "yes" : "no",
			  d->memmap_on_memory ? "yes" : "no");
	c->state = c->ndrifts ? DAXMAP_CONFIG_DRIFT : DAXMAP_CONFIG_OK;
	*ret = c;
	return 0;
}

/*
 * Checks every section of @cfg against @t: the [namespace] sections in the
 * configuration's order, then the [device] sections in theirs.
 */
int daxmap_config_checks_new(struct daxmap_config *cfg,
			     struct daxmap_topology *t,
			     struct daxmap_config_check **ret)
{
	struct daxmap_config_check *list = NULL, **tail = &list;
	struct daxmap_config_namespace *cn;
	struct daxmap_config_device *cd;
	int r;

	daxmap_config_namespace_foreach(cfg, cn) {
		r = daxmap_config_check_new(cn, t, tail);
		if (r < 0)
			goto fail;
		tail = &(*tail)->next;
	}
	daxmap_config_device_foreach(cfg, cd) {
		r = daxmap_config_device_check_new(cd, t, tail);
		if (r < 0)
			goto fail;
		tail = &(*tail)->next;
	}
	*ret = list;
	return 0;
fail:
	daxmap_config_checks_free(list);
	return r;
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

DAXMAP_EXPORT const char *daxmap_config_kind_name(enum daxmap_config_kind kind)
{
	switch (kind) {
	case DAXMAP_CONFIG_KIND_NAMESPACE:
		return "namespace";
	case DAXMAP_CONFIG_KIND_DEVICE:
		return "device";
	default:
		return "unknown";
	}
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

DAXMAP_EXPORT enum daxmap_config_kind
daxmap_config_check_get_kind(struct daxmap_config_check *c)
{
	return c->kind;
}

DAXMAP_EXPORT const char *
daxmap_config_check_get_namespace(struct daxmap_config_check *c)
{
	return c->namespace;
}

DAXMAP_EXPORT const char *
daxmap_config_check_get_device(struct daxmap_config_check *c)
{
	return c->device;
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
