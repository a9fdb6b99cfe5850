/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Manager's methods that change the system (provision.c), listed in
 * the Manager's vtable (manager.c), and the recovery they all start with.
 */
#ifndef DAXMAPD_PROVISION_H
#define DAXMAPD_PROVISION_H

#include <systemd/sd-bus.h>

struct context;

/* Finishes or rolls back creates a crash interrupted, and logs it. */
void provision_recover(struct context *c);

/* CreateNamespace(a{sv} options) -> (o namespace, s plan) */
int method_create_namespace(sd_bus_message *m, void *userdata,
			    sd_bus_error *error);
/* DestroyNamespace(s namespace, a{sv} options) -> (s destroyed) */
int method_destroy_namespace(sd_bus_message *m, void *userdata,
			     sd_bus_error *error);
/* ReconfigureDevice(s device, a{sv} options) -> () */
int method_reconfigure_device(sd_bus_message *m, void *userdata,
			      sd_bus_error *error);

#endif /* DAXMAPD_PROVISION_H */
