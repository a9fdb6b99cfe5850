/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker: where a method that changes the host does its work, so that
 * the event loop never waits for it. GetStatus, Plan, the properties and
 * the watchdog keep being served while a create measures RAM or sits out
 * the lock of a `daxmapctl --direct` that got there first.
 *
 * One thread at a time, jobs in the order they were authorised: the
 * changes are serialised by the library's lock anyway, and one after the
 * other they never wait for it behind each other's backs. A thread rather
 * than a child process because a job's result is the library's own
 * handles (a plan, a report, a configuration), which a child would have
 * to serialise through a pipe, and a crash at a crash point must still
 * look like the daemon's crash to the recovery tests.
 *
 * A method joins in two steps, both on the loop:
 *
 *	static const struct worker_ops create_ops = {
 *		.run = create_work,	// in the worker thread
 *		.reply = create_reply,	// back on the loop: reply to the call
 *		.free = create_call_free,
 *	};
 *	...
 *	return worker_submit_authorized(c, m, "org.daxmap1.create-namespace",
 *					auth_flags, details, &create_ops,
 *					TAKE_PTR(cc), error);
 *
 * run(env, userdata) may use only env->dm (the worker's own library
 * context, its settings as the daemon's for each job: a job may change
 * them for itself), env->kernel (held for the job) and what @userdata owns: never
 * the bus, the context or the objects, which belong to the loop. It
 * leaves its result in @userdata and returns >= 0 or -errno. reply(c, call,
 * userdata, r, error) then runs like a method handler (>= 0 once it
 * replied, < 0 with @error set for the error reply), rescans with
 * context_scan() when the job changed the host, and logs. Strings that
 * point into the call stay valid: the job holds the call until reply ran.
 */
#ifndef DAXMAPD_WORKER_H
#define DAXMAPD_WORKER_H

#include <pthread.h>
#include <stdbool.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <daxmap.h>

struct context;
struct worker_job;

/* What a job may use in the worker thread. */
struct worker_env {
	struct daxmap_ctx *dm;
	struct daxmap_kernel *kernel;
};

struct worker_ops {
	int (*run)(const struct worker_env *env, void *userdata);
	int (*reply)(struct context *c, sd_bus_message *call, void *userdata,
		     int r, sd_bus_error *error);
	/* Frees @userdata (may be NULL: free() is not assumed). */
	void (*free)(void *userdata);
};

struct worker {
	struct daxmap_ctx *dm;		/* the worker thread's own */
	sd_event_source *done_source;	/* the eventfd the thread signals */
	int done_fd;
	struct worker_job *queue;	/* waiting, oldest first */
	struct worker_job *running;	/* NULL when idle */
	pthread_t thread;
	unsigned long jobs_run;		/* for the log */
	/* What env->dm measures unless a job says otherwise (--measure). */
	enum daxmap_measure measure;
};

/*
 * Sets up @c->worker on @c->event with a library context of its own,
 * configured as @c->dm is. -errno when it cannot.
 */
int worker_init(struct context *c);

/* Waits for the running job, drops the queued ones (at exit). */
void worker_done(struct worker *w);

/* True while a job runs or waits: what the tests and STATUS= look at. */
bool worker_busy(const struct worker *w);

/*
 * Queues @userdata's job for @call. Takes @userdata over whatever
 * happens. Returns 1 (the reply comes from ops->reply), or < 0 with
 * @error set, as a method handler returns.
 */
int worker_submit(struct context *c, sd_bus_message *call,
		  const struct worker_ops *ops, void *userdata,
		  sd_bus_error *error);

/*
 * Authorises @call for the polkit @action (auth_check_details(): root, or
 * polkit with @details, a NULL-terminated key, value, ... list shown to
 * the administrator, may be NULL), then queues the job. @action NULL
 * queues it right away: for what changes nothing (dry runs). Takes
 * @userdata over; returns as worker_submit() does.
 */
int worker_submit_authorized(struct context *c, sd_bus_message *call,
			     const char *action, unsigned int auth_flags,
			     const char *const *details,
			     const struct worker_ops *ops, void *userdata,
			     sd_bus_error *error);

#endif /* DAXMAPD_WORKER_H */
