// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The overhead model: what the struct pages (the vmemmap) of a device-DAX
 * namespace cost, from its size, align and memmap location. Pure functions,
 * no I/O; the rules are the kernel's, see DESIGN.md.
 */
#include <errno.h>
#include <string.h>

#include "private.h"

uint64_t daxmap_div_round_up(uint64_t n, uint64_t d)
{
	return n / d + (n % d != 0);
}

static bool is_power_of_2(uint64_t n)
{
	return n && !(n & (n - 1));
}

DAXMAP_EXPORT void daxmap_model_init(struct daxmap_model *m)
{
	memset(m, 0, sizeof(*m));
	m->page_size = SZ_4K;
	m->struct_page_size = 64;
	m->ptes_per_page = 512;
	m->dedup = true;
	/*
	 * Upstream keeps the head page's vmemmap page and one tail page that
	 * every other tail vmemmap page of the compound page maps to.
	 */
	m->dedup_kept_pages = 2;
}

DAXMAP_EXPORT int daxmap_model_memmap(const struct daxmap_model *m,
				      uint64_t size, uint64_t align,
				      enum daxmap_map map,
				      struct daxmap_memmap *ret)
{
	uint64_t vmemmap_per_compound, compound_pages, pte_span, tables;
	struct daxmap_memmap c = { .source = DAXMAP_SOURCE_MODEL };

	if (!size || !is_power_of_2(align) || align % m->page_size ||
	    size % align)
		return -EINVAL;
	if (map != DAXMAP_MAP_MEM && map != DAXMAP_MAP_DEV)
		return -EINVAL;

	/* One struct page per base page, whatever the align. */
	c.baseline_bytes = size / m->page_size * m->struct_page_size;
	c.location = map;

	if (map == DAXMAP_MAP_DEV) {
		/*
		 * The altmap: the memmap is carved out of the device itself
		 * and the kernel never deduplicates it (vmemmap_can_optimize()
		 * excludes an altmap), so it costs its full size, on the
		 * device, and no RAM.
		 */
		c.actual_bytes = c.device_bytes = c.baseline_bytes;
		*ret = c;
		return 0;
	}

	vmemmap_per_compound = align / m->page_size * m->struct_page_size /
			       m->page_size;
	if (!m->dedup || vmemmap_per_compound <= m->dedup_kept_pages) {
		/*
		 * Plain vmemmap, mapped with PMD-sized pages: its page-table
		 * cost (a PMD page per GiB of vmemmap) is noise, not modelled.
		 */
		c.actual_bytes = c.ram_bytes = c.baseline_bytes;
		*ret = c;
		return 0;
	}

	/*
	 * Dedup keeps dedup_kept_pages vmemmap pages per compound page and
	 * maps the vmemmap with base-page PTEs instead of PMD mappings, so
	 * every 2 MiB of vmemmap address space (one PTE page's reach) costs a
	 * page-table page.
	 */
	compound_pages = size / align;
	pte_span = m->ptes_per_page * m->page_size;
	tables = daxmap_div_round_up(c.baseline_bytes, pte_span);
	/*
	 * With shared PTE tables, the tables of a compound page's vmemmap
	 * after the one with its head page are all the same table, since
	 * each of their PTEs maps the head page: two per compound page
	 * where it takes more (a 1 GiB one: 8 on x86).
	 */
	if (m->dedup_shared_ptes &&
	    vmemmap_per_compound * m->page_size > 2 * pte_span)
		tables = compound_pages * 2;
	c.pagetable_bytes = tables * m->page_size;
	c.actual_bytes = compound_pages * m->dedup_kept_pages * m->page_size +
			 c.pagetable_bytes;
	c.ram_bytes = c.actual_bytes;
	c.saved_bytes = c.baseline_bytes - c.actual_bytes;
	*ret = c;
	return 0;
}

DAXMAP_EXPORT int
daxmap_model_system_ram_memmap(const struct daxmap_model *m, uint64_t size,
			       bool memmap_on_memory, struct daxmap_memmap *ret)
{
	/*
	 * Memory kmem onlines is hot-added memory like any other: no
	 * compound pages, so nothing to deduplicate, a struct page per base
	 * page whatever the device's align was, in RAM or, with
	 * memmap_on_memory, carved from the memory itself.
	 */
	return daxmap_model_memmap(m, size, m->page_size,
				   memmap_on_memory ? DAXMAP_MAP_DEV :
						      DAXMAP_MAP_MEM,
				   ret);
}

void daxmap_memmap_observed(const struct daxmap_memmap *model,
			    enum daxmap_source source, uint64_t ram_bytes,
			    uint64_t pagetable_bytes, uint64_t device_bytes,
			    struct daxmap_memmap *ret)
{
	struct daxmap_memmap c = *model;

	c.source = source;
	c.ram_bytes = ram_bytes;
	c.device_bytes = device_bytes;
	c.actual_bytes = ram_bytes + device_bytes;
	/* More than the baseline is a cost, not a negative saving. */
	c.saved_bytes = c.baseline_bytes > c.actual_bytes ?
				c.baseline_bytes - c.actual_bytes :
				0;
	/* Page tables live in RAM: a part of it, never more. */
	c.pagetable_bytes = pagetable_bytes < ram_bytes ? pagetable_bytes :
							  ram_bytes;
	*ret = c;
}

DAXMAP_EXPORT uint64_t daxmap_model_mapping_pagetables(
	const struct daxmap_model *m, uint64_t mapped, uint64_t align)
{
	uint64_t reach = m->page_size;

	/*
	 * A mapping at @align is made of entries at the page-table level
	 * whose entry covers @align: PTEs for base pages, PMDs for 2 MiB,
	 * PUDs for 1 GiB. One table page at that level reaches
	 * ptes_per_page entries.
	 */
	while (reach < align && reach * m->ptes_per_page <= align)
		reach *= m->ptes_per_page;
	return daxmap_div_round_up(mapped, reach * m->ptes_per_page) *
	       m->page_size;
}
