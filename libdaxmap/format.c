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

/* Binary units with three significant digits, as people read sizes. */
void daxmap_format_human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return;
	}
	while (v >= 1024 && u < (int)ARRAY_SIZE(units) - 1) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s",
		 v, units[u]);
}

void daxmap_format_exact(uint64_t bytes, char *buf, size_t len)
{
	static const char suffix[] = "KMGT";
	int i;

	/* The exact value in the largest unit that divides it, as typed. */
	for (i = 3; i >= 0; i--) {
		uint64_t unit = UINT64_C(1) << (10 * (i + 1));

		if (bytes && bytes % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit,
				 suffix[i]);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, bytes);
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
