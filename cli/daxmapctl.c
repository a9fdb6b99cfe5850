// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapctl: show what device-DAX costs in struct pages, and plan for it.
 *
 * Every command reads its whole command line before it opens the library,
 * so that a usage error never touches the system.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cleanup.h>

#include "daxmapctl.h"
#include "size.h"

struct command {
	const char *name;
	int (*fn)(struct cli *cli, int argc, char **argv);
	void (*usage)(FILE *f);
};

static const struct command commands[] = {
	{ "status", cmd_status, usage_status },
	{ "list", cmd_list, usage_list },
	{ "plan", cmd_plan, usage_plan },
	{ "kernel", cmd_kernel, usage_kernel },
	{ "create", cmd_create, usage_create },
	{ "destroy", cmd_destroy, usage_destroy },
	{ "reconfigure", cmd_reconfigure, usage_reconfigure },
	{ "apply", cmd_apply, usage_apply },
	{ "verify", cmd_verify, usage_verify },
	{ "monitor", cmd_monitor, usage_monitor },
	{ "metrics", cmd_metrics, usage_metrics },
};

#define COMMAND_NAMES \
	"status, list, plan, kernel, create, destroy, reconfigure, apply, verify, monitor, metrics, help"

static void usage(FILE *f)
{
	fputs("Usage: " PROGRAM " [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "Show what the struct pages (the vmemmap) of device-DAX cost in RAM and on\n"
	      "the device, and plan namespaces with huge alignments that cost less.\n"
	      "\n"
	      "Commands:\n"
	      "  status             kernel capabilities, regions, namespaces, devices,\n"
	      "                     the processes that map them, and totals\n"
	      "  list [regions|namespaces|devices]\n"
	      "                     the tables of status only (default: all three)\n"
	      "  plan --size SIZE [--align ALIGN] [--map MAP] [--assume-dedup]\n"
	      "                     what a namespace of SIZE would cost under this kernel,\n"
	      "                     compared at every align and map\n"
	      "  kernel             what the running kernel does with the vmemmap, how\n"
	      "                     its nr_memmap_pages counter counts, and which of\n"
	      "                     daxmap's kernel patches it carries\n"
	      "  create namespace --size SIZE [--align ALIGN] [--mode MODE] [--map MAP]\n"
	      "                   [--region REGION] [--name NAME] [--measure]\n"
	      "                     validate, then create a namespace (root)\n"
	      "  destroy namespace NAMESPACE|NAME|DAXDEV [--force]\n"
	      "                     destroy a namespace daxmap created (root)\n"
	      "  create device --size SIZE [--align ALIGN] [--region REGION] [--name NAME]\n"
	      "                     a dax device on soft-reserved or CXL memory (root)\n"
	      "  destroy device DAXDEV|NAME [--force]\n"
	      "                     destroy a dax device of such a region (root)\n"
	      "  reconfigure device DAXDEV [--mode devdax|system-ram] [--align A] [--size S]\n"
	      "                     switch a dax device to system RAM and back (root)\n"
	      "  reconfigure namespace NAMESPACE --mode devdax|fsdax [--align A] [--map M]\n"
	      "                   --force\n"
	      "                     rewrite a label-less namespace, losing its data (root)\n"
	      "  apply [--dry-run] [--measure]\n"
	      "                     create the namespaces the configuration names (root)\n"
	      "  verify device DEVICE|NAME [--pattern [--size SIZE]] [--force]\n"
	      "                     map a dax device with libpmem2 and check its page size,\n"
	      "                     page tables and, with --pattern, what reads back\n"
	      "  monitor            print daxmapd's events as JSON lines\n"
	      "  metrics            the status in the Prometheus text exposition format\n"
	      "  help [COMMAND]     this help, or the help of COMMAND\n"
	      "\n"
	      "Options (before or after the command):\n"
	      "  -j, --json         print JSON (schema 1), pretty-printed, whatever stdout is\n"
	      "  -u, --human        with --json, add *_human strings beside the byte counts\n"
	      "      --direct       use libdaxmap in this process instead of asking daxmapd\n"
	      "  -v, --verbose      log the library's debug messages to stderr\n"
	      "  -h, --help         show this help, or the command's help after a command\n"
	      "  -V, --version      print the version\n"
	      "\n"
	      "Sizes are bytes or numbers with a binary K, M, G or T suffix: 4096, 512M, 1.5G.\n"
	      "\n"
	      "Exit status: 0 success, 1 an operation failed, 2 usage error (nothing done).\n"
	      "\n"
	      "See daxmapctl(8).\n", f);
}

int cli_expect_object(const char *verb, const char *object, int argc,
		      char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error("%s: missing object: '" PROGRAM
				       " %s %s ...' (see '" PROGRAM
				       " %s --help')", verb, verb, object, verb);
	if (strcmp(argv[1], object) != 0)
		return cli_usage_error("%s: unknown object '%s': %s", verb,
				       argv[1], object);
	return 0;
}

int cli_usage_error(const char *fmt, ...)
{
	va_list args;

	fputs(PROGRAM ": ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_error(int r, const char *fmt, ...)
{
	va_list args;

	fputs(PROGRAM ": ", stderr);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, ": %s\n", strerror(r < 0 ? -r : r));
	return EXIT_FAILED;
}

/* Text lines stay within 80 columns, as in a terminal or an e-mail. */
#define LINE_WIDTH 79
#define KEY_WIDTH 20

/*
 * Prints @text from column @col on, wrapping at LINE_WIDTH to column
 * @start: long values (the dedup reason) and notes stay readable.
 */
static void print_wrapped(const char *text, int col, int start)
{
	const char *p;
	bool first = true;

	for (p = text; *p;) {
		size_t len = strcspn(p, " ");

		if (!first && col + 1 + (int)len > LINE_WIDTH) {
			printf("\n%*s", start, "");
			col = start;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, len, stdout);
		col += (int)len;
		first = false;
		p += len;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

void cli_kv(int indent, const char *key, const char *fmt, ...)
{
	_cleanup_free_ char *value = NULL;
	va_list args;
	int r;

	va_start(args, fmt);
	r = vasprintf(&value, fmt, args);
	va_end(args);
	if (r < 0)
		return;
	printf("%*s%-*s ", indent, "", KEY_WIDTH, key);
	print_wrapped(value, indent + KEY_WIDTH + 1, indent + KEY_WIDTH + 1);
}

void cli_note(const char *fmt, ...)
{
	_cleanup_free_ char *text = NULL;
	va_list args;
	int r;

	va_start(args, fmt);
	r = vasprintf(&text, fmt, args);
	va_end(args);
	if (r < 0)
		return;
	fputs("note: ", stdout);
	print_wrapped(text, 6, 6);
}

/* The long options of @longopts that @name (without "--") abbreviates. */
static int count_prefix_matches(const struct option *longopts,
				const char *name, size_t len)
{
	const struct option *o;
	int n = 0;

	for (o = longopts; o->name; o++) {
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return 1;
		if (strncmp(o->name, name, len) == 0)
			n++;
	}
	return n;
}

static bool option_takes_no_value(const struct option *longopts, int val)
{
	const struct option *o;

	for (o = longopts; o->name; o++)
		if (o->val == val)
			return o->has_arg == no_argument;
	return false;
}

/* One line for a bad option, where getopt's own messages would take two. */
static void report_bad_option(const char *cmd, int c, char **argv,
			      const struct option *longopts)
{
	const char *arg = argv[optind - 1];
	char where[64] = "";
	char see[64];

	if (cmd)
		snprintf(where, sizeof(where), "%s: ", cmd);
	snprintf(see, sizeof(see), "see '" PROGRAM "%s%s --help'",
		 cmd ? " " : "", cmd ? cmd : "");

	if (c == ':') {
		fprintf(stderr, PROGRAM ": %soption '%s' needs a value (%s)\n",
			where, arg, see);
		return;
	}
	if (optopt && arg && strncmp(arg, "--", 2) == 0 &&
	    option_takes_no_value(longopts, optopt)) {
		fprintf(stderr,
			PROGRAM ": %soption '%.*s' does not take a value (%s)\n",
			where, (int)strcspn(arg, "="), arg, see);
		return;
	}
	if (optopt) {
		fprintf(stderr, PROGRAM ": %sunknown option '-%c' (%s)\n",
			where, optopt, see);
		return;
	}
	if (arg && strncmp(arg, "--", 2) == 0 &&
	    count_prefix_matches(longopts, arg + 2, strcspn(arg + 2, "=")) > 1) {
		fprintf(stderr, PROGRAM ": %soption '%s' is ambiguous (%s)\n",
			where, arg, see);
		return;
	}
	fprintf(stderr, PROGRAM ": %sunknown option '%s' (%s)\n", where,
		arg ? arg : "?", see);
}

int cli_getopt(struct cli *cli, const char *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts)
{
	char optstring[64];
	int c;

	/*
	 * ':' first: missing values come back as ':' and nothing is printed
	 * by getopt. Before the command, '+' stops at the command's name;
	 * after it, options and arguments may mix, as with ndctl.
	 */
	snprintf(optstring, sizeof(optstring), "%s:" CLI_SHORTOPTS "%s",
		 cmd ? "" : "+", shortopts);
	opterr = 0;

	for (;;) {
		c = getopt_long(argc, argv, optstring, longopts, NULL);
		switch (c) {
		case 'j':
			cli->json = true;
			break;
		case 'u':
			cli->human = true;
			break;
		case OPT_DIRECT:
			cli->direct = true;
			break;
		case 'v':
			cli->verbose = true;
			break;
		case 'h':
			cli->help = true;
			break;
		case 'V':
			cli->version = true;
			break;
		case '?':
		case ':':
			report_bad_option(cmd, c, argv, longopts);
			return CLI_OPT_ERROR;
		default:
			return c;
		}
	}
}

static void print_version(void)
{
	const char *lib = daxmap_version();

	if (strcmp(lib, DAXMAP_VERSION_STRING) == 0)
		printf(PROGRAM " %s\n", DAXMAP_VERSION_STRING);
	else
		printf(PROGRAM " %s (libdaxmap %s)\n", DAXMAP_VERSION_STRING,
		       lib);
}

bool cli_handled_help(struct cli *cli, void (*usage_fn)(FILE *f))
{
	if (cli->help) {
		usage_fn(stdout);
		return true;
	}
	if (cli->version) {
		print_version();
		return true;
	}
	return false;
}

int cli_no_arguments(const char *cmd, int argc, char **argv)
{
	if (optind < argc)
		return cli_usage_error("%s: unexpected argument '%s' (see '" PROGRAM
				       " %s --help')", cmd, argv[optind], cmd);
	return 0;
}

int cli_open(struct cli *cli, struct daxmap_ctx **ret_ctx)
{
	struct daxmap_ctx *ctx;
	int r;

	r = daxmap_new(&ctx);
	if (r == -EINVAL && getenv("DAXMAP_ROOT"))
		return cli_usage_error("DAXMAP_ROOT='%s' is not an absolute path",
				       getenv("DAXMAP_ROOT"));
	if (r < 0)
		return cli_error(r, "cannot set up libdaxmap");
	/* --verbose wins over DAXMAP_LOG, which daxmap_new() has read. */
	if (cli->verbose)
		daxmap_set_log_priority(ctx, LOG_DEBUG);
	/* Without it, the configuration's [daxmap] measure decides. */
	if (cli->measure)
		(void)daxmap_set_measure(ctx, DAXMAP_MEASURE_ON);
	*ret_ctx = ctx;
	return 0;
}

/* Prints what recovery did about creates a crash interrupted. */
void cli_recover(struct daxmap_ctx *ctx)
{
	_cleanup_free_ char *report = NULL;
	char *line, *save = NULL;
	int r;

	r = daxmap_recover(ctx, &report);
	for (line = report ? strtok_r(report, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, PROGRAM ": recovered: %s\n", line);
	if (r < 0)
		fprintf(stderr, PROGRAM ": recovery of interrupted creates failed: %s\n",
			strerror(-r));
}

int cli_open_for_change(struct cli *cli, struct daxmap_ctx **ret_ctx)
{
	int r = cli_open(cli, ret_ctx);

	if (r == 0)
		cli_recover(*ret_ctx);
	return r;
}

int cli_failed(const char *what, int r, const char *message)
{
	fprintf(stderr, PROGRAM ": %s: %s\n", what,
		message ? message : strerror(-r));
	return EXIT_FAILED;
}

unsigned int cli_json_flags(const struct cli *cli)
{
	/*
	 * Never look at isatty(): JSON whose layout follows the terminal has
	 * broken scripts before. Pretty always; human strings only on request.
	 */
	return DAXMAP_JSON_PRETTY | (cli->human ? DAXMAP_JSON_HUMAN : 0);
}

void cli_print_json(const char *text)
{
	size_t len = strlen(text);

	fputs(text, stdout);
	if (!len || text[len - 1] != '\n')
		fputc('\n', stdout);
}

int cli_parse_align(const char *s, uint64_t *ret)
{
	const char *why;
	uint64_t v;

	if (daxmap_parse_size(s, &v, &why) == 0 && daxmap_align_is_valid(v)) {
		*ret = v;
		return 0;
	}
	return cli_usage_error("invalid align '%s': must be one of %s", s,
			       daxmap_align_list());
}

int cli_refused(const char *what, const char *message)
{
	if (what)
		return cli_usage_error("%s: %s", what,
				       message ? message : "refused");
	return cli_usage_error("%s", message ? message : "refused");
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int cmd_help(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	const struct command *cmd;
	int c;

	optind = 0;
	while ((c = cli_getopt(cli, "help", argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;
	if (cli->version) {
		print_version();
		return EXIT_OK;
	}
	if (optind >= argc) {
		usage(stdout);
		return EXIT_OK;
	}
	if (optind + 1 < argc)
		return cli_usage_error("help: too many arguments (usage: " PROGRAM
				       " help [COMMAND])");
	if (strcmp(argv[optind], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return cli_usage_error("help: unknown command '%s' (commands: "
				       COMMAND_NAMES ")", argv[optind]);
	cmd->usage(stdout);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{}
	};
	struct cli cli = {};
	const struct command *cmd;
	const char *name;
	int c, r;

	/*
	 * Options after arguments ("list devices --json") are part of the
	 * interface, as in ndctl: getopt must permute argv even where the
	 * environment asks for POSIX order.
	 */
	unsetenv("POSIXLY_CORRECT");

	optind = 0;
	while ((c = cli_getopt(&cli, NULL, argc, argv, "", longopts)) != -1)
		if (c == CLI_OPT_ERROR)
			return EXIT_USAGE;

	if (cli.help) {
		usage(stdout);
		return EXIT_OK;
	}
	if (cli.version) {
		print_version();
		return EXIT_OK;
	}
	if (optind >= argc)
		return cli_usage_error("missing command (commands: " COMMAND_NAMES
				       "; see '" PROGRAM " --help')");

	name = argv[optind];
	if (strcmp(name, "help") == 0) {
		r = cmd_help(&cli, argc - optind, argv + optind);
	} else {
		cmd = find_command(name);
		if (!cmd)
			return cli_usage_error("unknown command '%s' (commands: "
					       COMMAND_NAMES ")", name);
		r = cmd->fn(&cli, argc - optind, argv + optind);
	}

	/* A full disk or a closed pipe must not look like success. */
	errno = 0;
	if ((fflush(stdout) != 0 || ferror(stdout)) && r == EXIT_OK)
		r = cli_error(errno ? errno : EIO, "cannot write to stdout");
	return r;
}
