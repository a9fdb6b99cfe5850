/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The named errors of org.daxmap1. A name says what went wrong, the
 * message says what to do about it. Malformed arguments (wrong types,
 * unknown options) get org.freedesktop.DBus.Error.InvalidArgs instead.
 */
#ifndef DAXMAPD_BUS_ERRORS_H
#define DAXMAPD_BUS_ERRORS_H

#include <systemd/sd-bus.h>

/* An operation failed for a reason outside the caller's control. */
#define DAXMAP_ERROR_FAILED "org.daxmap1.Error.Failed"
/* A size of zero, or one that is not a multiple of the align. */
#define DAXMAP_ERROR_INVALID_SIZE "org.daxmap1.Error.InvalidSize"
/* An align that is not 4K, 2M or 1G, or below the kernel's page size. */
#define DAXMAP_ERROR_UNSUPPORTED_ALIGN "org.daxmap1.Error.UnsupportedAlign"
/* A map other than "mem" or "dev". */
#define DAXMAP_ERROR_INVALID_MAP "org.daxmap1.Error.InvalidMap"

/* Makes sd-bus map these names to errno values, in both directions. */
int bus_errors_register(void);

#endif /* DAXMAPD_BUS_ERRORS_H */
