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

static const char *const create_modes[] = { "devdax", "fsdax", NULL };
static const char *const device_modes[] = { "devdax", "system-ram", NULL };

/* What the library's -errno means as a named error, per operation. */
struct errno_name {
	int errnum;
	const char *name;
};

static const struct errno_name create_errors[] = {
	{ ENODEV, DAXMAP_ERROR_NO_SUCH_REGION },
	{ EOPNOTSUPP, DAXMAP_ERROR_UNSUPPORTED_ALIGN },
	{ EINVAL, DAXMAP_ERROR_INVALID_SIZE },
	{ ERANGE, DAXMAP_ERROR_INVALID_SIZE },
	{ ENOSPC, DAXMAP_ERROR_NO_SPACE },
	{ ENAMETOOLONG, DAXMAP_ERROR_INVALID_NAME },
	{ EBUSY, DAXMAP_ERROR_BUSY },
	{}
};

/* Once validated, what can still fail is the kernel's or the platform's. */
static const struct errno_name commit_errors[] = {
	{ ENODEV, DAXMAP_ERROR_NO_SUCH_REGION },
	{ EOPNOTSUPP, DAXMAP_ERROR_NOT_SUPPORTED },
	{ ENOSPC, DAXMAP_ERROR_NO_SPACE },
	{ EBUSY, DAXMAP_ERROR_BUSY },
	{}
};

static const struct errno_name destroy_errors[] = {
	{ ENODEV, DAXMAP_ERROR_NOT_FOUND },
	{ ENOENT, DAXMAP_ERROR_NOT_FOUND },
	{ EPERM, DAXMAP_ERROR_NOT_MANAGED },
	{ EBUSY, DAXMAP_ERROR_BUSY },
	{ EOPNOTSUPP, DAXMAP_ERROR_NOT_SUPPORTED },
	{}
};

static const struct errno_name reconfigure_errors[] = {
	{ ENODEV, DAXMAP_ERROR_NOT_FOUND },
	{ ENOENT, DAXMAP_ERROR_NOT_FOUND },
	{ EBUSY, DAXMAP_ERROR_BUSY },
	{ EOPNOTSUPP, DAXMAP_ERROR_NOT_SUPPORTED },
	{ EINVAL, DAXMAP_ERROR_INVALID_SIZE },
	{}
};

/*
 * The library refused with @r and said why in @message: the named error
 * for @r in @names, or Failed (with the errno for sd-bus clients).
 */
static int library_error(sd_bus_error *error, const struct errno_name *names,
			 int r, const char *message)
{
	const char *text = message ? message : strerror(-r);

	for (; names->name; names++)
		if (names->errnum == -r)
			return sd_bus_error_setf(error, names->name, "%s", text);
	if (r == -ENOMEM)
		return r;
	return sd_bus_error_setf(error, DAXMAP_ERROR_FAILED, "%s", text);
}

/* 0 for 4K, 2M, 1G (and 0 where @zero_ok), else UnsupportedAlign. */
static int check_align(sd_bus_error *error, uint64_t align, bool zero_ok)
{
	char a[SIZE_DESCRIPTION_BUF];

	if ((zero_ok && !align) || align == SZ_4K || align == SZ_2M ||
	    align == SZ_1G)
		return 0;
	return sd_bus_error_setf(error, DAXMAP_ERROR_UNSUPPORTED_ALIGN,
				 "Align %s is not supported: device-DAX aligns are 4K (4096), 2M (2097152) and 1G (1073741824)%s.",
				 describe_size(align, a),
				 zero_ok ? ", or 0 for 2M" : "");
}

/* 0 for "" or one of @modes (NULL-terminated), else InvalidMode. */
static int check_mode(sd_bus_error *error, const char *mode,
		      const char *const *modes, const char *valid)
{
	const char *const *p;
	size_t len;

	if (!*mode)
		return 0;
	for (p = modes; *p; p++)
		if (streq(mode, *p))
			return 0;
	len = utf8_prefix_len(mode, QUOTE_MAX);
	return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MODE,
				 "Unknown mode '%.*s%s': use %s.", (int)len, mode,
				 mode[len] ? "..." : "", valid);
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

static const char *sender_of(sd_bus_message *m)
{
	const char *s = sd_bus_message_get_sender(m);

	return s ? s : "?";
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
	int r;

	if (!cc->dry_run)
		provision_recover(c);
	r = context_scan(c, 0, &t, error);
	if (r < 0)
		return r;
	r = daxmap_create_prepare(c->dm, c->kernel, t, &cc->req, &plan,
				  &message);
	if (r < 0)
		return library_error(error, create_errors, r, message);
	r = daxmap_create_plan_to_json(plan, 0, &json);
	if (r < 0)
		goto out;
	if (cc->dry_run) {
		r = sd_bus_reply_method_return(m, "os", "/", json);
		goto out;
	}

	r = daxmap_create_commit(c->dm, c->kernel, plan, &devname, &message);
	if (r < 0) {
		log_warning("CreateNamespace for %s failed: %s", sender_of(m),
			    message ? message : strerror(-r));
		r = library_error(error, commit_errors, r, message);
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

	/* What the library would refuse anyway, refused before polkit asks. */
	if (!size && !percent)
		return sd_bus_error_set(error, DAXMAP_ERROR_INVALID_SIZE,
					"Give the namespace's size in bytes (option 'size') or a percentage of a region's largest free extent (option 'percent').");
	if (size && percent)
		return sd_bus_error_set(error, DAXMAP_ERROR_INVALID_SIZE,
					"Give 'size' or 'percent', not both.");
	if (percent > 100)
		return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_SIZE,
					 "A percentage of %" PRIu32 " is more than 100.",
					 percent);
	r = check_align(error, align, true);
	if (r < 0)
		return r;
	cc->req.align = align;
	r = check_mode(error, mode, create_modes,
		       "\"devdax\" or \"fsdax\", or \"\" for devdax");
	if (r < 0)
		return r;
	cc->req.mode = *mode ? mode : NULL;
	if (*map && daxmap_map_from_name(map, &cc->req.map) < 0) {
		len = utf8_prefix_len(map, QUOTE_MAX);
		return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MAP,
					 "Unknown map '%.*s%s': use \"mem\" (the memmap in system RAM) or \"dev\" (on the device), or \"\" to let the kernel's rules decide.",
					 (int)len, map, map[len] ? "..." : "");
	}
	if (*region && numa_node != UINT32_MAX)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
					"Give 'region' or 'numa_node', not both.");
	cc->req.region = *region ? region : NULL;
	if (numa_node != UINT32_MAX) {
		if (numa_node > INT32_MAX)
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "NUMA node %" PRIu32 " does not exist.",
						 numa_node);
		cc->req.numa_node = (int)numa_node;
	}
	cc->req.name = *name ? name : NULL;

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
	int r;

	provision_recover(c);
	r = daxmap_destroy_namespace(c->dm, dc->which, dc->flags, &devname,
				     &message);
	if (r < 0)
		return library_error(error, destroy_errors, r, message);
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
	const char *which;
	int r;

	r = sd_bus_message_read(m, "s", &which);
	if (r < 0)
		return r;
	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	if (!*which)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
					"Name the namespace: namespaceX.Y, its label name, or its dax device daxX.Y.");

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
	int r;

	provision_recover(c);
	r = daxmap_reconfigure_device(c->dm, rc->which, &rc->req, &message);
	if (r < 0)
		return library_error(error, reconfigure_errors, r, message);
	log_notice("Reconfigured %s for %s", rc->which, sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, NULL);
}

int method_reconfigure_device(sd_bus_message *m, void *userdata,
				     sd_bus_error *error)
{
	struct context *c = userdata;
	_cleanup_free_ struct reconfigure_call *rc = NULL;
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
	if (!*which)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
					"Name the dax device: daxX.Y or /dev/daxX.Y.");
	r = check_mode(error, mode, device_modes,
		       "\"devdax\" or \"system-ram\"");
	if (r < 0)
		return r;
	/* 0: not asked for. */
	r = align ? check_align(error, align, false) : 0;
	if (r < 0)
		return r;
	if (!*mode && !align && !size)
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS,
					"Nothing to change: give 'mode', 'align' or 'size'.");

	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->c = c;
	rc->which = which;
	rc->req.mode = *mode ? mode : NULL;
	rc->req.align = align;
	rc->req.size = size;
	return auth_check(&c->auth, m, "org.daxmap1.reconfigure-device",
			  no_user_interaction ? 0 : AUTH_ALLOW_USER_INTERACTION,
			  reconfigure_run, TAKE_PTR(rc), free, error);
}
