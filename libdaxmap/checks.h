/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration held against the host: one check per [namespace NAME]
 * section (drift.c), kept in a configuration status and in an
 * apply report, rendered by json.c (and read back by the unit tests'
 * fixture loader).
 */
#ifndef DAXMAP_CHECKS_H
#define DAXMAP_CHECKS_H

#include "private.h"

#define DAXMAP_MAX_DRIFTS 6

struct daxmap_drift {
	const char *key;	/* static: "size", "align", ... */
	char want[32];
	char have[32];
};

struct daxmap_config_check {
	struct daxmap_config_check *next;
	char *name;
	enum daxmap_config_state state;
	char *namespace;	/* the namespace of that name, or NULL */
	bool managed;
	bool recreate;
	int ndrifts;
	struct daxmap_drift drifts[DAXMAP_MAX_DRIFTS];
	/* In an apply report: what was done, and a sentence about it. */
	enum daxmap_apply_outcome outcome;
	char *message;
};

/* What status shows of the configuration. */
struct daxmap_config_status {
	char *dir;
	char **files;		/* NULL-terminated */
	char *error;		/* the configuration does not load: why */
	struct daxmap_config_check *checks;
	bool has_last_apply;
	struct daxmap_apply_summary last_apply;
};

struct daxmap_apply_report {
	bool dry_run;
	char time[32];
	char **files;		/* NULL-terminated */
	struct daxmap_config_check *checks;
};

/* config.c: the files a configuration was read from, NULL-terminated. */
char *const *daxmap_config_get_files(struct daxmap_config *c);

static inline void daxmap_config_unrefp(struct daxmap_config **c)
{
	daxmap_config_unref(*c);
}

/*
 * apply.c: section @cn held against @t (NULL: an empty host). Pure, for
 * the unit tests too.
 */
int daxmap_config_check_new(struct daxmap_config_namespace *cn,
			    struct daxmap_topology *t,
			    struct daxmap_config_check **ret);

void daxmap_config_checks_free(struct daxmap_config_check *list);
/* drift.c: every section of @cfg against @t, in the configuration's order. */
int daxmap_config_checks_new(struct daxmap_config *cfg,
			     struct daxmap_topology *t,
			     struct daxmap_config_check **ret);

/* last-apply.c: STATE/last-apply, written atomically; -ENOENT without. */
int daxmap_last_apply_write(struct daxmap_ctx *ctx,
			    const struct daxmap_apply_summary *s);
int daxmap_last_apply_read(struct daxmap_ctx *ctx,
			   struct daxmap_apply_summary *ret);

/* Counts @list's outcomes into @ret (time and dry_run left alone). */
void daxmap_apply_count(const struct daxmap_config_check *list,
			struct daxmap_apply_summary *ret);

/* The name of a drift key as the documents spell it, interned. */
const char *daxmap_drift_key(const char *key);

#endif /* DAXMAP_CHECKS_H */
