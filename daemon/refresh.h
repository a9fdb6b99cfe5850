/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The status refresh: a scan of the topology, or a pass over /proc for
 * who maps its devices, run on a thread of its own so that the loop
 * keeps answering from the last one meanwhile. Under TCG a pass over a
 * thousand processes takes a few hundred milliseconds and a scan of 64
 * namespaces seconds; on the loop every caller waited for them.
 *
 * One refresh at a time. The loop hands the thread what it needs (a
 * library context of the thread's own, the kernel held, a mapper pass
 * that copied what it looks for), and takes the result back on the loop
 * once the thread wrote to an eventfd: the thread touches neither the
 * bus, nor the context, nor the topology GetStatus answers from.
 */
#ifndef DAXMAPD_REFRESH_H
#define DAXMAPD_REFRESH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include <daxmap.h>

struct context;
struct status_waiter;

enum refresh_kind {
	REFRESH_MAPPERS,	/* a pass over /proc for the topology's devices */
	REFRESH_TOPOLOGY,	/* a scan of it all, mappers included */
};

struct refresh {
	struct daxmap_ctx *dm;		/* the thread's own; NULL before use */
	sd_event_source *done_source;
	int done_fd;
	bool running;
	pthread_t thread;

	/* The refresh under way, while running. */
	enum refresh_kind kind;
	struct daxmap_kernel *kernel;	/* held for it */
	struct daxmap_mapper_pass *pass;	/* REFRESH_MAPPERS */
	struct daxmap_topology *topology;	/* REFRESH_TOPOLOGY's result */
	unsigned long topology_seq;	/* what it was made against */
	uint64_t started_usec;
	uint64_t took_usec;
	int r;

	unsigned long uevent_seq;	/* the uevents heard when it started */
	uint64_t mappers_took_usec;	/* the last mapper pass's time */
	/* GetStatus calls waiting for a refresh, oldest first. */
	struct status_waiter *waiting, **waiting_tail;
};

/*
 * Starts a refresh of @kind unless one runs: once that is done, a scan
 * follows if the topology went stale meanwhile. -errno when it cannot
 * start: the caller then does it on the loop, as before.
 */
int refresh_start(struct context *c, enum refresh_kind kind);

/* Waits for the refresh under way and drops its result (at exit). */
void refresh_done(struct refresh *rf);

#endif /* DAXMAPD_REFRESH_H */
