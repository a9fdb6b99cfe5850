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

/*
 * A [device NAME] section (config.c), read by drift.c and apply.c: a dax
 * device on a dynamic dax region, matched by region, provider and
 * numa_node (each one said must hold), of size bytes or percent of the
 * region's size.
 */
struct daxmap_config_device {
	struct daxmap_config_device *next;
	char *name;
	char *file;
	int line;		/* of the [device NAME] line */
	char *region;		/* "hmem.0" or daxctl's id; NULL: any */
	char *provider;		/* "hmem", "cxl"; NULL: any */
	int numa_node;		/* the dax region's; -1: any */
	uint64_t size;
	unsigned int percent;	/* of the region's size */
	uint64_t align;		/* 0: 2M */
	enum daxmap_mode mode;	/* DEVDAX or SYSTEM_RAM; UNKNOWN: devdax */
	int memmap_on_memory;	/* -1 not said, else 0 or 1 */
	int movable;		/* -1 not said, else 1 (0 is refused) */
	bool recreate;		/* a drifted device of daxmap's: made again */
	bool replace;		/* a kernel's devdax device may be removed */
	unsigned int keys_seen;	/* 1 << index in device_keys, for repeats */
};

struct daxmap_drift {
	const char *key;	/* static: "size", "align", ... */
	char want[32];
	char have[32];
};

struct daxmap_config_check {
	struct daxmap_config_check *next;
	char *name;
	enum daxmap_config_kind kind;
	enum daxmap_config_state state;
	char *namespace;	/* the namespace of that name, or NULL */
	char *device;		/* a [device] section's daxX.Y, or NULL */
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

/* drift.c: device section @cd held against @t, likewise. */
int daxmap_config_device_check_new(struct daxmap_config_device *cd,
				   struct daxmap_topology *t,
				   struct daxmap_config_check **ret);

/*
 * drift.c: the dynamic dax region of @t that device section @cd would be
 * made on: of those its region, provider and numa_node match, the one
 * with the most free space; NULL when none matches.
 */
struct daxmap_dax_region *
daxmap_config_device_region(struct daxmap_config_device *cd,
			    struct daxmap_topology *t);
/* The name of @r that daxmap_create_device() takes: "hmem.0". */
const char *daxmap_dax_region_name(struct daxmap_dax_region *r);

void daxmap_config_checks_free(struct daxmap_config_check *list);
/* drift.c: sets @c's sentence (apply's message), replacing any before. */
int daxmap_config_check_say(struct daxmap_config_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
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

/* apply.c: "size is 2G, the configuration says 4G; ...", of @c's drifts. */
int daxmap_config_check_drift_sentence(struct daxmap_config_check *c,
				       char **ret);

/*
 * apply-device.c: decides and does what device section @cd needs; @c is
 * its check against *@t, which it may scan again (a recreate). Returns 0
 * with @c's outcome and message, or -ENOMEM / -errno of a scan.
 */
int daxmap_apply_device_section(struct daxmap_ctx *ctx,
				struct daxmap_kernel *k,
				struct daxmap_topology **t,
				struct daxmap_config_device *cd, bool dry_run,
				struct daxmap_config_check *c);

/* The name of a drift key as the documents spell it, interned. */
const char *daxmap_drift_key(const char *key);

#endif /* DAXMAP_CHECKS_H */
