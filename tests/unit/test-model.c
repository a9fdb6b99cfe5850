// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The overhead model against the table in DESIGN.md and the figures every
 * review checks (1 TiB at each align), and the mapping page-table costs.
 */
#include <errno.h>

#include "private.h"
#include "test.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)

static struct daxmap_memmap model(const struct daxmap_model *m, uint64_t size,
				  uint64_t align, enum daxmap_map map)
{
	struct daxmap_memmap c;
	int r = daxmap_model_memmap(m, size, align, map, &c);

	CHECK(r == 0);
	return c;
}

/* 1 TiB, the figures from the foundation issue. */
static void test_one_tib(const struct daxmap_model *m)
{
	struct daxmap_memmap c;

	c = model(m, TiB, 4 * KiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.baseline_bytes, 16 * GiB);
	CHECK_U64(c.actual_bytes, 16 * GiB);
	CHECK_U64(c.ram_bytes, 16 * GiB);
	CHECK_U64(c.saved_bytes, 0);
	CHECK_U64(c.pagetable_bytes, 0);

	c = model(m, TiB, 2 * MiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.baseline_bytes, 16 * GiB);
	CHECK_U64(c.pagetable_bytes, 32 * MiB);
	CHECK_U64(c.actual_bytes - c.pagetable_bytes, 4 * GiB);
	CHECK_U64(c.ram_bytes, 4 * GiB + 32 * MiB);
	CHECK_U64(c.device_bytes, 0);
	CHECK_U64(c.saved_bytes, 12 * GiB - 32 * MiB);
	CHECK(c.location == DAXMAP_MAP_MEM);

	c = model(m, TiB, GiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.pagetable_bytes, 32 * MiB);
	CHECK_U64(c.actual_bytes - c.pagetable_bytes, 8 * MiB);
	CHECK_U64(c.ram_bytes, 40 * MiB);
	CHECK_U64(c.saved_bytes, 16 * GiB - 40 * MiB);

	c = model(m, TiB, 2 * MiB, DAXMAP_MAP_DEV);
	CHECK_U64(c.ram_bytes, 0);
	CHECK_U64(c.device_bytes, 16 * GiB);
	CHECK_U64(c.actual_bytes, 16 * GiB);
	CHECK_U64(c.saved_bytes, 0);
	CHECK(c.location == DAXMAP_MAP_DEV);
	c = model(m, TiB, GiB, DAXMAP_MAP_DEV);
	CHECK_U64(c.ram_bytes, 0);
	CHECK_U64(c.device_bytes, 16 * GiB);
}

/*
 * DESIGN.md's table, per GiB: vmemmap pages per compound page, plain and
 * deduplicated, and the RAM data pages; plus the pages per GiB measured on
 * Debian's 6.1 and 6.12 (data + PTE pages).
 */
static void test_design_table(const struct daxmap_model *m)
{
	static const struct {
		uint64_t align;
		uint64_t plain_per_compound;
		uint64_t data_bytes_per_gib;
		uint64_t measured_pages_per_gib;
	} rows[] = {
		{ 4 * KiB, 0, 16 * MiB, 4096 },
		{ 2 * MiB, 8, 4 * MiB, 1032 },
		{ GiB, 4096, 8 * KiB, 10 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct daxmap_memmap c = model(m, GiB, rows[i].align,
					       DAXMAP_MAP_MEM);

		CHECK_U64(c.baseline_bytes, 16 * MiB);
		CHECK_U64(c.actual_bytes - c.pagetable_bytes,
			  rows[i].data_bytes_per_gib);
		CHECK_U64(c.ram_bytes / m->page_size,
			  rows[i].measured_pages_per_gib);
		if (rows[i].plain_per_compound)
			CHECK_U64(rows[i].align / m->page_size *
					  m->struct_page_size / m->page_size,
				  rows[i].plain_per_compound);
	}
	/* 6 of 8 vmemmap pages saved at 2 MiB, 4094 of 4096 at 1 GiB. */
	CHECK_U64(model(m, 2 * MiB, 2 * MiB, DAXMAP_MAP_MEM).actual_bytes -
			  model(m, 2 * MiB, 2 * MiB, DAXMAP_MAP_MEM)
				  .pagetable_bytes,
		  2 * m->page_size);
	CHECK_U64(model(m, GiB, GiB, DAXMAP_MAP_MEM).actual_bytes -
			  model(m, GiB, GiB, DAXMAP_MAP_MEM).pagetable_bytes,
		  2 * m->page_size);
}

static void test_without_dedup(void)
{
	struct daxmap_model m;
	struct daxmap_memmap c;

	daxmap_model_init(&m);
	m.dedup = false;
	c = model(&m, TiB, GiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.ram_bytes, 16 * GiB);
	CHECK_U64(c.saved_bytes, 0);
	CHECK_U64(c.pagetable_bytes, 0);
}

/* The limit for page-granular remapping: one vmemmap page kept. */
static void test_head_page_reuse(void)
{
	struct daxmap_model m;
	struct daxmap_memmap c;

	daxmap_model_init(&m);
	m.dedup_kept_pages = 1;
	c = model(&m, GiB, 2 * MiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.actual_bytes - c.pagetable_bytes, 512 * m.page_size);
	c = model(&m, GiB, GiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.actual_bytes - c.pagetable_bytes, m.page_size);
}

/*
 * Shared tail PTE tables: 1 GiB at 1G takes its vmemmap page and two PTE
 * tables, not eight (the kernel's measured 3 pages); 2M and 4K are as
 * without, since a 2 MiB compound page's 32 KiB of vmemmap is in one table.
 */
static void test_shared_pte_tables(void)
{
	struct daxmap_model m;
	struct daxmap_memmap c;

	daxmap_model_init(&m);
	CHECK(!m.dedup_shared_ptes);
	m.dedup_kept_pages = 1;
	c = model(&m, 3 * GiB, GiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.pagetable_bytes, 3 * 8 * m.page_size);
	CHECK_U64(c.ram_bytes, 3 * 9 * m.page_size);

	m.dedup_shared_ptes = true;
	c = model(&m, 3 * GiB, GiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.pagetable_bytes, 3 * 2 * m.page_size);
	CHECK_U64(c.ram_bytes, 3 * 3 * m.page_size);
	CHECK_U64(c.saved_bytes, c.baseline_bytes - c.ram_bytes);
	c = model(&m, GiB, 2 * MiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.ram_bytes, 520 * m.page_size);
	c = model(&m, GiB, 4 * KiB, DAXMAP_MAP_MEM);
	CHECK_U64(c.ram_bytes, 4096 * m.page_size);
}

static void test_invalid(const struct daxmap_model *m)
{
	struct daxmap_memmap c;

	CHECK(daxmap_model_memmap(m, 0, 2 * MiB, DAXMAP_MAP_MEM, &c) ==
	      -EINVAL);
	CHECK(daxmap_model_memmap(m, GiB, 3 * MiB, DAXMAP_MAP_MEM, &c) ==
	      -EINVAL);
	CHECK(daxmap_model_memmap(m, GiB + 4 * KiB, 2 * MiB, DAXMAP_MAP_MEM,
				  &c) == -EINVAL);
	CHECK(daxmap_model_memmap(m, GiB, 2 * KiB, DAXMAP_MAP_MEM, &c) ==
	      -EINVAL);
	CHECK(daxmap_model_memmap(m, GiB, 0, DAXMAP_MAP_MEM, &c) == -EINVAL);
	CHECK(daxmap_model_memmap(m, GiB, 2 * MiB, DAXMAP_MAP_UNKNOWN, &c) ==
	      -EINVAL);
}

/* Processes pay 0.2 % at 4 KiB, a page per GiB at 2 MiB, per 512 GiB at 1 GiB. */
static void test_mapping_pagetables(const struct daxmap_model *m)
{
	CHECK_U64(daxmap_model_mapping_pagetables(m, GiB, 4 * KiB), 2 * MiB);
	CHECK_U64(daxmap_model_mapping_pagetables(m, GiB, 2 * MiB), 4 * KiB);
	CHECK_U64(daxmap_model_mapping_pagetables(m, 3 * GiB, 2 * MiB),
		  12 * KiB);
	CHECK_U64(daxmap_model_mapping_pagetables(m, 512 * GiB, GiB), 4 * KiB);
	CHECK_U64(daxmap_model_mapping_pagetables(m, TiB, GiB), 8 * KiB);
	/* A partial table still costs a whole page. */
	CHECK_U64(daxmap_model_mapping_pagetables(m, 2 * MiB, 2 * MiB),
		  4 * KiB);
	CHECK_U64(daxmap_model_mapping_pagetables(m, 0, 2 * MiB), 0);
}

/*
 * Figures from outside the model around its baseline: the dax-memmap
 * patch's attributes for the fixture tree's devices (64 GiB at 2 MiB with
 * its memmap in RAM, 16 GiB with it on the device), and the figures that
 * cost more than the baseline.
 */
static void test_observed(const struct daxmap_model *m)
{
	struct daxmap_memmap mem = model(m, 64 * GiB, 2 * MiB, DAXMAP_MAP_MEM);
	struct daxmap_memmap dev = model(m, 16 * GiB, 2 * MiB, DAXMAP_MAP_DEV);
	struct daxmap_memmap c;

	daxmap_memmap_observed(&mem, DAXMAP_SOURCE_KERNEL, 270532608, 2 * MiB,
			       0, &c);
	CHECK(c.source == DAXMAP_SOURCE_KERNEL);
	CHECK(c.location == DAXMAP_MAP_MEM);
	CHECK_U64(c.baseline_bytes, GiB);
	CHECK_U64(c.ram_bytes, 258 * MiB);
	CHECK_U64(c.pagetable_bytes, 2 * MiB);
	CHECK_U64(c.device_bytes, 0);
	CHECK_U64(c.actual_bytes, 258 * MiB);
	CHECK_U64(c.saved_bytes, GiB - 258 * MiB);

	/* map=dev: the device holds it, RAM only its page tables. */
	daxmap_memmap_observed(&dev, DAXMAP_SOURCE_KERNEL, 8 * KiB, 8 * KiB,
			       256 * MiB, &c);
	CHECK(c.location == DAXMAP_MAP_DEV);
	CHECK_U64(c.ram_bytes, 8 * KiB);
	CHECK_U64(c.pagetable_bytes, 8 * KiB);
	CHECK_U64(c.device_bytes, 256 * MiB);
	CHECK_U64(c.actual_bytes, 256 * MiB + 8 * KiB);
	CHECK_U64(c.saved_bytes, 0);

	/* Page tables are a part of the RAM, never more than all of it. */
	daxmap_memmap_observed(&mem, DAXMAP_SOURCE_MEASURED, 4 * MiB, 8 * MiB,
			       0, &c);
	CHECK(c.source == DAXMAP_SOURCE_MEASURED);
	CHECK_U64(c.pagetable_bytes, 4 * MiB);
	CHECK_U64(c.saved_bytes, GiB - 4 * MiB);
}

/*
 * Memory onlined by kmem: 4096 struct pages of 64 B per GiB, 16 MiB, in
 * RAM whatever the align the device had, or all on the memory itself with
 * memmap_on_memory; the kernel's nr_memmap_pages counted 8192 pages for
 * 2 GiB of Soft Reserved memory onlined so in the bed.
 */
static void test_system_ram(const struct daxmap_model *m)
{
	struct daxmap_memmap c;

	CHECK(daxmap_model_system_ram_memmap(m, 2 * GiB, false, &c) == 0);
	CHECK(c.location == DAXMAP_MAP_MEM);
	CHECK_U64(c.baseline_bytes, 8192 * 4 * KiB);
	CHECK_U64(c.ram_bytes, 32 * MiB);
	CHECK_U64(c.actual_bytes, 32 * MiB);
	CHECK_U64(c.saved_bytes, 0);
	CHECK_U64(c.device_bytes, 0);

	CHECK(daxmap_model_system_ram_memmap(m, GiB, true, &c) == 0);
	CHECK(c.location == DAXMAP_MAP_DEV);
	CHECK_U64(c.ram_bytes, 0);
	CHECK_U64(c.device_bytes, 16 * MiB);
	CHECK_U64(c.saved_bytes, 0);

	/* Not a whole number of pages: refused as any model is. */
	CHECK(daxmap_model_system_ram_memmap(m, GiB + 1, false, &c) == -EINVAL);
}

/* What a dax region is, from its device's bus and driver. */
static void test_dax_provider(void)
{
	CHECK_STR(daxmap_dax_provider_name("nd", NULL), "nvdimm");
	CHECK_STR(daxmap_dax_provider_name("cxl", "cxl_dax_region"), "cxl");
	CHECK_STR(daxmap_dax_provider_name("platform", "hmem"), "hmem");
	CHECK_STR(daxmap_dax_provider_name("platform", NULL), "platform");
	CHECK_STR(daxmap_dax_provider_name(NULL, NULL), "unknown");
	CHECK_STR(daxmap_dax_provider_name("", NULL), "unknown");
}

int main(void)
{
	struct daxmap_model m;

	daxmap_model_init(&m);
	test_one_tib(&m);
	test_design_table(&m);
	test_without_dedup();
	test_head_page_reuse();
	test_shared_pte_tables();
	test_invalid(&m);
	test_mapping_pagetables(&m);
	test_observed(&m);
	test_system_ram(&m);
	test_dax_provider();
	return test_summary("model");
}
