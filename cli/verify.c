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

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "doc.h"
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

/* One check's line: "ok" or what it got instead. */
static void print_check(json *v, const char *name, const char *label,
			const char *what)
{
	char want[SIZE_BUF], have[SIZE_BUF];
	size_t i;
	json *c;

	doc_foreach(v, "checks", i, c) {
		if (strcmp(str_or(doc_str(c, "check"), ""), name) != 0)
			continue;
		if (!doc_u64(c, "have"))
			cli_kv(2, label, "unknown (%s), want %s: FAILED", what,
			       size_format(doc_u64(c, "want"), want));
		else if (doc_bool(c, "passed"))
			cli_kv(2, label, "%s (%s), the device's align: ok",
			       size_format(doc_u64(c, "have"), have), what);
		else
			cli_kv(2, label, "%s (%s), not the align %s: FAILED",
			       size_format(doc_u64(c, "have"), have), what,
			       size_format(doc_u64(c, "want"), want));
	}
}

static void print_pattern(json *p)
{
	char a[SIZE_BUF], b[SIZE_BUF], c[SIZE_BUF];
	json *m = doc_get(p, "mismatch");

	if (!p) {
		cli_kv(2, "pattern", "not written (--pattern writes one)");
		return;
	}
	cli_kv(2, "pattern", "%s in %" PRId64 " ranges, persisted at %s/s, read at %s/s",
	       size_format(doc_u64(p, "written_bytes"), a),
	       doc_int(p, "ranges", 0),
	       size_format(doc_u64(p, "write_bytes_per_sec"), b),
	       size_format(doc_u64(p, "read_bytes_per_sec"), c));
	if (m)
		cli_kv(2, "", "FAILED: at offset %" PRIu64 " read %s, wrote %s",
		       doc_u64(m, "offset"), str_or(doc_str(m, "found"), "?"),
		       str_or(doc_str(m, "expected"), "?"));
	else
		cli_kv(2, "", "read back as written: ok");
	if (doc_u64(p, "restored_bytes"))
		cli_kv(2, "", "%s that were zeros zeroed again",
		       size_format(doc_u64(p, "restored_bytes"), a));
}

static void print_badblocks(json *v)
{
	char a[SIZE_BUF];
	size_t i;
	json *b;

	if (!doc_get(v, "badblocks")) {
		cli_kv(2, "bad blocks", "unknown (libpmem2 could not read them)");
		return;
	}
	if (!doc_at(v, "badblocks", 0)) {
		cli_kv(2, "bad blocks", "none known");
		return;
	}
	doc_foreach(v, "badblocks", i, b)
		cli_kv(2, i ? "" : "bad blocks", "%s at offset %" PRIu64,
		       size_format(doc_u64(b, "length"), a),
		       doc_u64(b, "offset"));
}

/* The text of a verify document's "verify" object. */
static void print_verify(json *v)
{
	char a[SIZE_BUF], b[SIZE_BUF], c[SIZE_BUF], d[SIZE_BUF];
	json *pt = doc_get(v, "pagetables");

	printf("verify %s (%s, %s): %s\n", str_or(doc_str(v, "device"), "?"),
	       str_or(doc_str(v, "chardev"), "?"),
	       str_or(doc_str(v, "namespace"), "no namespace"),
	       doc_bool(v, "passed") ? "passed" : "FAILED");
	cli_kv(2, "size", "%s at align %s", size_format(doc_u64(v, "size"), a),
	       size_format_exact(doc_u64(v, "align"), b));
	print_check(v, "alignment", "alignment", "libpmem2");
	print_check(v, "page_size", "page size", "KernelPageSize");
	cli_kv(2, "page tables", "%s to map %s: %s per GiB measured, %s model",
	       size_format(doc_u64(pt, "measured_bytes"), a),
	       size_format(doc_u64(pt, "mapped_bytes"), b),
	       size_format(doc_u64(pt, "measured_per_gib"), c),
	       size_format(doc_u64(pt, "model_per_gib"), d));
	print_pattern(doc_get(v, "pattern"));
	print_badblocks(v);
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
	_cleanup_free_ char *message = NULL;
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
	req->which = optind < argc ? argv[optind++] : "";
	if (daxmap_verify_request_check(req, NULL, &message) < 0)
		return cli_refused("verify device", message);
	return cli_no_arguments("verify device", argc, argv);
}

/* The result's document, verified here. */
static int verify_here(struct cli *cli, const struct daxmap_verify_request *req,
		       json **ret_doc)
{
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_free_ char *message = NULL, *text = NULL;
	struct daxmap_verify *v = NULL;
	int r;

	r = cli_open(cli, &ctx);
	if (r)
		return r;
	r = daxmap_kernel_probe(ctx, &k);
	if (r < 0)
		return cli_error(r, "verify device: cannot probe the kernel");
	r = daxmap_verify_device(ctx, k, req, &v, NULL, &message);
	if (r < 0)
		return cli_failed("verify device", r, message);
	r = daxmap_verify_to_json(v, cli_json_flags(cli), &text);
	daxmap_verify_free(v);
	if (r < 0)
		return cli_error(r, "verify device");
	r = doc_parse(text, ret_doc);
	return r < 0 ? cli_error(r, "verify device") : 0;
}

int cmd_verify(struct cli *cli, int argc, char **argv)
{
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	struct daxmap_verify_request req = {};
	_cleanup_free_ char *message = NULL, *text = NULL;
	_cleanup_doc_ json *doc = NULL;
	json *v;
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
	r = daemon ? cli_daemon_verify(daemon, &req, cli->human, &doc) :
		     verify_here(cli, &req, &doc);
	if (r)
		return r;
	v = doc_get(doc, "verify");
	if (!v)
		return cli_error(-EBADMSG, "verify device: not a verify document");
	if (cli->json) {
		text = doc_print(doc);
		if (!text)
			return cli_error(-ENOMEM, "verify device");
		cli_print_json(text);
	} else {
		print_verify(v);
	}
	return doc_bool(v, "passed") ? EXIT_OK : EXIT_FAILED;
}
