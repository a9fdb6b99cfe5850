// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The worker thread and its queue. The loop owns the queue, the bus and
 * every reply; the thread only runs ops->run and then writes to an
 * eventfd, which the loop reads to join it, reply and start the next.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cleanup.h>

#include "auth.h"
#include "bus-errors.h"
#include "context.h"
#include "log.h"
#include "util.h"
#include "worker.h"

struct worker_job {
	struct worker_job *next;
	struct worker *worker;
	struct context *c;
	sd_bus_message *call;
	const struct worker_ops *ops;
	void *userdata;
	struct worker_env env;
	int r;			/* what run returned */
};

static void job_free(struct worker_job *j)
{
	if (!j)
		return;
	if (j->ops->free)
		j->ops->free(j->userdata);
	daxmap_kernel_unref(j->env.kernel);
	sd_bus_message_unref(j->call);
	free(j);
}

static void *job_thread(void *arg)
{
	struct worker_job *j = arg;
	uint64_t one = 1;

	/* Each job starts from the daemon's settings, whatever the last did. */
	(void)daxmap_set_measure(j->env.dm, j->worker->measure);
	j->r = j->ops->run(&j->env, j->userdata);
	/* An eventfd write of 1 cannot fail short of a bug. */
	if (write(j->worker->done_fd, &one, sizeof(one)) < 0)
		abort();
	return NULL;
}

static void start_next(struct worker *w)
{
	struct worker_job *j;
	int r;

	while (!w->running && (j = w->queue)) {
		w->queue = j->next;
		j->next = NULL;
		w->running = j;
		r = -pthread_create(&w->thread, NULL, job_thread, j);
		if (r == 0)
			return;
		w->running = NULL;
		log_errno(LOG_ERR, r, "cannot start the worker for %s",
			  sender_of(j->call));
		r = sd_bus_reply_method_errnof(j->call, r,
					       "Cannot start the work: %m");
		if (r < 0)
			log_errno(LOG_DEBUG, r, "cannot reply to %s",
				  sender_of(j->call));
		job_free(j);
	}
}

static void finish(struct worker *w)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	struct worker_job *j = w->running;
	int r;

	pthread_join(w->thread, NULL);
	w->running = NULL;
	w->jobs_run++;
	r = j->ops->reply(j->c, j->call, j->userdata, j->r, &error);
	if (r < 0) {
		if (sd_bus_error_is_set(&error))
			r = sd_bus_reply_method_error(j->call, &error);
		else
			r = sd_bus_reply_method_errno(j->call, r, NULL);
		if (r < 0)
			log_errno(LOG_DEBUG, r, "cannot reply to %s",
				  sender_of(j->call));
	}
	job_free(j);
}

static int on_done(sd_event_source *s, int fd, uint32_t revents,
		   void *userdata)
{
	struct worker *w = userdata;
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0)
		return 0;	/* EAGAIN: nothing finished after all */
	if (w->running)
		finish(w);
	start_next(w);
	return 0;
}

int worker_init(struct context *c)
{
	struct worker *w = &c->worker;
	int r;

	w->done_fd = -1;
	r = daxmap_new(&w->dm);
	if (r < 0)
		return r;
	daxmap_set_log_fn(w->dm, log_library);
	daxmap_set_log_priority(w->dm, daxmap_get_log_priority(c->dm));
	w->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->done_fd < 0)
		return -errno;
	return sd_event_add_io(c->event, &w->done_source, w->done_fd, EPOLLIN,
			       on_done, w);
}

bool worker_busy(const struct worker *w)
{
	return w->running || w->queue;
}

void worker_done(struct worker *w)
{
	struct worker_job *j;

	if (w->running) {
		log_info("Waiting for the running change to finish");
		/* Its caller still hears how it went, if still there. */
		finish(w);
	}
	while ((j = w->queue)) {
		w->queue = j->next;
		(void)sd_bus_reply_method_errorf(j->call, DAXMAP_ERROR_FAILED,
						 "daxmapd is stopping; nothing was changed.");
		job_free(j);
	}
	w->done_source = sd_event_source_disable_unref(w->done_source);
	/* worker_init() ran if there is a library context. */
	if (w->dm && w->done_fd >= 0)
		close(w->done_fd);
	w->done_fd = -1;
	w->dm = daxmap_unref(w->dm);
}

int worker_submit(struct context *c, sd_bus_message *call,
		  const struct worker_ops *ops, void *userdata,
		  sd_bus_error *error)
{
	struct worker *w = &c->worker;
	struct worker_job *j, **tail;

	j = calloc(1, sizeof(*j));
	if (!j) {
		if (ops->free)
			ops->free(userdata);
		return -ENOMEM;
	}
	j->worker = w;
	j->c = c;
	j->call = sd_bus_message_ref(call);
	j->ops = ops;
	j->userdata = userdata;
	j->env.dm = w->dm;
	/* Reload may probe the kernel again meanwhile: the job keeps its own. */
	j->env.kernel = daxmap_kernel_ref(c->kernel);
	for (tail = &w->queue; *tail; tail = &(*tail)->next)
		;
	*tail = j;
	if (w->running)
		log_info("Queued the request of %s behind the running one",
			 sender_of(call));
	start_next(w);
	return 1;
}

/* What auth_check_details() continues with: the job, once authorised. */
struct authorized_job {
	struct context *c;
	const struct worker_ops *ops;
	void *userdata;
};

static int authorized_submit(sd_bus_message *call, void *userdata,
			     sd_bus_error *error)
{
	struct authorized_job *a = userdata;
	void *job = a->userdata;

	a->userdata = NULL;
	return worker_submit(a->c, call, a->ops, job, error);
}

static void authorized_job_free(void *userdata)
{
	struct authorized_job *a = userdata;

	if (a && a->userdata && a->ops->free)
		a->ops->free(a->userdata);
	free(a);
}

int worker_submit_authorized(struct context *c, sd_bus_message *call,
			     const char *action, unsigned int auth_flags,
			     const char *const *details,
			     const struct worker_ops *ops, void *userdata,
			     sd_bus_error *error)
{
	struct authorized_job *a;

	if (!action)
		return worker_submit(c, call, ops, userdata, error);
	a = calloc(1, sizeof(*a));
	if (!a) {
		if (ops->free)
			ops->free(userdata);
		return -ENOMEM;
	}
	a->c = c;
	a->ops = ops;
	a->userdata = userdata;
	return auth_check_details(&c->auth, call, action, auth_flags, details,
				  authorized_submit, a, authorized_job_free,
				  error);
}
