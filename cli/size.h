/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sizes as people read them. Parsing is the library's (daxmap_parse_size),
 * which reads configuration files too.
 */
#ifndef DAXMAPCTL_SIZE_H
#define DAXMAPCTL_SIZE_H

#include <stdint.h>

#define SZ_4K (UINT64_C(4) << 10)
#define SZ_2M (UINT64_C(2) << 20)
#define SZ_1G (UINT64_C(1) << 30)

/* Enough for "1023 EiB" and for "18446744073709551615" with a suffix. */
#define SIZE_BUF 32

/* What daxmap_parse_size() accepts, for error messages. */
#define SIZE_FORMS \
	"bytes or a number with a K, M, G or T suffix (binary, e.g. 4096, 512M, 1.5G)"

/* "2.00 GiB", "16.0 MiB", "512 KiB", "0 B": three significant digits. */
const char *size_format(uint64_t bytes, char buf[static SIZE_BUF]);

/*
 * The exact size in the largest unit that divides it, in a form
 * daxmap_parse_size() reads back: "2M", "1536M", "4097".
 */
const char *size_format_exact(uint64_t bytes, char buf[static SIZE_BUF]);

#endif /* DAXMAPCTL_SIZE_H */
