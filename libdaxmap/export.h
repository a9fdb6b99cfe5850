/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The exports (export*.c): the status document (schema 1, what
 * daxmap_status_to_json() renders and daxmapd's GetStatus returns) put
 * into the formats of the tools fleets run. They read the document, not
 * the handles, so that daxmapctl renders the daemon's reply and the
 * library's alike and daxmapd writes its files from the same text.
 * Readers take a missing key, a null and a value of another type alike,
 * so that a document of a newer schema exports what it can.
 */
#ifndef DAXMAP_EXPORT_H
#define DAXMAP_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

typedef struct json_object json;

json *export_get(json *o, const char *key);
/* The string @key of @o; NULL when it is not a string. */
const char *export_str(json *o, const char *key);
/* The non-negative integer @key of @o; false when there is none. */
bool export_u64(json *o, const char *key, uint64_t *ret);
/* Entry @i of the array @key of @o, NULL past the end. */
json *export_at(json *o, const char *key, size_t i);

#define export_foreach(o, key, i, v)					\
	for (i = 0; (v = export_at(o, key, i)); i++)

/* The daxmap name of device @dev: its namespace's name, or its own. */
const char *export_device_name(json *doc, json *dev);

/* Each renderer prints @doc to @f; -errno when the document cannot be. */
int export_prometheus(json *doc, FILE *f);
int export_nfd(json *doc, FILE *f);
/* Prints nothing when there is no devdax device: no spec then. */
int export_cdi(json *doc, FILE *f);

#endif /* DAXMAP_EXPORT_H */
