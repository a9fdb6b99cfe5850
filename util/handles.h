/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cleanup helpers for libdaxmap's handles, for _cleanup_() in daxmapctl
 * and daxmapd (the library has its own for what it keeps inside).
 */
#ifndef DAXMAP_UTIL_HANDLES_H
#define DAXMAP_UTIL_HANDLES_H

#include <daxmap.h>

static inline void daxmap_unrefp(struct daxmap_ctx **p)
{
	daxmap_unref(*p);
}

static inline void daxmap_kernel_unrefp(struct daxmap_kernel **p)
{
	daxmap_kernel_unref(*p);
}

static inline void daxmap_topology_unrefp(struct daxmap_topology **p)
{
	daxmap_topology_unref(*p);
}

static inline void daxmap_config_status_freep(struct daxmap_config_status **p)
{
	daxmap_config_status_free(*p);
}

#endif /* DAXMAP_UTIL_HANDLES_H */
