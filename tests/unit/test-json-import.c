// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Status documents read back into handles: documents captured from
 * daxmapctl on Debian's 6.1 and 6.12 in the VM bed (fixtures/status: an
 * empty host, and one with namespaces at every align and map, an fsdax
 * one, one daxmap did not create, a device in system-ram mode and one a
 * process maps) come back byte for byte when rendered again, which is
 * what lets daxmapctl show daxmapd's answer as it shows its own scan.
 * Documents that break the shape are refused, whatever key breaks it.
 */
#include <errno.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "private.h"
#include "fixture-loader.h"
#include "test.h"

static char *slurp(const char *name)
{
	char path[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), FIXTURE_DIR "/status/%s", name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		CHECK(!"fixture readable");
		return NULL;
	}
	if (getdelim(&text, &len, '\0', f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	CHECK(text != NULL);
	return text;
}

static void strip_newline(char *s)
{
	size_t len = strlen(s);

	if (len && s[len - 1] == '\n')
		s[len - 1] = '\0';
}

static void round_trip(struct daxmap_ctx *ctx, const char *name,
		       unsigned int flags)
{
	struct daxmap_config_status *cs = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char *doc = slurp(name), *again = NULL;

	if (!doc)
		return;
	strip_newline(doc);
	CHECK(daxmap_status_from_json(ctx, doc, &k, &t, &cs) == 0);
	if (k && t) {
		CHECK(daxmap_status_to_json(k, t, cs, flags, &again) == 0);
		if (again && strcmp(doc, again) != 0) {
			fprintf(stderr, "%s does not come back the same:\n%s\n",
				name, again);
			CHECK(!"same document");
		}
	}
	free(again);
	daxmap_config_status_free(cs);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
	free(doc);
}

/* The configuration in the 6.12 capture, as its sections were written. */
static void check_config_612(struct daxmap_config_status *cs)
{
	static const struct {
		const char *name;
		enum daxmap_config_state state;
		const char *drift_key;
	} want[] = {
		{ "db0", DAXMAP_CONFIG_OK, NULL },
		{ "cache0", DAXMAP_CONFIG_DRIFT, "align" },
		{ "newone", DAXMAP_CONFIG_OK, NULL },
		{ "huge", DAXMAP_CONFIG_MISSING, NULL },
		{ "foreign", DAXMAP_CONFIG_DRIFT, "size" },
	};
	struct daxmap_apply_summary last;
	struct daxmap_config_check *c;
	const char *key, *w, *h;
	size_t i = 0;

	CHECK(daxmap_config_status_get_error(cs) == NULL);
	CHECK(daxmap_config_status_get_file(cs, 1) != NULL);
	CHECK(daxmap_config_status_get_file(cs, 2) == NULL);
	daxmap_config_check_foreach(daxmap_config_status_get_checks(cs), c) {
		if (i >= ARRAY_SIZE(want)) {
			CHECK(!"no more sections than the capture has");
			break;
		}
		CHECK_STR(daxmap_config_check_get_name(c), want[i].name);
		CHECK(daxmap_config_check_get_state(c) == want[i].state);
		if (want[i].drift_key)
			CHECK(daxmap_config_check_get_drift(c, 0, &key, &w, &h)
			      == 0 && strcmp(key, want[i].drift_key) == 0);
		else
			CHECK(daxmap_config_check_get_num_drifts(c) == 0);
		i++;
	}
	CHECK(i == ARRAY_SIZE(want));
	CHECK(daxmap_config_status_get_last_apply(cs, &last) == 0);
	CHECK(last.created == 1 && last.failed == 1 && last.drifted == 2 &&
	      last.unchanged == 1 && !last.dry_run);
}

/* An apply report comes back the same, and says what the apply did. */
static void check_apply_report(struct daxmap_ctx *ctx)
{
	struct daxmap_apply_report *report = NULL;
	struct daxmap_apply_summary sum;
	char *doc = slurp("6.12-apply-report.json"), *again = NULL;

	if (!doc)
		return;
	strip_newline(doc);
	CHECK(daxmap_apply_report_from_json(ctx, doc, &report) == 0);
	if (report) {
		CHECK(daxmap_apply_report_to_json(report, DAXMAP_JSON_PRETTY,
						  &again) == 0);
		CHECK_STR(again, doc);
		daxmap_apply_report_get_summary(report, &sum);
		CHECK(sum.created == 1 && sum.failed == 1 && !sum.dry_run);
	}
	free(again);
	daxmap_apply_report_free(report);
	free(doc);
}

/* What the handles say, beyond coming back the same. */
static void check_busy_612(struct daxmap_ctx *ctx)
{
	struct daxmap_config_status *cs = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char *doc = slurp("6.12-busy.json");
	struct daxmap_device *d;
	int mapped = 0, system_ram = 0, measured = 0, verified = 0;
	uint64_t pages = 0;

	if (!doc || daxmap_status_from_json(ctx, doc, &k, &t, &cs) < 0) {
		CHECK(!"6.12-busy.json imported");
		free(doc);
		return;
	}
	CHECK_STR(daxmap_kernel_get_release(k), "6.12.117+deb12-amd64");
	CHECK_U64(daxmap_kernel_get_version_code(k),
		  DAXMAP_VERSION_CODE(6, 12, 117));
	CHECK(daxmap_kernel_get_memmap_counting(k) ==
	      DAXMAP_COUNTER_DEDUP_DATA);
	CHECK_U64(daxmap_kernel_get_patches(k), 0);
	/* The document's counter, not this host's /proc/vmstat. */
	CHECK(daxmap_kernel_read_memmap_pages(k, &pages) == 0);
	CHECK_U64(pages, 20998);

	daxmap_device_foreach(t, d) {
		const struct daxmap_memmap *mm = daxmap_device_get_memmap(d);
		struct daxmap_verify_summary v;

		/* Its namespace has a bad block, which falls in the device. */
		if (daxmap_device_get_num_badblocks(d)) {
			uint64_t off = 0, len = 0;

			CHECK_STR(daxmap_device_get_devname(d), "dax0.1");
			CHECK(daxmap_device_get_badblock(d, 0, &off, &len) == 0);
			CHECK_U64(off, 4096);
			CHECK_U64(len, 4096);
			CHECK(daxmap_device_get_badblock(d, 1, &off, &len) ==
			      -ENOENT);
		}
		/* The mapped device was verified: its figures come back. */
		if (daxmap_device_get_verify(d, &v) == 0) {
			CHECK_STR(daxmap_device_get_devname(d), "dax0.1");
			CHECK(v.passed);
			CHECK_U64(v.kernel_page_size, SZ_2M);
			CHECK_U64(v.pagetable_bytes, 8192);
			CHECK_U64(v.mapped_bytes, UINT64_C(2145386496));
			verified++;
		}
		if (daxmap_mapper_get_first(d))
			mapped++;
		if (strcmp(daxmap_device_get_mode(d), "system-ram") == 0)
			system_ram++;
		if (mm && mm->source == DAXMAP_SOURCE_MEASURED)
			measured++;
	}
	CHECK(mapped == 1);
	CHECK(verified == 1);
	CHECK(system_ram == 1);
	/* Every device daxmap created was measured; ndctl's was not. */
	CHECK(measured == 6);
	check_config_612(cs);

	daxmap_config_status_free(cs);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
	free(doc);
}

static void check_no_counter_61(struct daxmap_ctx *ctx)
{
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char *doc = slurp("6.1-busy.json");
	uint64_t pages;

	if (!doc || daxmap_status_from_json(ctx, doc, &k, &t, NULL) < 0) {
		CHECK(!"6.1-busy.json imported");
		free(doc);
		return;
	}
	CHECK(!daxmap_kernel_has_memmap_counter(k));
	CHECK(daxmap_kernel_read_memmap_pages(k, &pages) == -ENOENT);
	CHECK_U64(daxmap_kernel_get_patches(k), 0);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
	free(doc);
}

/*
 * One change to a valid document at @path (dot-separated keys, numbers
 * index arrays): @value replaces the member, or removes it when NULL.
 */
static char *mutate(const char *doc, const char *path, const char *value)
{
	struct json_object *root = json_tokener_parse(doc), *o = root;
	char *copy = strdup(path), *save = NULL, *key, *next;
	char *out = NULL;

	for (key = strtok_r(copy, ".", &save); key; key = next) {
		next = strtok_r(NULL, ".", &save);
		if (!next) {
			if (json_object_is_type(o, json_type_array))
				break;
			if (value)
				json_object_object_add(o, key,
					json_tokener_parse(value));
			else
				json_object_object_del(o, key);
			break;
		}
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(key));
		else
			json_object_object_get_ex(o, key, &o);
	}
	out = strdup(json_object_to_json_string_ext(root,
						     JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	free(copy);
	return out;
}

static void refused(struct daxmap_ctx *ctx, const char *doc, int want,
		    const char *what)
{
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	int r = daxmap_status_from_json(ctx, doc, &k, &t, NULL);

	if (r != want) {
		fprintf(stderr, "%s: got %d, want %d\n", what, r, want);
		CHECK(!"refused as it should be");
	}
	if (r == 0) {
		daxmap_topology_unref(t);
		daxmap_kernel_unref(k);
	}
}

static void check_refusals(struct daxmap_ctx *ctx)
{
	static const struct {
		const char *path;
		const char *value;	/* NULL: remove the key */
	} breaks[] = {
		{ "kernel", NULL },
		{ "regions", "{}" },
		{ "namespaces", NULL },
		{ "devices", "null" },
		{ "kernel.release", "7" },
		{ "kernel.version", "\"six\"" },
		{ "kernel.vmemmap_dedup", "\"maybe\"" },
		{ "kernel.memmap_counter.pages", "-1" },
		{ "kernel.patches", NULL },
		{ "kernel.patches", "null" },
		{ "kernel.patches", "\"memmap-exact\"" },
		{ "kernel.patches", "[1]" },
		{ "kernel.patches", "[\"dax-memmap\", \"dax-memmap\"]" },
		{ "regions.0.size", "-4096" },
		{ "regions.0.size", "\"16G\"" },
		{ "regions.0.supported_alignments", "[4096, \"2M\"]" },
		{ "regions.0.dev", NULL },
		{ "namespaces.0.enabled", "1" },
		{ "devices.0.numa_node", "4294967296" },
		{ "devices.0.memmap_sources.model.source", "\"measured\"" },
		{ "devices.0.memmap_sources.kernel.location", "\"cloud\"" },
		{ "devices.0.memmap_sources", "[]" },
		{ "devices.0.mappers", "[1]" },
		{ "devices.1.mappers", "[{\"pid\": 1}]" },
		{ "config", NULL },
		{ "config.files", "[3]" },
		{ "config.namespaces.0.state", "\"fine\"" },
		{ "config.namespaces.1.drift", "[{\"key\": \"colour\", \"want\": \"a\", \"have\": \"b\"}]" },
		{ "config.last_apply", "{\"time\": \"now\"}" },
	};
	char *doc = slurp("6.12-busy.json");
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < ARRAY_SIZE(breaks); i++) {
		char *bad = mutate(doc, breaks[i].path, breaks[i].value);

		refused(ctx, bad, -EBADMSG, breaks[i].path);
		free(bad);
	}

	/* Keys a later version adds are no reason to refuse. */
	{
		char *more = mutate(doc, "firmware", "{\"files\": []}");

		refused(ctx, more, 0, "an added key");
		free(more);
	}
	refused(ctx, "{\"schema\": 2}", -EPROTONOSUPPORT, "schema 2");
	refused(ctx, "{\"schema\": 1, \"kernel\"", -EBADMSG, "truncated");
	refused(ctx, "[]", -EBADMSG, "an array");
	refused(ctx, "", -EBADMSG, "nothing");
	free(doc);
}

/*
 * A newer daxmapd's document: a key this version does not know, a mode and
 * a map it has no name for, a patch and a counting rule it has never
 * heard of. It is read, not refused, and shown again with the values it
 * could keep as the document says them.
 */
static void check_newer(struct daxmap_ctx *ctx)
{
	char *doc = slurp("6.12-busy.json");
	char *a = doc ? mutate(doc, "firmware", "{\"files\": []}") : NULL;
	char *b = a ? mutate(a, "devices.0.mode", "\"famfs\"") : NULL;
	char *c = b ? mutate(b, "namespaces.0.mode", "\"teleport\"") : NULL;
	char *d = c ? mutate(c, "namespaces.0.map", "\"disk\"") : NULL;
	char *e = d ? mutate(d, "kernel.patches",
			     "[\"memmap-exact\", \"time-travel\"]") : NULL;
	char *newer = e ? mutate(e, "kernel.memmap_counter.counting",
				 "\"sometimes\"") : NULL;
	struct daxmap_config_status *cs = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char *again = NULL;

	CHECK(newer != NULL);
	if (newer && daxmap_status_from_json(ctx, newer, &k, &t, &cs) == 0) {
		struct daxmap_device *dev = daxmap_device_get_first(t);
		struct daxmap_namespace *ns = daxmap_namespace_get_first(t);

		CHECK_STR(daxmap_device_get_mode(dev), "famfs");
		CHECK_STR(daxmap_namespace_get_mode(ns), "teleport");
		CHECK(daxmap_namespace_get_map(ns) == DAXMAP_MAP_UNKNOWN);
		CHECK_U64(daxmap_kernel_get_patches(k),
			  DAXMAP_PATCH_MEMMAP_EXACT);
		CHECK(daxmap_kernel_get_memmap_counting(k) ==
		      DAXMAP_COUNTER_UNKNOWN);
		CHECK(daxmap_status_to_json(k, t, cs, DAXMAP_JSON_HUMAN,
					    &again) == 0);
		CHECK(again && strstr(again, "\"famfs\"") &&
		      strstr(again, "\"teleport\""));
		if (again)
			fputs(again, stdout);
	} else {
		CHECK(!"a newer document is read");
	}
	free(again);
	daxmap_config_status_free(cs);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
	free(newer);
	free(e);
	free(d);
	free(c);
	free(b);
	free(a);
	free(doc);
}

/*
 * A kernel with daxmap's patches, as daxmapd on one would describe it:
 * the patches and the exact counting come back, in the order the
 * renderer writes them whatever order the document gives them in.
 */
static void check_patched(struct daxmap_ctx *ctx)
{
	static const char *const lists[] = {
		"[\"memmap-exact\", \"dax-memmap\"]",
		"[\"dax-memmap\", \"memmap-exact\"]",
	};
	char *doc = slurp("6.12-busy.json");
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < ARRAY_SIZE(lists); i++) {
		char *counted = mutate(doc, "kernel.memmap_counter.counting",
				       "\"exact\"");
		char *patched = mutate(counted, "kernel.patches", lists[i]);
		struct json_object *back = NULL, *kernel = NULL, *patches;
		struct daxmap_topology *t = NULL;
		struct daxmap_kernel *k = NULL;
		char *again = NULL;

		CHECK(daxmap_status_from_json(ctx, patched, &k, &t, NULL) == 0);
		if (k) {
			CHECK_U64(daxmap_kernel_get_patches(k),
				  DAXMAP_PATCH_MEMMAP_EXACT |
				  DAXMAP_PATCH_DAX_MEMMAP);
			CHECK(daxmap_kernel_get_memmap_counting(k) ==
			      DAXMAP_COUNTER_EXACT);
			CHECK(daxmap_status_to_json(k, t, NULL, 0, &again) == 0);
		}
		if (again)
			back = json_tokener_parse(again);
		CHECK(back && json_object_object_get_ex(back, "kernel",
							&kernel));
		if (kernel && json_object_object_get_ex(kernel, "patches",
							&patches))
			CHECK_STR(json_object_to_json_string_ext(
					  patches, JSON_C_TO_STRING_PLAIN),
				  "[\"memmap-exact\",\"dax-memmap\"]");
		else
			CHECK(!"kernel.patches rendered again");
		json_object_put(back);
		free(again);
		daxmap_topology_unref(t);
		daxmap_kernel_unref(k);
		free(patched);
		free(counted);
	}
	free(doc);
}

/*
 * A plan made against an imported topology (the free space of the 6.12
 * capture), rendered, read back and rendered again: daxmapd's plan shows
 * in daxmapctl as the plan it made.
 */
static void check_plan(struct daxmap_ctx *ctx)
{
	struct daxmap_create_request req = {
		.numa_node = -1,
		.size = UINT64_C(3) << 30,
		.align = UINT64_C(1) << 30,
		.name = "cache1",
	};
	struct daxmap_create_plan *plan = NULL, *back = NULL, *bad = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char *doc = slurp("6.12-busy.json"), *one = NULL, *two = NULL;
	char *message = NULL;

	if (!doc || daxmap_status_from_json(ctx, doc, &k, &t, NULL) < 0) {
		CHECK(!"6.12-busy.json imported");
		free(doc);
		return;
	}
	CHECK(daxmap_create_prepare(ctx, k, t, &req, &plan, NULL, &message) == 0);
	if (message)
		fprintf(stderr, "prepare: %s\n", message);
	if (plan) {
		CHECK(daxmap_create_plan_to_json(plan, DAXMAP_JSON_PRETTY |
						 DAXMAP_JSON_HUMAN, &one) == 0);
		CHECK(one && daxmap_create_plan_from_json(ctx, one, &back) == 0);
	}
	if (back) {
		CHECK(daxmap_create_plan_to_json(back, DAXMAP_JSON_PRETTY |
						 DAXMAP_JSON_HUMAN, &two) == 0);
		CHECK_STR(two, one);
		CHECK_STR(daxmap_create_plan_get_region(back), "region0");
		CHECK_U64(daxmap_create_plan_get_device_size(back),
			  UINT64_C(2) << 30);
		CHECK(daxmap_create_plan_get_map(back) == DAXMAP_MAP_MEM);
		CHECK(daxmap_create_plan_get_note(back, 0) != NULL);
	}
	CHECK(daxmap_create_plan_from_json(ctx, "{\"schema\": 1, \"plan\": {}}",
					   &bad) == -EBADMSG);
	if (one) {
		/* A mode a newer daxmapd plans with is shown, not refused. */
		char *newer = mutate(one, "plan.mode", "\"famfs\"");

		CHECK(daxmap_create_plan_from_json(ctx, newer, &bad) == 0);
		if (bad)
			CHECK_STR(daxmap_create_plan_get_mode(bad), "famfs");
		bad = daxmap_create_plan_free(bad);
		free(newer);
	}
	free(one);
	free(two);
	free(message);
	daxmap_create_plan_free(plan);
	daxmap_create_plan_free(back);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
	free(doc);
}

/*
 * What another user is shown of the 6.12 capture's mapper (a process of
 * root's, pid 204): that it maps 64 MiB, and its page tables, not who.
 */
static void check_viewer(struct daxmap_ctx *ctx)
{
	struct daxmap_config_status *cs = NULL;
	struct daxmap_topology *t = NULL;
	struct daxmap_kernel *k = NULL;
	char *doc = slurp("6.12-busy.json"), *mine = NULL, *theirs = NULL;

	if (!doc || daxmap_status_from_json(ctx, doc, &k, &t, &cs) < 0) {
		CHECK(!"the 6.12 capture loads");
		free(doc);
		return;
	}
	CHECK(daxmap_status_to_json_for(k, t, cs, DAXMAP_JSON_PRETTY, 0,
					&mine) == 0);
	CHECK(daxmap_status_to_json_for(k, t, cs, DAXMAP_JSON_PRETTY, 1000,
					&theirs) == 0);
	if (mine && theirs) {
		CHECK(strstr(mine, "\"pid\": 204") && strstr(mine, "python3"));
		CHECK(!strstr(theirs, "\"pid\": 204") &&
		      !strstr(theirs, "python3"));
		CHECK(strstr(theirs, "\"pid\": null") &&
		      strstr(theirs, "\"comm\": null"));
		CHECK(strstr(theirs, "\"mapped_bytes\": 67108864"));
		/* The totals are the same: every mapper counts. */
		CHECK(strcmp(strstr(mine, "\"totals\""),
			     strstr(theirs, "\"totals\"")) == 0);
	}
	free(mine);
	free(theirs);
	free(doc);
	daxmap_config_status_free(cs);
	daxmap_topology_unref(t);
	daxmap_kernel_unref(k);
}

int main(void)
{
	static const char *const documents[] = {
		"6.1-empty.json", "6.1-busy.json",
		"6.12-empty.json", "6.12-busy.json",
	};
	struct daxmap_ctx *ctx;
	size_t i;

	if (daxmap_new(&ctx) < 0)
		return 1;
	/* The refusals log an error each: keep the output to the checks. */
	daxmap_set_log_priority(ctx, 0);

	for (i = 0; i < ARRAY_SIZE(documents); i++)
		round_trip(ctx, documents[i], DAXMAP_JSON_PRETTY);
	round_trip(ctx, "6.1-busy-human.json",
		   DAXMAP_JSON_PRETTY | DAXMAP_JSON_HUMAN);
	round_trip(ctx, "6.12-busy-human.json",
		   DAXMAP_JSON_PRETTY | DAXMAP_JSON_HUMAN);
	check_busy_612(ctx);
	check_viewer(ctx);
	check_no_counter_61(ctx);
	check_refusals(ctx);
	check_newer(ctx);
	check_patched(ctx);
	check_plan(ctx);
	check_apply_report(ctx);

	daxmap_unref(ctx);
	return test_summary("json-import");
}
