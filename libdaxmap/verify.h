/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A verify result, shared by the engine (verify.c) and its JSON rendering
 * (json-verify.c), and the engine's pure parts, for the unit tests.
 */
#ifndef DAXMAP_VERIFY_H
#define DAXMAP_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "daxmap.h"
#include "private.h"

struct daxmap_verify_range {
	uint64_t offset;
	uint64_t length;
	bool was_zero;		/* zeroed again afterwards */
};

#define DAXMAP_VERIFY_MAX_RANGES 16

struct daxmap_verify {
	char *devname;
	char *chardev;
	char *namespace;		/* NULL for a device without one */
	uint64_t size;
	uint64_t align;
	/* What libpmem2 and the kernel say of the mapping. */
	uint64_t source_alignment;
	uint64_t source_size;
	uint64_t mapped_bytes;
	uint64_t kernel_page_size;	/* smaps' KernelPageSize; 0: unknown */
	/* Page tables for the first touched_bytes, faulted in. */
	uint64_t touched_bytes;
	uint64_t pagetable_bytes;	/* VmPTE after - before */
	uint64_t model_pagetable_bytes;
	/* The pattern, when asked for. */
	bool pattern;
	struct daxmap_verify_range ranges[DAXMAP_VERIFY_MAX_RANGES];
	int nranges;
	uint64_t written_bytes;
	uint64_t restored_bytes;
	uint64_t write_ns, read_ns;
	uint64_t write_bytes_per_sec, read_bytes_per_sec;
	bool mismatch;
	uint64_t mismatch_offset, mismatch_expected, mismatch_found;
	/* The bad blocks libpmem2 knows of, device-relative. */
	bool badblocks_known;
	struct daxmap_badblock *badblocks;
	int nbadblocks;
	bool passed;
};

/* The pattern's 64-bit word at byte @offset of the device. */
uint64_t daxmap_verify_pattern_word(uint64_t offset);

/*
 * The ranges a pattern covers on a device of @size: [0, @want) when @want
 * is given, else a sample of 16 ranges (each 2 MiB at most) spread evenly.
 * The count, or -EINVAL for a @want that is not a multiple of 8 or beyond
 * the device.
 */
int daxmap_verify_ranges(uint64_t size, uint64_t want,
			 struct daxmap_verify_range *ranges, int max);

/* procself.c: VmPTE of a /proc/PID/status text, in bytes. */
int daxmap_parse_vmpte(const char *text, size_t len, uint64_t *ret_bytes);
/*
 * procself.c: KernelPageSize of the VMA starting at @vma_start in a
 * /proc/PID/smaps text, in bytes; -ENOENT when there is none.
 */
int daxmap_parse_smaps_page_size(const char *text, size_t len,
				 uint64_t vma_start, uint64_t *ret_bytes);

#endif /* DAXMAP_VERIFY_H */
