// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sizes and messages as text: sizes as people type them (configuration
 * files, command lines), and as the library's messages and JSON's
 * *_human strings print them.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "private.h"

/* The largest suffix is T (2^40). */
#define MAX_SHIFT 40

static unsigned int suffix_shift(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'k':
		return 10;
	case 'm':
		return 20;
	case 'g':
		return 30;
	case 't':
		return 40;
	default:
		return 0;
	}
}

/*
 * The bytes that the decimal fraction 0.@digits comes to when multiplied
 * by 2^@shift, or -EINVAL when that is not a whole number. Doubling the
 * decimal digits one bit at a time keeps it exact for any input, where
 * floating point would round 0.3K to 307 without a word.
 */
static int fraction_bytes(const char *digits, size_t len, unsigned int shift,
			  uint64_t *ret)
{
	char d[MAX_SHIFT];
	uint64_t carried = 0;
	unsigned int i;
	size_t j;

	/* Trailing zeros change nothing: 1.50G is 1.5G. */
	while (len > 0 && digits[len - 1] == '0')
		len--;
	/*
	 * With n significant decimals, x / 10^n * 2^shift is whole only if
	 * 5^n divides x and n <= shift; so more than MAX_SHIFT decimals can
	 * never come to whole bytes, and they need not fit in d[].
	 */
	if (len > shift)
		return -EINVAL;
	for (j = 0; j < len; j++)
		d[j] = (char)(digits[j] - '0');

	for (i = 0; i < shift; i++) {
		unsigned int carry = 0;

		for (j = len; j-- > 0;) {
			unsigned int v = (unsigned int)d[j] * 2 + carry;

			d[j] = (char)(v % 10);
			carry = v / 10;
		}
		carried = carried * 2 + carry;
	}
	for (j = 0; j < len; j++)
		if (d[j])
			return -EINVAL;
	*ret = carried;
	return 0;
}

DAXMAP_EXPORT int daxmap_parse_size(const char *s, uint64_t *ret,
				    const char **ret_why)
{
	const char *p = s, *frac = NULL;
	uint64_t whole = 0, extra = 0, total;
	unsigned int shift;
	size_t frac_len = 0;

	if (!*s) {
		*ret_why = "empty";
		return -EINVAL;
	}
	if (*p == '-') {
		*ret_why = "negative";
		return -EINVAL;
	}
	if (!isdigit((unsigned char)*p))
		goto not_a_size;

	for (; isdigit((unsigned char)*p); p++) {
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(*p - '0'), &whole))
			goto too_large;
	}
	if (*p == '.') {
		frac = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		frac_len = (size_t)(p - frac);
		if (!frac_len)
			goto not_a_size;
	}

	shift = suffix_shift(*p);
	if (shift)
		p++;
	/* "2MiB", "2MB", "2mb" and, without a suffix, "4096B". */
	if (shift && strncasecmp(p, "ib", 2) == 0)
		p += 2;
	else if (*p == 'b' || *p == 'B')
		p++;
	if (*p)
		goto not_a_size;

	if (whole > (UINT64_MAX >> shift))
		goto too_large;
	if (frac && fraction_bytes(frac, frac_len, shift, &extra) < 0) {
		*ret_why = "not a whole number of bytes";
		return -EINVAL;
	}
	if (__builtin_add_overflow(whole << shift, extra, &total))
		goto too_large;
	if (!total) {
		*ret_why = "must be greater than zero";
		return -EINVAL;
	}
	*ret = total;
	return 0;

not_a_size:
	*ret_why = "not a size";
	return -EINVAL;
too_large:
	*ret_why = "too large";
	return -ERANGE;
}

/*
 * Binary units with three significant digits, judged after rounding: a
 * value that would print as "1024 MiB" or "10.00 GiB" moves up a unit or
 * loses a decimal, so 1073479680 bytes read "1.00 GiB".
 */
DAXMAP_EXPORT const char *daxmap_format_size(uint64_t bytes, char *buf,
					     size_t len)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;
	double v;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (u + 1 < ARRAY_SIZE(units) &&
	       bytes >= (UINT64_C(1) << (10 * (u + 1))))
		u++;
	v = (double)bytes / (double)(UINT64_C(1) << (10 * u));
	if (v >= 1023.5 && u + 1 < ARRAY_SIZE(units)) {
		u++;
		v /= 1024;
	}
	if (v < 9.995)
		snprintf(buf, len, "%.2f %s", v, units[u]);
	else if (v < 99.95)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
	return buf;
}

/* The exact value in the largest unit that divides it, as typed. */
DAXMAP_EXPORT const char *daxmap_format_size_exact(uint64_t bytes, char *buf,
						   size_t len)
{
	static const char suffix[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		unsigned int shift = 10 * (unsigned int)(i + 1);

		if (bytes && bytes % (UINT64_C(1) << shift) == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes >> shift,
				 suffix[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%" PRIu64, bytes);
	return buf;
}

int daxmap_set_message(char **ret_message, int r, const char *fmt, ...)
{
	va_list args;

	if (ret_message) {
		va_start(args, fmt);
		if (vasprintf(ret_message, fmt, args) < 0)
			*ret_message = NULL;
		va_end(args);
	}
	return r;
}

int daxmap_refuse(enum daxmap_reason *ret_reason, char **ret_message,
		  enum daxmap_reason reason, int r, const char *fmt, ...)
{
	va_list args;

	if (ret_reason)
		*ret_reason = reason;
	if (ret_message) {
		free(*ret_message);
		va_start(args, fmt);
		if (vasprintf(ret_message, fmt, args) < 0)
			*ret_message = NULL;
		va_end(args);
	}
	return r;
}
