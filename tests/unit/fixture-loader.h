/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The unit tests' fixture loader (fixture-loader.c): schema 1 documents
 * read back into libdaxmap's handles. Not part of the library.
 */
#ifndef DAXMAP_TESTS_FIXTURE_LOADER_H
#define DAXMAP_TESTS_FIXTURE_LOADER_H

#include <daxmap.h>

/*
 * Reads a status document (what daxmap_status_to_json() renders) back
 * into handles that answer as a scan would: rendered again, they give the
 * same document. The kernel's counter reads answer with the document's
 * figure, not this host's. -EBADMSG for a document that breaks schema 1
 * (the offending key is logged), -EPROTONOSUPPORT for another schema. A
 * value this version has no name for is kept or read as unknown.
 * @ret_config may be NULL.
 */
int daxmap_status_from_json(struct daxmap_ctx *ctx, const char *document,
			    struct daxmap_kernel **ret_kernel,
			    struct daxmap_topology **ret_topology,
			    struct daxmap_config_status **ret_config);

/* A create plan's document back into a plan; -EBADMSG off its shape. */
int daxmap_create_plan_from_json(struct daxmap_ctx *ctx, const char *document,
				 struct daxmap_create_plan **ret);

/* An apply report's document back into a report. */
int daxmap_apply_report_from_json(struct daxmap_ctx *ctx, const char *document,
				  struct daxmap_apply_report **ret);

#endif /* DAXMAP_TESTS_FIXTURE_LOADER_H */
