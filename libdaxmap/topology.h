/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The objects of a topology snapshot, shared by the two ways one is made:
 * scanned from the kernel (topology.c) or, in the unit tests, read back
 * from a captured status document (tests/unit/fixture-loader.c). The
 * public getters are in topology.c.
 */
#ifndef DAXMAP_TOPOLOGY_H
#define DAXMAP_TOPOLOGY_H

#include "checks.h"

#define MAX_ALIGNMENTS 8

struct daxmap_region {
	struct daxmap_region *next;
	char *devname;
	char *bus;
	char *type;
	uint64_t size;
	uint64_t available_size;
	uint64_t max_available_extent;
	int numa_node;
	uint64_t align;
	int num_alignments;
	uint64_t alignments[MAX_ALIGNMENTS];
};

/*
 * A dax region: where dax devices are carved from. Behind a namespace in
 * devdax mode (nvdimm), or dynamic: Soft Reserved memory (hmem), a CXL
 * region (cxl), whatever else the kernel adds.
 */
struct daxmap_dax_region {
	struct daxmap_dax_region *next;
	int id;
	char *path;		/* the sysfs device that holds dax_region/ */
	char *provider;		/* nvdimm, hmem, cxl, or its bus's name */
	uint64_t size;
	uint64_t available_size;
	uint64_t align;
	int numa_node;		/* -1: none */
	int target_node;	/* -1: none */
	char *namespace;	/* nvdimm: the namespace it is */
	char *cxl_region;	/* cxl: the CXL region behind it */
	char **cxl_memdevs;	/* cxl: the memdevs of that region, or NULL */
};

struct daxmap_namespace {
	struct daxmap_namespace *next;
	char *devname;
	char *region;
	const char *mode;	/* static, or mode_text */
	char *mode_text;	/* a mode a newer document names */
	uint64_t size;
	uint64_t raw_size;
	char *uuid;
	char *name;
	enum daxmap_map map;
	uint64_t align;
	unsigned int sector_size;
	bool enabled;
	bool managed;
	char *blockdev;
	uint64_t resource;	/* physical start, 0 when unknown */
	struct daxmap_badblock *badblocks;	/* bytes from its start */
	int nbadblocks;
};

struct daxmap_device {
	struct daxmap_device *next;
	char *devname;
	char *chardev;
	uint64_t size;
	uint64_t align;
	const char *mode;	/* static, or mode_text */
	char *mode_text;	/* a mode a newer document names */
	enum daxmap_map map;
	int numa_node;
	int target_node;
	bool enabled;
	char *namespace;
	struct daxmap_dax_region *dax_region;	/* in the same topology */
	/* system-ram: the memmap was placed on the memory itself */
	bool memmap_on_memory;
	char *name;		/* daxmap's record of a dynamic device */
	bool managed;
	struct daxmap_memmap memmap[DAXMAP_SOURCE_MEASURED + 1];
	bool have_memmap[DAXMAP_SOURCE_MEASURED + 1];
	struct daxmap_mapper *mappers;
	bool has_verify;
	struct daxmap_verify_summary verify;
	struct daxmap_badblock *badblocks;	/* bytes from its start */
	int nbadblocks;
};

struct daxmap_topology {
	int refcount;
	struct daxmap_region *regions;
	struct daxmap_dax_region *dax_regions;
	struct daxmap_namespace *namespaces;
	struct daxmap_device *devices;
};

/* Appends to a singly linked list through its tail pointer. */
#define list_append(tailp, item)                                               \
	do {                                                                   \
		*(tailp) = (item);                                             \
		(tailp) = &(item)->next;                                       \
	} while (0)

/*
 * Under what key a device's verify is kept: its namespace's uuid, which
 * outlives device names, else its device name.
 */
const char *daxmap_device_verify_key(struct daxmap_topology *t,
				     struct daxmap_device *d);

struct daxctl_region;
/*
 * dax-region.c: the dax region @dregion as an object (unlinked), with its
 * provider and, for CXL, the region and memdevs behind it; @namespace the
 * namespace it is, or NULL for a dynamic region.
 */
int daxmap_dax_region_scan(struct daxmap_ctx *ctx,
			   struct daxctl_region *dregion,
			   const char *namespace,
			   struct daxmap_dax_region **ret);

/* An empty snapshot with one reference; NULL when out of memory. */
struct daxmap_topology *daxmap_topology_new(void);
/* These free an object and what it owns; the topology its lists too. */
void daxmap_region_free(struct daxmap_region *r);
void daxmap_dax_region_free(struct daxmap_dax_region *r);
void daxmap_namespace_free(struct daxmap_namespace *n);
void daxmap_device_free(struct daxmap_device *d);
void daxmap_topology_free(struct daxmap_topology *t);

#endif /* DAXMAP_TOPOLOGY_H */
