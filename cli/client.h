/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a command's answers come from: daxmapd on the system bus by
 * default, libdaxmap in this process with --direct or when the daemon is
 * not there. Either way the command gets the same library handles (the
 * daemon's documents are read back into them), so its output is the same.
 */
#ifndef DAXMAPCTL_CLIENT_H
#define DAXMAPCTL_CLIENT_H

#include <stdbool.h>

#include <daxmap.h>

#include "daxmapctl.h"
#include "doc.h"

struct cli_daemon;

enum cli_want {
	CLI_WANT_KERNEL = 0,		/* the kernel report only */
	CLI_WANT_STATUS = 1 << 0,	/* the topology too */
	CLI_WANT_CHANGE = 1 << 1,	/* the command changes the system */
	CLI_WANT_DAEMON = 1 << 2,	/* the daemon or nothing (monitor) */
};

/*
 * Decides where the command goes. *@ret_daemon is a connection to daxmapd,
 * or NULL to use the library: with --direct, or when daxmapd is not there
 * (said on stderr, once), which for a command that changes the system is
 * only allowed to root (EXIT_FAILED otherwise, after saying so). Returns
 * 0 or an exit code.
 */
int cli_daemon_open(struct cli *cli, unsigned int want,
		    struct cli_daemon **ret_daemon);
void cli_daemon_close(struct cli_daemon *d);

#ifdef HAVE_SD_BUS
#include <systemd/sd-bus.h>

/* The connection, for what only a client of the daemon does (monitor). */
sd_bus *cli_daemon_bus(struct cli_daemon *d);
#endif

static inline void cli_daemon_closep(struct cli_daemon **d)
{
	cli_daemon_close(*d);
}

/*
 * The status document, with the topology and the configuration's status
 * where CLI_WANT_STATUS: daxmapd's GetStatus or, with --direct, what
 * daxmap_status_to_json() renders of a probe and a scan made here
 * (repairing interrupted creates first, as root). The commands print
 * from the document, so both modes print the same.
 * Returns 0 or an exit code after saying why.
 */
int cli_get_status(struct cli *cli, unsigned int want, json **ret_doc);

/*
 * The daemon's side of the changing commands. Each returns 0, or
 * EXIT_FAILED after printing "daxmapctl: WHAT: <the daemon's message>".
 */
/* The plan's document, {"schema": 1, "plan": {...}}, in *@ret_plan. */
int cli_daemon_create(struct cli_daemon *d,
		      const struct daxmap_create_request *req, bool dry_run,
		      json **ret_plan, char **ret_namespace);
int cli_daemon_reconfigure(struct cli_daemon *d, const char *which,
			   const struct daxmap_reconfigure_request *req);
/*
 * A method that answers with one name (DestroyNamespace, CreateDevice,
 * DestroyDevice, ReconfigureNamespace): @which
 * first when not NULL, then the options, each a key with a string ('s'),
 * a number ('t') or a flag ('b'). Prints "daxmapctl: WHAT: ..." on error.
 */
struct cli_bus_option {
	const char *key;
	char type;
	const char *s;
	uint64_t t;
	bool b;
};
int cli_daemon_call_name(struct cli_daemon *d, const char *method,
			 const char *what, const char *which,
			 const struct cli_bus_option *opts, size_t n,
			 char **ret_name);
/* The report's document, {"schema": 1, "apply": {...}}, in *@ret_doc. */
int cli_daemon_apply(struct cli_daemon *d, bool dry_run, json **ret_doc);
/* VerifyDevice: the result's document, {"schema": 1, "verify": {...}}. */
int cli_daemon_verify(struct cli_daemon *d,
		      const struct daxmap_verify_request *req, bool human,
		      json **ret_doc);

#endif /* DAXMAPCTL_CLIENT_H */
