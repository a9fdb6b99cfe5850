// SPDX-License-Identifier: GPL-2.0-or-later
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

/*
 * The length of the UTF-8 sequence at @p, or 0 when it is not a valid
 * one (overlong forms, surrogates, code points past U+10FFFF, truncated
 * sequences).
 */
static size_t utf8_sequence_len(const unsigned char *p)
{
	uint32_t cp;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		/* Also stops at the terminating NUL. */
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000))
		return 0;
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool utf8_is_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = utf8_sequence_len(p);

		if (!len)
			return false;
		p += len;
	}
	return true;
}

char *utf8_sanitize(const char *s)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *p;
	char *out, *o;

	if (!s)
		s = "";
	/* At worst every byte becomes the 3-byte replacement. */
	out = malloc(strlen(s) * 3 + 1);
	if (!out)
		return NULL;
	for (p = (const unsigned char *)s, o = out; *p;) {
		size_t len = utf8_sequence_len(p);

		if (len) {
			memcpy(o, p, len);
			o += len;
			p += len;
		} else {
			memcpy(o, replacement, 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	return out;
}

size_t utf8_prefix_len(const char *s, size_t max)
{
	size_t len = strnlen(s, max + 1);

	if (len <= max)
		return len;
	len = max;
	/* Back off continuation bytes to the start of the character. */
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return len;
}

const char *describe_size(uint64_t bytes,
			  char buf[static SIZE_DESCRIPTION_BUF])
{
	char exact[SIZE_BUF];

	daxmap_format_size_exact(bytes, exact, SIZE_BUF);
	if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, SIZE_DESCRIPTION_BUF, "%s (%" PRIu64 " bytes)",
			 exact, bytes);
	else
		snprintf(buf, SIZE_DESCRIPTION_BUF, "%" PRIu64 " bytes", bytes);
	return buf;
}
