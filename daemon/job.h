/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the methods that change the host share around the worker
 * (worker.h): the library's answer a job keeps for its reply, and the
 * submission with the caller's auth.no_user_interaction. A call's
 * struct starts with its struct job_result, so that job_free() frees
 * the calls that own nothing else.
 */
#ifndef DAXMAPD_JOB_H
#define DAXMAPD_JOB_H

#include <stdbool.h>

#include <systemd/sd-bus.h>

#include <daxmap.h>

#include "worker.h"

struct context;

/* What the library said, for the reply. */
struct job_result {
	enum daxmap_reason reason;
	char *message;	/* its sentence for a refusal */
	char *name;	/* what it created, destroyed or verified */
	char *json;	/* a plan, a result */
};

void job_result_clear(struct job_result *res);

/* worker_ops.free of a call whose first member is its job_result. */
void job_free(void *userdata);

/* The error reply of a job whose library call returned @r < 0. */
int job_refused(sd_bus_error *error, const struct job_result *res, int r);

/*
 * worker_submit_authorized() for the polkit @action, letting polkit ask
 * for a password unless the caller said @no_user_interaction.
 */
int job_submit(struct context *c, sd_bus_message *call, const char *action,
	       bool no_user_interaction, const char *const *details,
	       const struct worker_ops *ops, void *userdata,
	       sd_bus_error *error);

#endif /* DAXMAPD_JOB_H */
