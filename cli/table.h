/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Aligned text tables with upper-case headers, the way daxctl and nvme-cli
 * print them. CLI-only.
 */
#ifndef DAXMAPCTL_TABLE_H
#define DAXMAPCTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct table_column {
	const char *header;
	bool right;		/* numbers line up on the right */
};

/* Text on the left, numbers on the right. */
#define TABLE_LEFT(h) { .header = (h), .right = false }
#define TABLE_RIGHT(h) { .header = (h), .right = true }

struct table;

struct table *table_new(const struct table_column *cols, size_t ncols);
void table_free(struct table *t);

/*
 * Starts a row; table_cell() then fills its cells left to right. Errors
 * (out of memory, too many cells) are remembered and returned by
 * table_print(), so that callers need not check every cell.
 */
void table_row(struct table *t);
void table_cell(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

size_t table_rows(const struct table *t);

/* Prints the header and the rows, indented by @indent spaces; 0 or -errno. */
int table_print(struct table *t, FILE *f, int indent);

static inline void tablep(struct table **t)
{
	table_free(*t);
}
#define _cleanup_table_ __attribute__((cleanup(tablep)))

#endif /* DAXMAPCTL_TABLE_H */
