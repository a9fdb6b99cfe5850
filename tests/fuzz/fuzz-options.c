// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapd's a{sv} options reader, on dictionaries built from the input:
 * any keys, values of any type (nested variants and arrays included),
 * repeated keys. It must answer a value or InvalidArgs, never crash, and
 * leave the message readable.
 */
#include <errno.h>
#include <sys/socket.h>

#include <systemd/sd-bus.h>

#include "options.h"
#include "fuzz.h"

/* Takes @n bytes of the input, or what is left. */
static const uint8_t *take(const uint8_t **data, size_t *size, size_t n)
{
	const uint8_t *p = *data;

	if (n > *size)
		n = *size;
	*data += n;
	*size -= n;
	return p;
}

static uint8_t byte(const uint8_t **data, size_t *size)
{
	return *size ? *take(data, size, 1) : 0;
}

static int append_value(sd_bus_message *m, const uint8_t **data, size_t *size,
			int depth)
{
	uint8_t kind = byte(data, size) % 8;
	uint64_t u = 0;
	char s[32];
	size_t n;
	int r;

	if (depth > 3)
		kind %= 5;
	switch (kind) {
	case 0:
		return sd_bus_message_append(m, "v", "b", byte(data, size) & 1);
	case 1:
		for (n = 0; n < 8; n++)
			u = u << 8 | byte(data, size);
		return sd_bus_message_append(m, "v", "t", u);
	case 2:
		return sd_bus_message_append(m, "v", "u",
					     (uint32_t)byte(data, size) << 24 |
						     byte(data, size));
	case 3:
		/*
		 * ASCII without NUL: sd-bus refuses to append anything else,
		 * and a refused append spoils the whole message.
		 */
		n = byte(data, size) % sizeof(s);
		if (n > *size)
			n = *size;
		memcpy(s, take(data, size, n), n);
		for (size_t i = 0; i < n; i++)
			s[i] = (char)((s[i] & 0x7f) ? (s[i] & 0x7f) : '0');
		s[n] = '\0';
		return sd_bus_message_append(m, "v", "s", s);
	case 4:
		return sd_bus_message_append(m, "v", "i", -(int)byte(data, size));
	case 5:
		return sd_bus_message_append(m, "v", "as", 2, "a", "b");
	case 6:
		r = sd_bus_message_open_container(m, 'v', "v");
		if (r >= 0)
			r = append_value(m, data, size, depth + 1);
		return r < 0 ? r : sd_bus_message_close_container(m);
	default:
		r = sd_bus_message_open_container(m, 'v', "a{sv}");
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'a', "{sv}");
		if (r >= 0)
			r = sd_bus_message_append(m, "{sv}", "size", "t",
						  UINT64_C(1));
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		return r < 0 ? r : sd_bus_message_close_container(m);
	}
}

static const char *const keys[] = {
	"force", "size", "name", "count", "auth.no_user_interaction",
	"", "forcee", "SIZE", "size\t",
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sd_bus *bus;
	sd_bus_message *m = NULL;
	sd_bus_error error = SD_BUS_ERROR_NULL;
	bool force = false, nui = false;
	uint64_t bytes = 0;
	uint32_t count = 0;
	const char *name = NULL;
	const struct bus_option opts[] = {
		{ "force", "b", &force },
		{ "size", "t", &bytes },
		{ "name", "s", &name },
		{ "count", "u", &count },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &nui },
	};
	int entries, r, sv[2];

	/* A message needs a bus that is started: one end of a socket pair. */
	if (!bus) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
		    sd_bus_new(&bus) < 0 || sd_bus_set_fd(bus, sv[0], sv[0]) < 0 ||
		    sd_bus_start(bus) < 0)
			abort();
	}
	if (sd_bus_message_new_method_call(bus, &m, "org.daxmap1", "/org/daxmap1",
					   "org.daxmap1.Manager", "Fuzz") < 0 ||
	    sd_bus_message_open_container(m, 'a', "{sv}") < 0)
		abort();
	for (entries = byte(&data, &size) % 70; entries > 0; entries--) {
		r = sd_bus_message_open_container(m, 'e', "sv");
		if (r >= 0)
			r = sd_bus_message_append(m, "s",
						  keys[byte(&data, &size) % N_KEYS]);
		if (r >= 0)
			r = append_value(m, &data, &size, 0);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		if (r < 0)
			abort();
	}
	if (sd_bus_message_close_container(m) < 0 ||
	    sd_bus_message_seal(m, 1, 0) < 0 || sd_bus_message_rewind(m, true) < 0)
		abort();

	r = bus_read_options(m, opts, sizeof(opts) / sizeof(opts[0]), &error);
	/* A refusal is InvalidArgs with a message; -ENOMEM aside. */
	if (r < 0 && r != -ENOMEM &&
	    (!sd_bus_error_has_name(&error, SD_BUS_ERROR_INVALID_ARGS) ||
	     !error.message))
		abort();
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	return 0;
}
