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
#include "refresh.h"
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
		size_t len;
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
	/* Where the status is refreshed, off the loop. */
	struct refresh refresh;
	/* Bumped whenever a scan is installed: a refresh made against an
	 * older one is old news. */
	unsigned long topology_seq;
	/* Bumped with every uevent: whether one came while a scan ran. */
	unsigned long uevent_seq;

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

/*
 * Makes @t (a finished scan, @t stays the caller's) what the objects show
 * and GetStatus answers from, as of @usec (CLOCK_MONOTONIC), and signals
 * the differences, as context_scan() does after its scan.
 */
int context_install(struct context *c, struct daxmap_topology *t,
		    unsigned int flags, uint64_t usec, sd_bus_error *error);

/* Logs a scan's failure @r once, says so in STATUS=, fills @error. */
int context_scan_failed(struct context *c, int r, sd_bus_error *error,
			const char *what);

/* Rescans shortly, once, however many uevents arrive meanwhile. */
void context_schedule_rescan(struct context *c);

/*
 * How long a scan answers GetStatus, and how often a caller other than
 * root can make the daemon scan (GetStatus, Reload): a thousand
 * GetStatus a second cost one scan a second.
 */
#define STATUS_MAX_AGE (1 * USEC_PER_SEC)

/*
 * How long the mappers are kept: STATUS_MAX_AGE, or, where a pass over
 * /proc takes longer than a quarter of that (a thousand processes under
 * TCG take half a second), STATUS_PASS_SHARE times as long as the last
 * pass took, so that finding them takes at most that share of a CPU.
 * Once they are that old less twice the last pass's time, a GetStatus
 * starts the next pass off the loop and is answered from the last one:
 * under a steady load the next is done before they are too old, and no
 * call waits for one.
 */
#define STATUS_PASS_SHARE 4

/*
 * Whether GetStatus can answer from c->topology and c->config_status:
 * 1 (yes), 0 (a refresh off the loop was started or runs: wait for it
 * with context_status_wait()), or -errno with @error set.
 */
int context_status_ready(struct context *c, sd_bus_error *error);

/* Reads the configuration's status again if it changed; -errno. */
int context_status_config(struct context *c, sd_bus_error *error);

/*
 * Holds @call until the refresh under way is done, then answers it with
 * status_reply() for @viewer and @flags. Returns 1, as a method handler
 * that replies later, or -ENOMEM.
 */
int context_status_wait(struct context *c, sd_bus_message *call,
			uid_t viewer, unsigned int flags);

/* Answers the calls waiting, after a scan on the loop made them fresh. */
void context_answer_waiting(struct context *c);

/* GetStatus's reply to @call from the current status (manager.c). */
int status_reply(struct context *c, sd_bus_message *call, uid_t viewer,
		 unsigned int flags, sd_bus_error *error);

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
