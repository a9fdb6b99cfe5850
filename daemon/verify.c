// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VerifyDevice: daxmapctl verify device on the bus. It maps the device
 * with the daemon's privileges and, with the pattern, writes to it, so it
 * is authorised like the methods that change the system (its own polkit
 * action), after the checks that need no privilege.
 */
#include <errno.h>
#include <stdlib.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "context.h"
#include "job.h"
#include "log.h"
#include "options.h"
#include "util.h"
#include "verify.h"

struct verify_call {
	struct job_result res;	/* first: job_free() */
	struct daxmap_verify_request req;
	unsigned int json_flags;
	bool passed;
};

static int verify_work(const struct worker_env *env, void *userdata)
{
	struct verify_call *vc = userdata;
	struct daxmap_verify *v = NULL;
	int r;

	r = daxmap_verify_device(env->dm, env->kernel, &vc->req, &v,
				 &vc->res.reason, &vc->res.message);
	if (r < 0)
		return r;
	vc->passed = daxmap_verify_passed(v);
	vc->res.name = strdup(daxmap_verify_get_devname(v));
	r = daxmap_verify_to_json(v, vc->json_flags, &vc->res.json);
	daxmap_verify_free(v);
	if (r >= 0 && !vc->res.name)
		r = -ENOMEM;
	return r;
}

static int verify_reply(struct context *c, sd_bus_message *m, void *userdata,
			int r, sd_bus_error *error)
{
	struct verify_call *vc = userdata;

	if (r < 0)
		return job_refused(error, &vc->res, r);
	log_notice("Verified %s%s for %s: %s", vc->res.name,
		   vc->req.flags & DAXMAP_VERIFY_PATTERN ? " with a pattern" : "",
		   sender_of(m), vc->passed ? "passed" : "FAILED");
	return sd_bus_reply_method_return(m, "s", vc->res.json);
}

static const struct worker_ops verify_ops = {
	.run = verify_work,
	.reply = verify_reply,
	.free = job_free,
};

int method_verify_device(sd_bus_message *m, void *userdata,
			 sd_bus_error *error)
{
	struct context *c = userdata;
	struct verify_call *vc = NULL;
	_cleanup_free_ char *message = NULL;
	bool pattern = false, force = false, human = false;
	bool no_user_interaction = false;
	uint64_t size = 0;
	const struct bus_option opts[] = {
		{ "pattern", "b", &pattern },
		{ "size", "t", &size },
		{ "force", "b", &force },
		{ "human", "b", &human },
		{ BUS_OPTION_NO_USER_INTERACTION, "b", &no_user_interaction },
	};
	enum daxmap_reason reason;
	const char *which;
	int r;

	r = bus_read_target_options(m, &which, opts, ARRAY_SIZE(opts), error);
	if (r < 0)
		return r;

	vc = calloc(1, sizeof(*vc));
	if (!vc)
		return -ENOMEM;
	vc->req.which = which;
	vc->req.size = size;
	vc->req.flags = (pattern ? DAXMAP_VERIFY_PATTERN : 0) |
			(force ? DAXMAP_VERIFY_FORCE : 0);
	vc->json_flags = DAXMAP_JSON_PRETTY | (human ? DAXMAP_JSON_HUMAN : 0);
	r = daxmap_verify_request_check(&vc->req, &reason, &message);
	if (r < 0) {
		job_free(vc);
		return bus_refusal(error, reason, r, message, true);
	}
	const char *const details[] = {
		"device", which,
		"pattern", pattern ? "yes" : "no",
		NULL
	};
	return job_submit(c, m, "org.daxmap1.verify-device",
			  no_user_interaction, details, &verify_ops, vc, error);
}
