// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl metrics: the status in Prometheus's text exposition format.
 * The library renders it from the status document, the daemon's or its
 * own, as daxmapd renders the textfile it keeps for node_exporter.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "doc.h"

void usage_metrics(FILE *f)
{
	fputs("Usage: " PROGRAM " metrics\n"
	      "\n"
	      "Print the status in the Prometheus text exposition format: the kernel\n"
	      "(dedup, daxmap's patches), regions, dax regions, every dax device with\n"
	      "its size, mode and align, what its memmap costs and saves by source,\n"
	      "the vmemmap's page tables, the page tables of the processes mapping\n"
	      "it, the totals and the configuration's drift. daxmapd keeps the same\n"
	      "text in a file for node_exporter's textfile collector (see daxmapd(8)).\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help         show this help\n", f);
}

int cmd_metrics(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	_cleanup_doc_ json *doc = NULL;
	_cleanup_free_ char *text = NULL, *metrics = NULL;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "metrics", argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;
	if (cli_handled_help(cli, usage_metrics))
		return EXIT_OK;
	r = cli_no_arguments("metrics", argc, argv);
	if (r)
		return r;
	if (cli->json || cli->human)
		return cli_usage_error("metrics: there is no --json or --human metrics: it prints Prometheus's text format");

	r = cli_get_status(cli, CLI_WANT_STATUS, &doc);
	if (r)
		return r;
	text = doc_print(doc);
	if (!text)
		return cli_error(-ENOMEM, "cannot print the status");
	r = daxmap_export_render(DAXMAP_EXPORT_PROMETHEUS, text, &metrics);
	if (r < 0)
		return cli_error(r, "cannot render the metrics");
	fputs(metrics, stdout);
	if (fflush(stdout) != 0)
		return cli_error(-errno, "cannot print the metrics");
	return EXIT_OK;
}
