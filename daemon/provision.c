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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "context.h"
#include "job.h"
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

/* Finishes creates a crash interrupted before anything else is changed. */
void provision_recover_dm(struct daxmap_ctx *dm)
{
	_cleanup_free_ char *report = NULL;
	char *line, *save = NULL;
	int r;

	r = daxmap_recover(dm, &report);
	for (line = report ? strtok_r(report, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		log_notice("Recovered: %s", line);
	if (r < 0)
		log_errno(LOG_ERR, r, "Recovery of interrupted creates failed");
}

void provision_recover(struct context *c)
{
	provision_recover_dm(c->dm);
}

int provision_scan(const struct worker_env *env, struct daxmap_topology **ret,
		   enum daxmap_reason *ret_reason, char **ret_message)
{
	int r = daxmap_topology_scan(env->dm, env->kernel, ret);

	if (r < 0) {
		*ret_reason = DAXMAP_REASON_FAILED;
		if (asprintf(ret_message,
			     "Cannot scan regions, namespaces and dax devices: %s.",
			     strerror(-r)) < 0)
			*ret_message = NULL;
	}
	return r;
}

/* ------------------------------------------------------- CreateNamespace */

struct create_call {
	/* What the worker found: the plan (json), the namespace (name). */
	struct job_result res;
	/* Its strings point into the call, which the job keeps. */
	struct daxmap_create_request req;
	bool dry_run;
	bool measure;		/* the caller asked for it */

	bool committing;	/* it got as far as changing the host */
	char *region, *mode;
	bool named;
};

static void create_call_free(void *userdata)
{
	struct create_call *cc = userdata;

	if (!cc)
		return;
	free(cc->region);
	free(cc->mode);
	job_free(cc);
}

static int create_work(const struct worker_env *env, void *userdata)
{
	_cleanup_(daxmap_topology_unrefp) struct daxmap_topology *t = NULL;
	struct create_call *cc = userdata;
	struct daxmap_create_plan *plan = NULL;
	int r;

	if (!cc->dry_run)
		provision_recover_dm(env->dm);
	if (cc->measure)
		(void)daxmap_set_measure(env->dm, DAXMAP_MEASURE_ON);
	r = provision_scan(env, &t, &cc->res.reason, &cc->res.message);
	if (r < 0)
		return r;
	r = daxmap_create_prepare(env->dm, env->kernel, t, &cc->req, &plan,
				  &cc->res.reason, &cc->res.message);
	if (r < 0)
		return r;
	cc->res.reason = DAXMAP_REASON_FAILED;
	r = daxmap_create_plan_to_json(plan, 0, &cc->res.json);
	if (r < 0 || cc->dry_run)
		goto out;

	cc->committing = true;
	cc->region = strdup(daxmap_create_plan_get_region(plan));
	cc->mode = strdup(daxmap_create_plan_get_mode(plan));
	cc->named = daxmap_create_plan_get_name(plan);
	if (!cc->region || !cc->mode) {
		r = -ENOMEM;
		goto out;
	}
	r = daxmap_create_commit(env->dm, env->kernel, plan, &cc->res.name,
				 &cc->res.reason, &cc->res.message);
out:
	daxmap_create_plan_free(plan);
	return r;
}

static int create_reply(struct context *c, sd_bus_message *m,
			void *userdata, int r,
			sd_bus_error *error)
{
	struct create_call *cc = userdata;
	_cleanup_free_ char *path = NULL;

	if (r < 0) {
		if (cc->committing)
			log_warning("CreateNamespace for %s failed: %s",
				    sender_of(m),
				    cc->res.message ?: strerror(-r));
		return job_refused(error, &cc->res, r);
	}
	if (cc->dry_run)
		return sd_bus_reply_method_return(m, "os", "/", cc->res.json);

	log_notice("Created %s on %s (%s%s) for %s", cc->res.name, cc->region,
		   cc->mode, cc->named ? ", named" : "", sender_of(m));
	/* The new objects are on the bus before the caller hears back. */
	(void)context_scan(c, 0, NULL, NULL);
	r = object_path_for(OBJECT_NAMESPACE, cc->res.name, &path);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "os", path, cc->res.json);
}

static const struct worker_ops create_ops = {
	.run = create_work,
	.reply = create_reply,
	.free = create_call_free,
};

int method_create_namespace(sd_bus_message *m, void *userdata,
				   sd_bus_error *error)
{
	struct context *c = userdata;
	struct create_call *cc = NULL;
	const char *mode = "", *map = "", *region = "", *name = "";
	uint32_t numa_node = UINT32_MAX, percent = 0;
	bool no_user_interaction = false, dry_run = false, measure = false;
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
		{ "measure", "b", &measure },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	char size_s[SIZE_BUF], align_s[SIZE_BUF], percent_s[16];
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
	cc->dry_run = dry_run;
	cc->measure = measure;
	cc->req.numa_node = -1;
	cc->req.size = size;
	cc->req.percent = percent;
	cc->req.align = align;
	if (*mode) {
		r = daxmap_create_request_set_mode(&cc->req, mode, &reason,
						   &message);
		if (r < 0)
			goto refused;
	}
	if (*map && daxmap_map_from_name(map, &cc->req.map) < 0) {
		create_call_free(cc);
		len = utf8_prefix_len(map, QUOTE_MAX);
		return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_MAP,
					 "Unknown map '%.*s%s': use \"mem\" (the memmap in system RAM) or \"dev\" (on the device), or \"\" to let the kernel's rules decide.",
					 (int)len, map, map[len] ? "..." : "");
	}
	cc->req.region = *region ? region : NULL;
	if (numa_node != UINT32_MAX) {
		if (numa_node > INT32_MAX) {
			create_call_free(cc);
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
						 "NUMA node %" PRIu32 " does not exist.",
						 numa_node);
		}
		cc->req.numa_node = (int)numa_node;
	}
	cc->req.name = *name ? name : NULL;

	/* What the library would refuse anyway, refused before polkit asks. */
	r = daxmap_create_request_check(&cc->req, &reason, &message);
	if (r < 0)
		goto refused;

	/* What the administrator is shown when polkit asks. */
	snprintf(percent_s, sizeof(percent_s), "%" PRIu32 "%%", percent);
	const char *const details[] = {
		"size", percent ? percent_s : size ?
			format_size_exact(size, size_s) : "the region's free space",
		"align", align ? format_size_exact(align, align_s) : "default",
		"region", *region ? region : "any",
		"name", *name ? name : "",
		NULL
	};

	/* A dry run changes nothing: as open as GetStatus. */
	return job_submit(c, m, dry_run ? NULL : "org.daxmap1.create-namespace",
			  no_user_interaction, details, &create_ops, cc, error);
refused:
	create_call_free(cc);
	return check_refused(error, reason, r, message);
}

/* -------------------------------------- DestroyNamespace, DestroyDevice */

struct destroy_call {
	struct job_result res;	/* first: job_free() */
	provision_destroy_fn destroy;
	const char *which;
	unsigned int flags;
};

static int destroy_work(const struct worker_env *env, void *userdata)
{
	struct destroy_call *dc = userdata;

	provision_recover_dm(env->dm);
	return dc->destroy(env->dm, dc->which, dc->flags, &dc->res.name,
			   &dc->res.reason, &dc->res.message);
}

static int destroy_reply(struct context *c, sd_bus_message *m,
			 void *userdata, int r, sd_bus_error *error)
{
	struct destroy_call *dc = userdata;

	if (r < 0)
		return job_refused(error, &dc->res, r);
	log_notice("Destroyed %s%s for %s", dc->res.name,
		   dc->flags & DAXMAP_DESTROY_FORCE ? " (forced)" : "",
		   sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", dc->res.name);
}

static const struct worker_ops destroy_ops = {
	.run = destroy_work,
	.reply = destroy_reply,
	.free = job_free,
};

int provision_destroy(sd_bus_message *m, struct context *c,
		      const char *action, const char *what,
		      provision_destroy_fn destroy, sd_bus_error *error)
{
	struct destroy_call *dc = NULL;
	bool force = false, no_user_interaction = false;
	const struct bus_option opts[] = {
		{ "force", "b", &force },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	const char *which;
	int r;

	r = bus_read_target_options(m, &which, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	r = daxmap_destroy_request_check(which, &reason, &message);
	if (r < 0)
		return check_refused(error, reason, r, message);

	dc = calloc(1, sizeof(*dc));
	if (!dc)
		return -ENOMEM;
	dc->destroy = destroy;
	dc->which = which;
	dc->flags = force ? DAXMAP_DESTROY_FORCE : 0;
	const char *const details[] = {
		what, which,
		"force", force ? "yes" : "no",
		NULL
	};
	return job_submit(c, m, action, no_user_interaction, details,
			  &destroy_ops, dc, error);
}

int method_destroy_namespace(sd_bus_message *m, void *userdata,
			     sd_bus_error *error)
{
	return provision_destroy(m, userdata, "org.daxmap1.destroy-namespace",
				 "namespace", daxmap_destroy_namespace, error);
}

/* ----------------------------------------------------- ReconfigureDevice */

struct reconfigure_call {
	struct job_result res;	/* first: job_free() */
	const char *which;
	struct daxmap_reconfigure_request req;
};

static int reconfigure_work(const struct worker_env *env, void *userdata)
{
	struct reconfigure_call *rc = userdata;

	provision_recover_dm(env->dm);
	return daxmap_reconfigure_device(env->dm, rc->which, &rc->req,
					 &rc->res.reason, &rc->res.message);
}

static int reconfigure_reply(struct context *c, sd_bus_message *m,
			     void *userdata, int r, sd_bus_error *error)
{
	struct reconfigure_call *rc = userdata;

	if (r < 0)
		return job_refused(error, &rc->res, r);
	log_notice("Reconfigured %s for %s", rc->which, sender_of(m));
	(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, NULL);
}

static const struct worker_ops reconfigure_ops = {
	.run = reconfigure_work,
	.reply = reconfigure_reply,
	.free = job_free,
};

int method_reconfigure_device(sd_bus_message *m, void *userdata,
			      sd_bus_error *error)
{
	struct context *c = userdata;
	struct reconfigure_call *rc = NULL;
	struct daxmap_reconfigure_request req = {};
	_cleanup_free_ char *message = NULL;
	enum daxmap_reason reason;
	bool no_user_interaction = false;
	const char *which, *mode = "";
	uint64_t align = 0, size = 0;
	bool memmap_on_memory = false;
	const struct bus_option opts[] = {
		{ "mode", "s", &mode },
		{ "align", "t", &align },
		{ "size", "t", &size },
		{ "memmap_on_memory", "b", &memmap_on_memory },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	char size_s[SIZE_BUF], align_s[SIZE_BUF];
	int r;

	r = bus_read_target_options(m, &which, opts, ARRAY_SIZE(opts), error);
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
	req.memmap_on_memory = memmap_on_memory;
	r = daxmap_reconfigure_request_check(which, &req, &reason, &message);
	if (r < 0)
		return check_refused(error, reason, r, message);

	rc = calloc(1, sizeof(*rc));
	if (!rc)
		return -ENOMEM;
	rc->which = which;
	rc->req = req;
	const char *const details[] = {
		"device", which,
		"mode", *mode ? mode : "unchanged",
		"align", align ? format_size_exact(align, align_s) : "unchanged",
		"size", size ? format_size_exact(size, size_s) : "unchanged",
		"memmap_on_memory", memmap_on_memory ? "yes" : "no",
		NULL
	};
	return job_submit(c, m, "org.daxmap1.reconfigure-device",
			  no_user_interaction, details, &reconfigure_ops, rc,
			  error);
}
