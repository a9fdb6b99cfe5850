// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cleanup.h>

#include "exports.h"
#include "log.h"
#include "util.h"

#include "util/handles.h"

static const struct {
	const char *name;
	const char *what;
	enum daxmap_export_format format;
	const char *dflt;
	/* The tool's package makes its directory (node_exporter, NFD);
	 * /run/cdi is the runtime's and anybody's, so daxmapd makes it. */
	bool make_dir;
} kinds[_EXPORTS_MAX] = {
	[EXPORTS_TEXTFILE] = { "textfile", "node_exporter textfile",
			       DAXMAP_EXPORT_PROMETHEUS,
			       EXPORTS_TEXTFILE_DIR, false },
	[EXPORTS_NFD] = { "nfd", "NFD feature file", DAXMAP_EXPORT_NFD,
			  EXPORTS_NFD_DIR, false },
	[EXPORTS_CDI] = { "cdi", "CDI spec", DAXMAP_EXPORT_CDI,
			  EXPORTS_CDI_DIR, true },
};

void exports_init(struct exports *e)
{
	int i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < _EXPORTS_MAX; i++)
		e->out[i].dir = kinds[i].dflt;
}

int exports_kind_from_name(const char *name)
{
	int i;

	for (i = 0; i < _EXPORTS_MAX; i++)
		if (streq(kinds[i].name, name))
			return i;
	return -EINVAL;
}

int exports_set_dir(struct exports *e, enum exports_kind kind,
		    const char *dir)
{
	if (streq(dir, "none")) {
		e->out[kind].dir = NULL;
		return 0;
	}
	if (dir[0] != '/')
		return -EINVAL;
	e->out[kind].dir = dir;
	return 0;
}

void exports_done(struct exports *e)
{
	int i;

	for (i = 0; i < _EXPORTS_MAX; i++) {
		free(e->out[i].written);
		e->out[i].written = NULL;
	}
}

static int ensure_dir(enum exports_kind kind, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	if (errno != ENOENT || !kinds[kind].make_dir)
		return -errno;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void write_one(struct exports *e, enum exports_kind kind,
		      const char *status)
{
	_cleanup_free_ char *text = NULL;
	const char *dir = e->out[kind].dir;
	int r;

	r = daxmap_export_render(kinds[kind].format, status, &text);
	if (r >= 0 && e->out[kind].written &&
	    streq(e->out[kind].written, text))
		return;
	/* No text, no file: nothing to make a directory for. */
	if (r >= 0 && *text)
		r = ensure_dir(kind, dir);
	if (r >= 0)
		r = daxmap_export_write(kinds[kind].format, dir, text);
	if (r < 0) {
		/* No directory: the tool is not installed, which is no error. */
		if (!e->out[kind].failing && r == -ENOENT)
			log_info("No %s: no %s until it exists (see daxmapd(8))",
				 dir, kinds[kind].what);
		else if (!e->out[kind].failing)
			log_errno(LOG_WARNING, r, "cannot write the %s %s/%s",
				  kinds[kind].what, dir,
				  daxmap_export_file_name(kinds[kind].format));
		e->out[kind].failing = true;
		free(e->out[kind].written);
		e->out[kind].written = NULL;
		return;
	}
	if (e->out[kind].failing)
		log_notice("Writing the %s works again", kinds[kind].what);
	e->out[kind].failing = false;
	free(e->out[kind].written);
	e->out[kind].written = TAKE_PTR(text);
}

void exports_update(struct exports *e, struct daxmap_ctx *ctx,
		    struct daxmap_kernel *k, struct daxmap_topology *t,
		    bool force)
{
	_cleanup_(daxmap_config_status_freep) struct daxmap_config_status *cs =
		NULL;
	_cleanup_free_ char *status = NULL;
	int i, r;

	for (i = 0; i < _EXPORTS_MAX && !e->out[i].dir; i++)
		;
	if (i == _EXPORTS_MAX)
		return;
	/* As GetStatus answers: the configuration as the files say now. */
	r = daxmap_config_status_new(ctx, t, &cs);
	if (r < 0)
		log_errno(LOG_DEBUG, r, "no configuration status for the exports");
	r = daxmap_status_to_json(k, t, cs, 0, &status);
	if (r < 0) {
		log_errno(LOG_WARNING, r, "cannot render the status for the exports");
		return;
	}
	for (i = 0; i < _EXPORTS_MAX; i++) {
		if (force) {
			free(e->out[i].written);
			e->out[i].written = NULL;
		}
		if (e->out[i].dir)
			write_one(e, i, status);
	}
}
