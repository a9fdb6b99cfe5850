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
#include "doc.h"
#include "size.h"
#include "table.h"

enum {
	SHOW_REGIONS = 1 << 0,
	SHOW_NAMESPACES = 1 << 1,
	SHOW_DEVICES = 1 << 2,
	SHOW_DAX_REGIONS = 1 << 3,
	SHOW_ALL = SHOW_REGIONS | SHOW_DAX_REGIONS | SHOW_NAMESPACES |
		   SHOW_DEVICES,
};

void usage_status(FILE *f)
{
	fputs("Usage: " PROGRAM " status [--json [--human]]\n"
	      "\n"
	      "Show the kernel's capabilities, then the regions, dax regions,\n"
	      "namespaces and dax devices of this host, what the memmap (struct pages) of each device\n"
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
	fputs("Usage: " PROGRAM " list [regions|dax-regions|namespaces|devices]... [--json [--human]]\n"
	      "\n"
	      "Print the tables of status without the kernel report and the totals:\n"
	      "all four by default, or those named. Devices come with the processes\n"
	      "that map them.\n"
	      "\n"
	      "With --json, list prints the same schema 1 object as status, whatever\n"
	      "is named, so that scripts always find the same keys: pick \"regions\",\n"
	      "\"dax_regions\", \"namespaces\" or \"devices\" out of it.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json         print the status object as JSON (schema 1)\n"
	      "  -u, --human        with --json, add *_human strings\n"
	      "  -h, --help         show this help\n", f);
}

/* "-" for what a device or namespace does not have, as daxctl tables do. */
static const char *align_or_dash(json *o, char buf[static SIZE_BUF])
{
	uint64_t align = doc_u64(o, "align");

	return align ? size_format_exact(align, buf) : "-";
}

static const char *location_name(const char *location)
{
	if (!location)
		return "-";
	if (strcmp(location, "ram") == 0)
		return "RAM";
	return location;
}

static void node_cell(struct table *t, json *o)
{
	int64_t node = doc_int(o, "numa_node", -1);

	if (node < 0)
		table_cell(t, "-");
	else
		table_cell(t, "%" PRId64, node);
}

static void size_cell(struct table *t, json *o, const char *key)
{
	char b[SIZE_BUF];

	table_cell(t, "%s", size_format(doc_u64(o, key), b));
}

static void str_cell(struct table *t, json *o, const char *key)
{
	table_cell(t, "%s", str_or(doc_str(o, key), "-"));
}

static void alignments_cell(struct table *t, json *r)
{
	char list[256] = "", buf[SIZE_BUF];
	size_t len = 0, i;
	json *v;

	doc_foreach(r, "supported_alignments", i, v)
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", i ? "," : "",
						size_format_exact(
						json_object_get_uint64(v), buf));
	table_cell(t, "%s", list[0] ? list : "-");
}

static int print_regions(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("REGION"), TABLE_LEFT("BUS"), TABLE_LEFT("TYPE"),
		TABLE_RIGHT("SIZE"), TABLE_RIGHT("AVAILABLE"),
		TABLE_RIGHT("MAX EXTENT"), TABLE_RIGHT("NUMA"),
		TABLE_RIGHT("ALIGN"), TABLE_LEFT("ALIGNMENTS"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	char b[SIZE_BUF];
	size_t i;
	json *r;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "regions", i, r) {
		table_row(t);
		str_cell(t, r, "dev");
		str_cell(t, r, "bus");
		str_cell(t, r, "type");
		size_cell(t, r, "size");
		size_cell(t, r, "available_size");
		size_cell(t, r, "max_available_extent");
		node_cell(t, r);
		table_cell(t, "%s", align_or_dash(r, b));
		alignments_cell(t, r);
	}
	printf("Regions:\n");
	return table_print(t, stdout, 2);
}

/* The devices of a dax region, "dax1.0,dax1.1", or "-". */
static void devices_cell(struct table *t, json *r)
{
	char list[256] = "";
	size_t len = 0, i;
	json *v;

	doc_foreach(r, "devices", i, v)
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
						"%s%s", i ? "," : "",
						json_object_get_string(v));
	table_cell(t, "%s", list[0] ? list : "-");
}

/*
 * What stands behind a dax region: its namespace, its CXL region, or
 * both (a namespace on CXL pmem).
 */
static void behind_cell(struct table *t, json *r)
{
	json *cxl = doc_get(r, "cxl");
	const char *ns = doc_str(r, "namespace");
	const char *region = cxl ? doc_str(cxl, "region") : NULL;

	if (ns && region)
		table_cell(t, "%s, CXL %s", ns, region);
	else if (ns || region)
		table_cell(t, "%s", ns ? ns : region);
	else
		table_cell(t, "-");
}

static int print_dax_regions(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_RIGHT("ID"), TABLE_LEFT("PROVIDER"), TABLE_LEFT("BEHIND"),
		TABLE_RIGHT("SIZE"), TABLE_RIGHT("AVAILABLE"),
		TABLE_RIGHT("ALIGN"), TABLE_RIGHT("NUMA"), TABLE_RIGHT("TARGET"),
		TABLE_LEFT("DEVICES"), TABLE_LEFT("PATH"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	int64_t target;
	char b[SIZE_BUF];
	size_t i;
	json *r;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "dax_regions", i, r) {
		table_row(t);
		table_cell(t, "%" PRId64, doc_int(r, "id", -1));
		str_cell(t, r, "provider");
		behind_cell(t, r);
		size_cell(t, r, "size");
		size_cell(t, r, "available_size");
		table_cell(t, "%s", align_or_dash(r, b));
		node_cell(t, r);
		target = doc_int(r, "target_node", -1);
		if (target < 0)
			table_cell(t, "-");
		else
			table_cell(t, "%" PRId64, target);
		devices_cell(t, r);
		str_cell(t, r, "path");
	}
	printf("Dax regions:\n");
	return table_print(t, stdout, 2);
}

static int print_namespaces(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("NAMESPACE"), TABLE_LEFT("REGION"),
		TABLE_LEFT("MODE"), TABLE_RIGHT("SIZE"), TABLE_LEFT("MAP"),
		TABLE_RIGHT("ALIGN"), TABLE_LEFT("STATE"),
		TABLE_LEFT("BLOCKDEV"), TABLE_LEFT("NAME"), TABLE_LEFT("UUID"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	char b[SIZE_BUF];
	size_t i;
	json *n;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "namespaces", i, n) {
		table_row(t);
		str_cell(t, n, "dev");
		str_cell(t, n, "region");
		str_cell(t, n, "mode");
		size_cell(t, n, "size");
		str_cell(t, n, "map");
		table_cell(t, "%s", align_or_dash(n, b));
		table_cell(t, "%s", doc_bool(n, "enabled") ? "enabled" :
							   "disabled");
		str_cell(t, n, "blockdev");
		str_cell(t, n, "name");
		str_cell(t, n, "uuid");
	}
	printf("Namespaces:\n");
	return table_print(t, stdout, 2);
}

static void memmap_cells(struct table *t, json *mm)
{
	if (!mm) {
		/* e.g. a device whose memmap the library could not model */
		for (int i = 0; i < 6; i++)
			table_cell(t, "-");
		return;
	}
	table_cell(t, "%s", location_name(doc_str(mm, "location")));
	size_cell(t, mm, "baseline_bytes");
	size_cell(t, mm, "actual_bytes");
	size_cell(t, mm, "pagetable_bytes");
	size_cell(t, mm, "saved_bytes");
	str_cell(t, mm, "source");
}

static int print_devices(json *doc)
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
	char b[SIZE_BUF];
	size_t i;
	json *d;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "devices", i, d) {
		const char *map = doc_str(d, "map");

		table_row(t);
		str_cell(t, d, "dev");
		str_cell(t, d, "namespace");
		size_cell(t, d, "size");
		table_cell(t, "%s", align_or_dash(d, b));
		str_cell(t, d, "mode");
		table_cell(t, "%s", doc_bool(d, "enabled") ? "enabled" :
							   "disabled");
		table_cell(t, "%s", map && strcmp(map, "unknown") ? map : "-");
		node_cell(t, d);
		memmap_cells(t, doc_get(d, "memmap"));
	}
	printf("Devices (ACTUAL includes PAGE TABLES; SAVED = BASELINE - ACTUAL):\n");
	return table_print(t, stdout, 2);
}

/* The order the sources are listed in, whatever the document's. */
static const char *const all_sources[] = { "model", "kernel", "measured" };

static int count_sources(json *d)
{
	json *sources = doc_get(d, "memmap_sources");
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(all_sources); i++)
		if (doc_get(sources, all_sources[i]))
			n++;
	return n;
}

/*
 * Where a device has a kernel or measured figure beside the model, the
 * devices table shows only the best one: list them all here, so that none
 * hides another (the kernel counter and the model can disagree a lot).
 */
static int print_sources(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("DEVICE"), TABLE_LEFT("MEMMAP IN"),
		TABLE_RIGHT("BASELINE"), TABLE_RIGHT("ACTUAL"),
		TABLE_RIGHT("PAGE TABLES"), TABLE_RIGHT("SAVED"),
		TABLE_LEFT("SOURCE"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	size_t i;
	json *d;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "devices", i, d) {
		json *sources = doc_get(d, "memmap_sources");

		if (count_sources(d) < 2)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(all_sources); j++) {
			json *mm = doc_get(sources, all_sources[j]);

			if (!mm)
				continue;
			table_row(t);
			str_cell(t, d, "dev");
			memmap_cells(t, mm);
		}
	}
	if (!table_rows(t))
		return 0;
	printf("\nMemmap by source:\n");
	return table_print(t, stdout, 2);
}

static int print_mappers(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("DEVICE"), TABLE_RIGHT("PID"), TABLE_LEFT("COMM"),
		TABLE_RIGHT("MAPPED"), TABLE_RIGHT("PAGE TABLES"),
		TABLE_LEFT("SOURCE"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	size_t i, j;
	json *d, *m;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "devices", i, d)
		doc_foreach(d, "mappers", j, m) {
			table_row(t);
			str_cell(t, d, "dev");
			/* null: another user's process, daxmapd does not say
			 * whose (comm is null then too, and shows as "-"). */
			if (doc_int(m, "pid", 0) > 0)
				table_cell(t, "%" PRId64, doc_int(m, "pid", 0));
			else
				table_cell(t, "-");
			str_cell(t, m, "comm");
			size_cell(t, m, "mapped_bytes");
			size_cell(t, m, "pagetable_bytes");
			str_cell(t, m, "pagetable_source");
		}
	if (!table_rows(t)) {
		printf("\nMappers: no process maps a dax device\n");
		return 0;
	}
	printf("\nMappers:\n");
	return table_print(t, stdout, 2);
}

static void badblock_rows(struct table *t, json *doc, const char *list)
{
	size_t i, j;
	json *o, *b;

	doc_foreach(doc, list, i, o)
		doc_foreach(o, "badblocks", j, b) {
			table_row(t);
			str_cell(t, o, "dev");
			table_cell(t, "%" PRIu64, doc_u64(b, "offset"));
			size_cell(t, b, "length");
		}
}

/* The bad blocks the kernel knows of, per namespace and dax device. */
static int print_badblocks(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("OBJECT"), TABLE_RIGHT("OFFSET"),
		TABLE_RIGHT("LENGTH"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));

	if (!t)
		return -ENOMEM;
	badblock_rows(t, doc, "namespaces");
	badblock_rows(t, doc, "devices");
	if (!table_rows(t))
		return 0;
	printf("\nBad blocks (bytes from the start of each; ndctl clear-errors):\n");
	return table_print(t, stdout, 2);
}

/* What verify measured for a mapping of each device, beside the model. */
static int print_verified(json *doc)
{
	static const struct table_column cols[] = {
		TABLE_LEFT("DEVICE"), TABLE_LEFT("VERIFIED"),
		TABLE_LEFT("RESULT"), TABLE_RIGHT("PAGE SIZE"),
		TABLE_RIGHT("MAPPED"), TABLE_RIGHT("MEASURED/GIB"),
		TABLE_RIGHT("MODEL/GIB"),
	};
	_cleanup_table_ struct table *t = table_new(cols, ARRAY_SIZE(cols));
	json *d, *v, *pt;
	size_t i;

	if (!t)
		return -ENOMEM;
	doc_foreach(doc, "devices", i, d) {
		v = doc_get(d, "verify");
		if (!v)
			continue;
		pt = doc_get(v, "pagetables");
		table_row(t);
		str_cell(t, d, "dev");
		str_cell(t, v, "time");
		table_cell(t, "%s", doc_bool(v, "passed") ? "passed" : "FAILED");
		size_cell(t, v, "kernel_page_size");
		size_cell(t, pt, "mapped_bytes");
		size_cell(t, pt, "measured_per_gib");
		size_cell(t, pt, "model_per_gib");
	}
	if (!table_rows(t))
		return 0;
	printf("\nPage tables of a mapping, measured by verify (per GiB mapped):\n");
	return table_print(t, stdout, 2);
}

static int print_tables(json *doc, unsigned int show)
{
	bool regions = doc_at(doc, "regions", 0),
	     dax_regions = doc_at(doc, "dax_regions", 0),
	     namespaces = doc_at(doc, "namespaces", 0),
	     devices = doc_at(doc, "devices", 0), first = true;
	int r;

	if (!regions && !dax_regions && !namespaces && !devices) {
		printf("no persistent-memory regions found\n");
		return 0;
	}

	if (show & SHOW_REGIONS) {
		if (regions)
			r = print_regions(doc);
		else
			r = printf("Regions: none\n") < 0 ? -EIO : 0;
		if (r < 0)
			return r;
		first = false;
	}
	if (show & SHOW_DAX_REGIONS) {
		if (!first)
			putchar('\n');
		if (dax_regions)
			r = print_dax_regions(doc);
		else
			r = printf("Dax regions: none\n") < 0 ? -EIO : 0;
		if (r < 0)
			return r;
		first = false;
	}
	if (show & SHOW_NAMESPACES) {
		if (!first)
			putchar('\n');
		if (namespaces)
			r = print_namespaces(doc);
		else
			r = printf("Namespaces: none\n") < 0 ? -EIO : 0;
		if (r < 0)
			return r;
		first = false;
	}
	if (show & SHOW_DEVICES) {
		if (!first)
			putchar('\n');
		if (!devices) {
			printf("Devices: none\n");
			return 0;
		}
		r = print_devices(doc);
		if (r < 0)
			return r;
		r = print_sources(doc);
		if (r < 0)
			return r;
		r = print_mappers(doc);
		if (r >= 0)
			r = print_verified(doc);
		if (r >= 0)
			r = print_badblocks(doc);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The configuration held against the host, and the last apply. */
static int print_config(json *config)
{
	const char *dir = doc_str(config, "dir");
	const char *error = doc_str(config, "error");
	json *last = doc_get(config, "last_apply");
	size_t nfiles = 0;
	int r;

	while (doc_at(config, "files", nfiles))
		nfiles++;
	if (error) {
		printf("Configuration: not loaded: %s\n", error);
	} else if (!doc_at(config, "namespaces", 0)) {
		printf("Configuration: no namespaces or devices named in %s (%zu files)\n",
		       str_or(dir, "-"), nfiles);
	} else {
		printf("Configuration (%s, %zu file%s):\n", str_or(dir, "-"),
		       nfiles, nfiles == 1 ? "" : "s");
		r = print_config_checks(doc_get(config, "namespaces"), false);
		if (r < 0)
			return r;
	}
	if (last)
		print_apply_summary("  last apply at ", last);
	return 0;
}

static void print_totals(json *tot)
{
	json *mm = doc_get(tot, "memmap");
	char b[SIZE_BUF];

	printf("Totals (memmap and capacity of enabled devices):\n");
	cli_kv(2, "regions", "%" PRId64, doc_int(tot, "regions", 0));
	cli_kv(2, "dax regions", "%" PRId64, doc_int(tot, "dax_regions", 0));
	cli_kv(2, "namespaces", "%" PRId64, doc_int(tot, "namespaces", 0));
	cli_kv(2, "devices", "%" PRId64, doc_int(tot, "devices", 0));
	cli_kv(2, "devdax capacity", "%s",
	       size_format(doc_u64(tot, "devdax_bytes"), b));
	cli_kv(2, "system-ram capacity", "%s",
	       size_format(doc_u64(tot, "system_ram_bytes"), b));
	cli_kv(2, "memmap baseline", "%s",
	       size_format(doc_u64(mm, "baseline_bytes"), b));
	cli_kv(2, "memmap actual", "%s",
	       size_format(doc_u64(mm, "actual_bytes"), b));
	cli_kv(2, "  in RAM", "%s", size_format(doc_u64(mm, "ram_bytes"), b));
	cli_kv(2, "  on devices", "%s",
	       size_format(doc_u64(mm, "device_bytes"), b));
	cli_kv(2, "  page tables", "%s",
	       size_format(doc_u64(mm, "pagetable_bytes"), b));
	cli_kv(2, "memmap saved", "%s",
	       size_format(doc_u64(mm, "saved_bytes"), b));
	cli_kv(2, "mapper page tables", "%s",
	       size_format(doc_u64(tot, "mappers_pagetable_bytes"), b));
}

/* The document as it came, pretty: the same shape whatever was named. */
static int print_json(json *doc)
{
	_cleanup_free_ char *text = doc_print(doc);

	if (!text)
		return cli_error(-ENOMEM, "cannot print the status as JSON");
	cli_print_json(text);
	return EXIT_OK;
}

int cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_doc_ json *doc = NULL;
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

	r = cli_get_status(cli, CLI_WANT_STATUS, &doc);
	if (r)
		return r;
	if (cli->json)
		return print_json(doc);

	printf("Kernel:\n");
	print_kernel(doc_get(doc, "kernel"), false, 2);
	putchar('\n');
	r = print_tables(doc, SHOW_ALL);
	if (r >= 0) {
		putchar('\n');
		r = print_config(doc_get(doc, "config"));
	}
	if (r < 0)
		return cli_error(r, "cannot print the status");
	putchar('\n');
	print_totals(doc_get(doc, "totals"));
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
		{ "dax-regions", SHOW_DAX_REGIONS },
		{ "dax-region", SHOW_DAX_REGIONS },
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
	_cleanup_doc_ json *doc = NULL;
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
			return cli_usage_error("list: unknown object '%s' (objects: regions, dax-regions, namespaces, devices)",
					       argv[optind]);
	if (!show)
		show = SHOW_ALL;

	r = cli_get_status(cli, CLI_WANT_STATUS, &doc);
	if (r)
		return r;
	/* One shape whatever was named: see usage_list(). */
	if (cli->json)
		return print_json(doc);

	r = print_tables(doc, show);
	if (r < 0)
		return cli_error(r, "cannot print the list");
	return EXIT_OK;
}
