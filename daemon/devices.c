// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Manager's methods for dax devices on dynamic regions and for
 * label-less namespaces: CreateDevice, DestroyDevice, ReconfigureNamespace.
 * As provision.c's: arguments read and checked first, then authorisation
 * (root, or the operation's polkit action, shown the request's details),
 * then the library acts in the worker (worker.h) on a fresh look at the
 * system, and its sentence for a refusal is the error's message under the
 * reason's name. The reply comes from the loop once the worker is done,
 * after a rescan that puts the new objects on the bus.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "context.h"
#include "devices.h"
#include "job.h"
#include "log.h"
#include "options.h"
#include "provision.h"
#include "util.h"

/* A request's strings are quoted in errors, but not a megabyte of one. */
#define QUOTE_MAX 64

/* --------------------------------------------------------- CreateDevice */

struct create_device_call {
	struct job_result res;	/* first: job_free() */
	/* Its strings point into the call, which the job keeps. */
	struct daxmap_device_request req;
	bool measure;		/* the caller asked for it */
};

static int create_device_work(const struct worker_env *env, void *userdata)
{
	struct create_device_call *cc = userdata;

	provision_recover_dm(env->dm);
	if (cc->measure)
		(void)daxmap_set_measure(env->dm, DAXMAP_MEASURE_ON);
	return daxmap_create_device(env->dm, env->kernel, &cc->req,
				    &cc->res.name, &cc->res.reason,
				    &cc->res.message);
}

static int create_device_reply(struct context *c, sd_bus_message *m,
			       void *userdata, int r, sd_bus_error *error)
{
	struct create_device_call *cc = userdata;

	if (r < 0) {
		log_warning("CreateDevice for %s failed: %s", sender_of(m),
			    cc->res.message ?: strerror(-r));
		return job_refused(error, &cc->res, r);
	}
	log_notice("Created %s%s for %s", cc->res.name,
		   cc->req.name ? " (named)" : "", sender_of(m));
	/* The new device is on the bus before the caller hears back. */
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", cc->res.name);
}

static const struct worker_ops create_device_ops = {
	.run = create_device_work,
	.reply = create_device_reply,
	.free = job_free,
};

int method_create_device(sd_bus_message *m, void *userdata,
			 sd_bus_error *error)
{
	struct context *c = userdata;
	struct create_device_call *cc = NULL;
	const char *region = "", *name = "";
	bool no_user_interaction = false, measure = false;
	uint64_t size = 0, align = 0;
	const struct bus_option opts[] = {
		{ "size", "t", &size },
		{ "align", "t", &align },
		{ "region", "s", &region },
		{ "name", "s", &name },
		{ "measure", "b", &measure },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	char size_s[SIZE_BUF], align_s[SIZE_BUF];
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	int r;

	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	cc->measure = measure;
	cc->req.size = size;
	cc->req.align = align;
	cc->req.region = *region ? region : NULL;
	cc->req.name = *name ? name : NULL;
	/* What the library would refuse anyway, refused before polkit asks. */
	r = daxmap_device_request_check(&cc->req, &reason, &message);
	if (r < 0) {
		job_free(cc);
		return bus_refusal(error, reason, r, message, true);
	}

	/* What the administrator is shown when polkit asks. */
	const char *const details[] = {
		"size", format_size_exact(size, size_s),
		"align", format_size_exact(align ?: 2 << 20, align_s),
		"region", *region ? region : "any",
		"name", name,
		NULL
	};
	return job_submit(c, m, "org.daxmap1.create-device",
			  no_user_interaction, details, &create_device_ops, cc,
			  error);
}

/* -------------------------------------------------------- DestroyDevice */

int method_destroy_device(sd_bus_message *m, void *userdata,
			  sd_bus_error *error)
{
	return provision_destroy(m, userdata, "org.daxmap1.destroy-device",
				 "device", daxmap_destroy_device, error);
}

/* ------------------------------------------------- ReconfigureNamespace */

struct reconfigure_namespace_call {
	struct job_result res;	/* first: job_free() */
	const char *which;
	struct daxmap_namespace_reconfigure req;
};

static int reconfigure_namespace_work(const struct worker_env *env,
				      void *userdata)
{
	struct reconfigure_namespace_call *rc = userdata;

	provision_recover_dm(env->dm);
	return daxmap_reconfigure_namespace(env->dm, env->kernel, rc->which,
					    &rc->req, &rc->res.reason,
					    &rc->res.message);
}

static int reconfigure_namespace_reply(struct context *c, sd_bus_message *m,
				       void *userdata, int r,
				       sd_bus_error *error)
{
	struct reconfigure_namespace_call *rc = userdata;

	if (r < 0)
		return job_refused(error, &rc->res, r);
	log_notice("Reconfigured %s as %s for %s", rc->which,
		   daxmap_mode_name(rc->req.mode), sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", rc->which);
}

static const struct worker_ops reconfigure_namespace_ops = {
	.run = reconfigure_namespace_work,
	.reply = reconfigure_namespace_reply,
	.free = job_free,
};

int method_reconfigure_namespace(sd_bus_message *m, void *userdata,
				 sd_bus_error *error)
{
	struct context *c = userdata;
	struct reconfigure_namespace_call *rc = NULL;
	struct daxmap_namespace_reconfigure req = {};
	bool force = false, no_user_interaction = false;
	const char *which, *mode = "", *map = "";
	uint64_t align = 0;
	const struct bus_option opts[] = {
		{ "mode", "s", &mode },
		{ "align", "t", &align },
		{ "map", "s", &map },
		{ "force", "b", &force },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	char align_s[SIZE_BUF];
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	size_t len;
	int r;

	r = bus_read_target_options(m, &which, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	if (*mode) {
		/* The modes a create takes, and its sentence quoting the rest. */
		struct daxmap_create_request as_create = {};

		r = daxmap_create_request_set_mode(&as_create, mode, &reason,
						   &message);
		if (r < 0)
			return bus_refusal(error, reason, r, message, true);
		req.mode = as_create.mode;
	}
	if (*map && daxmap_map_from_name(map, &req.map) < 0) {
		len = utf8_prefix_len(map, QUOTE_MAX);
		return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MAP,
					 "Unknown map '%.*s%s': use \"mem\" or \"dev\".",
					 (int)len, map, map[len] ? "..." : "");
	}
	req.align = align;
	req.flags = force ? DAXMAP_RECONFIGURE_FORCE : 0;
	/* Without force, or with a mode it cannot take: before polkit. */
	r = daxmap_namespace_reconfigure_check(which, &req, &reason, &message);
	if (r < 0)
		return bus_refusal(error, reason, r, message, true);

	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->which = which;
	rc->req = req;
	const char *const details[] = {
		"namespace", which,
		"mode", daxmap_mode_name(req.mode),
		"align", format_size_exact(align ?: 2 << 20, align_s),
		"map", *map ? map : "default",
		"force", force ? "yes" : "no",
		NULL
	};
	return job_submit(c, m, "org.daxmap1.reconfigure-namespace",
			  no_user_interaction, details,
			  &reconfigure_namespace_ops, rc, error);
}
