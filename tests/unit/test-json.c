// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Schema 1's shape: every list present and an array even when empty, sizes
 * integers, --human only adding *_human strings, and the text parsing back
 * to the same tree whatever the formatting flags.
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "private.h"
#include "test.h"

static struct json_object *parse(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	CHECK(o != NULL);
	return o;
}

static struct json_object *get(struct json_object *o, const char *key,
			       enum json_type type)
{
	struct json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v)) {
		fprintf(stderr, "missing key \"%s\"\n", key);
		CHECK(!"key present");
		return NULL;
	}
	if (!json_object_is_type(v, type)) {
		fprintf(stderr, "key \"%s\" has type %s\n", key,
			json_type_to_name(json_object_get_type(v)));
		CHECK(!"key of the expected type");
	}
	return v;
}

static char *status(struct daxmap_kernel *k, unsigned int flags)
{
	char *text = NULL;

	CHECK(daxmap_status_to_json(k, NULL, NULL, flags, &text) == 0);
	return text;
}

/*
 * Every key of @plain is in @human with the same value, and every key that
 * @human adds is a string named after a key of @plain.
 */
static void check_human_only_adds(struct json_object *plain,
				  struct json_object *human)
{
	json_object_object_foreach(human, key, hval) {
		struct json_object *pval;
		size_t len = strlen(key);

		if (json_object_object_get_ex(plain, key, &pval)) {
			if (json_object_is_type(pval, json_type_object))
				check_human_only_adds(pval, hval);
			else
				CHECK(json_object_equal(pval, hval));
			continue;
		}
		CHECK(len > 6 && strcmp(key + len - 6, "_human") == 0);
		CHECK(json_object_is_type(hval, json_type_string));
	}
	json_object_object_foreach(plain, pkey, pv) {
		(void)pv;
		CHECK(json_object_object_get_ex(human, pkey, NULL));
	}
}

static void test_status_shape(struct daxmap_kernel *k)
{
	char *plain = status(k, 0), *pretty = status(k, DAXMAP_JSON_PRETTY);
	char *human = status(k, DAXMAP_JSON_HUMAN);
	struct json_object *o = parse(plain), *p = parse(pretty);
	struct json_object *h = parse(human), *kernel, *totals, *memmap;

	CHECK_U64(json_object_get_int(get(o, "schema", json_type_int)), 1);
	kernel = get(o, "kernel", json_type_object);
	get(kernel, "release", json_type_string);
	get(kernel, "page_size", json_type_int);
	get(kernel, "vmemmap_dedup", json_type_string);
	get(kernel, "vmemmap_dedup_reason", json_type_string);
	get(get(kernel, "memmap_counter", json_type_object), "present",
	    json_type_boolean);
	/* A stock kernel: the list is there, and empty. */
	CHECK_U64(json_object_array_length(
			  get(kernel, "patches", json_type_array)),
		  0);

	CHECK_U64(json_object_array_length(get(o, "regions", json_type_array)),
		  0);
	CHECK_U64(json_object_array_length(
			  get(o, "namespaces", json_type_array)),
		  0);
	CHECK_U64(json_object_array_length(get(o, "devices", json_type_array)),
		  0);

	totals = get(o, "totals", json_type_object);
	CHECK_U64(json_object_get_int(get(totals, "devices", json_type_int)),
		  0);
	get(totals, "devdax_bytes", json_type_int);
	memmap = get(totals, "memmap", json_type_object);
	get(memmap, "baseline_bytes", json_type_int);
	get(memmap, "actual_bytes", json_type_int);
	get(memmap, "saved_bytes", json_type_int);
	get(memmap, "pagetable_bytes", json_type_int);

	/* Formatting changes whitespace, never the tree. */
	CHECK(json_object_equal(o, p));
	CHECK(strchr(pretty, '\n') != NULL);
	CHECK(strchr(plain, '\n') == NULL);

	/* --human adds strings, replaces nothing. */
	check_human_only_adds(o, h);
	get(get(h, "totals", json_type_object), "devdax_bytes_human",
	    json_type_string);

	json_object_put(o);
	json_object_put(p);
	json_object_put(h);
	free(plain);
	free(pretty);
	free(human);
}

static uint64_t memmap_u64(struct json_object *entry, const char *key)
{
	struct json_object *mm = get(entry, "memmap", json_type_object);

	return (uint64_t)json_object_get_int64(get(mm, key, json_type_int));
}

static void test_plan(void)
{
	struct json_object *o, *alternatives, *request;
	struct daxmap_model m;
	char *text = NULL;
	size_t i;

	daxmap_model_init(&m);
	CHECK(daxmap_plan_to_json(&m, UINT64_C(1) << 40, SZ_1G, DAXMAP_MAP_MEM,
				  0, &text) == 0);
	o = parse(text);
	request = get(o, "request", json_type_object);
	CHECK_U64(memmap_u64(request, "ram_bytes"), (8 + 32) << 20);
	CHECK_U64(memmap_u64(request, "pagetable_bytes"), 32 << 20);
	CHECK_STR(json_object_get_string(get(get(request, "memmap",
						 json_type_object),
					     "source", json_type_string)),
		  "model");

	/* 4K, 2M and 1G, each with mem and dev. */
	alternatives = get(o, "alternatives", json_type_array);
	CHECK_U64(json_object_array_length(alternatives), 6);
	for (i = 0; i < json_object_array_length(alternatives); i++) {
		struct json_object *a =
			json_object_array_get_idx(alternatives, i);
		const char *map = json_object_get_string(
			get(a, "map", json_type_string));

		if (strcmp(map, "dev") == 0) {
			CHECK_U64(memmap_u64(a, "ram_bytes"), 0);
			CHECK_U64(memmap_u64(a, "device_bytes"),
				  UINT64_C(16) << 30);
		}
	}
	json_object_put(o);
	free(text);

	/* 12 KiB only fits the base page: the list is short, still a list. */
	CHECK(daxmap_plan_to_json(&m, 12 << 10, SZ_4K, DAXMAP_MAP_MEM, 0,
				  &text) == 0);
	o = parse(text);
	CHECK_U64(json_object_array_length(
			  get(o, "alternatives", json_type_array)),
		  2);
	json_object_put(o);
	free(text);

	text = NULL;
	CHECK(daxmap_plan_to_json(&m, 3 << 20, SZ_2M, DAXMAP_MAP_MEM, 0,
				  &text) < 0);
	CHECK(text == NULL);
}

int main(void)
{
	struct daxmap_kernel *k = NULL;
	struct daxmap_ctx *ctx;

	CHECK(daxmap_new(&ctx) == 0);
	CHECK(daxmap_set_root(ctx, FIXTURE_DIR "/kernel/debian-6.12.117") == 0);
	CHECK(daxmap_kernel_probe(ctx, &k) == 0);
	if (k)
		test_status_shape(k);
	test_plan();
	daxmap_kernel_unref(k);
	daxmap_unref(ctx);
	return test_summary("json");
}
