// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The parts of a change's job that do not depend on what it changes
 * (job.h).
 */
#include <stdlib.h>

#include "auth.h"
#include "bus-errors.h"
#include "job.h"

void job_result_clear(struct job_result *res)
{
	free(res->message);
	free(res->name);
	free(res->json);
	*res = (struct job_result){ 0 };
}

void job_free(void *userdata)
{
	struct job_result *res = userdata;

	if (!res)
		return;
	job_result_clear(res);
	free(res);
}

int job_refused(sd_bus_error *error, const struct job_result *res, int r)
{
	return bus_refusal(error, res->reason, r, res->message, false);
}

int job_submit(struct context *c, sd_bus_message *call, const char *action,
	       bool no_user_interaction, const char *const *details,
	       const struct worker_ops *ops, void *userdata,
	       sd_bus_error *error)
{
	return worker_submit_authorized(c, call, action,
					no_user_interaction ? 0 :
						AUTH_ALLOW_USER_INTERACTION,
					details, ops, userdata, error);
}
