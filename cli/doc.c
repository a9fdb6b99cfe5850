// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "doc.h"

int doc_parse(const char *text, json **ret)
{
	json *o = json_tokener_parse(text);

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EBADMSG;
	}
	*ret = o;
	return 0;
}

char *doc_print(json *o)
{
	const char *s = json_object_to_json_string_ext(
		o, JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PRETTY |
			   JSON_C_TO_STRING_SPACED);

	return s ? strdup(s) : NULL;
}

json *doc_get(json *o, const char *key)
{
	json *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *doc_str(json *o, const char *key)
{
	json *v = doc_get(o, key);

	return json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) : NULL;
}

uint64_t doc_u64(json *o, const char *key)
{
	json *v = doc_get(o, key);

	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return 0;
	return json_object_get_uint64(v);
}

int64_t doc_int(json *o, const char *key, int64_t dflt)
{
	json *v = doc_get(o, key);

	return json_object_is_type(v, json_type_int) ?
		       json_object_get_int64(v) : dflt;
}

bool doc_bool(json *o, const char *key)
{
	json *v = doc_get(o, key);

	return json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

json *doc_at(json *o, const char *key, size_t i)
{
	json *a = key ? doc_get(o, key) : o;

	if (!json_object_is_type(a, json_type_array) ||
	    i >= json_object_array_length(a))
		return NULL;
	return json_object_array_get_idx(a, i);
}
