// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel capability detection against captured /proc, /sys and /boot
 * trees (fixtures/kernel/<name>, see the README there), and the release
 * and counter rules at their edges.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "private.h"
#include "test.h"

#define KV DAXMAP_VERSION_CODE

/* ------------------------------------------------------------- reporting */

static void fail(const char *where, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(const char *where, const char *field, const char *fmt, ...)
{
	va_list args;

	test_failures++;
	fprintf(stderr, "FAIL: %s: %s: ", where, field);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
}

static void expect_str(const char *where, const char *field, const char *got,
		       const char *want)
{
	test_checks++;
	if (!got || !want ? got != want : strcmp(got, want) != 0)
		fail(where, field, "got \"%s\", want \"%s\"",
		     got ? got : "(null)", want ? want : "(null)");
}

static void expect_u64(const char *where, const char *field, uint64_t got,
		       uint64_t want)
{
	test_checks++;
	if (got != want)
		fail(where, field, "got %" PRIu64 " (0x%" PRIx64 "), want %"
		     PRIu64 " (0x%" PRIx64 ")", got, got, want, want);
}

static void expect_int(const char *where, const char *field, int got,
		       int want)
{
	test_checks++;
	if (got != want)
		fail(where, field, "got %d, want %d", got, want);
}

static void expect_contains(const char *where, const char *field,
			    const char *got, const char *needle)
{
	test_checks++;
	if (!got || !strstr(got, needle))
		fail(where, field, "\"%s\" does not contain \"%s\"",
		     got ? got : "(null)", needle);
}

/*
 * Debug logging on, so every message's formatting runs (and is checked by
 * the sanitizers), but printed only when DAXMAP_TEST_VERBOSE is set.
 */
__attribute__((format(printf, 6, 0)))
static void log_quiet(struct daxmap_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, const char *format,
		      va_list args)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), format, args);
	if (getenv("DAXMAP_TEST_VERBOSE"))
		fprintf(stderr, "# %s: %s", fn, buf);
}

static struct daxmap_ctx *new_ctx(const char *where, const char *root)
{
	struct daxmap_ctx *ctx = NULL;
	int r;

	r = daxmap_new(&ctx);
	expect_int(where, "daxmap_new", r, 0);
	if (r < 0)
		exit(1);
	daxmap_set_log_fn(ctx, log_quiet);
	daxmap_set_log_priority(ctx, LOG_DEBUG);
	r = daxmap_set_root(ctx, root);
	expect_int(where, "daxmap_set_root", r, 0);
	if (r < 0)
		exit(1);
	return ctx;
}

/* --------------------------------------------------------- fixture trees */

struct fixture {
	const char *name;
	const char *release;
	unsigned int version_code;
	const char *machine;
	unsigned long page_size;	/* 0: this host's, nothing says */
	const char *config_path;
	enum daxmap_tristate sparsemem_vmemmap;
	enum daxmap_tristate dedup;
	const char *reason[3];		/* substrings of the reason */
	bool counter;
	enum daxmap_counter counting;
	int memmap_r;
	uint64_t memmap_pages;
	unsigned int patches;		/* DAXMAP_PATCH_* */
	const char *patches_json;	/* the kernel object's "patches" */
	uint64_t kept_pages;		/* model's; 0: the default */
	bool shared_ptes;		/* model's dedup_shared_ptes */
};

#define BOTH_PATCHES (DAXMAP_PATCH_MEMMAP_EXACT | DAXMAP_PATCH_DAX_MEMMAP)

static const struct fixture fixtures[] = {
	{
		/* The sublevel is only in /proc/version; no counter. */
		.name = "debian-6.1",
		.release = "6.1.0-47-amd64",
		.version_code = KV(6, 1, 192),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.1.0-47-amd64",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.1.192 on x86_64 with SPARSEMEM_VMEMMAP",
			    "map=mem only" },
		.counter = false,
		.counting = DAXMAP_COUNTER_NONE,
		.memmap_r = -ENOENT,
		.patches_json = "[]",
	},
	{
		.name = "debian-6.12.95",
		.release = "6.12.95+deb12-amd64",
		.version_code = KV(6, 12, 95),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.12.95+deb12-amd64",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.12.95 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_NOMINAL,
		.memmap_pages = 262144,
		.patches_json = "[]",
	},
	{
		.name = "debian-6.12.117",
		.release = "6.12.117+deb12-amd64",
		.version_code = KV(6, 12, 117),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.12.117+deb12-amd64",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.12.117 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_DEDUP_DATA,
		.memmap_pages = 65536,
		.patches_json = "[]",
	},
	{
		/* Ubuntu 22.04: no sublevel anywhere, no kernel.arch yet. */
		.name = "old-5.15",
		.release = "5.15.0-91-generic",
		.version_code = KV(5, 15, 0),
		.machine = "unknown",
		.page_size = 0,
		.config_path = "/boot/config-5.15.0-91-generic",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_NO,
		.reason = { "kernel 5.15 is older than 5.19" },
		.counter = false,
		.counting = DAXMAP_COUNTER_NONE,
		.memmap_r = -ENOENT,
		.patches_json = "[]",
	},
	{
		.name = "arm64-6.12",
		.release = "6.12.117+deb12-arm64",
		.version_code = KV(6, 12, 117),
		.machine = "aarch64",
		.page_size = 4096,
		.config_path = "/boot/config-6.12.117+deb12-arm64",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_NO,
		.reason = { "aarch64 does not opt in",
			    "/boot/config-6.12.117+deb12-arm64",
			    "lacks CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP" },
		.counter = true,
		.counting = DAXMAP_COUNTER_DEDUP_DATA,
		.memmap_pages = 0,
		.patches_json = "[]",
	},
	{
		.name = "no-config-x86_64",
		.release = "6.12.117+deb12-amd64",
		.version_code = KV(6, 12, 117),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = NULL,
		.sparsemem_vmemmap = DAXMAP_UNKNOWN,
		.dedup = DAXMAP_YES,
		.reason = { "kernel config not readable at "
			    "/boot/config-6.12.117+deb12-amd64",
			    "assuming x86_64 rules",
			    "always has SPARSEMEM_VMEMMAP" },
		.counter = true,
		.counting = DAXMAP_COUNTER_DEDUP_DATA,
		.memmap_pages = 65536,
		.patches_json = "[]",
	},
	{
		/* Dedup happens, but with 64 KiB pages the figures differ. */
		.name = "ppc64le-6.12-radix",
		.release = "6.12.117+deb12-powerpc64le",
		.version_code = KV(6, 12, 117),
		.machine = "ppc64le",
		.page_size = 65536,
		.config_path = "/boot/config-6.12.117+deb12-powerpc64le",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_UNKNOWN,
		.reason = { "deduplicates", "64 KiB pages",
			    "made for 4 KiB pages" },
		.counter = true,
		.counting = DAXMAP_COUNTER_DEDUP_DATA,
		.memmap_pages = 0,
		.patches_json = "[]",
	},
	{
		.name = "ppc64le-6.12-hash",
		.release = "6.12.117+deb12-powerpc64le",
		.version_code = KV(6, 12, 117),
		.machine = "ppc64le",
		.page_size = 65536,
		.config_path = "/boot/config-6.12.117+deb12-powerpc64le",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_NO,
		.reason = { "hash MMU", "only with the radix MMU" },
		.counter = true,
		.counting = DAXMAP_COUNTER_DEDUP_DATA,
		.memmap_pages = 0,
		.patches_json = "[]",
	},
	{
		/* gcc's "Debian 14.2.0" must not be taken for the kernel's. */
		.name = "custom-6.18",
		.release = "6.18.2-custom",
		.version_code = KV(6, 18, 2),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.18.2-custom",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.18.2 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_UNKNOWN,
		.memmap_pages = 2048,
		.patches_json = "[]",
	},
	{
		.name = "no-version",
		.release = "linux-lts",
		.version_code = 0,
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = NULL,
		.sparsemem_vmemmap = DAXMAP_UNKNOWN,
		.dedup = DAXMAP_UNKNOWN,
		.reason = { "\"linux-lts\" does not name an upstream version" },
		.counter = true,
		.counting = DAXMAP_COUNTER_UNKNOWN,
		.memmap_pages = 0,
		.patches_json = "[]",
	},
	{
		/* Counts exactly, and says so with nr_memmap_pgtable_pages. */
		.name = "patched-6.12",
		.release = "6.12.117-daxmap",
		.version_code = KV(6, 12, 117),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.12.117-daxmap",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.12.117 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_EXACT,
		.memmap_pages = 33280,
		.patches = BOTH_PATCHES | DAXMAP_PATCH_HEAD_REUSE,
		.patches_json =
			"[\"memmap-exact\", \"dax-memmap\", \"head-reuse\"]",
		/* Head-page reuse: one vmemmap page per compound page. */
		.kept_pages = 1,
	},
	{
		/* And patch 6: the PTE tables of compound tails shared. */
		.name = "patched-6.12-pte-share",
		.release = "6.12.117-daxmap",
		.version_code = KV(6, 12, 117),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.12.117-daxmap",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.12.117 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_EXACT,
		.memmap_pages = 33280,
		.patches = BOTH_PATCHES | DAXMAP_PATCH_HEAD_REUSE |
			   DAXMAP_PATCH_PTE_SHARE,
		.patches_json = "[\"memmap-exact\", \"dax-memmap\", "
				"\"head-reuse\", \"pte-share\"]",
		.kept_pages = 1,
		.shared_ptes = true,
	},
	{
		/*
		 * Built with head-page reuse, turned off at boot: PTE-table
		 * sharing, in its config too, is off with it.
		 */
		.name = "patched-6.12-no-reuse",
		.release = "6.12.117-daxmap",
		.version_code = KV(6, 12, 117),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.12.117-daxmap",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.12.117 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_EXACT,
		.memmap_pages = 33280,
		.patches = BOTH_PATCHES,
		.patches_json = "[\"memmap-exact\", \"dax-memmap\"]",
	},
	{
		/* Exact on a release whose counter would be unknown. */
		.name = "patched-6.1",
		.release = "6.1.192-daxmap",
		.version_code = KV(6, 1, 192),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.1.192-daxmap",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.1.192 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_EXACT,
		.memmap_pages = 640,
		.patches = DAXMAP_PATCH_MEMMAP_EXACT,
		.patches_json = "[\"memmap-exact\"]",
	},
	{
		/*
		 * 6.1's series in full (patch 7 shares the PTE tables):
		 * detected as on 6.12, by the same Kconfig symbols, though
		 * 6.1 has no ARCH_WANT_OPTIMIZE_DAX_VMEMMAP.
		 */
		.name = "patched-6.1-pte-share",
		.release = "6.1.192-daxmap",
		.version_code = KV(6, 1, 192),
		.machine = "x86_64",
		.page_size = 4096,
		.config_path = "/boot/config-6.1.192-daxmap",
		.sparsemem_vmemmap = DAXMAP_YES,
		.dedup = DAXMAP_YES,
		.reason = { "kernel 6.1.192 on x86_64" },
		.counter = true,
		.counting = DAXMAP_COUNTER_EXACT,
		.memmap_pages = 33280,
		.patches = BOTH_PATCHES | DAXMAP_PATCH_HEAD_REUSE |
			   DAXMAP_PATCH_PTE_SHARE,
		.patches_json = "[\"memmap-exact\", \"dax-memmap\", "
				"\"head-reuse\", \"pte-share\"]",
		.kept_pages = 1,
		.shared_ptes = true,
	},
};

/* The kernel object's "patches", as daxmapctl kernel --json shows it. */
static void check_patches_json(const struct fixture *f,
			       struct daxmap_kernel *k)
{
	struct json_object *root = NULL, *kernel = NULL, *got = NULL;
	struct json_object *want = json_tokener_parse(f->patches_json);
	char *text = NULL;

	expect_int(f->name, "daxmap_kernel_to_json",
		   daxmap_kernel_to_json(k, 0, &text), 0);
	if (text)
		root = json_tokener_parse(text);
	test_checks++;
	if (!root || !json_object_object_get_ex(root, "kernel", &kernel) ||
	    !json_object_object_get_ex(kernel, "patches", &got) ||
	    !json_object_equal(got, want))
		fail(f->name, "kernel.patches", "got %s, want %s",
		     got ? json_object_to_json_string(got) : "nothing",
		     f->patches_json);
	json_object_put(root);
	json_object_put(want);
	free(text);
}

static void check_fixture(const struct fixture *f)
{
	struct daxmap_model m, defaults;
	struct daxmap_kernel *k = NULL;
	struct daxmap_ctx *ctx;
	char root[4096];
	uint64_t pages = UINT64_C(0xdeadbeef);
	unsigned long page_size;
	size_t i;
	int r;

	snprintf(root, sizeof(root), "%s/kernel/%s", FIXTURE_DIR, f->name);
	ctx = new_ctx(f->name, root);
	r = daxmap_kernel_probe(ctx, &k);
	expect_int(f->name, "daxmap_kernel_probe", r, 0);
	if (r < 0) {
		daxmap_unref(ctx);
		return;
	}

	expect_str(f->name, "release", daxmap_kernel_get_release(k),
		   f->release);
	expect_u64(f->name, "version_code", daxmap_kernel_get_version_code(k),
		   f->version_code);
	expect_str(f->name, "machine", daxmap_kernel_get_machine(k),
		   f->machine);
	page_size = f->page_size ? f->page_size :
				   (unsigned long)sysconf(_SC_PAGESIZE);
	expect_u64(f->name, "page_size", daxmap_kernel_get_page_size(k),
		   page_size);
	expect_str(f->name, "config_path", daxmap_kernel_get_config_path(k),
		   f->config_path);
	expect_str(f->name, "sparsemem_vmemmap",
		   daxmap_tristate_name(daxmap_kernel_get_sparsemem_vmemmap(k)),
		   daxmap_tristate_name(f->sparsemem_vmemmap));
	expect_str(f->name, "vmemmap_dedup",
		   daxmap_tristate_name(daxmap_kernel_get_vmemmap_dedup(k)),
		   daxmap_tristate_name(f->dedup));
	for (i = 0; i < ARRAY_SIZE(f->reason) && f->reason[i]; i++)
		expect_contains(f->name, "vmemmap_dedup_reason",
				daxmap_kernel_get_vmemmap_dedup_reason(k),
				f->reason[i]);
	/* A reason is one sentence: no line breaks, no trailing period. */
	expect_int(f->name, "reason has no newline",
		   strchr(daxmap_kernel_get_vmemmap_dedup_reason(k), '\n') !=
			   NULL,
		   0);
	expect_int(f->name, "has_memmap_counter",
		   daxmap_kernel_has_memmap_counter(k), f->counter);
	expect_str(f->name, "memmap_counting",
		   daxmap_counter_name(daxmap_kernel_get_memmap_counting(k)),
		   daxmap_counter_name(f->counting));

	expect_u64(f->name, "patches", daxmap_kernel_get_patches(k),
		   f->patches);
	check_patches_json(f, k);

	r = daxmap_kernel_read_memmap_pages(k, &pages);
	expect_int(f->name, "read_memmap_pages", r, f->memmap_r);
	expect_u64(f->name, "memmap pages", pages,
		   r == 0 ? f->memmap_pages : UINT64_C(0xdeadbeef));

	/* The model is the defaults with this kernel's page size and dedup. */
	daxmap_model_init(&defaults);
	memset(&m, 0xa5, sizeof(m));
	daxmap_kernel_get_model(k, &m);
	expect_u64(f->name, "model page_size", m.page_size, page_size);
	expect_int(f->name, "model dedup", m.dedup, f->dedup == DAXMAP_YES);
	expect_u64(f->name, "model struct_page_size", m.struct_page_size,
		   defaults.struct_page_size);
	expect_u64(f->name, "model ptes_per_page", m.ptes_per_page,
		   defaults.ptes_per_page);
	expect_u64(f->name, "model dedup_kept_pages", m.dedup_kept_pages,
		   f->kept_pages ? f->kept_pages : defaults.dedup_kept_pages);
	expect_int(f->name, "model dedup_shared_ptes", m.dedup_shared_ptes,
		   f->shared_ptes);

	daxmap_kernel_unref(k);
	daxmap_unref(ctx);
}

/*
 * The kernel object keeps its context: counters still read below the root
 * after the caller has dropped its own reference.
 */
static void check_refcounts(void)
{
	const char *where = "refcounts";
	struct daxmap_kernel *k = NULL;
	struct daxmap_ctx *ctx;
	uint64_t pages = 0;
	int r;

	ctx = new_ctx(where, FIXTURE_DIR "/kernel/debian-6.12.95");
	r = daxmap_kernel_probe(ctx, &k);
	expect_int(where, "probe", r, 0);
	daxmap_unref(ctx);
	if (r < 0)
		return;

	test_checks++;
	if (daxmap_kernel_ref(k) != k)
		fail(where, "ref", "returned another pointer");
	test_checks++;
	if (daxmap_kernel_unref(k) != NULL)
		fail(where, "unref", "did not return NULL");

	r = daxmap_kernel_read_memmap_pages(k, &pages);
	expect_int(where, "read_memmap_pages after ctx unref", r, 0);
	expect_u64(where, "memmap pages", pages, 262144);

	daxmap_kernel_unref(k);
	test_checks++;
	if (daxmap_kernel_ref(NULL) || daxmap_kernel_unref(NULL))
		fail(where, "NULL", "ref/unref(NULL) did not return NULL");
}

/* A root without /proc/sys/kernel/osrelease is no kernel tree. */
static void check_missing_tree(void)
{
	const char *where = "missing tree";
	struct daxmap_kernel *k = (struct daxmap_kernel *)&k;
	struct daxmap_ctx *ctx;
	int r;

	ctx = new_ctx(where, FIXTURE_DIR "/kernel");
	r = daxmap_kernel_probe(ctx, &k);
	expect_int(where, "probe", r, -ENOENT);
	test_checks++;
	if (k != (struct daxmap_kernel *)&k)
		fail(where, "ret", "written on failure");
	daxmap_unref(ctx);
}

/* ------------------------------------------------------- release parsing */

#define DEB61_VERSION                                                          \
	"Linux version 6.1.0-47-amd64 (debian-kernel@lists.debian.org) "      \
	"(gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils "    \
	"for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 "          \
	"(2026-03-14)"
#define DEB612_VERSION                                                         \
	"Linux version 6.12.117+deb12-amd64 (debian-kernel@lists.debian.org) " \
	"(x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld " \
	"(GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian "      \
	"6.12.117-1~deb12u1 (2026-03-20)"

static void check_parse_version_code(void)
{
	static const struct {
		const char *release;
		const char *proc_version;
		unsigned int want;
	} cases[] = {
		/* Debian 6.1: the sublevel is only in /proc/version. */
		{ "6.1.0-47-amd64", DEB61_VERSION, KV(6, 1, 192) },
		{ "6.1.0-47-amd64", NULL, KV(6, 1, 0) },
		{ "6.1.0-47-amd64", "", KV(6, 1, 0) },
		{ "6.1.0-47-amd64", "Linux version 6.1.0-47-amd64 #1 SMP",
		  KV(6, 1, 0) },
		/* Debian 6.12: in both. */
		{ "6.12.117+deb12-amd64", DEB612_VERSION, KV(6, 12, 117) },
		{ "6.12.117+deb12-amd64", NULL, KV(6, 12, 117) },
		{ "6.12.95+deb12-amd64", NULL, KV(6, 12, 95) },
		/* The last "Debian X.Y.Z" that matches the release wins. */
		{ "6.1.0-47-amd64",
		  "gcc (Debian 12.2.0-14) #1 SMP Debian 6.1.192-2 "
		  "Debian 6.1.193-1",
		  KV(6, 1, 193) },
		{ "6.12.117+deb12-amd64", "#1 SMP Debian 6.1.192-2",
		  KV(6, 12, 117) },
		{ "6.18.2-custom", "(gcc (Debian 14.2.0-19) 14.2.0) #3 SMP",
		  KV(6, 18, 2) },
		{ "12.2.0", "(gcc (Debian 12.2.0-19) 12.2.0) #3 SMP",
		  KV(12, 2, 0) },
		/* "Debian X.Y" without a sublevel is not a kernel package. */
		{ "6.1.0-47-amd64", "#1 SMP Debian 6.1-2", KV(6, 1, 0) },
		{ "6.1.0-47-amd64", "#1 SMP Debian 6.1.x", KV(6, 1, 0) },
		{ "6.1.0-47-amd64", "#1 SMP Debian", KV(6, 1, 0) },
		{ "6.1.0-47-amd64", "Debian ", KV(6, 1, 0) },
		/* Releases on their own. */
		{ "5.15.0-91-generic", NULL, KV(5, 15, 0) },
		{ "6.12", NULL, KV(6, 12, 0) },
		{ "6.12-rc3", NULL, KV(6, 12, 0) },
		{ "6.12.", NULL, KV(6, 12, 0) },
		{ "6.12.0", NULL, KV(6, 12, 0) },
		{ "6.12.100", NULL, KV(6, 12, 100) },
		{ "6.12.101", NULL, KV(6, 12, 101) },
		{ "4.19.0-27-amd64", NULL, KV(4, 19, 0) },
		{ "3.10.0-1160.el7.x86_64", NULL, KV(3, 10, 0) },
		/* The sublevel is clamped, as KERNEL_VERSION() does. */
		{ "6.12.255", NULL, KV(6, 12, 255) },
		{ "6.12.256", NULL, KV(6, 12, 255) },
		{ "4.9.337", NULL, KV(4, 9, 255) },
		{ "6.12.99999999999999999999", NULL, KV(6, 12, 255) },
		{ "6.1.0-47-amd64", "Debian 6.1.99999999999999-1",
		  KV(6, 1, 255) },
		/* Garbage. */
		{ NULL, DEB61_VERSION, 0 },
		{ "", NULL, 0 },
		{ "", DEB61_VERSION, 0 },
		{ "linux", NULL, 0 },
		{ "linux-lts", DEB61_VERSION, 0 },
		{ "6", NULL, 0 },
		{ "6.", NULL, 0 },
		{ "6.x", NULL, 0 },
		{ "6-1", NULL, 0 },
		{ ".1.2", NULL, 0 },
		{ "v6.1", NULL, 0 },
		{ "-6.1", NULL, 0 },
		{ "+6.1", NULL, 0 },
		{ " 6.1", NULL, 0 },
		{ "256.1.1", NULL, 0 },
		{ "6.256.1", NULL, 0 },
		{ "99999999999999999999.1.1", NULL, 0 },
		{ "6.99999999999999999999.1", NULL, 0 },
	};
	char where[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(where, sizeof(where),
			 "daxmap_parse_version_code(\"%s\", \"%s\")",
			 cases[i].release ? cases[i].release : "(null)",
			 cases[i].proc_version ? cases[i].proc_version :
						 "(null)");
		expect_u64(where, "version code",
			   daxmap_parse_version_code(cases[i].release,
						     cases[i].proc_version),
			   cases[i].want);
	}
}

static void check_counter_rule(void)
{
	static const struct {
		unsigned int version_code;
		bool present;
		bool exact_patch;	/* nr_memmap_altmap_pages is there */
		enum daxmap_counter want;
	} cases[] = {
		/* No counter, whatever the version. */
		{ 0, false, false, DAXMAP_COUNTER_NONE },
		{ KV(5, 15, 0), false, false, DAXMAP_COUNTER_NONE },
		{ KV(6, 1, 192), false, false, DAXMAP_COUNTER_NONE },
		{ KV(6, 10, 14), false, false, DAXMAP_COUNTER_NONE },
		{ KV(6, 11, 0), false, false, DAXMAP_COUNTER_NONE },
		{ KV(6, 12, 117), false, false, DAXMAP_COUNTER_NONE },
		{ KV(6, 18, 2), false, false, DAXMAP_COUNTER_NONE },
		/* A counter on a kernel that never had one: a backport. */
		{ 0, true, false, DAXMAP_COUNTER_UNKNOWN },
		{ KV(6, 1, 192), true, false, DAXMAP_COUNTER_UNKNOWN },
		{ KV(6, 10, 0), true, false, DAXMAP_COUNTER_UNKNOWN },
		{ KV(6, 10, 255), true, false, DAXMAP_COUNTER_UNKNOWN },
		/* Nominal from 6.11 to 6.12.100. */
		{ KV(6, 11, 0), true, false, DAXMAP_COUNTER_NOMINAL },
		{ KV(6, 11, 11), true, false, DAXMAP_COUNTER_NOMINAL },
		{ KV(6, 11, 255), true, false, DAXMAP_COUNTER_NOMINAL },
		{ KV(6, 12, 0), true, false, DAXMAP_COUNTER_NOMINAL },
		{ KV(6, 12, 95), true, false, DAXMAP_COUNTER_NOMINAL },
		{ KV(6, 12, 100), true, false, DAXMAP_COUNTER_NOMINAL },
		/* Deduplicated data pages from 6.12.101 on 6.12.y. */
		{ KV(6, 12, 101), true, false, DAXMAP_COUNTER_DEDUP_DATA },
		{ KV(6, 12, 117), true, false, DAXMAP_COUNTER_DEDUP_DATA },
		{ KV(6, 12, 255), true, false, DAXMAP_COUNTER_DEDUP_DATA },
		/* Not verified past 6.12.y. */
		{ KV(6, 13, 0), true, false, DAXMAP_COUNTER_UNKNOWN },
		{ KV(6, 17, 9), true, false, DAXMAP_COUNTER_UNKNOWN },
		{ KV(6, 18, 2), true, false, DAXMAP_COUNTER_UNKNOWN },
		{ KV(7, 0, 0), true, false, DAXMAP_COUNTER_UNKNOWN },
		/* daxmap's memmap-exact patch, whatever the release. */
		{ 0, true, true, DAXMAP_COUNTER_EXACT },
		{ KV(6, 1, 192), true, true, DAXMAP_COUNTER_EXACT },
		{ KV(6, 12, 95), true, true, DAXMAP_COUNTER_EXACT },
		{ KV(6, 12, 117), true, true, DAXMAP_COUNTER_EXACT },
		{ KV(6, 18, 2), true, true, DAXMAP_COUNTER_EXACT },
		/* ...but with no nr_memmap_pages there is nothing to count. */
		{ KV(6, 12, 117), false, true, DAXMAP_COUNTER_NONE },
	};
	char where[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int v = cases[i].version_code;

		snprintf(where, sizeof(where),
			 "daxmap_counter_rule(%u.%u.%u, %s, %s)", v >> 16,
			 (v >> 8) & 0xff, v & 0xff,
			 cases[i].present ? "present" : "absent",
			 cases[i].exact_patch ? "patched" : "stock");
		expect_str(where, "counting",
			   daxmap_counter_name(daxmap_counter_rule(
				   v, cases[i].present, cases[i].exact_patch)),
			   daxmap_counter_name(cases[i].want));
	}
}

static void check_patch_names(void)
{
	const char *where = "daxmap_kernel_patch_name";

	expect_str(where, "memmap-exact",
		   daxmap_kernel_patch_name(DAXMAP_PATCH_MEMMAP_EXACT),
		   "memmap-exact");
	expect_str(where, "dax-memmap",
		   daxmap_kernel_patch_name(DAXMAP_PATCH_DAX_MEMMAP),
		   "dax-memmap");
	/* A mask of both, or a bit no patch has, names no one patch. */
	expect_str(where, "both", daxmap_kernel_patch_name(BOTH_PATCHES),
		   NULL);
	expect_str(where, "head-reuse",
		   daxmap_kernel_patch_name(DAXMAP_PATCH_HEAD_REUSE),
		   "head-reuse");
	expect_str(where, "pte-share",
		   daxmap_kernel_patch_name(DAXMAP_PATCH_PTE_SHARE),
		   "pte-share");
	expect_str(where, "1 << 4",
		   daxmap_kernel_patch_name((enum daxmap_kernel_patch)(1 << 4)),
		   NULL);
	expect_str(where, "0",
		   daxmap_kernel_patch_name((enum daxmap_kernel_patch)0), NULL);
	expect_str("daxmap_counter_name", "exact",
		   daxmap_counter_name(DAXMAP_COUNTER_EXACT), "exact");
}

/*
 * The dax-memmap attributes of the patched tree, read as a topology scan
 * reads them for its kernel figure; a stock tree has none.
 */
static void check_read_dax_memmap(void)
{
	static const struct {
		const char *tree;
		const char *dev;
		int r;
		struct daxmap_dax_memmap want;
	} cases[] = {
		/*
		 * 64 GiB at 2 MiB, map=mem, with head-page reuse as the
		 * tree's config says: 128 MiB + 512 PTE pages.
		 */
		{ "patched-6.12", "dax0.0", 0, { 136314880, 2097152, 0 } },
		/* 16 GiB, map=dev: the memmap is on the device. */
		{ "patched-6.12", "dax1.0", 0, { 0, 0, 268435456 } },
		{ "patched-6.12", "dax9.9", -ENOENT, { 0 } },
		{ "debian-6.12.117", "dax0.0", -ENOENT, { 0 } },
	};
	struct daxmap_dax_memmap got;
	char where[128], root[4096];
	struct daxmap_ctx *ctx;
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(where, sizeof(where), "daxmap_read_dax_memmap(%s, %s)",
			 cases[i].tree, cases[i].dev);
		snprintf(root, sizeof(root), "%s/kernel/%s", FIXTURE_DIR,
			 cases[i].tree);
		ctx = new_ctx(where, root);
		memset(&got, 0xa5, sizeof(got));
		r = daxmap_read_dax_memmap(ctx, cases[i].dev, &got);
		expect_int(where, "return", r, cases[i].r);
		if (r == 0) {
			expect_u64(where, "ram_bytes", got.ram_bytes,
				   cases[i].want.ram_bytes);
			expect_u64(where, "pagetable_bytes",
				   got.pagetable_bytes,
				   cases[i].want.pagetable_bytes);
			expect_u64(where, "device_bytes", got.device_bytes,
				   cases[i].want.device_bytes);
		}
		daxmap_unref(ctx);
	}
}

int main(void)
{
	size_t i;

	check_parse_version_code();
	check_counter_rule();
	check_patch_names();
	check_read_dax_memmap();
	for (i = 0; i < ARRAY_SIZE(fixtures); i++)
		check_fixture(&fixtures[i]);
	check_refcounts();
	check_missing_tree();

	return test_summary("kernel-detect");
}
