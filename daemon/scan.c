// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scans, and what follows them: the objects and the Manager's properties
 * replaced, the differences signalled (InterfacesAdded, InterfacesRemoved,
 * PropertiesChanged), STATUS= updated. Scans come at start, from Reload
 * and after a change, on the loop (the reply waits for them); 100 ms
 * after the first of a burst of uevents, and from GetStatus when a uevent
 * came since (or, without uevents, the last is older than
 * STATUS_MAX_AGE), off it (refresh.c), as do the passes for the mappers.
 * GetStatus answers from the last otherwise (context_status_ready()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "context.h"
#include "log.h"
#include "util.h"

/* A create or destroy comes as a burst of uevents: scan once after it. */
#define RESCAN_DELAY (100 * USEC_PER_MSEC)
#define RESCAN_ACCURACY (10 * USEC_PER_MSEC)

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC +
	       (uint64_t)ts.tv_nsec / 1000;
}

static void on_removed(struct object *old, void *userdata)
{
	struct context *c = userdata;
	int r;

	log_info("%s went away", old->device_name);
	r = sd_bus_emit_object_removed(c->bus, old->path);
	if (r < 0)
		log_errno(LOG_WARNING, r, "cannot signal that %s went away",
			  old->path);
}

static void on_added(struct object *new, void *userdata)
{
	struct context *c = userdata;
	int r;

	log_info("%s appeared", new->device_name);
	r = sd_bus_emit_object_added(c->bus, new->path);
	if (r < 0)
		log_errno(LOG_WARNING, r, "cannot signal that %s appeared",
			  new->path);
}

static void on_changed(struct object *new, const char **names, void *userdata)
{
	struct context *c = userdata;
	int r;

	log_debug("%s: %s%s changed", new->device_name, names[0],
		  names[1] ? " and more" : "");
	r = sd_bus_emit_properties_changed_strv(c->bus, new->path,
						object_kind_interface(new->kind),
						(char **)names);
	if (r < 0)
		log_errno(LOG_WARNING, r, "cannot signal the changes of %s",
			  new->path);
}

void context_show(struct context *c, struct object_set *objects,
		  struct manager_props *manager)
{
	static const struct object_diff_ops removed_ops = {
		.removed = on_removed,
	};
	static const struct object_diff_ops added_changed_ops = {
		.added = on_added,
		.changed = on_changed,
	};
	struct object_set old = c->objects;
	struct manager_props old_manager = c->manager;
	const char *names[32 + 1];

	/*
	 * sd-bus lists the interfaces of a removed object by finding it, so
	 * InterfacesRemoved goes out while the old objects are still live;
	 * InterfacesAdded reads the properties, so it goes out after.
	 */
	if (c->announced)
		object_set_diff(&c->objects, objects, &removed_ops, c);
	c->objects = *objects;
	*objects = (struct object_set){ 0 };
	if (c->announced)
		object_set_diff(&old, &c->objects, &added_changed_ops, c);
	object_set_clear(&old);

	c->manager = *manager;
	*manager = (struct manager_props){ 0 };
	if (c->announced &&
	    properties_changed(manager_vtable, offsetof(struct context, manager),
			       &old_manager, &c->manager, names,
			       ARRAY_SIZE(names) - 1)) {
		int r = sd_bus_emit_properties_changed_strv(
			c->bus, DAXMAP_MANAGER_PATH, DAXMAP_MANAGER_INTERFACE,
			(char **)names);

		if (r < 0)
			log_errno(LOG_WARNING, r,
				  "cannot signal the Manager's changes");
	}
	manager_props_clear(&old_manager);
}

/*
 * STATUS= for systemctl status, sent when it changes: GetStatus scans on
 * every call, and the service manager need not hear each of them.
 */
static void notify_status(struct context *c, int scan_error)
{
	_cleanup_free_ char *text = NULL;
	int r;

	if (scan_error < 0)
		r = asprintf(&text,
			     "Scan failed (%s); showing the last good scan: %u regions, %u namespaces, %u dax devices",
			     strerror(-scan_error), c->manager.regions,
			     c->manager.namespaces, c->manager.devices);
	else
		r = asprintf(&text, "%u regions, %u namespaces, %u dax devices%s",
			     c->manager.regions, c->manager.namespaces,
			     c->manager.devices,
			     c->monitor ? "" :
			     " (no uevents: changes show after Reload)");
	if (r < 0) {
		text = NULL;
		return;
	}
	if (c->last_status && streq(c->last_status, text))
		return;
	(void)sd_notifyf(false, "STATUS=%s", text);
	free(c->last_status);
	c->last_status = TAKE_PTR(text);
}

int context_scan_failed(struct context *c, int r, sd_bus_error *error,
			const char *what)
{
	if (!c->scan_failed)
		log_errno(LOG_ERR, r, "%s", what);
	c->scan_failed = true;
	notify_status(c, r);
	return sd_bus_error_setf(error, DAXMAP_ERROR_FAILED, "%s: %s.", what,
				 strerror(-r));
}

int context_install(struct context *c, struct daxmap_topology *t,
		    unsigned int flags, uint64_t usec, sd_bus_error *error)
{
	struct manager_props manager = { 0 };
	struct object_set objects = { 0 };
	int r;

	r = object_set_from_topology(t, &objects);
	if (r < 0)
		return context_scan_failed(c, r, error,
					   "Cannot build the bus objects");
	r = manager_props_from_scan(c->kernel, t, &manager);
	if (r < 0) {
		object_set_clear(&objects);
		return context_scan_failed(c, r, error,
					   "Cannot build the bus objects");
	}

	context_show(c, &objects, &manager);
	daxmap_topology_unref(c->topology);
	c->topology = daxmap_topology_ref(t);
	c->topology_usec = c->mappers_usec = usec;
	c->topology_stale = false;
	c->topology_seq++;
	c->status_generation++;
	/* Its checks are against the host as it was. */
	c->config_status = daxmap_config_status_free(c->config_status);
	/* A full rescan (Reload, SIGHUP) rewrites every file, as it was. */
	exports_update(&c->exports, c->dm, c->kernel, t,
		       flags & SCAN_PROBE_KERNEL);
	if (c->scan_failed)
		log_notice("Scanning works again");
	c->scan_failed = false;
	notify_status(c, 0);
	return 0;
}

int context_scan(struct context *c, unsigned int flags,
		 struct daxmap_topology **ret_topology, sd_bus_error *error)
{
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	int r;

	if (flags & SCAN_PROBE_KERNEL) {
		struct daxmap_kernel *k;

		r = daxmap_kernel_probe(c->dm, &k);
		if (r < 0)
			return context_scan_failed(c, r, error,
						   "Cannot probe the running kernel");
		daxmap_kernel_unref(c->kernel);
		c->kernel = k;
	}

	r = daxmap_topology_scan(c->dm, c->kernel, &t);
	if (r < 0)
		return context_scan_failed(c, r, error,
					   "Cannot scan regions, namespaces and dax devices");
	/* Its age counts from its end: a scan may take seconds. */
	r = context_install(c, t, flags, now_usec(), error);
	if (r < 0)
		return r;
	/* Calls that waited for a refresh get this newer scan. */
	context_answer_waiting(c);
	if (ret_topology)
		*ret_topology = TAKE_PTR(t);
	return 0;
}

bool context_scan_is_fresh(struct context *c, uint64_t max_age)
{
	if (!c->topology || c->topology_stale)
		return false;
	return now_usec() - c->topology_usec < max_age;
}

int context_status_config(struct context *c, sd_bus_error *error)
{
	int r;

	/* The files as they are: kept while inotify says they did not
	 * change, or, unwatched, for STATUS_MAX_AGE. */
	if (c->config_status &&
	    (c->config_watched ||
	     now_usec() - c->config_status_usec < STATUS_MAX_AGE))
		return 0;
	c->config_status = daxmap_config_status_free(c->config_status);
	r = daxmap_config_status_new(c->dm, c->topology, &c->config_status);
	if (r < 0)
		return sd_bus_error_set_errnof(error, r,
					       "Cannot read the configuration: %m");
	c->config_status_usec = now_usec();
	c->status_generation++;
	return 0;
}

int context_status_ready(struct context *c, sd_bus_error *error)
{
	uint64_t now = now_usec(), pass = c->refresh.mappers_took_usec;
	uint64_t keep = STATUS_PASS_SHARE * pass > STATUS_MAX_AGE ?
			STATUS_PASS_SHARE * pass : STATUS_MAX_AGE;
	int r;

	if (!c->topology) {
		/* No scan succeeded yet: nothing to answer from meanwhile. */
		r = context_scan(c, 0, NULL, error);
		if (r < 0)
			return r;
	} else if (c->topology_stale ||
		   (!c->uevents && now - c->topology_usec >= STATUS_MAX_AGE)) {
		/* A uevent came (or, without uevents, a second went): what
		 * the call gets comes from a scan begun after it. */
		if (refresh_start(c, REFRESH_TOPOLOGY) >= 0)
			return 0;
		r = context_scan(c, 0, NULL, error);
		if (r < 0)
			return r;
	} else if (now - c->mappers_usec >= keep) {
		/* Who maps a device changes without a uevent. */
		if (refresh_start(c, REFRESH_MAPPERS) >= 0)
			return 0;
		r = daxmap_topology_rescan_mappers(c->dm, c->kernel,
						   c->topology);
		if (r < 0)
			log_errno(LOG_DEBUG, r, "cannot find the mappers again");
		c->mappers_usec = now_usec();
		c->status_generation++;
	} else if (now - c->mappers_usec + 2 * pass >= keep) {
		/* Answered from these; the next call gets the new ones. */
		(void)refresh_start(c, REFRESH_MAPPERS);
	}
	r = context_status_config(c, error);
	return r < 0 ? r : 1;
}

static int on_config_changed(sd_event_source *s,
			     const struct inotify_event *event,
			     void *userdata)
{
	struct context *c = userdata;

	log_debug("configuration changed (%s): read again at the next GetStatus",
		  event->len ? event->name : "the directory");
	c->config_status = daxmap_config_status_free(c->config_status);
	c->status_generation++;
	/* The directory itself went: read the files every time from now. */
	if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
		c->config_watched = false;
	return 0;
}

int context_watch_config(struct context *c)
{
	static const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO |
				     IN_MOVED_FROM | IN_CREATE | IN_DELETE |
				     IN_DELETE_SELF | IN_MOVE_SELF |
				     IN_ATTRIB;
	_cleanup_free_ char *confd = NULL;
	const char *dir = daxmap_get_config_dir(c->dm);
	int r;

	if (asprintf(&confd, "%s/daxmap.conf.d", dir) < 0)
		return -ENOMEM;
	r = sd_event_add_inotify(c->event, &c->config_watch[0], dir, mask,
				 on_config_changed, c);
	if (r < 0)
		return r;
	/* daxmap.conf.d may not exist: then daxmap.conf's directory says
	 * when it is made, and it is read every time until the next start. */
	r = sd_event_add_inotify(c->event, &c->config_watch[1], confd, mask,
				 on_config_changed, c);
	if (r < 0 && r != -ENOENT)
		return r;
	c->config_watched = r >= 0;
	return 0;
}

static int on_rescan_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	/* Off the loop; a failure is logged and in STATUS=, and the next
	 * uevent tries again. */
	if (refresh_start(userdata, REFRESH_TOPOLOGY) < 0)
		context_scan(userdata, 0, NULL, NULL);
	return 0;
}

void context_schedule_rescan(struct context *c)
{
	int enabled = SD_EVENT_OFF, r;

	if (!c->rescan_timer) {
		r = sd_event_add_time_relative(c->event, &c->rescan_timer,
					       CLOCK_MONOTONIC, RESCAN_DELAY,
					       RESCAN_ACCURACY, on_rescan_timer,
					       c);
		if (r >= 0)
			return;
		log_errno(LOG_WARNING, r, "cannot delay the rescan");
		context_scan(c, 0, NULL, NULL);
		return;
	}
	/* Armed already: that scan will see this change too. */
	if (sd_event_source_get_enabled(c->rescan_timer, &enabled) >= 0 &&
	    enabled != SD_EVENT_OFF)
		return;
	r = sd_event_source_set_time_relative(c->rescan_timer, RESCAN_DELAY);
	if (r >= 0)
		r = sd_event_source_set_enabled(c->rescan_timer,
						SD_EVENT_ONESHOT);
	if (r < 0) {
		log_errno(LOG_WARNING, r, "cannot delay the rescan");
		context_scan(c, 0, NULL, NULL);
	}
}

static int on_uevent(sd_device_monitor *m, sd_device *d, void *userdata)
{
	const char *action = NULL, *name = NULL, *subsystem = NULL;

	(void)sd_device_get_property_value(d, "ACTION", &action);
	(void)sd_device_get_sysname(d, &name);
	(void)sd_device_get_subsystem(d, &subsystem);
	log_debug("uevent: %s %s (%s)", action ? action : "?",
		  name ? name : "?", subsystem ? subsystem : "?");
	/* GetStatus waits for a scan rather than answer stale. */
	((struct context *)userdata)->topology_stale = true;
	((struct context *)userdata)->uevent_seq++;
	context_schedule_rescan(userdata);
	return 0;
}

int context_start_monitor(struct context *c)
{
	_cleanup_(sd_device_monitor_unrefp) sd_device_monitor *m = NULL;
	int r;

	r = sd_device_monitor_new(&m);
	if (r < 0)
		return r;
	r = sd_device_monitor_filter_add_match_subsystem_devtype(m, "nd", NULL);
	if (r < 0)
		return r;
	r = sd_device_monitor_filter_add_match_subsystem_devtype(m, "dax",
								 NULL);
	if (r < 0)
		return r;
	r = sd_device_monitor_attach_event(m, c->event);
	if (r < 0)
		return r;
	(void)sd_device_monitor_set_description(m, "nd+dax");
	r = sd_device_monitor_start(m, on_uevent, c);
	if (r < 0)
		return r;
	c->monitor = TAKE_PTR(m);
	/*
	 * The monitor hears udevd's events, not the kernel's: without udevd
	 * (a container, an initramfs) it hears nothing, and should say so.
	 */
	c->uevents = access("/run/udev/control", F_OK) == 0;
	if (!c->uevents)
		log_warning("udevd is not running: changes made behind daxmapd's back show after Reload or GetStatus only");
	return 0;
}
