// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl as a client of daxmapd (org.daxmap1 on the system bus), and
 * the fallback to the library when the daemon is not there.
 *
 * The daemon is asked first, so that what daxmapctl shows is what
 * monitoring and other clients see, and changes go through the daemon's
 * authorisation (polkit for users who are not root). DBUS_SYSTEM_BUS_ADDRESS
 * points it at another bus, as it does every sd-bus client.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cleanup.h>

#include "client.h"

#ifdef HAVE_SD_BUS
#include <systemd/sd-bus.h>

#define BUS_NAME "org.daxmap1"
#define MANAGER_PATH "/org/daxmap1"
#define MANAGER_INTERFACE "org.daxmap1.Manager"

/*
 * A create measures the memmap around the enable (dropping caches twice)
 * and polkit may wait for a password: far past sd-bus's 25 s default.
 */
#define CALL_TIMEOUT_USEC (10ULL * 60 * 1000 * 1000)

struct cli_daemon {
	sd_bus *bus;
	/* Whether polkit may ask for a password: only with a terminal. */
	bool interactive;
	/* --measure: the creates measure the RAM they take. */
	bool measure;
};

static bool daemon_missing(const sd_bus_error *e)
{
	return sd_bus_error_has_names(e, SD_BUS_ERROR_SERVICE_UNKNOWN,
				      SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	       (e->name && strncmp(e->name, "org.freedesktop.DBus.Error.Spawn.",
				   33) == 0);
}

/* Says once, on stderr, that the daemon is not there and what happens. */
static int fall_back(unsigned int want, const char *why)
{
	if (want & CLI_WANT_DAEMON) {
		fprintf(stderr, PROGRAM ": daxmapd is not running (%s)\n", why);
		return EXIT_FAILED;
	}
	if ((want & CLI_WANT_CHANGE) && geteuid() != 0) {
		fprintf(stderr, PROGRAM ": daxmapd is not running (%s), and without it only root can change namespaces and devices\n",
			why);
		return EXIT_FAILED;
	}
	fprintf(stderr, PROGRAM ": daxmapd is not running (%s); using libdaxmap directly\n",
		why);
	return 0;
}

int cli_daemon_open(struct cli *cli, unsigned int want,
		    struct cli_daemon **ret_daemon)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	struct cli_daemon *d;
	int r;

	*ret_daemon = NULL;
	if (cli->direct)
		return 0;
	r = sd_bus_open_system(&bus);
	if (r < 0)
		return fall_back(want, "no system bus");
	/* Starts the daemon where D-Bus activation is installed. */
	r = sd_bus_call_method(bus, BUS_NAME, MANAGER_PATH,
			       "org.freedesktop.DBus.Peer", "Ping", &error,
			       NULL, NULL);
	if (r < 0) {
		if (daemon_missing(&error))
			return fall_back(want, error.message ? error.message :
							       error.name);
		return cli_error(r, "cannot reach daxmapd: %s",
				 error.message ? error.message : "no reply");
	}
	(void)sd_bus_set_method_call_timeout(bus, CALL_TIMEOUT_USEC);

	d = calloc(1, sizeof(*d));
	if (!d)
		return cli_error(-ENOMEM, "cannot talk to daxmapd");
	d->interactive = isatty(STDIN_FILENO);
	d->measure = cli->measure;
	/* polkit asks through the caller's agent only when it may. */
	(void)sd_bus_set_allow_interactive_authorization(bus, d->interactive);
	d->bus = TAKE_PTR(bus);
	*ret_daemon = d;
	return 0;
}

sd_bus *cli_daemon_bus(struct cli_daemon *d)
{
	return d->bus;
}

void cli_daemon_close(struct cli_daemon *d)
{
	if (!d)
		return;
	sd_bus_flush_close_unref(d->bus);
	free(d);
}

/* "daxmapctl: WHAT: the daemon's message", and EXIT_FAILED. */
static int daemon_error(const char *what, const sd_bus_error *e, int r)
{
	if (sd_bus_error_is_set(e))
		fprintf(stderr, PROGRAM ": %s: %s\n", what,
			e->message ? e->message : e->name);
	else
		fprintf(stderr, PROGRAM ": %s: %s\n", what, strerror(-r));
	return EXIT_FAILED;
}

/* Starts a Manager call; the caller appends its arguments. */
static int new_call(struct cli_daemon *d, const char *method,
		    sd_bus_message **ret)
{
	return sd_bus_message_new_method_call(d->bus, ret, BUS_NAME,
					      MANAGER_PATH, MANAGER_INTERFACE,
					      method);
}

/* The a{sv} options end with what every method takes. */
static int close_options(struct cli_daemon *d, sd_bus_message *m)
{
	int r;

	r = sd_bus_message_append(m, "{sv}", "auth.no_user_interaction", "b",
				  !d->interactive);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(m);
}

static int daemon_status(struct cli_daemon *d, bool human, json **ret_doc)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *text;
	int r;

	r = sd_bus_call_method(d->bus, BUS_NAME, MANAGER_PATH,
			       MANAGER_INTERFACE, "GetStatus", &error, &reply,
			       "a{sv}", human ? 1 : 0, "human", "b", true);
	if (r < 0)
		return daemon_error("daxmapd's GetStatus", &error, r);
	r = sd_bus_message_read(reply, "s", &text);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's status");
	r = doc_parse(text, ret_doc);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's status (is daxmapd of another version?)");
	return 0;
}

/* The device name of a bus object, as the daemon says it. */
static int object_device_name(struct cli_daemon *d, const char *path,
			      char **ret)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;

	return sd_bus_get_property_string(d->bus, BUS_NAME, path,
					  "org.daxmap1.Namespace",
					  "DeviceName", &error, ret);
}

int cli_daemon_create(struct cli_daemon *d,
		      const struct daxmap_create_request *req, bool dry_run,
		      json **ret_plan, char **ret_namespace)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	const char *path, *text;
	int r;

	r = new_call(d, "CreateNamespace", &m);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && req->size)
		r = sd_bus_message_append(m, "{sv}", "size", "t", req->size);
	if (r >= 0 && req->percent)
		r = sd_bus_message_append(m, "{sv}", "percent", "u",
					  req->percent);
	if (r >= 0 && req->align)
		r = sd_bus_message_append(m, "{sv}", "align", "t", req->align);
	if (r >= 0 && req->mode)
		r = sd_bus_message_append(m, "{sv}", "mode", "s",
					  daxmap_mode_name(req->mode));
	if (r >= 0 && req->map != DAXMAP_MAP_UNKNOWN)
		r = sd_bus_message_append(m, "{sv}", "map", "s",
					  daxmap_map_name(req->map));
	if (r >= 0 && req->region)
		r = sd_bus_message_append(m, "{sv}", "region", "s",
					  req->region);
	if (r >= 0 && req->numa_node >= 0)
		r = sd_bus_message_append(m, "{sv}", "numa_node", "u",
					  (uint32_t)req->numa_node);
	if (r >= 0 && req->name)
		r = sd_bus_message_append(m, "{sv}", "name", "s", req->name);
	if (r >= 0 && dry_run)
		r = sd_bus_message_append(m, "{sv}", "dry_run", "b", true);
	if (r >= 0 && d->measure && !dry_run)
		r = sd_bus_message_append(m, "{sv}", "measure", "b", true);
	if (r >= 0)
		r = close_options(d, m);
	if (r < 0)
		return cli_error(r, "cannot ask daxmapd to create a namespace");

	r = sd_bus_call(d->bus, m, 0, &error, &reply);
	if (r < 0)
		return daemon_error("create namespace", &error, r);
	r = sd_bus_message_read(reply, "os", &path, &text);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's answer");
	r = doc_parse(text, ret_plan);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's plan");
	if (dry_run)
		return 0;
	r = object_device_name(d, path, ret_namespace);
	if (r < 0)
		return cli_error(r, "created %s, but cannot read its name", path);
	return 0;
}

int cli_daemon_reconfigure(struct cli_daemon *d, const char *which,
			   const struct daxmap_reconfigure_request *req)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	int r;

	r = new_call(d, "ReconfigureDevice", &m);
	if (r >= 0)
		r = sd_bus_message_append(m, "s", which);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && req->mode)
		r = sd_bus_message_append(m, "{sv}", "mode", "s",
					  daxmap_mode_name(req->mode));
	if (r >= 0 && req->align)
		r = sd_bus_message_append(m, "{sv}", "align", "t", req->align);
	if (r >= 0 && req->size)
		r = sd_bus_message_append(m, "{sv}", "size", "t", req->size);
	if (r >= 0 && req->memmap_on_memory)
		r = sd_bus_message_append(m, "{sv}", "memmap_on_memory", "b",
					  true);
	if (r >= 0)
		r = close_options(d, m);
	if (r < 0)
		return cli_error(r, "cannot ask daxmapd to reconfigure %s", which);
	r = sd_bus_call(d->bus, m, 0, &error, &reply);
	if (r < 0)
		return daemon_error("reconfigure device", &error, r);
	return 0;
}

int cli_daemon_call_name(struct cli_daemon *d, const char *method,
			 const char *what, const char *which,
			 const struct cli_bus_option *opts, size_t n,
			 char **ret_name)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	const char *name;
	size_t i;
	int r;

	r = new_call(d, method, &m);
	if (r >= 0 && which)
		r = sd_bus_message_append(m, "s", which);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	for (i = 0; r >= 0 && i < n; i++) {
		if (opts[i].type == 's')
			r = sd_bus_message_append(m, "{sv}", opts[i].key, "s",
						  opts[i].s);
		else if (opts[i].type == 't')
			r = sd_bus_message_append(m, "{sv}", opts[i].key, "t",
						  opts[i].t);
		else
			r = sd_bus_message_append(m, "{sv}", opts[i].key, "b",
						  (int)opts[i].b);
	}
	if (r >= 0)
		r = close_options(d, m);
	if (r < 0)
		return cli_error(r, "cannot ask daxmapd to %s", what);
	r = sd_bus_call(d->bus, m, 0, &error, &reply);
	if (r < 0)
		return daemon_error(what, &error, r);
	r = sd_bus_message_read(reply, "s", &name);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's answer");
	*ret_name = strdup(name);
	if (!*ret_name)
		return cli_error(-ENOMEM, "%s", what);
	return 0;
}

int cli_daemon_apply(struct cli_daemon *d, bool dry_run, json **ret_doc)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	const char *text;
	int r;

	r = new_call(d, "Apply", &m);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && dry_run)
		r = sd_bus_message_append(m, "{sv}", "dry_run", "b", true);
	if (r >= 0 && d->measure && !dry_run)
		r = sd_bus_message_append(m, "{sv}", "measure", "b", true);
	if (r >= 0)
		r = close_options(d, m);
	if (r < 0)
		return cli_error(r, "cannot ask daxmapd to apply the configuration");
	r = sd_bus_call(d->bus, m, 0, &error, &reply);
	if (r < 0)
		return daemon_error("apply", &error, r);
	r = sd_bus_message_read(reply, "s", &text);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's answer");
	r = doc_parse(text, ret_doc);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's report");
	return 0;
}

int cli_daemon_verify(struct cli_daemon *d,
		      const struct daxmap_verify_request *req, bool human,
		      json **ret_doc)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	const char *text;
	int r;

	r = new_call(d, "VerifyDevice", &m);
	if (r >= 0)
		r = sd_bus_message_append(m, "s", req->which);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && (req->flags & DAXMAP_VERIFY_PATTERN))
		r = sd_bus_message_append(m, "{sv}", "pattern", "b", true);
	if (r >= 0 && req->size)
		r = sd_bus_message_append(m, "{sv}", "size", "t", req->size);
	if (r >= 0 && (req->flags & DAXMAP_VERIFY_FORCE))
		r = sd_bus_message_append(m, "{sv}", "force", "b", true);
	if (r >= 0 && human)
		r = sd_bus_message_append(m, "{sv}", "human", "b", true);
	if (r >= 0)
		r = close_options(d, m);
	if (r < 0)
		return cli_error(r, "cannot ask daxmapd to verify %s", req->which);
	r = sd_bus_call(d->bus, m, 0, &error, &reply);
	if (r < 0)
		return daemon_error("verify device", &error, r);
	r = sd_bus_message_read(reply, "s", &text);
	if (r < 0)
		return cli_error(r, "cannot read daxmapd's answer");
	r = doc_parse(text, ret_doc);
	return r < 0 ? cli_error(r, "cannot read daxmapd's result") : 0;
}

#else /* !HAVE_SD_BUS: built without libsystemd, the library only. */

struct cli_daemon {
	int unused;
};

int cli_daemon_open(struct cli *cli, unsigned int want,
		    struct cli_daemon **ret_daemon)
{
	*ret_daemon = NULL;
	return 0;
}

void cli_daemon_close(struct cli_daemon *d)
{
}

static int daemon_status(struct cli_daemon *d, bool human, json **ret_doc)
{
	return cli_error(-EOPNOTSUPP, "daxmapd");
}

int cli_daemon_create(struct cli_daemon *d,
		      const struct daxmap_create_request *req, bool dry_run,
		      json **ret_plan, char **ret_namespace)
{
	return cli_error(-EOPNOTSUPP, "daxmapd");
}

int cli_daemon_reconfigure(struct cli_daemon *d, const char *which,
			   const struct daxmap_reconfigure_request *req)
{
	return cli_error(-EOPNOTSUPP, "daxmapd");
}

int cli_daemon_call_name(struct cli_daemon *d, const char *method,
			 const char *what, const char *which,
			 const struct cli_bus_option *opts, size_t n,
			 char **ret_name)
{
	return cli_error(-EOPNOTSUPP, "daxmapd");
}

int cli_daemon_apply(struct cli_daemon *d, bool dry_run, json **ret_doc)
{
	return cli_error(-EOPNOTSUPP, "daxmapd");
}

int cli_daemon_verify(struct cli_daemon *d,
		      const struct daxmap_verify_request *req, bool human,
		      json **ret_doc)
{
	return cli_error(-EOPNOTSUPP, "daxmapd");
}

#endif /* HAVE_SD_BUS */

int cli_get_status(struct cli *cli, unsigned int want, json **ret_doc)
{
	_cleanup_(daxmap_config_status_freep) struct daxmap_config_status *cs =
		NULL;
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_(cli_daemon_closep) struct cli_daemon *d = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_free_ char *text = NULL;
	int r;

	r = cli_daemon_open(cli, want, &d);
	if (r)
		return r;
	if (d)
		return daemon_status(d, cli->human, ret_doc);
	r = cli_open(cli, &ctx);
	if (r)
		return r;

	/* Only root can repair; others see what is there. */
	if ((want & CLI_WANT_STATUS) && geteuid() == 0)
		cli_recover(ctx);
	r = daxmap_kernel_probe(ctx, &k);
	if (r < 0)
		return cli_error(r, "cannot probe the running kernel");
	if (want & CLI_WANT_STATUS) {
		r = daxmap_topology_scan(ctx, k, &t);
		if (r < 0)
			return cli_error(r, "cannot scan regions, namespaces and dax devices");
		/* The configuration, held against what the scan found. */
		r = daxmap_config_status_new(ctx, t, &cs);
		if (r < 0)
			return cli_error(r, "cannot read the configuration");
	}
	r = daxmap_status_to_json(k, t, cs, cli_json_flags(cli), &text);
	if (r >= 0)
		r = doc_parse(text, ret_doc);
	if (r < 0)
		return cli_error(r, "cannot render the status");
	return 0;
}
