// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl apply, and the configuration as status shows it: each
 * [namespace NAME] and [device NAME] section of the configuration held
 * against the host.
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
#include "table.h"

void usage_apply(FILE *f)
{
	fputs("Usage: " PROGRAM " apply [--dry-run] [--measure] [--json]\n"
	      "\n"
	      "Bring the host to its configuration (/etc/daxmap/daxmap.conf and\n"
	      "daxmap.conf.d/*.conf, [namespace NAME] and [device NAME] sections; see\n"
	      "daxmap.conf(5)): create every namespace and dax device that is missing.\n"
	      "One that drifted (another size, align, mode, map or region) is left as\n"
	      "it is and reported, unless its section says recreate = yes and daxmap\n"
	      "created it: then it is destroyed and created again (a device whose mode\n"
	      "alone drifted is reconfigured), which loses its data, and never while a\n"
	      "process uses it. A dax region whose capacity the kernel gave its own\n"
	      "device is taken over for a [device] section: a system-ram device is\n"
	      "offlined and removed, a devdax one only with replace = yes; it is put\n"
	      "back if the section's device cannot be made. Nothing else is destroyed\n"
	      "or shrunk. A second apply does nothing.\n"
	      "\n"
	      "Options:\n"
	      "      --dry-run      say what would be done; change nothing\n"
	      "      --measure      measure the RAM each create takes (drops the page\n"
	      "                     cache; default: the configuration's [daxmap] measure)\n"
	      "  -j, --json         print the report as JSON\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 when every section is as it should be or was made so, or\n"
	      "drifted and is left so by the configuration; 1 when the configuration\n"
	      "does not load or a section failed.\n", f);
}

/* "size is 2G (wants 4G), align is 2M (wants 1G)", or "-". */
static void drift_cell(struct table *t, json *c)
{
	char text[256] = "";
	size_t len = 0, i;
	json *d;

	doc_foreach(c, "drift", i, d)
		if (len < sizeof(text))
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s%s is %s (wants %s)",
						i ? ", " : "",
						str_or(doc_str(d, "key"), "?"),
						str_or(doc_str(d, "have"), "-"),
						str_or(doc_str(d, "want"), "-"));
	table_cell(t, "%s", text[0] ? text : "-");
}

int print_config_checks(json *checks, bool applied)
{
	static const struct table_column status_cols[] = {
		TABLE_LEFT("NAME"), TABLE_LEFT("KIND"), TABLE_LEFT("STATE"),
		TABLE_LEFT("ON HOST"), TABLE_LEFT("DRIFT"),
	};
	static const struct table_column apply_cols[] = {
		TABLE_LEFT("NAME"), TABLE_LEFT("KIND"), TABLE_LEFT("OUTCOME"),
		TABLE_LEFT("ON HOST"), TABLE_LEFT("DRIFT"),
	};
	_cleanup_table_ struct table *t = table_new(
		applied ? apply_cols : status_cols, ARRAY_SIZE(status_cols));
	size_t i;
	json *c;
	int r;

	if (!t)
		return -ENOMEM;
	doc_foreach(checks, NULL, i, c) {
		/* A daemon of before [device] sections sends no kind. */
		const char *kind = str_or(doc_str(c, "kind"), "namespace");
		bool device = strcmp(kind, "device") == 0;

		table_row(t);
		table_cell(t, "%s", str_or(doc_str(c, "name"), "-"));
		table_cell(t, "%s", kind);
		table_cell(t, "%s", str_or(doc_str(c, applied ? "outcome" :
								"state"),
					   "-"));
		table_cell(t, "%s", str_or(doc_str(c, device ? "device" :
							       "namespace"),
					   "-"));
		drift_cell(t, c);
	}
	r = table_print(t, stdout, 2);
	if (r < 0 || !applied)
		return r;
	/* What was done, or why not, one note a section. */
	doc_foreach(checks, NULL, i, c)
		if (doc_str(c, "message"))
			cli_note("%s: %s", str_or(doc_str(c, "name"), "-"),
				 doc_str(c, "message"));
	return 0;
}

void print_apply_summary(const char *what, json *s)
{
	printf("%s%s: %" PRId64 " created, %" PRId64 " recreated, %" PRId64
	       " unchanged, %" PRId64 " left drifted, %" PRId64 " failed\n",
	       what, str_or(doc_str(s, "time"), "-"),
	       doc_int(s, "created", 0), doc_int(s, "recreated", 0),
	       doc_int(s, "unchanged", 0), doc_int(s, "drifted", 0),
	       doc_int(s, "failed", 0));
}

/* The report's document, as daxmapd sends it and the library renders it. */
static int print_report(struct cli *cli, json *doc)
{
	json *report = doc_get(doc, "apply");
	json *summary = doc_get(report, "summary");
	bool dry_run = doc_bool(report, "dry_run");
	_cleanup_free_ char *text = NULL;
	const char *file;
	size_t i;
	json *f;
	int r;

	if (cli->json) {
		text = doc_print(doc);
		if (!text)
			return cli_error(-ENOMEM, "apply: cannot print the report");
		cli_print_json(text);
		return 0;
	}
	file = json_object_get_string(doc_at(report, "files", 0));
	if (!doc_at(report, "files", 0) || !file) {
		printf("No configuration: nothing to apply\n");
		return 0;
	}
	printf("%s", dry_run ? "Would apply" : "Applied");
	doc_foreach(report, "files", i, f)
		printf("%s %s", i ? "," : "", json_object_get_string(f));
	printf("\n");
	if (doc_at(report, "namespaces", 0)) {
		r = print_config_checks(doc_get(report, "namespaces"), true);
		if (r < 0)
			return cli_error(r, "apply: cannot print the report");
	}
	print_apply_summary(dry_run ? "dry run at " : "applied at ", summary);
	return 0;
}

/* Loads the configuration and applies it, in this process. */
static int apply_direct(struct cli *cli, bool dry_run, json **ret_doc)
{
	struct daxmap_apply_report *report = NULL;
	_cleanup_free_ char *text = NULL;
	_cleanup_(daxmap_kernel_unrefp) struct daxmap_kernel *k = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_free_ char *message = NULL;
	struct daxmap_config *cfg = NULL;
	int r;

	r = cli_open(cli, &ctx);
	if (r)
		return r;
	if (!dry_run)
		cli_recover(ctx);
	r = daxmap_config_load(ctx, &cfg, &message);
	if (r < 0) {
		fprintf(stderr, PROGRAM ": apply: %s; nothing was changed\n",
			message ? message : strerror(-r));
		return EXIT_FAILED;
	}
	r = daxmap_kernel_probe(ctx, &k);
	if (r >= 0)
		r = daxmap_apply(ctx, k, cfg,
				 dry_run ? DAXMAP_APPLY_DRY_RUN : 0, &report);
	daxmap_config_unref(cfg);
	if (r < 0)
		return cli_error(r, "apply: cannot read the host");
	/* Printed from its document, as daxmapd's report is. */
	r = daxmap_apply_report_to_json(report, cli_json_flags(cli), &text);
	daxmap_apply_report_free(report);
	if (r >= 0)
		r = doc_parse(text, ret_doc);
	if (r < 0)
		return cli_error(r, "apply: cannot render the report");
	return 0;
}

int cmd_apply(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "measure", no_argument, NULL, OPT_MEASURE },
		{}
	};
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	_cleanup_doc_ json *doc = NULL;
	bool dry_run = false;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "apply", argc, argv, "", longopts)) != -1) {
		if (c == OPT_DRY_RUN)
			dry_run = true;
		else if (c == OPT_MEASURE)
			cli->measure = true;
		else
			return EXIT_USAGE;
	}
	if (cli_handled_help(cli, usage_apply))
		return EXIT_OK;
	r = cli_no_arguments("apply", argc, argv);
	if (r)
		return r;

	r = cli_daemon_open(cli, dry_run ? CLI_WANT_STATUS : CLI_WANT_CHANGE,
			    &daemon);
	if (r)
		return r;
	if (daemon) {
		r = cli_open(cli, &ctx);
		if (!r)
			r = cli_daemon_apply(daemon, dry_run, &doc);
	} else {
		r = apply_direct(cli, dry_run, &doc);
	}
	if (r)
		return r;
	r = print_report(cli, doc);
	if (r)
		return r;
	return doc_int(doc_get(doc_get(doc, "apply"), "summary"), "failed", 0) ?
		       EXIT_FAILED : EXIT_OK;
}
