/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The smallest harness that says what failed: each check prints expected
 * and actual values, and the program's exit code counts the failures.
 */
#ifndef DAXMAP_TEST_H
#define DAXMAP_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                            \
	do {                                                                   \
		test_checks++;                                                 \
		if (!(cond)) {                                                 \
			test_failures++;                                       \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,         \
				__LINE__, #cond);                              \
		}                                                              \
	} while (0)

#define CHECK_U64(got, want)                                                   \
	do {                                                                   \
		uint64_t _g = (got), _w = (want);                              \
		test_checks++;                                                 \
		if (_g != _w) {                                                \
			test_failures++;                                       \
			fprintf(stderr,                                        \
				"%s:%d: FAIL: %s = %" PRIu64                   \
				", want %" PRIu64 "\n",                        \
				__FILE__, __LINE__, #got, _g, _w);             \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *_g = (got), *_w = (want);                          \
		test_checks++;                                                 \
		if (!_g || !_w ? _g != _w : strcmp(_g, _w) != 0) {             \
			test_failures++;                                       \
			fprintf(stderr,                                        \
				"%s:%d: FAIL: %s = \"%s\", want \"%s\"\n",     \
				__FILE__, __LINE__, #got, _g ? _g : "(null)",  \
				_w ? _w : "(null)");                           \
		}                                                              \
	} while (0)

static inline int test_summary(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
	return test_failures ? 1 : 0;
}

#endif /* DAXMAP_TEST_H */
