// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Manager's methods for dax devices on dynamic regions and for
 * label-less namespaces: CreateDevice, DestroyDevice, ReconfigureNamespace.
 * As provision.c's: arguments read and checked first, then authorisation
 * (root, or the operation's polkit action), then the library acts, and
 * its sentence for a refusal is the error's message under the reason's
 * name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "context.h"
#include "devices.h"
#include "log.h"
#include "options.h"
#include "provision.h"
#include "util.h"

/* --------------------------------------------------------- CreateDevice */

struct create_device_call {
	struct context *c;
	/* Its strings point into the call, which auth_check() keeps. */
	struct daxmap_device_request req;
};

static int create_device_run(sd_bus_message *m, void *userdata,
			     sd_bus_error *error)
{
	_cleanup_free_ char *message = NULL, *devname = NULL;
	struct create_device_call *cc = userdata;
	struct context *c = cc->c;
	enum daxmap_reason reason;
	int r;

	provision_recover(c);
	r = daxmap_create_device(c->dm, c->kernel, &cc->req, &devname, &reason,
				 &message);
	if (r < 0) {
		log_warning("CreateDevice for %s failed: %s", sender_of(m),
			    message ? message : strerror(-r));
		return bus_refusal(error, reason, r, message, false);
	}
	log_notice("Created %s%s for %s", devname,
		   cc->req.name ? " (named)" : "", sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", devname);
}

int method_create_device(sd_bus_message *m, void *userdata,
			 sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct create_device_call *cc = NULL;
	const char *region = "", *name = "";
	bool no_user_interaction = false;
	uint64_t size = 0, align = 0;
	const struct bus_option opts[] = {
		{ "size", "t", &size },
		{ "align", "t", &align },
		{ "region", "s", &region },
		{ "name", "s", &name },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	int r;

	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	cc->c = c;
	cc->req.size = size;
	cc->req.align = align;
	cc->req.region = *region ? region : NULL;
	cc->req.name = *name ? name : NULL;
	/* What the library would refuse anyway, refused before polkit asks. */
	r = daxmap_device_request_check(&cc->req, &reason, &message);
	if (r < 0)
		return bus_refusal(error, reason, r, message, true);
	return auth_check(&c->auth, m, "org.daxmap1.create-device",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  create_device_run, TAKE_PTR(cc), free, error);
}

/* -------------------------------------------------------- DestroyDevice */

struct destroy_device_call {
	struct context *c;
	const char *which;
	unsigned int flags;
};

static int destroy_device_run(sd_bus_message *m, void *userdata,
			      sd_bus_error *error)
{
	_cleanup_free_ char *message = NULL, *devname = NULL;
	struct destroy_device_call *dc = userdata;
	struct context *c = dc->c;
	enum daxmap_reason reason;
	int r;

	provision_recover(c);
	r = daxmap_destroy_device(c->dm, dc->which, dc->flags, &devname,
				  &reason, &message);
	if (r < 0)
		return bus_refusal(error, reason, r, message, false);
	log_notice("Destroyed %s%s for %s", devname,
		   dc->flags & DAXMAP_DESTROY_FORCE ? " (forced)" : "",
		   sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", devname);
}

int method_destroy_device(sd_bus_message *m, void *userdata,
			  sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct destroy_device_call *dc = NULL;
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
		return bus_refusal(error, reason, r, message, true);
	dc = calloc(1, sizeof(*dc));
	if (!dc)
		return -ENOMEM;
	dc->c = c;
	dc->which = which;
	dc->flags = force ? DAXMAP_DESTROY_FORCE : 0;
	return auth_check(&c->auth, m, "org.daxmap1.destroy-device",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  destroy_device_run, TAKE_PTR(dc), free, error);
}

/* ------------------------------------------------- ReconfigureNamespace */

struct reconfigure_namespace_call {
	struct context *c;
	const char *which;
	struct daxmap_namespace_reconfigure req;
};

static int reconfigure_namespace_run(sd_bus_message *m, void *userdata,
				     sd_bus_error *error)
{
	_cleanup_free_ char *message = NULL;
	struct reconfigure_namespace_call *rc = userdata;
	struct context *c = rc->c;
	enum daxmap_reason reason;
	int r;

	provision_recover(c);
	r = daxmap_reconfigure_namespace(c->dm, c->kernel, rc->which, &rc->req,
					 &reason, &message);
	if (r < 0)
		return bus_refusal(error, reason, r, message, false);
	log_notice("Reconfigured %s as %s for %s", rc->which,
		   daxmap_mode_name(rc->req.mode), sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", rc->which);
}

int method_reconfigure_namespace(sd_bus_message *m, void *userdata,
				 sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct reconfigure_namespace_call *rc = NULL;
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
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	int r;

	r = sd_bus_message_read(m, "s", &which);
	if (r < 0)
		return r;
	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	if (*mode && daxmap_mode_from_name(mode, &req.mode) < 0)
		req.mode = DAXMAP_MODE_UNKNOWN;
	if (*map && daxmap_map_from_name(map, &req.map) < 0)
		return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MAP,
					 "Unknown map: use \"mem\" or \"dev\".");
	req.align = align;
	req.flags = force ? DAXMAP_RECONFIGURE_FORCE : 0;
	r = daxmap_namespace_reconfigure_check(which, &req, &reason, &message);
	if (r < 0)
		return bus_refusal(error, reason, r, message, true);
	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->c = c;
	rc->which = which;
	rc->req = req;
	return auth_check(&c->auth, m, "org.daxmap1.reconfigure-namespace",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  reconfigure_namespace_run, TAKE_PTR(rc), free, error);
}
