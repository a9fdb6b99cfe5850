// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapd: the struct-page (vmemmap) accounting of device-DAX on the
 * system bus, as org.daxmap1.
 *
 * One sd-event loop: bus calls, uevents, signals, the watchdog and the
 * end of a change the worker thread ran (worker.h) are all events on it.
 * See daxmapd(8).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include <cleanup.h>

#include "apply.h"
#include "bus-errors.h"
#include "context.h"
#include "log.h"
#include "provision.h"
#include "util.h"

#define PROGRAM "daxmapd"

enum {
	EXIT_USAGE = 2,
};

enum {
	OPT_BUS_ADDRESS = 0x100,
	OPT_USER_BUS,
	OPT_TEXTFILE_DIR,
	OPT_NFD_DIR,
	OPT_CDI_DIR,
	OPT_MEASURE,
};

struct args {
	const char *bus_address;
	bool user_bus;
	bool verbose;
	/* --textfile-dir, --nfd-dir, --cdi-dir, by enum exports_kind. */
	const char *export_dirs[_EXPORTS_MAX];
	bool measure;
};

static void usage(FILE *f)
{
	fputs("Usage: " PROGRAM " [OPTIONS]\n"
	      "\n"
	      "Serve the regions, namespaces and dax devices of this host, and what the\n"
	      "struct pages (the vmemmap) of each device cost, on D-Bus as org.daxmap1.\n"
	      "Started by systemd (daxmapd.service) or by D-Bus activation.\n"
	      "\n"
	      "Options:\n"
	      "      --bus-address ADDRESS  connect to the bus at ADDRESS (a D-Bus address,\n"
	      "                             e.g. unix:path=/tmp/bus) instead of the system\n"
	      "                             bus: for tests\n"
	      "      --user-bus             connect to the user's bus instead: for tests\n"
	      "      --textfile-dir DIR     keep daxmap.prom, the metrics, for node_exporter's\n"
	      "                             textfile collector in DIR (default\n"
	      "                             " EXPORTS_TEXTFILE_DIR ")\n"
	      "      --nfd-dir DIR          keep the node-feature-discovery feature file\n"
	      "                             daxmap in DIR (default\n"
	      "                             " EXPORTS_NFD_DIR ")\n"
	      "      --cdi-dir DIR          keep the CDI spec daxmap.io-dax.json in DIR\n"
	      "                             (default " EXPORTS_CDI_DIR ")\n"
	      "                             DIR 'none' turns that file off\n"
	      "      --measure              measure the RAM every create takes (drops the\n"
	      "                             page cache around each enable); default: the\n"
	      "                             configuration's [daxmap] measure, else off\n"
	      "  -v, --verbose              log debug messages, the library's included\n"
	      "  -h, --help                 show this help\n"
	      "  -V, --version              print the version\n"
	      "\n"
	      "Exit status: 0 after SIGTERM or SIGINT, 1 when it cannot start or loses\n"
	      "the bus, 2 usage error. SIGHUP rescans, as the Reload method does.\n"
	      "\n"
	      "See daxmapd(8).\n", f);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list args;

	fputs(PROGRAM ": ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputs(" (see '" PROGRAM " --help')\n", stderr);
	return EXIT_USAGE;
}

/* parse_args(): 0 to go on, ARGS_DONE after --help or --version. */
#define ARGS_DONE 1000

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "bus-address", required_argument, NULL, OPT_BUS_ADDRESS },
		{ "user-bus", no_argument, NULL, OPT_USER_BUS },
		{ "textfile-dir", required_argument, NULL, OPT_TEXTFILE_DIR },
		{ "nfd-dir", required_argument, NULL, OPT_NFD_DIR },
		{ "cdi-dir", required_argument, NULL, OPT_CDI_DIR },
		{ "measure", no_argument, NULL, OPT_MEASURE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vhV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BUS_ADDRESS:
			if (!*optarg)
				return usage_error("--bus-address needs a D-Bus address");
			a->bus_address = optarg;
			break;
		case OPT_USER_BUS:
			a->user_bus = true;
			break;
		case OPT_TEXTFILE_DIR:
		case OPT_NFD_DIR:
		case OPT_CDI_DIR:
			if (optarg[0] != '/' && strcmp(optarg, "none"))
				return usage_error("%s needs an absolute directory or 'none'",
						   argv[optind - 1]);
			a->export_dirs[c - OPT_TEXTFILE_DIR] = optarg;
			break;
		case OPT_MEASURE:
			a->measure = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return ARGS_DONE;
		case 'V':
			printf(PROGRAM " %s\n", DAXMAP_VERSION_STRING);
			return ARGS_DONE;
		case ':':
			return usage_error("option '%s' needs a value",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error("unknown option '-%c'", optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (a->bus_address && a->user_bus)
		return usage_error("--bus-address and --user-bus exclude each other");
	return 0;
}

static int open_bus(const struct args *a, sd_bus **ret)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r;

	if (a->user_bus)
		return sd_bus_open_user_with_description(ret, PROGRAM);
	if (!a->bus_address)
		return sd_bus_open_system_with_description(ret, PROGRAM);

	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_description(bus, PROGRAM);
	if (r >= 0)
		r = sd_bus_set_address(bus, a->bus_address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, true);
	/* Like the system bus: callers are not trusted, privileges checked. */
	if (r >= 0)
		r = sd_bus_set_trusted(bus, false);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(bus);
	return 0;
}

static int on_exit_signal(sd_event_source *s,
			  const struct signalfd_siginfo *si, void *userdata)
{
	struct context *c = userdata;

	log_info("Received %s, exiting", strsignal((int)si->ssi_signo));
	(void)sd_notify(false, "STOPPING=1\nSTATUS=Exiting");
	return sd_event_exit(c->event, EXIT_SUCCESS);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si,
		     void *userdata)
{
	log_info("Received SIGHUP, reloading the configuration and rescanning");
	(void)config_reload(userdata, NULL);
	(void)context_scan(userdata, SCAN_PROBE_KERNEL, NULL, NULL);
	return 0;
}

static void context_destroy(struct context *c)
{
	/* A change under way finishes, and replies, before anything goes. */
	worker_done(&c->worker);
	/* A refresh under way ends; the calls waiting for it are answered. */
	refresh_done(&c->refresh);
	/* The queries hold bus slots: they go before the bus. */
	auth_done(&c->auth);
	exports_done(&c->exports);
	sd_event_source_disable_unref(c->rescan_timer);
	sd_device_monitor_unref(c->monitor);
	/* The bus's callbacks read the objects: it goes before them. */
	sd_bus_flush_close_unref(c->bus);
	object_set_clear(&c->objects);
	manager_props_clear(&c->manager);
	sd_event_source_disable_unref(c->config_watch[0]);
	sd_event_source_disable_unref(c->config_watch[1]);
	daxmap_config_status_free(c->config_status);
	daxmap_topology_unref(c->topology);
	free(c->status_doc.json);
	free(c->last_status);
	daxmap_kernel_unref(c->kernel);
	daxmap_config_unref(c->config);
	daxmap_unref(c->dm);
	sd_event_unref(c->event);
}

static int check_vtables(void)
{
	int kind;

	for (kind = 0; kind < _OBJECT_KIND_MAX; kind++)
		if (vtable_check(object_kind_vtable(kind)) < 0)
			return -EINVAL;
	return vtable_check(manager_vtable);
}

static int setup(struct context *c, const struct args *a)
{
	static const int exit_signals[] = { SIGTERM, SIGINT };
	sigset_t mask;
	size_t i;
	int r;

	exports_init(&c->exports);
	for (i = 0; i < _EXPORTS_MAX; i++)
		if (a->export_dirs[i])
			(void)exports_set_dir(&c->exports, i, a->export_dirs[i]);

	r = check_vtables();
	if (r < 0)
		return log_errno(LOG_ERR, r,
				 "a property could change without a signal");
	r = bus_errors_register();
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot register the error names");

	r = daxmap_new(&c->dm);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot set up libdaxmap");
	daxmap_set_log_fn(c->dm, log_library);
	if (a->verbose)
		daxmap_set_log_priority(c->dm, LOG_DEBUG);
	r = daxmap_kernel_probe(c->dm, &c->kernel);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot probe the running kernel");
	/* What the Manager shows until a scan succeeds: the kernel, no pmem. */
	r = manager_props_from_scan(c->kernel, NULL, &c->manager);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot set up the Manager");

	r = sd_event_default(&c->event);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot set up the event loop");
	/* Pings systemd when WATCHDOG_USEC asks for it, from the loop. */
	r = sd_event_set_watchdog(c->event, true);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot set up the watchdog");

	/* Signals become events: blocked, then read from a signalfd. The
	 * worker's threads inherit the mask, so the loop gets them all. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return log_errno(LOG_ERR, -errno, "cannot block signals");
	for (i = 0; i < ARRAY_SIZE(exit_signals); i++) {
		r = sd_event_add_signal(c->event, NULL, exit_signals[i],
					on_exit_signal, c);
		if (r < 0)
			return log_errno(LOG_ERR, r, "cannot handle %s",
					 strsignal(exit_signals[i]));
	}
	r = sd_event_add_signal(c->event, NULL, SIGHUP, on_sighup, c);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot handle SIGHUP");

	r = worker_init(c);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot set up the worker");
	if (a->measure) {
		c->worker.measure = DAXMAP_MEASURE_ON;
		/* The creates at start measure too. */
		(void)daxmap_set_measure(c->dm, DAXMAP_MEASURE_ON);
	}

	r = open_bus(a, &c->bus);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot connect to the %s bus",
				 a->bus_address ? a->bus_address :
				 a->user_bus ? "user" : "system");
	r = manager_register(c);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot register the bus objects");
	r = sd_bus_attach_event(c->bus, c->event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot attach the bus to the loop");
	/* Losing the bus ends the loop with EXIT_FAILURE. */
	r = sd_bus_set_exit_on_disconnect(c->bus, true);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot watch the bus connection");

	r = context_start_monitor(c);
	if (r < 0)
		log_errno(LOG_WARNING, r,
			  "cannot watch uevents: changes show after Reload or GetStatus only");
	/* Without a directory there is no configuration to watch: normal. */
	r = context_watch_config(c);
	if (r < 0)
		log_errno(r == -ENOENT ? LOG_DEBUG : LOG_WARNING, r,
			  "not watching the configuration's directory %s, GetStatus reads it once a second",
			  daxmap_get_config_dir(c->dm));

	/* A create a crash interrupted is finished or undone before the
	 * first scan, which then shows the outcome. */
	provision_recover(c);
	/* What the configuration names and the host lacks, it gets now. */
	(void)config_apply_at_start(c);

	/* The objects exist before anyone can see the name. A failure is
	 * logged and in STATUS=: the daemon serves an empty host then. */
	(void)context_scan(c, 0, NULL, NULL);

	r = sd_bus_request_name(c->bus, DAXMAP_BUS_NAME, 0);
	if (r == -EEXIST)
		return log_errno(LOG_ERR, r,
				 "cannot own %s: is another daxmapd running?",
				 DAXMAP_BUS_NAME);
	if (r < 0)
		return log_errno(LOG_ERR, r, "cannot own %s (is the D-Bus policy file org.daxmap1.conf installed?)",
				 DAXMAP_BUS_NAME);
	c->announced = true;
	return 0;
}

int main(int argc, char **argv)
{
	struct context c = { .version = DAXMAP_VERSION_STRING };
	struct args a = { 0 };
	int r;

	log_setup();
	r = parse_args(argc, argv, &a);
	if (r == ARGS_DONE)
		return EXIT_SUCCESS;
	if (r)
		return r;
	if (a.verbose)
		log_set_max_priority(LOG_DEBUG);

	r = setup(&c, &a);
	if (r < 0) {
		(void)sd_notifyf(false, "STATUS=Failed to start: %s\nERRNO=%d",
				 strerror(-r), -r);
		context_destroy(&c);
		return EXIT_FAILURE;
	}

	(void)sd_notify(false, "READY=1");
	log_info("daxmapd %s serving %s", DAXMAP_VERSION_STRING,
		 DAXMAP_BUS_NAME);
	r = sd_event_loop(c.event);
	if (r < 0) {
		log_errno(LOG_ERR, r, "event loop failed");
		r = EXIT_FAILURE;
	} else if (r != EXIT_SUCCESS) {
		log_error("lost the bus connection, exiting");
	}
	context_destroy(&c);
	return r;
}
