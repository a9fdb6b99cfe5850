// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl apply, and the configuration as status shows it: each
 * [namespace NAME] section of the configuration held against the host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "client.h"
#include "daxmapctl.h"
#include "table.h"

void usage_apply(FILE *f)
{
	fputs("Usage: " PROGRAM " apply [--dry-run] [--json]\n"
	      "\n"
	      "Bring the host to its configuration (/etc/daxmap/daxmap.conf and\n"
	      "daxmap.conf.d/*.conf, [namespace NAME] sections; see daxmap.conf(5)):\n"
	      "create every namespace that is missing. One that drifted (another size,\n"
	      "align, mode, map or region) is left as it is and reported, unless its\n"
	      "section says recreate = yes and daxmap created it: then it is destroyed\n"
	      "and created again, which loses its data, and never while a process uses\n"
	      "it. Nothing else is destroyed or shrunk. A second apply does nothing.\n"
	      "\n"
	      "Options:\n"
	      "      --dry-run      say what would be done; change nothing\n"
	      "  -j, --json         print the report as JSON\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 when every section is as it should be or was made so, or\n"
	      "drifted and is left so by the configuration; 1 when the configuration\n"
	      "does not load or a section failed.\n", f);
}

/* "size is 2G (wants 4G), align is 2M (wants 1G)", or "-". */
static void drift_cell(struct table *t, struct daxmap_config_check *c)
{
	const char *key, *want, *have;
	char text[256] = "";
	size_t len = 0;
	int i;

	for (i = 0; daxmap_config_check_get_drift(c, i, &key, &want, &have) == 0;
	     i++)
		len += (size_t)snprintf(text + len,
					len < sizeof(text) ? sizeof(text) - len : 0,
					"%s%s is %s (wants %s)", i ? ", " : "",
					key, have, want);
	table_cell(t, "%s", text[0] ? text : "-");
}

int print_config_checks(struct daxmap_config_check *first, bool applied)
{
	static const struct table_column status_cols[] = {
		TABLE_LEFT("NAME"), TABLE_LEFT("STATE"),
		TABLE_LEFT("NAMESPACE"), TABLE_LEFT("DRIFT"),
	};
	static const struct table_column apply_cols[] = {
		TABLE_LEFT("NAME"), TABLE_LEFT("OUTCOME"),
		TABLE_LEFT("NAMESPACE"), TABLE_LEFT("DRIFT"),
	};
	_cleanup_table_ struct table *t = table_new(
		applied ? apply_cols : status_cols, ARRAY_SIZE(status_cols));
	struct daxmap_config_check *c;
	int r;

	if (!t)
		return -ENOMEM;
	daxmap_config_check_foreach(first, c) {
		table_row(t);
		table_cell(t, "%s", daxmap_config_check_get_name(c));
		table_cell(t, "%s", applied ?
			   daxmap_apply_outcome_name(daxmap_config_check_get_outcome(c)) :
			   daxmap_config_state_name(daxmap_config_check_get_state(c)));
		table_cell(t, "%s",
			   str_or(daxmap_config_check_get_namespace(c), "-"));
		drift_cell(t, c);
	}
	r = table_print(t, stdout, 2);
	if (r < 0 || !applied)
		return r;
	/* What was done, or why not, one note a section. */
	daxmap_config_check_foreach(first, c)
		if (daxmap_config_check_get_message(c))
			cli_note("%s: %s", daxmap_config_check_get_name(c),
				 daxmap_config_check_get_message(c));
	return 0;
}

void print_apply_summary(const char *what,
			 const struct daxmap_apply_summary *s)
{
	printf("%s%s: %u created, %u recreated, %u unchanged, %u left drifted, %u failed\n",
	       what, s->time, s->created, s->recreated, s->unchanged,
	       s->drifted, s->failed);
}

static int print_report(struct cli *cli, struct daxmap_apply_report *report)
{
	_cleanup_free_ char *json = NULL;
	struct daxmap_apply_summary sum;
	const char *file;
	int i, r;

	if (cli->json) {
		r = daxmap_apply_report_to_json(report, cli_json_flags(cli),
						&json);
		if (r < 0)
			return cli_error(r, "apply: cannot render the report");
		cli_print_json(json);
		return 0;
	}
	daxmap_apply_report_get_summary(report, &sum);
	file = daxmap_apply_report_get_file(report, 0);
	if (!file) {
		printf("No configuration: nothing to apply\n");
		return 0;
	}
	printf("%s", sum.dry_run ? "Would apply" : "Applied");
	for (i = 0; (file = daxmap_apply_report_get_file(report, i)); i++)
		printf("%s %s", i ? "," : "", file);
	printf("\n");
	if (daxmap_apply_report_get_checks(report)) {
		r = print_config_checks(daxmap_apply_report_get_checks(report),
					true);
		if (r < 0)
			return cli_error(r, "apply: cannot print the report");
	}
	print_apply_summary(sum.dry_run ? "dry run at " : "applied at ", &sum);
	return 0;
}

/* Loads the configuration and applies it, in this process. */
static int apply_direct(struct cli *cli, bool dry_run,
			struct daxmap_apply_report **ret)
{
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
				 dry_run ? DAXMAP_APPLY_DRY_RUN : 0, ret);
	daxmap_config_unref(cfg);
	if (r < 0)
		return cli_error(r, "apply: cannot read the host");
	return 0;
}

int cmd_apply(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{}
	};
	_cleanup_(cli_daemon_closep) struct cli_daemon *daemon = NULL;
	_cleanup_(daxmap_unrefp) struct daxmap_ctx *ctx = NULL;
	struct daxmap_apply_report *report = NULL;
	struct daxmap_apply_summary sum;
	bool dry_run = false;
	int c, r;

	optind = 0;
	while ((c = cli_getopt(cli, "apply", argc, argv, "", longopts)) != -1) {
		if (c != OPT_DRY_RUN)
			return EXIT_USAGE;
		dry_run = true;
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
			r = cli_daemon_apply(daemon, ctx, dry_run, &report);
	} else {
		r = apply_direct(cli, dry_run, &report);
	}
	if (r)
		return r;
	r = print_report(cli, report);
	daxmap_apply_report_get_summary(report, &sum);
	daxmap_apply_report_free(report);
	if (r)
		return r;
	return sum.failed ? EXIT_FAILED : EXIT_OK;
}
