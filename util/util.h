/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small definitions that libdaxmap, daxmapctl and daxmapd all use, kept
 * here once (as ndctl keeps its util/): never installed, never exported.
 */
#ifndef DAXMAP_UTIL_H
#define DAXMAP_UTIL_H

#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SZ_4K (UINT64_C(4) << 10)
#define SZ_2M (UINT64_C(2) << 20)
#define SZ_1G (UINT64_C(1) << 30)

#endif /* DAXMAP_UTIL_H */
