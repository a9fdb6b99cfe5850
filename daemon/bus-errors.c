// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>

#include "bus-errors.h"

static const sd_bus_error_map daxmap_errors[] = {
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_FAILED, EIO),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_SIZE, EINVAL),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_UNSUPPORTED_ALIGN, EOPNOTSUPP),
	SD_BUS_ERROR_MAP(DAXMAP_ERROR_INVALID_MAP, EINVAL),
	SD_BUS_ERROR_MAP_END
};

int bus_errors_register(void)
{
	int r = sd_bus_error_add_map(daxmap_errors);

	return r < 0 ? r : 0;
}
