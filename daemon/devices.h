/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Manager's methods for dax devices on dynamic regions and label-less
 * namespaces (devices.c), listed in the Manager's vtable (manager.c).
 */
#ifndef DAXMAPD_DEVICES_H
#define DAXMAPD_DEVICES_H

#include <systemd/sd-bus.h>

/* CreateDevice(a{sv} options) -> (s device) */
int method_create_device(sd_bus_message *m, void *userdata,
			 sd_bus_error *error);
/* DestroyDevice(s device, a{sv} options) -> (s destroyed) */
int method_destroy_device(sd_bus_message *m, void *userdata,
			  sd_bus_error *error);
/* ReconfigureNamespace(s namespace, a{sv} options) -> (s namespace) */
int method_reconfigure_namespace(sd_bus_message *m, void *userdata,
				 sd_bus_error *error);

#endif /* DAXMAPD_DEVICES_H */
