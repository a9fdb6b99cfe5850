// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <cleanup.h>

#include "options.h"
#include "util.h"

/* Option keys are quoted in errors, but not a megabyte of one. */
#define KEY_QUOTE_MAX 64

static const char *type_description(const char *type)
{
	switch (type[0]) {
	case 'b':
		return "a boolean";
	case 's':
		return "a string";
	case 't':
		return "an unsigned 64-bit integer";
	case 'u':
		return "an unsigned 32-bit integer";
	default:
		return "a value";
	}
}

/* "human, auth.no_user_interaction": for telling callers what is valid. */
static char *option_list(const struct bus_option *opts, size_t n_opts)
{
	size_t len = 1, i;
	char *list;

	for (i = 0; i < n_opts; i++)
		len += strlen(opts[i].name) + 2;
	list = malloc(len);
	if (!list)
		return NULL;
	list[0] = '\0';
	for (i = 0; i < n_opts; i++) {
		if (i)
			strcat(list, ", ");
		strcat(list, opts[i].name);
	}
	return list;
}

static int unknown_option(sd_bus_message *m, const char *key,
			  const struct bus_option *opts, size_t n_opts,
			  sd_bus_error *error)
{
	_cleanup_free_ char *list = option_list(opts, n_opts);
	size_t len = utf8_prefix_len(key, KEY_QUOTE_MAX);

	if (!list)
		return -ENOMEM;
	return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
				 "Unknown option '%.*s%s' for %s: the options are %s.",
				 (int)len, key, key[len] ? "..." : "",
				 sd_bus_message_get_member(m), list);
}

static int read_value(sd_bus_message *m, const struct bus_option *o)
{
	int r, b;

	switch (o->type[0]) {
	case 'b':
		r = sd_bus_message_read_basic(m, 'b', &b);
		if (r >= 0)
			*(bool *)o->value = b;
		return r;
	case 's':
	case 't':
	case 'u':
		return sd_bus_message_read_basic(m, o->type[0], o->value);
	default:
		return -EINVAL;
	}
}

int bus_read_options(sd_bus_message *m, const struct bus_option *opts,
		     size_t n_opts, sd_bus_error *error)
{
	uint64_t seen = 0;
	int r;

	if (n_opts > 64)
		return -E2BIG;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *key, *contents;
		size_t i;

		r = sd_bus_message_read_basic(m, 's', &key);
		if (r < 0)
			return r;
		for (i = 0; i < n_opts; i++)
			if (streq(opts[i].name, key))
				break;
		if (i == n_opts)
			return unknown_option(m, key, opts, n_opts, error);
		if (seen & (UINT64_C(1) << i))
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "Option '%s' is given more than once.",
						 opts[i].name);
		seen |= UINT64_C(1) << i;

		r = sd_bus_message_peek_type(m, NULL, &contents);
		if (r < 0)
			return r;
		if (!streq(contents, opts[i].type))
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "Option '%s' must be %s (D-Bus type '%s'), not of type '%s'.",
						 opts[i].name,
						 type_description(opts[i].type),
						 opts[i].type, contents);
		r = sd_bus_message_enter_container(m, 'v', contents);
		if (r < 0)
			return r;
		r = read_value(m, &opts[i]);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

int bus_read_target_options(sd_bus_message *m, const char **which,
			    const struct bus_option *opts, size_t n_opts,
			    sd_bus_error *error)
{
	int r = sd_bus_message_read(m, "s", which);

	if (r < 0)
		return r;
	return bus_read_options(m, opts, n_opts, error);
}
