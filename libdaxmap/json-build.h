/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Building schema-1 documents with json-c, for every renderer in the
 * library (json.c, json-verify.c): each add goes through these helpers,
 * which track allocation failure in *ok so that callers check once at the
 * end rather than after every key.
 */
#ifndef DAXMAP_JSON_BUILD_H
#define DAXMAP_JSON_BUILD_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "private.h"

#define DAXMAP_SCHEMA 1

typedef struct json_object json;

static inline void json_putp(json **j)
{
	json_object_put(*j);
}
#define _cleanup_json_ _cleanup_(json_putp)

static inline void add(json *obj, const char *key, json *val, bool *ok)
{
	/* json-c takes a NULL value as JSON null. */
	if (json_object_object_add(obj, key, val) < 0) {
		json_object_put(val);
		*ok = false;
	}
}

static inline void add_str(json *obj, const char *key, const char *s,
			   bool *ok)
{
	json *v = NULL;

	if (s) {
		v = json_object_new_string(s);
		if (!v)
			*ok = false;
	}
	add(obj, key, v, ok);
}

static inline void add_int(json *obj, const char *key, int64_t n, bool *ok)
{
	json *v = json_object_new_int64(n);

	if (!v)
		*ok = false;
	add(obj, key, v, ok);
}

/* An int that is absent when negative (no NUMA node, for instance). */
static inline void add_int_or_null(json *obj, const char *key, int n,
				   bool *ok)
{
	if (n < 0)
		add(obj, key, NULL, ok);
	else
		add_int(obj, key, n, ok);
}

static inline void add_bool(json *obj, const char *key, bool b, bool *ok)
{
	json *v = json_object_new_boolean(b);

	if (!v)
		*ok = false;
	add(obj, key, v, ok);
}

static inline void add_size(json *obj, const char *key, uint64_t bytes,
			    unsigned int flags, bool *ok)
{
	json *v = json_object_new_uint64(bytes);

	if (!v)
		*ok = false;
	add(obj, key, v, ok);
	if (flags & DAXMAP_JSON_HUMAN) {
		char human_key[64], buf[32];

		snprintf(human_key, sizeof(human_key), "%s_human", key);
		daxmap_format_size(bytes, buf, sizeof(buf));
		add_str(obj, human_key, buf, ok);
	}
}

/* A size that does not apply (align of a raw namespace) is null. */
static inline void add_size_or_null(json *obj, const char *key,
				    uint64_t bytes, unsigned int flags,
				    bool *ok)
{
	if (bytes)
		add_size(obj, key, bytes, flags, ok);
	else
		add(obj, key, NULL, ok);
}

static inline json *new_object(bool *ok)
{
	json *o = json_object_new_object();

	if (!o)
		*ok = false;
	return o;
}

static inline json *new_array(bool *ok)
{
	json *a = json_object_new_array();

	if (!a)
		*ok = false;
	return a;
}

static inline void append(json *array, json *val, bool *ok)
{
	if (!array || !val || json_object_array_add(array, val) < 0) {
		json_object_put(val);
		*ok = false;
	}
}

static inline int to_string(json *root, unsigned int flags,
			    char **ret_json)
{
	int jflags = JSON_C_TO_STRING_NOSLASHESCAPE;
	const char *s;
	char *copy;

	jflags |= flags & DAXMAP_JSON_PRETTY ?
		  JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
		  JSON_C_TO_STRING_PLAIN;
	s = json_object_to_json_string_ext(root, jflags);
	if (!s)
		return -ENOMEM;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	*ret_json = copy;
	return 0;
}

/* Bytes per GiB of @mapped, rounded to the nearest byte. */
static inline uint64_t per_gib(uint64_t bytes, uint64_t mapped)
{
	if (!mapped)
		return 0;
	return (uint64_t)((long double)bytes * (long double)SZ_1G /
				  (long double)mapped + 0.5L);
}

/*
 * The page tables a mapping of @mapped bytes cost, measured and modelled,
 * and per GiB mapped: verify's result and status's figure of a device.
 */
static inline json *pagetables_to_json(uint64_t mapped, uint64_t measured,
				       uint64_t model, unsigned int flags,
				       bool *ok)
{
	json *o = new_object(ok);

	if (!o)
		return NULL;
	add_size(o, "mapped_bytes", mapped, flags, ok);
	add_size(o, "measured_bytes", measured, flags, ok);
	add_size(o, "model_bytes", model, flags, ok);
	add_size(o, "measured_per_gib", per_gib(measured, mapped), flags, ok);
	add_size(o, "model_per_gib", per_gib(model, mapped), flags, ok);
	return o;
}

#endif /* DAXMAP_JSON_BUILD_H */
