// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A load on daxmapd's GetStatus: CLIENTS processes, each with its own
 * connection to the system bus, each making CALLS calls one after the
 * other. Prints the latencies (p50, p90, p99, max) over all calls, the
 * errors, and the calls per second; asserts nothing about time. Exits 1
 * only when it cannot run at all.
 *
 * Usage: getstatus-load CLIENTS CALLS
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One client: writes a latency (ns, 0 for an error) per call to @fd. */
static int client(int calls, int fd)
{
	sd_bus *bus = NULL;
	int i, r;

	r = sd_bus_open_system(&bus);
	if (r < 0) {
		fprintf(stderr, "getstatus-load: no system bus: %s\n",
			strerror(-r));
		return 1;
	}
	for (i = 0; i < calls; i++) {
		sd_bus_error error = SD_BUS_ERROR_NULL;
		sd_bus_message *reply = NULL;
		const char *json = "";
		uint64_t t0 = now_ns(), took;

		r = sd_bus_call_method(bus, "org.daxmap1", "/org/daxmap1",
				       "org.daxmap1.Manager", "GetStatus",
				       &error, &reply, "a{sv}", 0);
		if (r >= 0)
			r = sd_bus_message_read(reply, "s", &json);
		took = now_ns() - t0;
		if (r < 0 || !json[0]) {
			fprintf(stderr, "getstatus-load: %s\n",
				error.message ? error.message : strerror(-r));
			took = 0;
		}
		sd_bus_error_free(&error);
		sd_bus_message_unref(reply);
		if (write(fd, &took, sizeof(took)) != sizeof(took))
			return 1;
	}
	sd_bus_flush_close_unref(bus);
	return 0;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double ms_at(const uint64_t *v, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);

	return (double)v[i] / 1e6;
}

int main(int argc, char **argv)
{
	int clients, calls, fds[2], i, status;
	size_t n = 0, errors = 0, total;
	uint64_t *lat, t0, took;

	if (argc != 3 || (clients = atoi(argv[1])) < 1 ||
	    (calls = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: getstatus-load CLIENTS CALLS\n");
		return 2;
	}
	total = (size_t)clients * (size_t)calls;
	lat = calloc(total, sizeof(*lat));
	if (!lat || pipe(fds) < 0)
		return 1;

	t0 = now_ns();
	for (i = 0; i < clients; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(fds[0]);
			_exit(client(calls, fds[1]));
		}
	}
	close(fds[1]);
	while (read(fds[0], &took, sizeof(took)) == sizeof(took)) {
		if (!took) {
			errors++;
			continue;
		}
		if (n < total)
			lat[n++] = took;
	}
	took = now_ns() - t0;
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			errors++;

	printf("GetStatus: %d clients x %d calls: %zu answered, %zu errors, %.0f calls/s\n",
	       clients, calls, n, errors, (double)n / ((double)took / 1e9));
	if (n) {
		qsort(lat, n, sizeof(*lat), compare);
		printf("  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n",
		       ms_at(lat, n, 0.50), ms_at(lat, n, 0.90),
		       ms_at(lat, n, 0.99), (double)lat[n - 1] / 1e6);
	}
	free(lat);
	return 0;
}
