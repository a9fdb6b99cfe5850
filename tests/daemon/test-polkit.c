// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-in polkit on a private bus, as slow as a polkit whose agent
 * waits for a person: org.freedesktop.PolicyKit1 whose CheckAuthorization
 * never answers, so daxmapd's requests stay pending; or, with "deny", one
 * that answers at once that the subject is not authorised (and no
 * challenge), as polkit does for an action the administrator denied. It
 * writes a line to LOG for every call, with the details daxmapd passed:
 *
 *	check ACTION key=value key=value... cancel_id=CANCEL-ID
 *	cancel CANCEL-ID
 *
 * It says "ready" on stdout once it owns the name, and serves until it is
 * killed.
 *
 * Usage: test-polkit BUS-ADDRESS LOG [deny]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

static FILE *out;
static int deny;

static int check_authorization(sd_bus_message *m, void *userdata,
			       sd_bus_error *error)
{
	const char *action, *key, *value, *cancel_id;
	uint32_t flags;
	int r;

	r = sd_bus_message_skip(m, "(sa{sv})");
	if (r >= 0)
		r = sd_bus_message_read(m, "s", &action);
	if (r >= 0)
		r = sd_bus_message_enter_container(m, 'a', "{ss}");
	if (r < 0)
		return r;
	fprintf(out, "check %s", action);
	/* The cancellation id comes after the details: read them first. */
	while ((r = sd_bus_message_read(m, "{ss}", &key, &value)) > 0)
		fprintf(out, " %s=%s", key, value);
	if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0 ||
	    (r = sd_bus_message_read(m, "us", &flags, &cancel_id)) < 0)
		return r;
	fprintf(out, " cancel_id=%s\n", cancel_id);
	fflush(out);
	/* (is_authorized, is_challenge, details) */
	if (deny)
		return sd_bus_reply_method_return(m, "(bba{ss})", 0, 0, 0);
	/* No answer: the caller waits as for a person typing a password. */
	return 1;
}

static int cancel_check_authorization(sd_bus_message *m, void *userdata,
				      sd_bus_error *error)
{
	const char *id;
	int r;

	r = sd_bus_message_read(m, "s", &id);
	if (r < 0)
		return r;
	fprintf(out, "cancel %s\n", id);
	fflush(out);
	return sd_bus_reply_method_return(m, NULL);
}

static const sd_bus_vtable authority[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("CheckAuthorization", "(sa{sv})sa{ss}us", "(bba{ss})",
		      check_authorization, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("CancelCheckAuthorization", "s", "",
		      cancel_check_authorization, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	int r;

	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "deny"))) {
		fprintf(stderr, "usage: test-polkit BUS-ADDRESS LOG [deny]\n");
		return 2;
	}
	deny = argc == 4;
	out = fopen(argv[2], "w");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	if ((r = sd_bus_new(&bus)) < 0 ||
	    (r = sd_bus_set_address(bus, argv[1])) < 0 ||
	    (r = sd_bus_set_bus_client(bus, 1)) < 0 ||
	    (r = sd_bus_start(bus)) < 0 ||
	    (r = sd_bus_add_object_vtable(bus, NULL,
					  "/org/freedesktop/PolicyKit1/Authority",
					  "org.freedesktop.PolicyKit1.Authority",
					  authority, NULL)) < 0 ||
	    (r = sd_bus_request_name(bus, "org.freedesktop.PolicyKit1", 0)) < 0) {
		fprintf(stderr, "test-polkit: %s\n", strerror(-r));
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
	fclose(out);
	return r < 0 ? 1 : 0;
}
