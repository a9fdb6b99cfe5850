// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl create device / destroy device (dax devices on dynamic dax
 * regions: soft-reserved and CXL memory) and reconfigure namespace (a
 * label-less namespace rewritten). The library validates and acts; this
 * file reads the command line, asks daxmapd or the library, and prints
 * what the kernel made of it from the status document.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "doc.h"
#include "size.h"

void usage_create_device(FILE *f)
{
	fputs("Usage: " PROGRAM " create device --size SIZE [--align ALIGN] [--region REGION]\n"
	      "                 [--name NAME] [--measure] [--json [--human]]\n"
	      "\n"
	      "Create a dax device on a dynamic dax region (soft-reserved memory with\n"
	      "dax_hmem, CXL memory with dax_cxl). Validated before anything is written:\n"
	      "the align against what the kernel takes, the size against the align and\n"
	      "the free space, and for a huge align the free ranges against its\n"
	      "boundary. The device gets exactly SIZE (no metadata on such a region).\n"
	      "\n"
	      "Options:\n"
	      "  -s, --size SIZE    bytes or K, M, G, T (binary), a multiple of the align\n"
	      "  -a, --align ALIGN  4K, 2M (default) or 1G\n"
	      "  -r, --region REGION\n"
	      "                     hmem.0, daxctl's region id, or region0 (default: the\n"
	      "                     dynamic region with the most free space)\n"
	      "  -n, --name NAME    a name daxmap records for it (dax devices carry none)\n"
	      "      --measure      measure the RAM the enable takes (drops the page\n"
	      "                     cache; without a daxmapd: else the configuration's\n"
	      "                     [daxmap] measure, else the kernel's figure or the model)\n"
	      "  -j, --json         print the created device as JSON\n"
	      "  -h, --help         show this help\n", f);
}

void usage_destroy_device(FILE *f)
{
	fputs("Usage: " PROGRAM " destroy device DAXDEV|NAME [--force]\n"
	      "\n"
	      "Destroy a dax device of a dynamic region and give its capacity back. One\n"
	      "in system-ram mode is offlined first. One a process maps is never\n"
	      "destroyed; one daxmap did not create, or one held open, only with --force.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --force        destroy it although daxmap did not create it\n"
	      "  -h, --help         show this help\n", f);
}

void usage_reconfigure_namespace(FILE *f)
{
	fputs("Usage: " PROGRAM " reconfigure namespace NAMESPACE --mode devdax|fsdax\n"
	      "                 [--align ALIGN] [--map MAP] --force\n"
	      "\n"
	      "Rewrite a label-less namespace (legacy pmem, an NVDIMM without labels)\n"
	      "with another mode, align or map, as 'ndctl create-namespace -f -e' does.\n"
	      "Its data is lost: --force is required. One in use is refused.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --mode MODE    devdax or fsdax\n"
	      "  -a, --align ALIGN  4K, 2M (default) or 1G\n"
	      "  -M, --map MAP      mem or dev (default: mem where the kernel deduplicates\n"
	      "                     the memmap at that align, dev otherwise)\n"
	      "  -f, --force        the data on it is lost, and that is meant\n"
	      "  -h, --help         show this help\n", f);
}

static json *find_device(json *doc, const char *devname)
{
	json *d;
	size_t i;

	doc_foreach(doc, "devices", i, d) {
		const char *dev = doc_str(d, "dev");

		if (dev && strcmp(dev, devname) == 0)
			return d;
	}
	return NULL;
}

/* {"schema": 1, "device": {...}}, from the status document. */
static int print_device(struct cli *cli, const char *devname)
{
	_cleanup_doc_ json *doc = NULL, *out = NULL;
	_cleanup_free_ char *text = NULL;
	char b[3][SIZE_BUF];
	json *d, *mm;
	int r;

	r = cli_get_status(cli, CLI_WANT_STATUS, &doc);
	if (r)
		return r;
	d = find_device(doc, devname);
	if (!d)
		return cli_error(-ENOENT, "created %s, but it is not in the status",
				 devname);
	if (cli->json) {
		out = json_object_new_object();
		if (!out)
			return cli_error(-ENOMEM, "%s", devname);
		json_object_object_add(out, "schema",
				       json_object_get(doc_get(doc, "schema")));
		json_object_object_add(out, "device", json_object_get(d));
		text = doc_print(out);
		if (!text)
			return cli_error(-ENOMEM, "%s", devname);
		cli_print_json(text);
		return EXIT_OK;
	}
	mm = doc_get(d, "memmap");
	printf("created %s\n", devname);
	cli_kv(2, "device", "%s, %s (exactly) at align %s",
	       str_or(doc_str(d, "chardev"), "-"),
	       size_format(doc_u64(d, "size"), b[0]),
	       size_format_exact(doc_u64(d, "align"), b[1]));
	if (doc_str(d, "name"))
		cli_kv(2, "name", "%s", doc_str(d, "name"));
	if (mm)
		cli_kv(2, "memmap", "%s in RAM, %s saved (%s)",
		       size_format(doc_u64(mm, "ram_bytes"), b[0]),
		       size_format(doc_u64(mm, "saved_bytes"), b[1]),
		       str_or(doc_str(mm, "source"), "-"));
	return EXIT_OK;
}

static int create_device(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "size", required_argument, NULL, 's' },
		{ "align", required_argument, NULL, 'a' },
		{ "region", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "measure", no_argument, NULL, OPT_MEASURE },
		{}
	};
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_free_ char *devname = NULL, *message = NULL;
	struct daxmap_device_request req = {};
	const char *why;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "create device", argc, argv, "s:a:r:n:",
			       longopts)) != -1) {
		switch (c) {
		case 's':
			if (daxmap_parse_size(optarg, &req.size, &why) < 0)
				return cli_usage_error("invalid size '%s': %s; use " SIZE_FORMS,
						       optarg, why);
			break;
		case 'a':
			r = cli_parse_align(optarg, &req.align);
			if (r)
				return r;
			break;
		case 'r':
			req.region = optarg;
			break;
		case 'n':
			req.name = optarg;
			break;
		case OPT_MEASURE:
			cli->measure = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_handled_help(cli, usage_create_device))
		return EXIT_OK;
	r = cli_no_arguments("create device", argc, argv);
	if (r)
		return r;
	if (!req.size)
		return cli_usage_error("create device: missing required option --size (e.g. --size 1G)");
	if (daxmap_device_request_check(&req, NULL, &message) < 0)
		return cli_refused("create device", message);

	r = cli_daemon_open(cli, CLI_WANT_CHANGE, &daemon);
	if (r)
		return r;
	if (daemon) {
		const struct cli_bus_option opts[] = {
			{ "size", 't', .t = req.size },
			{ "align", 't', .t = req.align },
			{ "region", 's', .s = req.region ?: "" },
			{ "name", 's', .s = req.name ?: "" },
			{ "measure", 'b', .b = cli->measure },
		};

		r = cli_daemon_call_name(daemon, "CreateDevice", "create device",
					 NULL, opts, ARRAY_SIZE(opts), &devname);
		if (r)
			return r;
	} else {
		_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;

		r = cli_open_for_change(cli, &ctx);
		if (r)
			return r;
		r = daxmap_kernel_probe(ctx, &k);
		if (r < 0)
			return cli_error(r, "cannot probe the running kernel");
		r = daxmap_create_device(ctx, k, &req, &devname, NULL, &message);
		if (r < 0)
			return cli_failed("create device", r, message);
	}
	return print_device(cli, devname);
}

static int reconfigure_namespace(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "mode", required_argument, NULL, 'm' },
		{ "align", required_argument, NULL, 'a' },
		{ "map", required_argument, NULL, 'M' },
		{ "force", no_argument, NULL, 'f' },
		{}
	};
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_free_ char *message = NULL, *devname = NULL;
	struct daxmap_namespace_reconfigure req = {};
	const char *which;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "reconfigure namespace", argc, argv,
			       "m:a:M:f", longopts)) != -1) {
		switch (c) {
		case 'm':
			if (daxmap_mode_from_name(optarg, &req.mode) < 0)
				return cli_usage_error("invalid mode '%s': must be devdax or fsdax",
						       optarg);
			break;
		case 'a':
			r = cli_parse_align(optarg, &req.align);
			if (r)
				return r;
			break;
		case 'M':
			if (daxmap_map_from_name(optarg, &req.map) < 0)
				return cli_usage_error("invalid map '%s': must be mem or dev",
						       optarg);
			break;
		case 'f':
			req.flags |= DAXMAP_RECONFIGURE_FORCE;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_handled_help(cli, usage_reconfigure_namespace))
		return EXIT_OK;
	which = optind < argc ? argv[optind++] : "";
	if (daxmap_namespace_reconfigure_check(which, &req, NULL, &message) < 0)
		return cli_refused("reconfigure namespace", message);
	r = cli_no_arguments("reconfigure namespace", argc, argv);
	if (r)
		return r;

	r = cli_daemon_open(cli, CLI_WANT_CHANGE, &daemon);
	if (r)
		return r;
	if (daemon) {
		const struct cli_bus_option opts[] = {
			{ "mode", 's', .s = daxmap_mode_name(req.mode) },
			{ "align", 't', .t = req.align },
			{ "map", 's', .s = req.map ? daxmap_map_name(req.map) : "" },
			{ "force", 'b', .b = true },
		};

		r = cli_daemon_call_name(daemon, "ReconfigureNamespace",
					 "reconfigure namespace", which, opts,
					 ARRAY_SIZE(opts), &devname);
		if (r)
			return r;
	} else {
		_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;

		r = cli_open_for_change(cli, &ctx);
		if (r)
			return r;
		if (daxmap_kernel_probe(ctx, &k) < 0)
			k = NULL;
		r = daxmap_reconfigure_namespace(ctx, k, which, &req, NULL,
						 &message);
		if (r < 0)
			return cli_failed("reconfigure namespace", r, message);
	}
	printf("reconfigured %s as %s\n", which, daxmap_mode_name(req.mode));
	return EXIT_OK;
}

int cmd_create_device(struct cli *cli, int argc, char **argv)
{
	return create_device(cli, argc - 1, argv + 1);
}

int cmd_destroy_device(struct cli *cli, int argc, char **argv)
{
	static const struct cli_destroy_kind device = {
		.what = "destroy device",
		.method = "DestroyDevice",
		.usage = usage_destroy_device,
		.destroy = daxmap_destroy_device,
	};

	return cli_destroy(cli, &device, argc - 1, argv + 1);
}

int cmd_reconfigure_namespace(struct cli *cli, int argc, char **argv)
{
	return reconfigure_namespace(cli, argc - 1, argv + 1);
}
