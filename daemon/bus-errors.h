/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The named errors of org.daxmap1. A name says what went wrong, the
 * message says what to do about it. Malformed arguments (wrong types,
 * unknown options) get org.freedesktop.DBus.Error.InvalidArgs instead.
 */
#ifndef DAXMAPD_BUS_ERRORS_H
#define DAXMAPD_BUS_ERRORS_H

#include <stdbool.h>

#include <systemd/sd-bus.h>

#include <daxmap.h>

/* An operation failed for a reason outside the caller's control. */
#define DAXMAP_ERROR_FAILED "org.daxmap1.Error.Failed"
/* A size of zero, or one that is not a multiple of the align. */
#define DAXMAP_ERROR_INVALID_SIZE "org.daxmap1.Error.InvalidSize"
/* An align that is not 4K, 2M or 1G, or below the kernel's page size. */
#define DAXMAP_ERROR_UNSUPPORTED_ALIGN "org.daxmap1.Error.UnsupportedAlign"
/* A map other than "mem" or "dev". */
#define DAXMAP_ERROR_INVALID_MAP "org.daxmap1.Error.InvalidMap"
/* A namespace mode other than devdax or fsdax, a device mode other than
 * devdax or system-ram. */
#define DAXMAP_ERROR_INVALID_MODE "org.daxmap1.Error.InvalidMode"
/* A label name longer than a namespace label holds. */
#define DAXMAP_ERROR_INVALID_NAME "org.daxmap1.Error.InvalidName"
/* No such region, or none that can take the request. */
#define DAXMAP_ERROR_NO_SUCH_REGION "org.daxmap1.Error.NoSuchRegion"
/* No namespace or dax device by that name. */
#define DAXMAP_ERROR_NOT_FOUND "org.daxmap1.Error.NotFound"
/* More than the region's largest free extent. */
#define DAXMAP_ERROR_NO_SPACE "org.daxmap1.Error.NoSpace"
/* A process maps the device or holds it open, or it is system RAM. */
#define DAXMAP_ERROR_BUSY "org.daxmap1.Error.Busy"
/* A namespace daxmap did not create, without force. */
#define DAXMAP_ERROR_NOT_MANAGED "org.daxmap1.Error.NotManaged"
/* A configuration file that does not load (the message names the line). */
#define DAXMAP_ERROR_INVALID_CONFIG "org.daxmap1.Error.InvalidConfig"
/* What the hardware or the kernel cannot do here (an NVDIMM-backed
 * device's align, a region without labels). */
#define DAXMAP_ERROR_NOT_SUPPORTED "org.daxmap1.Error.NotSupported"

/* A write that would go over data (verify, without force). */
#define DAXMAP_ERROR_HOLDS_DATA "org.daxmap1.Error.HoldsData"
/* A write that would go over a known bad block. */
#define DAXMAP_ERROR_BAD_BLOCK "org.daxmap1.Error.BadBlock"

/* Makes sd-bus map these names to errno values, in both directions. */
int bus_errors_register(void);

/*
 * The name a library refusal goes on the bus under: one per reason, and
 * no two reasons share one (NULL for DAXMAP_REASON_NONE).
 */
const char *bus_error_for_reason(enum daxmap_reason reason);

/*
 * Sets @error to the named error of @reason with @message (made valid
 * UTF-8), or strerror(-@r) without one; -ENOMEM stays -ENOMEM. When
 * @sentence, the message is the library's clause said as a sentence
 * (a capital, a full stop), as the daemon's other errors are.
 */
int bus_refusal(sd_bus_error *error, enum daxmap_reason reason, int r,
		const char *message, bool sentence);

#endif /* DAXMAPD_BUS_ERRORS_H */
