// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cleanup.h>

#include "bus-errors.h"
#include "util.h"

static const sd_bus_error_map daxmap_errors[] = {
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_FAILED, EIO),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_SIZE, EINVAL),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_UNSUPPORTED_ALIGN, EOPNOTSUPP),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_MAP, EINVAL),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_MODE, EINVAL),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_NAME, ENAMETOOLONG),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_NO_SUCH_REGION, ENODEV),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_NOT_FOUND, ENOENT),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_NO_SPACE, ENOSPC),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_BUSY, EBUSY),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_NOT_MANAGED, EPERM),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_NOT_SUPPORTED, EOPNOTSUPP),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_CONFIG, EINVAL),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_HOLDS_DATA, EEXIST),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_BAD_BLOCK, EIO),
	SD_BUS_ERROR_MAP_END
};

static const char *const reason_errors[] = {
	[DAXMAP_REASON_FAILED] = DAXMAP_ERROR_FAILED,
	[DAXMAP_REASON_INVALID_ARGUMENT] = SD_BUS_ERROR_INVALID_ARGS,
	[DAXMAP_REASON_INVALID_SIZE] = DAXMAP_ERROR_INVALID_SIZE,
	[DAXMAP_REASON_UNSUPPORTED_ALIGN] = DAXMAP_ERROR_UNSUPPORTED_ALIGN,
	[DAXMAP_REASON_INVALID_MODE] = DAXMAP_ERROR_INVALID_MODE,
	[DAXMAP_REASON_INVALID_MAP] = DAXMAP_ERROR_INVALID_MAP,
	[DAXMAP_REASON_INVALID_NAME] = DAXMAP_ERROR_INVALID_NAME,
	[DAXMAP_REASON_NO_SUCH_REGION] = DAXMAP_ERROR_NO_SUCH_REGION,
	[DAXMAP_REASON_NOT_FOUND] = DAXMAP_ERROR_NOT_FOUND,
	[DAXMAP_REASON_NO_SPACE] = DAXMAP_ERROR_NO_SPACE,
	[DAXMAP_REASON_BUSY] = DAXMAP_ERROR_BUSY,
	[DAXMAP_REASON_NOT_MANAGED] = DAXMAP_ERROR_NOT_MANAGED,
	[DAXMAP_REASON_NOT_SUPPORTED] = DAXMAP_ERROR_NOT_SUPPORTED,
	[DAXMAP_REASON_INVALID_CONFIG] = DAXMAP_ERROR_INVALID_CONFIG,
	[DAXMAP_REASON_HOLDS_DATA] = DAXMAP_ERROR_HOLDS_DATA,
	[DAXMAP_REASON_BAD_BLOCK] = DAXMAP_ERROR_BAD_BLOCK,
};

const char *bus_error_for_reason(enum daxmap_reason reason)
{
	return (size_t)reason < ARRAY_SIZE(reason_errors) ?
		       reason_errors[reason] : NULL;
}

int bus_refusal(sd_bus_error *error, enum daxmap_reason reason, int r,
		const char *message, bool sentence)
{
	const char *name = bus_error_for_reason(reason);
	_cleanup_free_ char *safe = NULL;
	size_t len;

	if (r == -ENOMEM)
		return r;
	if (!name)
		name = DAXMAP_ERROR_FAILED;
	if (!message)
		return sd_bus_error_setf(error, name, "%s", strerror(-r));
	safe = utf8_sanitize(message);
	if (!safe)
		return -ENOMEM;
	len = strlen(safe);
	if (sentence && safe[0] >= 'a' && safe[0] <= 'z')
		safe[0] = (char)(safe[0] - 'a' + 'A');
	return sd_bus_error_setf(error, name, "%s%s", safe,
				 sentence && len && safe[len - 1] != '.' ? "." :
									   "");
}

int bus_errors_register(void)
{
	int r = sd_bus_error_add_map(daxmap_errors);

	return r < 0 ? r : 0;
}
