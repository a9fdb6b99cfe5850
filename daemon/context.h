/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daxmapd's state: one context, one event loop, one thread that owns it
 * all, and a worker thread for the changes (worker.h), which touches none
 * of it.
 */
#ifndef DAXMAPD_CONTEXT_H
#define DAXMAPD_CONTEXT_H

#include <stdbool.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-device.h>
#include <systemd/sd-event.h>

#include <daxmap.h>

#include "auth.h"
#include "exports.h"
#include "objects.h"
#include "worker.h"

#include "util/handles.h"

struct context {
	sd_event *event;
	sd_bus *bus;
	sd_device_monitor *monitor;	/* NULL when uevents cannot be had */
	sd_event_source *rescan_timer;	/* the uevent debounce */

	/*
	 * The library's context only carries settings (log, roots): every
	 * scan opens fresh libndctl/libdaxctl contexts, which never refresh.
	 */
	struct daxmap_ctx *dm;
	struct daxmap_kernel *kernel;
	/* The last configuration that loaded; NULL before one did. */
	struct daxmap_config *config;

	/*
	 * The last good scan, which GetStatus answers from while it is
	 * fresh: no uevent since (without uevents, younger than
	 * STATUS_MAX_AGE), its mappers found again when older than
	 * STATUS_MAX_AGE (who maps a device changes without a uevent).
	 * NULL before a scan succeeded.
	 */
	struct daxmap_topology *topology;
	uint64_t topology_usec;		/* CLOCK_MONOTONIC, once it was done */
	uint64_t mappers_usec;		/* its mappers' pass, likewise */
	bool topology_stale;		/* a uevent came since */
	/* udevd runs and the monitor hears it: the topology changes only
	 * with a uevent, and only the mappers need looking at again. */
	bool uevents;
	/* The configuration held against it; NULL: to be read again (it
	 * changed, per inotify, or the topology did). */
	struct daxmap_config_status *config_status;
	/* The configuration's directories watched; false: kept for
	 * STATUS_MAX_AGE only. */
	bool config_watched;
	uint64_t config_status_usec;
	sd_event_source *config_watch[2];
	/* Bumped whenever the topology, its mappers or the configuration
	 * status change: the last GetStatus document is kept until then,
	 * for the same viewer and flags. */
	unsigned long status_generation;
	struct {
		char *json;		/* valid UTF-8 */
		unsigned long generation;
		uid_t viewer;
		unsigned int flags;
	} status_doc;

	/* What the objects on the bus show: the last good scan. */
	struct object_set objects;
	struct manager_props manager;
	const char *version;

	struct auth auth;
	/* The files kept for node_exporter, NFD and container runtimes. */
	struct exports exports;
	/* Where the changes run, off the loop. */
	struct worker worker;

	/* Signals are emitted once the bus name is ours. */
	bool announced;
	/* The last scan failed: STATUS= says so until one succeeds. */
	bool scan_failed;
	/* The last STATUS= sent, so that only changes are. */
	char *last_status;
};

enum scan_flags {
	SCAN_PROBE_KERNEL = 1 << 0,	/* probe the kernel again too */
};

/*
 * Scans the host with fresh library contexts, makes the result what the
 * objects show, and signals the differences once announced. On failure
 * the objects keep showing the last good scan. @ret_topology (may be
 * NULL) receives the scan; @error (may be NULL) says what failed.
 */
int context_scan(struct context *c, unsigned int flags,
		 struct daxmap_topology **ret_topology, sd_bus_error *error);

/*
 * Makes @objects (finished) and @manager what the bus shows, taking both
 * over, and, once announced, signals how they differ from what it showed.
 */
void context_show(struct context *c, struct object_set *objects,
		  struct manager_props *manager);

/* Rescans shortly, once, however many uevents arrive meanwhile. */
void context_schedule_rescan(struct context *c);

/*
 * How long a scan answers GetStatus, and how often a caller other than
 * root can make the daemon scan (GetStatus, Reload): a thousand
 * GetStatus a second cost one scan a second.
 */
#define STATUS_MAX_AGE (1 * USEC_PER_SEC)

/*
 * The topology and configuration status GetStatus answers from: the
 * cached ones while fresh, else a new scan's. Both stay the context's.
 */
int context_current(struct context *c, struct daxmap_topology **ret_t,
		    struct daxmap_config_status **ret_cs, sd_bus_error *error);

/* Whether the last scan is younger than @max_age. */
bool context_scan_is_fresh(struct context *c, uint64_t max_age);

/* Watches the configuration's directories; -errno when it cannot. */
int context_watch_config(struct context *c);

/* Watches the nd and dax subsystems; -errno when it cannot. */
int context_start_monitor(struct context *c);

/* Registers /org/daxmap1 (org.daxmap1.Manager, ObjectManager). */
int manager_register(struct context *c);

/* The Manager's vtable, for comparing its properties after a scan. */
extern const sd_bus_vtable manager_vtable[];

#endif /* DAXMAPD_CONTEXT_H */
