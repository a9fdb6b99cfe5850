// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The host's totals, summed once: status's JSON carries them, daxmapd's
 * Manager properties and daxmapctl's text show them.
 */
#include <string.h>

#include "private.h"

DAXMAP_EXPORT void daxmap_topology_get_totals(struct daxmap_topology *t,
					      struct daxmap_totals *ret)
{
	struct daxmap_namespace *n;
	struct daxmap_dax_region *dr;
	struct daxmap_region *r;
	struct daxmap_device *d;

	memset(ret, 0, sizeof(*ret));
	ret->memmap.source = DAXMAP_SOURCE_MODEL;
	if (!t)
		return;
	daxmap_region_foreach(t, r)
		ret->regions++;
	daxmap_dax_region_foreach(t, dr)
		ret->dax_regions++;
	daxmap_namespace_foreach(t, n)
		ret->namespaces++;
	daxmap_device_foreach(t, d) {
		const struct daxmap_memmap *c = daxmap_device_get_memmap(d);
		const char *mode = daxmap_device_get_mode(d);
		struct daxmap_mapper *m;

		ret->devices++;
		if (!daxmap_device_is_enabled(d))
			continue;
		if (mode && strcmp(mode, "system-ram") == 0)
			ret->system_ram_bytes += daxmap_device_get_size(d);
		else
			ret->devdax_bytes += daxmap_device_get_size(d);
		if (c) {
			ret->memmap.baseline_bytes += c->baseline_bytes;
			ret->memmap.actual_bytes += c->actual_bytes;
			ret->memmap.saved_bytes += c->saved_bytes;
			ret->memmap.pagetable_bytes += c->pagetable_bytes;
			ret->memmap.ram_bytes += c->ram_bytes;
			ret->memmap.device_bytes += c->device_bytes;
		}
		daxmap_mapper_foreach(d, m)
			ret->mapper_pagetable_bytes +=
				daxmap_mapper_get_pagetable_bytes(m);
	}
}
