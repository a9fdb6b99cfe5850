// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The status refresh's thread, and the GetStatus calls that wait for it.
 * The loop starts a refresh, the thread runs it with the library context
 * and the handles it was given, writes to an eventfd and ends; the loop
 * joins it, puts the result where GetStatus answers from (unless a scan
 * on the loop, after a change, made it old news meanwhile) and answers
 * the calls that waited.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <cleanup.h>

#include "context.h"
#include "log.h"
#include "refresh.h"
#include "util.h"

struct status_waiter {
	struct status_waiter *next;
	sd_bus_message *call;
	uid_t viewer;
	unsigned int flags;
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC +
	       (uint64_t)ts.tv_nsec / 1000;
}

static void *refresh_thread(void *arg)
{
	struct refresh *rf = arg;
	uint64_t one = 1, t0 = now_usec();

	if (rf->kind == REFRESH_MAPPERS)
		rf->r = daxmap_mapper_pass_run(rf->dm, rf->pass);
	else
		rf->r = daxmap_topology_scan(rf->dm, rf->kernel, &rf->topology);
	rf->took_usec = now_usec() - t0;
	/* An eventfd write of 1 cannot fail short of a bug. */
	if (write(rf->done_fd, &one, sizeof(one)) < 0)
		abort();
	return NULL;
}

/* Back on the loop: the thread is done with everything it was given. */
static void refresh_clear(struct refresh *rf)
{
	daxmap_mapper_pass_free(rf->pass);
	rf->pass = NULL;
	daxmap_topology_unref(rf->topology);
	rf->topology = NULL;
	daxmap_kernel_unref(rf->kernel);
	rf->kernel = NULL;
	rf->running = false;
}

static void answer_waiting(struct context *c, int r, sd_bus_error *error)
{
	struct refresh *rf = &c->refresh;
	struct status_waiter *w;

	while ((w = rf->waiting)) {
		_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
		int q = r;

		rf->waiting = w->next;
		if (q >= 0)
			q = context_status_config(c, &e);
		if (q >= 0)
			q = status_reply(c, w->call, w->viewer, w->flags, &e);
		if (q < 0)
			(void)sd_bus_reply_method_errno(w->call, q,
							r < 0 ? error : &e);
		sd_bus_message_unref(w->call);
		free(w);
	}
	rf->waiting_tail = &rf->waiting;
}

static int on_refresh_done(sd_event_source *s, int fd, uint32_t revents,
			   void *userdata)
{
	struct context *c = userdata;
	struct refresh *rf = &c->refresh;
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	bool current, wanted;
	uint64_t n;
	int r;

	if (read(fd, &n, sizeof(n)) < 0 || !rf->running)
		return 0;	/* EAGAIN: nothing finished after all */
	(void)pthread_join(rf->thread, NULL);
	/* A scan on the loop since (after a change) is newer: it stays. */
	current = rf->topology_seq == c->topology_seq;
	/* A uevent came while the scan ran: it may have missed that. */
	wanted = current && rf->kind == REFRESH_TOPOLOGY &&
		 rf->uevent_seq != c->uevent_seq;
	r = rf->r;
	log_debug("status refresh (%s) took %" PRIu64 " ms%s%s",
		  rf->kind == REFRESH_MAPPERS ? "mappers" : "topology",
		  rf->took_usec / USEC_PER_MSEC,
		  current ? "" : ", overtaken by a scan",
		  r < 0 ? ", failed" : "");

	if (rf->kind == REFRESH_MAPPERS) {
		/* The same mappers as before (mostly): what was rendered
		 * from them stays, only their age is new. */
		if (current && r >= 0 &&
		    daxmap_topology_take_mappers(c->topology, rf->pass) > 0)
			c->status_generation++;
		else if (r < 0)
			log_errno(LOG_DEBUG, r, "cannot find the mappers again");
		/* A failed pass is not tried again at once either. */
		if (current)
			c->mappers_usec = rf->started_usec;
		rf->mappers_took_usec = rf->took_usec;
		r = 0;
	} else if (current && r >= 0) {
		struct daxmap_topology *t = TAKE_PTR(rf->topology);

		r = context_install(c, t, 0, rf->started_usec, &error);
		daxmap_topology_unref(t);
	} else if (current) {
		r = context_scan_failed(c, r, &error,
					"Cannot scan regions, namespaces and dax devices");
	} else {
		r = 0;
	}
	refresh_clear(rf);

	/* Or one came while the mappers were looked for. */
	if (wanted || (c->topology_stale && r >= 0)) {
		c->topology_stale = true;
		if (refresh_start(c, REFRESH_TOPOLOGY) >= 0)
			return 0;
	}
	answer_waiting(c, r, &error);
	return 0;
}

static int refresh_init(struct context *c)
{
	struct refresh *rf = &c->refresh;
	int fd, r;

	if (rf->done_source)
		return 0;
	if (!rf->dm) {
		r = daxmap_new(&rf->dm);
		if (r < 0)
			return r;
		daxmap_set_log_fn(rf->dm, log_library);
		daxmap_set_log_priority(rf->dm,
					daxmap_get_log_priority(c->dm));
	}
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	r = sd_event_add_io(c->event, &rf->done_source, fd, EPOLLIN,
			    on_refresh_done, c);
	if (r < 0) {
		close(fd);
		return r;
	}
	rf->done_fd = fd;
	return 0;
}

int refresh_start(struct context *c, enum refresh_kind kind)
{
	struct refresh *rf = &c->refresh;
	int r;

	if (!rf->waiting_tail)
		rf->waiting_tail = &rf->waiting;
	/* A scan asked for meanwhile follows it (on_refresh_done()). */
	if (rf->running)
		return 0;
	if (kind == REFRESH_MAPPERS && !c->topology)
		return -EINVAL;
	r = refresh_init(c);
	if (r < 0)
		return r;
	if (kind == REFRESH_MAPPERS) {
		r = daxmap_mapper_pass_new(c->kernel, c->topology, &rf->pass);
		if (r < 0)
			return r;
	}
	rf->kind = kind;
	rf->kernel = daxmap_kernel_ref(c->kernel);
	rf->topology_seq = c->topology_seq;
	rf->uevent_seq = c->uevent_seq;
	rf->started_usec = now_usec();
	rf->r = 0;
	/* The loop's signals stay blocked in it: the mask is inherited. */
	r = -pthread_create(&rf->thread, NULL, refresh_thread, rf);
	if (r < 0) {
		refresh_clear(rf);
		return r;
	}
	rf->running = true;
	return 0;
}

int context_status_wait(struct context *c, sd_bus_message *call,
			uid_t viewer, unsigned int flags)
{
	struct refresh *rf = &c->refresh;
	struct status_waiter *w;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->call = sd_bus_message_ref(call);
	w->viewer = viewer;
	w->flags = flags;
	if (!rf->waiting_tail)
		rf->waiting_tail = &rf->waiting;
	*rf->waiting_tail = w;
	rf->waiting_tail = &w->next;
	return 1;
}

void context_answer_waiting(struct context *c)
{
	if (c->refresh.waiting && !c->topology_stale)
		answer_waiting(c, 0, NULL);
}

void refresh_done(struct refresh *rf)
{
	struct status_waiter *w;

	if (rf->running)
		(void)pthread_join(rf->thread, NULL);
	refresh_clear(rf);
	while ((w = rf->waiting)) {
		rf->waiting = w->next;
		(void)sd_bus_reply_method_errorf(w->call, SD_BUS_ERROR_FAILED,
						 "daxmapd is stopping.");
		sd_bus_message_unref(w->call);
		free(w);
	}
	rf->waiting_tail = &rf->waiting;
	if (rf->done_source) {
		rf->done_source = sd_event_source_disable_unref(rf->done_source);
		close(rf->done_fd);
	}
	rf->done_fd = -1;
	daxmap_unref(rf->dm);
	rf->dm = NULL;
}
