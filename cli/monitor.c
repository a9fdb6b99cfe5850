// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl monitor: daxmapd's signals as JSON lines, one per object and
 * interface, until interrupted. A namespace created or destroyed by anyone
 * (daxmapctl, ndctl, hotplug) shows here as daxmapd sees it.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"

void usage_monitor(FILE *f)
{
	fputs("Usage: " PROGRAM " monitor\n"
	      "\n"
	      "Print daxmapd's events as JSON lines until interrupted: objects added\n"
	      "and removed (regions, namespaces, dax devices) and properties changed,\n"
	      "the Manager's totals included, with the values daxmapd sent. Each line\n"
	      "is one object:\n"
	      "\n"
	      "  {\"time\": \"...\", \"event\": \"added\"|\"changed\"|\"removed\"|\"daemon\",\n"
	      "   \"object\": PATH, \"interface\": NAME, \"properties\": {...}}\n"
	      "\n"
	      "The first line, a \"daemon\" event with \"running\": true, comes once the\n"
	      "monitor listens: nothing after it is missed. Later \"daemon\" lines say\n"
	      "daxmapd went away or came back. Needs daxmapd: there is no --direct\n"
	      "monitor.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help         show this help\n", f);
}

#ifdef HAVE_SD_BUS
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define BUS_NAME "org.daxmap1"
#define ROOT_PATH "/org/daxmap1"
#define OUR_INTERFACES "org.daxmap1."

static void print_string(const char *s)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* "time": now, UTC, as journalctl -o json's readers expect ISO 8601. */
static void print_head(const char *event)
{
	char buf[32];
	struct tm tm;
	time_t now = time(NULL);

	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	printf("{\"time\": \"%s\", \"event\": \"%s\"", buf, event);
}

/* One variant's value: the basic types and arrays of them. */
static int print_value(sd_bus_message *m)
{
	const char *contents;
	char type;
	int r;

	r = sd_bus_message_peek_type(m, &type, &contents);
	if (r <= 0)
		return r < 0 ? r : -EBADMSG;
	if (type == 'a') {
		bool first = true;

		r = sd_bus_message_enter_container(m, 'a', contents);
		if (r < 0)
			return r;
		putchar('[');
		while ((r = sd_bus_message_at_end(m, false)) == 0) {
			if (!first)
				fputs(", ", stdout);
			first = false;
			r = print_value(m);
			if (r < 0)
				return r;
		}
		putchar(']');
		if (r < 0)
			return r;
		return sd_bus_message_exit_container(m);
	}

	switch (type) {
	case 's':
	case 'o': {
		const char *s;

		r = sd_bus_message_read_basic(m, type, &s);
		if (r >= 0)
			print_string(s);
		return r;
	}
	case 't': {
		uint64_t v;

		r = sd_bus_message_read_basic(m, type, &v);
		if (r >= 0)
			printf("%" PRIu64, v);
		return r;
	}
	case 'u': {
		uint32_t v;

		r = sd_bus_message_read_basic(m, type, &v);
		if (r >= 0)
			printf("%" PRIu32, v);
		return r;
	}
	case 'i': {
		int32_t v;

		r = sd_bus_message_read_basic(m, type, &v);
		if (r >= 0)
			printf("%" PRIi32, v);
		return r;
	}
	case 'b': {
		int v;

		r = sd_bus_message_read_basic(m, type, &v);
		if (r >= 0)
			fputs(v ? "true" : "false", stdout);
		return r;
	}
	default:
		/* A type this version does not know: say null, go on. */
		fputs("null", stdout);
		return sd_bus_message_skip(m, NULL);
	}
}

/* An a{sv} of properties as a JSON object. */
static int print_properties(sd_bus_message *m)
{
	bool first = true;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	putchar('{');
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *name, *contents;

		r = sd_bus_message_read_basic(m, 's', &name);
		if (r < 0)
			return r;
		if (!first)
			fputs(", ", stdout);
		first = false;
		print_string(name);
		fputs(": ", stdout);
		r = sd_bus_message_peek_type(m, NULL, &contents);
		if (r < 0)
			return r;
		r = sd_bus_message_enter_container(m, 'v', contents);
		if (r < 0)
			return r;
		r = print_value(m);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	putchar('}');
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static void end_line(void)
{
	fputs("}\n", stdout);
	fflush(stdout);
}

static int on_added(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *path, *interface;
	int r;

	r = sd_bus_message_read(m, "o", &path);
	if (r < 0)
		return 0;
	r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
	if (r < 0)
		return 0;
	while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
		if (sd_bus_message_read(m, "s", &interface) < 0)
			return 0;
		/* sd-bus lists Peer, Properties and the like too. */
		if (strncmp(interface, OUR_INTERFACES,
			    strlen(OUR_INTERFACES)) != 0) {
			if (sd_bus_message_skip(m, "a{sv}") < 0)
				return 0;
		} else {
			print_head("added");
			fputs(", \"object\": ", stdout);
			print_string(path);
			fputs(", \"interface\": ", stdout);
			print_string(interface);
			fputs(", \"properties\": ", stdout);
			r = print_properties(m);
			end_line();
			if (r < 0)
				return 0;
		}
		if (sd_bus_message_exit_container(m) < 0)
			return 0;
	}
	return 0;
}

static int on_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *path, *interface;
	int r;

	r = sd_bus_message_read(m, "o", &path);
	if (r < 0)
		return 0;
	r = sd_bus_message_enter_container(m, 'a', "s");
	if (r < 0)
		return 0;
	while (sd_bus_message_read(m, "s", &interface) > 0) {
		if (strncmp(interface, OUR_INTERFACES, strlen(OUR_INTERFACES)))
			continue;
		print_head("removed");
		fputs(", \"object\": ", stdout);
		print_string(path);
		fputs(", \"interface\": ", stdout);
		print_string(interface);
		fputs(", \"properties\": {}", stdout);
		end_line();
	}
	return 0;
}

static int on_changed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *interface;
	int r;

	r = sd_bus_message_read(m, "s", &interface);
	if (r < 0 ||
	    strncmp(interface, OUR_INTERFACES, strlen(OUR_INTERFACES)) != 0)
		return 0;
	print_head("changed");
	fputs(", \"object\": ", stdout);
	print_string(sd_bus_message_get_path(m));
	fputs(", \"interface\": ", stdout);
	print_string(interface);
	fputs(", \"properties\": ", stdout);
	(void)print_properties(m);
	end_line();
	return 0;
}

static void print_daemon(bool running)
{
	print_head("daemon");
	fputs(", \"object\": \"" ROOT_PATH "\", \"interface\": \"\", "
	      "\"properties\": {\"running\": ", stdout);
	fputs(running ? "true}" : "false}", stdout);
	end_line();
}

static int on_owner_changed(sd_bus_message *m, void *userdata,
			    sd_bus_error *error)
{
	const char *name, *old_owner, *new_owner;

	if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0)
		return 0;
	print_daemon(*new_owner);
	return 0;
}

static int watch(sd_bus *bus)
{
	_cleanup_(sd_event_unrefp) sd_event *event = NULL;
	sigset_t mask;
	int r;

	r = sd_bus_match_signal(bus, NULL, BUS_NAME, ROOT_PATH,
				"org.freedesktop.DBus.ObjectManager",
				"InterfacesAdded", on_added, NULL);
	if (r >= 0)
		r = sd_bus_match_signal(bus, NULL, BUS_NAME, ROOT_PATH,
					"org.freedesktop.DBus.ObjectManager",
					"InterfacesRemoved", on_removed, NULL);
	if (r >= 0)
		r = sd_bus_add_match(bus, NULL,
				     "type='signal',sender='" BUS_NAME "',"
				     "interface='org.freedesktop.DBus.Properties',"
				     "member='PropertiesChanged',"
				     "path_namespace='" ROOT_PATH "'",
				     on_changed, NULL);
	if (r >= 0)
		r = sd_bus_match_signal(bus, NULL, "org.freedesktop.DBus",
					"/org/freedesktop/DBus",
					"org.freedesktop.DBus",
					"NameOwnerChanged", on_owner_changed,
					NULL);
	if (r < 0)
		return cli_error(r, "monitor: cannot subscribe to daxmapd's signals");
	/*
	 * The bus has confirmed every match (sd_bus_add_match() waits for
	 * it): from this line on, no event is missed.
	 */
	print_daemon(true);

	r = sd_event_default(&event);
	if (r < 0)
		return cli_error(r, "monitor: cannot set up an event loop");
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	/* NULL handlers: the loop exits on these. */
	if ((r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL)) < 0 ||
	    (r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL)) < 0 ||
	    (r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL)) < 0)
		return cli_error(r, "monitor: cannot set up an event loop");
	r = sd_event_loop(event);
	sd_bus_detach_event(bus);
	if (r < 0)
		return cli_error(r, "monitor: the event loop failed");
	return EXIT_OK;
}
#endif

int cmd_monitor(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "monitor", argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;
	if (cli_handled_help(cli, usage_monitor))
		return EXIT_OK;
	r = cli_no_arguments("monitor", argc, argv);
	if (r)
		return r;
	if (cli->direct)
		return cli_usage_error("monitor: there is no --direct monitor: it prints daxmapd's events");

	r = cli_daemon_open(cli, CLI_WANT_DAEMON, &daemon);
	if (r)
		return r;
#ifdef HAVE_SD_BUS
	return watch(cli_daemon_bus(daemon));
#else
	return cli_error(-EOPNOTSUPP, "monitor: built without sd-bus");
#endif
}
