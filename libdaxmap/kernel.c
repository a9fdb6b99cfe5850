// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the running kernel does with the memmap of a device-DAX namespace:
 * its upstream version, whether it deduplicates the vmemmap of compound
 * devmaps, how its nr_memmap_pages counter counts them, and which of
 * daxmap's own kernel patches it carries. Every file is read below the
 * context's root, so the rules run against captured trees.
 *
 * Over 700 lines and one concern, what this kernel does with the memmap:
 * the release rules, the config readers and the counters all answer that
 * question for one kernel handle, and most of the length is the comments
 * that say which upstream commit each rule follows.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "private.h"

#define KV DAXMAP_VERSION_CODE

#define DAX_DEVICES "/sys/bus/dax/devices"

/* The kernel that added compound devmap vmemmap dedup (DESIGN.md). */
#define KV_DEDUP KV(5, 19, 0)
/*
 * From 6.5 on an architecture opts in to dedup for device-DAX with
 * CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP. Before that the generic code did
 * it on every architecture (5.19), then only on those that wanted HugeTLB's
 * vmemmap optimisation (6.4, and 6.3.y), after it crashed powerpc's hash
 * MMU: on anything but x86_64 an older kernel's rule is not knowable from
 * its version and config alone.
 */
#define KV_DAX_OPT_IN KV(6, 5, 0)

struct daxmap_kernel {
	int refcount;
	/* Referenced, so that counters can be read again below its root. */
	struct daxmap_ctx *ctx;
	char *release;
	char *machine;
	unsigned int version_code;
	unsigned long page_size;
	char *config_path;
	enum daxmap_tristate sparsemem_vmemmap;
	enum daxmap_tristate vmemmap_dedup;
	char *dedup_reason;
	bool memmap_counter;
	enum daxmap_counter memmap_counting;
	unsigned int patches;		/* DAXMAP_PATCH_* */
	/*
	 * memmap-exact v2 keeps nr_memmap_pages as upstream counts it and
	 * adds what it leaves out and what it should not count as RAM.
	 */
	bool memmap_split;
	/*
	 * A kernel read back from a status document describes another
	 * moment, maybe another host: its counter is the document's figure,
	 * never this host's /proc.
	 */
	bool snapshot;
	bool has_snapshot_pages;
	uint64_t snapshot_pages;
};

static inline void kernel_unrefp(struct daxmap_kernel **k)
{
	daxmap_kernel_unref(*k);
}
#define _cleanup_kernel_ _cleanup_(kernel_unrefp)

/* ------------------------------------------------------- version parsing */

/*
 * Reads a decimal number at @s. Values past a million are kept at a million:
 * they only have to compare as too large for a version field.
 */
static const char *parse_number(const char *s, unsigned long *ret)
{
	unsigned long v = 0;

	if (!isdigit((unsigned char)*s))
		return NULL;
	for (; isdigit((unsigned char)*s); s++)
		if (v < 1000000)
			v = v * 10 + (unsigned long)(*s - '0');
	*ret = v;
	return s;
}

/*
 * Parses "X.Y" or "X.Y.Z" at the start of @s into a version code; the
 * sublevel is clamped to 255 as the kernel's KERNEL_VERSION() does. 0 when
 * @s does not start with a version, or when @need_sublevel and it has none.
 */
static unsigned int parse_version(const char *s, bool need_sublevel)
{
	unsigned long major, minor, sublevel = 0;

	s = parse_number(s, &major);
	if (!s || *s != '.')
		return 0;
	s = parse_number(s + 1, &minor);
	if (!s)
		return 0;
	if (*s == '.' && isdigit((unsigned char)s[1]))
		parse_number(s + 1, &sublevel);
	else if (need_sublevel)
		return 0;
	if (major > 255 || minor > 255)
		return 0;
	if (sublevel > 255)
		sublevel = 255;
	return KV((unsigned int)major, (unsigned int)minor,
		  (unsigned int)sublevel);
}

/*
 * Debian names its 6.1 kernels "6.1.0-N-amd64" whatever the upstream
 * sublevel; only /proc/version ("... #1 SMP PREEMPT_DYNAMIC Debian
 * 6.1.192-2 (...)") has it. The same line names the compiler first
 * ("gcc-12 (Debian 12.2.0-14+deb12u1)"), and a kernel built elsewhere with
 * Debian's compiler has only that one, so the last "Debian X.Y.Z" counts,
 * and only when it agrees with the release on X.Y.
 */
unsigned int daxmap_parse_version_code(const char *release,
				       const char *proc_version)
{
	unsigned int from_release, from_debian = 0;
	const char *p;

	if (!release)
		return 0;
	from_release = parse_version(release, false);
	if (!from_release)
		return 0;

	for (p = proc_version; p && (p = strstr(p, "Debian ")); p++) {
		unsigned int v = parse_version(p + strlen("Debian "), true);

		if (v && (v >> 8) == (from_release >> 8))
			from_debian = v;
	}
	return from_debian ? from_debian : from_release;
}

/*
 * How nr_memmap_pages (6.11) counts a compound devmap:
 * - up to 6.12.100 at nominal size, every struct page, dedup ignored;
 * - from 6.12.101 on the 6.12.y branch the deduplicated data pages, but
 *   never the page-table pages of the deduplicated vmemmap, and map=dev
 *   memmap (on the device) as if it were RAM.
 * The change reached 6.12.y as a stable backport. Which mainline release
 * carries it has not been verified, so 6.13 and later are unknown rather
 * than guessed either way; so is a counter on a kernel older than 6.11,
 * which can only be a distribution's backport with its own history.
 *
 * daxmap's memmap-exact patch (@exact_patch) gives the RAM really used, on
 * whatever release it was applied to. Its first version made
 * nr_memmap_pages that figure and added nr_memmap_altmap_pages; the
 * second keeps nr_memmap_pages as upstream counts it and adds
 * nr_memmap_pgtable_pages and nr_memmap_device_pages, from which the RAM
 * is worked out (daxmap_kernel_read_memmap_pages()). Without
 * nr_memmap_pages there is still nothing to count with.
 */
enum daxmap_counter daxmap_counter_rule(unsigned int version_code,
					bool counter_present, bool exact_patch)
{
	if (!counter_present)
		return DAXMAP_COUNTER_NONE;
	if (exact_patch)
		return DAXMAP_COUNTER_EXACT;
	if (!version_code || version_code < KV(6, 11, 0))
		return DAXMAP_COUNTER_UNKNOWN;
	if (version_code < KV(6, 12, 101))
		return DAXMAP_COUNTER_NOMINAL;
	if (version_code < KV(6, 13, 0))
		return DAXMAP_COUNTER_DEDUP_DATA;
	return DAXMAP_COUNTER_UNKNOWN;
}

/* "6.12.117", or "6.1" when the sublevel is 0 (or was never known). */
static void format_version(unsigned int code, char *buf, size_t size)
{
	if (code & 0xff)
		snprintf(buf, size, "%u.%u.%u", code >> 16, (code >> 8) & 0xff,
			 code & 0xff);
	else
		snprintf(buf, size, "%u.%u", code >> 16, (code >> 8) & 0xff);
}

/* ---------------------------------------------------------- kernel config */

enum kconfig_opt {
	KCONFIG_SPARSEMEM_VMEMMAP,
	KCONFIG_ZONE_DEVICE,
	KCONFIG_DEV_DAX,
	KCONFIG_DAX_VMEMMAP,
	KCONFIG_DAX_HEAD_REUSE,
	KCONFIG_DAX_SHARE_PTE_TABLES,
	KCONFIG_NR,
};

static const char *const kconfig_names[KCONFIG_NR] = {
	[KCONFIG_SPARSEMEM_VMEMMAP] = "CONFIG_SPARSEMEM_VMEMMAP",
	[KCONFIG_ZONE_DEVICE] = "CONFIG_ZONE_DEVICE",
	[KCONFIG_DEV_DAX] = "CONFIG_DEV_DAX",
	[KCONFIG_DAX_VMEMMAP] = "CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP",
	/* daxmap's head-reuse patch; no stock kernel has the option. */
	[KCONFIG_DAX_HEAD_REUSE] = "CONFIG_DAX_VMEMMAP_HEAD_REUSE",
	/* Its PTE-table sharing (patch 6), on only with head-page reuse. */
	[KCONFIG_DAX_SHARE_PTE_TABLES] = "CONFIG_DAX_VMEMMAP_SHARE_PTE_TABLES",
};

/*
 * Base page size options: the generic ones every architecture has had
 * since 6.9, and the older per-architecture choices.
 */
static const struct {
	const char *name;
	unsigned long size;
} kconfig_page_sizes[] = {
	{ "CONFIG_PAGE_SIZE_4KB", 4096 },
	{ "CONFIG_PAGE_SIZE_16KB", 16384 },
	{ "CONFIG_PAGE_SIZE_64KB", 65536 },
	{ "CONFIG_ARM64_4K_PAGES", 4096 },
	{ "CONFIG_ARM64_16K_PAGES", 16384 },
	{ "CONFIG_ARM64_64K_PAGES", 65536 },
	{ "CONFIG_PPC_4K_PAGES", 4096 },
	{ "CONFIG_PPC_64K_PAGES", 65536 },
};

struct kconfig {
	bool readable;
	char value[KCONFIG_NR];		/* 'y', 'm', or 0 when not set */
	unsigned long page_size;	/* 0 when the config does not say */
};

static bool kconfig_set(const struct kconfig *kc, enum kconfig_opt opt)
{
	return kc->value[opt] == 'y' || kc->value[opt] == 'm';
}

/* Does @line set @name, as "CONFIG_NAME=value"? Returns the value. */
static const char *kconfig_match(const char *line, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(line, name, len) != 0 || line[len] != '=')
		return NULL;
	return line + len + 1;
}

static void kconfig_parse_line(struct kconfig *kc, const char *line)
{
	const char *v;
	size_t i;

	/* "# CONFIG_FOO is not set" leaves the option unset. */
	if (strncmp(line, "CONFIG_", strlen("CONFIG_")) != 0)
		return;
	for (i = 0; i < KCONFIG_NR; i++) {
		v = kconfig_match(line, kconfig_names[i]);
		if (v && (*v == 'y' || *v == 'm')) {
			kc->value[i] = *v;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(kconfig_page_sizes); i++) {
		v = kconfig_match(line, kconfig_page_sizes[i].name);
		if (v && *v == 'y') {
			kc->page_size = kconfig_page_sizes[i].size;
			return;
		}
	}
}

/*
 * Debian, Ubuntu, Fedora and most others install the config as
 * /boot/config-<release>. @ret_path is set to the path tried whether or not
 * it could be read, so that the reasons can name it.
 */
static int kconfig_read(struct daxmap_ctx *ctx, const char *release,
			struct kconfig *kc, char **ret_path)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;
	char *path;

	memset(kc, 0, sizeof(*kc));
	if (asprintf(&path, "/boot/config-%s", release) < 0)
		return -ENOMEM;
	*ret_path = path;

	/* The release is read from a file: do not let it walk out of /boot. */
	if (strchr(release, '/')) {
		dbg(ctx, "release \"%s\" is not a file name; no config\n",
		    release);
		return 0;
	}
	f = daxmap_fopen(ctx, path);
	if (!f) {
		dbg(ctx, "%s: %s\n", path, strerror(errno));
		return 0;
	}
	while (getline(&line, &size, f) > 0)
		kconfig_parse_line(kc, line);
	if (ferror(f)) {
		dbg(ctx, "%s: read error\n", path);
		return 0;
	}
	kc->readable = true;
	return 0;
}

/* ------------------------------------------------------------ the probes */

static int probe_release(struct daxmap_kernel *k)
{
	struct utsname u;
	int r;

	r = daxmap_read_file(k->ctx, "/proc/sys/kernel/osrelease", &k->release);
	if (r == 0)
		return 0;
	if (!daxmap_ctx_is_real_root(k->ctx)) {
		err(k->ctx, "%s/proc/sys/kernel/osrelease: %s\n", k->ctx->root,
		    strerror(-r));
		return r;
	}
	/* A /proc without sysctls (some containers) still has uname(). */
	if (uname(&u) < 0)
		return -errno;
	k->release = strdup(u.release);
	return k->release ? 0 : -ENOMEM;
}

static int probe_machine(struct daxmap_kernel *k)
{
	const char *machine = "unknown";
	struct utsname u;
	int r;

	/* Since 6.1; uname() would describe this host, not a fixture tree. */
	r = daxmap_read_file(k->ctx, "/proc/sys/kernel/arch", &k->machine);
	if (r == 0)
		return 0;
	if (daxmap_ctx_is_real_root(k->ctx) && uname(&u) == 0)
		machine = u.machine;
	else
		dbg(k->ctx, "no /proc/sys/kernel/arch below %s\n",
		    daxmap_get_root(k->ctx));
	k->machine = strdup(machine);
	return k->machine ? 0 : -ENOMEM;
}

static unsigned long probe_page_size(struct daxmap_kernel *k,
				     const struct kconfig *kc)
{
	if (daxmap_ctx_is_real_root(k->ctx))
		return (unsigned long)sysconf(_SC_PAGESIZE);
	/*
	 * A captured tree may come from another machine, whose page size
	 * this host's sysconf() knows nothing about: take it from its config,
	 * or from an architecture that has only one.
	 */
	if (kc->page_size)
		return kc->page_size;
	if (strcmp(k->machine, "x86_64") == 0)
		return SZ_4K;
	dbg(k->ctx, "page size below %s unknown; using this host's\n",
	    daxmap_get_root(k->ctx));
	return (unsigned long)sysconf(_SC_PAGESIZE);
}

/*
 * powerpc deduplicates only when it runs with the radix MMU, a choice made
 * at boot: 1 for radix, 0 for hash, -errno when /proc/cpuinfo does not say.
 */
static int probe_ppc_radix(struct daxmap_ctx *ctx)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t size = 0;

	f = daxmap_fopen(ctx, "/proc/cpuinfo");
	if (!f)
		return -errno;
	while (getline(&line, &size, f) > 0) {
		const char *p;

		if (strncmp(line, "MMU", 3) != 0 ||
		    !isspace((unsigned char)line[3]))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		p += strspn(p + 1, " \t") + 1;
		if (strncmp(p, "Radix", 5) == 0)
			return 1;
		if (strncmp(p, "Hash", 4) == 0)
			return 0;
	}
	return -ENOENT;
}

static int set_dedup(struct daxmap_kernel *k, enum daxmap_tristate t,
		     const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_dedup(struct daxmap_kernel *k, enum daxmap_tristate t,
		     const char *fmt, ...)
{
	va_list args;
	int r;

	free(k->dedup_reason);
	va_start(args, fmt);
	r = vasprintf(&k->dedup_reason, fmt, args);
	va_end(args);
	if (r < 0) {
		k->dedup_reason = NULL;
		return -ENOMEM;
	}
	k->vmemmap_dedup = t;
	return 0;
}

static int decide_dedup_x86_64(struct daxmap_kernel *k,
			       const struct kconfig *kc, const char *ver,
			       const char *config)
{
	if (!kc->readable)
		/*
		 * x86_64 selects SPARSEMEM_VMEMMAP unconditionally, and opts
		 * in to dedup on every release that has it: the config would
		 * not change the answer.
		 */
		return set_dedup(k, DAXMAP_YES,
				 "kernel config not readable at %s; assuming x86_64 rules: kernel %s deduplicates the vmemmap of compound devmaps (map=mem only), as x86_64 always has SPARSEMEM_VMEMMAP",
				 config, ver);
	if (k->version_code >= KV_DAX_OPT_IN &&
	    !kconfig_set(kc, KCONFIG_DAX_VMEMMAP))
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "kernel config %s lacks CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP, which every x86_64 kernel from 6.5 on selects; check that it belongs to kernel %s",
				 config, k->release);
	return set_dedup(k, DAXMAP_YES,
			 "kernel %s on x86_64 with SPARSEMEM_VMEMMAP deduplicates the vmemmap of compound devmaps (map=mem only)",
			 ver);
}

static int decide_dedup_ppc64(struct daxmap_kernel *k,
			      const struct kconfig *kc, const char *ver,
			      const char *config)
{
	int radix;

	if (k->version_code < KV_DAX_OPT_IN)
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "kernel %s on %s predates 6.5, which made compound devmap vmemmap dedup safe on powerpc (radix MMU only); whether this kernel deduplicates is not known",
				 ver, k->machine);
	if (!kc->readable)
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "kernel config not readable at %s; on %s dedup needs CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP (radix MMU support)",
				 config, k->machine);
	if (!kconfig_set(kc, KCONFIG_DAX_VMEMMAP))
		return set_dedup(k, DAXMAP_NO,
				 "kernel config %s lacks CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP, which powerpc selects only with radix MMU support",
				 config);

	radix = probe_ppc_radix(k->ctx);
	if (radix < 0)
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "/proc/cpuinfo does not name the MMU; %s deduplicates the vmemmap of compound devmaps only with the radix MMU",
				 k->machine);
	if (!radix)
		return set_dedup(k, DAXMAP_NO,
				 "%s runs with the hash MMU (/proc/cpuinfo), and powerpc deduplicates the vmemmap of compound devmaps only with the radix MMU",
				 k->machine);
	return set_dedup(k, DAXMAP_YES,
			 "kernel %s on %s with the radix MMU deduplicates the vmemmap of compound devmaps (map=mem only)",
			 ver, k->machine);
}

static int decide_dedup_other(struct daxmap_kernel *k,
			      const struct kconfig *kc, const char *ver,
			      const char *config)
{
	if (!kc->readable)
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "kernel config not readable at %s; on %s dedup depends on CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP",
				 config, k->machine);
	if (k->version_code < KV_DAX_OPT_IN)
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "kernel %s on %s predates 6.5, from which an architecture opts in to compound devmap vmemmap dedup with CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP; which rule this kernel follows is not known",
				 ver, k->machine);
	if (!kconfig_set(kc, KCONFIG_DAX_VMEMMAP))
		return set_dedup(k, DAXMAP_NO,
				 "%s does not opt in to compound devmap vmemmap dedup: kernel config %s lacks CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP",
				 k->machine, config);
	return set_dedup(k, DAXMAP_YES,
			 "kernel %s on %s selects CONFIG_ARCH_WANT_OPTIMIZE_DAX_VMEMMAP and deduplicates the vmemmap of compound devmaps (map=mem only)",
			 ver, k->machine);
}

static int decide_dedup(struct daxmap_kernel *k, const struct kconfig *kc,
			const char *config)
{
	char ver[16];
	int r;

	if (!k->version_code)
		return set_dedup(k, DAXMAP_UNKNOWN,
				 "kernel release \"%s\" does not name an upstream version, so whether it deduplicates the vmemmap of compound devmaps is not known",
				 k->release);
	format_version(k->version_code, ver, sizeof(ver));
	if (k->version_code < KV_DEDUP)
		return set_dedup(k, DAXMAP_NO,
				 "kernel %s is older than 5.19, which added compound devmap vmemmap dedup",
				 ver);
	if (kc->readable && !kconfig_set(kc, KCONFIG_SPARSEMEM_VMEMMAP))
		return set_dedup(k, DAXMAP_NO,
				 "kernel config %s has no CONFIG_SPARSEMEM_VMEMMAP, which compound devmap vmemmap dedup needs",
				 config);
	if (kc->readable && !kconfig_set(kc, KCONFIG_ZONE_DEVICE))
		return set_dedup(k, DAXMAP_NO,
				 "kernel config %s has no CONFIG_ZONE_DEVICE, so this kernel has no device-DAX memmap to deduplicate",
				 config);
	if (kc->readable && !kconfig_set(kc, KCONFIG_DEV_DAX))
		return set_dedup(k, DAXMAP_NO,
				 "kernel config %s has no CONFIG_DEV_DAX, so this kernel has no device-DAX driver",
				 config);

	if (strcmp(k->machine, "x86_64") == 0)
		r = decide_dedup_x86_64(k, kc, ver, config);
	else if (strncmp(k->machine, "ppc64", 5) == 0)
		r = decide_dedup_ppc64(k, kc, ver, config);
	else
		r = decide_dedup_other(k, kc, ver, config);
	if (r < 0 || k->vmemmap_dedup != DAXMAP_YES || k->page_size == SZ_4K)
		return r;

	/*
	 * With larger pages the kernel still deduplicates, at fewer aligns
	 * (only 1 GiB with 64 KiB pages on powerpc), and daxmap's figures,
	 * worked out for 4 KiB pages, would be wrong.
	 */
	return set_dedup(k, DAXMAP_UNKNOWN,
			 "kernel %s on %s deduplicates the vmemmap of compound devmaps, but with %lu KiB pages, which daxmap's figures (made for 4 KiB pages) do not model",
			 ver, k->machine, k->page_size / 1024);
}

/*
 * The head-reuse patch's boot parameter: dax_vmemmap_head_reuse=off (or
 * any false value the kernel's bool parser takes) keeps two vmemmap pages
 * per compound page, as without the patch. No /proc/cmdline counts as on.
 */
static bool head_reuse_disabled(struct daxmap_ctx *ctx)
{
	static const char param[] = "dax_vmemmap_head_reuse=";
	_cleanup_free_ char *cmdline = NULL;
	const char *p;
	bool off = false;

	if (daxmap_read_file(ctx, "/proc/cmdline", &cmdline) < 0)
		return false;
	/* The last one counts, as for the kernel. */
	for (p = cmdline; (p = strstr(p, param)); p += sizeof(param) - 1) {
		if (p != cmdline && p[-1] != ' ')
			continue;
		off = (p[sizeof(param) - 1] &&
		       strchr("nN0", p[sizeof(param) - 1])) ||
		      strncmp(p + sizeof(param) - 1, "off", 3) == 0;
	}
	return off;
}

/* Is @key in /proc/vmstat? A line that does not parse is still there. */
static bool vmstat_has(struct daxmap_kernel *k, const char *key)
{
	uint64_t pages;
	int r;

	r = daxmap_read_keyed_u64(k->ctx, "/proc/vmstat", key, &pages);
	if (r < 0 && r != -ENOENT)
		dbg(k->ctx, "/proc/vmstat %s: %s\n", key, strerror(-r));
	return r == 0 || r == -EBADMSG;
}

static void probe_memmap_counter(struct daxmap_kernel *k)
{
	k->memmap_counter = vmstat_has(k, "nr_memmap_pages");
	/* The memmap-exact patch's own counters, which no stock kernel has. */
	k->memmap_split = vmstat_has(k, "nr_memmap_pgtable_pages") &&
			  vmstat_has(k, "nr_memmap_device_pages");
	if (k->memmap_split || vmstat_has(k, "nr_memmap_altmap_pages"))
		k->patches |= DAXMAP_PATCH_MEMMAP_EXACT;
	k->memmap_counting = daxmap_counter_rule(
		k->version_code, k->memmap_counter,
		k->patches & DAXMAP_PATCH_MEMMAP_EXACT);
}

/*
 * The dax-memmap patch gives every device-DAX device memmap_*_bytes
 * attributes. Only a device shows them, so a patched kernel without any
 * dax device (not even a region's seed) is not seen as patched: there is
 * then nothing those attributes would tell either.
 */
static int probe_dax_memmap(struct daxmap_kernel *k)
{
	_cleanup_closedir_ DIR *dir = NULL;
	_cleanup_free_ char *path = NULL;
	struct dirent *de;
	char attr[NAME_MAX + sizeof("/memmap_ram_bytes")];
	int r;

	r = daxmap_path(k->ctx, DAX_DEVICES, &path);
	if (r < 0)
		return r;
	dir = opendir(path);
	if (!dir) {
		dbg(k->ctx, "%s: %s\n", path, strerror(errno));
		return 0;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(attr, sizeof(attr), "%s/memmap_ram_bytes",
			 de->d_name);
		if (faccessat(dirfd(dir), attr, F_OK, 0) == 0) {
			k->patches |= DAXMAP_PATCH_DAX_MEMMAP;
			break;
		}
	}
	return 0;
}

int daxmap_read_dax_memmap(struct daxmap_ctx *ctx, const char *devname,
			   struct daxmap_dax_memmap *ret)
{
	static const char *const attrs[] = {
		"memmap_ram_bytes",
		"memmap_pgtable_bytes",
		"memmap_device_bytes",
	};
	uint64_t v[ARRAY_SIZE(attrs)];
	size_t i;
	int r;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		_cleanup_free_ char *path = NULL;

		if (asprintf(&path, DAX_DEVICES "/%s/%s", devname,
			     attrs[i]) < 0)
			return -ENOMEM;
		r = daxmap_read_u64(ctx, path, &v[i]);
		if (r < 0) {
			dbg(ctx, "%s: %s\n", path, strerror(-r));
			return r;
		}
	}
	ret->ram_bytes = v[0];
	ret->pagetable_bytes = v[1];
	ret->device_bytes = v[2];
	return 0;
}

DAXMAP_EXPORT int daxmap_kernel_probe(struct daxmap_ctx *ctx,
				      struct daxmap_kernel **ret)
{
	_cleanup_kernel_ struct daxmap_kernel *k = NULL;
	_cleanup_free_ char *proc_version = NULL;
	_cleanup_free_ char *config = NULL;
	struct kconfig kc;
	int r;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->refcount = 1;
	k->ctx = daxmap_ref(ctx);

	r = probe_release(k);
	if (r < 0)
		return r;
	r = probe_machine(k);
	if (r < 0)
		return r;

	r = daxmap_read_file(ctx, "/proc/version", &proc_version);
	if (r < 0)
		dbg(ctx, "/proc/version: %s\n", strerror(-r));
	k->version_code = daxmap_parse_version_code(k->release, proc_version);
	if (!k->version_code)
		dbg(ctx, "no upstream version in release \"%s\"\n", k->release);

	r = kconfig_read(ctx, k->release, &kc, &config);
	if (r < 0)
		return r;
	if (kc.readable)
		k->config_path = TAKE_PTR(config);
	k->sparsemem_vmemmap = !kc.readable ? DAXMAP_UNKNOWN :
			       kconfig_set(&kc, KCONFIG_SPARSEMEM_VMEMMAP) ?
			       DAXMAP_YES : DAXMAP_NO;
	k->page_size = probe_page_size(k, &kc);

	r = decide_dedup(k, &kc, k->config_path ? k->config_path : config);
	if (r < 0)
		return r;
	dbg(ctx, "vmemmap dedup %s: %s\n",
	    daxmap_tristate_name(k->vmemmap_dedup), k->dedup_reason);

	if (kconfig_set(&kc, KCONFIG_DAX_HEAD_REUSE) &&
	    !head_reuse_disabled(ctx)) {
		k->patches |= DAXMAP_PATCH_HEAD_REUSE;
		/* The kernel shares tail PTE tables only with head reuse. */
		if (kconfig_set(&kc, KCONFIG_DAX_SHARE_PTE_TABLES))
			k->patches |= DAXMAP_PATCH_PTE_SHARE;
	}
	probe_memmap_counter(k);
	r = probe_dax_memmap(k);
	if (r < 0)
		return r;

	*ret = TAKE_PTR(k);
	return 0;
}

int daxmap_kernel_from_snapshot(struct daxmap_ctx *ctx,
				const struct daxmap_kernel_snapshot *s,
				struct daxmap_kernel **ret)
{
	_cleanup_kernel_ struct daxmap_kernel *k = NULL;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->refcount = 1;
	k->ctx = daxmap_ref(ctx);
	k->snapshot = true;
	k->release = strdup(s->release);
	k->machine = strdup(s->machine);
	k->dedup_reason = strdup(s->dedup_reason);
	if (!k->release || !k->machine || !k->dedup_reason)
		return -ENOMEM;
	if (s->config_path) {
		k->config_path = strdup(s->config_path);
		if (!k->config_path)
			return -ENOMEM;
	}
	k->version_code = s->version_code;
	k->page_size = s->page_size;
	k->sparsemem_vmemmap = s->sparsemem_vmemmap;
	k->vmemmap_dedup = s->vmemmap_dedup;
	k->memmap_counter = s->memmap_counter;
	k->memmap_counting = s->memmap_counting;
	k->patches = s->patches;
	k->has_snapshot_pages = s->has_counter_pages;
	k->snapshot_pages = s->counter_pages;
	*ret = TAKE_PTR(k);
	return 0;
}

DAXMAP_EXPORT struct daxmap_kernel *daxmap_kernel_ref(struct daxmap_kernel *k)
{
	if (k)
		k->refcount++;
	return k;
}

DAXMAP_EXPORT struct daxmap_kernel *
daxmap_kernel_unref(struct daxmap_kernel *k)
{
	if (!k || --k->refcount > 0)
		return NULL;
	free(k->release);
	free(k->machine);
	free(k->config_path);
	free(k->dedup_reason);
	daxmap_unref(k->ctx);
	free(k);
	return NULL;
}

DAXMAP_EXPORT const char *daxmap_kernel_get_release(struct daxmap_kernel *k)
{
	return k->release;
}

DAXMAP_EXPORT unsigned int
daxmap_kernel_get_version_code(struct daxmap_kernel *k)
{
	return k->version_code;
}

DAXMAP_EXPORT const char *daxmap_kernel_get_machine(struct daxmap_kernel *k)
{
	return k->machine;
}

DAXMAP_EXPORT unsigned long
daxmap_kernel_get_page_size(struct daxmap_kernel *k)
{
	return k->page_size;
}

DAXMAP_EXPORT enum daxmap_tristate
daxmap_kernel_get_sparsemem_vmemmap(struct daxmap_kernel *k)
{
	return k->sparsemem_vmemmap;
}

DAXMAP_EXPORT enum daxmap_tristate
daxmap_kernel_get_vmemmap_dedup(struct daxmap_kernel *k)
{
	return k->vmemmap_dedup;
}

DAXMAP_EXPORT const char *
daxmap_kernel_get_vmemmap_dedup_reason(struct daxmap_kernel *k)
{
	return k->dedup_reason;
}

DAXMAP_EXPORT const char *
daxmap_kernel_get_config_path(struct daxmap_kernel *k)
{
	return k->config_path;
}

DAXMAP_EXPORT bool daxmap_kernel_has_memmap_counter(struct daxmap_kernel *k)
{
	return k->memmap_counter;
}

DAXMAP_EXPORT enum daxmap_counter
daxmap_kernel_get_memmap_counting(struct daxmap_kernel *k)
{
	return k->memmap_counting;
}

DAXMAP_EXPORT unsigned int daxmap_kernel_get_patches(struct daxmap_kernel *k)
{
	return k->patches;
}

/*
 * Read anew on every call: the counter moves as devices come and go. With
 * memmap-exact v2 the RAM is nr_memmap_pages less what of it is on the
 * device, plus the page tables of the vmemmap.
 */
DAXMAP_EXPORT int daxmap_kernel_read_memmap_pages(struct daxmap_kernel *k,
						  uint64_t *ret_pages)
{
	uint64_t pages, device, pgtable;
	int r;

	if (k->snapshot) {
		if (!k->has_snapshot_pages)
			return -ENOENT;
		*ret_pages = k->snapshot_pages;
		return 0;
	}
	r = daxmap_read_keyed_u64(k->ctx, "/proc/vmstat", "nr_memmap_pages",
				  &pages);
	if (r < 0)
		return r;
	if (k->memmap_split) {
		r = daxmap_read_keyed_u64(k->ctx, "/proc/vmstat",
					  "nr_memmap_device_pages", &device);
		if (r < 0)
			return r;
		r = daxmap_read_keyed_u64(k->ctx, "/proc/vmstat",
					  "nr_memmap_pgtable_pages", &pgtable);
		if (r < 0)
			return r;
		if (device > pages)
			return -EBADMSG;
		pages = pages - device + pgtable;
	}
	*ret_pages = pages;
	return 0;
}

DAXMAP_EXPORT void daxmap_kernel_get_model(struct daxmap_kernel *k,
					   struct daxmap_model *m)
{
	daxmap_model_init(m);
	m->page_size = k->page_size;
	/* Unknown counts as no: a model must not promise savings. */
	m->dedup = k->vmemmap_dedup == DAXMAP_YES;
	/* The head page alone, which every tail vmemmap page maps. */
	if (k->patches & DAXMAP_PATCH_HEAD_REUSE)
		m->dedup_kept_pages = 1;
	/* And one PTE table for all the tail-only 2 MiB of its vmemmap. */
	if (k->patches & DAXMAP_PATCH_PTE_SHARE)
		m->dedup_shared_ptes = true;
}
