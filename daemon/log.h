/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daxmapd's logger: one line per message on stderr, with a "<N>" syslog
 * priority prefix when stderr is the journal (so the journal keeps the
 * priority), "daxmapd: " otherwise. The library logs through it as well.
 */
#ifndef DAXMAPD_LOG_H
#define DAXMAPD_LOG_H

#include <stdarg.h>
#include <syslog.h>

#include <daxmap.h>

/* Looks at JOURNAL_STREAM once; call before the first message. */
void log_setup(void);
void log_set_max_priority(int priority);
int log_get_max_priority(void);

void log_msg(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_msgv(int priority, const char *fmt, va_list args)
	__attribute__((format(printf, 2, 0)));

/* Logs "<message>: <strerror(-r)>" and returns @r (negative). */
int log_errno(int priority, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERR, __VA_ARGS__)

/* The library's log function (daxmap_set_log_fn) routed to log_msg(). */
void log_library(struct daxmap_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, va_list args)
	__attribute__((format(printf, 6, 0)));

#endif /* DAXMAPD_LOG_H */
