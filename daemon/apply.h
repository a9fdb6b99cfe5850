/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration in the daemon (apply.c): loaded at start, on Reload,
 * SIGHUP and Apply; applied at start and by Apply.
 */
#ifndef DAXMAPD_APPLY_H
#define DAXMAPD_APPLY_H

#include <systemd/sd-bus.h>

struct context;

/*
 * Reads the configuration again. When it does not load, logs why (file
 * and line), keeps the last good one, and returns < 0; with @error (may
 * be NULL) set to InvalidConfig.
 */
int config_reload(struct context *c, sd_bus_error *error);

/* Loads the configuration and, when there is one, applies it. */
int config_apply_at_start(struct context *c);

/* Apply(a{sv} options) -> (s report) */
int method_apply(sd_bus_message *m, void *userdata, sd_bus_error *error);

#endif /* DAXMAPD_APPLY_H */
