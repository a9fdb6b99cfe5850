// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A daxmapd of a later version, as far as daxmapctl's status is
 * concerned: org.daxmap1 on a private bus, whose Manager's GetStatus
 * answers with the document in FILE, whatever it holds. It says "ready"
 * on stdout once it owns the name, and serves until it is killed.
 *
 * Usage: test-newer BUS-ADDRESS FILE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

static char *document;

static int get_status(sd_bus_message *m, void *userdata,
		      sd_bus_error *error)
{
	return sd_bus_reply_method_return(m, "s", document);
}

static const sd_bus_vtable manager[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("GetStatus", "a{sv}", "s", get_status,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: test-newer BUS-ADDRESS FILE\n");
		return 2;
	}
	f = fopen(argv[2], "r");
	if (!f || getdelim(&document, &len, '\0', f) < 0) {
		perror(argv[2]);
		return 1;
	}
	fclose(f);
	if ((r = sd_bus_new(&bus)) < 0 ||
	    (r = sd_bus_set_address(bus, argv[1])) < 0 ||
	    (r = sd_bus_set_bus_client(bus, 1)) < 0 ||
	    (r = sd_bus_start(bus)) < 0 ||
	    (r = sd_bus_add_object_vtable(bus, NULL, "/org/daxmap1",
					  "org.daxmap1.Manager", manager,
					  NULL)) < 0 ||
	    (r = sd_bus_request_name(bus, "org.daxmap1", 0)) < 0) {
		fprintf(stderr, "test-newer: %s\n", strerror(-r));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			break;
		if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
			break;
	}
	sd_bus_flush_close_unref(bus);
	free(document);
	return r < 0 ? 1 : 0;
}
