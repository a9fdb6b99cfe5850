/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The a{sv} options argument every method takes (the udisks convention).
 * A key the method does not know, a key given twice, or a value of another
 * type is refused with org.freedesktop.DBus.Error.InvalidArgs naming the
 * key, before anything is done.
 */
#ifndef DAXMAPD_OPTIONS_H
#define DAXMAPD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <systemd/sd-bus.h>

struct bus_option {
	const char *name;
	/* One basic D-Bus type: "b" (bool *), "s" (const char **, valid
	 * until the message is freed), "t" (uint64_t *), "u" (uint32_t *). */
	const char *type;
	void *value;
};

/*
 * Every method accepts this one, whether it authorises or not, so that
 * clients can pass it unconditionally: when true, polkit must not ask the
 * user for a password (the call fails instead).
 */
#define BUS_OPTION_NO_USER_INTERACTION "auth.no_user_interaction"

/*
 * Reads the a{sv} at the current position of @m into the @n_opts values
 * @opts point at; values whose key is absent are left alone, so callers
 * set the defaults first. At most 64 options.
 */
int bus_read_options(sd_bus_message *m, const struct bus_option *opts,
		     size_t n_opts, sd_bus_error *error);

/*
 * For the methods that act on one thing (s which, a{sv} options): reads
 * the string into *@which (valid until @m is freed), then the options.
 */
int bus_read_target_options(sd_bus_message *m, const char **which,
			    const struct bus_option *opts, size_t n_opts,
			    sd_bus_error *error);

#endif /* DAXMAPD_OPTIONS_H */
