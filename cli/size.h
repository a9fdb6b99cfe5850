/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sizes as people read and type them: the library parses
 * (daxmap_parse_size) and prints (daxmap_format_size) them.
 */
#ifndef DAXMAPCTL_SIZE_H
#define DAXMAPCTL_SIZE_H

#include <daxmap.h>

#include "util/util.h"

#define SIZE_BUF DAXMAP_SIZE_BUF

/* What daxmap_parse_size() accepts, for error messages. */
#define SIZE_FORMS \
	"bytes or a number with a K, M, G or T suffix (binary, e.g. 4096, 512M, 1.5G)"

/* The library's formatters (daxmap.h), for a buffer of SIZE_BUF. */
static inline const char *size_format(uint64_t bytes, char buf[static SIZE_BUF])
{
	return daxmap_format_size(bytes, buf, SIZE_BUF);
}

static inline const char *size_format_exact(uint64_t bytes,
					    char buf[static SIZE_BUF])
{
	return daxmap_format_size_exact(bytes, buf, SIZE_BUF);
}

#endif /* DAXMAPCTL_SIZE_H */
