// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verifying a dax device the way an application maps it: through libpmem2.
 * The mapping must get the alignment and page size the device promises,
 * it costs the page tables the model says, and with a pattern, what is
 * written and persisted reads back. Nothing is written over data (only over
 * zeros or an earlier verify's pattern, unless forced) or over a known bad
 * block; ranges that were zeros are zeroed again afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpmem2.h>

#include "private.h"
#include "topology.h"
#include "util/handles.h"
#include "verify.h"

/* The default sample: this many ranges spread across the device. */
#define SAMPLE_RANGES 16
#define SAMPLE_RANGE_MAX SZ_2M
/* How much of the device is touched to measure the mapping's page tables. */
#define PAGETABLE_SPAN_MAX (UINT64_C(2) << 30)
/* The bounce buffer for the pattern. */
#define CHUNK SZ_2M

static void pmem2_map_deletep(struct pmem2_map **p)
{
	if (*p)
		pmem2_map_delete(p);
}

static void pmem2_source_deletep(struct pmem2_source **p)
{
	if (*p)
		pmem2_source_delete(p);
}

static void pmem2_config_deletep(struct pmem2_config **p)
{
	if (*p)
		pmem2_config_delete(p);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t per_second(uint64_t bytes, uint64_t ns)
{
	if (!ns)
		ns = 1;
	return (uint64_t)((long double)bytes * 1e9L / (long double)ns);
}

uint64_t daxmap_verify_pattern_word(uint64_t offset)
{
	/* Differs at every word and from zero; no seed, so it is known later. */
	return ((offset >> 3) + 1) * UINT64_C(0x9e3779b97f4a7c15) ^
	       UINT64_C(0x6461786d61702121);
}

static void fill_pattern(uint64_t *buf, uint64_t offset, size_t len)
{
	size_t i;

	for (i = 0; i < len / 8; i++)
		buf[i] = daxmap_verify_pattern_word(offset + i * 8);
}

/* Zeros, the pattern, or neither (data) over [p, p + len) at @offset. */
enum content { CONTENT_ZERO, CONTENT_PATTERN, CONTENT_DATA };

static enum content classify(const uint64_t *p, uint64_t offset, size_t len,
			     uint64_t *ret_at)
{
	bool zero = true, pattern = true;
	size_t i;

	for (i = 0; i < len / 8 && (zero || pattern); i++) {
		if (p[i] != 0)
			zero = false;
		if (p[i] != daxmap_verify_pattern_word(offset + i * 8))
			pattern = false;
		if (!zero && !pattern)
			*ret_at = offset + i * 8;
	}
	return zero ? CONTENT_ZERO : pattern ? CONTENT_PATTERN : CONTENT_DATA;
}

int daxmap_verify_ranges(uint64_t size, uint64_t want,
			 struct daxmap_verify_range *ranges, int max)
{
	uint64_t step, len;
	int i;

	if (!size || max < SAMPLE_RANGES)
		return -EINVAL;
	if (want) {
		if (want > size || want % 8)
			return -EINVAL;
		ranges[0].offset = 0;
		ranges[0].length = want;
		return 1;
	}
	step = size / SAMPLE_RANGES & ~(SZ_4K - 1);
	len = step < SAMPLE_RANGE_MAX ? step : SAMPLE_RANGE_MAX;
	if (!len) {
		ranges[0].offset = 0;
		ranges[0].length = size & ~UINT64_C(7);
		return ranges[0].length ? 1 : -EINVAL;
	}
	for (i = 0; i < SAMPLE_RANGES; i++) {
		ranges[i].offset = step * (uint64_t)i;
		ranges[i].length = len;
	}
	return SAMPLE_RANGES;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* The first known bad block inside [off, off + len), or NULL. */
static const struct daxmap_badblock *
bad_in(const struct daxmap_verify *v, uint64_t off, uint64_t len)
{
	int i;

	for (i = 0; i < v->nbadblocks; i++)
		if (overlaps(off, len, v->badblocks[i].offset,
			     v->badblocks[i].length))
			return &v->badblocks[i];
	return NULL;
}

static int read_badblocks(struct pmem2_source *src, struct daxmap_verify *v)
{
	struct pmem2_badblock_context *bbctx = NULL;
	struct pmem2_badblock bb;
	int r;

	r = pmem2_badblock_context_new(&bbctx, src);
	if (r)
		return r > 0 ? -r : r;
	while (pmem2_badblock_next(bbctx, &bb) == 0) {
		struct daxmap_badblock *n;

		n = realloc(v->badblocks,
			    sizeof(*n) * (size_t)(v->nbadblocks + 1));
		if (!n) {
			pmem2_badblock_context_delete(&bbctx);
			return -ENOMEM;
		}
		v->badblocks = n;
		n[v->nbadblocks].offset = bb.offset;
		n[v->nbadblocks].length = bb.length;
		v->nbadblocks++;
	}
	pmem2_badblock_context_delete(&bbctx);
	return 0;
}

static int read_self(struct daxmap_ctx *ctx, const char *path, char **ret)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, n;

	if (!f)
		return -errno;
	for (;;) {
		char *nb = realloc(buf, len + 65536 + 1);

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		n = fread(buf + len, 1, 65536, f);
		len += n;
		if (n < 65536)
			break;
	}
	buf[len] = '\0';
	*ret = buf;
	dbg(ctx, "%s: %zu bytes\n", path, len);
	return 0;
}

static int self_vmpte(struct daxmap_ctx *ctx, uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = read_self(ctx, "/proc/self/status", &text);

	return r < 0 ? r : daxmap_parse_vmpte(text, strlen(text), ret);
}

static int self_page_size(struct daxmap_ctx *ctx, const void *addr,
			  uint64_t *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = read_self(ctx, "/proc/self/smaps", &text);

	return r < 0 ? r :
		daxmap_parse_smaps_page_size(text, strlen(text),
					     (uint64_t)(uintptr_t)addr, ret);
}

/* The dax device @which names: daxX.Y, /dev/daxX.Y, its namespace or name. */
static int find_device(struct daxmap_topology *t, const char *which,
		       struct daxmap_device **ret, enum daxmap_reason *ret_reason,
		       char **ret_message)
{
	struct daxmap_device *d, *found = NULL;
	struct daxmap_namespace *n;
	int matches = 0;

	if (strncmp(which, "/dev/", 5) == 0)
		which += 5;
	daxmap_device_foreach(t, d)
		if (strcmp(daxmap_device_get_devname(d), which) == 0) {
			*ret = d;
			return 0;
		}
	daxmap_namespace_foreach(t, n) {
		const char *name = daxmap_namespace_get_name(n);

		if (strcmp(daxmap_namespace_get_devname(n), which) != 0 &&
		    !(name && strcmp(name, which) == 0))
			continue;
		daxmap_device_foreach(t, d) {
			const char *ns = daxmap_device_get_namespace(d);

			if (ns && strcmp(ns, daxmap_namespace_get_devname(n)) == 0) {
				found = d;
				matches++;
			}
		}
	}
	if (matches > 1)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_INVALID_ARGUMENT, -ENOTUNIQ,
			"'%s' names more than one dax device: give the device (daxX.Y)",
			which);
	if (!found)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_NOT_FOUND, -ENODEV,
			"no dax device '%s' (give daxX.Y, or the name or namespace of a devdax namespace; daxmapctl list devices)",
			which);
	*ret = found;
	return 0;
}

/* Refuses what verify must not touch; 0 when it may go on. */
static int check_device(struct daxmap_device *d, unsigned int flags,
			enum daxmap_reason *ret_reason, char **ret_message)
{
	const char *devname = daxmap_device_get_devname(d);
	struct daxmap_mapper *m = daxmap_mapper_get_first(d);

	if (strcmp(daxmap_device_get_mode(d), "devdax") != 0)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_BUSY, -EBUSY,
			"%s is in %s mode: it is memory the kernel manages, not a device to map; reconfigure it to devdax first",
			devname, daxmap_device_get_mode(d));
	if (!daxmap_device_is_enabled(d))
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_NOT_SUPPORTED, -ENXIO,
			"%s is disabled: enable it (daxctl enable-device %s) first",
			devname, devname);
	if (m && !(flags & DAXMAP_VERIFY_FORCE))
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_BUSY, -EBUSY,
			"%s is mapped by pid %d (%s): verify would change what it sees; stop it, or --force",
			devname, daxmap_mapper_get_pid(m),
			daxmap_mapper_get_comm(m));
	return 0;
}

/* Maps the whole device through libpmem2; fills v->source_alignment. */
static int map_device(struct daxmap_ctx *ctx, struct daxmap_verify *v,
		      int fd, struct pmem2_source **ret_src,
		      struct pmem2_map **ret_map, enum daxmap_reason *ret_reason,
		      char **ret_message)
{
	_cleanup_(pmem2_source_deletep) struct pmem2_source *src = NULL;
	_cleanup_(pmem2_config_deletep) struct pmem2_config *cfg = NULL;
	size_t alignment = 0, size = 0;
	int r;

	r = pmem2_source_from_fd(&src, fd);
	if (!r)
		r = pmem2_source_alignment(src, &alignment);
	if (!r)
		r = pmem2_source_size(src, &size);
	if (r)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_FAILED, r > 0 ? -r : r,
			"libpmem2 cannot use %s: %s", v->chardev,
			pmem2_errormsg());
	v->source_alignment = alignment;
	v->source_size = size;
	r = read_badblocks(src, v);
	if (r < 0)
		warn(ctx, "%s: cannot read the bad blocks: %s\n", v->chardev,
		     pmem2_errormsg());
	v->badblocks_known = r >= 0;

	r = pmem2_config_new(&cfg);
	if (!r)
		r = pmem2_config_set_required_store_granularity(
			cfg, PMEM2_GRANULARITY_PAGE);
	if (!r && !v->pattern)
		r = pmem2_config_set_protection(cfg, PMEM2_PROT_READ);
	if (!r)
		r = pmem2_map_new(ret_map, cfg, src);
	if (r)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_FAILED, r > 0 ? -r : r,
			"libpmem2 cannot map %s: %s", v->chardev,
			pmem2_errormsg());
	*ret_src = TAKE_PTR(src);
	return 0;
}

/*
 * Faults in the first bytes of the mapping, one read per page of the
 * device's align, skipping bad blocks: the page tables that costs are what
 * a process mapping that much pays.
 */
static void touch(struct daxmap_verify *v, const volatile char *base)
{
	uint64_t off;

	for (off = 0; off < v->touched_bytes; off += v->align)
		if (!bad_in(v, off, v->align))
			(void)base[off];
}

static int check_content(struct daxmap_verify *v, const char *base,
			 bool force, enum daxmap_reason *ret_reason,
			 char **ret_message)
{
	int i;

	for (i = 0; i < v->nranges; i++) {
		struct daxmap_verify_range *rg = &v->ranges[i];
		const struct daxmap_badblock *bb =
			bad_in(v, rg->offset, rg->length);
		uint64_t at = 0;
		enum content c;

		if (bb)
			return daxmap_refuse(ret_reason, ret_message,
				DAXMAP_REASON_BAD_BLOCK, -EIO,
				"%s has a bad block at offset %" PRIu64 " (%" PRIu64 " bytes), inside what verify would write: it writes nothing there (ndctl clear-errors, or a --size that ends before it)",
				v->devname, bb->offset, bb->length);
		c = classify((const uint64_t *)(base + rg->offset), rg->offset,
			     rg->length, &at);
		rg->was_zero = c == CONTENT_ZERO;
		if (c == CONTENT_DATA && !force)
			return daxmap_refuse(ret_reason, ret_message,
				DAXMAP_REASON_HOLDS_DATA, -EEXIST,
				"%s holds data at offset %" PRIu64 ": verify writes only over zeros or its own pattern; --force overwrites it",
				v->devname, at);
	}
	return 0;
}

static void write_pattern(struct daxmap_verify *v, struct pmem2_map *map,
			  char *base, uint64_t *buf)
{
	pmem2_memcpy_fn copy = pmem2_get_memcpy_fn(map);
	uint64_t t0 = now_ns();
	int i;

	for (i = 0; i < v->nranges; i++) {
		uint64_t off, end = v->ranges[i].offset + v->ranges[i].length;

		for (off = v->ranges[i].offset; off < end; off += CHUNK) {
			size_t len = end - off < CHUNK ? end - off : CHUNK;

			fill_pattern(buf, off, len);
			/* Flags 0: copied, flushed and drained: persistent. */
			copy(base + off, buf, len, 0);
		}
		v->written_bytes += v->ranges[i].length;
	}
	v->write_ns = now_ns() - t0;
}

static void read_back(struct daxmap_verify *v, const char *base,
		      uint64_t *buf, uint64_t *expect)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < v->nranges; i++) {
		uint64_t off, end = v->ranges[i].offset + v->ranges[i].length;

		for (off = v->ranges[i].offset; off < end; off += CHUNK) {
			size_t len = end - off < CHUNK ? end - off : CHUNK;
			uint64_t t0 = now_ns();
			size_t w;

			memcpy(buf, base + off, len);
			t += now_ns() - t0;
			if (v->mismatch)
				continue;
			fill_pattern(expect, off, len);
			for (w = 0; w < len / 8; w++)
				if (buf[w] != expect[w]) {
					v->mismatch = true;
					v->mismatch_offset = off + w * 8;
					v->mismatch_expected = expect[w];
					v->mismatch_found = buf[w];
					break;
				}
		}
	}
	v->read_ns = t;
}

/* Leaves what was zeros as zeros again. */
static void restore(struct daxmap_verify *v, struct pmem2_map *map, char *base)
{
	pmem2_memset_fn set = pmem2_get_memset_fn(map);
	int i;

	for (i = 0; i < v->nranges; i++)
		if (v->ranges[i].was_zero) {
			set(base + v->ranges[i].offset, 0,
			    v->ranges[i].length, 0);
			v->restored_bytes += v->ranges[i].length;
		}
}

static int run_pattern(struct daxmap_verify *v, struct pmem2_map *map,
		       char *base, bool force, enum daxmap_reason *ret_reason,
		       char **ret_message)
{
	_cleanup_free_ uint64_t *buf = NULL, *expect = NULL;
	int r;

	r = check_content(v, base, force, ret_reason, ret_message);
	if (r < 0)
		return r;
	buf = malloc(CHUNK);
	expect = malloc(CHUNK);
	if (!buf || !expect)
		return -ENOMEM;
	write_pattern(v, map, base, buf);
	read_back(v, base, buf, expect);
	restore(v, map, base);
	return 0;
}

static int verify_fill(struct daxmap_verify *v, struct daxmap_device *d,
		       const struct daxmap_model *m,
		       const struct daxmap_verify_request *req,
		       enum daxmap_reason *ret_reason, char **ret_message)
{
	const char *ns = daxmap_device_get_namespace(d);
	int r;

	v->devname = strdup(daxmap_device_get_devname(d));
	v->chardev = strdup(daxmap_device_get_chardev(d));
	v->namespace = ns ? strdup(ns) : NULL;
	if (!v->devname || !v->chardev || (ns && !v->namespace))
		return -ENOMEM;
	v->size = daxmap_device_get_size(d);
	v->align = daxmap_device_get_align(d);
	v->pattern = req->flags & DAXMAP_VERIFY_PATTERN;
	v->touched_bytes = v->size < PAGETABLE_SPAN_MAX ? v->size :
							  PAGETABLE_SPAN_MAX;
	v->touched_bytes -= v->touched_bytes % v->align;
	v->model_pagetable_bytes =
		daxmap_model_mapping_pagetables(m, v->touched_bytes, v->align);
	if (!v->pattern)
		return 0;
	r = daxmap_verify_ranges(v->size, req->size, v->ranges,
				 (int)ARRAY_SIZE(v->ranges));
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_INVALID_SIZE, -EINVAL,
			"--size %" PRIu64 " does not fit %s: a multiple of 8 bytes, at most its %" PRIu64 " bytes",
			req->size, v->devname, v->size);
	v->nranges = r;
	return 0;
}

/*
 * Keeps what the mapping measured for status, where the state directory
 * may be written (as root); a user's verify is theirs alone.
 */
static void keep(struct daxmap_ctx *ctx, struct daxmap_topology *t,
		 struct daxmap_device *d, const struct daxmap_verify *v)
{
	struct daxmap_verify_summary s = {
		.passed = v->passed,
		.align = v->align,
		.kernel_page_size = v->kernel_page_size,
		.mapped_bytes = v->touched_bytes,
		.pagetable_bytes = v->pagetable_bytes,
		.model_pagetable_bytes = v->model_pagetable_bytes,
	};
	time_t now = time(NULL);
	struct tm tm;
	int r;

	if (geteuid() != 0 || !daxmap_ctx_is_real_root(ctx))
		return;
	strftime(s.time, sizeof(s.time), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime_r(&now, &tm));
	r = daxmap_verify_record_write(ctx, daxmap_device_verify_key(t, d), &s);
	if (r < 0)
		warn(ctx, "%s: cannot keep the verify's figures: %s\n",
		     v->devname, strerror(-r));
}

DAXMAP_EXPORT int
daxmap_verify_request_check(const struct daxmap_verify_request *req,
			    enum daxmap_reason *ret_reason, char **ret_message)
{
	daxmap_refusal_init(ret_reason, ret_message);
	if (!req)
		return daxmap_refused(ret_reason, -EINVAL);
	if (!req->which || !*req->which)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
			"name the device: daxX.Y, or a namespace or its name");
	if (req->size && !(req->flags & DAXMAP_VERIFY_PATTERN))
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_INVALID_ARGUMENT, -EINVAL,
			"a size says how much of the pattern to write: give it with the pattern");
	return 0;
}

DAXMAP_EXPORT int daxmap_verify_device(struct daxmap_ctx *ctx,
				       struct daxmap_kernel *k,
				       const struct daxmap_verify_request *req,
				       struct daxmap_verify **ret,
				       enum daxmap_reason *ret_reason,
				       char **ret_message)
{
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	_cleanup_(pmem2_source_deletep) struct pmem2_source *src = NULL;
	_cleanup_(pmem2_map_deletep) struct pmem2_map *map = NULL;
	_cleanup_unlock_ struct daxmap_ctx *locked = NULL;
	_cleanup_close_ int fd = -1;
	struct daxmap_device *d = NULL;
	struct daxmap_verify *v;
	struct daxmap_model m;
	uint64_t pte_before, pte_after;
	char *base;
	int r;

	if (!ctx || !k || !ret)
		return -EINVAL;
	r = daxmap_verify_request_check(req, ret_reason, ret_message);
	if (r < 0)
		return r;
	/* Writes go to a device no destroy or reconfigure takes meanwhile. */
	if (req->flags & DAXMAP_VERIFY_PATTERN) {
		r = daxmap_lock(ctx, ret_reason, ret_message);
		if (r < 0)
			return r;
		locked = ctx;
	}
	r = daxmap_topology_scan(ctx, k, &t);
	if (r < 0)
		return daxmap_refuse(ret_reason, ret_message,
			DAXMAP_REASON_FAILED, r,
			"cannot read the dax devices: %s", strerror(-r));
	r = find_device(t, req->which, &d, ret_reason, ret_message);
	if (r < 0)
		return r;
	r = check_device(d, req->flags, ret_reason, ret_message);
	if (r < 0)
		return r;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	daxmap_kernel_get_model(k, &m);
	r = verify_fill(v, d, &m, req, ret_reason, ret_message);
	if (r < 0)
		goto fail;

	fd = open(v->chardev, (v->pattern ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0) {
		r = daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_FAILED,
				  -errno, "cannot open %s: %m", v->chardev);
		goto fail;
	}
	r = self_vmpte(ctx, &pte_before);
	if (r < 0) {
		r = daxmap_refuse(ret_reason, ret_message, DAXMAP_REASON_FAILED,
			r, "cannot read this process's VmPTE: %s", strerror(-r));
		goto fail;
	}
	r = map_device(ctx, v, fd, &src, &map, ret_reason, ret_message);
	if (r < 0)
		goto fail;
	base = pmem2_map_get_address(map);
	v->mapped_bytes = pmem2_map_get_size(map);

	touch(v, base);
	if (self_vmpte(ctx, &pte_after) == 0 && pte_after >= pte_before)
		v->pagetable_bytes = pte_after - pte_before;
	r = self_page_size(ctx, base, &v->kernel_page_size);
	if (r < 0)
		warn(ctx, "%s: no KernelPageSize for the mapping: %s\n",
		     v->chardev, strerror(-r));

	if (v->pattern) {
		r = run_pattern(v, map, base, req->flags & DAXMAP_VERIFY_FORCE,
				ret_reason, ret_message);
		if (r < 0)
			goto fail;
	}
	v->write_bytes_per_sec = per_second(v->written_bytes, v->write_ns);
	v->read_bytes_per_sec = per_second(v->written_bytes, v->read_ns);
	v->passed = v->source_alignment == v->align &&
		    v->kernel_page_size == v->align && !v->mismatch;
	keep(ctx, t, d, v);
	*ret = v;
	return 0;
fail:
	daxmap_verify_free(v);
	return daxmap_refused(ret_reason, r);
}

DAXMAP_EXPORT struct daxmap_verify *daxmap_verify_free(struct daxmap_verify *v)
{
	if (!v)
		return NULL;
	free(v->devname);
	free(v->chardev);
	free(v->namespace);
	free(v->badblocks);
	free(v);
	return NULL;
}

DAXMAP_EXPORT bool daxmap_verify_passed(struct daxmap_verify *v)
{
	return v && v->passed;
}

DAXMAP_EXPORT const char *daxmap_verify_get_devname(struct daxmap_verify *v)
{
	return v ? v->devname : NULL;
}

DAXMAP_EXPORT uint64_t daxmap_verify_get_align(struct daxmap_verify *v)
{
	return v ? v->align : 0;
}

DAXMAP_EXPORT uint64_t
daxmap_verify_get_kernel_page_size(struct daxmap_verify *v)
{
	return v ? v->kernel_page_size : 0;
}

DAXMAP_EXPORT uint64_t
daxmap_verify_get_pagetable_bytes(struct daxmap_verify *v,
				  enum daxmap_source source,
				  uint64_t *ret_mapped)
{
	if (!v)
		return 0;
	if (ret_mapped)
		*ret_mapped = v->touched_bytes;
	return source == DAXMAP_SOURCE_MEASURED ? v->pagetable_bytes :
						  v->model_pagetable_bytes;
}
