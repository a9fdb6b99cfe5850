/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The files daxmapd keeps current for the tools fleets run: a Prometheus
 * textfile for node_exporter, a node-feature-discovery feature file and a
 * CDI spec, each rendered by the library from the status document and
 * rewritten, whole, after every scan that changes it (start, uevents,
 * Reload, every change daxmapd makes). See daxmapd(8).
 */
#ifndef DAXMAPD_EXPORTS_H
#define DAXMAPD_EXPORTS_H

#include <stdbool.h>

#include <daxmap.h>

#define EXPORTS_TEXTFILE_DIR "/var/lib/prometheus/node-exporter"
#define EXPORTS_NFD_DIR "/etc/kubernetes/node-feature-discovery/features.d"
#define EXPORTS_CDI_DIR "/run/cdi"

enum exports_kind {
	EXPORTS_TEXTFILE,
	EXPORTS_NFD,
	EXPORTS_CDI,
	_EXPORTS_MAX,
};

struct exports {
	struct {
		/* NULL: turned off. */
		const char *dir;
		/* What the file holds now, so that only changes are written;
		 * NULL before the first write or after a failed one. */
		char *written;
		/* A missing directory or a failure is logged once, until
		 * writing works again. */
		bool failing;
	} out[_EXPORTS_MAX];
};

/* The defaults: every file on, in the directory its tool reads. */
void exports_init(struct exports *e);
/* The option name's kind ("textfile", "nfd", "cdi"); -EINVAL else. */
int exports_kind_from_name(const char *name);
/* @dir for @kind; "none" turns it off. -EINVAL for a relative @dir. */
int exports_set_dir(struct exports *e, enum exports_kind kind,
		    const char *dir);
void exports_done(struct exports *e);

/*
 * Renders the status of @k and @t (the configuration's status looked at
 * afresh) and writes the files whose text changed, or every file with
 * @force (one deleted or edited by hand comes back). Failures are
 * logged: the scan that called it succeeded whatever happens here.
 */
void exports_update(struct exports *e, struct daxmap_ctx *ctx,
		    struct daxmap_kernel *k, struct daxmap_topology *t,
		    bool force);

#endif /* DAXMAPD_EXPORTS_H */
