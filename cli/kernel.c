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
#include "doc.h"
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
static const char *counting_meaning(const char *c)
{
	static const struct {
		enum daxmap_counter counter;
		const char *meaning;
	} meanings[] = {
		{ DAXMAP_COUNTER_NONE, "no counter (kernels before 6.11)" },
		{ DAXMAP_COUNTER_NOMINAL, "every struct page at nominal size, dedup ignored (too high at huge aligns)" },
		{ DAXMAP_COUNTER_DEDUP_DATA, "deduplicated vmemmap data pages, not their page tables (too low)" },
		{ DAXMAP_COUNTER_EXACT, "RAM really used, vmemmap page tables included; map=dev memmap counted apart" },
	};

	for (size_t i = 0; c && i < ARRAY_SIZE(meanings); i++)
		if (strcmp(c, daxmap_counter_name(meanings[i].counter)) == 0)
			return meanings[i].meaning;
	return "this release's rule is not known";
}

static void print_counter(json *k, bool full, int indent)
{
	json *counter = doc_get(k, "memmap_counter");
	const char *counting = str_or(doc_str(counter, "counting"), "unknown");
	bool readable = doc_get(counter, "pages") != NULL;
	uint64_t pages = doc_u64(counter, "pages");
	char size[SIZE_BUF];

	if (!doc_bool(counter, "present")) {
		cli_kv(indent, "nr_memmap_pages", "absent");
		return;
	}

	size_format(doc_u64(counter, "bytes"), size);
	if (!full) {
		if (!readable)
			cli_kv(indent, "nr_memmap_pages",
			       "unreadable, counts %s", counting);
		else
			cli_kv(indent, "nr_memmap_pages",
			       "%" PRIu64 " pages (%s), counts %s", pages, size,
			       counting);
		return;
	}

	cli_kv(indent, "nr_memmap_pages", "present");
	cli_kv(indent, "  counts", "%s: %s", counting,
	       counting_meaning(counting));
	/*
	 * A stock counter never tells RAM from device: the altmap is counted
	 * as memmap. The memmap-exact patch counts it on its own, and the
	 * vmemmap's page tables too; the figure above is then the RAM.
	 */
	if (strcmp(counting, daxmap_counter_name(DAXMAP_COUNTER_EXACT)) == 0)
		cli_kv(indent, "  note",
		       "the RAM: less map=dev memmap (nr_memmap_device_pages), plus page tables (nr_memmap_pgtable_pages)");
	else
		cli_kv(indent, "  note",
		       "map=dev memmap is counted too, though it is on the device");
	if (!readable)
		cli_kv(indent, "  current value", "unreadable");
	else
		cli_kv(indent, "  current value", "%" PRIu64 " pages (%s)",
		       pages, size);
}

/*
 * daxmap's own kernel patches, named: on their own line in the full
 * report, and in the short one only on a kernel that carries some, where
 * they change what the kernel's figures mean. A name this version does
 * not know is shown as the document says it.
 */
static void print_patches(json *k, bool full, int indent)
{
	char names[256] = "";
	size_t i;
	json *v;

	doc_foreach(k, "patches", i, v) {
		if (!json_object_is_type(v, json_type_string))
			continue;
		if (names[0])
			strncat(names, ", ", sizeof(names) - strlen(names) - 1);
		strncat(names, json_object_get_string(v),
			sizeof(names) - strlen(names) - 1);
	}
	if (!names[0] && !full)
		return;
	cli_kv(indent, "daxmap patches", "%s", names[0] ? names : "none");
}

void print_kernel(json *k, bool full, int indent)
{
	uint64_t page_size = doc_u64(k, "page_size");
	const char *dedup = str_or(doc_str(k, "vmemmap_dedup"), "unknown");
	const char *reason = doc_str(k, "vmemmap_dedup_reason");
	const char *version = str_or(doc_str(k, "version"), "unknown");
	char size[SIZE_BUF];

	size_format(page_size, size);

	if (!full) {
		cli_kv(indent, "release", "%s (upstream %s, %s)",
		       str_or(doc_str(k, "release"), "unknown"), version,
		       str_or(doc_str(k, "machine"), "unknown"));
		cli_kv(indent, "page size", "%s", size);
		cli_kv(indent, "vmemmap dedup", "%s", dedup);
		if (reason)
			cli_kv(indent, "  why", "%s", reason);
		print_counter(k, false, indent);
		print_patches(k, false, indent);
		return;
	}

	cli_kv(indent, "release", "%s",
	       str_or(doc_str(k, "release"), "unknown"));
	cli_kv(indent, "upstream version", "%s", version);
	cli_kv(indent, "machine", "%s",
	       str_or(doc_str(k, "machine"), "unknown"));
	cli_kv(indent, "page size", "%s (%" PRIu64 " bytes)", size, page_size);
	cli_kv(indent, "SPARSEMEM_VMEMMAP", "%s",
	       str_or(doc_str(k, "sparsemem_vmemmap"), "unknown"));
	cli_kv(indent, "vmemmap dedup", "%s", dedup);
	if (reason)
		cli_kv(indent, "  why", "%s", reason);
	cli_kv(indent, "kernel config", "%s",
	       str_or(doc_str(k, "config"), "none readable"));
	print_counter(k, true, indent);
	print_patches(k, true, indent);
}

int cmd_kernel(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_doc_ json *doc = NULL, *report = NULL;
	_cleanup_free_ char *text = NULL;
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

	r = cli_get_status(cli, CLI_WANT_KERNEL, &doc);
	if (r)
		return r;

	if (cli->json) {
		/* As daxmap_kernel_to_json() renders it: schema, kernel. */
		report = json_object_new_object();
		if (!report ||
		    json_object_object_add(report, "schema",
					   json_object_get(doc_get(doc, "schema"))) < 0 ||
		    json_object_object_add(report, "kernel",
					   json_object_get(doc_get(doc, "kernel"))) < 0 ||
		    !(text = doc_print(report)))
			return cli_error(-ENOMEM, "cannot print the kernel report as JSON");
		cli_print_json(text);
		return EXIT_OK;
	}
	print_kernel(doc_get(doc, "kernel"), true, 0);
	return EXIT_OK;
}
