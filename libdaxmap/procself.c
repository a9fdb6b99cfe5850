// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What /proc says about this process's own mappings: the page size the
 * kernel gives one VMA (smaps' KernelPageSize) and the page-table bytes
 * the whole process holds (status' VmPTE). verify reads both around a
 * mapping it makes, so the readers are pure functions of the text, for the
 * unit tests and the fuzzer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"
#include "verify.h"

/* "   8 kB" -> 8192; -EBADMSG for anything else. */
static int parse_kb(const char *s, uint64_t *ret)
{
	uint64_t kb = 0;
	bool digits = false;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (kb > (UINT64_MAX >> 10) / 10)
			return -EBADMSG;
		kb = kb * 10 + (uint64_t)(*s - '0');
		digits = true;
	}
	if (!digits || strncmp(s, " kB", 3) != 0 ||
	    (s[3] != '\0' && s[3] != '\n'))
		return -EBADMSG;
	if (kb > UINT64_MAX >> 10)
		return -EBADMSG;
	*ret = kb << 10;
	return 0;
}

/* The next line of @text from *@pos, NUL-terminated in @buf; false at the end. */
static bool next_line(const char *text, size_t len, size_t *pos, char *buf,
		      size_t buflen)
{
	size_t n = 0;

	if (*pos >= len)
		return false;
	while (*pos < len && text[*pos] != '\n') {
		if (n + 1 < buflen)
			buf[n++] = text[*pos];
		(*pos)++;
	}
	if (*pos < len)
		(*pos)++;
	buf[n] = '\0';
	return true;
}

int daxmap_parse_vmpte(const char *text, size_t len, uint64_t *ret_bytes)
{
	size_t pos = 0;
	char line[256];

	while (next_line(text, len, &pos, line, sizeof(line)))
		if (strncmp(line, "VmPTE:", 6) == 0)
			return parse_kb(line + 6, ret_bytes);
	return -ENOENT;
}

/*
 * A VMA's first line: "START-END PERMS OFFSET DEV INODE [PATH]"; only the
 * start matters here.
 */
static bool vma_header(const char *line, uint64_t *ret_start)
{
	char *end;
	unsigned long long start;

	if (!((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')))
		return false;
	errno = 0;
	start = strtoull(line, &end, 16);
	if (errno || *end != '-')
		return false;
	*ret_start = start;
	return true;
}

int daxmap_parse_smaps_page_size(const char *text, size_t len,
				 uint64_t vma_start, uint64_t *ret_bytes)
{
	size_t pos = 0;
	char line[4352];
	bool in_vma = false;
	uint64_t start;

	while (next_line(text, len, &pos, line, sizeof(line))) {
		if (vma_header(line, &start)) {
			in_vma = start == vma_start;
			continue;
		}
		if (in_vma && strncmp(line, "KernelPageSize:", 15) == 0)
			return parse_kb(line + 15, ret_bytes);
	}
	return -ENOENT;
}
