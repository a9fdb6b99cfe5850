// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The declarative configuration in the daemon: read at start and on
 * Reload, SIGHUP and Apply. A configuration that does not load is logged
 * with its file and line, and the daemon keeps the last one that did.
 * At start the daemon applies it: what is missing is created, drift is
 * reported. Apply does the same on request, authorised as a change.
 */
#include <errno.h>
#include <stdlib.h>

#include <cleanup.h>

#include "apply.h"
#include "bus-errors.h"
#include "context.h"
#include "job.h"
#include "log.h"
#include "options.h"
#include "provision.h"
#include "util.h"

/* Logs why @message's configuration did not load. */
static void log_not_loaded(struct context *c, int r, const char *message)
{
	log_error("Configuration not loaded, %s: %s",
		  c->config ? "keeping the last good one" :
			      "running without one",
		  message ? message : strerror(-r));
}

static int not_loaded_error(sd_bus_error *error, int r, const char *message)
{
	return sd_bus_error_setf(error, DAXMAP_ERROR_INVALID_CONFIG,
				 "%s; nothing was changed",
				 message ? message : strerror(-r));
}

/* Makes @cfg (taken over) the configuration the daemon goes by. */
static void config_install(struct context *c, struct daxmap_config *cfg)
{
	daxmap_config_unref(c->config);
	c->config = cfg;
}

int config_reload(struct context *c, sd_bus_error *error)
{
	_cleanup_free_ char *message = NULL;
	struct daxmap_config *cfg = NULL;
	int r;

	r = daxmap_config_load(c->dm, &cfg, &message);
	if (r < 0) {
		log_not_loaded(c, r, message);
		if (!error)
			return r;
		return not_loaded_error(error, r, message);
	}
	config_install(c, cfg);
	return 0;
}

/* Logs an apply's outcome, a line for each section that was not as said. */
static void log_report(struct daxmap_apply_report *report)
{
	struct daxmap_config_check *ck;
	struct daxmap_apply_summary s;

	daxmap_config_check_foreach(daxmap_apply_report_get_checks(report), ck)
		if (daxmap_config_check_get_outcome(ck) !=
		    DAXMAP_APPLY_UNCHANGED)
			log_msg(daxmap_config_check_get_outcome(ck) ==
					DAXMAP_APPLY_FAILED ?
				LOG_ERR : LOG_NOTICE,
				/* A name names one section, of either kind. */
				"Apply: %s: %s: %s",
				daxmap_config_check_get_name(ck),
				daxmap_apply_outcome_name(
					daxmap_config_check_get_outcome(ck)),
				daxmap_config_check_get_message(ck) ?: "");
	daxmap_apply_report_get_summary(report, &s);
	log_info("Apply%s: %u created, %u recreated, %u unchanged, %u left drifted, %u failed",
		 s.dry_run ? " (dry run)" : "", s.created, s.recreated,
		 s.unchanged, s.drifted, s.failed);
}

int config_apply_at_start(struct context *c)
{
	struct daxmap_apply_report *report = NULL;
	int r;

	if (config_reload(c, NULL) < 0 || !daxmap_config_get_file(c->config, 0))
		return 0;
	r = daxmap_apply(c->dm, c->kernel, c->config, 0, &report);
	if (r < 0)
		return log_errno(LOG_ERR, r, "Cannot apply the configuration");
	log_report(report);
	daxmap_apply_report_free(report);
	return 0;
}

struct apply_call {
	bool dry_run;
	bool measure;

	/* What the worker found: the files as they are now, or why not. */
	struct daxmap_config *config;
	char *message, *json;
	bool loaded;
	struct daxmap_apply_report *report;
};

static void apply_call_free(void *userdata)
{
	struct apply_call *ac = userdata;

	if (!ac)
		return;
	daxmap_config_unref(ac->config);
	daxmap_apply_report_free(ac->report);
	free(ac->message);
	free(ac->json);
	free(ac);
}

/* In the worker: the files are read there too, a FIFO among them or not. */
static int apply_work(const struct worker_env *env, void *userdata)
{
	struct apply_call *ac = userdata;
	int r;

	if (!ac->dry_run)
		provision_recover_dm(env->dm);
	if (ac->measure)
		(void)daxmap_set_measure(env->dm, DAXMAP_MEASURE_ON);
	r = daxmap_config_load(env->dm, &ac->config, &ac->message);
	if (r < 0)
		return r;
	ac->loaded = true;
	r = daxmap_apply(env->dm, env->kernel, ac->config,
			 ac->dry_run ? DAXMAP_APPLY_DRY_RUN : 0, &ac->report);
	if (r < 0)
		return r;
	return daxmap_apply_report_to_json(ac->report, 0, &ac->json);
}

static int apply_reply(struct context *c, sd_bus_message *m, void *userdata,
		       int r, sd_bus_error *error)
{
	struct apply_call *ac = userdata;

	if (!ac->loaded) {
		log_not_loaded(c, r, ac->message);
		return not_loaded_error(error, r, ac->message);
	}
	config_install(c, TAKE_PTR(ac->config));
	if (r < 0 && !ac->report)
		return sd_bus_error_set_errnof(error, r,
					       "Cannot read the host to apply the configuration: %m");
	log_report(ac->report);
	if (r < 0)
		return r;
	if (!ac->dry_run)
		(void)context_scan(c, 0, NULL, NULL);
	return sd_bus_reply_method_return(m, "s", ac->json);
}

static const struct worker_ops apply_ops = {
	.run = apply_work,
	.reply = apply_reply,
	.free = apply_call_free,
};

int method_apply(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct context *c = userdata;
	struct apply_call *ac;
	bool dry_run = false, no_user_interaction = false, measure = false;
	const struct bus_option opts[] = {
		{ "dry_run", "b", &dry_run },
		{ "measure", "b", &measure },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	int r;

	r = bus_read_options(m, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;
	ac = calloc(1, sizeof(*ac));
	if (!ac)
		return -ENOMEM;
	ac->dry_run = dry_run;
	ac->measure = measure;
	/* A dry run changes nothing: as open as GetStatus. */
	return job_submit(c, m, dry_run ? NULL : "org.daxmap1.apply",
			  no_user_interaction, NULL, &apply_ops, ac, error);
}
