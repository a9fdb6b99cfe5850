/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdaxmap internals shared between its files, and with the unit tests
 * (which link the static archive so they can reach the pure readers).
 */
#ifndef DAXMAP_PRIVATE_H
#define DAXMAP_PRIVATE_H

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/types.h>

#include "daxmap.h"
#include "cleanup.h"
#include "util/util.h"

#define DAXMAP_EXPORT __attribute__((visibility("default")))

/*
 * From <ndctl/ndctl.h>, which Debian ships unusable outside ndctl's tree
 * (it includes ccan headers): the device type of a labelled namespace.
 */
#define ND_DEVICE_NAMESPACE_PMEM 5

struct daxmap_ctx {
	int refcount;
	daxmap_log_fn log_fn;
	int log_priority;
	void *userdata;
	char *root;		/* no trailing slash; "" means the real root */
	char *state_dir;	/* records of what daxmap created */
	char *config_dir;	/* daxmap.conf and daxmap.conf.d */
	int lock_fd;		/* the state directory, flocked; -1: not */
	unsigned int lock_depth; /* nested daxmap_lock() calls */
	enum daxmap_measure measure;
};

/*
 * A step the tests can stop at (DAXMAP_TEST_CRASH_AT) or hold, for 10 s or
 * while a file exists (DAXMAP_TEST_PAUSE_AT, DAXMAP_TEST_PAUSE_WHILE), in a
 * build with -Dtest-hooks=true (provision.c).
 */
#ifdef DAXMAP_TEST_HOOKS
void daxmap_test_point(const char *step);
#else
static inline void daxmap_test_point(const char *step)
{
}
#endif

/*
 * lock.c: the one lock of everything that changes the host (create,
 * destroy, reconfigure, verify's writes, apply, recovery), an flock on
 * the state directory taken by daxmapd and daxmapctl --direct alike, so
 * that recovery never takes another process's create under way for a
 * crash. Nests within a context. Waits a while for another holder, then
 * refuses BUSY. daxmap_unlockp() releases what daxmap_lock() took.
 */
int daxmap_lock(struct daxmap_ctx *ctx, enum daxmap_reason *ret_reason,
		char **ret_message);
void daxmap_unlock(struct daxmap_ctx *ctx);
static inline void daxmap_unlockp(struct daxmap_ctx **locked)
{
	if (*locked)
		daxmap_unlock(*locked);
}
#define _cleanup_unlock_ _cleanup_(daxmap_unlockp)

/*
 * verify-record.c: the last verify of a device, STATE/verify/KEY, KEY its
 * namespace's uuid (which outlives device names) or its device name.
 */
int daxmap_verify_record_write(struct daxmap_ctx *ctx, const char *key,
			       const struct daxmap_verify_summary *s);
int daxmap_verify_record_read(struct daxmap_ctx *ctx, const char *key,
			      struct daxmap_verify_summary *ret);

/* A bad block: bytes from the start of its namespace or device. */
struct daxmap_badblock {
	uint64_t offset;
	uint64_t length;
};

/*
 * badblocks.c: the bad blocks @in (relative to @from, a physical address)
 * that fall inside [@to, @to + @to_size), relative to @to and cut to it:
 * a namespace's bad blocks as its dax device sees them. *@ret is the
 * caller's to free (NULL with *@ret_n 0 when none fall inside).
 */
int daxmap_badblocks_translate(const struct daxmap_badblock *in, int n,
			       uint64_t from, uint64_t to, uint64_t to_size,
			       struct daxmap_badblock **ret, int *ret_n);

/*
 * helpers.c: the "key=value" lines of daxmap's own files (records, the
 * last apply, verify results), each given to @fn with the newline gone;
 * lines without '=' are skipped, and so are keys @fn does not know, since
 * a newer daxmap may add some. -errno when the file cannot be read, or
 * what @fn returned when it is negative.
 */
int daxmap_read_key_values(const char *path,
			   int (*fn)(const char *key, const char *value,
				     void *userdata),
			   void *userdata);

/* helpers.c: mkdir -p, with @mode for what it makes. */
int daxmap_mkdir_p(const char *path, mode_t mode);
/* helpers.c: this boot's id (/proc/sys/kernel/random/boot_id), or "". */
void daxmap_boot_id(char buf[static 37]);

void daxmap_log(struct daxmap_ctx *ctx, int priority, const char *file,
		int line, const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

#define daxmap_log_cond(ctx, prio, ...)                                        \
	do {                                                                   \
		if ((ctx) && daxmap_get_log_priority(ctx) >= (prio))           \
			daxmap_log(ctx, prio, __FILE__, __LINE__, __func__,    \
				   __VA_ARGS__);                               \
	} while (0)

#define dbg(ctx, ...) daxmap_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)
#define info(ctx, ...) daxmap_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define notice(ctx, ...) daxmap_log_cond(ctx, LOG_NOTICE, __VA_ARGS__)
#define warn(ctx, ...) daxmap_log_cond(ctx, LOG_WARNING, __VA_ARGS__)
#define err(ctx, ...) daxmap_log_cond(ctx, LOG_ERR, __VA_ARGS__)

/* True when the context reads the real /sys and /proc. */
bool daxmap_ctx_is_real_root(struct daxmap_ctx *ctx);

/*
 * Root-relative file access (fileio.c). @path is absolute ("/proc/vmstat");
 * the context's root is put in front of it.
 */
int daxmap_path(struct daxmap_ctx *ctx, const char *path, char **ret_path);
FILE *daxmap_fopen(struct daxmap_ctx *ctx, const char *path);
/* Reads a whole small file, trailing newline removed; -errno on failure. */
int daxmap_read_file(struct daxmap_ctx *ctx, const char *path, char **ret);
/* Finds "KEY VALUE" or "KEY: VALUE" lines (vmstat, meminfo, zoneinfo). */
int daxmap_read_keyed_u64(struct daxmap_ctx *ctx, const char *path,
			  const char *key, uint64_t *ret);
/* A file that holds one decimal number (a sysfs attribute); -EBADMSG else. */
int daxmap_read_u64(struct daxmap_ctx *ctx, const char *path, uint64_t *ret);

/*
 * Puts a sentence for the user in *@ret_message (when not NULL) and
 * returns @r, so that a failure reads: return daxmap_set_message(...).
 */
int daxmap_set_message(char **ret_message, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with the reason of the refusal, in *@ret_reason when not NULL. */
int daxmap_refuse(enum daxmap_reason *ret_reason, char **ret_message,
		  enum daxmap_reason reason, int r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * Clears both out-parameters on entry; daxmap_refused() makes a failure
 * that set no reason (ENOMEM, a library's errno) a DAXMAP_REASON_FAILED.
 */
static inline void daxmap_refusal_init(enum daxmap_reason *ret_reason,
				       char **ret_message)
{
	if (ret_reason)
		*ret_reason = DAXMAP_REASON_NONE;
	if (ret_message)
		*ret_message = NULL;
}

/* A failure the system reports: busy is busy, the rest failed. */
static inline enum daxmap_reason daxmap_errno_reason(int r)
{
	return r == -EBUSY ? DAXMAP_REASON_BUSY : DAXMAP_REASON_FAILED;
}

static inline int daxmap_refused(enum daxmap_reason *ret_reason, int r)
{
	if (r < 0 && ret_reason && *ret_reason == DAXMAP_REASON_NONE)
		*ret_reason = DAXMAP_REASON_FAILED;
	return r;
}

/*
 * users.c: -EBUSY, with a message naming the process, when one maps
 * @chardev, or holds it open and !@allow_open; 0 when nobody uses it.
 */
int daxmap_check_users(struct daxmap_ctx *ctx, const char *devname,
		       const char *chardev, bool allow_open,
		       enum daxmap_reason *ret_reason, char **ret_message);

/* A namespace label stores its name in 64 bytes, NUL included. */
#define DAXMAP_NAME_MAX 63
/* The highest NUMA node number a request may name (MAX_NUMNODES is 1024). */
#define DAXMAP_NUMA_NODE_MAX 65535

/*
 * request.c: whether @name may name a namespace or device: 1 to 63 of
 * [A-Za-z0-9._-], and not in the form of a device's name (namespace0.0,
 * dax0.0, region0, ...), which lookups by name would take for the device.
 * INVALID_NAME with a message saying what is allowed.
 */
int daxmap_name_check(const char *name, enum daxmap_reason *ret_reason,
		      char **ret_message);

/* request.c: the modes a create takes, and how messages say them. */
bool daxmap_mode_create_takes(enum daxmap_mode mode);
#define DAXMAP_CREATE_MODES "devdax or fsdax"
#define DAXMAP_DEVICE_MODES "devdax or system-ram"

/* A copy of @s, or NULL for NULL and "" (which the objects do not keep). */
static inline char *daxmap_strdup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

/*
 * create-plan.c: a validated create request. json.c renders it (daxmapd
 * sends its plans to daxmapctl as that document).
 */
#define DAXMAP_PLAN_MAX_NOTES 6

struct daxmap_create_plan {
	char *region;
	uint64_t size;
	uint64_t device_size;
	uint64_t align;
	enum daxmap_map map;
	const char *mode;	/* "devdax" or "fsdax", static, or mode_text */
	char *mode_text;	/* a mode a newer daxmapd's plan names */
	char *name;
	struct daxmap_memmap memmap;
	char *notes[DAXMAP_PLAN_MAX_NOTES + 1];
	int nnotes;
};

/* overhead.c */
uint64_t daxmap_div_round_up(uint64_t n, uint64_t d);
/*
 * A figure from outside the model: @ram_bytes in RAM, of which
 * @pagetable_bytes are page tables, and @device_bytes on the device, held
 * against the baseline (and the location) of @model.
 */
void daxmap_memmap_observed(const struct daxmap_memmap *model,
			    enum daxmap_source source, uint64_t ram_bytes,
			    uint64_t pagetable_bytes, uint64_t device_bytes,
			    struct daxmap_memmap *ret);

/* mappers.c: the processes that map @chardev, appended to @d's list. */
struct daxmap_mapper {
	struct daxmap_mapper *next;
	int pid;
	uid_t uid;	/* the owner of /proc/PID; (uid_t)-1 unknown */
	char *comm;
	uint64_t mapped_bytes;
	uint64_t pagetable_bytes;
};

int daxmap_mappers_scan(struct daxmap_ctx *ctx, const char *chardev,
			uint64_t align, const struct daxmap_model *m,
			struct daxmap_mapper **ret_list);
/* The mappers of every device of @t, in one pass over /proc. */
struct daxmap_topology;
int daxmap_mappers_scan_topology(struct daxmap_ctx *ctx,
				 struct daxmap_topology *t,
				 const struct daxmap_model *m);
void daxmap_mappers_free(struct daxmap_mapper *list);

/*
 * state.c: what daxmap records about a namespace, in
 * STATE/namespaces/UUID (created and complete) or STATE/pending/UUID (a
 * create under way). Written atomically, one "key=value" per line.
 */
enum daxmap_record_kind {
	DAXMAP_RECORD_MANAGED,
	DAXMAP_RECORD_PENDING,
	DAXMAP_RECORD_DEVICE,	/* devices/UUID: a dax device daxmap made */
	/*
	 * replacing/UUID: a kernel's dax device an apply is removing to
	 * make a section's in its place, kept until that is done, so that a
	 * crash between the two puts the kernel's back (apply-device.c).
	 */
	DAXMAP_RECORD_REPLACING,
};

struct daxmap_record {
	char uuid[37];
	char *name;
	char *region;
	char *mode;
	uint64_t size;
	uint64_t align;
	enum daxmap_map map;
	/* Measured around the enable; has_* false when not measured. */
	bool has_measured;
	int64_t measured_ram_bytes;
	bool has_kernel;
	int64_t kernel_bytes;
	/*
	 * Who wrote a pending record, and in which boot: recovery leaves a
	 * record whose owner still runs (0 and "" in records of before).
	 */
	int owner_pid;
	char owner_boot[37];
	/*
	 * A dax device on a dynamic region (NULL for a namespace): its
	 * name, its first byte, and the boot it was made in, since such a
	 * device does not outlive a boot.
	 */
	char *device;
	uint64_t resource;
	char boot[37];
	/* A replacing record's system-ram device had its memmap on it. */
	bool memmap_on_memory;
};

/* state.c: whether @rec (a dax device's) was written in this boot. */
bool daxmap_record_same_boot(const struct daxmap_record *rec);

/* state.c: fills the owner of @rec with this process and this boot. */
void daxmap_record_set_owner(struct daxmap_record *rec);
/* state.c: true when the process that wrote @rec runs, and is not this one. */
bool daxmap_record_owner_runs(const struct daxmap_record *rec);

int daxmap_record_write(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
			const struct daxmap_record *rec);
int daxmap_record_read(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
		       const char *uuid, struct daxmap_record *ret);
int daxmap_record_remove(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
			 const char *uuid);
/* The uuids recorded of @kind, a NULL-terminated array to free. */
int daxmap_record_list(struct daxmap_ctx *ctx, enum daxmap_record_kind kind,
		       char ***ret_uuids);
void daxmap_record_clear(struct daxmap_record *rec);

/*
 * helpers.c: NULL-terminated string arrays (free, entry @i or NULL past
 * the end, a copy or NULL on ENOMEM), and a file written whole or not at
 * all: a temporary beside @path, fsync()ed, renamed over @path, and the
 * directory fsync()ed so that the rename survives a power cut.
 */
void daxmap_strv_free(char **strv);
const char *daxmap_strv_at(char *const *strv, int i);
char **daxmap_strv_copy(char *const *strv);
int daxmap_write_file_atomic(const char *path, const char *content,
			     size_t len);
/* The same through the temporary @tmp, which gets @mode unless it is 0. */
int daxmap_write_file_atomic_as(const char *path, const char *tmp,
				const char *content, size_t len, mode_t mode);

/*
 * measure.c: free RAM as the page allocator sees it, MemFree plus the
 * pages parked on per-cpu lists, after dropping caches and folding the
 * per-cpu counters. Writes to /proc/sys/vm: root only.
 */
int daxmap_measure_free_ram(struct daxmap_ctx *ctx, uint64_t page_size,
			    uint64_t *ret_bytes);

/*
 * kernel.c: a kernel as a status document describes it, for the unit
 * tests' fixture loader.
 * Its counter reads answer with @counter_pages, or -ENOENT without.
 */
struct daxmap_kernel_snapshot {
	const char *release;
	const char *machine;
	const char *config_path;	/* may be NULL */
	const char *dedup_reason;
	unsigned int version_code;
	unsigned long page_size;
	enum daxmap_tristate sparsemem_vmemmap;
	enum daxmap_tristate vmemmap_dedup;
	bool memmap_counter;
	enum daxmap_counter memmap_counting;
	unsigned int patches;		/* DAXMAP_PATCH_* */
	bool has_counter_pages;
	uint64_t counter_pages;
};

int daxmap_kernel_from_snapshot(struct daxmap_ctx *ctx,
				const struct daxmap_kernel_snapshot *s,
				struct daxmap_kernel **ret);

/* kernel.c: release parsing, exposed for unit tests. */
unsigned int daxmap_parse_version_code(const char *release,
				       const char *proc_version);
enum daxmap_counter daxmap_counter_rule(unsigned int version_code,
					bool counter_present, bool exact_patch);

/*
 * kernel.c: what the dax-memmap patch says of dax device @devname's memmap,
 * read anew from /sys/bus/dax/devices/@devname/memmap_*_bytes; -errno
 * (-ENOENT on a kernel without the patch) when one cannot be read.
 */
struct daxmap_dax_memmap {
	uint64_t ram_bytes;		/* page tables included */
	uint64_t pagetable_bytes;	/* the part of ram_bytes */
	uint64_t device_bytes;		/* the altmap, on the device */
};

int daxmap_read_dax_memmap(struct daxmap_ctx *ctx, const char *devname,
			   struct daxmap_dax_memmap *ret);

#define DAXMAP_VERSION_CODE(a, b, c) (((a) << 16) + ((b) << 8) + (c))


/*
 * provision.c: what the creates share. Free RAM and the kernel's memmap
 * counter around the enable that allocates a memmap, and their deltas in
 * a record (the crash points of a test build: daxmap_test_point()).
 */
struct snapshot {
	bool has_free;
	uint64_t free_bytes;
	bool has_counter;
	uint64_t counter_pages;
};

/* Whether creates measure: the caller's choice, else the configuration's. */
bool daxmap_measure_wanted(struct daxmap_ctx *ctx);
/* Free RAM only when @measure: reading it drops the page cache. */
void daxmap_snapshot_take(struct daxmap_ctx *ctx, struct daxmap_kernel *k,
			  bool measure, struct snapshot *s);
void daxmap_snapshot_deltas(struct daxmap_kernel *k, const struct snapshot *a,
			    const struct snapshot *b, struct daxmap_record *rec);

struct ndctl_region;
struct ndctl_namespace;
struct ndctl_dax;
struct ndctl_pfn;
struct daxmap_create_plan;
/*
 * provision.c: attaches a devdax or fsdax personality (@p's mode, map and
 * align) from @region's seed to @ndns, not enabled yet.
 */
int daxmap_configure_personality(struct ndctl_region *region,
				 struct ndctl_namespace *ndns,
				 struct daxmap_create_plan *p, unsigned char uu[16],
				 struct ndctl_dax **ret_dax,
				 struct ndctl_pfn **ret_pfn);
/* destroy.c: zeroes a namespace's info block, as ndctl does. */
void daxmap_zero_info_block(struct daxmap_ctx *ctx,
			    struct ndctl_namespace *ndns);

/*
 * device-provision.c: the dax devices daxmap made on dynamic regions.
 * Recovery of an interrupted create of one (@rec pending), appending to
 * @report; the checks and record update of a resize; the record of a
 * device in this boot, looked up by name and place.
 */
int daxmap_device_recover(struct daxmap_ctx *ctx, struct daxmap_record *rec,
			  char **report);
struct daxctl_dev;
int daxmap_device_check_resize(struct daxmap_ctx *ctx, struct daxctl_dev *dev,
			       uint64_t size, uint64_t align,
			       enum daxmap_reason *ret_reason,
			       char **ret_message);
void daxmap_device_record_update(struct daxmap_ctx *ctx,
				 struct daxctl_dev *dev);
bool daxmap_device_record_find(struct daxmap_ctx *ctx, const char *devname,
			       uint64_t resource, struct daxmap_record *ret);
bool daxmap_device_named_there(struct daxmap_ctx *ctx, const char *name);
/*
 * apply-device.c: recovery of an apply that was replacing a kernel's dax
 * device (@rec replacing), appending to @report.
 */
int daxmap_replace_recover(struct daxmap_ctx *ctx, struct daxmap_record *rec,
			   char **report);
int daxmap_append_line(char **report, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* DAXMAP_PRIVATE_H */
