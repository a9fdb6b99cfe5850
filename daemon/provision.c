// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Manager's methods that change the system: CreateNamespace,
 * DestroyNamespace, ReconfigureDevice. Each reads and checks its arguments
 * first (malformed ones are InvalidArgs, values out of range their named
 * error), then asks for authorisation (root, or the polkit action of the
 * operation), and only then lets the library act, on a fresh scan: the
 * world may have changed while polkit asked. The library's sentence for a
 * refusal is the error's message, so daxmapctl prints the same words
 * whether it asked the daemon or did the work itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "context.h"
#include "log.h"
#include "options.h"
#include "provision.h"
#include "util.h"

/* A request's strings are quoted in errors, but not a megabyte of one. */
#define QUOTE_MAX 64

/*
 * The library's refusal of a request it was asked to check, as a sentence
 * under the reason's name; of an operation, its own words.
 */
static int check_refused(sd_bus_error *error, enum daxmap_reason reason,
			 int r, const char *message)
{
	return bus_refusal(error, reason, r, message, true);
}

static int library_error(sd_bus_error *error, enum daxmap_reason reason,
			 int r, const char *message)
{
	return bus_refusal(error, reason, r, message, false);
}

/* Finishes creates a crash interrupted before anything else is changed. */
void provision_recover(struct context *c)
{
	_cleanup_free_ char *report = NULL;
	char *line, *save = NULL;
	int r;

	r = daxmap_recover(c->dm, &report);
	for (line = report ? strtok_r(report, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		log_notice("Recovered: %s", line);
	if (r < 0)
		log_errno(LOG_ERR, r, "Recovery of interrupted creates failed");
}

/* ------------------------------------------------------- CreateNamespace */

struct create_call {
	struct context *c;
	/* Its strings point into the call, which auth_check() keeps. */
	struct daxmap_create_request req;
	bool dry_run;
};

static int create_run(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	_cleanup_free_ char *message = NULL, *json = NULL, *devname = NULL,
			    *path = NULL;
	struct create_call *cc = userdata;
	struct context *c = cc->c;
	struct daxmap_create_plan *plan = NULL;
	enum daxmap_reason reason;
	int r;

	if (!cc->dry_run)
		provision_recover(c);
	r = context_scan(c, 0, &t, error);
	if (r < 0)
		return r;
	r = daxmap_create_prepare(c->dm, c->kernel, t, &cc->req, &plan,
				  &reason, &message);
	if (r < 0)
		return library_error(error, reason, r, message);
	r = daxmap_create_plan_to_json(plan, 0, &json);
	if (r < 0)
		goto out;
	if (cc->dry_run) {
		r = sd_bus_reply_method_return(m, "os", "/", json);
		goto out;
	}

	r = daxmap_create_commit(c->dm, c->kernel, plan, &devname, &reason,
				 &message);
	if (r < 0) {
		log_warning("CreateNamespace for %s failed: %s", sender_of(m),
			    message ? message : strerror(-r));
		r = library_error(error, reason, r, message);
		goto out;
	}
	log_notice("Created %s on %s (%s%s) for %s", devname,
		   daxmap_create_plan_get_region(plan),
		   daxmap_create_plan_get_mode(plan),
		   daxmap_create_plan_get_name(plan) ? ", named" : "",
		   sender_of(m));
	/* The new objects are on the bus before the caller hears back. */
	(void)context_scan(c, 0, NULL, NULL);
	r = object_path_for(OBJECT_NAMESPACE, devname, &path);
	if (r < 0)
		goto out;
	r = sd_bus_reply_method_return(m, "os", path, json);
out:
	daxmap_create_plan_free(plan);
	return r;
}

int method_create_namespace(sd_bus_message *m, void *userdata,
				   sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct create_call *cc = NULL;
	const char *mode = "", *map = "", *region = "", *name = "";
	uint32_t numa_node = UINT32_MAX, percent = 0;
	bool no_user_interaction = false, dry_run = false;
	uint64_t size = 0, align = 0;
	const struct bus_option opts[] = {
		{ "size", "t", &size },
		{ "percent", "u", &percent },
		{ "align", "t", &align },
		{ "mode", "s", &mode },
		{ "map", "s", &map },
		{ "region", "s", &region },
		{ "numa_node", "u", &numa_node },
		{ "name", "s", &name },
		{ "dry_run", "b", &dry_run },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	size_t len;
	int r;

	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;

	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	cc->c = c;
	cc->dry_run = dry_run;
	cc->req.numa_node = -1;
	cc->req.size = size;
	cc->req.percent = percent;
	cc->req.align = align;
	if (*mode) {
		r = daxmap_create_request_set_mode(&cc->req, mode, &reason,
						   &message);
		if (r < 0)
			return check_refused(error, reason, r, message);
	}
	if (*map && daxmap_map_from_name(map, &cc->req.map) < 0) {
		len = utf8_prefix_len(map, QUOTE_MAX);
		return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MAP,
					 "Unknown map '%.*s%s': use \"mem\" (the memmap in system RAM) or \"dev\" (on the device), or \"\" to let the kernel's rules decide.",
					 (int)len, map, map[len] ? "..." : "");
	}
	cc->req.region = *region ? region : NULL;
	if (numa_node != UINT32_MAX) {
		if (numa_node > INT32_MAX)
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "NUMA node %" PRIu32 " does not exist.",
						 numa_node);
		cc->req.numa_node = (int)numa_node;
	}
	cc->req.name = *name ? name : NULL;

	/* What the library would refuse anyway, refused before polkit asks. */
	r = daxmap_create_request_check(&cc->req, &reason, &message);
	if (r < 0)
		return check_refused(error, reason, r, message);

	/* A dry run changes nothing: as open as GetStatus. */
	if (dry_run)
		return create_run(m, cc, error);
	return auth_check(&c->auth, m, "org.daxmap1.create-namespace",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  create_run, TAKE_PTR(cc), free, error);
}

/* ------------------------------------------------------ DestroyNamespace */

struct destroy_call {
	struct context *c;
	const char *which;
	unsigned int flags;
};

static int destroy_run(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	_cleanup_free_ char *message = NULL, *devname = NULL;
	struct destroy_call *dc = userdata;
	struct context *c = dc->c;
	enum daxmap_reason reason;
	int r;

	provision_recover(c);
	r = daxmap_destroy_namespace(c->dm, dc->which, dc->flags, &devname,
				     &reason, &message);
	if (r < 0)
		return library_error(error, reason, r, message);
	log_notice("Destroyed %s%s for %s", devname,
		   dc->flags & DAXMAP_DESTROY_FORCE ? " (forced)" : "",
		   sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", devname);
}

int method_destroy_namespace(sd_bus_message *m, void *userdata,
				    sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct destroy_call *dc = NULL;
	bool force = false, no_user_interaction = false;
	const struct bus_option opts[] = {
		{ "force", "b", &force },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	const char *which;
	int r;

	r = sd_bus_message_read(m, "s", &which);
	if (r < 0)
		return r;
	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	r = daxmap_destroy_request_check(which, &reason, &message);
	if (r < 0)
		return check_refused(error, reason, r, message);

	dc = calloc(1, sizeof(*dc));
	if (!dc)
		return -ENOMEM;
	dc->c = c;
	dc->which = which;
	dc->flags = force ? DAXMAP_DESTROY_FORCE : 0;
	return auth_check(&c->auth, m, "org.daxmap1.destroy-namespace",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  destroy_run, TAKE_PTR(dc), free, error);
}

/* ----------------------------------------------------- ReconfigureDevice */

struct reconfigure_call {
	struct context *c;
	const char *which;
	struct daxmap_reconfigure_request req;
};

static int reconfigure_run(sd_bus_message *m, void *userdata,
			   sd_bus_error *error)
{
	_cleanup_free_ char *message = NULL;
	struct reconfigure_call *rc = userdata;
	struct context *c = rc->c;
	enum daxmap_reason reason;
	int r;

	provision_recover(c);
	r = daxmap_reconfigure_device(c->dm, rc->which, &rc->req, &reason,
				      &message);
	if (r < 0)
		return library_error(error, reason, r, message);
	log_notice("Reconfigured %s for %s", rc->which, sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, NULL);
}

int method_reconfigure_device(sd_bus_message *m, void *userdata,
				     sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct reconfigure_call *rc = NULL;
	struct daxmap_reconfigure_request req = {};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	bool no_user_interaction = false;
	const char *which, *mode = "";
	uint64_t align = 0, size = 0;
	const struct bus_option opts[] = {
		{ "mode", "s", &mode },
		{ "align", "t", &align },
		{ "size", "t", &size },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	int r;

	r = sd_bus_message_read(m, "s", &which);
	if (r < 0)
		return r;
	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	if (*mode) {
		r = daxmap_reconfigure_request_set_mode(&req, mode, &reason,
							&message);
		if (r < 0)
			return check_refused(error, reason, r, message);
	}
	req.align = align;
	req.size = size;
	r = daxmap_reconfigure_request_check(which, &req, &reason, &message);
	if (r < 0)
		return check_refused(error, reason, r, message);

	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->c = c;
	rc->which = which;
	rc->req = req;
	return auth_check(&c->auth, m, "org.daxmap1.reconfigure-device",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  reconfigure_run, TAKE_PTR(rc), free, error);
}
