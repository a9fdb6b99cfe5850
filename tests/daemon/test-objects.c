// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daxmapd's bookkeeping without a bus: object paths, the vtables' promise
 * that every property that can change is signalled, what two scans differ
 * in, and the strings that must be valid UTF-8 to go on the bus.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "context.h"
#include "objects.h"
#include "test.h"
#include "util.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static void test_paths(void)
{
	char *p = NULL;

	CHECK(object_path_for(OBJECT_REGION, "region0", &p) == 0);
	CHECK_STR(p, "/org/daxmap1/region/region0");
	free(p);
	CHECK(object_path_for(OBJECT_NAMESPACE, "namespace12.3", &p) == 0);
	CHECK_STR(p, "/org/daxmap1/namespace/namespace12_3");
	free(p);
	CHECK(object_path_for(OBJECT_DEVICE, "dax0.0", &p) == 0);
	CHECK_STR(p, "/org/daxmap1/device/dax0_0");
	free(p);
	CHECK(object_path_for(OBJECT_DAX_REGION, "hmem.0", &p) == 0);
	CHECK_STR(p, "/org/daxmap1/dax_region/hmem_0");
	free(p);
	/* A CXL dax region's device; only dax regions are named so. */
	CHECK(object_path_for(OBJECT_DAX_REGION, "dax_region3", &p) == 0);
	CHECK_STR(p, "/org/daxmap1/dax_region/dax_region3");
	free(p);

	/* What the rule cannot spell gets no object. */
	CHECK(object_path_for(OBJECT_DEVICE, "dax0_0", &p) == -EINVAL);
	CHECK(object_path_for(OBJECT_DEVICE, "dax0-0", &p) == -EINVAL);
	CHECK(object_path_for(OBJECT_DEVICE, "", &p) == -EINVAL);
	CHECK(object_path_for(OBJECT_DEVICE, NULL, &p) == -EINVAL);
	CHECK(object_path_for(OBJECT_REGION, "r\xc3\xa9gion0", &p) == -EINVAL);
}

static void test_vtables(void)
{
	static const sd_bus_vtable unsignalled[] = {
		SD_BUS_VTABLE_START(0),
		SD_BUS_PROPERTY("Size", "t", NULL, 0, 0),
		SD_BUS_VTABLE_END
	};
	static const sd_bus_vtable uncomparable[] = {
		SD_BUS_VTABLE_START(0),
		SD_BUS_PROPERTY("Ratio", "d", NULL, 0,
				SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
		SD_BUS_VTABLE_END
	};

	CHECK(vtable_check(object_kind_vtable(OBJECT_REGION)) == 0);
	CHECK(vtable_check(object_kind_vtable(OBJECT_NAMESPACE)) == 0);
	CHECK(vtable_check(object_kind_vtable(OBJECT_DEVICE)) == 0);
	CHECK(vtable_check(manager_vtable) == 0);
	CHECK(vtable_check(unsignalled) == -EINVAL);
	CHECK(vtable_check(uncomparable) == -EINVAL);
}

static struct object *new_object(enum object_kind kind, const char *name)
{
	struct object *o = NULL;

	CHECK(object_new(kind, name, &o) == 0);
	return o;
}

static struct object *region(const char *name, uint64_t size)
{
	struct object *o = new_object(OBJECT_REGION, name);

	o->region.size = size;
	return o;
}

static struct object *device(const char *name, uint64_t size)
{
	struct object *o = new_object(OBJECT_DEVICE, name);

	o->device.size = size;
	o->device.align = 2 * MiB;
	return o;
}

struct seen {
	char removed[256];
	char added[256];
	char changed[256];
};

static void append(char *buf, const char *s)
{
	if (*buf)
		strcat(buf, " ");
	strcat(buf, s);
}

static void on_removed(struct object *o, void *userdata)
{
	append(((struct seen *)userdata)->removed, o->device_name);
}

static void on_added(struct object *o, void *userdata)
{
	append(((struct seen *)userdata)->added, o->device_name);
}

static void on_changed(struct object *o, const char **names, void *userdata)
{
	struct seen *seen = userdata;

	append(seen->changed, o->device_name);
	strcat(seen->changed, ":");
	for (; *names; names++) {
		strcat(seen->changed, *names);
		if (names[1])
			strcat(seen->changed, ",");
	}
}

static void test_diff(void)
{
	static const struct object_diff_ops ops = {
		.removed = on_removed,
		.added = on_added,
		.changed = on_changed,
	};
	struct object_set old = { 0 }, new = { 0 };
	struct object *ns, *r;
	struct seen seen = { 0 };
	uint64_t aligns[] = { 4096, 2 * MiB };

	CHECK(object_set_add(&old, region("region0", 64 * GiB)) == 0);
	ns = new_object(OBJECT_NAMESPACE, "namespace0.0");
	CHECK(object_set_add(&old, ns) == 0);
	CHECK(object_set_add(&old, device("dax0.0", 16 * GiB)) == 0);
	object_set_finish(&old);

	/* dax0.1 appears, namespace0.0 goes, region0 changes, dax0.0 not. */
	CHECK(object_set_add(&new, device("dax0.1", 8 * GiB)) == 0);
	CHECK(object_set_add(&new, device("dax0.0", 16 * GiB)) == 0);
	r = region("region0", 64 * GiB);
	r->region.available_size = 40 * GiB;
	r->region.supported_alignments.v = malloc(sizeof(aligns));
	memcpy(r->region.supported_alignments.v, aligns, sizeof(aligns));
	r->region.supported_alignments.n = 2;
	CHECK(object_set_add(&new, r) == 0);
	/* The same path twice: the second is dropped. */
	CHECK(object_set_add(&new, device("dax0.1", 1 * GiB)) == 0);
	object_set_finish(&new);
	CHECK_U64(new.n, 3);

	object_set_diff(&old, &new, &ops, &seen);
	CHECK_STR(seen.removed, "namespace0.0");
	CHECK_STR(seen.added, "dax0.1");
	CHECK_STR(seen.changed, "region0:AvailableSize,SupportedAlignments");

	/* Sorted by path, found by path. */
	CHECK_STR(new.objects[0]->path, "/org/daxmap1/device/dax0_0");
	CHECK(object_set_find(&new, "/org/daxmap1/region/region0") == r);
	CHECK(object_set_find(&new, "/org/daxmap1/region/region1") == NULL);
	CHECK(object_set_find(&old, "/org/daxmap1/namespace/namespace0_0") ==
	      ns);

	/* A set against itself differs in nothing. */
	memset(&seen, 0, sizeof(seen));
	object_set_diff(&new, &new, &ops, &seen);
	CHECK_STR(seen.removed, "");
	CHECK_STR(seen.added, "");
	CHECK_STR(seen.changed, "");

	object_set_clear(&old);
	object_set_clear(&new);
	CHECK_U64(new.n, 0);
}

static void test_defaults(void)
{
	struct object *ns = new_object(OBJECT_NAMESPACE, "namespace1.0");
	struct object *d = new_object(OBJECT_DEVICE, "dax1.0");

	/* Never NULL on the bus: "" for strings, "/" for references. */
	CHECK_STR(ns->device_name, "namespace1.0");
	CHECK_STR(ns->ns.region, "/");
	CHECK_STR(ns->ns.uuid, "");
	CHECK_STR(d->device.namespace, "/");
	CHECK_STR(d->device.memmap.source, "");
	CHECK(d->device.numa_node == -1);
	object_free(ns);
	object_free(d);
}

static void test_manager(void)
{
	struct manager_props a = { 0 }, b = { 0 };
	const char *names[8 + 1];

	/* No kernel, no topology: nothing, said as such. */
	CHECK(manager_props_from_scan(NULL, NULL, &a) == 0);
	CHECK(manager_props_from_scan(NULL, NULL, &b) == 0);
	CHECK_STR(a.vmemmap_dedup, "unknown");
	CHECK_U64(a.devices, 0);
	CHECK(properties_changed(manager_vtable,
				 offsetof(struct context, manager), &a, &b,
				 names, 8) == 0);
	CHECK(names[0] == NULL);

	b.devdax_bytes = GiB;
	b.memmap_saved_bytes = 12 * MiB;
	free(b.vmemmap_dedup);
	b.vmemmap_dedup = strdup("yes");
	CHECK(properties_changed(manager_vtable,
				 offsetof(struct context, manager), &a, &b,
				 names, 8) == 3);
	CHECK_STR(names[0], "VmemmapDedup");
	CHECK_STR(names[1], "TotalDevdaxBytes");
	CHECK_STR(names[2], "MemmapSavedBytes");
	CHECK(names[3] == NULL);
	/* At most @max names, still NULL-terminated. */
	CHECK(properties_changed(manager_vtable,
				 offsetof(struct context, manager), &a, &b,
				 names, 1) == 3);
	CHECK(names[1] == NULL);
	manager_props_clear(&a);
	manager_props_clear(&b);

	{
		struct object_set s = { .n = 1 };

		CHECK(object_set_from_topology(NULL, &s) == 0);
		CHECK_U64(s.n, 0);
		object_set_clear(&s);
	}
}

static void test_utf8(void)
{
	char *s;

	CHECK(utf8_is_valid(""));
	CHECK(utf8_is_valid("dax0.0 h\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
	CHECK(!utf8_is_valid("\xff"));
	CHECK(!utf8_is_valid("\xc0\xaf"));		/* overlong '/' */
	CHECK(!utf8_is_valid("\xed\xa0\x80"));		/* surrogate */
	CHECK(!utf8_is_valid("\xf4\x90\x80\x80"));	/* past U+10FFFF */
	CHECK(!utf8_is_valid("\xe2\x82"));		/* truncated */

	s = utf8_sanitize("a\xff" "b\xe2\x82");
	CHECK_STR(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd");
	CHECK(utf8_is_valid(s));
	free(s);
	s = utf8_sanitize(NULL);
	CHECK_STR(s, "");
	free(s);

	CHECK_U64(utf8_prefix_len("abc", 64), 3);
	CHECK_U64(utf8_prefix_len("abcdef", 4), 4);
	/* Three 2-byte characters: 3 bytes would split the second one. */
	CHECK_U64(utf8_prefix_len("\xc3\xa9\xc3\xa9\xc3\xa9", 3), 2);
}

static void test_sizes(void)
{
	char b[SIZE_BUF], d[SIZE_DESCRIPTION_BUF];

	CHECK_STR(format_size_exact(2 * MiB, b), "2M");
	CHECK_STR(format_size_exact(3 * MiB, b), "3M");
	CHECK_STR(format_size_exact(GiB, b), "1G");
	CHECK_STR(format_size_exact(UINT64_C(1) << 40, b), "1T");
	CHECK_STR(format_size_exact(1536 * MiB, b), "1536M");
	CHECK_STR(format_size_exact(4097, b), "4097");
	CHECK_STR(format_size_exact(0, b), "0");
	CHECK_STR(describe_size(3 * MiB, d), "3M (3145728 bytes)");
	CHECK_STR(describe_size(4097, d), "4097 bytes");
}

/*
 * Every reason the library gives a refusal has a name of its own, and goes
 * on the bus under an error name of its own: no two share one.
 */
static void test_reasons(void)
{
	const char *names[64], *errors[64];
	int n = 0, i, j;

	CHECK(bus_error_for_reason(DAXMAP_REASON_NONE) == NULL);
	for (i = DAXMAP_REASON_FAILED; daxmap_reason_name(i) && n < 64; i++) {
		names[n] = daxmap_reason_name(i);
		errors[n] = bus_error_for_reason(i);
		CHECK(errors[n] != NULL);
		if (!errors[n])
			return;
		n++;
	}
	CHECK(n == DAXMAP_REASON_BAD_BLOCK);
	CHECK_STR(bus_error_for_reason(DAXMAP_REASON_INVALID_ARGUMENT),
		  "org.freedesktop.DBus.Error.InvalidArgs");
	CHECK_STR(bus_error_for_reason(DAXMAP_REASON_NOT_SUPPORTED),
		  DAXMAP_ERROR_NOT_SUPPORTED);
	CHECK_STR(bus_error_for_reason(DAXMAP_REASON_UNSUPPORTED_ALIGN),
		  DAXMAP_ERROR_UNSUPPORTED_ALIGN);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			CHECK(strcmp(names[i], names[j]) != 0);
			CHECK(strcmp(errors[i], errors[j]) != 0);
		}
}

int main(void)
{
	test_paths();
	test_vtables();
	test_diff();
	test_defaults();
	test_manager();
	test_utf8();
	test_sizes();
	test_reasons();
	return test_summary("objects");
}
