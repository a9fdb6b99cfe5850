/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the library's JSON documents for printing: daxmapctl renders
 * its text from the document daxmapd sends or, with --direct, the one the
 * library renders, never from a second model of it. Every reader takes a
 * missing key, a null and a value of another type alike (NULL, 0 or the
 * default), so that a document of a newer schema prints what it can.
 */
#ifndef DAXMAPCTL_DOC_H
#define DAXMAPCTL_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

typedef struct json_object json;

/* -EBADMSG for text that is not a JSON object. */
int doc_parse(const char *text, json **ret);
/* @o as the library prints documents (pretty); NULL on ENOMEM. */
char *doc_print(json *o);

json *doc_get(json *o, const char *key);
const char *doc_str(json *o, const char *key);
uint64_t doc_u64(json *o, const char *key);
int64_t doc_int(json *o, const char *key, int64_t dflt);
bool doc_bool(json *o, const char *key);
/* Entry @i of the array @key of @o, NULL past the end. */
json *doc_at(json *o, const char *key, size_t i);

#define doc_foreach(o, key, i, v)					\
	for (i = 0; (v = doc_at(o, key, i)); i++)

static inline void doc_putp(json **o)
{
	json_object_put(*o);
}

#define _cleanup_doc_ __attribute__((cleanup(doc_putp)))

#endif /* DAXMAPCTL_DOC_H */
