/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers the daemon's files share: strings that must be valid UTF-8
 * to go on the bus, and sizes in error messages.
 */
#ifndef DAXMAPD_UTIL_H
#define DAXMAPD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include <daxmap.h>

#include "util/util.h"

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_SEC UINT64_C(1000000)

/* The unique bus name of who sent @m, for the log ("?" when none). */
static inline const char *sender_of(sd_bus_message *m)
{
	const char *s = sd_bus_message_get_sender(m);

	return s ? s : "?";
}

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* The D-Bus rules: well-formed UTF-8, no surrogates, nothing past U+10FFFF. */
bool utf8_is_valid(const char *s);

/*
 * A copy of @s (NULL taken as "") in which every byte that does not start
 * a valid UTF-8 sequence is replaced by U+FFFD, so that anything the
 * kernel or a process name holds can go on the bus. NULL on ENOMEM.
 */
char *utf8_sanitize(const char *s);

/*
 * The length of the longest prefix of the valid UTF-8 string @s that is
 * at most @max bytes and does not split a character: for quoting what a
 * caller sent in an error message without quoting a megabyte.
 */
size_t utf8_prefix_len(const char *s, size_t max);

#define SIZE_BUF DAXMAP_SIZE_BUF

/* The library's exact formatter, for a buffer of SIZE_BUF: "2M", "4097". */
static inline const char *format_size_exact(uint64_t bytes,
					    char buf[static SIZE_BUF])
{
	return daxmap_format_size_exact(bytes, buf, SIZE_BUF);
}

#define SIZE_DESCRIPTION_BUF 64

/* "3M (3145728 bytes)", or "4097 bytes" where no unit divides it. */
const char *describe_size(uint64_t bytes,
			  char buf[static SIZE_DESCRIPTION_BUF]);

#endif /* DAXMAPD_UTIL_H */
