/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdaxmap: provision device-DAX with huge alignments and account for the
 * memory its struct pages (the vmemmap) cost.
 *
 * Conventions: opaque handles; actions return 0 or -errno; predicates return
 * bool; getters that can fail return int and write their ret_ out-parameter
 * only on success; lookups return NULL when there is nothing. The library
 * never prints: it logs through the context's log function.
 */
#ifndef DAXMAP_H
#define DAXMAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ context */

struct daxmap_ctx;

int daxmap_new(struct daxmap_ctx **ret_ctx);
struct daxmap_ctx *daxmap_ref(struct daxmap_ctx *ctx);
struct daxmap_ctx *daxmap_unref(struct daxmap_ctx *ctx);

typedef void (*daxmap_log_fn)(struct daxmap_ctx *ctx, int priority,
			      const char *file, int line, const char *fn,
			      const char *format, va_list args);

/* Priorities are syslog's (LOG_ERR .. LOG_DEBUG). DAXMAP_LOG overrides. */
void daxmap_set_log_fn(struct daxmap_ctx *ctx, daxmap_log_fn log_fn);
void daxmap_set_log_priority(struct daxmap_ctx *ctx, int priority);
int daxmap_get_log_priority(struct daxmap_ctx *ctx);
void daxmap_set_userdata(struct daxmap_ctx *ctx, void *userdata);
void *daxmap_get_userdata(struct daxmap_ctx *ctx);

/*
 * Every /sys and /proc path the library reads itself is taken below this
 * root ("/" by default; DAXMAP_ROOT overrides), so that tests can point the
 * pure readers at a fixture tree. libndctl and libdaxctl always read the
 * real /sys: topology scans refuse to run under another root.
 */
int daxmap_set_root(struct daxmap_ctx *ctx, const char *root);
const char *daxmap_get_root(struct daxmap_ctx *ctx);

const char *daxmap_version(void);

/*
 * Whether a create measures the RAM its enable takes: the free-RAM delta
 * around it, for which the page cache is dropped (drop_caches) up to a few
 * dozen times. That costs a production host its caches, so it is a
 * choice: the caller's (a --measure option), else the configuration's
 * "measure" key of its [daxmap] section, else off. Without it the memmap
 * figure is the kernel's counter or the model.
 */
enum daxmap_measure {
	DAXMAP_MEASURE_CONFIG = 0,	/* as the configuration says (default) */
	DAXMAP_MEASURE_OFF,
	DAXMAP_MEASURE_ON,
};
int daxmap_set_measure(struct daxmap_ctx *ctx, enum daxmap_measure measure);
enum daxmap_measure daxmap_get_measure(struct daxmap_ctx *ctx);

/* ------------------------------------------------------------ enumerations */

enum daxmap_map {
	DAXMAP_MAP_UNKNOWN = 0,
	DAXMAP_MAP_MEM,		/* memmap in system RAM */
	DAXMAP_MAP_DEV,		/* memmap on the device (altmap) */
};

enum daxmap_tristate {
	DAXMAP_UNKNOWN = 0,
	DAXMAP_NO,
	DAXMAP_YES,
};

/* How the kernel's /proc/vmstat nr_memmap_pages counts a compound devmap. */
enum daxmap_counter {
	DAXMAP_COUNTER_NONE = 0,	/* no such counter (before 6.11) */
	DAXMAP_COUNTER_NOMINAL,		/* every struct page, dedup ignored */
	DAXMAP_COUNTER_DEDUP_DATA,	/* dedup data pages, no page tables */
	DAXMAP_COUNTER_UNKNOWN,		/* present, rule not known for release */
	DAXMAP_COUNTER_EXACT,		/* RAM really used (memmap-exact) */
};

/* Where a figure comes from. */
enum daxmap_source {
	DAXMAP_SOURCE_MODEL = 0,	/* computed from the kernel's rules */
	DAXMAP_SOURCE_KERNEL,		/* read from a kernel counter */
	DAXMAP_SOURCE_MEASURED,		/* observed free-RAM delta */
};

/* What a namespace or dax device is used as, named as ndctl and daxctl do. */
enum daxmap_mode {
	DAXMAP_MODE_UNKNOWN = 0,	/* not given, or not known */
	DAXMAP_MODE_DEVDAX,		/* a character device, /dev/daxX.Y */
	DAXMAP_MODE_FSDAX,		/* a block device for DAX filesystems */
	DAXMAP_MODE_SYSTEM_RAM,		/* a dax device onlined by kmem */
	DAXMAP_MODE_RAW,		/* a namespace without metadata */
	DAXMAP_MODE_SECTOR,		/* a namespace behind a BTT */
};

const char *daxmap_map_name(enum daxmap_map map);
int daxmap_map_from_name(const char *name, enum daxmap_map *ret_map);
/* "devdax", "fsdax", "system-ram", "raw", "sector"; NULL for UNKNOWN. */
const char *daxmap_mode_name(enum daxmap_mode mode);
/* -EINVAL for a name that is none of those. */
int daxmap_mode_from_name(const char *name, enum daxmap_mode *ret_mode);
const char *daxmap_tristate_name(enum daxmap_tristate t);
const char *daxmap_counter_name(enum daxmap_counter c);
const char *daxmap_source_name(enum daxmap_source s);

/*
 * Parses a size as people type it: "4096", "512M", "1.5G", "2MiB", "16kb"
 * (binary K, M, G, T suffixes, any case, optionally followed by "iB" or
 * "B"). A decimal fraction is accepted only when it comes to whole bytes;
 * zero and negative sizes are refused. -EINVAL or -ERANGE with @ret_why
 * pointing at a static reason ("not a size", "too large", ...).
 */
int daxmap_parse_size(const char *s, uint64_t *ret_bytes,
		      const char **ret_why);

/* Enough for any size either formatter prints. */
#define DAXMAP_SIZE_BUF 32

/*
 * Prints @bytes for people, in binary units with three significant digits
 * ("512 B", "16.0 MiB", "1.00 GiB"), into @buf of @len bytes; the JSON's
 * *_human strings and both front ends print sizes with it. Returns @buf.
 */
const char *daxmap_format_size(uint64_t bytes, char *buf, size_t len);
/*
 * Prints @bytes exactly, in the largest unit that divides it, in a form
 * daxmap_parse_size() reads back: "2M", "1536M", "4097". Returns @buf.
 */
const char *daxmap_format_size_exact(uint64_t bytes, char *buf, size_t len);

/*
 * The aligns device-DAX namespaces and devices take: 4K, 2M and 1G, in
 * that order. daxmap_align_get() returns 0 past the end;
 * daxmap_align_list() says them for messages: "4K, 2M, 1G".
 */
uint64_t daxmap_align_get(unsigned int i);
bool daxmap_align_is_valid(uint64_t align);
const char *daxmap_align_list(void);

/*
 * Why a request was refused, beside its -errno and its message. Each
 * reason has its own name on the bus (daxmapd) and its own line in
 * daxmapctl(8)'s table of exit statuses.
 */
enum daxmap_reason {
	DAXMAP_REASON_NONE = 0,		/* not refused */
	DAXMAP_REASON_FAILED,		/* the system failed, not the request */
	DAXMAP_REASON_INVALID_ARGUMENT,	/* options missing, or excluding others */
	DAXMAP_REASON_INVALID_SIZE,	/* zero, not a multiple, too small */
	DAXMAP_REASON_UNSUPPORTED_ALIGN, /* not 4K/2M/1G, or not the region's */
	DAXMAP_REASON_INVALID_MODE,
	DAXMAP_REASON_INVALID_MAP,
	DAXMAP_REASON_INVALID_NAME,	/* longer than a label holds */
	DAXMAP_REASON_NO_SUCH_REGION,	/* or none that can take the request */
	DAXMAP_REASON_NOT_FOUND,	/* no such namespace or dax device */
	DAXMAP_REASON_NO_SPACE,		/* more than the largest free extent */
	DAXMAP_REASON_BUSY,		/* mapped, held open, or system RAM */
	DAXMAP_REASON_NOT_MANAGED,	/* not created by daxmap, no force */
	DAXMAP_REASON_NOT_SUPPORTED,	/* not here: the hardware, the kernel */
	DAXMAP_REASON_INVALID_CONFIG,	/* a configuration that does not load */
	DAXMAP_REASON_HOLDS_DATA,	/* a write would go over data, no force */
	DAXMAP_REASON_BAD_BLOCK,	/* a write would go over a bad block */
};

/* "invalid-size", "busy", ...; NULL for a value out of range. */
const char *daxmap_reason_name(enum daxmap_reason reason);

/* ------------------------------------------------------- kernel capabilities */

struct daxmap_kernel;

/* Probes the running kernel (below the context's root). */
int daxmap_kernel_probe(struct daxmap_ctx *ctx, struct daxmap_kernel **ret);
struct daxmap_kernel *daxmap_kernel_ref(struct daxmap_kernel *k);
struct daxmap_kernel *daxmap_kernel_unref(struct daxmap_kernel *k);

const char *daxmap_kernel_get_release(struct daxmap_kernel *k);
/* Upstream version, e.g. 0x060c75 for 6.12.117; 0 when it cannot be read. */
unsigned int daxmap_kernel_get_version_code(struct daxmap_kernel *k);
const char *daxmap_kernel_get_machine(struct daxmap_kernel *k);
unsigned long daxmap_kernel_get_page_size(struct daxmap_kernel *k);
enum daxmap_tristate daxmap_kernel_get_sparsemem_vmemmap(struct daxmap_kernel *k);
enum daxmap_tristate daxmap_kernel_get_vmemmap_dedup(struct daxmap_kernel *k);
/* A sentence saying why dedup is yes, no or unknown. */
const char *daxmap_kernel_get_vmemmap_dedup_reason(struct daxmap_kernel *k);
/* The kernel config file that was read, or NULL when none was readable. */
const char *daxmap_kernel_get_config_path(struct daxmap_kernel *k);
bool daxmap_kernel_has_memmap_counter(struct daxmap_kernel *k);
enum daxmap_counter daxmap_kernel_get_memmap_counting(struct daxmap_kernel *k);
/* Current nr_memmap_pages; -ENOENT when the kernel has no such counter. */
int daxmap_kernel_read_memmap_pages(struct daxmap_kernel *k,
				    uint64_t *ret_pages);

/* daxmap's own kernel patches (kernel-patches/), as a bitmask. */
enum daxmap_kernel_patch {
	/*
	 * nr_memmap_pages counts the RAM runtime memmaps really take, the
	 * vmemmap's page tables included; map=dev memmap is counted apart,
	 * in nr_memmap_altmap_pages.
	 */
	DAXMAP_PATCH_MEMMAP_EXACT = 1 << 0,
	/*
	 * Every device-DAX device has memmap_ram_bytes, memmap_pgtable_bytes
	 * and memmap_device_bytes in sysfs.
	 */
	DAXMAP_PATCH_DAX_MEMMAP = 1 << 1,
	/*
	 * A deduplicated compound devmap keeps one vmemmap page (the head's)
	 * per compound page instead of two; the kernel config says
	 * CONFIG_DAX_VMEMMAP_HEAD_REUSE=y.
	 */
	DAXMAP_PATCH_HEAD_REUSE = 1 << 2,
	/*
	 * With head-page reuse, the vmemmap PTE tables that lie wholly in the
	 * tail of a compound page are one table, shared: a 1 GiB compound
	 * page takes two instead of eight; the kernel config says
	 * CONFIG_DAX_VMEMMAP_SHARE_PTE_TABLES=y.
	 */
	DAXMAP_PATCH_PTE_SHARE = 1 << 3,
};

/* The patches the kernel is seen to carry: DAXMAP_PATCH_* bits. */
unsigned int daxmap_kernel_get_patches(struct daxmap_kernel *k);
/*
 * "memmap-exact", "dax-memmap", "head-reuse", "pte-share"; NULL for
 * anything but one known patch.
 */
const char *daxmap_kernel_patch_name(enum daxmap_kernel_patch p);

/* -------------------------------------------------------- the overhead model */

/*
 * The rules the model applies. Fill with daxmap_model_init() (x86_64, 4 KiB
 * pages, upstream dedup) or daxmap_kernel_get_model() (the running kernel).
 */
struct daxmap_model {
	uint64_t page_size;		/* base page, bytes */
	uint64_t struct_page_size;	/* sizeof(struct page) */
	uint64_t ptes_per_page;		/* entries in one page-table page */
	bool dedup;			/* compound devmap vmemmap dedup */
	/*
	 * The PTE tables wholly in a compound page's tail are shared: two per
	 * compound page at most.  After dedup, in what was padding, so that
	 * the struct keeps its size; daxmap_model_init() clears it.
	 */
	bool dedup_shared_ptes;
	uint64_t dedup_kept_pages;	/* vmemmap pages kept per compound page */
};

void daxmap_model_init(struct daxmap_model *m);
void daxmap_kernel_get_model(struct daxmap_kernel *k, struct daxmap_model *m);

/* What the memmap of one device costs. All figures in bytes. */
struct daxmap_memmap {
	enum daxmap_map location;	/* where actual_bytes lives */
	uint64_t baseline_bytes;	/* memmap without dedup */
	uint64_t actual_bytes;		/* everything it really costs */
	uint64_t saved_bytes;		/* baseline - actual */
	uint64_t pagetable_bytes;	/* part of actual: vmemmap PTE pages */
	uint64_t ram_bytes;		/* part of actual in system RAM */
	uint64_t device_bytes;		/* part of actual on the device */
	enum daxmap_source source;
};

/*
 * Models the memmap of a namespace of @size bytes at @align with its memmap
 * at @map. -EINVAL for a zero size, an align that is not a power of two or
 * not a multiple of the page size, or a size that is not a multiple of the
 * align.
 */
int daxmap_model_memmap(const struct daxmap_model *m, uint64_t size,
			uint64_t align, enum daxmap_map map,
			struct daxmap_memmap *ret);

/*
 * What if: a namespace of @size at @align (0: 2M) with its memmap at @map
 * (UNKNOWN: mem), modelled for this kernel or, with @assume_dedup, for one
 * that deduplicates compound devmaps (planning another host).
 */
struct daxmap_plan_request {
	uint64_t size;
	uint64_t align;
	enum daxmap_map map;
	bool assume_dedup;
};

/*
 * Checks @req without a kernel: a size, an align of the set, a size that
 * is a multiple of it (the message names the nearest that are); then
 * fills in the defaults.
 */
int daxmap_plan_request_check(struct daxmap_plan_request *req,
			      enum daxmap_reason *ret_reason,
			      char **ret_message);

/*
 * The model a checked plan request is computed with: @k's (or the
 * default's, for NULL), with dedup as upstream does it when the request
 * assumes it. -EINVAL (UNSUPPORTED_ALIGN) for an align below the page size.
 */
int daxmap_plan_model(struct daxmap_kernel *k,
		      const struct daxmap_plan_request *req,
		      struct daxmap_model *ret_model,
		      enum daxmap_reason *ret_reason, char **ret_message);

/*
 * Page-table bytes one process pays to map @mapped bytes of a device whose
 * align is @align: PTE pages at the base page size, PMD pages at 2 MiB, PUD
 * pages at 1 GiB.
 */
/*
 * What the memmap of @size bytes onlined as system-ram by kmem costs: a
 * plain memmap, in RAM, or on the memory itself with @memmap_on_memory
 * (location DAXMAP_MAP_DEV). -EINVAL as daxmap_model_memmap().
 */
int daxmap_model_system_ram_memmap(const struct daxmap_model *m, uint64_t size,
				   bool memmap_on_memory,
				   struct daxmap_memmap *ret);

uint64_t daxmap_model_mapping_pagetables(const struct daxmap_model *m,
					 uint64_t mapped, uint64_t align);

/* ----------------------------------------------------------------- topology */

struct daxmap_topology;
struct daxmap_region;
struct daxmap_dax_region;
struct daxmap_namespace;
struct daxmap_device;
struct daxmap_mapper;

/*
 * Takes a snapshot of regions, namespaces and dax devices through libndctl
 * and libdaxctl, with each device's memmap modelled for @k and the processes
 * that map it. A host without pmem gives an empty topology, not an error.
 */
int daxmap_topology_scan(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			 struct daxmap_topology **ret);
struct daxmap_topology *daxmap_topology_ref(struct daxmap_topology *t);
struct daxmap_topology *daxmap_topology_unref(struct daxmap_topology *t);

struct daxmap_region *daxmap_region_get_first(struct daxmap_topology *t);
struct daxmap_region *daxmap_region_get_next(struct daxmap_region *r);
#define daxmap_region_foreach(t, r)					\
	for (r = daxmap_region_get_first(t); r; r = daxmap_region_get_next(r))

const char *daxmap_region_get_devname(struct daxmap_region *r);
const char *daxmap_region_get_bus(struct daxmap_region *r);
const char *daxmap_region_get_type(struct daxmap_region *r);
uint64_t daxmap_region_get_size(struct daxmap_region *r);
uint64_t daxmap_region_get_available_size(struct daxmap_region *r);
uint64_t daxmap_region_get_max_available_extent(struct daxmap_region *r);
int daxmap_region_get_numa_node(struct daxmap_region *r);
uint64_t daxmap_region_get_align(struct daxmap_region *r);
int daxmap_region_get_num_alignments(struct daxmap_region *r);
uint64_t daxmap_region_get_supported_alignment(struct daxmap_region *r, int i);
bool daxmap_region_supports_alignment(struct daxmap_region *r, uint64_t align);

struct daxmap_namespace *daxmap_namespace_get_first(struct daxmap_topology *t);
struct daxmap_namespace *daxmap_namespace_get_next(struct daxmap_namespace *n);
#define daxmap_namespace_foreach(t, n)					\
	for (n = daxmap_namespace_get_first(t); n;			\
	     n = daxmap_namespace_get_next(n))

const char *daxmap_namespace_get_devname(struct daxmap_namespace *n);
const char *daxmap_namespace_get_region(struct daxmap_namespace *n);
const char *daxmap_namespace_get_mode(struct daxmap_namespace *n);
/* The usable size (after the dax/pfn/btt metadata), as ndctl reports it. */
uint64_t daxmap_namespace_get_size(struct daxmap_namespace *n);
/* The namespace's whole capacity, metadata included. */
uint64_t daxmap_namespace_get_raw_size(struct daxmap_namespace *n);
/* NULL when the namespace has no uuid (a label-less namespace). */
const char *daxmap_namespace_get_uuid(struct daxmap_namespace *n);
const char *daxmap_namespace_get_name(struct daxmap_namespace *n);
enum daxmap_map daxmap_namespace_get_map(struct daxmap_namespace *n);
uint64_t daxmap_namespace_get_align(struct daxmap_namespace *n);
unsigned int daxmap_namespace_get_sector_size(struct daxmap_namespace *n);
bool daxmap_namespace_is_enabled(struct daxmap_namespace *n);
/* True when daxmap created it (it keeps a record of those). */
bool daxmap_namespace_is_managed(struct daxmap_namespace *n);
/* The block device (/dev/pmemX) or NULL. */
const char *daxmap_namespace_get_blockdev(struct daxmap_namespace *n);

struct daxmap_device *daxmap_device_get_first(struct daxmap_topology *t);
struct daxmap_device *daxmap_device_get_next(struct daxmap_device *d);
#define daxmap_device_foreach(t, d)					\
	for (d = daxmap_device_get_first(t); d; d = daxmap_device_get_next(d))

const char *daxmap_device_get_devname(struct daxmap_device *d);
const char *daxmap_device_get_chardev(struct daxmap_device *d);
uint64_t daxmap_device_get_size(struct daxmap_device *d);
uint64_t daxmap_device_get_align(struct daxmap_device *d);
/* "devdax" or "system-ram". */
const char *daxmap_device_get_mode(struct daxmap_device *d);
enum daxmap_map daxmap_device_get_map(struct daxmap_device *d);
int daxmap_device_get_numa_node(struct daxmap_device *d);
int daxmap_device_get_target_node(struct daxmap_device *d);
bool daxmap_device_is_enabled(struct daxmap_device *d);
/* The namespace behind the device, NULL for one not backed by a namespace. */
const char *daxmap_device_get_namespace(struct daxmap_device *d);
/* The best figure there is (measured, else kernel, else model). */
const struct daxmap_memmap *daxmap_device_get_memmap(struct daxmap_device *d);
/* The figure from @source, NULL when there is none. */
const struct daxmap_memmap *
daxmap_device_get_memmap_source(struct daxmap_device *d,
				enum daxmap_source source);

/* The dax region the device is carved from, NULL when unknown. */
struct daxmap_dax_region *daxmap_device_get_dax_region(struct daxmap_device *d);
/*
 * A device in system-ram mode whose memmap kmem placed on the memory
 * itself (memmap_on_memory): it costs no RAM but that much less memory.
 */
bool daxmap_device_has_memmap_on_memory(struct daxmap_device *d);

/*
 * Dax regions, what dax devices are carved from: one behind each
 * namespace in devdax mode (provider "nvdimm"), and the dynamic ones the
 * kernel makes of Soft Reserved memory ("hmem") and of CXL regions
 * ("cxl"), in which devices are created, resized and destroyed.
 */

struct daxmap_dax_region *
daxmap_dax_region_get_first(struct daxmap_topology *t);
struct daxmap_dax_region *
daxmap_dax_region_get_next(struct daxmap_dax_region *r);
#define daxmap_dax_region_foreach(t, r)					\
	for (r = daxmap_dax_region_get_first(t); r;			\
	     r = daxmap_dax_region_get_next(r))

/* The region's id: device daxX.Y is in the region whose id is X. */
int daxmap_dax_region_get_id(struct daxmap_dax_region *r);
/* The sysfs device that holds its dax_region/ attributes. */
const char *daxmap_dax_region_get_path(struct daxmap_dax_region *r);
/* "nvdimm", "hmem", "cxl", or the name of the bus its device is on. */
const char *daxmap_dax_region_get_provider(struct daxmap_dax_region *r);
uint64_t daxmap_dax_region_get_size(struct daxmap_dax_region *r);
uint64_t daxmap_dax_region_get_available_size(struct daxmap_dax_region *r);
uint64_t daxmap_dax_region_get_align(struct daxmap_dax_region *r);
int daxmap_dax_region_get_numa_node(struct daxmap_dax_region *r);
/* The NUMA node its memory joins when onlined as system-ram; -1: none. */
int daxmap_dax_region_get_target_node(struct daxmap_dax_region *r);
/* The namespace the region is (provider nvdimm), else NULL. */
const char *daxmap_dax_region_get_namespace(struct daxmap_dax_region *r);
/* Provider cxl: the CXL region behind it and its memdevs (NULL past the end). */
const char *daxmap_dax_region_get_cxl_region(struct daxmap_dax_region *r);
const char *daxmap_dax_region_get_cxl_memdev(struct daxmap_dax_region *r,
					     int i);
/* True for a region whose devices are made in it, not by a namespace. */
bool daxmap_dax_region_is_dynamic(struct daxmap_dax_region *r);
/*
 * The provider of a dax region whose device is on bus @subsystem ("nd",
 * "cxl", "platform") and bound to @driver ("hmem"); either may be NULL.
 */
const char *daxmap_dax_provider_name(const char *subsystem,
				     const char *driver);

struct daxmap_mapper *daxmap_mapper_get_first(struct daxmap_device *d);
struct daxmap_mapper *daxmap_mapper_get_next(struct daxmap_mapper *m);
#define daxmap_mapper_foreach(d, m)					\
	for (m = daxmap_mapper_get_first(d); m; m = daxmap_mapper_get_next(m))

int daxmap_mapper_get_pid(struct daxmap_mapper *m);
const char *daxmap_mapper_get_comm(struct daxmap_mapper *m);
uint64_t daxmap_mapper_get_mapped_bytes(struct daxmap_mapper *m);
uint64_t daxmap_mapper_get_pagetable_bytes(struct daxmap_mapper *m);
/*
 * Finds the mappers of every device of @t again, in one pass over /proc,
 * the rest of the scan kept: who maps a device changes with no uevent,
 * and this costs a fraction of a scan (for a daemon that keeps one).
 */
int daxmap_topology_rescan_mappers(struct daxmap_ctx *ctx,
				   struct daxmap_kernel *k,
				   struct daxmap_topology *t);

/*
 * The same pass kept apart from the topology, for a daemon that answers
 * from its topology while the pass runs on another thread: _new() copies
 * what the pass looks for from @t (on the thread that owns @t), _run()
 * reads /proc and touches nothing but @p (on any thread, with a context
 * of its own), daxmap_topology_take_mappers() replaces @t's mappers with
 * what @p found (back on @t's thread; @p keeps nothing then) and returns
 * 1 if they differ from those @t had, 0 if not (what was rendered from
 * @t still holds), -EINVAL.
 */
struct daxmap_mapper_pass;

int daxmap_mapper_pass_new(struct daxmap_kernel *k, struct daxmap_topology *t,
			   struct daxmap_mapper_pass **ret);
int daxmap_mapper_pass_run(struct daxmap_ctx *ctx,
			   struct daxmap_mapper_pass *p);
int daxmap_topology_take_mappers(struct daxmap_topology *t,
				 struct daxmap_mapper_pass *p);
void daxmap_mapper_pass_free(struct daxmap_mapper_pass *p);

/* Who the process belongs to: (uid_t)-1 when that could not be read. */
uid_t daxmap_mapper_get_uid(struct daxmap_mapper *m);
/*
 * Whether @viewer may see @m's pid and command: root sees every process,
 * a user their own. Everyone may see how many there are and what they
 * map (daxmap_status_to_json_for()).
 */
bool daxmap_mapper_visible_to(struct daxmap_mapper *m, uid_t viewer);

/*
 * What the topology adds up to, over what is enabled: a disabled device
 * has no memmap to pay for, and one in system-ram mode is memory, not
 * devdax capacity. status's JSON carries these as "totals".
 */
struct daxmap_totals {
	unsigned int regions;
	unsigned int namespaces;
	unsigned int devices;		/* enabled or not */
	uint64_t devdax_bytes;
	uint64_t system_ram_bytes;
	struct daxmap_memmap memmap;	/* the devices' best figures, summed */
	uint64_t mapper_pagetable_bytes;
	unsigned int dax_regions;
};

/* The totals of @t; all zero for NULL (an empty topology). */
void daxmap_topology_get_totals(struct daxmap_topology *t,
				struct daxmap_totals *ret);

/* ------------------------------------------------------------- provisioning */

/*
 * Where daxmap keeps the record of the namespaces it created and of creates
 * under way ("/var/lib/daxmap" by default; DAXMAP_STATE_DIR overrides).
 */
int daxmap_set_state_dir(struct daxmap_ctx *ctx, const char *dir);
const char *daxmap_get_state_dir(struct daxmap_ctx *ctx);

/* What to create. Zero/NULL fields take the defaults the plan states. */
struct daxmap_create_request {
	const char *region;	/* NULL: the region with the most free space */
	int numa_node;		/* with region NULL: only this node; -1 any */
	uint64_t size;		/* bytes of namespace capacity, or */
	unsigned int percent;	/* a percentage of the region's free space */
	uint64_t align;		/* 0: 2 MiB */
	enum daxmap_mode mode;	/* DEVDAX or FSDAX; UNKNOWN: devdax */
	enum daxmap_map map;	/* UNKNOWN: mem where dedup applies, else dev */
	const char *name;	/* the label's name, at most 63 bytes */
};

/*
 * Every refusal below gives -errno, writes the reason to @ret_reason and a
 * sentence that says what was wrong and what is valid to @ret_message
 * (the caller's to free), each when not NULL. The *_request_check()
 * functions are pure: they look at the request alone, so that a front end
 * refuses bad input before it reads the host or asks for authorisation.
 */

/*
 * Parses a mode for a create: devdax or fsdax; -EINVAL and
 * DAXMAP_REASON_INVALID_MODE for anything else.
 */
int daxmap_create_request_set_mode(struct daxmap_create_request *req,
				   const char *name,
				   enum daxmap_reason *ret_reason,
				   char **ret_message);

/*
 * What a create request must say, without the host: a size or a
 * percentage (not both, at most 100), an align of the set (or 0), a mode
 * a create takes, a region or a NUMA node (not both), a name a label
 * holds.
 */
int daxmap_create_request_check(const struct daxmap_create_request *req,
				enum daxmap_reason *ret_reason,
				char **ret_message);

/* A validated request: every value decided, with the reasons. */
struct daxmap_create_plan;

/*
 * Validates @req (daxmap_create_request_check() first) against @t (and
 * @k's rules) without writing anything. Fails with -ENODEV (no such
 * region, or none that fits), -EOPNOTSUPP (an align the region does not
 * support, or a region that is not pmem), -EINVAL (a size that is not a
 * multiple of the granule, an unknown mode), -ENOSPC (more than the
 * largest free extent), -ERANGE (too small to leave a device after the
 * info block), -ENAMETOOLONG; the reason tells these apart.
 */
int daxmap_create_prepare(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			  struct daxmap_topology *t,
			  const struct daxmap_create_request *req,
			  struct daxmap_create_plan **ret,
			  enum daxmap_reason *ret_reason, char **ret_message);
struct daxmap_create_plan *
daxmap_create_plan_free(struct daxmap_create_plan *p);

const char *daxmap_create_plan_get_region(struct daxmap_create_plan *p);
uint64_t daxmap_create_plan_get_size(struct daxmap_create_plan *p);
/* The capacity the device will have once the info block is taken. */
uint64_t daxmap_create_plan_get_device_size(struct daxmap_create_plan *p);
uint64_t daxmap_create_plan_get_align(struct daxmap_create_plan *p);
enum daxmap_map daxmap_create_plan_get_map(struct daxmap_create_plan *p);
const char *daxmap_create_plan_get_mode(struct daxmap_create_plan *p);
const char *daxmap_create_plan_get_name(struct daxmap_create_plan *p);
const struct daxmap_memmap *
daxmap_create_plan_get_memmap(struct daxmap_create_plan *p);
/* Sentences saying which defaults were taken and why; NULL past the end. */
const char *daxmap_create_plan_get_note(struct daxmap_create_plan *p, int i);

/*
 * Creates the namespace @p describes. A failure part way is rolled back;
 * a crash part way leaves a record that daxmap_recover() acts on. When
 * running as root, the RAM the memmap took is measured around the enable.
 * @ret_namespace receives the namespace's name (namespaceX.Y).
 */
int daxmap_create_commit(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			 struct daxmap_create_plan *p, char **ret_namespace,
			 enum daxmap_reason *ret_reason, char **ret_message);

enum daxmap_destroy_flags {
	/* Destroy a namespace daxmap did not create, or one held open. */
	DAXMAP_DESTROY_FORCE = 1 << 0,
};

/* A destroy must name what it destroys. */
int daxmap_destroy_request_check(const char *which,
				 enum daxmap_reason *ret_reason,
				 char **ret_message);

/*
 * Destroys a namespace named by its device (namespaceX.Y), its label name,
 * or its dax device (daxX.Y, /dev/daxX.Y). Refuses with -EBUSY while a
 * process maps it (force or not) or holds it open (unless forced), and with
 * -EPERM one daxmap did not create (unless forced).
 */
int daxmap_destroy_namespace(struct daxmap_ctx *ctx, const char *which,
			     unsigned int flags, char **ret_namespace,
			     enum daxmap_reason *ret_reason,
			     char **ret_message);

/* What to change on a dax device; UNKNOWN/0 fields stay as they are. */
struct daxmap_reconfigure_request {
	enum daxmap_mode mode;	/* DEVDAX or SYSTEM_RAM */
	uint64_t align;		/* only where the region allows it */
	uint64_t size;		/* likewise */
	/*
	 * With SYSTEM_RAM: put the memmap on the memory itself, where the
	 * kernel offers it (daxX.Y/memmap_on_memory, 6.8 and later, with
	 * memory_hotplug.memmap_on_memory=1); else in RAM.
	 */
	bool memmap_on_memory;
};

/* Parses a mode for a dax device: devdax or system-ram. */
int daxmap_reconfigure_request_set_mode(struct daxmap_reconfigure_request *req,
					const char *name,
					enum daxmap_reason *ret_reason,
					char **ret_message);

/*
 * What a reconfigure must say, without the host: the device, and a mode a
 * device takes, an align of the set or a size; something to change.
 */
int daxmap_reconfigure_request_check(const char *which,
				     const struct daxmap_reconfigure_request *req,
				     enum daxmap_reason *ret_reason,
				     char **ret_message);

/*
 * Reconfigures the dax device @which (daxX.Y or /dev/daxX.Y). Refuses with
 * -EBUSY a device a process maps or holds open, with -EOPNOTSUPP an align
 * or size change on a device an NVDIMM namespace fixes.
 */
int daxmap_reconfigure_device(struct daxmap_ctx *ctx, const char *which,
			      const struct daxmap_reconfigure_request *req,
			      enum daxmap_reason *ret_reason,
			      char **ret_message);

/* --------------------------------------- dax devices on dynamic regions */

/*
 * A dax device to make on a dynamic dax region (soft-reserved memory, as
 * dax_hmem shows it, or CXL memory): no namespace, no info block, so the
 * device gets exactly @size. Its name lives in daxmap's records, since a
 * dax device carries none.
 */
struct daxmap_device_request {
	const char *region;	/* "hmem.0", "0" (daxctl's id), "region0";
				 * NULL: the dynamic region with most room */
	uint64_t size;		/* bytes, a multiple of the align */
	uint64_t align;		/* 4K, 2M or 1G; 0: 2M */
	const char *name;	/* NULL: none */
};

/* A size, an align of the set, a size that is a multiple of it, a name. */
int daxmap_device_request_check(const struct daxmap_device_request *req,
				enum daxmap_reason *ret_reason,
				char **ret_message);

/*
 * Creates the device @req describes, validated first against the region
 * (the align the kernel takes there, free space, and for a huge align
 * free ranges the kernel would allocate on that boundary), recorded
 * before anything is written, rolled back on failure, and the RAM its
 * memmap takes measured around the enable as root. @ret_devname
 * receives daxX.Y. Refuses with the reason: NO_SUCH_REGION, NOT_SUPPORTED
 * (an NVDIMM's region: create a namespace), UNSUPPORTED_ALIGN,
 * INVALID_SIZE, NO_SPACE, INVALID_NAME (taken).
 */
int daxmap_create_device(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			 const struct daxmap_device_request *req,
			 char **ret_devname, enum daxmap_reason *ret_reason,
			 char **ret_message);

/*
 * Destroys the dax device @which (daxX.Y, /dev/daxX.Y, or the name daxmap
 * recorded) and gives its capacity back to its dynamic region. A device
 * in system-ram mode is offlined first (BUSY when its memory cannot be).
 * Refuses a device a process maps (BUSY), one daxmap did not make
 * (NOT_MANAGED) or one a process holds open unless DAXMAP_DESTROY_FORCE,
 * and one a namespace stands behind (NOT_SUPPORTED: destroy the
 * namespace).
 */
int daxmap_destroy_device(struct daxmap_ctx *ctx, const char *which,
			  unsigned int flags, char **ret_devname,
			  enum daxmap_reason *ret_reason, char **ret_message);

/* The name daxmap recorded for a device it made; NULL for any other. */
const char *daxmap_device_get_name(struct daxmap_device *d);
/* True for a dax device daxmap made on a dynamic region. */
bool daxmap_device_is_managed(struct daxmap_device *d);

/* ------------------------------------------- label-less namespaces */

/*
 * What a label-less namespace (legacy pmem, an NVDIMM without labels)
 * becomes: what 'ndctl create-namespace -f -e NS' does. Its data is lost,
 * so the request must carry DAXMAP_RECONFIGURE_FORCE.
 */
enum daxmap_reconfigure_flags {
	DAXMAP_RECONFIGURE_FORCE = 1 << 0,
};

struct daxmap_namespace_reconfigure {
	enum daxmap_mode mode;	/* DEVDAX or FSDAX */
	uint64_t align;		/* 0: 2M */
	enum daxmap_map map;	/* UNKNOWN: mem where dedup applies, else dev */
	unsigned int flags;	/* DAXMAP_RECONFIGURE_* */
};

/* The namespace named, a mode a namespace takes, an align, the force. */
int daxmap_namespace_reconfigure_check(const char *which,
				       const struct daxmap_namespace_reconfigure *req,
				       enum daxmap_reason *ret_reason,
				       char **ret_message);

/*
 * Rewrites the label-less namespace @which as @req says. Refuses one a
 * process maps, holds open or has mounted (BUSY), one with labels
 * (NOT_SUPPORTED: destroy and create it), an align its region does not
 * support, and any without the force (HOLDS_DATA). A failure after the
 * old personality is gone leaves the namespace raw, and says so.
 */
int daxmap_reconfigure_namespace(struct daxmap_ctx *ctx,
				 struct daxmap_kernel *k, const char *which,
				 const struct daxmap_namespace_reconfigure *req,
				 enum daxmap_reason *ret_reason,
				 char **ret_message);

/*
 * Finds creates that a crash interrupted and finishes or rolls back each.
 * @ret_report receives one line per record acted on (NULL when none).
 */
int daxmap_recover(struct daxmap_ctx *ctx, char **ret_report);

/* ------------------------------------------------------------------ verify */

enum daxmap_verify_flags {
	/* Write a pattern, persist it and read it back. */
	DAXMAP_VERIFY_PATTERN = 1 << 0,
	/* Verify a device a process maps; write over what is not zeros. */
	DAXMAP_VERIFY_FORCE = 1 << 1,
};

struct daxmap_verify_request {
	const char *which;	/* daxX.Y, /dev/daxX.Y, a namespace or name */
	uint64_t size;		/* pattern bytes from the start; 0: a sample */
	unsigned int flags;	/* DAXMAP_VERIFY_* */
};

struct daxmap_verify;

/*
 * Maps the devdax device @req names with libpmem2, as an application
 * would, and checks what the mapping gets: libpmem2's alignment and the
 * kernel's page size for it (smaps' KernelPageSize) must both be the
 * device's align. It faults in the first 2 GiB (or all of a smaller
 * device) and measures the page tables that cost (VmPTE) beside the model.
 * With DAXMAP_VERIFY_PATTERN it writes a pattern with libpmem2's memcpy,
 * persisted, over [0, size) or a sample of 16 ranges spread across the
 * device, reads it back, and zeroes again what was zeros. Bad blocks that
 * libpmem2 reports are listed, never read or written.
 *
 * Refuses, writing nothing, with the reason: NOT_FOUND no such device,
 * INVALID_ARGUMENT a name of more than one or a size without the pattern,
 * BUSY a device in system-ram mode or one a process maps (unless forced),
 * NOT_SUPPORTED one that is disabled, HOLDS_DATA a range to write that is
 * neither zeros nor the pattern (unless forced), BAD_BLOCK a range to
 * write with a bad block, INVALID_SIZE a size beyond the device. Returns 0
 * with the result once it has run, whether or not it passed.
 */
/*
 * The checks of @req that need no device and no privilege (a device named,
 * a size only with the pattern), as daxmap_verify_device() makes them
 * first: for front ends, before they ask for authorisation.
 */
int daxmap_verify_request_check(const struct daxmap_verify_request *req,
				enum daxmap_reason *ret_reason,
				char **ret_message);
int daxmap_verify_device(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			 const struct daxmap_verify_request *req,
			 struct daxmap_verify **ret,
			 enum daxmap_reason *ret_reason, char **ret_message);
struct daxmap_verify *daxmap_verify_free(struct daxmap_verify *v);
bool daxmap_verify_passed(struct daxmap_verify *v);
const char *daxmap_verify_get_devname(struct daxmap_verify *v);
uint64_t daxmap_verify_get_align(struct daxmap_verify *v);
/* The page size the kernel maps the device with; 0 when unknown. */
uint64_t daxmap_verify_get_kernel_page_size(struct daxmap_verify *v);
/*
 * The page tables faulting in the first *@ret_mapped bytes cost, as
 * measured (DAXMAP_SOURCE_MEASURED) or as the model says.
 */
uint64_t daxmap_verify_get_pagetable_bytes(struct daxmap_verify *v,
					   enum daxmap_source source,
					   uint64_t *ret_mapped);

/*
 * What the last verify of a device measured, kept in daxmap's state (as
 * root) and shown by status beside the model: the page tables a process
 * paid to map @mapped_bytes of it.
 */
struct daxmap_verify_summary {
	char time[32];			/* UTC, "2026-12-01T20:30:00Z" */
	bool passed;
	uint64_t align;			/* the device's, when verified */
	uint64_t kernel_page_size;
	uint64_t mapped_bytes;		/* faulted in */
	uint64_t pagetable_bytes;	/* measured: VmPTE after - before */
	uint64_t model_pagetable_bytes;
};

/*
 * The bad blocks the kernel knows of in a namespace or dax device, as
 * libndctl reports them, in bytes from the object's start (a dax device's
 * data starts past its namespace's info block). -ENOENT past the end.
 */
int daxmap_namespace_get_num_badblocks(struct daxmap_namespace *n);
int daxmap_namespace_get_badblock(struct daxmap_namespace *n, int i,
				  uint64_t *ret_offset, uint64_t *ret_length);
int daxmap_device_get_num_badblocks(struct daxmap_device *d);
int daxmap_device_get_badblock(struct daxmap_device *d, int i,
			       uint64_t *ret_offset, uint64_t *ret_length);

/* The device's last verify; -ENOENT when there is none for it as it is. */
int daxmap_device_get_verify(struct daxmap_device *d,
			     struct daxmap_verify_summary *ret);

/*
 * Renders a verify result: {"schema": 1, "verify": {"device", "chardev",
 * "namespace", "size", "align", "passed", "checks": [{"check", "passed",
 * "want", "have"}], "mapping": {...}, "pagetables": {...}, "pattern":
 * {...} or null, "badblocks": [{"offset", "length"}] or null}}.
 */
int daxmap_verify_to_json(struct daxmap_verify *v, unsigned int flags,
			  char **ret_json);

/* ------------------------------------------------------------ configuration */

/*
 * Where the configuration is read: DIR/daxmap.conf, then
 * DIR/daxmap.conf.d/ *.conf in name order ("/etc/daxmap" for a build with
 * prefix /usr; DAXMAP_CONFIG_DIR overrides).
 */
int daxmap_set_config_dir(struct daxmap_ctx *ctx, const char *dir);
const char *daxmap_get_config_dir(struct daxmap_ctx *ctx);

struct daxmap_config;
struct daxmap_config_namespace;
struct daxmap_config_device;

/*
 * Reads the configuration: [namespace NAME] sections with region or
 * numa_node, size or percent, align, mode, map and recreate; [device
 * NAME] sections with region, provider, numa_node, size or percent,
 * align, mode, memmap_on_memory, movable, recreate and replace (see
 * daxmap.conf(5)). No files is
 * an empty configuration. The first mistake rejects all of it: -EINVAL,
 * and @ret_message (when not NULL) says "FILE:LINE: what is wrong and
 * what is valid"; -errno when a file cannot be read.
 */
int daxmap_config_load(struct daxmap_ctx *ctx, struct daxmap_config **ret,
		       char **ret_message);
struct daxmap_config *daxmap_config_ref(struct daxmap_config *c);
struct daxmap_config *daxmap_config_unref(struct daxmap_config *c);
const char *daxmap_config_get_dir(struct daxmap_config *c);
/* [daxmap] measure: 1 yes, 0 no, -1 when not said (daxmap_set_measure()). */
int daxmap_config_get_measure(struct daxmap_config *c);
/* The files read, in order; NULL past the end. */
const char *daxmap_config_get_file(struct daxmap_config *c, int i);

struct daxmap_config_namespace *
daxmap_config_namespace_get_first(struct daxmap_config *c);
struct daxmap_config_namespace *
daxmap_config_namespace_get_next(struct daxmap_config_namespace *n);
#define daxmap_config_namespace_foreach(c, n)				\
	for (n = daxmap_config_namespace_get_first(c); n;		\
	     n = daxmap_config_namespace_get_next(n))

const char *daxmap_config_namespace_get_name(struct daxmap_config_namespace *n);
const char *daxmap_config_namespace_get_file(struct daxmap_config_namespace *n);
int daxmap_config_namespace_get_line(struct daxmap_config_namespace *n);
bool daxmap_config_namespace_get_recreate(struct daxmap_config_namespace *n);
/* The create request the section describes; its strings are @n's. */
void daxmap_config_namespace_get_request(struct daxmap_config_namespace *n,
					 struct daxmap_create_request *ret);

/* The [device NAME] sections, in the order they were read. */
struct daxmap_config_device *
daxmap_config_device_get_first(struct daxmap_config *c);
struct daxmap_config_device *
daxmap_config_device_get_next(struct daxmap_config_device *d);
#define daxmap_config_device_foreach(c, d)				\
	for (d = daxmap_config_device_get_first(c); d;			\
	     d = daxmap_config_device_get_next(d))

const char *daxmap_config_device_get_name(struct daxmap_config_device *d);
const char *daxmap_config_device_get_file(struct daxmap_config_device *d);
int daxmap_config_device_get_line(struct daxmap_config_device *d);

/* What a section names: a namespace, or a dax device on a dynamic region. */
enum daxmap_config_kind {
	DAXMAP_CONFIG_KIND_NAMESPACE = 0,
	DAXMAP_CONFIG_KIND_DEVICE,
};

/* "namespace" or "device", as the documents say it. */
const char *daxmap_config_kind_name(enum daxmap_config_kind kind);

/* How a section compares with the host. */
enum daxmap_config_state {
	DAXMAP_CONFIG_OK = 0,		/* it is there, as said */
	DAXMAP_CONFIG_MISSING,		/* none of that name */
	DAXMAP_CONFIG_DRIFT,		/* there, but not as said */
};

/* What an apply did with a section. */
enum daxmap_apply_outcome {
	DAXMAP_APPLY_NOTHING = 0,	/* not applied (a status check) */
	DAXMAP_APPLY_UNCHANGED,		/* as said already */
	DAXMAP_APPLY_CREATED,
	DAXMAP_APPLY_RECREATED,		/* drifted, recreate = yes */
	DAXMAP_APPLY_WOULD_CREATE,	/* dry run */
	DAXMAP_APPLY_WOULD_RECREATE,	/* dry run */
	DAXMAP_APPLY_LEFT_DRIFTED,	/* drifted, and not to be recreated */
	DAXMAP_APPLY_FAILED,
};

const char *daxmap_config_state_name(enum daxmap_config_state s);
const char *daxmap_apply_outcome_name(enum daxmap_apply_outcome o);

/* One section held against the host. */
struct daxmap_config_check;

struct daxmap_config_check *
daxmap_config_check_get_next(struct daxmap_config_check *c);
#define daxmap_config_check_foreach(first, c)				\
	for (c = (first); c; c = daxmap_config_check_get_next(c))

const char *daxmap_config_check_get_name(struct daxmap_config_check *c);
enum daxmap_config_state
daxmap_config_check_get_state(struct daxmap_config_check *c);
enum daxmap_config_kind
daxmap_config_check_get_kind(struct daxmap_config_check *c);
/* The namespace of that label name (namespaceX.Y), NULL when missing. */
const char *daxmap_config_check_get_namespace(struct daxmap_config_check *c);
/* A [device] section's dax device (daxX.Y), NULL when missing. */
const char *daxmap_config_check_get_device(struct daxmap_config_check *c);
int daxmap_config_check_get_num_drifts(struct daxmap_config_check *c);
/* Drift @i: the key, what the section says and what the host has. */
int daxmap_config_check_get_drift(struct daxmap_config_check *c, int i,
				  const char **ret_key, const char **ret_want,
				  const char **ret_have);
enum daxmap_apply_outcome
daxmap_config_check_get_outcome(struct daxmap_config_check *c);
/* A sentence on what was done or why not; NULL when there is none. */
const char *daxmap_config_check_get_message(struct daxmap_config_check *c);

/* What an apply did, in counts. */
struct daxmap_apply_summary {
	char time[32];		/* UTC, "2026-11-22T16:37:37Z" */
	bool dry_run;
	unsigned int unchanged;
	unsigned int created;	/* or would be, in a dry run */
	unsigned int recreated;	/* likewise */
	unsigned int drifted;	/* left as they are */
	unsigned int failed;
};

/*
 * What status shows of the configuration: the directory, the files read,
 * why it did not load (NULL when it did), a check per section held
 * against @t (NULL: an empty host), and the last apply that changed the
 * host (-ENOENT when there was none). A configuration that does not load
 * is in the status, not a failure: -ENOMEM is the only one.
 */
struct daxmap_config_status;

int daxmap_config_status_new(struct daxmap_ctx *ctx, struct daxmap_topology *t,
			     struct daxmap_config_status **ret);
struct daxmap_config_status *
daxmap_config_status_free(struct daxmap_config_status *s);
const char *daxmap_config_status_get_dir(struct daxmap_config_status *s);
const char *daxmap_config_status_get_file(struct daxmap_config_status *s,
					  int i);
const char *daxmap_config_status_get_error(struct daxmap_config_status *s);
struct daxmap_config_check *
daxmap_config_status_get_checks(struct daxmap_config_status *s);
int daxmap_config_status_get_last_apply(struct daxmap_config_status *s,
					struct daxmap_apply_summary *ret);

struct daxmap_apply_report;

enum daxmap_apply_flags {
	DAXMAP_APPLY_DRY_RUN = 1 << 0,	/* decide and say, change nothing */
};

/*
 * Brings the host to @cfg: creates what is missing; a namespace that
 * drifted is left as it is, unless its section says recreate = yes and
 * daxmap created it, when it is destroyed (never while a process uses it)
 * and created again. Nothing else is ever destroyed or shrunk. Idempotent:
 * applied twice, the second does nothing. A real apply is recorded for
 * status. Returns 0 with the report (whose checks say what failed), or
 * -errno when it could not start (the host could not be scanned).
 */
int daxmap_apply(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
		 struct daxmap_config *cfg, unsigned int flags,
		 struct daxmap_apply_report **ret);
struct daxmap_apply_report *
daxmap_apply_report_free(struct daxmap_apply_report *r);
struct daxmap_config_check *
daxmap_apply_report_get_checks(struct daxmap_apply_report *r);
void daxmap_apply_report_get_summary(struct daxmap_apply_report *r,
				     struct daxmap_apply_summary *ret);
/* The files of the configuration applied; NULL past the end. */
const char *daxmap_apply_report_get_file(struct daxmap_apply_report *r,
					 int i);

/* --------------------------------------------------------------------- JSON */

enum daxmap_json_flags {
	DAXMAP_JSON_HUMAN = 1 << 0,	/* add *_human strings beside sizes */
	DAXMAP_JSON_PRETTY = 1 << 1,	/* indent for people */
};

/*
 * Renders schema 1: {"schema": 1, "kernel": {...}, "regions": [...],
 * "dax_regions": [...],
 * "namespaces": [...], "devices": [...], "totals": {...}, "config":
 * {...}}. Every list is an array, possibly empty; sizes are integers in
 * bytes. @t may be NULL for an empty topology, @cs for a configuration
 * not looked at. The string is the caller's to free().
 */
int daxmap_status_to_json(struct daxmap_kernel *k, struct daxmap_topology *t,
			  struct daxmap_config_status *cs, unsigned int flags,
			  char **ret_json);

/*
 * daxmap_status_to_json() as @viewer may see it: every mapper stays in
 * its device's "mappers", with its mapped and page-table bytes, so the
 * counts and totals are whole; "pid" and "comm" are null for a process
 * daxmap_mapper_visible_to() says @viewer may not see. For a daemon that
 * renders the status for a caller with other privileges than its own;
 * daxmap_status_to_json() is this with viewer 0.
 */
int daxmap_status_to_json_for(struct daxmap_kernel *k,
			      struct daxmap_topology *t,
			      struct daxmap_config_status *cs,
			      unsigned int flags, uid_t viewer,
			      char **ret_json);

/* Renders the kernel capability report alone. */
int daxmap_kernel_to_json(struct daxmap_kernel *k, unsigned int flags,
			  char **ret_json);

/*
 * Renders a plan: what a namespace of @size at @align and @map would cost
 * under @m, and the same size at every other align and map for comparison.
 */
int daxmap_plan_to_json(const struct daxmap_model *m, uint64_t size,
			uint64_t align, enum daxmap_map map, unsigned int flags,
			char **ret_json);

/*
 * Renders one namespace and its devices: {"schema": 1, "namespace": {...},
 * "devices": [...]}, as status shows them. -ENOENT when @t has no
 * namespace @devname.
 */
int daxmap_namespace_to_json(struct daxmap_topology *t, const char *devname,
			     unsigned int flags, char **ret_json);

/*
 * Renders a create plan: {"schema": 1, "plan": {"region", "size",
 * "device_size", "align", "mode", "map", "name", "memmap", "notes"}}, as
 * daxmapd's CreateNamespace returns it.
 */
int daxmap_create_plan_to_json(struct daxmap_create_plan *p,
			       unsigned int flags, char **ret_json);

/*
 * Renders an apply report: {"schema": 1, "apply": {"time", "dry_run",
 * "files": [...], "summary": {...}, "namespaces": [{"name", "state",
 * "namespace", "managed", "recreate", "drift": [{"key", "want", "have"}],
 * "outcome", "message"}]}}, as daxmapd's Apply returns it.
 */
int daxmap_apply_report_to_json(struct daxmap_apply_report *r,
				unsigned int flags, char **ret_json);

/* ------------------------------------------------------------------ exports */

/* The formats of the tools fleets run, rendered from the status document. */
enum daxmap_export_format {
	/* Prometheus text exposition format, for `daxmapctl metrics` and
	 * node_exporter's textfile collector. */
	DAXMAP_EXPORT_PROMETHEUS = 0,
	/* A node-feature-discovery local feature file (features.d). */
	DAXMAP_EXPORT_NFD = 1,
	/* A CDI spec (JSON), kind daxmap.io/dax, for container runtimes. */
	DAXMAP_EXPORT_CDI = 2,
};

/*
 * Renders @status_json, a status document (daxmap_status_to_json(), or
 * daxmapd's GetStatus reply), as @format; the text is the caller's to
 * free(). An empty text means there is nothing to say in that format (a
 * CDI spec without devdax devices). -EBADMSG when @status_json is no JSON
 * object, -EINVAL for a format this version does not know.
 */
int daxmap_export_render(enum daxmap_export_format format,
			 const char *status_json, char **ret_text);
/* The name of @format's file in its directory; NULL for an unknown one. */
const char *daxmap_export_file_name(enum daxmap_export_format format);
/*
 * Writes @text, rendered for @format, into its file in @dir, whole or
 * not at all (a temporary the tool skips, renamed over it), readable by
 * everyone; an empty @text removes the file.
 */
int daxmap_export_write(enum daxmap_export_format format, const char *dir,
			const char *text);

#ifdef __cplusplus
}
#endif

#endif /* DAXMAP_H */
