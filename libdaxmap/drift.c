// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration held against the host, pure: a section names a
 * namespace by its label name, and held against a topology it is ok (a
 * namespace of that name is there as said), missing, or drifted (there,
 * but with another size, align, mode or map). One check per section, with
 * the drifts found, and the getters of a check.
 */
#include <errno.h>
#include <inttypes.h>
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
		free(list->message);
		free(list);
		list = next;
	}
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
int daxmap_config_checks_new(struct daxmap_config *cfg,
			     struct daxmap_topology *t,
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
