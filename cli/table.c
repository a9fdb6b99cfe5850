// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Aligned text tables for daxmapctl.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

struct table {
	const struct table_column *cols;
	size_t ncols;
	char **cells;		/* nrows * ncols, row-major; NULL prints "" */
	size_t nrows;
	size_t cur;		/* next cell of the last row */
	int error;
};

struct table *table_new(const struct table_column *cols, size_t ncols)
{
	struct table *t;

	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cols = cols;
	t->ncols = ncols;
	return t;
}

void table_free(struct table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void table_row(struct table *t)
{
	char **cells;

	if (t->error)
		return;
	cells = reallocarray(t->cells, (t->nrows + 1) * t->ncols,
			     sizeof(*cells));
	if (!cells) {
		t->error = -ENOMEM;
		return;
	}
	memset(cells + t->nrows * t->ncols, 0, t->ncols * sizeof(*cells));
	t->cells = cells;
	t->nrows++;
	t->cur = 0;
}

void table_cell(struct table *t, const char *fmt, ...)
{
	va_list args;
	char *s;
	int r;

	if (t->error)
		return;
	if (!t->nrows || t->cur >= t->ncols) {
		t->error = -EINVAL;
		return;
	}
	va_start(args, fmt);
	r = vasprintf(&s, fmt, args);
	va_end(args);
	if (r < 0) {
		t->error = -ENOMEM;
		return;
	}
	t->cells[(t->nrows - 1) * t->ncols + t->cur++] = s;
}

size_t table_rows(const struct table *t)
{
	return t->nrows;
}

static void print_cell(FILE *f, const char *s, size_t width, bool right,
		       bool last)
{
	size_t len = strlen(s);

	if (right)
		fprintf(f, "%*s%s", (int)(width - len), "", s);
	else if (last)
		/* No trailing blanks: they upset diff and copy-paste. */
		fputs(s, f);
	else
		fprintf(f, "%s%*s", s, (int)(width - len), "");
}

int table_print(struct table *t, FILE *f, int indent)
{
	size_t *width, r, c;

	if (t->error)
		return t->error;
	width = calloc(t->ncols, sizeof(*width));
	if (!width)
		return -ENOMEM;
	for (c = 0; c < t->ncols; c++)
		width[c] = strlen(t->cols[c].header);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t len = s ? strlen(s) : 0;

			if (len > width[c])
				width[c] = len;
		}

	for (r = 0; r <= t->nrows; r++) {
		fprintf(f, "%*s", indent, "");
		for (c = 0; c < t->ncols; c++) {
			const char *s;

			if (r == 0)
				s = t->cols[c].header;
			else
				s = t->cells[(r - 1) * t->ncols + c];
			if (c > 0)
				fputs("  ", f);
			print_cell(f, s ? s : "", width[c], t->cols[c].right,
				   c + 1 == t->ncols);
		}
		fputc('\n', f);
	}
	free(width);
	return 0;
}
