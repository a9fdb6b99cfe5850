/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VerifyDevice: map a dax device as an application does (daemon/verify.c). */
#ifndef DAXMAPD_VERIFY_H
#define DAXMAPD_VERIFY_H

#include <systemd/sd-bus.h>

int method_verify_device(sd_bus_message *m, void *userdata,
			 sd_bus_error *error);

#endif /* DAXMAPD_VERIFY_H */
