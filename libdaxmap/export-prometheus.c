// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The status in Prometheus's text exposition format (version 0.0.4), for
 * `daxmapctl metrics` and node_exporter's textfile collector. Names and
 * units follow Prometheus's conventions: daxmap_ prefix, base units
 * (_bytes), _info for metadata whose value is 1. Every family has HELP
 * and TYPE lines, is printed whole in one place, and each of its samples
 * carries the same label names, so that a series keeps its identity from
 * one scrape to the next; an absent string is an empty label value.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "daxmap.h"
#include "export.h"
#include "private.h"

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values escape backslash, double quote and line feed. */
static void label_value(FILE *f, const char *v)
{
	fputc('"', f);
	for (; v && *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

/* One sample: @name, NULL-terminated label name/value pairs, @value. */
static void sample(FILE *f, const char *name, uint64_t value, ...)
{
	const char *key;
	bool first = true;
	va_list ap;

	fputs(name, f);
	va_start(ap, value);
	while ((key = va_arg(ap, const char *))) {
		const char *v = va_arg(ap, const char *);

		fputs(first ? "{" : ",", f);
		fprintf(f, "%s=", key);
		label_value(f, v);
		first = false;
	}
	va_end(ap);
	fprintf(f, "%s %" PRIu64 "\n", first ? "" : "}", value);
}

static void u64_str(json *o, const char *key, char *buf, size_t len)
{
	uint64_t v;

	if (export_u64(o, key, &v))
		snprintf(buf, len, "%" PRIu64, v);
	else
		buf[0] = '\0';
}

static void kernel_metrics(json *doc, FILE *f)
{
	json *k = export_get(doc, "kernel"), *counter, *p;
	const char *dedup = export_str(k, "vmemmap_dedup");
	unsigned int bit;
	uint64_t v;
	size_t i;

	family(f, "daxmap_kernel_info", "gauge",
	       "The running kernel, whether it deduplicates the vmemmap of compound devmaps (yes, no, unknown) and what its nr_memmap_pages counts.");
	counter = export_get(k, "memmap_counter");
	sample(f, "daxmap_kernel_info", 1, "release", export_str(k, "release"),
	       "version", export_str(k, "version"), "machine",
	       export_str(k, "machine"), "vmemmap_dedup", dedup,
	       "memmap_counter", export_str(counter, "counting"), NULL);

	family(f, "daxmap_kernel_vmemmap_dedup", "gauge",
	       "1 when the kernel deduplicates the vmemmap of compound devmaps (map=mem), 0 when it does not; absent when unknown.");
	if (dedup && (!strcmp(dedup, "yes") || !strcmp(dedup, "no")))
		sample(f, "daxmap_kernel_vmemmap_dedup", !strcmp(dedup, "yes"),
		       NULL);

	family(f, "daxmap_kernel_page_size_bytes", "gauge",
	       "The kernel's base page size.");
	if (export_u64(k, "page_size", &v))
		sample(f, "daxmap_kernel_page_size_bytes", v, NULL);

	family(f, "daxmap_kernel_patch", "gauge",
	       "1 for each of daxmap's kernel patches the running kernel carries, 0 for each it does not.");
	for (bit = 1; bit; bit <<= 1) {
		const char *name = daxmap_kernel_patch_name(bit);
		bool carried = false;

		if (!name)
			continue;
		export_foreach(k, "patches", i, p)
			if (json_object_is_type(p, json_type_string) &&
			    !strcmp(json_object_get_string(p), name))
				carried = true;
		sample(f, "daxmap_kernel_patch", carried, "patch", name, NULL);
	}

	family(f, "daxmap_kernel_nr_memmap_bytes", "gauge",
	       "What the kernel's nr_memmap_pages says the memmaps take (see daxmap_kernel_info's memmap_counter for what it counts); absent without the counter.");
	if (export_u64(counter, "bytes", &v))
		sample(f, "daxmap_kernel_nr_memmap_bytes", v, NULL);
}

static void region_metrics(json *doc, FILE *f)
{
	char id[24];
	json *r;
	size_t i;
	uint64_t v;

	family(f, "daxmap_region_size_bytes", "gauge",
	       "The capacity of each nvdimm region.");
	export_foreach(doc, "regions", i, r)
		if (export_u64(r, "size", &v))
			sample(f, "daxmap_region_size_bytes", v, "region",
			       export_str(r, "dev"), "type",
			       export_str(r, "type"), NULL);
	family(f, "daxmap_region_available_bytes", "gauge",
	       "What each nvdimm region has left for new namespaces.");
	export_foreach(doc, "regions", i, r)
		if (export_u64(r, "available_size", &v))
			sample(f, "daxmap_region_available_bytes", v, "region",
			       export_str(r, "dev"), "type",
			       export_str(r, "type"), NULL);

	family(f, "daxmap_dax_region_size_bytes", "gauge",
	       "The capacity of each dax region.");
	export_foreach(doc, "dax_regions", i, r) {
		u64_str(r, "id", id, sizeof(id));
		if (export_u64(r, "size", &v))
			sample(f, "daxmap_dax_region_size_bytes", v,
			       "dax_region", id, "provider",
			       export_str(r, "provider"), NULL);
	}
	family(f, "daxmap_dax_region_available_bytes", "gauge",
	       "What each dax region has left for new dax devices.");
	export_foreach(doc, "dax_regions", i, r) {
		u64_str(r, "id", id, sizeof(id));
		if (export_u64(r, "available_size", &v))
			sample(f, "daxmap_dax_region_available_bytes", v,
			       "dax_region", id, "provider",
			       export_str(r, "provider"), NULL);
	}
}

/* The memmap figures of every source there is, as memmap_sources has
 * them: none hides another; daxmap_memmap_source_info names the best. */
static const struct {
	const char *metric;
	const char *key;
	const char *help;
} memmap_figures[] = {
	{ "daxmap_memmap_bytes", "actual_bytes",
	  "What the struct pages (memmap) of each dax device cost, the vmemmap's page tables included, per source of the figure (model, measured, kernel)." },
	{ "daxmap_memmap_baseline_bytes", "baseline_bytes",
	  "What the memmap of each dax device would cost without deduplication." },
	{ "daxmap_memmap_saved_bytes", "saved_bytes",
	  "What deduplication saves on the memmap of each dax device (baseline minus actual)." },
	{ "daxmap_memmap_pagetable_bytes", "pagetable_bytes",
	  "The page-table pages that map the deduplicated vmemmap of each dax device (part of daxmap_memmap_bytes)." },
};

static void device_metrics(json *doc, FILE *f)
{
	char align[24], numa[24], region[24];
	json *d, *src, *m;
	size_t i, j, fig;
	uint64_t v;

	family(f, "daxmap_device_info", "gauge",
	       "Each dax device: its daxmap name, namespace, dax region, character device, memmap placement (map) and NUMA node.");
	export_foreach(doc, "devices", i, d) {
		u64_str(d, "numa_node", numa, sizeof(numa));
		u64_str(d, "dax_region", region, sizeof(region));
		sample(f, "daxmap_device_info", 1, "device",
		       export_str(d, "dev"), "name",
		       export_device_name(doc, d), "namespace",
		       export_str(d, "namespace"), "dax_region", region,
		       "chardev", export_str(d, "chardev"), "map",
		       export_str(d, "map"), "numa_node", numa, NULL);
	}

	family(f, "daxmap_device_size_bytes", "gauge",
	       "The capacity of each dax device, with its mode (devdax, system-ram) and align in bytes.");
	export_foreach(doc, "devices", i, d) {
		u64_str(d, "align", align, sizeof(align));
		if (export_u64(d, "size", &v))
			sample(f, "daxmap_device_size_bytes", v, "device",
			       export_str(d, "dev"), "mode",
			       export_str(d, "mode"), "align", align, NULL);
	}

	for (fig = 0; fig < ARRAY_SIZE(memmap_figures); fig++) {
		family(f, memmap_figures[fig].metric, "gauge",
		       memmap_figures[fig].help);
		export_foreach(doc, "devices", i, d) {
			src = export_get(d, "memmap_sources");
			if (!json_object_is_type(src, json_type_object))
				continue;
			json_object_object_foreach(src, name, fig_m) {
				if (!export_u64(fig_m, memmap_figures[fig].key,
						&v))
					continue;
				sample(f, memmap_figures[fig].metric, v,
				       "device", export_str(d, "dev"),
				       "location", export_str(fig_m, "location"),
				       "source", name, NULL);
			}
		}
	}

	family(f, "daxmap_memmap_source_info", "gauge",
	       "Which source gives the best memmap figure of each dax device (measured, else kernel, else model): the one daxmapctl status shows.");
	export_foreach(doc, "devices", i, d) {
		m = export_get(d, "memmap");
		if (export_str(m, "source"))
			sample(f, "daxmap_memmap_source_info", 1, "device",
			       export_str(d, "dev"), "source",
			       export_str(m, "source"), NULL);
	}

	family(f, "daxmap_mapper_mapped_bytes", "gauge",
	       "How much of each dax device each process maps.");
	export_foreach(doc, "devices", i, d) {
		json *p;

		export_foreach(d, "mappers", j, p) {
			char pid[24];

			u64_str(p, "pid", pid, sizeof(pid));
			if (export_u64(p, "mapped_bytes", &v))
				sample(f, "daxmap_mapper_mapped_bytes", v,
				       "device", export_str(d, "dev"), "pid",
				       pid, "comm", export_str(p, "comm"),
				       NULL);
		}
	}
	family(f, "daxmap_mapper_pagetable_bytes", "gauge",
	       "The page tables each process pays to map a dax device.");
	export_foreach(doc, "devices", i, d) {
		json *p;

		export_foreach(d, "mappers", j, p) {
			char pid[24];

			u64_str(p, "pid", pid, sizeof(pid));
			if (export_u64(p, "pagetable_bytes", &v))
				sample(f, "daxmap_mapper_pagetable_bytes", v,
				       "device", export_str(d, "dev"), "pid",
				       pid, "comm", export_str(p, "comm"),
				       NULL);
		}
	}
}

static void total_metric(FILE *f, json *o, const char *key,
			 const char *metric, const char *help)
{
	uint64_t v;

	family(f, metric, "gauge", help);
	if (export_u64(o, key, &v))
		sample(f, metric, v, NULL);
}

static void host_metrics(json *doc, FILE *f)
{
	json *t = export_get(doc, "totals");
	json *m = export_get(t, "memmap");
	uint64_t v;

	total_metric(f, t, "devdax_bytes", "daxmap_devdax_bytes",
		     "The capacity of every dax device in devdax mode.");
	total_metric(f, t, "system_ram_bytes", "daxmap_system_ram_bytes",
		     "The capacity of every dax device onlined as system RAM.");
	family(f, "daxmap_host_memmap_bytes", "gauge",
	       "What the memmaps of every dax device cost, by where they live (ram, device), best figures.");
	if (export_u64(m, "ram_bytes", &v))
		sample(f, "daxmap_host_memmap_bytes", v, "location", "ram",
		       NULL);
	if (export_u64(m, "device_bytes", &v))
		sample(f, "daxmap_host_memmap_bytes", v, "location", "device",
		       NULL);
	total_metric(f, m, "baseline_bytes", "daxmap_host_memmap_baseline_bytes",
		     "What the memmaps of every dax device would cost without deduplication.");
	total_metric(f, m, "saved_bytes", "daxmap_host_memmap_saved_bytes",
		     "What deduplication saves on the memmaps of every dax device.");
	total_metric(f, m, "pagetable_bytes",
		     "daxmap_host_memmap_pagetable_bytes",
		     "The page-table pages of every deduplicated vmemmap.");
	total_metric(f, t, "mappers_pagetable_bytes",
		     "daxmap_host_mappers_pagetable_bytes",
		     "The page tables every process mapping a dax device pays.");
}

static void config_metrics(json *doc, FILE *f)
{
	json *c = export_get(doc, "config"), *n, *dr, *la;
	bool looked = json_object_is_type(c, json_type_object);
	size_t i, j;
	int s;

	family(f, "daxmap_config_error", "gauge",
	       "1 when the configuration does not load (daxmapctl status says why), 0 when it does; absent when it was not looked at.");
	if (looked)
		sample(f, "daxmap_config_error", export_str(c, "error") != NULL,
		       NULL);

	family(f, "daxmap_config_sections", "gauge",
	       "How many sections of the configuration are in each state: ok, missing, drift.");
	for (s = 0; looked; s++) {
		const char *state = daxmap_config_state_name(s);
		uint64_t count = 0;

		if (!strcmp(state, "unknown"))
			break;
		export_foreach(c, "namespaces", i, n) {
			const char *st = export_str(n, "state");

			count += st && !strcmp(st, state);
		}
		sample(f, "daxmap_config_sections", count, "state", state,
		       NULL);
	}

	family(f, "daxmap_config_section_state_info", "gauge",
	       "The state of each section of the configuration (ok, missing, drift), and the namespace it names.");
	export_foreach(c, "namespaces", i, n)
		sample(f, "daxmap_config_section_state_info", 1, "section",
		       export_str(n, "name"), "state", export_str(n, "state"),
		       "namespace", export_str(n, "namespace"), NULL);

	family(f, "daxmap_config_drift", "gauge",
	       "1 for each key in which a namespace differs from its section, with what the section wants and what the host has.");
	export_foreach(c, "namespaces", i, n)
		export_foreach(n, "drift", j, dr)
			sample(f, "daxmap_config_drift", 1, "section",
			       export_str(n, "name"), "key",
			       export_str(dr, "key"), "want",
			       export_str(dr, "want"), "have",
			       export_str(dr, "have"), NULL);

	family(f, "daxmap_config_last_apply_sections", "gauge",
	       "What the last apply did with the sections: how many it left unchanged, created, recreated, left drifted and failed.");
	la = export_get(c, "last_apply");
	if (json_object_is_type(la, json_type_object)) {
		static const char *const outcomes[] = {
			"unchanged", "created", "recreated", "drifted", "failed",
		};
		uint64_t v;

		for (i = 0; i < ARRAY_SIZE(outcomes); i++)
			if (export_u64(la, outcomes[i], &v))
				sample(f, "daxmap_config_last_apply_sections",
				       v, "outcome", outcomes[i], NULL);
	}
}

int export_prometheus(json *doc, FILE *f)
{
	kernel_metrics(doc, f);
	region_metrics(doc, f);
	device_metrics(doc, f);
	host_metrics(doc, f);
	config_metrics(doc, f);
	return ferror(f) ? -ENOMEM : 0;
}
