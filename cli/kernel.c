// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl kernel: what the running kernel does with the vmemmap of
 * device-DAX, and how far its own counter can be trusted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "size.h"

void usage_kernel(FILE *f)
{
	fputs("Usage: " PROGRAM " kernel [--json [--human]]\n"
	      "\n"
	      "Report what the running kernel does with the struct pages of device-DAX:\n"
	      "release and upstream version, page size, SPARSEMEM_VMEMMAP, whether it\n"
	      "deduplicates the vmemmap of compound devmaps and why, the kernel config\n"
	      "that was read, whether /proc/vmstat has nr_memmap_pages, how that\n"
	      "counter counts compound devmaps, and its current value, and which of\n"
	      "daxmap's own kernel patches the kernel carries.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json         print the report as JSON\n"
	      "  -u, --human        with --json, add *_human strings\n"
	      "  -h, --help         show this help\n", f);
}

/* What a counting rule means for the figures the counter shows. */
static const char *counting_meaning(enum daxmap_counter c)
{
	switch (c) {
	case DAXMAP_COUNTER_NONE:
		return "no counter (kernels before 6.11)";
	case DAXMAP_COUNTER_NOMINAL:
		return "every struct page at nominal size, dedup ignored (too high at huge aligns)";
	case DAXMAP_COUNTER_DEDUP_DATA:
		return "deduplicated vmemmap data pages, not their page tables (too low)";
	case DAXMAP_COUNTER_EXACT:
		return "RAM really used, vmemmap page tables included; map=dev memmap counted apart";
	default:
		return "this release's rule is not known";
	}
}

static void print_version_code(char *buf, size_t len, unsigned int code)
{
	if (!code)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%u.%u.%u", code >> 16, (code >> 8) & 0xff,
			 code & 0xff);
}

static void print_counter(struct daxmap_kernel *k, bool full, int indent)
{
	enum daxmap_counter counting = daxmap_kernel_get_memmap_counting(k);
	char size[SIZE_BUF];
	uint64_t pages;
	int r;

	if (!daxmap_kernel_has_memmap_counter(k)) {
		cli_kv(indent, "nr_memmap_pages", "absent");
		return;
	}

	r = daxmap_kernel_read_memmap_pages(k, &pages);
	if (!full) {
		if (r < 0)
			cli_kv(indent, "nr_memmap_pages",
			       "unreadable (%s), counts %s", strerror(-r),
			       daxmap_counter_name(counting));
		else
			cli_kv(indent, "nr_memmap_pages",
			       "%" PRIu64 " pages (%s), counts %s", pages,
			       size_format(pages * daxmap_kernel_get_page_size(k),
					   size),
			       daxmap_counter_name(counting));
		return;
	}

	cli_kv(indent, "nr_memmap_pages", "present");
	cli_kv(indent, "  counts", "%s: %s", daxmap_counter_name(counting),
	       counting_meaning(counting));
	/*
	 * A stock counter never tells RAM from device: the altmap is counted
	 * as memmap. The memmap-exact patch counts it on its own, and the
	 * vmemmap's page tables too; the figure above is then the RAM.
	 */
	if (counting == DAXMAP_COUNTER_EXACT)
		cli_kv(indent, "  note",
		       "the RAM: less map=dev memmap (nr_memmap_device_pages), plus page tables (nr_memmap_pgtable_pages)");
	else
		cli_kv(indent, "  note",
		       "map=dev memmap is counted too, though it is on the device");
	if (r < 0)
		cli_kv(indent, "  current value", "unreadable: %s",
		       strerror(-r));
	else
		cli_kv(indent, "  current value", "%" PRIu64 " pages (%s)",
		       pages,
		       size_format(pages * daxmap_kernel_get_page_size(k),
				   size));
}

/*
 * daxmap's own kernel patches, named: on their own line in the full
 * report, and in the short one only on a kernel that carries some, where
 * they change what the kernel's figures mean.
 */
static void print_patches(struct daxmap_kernel *k, bool full, int indent)
{
	unsigned int patches = daxmap_kernel_get_patches(k), bit;
	char names[128] = "";

	if (!patches && !full)
		return;
	for (bit = 1; bit && bit <= patches; bit <<= 1) {
		const char *name = daxmap_kernel_patch_name(bit);

		if (!(patches & bit) || !name)
			continue;
		if (names[0])
			strncat(names, ", ", sizeof(names) - strlen(names) - 1);
		strncat(names, name, sizeof(names) - strlen(names) - 1);
	}
	cli_kv(indent, "daxmap patches", "%s", names[0] ? names : "none");
}

void print_kernel(struct daxmap_kernel *k, bool full, int indent)
{
	unsigned long page_size = daxmap_kernel_get_page_size(k);
	enum daxmap_tristate dedup = daxmap_kernel_get_vmemmap_dedup(k);
	const char *reason = daxmap_kernel_get_vmemmap_dedup_reason(k);
	char version[32], size[SIZE_BUF];

	print_version_code(version, sizeof(version),
			   daxmap_kernel_get_version_code(k));
	size_format(page_size, size);

	if (!full) {
		cli_kv(indent, "release", "%s (upstream %s, %s)",
		       str_or(daxmap_kernel_get_release(k), "unknown"),
		       version,
		       str_or(daxmap_kernel_get_machine(k), "unknown"));
		cli_kv(indent, "page size", "%s", size);
		cli_kv(indent, "vmemmap dedup", "%s",
		       daxmap_tristate_name(dedup));
		if (reason)
			cli_kv(indent, "  why", "%s", reason);
		print_counter(k, false, indent);
		print_patches(k, false, indent);
		return;
	}

	cli_kv(indent, "release", "%s",
	       str_or(daxmap_kernel_get_release(k), "unknown"));
	cli_kv(indent, "upstream version", "%s", version);
	cli_kv(indent, "machine", "%s",
	       str_or(daxmap_kernel_get_machine(k), "unknown"));
	cli_kv(indent, "page size", "%s (%lu bytes)", size, page_size);
	cli_kv(indent, "SPARSEMEM_VMEMMAP", "%s",
	       daxmap_tristate_name(daxmap_kernel_get_sparsemem_vmemmap(k)));
	cli_kv(indent, "vmemmap dedup", "%s", daxmap_tristate_name(dedup));
	if (reason)
		cli_kv(indent, "  why", "%s", reason);
	cli_kv(indent, "kernel config", "%s",
	       str_or(daxmap_kernel_get_config_path(k), "none readable"));
	print_counter(k, true, indent);
	print_patches(k, true, indent);
}

int cmd_kernel(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_free_ char *json = NULL;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "kernel", argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;
	if (cli_handled_help(cli, usage_kernel))
		return EXIT_OK;
	r = cli_no_arguments("kernel", argc, argv);
	if (r)
		return r;

	r = cli_get_status(cli, CLI_WANT_KERNEL, &ctx, &k, NULL);
	if (r)
		return r;

	if (cli->json) {
		r = daxmap_kernel_to_json(k, cli_json_flags(cli), &json);
		if (r < 0)
			return cli_error(r, "cannot render the kernel report as JSON");
		cli_print_json(json);
		return EXIT_OK;
	}
	print_kernel(k, true, 0);
	return EXIT_OK;
}
