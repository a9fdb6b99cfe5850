/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the daxmapctl commands share: global options, error reporting and
 * cleanup for library handles.
 */
#ifndef DAXMAPCTL_H
#define DAXMAPCTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <daxmap.h>

#define PROGRAM "daxmapctl"

#include "doc.h"
#include "util/handles.h"
#include "util/util.h"

/* Exit codes, documented in --help and daxmapctl(8). */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* an operation failed */
	EXIT_USAGE = 2,		/* bad command line; nothing was touched */
};

struct cli {
	bool json;
	bool human;
	bool direct;
	bool verbose;
	bool help;
	bool version;
	/* create and apply: measure the RAM each enable takes (--measure). */
	bool measure;
};

/* Long-only options get values outside the char range. */
enum {
	OPT_DIRECT = 0x100,
	OPT_ASSUME_DEDUP,
	OPT_NUMA_NODE,
	OPT_DRY_RUN,
	OPT_MEASURE,
	OPT_MEMMAP_ON_MEMORY,
};

/*
 * The global options, accepted before the command and, like ndctl, after
 * it too; every command's option table starts with them.
 */
#define CLI_SHORTOPTS "juvhV"
#define CLI_LONGOPTS                                                           \
	{ "json", no_argument, NULL, 'j' },                                    \
	{ "human", no_argument, NULL, 'u' },                                   \
	{ "direct", no_argument, NULL, OPT_DIRECT },                           \
	{ "verbose", no_argument, NULL, 'v' },                                 \
	{ "help", no_argument, NULL, 'h' },                                    \
	{ "version", no_argument, NULL, 'V' }

/* cli_getopt() returns this after it reported a bad option. */
#define CLI_OPT_ERROR (-2)

/*
 * getopt_long() that handles the global options itself and reports
 * unknown options and missing values (one line on stderr). Returns the
 * next command option, -1 at the end, or CLI_OPT_ERROR. Reset optind to 0
 * before the first call for a new argv.
 */
int cli_getopt(struct cli *cli, const char *cmd, int argc, char **argv,
	       const char *shortopts, const struct option *longopts);

/*
 * Handles --help and --version after a command's options were read.
 * Returns true when the command should stop there (with EXIT_OK).
 */
bool cli_handled_help(struct cli *cli, void (*usage)(FILE *f));

/* Refuses positional arguments from argv[optind] on; EXIT_USAGE or 0. */
int cli_no_arguments(const char *cmd, int argc, char **argv);

/*
 * The object after a verb ("create namespace"): EXIT_USAGE after saying
 * so when argv[1] is missing or not @object, else 0.
 */
int cli_expect_object(const char *verb, const char *object, int argc,
		      char **argv);

/* "daxmapctl: ..." on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * "daxmapctl: [<what>: ]<message>" for a request the library's checks
 * refused before anything was read or changed; returns EXIT_USAGE.
 */
int cli_refused(const char *what, const char *message);

/* "daxmapctl: <what>: <strerror(-r)>" on stderr; returns EXIT_FAILED. */
int cli_error(int r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A library context with the CLI's log priority; 0, EXIT_FAILED, or
 * EXIT_USAGE for a DAXMAP_ROOT that is not an absolute path.
 */
int cli_open(struct cli *cli, struct daxmap_ctx **ret_ctx);

/*
 * Finishes or rolls back creates a crash interrupted, saying so on stderr
 * ("daxmapctl: recovered: ..."): every command that may change something
 * runs it first, and status and list do as root.
 */
void cli_recover(struct daxmap_ctx *ctx);

/*
 * What a change done without daxmapd starts with: cli_open(), then
 * cli_recover(). Returns what cli_open() returns.
 */
int cli_open_for_change(struct cli *cli, struct daxmap_ctx **ret_ctx);

/*
 * "daxmapctl: <what>: <message, or strerror(-r)>" for a change the
 * library refused or that failed; returns EXIT_FAILED.
 */
int cli_failed(const char *what, int r, const char *message);

/* destroy namespace and destroy device: what differs between them. */
struct cli_destroy_kind {
	const char *what;	/* "destroy namespace" */
	const char *method;	/* daxmapd's: "DestroyNamespace" */
	void (*usage)(FILE *f);
	/* daxmap_destroy_namespace() or daxmap_destroy_device() */
	int (*destroy)(struct daxmap_ctx *ctx, const char *which,
		       unsigned int flags, char **ret_name,
		       enum daxmap_reason *ret_reason, char **ret_message);
};

/* Runs "<kind->what> WHICH [--force]", argv from the object word on. */
int cli_destroy(struct cli *cli, const struct cli_destroy_kind *kind,
		int argc, char **argv);

/* The JSON flags: always pretty, whatever stdout is; human on request. */
unsigned int cli_json_flags(const struct cli *cli);

/* Prints a JSON document from the library, newline-terminated. */
void cli_print_json(const char *text);

/* Parses 4K, 2M or 1G (or their byte values); EXIT_USAGE after saying so. */
int cli_parse_align(const char *s, uint64_t *ret);

/* The commands: each gets argv from its own name on. */
int cmd_status(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_kernel(struct cli *cli, int argc, char **argv);
int cmd_create(struct cli *cli, int argc, char **argv);
int cmd_destroy(struct cli *cli, int argc, char **argv);
int cmd_reconfigure(struct cli *cli, int argc, char **argv);
/* devices.c: the "device" objects of create and destroy, and
 * "reconfigure namespace"; argv from the verb on. */
int cmd_create_device(struct cli *cli, int argc, char **argv);
int cmd_destroy_device(struct cli *cli, int argc, char **argv);
int cmd_reconfigure_namespace(struct cli *cli, int argc, char **argv);
int cmd_monitor(struct cli *cli, int argc, char **argv);
int cmd_metrics(struct cli *cli, int argc, char **argv);
int cmd_apply(struct cli *cli, int argc, char **argv);
int cmd_verify(struct cli *cli, int argc, char **argv);

void usage_status(FILE *f);
void usage_list(FILE *f);
void usage_plan(FILE *f);
void usage_kernel(FILE *f);
void usage_create(FILE *f);
void usage_destroy(FILE *f);
void usage_reconfigure(FILE *f);
void usage_create_device(FILE *f);
void usage_destroy_device(FILE *f);
void usage_reconfigure_namespace(FILE *f);
void usage_monitor(FILE *f);
void usage_metrics(FILE *f);
void usage_apply(FILE *f);
void usage_verify(FILE *f);

/*
 * The configuration's sections against the host, as a table, from the
 * documents' "namespaces" array: their state (status) or what an apply
 * did with each and why (@applied).
 */
int print_config_checks(json *checks, bool applied);
/* "WHAT TIME: N created, N recreated, ...", from a summary object. */
void print_apply_summary(const char *what, json *summary);

/* "  key                 value": the key/value lines of the text output. */
void cli_kv(int indent, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "note: ...", wrapped to 80 columns. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* @s, or @dflt when the library had nothing. */
static inline const char *str_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

/*
 * The kernel report as text, from a document's "kernel" object: every
 * field when @full (the kernel command), a summary for status.
 */
void print_kernel(json *kernel, bool full, int indent);

#endif /* DAXMAPCTL_H */
