// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a client sees when the host changes, without a host that changes:
 * daxmapd's bus side (manager_register(), context_show()) on a real bus,
 * fed two hand-made scans, and a second connection listening. A namespace
 * created or destroyed behind the daemon's back comes down to exactly
 * this: another scan handed to context_show().
 *
 * Usage: test-emit BUS-ADDRESS (a private dbus-daemon the caller runs).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cleanup.h>

#include "context.h"
#include "objects.h"
#include "test.h"
#include "util.h"

#define GiB (UINT64_C(1) << 30)

/* What the listener saw, one line per signal. */
static char seen[4096];
static int n_signals;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void note(const char *fmt, ...)
{
	size_t len = strlen(seen);
	va_list args;

	va_start(args, fmt);
	vsnprintf(seen + len, sizeof(seen) - len, fmt, args);
	va_end(args);
}

static void read_size_props(sd_bus_message *m)
{
	const char *key;
	uint64_t size;

	if (sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
		return;
	while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
		if (sd_bus_message_read(m, "s", &key) < 0)
			return;
		if (streq(key, "Size") &&
		    sd_bus_message_read(m, "v", "t", &size) >= 0)
			note(" Size=%llu", (unsigned long long)size);
		else if (streq(key, "TotalDevdaxBytes") &&
			 sd_bus_message_read(m, "v", "t", &size) >= 0)
			note(" TotalDevdaxBytes=%llu", (unsigned long long)size);
		else
			sd_bus_message_skip(m, "v");
		sd_bus_message_exit_container(m);
	}
	sd_bus_message_exit_container(m);
}

static int on_added(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *path, *iface;

	if (sd_bus_message_read(m, "o", &path) < 0 ||
	    sd_bus_message_enter_container(m, 'a', "{sa{sv}}") < 0)
		return 0;
	note("added %s:", path);
	while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
		sd_bus_message_read(m, "s", &iface);
		/* Only ours: the org.freedesktop.DBus.* ones always come. */
		if (!strncmp(iface, "org.daxmap1.", 12)) {
			note(" %s", iface);
			read_size_props(m);
		} else {
			sd_bus_message_skip(m, "a{sv}");
		}
		sd_bus_message_exit_container(m);
	}
	note("\n");
	n_signals++;
	return 0;
}

static int on_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *path, *iface;

	if (sd_bus_message_read(m, "o", &path) < 0 ||
	    sd_bus_message_enter_container(m, 'a', "s") < 0)
		return 0;
	note("removed %s:", path);
	while (sd_bus_message_read(m, "s", &iface) > 0)
		if (!strncmp(iface, "org.daxmap1.", 12))
			note(" %s", iface);
	note("\n");
	n_signals++;
	return 0;
}

static int on_changed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *iface;

	if (sd_bus_message_read(m, "s", &iface) < 0)
		return 0;
	note("changed %s: %s", sd_bus_message_get_path(m), iface);
	read_size_props(m);
	note("\n");
	n_signals++;
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC +
	       (uint64_t)ts.tv_nsec / 1000;
}

/* Runs both connections until @want signals came, for 10 s at most. */
static void pump(sd_bus *a, sd_bus *b, int want)
{
	uint64_t end = now_usec() + 10 * USEC_PER_SEC;

	while (n_signals < want && now_usec() < end) {
		int ra = sd_bus_process(a, NULL);
		int rb = sd_bus_process(b, NULL);

		if (ra <= 0 && rb <= 0)
			usleep(1000);
	}
	/* Anything more that is on its way shows up too. */
	end = now_usec() + 100 * 1000;
	while (now_usec() < end) {
		sd_bus_process(a, NULL);
		if (sd_bus_process(b, NULL) <= 0)
			usleep(1000);
	}
}

static int connect_to(const char *address, sd_bus **ret)
{
	sd_bus *bus;
	int r;

	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_address(bus, address);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, true);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		sd_bus_unref(bus);
		return r;
	}
	*ret = bus;
	return 0;
}

static struct object *object(enum object_kind kind, const char *name,
			     uint64_t size)
{
	struct object *o = NULL;

	CHECK(object_new(kind, name, &o) == 0);
	if (kind == OBJECT_REGION)
		o->region.size = size;
	else if (kind == OBJECT_NAMESPACE)
		o->ns.size = size;
	else
		o->device.size = size;
	return o;
}

static void show(struct context *c, struct object *const *objs, size_t n,
		 uint64_t devdax)
{
	struct object_set s = { 0 };
	struct manager_props m = { 0 };

	for (size_t i = 0; i < n; i++)
		CHECK(object_set_add(&s, objs[i]) == 0);
	object_set_finish(&s);
	CHECK(manager_props_from_scan(NULL, NULL, &m) == 0);
	m.devdax_bytes = devdax;
	context_show(c, &s, &m);
}

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	*(sd_bus_message **)userdata = sd_bus_message_ref(m);
	return 0;
}

/* GetManagedObjects from @client, while @server serves it. */
static int count_managed_objects(sd_bus *client, sd_bus *server)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	sd_bus_slot *slot = NULL;
	int n = 0;

	if (sd_bus_call_method_async(client, &slot, DAXMAP_BUS_NAME,
				     DAXMAP_MANAGER_PATH,
				     "org.freedesktop.DBus.ObjectManager",
				     "GetManagedObjects", on_reply, &reply,
				     NULL) < 0)
		return -1;
	for (int i = 0; i < 10000 && !reply; i++) {
		int ra = sd_bus_process(server, NULL);
		int rb = sd_bus_process(client, NULL);

		if (ra <= 0 && rb <= 0)
			usleep(1000);
	}
	sd_bus_slot_unref(slot);
	if (!reply || sd_bus_message_is_method_error(reply, NULL))
		return -1;
	if (sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}") < 0)
		return -1;
	while (sd_bus_message_skip(reply, "{oa{sa{sv}}}") > 0)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	struct context c = { .version = "test" };
	sd_bus *client = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: test-emit BUS-ADDRESS\n");
		return 2;
	}
	CHECK(connect_to(argv[1], &c.bus) == 0);
	CHECK(connect_to(argv[1], &client) == 0);
	if (!c.bus || !client)
		return test_summary("emit");
	CHECK(manager_register(&c) == 0);
	CHECK(sd_bus_request_name(c.bus, DAXMAP_BUS_NAME, 0) >= 0);
	c.announced = true;

	CHECK(sd_bus_match_signal(client, NULL, DAXMAP_BUS_NAME, NULL,
				  "org.freedesktop.DBus.ObjectManager",
				  "InterfacesAdded", on_added, NULL) >= 0);
	CHECK(sd_bus_match_signal(client, NULL, DAXMAP_BUS_NAME, NULL,
				  "org.freedesktop.DBus.ObjectManager",
				  "InterfacesRemoved", on_removed, NULL) >= 0);
	CHECK(sd_bus_match_signal(client, NULL, DAXMAP_BUS_NAME, NULL,
				  "org.freedesktop.DBus.Properties",
				  "PropertiesChanged", on_changed, NULL) >= 0);

	/* A namespace appears: three objects and the totals. */
	{
		struct object *objs[] = {
			object(OBJECT_REGION, "region0", 64 * GiB),
			object(OBJECT_NAMESPACE, "namespace0.0", 16 * GiB),
			object(OBJECT_DEVICE, "dax0.0", 16 * GiB),
		};

		show(&c, objs, ARRAY_SIZE(objs), 16 * GiB);
	}
	pump(c.bus, client, 4);
	CHECK_STR(seen,
		  "added /org/daxmap1/device/dax0_0: org.daxmap1.Device Size=17179869184\n"
		  "added /org/daxmap1/namespace/namespace0_0: org.daxmap1.Namespace Size=17179869184\n"
		  "added /org/daxmap1/region/region0: org.daxmap1.Region Size=68719476736\n"
		  "changed /org/daxmap1: org.daxmap1.Manager TotalDevdaxBytes=17179869184\n");
	CHECK(count_managed_objects(client, c.bus) == 3);

	/* dax0.0 goes, dax0.1 comes, region0 changes, namespace0.0 not. */
	seen[0] = '\0';
	n_signals = 0;
	{
		struct object *objs[] = {
			object(OBJECT_REGION, "region0", 128 * GiB),
			object(OBJECT_NAMESPACE, "namespace0.0", 16 * GiB),
			object(OBJECT_DEVICE, "dax0.1", 8 * GiB),
		};

		show(&c, objs, ARRAY_SIZE(objs), 8 * GiB);
	}
	pump(c.bus, client, 4);
	CHECK_STR(seen,
		  "removed /org/daxmap1/device/dax0_0: org.daxmap1.Device\n"
		  "added /org/daxmap1/device/dax0_1: org.daxmap1.Device Size=8589934592\n"
		  "changed /org/daxmap1/region/region0: org.daxmap1.Region Size=137438953472\n"
		  "changed /org/daxmap1: org.daxmap1.Manager TotalDevdaxBytes=8589934592\n");
	CHECK(count_managed_objects(client, c.bus) == 3);

	/* The same scan again: nothing to say. */
	seen[0] = '\0';
	n_signals = 0;
	{
		struct object *objs[] = {
			object(OBJECT_REGION, "region0", 128 * GiB),
			object(OBJECT_NAMESPACE, "namespace0.0", 16 * GiB),
			object(OBJECT_DEVICE, "dax0.1", 8 * GiB),
		};

		show(&c, objs, ARRAY_SIZE(objs), 8 * GiB);
	}
	pump(c.bus, client, 0);
	CHECK_STR(seen, "");

	/* Everything goes. */
	show(&c, NULL, 0, 0);
	pump(c.bus, client, 4);
	CHECK_STR(seen,
		  "removed /org/daxmap1/device/dax0_1: org.daxmap1.Device\n"
		  "removed /org/daxmap1/namespace/namespace0_0: org.daxmap1.Namespace\n"
		  "removed /org/daxmap1/region/region0: org.daxmap1.Region\n"
		  "changed /org/daxmap1: org.daxmap1.Manager TotalDevdaxBytes=0\n");
	CHECK(count_managed_objects(client, c.bus) == 0);

	sd_bus_flush_close_unref(client);
	sd_bus_flush_close_unref(c.bus);
	object_set_clear(&c.objects);
	manager_props_clear(&c.manager);
	return test_summary("emit");
}
