// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl create namespace / destroy namespace: the library decides and
 * validates everything first; this file reads the command line, says what
 * was decided and why, and reports the result.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "doc.h"
#include "size.h"

void usage_create(FILE *f)
{
	fputs("Usage: " PROGRAM " create namespace --size SIZE|PERCENT% [--align ALIGN]\n"
	      "                 [--mode MODE] [--map MAP] [--region REGION | --numa-node N]\n"
	      "                 [--name NAME] [--dry-run] [--measure] [--json [--human]]\n"
	      "\n"
	      "Create a namespace. Everything is validated before anything is written:\n"
	      "the align against the region's supported alignments, the size against the\n"
	      "region's alignment and its largest free extent. A create that fails part\n"
	      "way is rolled back; one a crash interrupted is finished or rolled back by\n"
	      "the next daxmapctl run. The defaults taken are stated, with the reason.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --size SIZE    namespace capacity: bytes or K, M, G, T (binary), a\n"
	      "                     multiple of the region's alignment and the align; or\n"
	      "                     a percentage of the region's largest free extent (50%)\n"
	      "  -a, --align ALIGN  4K, 2M or 1G (default 2M)\n"
	      "  -m, --mode MODE    devdax (default) or fsdax\n"
	      "  -M, --map MAP      mem or dev (default: mem where the kernel deduplicates\n"
	      "                     the memmap at that align, dev otherwise)\n"
	      "  -r, --region REGION\n"
	      "                     the region (default: the largest free extent)\n"
	      "      --numa-node N  without --region: only regions on node N\n"
	      "  -n, --name NAME    the label's name (at most 63 bytes)\n"
	      "      --dry-run      validate and print the plan; create nothing\n"
	      "      --measure      measure the RAM the enable takes (drops the page\n"
	      "                     cache around it; default: the configuration's\n"
	      "                     [daxmap] measure, else the kernel's figure or the model)\n"
	      "  -j, --json         print the created namespace as JSON\n"
	      "  -h, --help         show this help\n", f);
}

void usage_destroy(FILE *f)
{
	fputs("Usage: " PROGRAM " destroy namespace NAMESPACE|NAME|DAXDEV [--force]\n"
	      "\n"
	      "Destroy a namespace, named as namespaceX.Y, by its label name, or by its\n"
	      "dax device (daxX.Y or /dev/daxX.Y). A namespace a process maps is never\n"
	      "destroyed. One a process holds open, or one daxmap did not create, is\n"
	      "destroyed only with --force.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --force        destroy it although daxmap did not create it or a\n"
	      "                     process holds it open (never while it is mapped)\n"
	      "  -h, --help         show this help\n", f);
}

void usage_reconfigure(FILE *f)
{
	fputs("Usage: " PROGRAM " reconfigure device DAXDEV [--mode MODE] [--align ALIGN]\n"
	      "                 [--size SIZE] [--memmap-on-memory]\n"
	      "\n"
	      "Reconfigure a dax device (daxX.Y or /dev/daxX.Y): hand it to the kernel\n"
	      "as system RAM (the kmem driver, onlined movable) or take it back as\n"
	      "devdax; change its align or size where its region allows (soft-reserved\n"
	      "or CXL memory; an NVDIMM namespace fixes both). A device a process maps\n"
	      "or holds open is left alone.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --mode MODE    devdax or system-ram\n"
	      "  -a, --align ALIGN  4K, 2M or 1G\n"
	      "  -s, --size SIZE    the device's new size\n"
	      "      --memmap-on-memory\n"
	      "                     with --mode system-ram: put the memmap (16 MiB per\n"
	      "                     GiB) on the memory itself, not in RAM, where the\n"
	      "                     kernel offers it (6.8 and later, booted with\n"
	      "                     memory_hotplug.memmap_on_memory=1)\n"
	      "  -h, --help         show this help\n", f);
}

/* The object word after the verb: "create namespace". */
static int parse_size_or_percent(const char *arg,
				 struct daxmap_create_request *req)
{
	const char *why;
	char *end;
	long pct;
	int r;

	if (arg[0] && arg[strlen(arg) - 1] == '%') {
		pct = strtol(arg, &end, 10);
		if (end == arg || *end != '%' || pct < 1 || pct > 100)
			return cli_usage_error("invalid size '%s': a percentage is a whole number from 1%% to 100%%",
					       arg);
		req->percent = (unsigned int)pct;
		return 0;
	}
	r = daxmap_parse_size(arg, &req->size, &why);
	if (r < 0)
		return cli_usage_error("invalid size '%s': %s; use " SIZE_FORMS
				       " or a percentage such as 50%%",
				       arg, why);
	return 0;
}

/* A plan's document, {"schema": 1, "plan": {...}}, as daxmapd sends it. */
static void print_plan(json *doc, bool dry_run)
{
	json *p = doc_get(doc, "plan"), *mm = doc_get(p, "memmap"), *note;
	char b[3][SIZE_BUF];
	size_t i;

	printf("%s namespace on %s\n", dry_run ? "Would create a" : "Creating a",
	       str_or(doc_str(p, "region"), "-"));
	cli_kv(2, "size", "%s (%s)", size_format(doc_u64(p, "size"), b[0]),
	       size_format_exact(doc_u64(p, "size"), b[1]));
	cli_kv(2, "device size", "%s expected",
	       size_format(doc_u64(p, "device_size"), b[0]));
	cli_kv(2, "mode", "%s", str_or(doc_str(p, "mode"), "-"));
	cli_kv(2, "align", "%s", size_format_exact(doc_u64(p, "align"), b[0]));
	cli_kv(2, "map", "%s", str_or(doc_str(p, "map"), "-"));
	if (doc_str(p, "name"))
		cli_kv(2, "name", "%s", doc_str(p, "name"));
	cli_kv(2, "memmap", "%s in RAM, %s on the device, %s saved (model)",
	       size_format(doc_u64(mm, "ram_bytes"), b[0]),
	       size_format(doc_u64(mm, "device_bytes"), b[1]),
	       size_format(doc_u64(mm, "saved_bytes"), b[2]));
	doc_foreach(p, "notes", i, note)
		if (json_object_is_type(note, json_type_string))
			cli_note("%s", json_object_get_string(note));
}

/* Whether device @d of a status document is namespace @devname's. */
static bool device_of(json *d, const char *devname)
{
	const char *ns = doc_str(d, "namespace");

	return ns && strcmp(ns, devname) == 0;
}

static void print_created(json *doc, const char *devname)
{
	char b[3][SIZE_BUF];
	size_t i;
	json *d;

	printf("created %s\n", devname);
	doc_foreach(doc, "devices", i, d) {
		json *mm = doc_get(d, "memmap");

		if (!device_of(d, devname))
			continue;
		cli_kv(2, "device", "%s, %s at align %s",
		       str_or(doc_str(d, "chardev"), "-"),
		       size_format(doc_u64(d, "size"), b[0]),
		       size_format_exact(doc_u64(d, "align"), b[1]));
		if (mm)
			cli_kv(2, "memmap", "%s in RAM, %s on the device, %s saved (%s)",
			       size_format(doc_u64(mm, "ram_bytes"), b[0]),
			       size_format(doc_u64(mm, "device_bytes"), b[1]),
			       size_format(doc_u64(mm, "saved_bytes"), b[2]),
			       str_or(doc_str(mm, "source"), "-"));
	}
}

/*
 * What daxmap_namespace_to_json() renders, taken out of a status
 * document: {"schema": 1, "namespace": {...}, "devices": [...]}.
 */
static int print_created_json(json *doc, const char *devname)
{
	_cleanup_doc_ json *out = json_object_new_object();
	json *devices = json_object_new_array(), *n, *found = NULL, *d;
	_cleanup_free_ char *text = NULL;
	size_t i;

	if (!out || !devices) {
		json_object_put(devices);
		return -ENOMEM;
	}
	doc_foreach(doc, "namespaces", i, n) {
		const char *dev = doc_str(n, "dev");

		if (dev && strcmp(dev, devname) == 0)
			found = n;
	}
	doc_foreach(doc, "devices", i, d)
		if (device_of(d, devname))
			json_object_array_add(devices, json_object_get(d));
	if (!found) {
		json_object_put(devices);
		return -ENOENT;
	}
	json_object_object_add(out, "schema",
			       json_object_get(doc_get(doc, "schema")));
	json_object_object_add(out, "namespace", json_object_get(found));
	json_object_object_add(out, "devices", devices);
	text = doc_print(out);
	if (!text)
		return -ENOMEM;
	cli_print_json(text);
	return 0;
}

/* Validates, says what was decided and why, and creates, in this process. */
static int create_direct(struct cli *cli, struct daxmap_ctx *ctx,
			 const struct daxmap_create_request *req,
			 bool dry_run, char **ret_namespace)
{
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_free_ char *message = NULL, *text = NULL;
	struct daxmap_create_plan *plan = NULL;
	_cleanup_doc_ json *doc = NULL;
	int r;

	if (!dry_run)
		cli_recover(ctx);
	r = daxmap_kernel_probe(ctx, &k);
	if (r < 0)
		return cli_error(r, "cannot probe the running kernel");
	r = daxmap_topology_scan(ctx, k, &t);
	if (r < 0)
		return cli_error(r, "cannot read the persistent-memory topology");

	r = daxmap_create_prepare(ctx, k, t, req, &plan, NULL, &message);
	if (r < 0)
		return cli_failed("create namespace", r, message);
	/* Shown from its document, as daxmapd's plan is. */
	r = daxmap_create_plan_to_json(plan, 0, &text);
	if (r >= 0)
		r = doc_parse(text, &doc);
	if (r < 0) {
		daxmap_create_plan_free(plan);
		return cli_error(r, "create namespace: cannot render the plan");
	}
	if (!cli->json)
		print_plan(doc, dry_run);
	if (dry_run) {
		daxmap_create_plan_free(plan);
		return EXIT_OK;
	}
	r = daxmap_create_commit(ctx, k, plan, ret_namespace, NULL, &message);
	daxmap_create_plan_free(plan);
	if (r < 0)
		return cli_failed("create namespace", r, message);
	return EXIT_OK;
}

/*
 * The same through daxmapd: its dry run gives the plan to show before
 * anything is written (and before polkit may ask for a password), then
 * the create itself, which the daemon validates again.
 */
static int create_with_daemon(struct cli *cli, struct cli_daemon *daemon,
			      const struct daxmap_create_request *req,
			      bool dry_run, char **ret_namespace)
{
	_cleanup_doc_ json *plan = NULL, *again = NULL;
	int r;

	r = cli_daemon_create(daemon, req, true, &plan, NULL);
	if (r)
		return r;
	if (!cli->json) {
		print_plan(plan, dry_run);
		/* The plan is on the screen before a password prompt. */
		fflush(stdout);
	}
	if (dry_run)
		return EXIT_OK;
	return cli_daemon_create(daemon, req, false, &again, ret_namespace);
}

int cmd_create(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "size", required_argument, NULL, 's' },
		{ "align", required_argument, NULL, 'a' },
		{ "mode", required_argument, NULL, 'm' },
		{ "map", required_argument, NULL, 'M' },
		{ "region", required_argument, NULL, 'r' },
		{ "numa-node", required_argument, NULL, OPT_NUMA_NODE },
		{ "name", required_argument, NULL, 'n' },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "measure", no_argument, NULL, OPT_MEASURE },
		{}
	};
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_doc_ json *doc = NULL;
	_cleanup_free_ char *devname = NULL, *message = NULL;
	struct daxmap_create_request req = { .numa_node = -1 };
	const char *size_arg = NULL;
	bool dry_run = false;
	char *end;
	int c, r;

	if (cli->help && argc < 2) {
		usage_create(stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "device") == 0)
		return cmd_create_device(cli, argc, argv);
	r = cli_expect_object("create", "namespace", argc, argv);
	if (r)
		return r;
	argc--;
	argv++;

	optind = 0;
	while ((c = cli_getopt(cli, "create namespace", argc, argv,
			       "s:a:m:M:r:n:", longopts)) != -1) {
		switch (c) {
		case 's':
			size_arg = optarg;
			break;
		case 'a':
			r = cli_parse_align(optarg, &req.align);
			if (r)
				return r;
			break;
		case 'm':
			if (daxmap_create_request_set_mode(&req, optarg, NULL,
							   &message) < 0)
				return cli_refused(NULL, message);
			break;
		case 'M':
			if (daxmap_map_from_name(optarg, &req.map) < 0)
				return cli_usage_error("invalid map '%s': must be mem or dev",
						       optarg);
			break;
		case 'r':
			req.region = optarg;
			break;
		case OPT_NUMA_NODE: {
			long node;

			/* Range-checked before the cast: 2^32 is no node 0. */
			errno = 0;
			node = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || node < 0 ||
			    node > INT_MAX)
				return cli_usage_error("invalid NUMA node '%s': a number from 0",
						       optarg);
			req.numa_node = (int)node;
			break;
		}
		case 'n':
			req.name = optarg;
			break;
		case OPT_DRY_RUN:
			dry_run = true;
			break;
		case OPT_MEASURE:
			cli->measure = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_handled_help(cli, usage_create))
		return EXIT_OK;
	r = cli_no_arguments("create namespace", argc, argv);
	if (r)
		return r;
	if (!size_arg)
		return cli_usage_error("create namespace: missing required option --size (e.g. --size 64G or --size 50%%)");
	r = parse_size_or_percent(size_arg, &req);
	if (r)
		return r;
	if (daxmap_create_request_check(&req, NULL, &message) < 0)
		return cli_refused("create namespace", message);

	r = cli_daemon_open(cli, dry_run ? CLI_WANT_STATUS : CLI_WANT_CHANGE,
			    &daemon);
	if (r)
		return r;
	r = cli_open(cli, &ctx);
	if (r)
		return r;
	r = daemon ? create_with_daemon(cli, daemon, &req, dry_run, &devname) :
		     create_direct(cli, ctx, &req, dry_run, &devname);
	if (r || dry_run)
		return r;

	/* Show what the kernel made of it, measured figures included. */
	r = cli_get_status(cli, CLI_WANT_STATUS, &doc);
	if (r)
		return r;
	if (cli->json) {
		r = print_created_json(doc, devname);
		if (r < 0)
			return cli_error(r, "created %s, but cannot render it",
					 devname);
	} else {
		print_created(doc, devname);
	}
	return EXIT_OK;
}

int cli_destroy(struct cli *cli, const struct cli_destroy_kind *kind,
		int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "force", no_argument, NULL, 'f' },
		{}
	};
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_free_ char *message = NULL, *devname = NULL;
	unsigned int flags = 0;
	const char *which;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, kind->what, argc, argv, "f",
			       longopts)) != -1) {
		if (c != 'f')
			return EXIT_USAGE;
		flags |= DAXMAP_DESTROY_FORCE;
	}
	if (cli_handled_help(cli, kind->usage))
		return EXIT_OK;
	which = optind < argc ? argv[optind++] : "";
	if (daxmap_destroy_request_check(which, NULL, &message) < 0)
		return cli_refused(kind->what, message);
	r = cli_no_arguments(kind->what, argc, argv);
	if (r)
		return r;

	r = cli_daemon_open(cli, CLI_WANT_CHANGE, &daemon);
	if (r)
		return r;
	if (daemon) {
		const struct cli_bus_option opts[] = {
			{ "force", 'b', .b = flags & DAXMAP_DESTROY_FORCE },
		};

		r = cli_daemon_call_name(daemon, kind->method, kind->what,
					 which, opts, ARRAY_SIZE(opts),
					 &devname);
		if (r)
			return r;
	} else {
		r = cli_open_for_change(cli, &ctx);
		if (r)
			return r;
		r = kind->destroy(ctx, which, flags, &devname, NULL, &message);
		if (r < 0)
			return cli_failed(kind->what, r, message);
	}
	printf("destroyed %s\n", devname);
	return EXIT_OK;
}

int cmd_destroy(struct cli *cli, int argc, char **argv)
{
	static const struct cli_destroy_kind namespace = {
		.what = "destroy namespace",
		.method = "DestroyNamespace",
		.usage = usage_destroy,
		.destroy = daxmap_destroy_namespace,
	};
	int r;

	if (cli->help && argc < 2) {
		usage_destroy(stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "device") == 0)
		return cmd_destroy_device(cli, argc, argv);
	r = cli_expect_object("destroy", "namespace", argc, argv);
	if (r)
		return r;
	return cli_destroy(cli, &namespace, argc - 1, argv + 1);
}

int cmd_reconfigure(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "mode", required_argument, NULL, 'm' },
		{ "align", required_argument, NULL, 'a' },
		{ "size", required_argument, NULL, 's' },
		{ "memmap-on-memory", no_argument, NULL, OPT_MEMMAP_ON_MEMORY },
		{}
	};
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	struct daxmap_reconfigure_request req = {};
	_cleanup_free_ char *message = NULL;
	const char *which, *why;
	int c, r;

	if (cli->help && argc < 2) {
		usage_reconfigure(stdout);
		return EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "namespace") == 0)
		return cmd_reconfigure_namespace(cli, argc, argv);
	r = cli_expect_object("reconfigure", "device", argc, argv);
	if (r)
		return r;
	argc--;
	argv++;

	optind = 0;
	while ((c = cli_getopt(cli, "reconfigure device", argc, argv, "m:a:s:",
			       longopts)) != -1) {
		switch (c) {
		case 'm':
			if (daxmap_reconfigure_request_set_mode(&req, optarg,
								NULL,
								&message) < 0)
				return cli_refused(NULL, message);
			break;
		case 'a':
			r = cli_parse_align(optarg, &req.align);
			if (r)
				return r;
			break;
		case 's':
			if (daxmap_parse_size(optarg, &req.size, &why) < 0)
				return cli_usage_error("invalid size '%s': %s; use " SIZE_FORMS,
						       optarg, why);
			break;
		case OPT_MEMMAP_ON_MEMORY:
			req.memmap_on_memory = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_handled_help(cli, usage_reconfigure))
		return EXIT_OK;
	which = optind < argc ? argv[optind++] : "";
	if (daxmap_reconfigure_request_check(which, &req, NULL, &message) < 0)
		return cli_refused("reconfigure device", message);
	r = cli_no_arguments("reconfigure device", argc, argv);
	if (r)
		return r;

	r = cli_daemon_open(cli, CLI_WANT_CHANGE, &daemon);
	if (r)
		return r;
	if (daemon) {
		r = cli_daemon_reconfigure(daemon, which, &req);
		if (r)
			return r;
	} else {
		r = cli_open_for_change(cli, &ctx);
		if (r)
			return r;
		r = daxmap_reconfigure_device(ctx, which, &req, NULL, &message);
		if (r < 0)
			return cli_failed("reconfigure device", r, message);
	}
	printf("reconfigured %s\n", which);
	return EXIT_OK;
}
