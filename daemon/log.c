// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Logging to stderr, journal-aware. The state below is set before the
 * worker thread (worker.h) first runs and only read after, and each line
 * goes out in one stdio call, so the worker's lines need no lock either.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cleanup.h>

#include "log.h"

static int max_priority = LOG_INFO;
static bool to_journal;

void log_setup(void)
{
	unsigned long long dev, ino;
	const char *e = getenv("JOURNAL_STREAM");
	struct stat st;

	/*
	 * systemd sets JOURNAL_STREAM=DEV:INO when stdout/stderr go to the
	 * journal; it is only ours if stderr is still that very stream.
	 */
	to_journal = false;
	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return;
	if (fstat(STDERR_FILENO, &st) < 0)
		return;
	to_journal = (unsigned long long)st.st_dev == dev &&
		     (unsigned long long)st.st_ino == ino;
}

void log_set_max_priority(int priority)
{
	max_priority = priority;
}

int log_get_max_priority(void)
{
	return max_priority;
}

void log_msgv(int priority, const char *fmt, va_list args)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int saved = errno;

	if (priority > max_priority)
		return;
	if (vasprintf(&text, fmt, args) < 0) {
		errno = saved;
		return;
	}
	/* One message, one line: the library ends its messages with '\n'. */
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	for (char *p = text; *p; p++)
		if (*p == '\n')
			*p = ' ';

	if (to_journal)
		fprintf(stderr, "<%d>%s\n", priority & LOG_PRIMASK, text);
	else
		fprintf(stderr, "daxmapd: %s\n", text);
	errno = saved;
}

void log_msg(int priority, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	log_msgv(priority, fmt, args);
	va_end(args);
}

int log_errno(int priority, int r, const char *fmt, ...)
{
	_cleanup_free_ char *what = NULL;
	va_list args;
	int n;

	if (priority > max_priority)
		return r;
	va_start(args, fmt);
	n = vasprintf(&what, fmt, args);
	va_end(args);
	if (n >= 0)
		log_msg(priority, "%s: %s", what, strerror(r < 0 ? -r : r));
	return r;
}

void log_library(struct daxmap_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, va_list args)
{
	_cleanup_free_ char *text = NULL;

	(void)ctx;
	(void)file;
	(void)line;
	if (priority > max_priority)
		return;
	if (vasprintf(&text, format, args) < 0)
		return;
	if (priority >= LOG_DEBUG)
		log_msg(priority, "libdaxmap: %s: %s", fn, text);
	else
		log_msg(priority, "libdaxmap: %s", text);
}
