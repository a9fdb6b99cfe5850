// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl status and list: the regions, namespaces and dax devices of
 * this host, what the memmap of each device costs and where, and who maps
 * the devices.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "size.h"
#include "table.h"

enum {
	SHOW_REGIONS = 1 << 0,
	SHOW_NAMESPACES = 1 << 1,
	SHOW_DEVICES = 1 << 2,
	SHOW_ALL = SHOW_REGIONS | SHOW_NAMESPACES | SHOW_DEVICES,
};

void usage_status(FILE *f)
{
	fputs("Usage: " PROGRAM " status [--json [--human]]\n"
	      "\n"
	      "Show the kernel's capabilities, then the regions, namespaces and dax\n"
	      "devices of this host, what the memmap (struct pages) of each device\n"
	      "costs against what it would cost without dedup, whether that is in RAM\n"
	      "or on the device, where each figure comes from (model, kernel or\n"
	      "measured), the processes that map each device and their page tables,\n"
	      "and the totals.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json         print the status as JSON (schema 1)\n"
	      "  -u, --human        with --json, add *_human strings\n"
	      "  -h, --help         show this help\n", f);
}

void usage_list(FILE *f)
{
	fputs("Usage: " PROGRAM " list [regions|namespaces|devices]... [--json [--human]]\n"
	      "\n"
	      "Print the tables of status without the kernel report and the totals:\n"
	      "all three by default, or those named. Devices come with the processes\n"
	      "that map them.\n"
	      "\n"
	      "With --json, list prints the same schema 1 object as status, whatever\n"
	      "is named, so that scripts always find the same keys: pick \"regions\",\n"
	      "\"namespaces\" or \"devices\" out of it.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json         print the status object as JSON (schema 1)\n"
	      "  -u, --human        with --json, add *_human strings\n"
	      "  -h, --help         show this help\n", f);
}

/* "-" for what a device or namespace does not have, as daxctl tables do. */
static const char *align_or_dash(uint64_t align, char buf[static SIZE_BUF])
{
	return align ? size_format_exact(align, buf) : "-";
}

static const char *map_or_dash(enum daxmap_map map)
{
	return map == DAXMAP_MAP_UNKNOWN ? "-" : daxmap_map_name(map);
}

static const char *location_name(enum daxmap_map location)
{
	switch (location) {
	case DAXMAP_MAP_MEM:
		return "RAM";
	case DAXMAP_MAP_DEV:
		return "device";
	default:
		return "-";
	}
}

static void node_cell(struct table *t, int node)
{
	if (node < 0)
		table_cell(t, "-");
	else
		table_cell(t, "%d", node);
}

static void alignments_cell(struct table *t, struct daxmap_region *r)
{
	int i, n = daxmap_region_get_num_alignments(r);
	char list[256] = "", buf[SIZE_BUF];
	size_t len = 0;

	for (i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
					i ? "," : "",
					size_format_exact(
					daxmap_region_get_supported_alignment(r, i),
					buf));
	table_cell(t, "%s", n > 0 ? list : "-");
}

static int print_regions(struct daxmap_topology *topo)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("REGION"), TABLE_LEFT("BUS"), TABLE_LEFT("TYPE"),
		TABLE_RIGHT("SIZE"), TABLE_RIGHT("AVAILABLE"),
		TABLE_RIGHT("MAX EXTENT"), TABLE_RIGHT("NUMA"),
		TABLE_RIGHT("ALIGN"), TABLE_LEFT("ALIGNMENTS"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	struct daxmap_region *r;
	char b[3][SIZE_BUF];

	if (!t)
		return -ENOMEM;
	daxmap_region_foreach(topo, r) {
		table_row(t);
		table_cell(t, "%s", str_or(daxmap_region_get_devname(r), "-"));
		table_cell(t, "%s", str_or(daxmap_region_get_bus(r), "-"));
		table_cell(t, "%s", str_or(daxmap_region_get_type(r), "-"));
		table_cell(t, "%s", size_format(daxmap_region_get_size(r), b[0]));
		table_cell(t, "%s",
			   size_format(daxmap_region_get_available_size(r), b[1]));
		table_cell(t, "%s",
			   size_format(daxmap_region_get_max_available_extent(r),
				       b[2]));
		node_cell(t, daxmap_region_get_numa_node(r));
		table_cell(t, "%s", align_or_dash(daxmap_region_get_align(r), b[0]));
		alignments_cell(t, r);
	}
	printf("Regions:\n");
	return table_print(t, stdout, 2);
}

static int print_namespaces(struct daxmap_topology *topo)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("NAMESPACE"), TABLE_LEFT("REGION"),
		TABLE_LEFT("MODE"), TABLE_RIGHT("SIZE"), TABLE_LEFT("MAP"),
		TABLE_RIGHT("ALIGN"), TABLE_LEFT("STATE"),
		TABLE_LEFT("BLOCKDEV"), TABLE_LEFT("NAME"), TABLE_LEFT("UUID"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	struct daxmap_namespace *n;
	char b[SIZE_BUF];

	if (!t)
		return -ENOMEM;
	daxmap_namespace_foreach(topo, n) {
		table_row(t);
		table_cell(t, "%s", str_or(daxmap_namespace_get_devname(n), "-"));
		table_cell(t, "%s", str_or(daxmap_namespace_get_region(n), "-"));
		table_cell(t, "%s", str_or(daxmap_namespace_get_mode(n), "-"));
		table_cell(t, "%s", size_format(daxmap_namespace_get_size(n), b));
		table_cell(t, "%s", map_or_dash(daxmap_namespace_get_map(n)));
		table_cell(t, "%s",
			   align_or_dash(daxmap_namespace_get_align(n), b));
		table_cell(t, "%s", daxmap_namespace_is_enabled(n) ?
			   "enabled" : "disabled");
		table_cell(t, "%s", str_or(daxmap_namespace_get_blockdev(n), "-"));
		table_cell(t, "%s", str_or(daxmap_namespace_get_name(n), "-"));
		table_cell(t, "%s", str_or(daxmap_namespace_get_uuid(n), "-"));
	}
	printf("Namespaces:\n");
	return table_print(t, stdout, 2);
}

static void memmap_cells(struct table *t, const struct daxmap_memmap *mm)
{
	char b[SIZE_BUF];

	if (!mm) {
		/* e.g. a device whose memmap the library could not model */
		for (int i = 0; i < 6; i++)
			table_cell(t, "-");
		return;
	}
	table_cell(t, "%s", location_name(mm->location));
	table_cell(t, "%s", size_format(mm->baseline_bytes, b));
	table_cell(t, "%s", size_format(mm->actual_bytes, b));
	table_cell(t, "%s", size_format(mm->pagetable_bytes, b));
	table_cell(t, "%s", size_format(mm->saved_bytes, b));
	table_cell(t, "%s", daxmap_source_name(mm->source));
}

static int print_devices(struct daxmap_topology *topo)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("DEVICE"), TABLE_LEFT("NAMESPACE"),
		TABLE_RIGHT("SIZE"), TABLE_RIGHT("ALIGN"), TABLE_LEFT("MODE"),
		TABLE_LEFT("STATE"), TABLE_LEFT("MAP"), TABLE_RIGHT("NUMA"),
		TABLE_LEFT("MEMMAP IN"),
		TABLE_RIGHT("BASELINE"), TABLE_RIGHT("ACTUAL"),
		TABLE_RIGHT("PAGE TABLES"), TABLE_RIGHT("SAVED"),
		TABLE_LEFT("SOURCE"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	struct daxmap_device *d;
	char b[SIZE_BUF];

	if (!t)
		return -ENOMEM;
	daxmap_device_foreach(topo, d) {
		table_row(t);
		table_cell(t, "%s", str_or(daxmap_device_get_devname(d), "-"));
		table_cell(t, "%s", str_or(daxmap_device_get_namespace(d), "-"));
		table_cell(t, "%s", size_format(daxmap_device_get_size(d), b));
		table_cell(t, "%s", align_or_dash(daxmap_device_get_align(d), b));
		table_cell(t, "%s", str_or(daxmap_device_get_mode(d), "-"));
		table_cell(t, "%s", daxmap_device_is_enabled(d) ?
			   "enabled" : "disabled");
		table_cell(t, "%s", map_or_dash(daxmap_device_get_map(d)));
		node_cell(t, daxmap_device_get_numa_node(d));
		memmap_cells(t, daxmap_device_get_memmap(d));
	}
	printf("Devices (ACTUAL includes PAGE TABLES; SAVED = BASELINE - ACTUAL):\n");
	return table_print(t, stdout, 2);
}

static const enum daxmap_source all_sources[] = {
	DAXMAP_SOURCE_MODEL, DAXMAP_SOURCE_KERNEL, DAXMAP_SOURCE_MEASURED,
};

static int count_sources(struct daxmap_device *d)
{
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(all_sources); i++)
		if (daxmap_device_get_memmap_source(d, all_sources[i]))
			n++;
	return n;
}

/*
 * Where a device has a kernel or measured figure beside the model, the
 * devices table shows only the best one: list them all here, so that none
 * hides another (the kernel counter and the model can disagree a lot).
 */
static int print_sources(struct daxmap_topology *topo)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("DEVICE"), TABLE_LEFT("MEMMAP IN"),
		TABLE_RIGHT("BASELINE"), TABLE_RIGHT("ACTUAL"),
		TABLE_RIGHT("PAGE TABLES"), TABLE_RIGHT("SAVED"),
		TABLE_LEFT("SOURCE"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	struct daxmap_device *d;

	if (!t)
		return -ENOMEM;
	daxmap_device_foreach(topo, d) {
		if (count_sources(d) < 2)
			continue;
		for (size_t i = 0;
		     i < ARRAY_SIZE(all_sources); i++) {
			const struct daxmap_memmap *mm =
				daxmap_device_get_memmap_source(d, all_sources[i]);

			if (!mm)
				continue;
			table_row(t);
			table_cell(t, "%s",
				   str_or(daxmap_device_get_devname(d), "-"));
			memmap_cells(t, mm);
		}
	}
	if (!table_rows(t))
		return 0;
	printf("\nMemmap by source:\n");
	return table_print(t, stdout, 2);
}

static int print_mappers(struct daxmap_topology *topo)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("DEVICE"), TABLE_RIGHT("PID"), TABLE_LEFT("COMM"),
		TABLE_RIGHT("MAPPED"), TABLE_RIGHT("PAGE TABLES"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	struct daxmap_device *d;
	struct daxmap_mapper *m;
	char b[SIZE_BUF];

	if (!t)
		return -ENOMEM;
	daxmap_device_foreach(topo, d)
		daxmap_mapper_foreach(d, m) {
			table_row(t);
			table_cell(t, "%s",
				   str_or(daxmap_device_get_devname(d), "-"));
			table_cell(t, "%d", daxmap_mapper_get_pid(m));
			table_cell(t, "%s", str_or(daxmap_mapper_get_comm(m), "-"));
			table_cell(t, "%s",
				   size_format(daxmap_mapper_get_mapped_bytes(m), b));
			table_cell(t, "%s",
				   size_format(daxmap_mapper_get_pagetable_bytes(m),
					       b));
		}
	if (!table_rows(t)) {
		printf("\nMappers: no process maps a dax device\n");
		return 0;
	}
	printf("\nMappers:\n");
	return table_print(t, stdout, 2);
}

static bool topology_empty(struct daxmap_topology *t)
{
	return !t || (!daxmap_region_get_first(t) &&
		      !daxmap_namespace_get_first(t) &&
		      !daxmap_device_get_first(t));
}

static int print_tables(struct daxmap_topology *t, unsigned int show)
{
	bool first = true;
	int r;

	if (topology_empty(t)) {
		printf("no persistent-memory regions found\n");
		return 0;
	}

	if (show & SHOW_REGIONS) {
		if (daxmap_region_get_first(t))
			r = print_regions(t);
		else
			r = printf("no persistent-memory regions found\n") < 0 ?
			    -EIO : 0;
		if (r < 0)
			return r;
		first = false;
	}
	if (show & SHOW_NAMESPACES) {
		if (!first)
			putchar('\n');
		if (daxmap_namespace_get_first(t))
			r = print_namespaces(t);
		else
			r = printf("Namespaces: none\n") < 0 ? -EIO : 0;
		if (r < 0)
			return r;
		first = false;
	}
	if (show & SHOW_DEVICES) {
		if (!first)
			putchar('\n');
		if (!daxmap_device_get_first(t)) {
			printf("Devices: none\n");
			return 0;
		}
		r = print_devices(t);
		if (r < 0)
			return r;
		r = print_sources(t);
		if (r < 0)
			return r;
		r = print_mappers(t);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The configuration held against the host, and the last apply. */
static int print_config(struct daxmap_config_status *cs)
{
	struct daxmap_config_check *checks;
	struct daxmap_apply_summary last;
	const char *dir = daxmap_config_status_get_dir(cs);
	const char *error = daxmap_config_status_get_error(cs);
	bool has_last = daxmap_config_status_get_last_apply(cs, &last) == 0;
	int nfiles = 0, r;

	while (daxmap_config_status_get_file(cs, nfiles))
		nfiles++;
	checks = daxmap_config_status_get_checks(cs);
	if (error) {
		printf("Configuration: not loaded: %s\n", error);
	} else if (!checks) {
		printf("Configuration: no namespaces named in %s (%d files)\n",
		       str_or(dir, "-"), nfiles);
	} else {
		printf("Configuration (%s, %d file%s):\n", dir, nfiles,
		       nfiles == 1 ? "" : "s");
		r = print_config_checks(checks, false);
		if (r < 0)
			return r;
	}
	if (has_last)
		print_apply_summary("  last apply at ", &last);
	return 0;
}

static void print_totals(struct daxmap_topology *topo)
{
	struct daxmap_totals tot;
	char b[SIZE_BUF];

	daxmap_topology_get_totals(topo, &tot);
	printf("Totals (memmap and capacity of enabled devices):\n");
	cli_kv(2, "regions", "%u", tot.regions);
	cli_kv(2, "namespaces", "%u", tot.namespaces);
	cli_kv(2, "devices", "%u", tot.devices);
	cli_kv(2, "devdax capacity", "%s", size_format(tot.devdax_bytes, b));
	cli_kv(2, "system-ram capacity", "%s", size_format(tot.system_ram_bytes, b));
	cli_kv(2, "memmap baseline", "%s",
	       size_format(tot.memmap.baseline_bytes, b));
	cli_kv(2, "memmap actual", "%s",
	       size_format(tot.memmap.actual_bytes, b));
	cli_kv(2, "  in RAM", "%s", size_format(tot.memmap.ram_bytes, b));
	cli_kv(2, "  on devices", "%s", size_format(tot.memmap.device_bytes, b));
	cli_kv(2, "  page tables", "%s",
	       size_format(tot.memmap.pagetable_bytes, b));
	cli_kv(2, "memmap saved", "%s", size_format(tot.memmap.saved_bytes, b));
	cli_kv(2, "mapper page tables", "%s",
	       size_format(tot.mapper_pagetable_bytes, b));
}

/* Probes the kernel and scans the topology: the part that reads the host. */
static int print_json(struct cli *cli, struct daxmap_kernel *k,
		      struct daxmap_topology *t, struct daxmap_config_status *cs)
{
	_cleanup_free_ char *json = NULL;
	int r;

	r = daxmap_status_to_json(k, t, cs, cli_json_flags(cli), &json);
	if (r < 0)
		return cli_error(r, "cannot render the status as JSON");
	cli_print_json(json);
	return EXIT_OK;
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_(daxmap_config_status_freep) struct daxmap_config_status *cs =
		NULL;
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "status", argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;
	if (cli_handled_help(cli, usage_status))
		return EXIT_OK;
	r = cli_no_arguments("status", argc, argv);
	if (r)
		return r;

	r = cli_get_status(cli, CLI_WANT_STATUS, &ctx, &k, &t, &cs);
	if (r)
		return r;
	if (cli->json)
		return print_json(cli, k, t, cs);

	printf("Kernel:\n");
	print_kernel(k, false, 2);
	putchar('\n');
	r = print_tables(t, SHOW_ALL);
	if (r >= 0) {
		putchar('\n');
		r = print_config(cs);
	}
	if (r < 0)
		return cli_error(r, "cannot print the status");
	putchar('\n');
	print_totals(t);
	return EXIT_OK;
}

static int list_word(const char *word, unsigned int *show)
{
	static const struct {
		const char *name;
		unsigned int show;
	} words[] = {
		{ "regions", SHOW_REGIONS },
		{ "region", SHOW_REGIONS },
		{ "namespaces", SHOW_NAMESPACES },
		{ "namespace", SHOW_NAMESPACES },
		{ "devices", SHOW_DEVICES },
		{ "device", SHOW_DEVICES },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(word, words[i].name) == 0) {
			*show |= words[i].show;
			return 0;
		}
	return -EINVAL;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_(daxmap_config_status_freep) struct daxmap_config_status *cs =
		NULL;
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	unsigned int show = 0;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "list", argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;
	if (cli_handled_help(cli, usage_list))
		return EXIT_OK;
	for (; optind < argc; optind++)
		if (list_word(argv[optind], &show) < 0)
			return cli_usage_error("list: unknown object '%s' (objects: regions, namespaces, devices)",
					       argv[optind]);
	if (!show)
		show = SHOW_ALL;

	r = cli_get_status(cli, CLI_WANT_STATUS, &ctx, &k, &t, &cs);
	if (r)
		return r;
	/* One shape whatever was named: see usage_list(). */
	if (cli->json)
		return print_json(cli, k, t, cs);

	r = print_tables(t, show);
	if (r < 0)
		return cli_error(r, "cannot print the list");
	return EXIT_OK;
}
