// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl plan: what the memmap of a namespace would cost, in RAM and on
 * the device, before anything is created.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cleanup.h>

#include "daxmapctl.h"
#include "size.h"
#include "table.h"

void usage_plan(FILE *f)
{
	fputs("Usage: " PROGRAM " plan --size SIZE [--align ALIGN] [--map MAP] [--assume-dedup]\n"
	      "                      [--json [--human]]\n"
	      "\n"
	      "Show what the memmap (struct pages) of a device-DAX namespace of SIZE\n"
	      "would cost under the running kernel's rules: in RAM, on the device, in\n"
	      "page tables, and what dedup saves; then the same size at every align\n"
	      "and map, and onlined as system-ram. Nothing is created.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --size SIZE    namespace size: bytes or K, M, G, T (binary); a\n"
	      "                     multiple of ALIGN\n"
	      "  -a, --align ALIGN  4K, 2M or 1G (default 2M)\n"
	      "  -m, --map MAP      where the memmap lives: mem (system RAM, default) or\n"
	      "                     dev (carved out of the device)\n"
	      "      --assume-dedup model a kernel that deduplicates the vmemmap of\n"
	      "                     compound devmaps (5.19+), whatever this one does:\n"
	      "                     for planning another host\n"
	      "  -j, --json         print the plan as JSON\n"
	      "  -u, --human        with --json, add *_human strings\n"
	      "  -h, --help         show this help\n", f);
}

static const enum daxmap_map plan_maps[] = { DAXMAP_MAP_MEM, DAXMAP_MAP_DEV };

static void print_summary(const struct daxmap_model *m, uint64_t size,
			  uint64_t align, enum daxmap_map map,
			  const struct daxmap_memmap *mm)
{
	uint64_t struct_pages = mm->ram_bytes > mm->pagetable_bytes ?
				mm->ram_bytes - mm->pagetable_bytes : 0;
	double pct = mm->baseline_bytes ?
		     100.0 * (double)mm->saved_bytes / (double)mm->baseline_bytes :
		     0.0;
	char b[3][SIZE_BUF];

	printf("Plan: %s namespace (%s), align %s, map=%s\n",
	       size_format(size, b[0]), size_format_exact(size, b[1]),
	       size_format_exact(align, b[2]), daxmap_map_name(map));
	cli_kv(2, "memmap baseline", "%s (%" PRIu64 " B per %s page, no dedup)",
	       size_format(mm->baseline_bytes, b[0]), m->struct_page_size,
	       size_format(m->page_size, b[1]));
	if (mm->ram_bytes)
		cli_kv(2, "in RAM", "%s (%s struct pages + %s page tables)",
		       size_format(mm->ram_bytes, b[0]),
		       size_format(struct_pages, b[1]),
		       size_format(mm->pagetable_bytes, b[2]));
	else
		cli_kv(2, "in RAM", "0 B");
	cli_kv(2, "on the device", "%s", size_format(mm->device_bytes, b[0]));
	cli_kv(2, "saved", "%s (%.1f %% of the baseline)",
	       size_format(mm->saved_bytes, b[0]), pct);
	cli_kv(2, "source", "%s", daxmap_source_name(mm->source));
}

static int print_comparison(const struct daxmap_model *m, uint64_t size,
			    uint64_t align, enum daxmap_map map)
{
	static const struct table_column cols[] = {
		TABLE_LEFT(""), TABLE_RIGHT("ALIGN"), TABLE_LEFT("MAP"),
		TABLE_RIGHT("BASELINE"), TABLE_RIGHT("RAM"), TABLE_RIGHT("DEVICE"),
		TABLE_RIGHT("PAGE TABLES"), TABLE_RIGHT("SAVED"),
		TABLE_RIGHT("SAVED %"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	bool impossible = false;
	char b[SIZE_BUF];
	unsigned int i;
	size_t j;

	if (!t)
		return -ENOMEM;
	for (i = 0; daxmap_align_get(i); i++) {
		uint64_t a = daxmap_align_get(i);

		for (j = 0; j < ARRAY_SIZE(plan_maps); j++) {
			struct daxmap_memmap mm;
			int k;

			table_row(t);
			table_cell(t, "%s", a == align &&
				   plan_maps[j] == map ? "*" : "");
			table_cell(t, "%s", size_format_exact(a, b));
			table_cell(t, "%s", daxmap_map_name(plan_maps[j]));
			if (daxmap_model_memmap(m, size, a,
						plan_maps[j], &mm) < 0) {
				/* size not a multiple of it, or below a page */
				impossible = true;
				for (k = 0; k < 6; k++)
					table_cell(t, "-");
				continue;
			}
			table_cell(t, "%s", size_format(mm.baseline_bytes, b));
			table_cell(t, "%s", size_format(mm.ram_bytes, b));
			table_cell(t, "%s", size_format(mm.device_bytes, b));
			table_cell(t, "%s", size_format(mm.pagetable_bytes, b));
			table_cell(t, "%s", size_format(mm.saved_bytes, b));
			table_cell(t, "%.1f %%", mm.baseline_bytes ?
				   100.0 * (double)mm.saved_bytes /
				   (double)mm.baseline_bytes : 0.0);
		}
	}
	printf("\nThe same size at every align and map (* = this plan):\n");
	if (table_print(t, stdout, 2) < 0)
		return -ENOMEM;
	if (impossible)
		printf("  -: the size is not a multiple of that align\n");
	return 0;
}

/* The same memory onlined as system-ram: no dedup, wherever the memmap. */
static int print_system_ram(const struct daxmap_model *m, uint64_t size)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("MEMMAP"), TABLE_RIGHT("BASELINE"), TABLE_RIGHT("RAM"),
		TABLE_RIGHT("ON THE MEMORY"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	char b[SIZE_BUF];

	if (!t)
		return -ENOMEM;
	for (int j = 0; j < 2; j++) {
		struct daxmap_memmap mm;

		if (daxmap_model_system_ram_memmap(m, size, j, &mm) < 0)
			continue;
		table_row(t);
		table_cell(t, "%s", j ? "memmap_on_memory" : "in RAM");
		table_cell(t, "%s", size_format(mm.baseline_bytes, b));
		table_cell(t, "%s", size_format(mm.ram_bytes, b));
		table_cell(t, "%s", size_format(mm.device_bytes, b));
	}
	printf("\nThe same size onlined as system-ram (kmem), for comparison:\n");
	return table_print(t, stdout, 2) < 0 ? -ENOMEM : 0;
}

static void print_dedup_note(struct daxmap_kernel *k,
			     const struct daxmap_model *m, bool assumed)
{
	enum daxmap_tristate dedup = daxmap_kernel_get_vmemmap_dedup(k);
	const char *reason = str_or(daxmap_kernel_get_vmemmap_dedup_reason(k),
				    "no reason given");

	if (assumed && dedup != DAXMAP_YES) {
		putchar('\n');
		cli_note("dedup assumed (--assume-dedup); for the running kernel %s it is %s: %s",
			 str_or(daxmap_kernel_get_release(k), "?"),
			 daxmap_tristate_name(dedup), reason);
	} else if (!m->dedup && dedup == DAXMAP_UNKNOWN) {
		putchar('\n');
		cli_note("whether the running kernel %s deduplicates the vmemmap of compound devmaps is not known (%s); the figures assume it does not, --assume-dedup models a kernel that does",
			 str_or(daxmap_kernel_get_release(k), "?"), reason);
	} else if (!m->dedup) {
		putchar('\n');
		cli_note("the running kernel %s does not deduplicate the vmemmap of compound devmaps (%s), so a huge align saves nothing here; --assume-dedup models a kernel that does",
			 str_or(daxmap_kernel_get_release(k), "?"), reason);
	}
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "size", required_argument, NULL, 's' },
		{ "align", required_argument, NULL, 'a' },
		{ "map", required_argument, NULL, 'm' },
		{ "assume-dedup", no_argument, NULL, OPT_ASSUME_DEDUP },
		{}
	};
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	const char *size_arg = NULL, *align_arg = NULL, *map_arg = NULL;
	_cleanup_free_ char *text = NULL, *message = NULL;
	struct daxmap_plan_request req = {};
	enum daxmap_reason reason;
	struct daxmap_model model;
	struct daxmap_memmap mm;
	const char *why;
	char b[SIZE_BUF];
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "plan", argc, argv, "s:a:m:",
			       longopts)) != -1) {
		switch (c) {
		case 's':
			size_arg = optarg;
			break;
		case 'a':
			align_arg = optarg;
			break;
		case 'm':
			map_arg = optarg;
			break;
		case OPT_ASSUME_DEDUP:
			req.assume_dedup = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_handled_help(cli, usage_plan))
		return EXIT_OK;
	r = cli_no_arguments("plan", argc, argv);
	if (r)
		return r;

	/* All of the command line is checked before the kernel is read. */
	if (!size_arg)
		return cli_usage_error("plan: missing required option --size (e.g. --size 64G; see '"
				       PROGRAM " plan --help')");
	r = daxmap_parse_size(size_arg, &req.size, &why);
	if (r < 0)
		return cli_usage_error("invalid size '%s': %s; use " SIZE_FORMS,
				       size_arg, why);
	if (align_arg) {
		r = cli_parse_align(align_arg, &req.align);
		if (r)
			return r;
	}
	if (map_arg && daxmap_map_from_name(map_arg, &req.map) < 0)
		return cli_usage_error("invalid map '%s': must be mem or dev",
				       map_arg);
	r = daxmap_plan_request_check(&req, &reason, &message);
	if (r < 0 && reason == DAXMAP_REASON_INVALID_SIZE)
		return cli_usage_error("invalid size '%s': %s", size_arg,
				       message ? message : "refused");
	if (r < 0)
		return cli_refused("plan", message);

	r = cli_open(cli, &ctx);
	if (r)
		return r;
	r = daxmap_kernel_probe(ctx, &k);
	if (r < 0)
		return cli_error(r, "cannot probe the running kernel");
	r = daxmap_plan_model(k, &req, &model, NULL, &message);
	if (r < 0)
		return cli_refused("plan", message);

	r = daxmap_model_memmap(&model, req.size, req.align, req.map, &mm);
	if (r < 0)
		return cli_error(r, "cannot model %s at align %s",
				 size_arg, size_format_exact(req.align, b));

	if (cli->json) {
		r = daxmap_plan_to_json(&model, req.size, req.align, req.map,
					cli_json_flags(cli), &text);
		if (r < 0)
			return cli_error(r, "cannot render the plan as JSON");
		cli_print_json(text);
		return EXIT_OK;
	}

	print_summary(&model, req.size, req.align, req.map, &mm);
	r = print_comparison(&model, req.size, req.align, req.map);
	if (r >= 0)
		r = print_system_ram(&model, req.size);
	if (r < 0)
		return cli_error(r, "cannot print the plan");
	print_dedup_note(k, &model, req.assume_dedup);
	return EXIT_OK;
}
