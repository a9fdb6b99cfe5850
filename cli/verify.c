// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl verify device: map a dax device as an application does
 * (libpmem2) and check what the mapping really gets. The library returns
 * a schema-1 document; --json prints it, the text is rendered from it, so
 * that both say the same.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "size.h"

void usage_verify(FILE *f)
{
	fputs("Usage: " PROGRAM " verify device DEVICE|NAME [--pattern [--size SIZE]] [--force]\n"
	      "\n"
	      "Map a devdax device with libpmem2, as an application does, and check that\n"
	      "the mapping gets the device's align from libpmem2 and as the kernel's page\n"
	      "size, and what its page tables cost against the model (the first 2 GiB are\n"
	      "faulted in). DEVICE is daxX.Y or /dev/daxX.Y; NAME a namespace or its name.\n"
	      "\n"
	      "  -p, --pattern      also write a pattern with libpmem2's memcpy, persisted,\n"
	      "                     read it back and time both: over 16 ranges of up to\n"
	      "                     2 MiB spread across the device, or over the first SIZE\n"
	      "                     bytes; ranges that were zeros are zeroed again (root)\n"
	      "  -s, --size SIZE    with --pattern, how much to write from the start\n"
	      "  -f, --force        verify a device a process maps, and write over what is\n"
	      "                     neither zeros nor an earlier verify's pattern\n"
	      "\n"
	      "Refused, writing nothing: a device in system-ram mode, one a process maps or\n"
	      "that holds data (without --force), a range with a known bad block.\n"
	      "Exit status: 0 passed, 1 failed or refused, 2 usage error.\n",
	      f);
}

static void json_object_putp(json_object **o)
{
	json_object_put(*o);
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static uint64_t get_u64(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v ? (uint64_t)json_object_get_uint64(v) : 0;
}

static const char *get_str(json_object *o, const char *key, const char *dflt)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) : dflt;
}

static const char *human(uint64_t bytes, char buf[static SIZE_BUF])
{
	return size_format(bytes, buf);
}

/* One check's line: "ok" or what it got instead. */
static void print_check(json_object *checks, const char *name,
			const char *label, const char *what)
{
	char want[SIZE_BUF], have[SIZE_BUF];
	size_t i;

	for (i = 0; checks && i < json_object_array_length(checks); i++) {
		json_object *c = json_object_array_get_idx(checks, i);

		if (strcmp(get_str(c, "check", ""), name) != 0)
			continue;
		if (!get(c, "have") || json_object_is_type(get(c, "have"),
							   json_type_null))
			cli_kv(2, label, "unknown (%s), want %s: FAILED", what,
			       human(get_u64(c, "want"), want));
		else if (json_object_get_boolean(get(c, "passed")))
			cli_kv(2, label, "%s (%s), the device's align: ok",
			       human(get_u64(c, "have"), have), what);
		else
			cli_kv(2, label, "%s (%s), not the align %s: FAILED",
			       human(get_u64(c, "have"), have), what,
			       human(get_u64(c, "want"), want));
	}
}

static void print_pattern(json_object *p)
{
	char a[SIZE_BUF], b[SIZE_BUF], c[SIZE_BUF];
	json_object *m = get(p, "mismatch");

	if (!p || json_object_is_type(p, json_type_null)) {
		cli_kv(2, "pattern", "not written (--pattern writes one)");
		return;
	}
	cli_kv(2, "pattern", "%s in %" PRIu64 " ranges, persisted at %s/s, read at %s/s",
	       human(get_u64(p, "written_bytes"), a), get_u64(p, "ranges"),
	       human(get_u64(p, "write_bytes_per_sec"), b),
	       human(get_u64(p, "read_bytes_per_sec"), c));
	if (m && !json_object_is_type(m, json_type_null))
		cli_kv(2, "", "FAILED: at offset %" PRIu64 " read %s, wrote %s",
		       get_u64(m, "offset"), get_str(m, "found", "?"),
		       get_str(m, "expected", "?"));
	else
		cli_kv(2, "", "read back as written: ok");
	if (get_u64(p, "restored_bytes"))
		cli_kv(2, "", "%s that were zeros zeroed again",
		       human(get_u64(p, "restored_bytes"), a));
}

static void print_badblocks(json_object *bb)
{
	char a[SIZE_BUF];
	size_t i, n;

	if (!bb || json_object_is_type(bb, json_type_null)) {
		cli_kv(2, "bad blocks", "unknown (libpmem2 could not read them)");
		return;
	}
	n = json_object_array_length(bb);
	if (!n) {
		cli_kv(2, "bad blocks", "none known");
		return;
	}
	for (i = 0; i < n; i++) {
		json_object *b = json_object_array_get_idx(bb, i);

		cli_kv(2, i ? "" : "bad blocks", "%s at offset %" PRIu64,
		       human(get_u64(b, "length"), a), get_u64(b, "offset"));
	}
}

/* The text of a verify document's "verify" object. */
static void print_verify(json_object *v)
{
	char a[SIZE_BUF], b[SIZE_BUF], c[SIZE_BUF], d[SIZE_BUF];
	json_object *pt = get(v, "pagetables");

	printf("verify %s (%s, %s): %s\n", get_str(v, "device", "?"),
	       get_str(v, "chardev", "?"), get_str(v, "namespace", "no namespace"),
	       json_object_get_boolean(get(v, "passed")) ? "passed" : "FAILED");
	cli_kv(2, "size", "%s at align %s", human(get_u64(v, "size"), a),
	       size_format_exact(get_u64(v, "align"), b));
	print_check(get(v, "checks"), "alignment", "alignment", "libpmem2");
	print_check(get(v, "checks"), "page_size", "page size",
		    "KernelPageSize");
	cli_kv(2, "page tables", "%s to map %s: %s per GiB measured, %s model",
	       human(get_u64(pt, "measured_bytes"), a),
	       human(get_u64(pt, "mapped_bytes"), b),
	       human(get_u64(pt, "measured_per_gib"), c),
	       human(get_u64(pt, "model_per_gib"), d));
	print_pattern(get(v, "pattern"));
	print_badblocks(get(v, "badblocks"));
}

static int parse(struct cli *cli, int argc, char **argv,
		 struct daxmap_verify_request *req)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "pattern", no_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{}
	};
	const char *why;
	int c;

	optind = 0;
	while ((c = cli_getopt(cli, "verify device", argc, argv, "ps:f",
			       longopts)) != -1) {
		switch (c) {
		case 'p':
			req->flags |= DAXMAP_VERIFY_PATTERN;
			break;
		case 's':
			if (daxmap_parse_size(optarg, &req->size, &why) < 0)
				return cli_usage_error("invalid size '%s': %s; use " SIZE_FORMS,
						       optarg, why);
			break;
		case 'f':
			req->flags |= DAXMAP_VERIFY_FORCE;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (cli_handled_help(cli, usage_verify))
		return -1;
	if (req->size && !(req->flags & DAXMAP_VERIFY_PATTERN))
		return cli_usage_error("verify device: --size says how much pattern to write: give --pattern too");
	if (optind >= argc)
		return cli_usage_error("verify device: which one? (daxX.Y, or a namespace or its name)");
	req->which = argv[optind++];
	return cli_no_arguments("verify device", argc, argv);
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	struct daxmap_verify_request req = {};
	_cleanup_free_ char *message = NULL, *document = NULL;
	_cleanup_(json_object_putp) json_object *root = NULL;
	struct daxmap_verify *result = NULL;
	enum daxmap_reason reason;
	json_object *v;
	int r;

	if (cli->help && argc < 2) {
		usage_verify(stdout);
		return EXIT_OK;
	}
	r = cli_expect_object("verify", "device", argc, argv);
	if (r)
		return r;
	r = parse(cli, argc - 1, argv + 1, &req);
	if (r)
		return r < 0 ? EXIT_OK : r;

	r = cli_daemon_open(cli, req.flags & DAXMAP_VERIFY_PATTERN ?
					 CLI_WANT_CHANGE : CLI_WANT_STATUS,
			    &daemon);
	if (r)
		return r;
	if (daemon) {
		r = cli_daemon_verify(daemon, &req, cli_json_flags(cli),
				      &document);
		if (r)
			return r;
	} else {
		r = cli_open(cli, &ctx);
		if (!r)
			r = daxmap_kernel_probe(ctx, &k) < 0 ?
				    cli_error(-EIO, "cannot probe the kernel") : 0;
		if (r)
			return r;
		r = daxmap_verify_device(ctx, k, &req, &result, &reason,
					 &message);
		if (r < 0) {
			fprintf(stderr, PROGRAM ": verify device: %s\n",
				message ? message : strerror(-r));
			return EXIT_FAILED;
		}
		r = daxmap_verify_to_json(result, cli_json_flags(cli),
					  &document);
		daxmap_verify_free(result);
		if (r < 0)
			return cli_error(r, "verify device");
	}

	root = json_tokener_parse(document);
	v = get(root, "verify");
	if (!v)
		return cli_error(-EBADMSG, "verify device: not a verify document");
	if (cli->json)
		cli_print_json(document);
	else
		print_verify(v);
	return json_object_get_boolean(get(v, "passed")) ? EXIT_OK :
							   EXIT_FAILED;
}
